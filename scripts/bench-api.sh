#!/bin/bash
# bench-api.sh [SIZES...]: a benchmark, not a test. For each size (default
# 100 10000 100000 conversations over 1,000 users) it fills a fresh data
# directory through `omi-admin import`, serves it with lighttpd from the
# project's configuration (CGI, and FastCGI unless BENCH_FASTCGI=0), signs
# in through the real OAuth flow (oauth_login), and prints the p50/p99
# latency of a page listing, a detail fetch and searches, measured with wrk
# (one connection, BENCH_SECONDS each).
#
# User u0000, the one measured, holds BENCH_SHARE (default 10%) of all
# conversations: 10, 1,000 and 10,000. So the figures show both growths:
# other users' data (which must not matter) and the user's own (a page
# listing must not read all of it; a search may, within its budget).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
sizes=${*:-100 10000 100000}
SECONDS_EACH=${BENCH_SECONDS:-8}
SHARE=${BENCH_SHARE:-0.1}
USERS=${BENCH_USERS:-1000}
command -v wrk >/dev/null || { echo "bench-api: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$top/cgi-bin/conversations" ] || { echo "bench-api: run make first" >&2; exit 1; }

# The test helpers: server_start, oauth_login, http, T_TMP (removed at exit).
export OMI_RESULTS=
. "$top/tests/lib.sh"
ADMIN=$top/omi-admin

cat > "$T_TMP/bench.lua" <<'LUA'
-- Rotates through the request paths in $PATHS_FILE with the bearer token.
local paths, token = {}, os.getenv("TOKEN")
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local i = 0
request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer " .. token })
end
done = function(summary, latency, requests)
	io.write(string.format("RESULT %.2f %.2f %d %d\n", latency:percentile(50) / 1000,
	    latency:percentile(99) / 1000, summary.requests,
	    summary.errors.status + summary.errors.connect + summary.errors.read +
	    summary.errors.timeout))
end
LUA

# measure NAME PATHFILE: prints "p50 p99 requests" for one endpoint.
measure() {
	local name=$1 out
	out=$(PATHS_FILE=$2 TOKEN=$ACCESS_TOKEN wrk -t1 -c1 -d"${SECONDS_EACH}s" \
	    -s "$T_TMP/bench.lua" "$BASE" 2>&1 | sed -n 's/^RESULT //p')
	set -- $out
	[ "${4:-1}" = 0 ] || echo "bench-api: $name: ${4:-?} errors" >&2
	printf '%9s %9s %7s' "$1" "$2" "$3"
}

printf '%-8s %-8s %-7s | %-29s | %-29s | %-29s | %-29s\n' "total" "mode" "user" \
    "list page: p50 p99 ms (n)" "detail: p50 p99 ms (n)" \
    "search hit: p50 p99 ms (n)" "search miss: p50 p99 ms (n)"
for n in $sizes; do
	export OMI_DATA_DIR=$T_TMP/data-$n
	rm -rf "$OMI_DATA_DIR"
	site_init "$OMI_DATA_DIR"
	user_add u0000 'bench password' >/dev/null || { echo "user add failed" >&2; exit 1; }
	start=$(date +%s.%N)
	python3 "$top/scripts/bench-gen.py" "$ADMIN" "$n" "$USERS" "$SHARE" > "$T_TMP/ids" ||
	    { echo "bench-api: fill failed" >&2; exit 1; }
	fill=$(python3 -c "import sys; print('%.1f' % ($(date +%s.%N) - $start))")
	mine=$(wc -l < "$T_TMP/ids")
	echo "# $n conversations ($mine for the measured user) stored in ${fill}s;" \
	    "data file $(du -sh "$OMI_DATA_DIR" | cut -f1)" >&2
	for mode in cgi fastcgi; do
		[ "$mode" = fastcgi ] && [ "${BENCH_FASTCGI:-1}" = 0 ] && continue
		if [ "$mode" = fastcgi ]; then OMI_SERVER=lighttpd-fastcgi; else OMI_SERVER=lighttpd; fi
		server_start || exit 1
		oauth_login u0000 'bench password' || { echo "bench-api: sign-in failed" >&2; exit 1; }
		# Pages: the first, and pages deep in the list by offset.
		: > "$T_TMP/list"
		for o in 0 20 40 $((mine / 2)) $((mine > 20 ? mine - 20 : 0)); do
			echo "/api/conversations?limit=20&offset=$o" >> "$T_TMP/list"
		done
		shuf -n 200 -r --random-source=<(yes) "$T_TMP/ids" | sed 's|^|/api/conversations/|' > "$T_TMP/detail"
		echo "/api/conversations?q=zeppelin&limit=20" > "$T_TMP/hit"
		echo "/api/conversations?q=xylophone&limit=20" > "$T_TMP/miss"
		printf '%-8s %-8s %-7s |' "$n" "$mode" "$mine"
		measure list "$T_TMP/list"; printf ' |'
		measure detail "$T_TMP/detail"; printf ' |'
		measure hit "$T_TMP/hit"; printf ' |'
		measure miss "$T_TMP/miss"; echo
		# Stop this server before the next one.
		for p in $T_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
		T_PIDS=""
	done
done
