#!/bin/sh
# How well normalize-gc tags snapshots with their GC cycle, against the
# num_gc of each corpus scenario's snapshots.tsv (ground truth):
#   exact       snapshots whose gc equals num_gc
#   within1     ... off by at most one cycle
#   repeats     consecutive snapshots with equal num_gc, those normalize-gc
#               marked, and those both agree on
# once with the gctrace log (aligned without an anchor), once without it
# (the equal-totals rule).  Run from the build tree:
#   sh tests/bench/normalize-gc-align.sh
set -eu
corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}/gen/out
bin=${top_builddir:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')
for d in "$corpus"/*/; do
	s=$(basename "$d")
	[ -f "$d/snapshots.tsv" ] && [ -f "$d/gctrace.log" ] || continue
	"$bin/pprof2tsv" "$d"heap-*.pb.gz >"$tmp/rows"
	awk -F'\t' 'NR > 1 { print $2 "\t" $8 }' "$d/snapshots.tsv" |
	    sort >"$tmp/truth"
	for mode in gctrace totals; do
		if [ $mode = gctrace ]; then
			set -- --gctrace "$d/gctrace.log"
		else
			set --
		fi
		"$bin/normalize-gc" --keep-repeats "$@" "$tmp/rows" |
		    awk -F'\t' 'NR > 1 { n = $1; sub(/.*\//, "", n);
			print n "\t" $(NF - 1) "\t" $NF }' | sort -u >"$tmp/got"
		join -t "$tab" "$tmp/truth" "$tmp/got" | awk -F'\t' \
		    -v s="$s" -v m="$mode" '
		    { n++; d = $3 - $2; if ($3 != "" && d == 0) e++
		      if ($3 != "" && d >= -1 && d <= 1) o++
		      if (p != "" && $2 == p) tr++; if ($4 == 1) fr++
		      if (p != "" && $2 == p && $4 == 1) both++; p = $2 }
		    END { printf "%-18s %-8s exact %3d/%-3d within1 %3d  " \
			"repeats %d marked %d agree %d\n", s, m, e, n, o,
			tr, fr, both }'
	done
done
