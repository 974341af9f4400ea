#!/usr/bin/env bats
# rank: suspect rows from sample rows; drift rows; errors.

load lib

@test "rank --help" {
	golden rank help rank --help
}

@test "rank: bad option" {
	golden rank bad-option rank --bogus
}

@test "rank: bad --by" {
	golden rank bad-by rank --by line rank/small.tsv
}

@test "rank: --fail-on alarm needs --drift" {
	golden rank fail-on-no-drift rank --fail-on alarm rank/small.tsv
}

@test "rank: missing file" {
	golden rank missing-file rank rank/nonexistent.tsv
}

@test "rank: hand-made archive, rows out of order" {
	golden rank small rank rank/small.tsv
}

@test "rank: row order does not matter" {
	(cd "$DATA" && (head -1 rank/small.tsv; tail -n +2 rank/small.tsv |
	    LC_ALL=C sort -r) | rank) >"$BATS_TEST_TMPDIR/out"
	diff -u "$GOLDEN/rank/small.out" "$BATS_TEST_TMPDIR/out"
}

@test "rank: --by stack" {
	golden rank by-stack rank --by stack rank/small.tsv
}

@test "rank: --by function, --top 2" {
	golden rank by-function-top rank --by function --top 2 rank/small.tsv
}

@test "rank: groups by the cluster column when there is one" {
	golden rank cluster rank rank/cluster.tsv
}

@test "rank: a cluster's site is the line with the most bytes, not the biggest stack" {
	golden rank spread rank rank/spread.tsv
}

@test "rank: a sparsely sampled leak flat between its steps is a leak, not a plateau" {
	# main.watch rises one sample at a time (6 in 30 snapshots), flat for
	# the last 8.  At its rate before them, its last third (from 5
	# samples at 60 s) was due 2.25 steps and had 1, P(X <= 1) = 0.34;
	# its last half (from 4 at 45 s) 3.73 and had 2, P(X <= 2) = 0.28
	# (python3, Poisson): no evidence of a stop, so a leak.  main.cache
	# rose 20 samples in 10 snapshots, then none in 20: its last third
	# was due 9.47 (P(0) = 8e-5), a plateau.  main.lru filled, then
	# falls and rises: a plateau.
	golden rank sparse-steps rank rank/sparse-steps.tsv
}

@test "rank: a staircase that never fell is measured by its rise" {
	# 30 snapshots 3 s apart, one sample 524288 B.  main.watch is 0 for
	# 20 snapshots, then rises at 4 snapshots (1,2,2,2,3,3,4,4,4,4), never
	# falling: its rise, 4 samples over a noise floor of 1 sample, gives
	# snr 4 (the Theil-Sen slope, 17476.3 B/s over 87 s, gave 2.9 < 3,
	# and it was a plateau); tau 0.54, p 5e-7: a leak.  main.fell is the
	# same but falls once: Theil-Sen, snr 2.23.  main.once jumped once,
	# to 4 samples, and stayed: one rise is no staircase (snr 1.12).
	# main.mixed (a cluster of two lines, sampled values 524328 and
	# 614999, and a regrown slice: a rise of 27634) is flat over its last
	# third but for one sample and the 27634.  In steps of its smallest
	# difference (27634) that third was due 52.7 and had 20, P = 2e-7: a
	# stop, plateau.  In steps of its median rise (524328; the 27634 is
	# under half a step) it was due 2.78 (rate 3236639 B in 60 s, 27 s)
	# and had 1, P(X <= 1) = 0.23: no evidence of a stop, a leak.
	# main.regrow rose 8 samples of 524800 in 60 s, then over its last
	# third (27 s) 2, with a sample resized up and back by 90199 (a
	# regrown slice): it fell, but by under half a step, and its small
	# moves add up to 180398 < 262400.  Due 3.6, had 2, P(X <= 2) = 0.30:
	# a leak (plateau 1, and a plateau when any fall stopped the rule).
	# main.fill rose 3 samples at 3 snapshots (1, 10, 23), as a cache's
	# map regrown while it fills: 3 rises are no staircase (4 are), so
	# the Theil-Sen growth stands, snr 2.32 < 3, not a leak (with 3 rises
	# its rise gave snr 3 and a leak).
	golden rank staircase rank rank/staircase.tsv
}

