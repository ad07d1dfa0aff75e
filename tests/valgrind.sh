#!/bin/bash
# tests/valgrind.sh: tests with every program they start (the CGI programs
# and omi-admin) running under valgrind's memcheck, then the unit tests
# under valgrind too: zero errors and zero definite or indirect leaks, or
# the run fails. By default the tests are the CGI-level ones
# (tests/cgi/*.sh, the binaries run directly) and the hostile-input table
# (tests/reliability/hostile.sh, through lighttpd): the error paths are
# where a leak hides. Any other test can be named instead, e.g. an e2e one
# (slow: about 80 s for tests/e2e/webhook.sh).
#   tests/valgrind.sh [TEST.sh ...]	(naming tests skips the unit tests)
# The tests run OMI_VG_JOBS (default 2) at a time, each printing its time.
#
# It needs the dynamically linked build of `make valgrind-build` (build-vg/;
# valgrind cannot follow the allocations of a static binary). OMI_CGIBIN,
# OMI_TEST_CGIBIN and OMI_ADMIN point at wrapper scripts that run the real
# binary under valgrind with a log file per process. The tests check
# statuses and bodies as usual; then every log is one more check here: an
# empty log is a clean run, anything in it is a failure and is printed.
# Prints "valgrind: N passed, N failed" (the tests' own checks plus one per
# program run) and adds the counts to $OMI_RESULTS (see tests/run.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
vgbuild=${OMI_VG_BUILD:-$top/build-vg}
outer=${OMI_RESULTS:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/omi-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT

report() {	# report PASS FAIL: the one result line, here and for run.sh
	echo "valgrind: $1 passed, $2 failed"
	[ -n "$outer" ] && echo "$1 $2" >> "$outer"
	[ "$2" -eq 0 ]
}

vg=$(command -v valgrind) || {
	echo "FAIL: valgrind is not installed (scripts/deps.sh --test)" >&2
	report 0 1; exit
}
if [ ! -x "$vgbuild/cgi-bin/webhook" ] || [ ! -x "$vgbuild/omi-admin" ]; then
	echo "FAIL: no valgrind build in $vgbuild (make valgrind-build)" >&2
	report 0 1; exit
fi

# --vgdb=no: no gdbserver pipes in /tmp, which omi-admin run as root could
# not remove after it became the data directory's owner.
vgopts=(-q --vgdb=no --error-exitcode=99 --leak-check=full
    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
    --suppressions="$top/tests/valgrind.supp")

# wrap PROGRAM WRAPPER: a script that runs PROGRAM under valgrind. It says
# so on stderr when valgrind found something, and keeps valgrind's exit
# status 99; the test then fails on the status or the log, whichever first.
wrap() {
	local name
	name=$(basename "$1")
	cat > "$2" <<EOF
#!/bin/sh
"$vg" $(printf '%q ' "${vgopts[@]}")--log-file="$work/logs/$name.%p.log" "$1" "\$@"
rc=\$?
[ \$rc = 99 ] && echo "VALGRIND: errors in $name (tests/valgrind.sh prints them at the end)" >&2
exit \$rc
EOF
	chmod 755 "$2"
}

mkdir -p "$work/cgi-bin" "$work/logs"
# A server running CGI programs as another user (Apache as root runs them as
# www-data) must reach the wrappers and write the logs.
chmod 755 "$work"
chmod 1777 "$work/logs"
for p in "$vgbuild"/cgi-bin/*; do
	[ -x "$p" ] && wrap "$p" "$work/cgi-bin/$(basename "$p")"
done
wrap "$vgbuild/omi-admin" "$work/omi-admin"

export OMI_RESULTS=$work/results
: > "$OMI_RESULTS"
items=("$@")
if [ ${#items[@]} -eq 0 ]; then
	# The slowest first, so that the workers end together: the CGI-level
	# scripts (a program start under memcheck costs about 0.6 s), then
	# the hostile table, then the unit tests, each one item.
	items=(tests/cgi/*.sh tests/reliability/hostile.sh)
	nunits=0
	# Today's sources only: a binary left behind by a renamed test is not run.
	for s in tests/unit/test_*.c; do
		u=$vgbuild/tests/$(basename "$s" .c)
		[ -x "$u" ] && { items+=("$u"); nunits=$((nunits + 1)); }
	done
	[ "$nunits" -gt 0 ] || echo "FAIL: no unit tests in $vgbuild/tests" >&2
	[ "$nunits" -gt 0 ] || echo "0 1" >> "$OMI_RESULTS"
fi

# run_item I: item I with its own results file and output, so that the
# workers below can run items side by side.
run_item() {
	local t=${items[$1]} out=$work/out.$1 res=$work/res.$1 start=$SECONDS
	local name server rc line
	: > "$res"
	case $t in
	*.sh)
		case $t in
		tests/cgi/*) server=valgrind ;;	# only a label: no server runs
		*) server=${OMI_VG_SERVER:-lighttpd} ;;
		esac
		OMI_RESULTS=$res OMI_CGIBIN=$work/cgi-bin \
		    OMI_TEST_CGIBIN=$work/cgi-bin OMI_ADMIN=$work/omi-admin \
		    OMI_SERVER=$server bash "$t" > "$out" 2>&1
		# A test that died without reporting counts as one failure.
		[ -s "$res" ] || echo "0 1" >> "$res"
		;;
	*)
		# The unit tests' own "N passed, N failed" line counts as
		# for tests/run.sh. test_search_prop's default size (thousands
		# of conversations, hundreds of full scans) would take many
		# minutes under memcheck; a small store still runs every code
		# path of the index and the scan.
		name=$(basename "$t")
		OMI_PROP_CONVS=300 OMI_PROP_QUERIES=40 "$vg" "${vgopts[@]}" \
		    --log-file="$work/logs/$name.%p.log" "$t" > "$out" 2>&1
		rc=$?
		line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
		if [ -n "$line" ]; then
			printf '%s\n' "$line" | sed -E \
			    's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' >> "$res"
		else
			echo "0 1" >> "$res"
		fi
		[ "$rc" = 0 ] || [ "$rc" = 99 ] ||
		    echo "FAIL: $name exited $rc" >> "$out"
		;;
	esac
	echo "  ($((SECONDS - start)) s: valgrind $t)" >> "$out"
}

# OMI_VG_JOBS workers (default 2, one per CPU of the machines this runs
# on: memcheck is all CPU) take the next item from a shared counter until
# none is left; the outputs are printed in the items' order.
worker() {
	local i
	while :; do
		i=$(flock "$work/next" sh -c 'i=$(cat "$1"); echo $((i + 1)) > "$1"; echo "$i"' \
		    sh "$work/next")
		[ "$i" -lt ${#items[@]} ] || return 0
		run_item "$i"
	done
}
echo 0 > "$work/next"
for j in $(seq 1 "${OMI_VG_JOBS:-2}"); do
	worker &
done
wait
for i in "${!items[@]}"; do
	cat "$work/out.$i" 2>/dev/null
	cat "$work/res.$i" >> "$OMI_RESULTS" 2>/dev/null || echo "0 1" >> "$OMI_RESULTS"
done

runs=0
dirty=0
for log in "$work"/logs/*.log; do
	[ -e "$log" ] || continue
	runs=$((runs + 1))
	[ -s "$log" ] || continue
	dirty=$((dirty + 1))
	echo "FAIL: valgrind found errors in $(basename "$log" .log):" >&2
	sed 's/^/  /' "$log" >&2
done
echo "valgrind: $runs program runs, $((runs - dirty)) clean"
[ "$runs" -gt 0 ] || { echo "FAIL: no program ran under valgrind" >&2; dirty=1; }
echo "$((runs - dirty)) $dirty" >> "$OMI_RESULTS"

read -r pass fail < <(awk '{p+=$1; f+=$2} END {print p+0, f+0}' "$OMI_RESULTS")
report "$pass" "$fail"
