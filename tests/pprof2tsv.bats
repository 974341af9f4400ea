#!/usr/bin/env bats
# pprof2tsv: decoding, rows, options and errors.  Fixtures: tests/data/
# (proto/ is hand-encoded by tests/tools/mkproto.py, public/ is copied from
# licensed projects, see public/README.txt).

load lib

# "file<TAB>sum1<TAB>sum2..." of pprof2tsv's value columns (4 .. NF-3).
column_sums() {
	local f
	for f; do
		pprof2tsv "$f" 2>/dev/null | awk -F'\t' -v f="$f" '
		NR > 1 { for (i = 4; i <= NF - 3; i++) s[i] += $i }
		{ n = NF }
		END {
			printf "%s", f
			for (i = 4; i <= n - 3; i++) printf "\t%.0f", s[i]
			printf "\n"
		}'
	done
}

# Copy tests/data files into the test's folder with a fixed modification
# time, for inputs without a time of their own.
stage() {
	local f
	for f; do
		cp "$DATA/$f" "$BATS_TEST_TMPDIR/${f##*/}"
		touch -d 2024-02-29T12:00:00Z "$BATS_TEST_TMPDIR/${f##*/}"
	done
}

# ---- conventions -----------------------------------------------------

@test "--help prints the usage and exits 0" {
	golden pprof2tsv help pprof2tsv --help
}

@test "--version" {
	run pprof2tsv -V
	[ "$status" -eq 0 ]
	[[ "$output" == "pprof2tsv (leakatlas) "* ]]
}

@test "a bad option exits 2 with the hint" {
	golden pprof2tsv bad-option pprof2tsv --no-such-option
}

@test "bad option values exit 2" {
	golden pprof2tsv bad-values sh -c '
	    pprof2tsv --focus "(" x; echo "exit $?"
	    pprof2tsv --tagfocus nokey x; echo "exit $?"
	    pprof2tsv --tagfocus =re x; echo "exit $?"
	    pprof2tsv --max-bytes 12q x; echo "exit $?"
	    pprof2tsv --max-bytes 0 x; echo "exit $?"
	    pprof2tsv --values a,,b x; echo "exit $?"
	    pprof2tsv --sample-index cpu x; echo "exit $?"
	    pprof2tsv --memstats --folded x; echo "exit $?"' 2>&1
}

@test "a missing file exits 1 naming it" {
	golden pprof2tsv missing pprof2tsv no-such-file.pb.gz
}

@test "a directory exits 1 naming it" {
	run pprof2tsv "$DATA/proto"
	[ "$status" -eq 1 ]
	[ "$output" = "pprof2tsv: $DATA/proto: is a directory" ]
}

@test "writing to /dev/full exits 1" {
	run pprof2tsv "$DATA/two-leaks/heap-0030.pb.gz" -o /dev/full
	[ "$status" -eq 1 ]
	[ "$output" = "pprof2tsv: write error on /dev/full: No space left on device" ]
	[ -c /dev/full ]
	run sh -c 'pprof2tsv "$1" >/dev/full' sh "$DATA/two-leaks/heap-0030.pb.gz"
	[ "$status" -eq 1 ]
	[ "$output" = "pprof2tsv: write error on stdout: No space left on device" ]
}

@test "-o writes the file; a bad input leaves none behind" {
	pprof2tsv -o "$BATS_TEST_TMPDIR/out.tsv" "$DATA/proto/packed.pb"
	pprof2tsv "$DATA/proto/packed.pb" | cmp - "$BATS_TEST_TMPDIR/out.tsv"
	run pprof2tsv -o "$BATS_TEST_TMPDIR/bad.tsv" "$DATA/proto/packed.pb" \
	    "$DATA/proto/bad-location.pb"
	[ "$status" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/bad.tsv" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp)" ]
}

@test "empty standard input" {
	run sh -c 'pprof2tsv </dev/null'
	[ "$status" -eq 1 ]
	[ "$output" = "pprof2tsv: stdin: empty file" ]
}

# ---- decoding --------------------------------------------------------

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

@test "hand-encoded: sparse ids, inlining, labels, odd type names" {
	golden pprof2tsv packed pprof2tsv proto/packed.pb
}

