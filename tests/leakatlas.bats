#!/usr/bin/env bats
# The runner: pipeline files, --set, ${VAR}, --dry-run quoting, running
# the stages with pipes, failures, and every shipped pipeline on its archive.

load lib

setup() {
	# golden runs in tests/data: shipped pipelines are named ../../pipelines/
	LEAKATLAS_DATADIR=../..
	export LEAKATLAS_DATADIR
	unset archive report before after dir top out
}

# Real runs need the stages; they are built from their own branches.
need_stages() {
	local s stages=("$@")
	[ $# -gt 0 ] || stages=(pprof2tsv normalize-gc cluster rank report)
	for s in "${stages[@]}"; do
		command -v "$s" >/dev/null || skip "stage $s not built yet"
	done
}

# --- usage -----------------------------------------------------------

@test "--help and help print the usage and exit 0" {
	golden leakatlas help leakatlas --help
	golden leakatlas help leakatlas help
}

@test "a bad option: getopt's message, the hint, exit 2" {
	golden leakatlas bad-option leakatlas --bogus run nightly
}

@test "no command, an unknown command, a missing pipeline operand" {
	golden leakatlas no-command leakatlas
	golden leakatlas unknown-command leakatlas frobnicate
	golden leakatlas run-no-pipeline leakatlas run
	golden leakatlas set-without-run leakatlas --set a=b list
}

@test "--version names the program and the package" {
	run leakatlas --version
	[ "$status" -eq 0 ]
	[[ "$output" == "leakatlas (leakatlas) "[0-9]* ]]
}

@test "list shows every shipped pipeline with its description" {
	golden leakatlas list leakatlas list
}

@test "check accepts every shipped pipeline and prints nothing" {
	golden leakatlas check-shipped leakatlas check nightly quick \
	    goroutines memstats-drift fix-verify
}

@test "a missing pipeline file is an I/O error, exit 1" {
	golden leakatlas missing-pipeline leakatlas run no-such.yaml
}

@test "writing to /dev/full is an error, exit 1" {
	run bash -c 'leakatlas help >/dev/full'
	[ "$status" -eq 1 ]
	[ "$output" = "leakatlas: write error on stdout: No space left on device" ]
	cd "$DATA"
	run bash -c 'leakatlas run -n nightly --set archive=two-leaks >/dev/full'
	[ "$status" -eq 1 ]
	[ "$output" = "leakatlas: write error on stdout: No space left on device" ]
}

# --- dry runs of the shipped pipelines ---------------------------------

@test "--dry-run prints each shipped pipeline as a shell command" {
	golden leakatlas dry-nightly leakatlas run --dry-run nightly \
	    --set archive=two-leaks
	golden leakatlas dry-nightly-inputs leakatlas run -n nightly \
	    two-leaks/heap-0001.pb.gz two-leaks/heap-0030.pb.gz
	golden leakatlas dry-quick leakatlas run -n quick \
	    two-leaks/heap-0001.pb.gz two-leaks/heap-0030.pb.gz
	golden leakatlas dry-goroutines leakatlas run -n goroutines \
	    --set archive=goroutine-chan
	golden leakatlas dry-fix-verify leakatlas run -n fix-verify \
	    --set before=two-leaks --set after=two-leaks
}

@test "quick without its two snapshots says how to give them" {
	golden leakatlas quick-no-inputs leakatlas run -n quick
}

@test "a glob that matches nothing is an error naming it" {
	golden leakatlas no-match leakatlas run -n nightly --set archive=nowhere
}

# --- --set and ${VAR} ----------------------------------------------------

@test "--set overrides, adds and removes stage options and the output" {
	golden leakatlas set-options leakatlas run -n nightly \
	    --set archive=two-leaks --set rank.top=5 --set rank.fail-on= \
	    --set cluster.threshold=0.5 --set report.f=text \
	    --set report.lines=true --set output=-x.html
	golden leakatlas set-run leakatlas run -n fix-verify \
	    --set before=two-leaks --set after=two-leaks --set before.rank.top=3 \
	    --set compare.output=verdict.txt
}

@test "--set mistakes are usage errors" {
	golden leakatlas set-no-equals leakatlas run -n nightly --set rank.top
	golden leakatlas set-bad-stage leakatlas run -n nightly --set rm.rf=1
	golden leakatlas set-no-step leakatlas run -n quick --set cluster.threshold=1 a b
	golden leakatlas set-unused leakatlas run -n nightly --set archive=two-leaks --set topp=5
	golden leakatlas set-bad-name leakatlas run -n nightly --set 'a b=1'
}

@test "\${VAR} comes from --set, then the environment; defaults; \$\$" {
	export LEAKATLAS_TEST_FOCUS='from env'
	golden leakatlas vars-env leakatlas run -n leakatlas/vars.yaml
	golden leakatlas vars-set leakatlas run -n leakatlas/vars.yaml \
	    --set LEAKATLAS_TEST_FOCUS=from-set --set top=3 --set dir=d \
	    --set out=o
	unset LEAKATLAS_TEST_FOCUS
	golden leakatlas vars-undefined leakatlas run -n leakatlas/vars.yaml
	golden leakatlas vars-unterminated leakatlas run -n leakatlas/bad-var.yaml
}

@test "booleans are bare flags or left out, lists repeat, short keys get one dash" {
	golden leakatlas flags leakatlas run -n leakatlas/flags.yaml
}

# --- hostile YAML ------------------------------------------------------

@test "shell syntax in values is quoted by --dry-run" {
	golden leakatlas hostile leakatlas run -n leakatlas/hostile.yaml
}

@test "the --dry-run quoting gives the stages back the very same words" {
	local script
	script=$(cd "$DATA" && leakatlas run -n leakatlas/hostile.yaml)
	cd "$BATS_TEST_TMPDIR"
	# Stand-ins print their arguments one per line; a shell runs the script.
	run bash -c '
	    pprof2tsv() { printf "pprof2tsv\n"; printf "[%s]\n" "$@"; }
	    cluster() { cat; printf "cluster\n"; printf "[%s]\n" "$@"; }
	    rank() { cat; printf "rank\n"; printf "[%s]\n" "$@"; }
	    '"$script"'; cat "report \$ & #1.html"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "pprof2tsv" ]
	[ "${lines[1]}" = "[--focus]" ]
	[ "${lines[2]}" = '[main\.(leak|grow)$]' ]
	[ "${lines[4]}" = "[it's | > x]" ]
	[ "${lines[5]}" = '[a file; rm -rf $HOME.pb.gz]' ]
	[ "${lines[6]}" = '[$(touch pwned)`touch pwned2`.pb.gz]' ]
	[ "${lines[9]}" = "[0.7 && touch pwned3]" ]
	[ "${lines[13]}" = "[*]" ]
	[ "${lines[15]}" = "[~user]" ]
	[ "${lines[17]}" = "[]" ]
	[ "${lines[19]}" = "[tab	here]" ]
	[ "${lines[22]}" = "[5;reboot]" ]
	[ ! -e pwned ] && [ ! -e pwned2 ] && [ ! -e pwned3 ]
	[ -f "suspects (copy).tsv" ]
}

