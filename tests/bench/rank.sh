#!/bin/sh
# Speed bar of rank: a synthetic archive of SNAPSHOTS x GROUPS sample rows
# (made with awk: a few leaking sites, the rest flat with sampling noise),
# ranked by rank, against `LC_ALL=C sort` of the same TSV on its stack
# column, in the same run.  Prints seconds, peak RSS and the ratio.
#
#   tests/bench/rank.sh [SNAPSHOTS [GROUPS]]     (defaults 1000 2000)
#
# Run from the build tree (it uses ./rank).  Needs /usr/bin/time for RSS.
set -eu

snaps=${1:-1000}
groups=${2:-2000}
rank=${RANK:-./rank}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

awk -v S="$snaps" -v G="$groups" 'BEGIN {
	OFS = "\t"
	print "snapshot", "time", "type", "alloc_objects", "alloc_space",
	    "inuse_objects", "inuse_space", "labels", "site", "stack"
	srand(1)
	for (s = 1; s <= S; s++) {
		ts = sprintf("2026-11-26T%02d:%02d:%02d.000000000Z",
		    int(s / 3600), int(s / 60) % 60, s % 60)
		snap = sprintf("heap-%04d.pb.gz", s)
		for (g = 0; g < G; g++) {
			# every 200th group leaks, the rest are flat
			base = 524288 * (1 + g % 50)
			v = base + 524288 * int(rand() * 3)
			if (g % 200 == 7)
				v += 524288 * int(s * (1 + g % 3) / 10)
			n = int(v / 512)
			print snap, ts, "heap", n * s, v * s, n, v,
			    "bytes=512",
			    sprintf("main.alloc%d app/f%d.go:%d", g, g % 97, g),
			    sprintf("main.main;app.serve;app.handler%d;" \
			    "app.worker%d;main.alloc%d", g % 13, g % 101, g)
		}
	}
}' >"$tmp/in.tsv"

col=$(head -1 "$tmp/in.tsv" | tr '\t' '\n' | grep -n '^stack$' | cut -d: -f1)
rows=$(($(wc -l <"$tmp/in.tsv") - 1))
tab=$(printf '\t')

measure() {
	# measure NAME CMD...: print wall seconds, CPU seconds, peak RSS (KiB)
	name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" >"$tmp/$name.out"
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
}

set -- $(measure sort env LC_ALL=C sort -t "$tab" -k"$col" "$tmp/in.tsv")
sort_s=$1 sort_cpu=$2 sort_kb=$3
set -- $(measure rank "$rank" "$tmp/in.tsv")
rank_s=$1 rank_cpu=$2 rank_kb=$3

printf 'input: %d snapshots x %d groups = %d rows, %d MB\n' "$snaps" \
    "$groups" "$rows" $(($(wc -c <"$tmp/in.tsv") / 1048576))
printf '%-24s %8s %8s %12s\n' command wall-s cpu-s "peak RSS MB"
printf '%-24s %8s %8s %12d\n' "sort -k$col (stack)" "$sort_s" "$sort_cpu" \
    $((sort_kb / 1024))
printf '%-24s %8s %8s %12d\n' rank "$rank_s" "$rank_cpu" $((rank_kb / 1024))
awk -v a="$sort_s" -v b="$rank_s" -v c="$sort_cpu" -v d="$rank_cpu" 'BEGIN {
	printf "rank / sort: wall %.2f, cpu %.2f (%s)\n",
	    b / (a > 0 ? a : 0.01), d / (c > 0 ? c : 0.01),
	    b < a ? "rank faster: pass" : "rank slower: FAIL"
	exit !(b < a)
}'
