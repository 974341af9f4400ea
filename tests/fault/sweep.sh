#!/bin/sh
# Fault sweep: run each case once per call that can fail, with the
# faultinject.so shim making exactly that call fail, and check that every
# run either succeeds with the fault-free output or exits 1 with a message
# ("prog: ...") and leaves no output file; never a crash (status >= 128),
# never another status, never a wrong success.
#
# The calls are swept family by family (read, write, open, malloc,
# realloc, calloc): every call of every family fails once, except that a
# case making more than $WRITE_ALL write calls (report's html does ~4000
# small writes into one stdio stream, all alike) has its first and last
# $WRITE_ENDS and an even spread of the ones between failed, $WRITE_ALL in
# all; FAULT_WRITE_ALL=1 sweeps every one.
#
#   tests/fault/sweep.sh [TOOL...]     (default: every tool built)
#
# Needs top_srcdir and top_builddir (make check-fault sets them) and the
# shim at $top_builddir/tests/fault/faultinject.so.  Skipped (exit 77)
# under AddressSanitizer, whose malloc the shim cannot replace.  Each case
# is run twice per N: writing to stdout, and with -o FILE.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
top_builddir=$(cd "$top_builddir" && pwd)
so=$top_builddir/tests/fault/faultinject.so
data=$top_srcdir/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/leakatlas-fault.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TZ=UTC
# The runner finds its stages on PATH; report finds its rules here.
PATH=$top_builddir:$PATH
LEAKATLAS_DATADIR=$top_srcdir
export PATH LEAKATLAS_DATADIR
# Messages may come from any of our programs (the runner's stages).
progs='pprof2tsv|normalize-gc|cluster|rank|report|leakatlas|tsvcat'

if [ ! -f "$so" ]; then
	echo "sweep: $so not built" >&2
	exit 1
fi

WRITE_ALL=400
WRITE_ENDS=100
families='read write open malloc realloc calloc'

# The cases: [!]TOOL ARGS..., TOOL relative to top_builddir, run in
# tests/data; stdin is /dev/null unless an argument is '<FILE', fed on
# stdin.  A leading ! runs the case writing to stdout only (no -o).
# Loading the default rules (~1500 calls) is swept once, in the first
# report case; the others load a small rules file.
cases() {
	cat <<'CASES'
pprof2tsv goroutine-chan/goroutine-0001.pb.gz
pprof2tsv --lines two-leaks/heap-0001.pb.gz two-leaks/heap-0007.pb.gz
pprof2tsv --folded two-leaks/heap-0004.pb.gz
pprof2tsv <goroutine-chan/goroutine-0010.pb.gz
pprof2tsv --focus main --ignore ^runtime\. --tagfocus bytes=. proto/packed.pb
tests/tools/tsvcat two-leaks/TRUTH.tsv goroutine-chan/TRUTH.tsv
normalize-gc normalize-gc/restart.tsv
normalize-gc --model step-exp normalize-gc/rows.tsv
normalize-gc --gctrace normalize-gc/trace.gctrace --start 2026-11-26T03:30:00Z --keep-repeats normalize-gc/rows.tsv
normalize-gc --memstats normalize-gc/memstats.tsv <normalize-gc/rows.tsv
rank rank/small.tsv
rank --drift rank/gclag.tsv
rank rank/cluster.tsv
cluster cluster/heap.tsv
cluster -S -v goroutine cluster/goroutine.tsv
report report/suspects.tsv
report --rules-only report/extra-rules.yaml -f html --samples report/samples.tsv report/suspects.tsv
report --rules-only report/extra-rules.yaml -f markdown -n 2 --source-root report/src --escape report/escape.txt --drift report/drift.tsv --memstats report/memstats.tsv report/suspects.tsv
report --rules-only report/extra-rules.yaml -n 1 --source-root report/src-short report/suspects.tsv
report -f html --before report/suspects.tsv --before report/memstats.tsv --after report/suspects.tsv --after report/memstats.tsv
!leakatlas run ../fault/run.yaml
tests/tools/tsvcat <../golden/pprof2tsv/goroutine.out
CASES
}