@test "bad YAML names file:line:column and what was expected" {
	golden leakatlas bad-indent leakatlas check leakatlas/bad-indent.yaml
	golden leakatlas tab leakatlas check leakatlas/tab.yaml
	golden leakatlas unclosed leakatlas check leakatlas/unclosed.yaml
	golden leakatlas two-documents leakatlas check leakatlas/two-documents.yaml
}

@test "an empty file, a comment, a list or a value at the top are refused" {
	golden leakatlas empty leakatlas check leakatlas/empty.yaml
	golden leakatlas comment-only leakatlas check leakatlas/comment-only.yaml
	golden leakatlas top-list leakatlas check leakatlas/top-list.yaml
	golden leakatlas top-scalar leakatlas check leakatlas/top-scalar.yaml
}

@test "only our own stages: an unknown stage or a path is refused" {
	golden leakatlas unknown-stage leakatlas run leakatlas/unknown-stage.yaml
	golden leakatlas path-stage leakatlas run leakatlas/path-stage.yaml
}

@test "schema mistakes name their place" {
	golden leakatlas unknown-key leakatlas check leakatlas/unknown-key.yaml
	golden leakatlas duplicate-key leakatlas check leakatlas/duplicate-key.yaml
	golden leakatlas two-stages leakatlas check leakatlas/two-stages.yaml
	golden leakatlas bad-option-name leakatlas check leakatlas/bad-option-name.yaml
	golden leakatlas no-steps leakatlas check leakatlas/no-steps.yaml
	golden leakatlas no-steps-key leakatlas check leakatlas/no-steps-key.yaml
	golden leakatlas nested-value leakatlas check leakatlas/nested-value.yaml
	golden leakatlas tee-in-options leakatlas check leakatlas/tee-in-options.yaml
}

