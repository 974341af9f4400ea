#!/usr/bin/env bats
# Hardening: bad and hostile input, limits, write errors, signals.  Every
# failure must be exit 1 with one message naming what was wrong, and must
# leave no output file (nor a temporary one) behind.

load lib

TSVCAT="$top_builddir/tests/tools/tsvcat"
HEAP="$DATA/two-leaks/heap-0030.pb.gz"
REGRESS="$top_srcdir/tests/fuzz/regress"

# Nothing left in the folder but what was there before.
only() {
	local got
	got=$(cd "$BATS_TEST_TMPDIR/o" && ls -A | tr '\n' ' ')
	[ "$got" = "$1" ] || { echo "left in the folder: '$got'"; return 1; }
}

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/o"
}

@test "fuzz regression: a NUL byte in a TSV field is an error naming the line" {
	run "$TSVCAT" "$REGRESS/tsv-nul-byte.tsv"
	[ "$status" -eq 1 ]
	[ "$output" = "tsvcat: $REGRESS/tsv-nul-byte.tsv:1: field 6: NUL byte" ]
}

@test "TSV: a line over --max-line is an error naming the line" {
	printf 'a\tb\n1\t2\n%s\t3\n' xxxxxxxxxxxxxxxxxxxx >"$BATS_TEST_TMPDIR/long.tsv"
	run "$TSVCAT" --max-line 10 "$BATS_TEST_TMPDIR/long.tsv"
	[ "$status" -eq 1 ]
	[ "$output" = "tsvcat: $BATS_TEST_TMPDIR/long.tsv:3: line too long (limit 10 bytes; raise with --max-line)" ]
}

@test "TSV: a bad escape is named, a byte that cannot be shown in hex" {
	printf 'a\tb\n1\tx\\qy\n' >"$BATS_TEST_TMPDIR/q.tsv"
	run "$TSVCAT" "$BATS_TEST_TMPDIR/q.tsv"
	[ "$status" -eq 1 ]
	[ "$output" = "tsvcat: $BATS_TEST_TMPDIR/q.tsv:2: field 2: invalid escape '\\q'" ]
	printf 'a\tb\n1\tx\\\033[2Jy\n' >"$BATS_TEST_TMPDIR/c.tsv"
	run "$TSVCAT" "$BATS_TEST_TMPDIR/c.tsv"
	[ "$status" -eq 1 ]
	[ "$output" = "tsvcat: $BATS_TEST_TMPDIR/c.tsv:2: field 2: invalid escape '\\' before byte 0x1b" ]
}

@test "TSV: escapes survive a read and a write" {
	printf 'a\tb\nx\\\\y\\tz\t\\n\\r\n' >"$BATS_TEST_TMPDIR/esc.tsv"
	run "$TSVCAT" "$BATS_TEST_TMPDIR/esc.tsv"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/esc.tsv")" ]
}

@test "pprof2tsv: a truncated gzip file is an error, the old output is kept" {
	head -c 3000 "$HEAP" >"$BATS_TEST_TMPDIR/cut.pb.gz"
	echo old >"$BATS_TEST_TMPDIR/o/out.tsv"
	run pprof2tsv -o "$BATS_TEST_TMPDIR/o/out.tsv" "$BATS_TEST_TMPDIR/cut.pb.gz"
	[ "$status" -eq 1 ]
	[[ "$output" == "pprof2tsv: $BATS_TEST_TMPDIR/cut.pb.gz: truncated gzip data ("* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/o/out.tsv")" = old ]
	only "out.tsv "
}

@test "pprof2tsv: a corrupt byte is an error naming the byte offset" {
	gzip -dc "$HEAP" >"$BATS_TEST_TMPDIR/raw.pb"
	# Byte 100 becomes an invalid wire type (7) field tag.
	printf '\377' | dd of="$BATS_TEST_TMPDIR/raw.pb" bs=1 seek=100 \
	    conv=notrunc 2>/dev/null
	run pprof2tsv -o "$BATS_TEST_TMPDIR/o/out.tsv" "$BATS_TEST_TMPDIR/raw.pb"
	[ "$status" -eq 1 ]
	[[ "$output" == "pprof2tsv: $BATS_TEST_TMPDIR/raw.pb: not a pprof profile (protobuf decoding failed: "*" byte "* ]]
	only ""
}

@test "pprof2tsv: --max-bytes caps the decompressed size" {
	# heap-0030.pb.gz: 10637 bytes, 20619 decompressed.
	run pprof2tsv --max-bytes 12k "$HEAP"
	[ "$status" -eq 1 ]
	[ "$output" = "pprof2tsv: $HEAP: decompressed data too large (limit 12288 bytes; raise with --max-bytes)" ]
	run pprof2tsv --max-bytes 1k "$HEAP"
	[ "$status" -eq 1 ]
	[ "$output" = "pprof2tsv: $HEAP: input too large (limit 1024 bytes; raise with --max-bytes)" ]
	run pprof2tsv --max-bytes 1M "$HEAP"
	[ "$status" -eq 0 ]
}

@test "write errors: /dev/full exits 1 with one message" {
	run pprof2tsv -o /dev/full "$HEAP"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "pprof2tsv: "*"No space left on device" ]]
	run "$TSVCAT" -o /dev/full "$DATA/two-leaks/TRUTH.tsv"
	[ "$status" -eq 1 ]
	[[ "$output" == "tsvcat: "*"No space left on device" ]]
}

