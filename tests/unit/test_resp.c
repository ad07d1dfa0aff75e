/*
 * test_resp: http/resp.c, the only response writer. Each response is built
 * and sent through an io whose write appends to a buffer, and the bytes
 * are compared with the exact answer: the status line, the headers every
 * response carries, Content-Length, the body. Error bodies are parsed back
 * as JSON; HTML errors escape what they show; a header with a control
 * character turns the whole response into the fixed 500, with nothing of
 * the header's value in it.
 */
#include <string.h>

#include <jansson.h>

#include "http/io.h"
#include "http/resp.h"
#include "lib/buf.h"
#include "unit.h"

/* The headers every response carries after Content-Length. */
#define FIXED	"Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
#define FATAL	"Status: 500 Internal Server Error\r\n" \
		"Content-Type: application/json\r\n" FIXED "\r\n" \
		"{\"error\":\"server_error\",\"message\":\"internal error\"}\n"

struct sink {
	struct buf	 out;
	int		 writes;
	int		 fail;	/* the write that fails (1: the first), 0: none */
};

static int
sink_write(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;

	if (++s->writes == s->fail)
		return -1;
	return buf_append(&s->out, p, n);
}

/* Sends r into a fresh sink; returns resp_send's result. */
static int
send(struct resp *r, struct sink *s, int fail)
{
	struct io io = { 0 };

	memset(s, 0, sizeof(*s));
	s->fail = fail;
	io.write = sink_write;
	io.ctx = s;
	return resp_send(r, &io);
}

/* The body after the blank line of what was sent (NULL: none). */
static const char *
sent_body(const struct sink *s)
{
	const char *p;

	if (s->out.data == NULL || (p = strstr(s->out.data, "\r\n\r\n")) == NULL)
		return NULL;
	return p + 4;
}

enum kind { K_BODY, K_JSON, K_API, K_OAUTH, K_REDIRECT };

static void
test_table(void)
{
	static const struct {
		enum kind	 kind;
		int		 status;
		const char	*a, *b;	/* the builder's two strings */
		const char	*want;	/* exactly what is sent */
	} rows[] = {
		{ K_BODY, 200, "text/plain", "hi",
		    "Status: 200 OK\r\nContent-Type: text/plain\r\n"
		    "Content-Length: 2\r\n" FIXED "\r\nhi" },
		{ K_BODY, 204, "text/plain", "",
		    "Status: 204 No Content\r\nContent-Type: text/plain\r\n"
		    "Content-Length: 0\r\n" FIXED "\r\n" },
		{ K_BODY, 299, "text/plain", "x",
		    "Status: 299 Unknown\r\nContent-Type: text/plain\r\n"
		    "Content-Length: 1\r\n" FIXED "\r\nx" },
		{ K_JSON, 201, "[1,\"a\"]", NULL,
		    "Status: 201 Created\r\nContent-Type: application/json\r\n"
		    "Content-Length: 8\r\n" FIXED "\r\n[1,\"a\"]\n" },
		{ K_API, 400, "invalid_parameter", "limit is not a number",
		    "Status: 400 Bad Request\r\nContent-Type: application/json\r\n"
		    "Content-Length: 64\r\n" FIXED "\r\n"
		    "{\"error\":\"invalid_parameter\","
		    "\"message\":\"limit is not a number\"}\n" },
		{ K_API, 503, "busy", "try \"again\"",
		    "Status: 503 Service Unavailable\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: 43\r\n" FIXED "\r\n"
		    "{\"error\":\"busy\",\"message\":\"try \\\"again\\\"\"}\n" },
		{ K_OAUTH, 401, "invalid_client", "client authentication failed",
		    "Status: 401 Unauthorized\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: 78\r\n" FIXED "\r\n"
		    "{\"error\":\"invalid_client\","
		    "\"error_description\":\"client authentication failed\"}\n" },
		{ K_REDIRECT, 302, "https://chatgpt.com/cb?code=a&state=b", NULL,
		    "Status: 302 Found\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: 0\r\n" FIXED
		    "Location: https://chatgpt.com/cb?code=a&state=b\r\n\r\n" },
		{ K_REDIRECT, 303, "/next", NULL,
		    "Status: 303 See Other\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: 0\r\n" FIXED "Location: /next\r\n\r\n" },
		/* A CR or LF in a Location: the fixed 500, nothing of it. */
		{ K_REDIRECT, 302, "https://a/\r\nSet-Cookie: x=1", NULL, FATAL },
		{ K_REDIRECT, 302, "https://a/\nx", NULL, FATAL },
	};
	struct resp	 r;
	struct sink	 s;
	json_t		*j;
	size_t		 i;
	int		 ok;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		resp_init(&r);
		switch (rows[i].kind) {
		case K_BODY:
			resp_body(&r, rows[i].status, rows[i].a, rows[i].b,
			    strlen(rows[i].b));
			break;
		case K_JSON:
			j = json_loads(rows[i].a, 0, NULL);
			resp_json(&r, rows[i].status, j);
			json_decref(j);
			break;
		case K_API:
			resp_api_error(&r, rows[i].status, rows[i].a, rows[i].b);
			break;
		case K_OAUTH:
			resp_oauth_error(&r, rows[i].status, rows[i].a,
			    rows[i].b);
			break;
		case K_REDIRECT:
			resp_redirect(&r, rows[i].status, rows[i].a);
			break;
		}
		ok = send(&r, &s, 0) == 0 && s.out.data != NULL &&
		    strcmp(s.out.data, rows[i].want) == 0;
		if (!ok)
			fprintf(stderr, "row %zu sent:\n%s\n", i,
			    s.out.data ? s.out.data : "(nothing)");
		CHECK(ok);
		buf_free(&s.out);
		resp_free(&r);
	}
}

