#!/bin/bash
# CGI-level tests of the mcp program: the binary run directly with a CGI
# environment, after a sign-in made program by program (authorize, token):
# the transport's rules (methods, Origin, MCP-Protocol-Version, 202 for
# notifications and responses), every JSON-RPC error, size limits, the
# bearer challenge and the protected resource metadata, each tool, and that
# a user never reads another user's conversations.
. "$(dirname "$0")/../lib.sh"

SITE_BASE_URL=https://omi.example.org site_init "$T_TMP/data"
user_add alice 'pass word 1' || t_fail "user add alice"
KEY_A=$WEBHOOK_KEY
user_add bob 'pass word 2' || t_fail "user add bob"
KEY_B=$WEBHOOK_KEY
oauth_client
REDIR_Q=$(urlenc "$OAUTH_REDIRECT")
ID_CUR=6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
ID_LEG=b51e0c7a-22f4-4d0b-a6c3-91f2e8d7c6b5

# run PROG METHOD QUERY BODY [env...]: sets STATUS, HEADERS, BODY, RC.
run() {
	local prog=$1 method=$2 query=$3 body=$4
	shift 4
	printf '%s' "$body" > "$T_TMP/in"
	env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD="$method" \
	    QUERY_STRING="$query" SCRIPT_NAME="/cgi-bin/$prog" \
	    CONTENT_LENGTH="$(wc -c < "$T_TMP/in")" "$@" "$OMI_CGIBIN/$prog" \
	    < "$T_TMP/in" > "$T_TMP/out" 2> "$T_TMP/err"
	RC=$?
	HEADERS=$(sed -n '1,/^\r\?$/p' "$T_TMP/out" | tr -d '\r' | sed 's/^\([^:]*\):/\L\1:/')
	BODY=$(sed '1,/^\r\?$/d' "$T_TMP/out")
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^status: \([0-9]*\).*/\1/p')
}

# token UID PASSWORD: a sign-in through the authorize and token programs.
token() {
	local cookie code
	run authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=s" "" \
	    REQUEST_URI="/chatgpt/oauth/authorize?x"
	cookie=$(header set-cookie | sed 's/;.*//')
	page_handle
	run authorize POST "" "handle=$HANDLE&uid=$1&password=$(urlenc "$2")&decision=allow" \
	    HTTP_COOKIE="$cookie" CONTENT_TYPE=application/x-www-form-urlencoded
	code=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
	run token POST "" "grant_type=authorization_code&code=$code&redirect_uri=$REDIR_Q" \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)"
	jget '["access_token"]'
}

for f in omi-current omi-legacy; do
	run webhook POST "uid=alice&key=$KEY_A" "$(cat "$FIXTURES/$f.json")" CONTENT_TYPE=application/json
	check_eq "webhook $f" "$STATUS" 200
done
TOKEN_A=$(token alice 'pass word 1')
TOKEN_B=$(token bob 'pass word 2')
check_match "alice's token" "$TOKEN_A" '^[A-Za-z0-9_-]{20,}$'
check_match "bob's token" "$TOKEN_B" '^[A-Za-z0-9_-]{20,}$'

# mcp BODY [env...]: a POST to the endpoint with alice's token.
mcp() { local b=$1; shift; run mcp POST "" "$b" CONTENT_TYPE=application/json \
    HTTP_AUTHORIZATION="Bearer ${TOK:-$TOKEN_A}" "$@"; }
# call TOOL ARGS_JSON [env...]: tools/call under 2025-11-25.
call() { local n=$1 a=$2; shift 2; mcp "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"$n\",\"arguments\":$a}}" \
    HTTP_MCP_PROTOCOL_VERSION=2025-11-25 "$@"; }
