#!/bin/sh
# Which normalize-gc model ranks the corpus leaks best: for each model, with
# and without cluster in the pipe, the rank rank(1) gives each TRUTH leak
# line (top1 = primary leaks ranked first) and the number of 'leak'
# verdicts on the leak-free control.  Run from the build tree:
#   sh tests/bench/normalize-gc-models.sh
set -eu
corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}/gen/out
bin=${top_builddir:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tab=$(printf '\t')
for d in "$corpus"/*/; do
	s=$(basename "$d")
	[ "$s" = big-stacks ] && continue
	[ -f "$d/TRUTH.tsv" ] && "$bin/pprof2tsv" "$d"heap-*.pb.gz >"$tmp/$s"
done
for m in none rebase step-exp; do
	for cl in no yes; do
		top1=0 out=
		while IFS=$tab read -r sc leaks fn fl rest; do
			[ -f "$tmp/$sc" ] || continue
			if [ $cl = yes ]; then
				"$bin/normalize-gc" --model $m "$tmp/$sc" |
				    "$bin/cluster" | "$bin/rank" >"$tmp/r"
			else
				"$bin/normalize-gc" --model $m "$tmp/$sc" |
				    "$bin/rank" >"$tmp/r"
			fi
			if [ "$leaks" = yes ]; then
				r=$(awk -F'\t' -v fl="$fl" \
				    'NR > 1 && index($0, fl) { print $1; exit }' \
				    "$tmp/r")
				out="$out $sc:${r:-none}"
				if [ "$r" = 1 ]; then top1=$((top1 + 1)); fi
			else
				out="$out control-leaks:$(awk -F'\t' \
				    'NR > 1 && $3 == "leak"' "$tmp/r" | wc -l)"
			fi
		done <"$corpus/TRUTH-all.tsv"
		echo "model=$m cluster=$cl top1=$top1$out"
	done
done
