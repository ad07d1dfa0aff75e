#!/bin/bash
# bench-search.sh: the search benchmark (issue 19's targets), run at the end
# of `make bench` or alone. A benchmark, not a test: prints figures, asserts
# nothing.
#
# For each size (BENCH_SEARCH_SIZES, default "10000 100000") one user,
# 'bench', holds that many conversations of realistic shape and vocabulary
# (scripts/bench-search-gen.py, seed 42), imported through `omi-admin
# import` in chunks into a seed directory that is kept and reused:
# BENCH_SEARCH_SEED (default /tmp/omi-bench-search), one DIR/nSIZE each.
# Each run measures a copy of it, under lighttpd in plain CGI mode, with the
# programs of BENCH_CGIBIN (default cgi-bin/) and BENCH_ADMIN (default
# ./omi-admin): when that omi-admin has a `reindex` command, the copy is
# reindexed first (a seed written by an older build has no search index),
# and its time reported. Then, interleaved, BENCH_SEARCH_REQUESTS (200)
# sequential requests of each: the hello-world CGI, and the first page
# (limit=20) of GET /api/conversations?q= for a word that occurs nowhere,
# a rare word (once, in a transcript segment of the 4th oldest
# conversation), a common word (in about 3 of 4 conversations) and a
# two-word phrase (in about 3%), with curl's time_total on one kept-alive
# connection; then 100 webhook deliveries of new conversations of the same
# kind, interleaved with POSTs of the same bodies to the hello-world CGI.
# Reported: p50 and p99, the same minus the hello-world's, the 100k/10k
# ratio, how many conversations each first page held (and has_more), the
# data directory's bytes and the transcripts' bytes (the sum of the
# segments' text in UTF-8), and after all that, compacted, omi.db's bytes:
# an index's cost is (after - before) / transcript bytes. Then deliveries
# of new conversations until a checkpoint has run, with the data
# directory's largest size meanwhile (deliver_until_checkpoint). Last, the
# whole data directory against the payload (the stored JSON, as omi-admin
# check counts it), after the runs and compacted.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
sizes=${BENCH_SEARCH_SIZES:-10000 100000}
nreq=${BENCH_SEARCH_REQUESTS:-200}
seedroot=${BENCH_SEARCH_SEED:-/tmp/omi-bench-search}
cgibin=${BENCH_CGIBIN:-$top/cgi-bin}
export OMI_ADMIN=${BENCH_ADMIN:-$top/omi-admin}
export OMI_RESULTS='' OMI_SERVER=lighttpd
HOOKS=100
PW='bench password'
[ -x "$cgibin/conversations" ] && [ -x "$OMI_ADMIN" ] || { echo "bench-search: run make first" >&2; exit 1; }
[ -x "$top/build/bench/hello" ] || { echo "bench-search: make build/bench/hello first" >&2; exit 1; }
. "$top/tests/lib.sh"
py=$OMI_PYTHON

load() { cut -d' ' -f1-3 /proc/loadavg; }

# fill N DIR: the seed for N conversations, made once.
fill() {
	local n=$1 dir=$2 t0 f
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp/hooks"
	echo "  generating $n conversations (load $(load))..." >&2
	"$py" "$top/scripts/bench-search-gen.py" "$n" "$dir.tmp/all.jsonl" "$dir.tmp/stats.json" \
	    "$HOOKS" "$dir.tmp/hooks" || return 1
	export OMI_DATA_DIR=$dir.tmp/data
	BASE_URL=http://127.0.0.1:0 "$ADMIN" init >/dev/null || return 1
	printf '%s\n' "$PW" | "$ADMIN" user add bench --password-stdin |
	    sed -n 's/^Webhook URL: .*key=//p' > "$dir.tmp/key"
	[ -s "$dir.tmp/key" ] || return 1
	t0=$(date +%s.%N)
	split -l 5000 -d -a 4 "$dir.tmp/all.jsonl" "$dir.tmp/chunk."
	for f in "$dir.tmp"/chunk.*; do
		"$ADMIN" import bench "$f" >/dev/null || return 1
		rm -f "$f"
	done
	"$py" -c "import sys; print('%.0f' % (float(sys.argv[2]) - float(sys.argv[1])))" \
	    "$t0" "$(date +%s.%N)" > "$dir.tmp/fill-seconds"
	echo "  imported in $(cat "$dir.tmp/fill-seconds") s (load $(load))" >&2
	rm -f "$dir.tmp/all.jsonl"
	"$ADMIN" check >&2 || return 1
	mv "$dir.tmp" "$dir"
}

