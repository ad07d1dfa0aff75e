/*
 * cgi: RFC 3875 request parsing shared by every program. cgi_parse() reads
 * the meta-variables once, decodes the query string and, for requests with a
 * body, reads exactly CONTENT_LENGTH bytes (or up to end of input when the
 * server sent none, as Apache does for chunked bodies), never more than the
 * caller's cap. Parameters are percent-decoded and rejected when they hold a
 * NUL, invalid UTF-8 or a broken escape; duplicates are kept so that callers
 * can refuse them (RFC 6749 3.1): programs hold them against a table of
 * their fields (http/field.h).
 */
#ifndef OMI_CGI_H
#define OMI_CGI_H

#include <stddef.h>

#include "http/io.h"
#include "lib/err.h"

#define CGI_MAX_QUERY	8192
#define CGI_DRAIN_MAX	(32u << 20)	/* refused bodies read and dropped */

struct param {
	char	*name;
	char	*value;
};

struct params {
	struct param	*v;
	size_t		 n;
};

enum body_type {
	BODY_NONE,
	BODY_FORM,	/* application/x-www-form-urlencoded, decoded into form */
	BODY_JSON,	/* application/json (or +json), left raw in body */
	BODY_OTHER
};

struct cgi_req {
	const struct io	*io;
	const char	*method;
	const char	*path_info;	/* "" when absent */
	const char	*query_string;	/* "" when absent */
	const char	*content_type;	/* NULL when absent */
	const char	*authorization;	/* NULL when absent */
	const char	*cookie;	/* NULL when absent */
	int		 https;		/* served over TLS (see cgi_parse) */
	struct params	 query;
	struct params	 form;
	char		*body;		/* NUL-terminated, body_len bytes */
	size_t		 body_len;
	enum body_type	 body_type;
};

/*
 * Reads the request. Unless read_body is CGI_BODY_NONE, a body the method
 * carries is read (up to max_body bytes) and, with CGI_BODY_FORM, a form
 * decoded.
 * Returns 0 or the HTTP status to answer with: 400 (malformed length,
 * query or form, short body), 413 (body over max_body), 414 (query string
 * over CGI_MAX_QUERY) or 500 (out of memory).
 */
int	 cgi_parse(struct cgi_req *, const struct io *, size_t max_body,
	    int read_body);
/* read_body: CGI_BODY_NONE, or read it and decode a form (CGI_BODY_FORM),
 * or read it as it is, whatever its Content-Type says (CGI_BODY_RAW). */
#define CGI_BODY_NONE	0
#define CGI_BODY_FORM	1
#define CGI_BODY_RAW	2
void	 cgi_free(struct cgi_req *);
const char *cgi_getenv(const struct cgi_req *, const char *name);

/*
 * Looks a parameter up. Returns 1 and sets *value when it occurs once, 0
 * when it is absent, -1 when it occurs more than once.
 */
int	 params_get(const struct params *, const char *name, const char **value);
/* Decodes an urlencoded string, adding its pairs to p: OMI_OK, OMI_INVALID
 * when it is malformed, OMI_NOMEM. */
enum omi_err	 params_decode(struct params *, const char *s, size_t n);
void	 params_free(struct params *);

/* Finds a cookie's value in a Cookie header; returns a copy or NULL. */
char	*cgi_cookie(const char *header, const char *name);

/*
 * Splits "Basic base64(id:secret)" (RFC 7617; the two parts form-urlencoded
 * as RFC 6749 2.3.1 asks). Returns OMI_OK with two allocated strings,
 * OMI_NOTFOUND when there is no header or it is not Basic, OMI_INVALID
 * when it is Basic but malformed, OMI_NOMEM; both strings are NULL unless
 * OMI_OK is returned.
 */
enum omi_err	 cgi_auth_basic(const char *header, char **id, char **secret);
/*
 * Points *token at the b64token of "Bearer <token>" and returns 0; returns
 * 1 when there is no header or another scheme, -1 when it is Bearer but
 * malformed (no token, or characters outside RFC 6750's b64token).
 */
int	 cgi_auth_bearer(const char *header, const char **token);
#endif