py() { printf '%s' "$BODY" | python3 -c "import json,sys
d=json.load(sys.stdin)
print($1)" 2>&1; }

echo "== metadata and challenge"
check_match "omi-admin config prints the MCP server URL" "$("$ADMIN" config)" \
    '^MCP server URL: https://omi.example.org/mcp$'
run mcp GET "" "" PATH_INFO=/:resource-metadata/mcp
check_eq "metadata 200" "$STATUS" 200
check_eq "metadata resource" "$(jget '["resource"]')" https://omi.example.org/mcp
check_eq "metadata authorization server" "$(jget '["authorization_servers"][0]')" https://omi.example.org
check_eq "metadata scopes" "$(jget '["scopes_supported"]')" '["read:memories"]'
run mcp GET "" "" PATH_INFO=/:resource-metadata
check_eq "root metadata resource" "$(jget '["resource"]')" https://omi.example.org
run mcp POST "" "" PATH_INFO=/:resource-metadata
check_eq "metadata POST 405" "$STATUS" 405
run mcp GET "" "" PATH_INFO=/:other
check_eq "other path 404" "$STATUS" 404
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
run mcp POST "" "$INIT" CONTENT_TYPE=application/json
check_eq "no token 401" "$STATUS" 401
check_eq "no token challenge" "$(header www-authenticate)" \
    'Bearer resource_metadata="https://omi.example.org/.well-known/oauth-protected-resource/mcp", scope="read:memories"'
run mcp POST "" "$INIT" CONTENT_TYPE=application/json HTTP_AUTHORIZATION="Bearer not-a-token"
check_eq "bad token 401" "$STATUS" 401
check_match "bad token challenge" "$(header www-authenticate)" 'resource_metadata="https://omi.example.org/.well-known/oauth-protected-resource/mcp", scope="read:memories", error="invalid_token"$'
run mcp POST "" "$INIT" CONTENT_TYPE=application/json HTTP_AUTHORIZATION="Bearer"
check_eq "malformed Bearer 400" "$STATUS" 400

echo "== transport"
for m in GET DELETE PUT HEAD; do
	run mcp "$m" "" "" HTTP_AUTHORIZATION="Bearer $TOKEN_A"
	check_eq "$m 405" "$STATUS" 405
	check_eq "$m Allow" "$(header allow)" POST
done
mcp "$INIT" HTTP_ORIGIN=https://evil.example
check_eq "foreign Origin 403" "$STATUS" 403
mcp "$INIT" HTTP_ORIGIN=http://omi.example.org
check_eq "other scheme Origin 403" "$STATUS" 403
mcp "$INIT" HTTP_ORIGIN=null
check_eq "null Origin 403" "$STATUS" 403
mcp "$INIT" HTTP_ORIGIN=https://omi.example.org
check_eq "own Origin 200" "$STATUS" 200
run mcp POST "" "$INIT" HTTP_ORIGIN=https://evil.example
check_eq "foreign Origin before the token: 403" "$STATUS" 403

mcp "$INIT"
check_eq "initialize 200" "$STATUS" 200
check_eq "initialize content type" "$(header content-type)" application/json
check_eq "initialize 2025-06-18" "$(jget '["result"]["protocolVersion"]')" 2025-06-18
check_eq "initialize id" "$(jget '["id"]')" 1
check_eq "tools capability" "$(jget '["result"]["capabilities"]["tools"]')" '{"listChanged": false}'
mcp '{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"protocolVersion":"2025-11-25"}}'
check_eq "initialize 2025-11-25" "$(jget '["result"]["protocolVersion"]')" 2025-11-25
check_eq "string id" "$(jget '["id"]')" a
mcp '{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2024-11-05"}}'
check_eq "older version: the newest" "$(jget '["result"]["protocolVersion"]')" 2025-11-25
mcp '{"jsonrpc":"2.0","id":2,"method":"initialize","params":{}}'
check_eq "initialize without version -32602" "$(jget '["error"]["code"]')" -32602

mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}'
check_eq "notification 202" "$STATUS" 202
check_eq "notification: no body" "$BODY" ""
mcp '{"jsonrpc":"2.0","method":"notifications/unknown","params":{}}'
check_eq "unknown notification 202" "$STATUS" 202
mcp '{"jsonrpc":"2.0","id":5,"result":{}}'
check_eq "response 202" "$STATUS" 202
mcp '{"jsonrpc":"2.0","id":5,"error":{"code":-1,"message":"x"}}'
check_eq "error response 202" "$STATUS" 202
mcp '{"jsonrpc":"2.0","id":3,"method":"ping"}'
check_eq "ping" "$BODY" '{"jsonrpc":"2.0","id":3,"result":{}}'

for v in 2025-06-18 2025-11-25; do
	mcp '{"jsonrpc":"2.0","id":3,"method":"ping"}' HTTP_MCP_PROTOCOL_VERSION=$v
	check_eq "version header $v" "$STATUS" 200
done
for v in 2025-03-26 2024-11-05 1 ""; do
	mcp '{"jsonrpc":"2.0","id":3,"method":"ping"}' HTTP_MCP_PROTOCOL_VERSION="$v"
	check_eq "version header '$v' 400" "$STATUS" 400
