#!/bin/bash
# tests/e2e/api-detail.sh: one conversation through the API over a real web
# server with curl, after a real OAuth sign-in: the shape and the exact
# transcripts of the shared fixtures (expected strings written by hand), and
# a 5,000-segment transcript read in parts and reassembled.
. "$(dirname "$0")/../lib.sh"

api_site

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

# --- A 5,000-segment transcript, read in parts ------------------------

long_post
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

api_site_done
