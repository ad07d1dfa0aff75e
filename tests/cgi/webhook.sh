#!/bin/bash
# CGI-level tests of the webhook: the binary run directly with a CGI
# environment and a body on stdin (no web server), including inputs a server
# would never pass through (odd CONTENT_LENGTH values, missing config).
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
user_add alice 'correct horse' || t_fail "user add"
KEY=$WEBHOOK_KEY

# cgi METHOD QUERY BODYFILE [extra env...]: runs the webhook, sets STATUS/BODY/OUT.
cgi() {
	local m=$1 q=$2 f=$3
	shift 3
	OUT=$(env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD="$m" \
	    QUERY_STRING="$q" CONTENT_TYPE=application/json \
	    CONTENT_LENGTH="$(stat -c %s "$f")" "$@" "$OMI_CGIBIN/webhook" < "$f" \
	    2>"$T_TMP/stderr")
	RC=$?
	STATUS=$(printf '%s\n' "$OUT" | sed -n '1s/^Status: \([0-9]*\).*/\1/p')
	BODY=$(printf '%s\n' "$OUT" | sed '1,/^\r\{0,1\}$/d')
}

cgi POST "uid=alice&key=$KEY" "$FIXTURES/omi-current.json"
check_eq "store current fixture" "$STATUS" 200
check_eq "exit status" "$RC" 0
check_match "success body" "$BODY" '"status":"success","id":"6f1c2a9e-3b7d-4c1e-9a52-0d8e4b7f2c11"'
check_nomatch "no secret in the log" "$(cat "$T_TMP/stderr")" "$KEY"
check_nomatch "no transcript in the log" "$(cat "$T_TMP/stderr")" "earliest you could start"

# JSON labelled as a form (curl -d does that) is still the document: a '%'
# in it is text, not a broken escape.
sed 's/"id": *"[^"]*"/"id": "percent-1"/; s/earliest you could start/earliest, 50% sooner/' \
    "$FIXTURES/omi-current.json" > "$T_TMP/percent.json"
user_add percy 'percy pass' || t_fail "user add percy"
cgi POST "uid=percy&key=$WEBHOOK_KEY" "$T_TMP/percent.json" \
    CONTENT_TYPE=application/x-www-form-urlencoded
check_eq "JSON labelled form-urlencoded" "$STATUS" 200
check_match "stored as sent" "$("$ADMIN" show percy percent-1)" '50% sooner'

# The older sender's "?key=K?uid=U" form.
cgi POST "key=$KEY?uid=alice" "$FIXTURES/omi-legacy.json"
check_eq "legacy ?uid= appended to ?key=" "$STATUS" 200

echo '{}' > "$T_TMP/empty.json"
for cl in abc -1 99999999999999999999 5000000000 1e3 ' 12'; do
	cgi POST "uid=alice&key=$KEY" "$T_TMP/empty.json" CONTENT_LENGTH="$cl"
	case $cl in
	99999999999999999999|5000000000) want=413 ;;
	*) want=400 ;;
	esac
	check_eq "CONTENT_LENGTH=$cl" "$STATUS" "$want"
done
# A body shorter than announced.
cgi POST "uid=alice&key=$KEY" "$FIXTURES/omi-current.json" CONTENT_LENGTH=99999
check_eq "short body" "$STATUS" 400
# No CONTENT_LENGTH (Apache with Transfer-Encoding: chunked): read to EOF.
OUT=$(env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD=POST \
    QUERY_STRING="uid=alice&key=$KEY" "$OMI_CGIBIN/webhook" \
    < "$FIXTURES/omi-edge-cases.json" 2>/dev/null)
check_match "chunked body without CONTENT_LENGTH" "$(printf '%s' "$OUT" | head -1)" '^Status: 200'

cgi GET "uid=alice&key=$KEY" "$T_TMP/empty.json"
check_eq "GET" "$STATUS" 405
check_match "Allow header" "$OUT" 'Allow: POST'

# The configured cap.
config_set max_body 1000
cgi POST "uid=alice&key=$KEY" "$FIXTURES/omi-current.json"
check_eq "over max_body" "$STATUS" 413
config_set max_body 8388608

# No configuration at all: a clean 503, not a crash.
OUT=$(env -i PATH="$PATH" OMI_DATA_DIR="$T_TMP/nowhere" REQUEST_METHOD=POST \
    QUERY_STRING="uid=alice&key=$KEY" CONTENT_LENGTH=2 "$OMI_CGIBIN/webhook" \
    < "$T_TMP/empty.json" 2>/dev/null)
