/*
 * tools: the tool table (names, schemas, annotations) and tools/call.
 * The schemas are JSON text, parsed when needed: the same text answers
 * tools/list and decides which argument names a call may give and which
 * it must. All tools only read (readOnlyHint), and each declares an
 * outputSchema and answers structuredContent together with the same JSON
 * as a text item (2025-06-18 server/tools, "Structured Content"); search
 * and fetch follow OpenAI's contract for connectors and deep research
 * (platform.openai.com/docs/mcp): one text item holding that JSON.
 *
 * Errors (server/tools, "Error Handling"): an unknown tool or malformed
 * params is -32602. An invalid argument is -32602 under 2025-06-18 and a
 * tool error (isError) under 2025-11-25, which asks for that so that the
 * model can correct itself (SEP-1303). A tool that could not answer
 * (unknown id, store busy) is a tool error.
 */
#include <stdlib.h>
#include <string.h>

#include "conv/clip.h"
#include "lib/json.h"
#include "mcp/tool-impl.h"

#define RO "\"annotations\":{\"readOnlyHint\":true,\"destructiveHint\":false," \
	"\"idempotentHint\":true,\"openWorldHint\":false}"
#define STR "{\"type\":\"string\"}"
#define DATE(what) "{\"type\":\"string\",\"description\":\"" what " (ISO " \
	"8601 date such as 2025-06-14, or date-time), inclusive\"}"
#define URL "{\"type\":\"string\",\"description\":\"a page that shows the " \
	"conversation to its signed-in owner\"}"
#define NEXT "\"next_cursor\":{\"type\":[\"string\",\"null\"]," \
	"\"description\":\"pass as cursor to get the next page\"}"

static const char tools_json[] = "["
"{\"name\":\"search\",\"title\":\"Search conversations\","
"\"description\":\"Searches the user's OMI conversations (title, overview "
"and transcript; every term must occur, \\\"quoted phrases\\\" allowed) and "
"returns the newest matches (or the best ones, with sort relevance) with "
"their ids for fetch.\","
"\"inputSchema\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":"
"\"string\",\"description\":\"1 to 8 search terms, at most 200 "
"characters\"},"
"\"speaker\":{\"type\":\"string\",\"enum\":[\"user\"],\"description\":"
"\"user: match only what the user said themselves (transcript segments "
"OMI marks as the user's), not what others said, nor titles or "
"overviews. Leave out to search everything.\"},"
"\"sort\":{\"type\":\"string\",\"enum\":[\"newest\",\"relevance\"],"
"\"default\":\"newest\",\"description\":\"newest: the most recent matches "
"first. relevance: the best matches first, for a vague question where "
"the newest match is not necessarily the right one.\"}},"
"\"required\":[\"query\"],\"additionalProperties\":false},"
"\"outputSchema\":{\"type\":\"object\",\"properties\":{\"results\":{\"type\":"
"\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":" STR ","
"\"title\":" STR ",\"url\":" URL "},\"required\":[\"id\",\"title\",\"url\"]}}},"
"\"required\":[\"results\"]}," RO "},"

"{\"name\":\"fetch\",\"title\":\"Fetch a conversation\","
"\"description\":\"Returns one conversation by id: its summary and its "
"transcript ([H:MM:SS - H:MM:SS] Speaker: text). A long transcript is cut; "
"metadata.next_transcript_offset then tells get_conversation where to "
"go on.\","
"\"inputSchema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":"
"\"string\",\"description\":\"a conversation id from search\"}},"
"\"required\":[\"id\"],\"additionalProperties\":false},"
"\"outputSchema\":{\"type\":\"object\",\"properties\":{\"id\":" STR ","
"\"title\":" STR ",\"text\":" STR ",\"url\":" URL ",\"metadata\":{\"type\":"
"\"object\"}},\"required\":[\"id\",\"title\",\"text\",\"url\",\"metadata\"]},"
RO "},"

