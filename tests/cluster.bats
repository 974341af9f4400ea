#!/usr/bin/env bats
# cluster: rows kept byte for byte, ids stable, summary, errors.

load lib

# The input's columns, and the cluster column alone, of cluster's output.
others() { cut -f "1-$(head -1 "$1" | awk -F'\t' '{print NF}')" "$2"; }

# Skip when pprof2tsv or the shared profile fixtures are not there (they
# are not in the distribution tarball unless their owner lists them).
need_profiles() {
	command -v pprof2tsv >/dev/null || skip "no pprof2tsv"
	for f in "$@"; do
		[ -e "$f" ] || skip "no $f"
	done
}

@test "heap rows: leak variants joined, the rest apart (golden)" {
	golden cluster heap cluster cluster/heap.tsv
}

@test "every row kept, every other column byte for byte" {
	cd "$DATA"
	cluster cluster/heap.tsv >"$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" = "$(wc -l <cluster/heap.tsv)" ]
	others cluster/heap.tsv "$BATS_TEST_TMPDIR/out" | diff - cluster/heap.tsv
	# the escapes in the note column came back as they were
	grep -q 'tab\\there' "$BATS_TEST_TMPDIR/out"
	grep -q 'back\\\\slash' "$BATS_TEST_TMPDIR/out"
}

@test "three variants of the session leak share one id, the rest differ" {
	cd "$DATA"
	cluster cluster/heap.tsv >"$BATS_TEST_TMPDIR/out"
	awk -F'\t' 'NR > 1 {print $12}' "$BATS_TEST_TMPDIR/out" | sort -u \
	    >"$BATS_TEST_TMPDIR/ids"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ids")" = 5 ]
	awk -F'\t' '$11 == "leak" {print $12}' "$BATS_TEST_TMPDIR/out" |
	    sort -u >"$BATS_TEST_TMPDIR/leak"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/leak")" = 1 ]
	grep -Eq '^[0-9a-f]{16}$' "$BATS_TEST_TMPDIR/leak"
	# the caller's own allocation has another site: apart
	! awk -F'\t' '$11 == "caller" {print $12}' "$BATS_TEST_TMPDIR/out" |
	    grep -qf "$BATS_TEST_TMPDIR/leak"
}

@test "--cross-site joins the caller's allocation to the leak" {
	cd "$DATA"
	n=$(cluster -x cluster/heap.tsv |
	    awk -F'\t' '$11 == "leak" || $11 == "caller" {print $12}' |
	    sort -u | wc -l)
	[ "$n" = 1 ]
}

@test "ids are the same in two runs and for the rows in reverse order" {
	cd "$DATA"
	cluster cluster/heap.tsv >"$BATS_TEST_TMPDIR/a"
	cluster cluster/heap.tsv >"$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	{ head -1 cluster/heap.tsv; tail -n +2 cluster/heap.tsv | tac; } |
	    cluster >"$BATS_TEST_TMPDIR/r"
	cut -f 10,12 "$BATS_TEST_TMPDIR/a" | sort -u >"$BATS_TEST_TMPDIR/a.ids"
	cut -f 10,12 "$BATS_TEST_TMPDIR/r" | sort -u >"$BATS_TEST_TMPDIR/r.ids"
	diff "$BATS_TEST_TMPDIR/a.ids" "$BATS_TEST_TMPDIR/r.ids"
}

@test "ids do not depend on --seed" {
	cd "$DATA"
	cluster cluster/heap.tsv >"$BATS_TEST_TMPDIR/a"
	cluster --seed 12345 cluster/heap.tsv >"$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "an existing cluster column is replaced in place (golden)" {
	golden cluster replace cluster cluster/replace.tsv
}

@test "stdin and -o FILE give the same bytes as stdout" {
	cd "$DATA"
	cluster cluster/heap.tsv >"$BATS_TEST_TMPDIR/a"
	cluster - <cluster/heap.tsv >"$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	cluster -o "$BATS_TEST_TMPDIR/c" cluster/heap.tsv
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
}

@test "--summary: one row per cluster, series in time order (golden)" {
	golden cluster summary cluster --summary cluster/heap.tsv
}

@test "--summary -v goroutine on goroutine rows (golden)" {
	golden cluster summary-goroutine cluster -S -v goroutine \
	    cluster/goroutine.tsv
}

@test "labels are shingles; --labels off ignores them (golden)" {
	golden cluster labels cluster cluster/goroutine.tsv
	golden cluster labels-off cluster --labels off cluster/goroutine.tsv
}

@test "a lower threshold joins the handler variant (J = 17/25)" {
	cd "$DATA"
	n=$(cluster cluster/goroutine.tsv | cut -f 8 | tail -n +2 | sort -u |
	    wc -l)
	[ "$n" = 5 ]
	n=$(cluster -t 0.6 cluster/goroutine.tsv | cut -f 8 | tail -n +2 |
	    sort -u | wc -l)
	[ "$n" = 4 ]
}

