#!/bin/bash
# tests/cgi/oauth-register.sh: dynamic client registration (RFC 7591) and a
# registered client's sign-in, program by program with a CGI environment:
# register, authorize with PKCE S256, token, refresh, revoke, and every
# registration error (http off loopback, fragment, oversized body, too many
# registrations from one address), the metadata's new members, and that the
# configured GPT client is untouched by any of it.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
PW='pass word 1'
user_add alice "$PW" || t_fail "user add"
oauth_client

# cgi PROG METHOD QUERY [BODY]: as in tests/cgi/oauth.sh.
cgi() {
	local prog=$1 method=$2 query=$3
	local in=$T_TMP/cgi.in out=$T_TMP/cgi.out
	printf '%s' "${4-}" > "$in"
	local env=(PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD="$method"
	    QUERY_STRING="$query" SCRIPT_NAME="/cgi-bin/$prog")
	if [ "$method" = POST ]; then
		env+=(CONTENT_LENGTH="$(wc -c < "$in")"
		    CONTENT_TYPE="${CTYPE:-application/x-www-form-urlencoded}")
	fi
	env+=("${CGI_ENV[@]}")
	env -i "${env[@]}" "$OMI_CGIBIN/$prog" < "$in" > "$out" 2> "$T_TMP/cgi.err"
	RC=$?
	[ "$RC" -eq 0 ] || { echo "exit $RC:" >&2; cat "$T_TMP/cgi.err" >&2; }
	HEADERS=$(sed -n '1,/^\r\?$/p' "$out" | tr -d '\r' | sed 's/^\([^:]*\):/\L\1:/')
	BODY=$(sed '1,/^\r\?$/d' "$out")
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^status: \([0-9]*\).*/\1/p')
	check_eq "$prog $method exits 0" "$RC" 0
}
CGI_ENV=()

# register BODY [ADDR]: POSTs a registration from ADDR (default 192.0.2.10).
register() {
	CGI_ENV=(PATH_INFO=/:register REMOTE_ADDR="${2:-192.0.2.10}")
	CTYPE=application/json cgi token POST "" "$1"
	CGI_ENV=()
}

# store_has STRING: 1 when a file of the data directory holds STRING (the
# store keeps keys and JSON values as they are), else 0.
store_has() {
	if grep -rqaF -- "$1" "$OMI_DATA_DIR"; then echo 1; else echo 0; fi
}

CLAUDE=https://claude.ai/api/mcp/auth_callback
VER=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk
CC=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM

echo "== metadata"
CGI_ENV=(PATH_INFO=/:metadata); cgi token GET ""; CGI_ENV=()
check_eq "metadata 200" "$STATUS" 200
check_eq "registration_endpoint" "$(jget '["registration_endpoint"]')" "http://127.0.0.1:0/chatgpt/oauth/register"
check_eq "only S256" "$(jget '["code_challenge_methods_supported"]')" '["S256"]'
check_match "auth method none" "$(jget '["token_endpoint_auth_methods_supported"]')" '"none"'