@test "write errors: a full disk under -o leaves no file" {
	need_shim
	# The first write of any kind fails with ENOSPC, as on a full disk.
	FAULT_CALLS=write FAULT_AT=1 LD_PRELOAD="$SHIM" \
	    run pprof2tsv -o "$BATS_TEST_TMPDIR/o/out.tsv" "$HEAP"
	[ "$status" -eq 1 ]
	[[ "$output" == "pprof2tsv: "*"No space left on device"* ]]
	only ""
	FAULT_CALLS=write FAULT_AT=1 LD_PRELOAD="$SHIM" \
	    run "$TSVCAT" -o "$BATS_TEST_TMPDIR/o/out.tsv" "$DATA/two-leaks/TRUTH.tsv"
	[ "$status" -eq 1 ]
	only ""
}

@test "write errors: a reader that goes away ends pprof2tsv quietly (SIGPIPE)" {
	local st
	# env restores SIGPIPE's default action, whatever the caller did.
	st=$(env --default-signal=PIPE sh -c '
	    pprof2tsv "$@" 2>"$0"; echo $? >"$0.st"' \
	    "$BATS_TEST_TMPDIR/err" "$DATA"/two-leaks/heap-*.pb.gz | head -1 |
	    cut -f1; cat "$BATS_TEST_TMPDIR/err.st")
	[ "$st" = "snapshot
141" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "write errors: with SIGPIPE ignored, one message and exit 1" {
	(trap '' PIPE; st=0; pprof2tsv "$DATA"/two-leaks/heap-*.pb.gz \
	    2>"$BATS_TEST_TMPDIR/err" || st=$?; echo $st >"$BATS_TEST_TMPDIR/st") |
	    head -1 >/dev/null
	[ "$(cat "$BATS_TEST_TMPDIR/st")" = 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "pprof2tsv: write error on stdout: Broken pipe" ]
}

# Start pprof2tsv -o on a FIFO nobody writes, then a real file: it blocks
# opening the FIFO with its temporary output open.  Send the signal once
# the temporary file exists; no sleep decides the outcome.  (With the FIFO
# second, the signal could land while the first file is still being
# decoded: valgrind then reports the block being allocated as lost.)
kill_mid_run() {
	local sig=$1 num=$2 pid i st
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	pprof2tsv -o "$BATS_TEST_TMPDIR/o/out.tsv" "$BATS_TEST_TMPDIR/fifo" \
	    "$HEAP" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for i in $(seq 1 200); do
		ls "$BATS_TEST_TMPDIR/o" | grep -q '^out\.tsv\.tmp' && break
		sleep 0.05
	done
	ls "$BATS_TEST_TMPDIR/o" | grep -q '^out\.tsv\.tmp' || {
		kill -KILL "$pid"; echo "no temporary file after 10 s"; return 1; }
	kill -"$sig" "$pid"
	st=0
	wait "$pid" || st=$?
	rm -f "$BATS_TEST_TMPDIR/fifo"
	[ "$st" -eq $((128 + num)) ] || { echo "status $st"; return 1; }
	only ""
}

@test "signals: SIGTERM mid-run leaves no output and no temporary file" {
	kill_mid_run TERM 15
}

@test "signals: SIGINT mid-run leaves no output and no temporary file" {
	kill_mid_run INT 2
}

@test "signals: SIGHUP mid-run leaves no output and no temporary file" {
	kill_mid_run HUP 1
}

# Per-snapshot sums of column $1 of sample rows, one per line, in order
# of first appearance.
snapshot_totals() {
	awk -F'\t' -v col="$1" '
	NR == 1 { for (i = 1; i <= NF; i++) { if ($i == col) c = i
		if ($i == "snapshot") sn = i }; next }
	{ if (!($sn in seen)) seen[$sn] = ++k; s[seen[$sn]] += $c }
	END { for (i = 1; i <= k; i++) printf "%.0f\n", s[i] }' "$2"
}

# Sums over rank's rows of each position of the series column.
series_totals() {
	awk -F'\t' '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "series") c = i; next }
	{ n = split($c, v, ","); if (n > m) m = n
	  for (i = 1; i <= n; i++) s[i] += v[i] }
	END { for (i = 1; i <= m; i++) printf "%.0f\n", s[i] }' "$1"
}

@test "conservation: cluster keeps every row pprof2tsv writes" {
	# Graphviz has a cluster too: only ours, from the build tree.
	[ -x "$top_builddir/cluster" ] || skip "cluster is not on main yet"
	pprof2tsv "$DATA"/two-leaks/heap-*.pb.gz >"$BATS_TEST_TMPDIR/rows.tsv"
	"$top_builddir/cluster" "$BATS_TEST_TMPDIR/rows.tsv" \
	    >"$BATS_TEST_TMPDIR/clustered.tsv"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rows.tsv")" -eq \
	    "$(wc -l <"$BATS_TEST_TMPDIR/clustered.tsv")" ]
	snapshot_totals inuse_space "$BATS_TEST_TMPDIR/rows.tsv" \
	    >"$BATS_TEST_TMPDIR/want"
	snapshot_totals inuse_space "$BATS_TEST_TMPDIR/clustered.tsv" \
	    >"$BATS_TEST_TMPDIR/got"
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "conservation: rank's group totals per snapshot sum to pprof2tsv's" {
	local by value
	pprof2tsv "$DATA"/two-leaks/heap-*.pb.gz >"$BATS_TEST_TMPDIR/rows.tsv"
	for value in inuse_space alloc_objects; do
		snapshot_totals "$value" "$BATS_TEST_TMPDIR/rows.tsv" \
		    >"$BATS_TEST_TMPDIR/want"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -eq 11 ]
		for by in site stack function; do
			rank -v "$value" -b "$by" "$BATS_TEST_TMPDIR/rows.tsv" \
			    >"$BATS_TEST_TMPDIR/ranked.tsv"
			series_totals "$BATS_TEST_TMPDIR/ranked.tsv" \
			    >"$BATS_TEST_TMPDIR/got"
			diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
		done
	done
}