@test "unpacked fields in another order decode the same" {
	cd "$DATA"
	diff <(pprof2tsv proto/packed.pb | cut -f2-) \
	    <(pprof2tsv proto/unpacked.pb | cut -f2-)
}

@test "gzip is found by its magic bytes; two gzip members are one stream" {
	cd "$DATA"
	diff <(pprof2tsv proto/packed.pb | cut -f2-) \
	    <(pprof2tsv proto/packed.pb.gz | cut -f2-)
	diff <(pprof2tsv proto/packed.pb | cut -f2-) \
	    <(pprof2tsv proto/two-members.pb.gz | cut -f2-)
	diff <(pprof2tsv proto/packed.pb | cut -f2-) \
	    <(pprof2tsv - <proto/packed.pb.gz | cut -f2-)
}

@test "standard input is snapshot -" {
	run sh -c 'pprof2tsv <"$1" | cut -f1 | sort -u' sh "$DATA/proto/packed.pb"
	[ "$output" = "$(printf -- '-\nsnapshot')" ]
}

@test "unsymbolized locations are hexadecimal addresses" {
	golden pprof2tsv nofunc pprof2tsv proto/nofunc.pb
}

@test "a profile without samples writes the header only" {
	golden pprof2tsv empty-samples pprof2tsv proto/empty-samples.pb.gz
}

@test "default_sample_type alloc_space makes an allocs profile" {
	run sh -c 'cd "$1" && pprof2tsv proto/allocs.pb | cut -f3' sh "$DATA"
	[ "$output" = "$(printf 'type\nallocs')" ]
}

@test "type of each public profile" {
	golden pprof2tsv types sh -c 'for f in public/*; do
	    [ "$f" = public/README.txt ] && continue
	    printf "%s\t" "$f"; pprof2tsv "$f" 2>/dev/null | sed -n 2p | cut -f3
	    done'
}

@test "no time in the profile: the file's time, said once per file" {
	stage proto/notime.pb
	cd "$BATS_TEST_TMPDIR"
	run pprof2tsv notime.pb notime.pb
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c 'no time in profile')" -eq 2 ]
	[ "$(printf '%s\n' "$output" | grep -c '2024-02-29T12:00:00.000000000Z')" -eq 8 ]
	run sh -c 'pprof2tsv <notime.pb 2>&1 >/dev/null'
	[ "$output" = "pprof2tsv: stdin: no time in profile, using the file's modification time" ]
	run sh -c 'cat notime.pb | pprof2tsv 2>&1 >/dev/null'
	[ "$output" = "pprof2tsv: stdin: no time in profile, using the current time" ]
}

@test "public profiles: labels, inlining, empty type names, no functions" {
	stage public/parca-dev__parca__profile.pb.gz \
	    public/google__pprof__cppbench.cpu_no_samples_type
	cp "$DATA"/public/parca-dev__parca__node-profile.pb.gz \
	    "$DATA"/public/felixge__pprofutils__pprof.lines.pb.gz \
	    "$DATA"/public/golang__go__inline_hot.pprof \
	    "$DATA"/public/parca-dev__parca__normal-cpu.stripped.pprof \
	    "$DATA"/public/DataDog__dd-trace-go__heap.after.pprof \
	    "$DATA"/public/hellofresh__kangal__pprof.out "$BATS_TEST_TMPDIR"
	golden pprof2tsv public sh -c 'cd "$1" && for f in \
	    parca-dev__parca__node-profile.pb.gz \
	    felixge__pprofutils__pprof.lines.pb.gz \
	    golang__go__inline_hot.pprof \
	    parca-dev__parca__normal-cpu.stripped.pprof \
	    parca-dev__parca__profile.pb.gz \
	    google__pprof__cppbench.cpu_no_samples_type \
	    DataDog__dd-trace-go__heap.after.pprof \
	    hellofresh__kangal__pprof.out; do pprof2tsv "$f"; done' \
	    sh "$BATS_TEST_TMPDIR"
}

@test "Go debug=1 text goes to the legacy reader" {
	stage legacy/goroutine.txt
	golden pprof2tsv legacy-goroutine sh -c 'cd "$1" && pprof2tsv goroutine.txt' \
	    sh "$BATS_TEST_TMPDIR"
}

