/*
 * resp: the only writer of responses. Handlers fill a struct resp; the
 * program's main sends it once with resp_send(). The whole response is
 * built in memory first, so a failure half-way (out of memory, a header
 * value with CR/LF) turns into a clean 500 instead of a torn answer.
 * Every response carries Status, Content-Type, Cache-Control: no-store and
 * X-Content-Type-Options: nosniff.
 */
#ifndef OMI_RESP_H
#define OMI_RESP_H

#include <jansson.h>

#include "http/io.h"
#include "lib/buf.h"

struct resp {
	int		 status;
	const char	*ctype;
	struct buf	 head;	/* extra header lines, each ending in \r\n */
	struct buf	 body;
	int		 failed;
	int		 head_only;	/* HEAD: headers only (RFC 3875 4.3.2) */
};

void	 resp_init(struct resp *);
void	 resp_free(struct resp *);
/* Drops any status, headers and body set so far. */
void	 resp_reset(struct resp *);

/* Adds a header; a name or value with control characters fails the response. */
void	 resp_header(struct resp *, const char *name, const char *value);
/* 1 when a header of that name (case-insensitive) was added. */
int	 resp_has_header(const struct resp *, const char *name);
void	 resp_body(struct resp *, int status, const char *ctype,
	    const char *body, size_t len);
/* Serialises j (borrowed) as the body with Content-Type application/json. */
void	 resp_json(struct resp *, int status, const json_t *j);
/* The API's and webhook's error body: {"error": code, "message": msg}. */
void	 resp_api_error(struct resp *, int status, const char *code,
	    const char *msg);
/* RFC 6749 5.2 error body: {"error": code, "error_description": desc}. */
void	 resp_oauth_error(struct resp *, int status, const char *code,
	    const char *desc);
/* A small HTML page for a person; title and message are escaped. */
void	 resp_html_error(struct resp *, int status, const char *title,
	    const char *message);
/* An absolute redirect with an explicit Status (never 307). */
void	 resp_redirect(struct resp *, int status, const char *location);

/* Writes the response; returns -1 when the client could not be written to. */
int	 resp_send(struct resp *, const struct io *);
/* Writes a fixed 500; for paths where not even a struct resp can be built. */
void	 resp_send_fatal(const struct io *);

const char *resp_reason(int status);
#endif
