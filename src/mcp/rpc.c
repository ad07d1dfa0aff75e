/* rpc: one JSON-RPC 2.0 message per body (see rpc.h). */
#include <string.h>

#include "conv/transcript-scan.h"
#include "lib/json.h"
#include "lib/text.h"
#include "mcp/rpc.h"

static const char *const members[] = {
	"jsonrpc", "id", "method", "params", "result", "error", NULL
};

/* 1 when id is one MCP allows: a string or an integer, never null. */
static int
id_ok(const json_t *id)
{
	if (json_is_integer(id))
		return 1;
	return json_is_string(id) && json_string_length(id) <= RPC_ID_MAX &&
	    !has_ctl(json_string_value(id), json_string_length(id));
}

static int
check(struct rpc_msg *m)
{
	const json_t	*v, *method, *result, *error;
	const char	*k;
	size_t		 i;

	if ((v = json_object_get(m->root, "id")) != NULL) {
		if (!id_ok(v))
			return RPC_INVALID_REQUEST;
		m->id = v;
	}
	json_object_foreach(m->root, k, v) {
		for (i = 0; members[i] != NULL; i++)
			if (strcmp(k, members[i]) == 0)
				break;
		if (members[i] == NULL)
			return RPC_INVALID_REQUEST;
	}
	v = json_object_get(m->root, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
		return RPC_INVALID_REQUEST;
	method = json_object_get(m->root, "method");
	result = json_object_get(m->root, "result");
	error = json_object_get(m->root, "error");
	if (method == NULL) {
		/* A response to a request of ours (we send none). */
		if (m->id == NULL || (result == NULL) == (error == NULL) ||
		    json_object_get(m->root, "params") != NULL ||
		    (error != NULL && !json_is_object(error)))
			return RPC_INVALID_REQUEST;
		m->kind = RPC_RESPONSE;
		return 0;
	}
	if (result != NULL || error != NULL || !json_is_string(method) ||
	    json_string_length(method) == 0 ||
	    json_string_length(method) > RPC_METHOD_MAX ||
	    has_ctl(json_string_value(method), json_string_length(method)))
		return RPC_INVALID_REQUEST;
	v = json_object_get(m->root, "params");
	if (v != NULL && !json_is_object(v))
		return RPC_INVALID_REQUEST;
	m->method = json_string_value(method);
	m->params = v;
	m->kind = m->id != NULL ? RPC_REQUEST : RPC_NOTIFICATION;
	return 0;
}

int
rpc_parse(const char *body, size_t len, struct rpc_msg *m)
{
	json_error_t	 e;
	size_t		 at;
	int		 rc, oom;

	memset(m, 0, sizeof(*m));
	/* Jansson reads on past some syntax errors: bound and check first. */
	rc = tscan_limits(body, len, RPC_MAX_DEPTH, RPC_MAX_VALUES, &at);
	if (rc != 0)
		return RPC_PARSE_ERROR;
	m->root = json_loadb_checked(body, len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, &e, &oom);
	if (m->root == NULL)
		return oom ? -1 : RPC_PARSE_ERROR;
	/* A batch: MCP 2025-06-18 removed JSON-RPC batching. */
	if (!json_is_object(m->root))
		return RPC_INVALID_REQUEST;
	return check(m);
}

void
rpc_free(struct rpc_msg *m)
{
	json_decref(m->root);
	memset(m, 0, sizeof(*m));
}

json_t *
rpc_result(const json_t *id, json_t *result)
{
	if (result == NULL)
		return NULL;
	return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id,
	    "result", result);
}

const char *
rpc_message(int code)
{
	switch (code) {
	case RPC_PARSE_ERROR:
		return "Parse error: the body is not one JSON value this "
		    "server accepts";
	case RPC_INVALID_REQUEST:
		return "Invalid Request: not one JSON-RPC 2.0 message "
		    "(batches are not supported)";
	case RPC_METHOD_NOT_FOUND:
		return "Method not found";
	case RPC_INVALID_PARAMS:
		return "Invalid params";
	default:
		return "Internal error";
	}
}

json_t *
rpc_error(const json_t *id, int code, const char *message)
{
	return json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0",
	    "id", id != NULL ? id : json_null(), "error", "code", code,
	    "message", message != NULL ? message : rpc_message(code));
}
