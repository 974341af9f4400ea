#!/bin/sh
# Benchmark pprof2tsv on two large heap profiles of the corpus: wall time
# against `zcat` (target: at most 3 times) and against `go tool pprof
# -traces` when go is installed (target: at least 30 times faster), and
# peak RSS against the uncompressed size (target: at most 4 times).
#
#   tests/bench/pprof2tsv.sh [PPROF2TSV]
#
# PPROF2TSV defaults to ./pprof2tsv; measure a build without sanitizers
# (e.g. ./configure CFLAGS=-O2 in a clean copy).  Each time is the best of
# $RUNS runs (default 3) of $REPS executions each (default 10).  Needs GNU time (/usr/bin/time) for the RSS.
set -eu
bin=${1:-./pprof2tsv}
corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}
runs=${RUNS:-3}
reps=${REPS:-10}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
files="$corpus/public/Afromullet__TinkerRogue/heap.pb.gz
$corpus/gen/out/big-stacks/heap-0003.pb.gz"

# best wall time in seconds of "$@" over $runs runs, output discarded;
# each run times $reps back-to-back executions with date's nanoseconds (the
# 10 ms resolution of time(1) cannot tell 10 ms from 50 ms) and divides
best() {
	b=
	i=0
	while [ "$i" -lt "$runs" ]; do
		s=$(date +%s%N)
		j=0
		while [ "$j" -lt "$reps" ]; do
			"$@" >/dev/null 2>&1
			j=$((j + 1))
		done
		e=$(date +%s%N)
		t=$(awk -v s="$s" -v e="$e" -v n="$reps" \
		    'BEGIN { printf "%.4f\n", (e - s) / n / 1e9 }')
		b=$(awk -v a="$t" -v b="$b" 'BEGIN {
		    print (b == "" || a + 0 < b + 0) ? a : b }')
		i=$((i + 1))
	done
	echo "$b"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
	    if (b + 0 == 0) print "inf"; else printf "%.2f\n", a / b }'
}

printf 'file\tbytes_gz\tbytes\tpprof2tsv_s\tzcat_s\tratio_zcat\tpprof_s\tspeedup_pprof\trss_kb\trss_ratio\n'
echo "$files" | while IFS= read -r f; do
	[ -f "$f" ] || { echo "skip: no $f" >&2; continue; }
	gz=$(wc -c <"$f")
	raw=$(gzip -dc "$f" | wc -c)
	t=$(best "$bin" "$f")
	z=$(best zcat "$f")
	if command -v go >/dev/null 2>&1; then
		g=$(best go tool pprof -traces "$f")
		sp=$(ratio "$g" "$t")
	else
		g=-
		sp=-
	fi
	/usr/bin/time -o "$tmp" -f %M "$bin" "$f" >/dev/null 2>&1
	rss=$(tail -1 "$tmp")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${f#"$corpus"/}" \
	    "$gz" "$raw" "$t" "$z" "$(ratio "$t" "$z")" "$g" "$sp" "$rss" \
	    "$(ratio "$((rss * 1024))" "$raw")"
done
