#!/bin/bash
# tests/e2e/oauth.sh: the OAuth flow through a real web server with curl,
# the way ChatGPT walks it, and every error the authorization server must
# answer correctly (RFC 6749, 6750, 7009, 7636, 8414, 9700).
. "$(dirname "$0")/../lib.sh"

PW='correct horse battery'
site_init "$T_TMP/data"
user_add alice "$PW" || t_fail "user add alice"
user_add bob "bob's password" || t_fail "user add bob"
server_start || { t_fail "server start"; t_done; exit 1; }
config_set base_url "\"$BASE\""
oauth_client
REDIR_Q=$(urlenc "$OAUTH_REDIRECT")
# A consent form's handle: id, the sealed request, its keyed hash.
HANDLE_RE='^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+\.[0-9a-f]{64}$'

# oauth_err DESC STATUS ERROR: the last answer is that RFC 6749 5.2 error.
oauth_err() {
	check_eq "$1: status" "$STATUS" "$2"
	check_eq "$1: error" "$(jget '["error"]')" "$3"
	check_match "$1: JSON" "$(header content-type)" '^application/json'
	check_eq "$1: no-store" "$(header cache-control)" "no-store"
	# RFC 6749 5.2: error_description is %x20-21 / %x23-5B / %x5D-7E.
	if printf '%s' "$(jget '["error_description"]')" | LC_ALL=C grep -q '[^ -~]\|["\\]'; then
		t_fail "$1: error_description has characters RFC 6749 forbids"
	else t_ok; fi
}

# lock_out UID: five wrong passwords for UID from the current browser.
lock_out() {
	local i
	for i in 1 2 3 4 5; do
		oauth_consent "$1" "guess $i" allow
		page_handle
	done
}

# token ARGS...: a token request with client_secret_basic.
token() {
	http POST /chatgpt/oauth/token -u "$CLIENT_ID:$CLIENT_SECRET" "$@"
}

# code_for UID PASSWORD [EXTRA_QUERY]: a fresh code in CODE.
code_for() {
	STATE= oauth_authorize "${3:-}"
	oauth_consent "$1" "$2" allow
}

redeem() {
	token --data-urlencode grant_type=authorization_code \
	    --data-urlencode "code=$1" --data-urlencode "redirect_uri=$OAUTH_REDIRECT" "${@:2}"
}

# no_redirect DESC QUERY: the authorize request is refused with a page.
no_redirect() {
	http GET "/chatgpt/oauth/authorize?$2"
	check_eq "$1: 400" "$STATUS" 400
	check_eq "$1: no Location" "$(header location)" ""
	check_match "$1: HTML" "$(header content-type)" '^text/html'
	check_eq "$1: not framable" "$(header x-frame-options)" DENY
}

# redirect_err DESC QUERY ERROR: the authorize request is refused by a
# redirect to the client with error=ERROR and the state.
redirect_err() {
	http GET "/chatgpt/oauth/authorize?client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&$2"
	check_eq "$1: 302" "$STATUS" 302
	check_match "$1: Location" "$(header location)" "^$OAUTH_REDIRECT\\?error=$3(&|$)"
}

echo "== metadata (RFC 8414)"
http GET /.well-known/oauth-authorization-server -H 'Host: evil.example'
check_eq "metadata status" "$STATUS" 200
check_eq "issuer from config, not Host" "$(jget '["issuer"]')" "$BASE"
check_eq "authorization_endpoint" "$(jget '["authorization_endpoint"]')" "$BASE/chatgpt/oauth/authorize"
check_eq "token_endpoint" "$(jget '["token_endpoint"]')" "$BASE/chatgpt/oauth/token"
check_eq "revocation_endpoint" "$(jget '["revocation_endpoint"]')" "$BASE/chatgpt/oauth/revoke"
check_eq "response_types" "$(jget '["response_types_supported"]')" '["code"]'
check_match "auth methods" "$(jget '["token_endpoint_auth_methods_supported"]')" 'client_secret_basic.*client_secret_post'
check_match "PKCE methods" "$(jget '["code_challenge_methods_supported"]')" 'S256'
http POST /.well-known/oauth-authorization-server -d ''
check_eq "metadata POST 405" "$STATUS" 405

