#!/usr/bin/env bats
# normalize-gc: restarts, repeated GC cycles, models, and bad input.
# Fixtures in tests/data/normalize-gc are hand-written (README there).

load lib

@test "rows: the repeated snapshot heap-3 (same totals) is dropped" {
	golden normalize-gc rows normalize-gc normalize-gc/rows.tsv
}

@test "--keep-repeats keeps heap-3 and marks it" {
	golden normalize-gc keep-repeats normalize-gc --keep-repeats \
	    normalize-gc/rows.tsv
}

@test "restart: a second process's alloc_* continue the first's" {
	golden normalize-gc restart normalize-gc normalize-gc/restart.tsv
}

@test "--model none leaves the values after a restart" {
	golden normalize-gc restart-none normalize-gc --model none \
	    normalize-gc/restart.tsv
}

@test "--model step-exp compensates falls and divides by the maximum" {
	golden normalize-gc step-exp normalize-gc --model step-exp \
	    --keep-repeats normalize-gc/rows.tsv
}

@test "--window and --beta change step-exp" {
	golden normalize-gc step-exp-window normalize-gc --model step-exp \
	    --window 1500ms --beta 0 normalize-gc/rows.tsv
}

@test "--memstats: num_gc decides the repeats (heap-5 repeats heap-4)" {
	golden normalize-gc memstats normalize-gc --memstats \
	    normalize-gc/memstats.tsv --keep-repeats normalize-gc/rows.tsv
}

@test "--gctrace with --start: cycles by process time" {
	golden normalize-gc gctrace-start normalize-gc --gctrace \
	    normalize-gc/trace.gctrace --start 2026-11-26T03:30:00Z \
	    --keep-repeats normalize-gc/rows.tsv
}

@test "--gctrace anchored by a memstats last_gc" {
	golden normalize-gc gctrace-memstats normalize-gc --gctrace \
	    normalize-gc/trace.gctrace --memstats normalize-gc/memstats-part.tsv \
	    --keep-repeats normalize-gc/rows.tsv
}

@test "--memstats rows matched by time: nearest, first on a tie, within 1 s" {
	# Found by halving the sorted times (the nearest either side), not
	# by a scan of every snapshot per row; the anchor's cycle, gc 14 in
	# the middle of the log, by halving the log's cycle numbers.  heap-2
	# gets x1's 11 (heap-3 is as near), heap-1 x4's 10 (1 s exactly),
	# heap-4 x2's 14 and its last_gc anchors the log for heap-3 and 5.
	golden normalize-gc memstats-near normalize-gc --gctrace \
	    normalize-gc/trace.gctrace --memstats \
	    normalize-gc/memstats-near.tsv --keep-repeats normalize-gc/rows.tsv
}

@test "step-exp: repeated snapshots get the falls of their window only" {
	# A repeated snapshot's compensation summed over every point of its
	# group: O(repeats * points).  Now over the points within --window
	# before it, found by halving: the same terms in the same order, so
	# the same values (checked with the old binary on 300 random series).
	golden normalize-gc stepexp-repeats normalize-gc --model step-exp \
	    --keep-repeats normalize-gc/stepexp-repeats.tsv
}

# 12000 snapshots of one group 0.1 ms apart, falling every other one, then
# R repeats of the last: all within the 3 s window.  step-exp's terms are
# 12000 * 11999 / 2 = 71994000 pairs, plus 12000 for each repeat; the cap
# of 2^27 = 134217728 lets 5185 repeats through (134214000), not 5186.
stepexp_series() {
	awk -v r="$1" 'BEGIN {
		print "snapshot\ttime\ttype\tinuse_space\tlabels\tsite\tstack"
		for (i = 0; i < 12000 + r; i++)
			printf "s%05d\t2026-11-26T03:00:%02d.%09dZ\theap\t%d\t\t" \
			    "main.f x.go:1\tmain.main;main.f\n", i, int(i / 10000),
			    i % 10000 * 100000, i < 12000 ? 1 + i % 2 : 2
	}'
}

