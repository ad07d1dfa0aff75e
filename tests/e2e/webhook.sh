#!/bin/bash
# End-to-end tests of the webhook through a real web server with curl:
# the shared fixtures, re-delivery, every error answer, and 200 concurrent
# deliveries from 8 clients.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
user_add alice 'correct horse' || t_fail "user add alice"
KEY_A=$WEBHOOK_KEY
user_add bob 'battery staple' || t_fail "user add bob"
KEY_B=$WEBHOOK_KEY
server_start || { t_fail "server start"; t_done; exit 1; }

for f in omi-current omi-legacy omi-edge-cases; do
	webhook_post alice "$KEY_A" "$FIXTURES/$f.json"
	check_eq "post $f" "$STATUS" 200
	check_eq "post $f: status field" "$(jget '["status"]')" success
	check_eq "post $f: content type" "$(header content-type)" application/json
done
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$FIXTURES/omi-current.json")

# Re-delivery of the same conversation replaces it.
webhook_post alice "$KEY_A" "$FIXTURES/omi-current.json"
check_eq "re-post" "$STATUS" 200
check_eq "re-post replaced" "$(jget '["replaced"]')" true
check_eq "re-post id" "$(jget '["id"]')" "$id"
check_match "stored once" "$("$ADMIN" conversations alice)" '^3 conversations'
shown=$("$ADMIN" show alice "$id")
check_eq "stored verbatim" "$(printf '%s' "$shown" | python3 -c 'import json,sys; print(json.load(sys.stdin) == json.load(open(sys.argv[1])))' "$FIXTURES/omi-current.json")" True

# The original plugin's README example: no id, speakerId. Sent twice, stored once.
cat > "$T_TMP/readme.json" <<'JSON'
{"created_at": "2024-07-22T23:59:45.910559+00:00", "started_at": "2024-07-21T22:34:43.384323+00:00",
 "finished_at": "2024-07-21T22:35:43.384323+00:00",
 "transcript_segments": [{"text": "Test segment text", "speaker": "SPEAKER_00", "speakerId": 0,
   "is_user": false, "start": 10.0, "end": 20.0}],
 "photos": [], "structured": {"title": "Test Conversation", "overview": "This is a test overview",
 "emoji": "🗣️", "category": "personal"},
 "plugins_results": [{"plugin_id": "test-app-id", "content": "Test app response"}], "discarded": false}
JSON
webhook_post alice "$KEY_A" "$T_TMP/readme.json"
check_eq "README example" "$STATUS" 200
rid=$(jget '["id"]')
webhook_post alice "$KEY_A" "$T_TMP/readme.json"
check_eq "README example again: same id" "$(jget '["id"]')" "$rid"
check_match "no duplicate for id-less payload" "$("$ADMIN" conversations alice)" '^4 conversations'

# The older sender: ?key=K?uid=U.
http POST "/chatgpt/webhook/memory?key=$KEY_B?uid=bob" --data-binary "@$FIXTURES/omi-legacy.json" -H 'Content-Type: application/json'
check_eq "legacy query form" "$STATUS" 200
# The /cgi-bin/webhook alias.
http POST "/cgi-bin/webhook?uid=bob&key=$KEY_B" --data-binary "@$FIXTURES/omi-current.json"
check_eq "/cgi-bin/webhook" "$STATUS" 200

# Authentication: wrong key, other user's key, unknown uid, missing key all answer alike.
webhook_post alice wrongkey "$FIXTURES/omi-current.json"
check_eq "wrong key" "$STATUS" 401
b401=$BODY
webhook_post alice "$KEY_B" "$FIXTURES/omi-current.json"
check_eq "bob's key for alice" "$STATUS" 401
webhook_post mallory "$KEY_A" "$FIXTURES/omi-current.json"
check_eq "unknown uid" "$STATUS" 401
check_eq "unknown uid answers like a wrong key" "$BODY" "$b401"
http POST "/chatgpt/webhook/memory?uid=alice" --data-binary "@$FIXTURES/omi-current.json"
check_eq "missing key" "$STATUS" 401
http POST "/chatgpt/webhook/memory?uid=../alice&key=$KEY_A" --data-binary "@$FIXTURES/omi-current.json"
check_eq "path trick in uid" "$STATUS" 401

