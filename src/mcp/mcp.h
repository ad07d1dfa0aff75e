/*
 * mcp: the Model Context Protocol server behind POST /mcp, in the
 * stateless form of the Streamable HTTP transport: every POST carries one
 * JSON-RPC message and is answered on its own, so nothing is kept between
 * requests and CGI and FastCGI serve it alike. The program file (mcp.c)
 * routes; endpoint.c holds the HTTP rules of the transport and of MCP's
 * authorization (Origin, MCP-Protocol-Version, the bearer token and its
 * challenge, the protected resource metadata); server.c answers the
 * methods; tools.c and the tool-*.c files hold the read-only tools, which
 * read the caller's own conversations only.
 *
 * Protocol revisions: 2025-06-18 and 2025-11-25
 * (modelcontextprotocol.io/specification/<revision>/basic/transports).
 */
#ifndef OMI_MCP_H
#define OMI_MCP_H

#include <jansson.h>

#include "http/app.h"
#include "mcp/rpc.h"
#include "store/store.h"

#define MCP_VERSION_LATEST	"2025-11-25"
/* What a request without MCP-Protocol-Version is taken to speak (2025-06-18
 * basic/transports, "Protocol Version Header"). */
#define MCP_VERSION_DEFAULT	"2025-03-26"
/* Every answer's body stays at or below this many bytes (ChatGPT's limit
 * on a tool result is 100,000 characters, as for the API). */
#define MCP_MAX_RESPONSE	99000
#define MCP_MAX_BODY		65536

/* One authorised request. */
struct mcp_req {
	const struct config	*cfg;
	struct store		*s;		/* a read session */
	const char		*uid;		/* whose conversations */
	const char		*version;	/* from the header, or the default */
};

/* 1 when this server speaks protocol revision v. */
int	 mcp_version_supported(const char *v);

/*
 * Answers one request (r->kind RPC_REQUEST) with a JSON-RPC response: a
 * result, or an error with -32601 or -32602. NULL when out of memory.
 */
json_t	*mcp_answer(const struct mcp_req *, const struct rpc_msg *);

/* The tools (tools.c) --------------------------------------------------- */

/* The tools/list result: {"tools":[...]}. NULL when out of memory. */
json_t	*mcp_tools_list(void);
/*
 * Calls a tool for tools/call params. Returns the CallToolResult, or NULL
 * with *code set: RPC_INVALID_PARAMS (unknown tool, malformed params, and
 * under 2025-06-18 invalid arguments; *msg says what) or
 * RPC_INTERNAL_ERROR (out of memory).
 */
json_t	*mcp_tool_call(const struct mcp_req *, const json_t *params,
	    int *code, const char **msg);

/* The HTTP side (endpoint.c) ------------------------------------------- */

/*
 * Checks the Origin header against DNS rebinding (transports, "Security
 * Warning"): absent, or the origin of the configured base URL. Otherwise
 * answers 403 and returns -1.
 */
int	 mcp_check_origin(struct app *);
/*
 * Checks MCP-Protocol-Version and sets *version: absent means
 * MCP_VERSION_DEFAULT; one this server does not speak answers 400 and
 * returns -1.
 */
int	 mcp_check_version(struct app *, const char **version);
/*
 * Checks the bearer token in the caller's store session, as the API does.
 * Returns 0 with b filled (free with oauth_bearer_free), or answers and
 * returns -1: 401 with a challenge naming the protected resource metadata
 * (RFC 9728 5.1) and the scope, 400 for a malformed header, 403
 * insufficient_scope, 503 when the store failed.
 */
struct oauth_bearer;
int	 mcp_authorize(struct app *, struct store *, struct oauth_bearer *b);
/* Answers a JSON-RPC error with the HTTP status given. */
void	 mcp_send_error(struct app *, int status, const json_t *id, int code,
	    const char *message);
/*
 * The protected resource metadata (RFC 9728 2) for the MCP endpoint
 * (for_endpoint) or for the bridge as a whole. NULL when out of memory.
 */
json_t	*mcp_resource_metadata(const struct config *, int for_endpoint);
#endif
