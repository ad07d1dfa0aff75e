/*
 * rpc: JSON-RPC 2.0 messages as MCP's Streamable HTTP transport carries
 * them, one message per POST body. The parser is strict: a body is parsed
 * only after a one-pass bound on its depth and number of values (a tree
 * costs Jansson far more memory than its text), duplicate keys are
 * refused, and a message must be exactly one object with the members
 * JSON-RPC 2.0 defines. Batches (a top-level array) are refused: MCP
 * 2025-06-18 removed them. MCP also forbids a null id and wants params to
 * be an object.
 */
#ifndef OMI_RPC_H
#define OMI_RPC_H

#include <stddef.h>

#include <jansson.h>

#define RPC_MAX_DEPTH		16	/* containers deep */
#define RPC_MAX_VALUES		4096	/* values in one message */
#define RPC_ID_MAX		128	/* bytes of a string id */
#define RPC_METHOD_MAX		128	/* bytes of a method name */

/* JSON-RPC 2.0 section 5.1. */
#define RPC_PARSE_ERROR		(-32700)
#define RPC_INVALID_REQUEST	(-32600)
#define RPC_METHOD_NOT_FOUND	(-32601)
#define RPC_INVALID_PARAMS	(-32602)
#define RPC_INTERNAL_ERROR	(-32603)

enum rpc_kind {
	RPC_REQUEST,		/* method and id: needs an answer */
	RPC_NOTIFICATION,	/* method, no id */
	RPC_RESPONSE		/* result or error, with an id */
};

struct rpc_msg {
	enum rpc_kind	 kind;
	json_t		*root;		/* the message (owned) */
	const json_t	*id;		/* borrowed from root; NULL: none */
	const char	*method;	/* borrowed; NULL for a response */
	const json_t	*params;	/* borrowed; an object, or NULL */
};

/*
 * Parses one message of len bytes. Returns 0 with m filled, or
 * RPC_PARSE_ERROR (not JSON, or JSON this server will not build: too deep,
 * too many values, a duplicate key), RPC_INVALID_REQUEST (JSON that is not
 * one valid message; m->id is set when the message had a usable id, so the
 * error can name it), or -1 when out of memory. Free m with rpc_free in
 * every case.
 */
int	 rpc_parse(const char *body, size_t len, struct rpc_msg *m);
void	 rpc_free(struct rpc_msg *);

/* {"jsonrpc":"2.0","id":id,"result":result}; result is stolen. NULL: OOM. */
json_t	*rpc_result(const json_t *id, json_t *result);
/* {"jsonrpc":"2.0","id":id or null,"error":{"code","message"}}. */
json_t	*rpc_error(const json_t *id, int code, const char *message);
/* The fixed message for one of the codes above. */
const char *rpc_message(int code);
#endif
