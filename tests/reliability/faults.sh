#!/bin/bash
# Reliability under faults, through a real web server: writers killed with
# SIGKILL at every point of a commit, random SIGKILLs under load, a full
# disk, a read-only data directory, a missing or unwritable lock file, and
# slow clients. After each scenario omi-admin check must pass and every
# conversation acknowledged with a 2xx must be stored.
#
# Runs as root with the server dropping to www-data, so that file
# permissions apply; the crash points need the test build (build-asan).
OMI_DROP_ROOT=1
. "$(dirname "$0")/../lib.sh"
TEST_CGIBIN=${OMI_TEST_CGIBIN:-$TOP/build-asan/cgi-bin}

# make_payloads DIR N PREFIX: N distinct conversations.
make_payloads() {
	mkdir -p "$1"
	python3 - "$FIXTURES/omi-current.json" "$1" "$2" "$3" <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
for i in range(int(sys.argv[3])):
    d = dict(base)
    d["id"] = "%s-%04d" % (sys.argv[4], i)
    d["created_at"] = "2025-08-%02dT%02d:%02d:%02d+00:00" % (1 + i % 28, i % 24, i % 60, i % 59)
    json.dump(d, open("%s/%s-%04d.json" % (sys.argv[2], sys.argv[4], i), "w"))
PY
}

# stored_ids UID: the ids omi-admin lists for a user, sorted.
stored_ids() { "$ADMIN" conversations "$1" | awk -F'\t' 'NF > 1 {print $1}' | sort; }

# acked_subset ACKED_FILE UID: every acknowledged id is stored.
acked_subset() {
	local missing
	missing=$(comm -23 <(sort -u "$1") <(stored_ids "$2"))
	[ -z "$missing" ] || { echo "acknowledged but missing: $missing" >&2; return 1; }
}

site_init "$T_TMP/data"
user_add alice 'correct horse' || t_fail "user add"
KEY=$WEBHOOK_KEY
OMI_CGIBIN=$TEST_CGIBIN
server_start || { t_fail "server start"; t_done; exit 1; }
make_payloads "$T_TMP/p" 40 kill

# 1. SIGKILL at each point of a commit; the next request repairs the store.
n=0
for point in journal apply apply-torn mark sync; do
	f1=$T_TMP/p/kill-$(printf %04d $n).json; n=$((n + 1))
	f2=$T_TMP/p/kill-$(printf %04d $n).json; n=$((n + 1))
	f3=$T_TMP/p/kill-$(printf %04d $n).json; n=$((n + 1))
	webhook_post alice "$KEY" "$f1"
	check_eq "$point: before" "$STATUS" 200
	http POST "/chatgpt/webhook/memory?uid=alice&key=$KEY" -H "X-Omi-Test-Crash: $point" \
	    --data-binary "@$f2"
	check_match "$point: killed writer gets no 2xx" "$STATUS" '^(000|5..)$'
	webhook_post alice "$KEY" "$f3"
	check_eq "$point: after" "$STATUS" 200
	ids=$(stored_ids alice)
	for f in "$f1" "$f3"; do
		id=$(basename "$f" .json)
		check_match "$point: $id stored" "$ids" "^$id\$"
	done
	# Killed after the lock was released but before the journal sync: the
	# change is applied and stays, though it was never acknowledged.
	[ "$point" = sync ] && check_match "sync: applied change kept" "$ids" \
	    "^$(basename "$f2" .json)\$"
	# The search index changes in the same commit as the conversation:
	# check cross-checks it too, and alice (new since the index) has one.
	out=$("$ADMIN" check); rc=$?
	check_eq "$point: check clean" "$rc" 0
	check_match "$point: search index checked" "$out" ' 0 users without one'
done
check_match "recovery was logged" "$(cat "$SERVER_LOG")" 'recovered the database'

