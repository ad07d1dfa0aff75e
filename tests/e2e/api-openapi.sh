#!/bin/bash
# tests/e2e/api-openapi.sh: the OpenAPI document served by a real web server,
# checked by a real validator, with real responses of each kind validated
# against its schemas; and the setup page.
. "$(dirname "$0")/../lib.sh"

api_site

# The Node validators (tests/package-lock.json); one that cannot be
# installed is a failure.
bash "$TOP/tests/node-deps.sh" || t_fail "the test packages in tests/node_modules"

# Real responses for the schemas: each fixture's detail and a long
# transcript's first part, a list and a search, and each error status.
for id in "$ID_CUR" "$ID_LEG" "$ID_EDGE"; do
	api "$TOKEN_A" "/api/conversations/$id"
	check_eq "sample detail $id" "$STATUS" 200
	save "detail-$id"
done
long_post
api "$TOKEN_A" /api/conversations/long-1
check_eq "sample detail of a long transcript" "$(py 'd["transcript_truncated"]')" True
save detail-long
api "$TOKEN_A" /api/conversations
check_eq "sample list" "$STATUS" 200
save list-alice
api "$TOKEN_A" "/api/conversations?q=the"
check_eq "sample search" "$STATUS" 200
save list-search
api "$TOKEN_B" /api/conversations/no-such-id
check_eq "sample 404" "$STATUS" 404
save error-404
http GET /api/conversations
check_eq "sample 401" "$STATUS" 401
save error-401
http PATCH "/api/conversations/$ID_CUR" -H "Authorization: Bearer $TOKEN_A" --data x
check_eq "sample 405" "$STATUS" 405
save error-405
api "$TOKEN_A" "/cgi-bin/conversations/a%20b"
check_eq "sample 400" "$STATUS" 400
save error-400

# --- The OpenAPI document -----------------------------------------------
http GET /openapi.json
check_eq "openapi status" "$STATUS" 200
check_eq "openapi is served without a token" "$(jget '["openapi"]')" 3.1.0
check_eq "openapi server is this site" "$(jget '["servers"][0]["url"]')" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$OMI_DATA_DIR/config.json")"
printf '%s' "$BODY" > "$T_TMP/openapi.json"
check "OpenAPI document and real responses validate" node "$TOP/tests/e2e/openapi-check.mjs" \
    "$T_TMP/openapi.json" \
    Conversation="$T_TMP/resp-detail-$ID_CUR.json" Conversation="$T_TMP/resp-detail-$ID_LEG.json" \
    Conversation="$T_TMP/resp-detail-$ID_EDGE.json" Conversation="$T_TMP/resp-detail-long.json" \
    ConversationList="$T_TMP/resp-list-alice.json" ConversationList="$T_TMP/resp-list-search.json" \
    Error="$T_TMP/resp-error-404.json" Error="$T_TMP/resp-error-401.json" \
    Error="$T_TMP/resp-error-405.json" Error="$T_TMP/resp-error-400.json"
# The checker can fail: a response that breaks its schema is caught.
printf '{"conversations": [{"id": 5}], "total": "x"}' > "$T_TMP/broken.json"
rejects() { ! node "$TOP/tests/e2e/openapi-check.mjs" "$@" 2>/dev/null; }
check "the checker rejects a broken response" rejects "$T_TMP/openapi.json" \
    ConversationList="$T_TMP/broken.json"

# The setup page.
http GET /
check_eq "setup page" "$STATUS" 200
check_match "setup page links the OpenAPI document" "$BODY" 'href="/openapi.json"'
check_match "setup page names the webhook URL" "$BODY" '/chatgpt/webhook/memory\?'
check_nomatch "setup page loads nothing external" "$BODY" '(src|href)="(https?:)?//'

api_site_done
