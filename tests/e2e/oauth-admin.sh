#!/bin/bash
# tests/e2e/oauth-admin.sh: what omi-admin does to a running site's OAuth
# (revoke, gc, a new password, redirect patterns, rotating the secret), the
# GPT pin (RFC 9700 2.1), and that no raw token or code is stored (T20).
. "$(dirname "$0")/../lib.sh"

oauth_site

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
