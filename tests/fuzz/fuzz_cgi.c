/*
 * fuzz_cgi: a whole request through cgi_parse, as a program's main sees
 * it, then the lookups a handler makes (parameters, the Authorization
 * header, a cookie). The input looks like an HTTP message so that seeds
 * stay readable:
 *
 *	NAME=value\n		one CGI meta-variable per line (first wins)
 *	...
 *	\n			a blank line ends the environment
 *	body bytes		what the server sends on stdin
 *
 * Reads come back in short, varying pieces, as from a pipe, and the
 * test-only variable FUZZ_EIO=N makes the read fail after N bytes. The
 * body cap is small (FUZZ_MAX_BODY) so the 413 paths are reachable.
 * Promises checked: the answer is 0 or one of the documented statuses; a
 * body that was read is NUL-terminated and, for 0, exactly CONTENT_LENGTH
 * long when that was given; cgi_free releases everything on every path.
 */
#include <fcgiapp.h>

#include "fuzz.h"
#include "http/cgi.h"
#include "lib/text.h"

#define FUZZ_MAX_BODY	1024
#define FUZZ_MAX_ENV	64

struct fake {
	const char	*env[FUZZ_MAX_ENV + 1];
	const char	*body;
	size_t		 len, off, reads;
	uint64_t	 eio;		/* fail once off reaches this */
};

/* The environment is "name=value" strings, as libfcgi keeps its parameters. */
static const char *
fake_getenv(void *ctx, const char *name)
{
	struct fake *f = ctx;

	return FCGX_GetParam(name, (char **)f->env);
}

static ssize_t
fake_read(void *ctx, void *buf, size_t n)
{
	static const size_t	 pieces[] = { 1, 7, 4096, 3, 65536 };
	struct fake		*f = ctx;
	size_t			 piece;

	if (f->off >= f->eio)
		return -1;
	piece = pieces[f->reads++ % (sizeof(pieces) / sizeof(pieces[0]))];
	if (n > piece)
		n = piece;
	if (n > f->len - f->off)
		n = f->len - f->off;
	if ((uint64_t)n > f->eio - f->off)
		n = (size_t)(f->eio - f->off);
	memcpy(buf, f->body + f->off, n);
	f->off += n;
	return (ssize_t)n;
}

static int
fake_write(void *ctx, const void *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return 0;
}

/* Splits the input into meta-variables (in place) and the body. */
static void
split(char *in, size_t size, struct fake *f)
{
	char	*p = in, *end = in + size, *nl;
	size_t	 n = 0;

	memset(f, 0, sizeof(*f));
	f->eio = UINT64_MAX;
	while (p < end && *p != '\n' &&
	    (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		*nl = '\0';
		if (n < FUZZ_MAX_ENV)
			f->env[n++] = p;
		p = nl + 1;
	}
	f->env[n] = NULL;
	if (p < end && *p == '\n')	/* the blank line */
		p++;
	f->body = p;
	f->len = (size_t)(end - p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgi_req	 r;
	struct fake	 f;
	struct io	 io;
	const char	*v, *cl, *tok;
	char		*in, *id, *secret, *c;
	uint64_t	 len;
	int		 rc;

	/* A copy: the body keeps its bytes, NULs included. */
	if ((in = malloc(size + 1)) == NULL)
		abort();
	memcpy(in, data, size);
	in[size] = '\0';
	split(in, size, &f);
	if ((v = fake_getenv(&f, "FUZZ_EIO")) != NULL &&
	    parse_u64(v, UINT64_MAX, &len) == 0)
		f.eio = len;
	io.getenv = fake_getenv;
	io.read = fake_read;
	io.write = fake_write;
	io.ctx = &f;

	rc = cgi_parse(&r, &io, FUZZ_MAX_BODY, 1);
	FUZZ_ASSERT(rc == 0 || rc == 400 || rc == 413 || rc == 414);
	if (r.body != NULL)
		FUZZ_ASSERT(r.body[r.body_len] == '\0');
	if (rc == 0) {
		FUZZ_ASSERT(strlen(r.query_string) <= CGI_MAX_QUERY);
		FUZZ_ASSERT(r.body_len <= FUZZ_MAX_BODY);
		cl = fake_getenv(&f, "CONTENT_LENGTH");
		if (r.body != NULL && cl != NULL && *cl != '\0')
			FUZZ_ASSERT(parse_u64(cl, UINT64_MAX, &len) == 0 &&
			    len == r.body_len);
		/* What the programs look up next. */
		(void)params_get(&r.query, "uid", &v);
		(void)params_get(&r.form, "client_id", &v);
		if (cgi_auth_basic(r.authorization, &id, &secret) == OMI_OK) {
			free(id);
			free(secret);
		}
		(void)cgi_auth_bearer(r.authorization, &tok);
		if ((c = cgi_cookie(r.cookie, "omi_req")) != NULL)
			free(c);
	}
	cgi_free(&r);
	free(in);
	return 0;
}
