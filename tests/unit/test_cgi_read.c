/*
 * Unit tests: cgi_parse when reading the body fails half-way. The bytes
 * already received must stay accounted for (body_len) and terminated, so
 * that cgi_free wipes them: a token request's body holds a client secret.
 * Found while writing fuzz_cgi (its FUZZ_EIO switch covers it).
 */
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "http/cgi.h"
#include "unit.h"

struct failing {
	const char	**env;
	const char	*body;
	size_t		 off, fail_at;
};

/* The environment is "name=value" strings, as libfcgi keeps its parameters. */
static const char *
f_getenv(void *ctx, const char *name)
{
	struct failing *f = ctx;

	return FCGX_GetParam(name, (char **)f->env);
}

/* Two bytes at a time, then an error at fail_at. */
static ssize_t
f_read(void *ctx, void *buf, size_t n)
{
	struct failing *f = ctx;

	if (f->off >= f->fail_at)
		return -1;
	if (n > 2)
		n = 2;
	if (n > f->fail_at - f->off)
		n = f->fail_at - f->off;
	memcpy(buf, f->body + f->off, n);
	f->off += n;
	return (ssize_t)n;
}

static int
f_write(void *ctx, const void *b, size_t n)
{
	(void)ctx; (void)b; (void)n;
	return 0;
}

static void
test_read_error(const char **env)
{
	struct failing	 f = { env, "client_secret=s3cr3t", 0, 9 };
	struct io	 io = { f_getenv, f_read, f_write, &f };
	struct cgi_req	 r;

	CHECK(cgi_parse(&r, &io, 100, 1) == 400);
	CHECK(r.body != NULL && r.body_len == 9);
	CHECK(r.body != NULL && memcmp(r.body, "client_se", 9) == 0 &&
	    r.body[9] == '\0');
	cgi_free(&r);
	CHECK(r.body == NULL);
}

int
main(void)
{
	const char *with_length[] = { "REQUEST_METHOD=POST",
	    "CONTENT_LENGTH=20", NULL };
	const char *chunked[] = { "REQUEST_METHOD=POST", NULL };

	test_read_error(with_length);
	test_read_error(chunked);
	return unit_done("test_cgi_read");
}