done

echo "== JSON-RPC errors"
rpc_err() {	# rpc_err DESC BODY HTTP CODE [ID]
	mcp "$2"
	check_eq "$1: HTTP" "$STATUS" "$3"
	check_eq "$1: code" "$(jget '["error"]["code"]')" "$4"
	check_eq "$1: id" "$(jget '["id"]')" "${5:-null}"
	check_eq "$1: jsonrpc" "$(jget '["jsonrpc"]')" 2.0
}
rpc_err "not JSON" '{"jsonrpc":' 400 -32700
rpc_err "empty body" '' 400 -32700
rpc_err "trailing garbage" '{"jsonrpc":"2.0","id":1,"method":"ping"} x' 400 -32700
rpc_err "duplicate key" '{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}' 400 -32700
rpc_err "too deep" "$(python3 -c 'print("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":" + "{\"a\":"*20 + "1" + "}"*21)')" 400 -32700
rpc_err "batch" '[{"jsonrpc":"2.0","id":1,"method":"ping"}]' 400 -32600
rpc_err "empty batch" '[]' 400 -32600
rpc_err "a string" '"ping"' 400 -32600
rpc_err "no jsonrpc" '{"id":1,"method":"ping"}' 400 -32600 1
rpc_err "jsonrpc 1.0" '{"jsonrpc":"1.0","id":1,"method":"ping"}' 400 -32600 1
rpc_err "null id" '{"jsonrpc":"2.0","id":null,"method":"ping"}' 400 -32600
rpc_err "real id" '{"jsonrpc":"2.0","id":1.5,"method":"ping"}' 400 -32600
rpc_err "object id" '{"jsonrpc":"2.0","id":{},"method":"ping"}' 400 -32600
rpc_err "long id" "{\"jsonrpc\":\"2.0\",\"id\":\"$(printf 'a%.0s' $(seq 129))\",\"method\":\"ping\"}" 400 -32600
rpc_err "method a number" '{"jsonrpc":"2.0","id":1,"method":1}' 400 -32600 1
rpc_err "long method" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$(printf 'a%.0s' $(seq 129))\"}" 400 -32600 1
rpc_err "params an array" '{"jsonrpc":"2.0","id":1,"method":"ping","params":[]}' 400 -32600 1
rpc_err "unknown member" '{"jsonrpc":"2.0","id":1,"method":"ping","x":1}' 400 -32600 1
rpc_err "method and result" '{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}' 400 -32600 1
rpc_err "response without id" '{"jsonrpc":"2.0","result":{}}' 400 -32600
rpc_err "unknown method" '{"jsonrpc":"2.0","id":9,"method":"resources/list"}' 200 -32601 9
rpc_err "unknown tool" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"delete_all","arguments":{}}}' 200 -32602 9
rpc_err "arguments not an object" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search","arguments":[]}}' 200 -32602 9
rpc_err "no tool name" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{}}' 200 -32602 9
# Invalid arguments: -32602 under 2025-06-18 and without the header ...
rpc_err "missing argument (2025-06-18)" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search","arguments":{}}}' 200 -32602 9
rpc_err "bad limit (2025-06-18)" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"list_conversations","arguments":{"limit":0}}}' 200 -32602 9
# ... a tool error the model can act on under 2025-11-25 (SEP-1303).
call search '{}'
check_eq "missing argument (2025-11-25): isError" "$(jget '["result"]["isError"]')" true
call list_conversations '{"limit":51}'
check_eq "limit 51: isError" "$(jget '["result"]["isError"]')" true
call list_conversations '{"limit":"5"}'
check_eq "limit a string: isError" "$(jget '["result"]["isError"]')" true
call list_conversations '{"start_date":"yesterday"}'
check_eq "bad date: isError" "$(jget '["result"]["isError"]')" true
call list_conversations '{"start_date":"2025-07-01","end_date":"2025-06-01"}'
check_eq "start after end: isError" "$(jget '["result"]["isError"]')" true
call list_conversations '{"cursor":"not-a-cursor"}'
check_eq "bad cursor: isError" "$(jget '["result"]["isError"]')" true
call list_conversations '{"other":1}'
check_eq "unknown argument: isError" "$(jget '["result"]["isError"]')" true
call get_conversation '{"id":"../../etc/passwd"}'
check_eq "id with slashes: isError" "$(jget '["result"]["isError"]')" true
call list_action_items '{"status":"done"}'
check_eq "bad status: isError" "$(jget '["result"]["isError"]')" true
call search "{\"query\":\"$(printf 'a %.0s' $(seq 9))\"}"
check_eq "nine terms: isError" "$(jget '["result"]["isError"]')" true
# search's speaker and sort: only their enum values, as strings.
for a in '"speaker":"all"' '"speaker":"USER"' '"speaker":"user "' \
    '"speaker":true' '"speaker":null' '"sort":"oldest"' '"sort":"Relevance"' \
    '"sort":1' '"sort":["relevance"]'; do
	call search "{\"query\":\"kitchen\",$a}"
	check_eq "search $a: isError" "$(jget '["result"]["isError"]')" true
	check_match "search $a: says what is allowed" \
	    "$(jget '["result"]["content"][0]["text"]')" '^(speaker must be "user"|sort must be "newest" or "relevance")'
