/*
 * Unit tests of app: the one writer of store errors, app_store_error().
 * Every enum omi_err value in each program's format, against a table of
 * the status, the Retry-After and the error code each must produce; the
 * whole response as resp_send() writes it, to see the headers every
 * answer carries and that no cause of the error reaches the client.
 */
#include <string.h>

#include <jansson.h>

#include "http/app.h"
#include "lib/buf.h"
#include "unit.h"

static int
capture(void *ctx, const void *b, size_t n)
{
	return buf_append(ctx, b, n);
}

static const char *
no_env(void *ctx, const char *name)
{
	(void)ctx; (void)name;
	return NULL;
}

/* The response app_store_error writes for err in style, as sent. */
static void
answer(enum app_errors style, enum omi_err err, struct resp *r,
    struct buf *out)
{
	struct app	a;
	struct io	io = { no_env, NULL, capture, out };

	memset(&a, 0, sizeof(a));
	resp_init(&a.resp);
	app_store_error(&a, style, err);
	*r = a.resp;
	buf_reset(out);
	CHECK(resp_send(&a.resp, &io) == 0);
	CHECK(!out->failed);
	buf_putc(out, '\0');
}

/* The value of the "error" member of a JSON body, or NULL. */
static char *
json_error(const struct resp *r)
{
	json_t		*j;
	const char	*v;
	char		*s = NULL;

	j = json_loadb(r->body.data, r->body.len, 0, NULL);
	if (j != NULL && (v = json_string_value(json_object_get(j, "error")))
	    != NULL)
		s = strdup(v);
	json_decref(j);
	return s;
}

static void
test_mapping(void)
{
	static const struct {
		enum omi_err	 err;
		int		 status;
		const char	*retry;		/* NULL: no Retry-After */
		const char	*api;		/* the API's error code */
	} t[] = {
		{ OMI_BUSY, 503, "1", "storage_unavailable" },
		{ OMI_READONLY, 503, "1", "storage_unavailable" },
		{ OMI_CORRUPT, 503, "1", "storage_unavailable" },
		{ OMI_ERROR, 503, "1", "storage_unavailable" },
		{ OMI_FULL, 507, NULL, "insufficient_storage" },
		{ OMI_NOMEM, 500, NULL, "server_error" },
		{ OMI_NOTFOUND, 500, NULL, "server_error" },
		{ OMI_INVALID, 500, NULL, "server_error" },
		{ OMI_OK, 500, NULL, "server_error" },
		{ (enum omi_err)99, 500, NULL, "server_error" },
	};
	static const enum app_errors styles[] = {
		APP_ERR_API, APP_ERR_OAUTH, APP_ERR_HTML
	};
	struct buf	 out = { 0 };
	struct resp	 r;
	char		 want[64];
	char		*code;
	size_t		 i, k;

	CHECK(strcmp(APP_RETRY_AFTER, "1") == 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (k = 0; k < 3; k++) {
			answer(styles[k], t[i].err, &r, &out);
			CHECK(r.status == t[i].status);
			snprintf(want, sizeof(want), "Status: %d ",
			    t[i].status);
			CHECK(strncmp(out.data, want, strlen(want)) == 0);
			CHECK(strstr(out.data,
			    "\r\nCache-Control: no-store\r\n") != NULL);
			if (t[i].retry != NULL) {
				snprintf(want, sizeof(want),
				    "\r\nRetry-After: %s\r\n", t[i].retry);
				CHECK(strstr(out.data, want) != NULL);
			} else
				CHECK(!resp_has_header(&r, "Retry-After"));
			/* Nothing of the cause: neither errno's text nor
			 * the log's. */
			CHECK(strstr(out.data, "ermission") == NULL);
			CHECK(t[i].err == OMI_OK || strstr(out.data,
			    omi_strerror(t[i].err)) == NULL);
			switch (styles[k]) {
			case APP_ERR_API:
				CHECK(strcmp(r.ctype, "application/json") == 0);
				code = json_error(&r);
				CHECK(code != NULL &&
				    strcmp(code, t[i].api) == 0);
				free(code);
				break;
			case APP_ERR_OAUTH:
				/* RFC 6749 5.2 has no other code for it. */
				CHECK(strcmp(r.ctype, "application/json") == 0);
				code = json_error(&r);
				CHECK(code != NULL &&
				    strcmp(code, "server_error") == 0);
				free(code);
				break;
			case APP_ERR_HTML:
				CHECK(strncmp(r.ctype, "text/html", 9) == 0);
				CHECK(strstr(out.data, "<!doctype html>") !=
				    NULL);
				break;
			}
			resp_free(&r);
		}
	buf_free(&out);
}

int
main(void)
{
	test_mapping();
	return unit_done("test_app");
}
