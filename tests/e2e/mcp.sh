#!/bin/bash
# End-to-end tests of the MCP endpoint through a real web server with curl,
# as an MCP client walks it: the 401 whose resource_metadata leads to the
# protected resource metadata, which names the authorization server whose
# metadata is served too; a real OAuth sign-in; then initialize,
# notifications/initialized, tools/list and each tool; the routes /mcp and
# /cgi-bin/mcp; GET 405; a foreign Origin. The error paths in detail are
# tests/cgi/mcp.sh.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
user_add alice 'correct horse' || t_fail "user add alice"
KEY_A=$WEBHOOK_KEY
user_add bob 'battery staple' || t_fail "user add bob"
server_start || { t_fail "server start"; t_done; exit 1; }
config_set base_url "\"$BASE\""
for f in omi-current omi-legacy; do
	webhook_post alice "$KEY_A" "$FIXTURES/$f.json"
	check_eq "post $f" "$STATUS" 200
done
ID_CUR=6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
ID_LEG=b51e0c7a-22f4-4d0b-a6c3-91f2e8d7c6b5
py() { printf '%s' "$BODY" | python3 -c "import json,sys
d=json.load(sys.stdin)
print($1)" 2>&1; }
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}'

echo "== discovery"
http POST /mcp -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' --data-binary "$INIT"
check_eq "no token: 401" "$STATUS" 401
WWW=$(header www-authenticate)
check_eq "challenge" "$WWW" "Bearer resource_metadata=\"$BASE/.well-known/oauth-protected-resource/mcp\", scope=\"read:memories\""
PRM=$(printf '%s' "$WWW" | sed -n 's/.*resource_metadata="\([^"]*\)".*/\1/p')
http GET "${PRM#"$BASE"}"
check_eq "resource metadata 200" "$STATUS" 200
check_eq "resource metadata type" "$(header content-type)" application/json
check_eq "resource" "$(jget '["resource"]')" "$BASE/mcp"
AS=$(jget '["authorization_servers"][0]')
check_eq "authorization server" "$AS" "$BASE"
http GET /.well-known/oauth-protected-resource
check_eq "root resource metadata" "$(jget '["resource"]')" "$BASE"
http GET "${AS#"$BASE"}/.well-known/oauth-authorization-server"
check_eq "authorization server metadata" "$(jget '["issuer"]')" "$AS"

oauth_login alice 'correct horse' || t_fail "oauth_login alice"
TOKEN_A=$ACCESS_TOKEN
oauth_login bob 'battery staple' || t_fail "oauth_login bob"
TOKEN_B=$ACCESS_TOKEN

# rpc JSON [curl args]: a POST to /mcp with alice's token (or TOK's).
rpc() { local b=$1; shift; http POST "${MCP_PATH:-/mcp}" -H "Authorization: Bearer ${TOK:-$TOKEN_A}" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    --data-binary "$b" "$@"; }
call() { rpc "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"$1\",\"arguments\":$2}}" \
    -H 'MCP-Protocol-Version: 2025-11-25'; }

echo "== the session"
rpc "$INIT"
check_eq "initialize 200" "$STATUS" 200
check_eq "initialize type" "$(header content-type)" application/json
check_eq "version" "$(jget '["result"]["protocolVersion"]')" 2025-11-25
check_eq "server name" "$(jget '["result"]["serverInfo"]["name"]')" omi-bridge
rpc '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H 'MCP-Protocol-Version: 2025-11-25'
check_eq "initialized: 202" "$STATUS" 202
check_eq "initialized: no body" "$BODY" ""
MCP_PATH=/cgi-bin/mcp rpc '{"jsonrpc":"2.0","id":2,"method":"ping"}'
check_eq "ping at /cgi-bin/mcp" "$BODY" '{"jsonrpc":"2.0","id":2,"result":{}}'
rpc '{"jsonrpc":"2.0","id":3,"method":"tools/list"}' -H 'MCP-Protocol-Version: 2025-11-25'
check_eq "tools" "$(py '[t["name"] for t in d["result"]["tools"]]')" \
    "['search', 'fetch', 'list_conversations', 'get_conversation', 'list_action_items']"

call search '{"query":"kitchen"}'
check_eq "search" "$(py 'json.loads(d["result"]["content"][0]["text"])')" \
    "{'results': [{'id': '$ID_CUR', 'title': 'Planning The Kitchen Renovation', 'url': '$BASE/c/$ID_CUR'}]}"
call fetch "{\"id\":\"$ID_LEG\"}"
check_match "fetch text" "$(py 'd["result"]["structuredContent"]["text"]')" 'User: Agreed, let.s start with iOS\.$'
check_eq "fetch url" "$(py 'd["result"]["structuredContent"]["url"]')" "$BASE/c/$ID_LEG"
call list_conversations '{"limit":1}'
check_eq "list page 1" "$(py '[c["id"] for c in d["result"]["structuredContent"]["conversations"]]')" "['$ID_CUR']"
CUR=$(py 'd["result"]["structuredContent"]["next_cursor"]')
call list_conversations "{\"limit\":1,\"cursor\":\"$CUR\"}"
check_eq "list page 2" "$(py '[c["id"] for c in d["result"]["structuredContent"]["conversations"]]')" "['$ID_LEG']"
call get_conversation "{\"id\":\"$ID_CUR\",\"max_chars\":19}"
check_eq "get_conversation part" "$(py '[d["result"]["structuredContent"][k] for k in ("transcript", "next_transcript_offset")]')" \
    "['[0:00:00 - 0:00:02]', 19]"
call list_action_items '{}'
check_eq "action items" "$(py 'sorted(i["conversation_id"] for i in d["result"]["structuredContent"]["action_items"])')" \
    "['$ID_CUR', '$ID_LEG']"
TOK=$TOKEN_B call fetch "{\"id\":\"$ID_CUR\"}"
check_eq "bob cannot fetch alice's" "$(jget '["result"]["isError"]')" true

echo "== refusals"
http GET /mcp -H "Authorization: Bearer $TOKEN_A"
check_eq "GET 405" "$STATUS" 405
check_eq "GET Allow" "$(header allow)" POST
rpc "$INIT" -H 'Origin: https://evil.example'
check_eq "foreign Origin 403" "$STATUS" 403
rpc "$INIT" -H "Origin: $ORIGIN"
check_eq "own Origin 200" "$STATUS" 200
rpc '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'
check_eq "batch 400" "$STATUS" 400
check_eq "batch -32600" "$(jget '["error"]["code"]')" -32600
rpc '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H 'MCP-Protocol-Version: 2099-01-01'
check_eq "unsupported version 400" "$STATUS" 400
TOK=not-a-token rpc "$INIT"
check_eq "bad token 401" "$STATUS" 401
check_match "bad token challenge" "$(header www-authenticate)" 'error="invalid_token"'
t_done
