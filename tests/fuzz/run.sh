#!/bin/sh
# Run each libFuzzer target for SECONDS and print a table of executions
# and crashes per target.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]
#
# Run from a build tree configured with CC=clang --enable-fuzzing, after
# `make fuzz` (FUZZ_BIN names another directory holding the binaries).
# Each target starts from its seeds tests/fuzz/corpus/TARGET and its
# dictionary tests/fuzz/TARGET.dict (yaml.dict for pipeline and rules);
# new inputs go to a scratch corpus ($FUZZ_WORK, default a temporary
# directory), crashing inputs to
# $FUZZ_WORK/crashes/ (copy them to tests/fuzz/regress/ with a test).
# A crash ends a libFuzzer run; the target is restarted until its time is
# used.  Exit status 1 when anything crashed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${FUZZ_BIN:-tests/fuzz}
case ${1:-} in
''|*[!0-9]*) echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2 ;;
esac
secs=$1
shift
[ $# -gt 0 ] || set -- pprof legacy tsv gctrace pipeline rules
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/leakatlas-fuzz.XXXXXX")}
mkdir -p "$work/crashes"
# A UBSan report must stop the run and save the input, as ASan does.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS

# Options per target: the TSV reader and the YAML loaders report bad
# data on stderr and exit (trapped, see trap.c), so their stderr is closed
# to keep the run quiet.
# Pipeline files are a few hundred bytes (the shipped ones are under 1 KB):
# its inputs stop at 8 KiB.  In 30,000 runs from one corpus that took the
# rate from 1875 to 3333 per second and reached 849 edges instead of 851
# (larger inputs mostly repeat YAML structure).
opts() {
	case $1 in
	tsv|rules) echo -close_fd_mask=2 -max_len=65536 ;;
	pipeline) echo -close_fd_mask=2 -max_len=8192 ;;
	*) echo -max_len=65536 ;;
	esac
}

status=0
printf '%-10s %10s %8s %8s\n' target execs crashes seconds
for t in "$@"; do
	exe=$bin/fuzz_$t
	if [ ! -x "$exe" ]; then
		printf '%-10s %10s %8s %8s\n' "$t" - - "not built"
		continue
	fi
	mkdir -p "$work/$t"
	case $t in
	pipeline|rules) dict=$here/yaml.dict ;;
	*) dict=$here/$t.dict ;;
	esac
	[ -f "$dict" ] && dict=-dict=$dict || dict=
	start=$(date +%s)
	execs=0
	runs=0
	while :; do
		left=$((secs - ($(date +%s) - start)))
		[ "$left" -gt 0 ] && [ "$runs" -lt 20 ] || break
		runs=$((runs + 1))
		# shellcheck disable=SC2046
		"$exe" -max_total_time="$left" -print_final_stats=1 \
		    -rss_limit_mb=1024 -malloc_limit_mb=512 -timeout=10 \
		    -artifact_prefix="$work/crashes/$t-" \
		    $dict $(opts "$t") "$work/$t" "$here/corpus/$t" \
		    >"$work/$t.log" 2>&1
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$work/$t.log" | tail -1)
		if [ -z "$n" ]; then
			n=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$work/$t.log" |
			    tail -1)
		fi
		execs=$((execs + ${n:-0}))
		grep -q '^stat::number_of_executed_units' "$work/$t.log" &&
		    ! grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error:' \
		    "$work/$t.log" && break
		cp "$work/$t.log" "$work/$t.crash$runs.log"
	done
	crashes=$(find "$work/crashes" -name "$t-*" -type f | wc -l)
	[ "$crashes" -eq 0 ] || status=1
	printf '%-10s %10s %8s %8s\n' "$t" "$execs" "$crashes" \
	    "$(($(date +%s) - start))"
done
echo "scratch corpus and crashes: $work"
exit $status
