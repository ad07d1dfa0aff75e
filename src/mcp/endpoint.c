/*
 * endpoint: the HTTP rules of MCP's Streamable HTTP transport and of its
 * authorization, for the program file (see mcp.h).
 *
 * Origin (transports, "Security Warning"): a browser page on another site
 * that a DNS rebinding points at this server sends its own Origin; a
 * request whose Origin is present and not the bridge's own (the origin of
 * base_url) gets 403. Native clients send none.
 *
 * The challenge (2025-06-18 basic/authorization, RFC 9728 5.1): a 401
 * names the protected resource metadata document under the configured
 * base URL, never the Host header, so that a client finds it when the
 * bridge lives under a path of a shared host, where the domain's own
 * /.well-known/ is not the bridge's; and the scope a token needs.
 */
#include <string.h>

#include "auth/oauth.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "mcp/mcp.h"

#define MCP_ORIGIN_MAX	512

void
mcp_send_error(struct app *a, int status, const json_t *id, int code,
    const char *message)
{
	json_t *j = rpc_error(id, code, message);

	if (j == NULL)
		a->resp.failed = 1;
	else
		resp_json(&a->resp, status, j);
	json_decref(j);
}

int
mcp_check_origin(struct app *a)
{
	const char	*o = cgi_getenv(&a->req, "HTTP_ORIGIN");
	char		 own[MCP_ORIGIN_MAX];

	if (o == NULL)
		return 0;
	if (oauth_redirect_origin(a->cfg.base_url, own, sizeof(own)) == 0 &&
	    strcasecmp(o, own) == 0)
		return 0;
	log_msg("mcp: refused a request from another origin");
	mcp_send_error(a, 403, NULL, RPC_INVALID_REQUEST, "Forbidden: this "
	    "Origin may not use the MCP endpoint");
	return -1;
}

int
mcp_check_version(struct app *a, const char **version)
{
	const char *v = cgi_getenv(&a->req, "HTTP_MCP_PROTOCOL_VERSION");

	if (v == NULL) {
		*version = MCP_VERSION_DEFAULT;
		return 0;
	}
	if (!mcp_version_supported(v)) {
		mcp_send_error(a, 400, NULL, RPC_INVALID_REQUEST, "Bad "
		    "Request: unsupported MCP-Protocol-Version (supported: "
		    "2025-11-25, 2025-06-18)");
		return -1;
	}
	*version = v;
	return 0;
}

static void
challenge(struct app *a, const char *error)
{
	struct buf b = { 0 };

	buf_printf(&b, "Bearer resource_metadata=\"%s/.well-known/"
	    "oauth-protected-resource/mcp\", scope=\"" OAUTH_SCOPE_READ "\"",
	    a->cfg.base_url);
	if (error != NULL)
		buf_printf(&b, ", error=\"%s\"", error);
	if (b.failed)
		a->resp.failed = 1;
	else
		resp_header(&a->resp, "WWW-Authenticate", b.data);
	buf_free(&b);
}

int
mcp_authorize(struct app *a, struct store *s, struct oauth_bearer *b)
{
	int status;

	status = oauth_bearer_check(&a->cfg, s, a->req.authorization,
	    OAUTH_RES_MCP, b);
	if (status == 401 || status == 400) {
		resp_api_error(&a->resp, status, b->error ? b->error :
		    "invalid_token", status == 400 ? b->description :
		    "a valid access token is required; sign in again");
		/* RFC 6750 3.1: no error code without credentials. */
		challenge(a, b->no_credentials ? NULL : b->error ? b->error :
		    "invalid_token");
		return -1;
	}
	if (status != 0) {
		app_store_error(a, APP_ERR_API, OMI_BUSY);
		return -1;
	}
	if (!oauth_scope_subset(OAUTH_SCOPE_READ, b->scope)) {
		resp_api_error(&a->resp, 403, "insufficient_scope",
		    "the access token does not allow reading conversations");
		challenge(a, "insufficient_scope");
		return -1;
	}
	return 0;
}

json_t *
mcp_resource_metadata(const struct config *cfg, int for_endpoint)
{
	struct buf	 res = { 0 };
	json_t		*j = NULL;

	/* RFC 9728 3.3: resource is the identifier the document's URL was
	 * made from: the endpoint, or the bridge as a whole. */
	buf_printf(&res, "%s%s", cfg->base_url, for_endpoint ? "/mcp" : "");
	if (!res.failed)
		j = json_pack("{s:s, s:[s], s:[s], s:[s], s:s}",
		    "resource", res.data, "authorization_servers",
		    cfg->base_url, "scopes_supported", OAUTH_SCOPE_READ,
		    "bearer_methods_supported", "header",
		    "resource_name", "OMI conversations");
	buf_free(&res);
	return j;
}
