/*
 * openapi: builds the API description (see openapi.h). The schemas mirror
 * exactly what list.c and detail.c send; the end-to-end tests
 * validate real responses against them, so a change to one side that
 * forgets the other fails there.
 */
#include <string.h>

#include "api/openapi.h"
#include "auth/oauth.h"
#include "lib/buf.h"

static json_t *
typed(const char *type, const char *desc)
{
	return json_pack("{s:s, s:s}", "type", type, "description", desc);
}

static json_t *
nullable(const char *type, const char *desc)
{
	return json_pack("{s:[s, s], s:s}", "type", type, "null",
	    "description", desc);
}

static json_t *
ref(const char *name)
{
	struct buf	 b = { 0 };
	json_t		*j;

	buf_printf(&b, "#/components/schemas/%s", name);
	j = b.failed ? NULL : json_pack("{s:s}", "$ref", b.data);
	buf_free(&b);
	return j;
}

static json_t *
param(const char *name, const char *in, int required, json_t *schema,
    const char *desc)
{
	return json_pack("{s:s, s:s, s:b, s:o, s:s}", "name", name, "in", in,
	    "required", required, "schema", schema, "description", desc);
}

static json_t *
response(const char *desc, const char *schema)
{
	return json_pack("{s:s, s:{s:{s:o}}}", "description", desc, "content",
	    "application/json", "schema", ref(schema));
}

static json_t *
error_responses(json_t *ok, int with_404)
{
	json_t *r;

	r = json_pack("{s:o, s:o, s:o, s:o, s:o}", "200", ok,
	    "400", response("A parameter is invalid (parameter names it and "
	    "message says what is allowed), or the Authorization header is "
	    "not a well-formed bearer token (invalid_request).", "Error"),
	    "401", response("The access token is missing, expired or revoked;"
	    " the user must sign in again.", "Error"),
	    "403", response("The token lacks the read:memories scope.",
	    "Error"),
	    "503", response("The storage is busy or unavailable "
	    "(storage_unavailable); try again after the Retry-After header's "
	    "seconds.", "Error"));
	if (r != NULL && with_404)
		json_object_set_new(r, "404", response("No conversation with "
		    "this id belongs to the user.", "Error"));
	return r;
}

static json_t *
list_params(void)
{
	return json_pack("[o, o, o, o, o, o, o, o, o, o]",
	    param("limit", "query", 0, json_pack("{s:s, s:i, s:i, s:i}",
	    "type", "integer", "minimum", 1, "maximum", 100, "default", 20),
	    "How many conversations to return (1-100, default 20). Keep it "
	    "small for overviews; raise it to scan many summaries at once."),
	    param("cursor", "query", 0, json_pack("{s:s, s:i}", "type",
	    "string", "maxLength", 256), "Continue a listing: pass the "
	    "next_cursor value of the previous response unchanged, with the "
	    "same filters. Omit it for the first page. Paging by cursor "
	    "never repeats or skips a conversation, even when new ones "
	    "arrive meanwhile. Do not combine with offset."),
	    param("offset", "query", 0, json_pack("{s:s, s:i, s:i, s:i}",
	    "type", "integer", "minimum", 0, "maximum", 1000000000, "default",
	    0), "Skip this many matching "
	    "conversations (newest first) before the page. Use it to jump, "
	    "e.g. offset=40; for going through pages prefer cursor. Do not "
	    "combine with cursor."),
	    param("q", "query", 0, json_pack("{s:s, s:i}", "type", "string",
	    "maxLength", 200), "Search words. A conversation matches when "
	    "every word occurs (ignoring case and diacritics, also as part "
	    "of a longer word: cafe finds Café, strasse finds Straße) in its "
	    "title, overview or transcript. Put a phrase in "
	    "double quotes to match it as a whole. Up to 8 terms. Use "
	    "distinctive words, e.g. names, places or topics the user "
	    "mentioned. total is null for searches."),
	    param("category", "query", 0, json_pack("{s:s, s:i}", "type",
	    "string", "maxLength", 100), "Only conversations of this OMI "
	    "category, e.g. personal, work, business, education, health, "
	    "finance, travel, technology, other (case-insensitive, exact)."),
	    param("start_date", "query", 0, json_pack("{s:s}", "type",
	    "string"), "Only conversations created at or after this time: "
	    "an ISO 8601 date such as 2025-06-14 (from 00:00 UTC) or a "
	    "date-time such as 2025-06-14T09:00:00+02:00."),
	    param("end_date", "query", 0, json_pack("{s:s}", "type", "string"),
	    "Only conversations created at or before this time: an ISO 8601 "
	    "date such as 2025-06-14 (through 23:59:59 UTC of that day) or a "
	    "date-time. Combine with start_date for a range, e.g. one week."),
	    param("include_discarded", "query", 0, json_pack("{s:s, s:b}",
	    "type", "boolean", "default", 0), "Also return conversations OMI "
	    "marked as discarded (usually too short or empty). Default "
	    "false."),
	    param("speaker", "query", 0, json_pack("{s:s, s:[s]}", "type",
	    "string", "enum", "user"), "Only with q. user: the words must "
	    "occur in what the user said themselves (transcript segments OMI "
	    "marks as the user's), not in what others said nor in the title "
	    "or overview. Use it for questions like \"what did I say about "
	    "...\". Omit it to search everything."),
	    param("sort", "query", 0, json_pack("{s:s, s:[s, s], s:s}", "type",
	    "string", "enum", "newest", "relevance", "default", "newest"),
	    "Order of the matches. newest (default): most recent first. "
	    "relevance (only with q): best matches first; use it for a "
	    "vague question where the newest match need not be the right "
	    "one. Page with next_cursor as usual, keeping the same sort."));
}

