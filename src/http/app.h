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
};

/* Serves one request (plain CGI); returns the process exit status. */
int	 app_run(const struct app_spec *);
/* Answers with an error in the program's format. */
void	 app_error(struct app *, enum app_errors, int status, const char *code,
	    const char *message);
/* 405 with an Allow header. */
void	 app_method_not_allowed(struct app *, enum app_errors,
	    const char *allow);
#endif
