/* Unit tests: query/form decoding, cookies, Authorization headers, body reading. */
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "http/cgi.h"
#include "unit.h"

struct fake {
	const char	**env;	/* name=value pairs */
	const char	*body;
	size_t		 len, off;
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
	struct fake *f = ctx;

	if (n > 3)
		n = 3;		/* short reads, as a pipe gives */
	if (n > f->len - f->off)
		n = f->len - f->off;
	memcpy(buf, f->body + f->off, n);
	f->off += n;
	return (ssize_t)n;
}

static int
fake_write(void *ctx, const void *b, size_t n)
{
	(void)ctx; (void)b; (void)n;
	return 0;
}

static int
parse(const char **env, const char *body, size_t cap, struct cgi_req *r)
{
	static struct fake	 f;
	static struct io	 io;

	f.env = env;
	f.body = body ? body : "";
	f.len = strlen(f.body);
	f.off = 0;
	io.getenv = fake_getenv;
	io.read = fake_read;
	io.write = fake_write;
	io.ctx = &f;
	return cgi_parse(r, &io, cap, 1);
}

static void
test_decode(void)
{
	static const struct {
		const char	*in;
		enum omi_err	 rc;
		const char	*name, *value;	/* first pair expected */
	} rows[] = {
		{ "a=1", OMI_OK, "a", "1" },
		{ "a=x+y%20z", OMI_OK, "a", "x y z" },
		{ "a=%E2%82%AC", OMI_OK, "a", "\xe2\x82\xac" },
		{ "&&a=1&", OMI_OK, "a", "1" },
		{ "flag", OMI_OK, "flag", "" },
		{ "a=%zz", OMI_INVALID, NULL, NULL },
		{ "a=%4", OMI_INVALID, NULL, NULL },
		{ "a=%", OMI_INVALID, NULL, NULL },
		{ "a=%00", OMI_INVALID, NULL, NULL },
		{ "a=%ff%fe", OMI_INVALID, NULL, NULL },	/* invalid UTF-8 */
		{ "a=%C0%AF", OMI_INVALID, NULL, NULL },	/* overlong '/' */
		{ "%41=b", OMI_OK, "A", "b" },
	};
	struct params	 p;
	const char	*v;
	size_t		 i;
	enum omi_err	 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&p, 0, sizeof(p));
		rc = params_decode(&p, rows[i].in, strlen(rows[i].in));
		CHECK(rc == rows[i].rc);
		if (rc == OMI_OK && rows[i].name) {
			CHECK(params_get(&p, rows[i].name, &v) == 1);
			CHECK(strcmp(v, rows[i].value) == 0);
		}
		params_free(&p);
	}
	memset(&p, 0, sizeof(p));
	CHECK(params_decode(&p, "a=1&b=2&a=3", 11) == OMI_OK);
	CHECK(params_get(&p, "a", &v) == -1);	/* duplicates are refused */
	CHECK(params_get(&p, "b", &v) == 1 && strcmp(v, "2") == 0);
	CHECK(params_get(&p, "c", &v) == 0);
	params_free(&p);
}

static void
test_cookie(void)
{
	char *v;

	v = cgi_cookie("a=1; omi_req=abc; b=2", "omi_req");
	CHECK(v && strcmp(v, "abc") == 0);
	free(v);
	v = cgi_cookie("xomi_req=1; omi_req=2", "omi_req");
	CHECK(v && strcmp(v, "2") == 0);
	free(v);
	CHECK(cgi_cookie("a=1", "omi_req") == NULL);
	CHECK(cgi_cookie(NULL, "omi_req") == NULL);
}