@test "--drop-runtime and --kgram 1 (golden)" {
	golden cluster drop-runtime cluster -R -k 1 cluster/goroutine.tsv
}

@test "--verbose reports the banding on stderr (golden)" {
	golden cluster verbose cluster --verbose -o /dev/null \
	    cluster/heap.tsv
}

@test "header only: header and cluster column" {
	golden cluster header-only cluster cluster/header-only.tsv
}

@test "empty input is an error" {
	golden cluster empty cluster
}

# A header of N columns c0..c(N-1), then LAST, on stdout.
wide_header() {
	awk -v n="$1" -v last="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "c%d\t", i
		print last
	}'
}

# N sample rows whose stacks share the frames main.f1..main.f(K-1) under
# a root main.uI of their own (the leaf main.f(K-1) is every row's site).
family() {
	awk -v n="$1" -v k="$2" 'BEGIN {
		OFS = "\t"
		print "snapshot", "time", "type", "inuse_space", "labels",
		    "site", "stack"
		for (i = 0; i < n; i++) {
			s = "main.u" i
			for (j = 1; j < k; j++)
				s = s ";main.f" j
			print "s", "2026-11-26T03:30:00.000000000Z", "heap", 1,
			    "", "main.f" (k - 1) " x.go:1", s
		}
	}'
}

@test "200 stacks joined in one bucket, 200 apart: same clusters and counts" {
	# A bucket looked at every pair of its groups, even once all were
	# one cluster: quadratic (5.5 s for 80000 such stacks).  Now spent
	# groups are skipped and a bucket that is one cluster is left; the
	# pairs compared are the same ones (--verbose counts them).
	family 200 7 >"$BATS_TEST_TMPDIR/joined.tsv"
	family 200 6 >"$BATS_TEST_TMPDIR/apart.tsv"
	golden cluster bucket-pairs sh -c 'for f; do
	    cluster --verbose <"$f" | cut -f 8 | sort | uniq -c |
	    sort -k 1,1nr -k 2 | head -3; done' sh \
	    "$BATS_TEST_TMPDIR/joined.tsv" "$BATS_TEST_TMPDIR/apart.tsv"
}

@test "a header of 1000 columns: all passed through, a duplicate named" {
	# The reader compared each column name with every one before it,
	# quadratic: 5 s for 40000 columns (270 KB).  Now a hash lookup.
	wide_header 1000 stack >"$BATS_TEST_TMPDIR/wide.tsv"
	wide_header 1000 c999 >"$BATS_TEST_TMPDIR/dup.tsv"
	golden cluster wide-header sh -c 'cluster <"$1"; echo "exit $?"
	    cluster <"$2"; echo "exit $?"' sh "$BATS_TEST_TMPDIR/wide.tsv" \
	    "$BATS_TEST_TMPDIR/dup.tsv"
}

@test "missing stack column" {
	golden cluster no-stack cluster cluster/no-stack.tsv
}

@test "--summary without a time column" {
	golden cluster summary-no-time cluster -S cluster/no-time.tsv
}

@test "malformed row names its line" {
	golden cluster bad-fields cluster cluster/bad-fields.tsv
	golden cluster bad-escape cluster cluster/bad-escape.tsv
}

@test "--summary with a non-number value names its line" {
	golden cluster bad-value cluster -S -v type cluster/heap.tsv
}

@test "missing file" {
	golden cluster missing cluster cluster/no-such-file.tsv
}

@test "--help" {
	golden cluster help cluster --help
}

@test "bad option" {
	golden cluster bad-option cluster --frobnicate
}

@test "bad option values" {
	golden cluster bad-threshold cluster --threshold 1.5 cluster/heap.tsv
	golden cluster bad-labels cluster --labels maybe cluster/heap.tsv
	golden cluster bad-banding cluster -b 20 -r 10 cluster/heap.tsv
	golden cluster bad-hashes cluster -n 0 cluster/heap.tsv
}

@test "a full disk is an error" {
	cd "$DATA"
	run cluster cluster/heap.tsv
	[ "$status" = 0 ]
	status=0
	cluster cluster/heap.tsv >/dev/full 2>"$BATS_TEST_TMPDIR/err" ||
	    status=$?
	[ "$status" = 1 ]
	grep -q '^cluster: write error on stdout' "$BATS_TEST_TMPDIR/err"
}