/* Error bodies are JSON with exactly the two members given. */
static void
test_error_json(void)
{
	static const struct {
		int		 oauth;
		const char	*code, *text;
	} rows[] = {
		{ 0, "not_found", "no such conversation" },
		{ 0, "x", "quote \" backslash \\ tab \t \xc3\xa9" },
		{ 1, "invalid_grant", "the code was already used" },
		{ 1, "invalid_request", "" },
	};
	struct resp	 r;
	struct sink	 s;
	json_t		*j;
	const char	*k2;
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		resp_init(&r);
		k2 = rows[i].oauth ? "error_description" : "message";
		if (rows[i].oauth)
			resp_oauth_error(&r, 400, rows[i].code, rows[i].text);
		else
			resp_api_error(&r, 400, rows[i].code, rows[i].text);
		CHECK(send(&r, &s, 0) == 0);
		j = sent_body(&s) ? json_loads(sent_body(&s),
		    JSON_REJECT_DUPLICATES, NULL) : NULL;
		CHECK(j != NULL && json_object_size(j) == 2 &&
		    strcmp(json_string_value(json_object_get(j, "error")),
		    rows[i].code) == 0 &&
		    strcmp(json_string_value(json_object_get(j, k2)),
		    rows[i].text) == 0);
		json_decref(j);
		buf_free(&s.out);
		resp_free(&r);
	}
}

/* An HTML error escapes its title and message; nothing arrives raw. */
static void
test_html_error(void)
{
	struct resp	 r;
	struct sink	 s;
	const char	*b;

	resp_init(&r);
	resp_html_error(&r, 404, "<script>t</script>", "a & \"b\" 'c'");
	CHECK(send(&r, &s, 0) == 0);
	CHECK(strncmp(s.out.data, "Status: 404 Not Found\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n", 63) == 0);
	b = sent_body(&s);
	CHECK(b != NULL && strstr(b, "<script>") == NULL &&
	    strstr(b, "<title>&lt;script&gt;t&lt;/script&gt;</title>") != NULL &&
	    strstr(b, "<h1>&lt;script&gt;t&lt;/script&gt;</h1>") != NULL &&
	    strstr(b, "<p>a &amp; &quot;b&quot; &#39;c&#39;</p>") != NULL);
	buf_free(&s.out);
	resp_free(&r);
}

