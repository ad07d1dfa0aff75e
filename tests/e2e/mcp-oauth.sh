#!/bin/bash
# The walk an MCP client takes, with curl, step by step, so that a failure
# names the step that broke: POST /mcp without a token, the 401's
# resource_metadata, the protected resource metadata, its authorization
# server, that server's metadata by the MCP specification's discovery order
# (the first URL that answers must be the right document: under apache-dist
# the bridge lives below /omi of a host whose root is not its own), dynamic
# registration (RFC 7591, a public client with a loopback redirect), the
# consent page with PKCE S256 and resource=<base>/mcp, the code, the token
# (bound to /mcp: the API refuses it), initialize, tools/list, each tool,
# refresh, and omi-admin revoke ending it. Then the error paths through the
# server: an expired token, a token for another resource, registrations
# with an http (non-loopback) or fragment redirect, too many registrations.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
PW='correct horse'
user_add alice "$PW" || t_fail "user add alice"
KEY_A=$WEBHOOK_KEY
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
# get URL [curl args]: http for an absolute URL (one a document named).
get() { local u=$1; shift; BASE= http GET "$u" "$@"; }
post() { local u=$1; shift; BASE= http POST "$u" "$@"; }
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl-walk","version":"1"}}}'
# rpc TOKEN JSON: a POST to the MCP endpoint.
rpc() {
	post "$MCP" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
	    -H 'Accept: application/json, text/event-stream' \
	    -H 'MCP-Protocol-Version: 2025-11-25' --data-binary "$2"
}
call() { rpc "$AT" "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"$1\",\"arguments\":$2}}"; }

echo "== 1. POST /mcp without a token"
MCP=$BASE/mcp
post "$MCP" -H 'Content-Type: application/json' --data-binary "$INIT"
check_eq "401" "$STATUS" 401
PRM=$(header www-authenticate | sed -n 's/.*resource_metadata="\([^"]*\)".*/\1/p')
check_eq "resource_metadata under the base URL" "$PRM" "$BASE/.well-known/oauth-protected-resource/mcp"

echo "== 2. the protected resource metadata"
get "$PRM"
check_eq "200" "$STATUS" 200
check_eq "resource is the endpoint" "$(jget '["resource"]')" "$MCP"
AS=$(jget '["authorization_servers"][0]')
check_eq "authorization server is the base URL" "$AS" "$BASE"

