#!/bin/bash
# tests/cgi/oauth.sh: the authorize and token programs run directly with a
# CGI environment (RFC 3875), normal and sanitizer builds: what no web
# server would let through (control characters, odd lengths), the exact
# header lines the programs print, and every answer's exit status.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
PW='pass word 1'
user_add alice "$PW" || t_fail "user add"
oauth_client
REDIR_Q=$(urlenc "$OAUTH_REDIRECT")

# cgi PROG METHOD QUERY [BODY]: runs a program; extra variables come from
# the CGI_ENV array. Sets STATUS, HEADERS (names lowercased), BODY, RC.
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
	env+=("${CGI_ENV[@]}")	# last, so they win
	env -i "${env[@]}" "$OMI_CGIBIN/$prog" < "$in" > "$out" 2> "$T_TMP/cgi.err"
	RC=$?
	[ "$RC" -eq 0 ] || { echo "exit $RC:" >&2; cat "$T_TMP/cgi.err" >&2; }
	HEADERS=$(sed -n '1,/^\r\?$/p' "$out" | tr -d '\r' | sed 's/^\([^:]*\):/\L\1:/')
	BODY=$(sed '1,/^\r\?$/d' "$out")
	STATUS=$(printf '%s\n' "$HEADERS" | sed -n 's/^status: \([0-9]*\).*/\1/p')
	check_eq "$prog $method exits 0" "$RC" 0
}
CGI_ENV=()

echo "== token: methods, paths, bodies"
cgi token GET ""
check_eq "GET 405" "$STATUS" 405
check_eq "Allow" "$(header allow)" POST
CGI_ENV=(PATH_INFO=/:metadata); cgi token GET ""; CGI_ENV=()
check_eq "metadata 200" "$STATUS" 200
check_eq "issuer" "$(jget '["issuer"]')" "http://127.0.0.1:0"
CGI_ENV=(PATH_INFO=/../../etc); cgi token POST "" "grant_type=x"; CGI_ENV=()
check_eq "unknown path 404" "$STATUS" 404
cgi token POST "" "grant_type=authorization_code&code=%zz"
check_eq "broken escape 400" "$STATUS" 400
check_eq "broken escape: OAuth error" "$(jget '["error"]')" invalid_request
CTYPE=application/json cgi token POST "" '{"grant_type": 1}'
check_eq "JSON with a number 400" "$(jget '["error"]')" invalid_request
CTYPE=application/json cgi token POST "" '[1,2]'
check_eq "JSON array 400" "$(jget '["error"]')" invalid_request
CGI_ENV=(CONTENT_LENGTH=99999999999999999999); cgi token POST "" "x"; CGI_ENV=()
check_eq "huge CONTENT_LENGTH 413" "$STATUS" 413

echo "== client_secret_basic with special characters (RFC 6749 2.3.1)"
SPECIAL='a:b%c+d e/f'
config_set client_secret "\"$SPECIAL\""
B64=$(printf '%s:%s' "$CLIENT_ID" "$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$SPECIAL")" | base64 -w0)
CGI_ENV=(PATH_INFO=/:revoke HTTP_AUTHORIZATION="Basic $B64"); cgi token POST "" "token=unknown"; CGI_ENV=()
check_eq "form-encoded Basic secret accepted" "$STATUS" 200
B64=$(printf '%s:%s' "$CLIENT_ID" "a:b%c+d" | base64 -w0)
CGI_ENV=(PATH_INFO=/:revoke HTTP_AUTHORIZATION="Basic $B64"); cgi token POST "" "token=unknown"; CGI_ENV=()
check_eq "wrong Basic secret 401" "$STATUS" 401
check_match "challenge" "$(header www-authenticate)" '^Basic realm="omi"'
CGI_ENV=(PATH_INFO=/:revoke); cgi token POST "" "token=unknown&client_id=$CLIENT_ID&client_secret=$(urlenc "$SPECIAL")"; CGI_ENV=()
check_eq "client_secret_post with special characters" "$STATUS" 200
CGI_ENV=(PATH_INFO=/:revoke HTTP_AUTHORIZATION="Basic %%%"); cgi token POST "" "token=unknown&client_id=$CLIENT_ID&client_secret=$(urlenc "$SPECIAL")"; CGI_ENV=()
check_eq "malformed Basic fails even with good body credentials" "$STATUS" 401
config_set client_secret "\"$CLIENT_SECRET\""

