#!/usr/bin/env bats
# The caps of common/caps.h: each one exceeded on a small input is exit 1
# with "prog: file[:line]: what (limit N; raise with --option)", and the
# option raising it makes the same input give the output it gives with no
# cap in the way.

load lib

# N goroutine-profile frames (Go debug=1 text, unsymbolized) on stdout.
deep_text() {
	awk -v n="$1" 'BEGIN {
		printf "goroutine profile: total 1\n1 @"
		for (i = 0; i < n; i++)
			printf " 0x%x", 4198400 + 16 * (i % 8)
		printf "\n"
	}'
}

# One goroutine record of N labels (Go debug=1 text) on stdout.
label_text() {
	awk -v n="$1" 'BEGIN {
		printf "goroutine profile: total 1\n1 @ 0x401000 0x401010\n"
		printf "# labels: {"
		for (i = 0; i < n; i++)
			printf "%s\"k%04d\":\"v\"", i ? ", " : "", i
		printf "}\n"
	}'
}

# A default cap, N, checked on FILE (one past it) and on the text GEN
# writes: one past N is refused, N passes, and so does FILE with OPTION
# raised to N + 1.  Prints the exits and, per row, the frames (COL = NF)
# or labels (COL = 5) that passed.
past_default() {
	local option=$1 n=$2 file=$3 gen=$4 col=$5
	local count="NR > 1 { print split(\$$col, f, \"[;,]\") }"

	pprof2tsv "$file"; echo "exit $?"
	pprof2tsv "$option" $((n + 1)) "$file" | awk -F'\t' "$count"
	"$gen" $((n + 1)) | pprof2tsv; echo "exit $?"
	"$gen" "$n" | pprof2tsv | awk -F'\t' "$count"
}

@test "--max-depth: protobuf frames, inlined calls counted" {
	# Sample 1 of packed.pb has 3 locations, one holding an inlined call.
	golden limits depth-proto bash -c '
	    pprof2tsv --max-depth 3 proto/packed.pb; echo "exit $?"
	    pprof2tsv --max-depth 4 proto/packed.pb >"$0"; echo "exit $?"
	    pprof2tsv proto/packed.pb | cmp - "$0" && echo same
	    cut -f9 "$0"' "$BATS_TEST_TMPDIR/out.tsv"
}

@test "--max-depth: debug=1 text names the record's line" {
	# The first record of heap.txt has 6 frames, the deepest 12.
	golden limits depth-text bash -c '
	    pprof2tsv --max-depth 5 legacy/heap.txt; echo "exit $?"
	    pprof2tsv --max-depth 11 legacy/heap.txt; echo "exit $?"
	    pprof2tsv --max-depth 12 legacy/heap.txt >"$0"; echo "exit $?"
	    pprof2tsv legacy/heap.txt | cmp - "$0" && echo same' \
	    "$BATS_TEST_TMPDIR/out.tsv"
}

@test "--max-depth: the default is 16384 frames" {
	export -f deep_text past_default
	golden limits depth-default bash -c '
	    past_default --max-depth 16384 proto/deep.pb.gz deep_text NF
	    deep_text 16385 | pprof2tsv --max-depth 16k5; echo "exit $?"
	    deep_text 16385 | pprof2tsv --max-depth 17k | wc -l'
}

@test "--max-labels: protobuf and debug=1 text" {
	# Sample 1 of packed.pb has 5 labels; goroutine.txt's first record 2.
	golden limits labels bash -c '
	    pprof2tsv --max-labels 4 proto/packed.pb; echo "exit $?"
	    pprof2tsv --max-labels 5 proto/packed.pb >"$0"; echo "exit $?"
	    pprof2tsv proto/packed.pb | cmp - "$0" && echo same
	    pprof2tsv --max-labels 1 legacy/goroutine.txt; echo "exit $?"
	    pprof2tsv --max-labels 2 legacy/goroutine.txt | wc -l
	    echo "exit $?"' "$BATS_TEST_TMPDIR/out.tsv"
}

@test "--max-labels: the default is 1024 labels" {
	export -f label_text past_default
	golden limits labels-default bash -c '
	    past_default --max-labels 1024 proto/labels.pb.gz label_text 5'
}