@test "real profiles: pprof2tsv | cluster keeps every row and column" {
	need_profiles "$DATA/two-leaks/heap-0001.pb.gz"
	cd "$DATA"
	pprof2tsv two-leaks/*.pb.gz >"$BATS_TEST_TMPDIR/in"
	cluster "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" = \
	    "$(wc -l <"$BATS_TEST_TMPDIR/in")" ]
	others "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" |
	    cmp - "$BATS_TEST_TMPDIR/in"
}

@test "real profiles: the two leaks are apart, each with its own site" {
	need_profiles "$DATA/two-leaks/heap-0001.pb.gz"
	cd "$DATA"
	pprof2tsv two-leaks/*.pb.gz | cluster >"$BATS_TEST_TMPDIR/out"
	# every cluster holding a leak row holds only rows of that leak's site
	for fn in 'main.(*sessionStore).open' main.recordError; do
		awk -F'\t' -v fn="$fn" 'NR > 1 && index($9, fn " ") == 1 {
		    print $NF }' "$BATS_TEST_TMPDIR/out" | sort -u \
		    >"$BATS_TEST_TMPDIR/ids"
		[ -s "$BATS_TEST_TMPDIR/ids" ]
		awk -F'\t' 'NR == FNR { id[$1] = 1; next }
		    FNR > 1 && ($NF in id) { split($9, w, " "); print w[1] }' \
		    "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/out" | sort -u \
		    >"$BATS_TEST_TMPDIR/sites"
		[ "$(cat "$BATS_TEST_TMPDIR/sites")" = "$fn" ]
	done
}

@test "real profiles: goroutine leaks apart (send vs receive)" {
	need_profiles "$DATA/goroutine-chan/goroutine-0001.pb.gz"
	cd "$DATA"
	pprof2tsv goroutine-chan/*.pb.gz | cluster >"$BATS_TEST_TMPDIR/out"
	a=$(awk -F'\t' 'index($6, "main.backendQuery ") == 1 { print $NF }' \
	    "$BATS_TEST_TMPDIR/out" | sort -u)
	b=$(awk -F'\t' 'index($6, "main.awaitAck ") == 1 { print $NF }' \
	    "$BATS_TEST_TMPDIR/out" | sort -u)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]
	[ "$(echo "$a" | wc -l)" = 1 ]
}

@test "cluster | rank: one rank row per cluster id" {
	need_profiles "$DATA/two-leaks/heap-0001.pb.gz"
	command -v rank >/dev/null || skip "no rank"
	cd "$DATA"
	pprof2tsv two-leaks/*.pb.gz | cluster >"$BATS_TEST_TMPDIR/out"
	awk -F'\t' 'NR > 1 { print $NF }' "$BATS_TEST_TMPDIR/out" | sort -u \
	    >"$BATS_TEST_TMPDIR/ids"
	rank "$BATS_TEST_TMPDIR/out" | awk -F'\t' 'NR == 1 {
	    for (i = 1; i <= NF; i++) if ($i == "group") g = i; next }
	    { print $g }' | sort >"$BATS_TEST_TMPDIR/groups"
	diff "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/groups"
}

@test "man page examples on examples/archive and goroutine-chan" {
	need_profiles "$top_srcdir/examples/archive/heap-0001.pb.gz" \
	    "$DATA/goroutine-chan/goroutine-0001.pb.gz"
	cd "$top_srcdir/examples/archive"
	if command -v normalize-gc >/dev/null && command -v rank >/dev/null
	then
		run sh -c 'pprof2tsv heap-*.pb.gz | normalize-gc | cluster |
		    rank --top 5'
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 6 ]
	fi
	run sh -c 'pprof2tsv heap-*.pb.gz | cluster --summary |
	    cut -f1,2,5,6'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'cluster\tmembers\tseries\tsite')" ]
	# the ticker leak: its allocation and time.NewTicker's, one cluster
	printf '%s\n' "${lines[@]}" | grep -q $'^[0-9a-f]*\t2\t.*\tmain.startHeartbeat '
	[ "$(printf '%s\n' "${lines[@]}" | grep -c $'\tmain.startHeartbeat ')" = 1 ]
	cd "$DATA/goroutine-chan"
	run sh -c 'pprof2tsv goroutine-*.pb.gz | cluster -R -S -v goroutine'
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *$'\tmain.backendQuery '* ]]
	cd "$DATA"
	run sh -c 'cluster --verbose -b 16 -r 8 cluster/heap.tsv >/dev/null'
	[ "$status" -eq 0 ]
	[[ "$output" == *"in 16 bands of 8 rows"* ]]
}

@test "--labels all makes the bytes label part of a stack's key" {
	cd "$DATA"
	run sh -c 'cluster --verbose -o /dev/null cluster/heap.tsv 2>&1'
	[[ "${lines[0]}" == *", 7 distinct stacks,"* ]]
	run sh -c 'cluster --verbose -l all -o /dev/null cluster/heap.tsv 2>&1'
	[[ "${lines[0]}" == *", 8 distinct stacks,"* ]]
	# one label more or less does not split the leak
	n=$(cluster -l all cluster/heap.tsv |
	    awk -F'\t' '$11 == "leak" {print $12}' | sort -u | wc -l)
	[ "$n" = 1 ]
}
