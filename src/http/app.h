/*
 * app: the one request path every CGI program shares. app_run() sets up
 * libsodium, loads the configuration, parses the request, calls the
 * program's handler and sends exactly one response, whatever happened:
 * a missing configuration, a malformed request or a handler that ran out of
 * memory all end in a well-formed answer in the program's own error format.
 */
#ifndef OMI_APP_H
#define OMI_APP_H

#include <stddef.h>

#include "http/cgi.h"
#include "http/resp.h"
#include "lib/config.h"
#include "lib/err.h"

enum app_errors {
	APP_ERR_API,	/* {"error","message"} JSON */
	APP_ERR_OAUTH,	/* RFC 6749 5.2 JSON */
	APP_ERR_HTML	/* a page for a person */
};

struct app {
	const char	*prog;
	struct cgi_req	 req;
	struct resp	 resp;
	struct config	 cfg;
};

/*
 * What a FastCGI process keeps between requests: the programs that mostly
 * read keep their database open (store/keep.c). begin() runs before the
 * first request; when none came for a second, a process that held() one
 * lets go of it (forget()), so that an idle process holds no file that a
 * compaction replaced.
 */
struct app_keep {
	void		 (*begin)(void);
	int		 (*held)(void);
	void		 (*forget)(void);
};

struct app_spec {
	const char	*prog;
	enum app_errors	 errors;
	/* Body cap; 0 means the configured max_body (the webhook's). */
	size_t		 max_body;
	/* The body is a document: never decoded as a form, even when its
	 * Content-Type says form (curl -d sends JSON labelled so). */
	int		 raw_body;
	void		 (*handle)(struct app *);
	/* Optional: runs before every response is sent, also the ones
	 * that never reached handle (configuration or parse errors). */
	void		 (*finish)(struct app *);
	/* FastCGI: what the process keeps between requests, or NULL. */
	const struct app_keep *keep;
};

/* Serves one request (plain CGI); returns the process exit status. */
int	 app_run(const struct app_spec *);
/* Answers with an error in the program's format. */
void	 app_error(struct app *, enum app_errors, int status, const char *code,
	    const char *message);
/*
 * The answer to a failed store session, the same in every program, in the
 * program's format (the API's {"error","message"}, RFC 6749 5.2 JSON or an
 * HTML page). The status and the error code depend only on err:
 *   503 storage_unavailable + Retry-After: APP_RETRY_AFTER
 *       OMI_BUSY, OMI_READONLY, OMI_CORRUPT, OMI_ERROR
 *   507 insufficient_storage	OMI_FULL
 *   500 server_error		anything else (out of memory, or a store
 *				answer no caller should pass on)
 * OAuth answers say server_error in every case: RFC 6749 5.2 has no code
 * for an unavailable server. The body is a fixed text; the caller logs
 * what failed, since nothing of err's cause goes to the client.
 */
void	 app_store_error(struct app *, enum app_errors, enum omi_err err);
/*
 * Retry-After of a 503 for a store error, in seconds. A lock timeout
 * comes after lock_timeout_ms of waiting (5 s by default) and clears as
 * soon as the burst of writers does; the other 503 cases (a read-only or
 * unreadable file, a database that needs recovery) are worth one prompt
 * retry too, since the next session repairs a torn commit on its own and
 * a retry costs one failed open. OMI's sender and the load test honour it.
 */
#define APP_RETRY_AFTER	"1"

/* 405 with an Allow header. */
void	 app_method_not_allowed(struct app *, enum app_errors,
	    const char *allow);
#endif
