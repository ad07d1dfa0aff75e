#!/bin/bash
# make bench: requests/s and p50/p99 latency of every endpoint at concurrency
# 1 and 16, under lighttpd (CGI), Apache mod_cgid (CGI), lighttpd with
# FastCGI and Apache with mod_fcgid: CGI set-ups against a hello-world CGI
# under the same server in the same run, FastCGI ones against the original
# Python plugin's published figures.
# Prints figures; asserts nothing.
#   BENCH_SECONDS (5) per run, BENCH_SERVERS to pick servers, BENCH_ONLY to
#   pick endpoints (e.g. "hello webhook"), BENCH_SEED=DIR to fill DIR once and
#   reuse it in later runs, BENCH_CGIBIN=DIR to measure the programs in DIR.
# Then the search benchmark, scripts/bench-search.sh (BENCH_SEARCH=0 skips
# it; BENCH_SEARCH_SIZES, BENCH_SEARCH_SEED: see there).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || {
	if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else
		echo "wrk is missing: sudo apt-get install wrk" >&2; exit 1; fi
}
servers=${BENCH_SERVERS:-lighttpd apache-cgid lighttpd-fastcgi apache-fcgid}
work=$(mktemp -d "${TMPDIR:-/tmp}/omi-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'), ${BENCH_SECONDS:-5} s per run, threads = connections"
echo "Filling: 1,000 users; 'small' with 100 conversations, 'big' with 10,000 (~3 KB each)..."
seed=${BENCH_SEED:-$work/seed}
[ -f "$seed/small.key" ] || "$top/scripts/bench-fill.sh" "$seed" >/dev/null
results=$work/results
: > "$results"
for s in $servers; do
	echo "Running $s..."
	"$top/scripts/bench-one.sh" "$s" "$seed" "$results" || echo "  ($s failed)"
done
python3 "$top/scripts/bench-table.py" "$results"
if [ -f "$results.notes" ]; then cat "$results.notes"; fi
if [ "${BENCH_SEARCH:-1}" != 0 ]; then
	echo
	echo "Search (scripts/bench-search.sh)..."
	"$top/scripts/bench-search.sh" || echo "  (search benchmark failed)"
fi