@test "debug=1 text: a labels line of 300 labels, escapes decoded" {
	# Each label string had room made for the rest of its line: memory
	# quadratic in the line (21 GB for 40000 labels, 550 KB).  Now room
	# for the string alone; the labels are as before.
	stage legacy/labels-many.txt
	golden pprof2tsv legacy-labels sh -c 'cd "$1" && pprof2tsv labels-many.txt' \
	    sh "$BATS_TEST_TMPDIR"
}

@test "column sums equal go tool pprof's totals" {
	local f n=0
	while IFS= read -r line; do
		case $line in '#'*|'') continue ;; esac
		f=${line%%	*}
		got=$(cd "$DATA" && column_sums "$f")
		[ "$got" = "$line" ] || {
			echo "pprof2tsv: $got"
			echo "pprof:     $line"
			return 1
		}
		n=$((n + 1))
	done <"$DATA/pprof-totals.tsv"
	[ "$n" -ge 35 ]
}

# ---- errors ----------------------------------------------------------

@test "damaged, misnamed and unsupported files: one line each, exit 1" {
	golden pprof2tsv errors sh -c 'for f in proto/bad-*.pb proto/dup-location.pb \
	    proto/zero-location.pb proto/values.pb proto/truncated.pb.gz \
	    proto/corrupt.pb proto/concatenated.pb proto/trailing.pb.gz \
	    proto/first-string.pb proto/empty-gzip.pb.gz proto/empty.pb \
	    proto/ok.pb.gz bad/*.bin legacy/cppbench.* legacy/fuzz-delta \
	    legacy/java.* legacy/jemalloc.heap legacy/go.godoc.thread \
	    legacy/heapz-fuzz; do
	    pprof2tsv "$f" >/dev/null; echo "exit $?"; done' 2>&1
}

@test "a bad sample late in a profile: the rows before it, then the error" {
	golden pprof2tsv many pprof2tsv proto/many.pb.gz
	golden pprof2tsv bad-late pprof2tsv proto/bad-late.pb.gz
	# The 200 rows before sample 201, as in the good file.  (When the
	# first sample is bad, not even the header is written: see the
	# fuzz-empty-packed goldens.)
	[ "$(wc -l <"$GOLDEN/pprof2tsv/bad-late.out")" -eq 201 ]
	head -201 "$GOLDEN/pprof2tsv/many.out" | sed 's/many\.pb/bad-late.pb/' |
	    cmp - "$GOLDEN/pprof2tsv/bad-late.out"
}

@test "--max-bytes caps the file and the decompressed size" {
	golden pprof2tsv max-bytes sh -c '
	    pprof2tsv --max-bytes 100 proto/packed.pb; echo "exit $?"
	    pprof2tsv --max-bytes 400 proto/packed.pb.gz; echo "exit $?"
	    pprof2tsv --max-bytes 1k proto/packed.pb.gz | wc -l; echo "exit $?"' 2>&1
}

@test "a gzip trailer claiming 4 GiB: zlib's length error" {
	# The first buffer was sized (and faulted in) from the claim: 1 GB
	# for this file of 400 bytes.  Now from what deflate could make.
	golden pprof2tsv forged-isize pprof2tsv proto/forged-isize.pb.gz
}

# ---- columns ---------------------------------------------------------

@test "inputs whose sample types differ are refused" {
	golden pprof2tsv mixed pprof2tsv two-leaks/heap-0001.pb.gz \
	    goroutine-chan/goroutine-0001.pb.gz
}

@test "--values picks columns; inputs lacking one are refused" {
	golden pprof2tsv values pprof2tsv --values inuse_space,alloc_objects \
	    two-leaks/heap-0001.pb.gz proto/allocs.pb
	golden pprof2tsv values-missing pprof2tsv --values inuse_space \
	    two-leaks/heap-0001.pb.gz goroutine-chan/goroutine-0001.pb.gz
}

@test "sample types named alike get distinct columns, each the smallest free number" {
	golden pprof2tsv alike pprof2tsv proto/types.pb
	golden pprof2tsv alike-values pprof2tsv --values x_3_2,x,x_2_2 \
	    proto/types.pb
	golden pprof2tsv alike-missing pprof2tsv --values x_4 proto/types.pb
}

# ---- options ---------------------------------------------------------

@test "--lines" {
	golden pprof2tsv lines pprof2tsv --lines proto/packed.pb
}

