#!/bin/bash
# tests/e2e/api-list.sh: listing conversations through the API over a real
# web server with curl, after a real OAuth sign-in: the order and the item
# shape, paging by cursor that visits every conversation exactly once while
# new ones arrive, paging by offset, each filter, and discarded conversations.
. "$(dirname "$0")/../lib.sh"

api_site

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

api_site_done
