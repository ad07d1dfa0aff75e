#!/bin/bash
# Privacy of deleted data: after `omi-admin user del` returns, no file of the
# data directory holds any byte of the user's conversations (GDBM's free
# space, the journal and the snapshot included; a grep over every file that
# also reads inside the compressed records, build/tests/datagrep),
# nothing of the account is left (omi-admin check is clean), and the same
# uid made again starts empty and works. The binaries run directly.
. "$(dirname "$0")/../lib.sh"

D=$T_TMP/data
site_init "$D"

# cgi UID KEY FILE: delivers FILE to the webhook; sets STATUS.
cgi() {
	STATUS=$(env -i PATH="$PATH" OMI_DATA_DIR="$D" REQUEST_METHOD=POST \
	    QUERY_STRING="uid=$1&key=$2" CONTENT_TYPE=application/json \
	    CONTENT_LENGTH="$(stat -c %s "$3")" "$OMI_CGIBIN/webhook" < "$3" \
	    2>>"$T_TMP/stderr" | sed -n '1s/^Status: \([0-9]*\).*/\1/p')
}

# conv FILE ID WORD: the fixture with id ID and WORD in its title, overview
# and transcript.
conv() {
	python3 - "$FIXTURES/omi-current.json" "$2" "$3" > "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["id"] = sys.argv[2]
w = sys.argv[3]
d.setdefault("structured", {})
d["structured"]["title"] = "About " + w
d["structured"]["overview"] = "We spoke of " + w + " at length"
for s in d.get("transcript_segments", []):
	s["text"] = s["text"] + " " + w + " " + w + "Said"
print(json.dumps(d))
PY
}

# found WORD: how many files of the data directory hold WORD, as it is or
# inside a compressed record.
DATAGREP=$TOP/build/tests/datagrep
[ -x "$DATAGREP" ] || t_fail "no $DATAGREP (make all)"
found() {
	local f files=()
	for f in "$D"/* "$D"/.[!.]*; do
		[ -f "$f" ] && files+=("$f")
	done
	"$DATAGREP" "$1" "${files[@]}"
}

user_add alice 'alice password' || t_fail "user add alice"
AKEY=$WEBHOOK_KEY
user_add bob 'bob password' || t_fail "user add bob"
BKEY=$WEBHOOK_KEY
for i in 1 2 3; do
	conv "$T_TMP/a$i.json" "alice-$i" "Aubergine${i}Zq7"
	cgi alice "$AKEY" "$T_TMP/a$i.json"
	check_eq "alice delivery $i" "$STATUS" 200
done
conv "$T_TMP/b.json" bob-1 BobKeepsThisWordQ9
cgi bob "$BKEY" "$T_TMP/b.json"
check_eq "bob delivery" "$STATUS" 200
# A snapshot that holds alice's words too (a checkpoint makes one).
"$ADMIN" compact >/dev/null || t_fail "compact"
# A re-delivery replaces conversation 3 (its old version goes to GDBM's
# free space), and more commits go to the journal.
conv "$T_TMP/a3b.json" alice-3 Aubergine3Zq7
cgi alice "$AKEY" "$T_TMP/a3b.json"
check_eq "alice re-delivery" "$STATUS" 200
check "alice's words are on disk before" test "$(found Aubergine1Zq7)" -ge 2
# A word only her transcripts hold is stored compressed: grep -a cannot see
# it, the finder the checks below rely on does.
check_eq "a transcript's words are not in the clear" \
    "$(grep -acF Aubergine1Zq7Said "$D/omi.db")" 0
check "the finder reads them in the compressed records" \
    test "$(found Aubergine1Zq7Said)" -ge 2

# A rebuild writes the search index's postings and vocabulary at once (a
# delivery waits for a batch of 32), folded to lower case.
"$ADMIN" reindex alice >/dev/null || t_fail "reindex alice"
"$ADMIN" reindex bob >/dev/null || t_fail "reindex bob"
check "the search index holds alice's words, folded, before" \
    test "$(found aubergine3zq7)" -ge 1

out=$("$ADMIN" user del alice) || t_fail "user del: $out"
check_match "user del" "$out" "Deleted user alice and 3 conversations"
# The search index keeps words folded (lower case), so look for those too.
for w in Aubergine1Zq7 Aubergine2Zq7 Aubergine3Zq7 Aubergine3Zq7Said \
    aubergine1zq7 \
    aubergine2zq7 aubergine3zq7 alice-1 alice-2 alice-3; do
	check_eq "no file holds '$w' after user del" "$(found "$w")" 0
done
check "bob's words are kept" test "$(found BobKeepsThisWordQ9)" -ge 1
check "bob's words are kept in his search index" \
    test "$(found bobkeepsthiswordq9)" -ge 1
check "bob's words are in omi.db" \
    test "$("$DATAGREP" BobKeepsThisWordQ9Said "$D/omi.db")" = 1
check_match "bob's conversation is intact" "$("$ADMIN" show bob bob-1)" \
    BobKeepsThisWordQ9
out=$("$ADMIN" check 2>&1)
check_match "check is clean after user del" "$out" "problems: 0"
check_match "no account left" "$out" "users: 1"
# check's disk figures: the payload is bob's one body, byte for byte, and
# the data directory's bytes are its files' sizes.
check_eq "check's payload is what is left" \
    "$(printf '%s\n' "$out" | sed -n 's/^payload: \([0-9]*\) bytes.*/\1/p')" \
    "$(stat -c %s "$T_TMP/b.json")"
check_eq "check's data directory bytes are its files'" \
    "$(printf '%s\n' "$out" | sed -n 's/^data directory: \([0-9]*\) bytes.*/\1/p')" \
    "$(find "$D" -maxdepth 1 -type f -printf '%s\n' | awk '{s += $1} END {print s}')"
check_match "check prints their ratio" "$out" \
    "^data directory: .*, [0-9]+\.[0-9][0-9]x the payload"

# A re-delivery that changes a conversation: its old words leave omi.db at
# once (GDBM's free space keeps nothing), and every file after a compaction.
conv "$T_TMP/b2.json" bob-1 BobSaysSomethingElse
cgi bob "$BKEY" "$T_TMP/b2.json"
check_eq "bob re-delivery" "$STATUS" 200
check "the old words leave omi.db at once" \
    test "$("$DATAGREP" BobKeepsThisWordQ9 "$D/omi.db")" = 0
check "the journal keeps them until a compaction" \
    test "$(found BobKeepsThisWordQ9)" -ge 1
"$ADMIN" compact >/dev/null || t_fail "compact"
check_eq "no file holds the old words after compact" \
    "$(found BobKeepsThisWordQ9)" 0
check_match "the new version is stored" "$("$ADMIN" show bob bob-1)" \
    BobSaysSomethingElse

# The same uid again: empty, then it works.
user_add alice 'new alice password' || t_fail "user add alice again"
check_match "re-created account starts empty" \
    "$("$ADMIN" conversations alice)" "^0 conversations"
conv "$T_TMP/n.json" fresh-1 FreshStartWord
cgi alice "$WEBHOOK_KEY" "$T_TMP/n.json"
check_eq "re-created account: delivery" "$STATUS" 200
check_match "re-created account lists it" "$("$ADMIN" conversations alice)" \
    "^fresh-1"
check_match "check is clean after re-creating" "$("$ADMIN" check 2>&1)" \
    "problems: 0"
check_nomatch "no transcript in the log" "$(cat "$T_TMP/stderr")" "Zq7"

t_done