done
rpc_err "bad sort (2025-06-18)" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search","arguments":{"query":"kitchen","sort":"best"}}}' 200 -32602 9
call list_conversations '{"speaker":"user"}'
check_eq "speaker is search's alone: isError" "$(jget '["result"]["isError"]')" true

echo "== size limits"
big=$(head -c 70000 /dev/zero | tr '\0' a)
mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"$big\"}}"
check_eq "body over 64 KiB: 413" "$STATUS" 413
many=$(python3 -c 'print(",".join(["1"]*5000))')
rpc_err "too many values" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"a\":[$many]}}" 400 -32700
call search "{\"query\":\"$(head -c 300 /dev/zero | tr '\0' a)\"}"
check_eq "query over 200 characters: isError" "$(jget '["result"]["isError"]')" true
call get_conversation "{\"id\":\"$(head -c 200 /dev/zero | tr '\0' a)\"}"
check_eq "id over 128 characters: isError" "$(jget '["result"]["isError"]')" true

echo "== tools"
mcp '{"jsonrpc":"2.0","id":4,"method":"tools/list"}'
check_eq "tools/list names" "$(py '[t["name"] for t in d["result"]["tools"]]')" \
    "['search', 'fetch', 'list_conversations', 'get_conversation', 'list_action_items']"
check_eq "all read-only with schemas" \
    "$(py 'all(t["annotations"]["readOnlyHint"] and t["inputSchema"]["type"] == "object" and t["outputSchema"]["type"] == "object" for t in d["result"]["tools"])')" True

call search '{"query":"kitchen"}'
check_eq "search result" "$(py 'd["result"]["structuredContent"]')" \
    "{'results': [{'id': '$ID_CUR', 'title': 'Planning The Kitchen Renovation', 'url': 'https://omi.example.org/c/$ID_CUR'}]}"
check_eq "search: one text item holding the same JSON" \
    "$(py 'len(d["result"]["content"]) == 1 and json.loads(d["result"]["content"][0]["text"]) == d["result"]["structuredContent"]')" True
check_eq "search isError false" "$(jget '["result"]["isError"]')" false
call search '{"query":"xylophone"}'
check_eq "search miss" "$(py 'd["result"]["structuredContent"]')" "{'results': []}"
# speaker=user: the user's own words ("eighteen thousand"), not the
# contractor's ("realistically"), nor the title ("kitchen").
search_ids() { call search "$1"; py '[r["id"] for r in d["result"]["structuredContent"]["results"]]'; }
check_eq "search speaker user: the user's words" \
    "$(search_ids '{"query":"eighteen thousand","speaker":"user"}')" "['$ID_CUR']"
check_eq "search speaker user: not others' words" \
    "$(search_ids '{"query":"realistically","speaker":"user"}')" "[]"
check_eq "search speaker user: not the title" \
    "$(search_ids '{"query":"kitchen","speaker":"user"}')" "[]"
check_eq "search without speaker: others' words" \
    "$(search_ids '{"query":"realistically"}')" "['$ID_CUR']"
check_eq "search sort newest" "$(search_ids '{"query":"kitchen","sort":"newest"}')" "['$ID_CUR']"
check_eq "search sort relevance" "$(search_ids '{"query":"kitchen","sort":"relevance"}')" "['$ID_CUR']"
check_eq "search speaker and sort relevance" \
    "$(search_ids '{"query":"eighteen","speaker":"user","sort":"relevance"}')" "['$ID_CUR']"
