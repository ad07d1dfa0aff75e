#!/bin/bash
# tests/run.sh: the whole suite, as `make test` runs it.
#   1. unit tests (normal and ASan+UBSan builds)
#   2. CGI-level tests: the binaries run directly with a CGI environment
#      (normal and sanitizer builds)
#   3. end-to-end tests through real web servers ($OMI_SERVERS: lighttpd,
#      Apache with mod_cgid, Apache with mod_cgi, the `make dist` tarball under
#      Apache with .htaccess only, lighttpd with FastCGI, Apache with
#      mod_fcgid), and the browser tests (the consent page; the official MCP
#      SDK's client under lighttpd, Apache and FastCGI)
#   4. reliability: load, faults (SIGKILL, full disk, read-only, lock file,
#      slow clients) and hostile input, under lighttpd and Apache, CGI and
#      FastCGI
#   5. valgrind: CGI-level tests, hostile input and unit tests under memcheck
# (Fuzzing is `make fuzz`, which CI runs after this suite.)
# Prints one "N passed, N failed" line at the end; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/deps.sh" --test || exit 1
export OMI_RESULTS=$(mktemp "${TMPDIR:-/tmp}/omi-results.XXXXXX")
# The Python interpreter, found once for every script (see tests/lib.sh):
# behind pyenv's shim each start would first run pyenv's scripts.
if [ -z "${OMI_PYTHON:-}" ]; then
	OMI_PYTHON=$(command -v python3)
	case $OMI_PYTHON in
	*/shims/python3) OMI_PYTHON=$(pyenv which python3 2>/dev/null) || OMI_PYTHON=python3 ;;
	esac
	export OMI_PYTHON
fi
lanes=$(mktemp -d "${TMPDIR:-/tmp}/omi-lanes.XXXXXX")
servers=${OMI_SERVERS:-lighttpd apache-cgid apache-cgi apache-dist lighttpd-fastcgi apache-fcgid}
# The shared-hosting tarball, for the apache-dist runs (make test builds it).
if [ -z "${OMI_DIST_TARBALL:-}" ]; then
	OMI_DIST_TARBALL=$(ls -t "$top"/omi-bridge-*.tar.gz 2>/dev/null | head -1)
fi
export OMI_DIST_TARBALL
status=0
only=${1:-}

run() {	# run LABEL COMMAND...: a runner that failed without reporting counts fails once
	local before after start
	before=$(wc -l < "$OMI_RESULTS")
	start=$SECONDS
	"$@" || status=1
	# After the runner's own result line, so that the slow ones show.
	echo "  ($((SECONDS - start)) s: $*)"
	after=$(wc -l < "$OMI_RESULTS")
	if [ "$before" = "$after" ]; then
		echo "0 1" >> "$OMI_RESULTS"
		echo "FAIL: $* reported no results" >&2
	fi
}

unit() {	# unit BINARY: records the counts a unit test binary prints
	local out line
	out=$("$1" 2>&1); rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
	[ -n "$line" ] && printf '%s\n' "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' >> "$OMI_RESULTS"
	return $rc
}

if [ -z "$only" ] || [ "$only" = unit ]; then
	# The binaries of today's sources only: one left behind in build/ by a
	# renamed test would count its checks twice.
	for b in build build-asan; do
		for s in tests/unit/test_*.c; do
			t=$b/tests/$(basename "$s" .c)
			[ -x "$t" ] && run unit "$t"
		done
	done
fi
# lane NAME COMMAND...: runs a group in the background with its own results
# file and log; lanes_end prints each lane's log whole, in the order they
# were started, and adds up its results. Groups share a lane when one would
# upset the other's timing; each of the 2 CPUs is otherwise idle while a
# sequential group waits on a process start-up or fdatasync.
lane_names=""
lane_pids=""
lane() {
	local name=$1
	shift
	lane_names="$lane_names $name"
	( OMI_RESULTS=$lanes/$name.results; : > "$OMI_RESULTS"
	  status=0
	  "$@" > "$lanes/$name.log" 2>&1
	  echo $? > "$lanes/$name.rc" ) &
	lane_pids="$lane_pids $!"
}
lane_print() {	# lane_print NAME: a lane that has ended, its log and results
	cat "$lanes/$1.log"
	cat "$lanes/$1.results" >> "$OMI_RESULTS"
	[ "$(cat "$lanes/$1.rc" 2>/dev/null)" = 0 ] || status=1
}
lanes_end() {	# waits for the lanes started since the last lanes_end
	local n
	[ -n "$lane_pids" ] && wait $lane_pids
	for n in $lane_names; do
		lane_print "$n"
	done
	lane_names=""
	lane_pids=""
}

