/*
 * server: the MCP methods this server answers. Being stateless, it keeps
 * nothing from initialize: the version it agrees to there is the one the
 * client then names in MCP-Protocol-Version on every request (2025-06-18
 * basic/lifecycle, "Version Negotiation").
 *
 *   initialize   the client's version when supported, else the newest
 *   ping         {}
 *   tools/list   the tools (no pagination: there are five)
 *   tools/call   see tools.c
 * Anything else: -32601.
 */
#include <string.h>

#include "mcp/mcp.h"

#define MCP_VERSION_MAX	32

static const char *const versions[] = { "2025-11-25", "2025-06-18", NULL };

int
mcp_version_supported(const char *v)
{
	size_t i;

	for (i = 0; versions[i] != NULL; i++)
		if (strcmp(v, versions[i]) == 0)
			return 1;
	return 0;
}

static json_t *
initialize(const struct rpc_msg *m)
{
	const json_t	*v = json_object_get(m->params, "protocolVersion");
	const char	*want;

	if (!json_is_string(v) || json_string_length(v) > MCP_VERSION_MAX)
		return rpc_error(m->id, RPC_INVALID_PARAMS, "Invalid params: "
		    "protocolVersion must be a protocol revision string");
	want = json_string_value(v);
	return rpc_result(m->id, json_pack("{s:s, s:{s:{s:b}}, "
	    "s:{s:s, s:s, s:s}, s:s}",
	    "protocolVersion", mcp_version_supported(want) ? want :
	    MCP_VERSION_LATEST,
	    "capabilities", "tools", "listChanged", 0,
	    "serverInfo", "name", "omi-bridge", "title", "OMI conversations",
	    "version", "1.0.0",
	    "instructions", "Read-only access to the conversations the "
	    "user's OMI wearable recorded: search and fetch them, list them "
	    "by date or category, read a transcript in parts, and list "
	    "their action items. Every result has a url that opens the "
	    "conversation for its owner."));
}

static json_t *
call(const struct mcp_req *r, const struct rpc_msg *m)
{
	json_t		*res;
	const char	*msg = NULL;
	int		 code = RPC_INTERNAL_ERROR;

	if ((res = mcp_tool_call(r, m->params, &code, &msg)) != NULL)
		return rpc_result(m->id, res);
	if (code == RPC_INTERNAL_ERROR)
		return NULL;
	return rpc_error(m->id, code, msg);
}

json_t *
mcp_answer(const struct mcp_req *r, const struct rpc_msg *m)
{
	if (strcmp(m->method, "initialize") == 0)
		return initialize(m);
	if (strcmp(m->method, "ping") == 0)
		return rpc_result(m->id, json_object());
	if (strcmp(m->method, "tools/list") == 0)
		return rpc_result(m->id, mcp_tools_list());
	if (strcmp(m->method, "tools/call") == 0)
		return call(r, m);
	return rpc_error(m->id, RPC_METHOD_NOT_FOUND, NULL);
}