check_match "unconfigured site" "$(printf '%s' "$OUT" | head -1)" '^Status: 503'
check_match "unconfigured: Retry-After" "$OUT" 'Retry-After:'

# Out-of-range query string.
long=$(head -c 9000 /dev/zero | tr '\0' a)
cgi POST "uid=alice&key=$KEY&x=$long" "$T_TMP/empty.json"
check_eq "oversized query string" "$STATUS" 414

# A title carrying terminal escape sequences (C0 and C1) is stored as sent,
# and omi-admin lists it without them.
printf '{"id":"esc-1","created_at":"2025-01-01T00:00:00Z","structured":{"title":"a\\u001b[2Jb\\u001b]0;pwned\\u0007c\\u009bd"},"transcript_segments":[{"text":"x","speaker":"SPEAKER_00","start":0,"end":1}]}' > "$T_TMP/esc.json"
cgi POST "uid=alice&key=$KEY" "$T_TMP/esc.json"
check_eq "title with control characters stored" "$STATUS" 200
out=$("$ADMIN" conversations alice)
check_match "omi-admin lists the title" "$out" $'esc-1\t[^\t]*\ta \\[2Jb \\]0;pwned c d$'
check "omi-admin prints no control character" bash -c '! printf "%s" "$1" | tr -d "\n\t" | grep -q "[[:cntrl:]]"' _ "$out"
check_match "four stored" "$out" '^4 conversations'
# Short of memory (a host's address-space limit) while reading a valid 8 MB
# delivery: a 5xx, which OMI sends again, never a 4xx, which it drops.
# Jansson reports some failed allocations as syntax errors. The static build
# only: the sanitizers and valgrind need the address space themselves.
if [ "$OMI_CGIBIN" = "$TOP/cgi-bin" ]; then
	python3 - "$T_TMP/big.json" <<'PY'
import json, sys
seg = {"text": "word " * 20, "speaker": "SPEAKER_00", "is_user": False}
d = {"id": "big-1", "created_at": "2025-01-01T00:00:00Z",
     "structured": {"title": "big", "overview": "o"},
     "transcript_segments": [dict(seg, start=i, end=i + 1) for i in range(40000)]}
