#!/bin/bash
# tests/e2e/anon-writes.sh: what anonymous traffic to the consent page costs
# the data files (issue 17). 1,000 consent pages, each denied, must leave
# omi.db and omi.journal byte for byte as they were; 400 failed sign-ins
# with made-up uids from 80 addresses (each a yescrypt hash: the unit test
# test_throttle_bounded fills the table with 5,120 subjects) may fill the fixed-size throttle
# table (256 buckets of 8 entries) and nothing more. Prints the growth it
# measured, so the same script run against an older build shows the
# "before" figures.
. "$(dirname "$0")/../lib.sh"

site_init "$T_TMP/data"
user_add alice "correct horse battery" || t_fail "user add alice"
server_start || { t_fail "server start"; t_done; exit 1; }
config_set base_url "\"$BASE\""
oauth_client
AQ="response_type=code&client_id=$(urlenc "$CLIENT_ID")&redirect_uri=$(urlenc "$OAUTH_REDIRECT")&scope=read%3Amemories&state=flood"
COOKIE=omi_authz=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 43)
F=$T_TMP/flood
mkdir -p "$F"

# data_size: the data files together, in bytes (omi.snap and omi.journal
# together are what omi.db is rebuilt from).
data_size() {
	stat -c %s "$OMI_DATA_DIR"/omi.db "$OMI_DATA_DIR"/omi.journal \
	    "$OMI_DATA_DIR"/omi.snap 2>/dev/null | awk '{s += $1} END {print s + 0}'
}
db_size() { stat -c %s "$OMI_DATA_DIR/omi.db"; }

# flood NAME N: runs $F/NAME-<p>.cfg for p in 0..3 (four curls in parallel)
# and leaves each answer's status, one a line, in $F/NAME.out.
flood() {
	local p pids=
	for p in 0 1 2 3; do
		curl -s -K "$F/$1-$p.cfg" > "$F/$1-$p.out" &
		pids="$pids $!"
	done
	# Not a bare wait: the server is a child of this shell too.
	wait $pids
	cat "$F/$1"-[0-3].out > "$F/$1.out"
}

# handles NAME N: N consent pages for one browser (cookie COOKIE), their
# handles one a line in $F/NAME.handles.
handles() {
	local i p
	for p in 0 1 2 3; do
		for i in $(seq 1 $(($2 / 4))); do
			[ "$i" = 1 ] || echo next
			printf 'url = "%s"\ncookie = "%s"\noutput = "%s"\nwrite-out = "%%{http_code}\\n"\n' \
			    "$BASE/chatgpt/oauth/authorize?$AQ" "$COOKIE" "$F/$1-page-$p-$i"
		done > "$F/$1-$p.cfg"
	done
	flood "$1"
	cat "$F/$1"-page-* | sed -n 's/.*name="handle" value="\([^"]*\)".*/\1/p' > "$F/$1.handles"
	rm -f "$F/$1"-page-*
}

echo "== 1,000 consent pages, each denied"
handles deny 1000
check_eq "1,000 consent pages" "$(wc -l < "$F/deny.handles")" 1000
S0=$(data_size) D0=$(db_size)
i=0
while read -r h; do
	p=$((i % 4)); i=$((i + 1))
	{ [ "$i" -le 4 ] || echo next
	  printf 'url = "%s"\ncookie = "%s"\ndata-urlencode = "handle=%s"\ndata = "decision=deny"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
	    "$BASE/chatgpt/oauth/authorize" "$COOKIE" "$h"; } >> "$F/denypost-$p.cfg"
done < "$F/deny.handles"
flood denypost
check_eq "1,000 denies, each a redirect" "$(grep -c '^302$' "$F/denypost.out")" 1000
S1=$(data_size) D1=$(db_size)
echo "denies: data files grew by $((S1 - S0)) bytes (omi.db by $((D1 - D0)))"
check_eq "1,000 denies leave the data files as they were" "$S1" "$S0"

echo "== 400 failed sign-ins with made-up uids from 80 addresses"
handles fail 400
check_eq "400 more consent pages" "$(wc -l < "$F/fail.handles")" 400
i=0
while read -r h; do
	# Five from each of 127.0.1.1 .. 127.0.1.80: the most one address
	# gets before it is locked.
	a=$((i / 5 + 1)) p=$((i % 4)); i=$((i + 1))
	{ [ "$i" -le 4 ] || echo next
	  printf 'url = "%s"\ninterface = "127.0.1.%d"\ncookie = "%s"\ndata-urlencode = "handle=%s"\ndata = "decision=allow"\ndata = "uid=nobody-%s"\ndata = "password=guess"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
	    "$BASE/chatgpt/oauth/authorize" "$a" "$COOKIE" "$h" "$RANDOM$RANDOM$i"; } >> "$F/failpost-$p.cfg"
done < "$F/fail.handles"
S0=$(data_size) D0=$(db_size)
flood failpost
check_eq "400 failed sign-ins: none answered otherwise" \
    "$(grep -vc '^200$\|^429$' "$F/failpost.out")" 0
S1=$(data_size) D1=$(db_size)
echo "failed sign-ins: data files grew by $((S1 - S0)) bytes (omi.db by $((D1 - D0)))"
# The table holds 2,048 entries of under 50 bytes in 256 records: with
# GDBM's own overhead omi.db stays well under 256 KB for any number of
# failures (the journal is cut back at its checkpoints).
check "failed sign-ins with made-up uids grow omi.db by less than 256 KB" \
    test $((D1 - D0)) -lt 262144
# One address more than five times: locked, and a locked attempt writes
# nothing at all.
h=$(head -1 "$F/fail.handles")
S0=$(data_size)
for i in 1 2 3; do
	CURL_FROM=127.0.1.1 http POST /chatgpt/oauth/authorize -H "Cookie: $COOKIE" \
	    --data-urlencode "handle=$h" --data-urlencode decision=allow \
	    --data-urlencode "uid=nobody-$i" --data-urlencode password=guess
done
check_eq "a locked address is told so" "$STATUS" 429
check_eq "and its attempts write nothing" "$(data_size)" "$S0"
t_done