@test "a duplicate among 300 keys or 80 run names is found and named" {
	# Each key was compared with every key before it, and each run name
	# with every earlier one: quadratic (3 s for 20000 keys, 420 KB).
	# Now by hash; the first repeat is reported, as before.
	golden leakatlas many-keys leakatlas check leakatlas/many-keys.yaml
	golden leakatlas many-runs leakatlas check leakatlas/many-runs.yaml
}

# --- real runs ---------------------------------------------------------

@test "a stage failing in the middle: its status, its name, no output left" {
	need_stages
	cd "$DATA"
	run leakatlas run leakatlas/fail-middle.yaml --set tmp="$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[ "${lines[${#lines[@]}-1]}" = "leakatlas: cluster (step 3) failed with exit status 1" ]
	[[ "$output" == *"missing.tsv"* ]]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR")" ]
}

@test "not installed: pipeline names are found next to the program" {
	[ "$(cd "$top_srcdir" && pwd)" = "$(cd "$top_builddir" && pwd)" ] ||
	    skip "a build tree outside the source tree has no pipelines/"
	run env -u LEAKATLAS_DATADIR "$top_builddir/leakatlas" list
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | cut -d' ' -f1 | paste -sd,)" = \
	    "fix-verify,goroutines,memstats-drift,nightly,quick" ]
	run env -u LEAKATLAS_DATADIR "$top_builddir/leakatlas" run -n quick \
	    a.pb.gz b.pb.gz
	[ "$status" -eq 0 ]
}

@test "a reader that goes away ends leakatlas run quietly (SIGPIPE), no tee left" {
	local st
	need_stages pprof2tsv normalize-gc
	cd "$DATA"
	# Megabytes of rows into head -1: normalize-gc is killed by SIGPIPE,
	# and so is leakatlas, without a word.  env restores SIGPIPE's
	# default action, whatever the caller did.
	st=$(env --default-signal=PIPE sh -c '
	    leakatlas run leakatlas/rows-stdout.yaml --set tmp="$1" 2>"$1/err"
	    echo $? >"$1/st"' sh "$BATS_TEST_TMPDIR" | head -1 | cut -f1-3
	    cat "$BATS_TEST_TMPDIR/st")
	[ "$st" = "snapshot	time	type
141" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(cd "$BATS_TEST_TMPDIR" && echo *)" = "err st" ]
}

@test "shell syntax in a real run reaches the stage as one literal word" {
	need_stages pprof2tsv
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'inputs: ["$(touch pwned); `touch pwned2` x.pb.gz"]' \
	    'steps: [pprof2tsv]' 'output: out.tsv' >p.yaml
	run leakatlas run p.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *'$(touch pwned); `touch pwned2` x.pb.gz'* ]]
	[ "${lines[${#lines[@]}-1]}" = "leakatlas: pprof2tsv (step 1) failed with exit status 1" ]
	[ ! -e pwned ] && [ ! -e pwned2 ] && [ ! -e out.tsv ]
}

# The process number of PARENT's child running NAME, from /proc.
child_of() {
	local d
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = "$2" ] || continue
		[ "$(cut -d' ' -f4 "$d/stat" 2>/dev/null)" = "$1" ] || continue
		echo "${d#/proc/}"
		return 0
	done
	return 1
}

