#!/usr/bin/env bats
# pprof2tsv: decoding, rows, options and errors.

load lib

# Sum each value column of pprof2tsv's output (columns 4 .. NF-3), as
# "file<TAB>sum1<TAB>sum2...", for comparison with tests/data/pprof-totals.tsv.
column_sums() {
	local f
	for f; do
		pprof2tsv "$f" | awk -F'\t' -v f="$f" '
		NR > 1 { for (i = 4; i <= NF - 3; i++) s[i] += $i; n = NF }
		NR == 1 { n = NF }
		END {
			printf "%s", f
			for (i = 4; i <= n - 3; i++) printf "\t%.0f", s[i]
			printf "\n"
		}'
	done
}

@test "--help prints the usage and exits 0" {
	golden pprof2tsv help pprof2tsv --help
}

@test "a bad option exits 2 with the hint" {
	golden pprof2tsv bad-option pprof2tsv --no-such-option
}

@test "a missing file exits 1 naming it" {
	golden pprof2tsv missing pprof2tsv no-such-file.pb.gz
}

@test "writing to /dev/full exits 1" {
	run pprof2tsv "$DATA/two-leaks/heap-0030.pb.gz" -o /dev/full
	[ "$status" -eq 1 ]
	run sh -c 'pprof2tsv "$1" >/dev/full' sh "$DATA/two-leaks/heap-0030.pb.gz"
	[ "$status" -eq 1 ]
	[[ "$output" == *"write error"* ]]
}

@test "heap profile: rows, labels, site, inlined stack" {
	golden pprof2tsv heap pprof2tsv two-leaks/heap-0030.pb.gz
}

@test "goroutine profile" {
	golden pprof2tsv goroutine pprof2tsv goroutine-chan/goroutine-0030.pb.gz
}

@test "several files share one header" {
	golden pprof2tsv two-files pprof2tsv goroutine-chan/goroutine-0001.pb.gz \
	    goroutine-chan/goroutine-0030.pb.gz
}

@test "column sums equal go tool pprof's totals" {
	local f
	while IFS= read -r line; do
		case $line in '#'*|'') continue ;; esac
		f=${line%%	*}
		[ -f "$DATA/$f" ] || continue
		got=$(cd "$DATA" && column_sums "$f")
		[ "$got" = "$line" ] || {
			echo "pprof2tsv: $got"
			echo "pprof:     $line"
			return 1
		}
	done <"$DATA/pprof-totals.tsv"
}
