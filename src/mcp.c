/*
 * mcp: the Model Context Protocol server for ChatGPT's connectors, Claude
 * and any MCP client, over the Streamable HTTP transport in its stateless
 * form (each POST one JSON-RPC message, answered with application/json;
 * no session, so CGI and FastCGI serve it alike).
 *
 *   POST /mcp                                    the endpoint (mcp/)
 *   GET /.well-known/oauth-protected-resource/mcp  (PATH_INFO
 *       "/:resource-metadata/mcp") and /.well-known/oauth-protected-resource
 *       ("/:resource-metadata"): RFC 9728 metadata, no token; also the
 *       path-inserted forms for a base URL with a path, /omi:
 *       "/:resource-metadata/omi/mcp" and "/:resource-metadata/omi"
 *
 * For the endpoint, in this order:
 *   403 when an Origin header names another site (DNS rebinding)
 *   405 + Allow: POST for other methods (GET: this server offers no SSE
 *       stream, which the transport allows)
 *   401 + WWW-Authenticate: Bearer resource_metadata=..., scope=... for
 *       a missing, unknown, expired or revoked token; 400 for a malformed
 *       Bearer header; 403 insufficient_scope; 503 when the store is busy
 *   400 for an MCP-Protocol-Version this server does not speak
 *   400 + JSON-RPC -32700 (not JSON) or -32600 (not one message; batches)
 *   202, no body, for a notification or a response
 *   200 + a JSON-RPC response for a request (errors -32601, -32602)
 * Other paths get 404.
 */
#include <string.h>

#include "auth/oauth.h"
#include "http/app.h"
#include "mcp/mcp.h"
#include "store/store.h"

enum route {
	ROUTE_NONE,
	ROUTE_ENDPOINT,
	ROUTE_META_ROOT,
	ROUTE_META_MCP
};

#define META_PREFIX	"/:resource-metadata"
#define META_PATH_MAX	256	/* a base URL's path is shorter */

/*
 * What follows META_PREFIX is the document's resource, inserted as RFC
 * 9728 3.1 does: nothing or base_url's path (the bridge), then "/mcp"
 * (the endpoint). Any other path is not ours.
 */
static enum route
route(const struct config *cfg, const char *path)
{
	char		 rest[META_PATH_MAX];
	size_t		 n;
	int		 for_endpoint = 0;

	if (path[0] == '\0' || strcmp(path, "/") == 0)
		return ROUTE_ENDPOINT;
	if (strncmp(path, META_PREFIX, sizeof(META_PREFIX) - 1) != 0)
		return ROUTE_NONE;
	path += sizeof(META_PREFIX) - 1;
	if ((n = strlen(path)) >= sizeof(rest))
		return ROUTE_NONE;
	memcpy(rest, path, n + 1);
	if (n >= 4 && strcmp(rest + n - 4, "/mcp") == 0) {
		rest[n - 4] = '\0';
		for_endpoint = 1;
	}
	if (!oauth_wellknown_suffix(cfg->base_url, rest))
		return ROUTE_NONE;
	return for_endpoint ? ROUTE_META_MCP : ROUTE_META_ROOT;
}

static void
send_metadata(struct app *a, int for_endpoint)
{
	json_t *doc;

	if (strcmp(a->req.method, "GET") != 0 &&
	    strcmp(a->req.method, "HEAD") != 0) {
		app_method_not_allowed(a, APP_ERR_API, "GET, HEAD");
		return;
	}
	if ((doc = mcp_resource_metadata(&a->cfg, for_endpoint)) == NULL) {
		a->resp.failed = 1;
		return;
	}
	resp_json(&a->resp, 200, doc);
	/* A public document; browser-based clients read it too. */
	resp_header(&a->resp, "Access-Control-Allow-Origin", "*");
	json_decref(doc);
}

/* One authorised message. */
static void
message(struct app *a, struct mcp_req *r)
{
	struct rpc_msg	 m;
	json_t		*ans = NULL;
	int		 rc;

	if ((rc = rpc_parse(a->req.body ? a->req.body : "", a->req.body_len,
	    &m)) == -1) {
		a->resp.failed = 1;
		goto out;
	}
	if (rc != 0) {
		mcp_send_error(a, 400, m.id, rc, NULL);
		goto out;
	}
	/* Transports: accepted notifications and responses get 202. */
	if (m.kind != RPC_REQUEST) {
		resp_body(&a->resp, 202, "application/json", "", 0);
		goto out;
	}
	if ((ans = mcp_answer(r, &m)) == NULL)
		mcp_send_error(a, 500, m.id, RPC_INTERNAL_ERROR, NULL);
	else
		resp_json(&a->resp, 200, ans);
out:
	json_decref(ans);
	rpc_free(&m);
}

static void
handle(struct app *a)
{
	struct oauth_bearer	 b;
	struct mcp_req		 r;
	struct store		*s = NULL;
	enum omi_err		 err;
	enum route		 rt;

	memset(&b, 0, sizeof(b));
	memset(&r, 0, sizeof(r));
	if ((rt = route(&a->cfg, a->req.path_info)) == ROUTE_NONE) {
		resp_api_error(&a->resp, 404, "not_found", "no such resource");
		return;
	}
	if (rt != ROUTE_ENDPOINT) {
		send_metadata(a, rt == ROUTE_META_MCP);
		return;
	}
	if (mcp_check_origin(a) == -1)
		return;
	if (strcmp(a->req.method, "POST") != 0) {
		mcp_send_error(a, 405, NULL, RPC_INVALID_REQUEST, "Method Not "
		    "Allowed: POST one JSON-RPC message (no SSE stream)");
		resp_header(&a->resp, "Allow", "POST");
		return;
	}
	if ((err = store_open(&s, a->cfg.datadir, STORE_READ,
	    a->cfg.lock_timeout_ms)) != OMI_OK) {
		app_store_error(a, APP_ERR_API, err);
		return;
	}
	if (mcp_authorize(a, s, &b) == -1 ||
	    mcp_check_version(a, &r.version) == -1)
		goto out;
	r.cfg = &a->cfg;
	r.s = s;
	r.uid = b.uid;
	message(a, &r);
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
		.prog = "mcp", .errors = APP_ERR_API,
		.max_body = MCP_MAX_BODY, .raw_body = 1, .handle = handle,
		.keep = &keep,
	};

	return app_run(&spec);
}
