#!/bin/bash
# tests/e2e/oauth-refresh.sh: refresh tokens through a real web server with
# curl: rotation and reuse detection, twenty parallel refreshes, expiry of
# codes and idle refresh tokens, and revocation (RFC 7009).
. "$(dirname "$0")/../lib.sh"

oauth_site

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

t_done
