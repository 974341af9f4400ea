#!/bin/sh
# Parse time of a large Go debug=1 heap dump by common/legacy.c, against
# reading the same bytes with cat.  Run from the build directory after
# `make check` (which builds tests/bench/bench_legacy):
#	sh tests/bench/legacy.sh [file] [rounds]
# Build without sanitizers for meaningful numbers.
set -eu
corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}
file=${1:-$corpus/public/jeffborg__evcc/heap_debug=1}
rounds=${2:-50}
bench=${BENCH_LEGACY:-tests/bench/bench_legacy}

if [ ! -r "$file" ]; then
	echo "legacy.sh: $file: not found (set LEAKATLAS_CORPUS)" >&2
	exit 1
fi
[ -x "$bench" ] || make tests/bench/bench_legacy >/dev/null

now() { date +%s.%N; }

t0=$(now)
i=0
while [ "$i" -lt "$rounds" ]; do
	cat "$file" >/dev/null
	i=$((i + 1))
done
t1=$(now)
out=$("$bench" "$file" "$rounds")
per=$(printf '%s\n' "$out" | sed 's/.*: \([0-9.]*\) s per parse.*/\1/')
echo "legacy_parse: $out"
awk -v a="$t0" -v b="$t1" -v r="$rounds" -v p="$per" 'BEGIN {
	c = (b - a) / r
	printf "cat:          %.6f s per read (process start included)\n", c
	printf "ratio parse/cat: %.2f\n", p / c
}'