"{\"name\":\"list_conversations\",\"title\":\"List conversations\","
"\"description\":\"Lists the user's conversations newest first, with "
"optional date range, category and search terms, a page at a time.\","
"\"inputSchema\":{\"type\":\"object\",\"properties\":{"
"\"start_date\":" DATE("earliest creation date") ","
"\"end_date\":" DATE("latest creation date") ","
"\"category\":{\"type\":\"string\",\"description\":\"exact category, "
"case-insensitive (e.g. personal, work)\"},"
"\"query\":{\"type\":\"string\",\"description\":\"search terms, as for "
"search\"},"
"\"include_discarded\":{\"type\":\"boolean\",\"default\":false},"
"\"cursor\":{\"type\":\"string\",\"description\":\"next_cursor of the "
"previous page\"},"
"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":50,"
"\"default\":20}},\"additionalProperties\":false},"
"\"outputSchema\":{\"type\":\"object\",\"properties\":{\"conversations\":{"
"\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
"\"id\":" STR ",\"title\":" STR ",\"created_at\":" STR ",\"category\":" STR
",\"overview\":" STR ",\"emoji\":" STR ",\"discarded\":{\"type\":\"boolean\"},"
"\"url\":" URL "},\"required\":[\"id\",\"title\",\"created_at\",\"url\"]}},"
"\"has_more\":{\"type\":\"boolean\"}," NEXT "},"
"\"required\":[\"conversations\",\"has_more\",\"next_cursor\"]}," RO "},"

"{\"name\":\"get_conversation\",\"title\":\"Get a conversation\","
"\"description\":\"Returns one conversation with its summary, action "
"items, events and a part of its transcript; call again with "
"transcript_offset = next_transcript_offset for the next part.\","
"\"inputSchema\":{\"type\":\"object\",\"properties\":{\"id\":" STR ","
"\"transcript_offset\":{\"type\":\"integer\",\"minimum\":0,\"default\":0,"
"\"description\":\"in characters of the whole transcript\"},"
"\"max_chars\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":30000,"
"\"default\":20000}},\"required\":[\"id\"],\"additionalProperties\":false},"
"\"outputSchema\":{\"type\":\"object\",\"properties\":{\"id\":" STR ","
"\"title\":" STR ",\"overview\":" STR ",\"emoji\":" STR ",\"category\":" STR
",\"created_at\":" STR ",\"started_at\":{\"type\":[\"string\",\"null\"]},"
"\"finished_at\":{\"type\":[\"string\",\"null\"]},"
"\"discarded\":{\"type\":\"boolean\"},\"action_items\":{\"type\":\"array\"},"
"\"events\":{\"type\":\"array\"},\"url\":" URL ",\"transcript\":" STR ","
"\"transcript_offset\":{\"type\":\"integer\"},"
"\"transcript_length\":{\"type\":\"integer\"},"
"\"transcript_truncated\":{\"type\":\"boolean\"},"
"\"next_transcript_offset\":{\"type\":[\"integer\",\"null\"]}},"
"\"required\":[\"id\",\"title\",\"url\",\"transcript\",\"transcript_offset\","
"\"transcript_length\",\"transcript_truncated\",\"next_transcript_offset\"]},"
RO "},"

"{\"name\":\"list_action_items\",\"title\":\"List action items\","
"\"description\":\"Lists the action items OMI found in the user's "
"conversations, newest conversation first, each with the conversation it "
"came from. limit counts conversations read, not items.\","
"\"inputSchema\":{\"type\":\"object\",\"properties\":{"
"\"status\":{\"type\":\"string\",\"enum\":[\"open\",\"all\"],"
"\"default\":\"open\"},"
"\"start_date\":" DATE("earliest conversation date") ","
"\"end_date\":" DATE("latest conversation date") ","
"\"cursor\":{\"type\":\"string\",\"description\":\"next_cursor of the "
"previous page\"},"
"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":50,"
"\"default\":20}},\"additionalProperties\":false},"
"\"outputSchema\":{\"type\":\"object\",\"properties\":{\"action_items\":{"
"\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
"\"description\":" STR ",\"completed\":{\"type\":\"boolean\"},"
"\"due_at\":{\"type\":[\"string\",\"null\"]},\"conversation_id\":" STR ","
"\"conversation_title\":" STR ",\"conversation_created_at\":" STR ","
"\"url\":" URL "},\"required\":[\"description\",\"completed\","
"\"conversation_id\",\"url\"]}},"
"\"conversations_read\":{\"type\":\"integer\"},"
"\"has_more\":{\"type\":\"boolean\"}," NEXT "},"
"\"required\":[\"action_items\",\"has_more\",\"next_cursor\"]}," RO "}"
"]";