@test "rank: a last process pausing below where the one before still grew" {
	# Two processes of 15 snapshots (column restart), 3 s apart, one
	# sample 524288 B.  main.audit rose to 12 samples in the first, still
	# at its pace (its last third's Theil-Sen slope 0.333 against 0.267
	# samples/s before: plateau 0), then to 9 in the second and stayed
	# there 6 snapshots (its last third flat, plateau 1; due 4 steps at
	# its rate, P(0) = 0.02: a stop).  9 is below 12, which the first
	# process passed without stopping: no bound, a leak.  main.cache
	# filled to 10 and stopped in the first process (plateau 1): a
	# plateau, though it too ends lower in the second (8).
	golden rank lull rank rank/lull.tsv
}

@test "rank: a map regrown by doubling is not stopped before its next regrowth is due" {
	# 30 snapshots 3 s apart.  main.sessions is a map that never drops
	# an entry (gen4 map-never-deleted's bucket arrays): its floor steps
	# up 1379720 -> 2527950 (x1.83) at 36 s and -> 5013856 (x1.98) at
	# 69 s, each after the new and old arrays were briefly both live.
	# The next regrowth is due about 2 x 33 s later; 18 s have passed,
	# so its flat end (plateau 1) is no stop: a leak (a plateau before).
	# main.tenants regrew at 51 s and 60 s and then held 27 s, more than
	# 2 x 9 s: filled, a plateau.  main.lru's floor also steps x1.67 and
	# x1.80, but it moves up and down about it after (3 falls): a cache
	# sampled anew, a plateau.
	golden rank regrow rank rank/regrow.tsv
}

@test "rank: a group that allocates on but keeps less of it filled: plateau" {
	# main.cache keeps 250 of its first 300 objects (0.83) and 72 of the
	# next 270 (0.27): its share kept fell to 0.32 of what it was, under
	# 0.5, so its rising trend (plateau 0.68, a leak before) is a
	# plateau, its confidence times 0.32 / 0.5 (0.55 -> 0.352).
	# main.leak keeps all it allocates: a leak.
	golden rank retention rank rank/retention.tsv
}

@test "rank: --min-share" {
	golden rank min-share rank --min-share 0.3 rank/small.tsv
}

@test "rank: --fail-on leak exits 3 when a leak is written" {
	golden rank fail-on-leak rank --fail-on leak --top 1 rank/small.tsv
}

@test "rank: --fail-on leak exits 0 without a leak" {
	golden rank fail-on-none sh -c \
	    'grep -e ^snapshot -e ^heap-3 rank/small.tsv | rank --fail-on leak'
}

@test "rank: repeated GC cycle counted once" {
	golden rank gclag rank rank/gclag.tsv
}

@test "rank: a leak restarted with the process is a leak per process" {
	golden rank restart rank rank/restart.tsv
}

@test "rank: the same rows without the restart column miss the leak" {
	golden rank restart-ignored sh -c 'cut -f1-10 rank/restart.tsv | rank'
}

@test "rank: restart values differing within a snapshot name the line" {
	golden rank restart-mixed sh -c \
	    "awk 'BEGIN { FS = OFS = \"\\t\" } NR == 5 { \$11 = 1 } 1' \
	    rank/restart.tsv | rank"
}

@test "rank: a non-integer restart names its line" {
	golden rank restart-bad sh -c \
	    "awk 'BEGIN { FS = OFS = \"\\t\" } NR == 7 { \$11 = \"x\" } 1' \
	    rank/restart.tsv | rank"
}

# late.tsv (values in 4096 B samples, 16 snapshots a minute apart): a
# leak over the whole series, a baseline of 1-2 samples that rises by 4
# samples a snapshot over the last 4 (late), one that steps to 16-17
# samples and stays (step), one 16-17 samples high in the middle only
# (burst), one high in the middle and again at the end (batch), and one
# that jumps to 60, 72, 64, 76 samples (noisy): its tail's Theil-Sen
# growth, 11 samples, is 5.6 times the series' noise (8096.97 B, 1.98
# samples) but 1.8 times its own (residuals 2.5, 5.83, 5.83, 2.5 samples
# about the line of slope 11/3 and intercept 62.5: 1.4826 x 4.17 = 6.18
# samples): a plateau, not a leak.