cgi_group() {	# cgi_group CGIBIN ADMIN: every CGI-level script with one build
	local t
	for t in tests/cgi/*.sh; do
		[ -f "$t" ] || continue
		OMI_CGIBIN=$1 OMI_ADMIN=$2 run bash "$t"
	done
	return $status
}
valgrind_group() {
	run bash tests/valgrind.sh
	return $status
}

# In the whole suite the valgrind group (all CPU, no server, nothing timed,
# two tests at a time) starts after the unit tests (some of which time lock
# waits) and runs beside the build, CGI-level and end-to-end groups, which
# mostly wait on process starts and fdatasync; it is printed after the
# servers, and the browser and reliability tests, which time things or load
# the machine, start after it has ended.
vg_pid=""
if [ -z "$only" ]; then
	( OMI_RESULTS=$lanes/valgrind.results; : > "$OMI_RESULTS"
	  status=0
	  valgrind_group > "$lanes/valgrind.log" 2>&1
	  echo $? > "$lanes/valgrind.rc" ) &
	vg_pid=$!
fi

if [ -z "$only" ] || [ "$only" = build ]; then
	for t in tests/build/*.sh; do
		OMI_SERVER=build run bash "$t"
	done
fi

if [ -z "$only" ] || [ "$only" = cgi ]; then
	# The normal and the sanitizer build side by side: each runs one
	# process at a time.
	lane cgi cgi_group "$top/cgi-bin" "${OMI_ADMIN:-$top/omi-admin}"
	lane cgi-asan cgi_group "$top/build-asan/cgi-bin" "$top/build-asan/omi-admin"
	lanes_end
fi
# e2e_server SERVER: every end-to-end script under one server, with its
# own results file (see below).
e2e_server() {
	local t
	if [ "$1" = apache-dist ] && [ -z "$OMI_DIST_TARBALL" ]; then
		echo "FAIL: no dist tarball for apache-dist (make dist)" >&2
		echo "0 1" >> "$OMI_RESULTS"
		return 1
	fi
	for t in tests/e2e/*.sh; do
		[ -f "$t" ] || continue
		OMI_SERVER=$1 run bash "$t"
	done
	return $status
}

if [ -z "$only" ] || [ "$only" = e2e ]; then
	# The servers run OMI_TEST_JOBS (default 2) at a time: each starts its
	# own web server on a free port with its own data directory, and most
	# of a script's time is spent waiting on fdatasync and process start-up,
	# not on a CPU. Each server's output is printed whole when it ends.
	e2e_dir=$(mktemp -d "${TMPDIR:-/tmp}/omi-e2e.XXXXXX")
	e2e_pids=""
	started=0
	for s in $servers; do
		while [ $((started - $(ls "$e2e_dir" | grep -c '\.rc$'))) -ge "${OMI_TEST_JOBS:-2}" ]; do
			wait -n
		done
		( OMI_RESULTS=$e2e_dir/$s.results; : > "$OMI_RESULTS"
		  e2e_server "$s" > "$e2e_dir/$s.log" 2>&1
		  echo $? > "$e2e_dir/$s.rc" ) &
		e2e_pids="$e2e_pids $!"
		started=$((started + 1))
	done
	wait $e2e_pids
	for s in $servers; do
		cat "$e2e_dir/$s.log"
		cat "$e2e_dir/$s.results" >> "$OMI_RESULTS"
		[ "$(cat "$e2e_dir/$s.rc" 2>/dev/null)" = 0 ] || status=1
	done
	rm -rf "$e2e_dir"
	if [ -n "$vg_pid" ]; then
		wait "$vg_pid"
		lane_print valgrind
		vg_pid=""
	fi
	# A browser test runs under the servers its "// servers:" line names
	# (the MCP SDK test: lighttpd, the dist tarball under /omi in Apache
	# and lighttpd with FastCGI), or under lighttpd; one browser launch per run.
	for t in tests/browser/*.test.mjs; do
		[ -f "$t" ] || continue
		for s in $(sed -n 's|^// servers: ||p' "$t" | head -1 | grep . || echo lighttpd); do
			OMI_SERVER=$s run bash tests/browser/run.sh "$t"
		done
	done
fi

reliability_group() {	# reliability_group SERVER...: every reliability script, each server in turn
	local t s
	for s in "$@"; do
		for t in tests/reliability/*.sh; do
			OMI_SERVER=$s run bash "$t"
		done
	done
	return $status
}
if [ -z "$only" ] || [ "$only" = reliability ]; then
	# Load, faults, full disk and hostile input, under lighttpd and Apache
	# (mod_cgid), then under their FastCGI modes (where a process serves
	# many requests and a reader keeps its database between them): two
	# lanes side by side, lighttpd's and Apache's. Each server has its own
	# data directory and file system, no check of theirs is timed beyond
	# the lock's 5 s, and the load script's 100 writers mostly wait on
	# process starts and fdatasync. A lane is "SERVER+SERVER...".
	for l in ${OMI_RELIABILITY_SERVERS:-lighttpd+lighttpd-fastcgi apache-cgid+apache-fcgid}; do
		lane "reliability-${l%%+*}" reliability_group ${l//+/ }
	done
	lanes_end
fi

if [ "$only" = valgrind ]; then
	# The CGI-level tests, the hostile-input table and the unit tests under
	# valgrind memcheck (dynamic build in build-vg/): zero errors, zero leaks.
	# In the whole suite this runs alongside the e2e servers (above).
	run bash tests/valgrind.sh
fi
lanes_end
rm -rf "$lanes"

read -r pass fail < <(awk '{p+=$1; f+=$2} END {print p+0, f+0}' "$OMI_RESULTS")
rm -f "$OMI_RESULTS"
[ "$fail" -eq 0 ] || status=1
echo
echo "$pass passed, $fail failed"
exit $status
