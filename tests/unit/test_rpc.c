/*
 * test_rpc: the JSON-RPC 2.0 parser of the MCP server (mcp/rpc.c), table
 * driven: valid requests, notifications and responses beside the messages
 * it must refuse and with which code, whether the error can name the id,
 * and the shape of the answers it builds. Plus mcp_version_supported and
 * mcp_answer's method dispatch without a store (initialize, ping,
 * tools/list, unknown methods).
 */
#include <string.h>

#include "mcp/mcp.h"
#include "mcp/rpc.h"
#include "unit.h"

#define REQ	0
#define NOTE	1
#define RESP	2

static const struct {
	const char	*body;
	int		 rc;	/* 0 or the error code */
	int		 kind;	/* when rc is 0 */
	int		 has_id;	/* the message's id is usable */
} rows[] = {
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 0, REQ, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"ping\",\"params\":{}}",
	    0, REQ, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":-5,\"method\":\"a/b\"}", 0, REQ, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", 0,
	    NOTE, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}", 0, RESP, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":1,"
	    "\"message\":\"m\"}}", 0, RESP, 1 },
	{ " \n{\"method\":\"ping\",\"id\":1,\"jsonrpc\":\"2.0\"}\n ", 0, REQ, 1 },
	/* Not JSON, or JSON it will not build. */
	{ "", RPC_PARSE_ERROR, 0, 0 },
	{ "{", RPC_PARSE_ERROR, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}x",
	    RPC_PARSE_ERROR, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}{}",
	    RPC_PARSE_ERROR, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}",
	    RPC_PARSE_ERROR, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\\u0000\"}",
	    RPC_PARSE_ERROR, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}",
	    RPC_PARSE_ERROR, 0, 0 },
	{ "{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}", RPC_PARSE_ERROR, 0,
	    0 },
	/* JSON that is not one message. */
	{ "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
	    RPC_INVALID_REQUEST, 0, 0 },
	{ "[]", RPC_INVALID_REQUEST, 0, 0 },
	{ "1", RPC_INVALID_REQUEST, 0, 0 },
	{ "null", RPC_INVALID_REQUEST, 0, 0 },
	{ "{}", RPC_INVALID_REQUEST, 0, 0 },
	{ "{\"id\":1,\"method\":\"ping\"}", RPC_INVALID_REQUEST, 0, 1 },
	{ "{\"jsonrpc\":2,\"id\":1,\"method\":\"ping\"}", RPC_INVALID_REQUEST,
	    0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
	    RPC_INVALID_REQUEST, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1.0,\"method\":\"ping\"}",
	    RPC_INVALID_REQUEST, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
	    RPC_INVALID_REQUEST, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"a\\nb\",\"method\":\"ping\"}",
	    RPC_INVALID_REQUEST, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", RPC_INVALID_REQUEST,
	    0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":[]}", RPC_INVALID_REQUEST,
	    0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}",
	    RPC_INVALID_REQUEST, 0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":1}",
	    RPC_INVALID_REQUEST, 0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"extra\":1}",
	    RPC_INVALID_REQUEST, 0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"result\":1}",
	    RPC_INVALID_REQUEST, 0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"result\":{}}", RPC_INVALID_REQUEST, 0, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}",
	    RPC_INVALID_REQUEST, 0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1}", RPC_INVALID_REQUEST, 0, 1 },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"x\"}", RPC_INVALID_REQUEST,
	    0, 1 },
};

static void
test_table(void)
{
	struct rpc_msg	m;
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = rpc_parse(rows[i].body, strlen(rows[i].body), &m);
		if (rc != rows[i].rc)
			fprintf(stderr, "row %zu: rc %d, want %d\n", i, rc,
			    rows[i].rc);
		CHECK(rc == rows[i].rc);
		if (rc == 0)
			CHECK((int)m.kind == rows[i].kind);
		CHECK((m.id != NULL) == rows[i].has_id);
		rpc_free(&m);
	}
}

