/*
 * resp: response building and the single place that writes to the client.
 * Error bodies come from fixed strings chosen by the caller; request data is
 * never echoed into an error except through an encoder for its context.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/resp.h"
#include "lib/buf.h"
#include "lib/enc.h"
#include "lib/text.h"

static const struct {
	int		 code;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 204, "No Content" },
	{ 302, "Found" }, { 303, "See Other" }, { 304, "Not Modified" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 409, "Conflict" }, { 411, "Length Required" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 423, "Locked" },
	{ 429, "Too Many Requests" }, { 500, "Internal Server Error" },
	{ 501, "Not Implemented" }, { 503, "Service Unavailable" },
	{ 507, "Insufficient Storage" },
};

static const char fatal_response[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "\r\n"
    "{\"error\":\"server_error\",\"message\":\"internal error\"}\n";

const char *
resp_reason(int status)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].reason;
	return "Unknown";
}

void
resp_init(struct resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 500;
	r->ctype = "application/json";
}

void
resp_free(struct resp *r)
{
	buf_free(&r->head);
	buf_free(&r->body);
}

void
resp_reset(struct resp *r)
{
	resp_free(r);
	resp_init(r);
}

void
resp_header(struct resp *r, const char *name, const char *value)
{
	/* A CR or LF here would start a header of the attacker's choosing. */
	if (has_ctl(name, strlen(name)) || has_ctl(value, strlen(value))) {
		r->failed = 1;
		return;
	}
	buf_printf(&r->head, "%s: %s\r\n", name, value);
}

int
resp_has_header(const struct resp *r, const char *name)
{
	const char	*line = r->head.data;
	size_t		 n = strlen(name);

	while (line != NULL && *line != '\0') {
		if (strncasecmp(line, name, n) == 0 && line[n] == ':')
			return 1;
		if ((line = strstr(line, "\r\n")) != NULL)
			line += 2;
	}
	return 0;
}

void
resp_body(struct resp *r, int status, const char *ctype, const char *body,
    size_t len)
{
	r->status = status;
	r->ctype = ctype;
	buf_reset(&r->body);
	buf_append(&r->body, body, len);
}

void
resp_json(struct resp *r, int status, const json_t *j)
{
	r->status = status;
	r->ctype = "application/json";
	buf_reset(&r->body);
	/* Straight into the body: no copy of the text on the way. */
	if (buf_put_json(&r->body, j, JSON_COMPACT |
	    JSON_REAL_PRECISION(15)) == -1 || buf_putc(&r->body, '\n') == -1)
		r->failed = 1;
}

static void
resp_error_pair(struct resp *r, int status, const char *k1, const char *v1,
    const char *k2, const char *v2)
{
	json_t *j;

	j = json_pack("{s:s, s:s}", k1, v1, k2, v2);
	if (j == NULL) {
		r->failed = 1;
		return;
	}
	resp_json(r, status, j);
	json_decref(j);
}

void
resp_api_error(struct resp *r, int status, const char *code, const char *msg)
{
	resp_error_pair(r, status, "error", code, "message", msg);
}

void
resp_oauth_error(struct resp *r, int status, const char *code,
    const char *desc)
{
	resp_error_pair(r, status, "error", code, "error_description", desc);
}

void
resp_html_error(struct resp *r, int status, const char *title,
    const char *message)
{
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	buf_reset(&r->body);
	buf_puts(&r->body, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"><title>");
	html_escape(&r->body, title);
	buf_puts(&r->body, "</title><style>body{font-family:system-ui,"
	    "sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;"
	    "color:#222}h1{font-size:1.4rem}</style></head><body><h1>");
	html_escape(&r->body, title);
	buf_puts(&r->body, "</h1><p>");
	html_escape(&r->body, message);
	buf_puts(&r->body, "</p></body></html>\n");
}

void
resp_redirect(struct resp *r, int status, const char *location)
{
	r->status = status;
	r->ctype = "text/plain; charset=utf-8";
	buf_reset(&r->body);
	resp_header(r, "Location", location);
}

int
resp_send(struct resp *r, const struct io *io)
{
	struct buf out = { 0 };
	int rc;

	if (r->failed || r->head.failed || r->body.failed) {
		resp_send_fatal(io);
		return 0;
	}
	buf_printf(&out, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n",
	    r->status, resp_reason(r->status), r->ctype, r->body.len);
	if (r->head.len > 0)
		buf_append(&out, r->head.data, r->head.len);
	buf_puts(&out, "\r\n");
	if (out.failed) {
		buf_free(&out);
		resp_send_fatal(io);
		return 0;
	}
	rc = io->write(io->ctx, out.data, out.len);
	if (rc == 0 && r->body.len > 0 && !r->head_only)
		rc = io->write(io->ctx, r->body.data, r->body.len);
	buf_free(&out);
	return rc;
}

void
resp_send_fatal(const struct io *io)
{
	(void)io->write(io->ctx, fatal_response, sizeof(fatal_response) - 1);
}