# deliver_until_checkpoint SEED: issue 21's peak. New conversations (the
# seed's hook bodies under new ids) go to the webhook 50 at a time until a
# checkpoint has emptied the journal (seen between batches) and one batch
# more (at most 20,000), while a sampler notes the data directory's largest
# size every 10 ms. Prints "sent checkpoints peak-bytes sent-bytes".
deliver_until_checkpoint() {
	local seed=$1 sent=0 ck=0 bytes=0 after=-1 j0 j1 f st
	local more=$T_TMP/more stop=$T_TMP/sampler.stop cfg=$T_TMP/cfg.more spid
	rm -f "$stop"
	"$py" - "$OMI_DATA_DIR" "$stop" > "$T_TMP/peak" <<'PY' &
import os, sys, time
d, stop = sys.argv[1], sys.argv[2]
peak = 0
while not os.path.exists(stop):
    s = 0
    for e in os.scandir(d):
        try:
            if e.is_file(follow_symlinks=False):
                s += e.stat(follow_symlinks=False).st_size
        except FileNotFoundError:
            pass
    peak = max(peak, s)
    time.sleep(0.01)
print(peak)
PY
	spid=$!
	j0=$(stat -c %s "$OMI_DATA_DIR/omi.journal")
	while [ "$sent" -lt 20000 ] && [ "$after" != 0 ]; do
		rm -rf "$more"
		mkdir -p "$more"
		"$py" - "$seed/hooks" "$more" "$sent" <<'PY' || break
import json, os, sys, uuid
src, out, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
hooks = sorted(os.listdir(src))
for i in range(50):
    d = json.load(open(os.path.join(src, hooks[(start + i) % len(hooks)])))
    d["id"] = str(uuid.uuid4())
    open(os.path.join(out, "%05d.json" % i), "w").write(json.dumps(d))
PY
		: > "$cfg"
		for f in "$more"/*.json; do
			printf 'url = "%s/chatgpt/webhook/memory?uid=bench&key=%s"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %s\\n"\nnext\n' \
			    "$BASE" "$(cat "$seed/key")" "$f" "$(stat -c %s "$f")" >> "$cfg"
		done
		sed -i '$d' "$cfg"
		while read -r st f; do
			[ "$st" = 200 ] && sent=$((sent + 1)) && bytes=$((bytes + f))
		done < <(curl -s -K "$cfg")
		j1=$(stat -c %s "$OMI_DATA_DIR/omi.journal")
		[ "$j1" -lt "$j0" ] && ck=$((ck + 1))
		j0=$j1
		if [ "$after" -gt 0 ]; then after=$((after - 1)); fi
		[ "$ck" -gt 0 ] && [ "$after" = -1 ] && after=1
	done
	touch "$stop"
	wait "$spid"
	echo "$sent $ck $(cat "$T_TMP/peak") $bytes"
}

# stats FILE: "name n p50 p99 bad" per URL label, from curl's write-out.
stats() {
	"$py" - "$1" <<'PY'
import sys
rows = {}
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) == 3:
        rows.setdefault(f[0], []).append((f[1], float(f[2])))
for name, r in rows.items():
    t = sorted(x[1] for x in r)
    q = lambda p: 1000 * t[min(len(t) - 1, int(p * len(t)))]
    print(name, len(t), "%.2f" % q(0.5), "%.2f" % q(0.99), sum(1 for x in r if x[0] not in ("200", "201")))
PY
}

results=$T_TMP/results
: > "$results"
echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(uname -sr), load $(load)"
echo "Programs: $cgibin, $OMI_ADMIN; seeds under $seedroot; $nreq requests per query"
mkdir -p "$T_TMP/cgi-bin"
cp "$cgibin"/* "$top/build/bench/hello" "$T_TMP/cgi-bin/"
OMI_CGIBIN=$T_TMP/cgi-bin	# for server_start (tests/lib.sh)
declare -A Q=([nohit]=helicopter [rare]=zephyrquill [common]=project
    [phrase]='"kitchen budget"')
for n in $sizes; do
	seed=$seedroot/n$n
	if [ ! -f "$seed/key" ]; then
		echo "Filling $seed..."
		mkdir -p "$seedroot"
		fill "$n" "$seed" || { echo "bench-search: fill of $n failed" >&2; exit 1; }
	fi
	echo "Size $n: copying the seed (load $(load))..."
	rm -rf "$T_TMP/data"
	cp -a "$seed/data" "$T_TMP/data"
	export OMI_DATA_DIR=$T_TMP/data
	reindex=-
	if "$ADMIN" help 2>&1 | grep -q '^ *reindex'; then
		t0=$(date +%s.%N)
		"$ADMIN" reindex bench </dev/null >&2 || { echo "bench-search: reindex failed" >&2; exit 1; }
		reindex=$("$py" -c "import sys; print('%.1f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)")
		# A reindex leaves the old index's records as free space in
		# GDBM's file, which never shrinks; omi-admin reindex says to
		# compact after it, and so does this copy, so that the disk
		# figures below are those of a site in service.
		"$ADMIN" compact >/dev/null || { echo "bench-search: compact failed" >&2; exit 1; }
	fi
	sync
	bytes=$(du -sb --apparent-size "$OMI_DATA_DIR" | cut -f1)
	dbbytes=$(stat -c %s "$OMI_DATA_DIR/omi.db")
	server_start || exit 1
	oauth_login bench "$PW" || exit 1
	auth="Authorization: Bearer $ACCESS_TOKEN"
	# One request each first: warms the page cache, and tells what the
	# first page holds.
	pages=
	for k in nohit rare common phrase; do
		http GET "/api/conversations?limit=20&q=$(urlenc "${Q[$k]}")" -H "$auth"
		pages+="$k=$(printf '%s' "$BODY" | jq -r '"\(.conversations | length)\(if .has_more then "+" else "" end)"') "
	done
	cfg=$T_TMP/cfg
	: > "$cfg"
	for _ in $(seq 1 "$nreq"); do
		printf 'url = "%s/cgi-bin/hello"\noutput = "/dev/null"\nwrite-out = "hello %%{http_code} %%{time_total}\\n"\nnext\n' "$BASE" >> "$cfg"
		for k in nohit rare common phrase; do
			printf 'url = "%s/api/conversations?limit=20&q=%s"\nheader = "%s"\noutput = "/dev/null"\nwrite-out = "%s %%{http_code} %%{time_total}\\n"\nnext\n' \
			    "$BASE" "$(urlenc "${Q[$k]}")" "$auth" "$k" >> "$cfg"
		done
	done
	sed -i '$d' "$cfg"	# the last "next"
	l0=$(load)
	curl -s -K "$cfg" > "$T_TMP/times"
	# The webhook: each delivery a new conversation of the same kind, against
	# the hello-world CGI POSTed the same body; every delivery syncs.
	: > "$cfg"
	for f in "$seed"/hooks/*.json; do
		for u in "/cgi-bin/hello hello-post" "/chatgpt/webhook/memory?uid=bench&key=$(cat "$seed/key") webhook"; do
			set -- $u
			printf 'url = "%s%s"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%s %%{http_code} %%{time_total}\\n"\nnext\n' \
			    "$BASE" "$1" "$f" "$2" >> "$cfg"
		done
	done
	sed -i '$d' "$cfg"
	sync
	curl -s -K "$cfg" >> "$T_TMP/times"
	l1=$(load)
	stats "$T_TMP/times" | sed "s/^/$n /" >> "$results"
	echo "$n info $(jq .transcript_bytes "$seed/stats.json") $bytes $dbbytes $(cat "$seed/fill-seconds") ${reindex// /_} $(jq -c .match "$seed/stats.json") $pages| $l0 | $l1" >> "$results"
	echo "Size $n: deliveries until a checkpoint (load $(load))..."
	echo "$n peak $(deliver_until_checkpoint "$seed")" >> "$results"
	for p in $T_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	T_PIDS=
	# The data directory as it was measured depends on when the journal
	# last checkpointed; compacted (omi.db and its snapshot, no journal),
	# it is the same for the same data, the figure to compare builds by.
	live=$(du -sb --apparent-size "$OMI_DATA_DIR" | cut -f1)
	"$ADMIN" compact >/dev/null || { echo "bench-search: compact failed" >&2; exit 1; }
	echo "$n compacted $(stat -c %s "$OMI_DATA_DIR/omi.db")" >> "$results"
	# Issue 21's disk ratio: the whole data directory (recovery files
	# included) against the payload, the stored conversations' JSON that
	# omi-admin check counts (an older build's check prints none: 0).
	payload=$("$ADMIN" check 2>/dev/null | sed -n 's/^payload: \([0-9]*\) bytes.*/\1/p')
	echo "$n disk ${payload:-0} $live $(du -sb --apparent-size "$OMI_DATA_DIR" | cut -f1)" >> "$results"
done
"$py" "$top/scripts/bench-search-table.py" "$results"