static json_t *
detail_params(void)
{
	return json_pack("[o, o, o]",
	    param("conversation_id", "path", 1, json_pack("{s:s, s:s}",
	    "type", "string", "pattern", "^[A-Za-z0-9._-]{1,128}$"),
	    "The id of a conversation, as returned by getConversations."),
	    param("transcript_offset", "query", 0, json_pack("{s:s, s:i, s:i}",
	    "type", "integer", "minimum", 0, "default", 0), "Where to start "
	    "reading the transcript, in characters. Use 0 (or omit) first; "
	    "when transcript_truncated is true, call again with the "
	    "next_transcript_offset value to read the next part."),
	    param("max_chars", "query", 0, json_pack("{s:s, s:i, s:i, s:i}",
	    "type", "integer", "minimum", 1, "maximum", 90000, "default",
	    40000), "The most transcript characters to return in this "
	    "response (1-90000, default 40000). The server may return fewer "
	    "to keep the response small; it then sets transcript_truncated "
	    "and next_transcript_offset."));
}

static json_t *
summary_schema(void)
{
	return json_pack("{s:s, s:s, s:[s, s, s, s, s, s, s], s:{s:o, s:o, "
	    "s:o, s:o, s:o, s:o, s:o}}", "type", "object", "description",
	    "One conversation in a listing.", "required", "id", "title",
	    "created_at", "category", "overview", "emoji", "discarded",
	    "properties",
	    "id", typed("string", "Pass to getConversation to read it."),
	    "title", typed("string", "Title OMI gave the conversation."),
	    "created_at", typed("string", "When it was recorded (ISO 8601)."),
	    "category", typed("string", "OMI category, e.g. work."),
	    "overview", typed("string", "OMI's summary of the conversation "
	    "(cut after 1000 characters, ending in an ellipsis)."),
	    "emoji", typed("string", "An emoji OMI chose for it."),
	    "discarded", typed("boolean", "OMI marked it as discarded."));
}

static json_t *
list_schema(void)
{
	return json_pack("{s:s, s:[s, s, s, s, s], s:{s:{s:s, s:o}, s:o, s:o, "
	    "s:o, s:o, s:o}}", "type", "object", "required",
	    "conversations", "total", "has_more", "next_cursor", "next_offset",
	    "properties",
	    "conversations", "type", "array", "items", ref("ConversationSummary"),
	    "total", nullable("integer", "How many conversations match the "
	    "filters in all; null for a text search."),
	    "has_more", typed("boolean", "More matching conversations may "
	    "follow; fetch them with next_cursor."),
	    "next_cursor", nullable("string", "Pass as cursor to get the next "
	    "page; null at the end."),
	    "next_offset", nullable("integer", "The offset of the next page "
	    "when paging by offset; null otherwise."),
	    "message", typed("string", "Present when a search stopped early; "
	    "says how to continue."));
}

static json_t *
conversation_schema(void)
{
	return json_pack("{s:s, s:[s, s, s, s, s, s, s, s, s, s, s], s:{s:o, "
	    "s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}}",
	    "type", "object", "required", "id", "created_at", "started_at",
	    "finished_at", "discarded", "structured", "transcript",
	    "transcript_offset", "transcript_length", "transcript_truncated",
	    "next_transcript_offset", "properties",
	    "id", typed("string", "The conversation id."),
	    "created_at", typed("string", "When OMI created it (ISO 8601)."),
	    "started_at", nullable("string", "When recording started."),
	    "finished_at", nullable("string", "When recording finished."),
	    "discarded", typed("boolean", "OMI marked it as discarded."),
	    "structured", ref("Structured"),
	    "structured_truncated", typed("boolean", "Present and true when "
	    "a very long overview, title or list was shortened."),
	    "transcript", typed("string", "This part of the transcript: one "
	    "block per utterance, '[H:MM:SS - H:MM:SS] Speaker: text' "
	    "(timestamps left out when utterances overlap), 'User' being "
	    "the wearer, blocks separated by a blank line."),
	    "transcript_offset", typed("integer", "Where this part starts, in "
	    "characters."),
	    "transcript_length", typed("integer", "Length of the whole "
	    "transcript in characters."),
	    "transcript_truncated", typed("boolean", "True when the "
	    "transcript goes on after this part."),
	    "next_transcript_offset", nullable("integer", "Pass as "
	    "transcript_offset to read the next part; null at the end."));
}

