/*
 * cgi: request parsing (see cgi.h). Nothing here trusts a length it did not
 * check: CONTENT_LENGTH goes through parse_u64 with the caller's cap before
 * a byte is allocated, and the body is read in a loop until exactly that
 * many bytes arrived (RFC 3875 4.2: never read past CONTENT_LENGTH).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "http/cgi.h"
#include "lib/text.h"

static const char *
env_or(const struct cgi_req *r, const char *name, const char *dflt)
{
	const char *v = r->io->getenv(r->io->ctx, name);

	return v != NULL ? v : dflt;
}

const char *
cgi_getenv(const struct cgi_req *r, const char *name)
{
	return r->io->getenv(r->io->ctx, name);
}

/* Decodes one urlencoded component into a new string; NULL with *bad set. */
static char *
decode_component(const char *s, size_t n, int *bad)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= n)
				goto malformed;
			if ((hi = hex_digit((unsigned char)s[i + 1])) < 0 ||
			    (lo = hex_digit((unsigned char)s[i + 2])) < 0)
				goto malformed;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	if (!valid_utf8(out, (size_t)(o - out)))
		goto malformed;
	return out;
malformed:
	free(out);
	*bad = 1;
	return NULL;
}

enum omi_err
params_decode(struct params *p, const char *s, size_t n)
{
	const char	*end = s + n, *amp, *eq;
	struct param	*nv;
	char		*name, *value;
	int		 bad = 0;

	while (s < end) {
		if ((amp = memchr(s, '&', (size_t)(end - s))) == NULL)
			amp = end;
		if (amp == s) {			/* "a=1&&b=2" */
			s++;
			continue;
		}
		if ((eq = memchr(s, '=', (size_t)(amp - s))) == NULL)
			eq = amp;
		name = decode_component(s, (size_t)(eq - s), &bad);
		value = eq < amp ?
		    decode_component(eq + 1, (size_t)(amp - eq - 1), &bad) :
		    decode_component("", 0, &bad);
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			return bad ? OMI_INVALID : OMI_NOMEM;
		}
		nv = reallocarray(p->v, p->n + 1, sizeof(*p->v));
		if (nv == NULL) {
			free(name);
			free(value);
			return OMI_NOMEM;
		}
		p->v = nv;
		p->v[p->n].name = name;
		p->v[p->n].value = value;
		p->n++;
		s = amp + 1;
	}
	return OMI_OK;
}

void
params_free(struct params *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

int
params_get(const struct params *p, const char *name, const char **value)
{
	size_t	 i;
	int	 found = 0;

	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].name, name) != 0)
			continue;
		if (found)
			return -1;
		*value = p->v[i].value;
		found = 1;
	}
	return found;
}

static enum body_type
classify(const char *ctype)
{
	size_t n;

	if (ctype == NULL)
		return BODY_NONE;
	n = strcspn(ctype, ";");
	while (n > 0 && isspace((unsigned char)ctype[n - 1]))
		n--;
	if (n == 33 && strncasecmp(ctype,
	    "application/x-www-form-urlencoded", n) == 0)
		return BODY_FORM;
	if ((n == 16 && strncasecmp(ctype, "application/json", n) == 0) ||
	    (n > 5 && strncasecmp(ctype + n - 5, "+json", 5) == 0))
		return BODY_JSON;
	return BODY_OTHER;
}

/*
 * Reads and discards a body we refuse, up to CGI_DRAIN_MAX bytes: a server
 * that is still sending it when we exit resets the connection, and the
 * client would see that instead of our 413.
 */
static void
drain(struct cgi_req *r, uint64_t len)
{
	char	 sink[65536];
	ssize_t	 n;

	if (len > CGI_DRAIN_MAX)
		return;
	while (len > 0 && (n = r->io->read(r->io->ctx, sink,
	    len < sizeof(sink) ? (size_t)len : sizeof(sink))) > 0)
		len -= (uint64_t)n;
}

/* Reads up to max bytes until EOF; 413 when more remain. */
static int
read_body(struct cgi_req *r, int have_length, size_t length, size_t max)
{
	size_t	 want = have_length ? length : max + 1, got = 0, cap;
	ssize_t	 n;
	char	*p;
	int	 rc = 0;

	cap = have_length ? length + 1 : 65536;
	if ((r->body = malloc(cap)) == NULL)
		return 500;
	while (got < want) {
		if (got + 1 >= cap) {
			cap = cap > want / 2 ? want + 1 : cap * 2;
			if ((p = realloc(r->body, cap)) == NULL) {
				rc = 500;
				break;
			}
			r->body = p;
		}
		n = r->io->read(r->io->ctx, r->body + got,
		    (have_length ? want : cap - 1) - got);
		if (n == 0)
			break;
		if (n < 0) {
			rc = 400;
			break;
		}
		got += (size_t)n;
	}
	/*
	 * Also after a failed read: body_len must cover every byte received,
	 * so that cgi_free wipes a partial body (it may hold a secret).
	 */
	r->body[got] = '\0';
	r->body_len = got;
	if (rc != 0)
		return rc;
	if (have_length && got != length)
		return 400;		/* the client sent less than it announced */
	if (!have_length && got > max) {
		drain(r, CGI_DRAIN_MAX);
		return 413;
	}
	return 0;
}