# 2. Random SIGKILLs of webhook processes under load (production binaries).
# A copy of them of this test's own, so that the kills reach this server's
# processes only: tests/run.sh runs the scripts under two servers at once.
t_cleanup_server() { for p in $T_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; T_PIDS=""; }
t_cleanup_server
mkdir -p "$T_TMP/cgi-bin"
cp "$TOP"/cgi-bin/* "$T_TMP/cgi-bin/"
[ -n "${OMI_APACHE_USER:-}" ] && chown -R "$OMI_APACHE_USER" "$T_TMP/cgi-bin"
OMI_CGIBIN=$T_TMP/cgi-bin
server_start || t_fail "server restart"
make_payloads "$T_TMP/load" 300 load
: > "$T_TMP/acked"
export BASE KEY
# The kills go on until the load is done, at most 60 s; 15 s under
# FastCGI, where mod_fcgid, its processes killed over and over, starts new
# ones slowly enough that 300 deliveries took 70 s.
kill_for=60
case $OMI_SERVER in *fastcgi|*fcgid) kill_for=15 ;; esac
(
	end=$((SECONDS + kill_for))
	while [ $SECONDS -lt $end ] && [ ! -f "$T_TMP/load.done" ]; do
		pkill -KILL -f "^$T_TMP/cgi-bin/webhook" 2>/dev/null && echo kill >> "$T_TMP/kills"
		sleep 0.0$((RANDOM % 9 + 1))
	done
) &
killer=$!
ls "$T_TMP/load" | xargs -P 16 -I{} sh -c '
	code=$(curl -s -o /dev/null -w "%{http_code}" --data-binary "@$0/{}" \
	    "$BASE/chatgpt/webhook/memory?uid=alice&key=$KEY")
	[ "$code" = 200 ] && basename {} .json >> "$1"
	echo "$code" >> "$1.codes"' "$T_TMP/load" "$T_TMP/acked"
touch "$T_TMP/load.done"
wait $killer
kills=$(wc -l 2>/dev/null < "$T_TMP/kills" || echo 0)
acked=$(wc -l < "$T_TMP/acked")
echo "random kill -9: 300 requests, 16 in flight, $kills kill rounds, $acked acknowledged"
check "some requests were acknowledged" [ "$acked" -gt 0 ]
check_nomatch "no 2xx other than 200" "$(sort -u "$T_TMP/acked.codes")" '^20[1-9]'
# One more write repairs whatever a kill left behind. Under FastCGI the
# server starts the killed processes again; lighttpd tries a dead backend
# again only after a second, and answers 503 until then: the write is
# retried on 503 for up to 10 s, as OMI would retry it.
for i in $(seq 1 50); do
	webhook_post alice "$KEY" "$FIXTURES/omi-legacy.json"
	case $OMI_SERVER in
	*fastcgi|*fcgid) [ "$STATUS" = 503 ] || break; sleep 0.2 ;;
	*) break ;;
	esac
done
check_eq "write after kills" "$STATUS" 200
check "every acknowledged conversation is stored" acked_subset "$T_TMP/acked" alice
lost=$(comm -23 <(sort -u "$T_TMP/acked") <(stored_ids alice) | wc -l)
echo "random kill -9: lost acknowledged conversations: $lost; recoveries: $(grep -c 'recovered the database' "$SERVER_LOG")"
out=$("$ADMIN" check); rc=$?
check_eq "check clean after kills" "$rc" 0
check_match "search index checked after kills" "$out" ' 0 users without one'

# 3. Lock file missing, then unwritable.
rm -f "$OMI_DATA_DIR/omi.lock"
webhook_post alice "$KEY" "$FIXTURES/omi-current.json"
check_eq "missing lock file is recreated" "$STATUS" 200
check "lock file exists again" [ -f "$OMI_DATA_DIR/omi.lock" ]
chmod 000 "$OMI_DATA_DIR/omi.lock"
webhook_post alice "$KEY" "$FIXTURES/omi-current.json"
check_eq "unwritable lock file: clean 503" "$STATUS" 503
check "unwritable lock file: Retry-After" [ -n "$(header retry-after)" ]
chmod 600 "$OMI_DATA_DIR/omi.lock"

# 4. Read-only data directory: writes fail cleanly, reads keep working.
before=$(stored_ids alice | wc -l)
chmod -R a-w "$OMI_DATA_DIR"
make_payloads "$T_TMP/ro" 1 ro
webhook_post alice "$KEY" "$T_TMP/ro/ro-0000.json"
check_eq "read-only: write refused" "$STATUS" 503
check_match "read-only: logged" "$(tail -5 "$SERVER_LOG")" 'read-only|Permission denied'
check_eq "read-only: reads still work" "$(as_user "$TOP/omi-admin" conversations alice | tail -1 | awk '{print $1}')" "$before"
chmod -R u+w "$OMI_DATA_DIR"
webhook_post alice "$KEY" "$T_TMP/ro/ro-0000.json"
check_eq "writable again" "$STATUS" 200

# 5. Slow clients do not hold the lock: a stalled body, then normal traffic.
for i in 1 2 3; do
	curl -s -o /dev/null --limit-rate 300 --data-binary "@$FIXTURES/omi-current.json" \
	    "$BASE/chatgpt/webhook/memory?uid=alice&key=$KEY" &
	T_PIDS="$T_PIDS $!"
done
sleep 1
make_payloads "$T_TMP/fast" 20 fast
ok=0
for f in "$T_TMP"/fast/*.json; do
	webhook_post alice "$KEY" "$f"
	[ "$STATUS" = 200 ] && ok=$((ok + 1))
done
# A slow body held under the lock would turn these into 503s after 5 s.
check_eq "requests served beside slow clients" "$ok" 20
check "check clean at the end" "$ADMIN" check >/dev/null
t_done