failures=0
runs=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run FAMILY N MODE TOOL ARGS: status in $st, stdout in $tmp/out, stderr
# in $tmp/err, -o output in $tmp/o/out.tsv.
run() {
	fam=$1 n=$2 mode=$3
	shift 3
	rm -rf "$tmp/o"
	mkdir "$tmp/o"
	in=/dev/null
	set -- "$@" END
	while [ "$1" != END ]; do
		case $1 in
		'<'*) in=${1#<} ;;
		*) set -- "$@" "$1" ;;
		esac
		shift
	done
	shift
	[ "$mode" = file ] && set -- "$@" -o "$tmp/o/out.tsv"
	st=0
	rm -f "$tmp/count"
	(cd "$data" && FAULT_CALLS=$fam FAULT_AT=$n FAULT_REPORT=$tmp/count \
	    LD_PRELOAD=$so \
	    "$top_builddir/$@" <"$in" >"$tmp/out" 2>"$tmp/err") || st=$?
	runs=$((runs + 1))
}

check() {
	tool=$1 n=$2 mode=$3 what="$4 (FAULT_CALLS=$fam FAULT_AT=$2, $3)"
	if [ "$st" -eq 0 ]; then
		got=$tmp/out
		[ "$mode" = file ] && got=$tmp/o/out.tsv
		cmp -s "$got" "$tmp/good" ||
		    fail "$what: exit 0 with wrong output"
	elif [ "$st" -eq 1 ]; then
		if [ ! -s "$tmp/err" ]; then
			fail "$what: exit 1 without a message"
		elif grep -Ev "^($progs): " "$tmp/err" >/dev/null; then
			fail "$what: message not 'prog: ...': $(head -1 "$tmp/err")"
		fi
		if [ "$mode" = file ] && [ -n "$(ls -A "$tmp/o")" ]; then
			fail "$what: exit 1 left $(ls -A "$tmp/o")"
		fi
	else
		fail "$what: exit status $st: $(head -1 "$tmp/err")"
	fi
}

# The values of N to sweep for a family making $1 calls: all of them and
# one more (no fault), or for many writes the ends and a spread.
points() {
	if [ "$fam" != write ] || [ "$1" -le "$WRITE_ALL" ] ||
	    [ -n "${FAULT_WRITE_ALL:-}" ]; then
		seq 1 $(($1 + 1))
		return
	fi
	awk -v n="$1" -v all="$WRITE_ALL" -v ends="$WRITE_ENDS" 'BEGIN {
		mid = all - 2 * ends
		for (i = 1; i <= ends; i++) print i
		for (i = 1; i <= mid; i++)
			print ends + int(i * (n - 2 * ends) / (mid + 1))
		for (i = n - ends + 1; i <= n + 1; i++) print i
	}'
}

tools=${*:-}
cases | { while IFS= read -r line; do
	modes="stdout file"
	case $line in '!'*) line=${line#!}; modes=stdout ;; esac
	# shellcheck disable=SC2086
	set -- $line
	tool=${1##*/}
	case " ${tools:-$tool} " in *" $tool "*) ;; *) continue ;; esac
	exe=$top_builddir/$1
	if [ ! -x "$exe" ]; then
		echo "skip: $tool not built"
		continue
	fi
	if grep -q __asan_init "$exe"; then
		echo "skip: $tool is built with AddressSanitizer"
		exit 77
	fi
	fam=all
	run all 0 stdout "$@"
	if [ "$st" -ne 0 ]; then
		fail "$line: fails without a fault: $(head -1 "$tmp/err")"
		continue
	fi
	cp "$tmp/out" "$tmp/good"
	sum=0
	for mode in $modes; do
		for fam in $families; do
			run "$fam" 0 "$mode" "$@"
			check "$tool" 0 "$mode" "$line"
			total=$(sort -n "$tmp/count" | tail -n 1)
			for n in $(points "$total"); do
				run "$fam" "$n" "$mode" "$@"
				check "$tool" "$n" "$mode" "$line"
				sum=$((sum + 1))
			done
		done
	done
	echo "$line: $sum runs with a fault, $failures failed so far"
done
echo "sweep: $runs runs, $failures failed"
[ "$failures" -eq 0 ]; }