static json_t *
structured_schema(void)
{
	return json_pack("{s:s, s:[s, s, s, s], s:{s:o, s:o, s:o, s:o, "
	    "s:{s:s, s:s, s:{s:s, s:{s:o, s:o, s:o}}}, "
	    "s:{s:s, s:s, s:{s:s, s:{s:o, s:o, s:o, s:o}}}}}",
	    "type", "object", "required", "title", "overview", "emoji",
	    "category", "properties",
	    "title", typed("string", "Title."),
	    "overview", typed("string", "OMI's summary."),
	    "emoji", typed("string", "Emoji."),
	    "category", typed("string", "OMI category."),
	    "action_items", "type", "array", "description", "To-dos OMI "
	    "found, when it sent any.", "items", "type", "object",
	    "properties", "description", typed("string", "What to do."),
	    "completed", typed("boolean", "Done already."),
	    "due_at", nullable("string", "Due time (ISO 8601)."),
	    "events", "type", "array", "description", "Calendar events OMI "
	    "found, when it sent any.", "items", "type", "object",
	    "properties", "title", typed("string", "Event title."),
	    "description", typed("string", "Details."),
	    "start", typed("string", "Start (ISO 8601)."),
	    "duration", typed("integer", "Minutes."));
}

static json_t *
error_schema(void)
{
	return json_pack("{s:s, s:[s, s], s:{s:o, s:o, s:o}}", "type",
	    "object", "required", "error", "message", "properties",
	    "error", typed("string", "Error code, e.g. invalid_parameter, "
	    "not_found, invalid_token, insufficient_scope."),
	    "message", typed("string", "What went wrong, for the reader."),
	    "parameter", typed("string", "The parameter that was invalid."));
}

static json_t *
url(const struct config *c, const char *path)
{
	struct buf	 b = { 0 };
	json_t		*j;

	buf_printf(&b, "%s%s", c->base_url ? c->base_url : "", path);
	j = b.failed ? NULL : json_string(b.data);
	buf_free(&b);
	return j;
}

json_t *
openapi_document(const struct config *c)
{
	return json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:o}], "
	    "s:{s:{s:{s:s, s:s, s:s, s:o, s:o}}, s:{s:{s:s, s:s, s:s, s:o, "
	    "s:o}}}, s:{s:{s:o, s:o, s:o, s:o, s:o}, s:{s:{s:s, s:s, "
	    "s:{s:{s:o, s:o, s:{s:s}}}}}}, s:[{s:[s]}]}",
	    "openapi", "3.1.0",
	    "info", "title", "OMI Conversations API", "description",
	    "Read the conversations the user's OMI wearable recorded: list, "
	    "search and filter them, and read full transcripts.",
	    "version", "1.1.0",
	    "servers", "url", url(c, ""),
	    "paths",
	    "/api/conversations", "get", "operationId", "getConversations",
	    "summary", "List or search the user's OMI conversations, newest "
	    "first",
	    "description", "Returns summaries (title, overview, category, "
	    "time), newest first. Use q to search, category and "
	    "start_date/end_date to filter, next_cursor for more. Then call "
	    "getConversation for the transcript.",
	    "parameters", list_params(),
	    "responses", error_responses(response("A page of conversation "
	    "summaries.", "ConversationList"), 0),
	    "/api/conversations/{conversation_id}", "get", "operationId",
	    "getConversation", "summary", "Get one conversation with its "
	    "transcript",
	    "description", "Returns the conversation's summary, action items, "
	    "events and transcript. A long transcript comes in parts: when "
	    "transcript_truncated is true, call again with "
	    "transcript_offset=next_transcript_offset.",
	    "parameters", detail_params(),
	    "responses", error_responses(response("The conversation.",
	    "Conversation"), 1),
	    "components", "schemas",
	    "ConversationSummary", summary_schema(),
	    "ConversationList", list_schema(),
	    "Conversation", conversation_schema(),
	    "Structured", structured_schema(),
	    "Error", error_schema(),
	    "securitySchemes", "oauth2", "type", "oauth2", "description",
	    "Sign in with the user's account on this server.", "flows",
	    "authorizationCode",
	    "authorizationUrl", url(c, "/chatgpt/oauth/authorize"),
	    "tokenUrl", url(c, "/chatgpt/oauth/token"),
	    "scopes", OAUTH_SCOPE_READ, "Read your OMI conversations",
	    "security", "oauth2", OAUTH_SCOPE_READ);
}
