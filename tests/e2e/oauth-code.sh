#!/bin/bash
# tests/e2e/oauth-code.sh: the authorization code grant through a real web
# server with curl, the way ChatGPT walks it: both client authentication
# methods and their errors, every grant error (RFC 6749 5.2), code replay,
# PKCE (RFC 7636) and twenty parallel redemptions of one code.
. "$(dirname "$0")/../lib.sh"

oauth_site

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

t_done
