/*
 * oauth-redirect: which redirect URIs the client may use, and building the
 * redirect back to it. Matching is a plain string comparison (RFC 9700 2.1:
 * exact match; no normalisation, so "HTTPS://", "chatgpt.com.", "%2F" or an
 * added query never match), with one narrow wildcard for the GPT id in the
 * ChatGPT callback: '*' matches 1 to 128 characters of [A-Za-z0-9_-], which
 * can never reach past a '/', '.', '?', '#', '@' or ':'.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/oauth.h"
#include "lib/buf.h"
#include "lib/enc.h"
#include "lib/text.h"

#define STAR_MAX	128
/*
 * At most this many wildcards in a pattern. Each '*' tries up to STAR_MAX
 * lengths, so matching a crafted redirect_uri costs STAR_MAX^stars steps:
 * two are instant, five took seconds and six minutes of CPU per request.
 * A pattern with more never matches and cannot be registered.
 */
#define STARS_MAX	2

static int
star_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static size_t
stars(const char *p)
{
	size_t n = 0;

	while ((p = strchr(p, '*')) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* What one '*' matched, for the GPT pin. */
struct star_cap {
	const char	*at;
	size_t		 len;
};

/* cap (NULL: not wanted) has room for every '*' of p. */
static int
match(const char *p, const char *u, struct star_cap *cap)
{
	size_t n, k;

	for (; *p != '\0'; p++, u++) {
		if (*p != '*') {
			if (*p != *u)
				return 0;
			continue;
		}
		for (n = 0; n < STAR_MAX && star_char(u[n]); n++)
			continue;
		/* Longest run first; shorter ones when the rest needs them. */
		for (k = n; k >= 1; k--)
			if (match(p + 1, u + k, cap ? cap + 1 : NULL)) {
				if (cap != NULL) {
					cap->at = u;
					cap->len = k;
				}
				return 1;
			}
		return 0;
	}
	return *u == '\0';
}

int
oauth_redirect_match(const char *p, const char *u)
{
	return stars(p) <= STARS_MAX && match(p, u, NULL);
}

/* The length of "scheme://authority" of uri, or 0 when it has none. */
static size_t
authority_end(const char *uri)
{
	const char *a;

	if (strncmp(uri, "https://", 8) == 0)
		a = uri + 8;
	else if (strncmp(uri, "http://", 7) == 0)
		a = uri + 7;
	else
		return 0;
	return (size_t)(a - uri) + strcspn(a, "/?#");
}

int
oauth_redirect_allowed(const struct config *c, const char *uri)
{
	size_t i, n = strlen(uri);

	/* RFC 6749 3.1.2: absolute, no fragment; nothing that could split
	 * a header or hide in one. */
	if (n == 0 || n > OAUTH_URI_MAX || has_ctl(uri, n) ||
	    strpbrk(uri, " #\\") != NULL || authority_end(uri) == 0)
		return 0;
	for (i = 0; i < c->nredirect; i++)
		if (oauth_redirect_match(c->redirect_uris[i], uri))
			return 1;
	return 0;
}

int
oauth_redirect_star(const struct config *c, const char *uri, char *out,
    size_t outlen)
{
	struct star_cap	 cap[STARS_MAX];
	size_t		 i, k, n, len;

	if (!oauth_redirect_allowed(c, uri))
		return -1;
	/* A callback registered as it is needs no pin. */
	for (i = 0; i < c->nredirect; i++)
		if (stars(c->redirect_uris[i]) == 0 &&
		    strcmp(c->redirect_uris[i], uri) == 0)
			return 0;
	for (i = 0; i < c->nredirect; i++) {
		n = stars(c->redirect_uris[i]);
		if (n == 0 || n > STARS_MAX ||
		    !match(c->redirect_uris[i], uri, cap))
			continue;
		/* The parts joined by '/', which none of them holds. */
		for (k = 0, len = 0; k < n; k++) {
			if (len + (k > 0) + cap[k].len >= outlen)
				return -1;
			if (k > 0)
				out[len++] = '/';
			memcpy(out + len, cap[k].at, cap[k].len);
			len += cap[k].len;
		}
		out[len] = '\0';
		return 1;
	}
	return -1;
}

static int
loopback_host(const char *host, size_t n)
{
	static const char *const names[] = { "localhost", "127.0.0.1",
	    "[::1]", NULL };
	size_t i, k;

	for (i = 0; names[i] != NULL; i++) {
		k = strlen(names[i]);
		if (n >= k && memcmp(host, names[i], k) == 0 &&
		    (n == k || host[k] == ':'))
			return 1;
	}
	return 0;
}

int
oauth_redirect_pattern_ok(const char *p)
{
	size_t		 n = strlen(p), end, skip;
	const char	*host;

	if (n == 0 || n > OAUTH_URI_MAX || has_ctl(p, n) ||
	    strpbrk(p, " #\\\"<>") != NULL || (end = authority_end(p)) == 0)
		return 0;
	skip = p[4] == 's' ? 8 : 7;
	host = p + skip;
	if (end == skip || memchr(host, '@', end - skip) != NULL ||
	    memchr(p, '*', end) != NULL || stars(p) > STARS_MAX)
		return 0;
	if (skip == 7 && !loopback_host(host, end - skip))
		return 0;
	/* A wildcard must not be able to swallow the path's start. */
	return p[end] == '/';
}

int
oauth_redirect_origin(const char *uri, char *out, size_t outlen)
{
	size_t n = authority_end(uri);

	if (n == 0 || n >= outlen)
		return -1;
	memcpy(out, uri, n);
	out[n] = '\0';
	return 0;
}

int
oauth_wellknown_suffix(const char *base_url, const char *suffix)
{
	const char	*path;
	size_t		 n, len;

	if (*suffix == '\0')
		return 1;
	if (base_url == NULL || (n = authority_end(base_url)) == 0)
		return 0;
	path = base_url + n;
	len = strcspn(path, "?#");
	/* A base URL written with a trailing slash has the same path. */
	if (len > 0 && path[len - 1] == '/')
		len--;
	return len > 0 && strlen(suffix) == len &&
	    strncmp(path, suffix, len) == 0;
}

char *
oauth_redirect_build(const char *uri, ...)
{
	struct buf	 b = { 0 };
	va_list		 ap;
	const char	*name, *value;
	char		 sep = strchr(uri, '?') != NULL ? '&' : '?';

	buf_puts(&b, uri);
	va_start(ap, uri);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (value == NULL || *value == '\0')
			continue;
		/* RFC 6749 4.1.2: keep the URI's own query, add ours. */
		if (b.len > 0 && b.data[b.len - 1] != '?' &&
		    b.data[b.len - 1] != '&')
			buf_putc(&b, sep);
		sep = '&';
		buf_puts(&b, name);
		buf_putc(&b, '=');
		url_encode_component(&b, value);
	}
	va_end(ap);
	return buf_take(&b);
}