echo "== the consent page"
STATE='<script>alert(1)</script>' oauth_authorize
check_eq "page status" "$STATUS" 200
check_match "page type" "$(header content-type)" '^text/html; charset=utf-8'
check_eq "X-Frame-Options" "$(header x-frame-options)" DENY
check_match "CSP frame-ancestors" "$(header content-security-policy)" "frame-ancestors 'none'"
check_match "CSP default-src" "$(header content-security-policy)" "default-src 'none'"
check_match "CSP form-action" "$(header content-security-policy)" "form-action 'self' https://chatgpt.com(;|$)"
check_eq "Referrer-Policy" "$(header referrer-policy)" no-referrer
check_eq "Cache-Control" "$(header cache-control)" no-store
COOKIE=$(header set-cookie)
check_match "cookie HttpOnly" "$COOKIE" '^omi_authz=[A-Za-z0-9_-]{43}; Path=/chatgpt/oauth/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax$'
check_match "handle in the form" "$HANDLE" "$HANDLE_RE"
check_match "uid input" "$BODY" 'name="uid"'
check_match "password input" "$BODY" 'name="password" type="password"'
check_match "allow button" "$BODY" 'name="decision" value="allow"'
check_match "deny button" "$BODY" 'name="decision" value="deny"'
check_match "says who asks" "$BODY" 'ChatGPT wants to access your OMI account'
check_match "says what for" "$BODY" 'Read your OMI conversations'
check_nomatch "state never reflected raw" "$BODY" '<script>alert'
check_nomatch "no external assets" "$BODY" '(src|href)="https?:'
http GET "/cgi-bin/authorize?response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&foo=bar&scope="
check_eq "unknown parameter ignored, empty scope = default" "$STATUS" 200
check_match "cgi-bin path cookie" "$(header set-cookie)" 'Path=/cgi-bin/;'
SITE_HTTPS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$OMI_DATA_DIR/config.json")
config_set base_url '"https://omi.example"'
http GET "/chatgpt/oauth/authorize?response_type=code&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q"
check_match "Secure cookie when the site is https" "$(header set-cookie)" '; Secure$'
config_set base_url "\"$SITE_HTTPS\""

echo "== showing the consent page writes nothing"
# The request travels sealed in the form, so an anonymous visitor can make
# the server neither sync the disk nor grow the database.
data_state() {
	stat -c '%n %s %y' "$OMI_DATA_DIR"/omi.journal "$OMI_DATA_DIR"/omi.db
}
BEFORE=$(data_state)
check_match "the store was written before" "$BEFORE" 'omi\.journal [1-9][0-9]* '
for i in 1 2 3; do STATE= oauth_authorize; done
check_eq "three pages shown" "$STATUS" 200
check_eq "journal and database untouched" "$(data_state)" "$BEFORE"

echo "== client_id and redirect_uri problems: a page, never a redirect"
GOOD="response_type=code&state=s1&client_id=$CLIENT_ID"
no_redirect "unknown client" "response_type=code&client_id=nobody&redirect_uri=$REDIR_Q&state=s"
no_redirect "missing client" "response_type=code&redirect_uri=$REDIR_Q&state=s"
no_redirect "repeated client" "response_type=code&client_id=$CLIENT_ID&client_id=$CLIENT_ID&redirect_uri=$REDIR_Q"
no_redirect "missing redirect_uri" "$GOOD"
no_redirect "repeated redirect_uri" "$GOOD&redirect_uri=$REDIR_Q&redirect_uri=$REDIR_Q"
for bad in \
    'https://evil.example/aip/g-x/oauth/callback' \
    'https://chatgpt.com/aip/g-x/oauth/other' \
    'https://chatgpt.com/aip/g-x/oauth/callback/x' \
    'https://chatgpt.com@evil.example/aip/g-x/oauth/callback' \
    'https://evil.example@chatgpt.com/aip/g-x/oauth/callback' \
    'https://chatgpt.com.evil.example/aip/g-x/oauth/callback' \
    'https://chatgpt.com./aip/g-x/oauth/callback' \
    'HTTPS://chatgpt.com/aip/g-x/oauth/callback' \
    'http://chatgpt.com/aip/g-x/oauth/callback' \
    'https://chatgpt.com/aip/g-x/oauth/callback?a=b' \
    'https://chatgpt.com/aip/g-x/oauth/callback#f' \
    'https://chatgpt.com/aip/g-x%2F..%2Fevil/oauth/callback' \
    'https://chatgpt.com/aip/g-x/../../evil/oauth/callback' \
    'https://chatgpt.com/aip/g-x$/oauth/callback'; do
	no_redirect "redirect_uri $bad" "$GOOD&redirect_uri=$(urlenc "$bad")"