mcp '{"jsonrpc":"2.0","id":4,"method":"tools/list"}'
check_eq "search schema: speaker and sort" \
    "$(py '[t["inputSchema"]["properties"][k]["enum"] for t in d["result"]["tools"] if t["name"] == "search" for k in ("speaker", "sort")]')" \
    "[['user'], ['newest', 'relevance']]"

call fetch "{\"id\":\"$ID_CUR\"}"
check_eq "fetch fields" "$(py 'sorted(d["result"]["structuredContent"])')" "['id', 'metadata', 'text', 'title', 'url']"
check_eq "fetch text" "$(py 'd["result"]["structuredContent"]["text"]')" \
"The user and a contractor discussed cabinet options, a six-week timeline and a budget ceiling of 18,000 dollars.

[0:00:00 - 0:00:02] User: So what's the earliest you could start?

[0:00:03 - 0:00:08] Speaker 1: Realistically the first week of July, and it takes about six weeks.

[0:00:08 - 0:00:11] User: Okay. Let's keep it under eighteen thousand."
check_eq "fetch url" "$(py 'd["result"]["structuredContent"]["url"]')" "https://omi.example.org/c/$ID_CUR"
check_eq "fetch metadata" "$(py '[d["result"]["structuredContent"]["metadata"][k] for k in ("transcript_length", "transcript_truncated", "next_transcript_offset", "category")]')" \
    "[237, False, None, 'personal']"
check_eq "fetch text item is the JSON" "$(py 'json.loads(d["result"]["content"][0]["text"]) == d["result"]["structuredContent"]')" True
call fetch '{"id":"no-such-id"}'
check_eq "fetch unknown id: isError" "$(jget '["result"]["isError"]')" true

call get_conversation "{\"id\":\"$ID_CUR\",\"transcript_offset\":10,\"max_chars\":20}"
check_eq "get_conversation part" "$(py '[d["result"]["structuredContent"][k] for k in ("transcript", "transcript_offset", "transcript_length", "transcript_truncated", "next_transcript_offset")]')" \
    "[' 0:00:02] User: So w', 10, 237, True, 30]"
check_eq "get_conversation action items" "$(py 'd["result"]["structuredContent"]["action_items"][0]["description"]')" \
    "Send the contractor photos of the current layout by Tuesday"
call get_conversation "{\"id\":\"$ID_CUR\",\"transcript_offset\":238}"
check_eq "offset past the end: isError" "$(jget '["result"]["isError"]')" true

call list_conversations '{}'
check_eq "list ids" "$(py '[c["id"] for c in d["result"]["structuredContent"]["conversations"]]')" "['$ID_CUR', '$ID_LEG']"
check_eq "list has_more" "$(py 'd["result"]["structuredContent"]["has_more"]')" False
call list_conversations '{"limit":1}'
check_eq "list page 1" "$(py '[c["id"] for c in d["result"]["structuredContent"]["conversations"]]')" "['$ID_CUR']"
CUR=$(py 'd["result"]["structuredContent"]["next_cursor"]')
call list_conversations "{\"limit\":1,\"cursor\":\"$CUR\"}"
check_eq "list page 2" "$(py '[c["id"] for c in d["result"]["structuredContent"]["conversations"]]')" "['$ID_LEG']"
call list_conversations '{"category":"PERSONAL","end_date":"2025-12-31"}'
check_eq "list by category" "$(py '[c["id"] for c in d["result"]["structuredContent"]["conversations"]]')" "['$ID_CUR']"
call list_conversations '{"start_date":"2030-01-01"}'
check_eq "list by date: none" "$(py 'd["result"]["structuredContent"]')" "{'conversations': [], 'has_more': False, 'next_cursor': None}"

python3 - "$FIXTURES/omi-legacy.json" > "$T_TMP/done.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["id"] = "done-1"
d["structured"]["action_items"] = [{"description": "Done already", "completed": True},
    {"description": "Still to do", "completed": False, "due_at": "2025-07-01T09:00:00Z"}]
print(json.dumps(d))
PY
run webhook POST "uid=alice&key=$KEY_A" "$(cat "$T_TMP/done.json")" CONTENT_TYPE=application/json
check_eq "conversation with a completed item stored" "$STATUS" 200
call list_action_items '{"status":"all"}'
check_eq "action items carry their conversation" \
    "$(py 'sorted(set(i["conversation_id"] for i in d["result"]["structuredContent"]["action_items"]))')" "['$ID_CUR', '$ID_LEG', 'done-1']"