echo "== authorize: control characters never reach a header"
cgi authorize GET "client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&response_type=token&state=x%0d%0aSet-Cookie:%20injected=1"
check_eq "CRLF state: 302" "$STATUS" 302
check_eq "CRLF state encoded" "$(header location)" "$OAUTH_REDIRECT?error=unsupported_response_type&error_description=only%20the%20code%20response%20type%20is%20supported&state=x%0D%0ASet-Cookie%3A%20injected%3D1"
check_nomatch "no injected header" "$HEADERS" '^set-cookie'
cgi authorize GET "client_id=$CLIENT_ID&response_type=code&redirect_uri=https://chatgpt.com/aip/g-x%0d%0aSet-Cookie:%20x=1/oauth/callback"
check_eq "CRLF redirect_uri: 400" "$STATUS" 400
check_eq "CRLF redirect_uri: no Location" "$(header location)" ""
check_nomatch "CRLF redirect_uri: nothing reflected" "$BODY" 'Set-Cookie'
cgi authorize GET "client_id=%3Cscript%3E&response_type=code&redirect_uri=$REDIR_Q"
check_nomatch "client_id not reflected" "$BODY" '<script>'
cgi authorize GET "client_id=$CLIENT_ID&response_type=code&redirect_uri=$REDIR_Q&state=%00"
check_eq "NUL in the query: 400" "$STATUS" 400
check_eq "parse errors are framed too" "$(header x-frame-options)" DENY
check_match "parse errors: CSP" "$(header content-security-policy)" "frame-ancestors 'none'"
cgi authorize PUT ""
check_eq "PUT 405" "$STATUS" 405
check_eq "Allow GET, HEAD, POST" "$(header allow)" "GET, HEAD, POST"
# HEAD is GET without the body (RFC 9110 9.3.2): the page's status and
# headers (framing and CSP included), nothing after them.
cgi authorize GET "client_id=$CLIENT_ID&response_type=code&redirect_uri=$REDIR_Q&state=h"
get_status=$STATUS get_len=$(header content-length)
cgi authorize HEAD "client_id=$CLIENT_ID&response_type=code&redirect_uri=$REDIR_Q&state=h"
check_eq "HEAD: GET's status" "$STATUS" "$get_status"
check_eq "HEAD: 200" "$STATUS" 200
check_eq "HEAD: GET's Content-Length" "$(header content-length)" "$get_len"
check_eq "HEAD: framed" "$(header x-frame-options)" DENY
check_eq "HEAD: no body" "$BODY" ""
STATE_LONG=$(head -c 1100 /dev/zero | tr '\0' a)
cgi authorize GET "client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&response_type=code&state=$STATE_LONG"
check_match "oversized state refused, not echoed" "$(header location)" 'error=invalid_request&error_description=[^&]*$'

# Behind a proxy that strips base_url's path prefix, REQUEST_URI lacks it;
# the cookie's Path must still be the one the browser sees.
base=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$OMI_DATA_DIR/config.json")
config_set base_url '"https://example.org/omi/"'
for ru in /chatgpt/oauth/authorize /omi/chatgpt/oauth/authorize; do
	CGI_ENV=(REQUEST_URI="$ru?x")
	cgi authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=p"
	check_match "cookie Path under base_url /omi, request $ru" "$(header set-cookie)" '; Path=/omi/chatgpt/oauth/; '
done
config_set base_url "\"$base\""
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=p"
check_match "cookie Path without a base path" "$(header set-cookie)" '; Path=/chatgpt/oauth/; '
CGI_ENV=()

echo "== the flow, program by program"
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x" HTTPS=on)
cgi authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=s%2B1"
check_eq "page 200" "$STATUS" 200
check_match "Secure cookie under HTTPS=on" "$(header set-cookie)" '; Path=/chatgpt/oauth/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$'
COOKIE=$(header set-cookie | sed 's/;.*//')
page_handle
CGI_ENV=(HTTP_COOKIE="other=1; $COOKIE")
cgi authorize POST "" "handle=$HANDLE&uid=alice&password=$(urlenc "$PW")&decision=allow"
check_eq "consent 302" "$STATUS" 302
CODE=$(header location | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
check_match "code and state" "$(header location)" "code=[A-Za-z0-9_-]{43}&state=s%2B1$"
CGI_ENV=(HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)")
cgi token POST "" "grant_type=authorization_code&code=$CODE&redirect_uri=$REDIR_Q"
check_eq "token 200" "$STATUS" 200
check_eq "Pragma" "$(header pragma)" no-cache
RT=$(jget '["refresh_token"]')
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT"
check_eq "refresh 200" "$STATUS" 200
cgi token POST "" "grant_type=refresh_token&refresh_token=$RT"
check_eq "reuse 400" "$(jget '["error"]')" invalid_grant
CGI_ENV=()
echo "== lockout: addresses from the trusted proxy's X-Forwarded-For; user show and unlock"
config_set trusted_proxy '"192.0.2.2"'
CGI_ENV=(REQUEST_URI="/chatgpt/oauth/authorize?x")
cgi authorize GET "response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&state=l"
COOKIE=$(header set-cookie | sed 's/;.*//')
page_handle
# consent_from REMOTE_ADDR XFF PASSWORD: alice signs in from there.
consent_from() {
	CGI_ENV=(HTTP_COOKIE="$COOKIE" REMOTE_ADDR="$1" HTTP_X_FORWARDED_FOR="$2")
	cgi authorize POST "" "handle=$HANDLE&uid=alice&password=$(urlenc "$3")&decision=allow"
}
for i in 1 2 3 4 5 6 7 8 9 10; do
	consent_from 192.0.2.2 "10.9.9.9, 198.51.100.$i" "guess $i"
done
check_eq "ten addresses behind the proxy, one guess each" "$STATUS" 200
OUT=$("$ADMIN" user show alice)
check_match "user show: locked" "$OUT" 'Locked until: +[0-9]{4}-'
check_match "user show: how to clear it" "$OUT" 'omi-admin user unlock alice'
consent_from 192.0.2.2 198.51.100.1 "$PW"
check_eq "an address that failed is locked out of alice" "$STATUS" 429
check_eq "429 Retry-After" "$(header retry-after)" 900
consent_from 198.51.100.1 203.0.113.9 "$PW"
check_eq "X-Forwarded-For from anyone but the proxy is not believed" "$STATUS" 429
OUT=$("$ADMIN" user unlock alice)
check_match "user unlock" "$OUT" '^Unlocked alice'
check_match "user show: unlocked" "$("$ADMIN" user show alice)" 'Locked: +no'
consent_from 192.0.2.2 198.51.100.1 "$PW"
check_eq "after user unlock, alice signs in from there" "$STATUS" 302
CGI_ENV=()
t_done