@test "rank: a burst came back down (or recurs); a late step that stays (even noisily) is a plateau" {
	golden rank late sh -c 'rank rank/late.tsv | cut -f2-4,25'
}

@test "rank: a late rising tail is a leak, below the long leak" {
	# late: median 2 samples, noise 7084.85 B (1.73 samples); its tail
	# (above median + 2 noise) is the last 3 snapshots, 9-13-17 samples,
	# a Theil-Sen growth of 8 samples = 4.6 noise (>= 3): leak, with
	# confidence tau 1 x snr factor 1 x 3 / (3 + 4) = 0.428571 and score
	# 0.428571 x (0.5 + 0.5 x 20480 / 184320) = 0.238095; the long leak
	# keeps confidence and score 1.
	golden rank late-leak sh -c \
	    'rank rank/late.tsv | cut -f1-4,7,10-12,16,19-21,28,29 | head -3'
}

@test "rank: --min-snapshots weighs a late tail" {
	# the same tail over 3 snapshots: confidence 3 / (3 + 8) = 0.272727,
	# score 0.272727 x 0.555556 = 0.151515
	golden rank late-min-snapshots sh -c \
	    'rank --min-snapshots 8 rank/late.tsv | sed -n 3p | cut -f2-4'
}

# late-restart.tsv: 25 snapshots, the process restarts before the 23rd.
# carry: a baseline of 1-2 samples, then 12, 12 | restart | 16, 16, 16;
# climb: the same baseline, then 10, 13 | restart | 14, 17, 20.

@test "rank: a late tail across a restart rises only within a process" {
	# carry: within each process the tail is flat (Theil-Sen 0), the
	# jump 12 -> 16 at the restart counts for nothing: plateau.  climb:
	# median 2 samples, noise 6072.73 B; tail 10, 13 | 14, 17, 20 (all
	# above median + 2 noise), slope 3 samples a minute in each process,
	# growth 3 x (1 + 2) = 9 samples = 6.07 noise: leak, confidence
	# tau 1 x 1 x 5 / (5 + 4) = 0.555556, whole-series Theil-Sen 0 so
	# score 0.555556 x 0.5 = 0.277778.
	golden rank late-restart rank rank/late-restart.tsv
}

@test "rank: the same rows without the restart column take the jump for growth" {
	golden rank late-restart-ignored sh -c \
	    'cut -f1-10 rank/late-restart.tsv | rank | cut -f2-4'
}

@test "rank: two-leaks archive, 11 snapshots" {
	golden rank two-leaks sh -c 'pprof2tsv two-leaks/heap-*.pb.gz | rank'
}