ALL=$(py 'len(d["result"]["structuredContent"]["action_items"])')
call list_action_items '{}'
OPEN=$(py 'len(d["result"]["structuredContent"]["action_items"])')
check_eq "open items are not completed" "$(py 'all(not i["completed"] for i in d["result"]["structuredContent"]["action_items"])')" True
check_eq "open items: all but the completed one" "$OPEN" "$((ALL - 1))"
check_eq "an open item's due date and page" "$(py '[(i["due_at"], i["url"]) for i in d["result"]["structuredContent"]["action_items"] if i["conversation_id"] == "done-1"]')" \
    "[('2025-07-01T09:00:00Z', 'https://omi.example.org/c/done-1')]"
call list_action_items '{"status":"all","limit":1}'
check_eq "action items a conversation at a time" "$(py '[d["result"]["structuredContent"][k] for k in ("conversations_read", "has_more")]')" "[1, True]"

echo "== another user"
TOK=$TOKEN_B call fetch "{\"id\":\"$ID_CUR\"}"
check_eq "bob cannot fetch alice's conversation" "$(jget '["result"]["isError"]')" true
check_nomatch "bob sees nothing of it" "$BODY" 'Kitchen|contractor'
TOK=$TOKEN_B call get_conversation "{\"id\":\"$ID_CUR\"}"
check_eq "bob cannot get it" "$(jget '["result"]["isError"]')" true
TOK=$TOKEN_B call search '{"query":"kitchen"}'
check_eq "bob's search finds nothing" "$(py 'd["result"]["structuredContent"]')" "{'results': []}"
TOK=$TOKEN_B call list_conversations '{}'
check_eq "bob's list is empty" "$(py 'd["result"]["structuredContent"]["conversations"]')" "[]"
TOK=$TOKEN_B call list_action_items '{"status":"all"}'
check_eq "bob has no action items" "$(py 'd["result"]["structuredContent"]["action_items"]')" "[]"

echo "== a long transcript in parts"
python3 - "$FIXTURES/omi-current.json" > "$T_TMP/long.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["id"] = "long-1"
d["transcript_segments"] = [{"text": "segment %d \"quoted\" \\ text" % i + " é" * 40,
    "speaker": "SPEAKER_1", "is_user": False, "start": i, "end": i + 1} for i in range(3000)]
print(json.dumps(d))
PY
run webhook POST "uid=alice&key=$KEY_A" "$(cat "$T_TMP/long.json")" CONTENT_TYPE=application/json
check_eq "long conversation stored" "$STATUS" 200
call fetch '{"id":"long-1"}'
check "fetch of a long one stays under 99,000 bytes" test "$(printf '%s' "$BODY" | wc -c)" -le 99000
check_eq "fetch of a long one is cut" "$(py 'd["result"]["structuredContent"]["metadata"]["transcript_truncated"]')" True
off=0 parts=0; : > "$T_TMP/whole"
while [ "$off" != None ] && [ $parts -lt 100 ]; do
	call get_conversation "{\"id\":\"long-1\",\"transcript_offset\":$off,\"max_chars\":30000}"
	[ "$(printf '%s' "$BODY" | wc -c)" -le 99000 ] || t_fail "part at $off over 99,000 bytes"
	py 'd["result"]["structuredContent"]["transcript"]' | head -c -1 >> "$T_TMP/whole"
	off=$(py 'd["result"]["structuredContent"]["next_transcript_offset"]')
	parts=$((parts + 1))
done
check "the transcript came in several parts ($parts)" test "$parts" -gt 2
check_eq "the parts make the whole transcript" "$(sha256sum < "$T_TMP/whole")" \
    "$(python3 - "$T_TMP/long.json" <<'PY' | sha256sum
import json, sys
d = json.load(open(sys.argv[1]))
sys.stdout.write("\n\n".join("[%d:%02d:%02d - %d:%02d:%02d] Speaker 1: %s" % (s["start"] // 3600, s["start"] // 60 % 60, s["start"] % 60, s["end"] // 3600, s["end"] // 60 % 60, s["end"] % 60, s["text"].strip()) for s in d["transcript_segments"]))
PY
)"

check_eq "every run exited 0" "$RC" 0
t_done