# Start "leakatlas run p.yaml" reading a FIFO we hold open; sets runner.
start_held() {
	[ -z "${LEAKATLAS_VALGRIND:-}" ] ||
	    skip "stages are found by process name, valgrind's under valgrind"
	mkfifo in
	leakatlas run p.yaml <in >out 2>err 3>&- &
	runner=$!
	exec 7>in
	local i
	for i in $(seq 100); do
		child_of "$runner" normalize-gc >/dev/null &&
		    child_of "$runner" rank >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# A failed check must not leave the FIFO open and the runner waiting.
teardown() {
	exec 7>&- || true
	if [ -n "${runner:-}" ]; then
		kill "$runner" 2>/dev/null || true
	fi
}

@test "a stage killed by a signal: 128 + signal, named, no output left" {
	need_stages normalize-gc rank
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'steps: [normalize-gc, rank]' 'output: ranked.tsv' >p.yaml
	start_held
	local victim
	victim=$(child_of "$runner" normalize-gc)
	kill -KILL "$victim"
	exec 7>&-
	status=0
	wait "$runner" || status=$?
	[ "$status" -eq 137 ]
	[ "$(tail -n 1 err)" = "leakatlas: normalize-gc (step 1) was killed by signal 9 (Killed)" ]
	[ ! -e ranked.tsv ] && [ -z "$(ls -A | grep tmp)" ]
}

@test "SIGTERM to the runner stops every stage and leaves no output" {
	need_stages normalize-gc rank
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'steps: [normalize-gc, rank]' 'output: ranked.tsv' >p.yaml
	start_held
	local a b
	a=$(child_of "$runner" normalize-gc)
	b=$(child_of "$runner" rank)
	kill -TERM "$runner"
	status=0
	wait "$runner" || status=$?
	exec 7>&-
	[ "$status" -eq 143 ]
	sleep 0.5
	for p in $a $b; do
		[ ! -e /proc/$p ] || [ "$(cut -d' ' -f3 /proc/$p/stat)" = Z ]
	done
	[ ! -e ranked.tsv ] && [ -z "$(ls -A | grep tmp)" ]
}

@test "rank's exit 3 comes through after the outputs are committed" {
	need_stages pprof2tsv normalize-gc rank
	cd "$DATA"
	run leakatlas run leakatlas/found.yaml --set tmp="$BATS_TEST_TMPDIR"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$(head -c 5 "$BATS_TEST_TMPDIR/ranked.tsv")" = "rank	" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ranked.tsv")" -eq 4 ]
	[ "$(head -1 "$BATS_TEST_TMPDIR/normalized.tsv" | cut -f1-3)" = "snapshot	time	type" ]
}

# --- the shipped pipelines on the shipped archives --------------------

@test "nightly on two-leaks: the HTML report, exit 3" {
	need_stages
	golden leakatlas nightly-two-leaks leakatlas run nightly \
	    --set archive=two-leaks --set output=-
}

@test "nightly on examples/archive, as the README runs it (text report)" {
	need_stages
	golden leakatlas nightly-example leakatlas run nightly \
	    --set report.f=text --set output=- --set archive=../../examples/archive
}

@test "quick on two snapshots" {
	need_stages
	golden leakatlas quick-two-leaks leakatlas run quick \
	    two-leaks/heap-0001.pb.gz two-leaks/heap-0030.pb.gz
}

@test "goroutines on goroutine-chan" {
	need_stages
	golden leakatlas goroutines-chan leakatlas run goroutines \
	    --set archive=goroutine-chan
}

@test "memstats-drift on debug=1 dumps" {
	need_stages
	# debug=1 dumps carry no time: pprof2tsv takes the file's, so set it.
	local f i=0
	mkdir "$BATS_TEST_TMPDIR/memstats"
	for f in "$DATA"/leakatlas/memstats/heap-*.txt; do
		cp "$f" "$BATS_TEST_TMPDIR/memstats/"
		touch -d "2026-11-26 03:30:$((10 + i)) UTC" \
		    "$BATS_TEST_TMPDIR/memstats/${f##*/}"
		i=$((i + 5))
	done
	LEAKATLAS_DATADIR=$top_srcdir
	golden leakatlas memstats-drift bash -c "cd '$BATS_TEST_TMPDIR' &&
	    leakatlas run memstats-drift --set archive=memstats"
}

@test "fix-verify: the same archive before and after: no regression, but its leaks still leak, exit 3" {
	need_stages
	golden leakatlas fix-verify-same leakatlas run fix-verify \
	    --set before=two-leaks --set after=two-leaks
}

@test "fix-verify: another program after: two leaks fixed, a new one and new growth, exit 3" {
	need_stages
	golden leakatlas fix-verify-regression leakatlas run fix-verify \
	    --set before=two-leaks --set after=../../examples/archive
}