echo "== 3. the authorization server's metadata, in the discovery order"
# The MCP specification (2025-06-18 and 2025-11-25, "Authorization Server
# Metadata Discovery") and the official SDK's buildDiscoveryUrls: for an
# issuer with a path, RFC 8414 path insertion, OpenID Connect Discovery
# path insertion, then OpenID Connect Discovery path appending; without
# one, the two root URLs.
ORIGIN_AS=$(printf '%s' "$AS" | sed -E 's|^(https?://[^/]+).*|\1|')
ASPATH=${AS#"$ORIGIN_AS"}
if [ -n "$ASPATH" ]; then
	URLS="$ORIGIN_AS/.well-known/oauth-authorization-server$ASPATH
$ORIGIN_AS/.well-known/openid-configuration$ASPATH
$AS/.well-known/openid-configuration"
	WANT=$AS/.well-known/openid-configuration
else
	URLS="$AS/.well-known/oauth-authorization-server
$AS/.well-known/openid-configuration"
	WANT=$AS/.well-known/oauth-authorization-server
fi
FOUND=
for u in $URLS; do
	get "$u" -H 'Accept: application/json'
	# The SDK goes on past any 4xx and gives up on a 5xx.
	check_nomatch "$u: no 5xx" "$STATUS" '^5'
	if [ "$STATUS" = 200 ]; then FOUND=$u; break; fi
done
check_eq "the first URL that answers" "$FOUND" "$WANT"
check_eq "JSON" "$(header content-type)" application/json
check_eq "issuer is the base URL exactly" "$(jget '["issuer"]')" "$AS"
check_eq "S256" "$(jget '["code_challenge_methods_supported"]')" '["S256"]'
AUTHZ=$(jget '["authorization_endpoint"]')
TOKEN=$(jget '["token_endpoint"]')
REG=$(jget '["registration_endpoint"]')
check_eq "authorization endpoint" "$AUTHZ" "$BASE/chatgpt/oauth/authorize"
check_eq "token endpoint" "$TOKEN" "$BASE/chatgpt/oauth/token"
check_eq "registration endpoint" "$REG" "$BASE/chatgpt/oauth/register"
if [ "${FOUND%openid-configuration}" != "$FOUND" ]; then
	# What the SDK's OpenID provider schema requires, claiming nothing:
	# no ID token algorithm, an empty key set, no "openid" scope.
	check_eq "OIDC: no subject types" "$(jget '["subject_types_supported"]')" '[]'
	check_eq "OIDC: no ID token algorithms" "$(jget '["id_token_signing_alg_values_supported"]')" '[]'
	check_nomatch "OIDC: no openid scope" "$(jget '["scopes_supported"]')" openid
	JWKS=$(jget '["jwks_uri"]')
	get "$JWKS"
	check_eq "jwks_uri 200" "$STATUS" 200
	check_eq "jwks_uri: an empty key set" "$(py 'd')" "{'keys': []}"
fi
# Every well-known URL under the base URL serves the bridge's documents.
for u in /.well-known/oauth-authorization-server /.well-known/openid-configuration; do
	http GET "$u"
	check_eq "$u: 200" "$STATUS" 200
	check_eq "$u: issuer" "$(jget '["issuer"]')" "$BASE"
done
http GET /.well-known/oauth-protected-resource
check_eq "root resource metadata: the bridge" "$(jget '["resource"]')" "$BASE"
check_eq "root resource metadata: its server" "$(jget '["authorization_servers"][0]')" "$BASE"

echo "== 4. registration (RFC 7591): a public client, a loopback redirect"
CB=http://127.0.0.1:33418/callback
post "$REG" -H 'Content-Type: application/json' --data-binary \
    "{\"redirect_uris\":[\"$CB\"],\"client_name\":\"curl walk\",\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}"
check_eq "201" "$STATUS" 201
CID=$(jget '["client_id"]')
check_match "client_id" "$CID" '^dcr-'
check_eq "no secret" "$(jget '.get("client_secret","-")')" -

echo "== 5. authorize: PKCE S256, resource=<base>/mcp, sign-in and consent"
VER=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
CC=$(printf '%s' "$VER" | openssl dgst -sha256 -binary | base64 -w0 | tr '+/' '-_' | tr -d '=')
# signin RESOURCE: the consent page and its form; sets CODE, LOCATION.
signin() {
	JAR=$(mktemp "$T_TMP/jar.XXXXXX")
	get "$AUTHZ?response_type=code&client_id=$CID&redirect_uri=$(urlenc "$CB")&scope=read%3Amemories&state=walk-1&code_challenge=$CC&code_challenge_method=S256&resource=$(urlenc "$1")" \
	    -c "$JAR" -b "$JAR"
	check_eq "consent page 200" "$STATUS" 200
	check_match "the page names the client" "$BODY" 'curl walk'
	page_handle
	post "$AUTHZ" -b "$JAR" -c "$JAR" --data-urlencode "handle=$HANDLE" \
	    --data-urlencode uid=alice --data-urlencode "password=$PW" \
	    --data-urlencode decision=allow
	check_eq "consent 302" "$STATUS" 302
	LOCATION=$(header location)
	CODE=$(printf '%s' "$LOCATION" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
}
signin "$MCP"
check_match "back to the client with code and state" "$LOCATION" "^$CB\\?code=[A-Za-z0-9_-]+&state=walk-1$"

echo "== 6. the token"
# redeem RESOURCE: exchanges CODE; sets AT, RT.
redeem_code() {
	post "$TOKEN" --data-urlencode grant_type=authorization_code \
	    --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$CB" \
	    --data-urlencode "client_id=$CID" --data-urlencode "code_verifier=$VER" \
	    --data-urlencode "resource=$1"
	AT=$(jget '["access_token"]')
	RT=$(jget '["refresh_token"]')
}
redeem_code "$MCP"
check_eq "200" "$STATUS" 200
check_eq "bearer" "$(jget '["token_type"]')" bearer
check_eq "scope" "$(jget '["scope"]')" read:memories
check_match "refresh token" "$RT" '^[A-Za-z0-9_.-]{20,}$'
http GET /api/conversations -H "Authorization: Bearer $AT"
check_eq "bound to /mcp: the API refuses it" "$STATUS" 401

echo "== 7. initialize, tools/list, each tool"
rpc "$AT" "$INIT"
check_eq "initialize 200" "$STATUS" 200
check_eq "protocol version" "$(jget '["result"]["protocolVersion"]')" 2025-11-25
rpc "$AT" '{"jsonrpc":"2.0","method":"notifications/initialized"}'
check_eq "initialized 202" "$STATUS" 202
rpc "$AT" '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
check_eq "tools/list 200" "$STATUS" 200
check_eq "the tools" "$(py '" ".join(sorted(t["name"] for t in d["result"]["tools"]))')" \
    "fetch get_conversation list_action_items list_conversations search"
call search '{"query":"kitchen"}'
check_eq "search" "$(py 'd["result"]["structuredContent"]["results"][0]["id"]')" "$ID_CUR"
check_eq "search url under the base URL" "$(py 'd["result"]["structuredContent"]["results"][0]["url"]')" "$BASE/c/$ID_CUR"
call fetch "{\"id\":\"$ID_LEG\"}"
check_eq "fetch" "$(py 'd["result"]["structuredContent"]["id"]')" "$ID_LEG"
call list_conversations '{"limit":5}'
check_eq "list_conversations" "$(py 'len(d["result"]["structuredContent"]["conversations"])')" 2
call get_conversation "{\"id\":\"$ID_CUR\"}"
check_eq "get_conversation" "$(py 'd["result"].get("isError", False)')" False
call list_action_items '{}'
check_eq "list_action_items" "$(py 'd["result"].get("isError", False)')" False

echo "== 8. refresh"
post "$TOKEN" --data-urlencode grant_type=refresh_token \
    --data-urlencode "refresh_token=$RT" --data-urlencode "client_id=$CID"
check_eq "200" "$STATUS" 200
AT=$(jget '["access_token"]')
RT=$(jget '["refresh_token"]')
rpc "$AT" '{"jsonrpc":"2.0","id":3,"method":"ping"}'
check_eq "the new token works" "$STATUS" 200
http GET /api/conversations -H "Authorization: Bearer $AT"
check_eq "still bound to /mcp" "$STATUS" 401

echo "== 9. omi-admin revoke ends it"
check "omi-admin revoke alice" "$ADMIN" revoke alice >/dev/null
rpc "$AT" '{"jsonrpc":"2.0","id":4,"method":"ping"}'
check_eq "access token refused" "$STATUS" 401
check_match "challenge" "$(header www-authenticate)" 'error="invalid_token"'
post "$TOKEN" --data-urlencode grant_type=refresh_token \
    --data-urlencode "refresh_token=$RT" --data-urlencode "client_id=$CID"
check_eq "refresh refused" "$(jget '["error"]')" invalid_grant

echo "== errors: a token for another resource, an expired token"
signin "$BASE/api"
redeem_code "$BASE/api"
check_eq "an API token" "$STATUS" 200
rpc "$AT" "$INIT"
check_eq "refused by /mcp" "$STATUS" 401
check_match "with invalid_token" "$(header www-authenticate)" 'error="invalid_token"'
http GET /api/conversations -H "Authorization: Bearer $AT"
check_eq "taken by the API" "$STATUS" 200
config_set access_ttl 1
signin "$MCP"
redeem_code "$MCP"
check_eq "a 1-second token" "$STATUS" 200
sleep 2.2
rpc "$AT" "$INIT"
check_eq "expired: 401" "$STATUS" 401
check_match "expired: invalid_token" "$(header www-authenticate)" 'error="invalid_token"'

echo "== errors: registrations"
CURL_FROM=127.0.0.32 post "$REG" -H 'Content-Type: application/json' \
    --data-binary '{"redirect_uris":["http://app.example/cb"],"token_endpoint_auth_method":"none"}'
check_eq "http off loopback: 400" "$STATUS" 400
check_eq "http off loopback: invalid_redirect_uri" "$(jget '["error"]')" invalid_redirect_uri
CURL_FROM=127.0.0.32 post "$REG" -H 'Content-Type: application/json' \
    --data-binary '{"redirect_uris":["https://app.example/cb#x"],"token_endpoint_auth_method":"none"}'
check_eq "fragment: 400" "$STATUS" 400
check_eq "fragment: invalid_redirect_uri" "$(jget '["error"]')" invalid_redirect_uri
n=0
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	CURL_FROM=127.0.0.31 post "$REG" -H 'Content-Type: application/json' \
	    --data-binary '{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none"}'
	[ "$STATUS" = 201 ] && n=$((n + 1))
done
check_eq "ten from one address" "$n" 10
check_eq "then 429" "$STATUS" 429
check_match "Retry-After" "$(header retry-after)" '^[0-9]+$'

if [ "$OMI_SERVER" != apache-dist ]; then
	echo "== a server that owns the root, base URL with a path: path-inserted forms"
	# As behind a proxy that strips the path: the RFC 8414 3.1 and RFC
	# 9728 3.1 URLs at the root name the bridge's documents, other paths
	# do not.
	config_set base_url "\"$ORIGIN/omi\""
	for u in oauth-authorization-server openid-configuration; do
		BASE=$ORIGIN http GET "/.well-known/$u/omi"
		check_eq "$u/omi: 200" "$STATUS" 200
		check_eq "$u/omi: issuer" "$(jget '["issuer"]')" "$ORIGIN/omi"
		BASE=$ORIGIN http GET "/.well-known/$u/other"
		check_eq "$u/other: 404" "$STATUS" 404
	done
	BASE=$ORIGIN http GET /.well-known/oauth-protected-resource/omi/mcp
	check_eq "protected resource /omi/mcp" "$(jget '["resource"]')" "$ORIGIN/omi/mcp"
	check_eq "  its server" "$(jget '["authorization_servers"][0]')" "$ORIGIN/omi"
	BASE=$ORIGIN http GET /.well-known/oauth-protected-resource/omi
	check_eq "protected resource /omi" "$(jget '["resource"]')" "$ORIGIN/omi"
	BASE=$ORIGIN http GET /.well-known/oauth-protected-resource/other/mcp
	check_eq "protected resource /other/mcp: 404" "$STATUS" 404
	config_set base_url "\"$BASE\""
fi

check "omi-admin check" "$ADMIN" check >/dev/null
check_nomatch "no token in the server log" "$(cat "$SERVER_LOG")" "$AT"
t_done