echo "== registration errors"
CGI_ENV=(PATH_INFO=/:register); cgi token GET ""; CGI_ENV=()
check_eq "GET 405" "$STATUS" 405
check_eq "Allow POST" "$(header allow)" POST
CGI_ENV=(PATH_INFO=/:register); cgi token POST "" "redirect_uris=x"; CGI_ENV=()
check_eq "form body 400" "$STATUS" 400
check_eq "form body error" "$(jget '["error"]')" invalid_client_metadata
register '{"redirect_uris":["http://example.org/cb"]}'
check_eq "http off loopback 400" "$STATUS" 400
check_eq "http off loopback: invalid_redirect_uri" "$(jget '["error"]')" invalid_redirect_uri
check_eq "errors are not cached" "$(header cache-control)" no-store
register '{"redirect_uris":["https://app.example/cb#frag"]}'
check_eq "fragment: invalid_redirect_uri" "$(jget '["error"]')" invalid_redirect_uri
register '{"redirect_uris":["https://user@app.example/cb"]}'
check_eq "user info: invalid_redirect_uri" "$(jget '["error"]')" invalid_redirect_uri
register '{}'
check_eq "no redirect_uris: invalid_redirect_uri" "$(jget '["error"]')" invalid_redirect_uri
register '{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}'
check_eq "unknown auth method: invalid_client_metadata" "$(jget '["error"]')" invalid_client_metadata
register '{"redirect_uris":["https://a.example/cb"],"grant_types":["implicit"]}'
check_eq "implicit grant: invalid_client_metadata" "$(jget '["error"]')" invalid_client_metadata
register '{"redirect_uris":["https://a.example/cb"],"redirect_uris":["https://b.example/cb"]}'
check_eq "duplicate member: invalid_client_metadata" "$(jget '["error"]')" invalid_client_metadata
BIG=$(python3 -c 'print("{\"redirect_uris\":[\"https://a.example/cb\"],\"x\":\"" + "a" * 9000 + "\"}")')
register "$BIG"
check_eq "oversized body 413" "$STATUS" 413
NAME=$(head -c 101 /dev/zero | tr '\0' n)
register "{\"redirect_uris\":[\"https://a.example/cb\"],\"client_name\":\"$NAME\"}"
check_eq "name too long: invalid_client_metadata" "$(jget '["error"]')" invalid_client_metadata
check_eq "no client stored by any of them" "$(store_has dclient:)" 0

echo "== a public client registers and signs in"
register "{\"redirect_uris\":[\"$CLAUDE\",\"http://127.0.0.1:33418/callback\"],\"client_name\":\"<b>Claude</b>\",\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}"
check_eq "register 201" "$STATUS" 201
check_eq "JSON" "$(header content-type)" application/json
check_eq "no-store" "$(header cache-control)" no-store
PUB=$(jget '["client_id"]')
check_match "client_id" "$PUB" '^dcr-[A-Za-z0-9_-]{22}$'
check_eq "no secret for a public client" "$(jget '.get("client_secret","-")')" -
check_eq "auth method echoed" "$(jget '["token_endpoint_auth_method"]')" none
check_eq "name echoed" "$(jget '["client_name"]')" "<b>Claude</b>"
check_eq "redirect URIs echoed" "$(jget '["redirect_uris"]')" "[\"$CLAUDE\", \"http://127.0.0.1:33418/callback\"]"
check_match "issued at" "$(jget '["client_id_issued_at"]')" '^[0-9]{10}$'

