#!/bin/bash
# End-to-end tests of the conversations API through a real web server with
# curl, after a real OAuth sign-in (oauth_login): paging that visits every
# conversation exactly once while new ones arrive, each filter, search hits
# and misses, discarded conversations, the exact transcript of the shared
# fixtures (expected strings written by hand), a 5,000-segment transcript
# read in parts and reassembled, cross-user isolation, every error status,
# and the OpenAPI document checked by a real validator, with real responses
# validated against its schemas.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
user_add alice 'correct horse' || t_fail "user add alice"
KEY_A=$WEBHOOK_KEY
user_add bob 'battery staple' || t_fail "user add bob"
KEY_B=$WEBHOOK_KEY
user_add carol 'tr0ub4dor' || t_fail "user add carol"
KEY_C=$WEBHOOK_KEY
server_start || { t_fail "server start"; t_done; exit 1; }

# The Node validators (tests/package.json); a missing one is a failure.
if [ ! -d "$TOP/tests/node_modules/@apidevtools/swagger-parser" ] ||
    [ ! -d "$TOP/tests/node_modules/ajv" ]; then
	(cd "$TOP/tests" && npm install --no-audit --no-fund >/dev/null 2>&1) ||
	    t_fail "npm install in tests/"
fi

for f in omi-current omi-legacy omi-edge-cases; do
	webhook_post alice "$KEY_A" "$FIXTURES/$f.json"
	check_eq "post $f" "$STATUS" 200
done
ID_CUR=6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11
ID_LEG=b51e0c7a-22f4-4d0b-a6c3-91f2e8d7c6b5
ID_EDGE=e3d2c1b0-a9f8-4e7d-8c6b-5a4f3e2d1c0b

oauth_login alice 'correct horse' || t_fail "oauth_login alice"
TOKEN_A=$ACCESS_TOKEN
oauth_login bob 'battery staple' || t_fail "oauth_login bob"
TOKEN_B=$ACCESS_TOKEN
oauth_login carol 'tr0ub4dor' || t_fail "oauth_login carol"
TOKEN_C=$ACCESS_TOKEN

