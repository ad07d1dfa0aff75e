#!/bin/bash
# tests/e2e/oauth-authorize.sh: the authorization endpoint through a real web
# server with curl: the metadata (RFC 8414), the consent page and its
# headers, that showing it writes nothing, and the requests it refuses with
# a page or with a redirect back (RFC 6749 4.1.2.1).
. "$(dirname "$0")/../lib.sh"

oauth_site

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
# The base URL's path (/omi under apache-dist) leads the cookie's Path.
BPATH=${BASE#"$ORIGIN"}
check_match "cookie HttpOnly" "$COOKIE" "^omi_authz=[A-Za-z0-9_-]{43}; Path=$BPATH/chatgpt/oauth/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax\$"
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
check_match "cgi-bin path cookie" "$(header set-cookie)" "Path=$BPATH/cgi-bin/;"
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

t_done