done
# lighttpd itself refuses encoded control characters in the URL (400);
# tests/cgi/oauth.sh checks the program's own answer to them.
http GET "/chatgpt/oauth/authorize?$GOOD&redirect_uri=https://chatgpt.com/aip/g-x%0d%0aSet-Cookie:%20x=1/oauth/callback"
check_eq "redirect_uri with CRLF: 400" "$STATUS" 400
check_eq "redirect_uri with CRLF: no Location" "$(header location)" ""
check_nomatch "no injected header" "$HEADERS" '^set-cookie: x=1'
check_match "old-style callback registered" "$(http GET "/chatgpt/oauth/authorize?response_type=code&client_id=$CLIENT_ID&redirect_uri=$(urlenc https://chat.openai.com/aip/g-y/oauth/callback)"; echo "$STATUS")" '^200$'

echo "== other problems redirect back with error and state"
redirect_err "response_type token" "response_type=token&state=s1" unsupported_response_type
check_match "state echoed" "$(header location)" '&state=s1$'
redirect_err "response_type missing" "state=s1" invalid_request
redirect_err "unknown scope" "response_type=code&scope=write%3Aeverything&state=s1" invalid_scope
redirect_err "PKCE S512" "response_type=code&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S512&state=s1" invalid_request
redirect_err "PKCE method without challenge" "response_type=code&code_challenge_method=S256&state=s1" invalid_request
redirect_err "PKCE challenge too short" "response_type=code&code_challenge=abc&state=s1" invalid_request
redirect_err "repeated scope" "response_type=code&scope=read%3Amemories&scope=read%3Amemories&state=s1" invalid_request
check_match "state kept when scope repeats" "$(header location)" '&state=s1$'
redirect_err "repeated state" "response_type=code&state=a&state=b" invalid_request
check_nomatch "repeated state not echoed" "$(header location)" 'state='
redirect_err "state byte-identical" "response_type=token&state=a%20b%26c%3Dd%23e%2525%C3%A9" unsupported_response_type
check_match "state encoding" "$(header location)" '&state=a%20b%26c%3Dd%23e%2525%C3%A9$'
http GET "/chatgpt/oauth/authorize?client_id=$CLIENT_ID&redirect_uri=$REDIR_Q&response_type=token&state=x%0d%0aSet-Cookie:%20injected=1"
check_match "header injection via state: refused or encoded" "$STATUS $(header location)" '^(400 |302 .*state=x%0D%0ASet-Cookie%3A%20injected%3D1$)'
check_nomatch "no injected Set-Cookie" "$HEADERS" '^set-cookie: injected'

echo "== the full flow, client_secret_basic"
STATE='st&ate/é' oauth_authorize
oauth_consent alice "$PW" allow
check_eq "consent redirect is 302" "$STATUS" 302
check_match "code and state" "$LOCATION" "^$OAUTH_REDIRECT\\?code=[A-Za-z0-9_-]{43}&state=st%26ate%2F%C3%A9$"
redeem "$CODE"
check_eq "token 200" "$STATUS" 200
check_eq "token_type" "$(jget '["token_type"]')" bearer
check_eq "expires_in" "$(jget '["expires_in"]')" 3600
check_eq "scope" "$(jget '["scope"]')" read:memories
check_match "access token" "$(jget '["access_token"]')" '^[A-Za-z0-9_-]{43}$'
check_match "refresh token" "$(jget '["refresh_token"]')" '^[A-Za-z0-9_-]{43}[.][A-Za-z0-9_-]{43}$'
check_eq "token no-store" "$(header cache-control)" no-store
check_eq "token Pragma" "$(header pragma)" no-cache
check_match "token JSON" "$(header content-type)" '^application/json'
AT1=$(jget '["access_token"]') RT1=$(jget '["refresh_token"]') CODE1=$CODE
oauth_consent alice "$PW" allow
check_eq "handle is single-use" "$STATUS" 400
check_eq "no second code" "$(header location)" ""

echo "== client_secret_post, JSON body, and the lib.sh helper"
code_for alice "$PW"
http POST /chatgpt/oauth/token --data-urlencode grant_type=authorization_code \
    --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$OAUTH_REDIRECT" \
    --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=$CLIENT_SECRET"
check_eq "client_secret_post 200" "$STATUS" 200
code_for alice "$PW"
http POST /chatgpt/oauth/token -H 'Content-Type: application/json' \
    --data-binary "{\"grant_type\":\"authorization_code\",\"code\":\"$CODE\",\"redirect_uri\":\"$OAUTH_REDIRECT\",\"client_id\":\"$CLIENT_ID\",\"client_secret\":\"$CLIENT_SECRET\"}"
check_eq "JSON body 200" "$STATUS" 200
http POST /chatgpt/oauth/token -H 'Content-Type: application/json' --data-binary '{"grant_type":"x","grant_type":"y"}'
oauth_err "JSON with duplicate keys" 400 invalid_request
oauth_login alice "$PW"
check_match "oauth_login sets ACCESS_TOKEN" "$ACCESS_TOKEN" '^[A-Za-z0-9_-]{43}$'

echo "== client authentication errors"
code_for alice "$PW"
http POST /chatgpt/oauth/token -u "$CLIENT_ID:wrong" --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$OAUTH_REDIRECT"
oauth_err "wrong secret (basic)" 401 invalid_client
check_match "WWW-Authenticate Basic" "$(header www-authenticate)" '^Basic realm="omi"'
http POST /chatgpt/oauth/token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$OAUTH_REDIRECT" \
    --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=wrong"
oauth_err "wrong secret (post)" 401 invalid_client
check_match "a 401 always has a challenge (RFC 9110 15.5.2)" "$(header www-authenticate)" '^Basic realm="omi"'
http POST /chatgpt/oauth/token -u "other-client:$CLIENT_SECRET" --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$OAUTH_REDIRECT"
oauth_err "unknown client" 401 invalid_client
http POST /chatgpt/oauth/token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE"
oauth_err "no client authentication" 401 invalid_client
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "client_secret=$CLIENT_SECRET"
oauth_err "two authentication methods" 400 invalid_request
http POST /chatgpt/oauth/token -H 'Authorization: Basic !!!' --data-urlencode grant_type=authorization_code
oauth_err "malformed Basic" 401 invalid_client
redeem "$CODE"
check_eq "the code survived failed client authentication" "$STATUS" 200

echo "== grant errors"
token --data-urlencode grant_type=password --data-urlencode username=alice --data-urlencode "password=$PW"
oauth_err "unsupported grant" 400 unsupported_grant_type
token --data-urlencode code=x
oauth_err "missing grant_type" 400 invalid_request
token --data-urlencode grant_type=authorization_code --data-urlencode grant_type=authorization_code
oauth_err "repeated grant_type" 400 invalid_request
token --data-urlencode grant_type=authorization_code
oauth_err "missing code" 400 invalid_request
redeem "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
oauth_err "unknown code" 400 invalid_grant
http POST "/chatgpt/oauth/token?client_secret=$CLIENT_SECRET" -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode grant_type=authorization_code
oauth_err "parameters in the URL" 400 invalid_request
http GET /chatgpt/oauth/token
oauth_err "GET token" 405 invalid_request
check_eq "Allow" "$(header allow)" POST
http POST /chatgpt/oauth/token -u "$CLIENT_ID:$CLIENT_SECRET" -H 'Content-Type: text/plain' --data-binary 'grant_type=authorization_code'
oauth_err "text/plain body" 400 invalid_request
code_for alice "$PW"
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=https://chatgpt.com/aip/g-other/oauth/callback"
oauth_err "other redirect_uri" 400 invalid_grant
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE"
oauth_err "missing redirect_uri" 400 invalid_request
token --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" --data-urlencode "redirect_uri=$OAUTH_REDIRECT" --data-urlencode "code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
oauth_err "verifier without challenge (downgrade)" 400 invalid_grant

echo "== code replay revokes what the code made"
redeem "$CODE1"
oauth_err "replayed code" 400 invalid_grant
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$RT1"
oauth_err "refresh token of the replayed code" 400 invalid_grant
check_match "omi-admin tokens shows the revocation" "$("$ADMIN" tokens alice)" 'REVOKED .*authorization code replayed'
http GET /api/conversations -H "Authorization: Bearer $AT1"
if [ "$STATUS" = 501 ]; then
	echo "note: the conversations API is not built yet; the replayed code's access token is checked by test_oauth"
else
	check_eq "access token of the replayed code rejected" "$STATUS" 401
	check_match "invalid_token" "$(header www-authenticate)" 'invalid_token'
fi

echo "== refresh: rotation and reuse detection"
oauth_login alice "$PW"
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN"
check_eq "refresh 200" "$STATUS" 200
RT2=$(jget '["refresh_token"]') AT2=$(jget '["access_token"]')
check_match "rotated" "$RT2" '^[A-Za-z0-9_-]{43}[.][A-Za-z0-9_-]{43}$'
check_eq "expires_in after refresh" "$(jget '["expires_in"]')" 3600
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$RT2" --data-urlencode scope=write:all
oauth_err "refresh with a wider scope" 400 invalid_scope
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$RT2" --data-urlencode scope=read:memories
check_eq "refresh with the same scope" "$STATUS" 200
RT3=$(jget '["refresh_token"]')
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN"
oauth_err "reused refresh token" 400 invalid_grant
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$RT3"
oauth_err "the family's live refresh token after reuse" 400 invalid_grant
check_match "tokens shows the reuse" "$("$ADMIN" tokens alice)" 'REVOKED .*refresh token reused'

echo "== PKCE"
V=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk
C=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
code_for alice "$PW" "&code_challenge=$C&code_challenge_method=S256"
redeem "$CODE" --data-urlencode "code_verifier=${V%k}x"
oauth_err "PKCE mismatch" 400 invalid_grant
redeem "$CODE"
oauth_err "PKCE verifier missing" 400 invalid_grant
redeem "$CODE" --data-urlencode "code_verifier=$V"
check_eq "PKCE S256" "$STATUS" 200
code_for alice "$PW" "&code_challenge=$V"
redeem "$CODE" --data-urlencode "code_verifier=$V"
check_eq "PKCE plain (the default method)" "$STATUS" 200

echo "== 20 parallel redemptions of one code"
code_for alice "$PW"
PIDS=""
for i in $(seq 1 20); do
	curl -s -o /dev/null -w '%{http_code}\n' -u "$CLIENT_ID:$CLIENT_SECRET" \
	    --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
	    --data-urlencode "redirect_uri=$OAUTH_REDIRECT" "$BASE/chatgpt/oauth/token" > "$T_TMP/par.$i" &
	PIDS="$PIDS $!"
done
wait $PIDS
cat "$T_TMP"/par.* > "$T_TMP/par"
check_eq "exactly one 200" "$(grep -c '^200$' "$T_TMP/par")" 1
check_eq "nineteen 400" "$(grep -c '^400$' "$T_TMP/par")" 19

echo "== 20 parallel refreshes with one refresh token"
oauth_login alice "$PW"
PIDS=""
for i in $(seq 1 20); do
	curl -s -o "$T_TMP/rpar.body.$i" -w '%{http_code}\n' -u "$CLIENT_ID:$CLIENT_SECRET" \
	    --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN" \
	    "$BASE/chatgpt/oauth/token" > "$T_TMP/rpar.$i" &
	PIDS="$PIDS $!"
done
wait $PIDS
check_eq "exactly one refresh wins" "$(cat "$T_TMP"/rpar.[0-9]* | grep -c '^200$')" 1
check_eq "the others get invalid_grant" "$(cat "$T_TMP"/rpar.body.* | grep -c '"invalid_grant"')" 19
# The losers presented a retired token: the family is revoked (strict T18).
BODY=$(cat $(grep -l '^200$' "$T_TMP"/rpar.[0-9]* | sed 's/rpar\./rpar.body./'))
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$(jget '["refresh_token"]')"
oauth_err "the winner's refresh token after the race" 400 invalid_grant

echo "== expiry"
config_set code_ttl 1
code_for alice "$PW"
sleep 2
redeem "$CODE"
oauth_err "expired code" 400 invalid_grant
config_set code_ttl 600
config_set refresh_idle 1
oauth_login alice "$PW"
sleep 2
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN"
oauth_err "idle-expired refresh token" 400 invalid_grant
config_set refresh_idle 7776000

echo "== revocation (RFC 7009)"
oauth_login alice "$PW"
http POST /chatgpt/oauth/revoke -u "$CLIENT_ID:wrong" --data-urlencode "token=$REFRESH_TOKEN"
oauth_err "revoke with a wrong secret" 401 invalid_client
http POST /chatgpt/oauth/revoke -u "$CLIENT_ID:$CLIENT_SECRET" -d ""
oauth_err "revoke without token" 400 invalid_request
http POST /chatgpt/oauth/revoke -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode "token=unknown" --data-urlencode token_type_hint=foo
check_eq "unknown token: 200" "$STATUS" 200
http POST /chatgpt/oauth/revoke -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode "token=$REFRESH_TOKEN" --data-urlencode token_type_hint=refresh_token
check_eq "revoke 200" "$STATUS" 200
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN"
oauth_err "revoked refresh token" 400 invalid_grant
http GET /chatgpt/oauth/revoke
check_eq "revoke GET 405" "$STATUS" 405

echo "== consent form problems"
STATE=d1 oauth_authorize
oauth_consent alice "" deny
check_eq "deny 302" "$STATUS" 302
check_eq "deny Location" "$LOCATION" "$OAUTH_REDIRECT?error=access_denied&error_description=the%20user%20denied%20access&state=d1"
STATE= oauth_authorize
http POST /chatgpt/oauth/authorize -b "$JAR" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "missing handle" "$STATUS" 400
check_eq "missing handle: no Location" "$(header location)" ""
http POST /chatgpt/oauth/authorize --data-urlencode "handle=$HANDLE" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "missing cookie" "$STATUS" 400
check_eq "missing cookie: no Location" "$(header location)" ""
H1=$HANDLE J1=$JAR
STATE= oauth_authorize
http POST /chatgpt/oauth/authorize -b "$JAR" --data-urlencode "handle=$H1" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "handle from another browser" "$STATUS" 400
http POST /chatgpt/oauth/authorize -b "$J1" --data-urlencode "handle=$H1" --data-urlencode "handle=$H1" --data-urlencode uid=alice --data-urlencode "password=$PW" --data-urlencode decision=allow
check_eq "repeated handle" "$STATUS" 400
JAR=$J1 HANDLE=$H1
oauth_consent alice "wrong password" allow
check_eq "wrong password: page again" "$STATUS" 200
check_match "wrong password message" "$BODY" 'The user id or password is not correct'
check_eq "wrong password: no Location" "$(header location)" ""
check_match "uid kept" "$BODY" 'name="uid" value="alice"'
OLD=$HANDLE
page_handle
check_match "a fresh handle" "$HANDLE" "$HANDLE_RE"
MSG_KNOWN=$(printf '%s' "$BODY" | grep -o 'The user id or password[^<]*')
oauth_consent nosuchuser "wrong password" allow
check_eq "unknown uid: same answer" "$(printf '%s' "$BODY" | grep -o 'The user id or password[^<]*')" "$MSG_KNOWN"
check_eq "unknown uid: same status" "$STATUS" 200
page_handle
oauth_consent '<b>x</b>' "wrong password" allow
check_nomatch "typed uid escaped" "$BODY" '<b>x</b>'
# A failed sign-in writes nothing, so it spends nothing: the handle it
# came with still signs in once.
HANDLE=$OLD
oauth_consent alice "$PW" allow
check_eq "a handle that failed a sign-in still works" "$STATUS" 302
oauth_consent alice "$PW" allow
check_eq "the spent handle does not work" "$STATUS" 400

echo "== a handle cannot be changed, moved or reused"
STATE=t1 oauth_authorize
H1=$HANDLE
OAUTH_JAR=$JAR STATE=t2 oauth_authorize
H2=$HANDLE
B1=${H1#*.}; B1=${B1%.*}
B2=${H2#*.}; B2=${B2%.*}
MAC1=${H1##*.}
# consent_with DESC HANDLE: the handle is refused with the expired page.
consent_with() {
	HANDLE=$2 oauth_consent alice "$PW" allow
	check_eq "$1: 400" "$STATUS" 400
	check_eq "$1: no Location" "$(header location)" ""
	check_match "$1: the expired page" "$BODY" 'has expired or was already used'
}
consent_with "another request under the seal" "${H1%%.*}.$B2.$MAC1"
FLIP=A; [ "${B1:5:1}" = A ] && FLIP=B
consent_with "one character of the request changed" "${H1%%.*}.${B1:0:5}$FLIP${B1:6}.$MAC1"
consent_with "another seal" "${H1%.*}.$(printf '%064d' 0)"
consent_with "a bare id, as older versions made" "${H1%%.*}"
HANDLE=$H1 oauth_consent alice "$PW" allow
check_eq "the untouched handle works" "$STATUS" 302
check_match "with its own state" "$LOCATION" '&state=t1$'
HANDLE=$H2 oauth_consent alice "" deny
check_eq "the other request is denied" "$LOCATION" "$OAUTH_REDIRECT?error=access_denied&error_description=the%20user%20denied%20access&state=t2"
# A deny writes nothing; replayed, the handle denies again.
HANDLE=$H2 oauth_consent alice "" deny
check_eq "a denied handle denies again" "$LOCATION" "$OAUTH_REDIRECT?error=access_denied&error_description=the%20user%20denied%20access&state=t2"
consent_with "a handle used to sign in" "$H1"

echo "== five failures lock the address they came from"
# The attacker knows bob's uid and guesses from 127.0.0.2.
STATE= oauth_authorize
CURL_FROM=127.0.0.2 lock_out bob
check_eq "locked on the fifth failure" "$STATUS" 429
CURL_FROM=127.0.0.2 oauth_consent bob "bob's password" allow
check_eq "locked: even the right password" "$STATUS" 429
check_match "lockout message" "$BODY" 'Too many failed sign-ins'
check_eq "locked: no code" "$(header location)" ""
page_handle
CURL_FROM=127.0.0.2 oauth_consent alice "$PW" allow
check_eq "the address is locked for every uid" "$STATUS" 429
# bob, at another address in a new browser, signs in all the same.
STATE= CURL_FROM=127.0.0.20 oauth_authorize
CURL_FROM=127.0.0.20 oauth_consent bob "bob's password" allow
check_eq "the owner signs in from another address in a new browser" "$STATUS" 302
check_match "with a code" "$CODE" '^[A-Za-z0-9_-]{43}$'
STATE= oauth_authorize
CURL_FROM=127.0.0.3 lock_out ghost
check_eq "a uid without an account locks the same way" "$STATUS" 429

echo "== a uid guessed at from many addresses locks only for them"
STATE= oauth_authorize
for i in 4 5 6 7 8 9 10 11 12 13; do
	CURL_FROM=127.0.0.$i oauth_consent bob "guess $i" allow
	page_handle
done
check_eq "ten addresses, one guess each: the tenth is only wrong" "$STATUS" 200
CURL_FROM=127.0.0.4 oauth_consent bob "bob's password" allow
check_eq "an address that failed is locked out of bob" "$STATUS" 429
page_handle
CURL_FROM=127.0.0.4 oauth_consent alice "$PW" allow
check_eq "but not out of other uids" "$STATUS" 302
STATE= CURL_FROM=127.0.0.21 oauth_authorize
CURL_FROM=127.0.0.21 oauth_consent bob "bob's password" allow
check_eq "an address that has not failed signs bob in" "$STATUS" 302

echo "== a browser that signed in before is not locked out by others' guesses"
user_add dora "dora's password" || t_fail "user add dora"
STATE= CURL_FROM=127.0.0.14 oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "dora's password" allow
check_eq "dora signs in" "$STATUS" 302
DORA_JAR=$JAR
DEVICE=$(printf '%s\n' "$HEADERS" | sed -n 's/^set-cookie: \(omi_device=.*\)/\1/p')
check_match "known-device cookie, for the whole site" "$DEVICE" \
    '^omi_device=[A-Za-z0-9_-]{43}\.[0-9a-f]{64}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax$'
STATE= oauth_authorize
CURL_FROM=127.0.0.14 lock_out dora
check_eq "guesses from dora's own address lock it" "$STATUS" 429
check_eq "no known-device cookie for a failure" \
    "$(printf '%s\n' "$HEADERS" | grep -c '^set-cookie: omi_device=')" 0
STATE= oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "dora's password" allow
check_eq "locked for a new browser there, right password or not" "$STATUS" 429
OAUTH_JAR=$DORA_JAR STATE= oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "wrong" allow
check_eq "the known browser still needs the password" "$STATUS" 200
page_handle
CURL_FROM=127.0.0.14 oauth_consent bob "bob's password" allow
check_eq "dora's browser is not known for bob (the address is locked)" "$STATUS" 429
OAUTH_JAR=$DORA_JAR STATE= oauth_authorize
CURL_FROM=127.0.0.14 oauth_consent dora "dora's password" allow
check_eq "the known browser signs in" "$STATUS" 302
check_match "with a code" "$CODE" '^[A-Za-z0-9_-]{43}$'
check_match "and the same known-device cookie" \
    "$(printf '%s\n' "$HEADERS" | sed -n 's/^set-cookie: \(omi_device=[^;]*\).*/\1/p')" \
    "^${DEVICE%%;*}\$"
# The page under its other path: the cookie goes there too.
AQ="response_type=code&client_id=$(urlenc "$CLIENT_ID")&redirect_uri=$REDIR_Q&scope=read%3Amemories&state=cgi"
for J in "$DORA_JAR" "$(mktemp "$T_TMP/jar.XXXXXX")"; do
	CURL_FROM=127.0.0.14 http GET "/cgi-bin/authorize?$AQ" -b "$J" -c "$J"
	page_handle
	CURL_FROM=127.0.0.14 http POST /cgi-bin/authorize -b "$J" -c "$J" \
	    --data-urlencode "handle=$HANDLE" --data-urlencode uid=dora \
	    --data-urlencode "password=dora's password" --data-urlencode decision=allow
	if [ "$J" = "$DORA_JAR" ]; then
		check_eq "the known browser signs in under /cgi-bin/ too" "$STATUS" 302
	else
		check_eq "a new browser there is locked under /cgi-bin/" "$STATUS" 429
	fi
done

echo "== administration"
oauth_login alice "$PW"
OUT=$("$ADMIN" revoke alice 2>/dev/null)
check_match "revoke UID" "$OUT" '^Revoked [1-9][0-9]* sign-ins? of alice'
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN"
oauth_err "refresh after omi-admin revoke" 400 invalid_grant
check_match "gc" "$("$ADMIN" gc)" '^Examined [0-9]+ OAuth records, removed [0-9]+ expired'
# A new password ends the sign-ins made with the old one.
oauth_login alice "$PW"
OUT=$(printf 'a new password\n' | "$ADMIN" user passwd alice --password-stdin 2>/dev/null)
check_match "user passwd" "$OUT" '^Password changed for alice; [1-9][0-9]* sign-ins? ended'
http GET /api/conversations -H "Authorization: Bearer $ACCESS_TOKEN"
check_eq "access token after a password change" "$STATUS" 401
token --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH_TOKEN"
oauth_err "refresh after a password change" 400 invalid_grant
STATE= oauth_authorize
oauth_consent alice "$PW" allow
check_match "the old password is refused" "$BODY" 'The user id or password is not correct'
oauth_login alice 'a new password'
check "the new password signs in" test -n "$ACCESS_TOKEN"
printf '%s\n' "$PW" | "$ADMIN" user passwd alice --password-stdin >/dev/null 2>&1
check "add-redirect refuses http" bash -c "! '$ADMIN' client add-redirect http://example.com/cb 2>/dev/null"
check "add-redirect" "$ADMIN" client add-redirect 'https://example.com/gpt/*/cb' >/dev/null
# The pinned GPT id (below) holds on every pattern.
http GET "/chatgpt/oauth/authorize?response_type=code&client_id=$CLIENT_ID&redirect_uri=$(urlenc https://example.com/gpt/TestGpt_01/cb)"
check_eq "added redirect pattern works" "$STATUS" 200
check_match "client show" "$("$ADMIN" client show)" 'https://example.com/gpt/\*/cb'
OLDSECRET=$CLIENT_SECRET
case $OMI_SERVER in
*fastcgi|*fcgid)
	# Persistent processes keep a parsed config.json once it is two
	# seconds old: let them, so the rotation below must replace it.
	sleep 3
	for i in 1 2 3 4 5 6 7 8; do
		code_for alice "$PW"
		redeem "$CODE"
	done
	check_eq "old secret works before the rotation" "$STATUS" 200 ;;
esac
check "rotate-secret" "$ADMIN" client rotate-secret >/dev/null
oauth_client
check "the secret changed" test "$OLDSECRET" != "$CLIENT_SECRET"
code_for alice "$PW"
CLIENT_SECRET=$OLDSECRET redeem "$CODE"
oauth_err "the old secret stops working" 401 invalid_client
redeem "$CODE"
check_eq "the new secret works" "$STATUS" 200

echo "== the GPT pin (RFC 9700 2.1): the first exchange pins its GPT"
GPT_A=$OAUTH_REDIRECT
GPT_B=https://chatgpt.com/aip/g-OtherGpt_02/oauth/callback
authz_q() { echo "response_type=code&client_id=$CLIENT_ID&redirect_uri=$(urlenc "$1")&state=s"; }
check_match "client show: pinned" "$("$ADMIN" client show)" "^Pinned GPT: TestGpt_01 \\(since .*, by $GPT_A\\)$"
no_redirect "another GPT's callback" "$(authz_q "$GPT_B")"
check_match "another GPT: says why" "$BODY" 'another GPT'
no_redirect "another GPT on the other host" "$(authz_q https://chat.openai.com/aip/g-OtherGpt_02/oauth/callback)"
if OAUTH_REDIRECT=https://chat.openai.com/aip/g-TestGpt_01/oauth/callback oauth_login alice "$PW"; then t_ok; else
	t_fail "the pinned GPT on the other host signs in"; fi
check "reset-redirect" "$ADMIN" client reset-redirect >/dev/null
check_match "client show: nothing pinned" "$("$ADMIN" client show)" '^Pinned GPT: none'
# GPT B's consent page opens while nothing is pinned; GPT A signs in
# first; B's form is then refused with the page, not sent to B.
OAUTH_REDIRECT=$GPT_B STATE= oauth_authorize
check_eq "GPT B's page while unpinned" "$STATUS" 200
HB=$HANDLE JB=$JAR
if oauth_login alice "$PW"; then t_ok; else t_fail "GPT A signs in and pins"; fi
HANDLE=$HB JAR=$JB oauth_consent alice "$PW" allow
check_eq "GPT B's form after A pinned: 400" "$STATUS" 400
check_eq "GPT B's form after A pinned: no Location" "$(header location)" ""
check "reset-redirect again" "$ADMIN" client reset-redirect >/dev/null
if OAUTH_REDIRECT=$GPT_B oauth_login alice "$PW"; then t_ok; else t_fail "GPT B signs in after the reset"; fi
check_match "client show: B pinned" "$("$ADMIN" client show)" '^Pinned GPT: OtherGpt_02 '
no_redirect "GPT A after B pinned" "$(authz_q "$GPT_A")"
check "back to GPT A" "$ADMIN" client reset-redirect >/dev/null
check "reset-redirect in --help" bash -c "'$ADMIN' --help | grep -q 'client reset-redirect'"

echo "== nothing secret in the data files (T20)"
oauth_login alice "$PW"
for s in "$ACCESS_TOKEN" "$REFRESH_TOKEN" "${REFRESH_TOKEN%%.*}" "${REFRESH_TOKEN#*.}" "$CODE"; do
	if grep -rqF -- "$s" "$OMI_DATA_DIR"; then t_fail "a raw token or code is stored"; else t_ok; fi
done
check "store check" "$ADMIN" check >/dev/null
t_done
