#!/bin/sh
# For every scenario of the generated corpus, run the whole pipeline
# (pprof2tsv | normalize-gc | cluster | rank | report -f html) and print a
# table: the first suspect the HTML report names, whether it is the true
# leak function and line, and the leak pattern recognised against the one
# the scenario was written to show.  no-leak-control must say that no leak
# was found.
#
# Usage: tests/bench/report-patterns.sh [BUILD_DIR]
# The corpus is $LEAKATLAS_CORPUS/gen (default /work/shared/corpus/gen);
# the programs are taken from BUILD_DIR (default: the current folder),
# else from PATH.  Reports are left in $OUT (default a temporary folder).
set -u
build=${1:-.}
corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}/gen
[ -d "$corpus/out" ] || { echo "no corpus at $corpus: skipped"; exit 0; }
PATH=$(cd "$build" && pwd):$PATH
export PATH
: "${LEAKATLAS_DATADIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
export LEAKATLAS_DATADIR
for p in pprof2tsv rank report; do
	command -v $p >/dev/null || { echo "no $p: skipped"; exit 0; }
done
OUT=${OUT:-$(mktemp -d)}

# The pattern each scenario was written to show (rule names of rules.yaml).
expect() {
	case $1 in
	goroutine-chan)		echo goroutine-channel ;;
	syncmap-growth)		echo sync-map ;;
	ticker-leak)		echo ticker-timer ;;
	closure-callback)	echo closure-capture ;;
	finalizer-cycle)	echo finalizer-cycle ;;
	metric-registry)	echo metric-registry ;;
	two-leaks)		echo map-growth ;;
	slow-leak-noisy)	echo append-only-slice ;;
	no-leak-control)	echo no-leak ;;
	*)			echo - ;;
	esac
}

stage() {
	if command -v "$1" >/dev/null; then "$@"; else cat; fi
}

pass=0 fail=0
printf '%-17s %-34s %-5s %-18s %-18s %s\n' scenario "first suspect" line \
    expected pattern ok
for dir in "$corpus"/out/*/; do
	s=$(basename "$dir")
	[ -f "$dir/TRUTH.tsv" ] || continue
	ls "$dir"/heap-*.pb.gz >/dev/null 2>&1 || continue
	want_fn=$(awk -F'\t' 'NR == 2 { print $3 }' "$dir/TRUTH.tsv")
	want_line=$(awk -F'\t' 'NR == 2 { print $4 }' "$dir/TRUTH.tsv")
	rows=$OUT/$s.rows.tsv
	pprof2tsv "$dir"/heap-*.pb.gz | stage normalize-gc | stage cluster \
	    >"$rows" 2>"$OUT/$s.err"
	rank "$rows" 2>>"$OUT/$s.err" | report -f html --top 5 \
	    --samples "$rows" --source-root "$corpus/src" \
	    -t "$s" >"$OUT/$s.html" 2>>"$OUT/$s.err"
	# First table row: rank, verdict, score, site function, ... pattern.
	row=$(grep -m1 '^<tr><td><a href="#s1">' "$OUT/$s.html")
	fn=$(printf '%s\n' "$row" | sed -n 's|.*<td><code>\([^<]*\)</code></td>.*|\1|p' |
	    sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&#39;/'"'"'/g')
	pat=$(printf '%s\n' "$row" | sed -n 's|.*<td>\([^<]*\)</td></tr>$|\1|p')
	site=$(grep -m1 '<dt>Site</dt>' "$OUT/$s.html" |
	    sed -n 's|.*<code>\([^<]*\)</code>.*|\1|p')
	want=$(expect "$s")
	if [ "$want" = no-leak ]; then
		grep -q 'No leak found' "$OUT/$s.html" && pat=no-leak
		fn_ok=yes
		line_ok=-
	else
		[ "$fn" = "$want_fn" ] && fn_ok=yes || fn_ok=no
		[ "$site" = "$want_line" ] && line_ok=yes || line_ok=no
	fi
	if [ "$pat" = "$want" ] || [ "$want" = - ]; then pat_ok=yes; else pat_ok=no; fi
	if [ "$pat_ok" = yes ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	printf '%-17s %-34.34s %-5s %-18s %-18s %s\n' "$s" "${fn:--}" \
	    "$line_ok" "$want" "${pat:--}" "pattern $pat_ok, first $fn_ok"
done
echo "reports in $OUT"
echo "patterns: $pass passed, $fail failed"