open(sys.argv[1], "w").write(json.dumps(d))
PY
	seen=
	# Up to 80 MB: the search index reads the stored JSON's words through
	# a Jansson tree of its own (61 MB peak for this body, 45 without).
	for lim in $(seq 30000 2000 80000); do
		OUT=$( (ulimit -v "$lim"; env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" \
		    REQUEST_METHOD=POST QUERY_STRING="uid=alice&key=$KEY" \
		    CONTENT_TYPE=application/json CONTENT_LENGTH="$(stat -c %s "$T_TMP/big.json")" \
		    "$OMI_CGIBIN/webhook" < "$T_TMP/big.json" 2>/dev/null) )
		seen="$seen $(printf '%s\n' "$OUT" | sed -n '1s/^Status: \([0-9]*\).*/\1/p')"
	done
	check_nomatch "out of memory: never a 4xx ($seen )" "$seen" ' 4[0-9][0-9]'
	check_match "out of memory: a 500 at some limit" "$seen" ' 500'
	check_match "and stored with enough memory" "$seen" ' 200'
fi

# What a request may cost before and after its key is checked. 8 MiB of
# empty objects took Jansson 660 MB before the key was looked at; now a
# wrong key, an unknown uid or an empty key is answered from the query
# alone, and a right key gets the body counted (values, nesting) before it
# is parsed. Peak memory from the process itself (GNU time's %M, KiB), in
# the static build: the sanitizers' shadow memory would swamp it.
python3 - "$T_TMP" <<'PY'
import json, sys
d = sys.argv[1]
head = '{"created_at":"2025-01-01T00:00:00Z","x":['
n = (8 * 1024 * 1024 - len(head) - 2) // 3
open(d + "/objs8m.json", "w").write(head + ",".join(["{}"] * n) + "]}")
def nest(k):
    return head + "[" * (k - 2) + "]" * (k - 2) + "]}"
open(d + "/depth64.json", "w").write(nest(64))
open(d + "/depth65.json", "w").write(nest(65))
# A 4 MB conversation of many short segments, shaped as OMI sends them.
seg = {"id": "0b7e6d1a-8f0c-4f6e-b0a1-5c2d9e3f4a10", "text": "", "speaker":
       "SPEAKER_00", "speaker_id": 0, "is_user": True, "person_id": None,
       "start": 0.48, "end": 2.9, "translations": [], "speaker_name": "Alex"}
segs, size, i = [], 0, 0
while size < 4000000:
    s = dict(seg, text="sentence %d of the long talk" % i, start=i, end=i + 1)
    segs.append(s); size += len(json.dumps(s)); i += 1
json.dump({"id": "long-4mb", "created_at": "2025-01-01T00:00:00Z",
           "structured": {"title": "long"}, "transcript_segments": segs},
          open(d + "/long4m.json", "w"))
PY
measure() {
	local f=$1 q=$2
	OUT=$(env -i PATH="$PATH" OMI_DATA_DIR="$OMI_DATA_DIR" REQUEST_METHOD=POST \
	    QUERY_STRING="$q" CONTENT_TYPE=application/json \
	    CONTENT_LENGTH="$(stat -c %s "$f")" /usr/bin/time -o "$T_TMP/rss" -f %M \
	    "$OMI_CGIBIN/webhook" < "$f" 2>"$T_TMP/stderr")
	STATUS=$(printf '%s\n' "$OUT" | sed -n '1s/^Status: \([0-9]*\).*/\1/p')
	BODY=$(printf '%s\n' "$OUT" | sed '1,/^\r\{0,1\}$/d')
	RSS=$(tail -1 "$T_TMP/rss")
}
rss_below() {
	[ "$OMI_CGIBIN" = "$TOP/cgi-bin" ] || return 0
	check "$1: peak RSS ${RSS} KiB under $2 KiB" test "$RSS" -lt "$2"
}
check "GNU time is installed (scripts/deps.sh --test)" test -x /usr/bin/time
# 8 MiB of body + 16 MB for the program.
measure "$T_TMP/objs8m.json" "uid=alice&key=wrong$KEY"
check_eq "8 MiB of empty objects, wrong key" "$STATUS" 401
rss_below "8 MiB, wrong key" 24576
measure "$T_TMP/objs8m.json" "uid=nobody&key=$KEY"
check_eq "8 MiB, unknown uid" "$STATUS" 401
rss_below "8 MiB, unknown uid" 24576
measure "$T_TMP/empty.json" "uid=alice&key=wrong$KEY"
check_eq "wrong key, empty object: 401 before the body is read" "$STATUS" 401
measure "$T_TMP/objs8m.json" "uid=alice&key=$KEY"
check_eq "8 MiB of empty objects, right key" "$STATUS" 413
check_match "too_many_values" "$BODY" '"error":"too_many_values"'
rss_below "8 MiB, right key" 24576
measure "$T_TMP/depth65.json" "uid=alice&key=$KEY"
check_eq "nested 65 deep" "$STATUS" 400
check_match "too_deep" "$BODY" '"error":"too_deep"'
measure "$T_TMP/depth64.json" "uid=alice&key=$KEY"
check_eq "nested 64 deep" "$STATUS" 200
measure "$T_TMP/long4m.json" "uid=alice&key=$KEY"
check_eq "a 4 MB transcript of many segments" "$STATUS" 200
check_match "stored whole" "$("$ADMIN" show alice long-4mb | tail -c 300)" 'sentence [0-9]+ of the long talk'
# Jansson reads on past a NUL byte after a number; a body the bound cannot
# read is refused before Jansson sees it (it stored this one, NUL and all).
printf '{"id":"nul-1","created_at":"2025-01-01T00:00:00Z","x":[1\0,{}]}' > "$T_TMP/nulnum.json"
cgi POST "uid=alice&key=$KEY" "$T_TMP/nulnum.json"
check_eq "a NUL after a number" "$STATUS" 400
check_match "invalid_json, where" "$BODY" '"error":"invalid_json","message":"invalid JSON at byte offset 56"'
check_nomatch "not stored" "$("$ADMIN" conversations alice)" 'nul-1'
# The configured limit: omi-current.json holds 96 values.
config_set max_json_values 96
cgi POST "uid=alice&key=$KEY" "$FIXTURES/omi-current.json"
check_eq "max_json_values 96: 96 values" "$STATUS" 200
config_set max_json_values 95
cgi POST "uid=alice&key=$KEY" "$FIXTURES/omi-current.json"
check_eq "max_json_values 95: 96 values" "$STATUS" 413
config_set max_json_values 0

check "omi-admin check" "$ADMIN" check >/dev/null
t_done