# Malformed bodies name the field.
post_json() { printf '%s' "$1" > "$T_TMP/body.json"; webhook_post alice "$KEY_A" "$T_TMP/body.json"; }
post_json '{"created_at": "2025-01-01T00:00:00Z", "structured": {"title": 5}}'
check_eq "wrong type" "$STATUS" 400
check_eq "wrong type: field" "$(jget '["field"]')" structured.title
post_json '{"structured": {"title": "x"}}'
check_eq "missing created_at" "$STATUS" 400
check_eq "missing created_at: field" "$(jget '["field"]')" created_at
post_json '{"created_at": "2025-01-01", "transcript_segments": [{"text": "a", "is_user": "yes"}]}'
check_eq "segment type" "$(jget '["field"]')" 'transcript_segments[0].is_user'
post_json '{"created_at": "2025-01-01", '
check_eq "truncated JSON" "$STATUS" 400
check_eq "truncated JSON: error" "$(jget '["error"]')" invalid_json
post_json ''
check_eq "empty body" "$STATUS" 400
printf '{"created_at": "2025-01-01", "structured": {"title": "\xff\xfe"}}' > "$T_TMP/body.json"
webhook_post alice "$KEY_A" "$T_TMP/body.json"
check_eq "invalid UTF-8" "$STATUS" 400
post_json "$(python3 -c 'print("[" * 10000 + "]" * 10000)')"
check_eq "10,000-deep nesting" "$STATUS" 400
post_json '{"created_at": "2025-01-01", "created_at": "2025-01-02"}'
check_eq "duplicate keys" "$STATUS" 400
check_match "nothing stored by bad requests" "$("$ADMIN" conversations alice)" '^4 conversations'

http GET "/chatgpt/webhook/memory?uid=alice&key=$KEY_A"
check_eq "GET" "$STATUS" 405
check_eq "GET: Allow" "$(header allow)" POST
http PUT "/chatgpt/webhook/memory?uid=alice&key=$KEY_A" --data '{}'
check_eq "PUT" "$STATUS" 405

head -c $((8 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' > "$T_TMP/big.json"
webhook_post alice "$KEY_A" "$T_TMP/big.json"
check_eq "over 8 MiB" "$STATUS" 413
# Over the server's own limit (16 MiB where the configuration sets one) the
# server may answer, but never the program with the body cut short or empty
# (mod_fcgid's way, unless apache.conf refuses the request first).
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > "$T_TMP/big.json"
webhook_post alice "$KEY_A" "$T_TMP/big.json"
check_eq "over 16 MiB" "$STATUS" 413
http POST "/chatgpt/webhook/memory?uid=alice&key=$KEY_A" -H 'Content-Type: application/json' \
    -H 'Content-Length: 5000000000' --data-binary '{}'
check_eq "Content-Length: 5000000000" "$STATUS" 413
# Just under the cap with a big transcript is fine.
python3 - "$T_TMP/large.json" <<'PY'
import json, sys
segs = [{"text": "word " * 40, "speaker": "SPEAKER_01", "speaker_id": 1, "is_user": False,
         "start": i * 2.0, "end": i * 2.0 + 1.5} for i in range(20000)]
json.dump({"id": "large-1", "created_at": "2025-03-01T10:00:00Z", "transcript_segments": segs},
          open(sys.argv[1], "w"))
PY
webhook_post alice "$KEY_A" "$T_TMP/large.json"
check_eq "large conversation ($(stat -c %s "$T_TMP/large.json") bytes)" "$STATUS" 200

# 200 distinct conversations from 8 concurrent clients.
mkdir -p "$T_TMP/many"
python3 - "$FIXTURES/omi-current.json" "$T_TMP/many" <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
for i in range(200):
    d = dict(base)
    d["id"] = "load-%03d" % i
    d["created_at"] = "2025-07-%02dT%02d:%02d:00+00:00" % (1 + i % 28, i % 24, i % 60)
    json.dump(d, open("%s/%03d.json" % (sys.argv[2], i), "w"))
PY
export BASE KEY_A
start=$(date +%s.%N)
ls "$T_TMP/many" | xargs -P 8 -I{} sh -c \
    'curl -s -o /dev/null -w "%{http_code}\n" -H "Content-Type: application/json" --data-binary "@$0/{}" "$BASE/chatgpt/webhook/memory?uid=alice&key=$KEY_A"' \
    "$T_TMP/many" > "$T_TMP/codes"
end=$(date +%s.%N)
ok=$(grep -c '^200$' "$T_TMP/codes")
check_eq "200 concurrent posts acknowledged" "$ok" 200
stored=$("$ADMIN" conversations alice | grep -c $'^load-')
check_eq "200 concurrent posts stored" "$stored" 200
echo "concurrent webhook: $ok/200 acknowledged, $stored stored, $(python3 -c "print('%.2f' % ($end - $start))") s with 8 clients"
check "omi-admin check after load" "$ADMIN" check
t_done