@test "--max-bytes: the raw and the decompressed size" {
	golden limits bytes bash -c '
	    pprof2tsv --max-bytes 100 proto/packed.pb; echo "exit $?"
	    pprof2tsv --max-bytes 400 proto/packed.pb.gz; echo "exit $?"
	    pprof2tsv --max-bytes 1k proto/packed.pb.gz | wc -l'
}

@test "--max-line: every TSV reader, header included" {
	# Line 4 of rows.tsv is 305 bytes, the others at most 116; its header
	# 62.  rank's rows of it are at most 269 bytes, line 3 of memstats.tsv
	# 303.
	golden limits line bash -c '
	    for t in normalize-gc cluster rank; do
	        $t --max-line 200 limits/rows.tsv; echo "$t exit $?"
	        $t --max-line 305 limits/rows.tsv >"$0"; echo "$t exit $?"
	        $t limits/rows.tsv | cmp - "$0" && echo same
	    done
	    rank --max-line 61 limits/rows.tsv; echo "rank exit $?"
	    rank --max-line 62 limits/rows.tsv; echo "rank exit $?"
	    rank limits/rows.tsv | report --max-line 200; echo "report exit $?"
	    rank limits/rows.tsv | report --max-line 269 | wc -l
	    rank limits/rows.tsv |
	        report --max-line 300 --samples limits/rows.tsv
	    echo "report exit $?"
	    rank limits/rows.tsv |
	        report --max-line 305 --samples limits/rows.tsv | wc -l
	    report --before limits/rows.tsv --after limits/rows.tsv \
	        --max-line 200; echo "report exit $?"
	    head -3 limits/rows.tsv | normalize-gc --max-line 200 \
	        --memstats limits/memstats.tsv; echo "normalize-gc exit $?"
	    head -3 limits/rows.tsv | normalize-gc --max-line 303 \
	        --memstats limits/memstats.tsv | wc -l' \
	    "$BATS_TEST_TMPDIR/out.tsv"
}

@test "--max-snapshots: rank, normalize-gc, cluster --summary, report" {
	# rows.tsv has 3 snapshots; line 6 is the first row of the third.
	golden limits snapshots bash -c '
	    for t in normalize-gc "cluster --summary" rank; do
	        $t --max-snapshots 2 limits/rows.tsv; echo "$t exit $?"
	        $t --max-snapshots 3 limits/rows.tsv >"$0"; echo "$t exit $?"
	        $t limits/rows.tsv | cmp - "$0" && echo same
	    done
	    cluster --max-snapshots 2 limits/rows.tsv | wc -l
	    head -5 limits/rows.tsv | rank >"$0.rank2"
	    rank limits/rows.tsv | report --max-snapshots 2
	    echo "report exit $?"
	    rank limits/rows.tsv | report --max-snapshots 3 | wc -l
	    report --max-snapshots 2 --samples limits/rows.tsv "$0.rank2"
	    echo "report exit $?"
	    report --max-snapshots 3 --samples limits/rows.tsv "$0.rank2" |
	        wc -l
	    rank --drift limits/rows.tsv |
	        report --max-snapshots 2 --drift - "$0.rank2"
	    echo "report exit $?"
	    rank --drift limits/rows.tsv |
	        report --max-snapshots 3 --drift - "$0.rank2" | wc -l
	    report --max-snapshots 2 --before limits/rows.tsv \
	        --after limits/rows.tsv; echo "report exit $?"' \
	    "$BATS_TEST_TMPDIR/out.tsv"
}

@test "--max-snapshots: the default is 100000 snapshots" {
	golden limits snapshots-default bash -c '
	    awk "BEGIN { print \"snapshot\ttime\tinuse_space\tsite\tstack\"
	        for (i = 0; i <= 100000; i++)
	            printf \"s%d\t2025-11-26T03:20:00.%09dZ\t1\tf a.go:1\tf\n\",
	                i, i }" | rank; echo "exit $?"'
}

@test "cap options: bad values are usage errors" {
	golden limits bad-values bash -c '
	    pprof2tsv --max-depth 0 x; echo "exit $?"
	    pprof2tsv --max-labels -1 x; echo "exit $?"
	    rank --max-line 1T x; echo "exit $?"
	    normalize-gc --max-snapshots 99999999999999999999 x; echo "exit $?"
	    cluster --max-line=; echo "exit $?"
	    report --max-snapshots 2x x; echo "exit $?"'
}
