/*
 * conversations: the API the custom GPT calls, and its OpenAPI document.
 *
 *   GET /api/conversations          api_list    (api/list.c)
 *   GET /api/conversations/{id}     api_detail  (api/detail.c)
 *   GET /openapi.json               the document (PATH_INFO "/:openapi.json";
 *                                   ':' never occurs in an id), no token
 *
 * For the API URLs, in this order:
 *   405 + Allow for methods other than GET and HEAD
 *   401 + WWW-Authenticate: Bearer for a missing, unknown, expired or
 *       revoked token (RFC 6750 3.1: no error code when the request
 *       carried no bearer token at all, Basic credentials included);
 *   400 invalid_request (with the challenge) for a malformed Bearer header
 *   403 insufficient_scope when the token lacks read:memories
 *   503 + Retry-After when the store is busy or unavailable (507 when
 *       the disk is full, 500 out of memory: app_store_error)
 * then the handler's own answers. Other paths get 404.
 */
#include <string.h>

#include "api/api.h"
#include "api/openapi.h"
#include "auth/oauth.h"
#include "conv/ingest.h"
#include "http/app.h"
#include "lib/text.h"
#include "store/store.h"

enum route {
	ROUTE_NONE,
	ROUTE_LIST,
	ROUTE_DETAIL,
	ROUTE_OPENAPI
};

static enum route
route(const char *path, const char **id)
{
	*id = NULL;
	if (path[0] == '\0' || strcmp(path, "/") == 0)
		return ROUTE_LIST;
	if (strcmp(path, "/:openapi.json") == 0)
		return ROUTE_OPENAPI;
	/* Other ":name" paths are reserved for documents like the above. */
	if (path[0] == '/' && path[1] != ':' && strchr(path + 1, '/') == NULL) {
		*id = path + 1;
		return ROUTE_DETAIL;
	}
	return ROUTE_NONE;
}

static void
send_openapi(struct app *a)
{
	json_t *doc = openapi_document(&a->cfg);

	if (doc == NULL)
		a->resp.failed = 1;
	else
		resp_json(&a->resp, 200, doc);
	json_decref(doc);
}

static void
handle(struct app *a)
{
	struct oauth_bearer	 b;
	struct store		*s = NULL;
	enum omi_err		 err;
	enum route		 r;
	const char		*id;

	memset(&b, 0, sizeof(b));
	if ((r = route(a->req.path_info, &id)) == ROUTE_NONE) {
		resp_api_error(&a->resp, 404, "not_found", "no such resource");
		return;
	}
	if (strcmp(a->req.method, "GET") != 0 &&
	    strcmp(a->req.method, "HEAD") != 0) {
		app_method_not_allowed(a, APP_ERR_API, "GET, HEAD");
		return;
	}
	if (r == ROUTE_OPENAPI) {
		send_openapi(a);
		return;
	}
	if ((err = store_open(&s, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) != OMI_OK) {
		api_store_error(a, err);
		return;
	}
	if (api_authorize(a, s, &b) == -1)
		goto out;
	if (r == ROUTE_LIST)
		api_list(a, s, b.uid);
	else if (!valid_ident(id, CONV_ID_MAX))
		api_bad_param(a, "conversation_id", "conversation_id must be "
		    "1 to 128 letters, digits, '.', '_' or '-'");
	else
		api_detail(a, s, b.uid, id);
out:
	oauth_bearer_free(&b);
	store_close(s);
}

int
main(void)
{
	static const struct app_keep keep = {
		store_keep_readers, store_kept, store_forget
	};
	static const struct app_spec spec = {
		.prog = "conversations", .errors = APP_ERR_API,
		.max_body = 65536, .handle = handle,
		.keep = &keep,
	};

	return app_run(&spec);
}