@test "rank: two-leaks through normalize-gc: both leaks first, in order" {
	(cd "$DATA" && pprof2tsv two-leaks/heap-*.pb.gz | normalize-gc |
	    rank --top 2) >"$BATS_TEST_TMPDIR/out"
	cut -f2,3,5 "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/got"
	printf '%s\t%s\t%s\n' group verdict value \
	    'main.(*sessionStore).open leakcorpus/two-leaks/main.go:138' leak \
	    inuse_space_norm \
	    'main.recordError leakcorpus/two-leaks/main.go:171' leak \
	    inuse_space_norm >"$BATS_TEST_TMPDIR/want"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "rank: goroutine profiles grouped by blocking site" {
	golden rank goroutine sh -c \
	    'pprof2tsv goroutine-chan/goroutine-*.pb.gz | rank'
}

@test "rank: --goroutines flags a site above the count" {
	golden rank goroutines-threshold sh -c \
	    'pprof2tsv goroutine-chan/goroutine-*.pb.gz |
	    rank --goroutines 200 --min-snapshots 10'
}

@test "rank: --drift on memstats rows" {
	golden rank drift rank --drift -v heap_alloc rank/memstats.tsv
}

@test "rank: --drift --fail-on alarm, -k and -w" {
	golden rank drift-fail rank --drift --fail-on alarm -k 3 -w 4 \
	    -v heap_alloc rank/memstats.tsv
}

@test "rank: --drift on sample rows sums every group" {
	golden rank drift-samples rank --drift rank/small.tsv
}

@test "rank: one snapshot is insufficient" {
	golden rank one-snapshot sh -c \
	    'grep -e ^snapshot -e ^heap-3 rank/small.tsv | rank'
}

@test "rank: missing column" {
	golden rank missing-column sh -c 'cut -f1-8,10 rank/small.tsv | rank'
}

@test "rank: no value column" {
	golden rank no-value-column sh -c 'cut -f1-6,8- rank/small.tsv | rank'
}

@test "rank: unknown -v column" {
	golden rank unknown-value rank -v heap_alloc rank/small.tsv
}

@test "rank: non-numeric value names its line" {
	golden rank non-numeric sh -c \
	    'sed "5s/\tbytes=/x\tbytes=/" rank/small.tsv | rank'
}

@test "rank: wrong field count names its line" {
	golden rank field-count sh -c \
	    'sed "3s/\tbytes=[0-9]*//" rank/small.tsv | rank'
}

@test "rank: mixed profile types" {
	golden rank mixed-types sh -c \
	    'sed "4s/\theap\t/\tallocs\t/" rank/small.tsv | rank'
}

@test "rank: empty input" {
	golden rank empty rank rank/empty.tsv
}

@test "rank: header only" {
	golden rank header-only sh -c 'head -1 rank/small.tsv | rank'
}

@test "rank: escaped fields round-trip" {
	golden rank escapes sh -c \
	    'sed "s/main\.cache b/main.cache\\\\tb/" rank/small.tsv | rank --top 2'
}

@test "rank: -o writes the file" {
	(cd "$DATA" && rank -o "$BATS_TEST_TMPDIR/o.tsv" rank/small.tsv)
	diff -u "$GOLDEN/rank/small.out" "$BATS_TEST_TMPDIR/o.tsv"
	[ "$(ls "$BATS_TEST_TMPDIR")" = "$(printf 'o.tsv\n')" ]
}

@test "rank: write error on stdout" {
	golden rank dev-full sh -c 'rank rank/small.tsv >/dev/full'
}

@test "rank: --gctrace drift on the live heap of each GC cycle" {
	golden rank gctrace rank --gctrace rank/two-leaks.gctrace
}

@test "rank: --gctrace with --fail-on alarm" {
	golden rank gctrace-fail rank --gctrace rank/two-leaks.gctrace \
	    --fail-on alarm -k 3 -w 5
}

@test "rank: --gctrace malformed gc line names its line" {
	golden rank gctrace-bad rank --gctrace rank/bad.gctrace
}

@test "rank: --gctrace takes no FILE" {
	golden rank gctrace-operand rank --gctrace rank/bad.gctrace \
	    rank/small.tsv
}

# The EXAMPLES of rank(1), on the shipped example archive (ticker-leak).

@test "rank(1) example: the five best suspects" {
	cd "$top_srcdir/examples/archive"
	pprof2tsv heap-*.pb.gz | normalize-gc | rank --top 5 \
	    >"$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 6 ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | cut -f2,3)" = \
	    "$(printf 'main.startHeartbeat leakcorpus/ticker-leak/main.go:78\tleak')" ]
}

@test "rank(1) example: a nightly gate" {
	cd "$top_srcdir/examples/archive"
	run sh -c "pprof2tsv heap-*.pb.gz |
	    rank --fail-on leak -o '$BATS_TEST_TMPDIR/suspects.tsv'"
	[ "$status" -eq 3 ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/suspects.tsv" | cut -f3)" = leak ]
}

@test "rank(1) example: goroutines piling up" {
	cd "$DATA/goroutine-chan"
	pprof2tsv goroutine-*.pb.gz | rank --goroutines 10000 \
	    >"$BATS_TEST_TMPDIR/out"
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | cut -f2,3)" = \
	    "$(printf 'main.backendQuery leakcorpus/goroutine-chan/main.go:98\tleak')" ]
}

@test "rank(1) example: drift on a gctrace log" {
	cd "$DATA/rank"
	run rank --gctrace two-leaks.gctrace --fail-on alarm
	[ "$status" -eq 3 ]
}

@test "rank: a value out of range names its line" {
	golden rank out-of-range sh -c 'printf "snapshot\ttime\tinuse_space\tsite\tstack\na\t2026-11-26T00:00:00.000000000Z\t-2e18\ts\tx\n" | rank'
}