@test "step-exp: the cap of 2^27 terms counts a repeat's terms before them" {
	stepexp_series 5185 >"$BATS_TEST_TMPDIR/in.tsv"
	run normalize-gc --model step-exp "$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 12001 ]
	stepexp_series 5186 >"$BATS_TEST_TMPDIR/in.tsv"
	run normalize-gc --model step-exp "$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 1 ]
	[ "$output" = "normalize-gc: step-exp: more than 134217728 pairs of \
snapshots of one group within --window of each other (shorten --window, \
or use --model rebase)" ]
}

@test "--values names the value columns" {
	golden normalize-gc values normalize-gc --values inuse_space \
	    normalize-gc/rows.tsv
}

@test "goroutine rows: one value column, no restarts possible" {
	golden normalize-gc goroutine normalize-gc normalize-gc/goroutine.tsv
}

@test "running twice replaces the added columns" {
	run sh -c "normalize-gc '$DATA/normalize-gc/restart.tsv' | normalize-gc"
	[ "$status" -eq 0 ]
	[ "$output" = "$(normalize-gc "$DATA/normalize-gc/restart.tsv")" ]
}

@test "-o writes the file" {
	normalize-gc -o "$BATS_TEST_TMPDIR/o.tsv" "$DATA/normalize-gc/rows.tsv"
	cmp "$BATS_TEST_TMPDIR/o.tsv" "$GOLDEN/normalize-gc/rows.out"
}

@test "header only: header out" {
	golden normalize-gc header-only normalize-gc normalize-gc/header-only.tsv
}

@test "empty input is an error" {
	golden normalize-gc empty normalize-gc normalize-gc/empty.tsv
}

@test "a missing column is named" {
	golden normalize-gc no-time normalize-gc normalize-gc/no-time.tsv
}

@test "a non-numeric value names its line" {
	golden normalize-gc bad-value normalize-gc normalize-gc/bad-value.tsv
}

@test "a malformed gc line names its line" {
	golden normalize-gc bad-gctrace normalize-gc --gctrace \
	    normalize-gc/bad.gctrace normalize-gc/rows.tsv
}

@test "--values with an unknown column" {
	golden normalize-gc values-unknown normalize-gc --values inuse_spice \
	    normalize-gc/rows.tsv
}

@test "a missing file" {
	golden normalize-gc missing normalize-gc normalize-gc/nonexistent.tsv
}

@test "a missing gctrace log" {
	golden normalize-gc missing-gctrace normalize-gc --gctrace nope.gctrace \
	    normalize-gc/rows.tsv
}

@test "--help" {
	golden normalize-gc help normalize-gc --help
}

@test "a bad option" {
	golden normalize-gc bad-option normalize-gc --bogus
}

@test "a bad --model" {
	golden normalize-gc bad-model normalize-gc --model exp
}

@test "a bad --window" {
	golden normalize-gc bad-window normalize-gc --window 3h
}

@test "--start without --gctrace" {
	golden normalize-gc start-alone normalize-gc --start 2026-11-26T03:30:00Z
}

@test "writing to /dev/full fails" {
	run normalize-gc -o /dev/full "$DATA/normalize-gc/rows.tsv"
	[ "$status" -eq 1 ]
	run sh -c "normalize-gc '$DATA/normalize-gc/rows.tsv' >/dev/full"
	[ "$status" -eq 1 ]
	[[ "$output" == *"write error"* ]]
}

@test "restart-real: pprof2tsv rows of two runs of two-leaks, concatenated" {
	golden normalize-gc restart-real normalize-gc \
	    normalize-gc/restart-real.tsv
}

# snapshots.tsv of the corpus run says num_gc 91 101 112 122 128 135 140
# 146 151 157 160: the alignment without an anchor is exact for 7 of the
# 11 and one cycle late for the others.
@test "two-leaks with its gctrace log, aligned without an anchor" {
	golden normalize-gc align sh -c "pprof2tsv two-leaks/heap-*.pb.gz |
	    normalize-gc --gctrace gctrace/two-leaks.gctrace |
	    awk -F '\t' '{ print \$1 \"\t\" \$16 }' | uniq"
}

@test "escaped fields pass through unchanged and group rows" {
	golden normalize-gc escape normalize-gc --model step-exp \
	    normalize-gc/escape.tsv
}

@test "man page example: a heap archive through pprof2tsv" {
	run sh -c "pprof2tsv '$top_srcdir'/examples/archive/heap-*.pb.gz |
	    normalize-gc | head -1"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\tinuse_space_norm\trestart\tgc' ]]
}
