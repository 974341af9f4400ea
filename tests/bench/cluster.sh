#!/bin/sh
# cluster's quality and speed bars; prints a table.  Not part of make check.
#
#   make tests/bench/cluster-bench cluster && sh tests/bench/cluster.sh
#
# Needs the corpus ($LEAKATLAS_CORPUS, default /work/shared/corpus) and
# pprof2tsv in the build tree or on PATH; without pprof2tsv the stacks are
# read with `go tool pprof -traces` instead.  Times are CPU seconds.
# Build without sanitizers (./configure CFLAGS=-O2) for meaningful times.
set -eu

top=${top_builddir:-$(pwd)}
corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}/gen/out
tmp=${TMPDIR:-/tmp}/cluster-bench.$$
mkdir -p "$tmp"
lines=
trap 'rm -rf "$tmp"' EXIT INT TERM
PATH=$top:$PATH
bench=$top/tests/bench/cluster-bench
[ -x "$bench" ] || { echo "build $bench first" >&2; exit 1; }

# stacks FILE...: sample rows (with stack and site) of pprof files
stacks() {
	if command -v pprof2tsv >/dev/null 2>&1; then
		pprof2tsv $lines "$@"
		return
	fi
	for f in "$@"; do
		go tool pprof -traces -sample_index=0 "$f" 2>/dev/null
	done | awk '
	BEGIN { print "snapshot\ttime\ttype\tvalue\tlabels\tsite\tstack" }
	function flush(  s, i) {
		if (n == 0) return
		s = f[n]; for (i = n - 1; i >= 1; i--) s = s ";" f[i]
		print "-\t1970-01-01T00:00:00.000000000Z\tother\t0\t\t" f[1] "\t" s
		n = 0
	}
	/^-----------\+/ { flush(); next }
	/^ +bytes:|^File:|^Type:|^Time:|^Build|^Duration/ { next }
	{ l = $0; sub(/^ *[0-9.]+[kMG]?B? +/, "", l); sub(/^ +/, "", l)
	  if (l != "") f[++n] = l }
	END { flush() }'
}

cputime() {	# cputime OUT CMD...: CPU seconds and peak RSS (KiB) of CMD
	out=$1
	shift
	/usr/bin/time -f '%U %S %M' -o "$tmp/time" "$@" >"$out"
	awk '{ printf "%.2f\t%d", $1 + $2, $3 }' "$tmp/time"
}

echo "== quality: LSH against exact all-pairs Jaccard (J >= 0.7)"
stacks "$corpus"/big-stacks/heap-0003.pb.gz >"$tmp/big.tsv"
"$bench" quality -l 15000 -p 5000 "$tmp/big.tsv"

echo
echo "== scaling: synthetic distinct stacks through cluster(1)"
printf 'stacks\tcpu_s\tpeak_rss_kib\n'
for n in 100000 1000000; do
	"$bench" gen "$n" >"$tmp/gen.tsv"
	printf '%s\t%s\n' "$n" "$(cputime /dev/null cluster "$tmp/gen.tsv")"
done

echo
echo "== scenarios: the leak's own variants joined, nothing unrelated"
printf 'scenario\tframes\tprofiles\tleak\tleak_stacks\tleak_clusters\tother_stacks_joined\n'
for lines in '' --lines; do
for s in goroutine-chan ticker-leak; do
	for kind in heap goroutine; do
		set -- "$corpus/$s/$kind"-*.pb.gz
		stacks "$@" | cluster >"$tmp/c.tsv"
		tail -n +2 "$corpus/$s/TRUTH.tsv" | cut -f 3 |
		while read -r fn; do
			awk -F'\t' -v fn="$fn" -v s="$s" -v k="$kind" \
			    -v g="${lines:-functions}" '
			NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			{
				st = $c["stack"]; id = $c["cluster"]
				n = split(st, f, ";"); leak = 0
				for (i = 1; i <= n; i++) {
					sub(/ \(.*/, "", f[i])
					if (f[i] == fn || index(f[i], fn ".func") == 1)
						leak = 1
				}
				if (leak) { L[st] = 1; C[id] = 1 } else O[id, st] = 1
			}
			END {
				for (x in L) nl++
				for (x in C) nc++
				for (k2 in O) { split(k2, p, SUBSEP)
					if (p[1] in C) no++ }
				printf "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", s, g, k, fn,
				    nl, nc, no
			}' "$tmp/c.tsv"
		done
	done
done
done
