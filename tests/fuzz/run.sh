#!/bin/bash
# tests/fuzz/run.sh: runs every libFuzzer target (tests/fuzz/fuzz_*.c, built
# by `make fuzz-build` into build-fuzz/fuzz/) for FUZZ_SECONDS (default 60)
# each, FUZZ_JOBS (default 2) at a time, from its seed corpus
# tests/fuzz/corpus/<target>/ and its dictionary tests/fuzz/<target>.dict.
#
# A target passes when it ran its time without a crash, a leak, a sanitizer
# report, a broken FUZZ_ASSERT or a hung input. New corpus entries go to a
# temporary directory (the seeds in git stay small and hand-made); a
# failing input is kept in build-fuzz/crashes/ with the command that
# replays it. Prints each target's executions and "fuzz: N passed, N
# failed", and adds the counts to $OMI_RESULTS (see tests/run.sh).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
build=${FUZZ_BUILD:-$top/build-fuzz}
crashes=$build/crashes
work=$(mktemp -d "${TMPDIR:-/tmp}/omi-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -rf "$crashes"	# the last run's failures only
mkdir -p "$crashes"
# Leak checking is what makes a target prove it frees everything.
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# Inputs longer than libFuzzer's default 4096 bytes where a limit lies
# beyond it: the 8192-byte query string cap (414).
max_len() {
	case $1 in
	fuzz_cgi|fuzz_query) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

fuzz_one() {	# fuzz_one NAME: runs one target, leaves NAME.log and NAME.rc
	local n=$1 dict=()
	[ -f "tests/fuzz/$n.dict" ] && dict=(-dict="tests/fuzz/$n.dict")
	mkdir -p "$work/$n.corpus"
	"$build/fuzz/$n" -max_total_time="$secs" -print_final_stats=1 \
	    -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$n")" \
	    -artifact_prefix="$crashes/$n-" "${dict[@]}" \
	    "$work/$n.corpus" "tests/fuzz/corpus/$n" > "$work/$n.log" 2>&1
	echo $? > "$work/$n.rc"
}

targets=()
pass=0
fail=0
for src in tests/fuzz/fuzz_*.c; do
	n=$(basename "$src" .c)
	if [ ! -x "$build/fuzz/$n" ]; then
		echo "FAIL: $n: $build/fuzz/$n missing (make fuzz-build)" >&2
		fail=$((fail + 1))
		continue
	fi
	targets+=("$n")
done

echo "fuzzing ${#targets[@]} targets for ${secs}s each, $jobs at a time"
running=0
for n in "${targets[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	fuzz_one "$n" &
	running=$((running + 1))
done
wait

for n in "${targets[@]}"; do
	log=$work/$n.log
	rc=$(cat "$work/$n.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*/\1/p' "$log" | tail -1)
	if [ "$rc" = 0 ] && grep -q '^Done [0-9]* runs' "$log"; then
		printf '%-16s %10s runs (%s/s), coverage %s edges\n' "$n" \
		    "${runs:-?}" "${rate:-?}" "${cov:-?}"
		pass=$((pass + 1))
		continue
	fi
	fail=$((fail + 1))
	echo "FAIL: $n (exit $rc) after ${runs:-?} runs:" >&2
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*broken promise|.*valid_utf8 says)' \
	    "$log" | head -5 >&2
	sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | while read -r a; do
		echo "  replay: $build/fuzz/$n $a" >&2
	done
	cp "$log" "$crashes/$n.log"
	echo "  full log: $crashes/$n.log" >&2
done

echo "fuzz: $pass passed, $fail failed"
[ -n "${OMI_RESULTS:-}" ] && echo "$pass $fail" >> "$OMI_RESULTS"
[ "$fail" -eq 0 ]