# shown_err DESC TEXT: the last answer is the 400 page naming TEXT, with no
# Location (RFC 9700 4.11.2: a registered client's errors are shown here, not
# sent to a page anyone could have registered).
shown_err() {
	check_eq "$1: 400" "$STATUS" 400
	check_eq "$1: no Location" "$(header location)" ""
	check_match "$1: the page names the error" "$BODY" "$2"
}
Q="response_type=code&client_id=$PUB&redirect_uri=$(urlenc "$CLAUDE")&state=s1"
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "$Q"
check_eq "no PKCE: 400" "$STATUS" 400
check_eq "no PKCE: no Location" "$(header location)" ""
check_match "no PKCE: the page names the error" "$BODY" "invalid_request: code_challenge is required"
check_eq "no PKCE: not framable" "$(header x-frame-options)" DENY
cgi authorize GET "$Q&code_challenge=$VER&code_challenge_method=plain"
shown_err "plain refused" "invalid_request: code_challenge_method must be S256"
cgi authorize GET "$Q&code_challenge=$VER"
shown_err "plain by default refused" "invalid_request"
cgi authorize GET "response_type=token&client_id=$PUB&redirect_uri=$(urlenc "$CLAUDE")&code_challenge=$CC&code_challenge_method=S256"
shown_err "response_type token: 400, no redirect" "unsupported_response_type"
cgi authorize GET "$Q&code_challenge=$CC&code_challenge_method=S256&scope=admin"
shown_err "unknown scope: 400, no redirect" "invalid_scope"
cgi authorize GET "response_type=code&client_id=$PUB&redirect_uri=$(urlenc "$CLAUDE/x")&code_challenge=$CC&code_challenge_method=S256"
check_eq "another redirect URI: 400" "$STATUS" 400
check_eq "another redirect URI: no Location" "$(header location)" ""
cgi authorize GET "response_type=code&client_id=$PUB&code_challenge=$CC&code_challenge_method=S256"
check_eq "no redirect URI: 400" "$STATUS" 400
cgi authorize GET "response_type=code&client_id=$PUB&redirect_uri=$(urlenc "$OAUTH_REDIRECT")&code_challenge=$CC&code_challenge_method=S256"
check_eq "the GPT's callback is not this client's: 400" "$STATUS" 400
cgi authorize GET "response_type=code&client_id=dcr-AAAAAAAAAAAAAAAAAAAAAA&redirect_uri=$(urlenc "$CLAUDE")&code_challenge=$CC&code_challenge_method=S256"
check_eq "unknown registered id: 400" "$STATUS" 400
check_match "unknown registered id: the page says so" "$BODY" 'does not name an application'
# RFC 8252 7.3: its loopback redirect URI (port 33418) with any port.
cgi authorize GET "response_type=code&client_id=$PUB&redirect_uri=$(urlenc "http://127.0.0.1:50123/callback")&code_challenge=$CC&code_challenge_method=S256"
check_eq "a loopback redirect URI on another port: 200" "$STATUS" 200
check_match "  the page names that origin" "$(header content-security-policy)" "form-action 'self' http://127.0.0.1:50123"
cgi authorize GET "response_type=code&client_id=$PUB&redirect_uri=$(urlenc "http://127.0.0.1:50123/other")&code_challenge=$CC&code_challenge_method=S256"
check_eq "  but not another path: 400" "$STATUS" 400
cgi authorize GET "response_type=code&client_id=$PUB&redirect_uri=$(urlenc "http://localhost:33418/callback")&code_challenge=$CC&code_challenge_method=S256"
check_eq "  nor another host: 400" "$STATUS" 400
cgi authorize GET "$Q&code_challenge=$CC&code_challenge_method=S256"
check_eq "page 200" "$STATUS" 200
check_match "the page names the client, escaped and marked" "$BODY" '&lt;b&gt;Claude&lt;/b&gt; \(unverified\) wants to access'
check_nomatch "the name is never markup" "$BODY" '<b>Claude'
check_match "the page names the redirect host" "$BODY" '<strong>claude.ai</strong>'
check_match "the form may post to the client's origin" "$(header content-security-policy)" "form-action 'self' https://claude.ai"
COOKIE=$(header set-cookie | sed 's/;.*//')
page_handle
CGI_ENV=(HTTP_COOKIE="$COOKIE")
cgi authorize POST "" "handle=$HANDLE&uid=alice&password=$(urlenc "$PW")&decision=allow"
check_eq "consent 302" "$STATUS" 302
check_match "code and state" "$(header location)" "^$CLAUDE\\?code=[A-Za-z0-9_-]{43}&state=s1$"
CODE=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
CGI_ENV=()

cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$CLAUDE")&client_id=$PUB"
check_eq "no verifier: invalid_grant" "$(jget '["error"]')" invalid_grant
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$CLAUDE")&client_id=$PUB&client_secret=x&code_verifier=$VER"
check_eq "a public client with a secret: 401" "$STATUS" 401
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$CLAUDE")&code_verifier=$VER"
check_eq "no client_id: 401" "$STATUS" 401
CGI_ENV=(HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)")
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$CLAUDE")&code_verifier=$VER"
check_eq "the GPT client cannot redeem it" "$(jget '["error"]')" invalid_grant
CGI_ENV=()
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$CLAUDE")&client_id=$PUB&code_verifier=$VER"
check_eq "token 200" "$STATUS" 200
AT=$(jget '["access_token"]')
RT=$(jget '["refresh_token"]')
check_match "access token" "$AT" '^[A-Za-z0-9_-]{43}$'
check_match "tokens list the client" "$("$ADMIN" tokens alice)" "$PUB"
check_eq "no GPT pinned by a registered client" "$("$ADMIN" client show | grep -c 'Pinned GPT: *g-')" 0
CGI_ENV=(HTTP_AUTHORIZATION="Bearer $AT"); cgi conversations GET ""; CGI_ENV=()
check_eq "without resource, a registered client's token is for /mcp only: the API refuses it" "$STATUS" 401
check_match "  with invalid_token" "$(header www-authenticate)" 'error="invalid_token"'
mcp_list() {	# mcp_list TOKEN: tools/list at /mcp with TOKEN
	CGI_ENV=(HTTP_AUTHORIZATION="Bearer $1")
	CTYPE=application/json cgi mcp POST "" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
	CGI_ENV=()
}
mcp_list "$AT"
check_eq "  and /mcp takes it" "$STATUS" 200
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT&client_id=$PUB"
check_eq "refresh 200" "$STATUS" 200
RT2=$(jget '["refresh_token"]')
CGI_ENV=(HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)")
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT2"
check_eq "the GPT client cannot refresh it" "$(jget '["error"]')" invalid_grant
CGI_ENV=(PATH_INFO=/:revoke)
cgi token POST "" "token=$RT2&client_id=$PUB"
check_eq "revoke 200" "$STATUS" 200
CGI_ENV=()
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT2&client_id=$PUB"
check_eq "revoked" "$(jget '["error"]')" invalid_grant