/* Headers: added in order, looked up by name, refused with control bytes. */
static void
test_headers(void)
{
	static const struct {
		const char	*name, *value;
		int		 ok;
	} rows[] = {
		{ "Allow", "GET, HEAD", 1 },
		{ "WWW-Authenticate", "Bearer realm=\"omi\"", 1 },
		{ "Retry-After", "5", 1 },
		{ "X-A", "a\rb", 0 },
		{ "X-A", "a\nb", 0 },
		{ "X-A", "a\tb", 0 },
		{ "X-A", "a\x7f", 0 },
		{ "X-\nA", "b", 0 },
	};
	struct resp	 r;
	struct sink	 s;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		resp_init(&r);
		resp_header(&r, rows[i].name, rows[i].value);
		resp_body(&r, 200, "text/plain", "ok", 2);
		rc = send(&r, &s, 0);
		if (rows[i].ok)
			CHECK(rc == 0 && strstr(s.out.data, FIXED) != NULL &&
			    resp_has_header(&r, rows[i].name) &&
			    strstr(s.out.data, rows[i].value) != NULL &&
			    strcmp(sent_body(&s), "ok") == 0);
		else
			CHECK(rc == 0 && strcmp(s.out.data, FATAL) == 0);
		buf_free(&s.out);
		resp_free(&r);
	}
	resp_init(&r);
	resp_header(&r, "X-Ab", "1");
	resp_header(&r, "allow", "GET");
	CHECK(resp_has_header(&r, "ALLOW") && resp_has_header(&r, "x-ab"));
	CHECK(!resp_has_header(&r, "X-A") && !resp_has_header(&r, "Allo") &&
	    !resp_has_header(&r, "Location"));
	/* resp_reset drops headers and body and starts over at 500. */
	resp_body(&r, 200, "text/plain", "x", 1);
	resp_reset(&r);
	CHECK(!resp_has_header(&r, "Allow") && r.status == 500 &&
	    r.body.len == 0 && strcmp(r.ctype, "application/json") == 0);
	resp_free(&r);
}

/* HEAD, write failures, the fatal answer, and a response never filled. */
static void
test_send(void)
{
	struct resp	 r;
	struct sink	 s;
	struct io	 io = { 0 };

	resp_init(&r);
	resp_body(&r, 200, "text/plain", "hello", 5);
	r.head_only = 1;
	CHECK(send(&r, &s, 0) == 0 && strcmp(s.out.data, "Status: 200 OK\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 5\r\n" FIXED
	    "\r\n") == 0);
	buf_free(&s.out);
	r.head_only = 0;
	CHECK(send(&r, &s, 1) == -1);
	buf_free(&s.out);
	CHECK(send(&r, &s, 2) == -1 && s.writes == 2);
	buf_free(&s.out);
	resp_free(&r);
	/* Nothing set: a 500 with an empty JSON body, never a torn answer. */
	resp_init(&r);
	CHECK(send(&r, &s, 0) == 0 && strcmp(s.out.data,
	    "Status: 500 Internal Server Error\r\n"
	    "Content-Type: application/json\r\nContent-Length: 0\r\n" FIXED
	    "\r\n") == 0);
	buf_free(&s.out);
	resp_free(&r);
	memset(&s, 0, sizeof(s));
	io.write = sink_write;
	io.ctx = &s;
	resp_send_fatal(&io);
	CHECK(s.out.data != NULL && strcmp(s.out.data, FATAL) == 0);
	buf_free(&s.out);
	CHECK(strcmp(resp_reason(429), "Too Many Requests") == 0 &&
	    strcmp(resp_reason(413), "Content Too Large") == 0 &&
	    strcmp(resp_reason(0), "Unknown") == 0);
}

int
main(void)
{
	test_table();
	test_error_json();
	test_html_error();
	test_headers();
	test_send();
	return unit_done("test_resp");
}