int
cgi_parse(struct cgi_req *r, const struct io *io, size_t max_body,
    int read_body_flag)
{
	const char	*cl;
	uint64_t	 len = 0;
	enum omi_err	 err;
	int		 rc = 0, have_length;

	memset(r, 0, sizeof(*r));
	r->io = io;
	r->method = env_or(r, "REQUEST_METHOD", "GET");
	r->path_info = env_or(r, "PATH_INFO", "");
	r->query_string = env_or(r, "QUERY_STRING", "");
	r->content_type = env_or(r, "CONTENT_TYPE", NULL);
	r->authorization = env_or(r, "HTTP_AUTHORIZATION", NULL);
	/* Shared hosts: .htaccess rewrites pass it through an internal redirect. */
	if (r->authorization == NULL || *r->authorization == '\0')
		r->authorization = env_or(r, "REDIRECT_HTTP_AUTHORIZATION", NULL);
	if (r->authorization != NULL && *r->authorization == '\0')
		r->authorization = NULL;
	r->cookie = env_or(r, "HTTP_COOKIE", NULL);
	cl = env_or(r, "HTTPS", "");
	r->https = strcasecmp(cl, "on") == 0 || strcmp(cl, "1") == 0;
	r->body_type = classify(r->content_type);

	if (strlen(r->query_string) > CGI_MAX_QUERY)
		rc = 414;
	else if ((err = params_decode(&r->query, r->query_string,
	    strlen(r->query_string))) != OMI_OK)
		rc = err == OMI_INVALID ? 400 : 500;
	if (rc != 0) {
		/* Refused before the body: still take it off the wire. */
		cl = env_or(r, "CONTENT_LENGTH", NULL);
		if (cl == NULL || *cl == '\0')
			drain(r, strcmp(r->method, "POST") == 0 ? CGI_DRAIN_MAX : 0);
		else if (parse_u64(cl, CGI_DRAIN_MAX, &len) == 0)
			drain(r, len);
		return rc;
	}

	if (!read_body_flag || strcmp(r->method, "GET") == 0 ||
	    strcmp(r->method, "HEAD") == 0)
		return 0;
	cl = env_or(r, "CONTENT_LENGTH", NULL);
	have_length = cl != NULL && *cl != '\0';
	if (have_length) {
		if ((rc = parse_u64(cl, UINT64_MAX, &len)) == -1)
			return 400;
		if (rc == 1 || len > max_body) {
			drain(r, rc == 1 ? UINT64_MAX : len);
			return 413;
		}
	}
	if ((rc = read_body(r, have_length, (size_t)len, max_body)) != 0)
		return rc;
	if (r->body_type == BODY_FORM && read_body_flag == CGI_BODY_FORM) {
		if (memchr(r->body, '\0', r->body_len) != NULL)
			return 400;
		if ((err = params_decode(&r->form, r->body, r->body_len)) !=
		    OMI_OK)
			return err == OMI_INVALID ? 400 : 500;
	}
	return 0;
}

void
cgi_free(struct cgi_req *r)
{
	params_free(&r->query);
	params_free(&r->form);
	if (r->body != NULL)
		sodium_memzero(r->body, r->body_len);
	free(r->body);
	r->body = NULL;
}

char *
cgi_cookie(const char *header, const char *name)
{
	size_t		 nlen = strlen(name), vlen;
	const char	*p = header;

	if (header == NULL)
		return NULL;
	while (*p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			p += nlen + 1;
			vlen = strcspn(p, ";");
			while (vlen > 0 && p[vlen - 1] == ' ')
				vlen--;
			return strndup(p, vlen);
		}
		p += strcspn(p, ";");
	}
	return NULL;
}

enum omi_err
cgi_auth_basic(const char *header, char **id, char **secret)
{
	unsigned char	 raw[1024];
	size_t		 rawlen;
	const char	*b64, *colon;
	enum omi_err	 err = OMI_INVALID;
	int		 bad = 0;

	*id = *secret = NULL;
	if (header == NULL || strncasecmp(header, "Basic ", 6) != 0)
		return OMI_NOTFOUND;
	for (b64 = header + 6; *b64 == ' '; b64++)
		continue;
	if (sodium_base642bin(raw, sizeof(raw) - 1, b64, strlen(b64), NULL,
	    &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return OMI_INVALID;
	raw[rawlen] = '\0';
	if (memchr(raw, '\0', rawlen) != NULL ||
	    (colon = strchr((char *)raw, ':')) == NULL)
		goto fail;
	/* RFC 6749 2.3.1: both halves are form-urlencoded before encoding. */
	*id = decode_component((char *)raw, (size_t)(colon - (char *)raw), &bad);
	*secret = decode_component(colon + 1, strlen(colon + 1), &bad);
	if (*id == NULL || *secret == NULL) {
		if (!bad)
			err = OMI_NOMEM;
		goto fail;
	}
	sodium_memzero(raw, sizeof(raw));
	return OMI_OK;
fail:
	sodium_memzero(raw, sizeof(raw));
	free(*id);
	free(*secret);
	*id = *secret = NULL;
	return err;
}

int
cgi_auth_bearer(const char *header, const char **token)
{
	const char *t, *c;

	if (header == NULL || strncasecmp(header, "Bearer", 6) != 0 ||
	    (header[6] != ' ' && header[6] != '\0'))
		return 1;
	for (t = header + 6; *t == ' '; t++)
		continue;
	if (*t == '\0')
		return -1;
	/* RFC 6750 2.1 b64token: ALPHA DIGIT - . _ ~ + / then '=' padding. */
	for (c = t; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && strchr("-._~+/=", *c) == NULL)
			return -1;
	*token = t;
	return 0;
}