echo "== resource (RFC 8707): tokens bound to what was asked"
BASE=http://127.0.0.1:0
# signin RESOURCE_QUERY: a code for the public client with PKCE; sets CODE.
signin() {
	CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
	cgi authorize GET "$Q&code_challenge=$CC&code_challenge_method=S256$1"
	COOKIE=$(header set-cookie | sed 's/;.*//')
	page_handle
	CGI_ENV=(HTTP_COOKIE="$COOKIE")
	cgi authorize POST "" "handle=$HANDLE&uid=alice&password=$(urlenc "$PW")&decision=allow"
	CODE=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
	CGI_ENV=()
}
# exchange [BODY_EXTRA]: redeems CODE; sets AT.
exchange() {
	cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$CLAUDE")&client_id=$PUB&code_verifier=$VER${1:-}"
	AT=$(jget '["access_token"]')
}
api_status() {
	CGI_ENV=(HTTP_AUTHORIZATION="Bearer $1"); cgi conversations GET ""; CGI_ENV=()
}
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "$Q&code_challenge=$CC&code_challenge_method=S256&resource=$(urlenc "https://evil.example/mcp")"
shown_err "a foreign resource: invalid_target" "invalid_target"
cgi authorize GET "$Q&code_challenge=$CC&code_challenge_method=S256&resource=$(urlenc "$BASE/mcp#x")"
shown_err "a resource with a fragment: invalid_target" "invalid_target"
cgi authorize GET "$Q&code_challenge=$CC&code_challenge_method=S256&resource="
shown_err "an empty resource: invalid_target" "invalid_target"
CGI_ENV=()
signin "&resource=$(urlenc "$BASE/mcp")"
exchange "&resource=$(urlenc "$BASE/mcp")"
check_eq "resource /mcp: token 200" "$STATUS" 200
api_status "$AT"
check_eq "a token for /mcp is refused by the API" "$STATUS" 401
mcp_list "$AT"
check_eq "  and taken by /mcp" "$STATUS" 200
signin "&resource=$(urlenc "$BASE/api")"
exchange
api_status "$AT"
check_eq "a token for the API reads the API" "$STATUS" 200
mcp_list "$AT"
check_eq "  and is refused by /mcp" "$STATUS" 401
check_match "  with the MCP challenge" "$(header www-authenticate)" 'resource_metadata='
signin "&resource=$(urlenc "$BASE/mcp")&resource=$(urlenc "$BASE/api/conversations")"
exchange
RT=$(jget '["refresh_token"]')
api_status "$AT"
check_eq "both asked for: the API takes it" "$STATUS" 200
mcp_list "$AT"
check_eq "  and /mcp too" "$STATUS" 200
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT&client_id=$PUB&resource=$(urlenc "$BASE/mcp")"
check_eq "a refresh may narrow to /mcp" "$STATUS" 200
AT=$(jget '["access_token"]')
RT=$(jget '["refresh_token"]')
api_status "$AT"
check_eq "  and the narrowed token is refused by the API" "$STATUS" 401
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT&client_id=$PUB&resource=$(urlenc "https://evil.example/")"
check_eq "a foreign resource at the token endpoint: invalid_target" "$(jget '["error"]')" invalid_target
signin "&resource=$(urlenc "$BASE/mcp")"
exchange "&resource=$(urlenc "$BASE/api")"
check_eq "a token for more than the code was for: invalid_target" "$(jget '["error"]')" invalid_target
signin "&resource=$(urlenc "$BASE")"
exchange
api_status "$AT"
check_eq "the bridge as a whole: the API takes it" "$STATUS" 200
mcp_list "$AT"
check_eq "  and /mcp too" "$STATUS" 200