static const struct {
	const char	*name;
	json_t		*(*fn)(struct tool_ctx *);
} handlers[] = {
	{ "search", tool_search },
	{ "fetch", tool_fetch },
	{ "list_conversations", tool_list_conversations },
	{ "get_conversation", tool_get_conversation },
	{ "list_action_items", tool_list_action_items },
};

static json_t *
load_tools(void)
{
	json_error_t e;

	return json_loadb(tools_json, sizeof(tools_json) - 1, 0, &e);
}

json_t *
mcp_tools_list(void)
{
	json_t *tools = load_tools();

	return tools ? json_pack("{s:o}", "tools", tools) : NULL;
}

/* Argument names outside the schema, or required ones missing: a message. */
static const char *
check_names(const json_t *schema, const json_t *args)
{
	const json_t	*props = json_object_get(schema, "properties"), *v;
	const char	*k;
	size_t		 i;

	json_object_foreach((json_t *)args, k, v)
		if (json_object_get(props, k) == NULL)
			return "Invalid params: an argument this tool does not "
			    "take (see its inputSchema)";
	json_array_foreach(json_object_get(schema, "required"), i, v)
		if (json_object_get(args, json_string_value(v)) == NULL)
			return "Invalid params: a required argument is missing "
			    "(see the tool's inputSchema)";
	return NULL;
}

static json_t *
tool_error(const char *msg)
{
	return json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text",
	    "text", msg, "isError", 1);
}

static json_t *
tool_result(json_t *structured)
{
	char	*text;
	json_t	*j;

	if (structured == NULL)
		return NULL;
	text = json_dumps(structured, JSON_COMPACT);
	j = text ? json_pack("{s:[{s:s, s:s}], s:o, s:b}", "content", "type",
	    "text", "text", text, "structuredContent", structured, "isError",
	    0) : NULL;
	if (text == NULL)
		json_decref(structured);
	free(text);
	return j;
}

json_t *
mcp_tool_call(const struct mcp_req *r, const json_t *params, int *code,
    const char **msg)
{
	struct tool_ctx	 t;
	json_t		*tools = NULL, *schema = NULL, *res = NULL, *e;
	const json_t	*name, *args;
	const char	*bad;
	size_t		 i, k;

	*code = RPC_INTERNAL_ERROR;
	*msg = NULL;
	name = json_object_get(params, "name");
	args = json_object_get(params, "arguments");
	if (!json_is_string(name) || (args != NULL && !json_is_object(args))) {
		*code = RPC_INVALID_PARAMS;
		*msg = "Invalid params: name must be a tool name and arguments "
		    "an object";
		return NULL;
	}
	for (k = 0; k < sizeof(handlers) / sizeof(handlers[0]); k++)
		if (strcmp(json_string_value(name), handlers[k].name) == 0)
			break;
	if (k == sizeof(handlers) / sizeof(handlers[0])) {
		*code = RPC_INVALID_PARAMS;
		*msg = "Invalid params: unknown tool (see tools/list)";
		return NULL;
	}
	if ((tools = load_tools()) == NULL)
		return NULL;
	json_array_foreach(tools, i, e)
		if (strcmp(json_str(e, "name"), handlers[k].name) == 0)
			schema = json_object_get(e, "inputSchema");
	memset(&t, 0, sizeof(t));
	t.r = r;
	t.args = args != NULL ? args : json_object();
	if (t.args == NULL)
		goto out;
	if ((bad = check_names(schema, t.args)) == NULL) {
		res = tool_result(handlers[k].fn(&t));
		bad = t.bad;
	}
	if (bad != NULL) {
		json_decref(res);
		res = NULL;
		/* SEP-1303: from 2025-11-25 the model sees what to fix. */
		if (strcmp(r->version, "2025-11-25") == 0)
			res = tool_error(bad);
		else {
			*code = RPC_INVALID_PARAMS;
			*msg = bad;
		}
	} else if (res == NULL && t.fail != NULL)
		res = tool_error(t.fail);
	else if (res != NULL &&
	    clip_json_size(res) > MCP_MAX_RESPONSE - 256) {
		json_decref(res);
		res = tool_error("The answer would be too large; ask for less "
		    "(a smaller limit or max_chars).");
	}
out:
	if (args == NULL)
		json_decref((json_t *)t.args);
	json_decref(tools);
	return res;
}
