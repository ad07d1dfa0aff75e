#!/bin/bash
# tests/e2e/api-errors.sh: what the API refuses, over a real web server with
# curl: other users' conversations, missing, unknown, revoked and expired
# tokens, other methods, and every bad parameter (a 400 naming it, never a
# 500).
. "$(dirname "$0")/../lib.sh"

api_site

# --- Isolation and errors ---------------------------------------------
api "$TOKEN_B" "/api/conversations/$ID_CUR"
check_eq "another user's id" "$STATUS" 404
other=$BODY
api "$TOKEN_B" /api/conversations/no-such-id
check_eq "unknown id" "$STATUS" 404
check_eq "another user's id answers like an unknown one" "$other" "$BODY"
save error-404
api "$TOKEN_B" /api/conversations
check_eq "bob's list holds only his" "$(py '[c["id"] for c in d["conversations"]]')" "['bob-1']"

http GET /api/conversations
check_eq "no token" "$STATUS" 401
check_eq "no token: challenge" "$(header www-authenticate)" 'Bearer realm="omi"'
check_eq "no token: JSON" "$(header content-type)" application/json
save error-401
api not-a-real-token /api/conversations
check_eq "unknown token" "$STATUS" 401
check_match "unknown token: challenge" "$(header www-authenticate)" '^Bearer realm="omi", error="invalid_token"'
api "$TOKEN_A" "/api/conversations/$ID_CUR" -H "Authorization: Bearer $TOKEN_A"
check "two Authorization headers are not a 500" [ "$STATUS" != 500 ]
http GET "/api/conversations/$ID_CUR" -H "Authorization: Basic YWxpY2U6Y29ycmVjdCBob3JzZQ=="
check_eq "Basic credentials" "$STATUS" 401
check_eq "Basic credentials: bare challenge" "$(header www-authenticate)" 'Bearer realm="omi"'
http GET /api/conversations -H "Authorization: Bearer $TOKEN_A extra"
check_eq "malformed bearer header" "$STATUS" 400
check_match "malformed bearer header: challenge" "$(header www-authenticate)" '^Bearer realm="omi", error="invalid_request"'
# Revoked: signing bob out everywhere invalidates his token at once.
if "$ADMIN" revoke bob >/dev/null 2>&1; then
	api "$TOKEN_B" /api/conversations
	check_eq "revoked token" "$STATUS" 401
	check_match "revoked token: challenge" "$(header www-authenticate)" 'error="invalid_token"'
else
	t_fail "omi-admin revoke bob"
fi
# Expired: a 1-second access token.
config_set access_ttl 1
oauth_login bob 'battery staple' || t_fail "oauth_login bob (short-lived)"
sleep 2.2
api "$ACCESS_TOKEN" /api/conversations
check_eq "expired token" "$STATUS" 401
check_match "expired token: challenge" "$(header www-authenticate)" 'error="invalid_token"'

for m in POST PUT DELETE PATCH; do
	http "$m" /api/conversations -H "Authorization: Bearer $TOKEN_A" --data x
	check_eq "$m list" "$STATUS" 405
	check_eq "$m list: Allow" "$(header allow)" "GET, HEAD"
	http "$m" "/api/conversations/$ID_CUR" -H "Authorization: Bearer $TOKEN_A" --data x
	check_eq "$m detail" "$STATUS" 405
done
save error-405

# Bad parameters: 400 naming the parameter, never a 500.
bad() {
	api "$TOKEN_A" "$1"
	check_eq "400 for $1" "$STATUS" 400
	check_eq "400 for $1 names it" "$(jget '["parameter"]')" "$2"
	check_eq "400 for $1: error code" "$(jget '["error"]')" invalid_parameter
}
bad "/api/conversations?limit=0" limit
bad "/api/conversations?limit=101" limit
bad "/api/conversations?limit=ten" limit
bad "/api/conversations?limit=1&limit=2" limit
bad "/api/conversations?offset=-1" offset
bad "/api/conversations?offset=1&cursor=MTow" offset
bad "/api/conversations?cursor=not-a-cursor" cursor
bad "/api/conversations?start_date=last%20week" start_date
bad "/api/conversations?end_date=2025-13-01" end_date
bad "/api/conversations?start_date=2025-02-02&end_date=2025-02-01" start_date
bad "/api/conversations?include_discarded=maybe" include_discarded
bad "/api/conversations?q=%22open" q
bad "/api/conversations?q=a%20b%20c%20d%20e%20f%20g%20h%20i" q
bad "/api/conversations?sort=date" sort
bad "/api/conversations/$ID_CUR?max_chars=0" max_chars
bad "/api/conversations/$ID_CUR?max_chars=100000" max_chars
bad "/api/conversations/$ID_CUR?transcript_offset=238" transcript_offset
bad "/api/conversations/$ID_CUR?transcript_offset=-5" transcript_offset
bad "/cgi-bin/conversations/a%20b" conversation_id
save error-400
api "$TOKEN_A" "/api/conversations?q=%FF"
check_eq "invalid UTF-8 in the query" "$STATUS" 400
api "$TOKEN_A" "/api/conversations?limit=$(python3 -c 'print("9" * 9000)')"
check "over-long query string is refused, not a 500 ($STATUS)" [ "$STATUS" -ge 400 -a "$STATUS" -lt 500 ]
api "$TOKEN_A" "/api/conversations/$(python3 -c 'print("x" * 129)')"
check_eq "over-long id" "$STATUS" 400
api "$TOKEN_A" "/api/conversations/..%2Fdata"
check "a path trick is not a 500 ($STATUS)" [ "$STATUS" = 400 -o "$STATUS" = 404 ]

api_site_done