echo "== a confidential client"
register '{"redirect_uris":["https://chatgpt.com/connector/oauth/abc"],"client_name":"ChatGPT connector","token_endpoint_auth_method":"client_secret_post"}'
check_eq "register 201" "$STATUS" 201
CONF=$(jget '["client_id"]')
CSEC=$(jget '["client_secret"]')
check_match "a secret" "$CSEC" '^[A-Za-z0-9_-]{43}$'
check_eq "it never expires by itself" "$(jget '["client_secret_expires_at"]')" 0
check_eq "the client is stored" "$(store_has "dclient:$CONF")" 1
check_eq "its secret is not" "$(store_has "$CSEC")" 0
R=https://chatgpt.com/connector/oauth/abc
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "response_type=code&client_id=$CONF&redirect_uri=$(urlenc "$R")&state=c&code_challenge=$CC&code_challenge_method=S256"
check_eq "page 200" "$STATUS" 200
check_match "its name" "$BODY" 'ChatGPT connector \(unverified\)'
COOKIE=$(header set-cookie | sed 's/;.*//')
page_handle
CGI_ENV=(HTTP_COOKIE="$COOKIE")
cgi authorize POST "" "handle=$HANDLE&uid=alice&password=$(urlenc "$PW")&decision=allow"
CODE=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
CGI_ENV=()
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$R")&client_id=$CONF&code_verifier=$VER"
check_eq "no secret: 401" "$STATUS" 401
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$R")&client_id=$CONF&client_secret=wrong&code_verifier=$VER"
check_eq "wrong secret: 401" "$STATUS" 401
CGI_ENV=(HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$CONF" "$CSEC" | base64 -w0)")
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$R")&code_verifier=$VER"
check_eq "Basic with the secret: 200" "$STATUS" 200
CGI_ENV=()
AT=$(jget '["access_token"]')
OUT=$("$ADMIN" revoke alice)
check_match "omi-admin revoke ends MCP sign-ins too" "$OUT" '^Revoked [1-9][0-9]* sign-ins? of alice'
CGI_ENV=(HTTP_AUTHORIZATION="Bearer $AT"); cgi conversations GET ""; CGI_ENV=()
check_eq "its token no longer works" "$STATUS" 401

echo "== the configured GPT client is unchanged"
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$(urlenc "$OAUTH_REDIRECT")&state=g"
check_eq "GPT page without PKCE 200" "$STATUS" 200
check_match "GPT page names ChatGPT" "$BODY" '<h1>ChatGPT wants to access'
check_nomatch "and is not marked" "$BODY" 'unverified'
COOKIE=$(header set-cookie | sed 's/;.*//')
page_handle
CGI_ENV=(HTTP_COOKIE="$COOKIE")
cgi authorize POST "" "handle=$HANDLE&uid=alice&password=$(urlenc "$PW")&decision=allow"
CODE=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
CGI_ENV=(HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)")
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$(urlenc "$OAUTH_REDIRECT")"
check_eq "GPT token without resource 200" "$STATUS" 200
AT=$(jget '["access_token"]')
CGI_ENV=()
api_status "$AT"
check_eq "  reads the API, as before" "$STATUS" 200
mcp_list "$AT"
check_eq "  and /mcp, as before" "$STATUS" 200