# api TOKEN PATH [curl args]: an authorised GET.
api() { local t=$1 p=$2; shift 2; http GET "$p" -H "Authorization: Bearer $t" "$@"; }
# py EXPR: evaluates a Python expression over the last body (as d).
py() { printf '%s' "$BODY" | python3 -c "import json,sys
d=json.load(sys.stdin)
print($1)" 2>&1; }
save() { printf '%s' "$BODY" > "$T_TMP/resp-$1.json"; }

# --- Detail: the shape and the exact transcripts -------------------------
api "$TOKEN_A" "/api/conversations/$ID_CUR"
check_eq "detail status" "$STATUS" 200
check_eq "detail no-store" "$(header cache-control)" no-store
check_eq "detail content type" "$(header content-type)" application/json
save detail-current
check_eq "detail transcript (current)" "$(jget '["transcript"]')" \
"[0:00:00 - 0:00:02] User: So what's the earliest you could start?

[0:00:03 - 0:00:08] Speaker 1: Realistically the first week of July, and it takes about six weeks.

[0:00:08 - 0:00:11] User: Okay. Let's keep it under eighteen thousand."
check_eq "detail fields" "$(py '[d["id"], d["created_at"], d["started_at"], d["finished_at"], d["discarded"]]')" \
    "['$ID_CUR', '2025-06-14T18:03:27.412345+00:00', '2025-06-14T17:41:02.118000+00:00', '2025-06-14T18:02:55.902000+00:00', False]"
check_eq "detail structured" "$(py '[d["structured"][k] for k in ("title", "overview", "emoji", "category")]')" \
    "['Planning The Kitchen Renovation', 'The user and a contractor discussed cabinet options, a six-week timeline and a budget ceiling of 18,000 dollars.', '🔨', 'personal']"
check_eq "detail action items" "$(py 'd["structured"]["action_items"][0]["description"]')" \
    "Send the contractor photos of the current layout by Tuesday"
check_eq "detail events" "$(py 'd["structured"]["events"][0]["title"]')" "Site visit with contractor"
check_eq "detail transcript paging fields" \
    "$(py '[d["transcript_offset"], d["transcript_length"], d["transcript_truncated"], d["next_transcript_offset"]]')" \
    "[0, 237, False, None]"

api "$TOKEN_A" "/api/conversations/$ID_LEG"
save detail-legacy
check_eq "detail transcript (legacy)" "$(jget '["transcript"]')" \
"[0:00:10 - 0:00:15] Speaker 0: Let's discuss the project timeline.

[0:00:16 - 0:00:18] User: Agreed, let's start with iOS."
check_eq "legacy events sent empty" "$(py 'd["structured"]["events"]')" "[]"

api "$TOKEN_A" "/api/conversations/$ID_EDGE"
save detail-edge
# Segments 1 and 2 overlap (5.9-9.4 and 8.7-12.1): no timestamps at all.
check_eq "detail transcript (edge cases)" "$(jget '["transcript"]')" \
"Speaker 12: Guten Morgen, wie geht's?

User: Gut, danke. Tab	here and a \"quote\" and a backslash \\ too.

Speaker 0: Bis morgen."
check_eq "null times are null" "$(py '[d["started_at"], d["finished_at"]]')" "[None, None]"
check_eq "non-ASCII title" "$(py 'd["structured"]["title"]')" 'Küche & Zeitplan — "Notizen"'

# --- Listing ----------------------------------------------------------
api "$TOKEN_A" /api/conversations
check_eq "list status" "$STATUS" 200
save list-alice
check_eq "list order (newest first)" "$(py '[c["id"] for c in d["conversations"]]')" \
    "['$ID_EDGE', '$ID_CUR', '$ID_LEG']"
check_eq "list paging fields" "$(py '[d["total"], d["has_more"], d["next_cursor"], d["next_offset"]]')" \
    "[3, False, None, None]"
check_eq "list item shape" "$(py 'sorted(d["conversations"][1].keys())')" \
    "['category', 'created_at', 'discarded', 'emoji', 'id', 'overview', 'title']"
check_eq "list item values" "$(py '[d["conversations"][1][k] for k in ("title", "created_at", "category", "emoji")]')" \
    "['Planning The Kitchen Renovation', '2025-06-14T18:03:27.412345+00:00', 'personal', '🔨']"
http GET /cgi-bin/conversations -H "Authorization: Bearer $TOKEN_A"
check_eq "/cgi-bin/conversations alias" "$(py 'd["total"]')" 3
api "$TOKEN_A" /api/conversations/
check_eq "trailing slash" "$(py 'd["total"]')" 3

# Carol: 45 conversations a minute apart, paged 7 at a time by cursor.
python3 - "$T_TMP/carol" <<'PY'
import json, os, sys
os.makedirs(sys.argv[1])
for i in range(45):
    json.dump({"id": "carol-%02d" % i, "created_at": "2025-05-01T10:%02d:00Z" % i,
               "structured": {"title": "Meeting %d" % i, "overview": "o", "category":
                              "work" if i % 3 == 0 else "personal", "emoji": "x"},
               "transcript_segments": [{"text": "note %d" % i, "speaker": "SPEAKER_00",
                                        "start": 0, "end": 1}]},
              open("%s/%02d.json" % (sys.argv[1], i), "w"))
PY
for f in "$T_TMP"/carol/*.json; do
	webhook_post carol "$KEY_C" "$f"
	[ "$STATUS" = 200 ] || t_fail "post $f: $STATUS"
done
seen=""
cursor=""
pages=0
while :; do
	api "$TOKEN_C" "/api/conversations?limit=7${cursor:+&cursor=$cursor}"
	[ "$STATUS" = 200 ] || { t_fail "page $pages: $STATUS"; break; }
	pages=$((pages + 1))
	seen="$seen $(py '" ".join(c["id"] for c in d["conversations"])')"
	# total counts the three that arrive after page 2 from then on.
	[ "$(py 'd["total"]')" = "$([ "$pages" -le 2 ] && echo 45 || echo 48)" ] ||
	    t_fail "total on page $pages"
	[ "$(py 'd["has_more"]')" = True ] || break
	cursor=$(jget '["next_cursor"]')
	# New conversations arrive while the GPT is paging.
	if [ "$pages" = 2 ]; then
		for i in 90 91 92; do
			printf '{"id":"carol-%s","created_at":"2025-05-02T00:00:00Z"}' "$i" > "$T_TMP/new.json"
			webhook_post carol "$KEY_C" "$T_TMP/new.json"
		done
	fi
	[ "$pages" -lt 20 ] || break
done
check_eq "cursor paging: 7 pages" "$pages" 7
check_eq "cursor paging visits each once, newest first" "$(echo $seen)" \
    "$(python3 -c 'print(" ".join("carol-%02d" % i for i in range(44, -1, -1)))')"
api "$TOKEN_C" "/api/conversations?limit=7&offset=14"
# (offset 14 from the top now includes the three new ones: 92 91 90 44 ... 34 33)
check_eq "offset paging: 14th" "$(py '" ".join(c["id"] for c in d["conversations"])')" \
    "carol-33 carol-32 carol-31 carol-30 carol-29 carol-28 carol-27"
check_eq "offset paging: next_offset" "$(py 'd["next_offset"]')" 21
api "$TOKEN_C" "/api/conversations?limit=100&offset=40"
check_eq "offset near the end" "$(py '[len(d["conversations"]), d["has_more"], d["next_offset"]]')" "[8, False, None]"

# Filters.
api "$TOKEN_C" "/api/conversations?category=WORK&limit=100"
check_eq "category filter" "$(py '[d["total"], len(d["conversations"]), all(c["category"] == "work" for c in d["conversations"])]')" \
    "[15, 15, True]"
api "$TOKEN_C" "/api/conversations?start_date=2025-05-01T10:10:00Z&end_date=2025-05-01T10:19:59Z&limit=100"
check_eq "date-time range" "$(py '[d["total"], d["conversations"][0]["id"], d["conversations"][-1]["id"]]')" \
    "[10, 'carol-19', 'carol-10']"
api "$TOKEN_C" "/api/conversations?end_date=2025-05-01&limit=100"
check_eq "date-only end_date takes the whole day" "$(py 'd["total"]')" 45
api "$TOKEN_C" "/api/conversations?start_date=2025-05-02"
check_eq "date-only start_date" "$(py '[c["id"] for c in d["conversations"]]')" \
    "['carol-92', 'carol-91', 'carol-90']"
api "$TOKEN_C" "/api/conversations?start_date=2025-05-01T12:10:00%2B02:00&end_date=2025-05-01T10:12:00Z&category=personal"
check_eq "dates with offsets and category" "$(py '[c["id"] for c in d["conversations"]]')" \
    "['carol-11', 'carol-10']"

# Search: title, overview, transcript, case, non-ASCII, misses.
q() { api "$TOKEN_A" "/api/conversations?q=$1"; py '[c["id"] for c in d["conversations"]]'; }
check_eq "search title" "$(q renovation)" "['$ID_CUR']"
check_eq "search overview" "$(q cabinet)" "['$ID_CUR']"
check_eq "search transcript" "$(q EIGHTEEN%20thousand)" "['$ID_CUR']"
check_eq "search phrase" "$(q %22start%20with%20iOS%22)" "['$ID_LEG']"
check_eq "search non-ASCII, folded case" "$(q K%C3%9CCHE)" "['$ID_EDGE']"
check_eq "search transcript non-ASCII" "$(q guten%20morgen)" "['$ID_EDGE']"
check_eq "search miss" "$(q zebra)" "[]"
check_eq "search terms must all match" "$(q renovation%20zebra)" "[]"
api "$TOKEN_A" "/api/conversations?q=the"
check_eq "search total is null" "$(py 'd["total"]')" None
save list-search
# Bob's own text is never found through alice's token, and vice versa.
printf '{"id":"bob-1","created_at":"2025-01-01T00:00:00Z","transcript_segments":[{"text":"pelican secret"}]}' > "$T_TMP/bob.json"
webhook_post bob "$KEY_B" "$T_TMP/bob.json"
check_eq "search does not see other users" "$(q pelican)" "[]"
api "$TOKEN_B" "/api/conversations?q=pelican"
check_eq "bob finds his own" "$(py '[c["id"] for c in d["conversations"]]')" "['bob-1']"
api "$TOKEN_B" "/api/conversations?q=renovation"
check_eq "bob does not find alice's" "$(py 'd["conversations"]')" "[]"

# Discarded conversations.
printf '{"id":"disc-1","created_at":"2025-12-01T00:00:00Z","discarded":true,"structured":{"title":"Discarded chatter"}}' > "$T_TMP/disc.json"
webhook_post alice "$KEY_A" "$T_TMP/disc.json"
api "$TOKEN_A" /api/conversations
check_eq "discarded hidden" "$(py '[d["total"], "disc-1" in [c["id"] for c in d["conversations"]]]')" "[3, False]"
api "$TOKEN_A" "/api/conversations?include_discarded=true"
check_eq "discarded included" "$(py '[d["total"], d["conversations"][0]["id"], d["conversations"][0]["discarded"]]')" \
    "[4, 'disc-1', True]"
api "$TOKEN_A" "/api/conversations?include_discarded=false&q=chatter"
check_eq "discarded hidden from search" "$(py 'd["conversations"]')" "[]"
api "$TOKEN_A" "/api/conversations?include_discarded=true&q=chatter"
check_eq "discarded found when included" "$(py '[c["id"] for c in d["conversations"]]')" "['disc-1']"
api "$TOKEN_A" /api/conversations/disc-1
check_eq "discarded detail" "$(py '[d["discarded"], d["transcript"]]')" "[True, '']"

# --- A 5,000-segment transcript, read in parts ------------------------
python3 - "$T_TMP/long.json" "$T_TMP/long.txt" <<'PY'
import json, sys
segs, blocks = [], []
for i in range(5000):
    text = "Part %d: \"quoted\" and \u00e4\u00f6\u00fc \U0001F600 and more words to make it longer" % i
    start, end = i * 3 + 0.7, i * 3 + 2.9
    speaker = i % 15
    segs.append({"text": "  " + text + " ", "speaker": "SPEAKER_%02d" % speaker,
                 "is_user": speaker == 3, "start": start, "end": end})
    label = "User" if speaker == 3 else "Speaker %d" % speaker
    s, e = int(start), int(end)
    blocks.append("[%d:%02d:%02d - %d:%02d:%02d] %s: %s" % (
        s // 3600, s // 60 % 60, s % 60, e // 3600, e // 60 % 60, e % 60, label, text))
json.dump({"id": "long-1", "created_at": "2025-09-01T00:00:00Z", "transcript_segments": segs},
          open(sys.argv[1], "w"))
open(sys.argv[2], "w", encoding="utf-8").write("\n\n".join(blocks))
PY
webhook_post alice "$KEY_A" "$T_TMP/long.json"
check_eq "post long transcript" "$STATUS" 200
: > "$T_TMP/parts.txt"
off=0
parts=0
maxlen=0
while :; do
	api "$TOKEN_A" "/api/conversations/long-1?transcript_offset=$off"
	[ "$STATUS" = 200 ] || { t_fail "part at $off: $STATUS"; break; }
	parts=$((parts + 1))
	n=$(printf '%s' "$BODY" | python3 -c 'import sys; print(len(sys.stdin.read()))')
	[ "$n" -gt "$maxlen" ] && maxlen=$n
	printf '%s' "$BODY" | python3 -c 'import json, sys
sys.stdout.buffer.write(json.load(sys.stdin)["transcript"].encode())' >> "$T_TMP/parts.txt"
	[ "$(py 'd["transcript_offset"]')" = "$off" ] || t_fail "part offset $off"
	[ "$parts" = 1 ] && save detail-long
	next=$(py 'd["next_transcript_offset"]')
	[ "$(py 'd["transcript_truncated"]')" = "$([ "$next" = None ] && echo False || echo True)" ] ||
	    t_fail "truncated flag at $off"
	[ "$next" = None ] && break
	off=$next
	[ "$parts" -lt 100 ] || break
done
check "long transcript came in several parts ($parts)" [ "$parts" -ge 5 ]
check "every part under 100,000 characters (largest $maxlen)" [ "$maxlen" -lt 100000 ]
check "parts reassemble to the exact transcript" cmp -s "$T_TMP/parts.txt" "$T_TMP/long.txt"
api "$TOKEN_A" "/api/conversations/long-1?max_chars=100"
# At most 100 characters, ending after a whole block when one ends in the second half.
check_eq "max_chars" "$(py '[len(d["transcript"]), d["next_transcript_offset"], d["transcript_truncated"], d["transcript"][-2:]]')" \
    "[92, 92, True, '\n\n']"
api "$TOKEN_A" "/api/conversations/long-1?max_chars=50"
check_eq "max_chars without a block end" "$(py '[len(d["transcript"]), d["next_transcript_offset"]]')" "[50, 50]"
check_eq "transcript_length" "$(py 'd["transcript_length"]')" \
    "$(python3 -c 'import sys; print(len(open(sys.argv[1], encoding="utf-8").read()))' "$T_TMP/long.txt")"

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

# --- The OpenAPI document -----------------------------------------------
http GET /openapi.json
check_eq "openapi status" "$STATUS" 200
check_eq "openapi is served without a token" "$(jget '["openapi"]')" 3.1.0
check_eq "openapi server is this site" "$(jget '["servers"][0]["url"]')" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$OMI_DATA_DIR/config.json")"
printf '%s' "$BODY" > "$T_TMP/openapi.json"
check "OpenAPI document and real responses validate" node "$TOP/tests/e2e/openapi-check.mjs" \
    "$T_TMP/openapi.json" \
    Conversation="$T_TMP/resp-detail-current.json" Conversation="$T_TMP/resp-detail-legacy.json" \
    Conversation="$T_TMP/resp-detail-edge.json" Conversation="$T_TMP/resp-detail-long.json" \
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

check "omi-admin check" "$ADMIN" check
check_nomatch "no transcript text in the server log" "$(cat "$SERVER_LOG")" 'eighteen thousand|Guten Morgen'
check_nomatch "no token in the server log" "$(cat "$SERVER_LOG")" "$TOKEN_A"
t_done
