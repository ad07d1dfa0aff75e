/*
 * view: the conversation pages, where every url the MCP tools return
 * (<base_url>/c/<id>) opens: a person signs in with the consent page's
 * account and reads their own conversations (web/).
 *
 *   GET /c/                 the list, newest first, with search (web_list)
 *   GET /c/<id>             one conversation (web_detail)
 *   GET, POST /c/:signin    the sign-in form and its submission
 *   POST /c/:signout        sign-out
 * (PATH_INFO "", "/<id>", "/:signin", "/:signout"; ':' never occurs in an
 * id.)
 *
 * In this order:
 *   404 page for any other path, and for an id that is not well formed
 *   405 + Allow for a method the path does not take (HEAD is GET)
 *   503 page + Retry-After when the store is unavailable (507 when the
 *       disk is full, 500 out of memory: app_store_error)
 *   200 the sign-in page, for the list or a conversation, when the browser
 *       has no valid session (whether or not the id exists: the answer
 *       says nothing about another user's data)
 * then the page's own answers. Every answer carries the consent page's
 * framing, referrer and caching headers (web_finish).
 */
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "conv/ingest.h"
#include "http/app.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/text.h"
#include "store/store.h"
#include "web/web.h"

enum route {
	ROUTE_NONE,
	ROUTE_LIST,
	ROUTE_DETAIL,
	ROUTE_SIGNIN,
	ROUTE_SIGNOUT
};

static enum route
route(const char *path, const char **id)
{
	*id = NULL;
	if (path[0] == '\0' || strcmp(path, "/") == 0)
		return ROUTE_LIST;
	if (strcmp(path, "/:signin") == 0)
		return ROUTE_SIGNIN;
	if (strcmp(path, "/:signout") == 0)
		return ROUTE_SIGNOUT;
	if (path[0] == '/' && valid_ident(path + 1, CONV_ID_MAX)) {
		*id = path + 1;
		return ROUTE_DETAIL;
	}
	return ROUTE_NONE;
}

static int
is_get(const struct app *a)
{
	/* RFC 9110 9.1: HEAD is GET without the body (http/app.c drops it). */
	return strcmp(a->req.method, "GET") == 0 ||
	    strcmp(a->req.method, "HEAD") == 0;
}

/* GET /c/:signin?next=<id>: the form on its own (a bookmark, a link). */
static void
signin_get(struct app *a)
{
	const char *next = NULL;

	if (params_get(&a->req.query, "next", &next) != 1 ||
	    !valid_ident(next, CONV_ID_MAX))
		next = NULL;
	web_signin_show(a, next, NULL, NULL, 200);
}

/* The list or a conversation, for the browser's session. */
static void
page(struct app *a, enum route r, const char *id)
{
	struct web_user	 u;
	struct store	*s = NULL;
	char		 uid[ACCOUNT_UID_MAX + 1], *cookie;
	enum omi_err	 err;

	cookie = cgi_cookie(a->req.cookie, WEB_COOKIE);
	if ((err = store_open(&s, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) != OMI_OK) {
		log_msg("view: store: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_HTML, err);
		goto out;
	}
	err = session_check(&a->cfg, s, cookie, now_unix(), uid);
	if (err == OMI_NOTFOUND) {
		web_signin_show(a, id, NULL, cookie ? "Your sign-in has "
		    "ended. Please sign in again." : NULL, 200);
		if (cookie != NULL)
			web_cookie(a, WEB_COOKIE, "", 0);
		goto out;
	}
	if (err != OMI_OK) {
		log_msg("view: session: %s", omi_strerror(err));
		app_store_error(a, APP_ERR_HTML, err);
		goto out;
	}
	u.uid = uid;
	u.session = cookie;
	if (r == ROUTE_LIST)
		web_list(a, s, &u);
	else
		web_detail(a, s, &u, id);
out:
	store_close(s);
	free(cookie);
}

static void
handle(struct app *a)
{
	const char	*id;
	enum route	 r;

	switch ((r = route(a->req.path_info, &id))) {
	case ROUTE_NONE:
		web_not_found(a, NULL);
		break;
	case ROUTE_SIGNIN:
		if (is_get(a))
			signin_get(a);
		else if (strcmp(a->req.method, "POST") == 0)
			web_signin_post(a);
		else
			app_method_not_allowed(a, APP_ERR_HTML,
			    "GET, HEAD, POST");
		break;
	case ROUTE_SIGNOUT:
		if (strcmp(a->req.method, "POST") == 0)
			web_signout_post(a);
		else
			app_method_not_allowed(a, APP_ERR_HTML, "POST");
		break;
	default:
		if (is_get(a))
			page(a, r, id);
		else
			app_method_not_allowed(a, APP_ERR_HTML, "GET, HEAD");
		break;
	}
}

int
main(void)
{
	static const struct app_keep keep = {
		store_keep_readers, store_kept, store_forget
	};
	static const struct app_spec spec = {
		.prog = "view", .errors = APP_ERR_HTML, .max_body = 65536,
		.handle = handle, .finish = web_finish,
		.keep = &keep,
	};

	return app_run(&spec);
}