echo "== omi-admin client list and client remove"
OUT=$("$ADMIN" client list)
check_match "list: the public client, its name as given" "$OUT" "^$PUB  <b>Claude</b>  \(public\)  registered [0-9-]+ [0-9:]+Z  last used [0-9-]+ [0-9:]+Z  expires "
check_match "list: its redirect URIs" "$OUT" "
  $CLAUDE
  http://127.0.0.1:33418/callback"
check_match "list: the confidential one" "$OUT" "^$CONF  ChatGPT connector  \(confidential\)"
check_match "list: the count" "$OUT" '^2 registered clients'
check_nomatch "list: no secret hash" "$OUT" '[0-9a-f]{64}'
signin "&resource=$(urlenc "$BASE/mcp")"
exchange
RT=$(jget '["refresh_token"]')
"$ADMIN" client remove client-1 > /dev/null 2>&1
check_eq "remove: the configured client cannot be removed" "$?" 1
"$ADMIN" client remove dcr-AAAAAAAAAAAAAAAAAAAAAA > /dev/null 2>&1
check_eq "remove: an unknown id fails" "$?" 1
OUT=$("$ADMIN" client remove "$PUB")
check_match "remove: its sign-ins end" "$OUT" "^Removed client $PUB and revoked its [1-9][0-9]* sign-ins?"
mcp_list "$AT"
check_eq "remove: its access token no longer works" "$STATUS" 401
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT&client_id=$PUB"
check_eq "remove: nor does it refresh" "$STATUS" 401
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "$Q&code_challenge=$CC&code_challenge_method=S256"
check_eq "remove: it can no longer sign in" "$STATUS" 400
CGI_ENV=()
check_match "remove: gone from the list" "$("$ADMIN" client list)" '^1 registered client '
check_match "omi-admin tokens names the client" "$("$ADMIN" tokens alice)" "REVOKED .*client removed"

echo "== the longest host a redirect URI may have"
# Every registered redirect URI must be usable: authorize shows its origin.
H=$(printf 'a%.0s' $(seq 253))
register "{\"redirect_uris\":[\"https://$H:65535/cb\"],\"token_endpoint_auth_method\":\"none\"}" 198.51.100.90
check_eq "a 253-byte host registers" "$STATUS" 201
LONG=$(jget '["client_id"]')
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "response_type=code&client_id=$LONG&redirect_uri=$(urlenc "https://$H:65535/cb")&code_challenge=$CC&code_challenge_method=S256"
CGI_ENV=()
check_eq "  and its consent page shows" "$STATUS" 200
register "{\"redirect_uris\":[\"https://a$H/cb\"]}" 198.51.100.90
check_eq "a 254-byte host does not register" "$STATUS" 400
check_eq "  invalid_redirect_uri" "$(jget '["error"]')" invalid_redirect_uri
# Before the bound, this one registered and its consent page was a 400.
register "{\"redirect_uris\":[\"https://$H.${H:0:40}/cb\"]}" 198.51.100.90
check_eq "nor does a 294-byte host (authorize could never show it)" "$STATUS" 400

echo "== too many registrations from one address"
n=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	register '{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"none"}' 198.51.100.77
	[ "$STATUS" = 201 ] && n=$((n + 1))
done
check_eq "the limit from one address" "$n" 10
check_eq "then 429" "$STATUS" 429
check_eq "Retry-After" "$(header retry-after)" 900
register '{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"none"}' 198.51.100.78
check_eq "another address still registers" "$STATUS" 201
# A locked source gets no fresh start from an X-Forwarded-For it writes
# itself: no trusted_proxy is configured, so the header counts for nothing.
CGI_ENV=(PATH_INFO=/:register REMOTE_ADDR=198.51.100.77 HTTP_X_FORWARDED_FOR=203.0.113.9)
CTYPE=application/json cgi token POST "" '{"redirect_uris":["https://a.example/cb"]}'
CGI_ENV=()
check_eq "a forged X-Forwarded-For is no other source" "$STATUS" 429
# IPv6: one /64 is one source, whatever its low 64 bits.
n=0
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	register '{"redirect_uris":["https://a.example/cb"]}' "2001:db8:7:7::$i"
	[ "$STATUS" = 201 ] && n=$((n + 1))
done
check_eq "the limit from one IPv6 /64" "$n" 10
t_done
