/*
 * fuzz_rpc: the MCP server's JSON-RPC parser (rpc_parse), which reads every
 * body POSTed to /mcp after the token check. The input is the raw body.
 * Promises checked: the result is 0 or one of the two codes a body can
 * earn (-32700, -32600); a message it accepts has the kind its members say
 * (a method and an id: a request; a method alone: a notification; else a
 * response with an id), an id that is an integer or a short string,
 * params that are an object; an error response built for any outcome is
 * valid JSON-RPC; rpc_free releases everything.
 */
#include "fuzz.h"
#include "mcp/rpc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_msg	 m;
	json_t		*e;
	int		 rc;

	rc = rpc_parse((const char *)data, size, &m);
	FUZZ_ASSERT(rc == 0 || rc == RPC_PARSE_ERROR ||
	    rc == RPC_INVALID_REQUEST || rc == -1);
	if (m.id != NULL)
		FUZZ_ASSERT(json_is_integer(m.id) || (json_is_string(m.id) &&
		    json_string_length(m.id) <= RPC_ID_MAX));
	if (rc == 0) {
		FUZZ_ASSERT(json_is_object(m.root));
		if (m.kind == RPC_REQUEST)
			FUZZ_ASSERT(m.method != NULL && m.id != NULL);
		else if (m.kind == RPC_NOTIFICATION)
			FUZZ_ASSERT(m.method != NULL && m.id == NULL);
		else
			FUZZ_ASSERT(m.method == NULL && m.id != NULL);
		if (m.method != NULL)
			FUZZ_ASSERT(strlen(m.method) > 0 &&
			    strlen(m.method) <= RPC_METHOD_MAX);
		FUZZ_ASSERT(m.params == NULL || json_is_object(m.params));
	}
	e = rpc_error(m.id, rc != 0 && rc != -1 ? rc : RPC_METHOD_NOT_FOUND,
	    NULL);
	FUZZ_ASSERT(e != NULL && json_is_object(json_object_get(e, "error")));
	json_decref(e);
	rpc_free(&m);
	FUZZ_ASSERT(m.root == NULL);
	return 0;
}