static void
test_limits(void)
{
	struct rpc_msg	 m;
	char		*b;
	size_t		 n = 10 * RPC_MAX_VALUES, i;

	/* More values than the bound: refused before Jansson builds them. */
	b = malloc(n + 64);
	CHECK(b != NULL);
	if (b == NULL)
		return;
	strcpy(b, "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":{\"a\":[");
	for (i = strlen(b); i < n; i += 2)
		memcpy(b + i, "1,", 2);
	memcpy(b + i, "1]}}", 5);
	CHECK(rpc_parse(b, strlen(b), &m) == RPC_PARSE_ERROR);
	rpc_free(&m);
	free(b);
	/* The longest id and method are accepted, one more byte is not. */
	b = malloc(512);
	snprintf(b, 512, "{\"jsonrpc\":\"2.0\",\"id\":\"%0*d\",\"method\":\"p\"}",
	    RPC_ID_MAX, 0);
	CHECK(rpc_parse(b, strlen(b), &m) == 0);
	rpc_free(&m);
	snprintf(b, 512, "{\"jsonrpc\":\"2.0\",\"id\":\"%0*d\",\"method\":\"p\"}",
	    RPC_ID_MAX + 1, 0);
	CHECK(rpc_parse(b, strlen(b), &m) == RPC_INVALID_REQUEST);
	rpc_free(&m);
	snprintf(b, 512, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%0*d\"}",
	    RPC_METHOD_MAX + 1, 0);
	CHECK(rpc_parse(b, strlen(b), &m) == RPC_INVALID_REQUEST);
	rpc_free(&m);
	free(b);
}

/* The text of j, for comparisons; freed by the caller. */
static char *
dump(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(j);
	return s;
}

static void
test_answers(void)
{
	struct rpc_msg	 m;
	struct mcp_req	 r;
	json_t		*id = json_integer(4), *j;
	char		*s;
	const char	*body;

	s = dump(rpc_error(NULL, RPC_PARSE_ERROR, NULL));
	CHECK(s && strncmp(s, "{\"error\":{\"code\":-32700,", 24) == 0 &&
	    strstr(s, "\"id\":null,\"jsonrpc\":\"2.0\"}") != NULL);
	free(s);
	s = dump(rpc_result(id, json_object()));
	CHECK(s && strcmp(s, "{\"id\":4,\"jsonrpc\":\"2.0\",\"result\":{}}") == 0);
	free(s);
	json_decref(id);

	CHECK(mcp_version_supported("2025-06-18"));
	CHECK(mcp_version_supported("2025-11-25"));
	CHECK(!mcp_version_supported("2025-03-26"));
	CHECK(!mcp_version_supported(""));

	memset(&r, 0, sizeof(r));
	r.version = MCP_VERSION_DEFAULT;
	body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-06-18\"}}";
	CHECK(rpc_parse(body, strlen(body), &m) == 0);
	j = mcp_answer(&r, &m);
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(j,
	    "result"), "protocolVersion")), "2025-06-18") == 0);
	json_decref(j);
	rpc_free(&m);
	body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"1999-01-01\"}}";
	CHECK(rpc_parse(body, strlen(body), &m) == 0);
	j = mcp_answer(&r, &m);
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(j,
	    "result"), "protocolVersion")), MCP_VERSION_LATEST) == 0);
	json_decref(j);
	rpc_free(&m);
	body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
	CHECK(rpc_parse(body, strlen(body), &m) == 0);
	j = mcp_answer(&r, &m);
	CHECK(json_array_size(json_object_get(json_object_get(j, "result"),
	    "tools")) == 5);
	json_decref(j);
	rpc_free(&m);
	body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/list\"}";
	CHECK(rpc_parse(body, strlen(body), &m) == 0);
	s = dump(mcp_answer(&r, &m));
	CHECK(s && strstr(s, "\"code\":-32601") != NULL);
	free(s);
	rpc_free(&m);
	body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"nope\"}}";
	CHECK(rpc_parse(body, strlen(body), &m) == 0);
	s = dump(mcp_answer(&r, &m));
	CHECK(s && strstr(s, "\"code\":-32602") != NULL);
	free(s);
	rpc_free(&m);
}

int
main(void)
{
	test_table();
	test_limits();
	test_answers();
	return unit_done("test_rpc");
}