@test "--focus, --ignore and --tagfocus" {
	golden pprof2tsv filters sh -c '
	    pprof2tsv --focus "cache" proto/packed.pb | cut -f4
	    pprof2tsv --ignore "^runtime\." proto/packed.pb | cut -f4
	    pprof2tsv --focus "main" --ignore "mallocgc" proto/packed.pb | cut -f4
	    pprof2tsv --lines --focus "main.go:6\)$" proto/packed.pb | cut -f4
	    pprof2tsv --tagfocus "wait=^a,b" proto/packed.pb | cut -f4
	    pprof2tsv --tagfocus "size=^64bytes$" --tagfocus "bytes=4096" \
	        proto/packed.pb | cut -f4
	    pprof2tsv --tagfocus "zz=." --tagfocus "bytes=." proto/packed.pb |
	        cut -f4'
}

@test "--folded sums stacks over samples and files, sorted" {
	golden pprof2tsv folded pprof2tsv --folded proto/packed.pb \
	    proto/unpacked.pb
	golden pprof2tsv folded-heap pprof2tsv --folded \
	    --sample-index inuse_space two-leaks/heap-0028.pb.gz \
	    two-leaks/heap-0030.pb.gz
	golden pprof2tsv folded-index pprof2tsv --folded --sample-index 0 \
	    --lines proto/packed.pb
}

@test "--folded total equals the rows' total for stacks that exist" {
	cd "$DATA"
	a=$(pprof2tsv --folded two-leaks/heap-0030.pb.gz |
	    awk '{ s += $NF } END { print s }')
	b=$(pprof2tsv two-leaks/heap-0030.pb.gz |
	    awk -F'\t' 'NR > 1 && $NF != "" { s += $7 } END { print s }')
	[ "$a" = "$b" ]
}

@test "--memstats: one row per debug=1 heap dump" {
	stage legacy/heap.txt
	golden pprof2tsv memstats sh -c 'cd "$1" && pprof2tsv --memstats heap.txt' \
	    sh "$BATS_TEST_TMPDIR"
	run pprof2tsv --memstats "$DATA/proto/packed.pb"
	[ "$status" -eq 1 ]
	[ "$output" = "pprof2tsv: $DATA/proto/packed.pb: no \"# runtime.MemStats\" section" ]
}

# ---- the manual's examples -------------------------------------------

@test "EXAMPLES of pprof2tsv(1) run on examples/archive" {
	cd "$top_srcdir"
	run sh -c 'pprof2tsv examples/archive/heap-*.pb.gz | head -3'
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == snapshot* ]]
	run pprof2tsv --values inuse_space --lines --focus 'main\.startHeartbeat' \
	    examples/archive/heap-0030.pb.gz
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 2 ]
	[[ "${lines[1]}" == *"main.startHeartbeat leakcorpus/ticker-leak/main.go:78"* ]]
	run sh -c 'pprof2tsv --folded --sample-index inuse_space \
	    examples/archive/heap-0028.pb.gz examples/archive/heap-0030.pb.gz |
	    grep -c "main.startHeartbeat [0-9]*$"'
	[ "$output" -ge 1 ]
}

# ---- the whole public corpus, when it is there -----------------------

@test "every file of the public corpus: rows or one clean error" {
	[ -z "${LEAKATLAS_VALGRIND:-}" ] ||
	    skip "a corpus sweep, not a golden test (make check-valgrind)"
	corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}/public
	[ -f "$corpus/MANIFEST.tsv" ] || skip "no public corpus at $corpus"
	while IFS='	' read -r path rest; do
		[ "$path" = path ] && continue
		status=0
		pprof2tsv "$corpus/$path" >/dev/null 2>"$BATS_TEST_TMPDIR/err" ||
		    status=$?
		case $status in
		0) ;;
		1)	[ "$(grep -c . "$BATS_TEST_TMPDIR/err")" -eq 1 ] || {
				echo "$path: more than one line"; return 1; }
			grep -q "^pprof2tsv: $corpus/$path: " \
			    "$BATS_TEST_TMPDIR/err" || {
				echo "$path: $(cat "$BATS_TEST_TMPDIR/err")"
				return 1; } ;;
		*)	echo "$path: exit $status"; cat "$BATS_TEST_TMPDIR/err"
			return 1 ;;
		esac
	done <"$corpus/MANIFEST.tsv"
}