static void
test_auth(void)
{
	char		*id, *secret;
	const char	*tok;

	/* "client:s3:cr%25t" with ':' and an escaped '%' in the secret. */
	CHECK(cgi_auth_basic("Basic Y2xpZW50OnMzOmNyJTI1dA==", &id, &secret) ==
	    OMI_OK);
	CHECK(id && strcmp(id, "client") == 0);
	CHECK(secret && strcmp(secret, "s3:cr%t") == 0);
	free(id);
	free(secret);
	CHECK(cgi_auth_basic("basic YTpi", &id, &secret) == OMI_OK); /* a:b */
	free(id);
	free(secret);
	CHECK(cgi_auth_basic("Bearer abc", &id, &secret) == OMI_NOTFOUND);
	CHECK(cgi_auth_basic("Basic !!!", &id, &secret) == OMI_INVALID);
	/* No colon. */
	CHECK(cgi_auth_basic("Basic YWJj", &id, &secret) == OMI_INVALID);
	CHECK(cgi_auth_bearer("Bearer abc-_.~+/=", &tok) == 0);
	CHECK(strcmp(tok, "abc-_.~+/=") == 0);
	CHECK(cgi_auth_bearer("bearer  abc", &tok) == 0 &&
	    strcmp(tok, "abc") == 0);
	/* Bearer, malformed: -1. */
	CHECK(cgi_auth_bearer("Bearer ", &tok) == -1);
	CHECK(cgi_auth_bearer("Bearer", &tok) == -1);
	CHECK(cgi_auth_bearer("Bearer a b", &tok) == -1);
	CHECK(cgi_auth_bearer("Bearer a\r\nX: y", &tok) == -1);
	CHECK(cgi_auth_bearer("Bearer abc, Bearer abc", &tok) == -1);
	/* Not Bearer at all: 1. */
	CHECK(cgi_auth_bearer("Basic abc", &tok) == 1);
	CHECK(cgi_auth_bearer("Bearerabc", &tok) == 1);
	CHECK(cgi_auth_bearer("", &tok) == 1);
	CHECK(cgi_auth_bearer(NULL, &tok) == 1);
}

static void
test_body(void)
{
	struct cgi_req	 r;
	const char	*v;
	const char *ok[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=7",
	    "CONTENT_TYPE=application/x-www-form-urlencoded; charset=utf-8",
	    "QUERY_STRING=x=1", NULL };
	const char *big[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=11", NULL };
	const char *huge[] = { "REQUEST_METHOD=POST",
	    "CONTENT_LENGTH=99999999999999999999", NULL };
	const char *neg[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=-1", NULL };
	const char *abc[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=abc", NULL };
	const char *shrt[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=50", NULL };
	const char *chunked[] = { "REQUEST_METHOD=POST",
	    "CONTENT_TYPE=application/json", NULL };
	const char *get[] = { "REQUEST_METHOD=GET", "CONTENT_LENGTH=5", NULL };

	CHECK(parse(ok, "a=1&b=2", 100, &r) == 0);
	CHECK(r.body_type == BODY_FORM);
	CHECK(params_get(&r.form, "b", &v) == 1 && strcmp(v, "2") == 0);
	CHECK(params_get(&r.query, "x", &v) == 1 && strcmp(v, "1") == 0);
	cgi_free(&r);
	CHECK(parse(big, "0123456789a", 10, &r) == 413);
	cgi_free(&r);
	CHECK(parse(huge, "", 10, &r) == 413);
	cgi_free(&r);
	CHECK(parse(neg, "", 10, &r) == 400);
	cgi_free(&r);
	CHECK(parse(abc, "", 10, &r) == 400);
	cgi_free(&r);
	CHECK(parse(shrt, "only this", 100, &r) == 400);
	cgi_free(&r);
	/* No CONTENT_LENGTH (Apache with a chunked body): read to EOF. */
	CHECK(parse(chunked, "{\"a\":1}", 100, &r) == 0);
	CHECK(r.body_len == 7 && r.body_type == BODY_JSON);
	cgi_free(&r);
	CHECK(parse(chunked, "{\"a\":1234567}", 8, &r) == 413);
	cgi_free(&r);
	CHECK(parse(get, "hello", 100, &r) == 0 && r.body == NULL);
	cgi_free(&r);
}

int
main(void)
{
	test_decode();
	test_cookie();
	test_auth();
	test_body();
	return unit_done("test_cgi");
}
