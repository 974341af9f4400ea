#!/usr/bin/env bats
# report: the forensic report and fix verification.

load lib

R=report

@test "report --help" {
	golden report help report --help
}

@test "report: a bad option exits 2 with the hint" {
	golden report bad-option report --frobnicate
}

@test "report: a bad --format exits 2" {
	golden report bad-format report -f pdf report/suspects.tsv
}

@test "report: --before without --after exits 2" {
	golden report before-alone report --before report/before.tsv
}

@test "report: a missing file exits 1" {
	golden report missing-file report report/no-such.tsv
}

@test "report: empty input names the file" {
	golden report empty-input report /dev/null
}

@test "report: a header alone says no leak was found" {
	printf 'rank\tsite\n' >"$BATS_TEST_TMPDIR/h.tsv"
	run report "$BATS_TEST_TMPDIR/h.tsv"
	[ "$status" -eq 0 ]
	[[ "$output" == *"No leak found: none of the 0 suspects"* ]]
}

@test "report: too few snapshots is said, in every format, not an all-clear" {
	cd "$DATA"
	pprof2tsv two-leaks/heap-0001.pb.gz two-leaks/heap-0030.pb.gz |
	    rank --top 3 >"$BATS_TEST_TMPDIR/r.tsv"
	[ "$(cut -f3 "$BATS_TEST_TMPDIR/r.tsv" | sort -u | paste -sd,)" = \
	    "insufficient,verdict" ]
	want="No leak verdict: 3 of 3 suspects had too few snapshots to test (insufficient)."
	run report -f text "$BATS_TEST_TMPDIR/r.tsv"
	[ "${lines[3]}" = "$want" ]
	run report -f markdown "$BATS_TEST_TMPDIR/r.tsv"
	[[ "$output" == *"**$want**"* ]]
	run report -f html "$BATS_TEST_TMPDIR/r.tsv"
	[[ "$output" == *"<p class=\"unsure\"><strong>$want</strong></p>"* ]]
}

@test "report: a missing site column is named" {
	golden report no-site report
}

@test "report: a malformed row names its line" {
	golden report bad-rank report report/bad-rank.tsv
}

@test "report: a malformed series names its line" {
	golden report bad-series report report/bad-series.tsv
}

@test "report: writing to a full disk exits 1" {
	run sh -c 'report "$1" >/dev/full' sh "$DATA/report/suspects.tsv"
	[ "$status" -eq 1 ]
	[[ "$output" == *"write error"* ]]
}

@test "report: text, every input" {
	golden report text report --samples report/samples.tsv \
	    --drift report/drift.tsv --memstats report/memstats.tsv \
	    --escape report/escape.txt --source-root report/src \
	    report/suspects.tsv
}

@test "report: markdown, every input" {
	golden report markdown report -f markdown \
	    --samples report/samples.tsv --drift report/drift.tsv \
	    --memstats report/memstats.tsv --escape report/escape.txt \
	    --source-root report/src report/suspects.tsv
}

@test "report: html, every input" {
	golden report html report -f html --samples report/samples.tsv \
	    --drift report/drift.tsv --memstats report/memstats.tsv \
	    --escape report/escape.txt --source-root report/src \
	    report/suspects.tsv
}

@test "report: rank rows alone, from standard input" {
	golden report stdin report --top 2 -
}

@test "report: goroutine suspects match on their blocking op" {
	golden report goroutines report report/goroutines.tsv
}

@test "report: no leak verdict says so plainly" {
	golden report no-leak report -f markdown report/noleak.tsv
}

@test "report: text fits 100 columns" {
	cd "$DATA"
	report --samples report/samples.tsv --source-root report/src \
	    --escape report/escape.txt --top 0 report/suspects.tsv \
	    report/suspects.tsv >"$BATS_TEST_TMPDIR/t.txt"
	command -v python3 >/dev/null || skip "no python3"
	run python3 -c 'import sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if len(l.rstrip("\n")) > 100:
        print(i, len(l.rstrip("\n")))' "$BATS_TEST_TMPDIR/t.txt"
	[ -z "$output" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/t.txt")" -gt 100 ]
}

@test "report: -o writes atomically and picks html from the name" {
	cd "$DATA"
	report -o "$BATS_TEST_TMPDIR/r.html" report/suspects.tsv
	head -1 "$BATS_TEST_TMPDIR/r.html" | grep -qx '<!DOCTYPE html>'
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp)" ]
}

@test "report: a failed run leaves no output file" {
	cd "$DATA"
	run report -o "$BATS_TEST_TMPDIR/r.html" report/bad-rank.tsv
	[ "$status" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/r.html" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR")" ]
}

@test "report: the HTML is well-formed and self-contained" {
	command -v python3 >/dev/null || skip "no python3"
	cd "$DATA"
	report -f html --samples report/samples.tsv --drift report/drift.tsv \
	    --memstats report/memstats.tsv --escape report/escape.txt \
	    --source-root report/src report/suspects.tsv \
	    >"$BATS_TEST_TMPDIR/r.html"
	python3 "$top_srcdir/tests/htmlcheck.py" "$BATS_TEST_TMPDIR/r.html"
	report -f html report/goroutines.tsv >"$BATS_TEST_TMPDIR/g.html"
	python3 "$top_srcdir/tests/htmlcheck.py" "$BATS_TEST_TMPDIR/g.html"
}

@test "report: the HTML checker catches a broken page" {
	command -v python3 >/dev/null || skip "no python3"
	printf '<!DOCTYPE html>\n<html><head><title>x</title></head><body><p><b>x</p>\n<script src="http://x/a.js"></script></body></html>\n' \
	    >"$BATS_TEST_TMPDIR/bad.html"
	run python3 "$top_srcdir/tests/htmlcheck.py" "$BATS_TEST_TMPDIR/bad.html"
	[ "$status" -eq 1 ]
	[[ "$output" == *"</p> closes <b>"* ]]
	[[ "$output" == *"<script> is not allowed"* ]]
}

@test "report: headless Chromium renders the HTML, not a blank page" {
	[ -x /usr/bin/chromium ] || skip "no /usr/bin/chromium"
	command -v python3 >/dev/null || skip "no python3"
	cd "$DATA"
	report -f html --samples report/samples.tsv --source-root report/src \
	    report/suspects.tsv >"$BATS_TEST_TMPDIR/r.html"
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$BATS_TEST_TMPDIR/profile" \
	    --screenshot="$BATS_TEST_TMPDIR/r.png" --window-size=1200,1600 \
	    "file://$BATS_TEST_TMPDIR/r.html" >/dev/null 2>&1 || true
	[ -s "$BATS_TEST_TMPDIR/r.png" ]
	python3 "$top_srcdir/tests/pngcheck.py" "$BATS_TEST_TMPDIR/r.png" 50
	printf '<!DOCTYPE html><html><head><title>x</title></head><body></body></html>\n' \
	    >"$BATS_TEST_TMPDIR/blank.html"
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$BATS_TEST_TMPDIR/profile2" \
	    --screenshot="$BATS_TEST_TMPDIR/blank.png" --window-size=400,300 \
	    "file://$BATS_TEST_TMPDIR/blank.html" >/dev/null 2>&1 || true
	run python3 "$top_srcdir/tests/pngcheck.py" "$BATS_TEST_TMPDIR/blank.png" 50
	[ "$status" -eq 1 ]
}

@test "report: --rules adds a rule that wins over the defaults" {
	golden report rules-extend report --top 1 --rules report/extra-rules.yaml \
	    --source-root report/src report/suspects.tsv
}

@test "report: --rules-only replaces the defaults" {
	cd "$DATA"
	run report --top 2 --rules-only report/extra-rules.yaml \
	    --source-root report/src report/suspects.tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *"pattern   session-store:"* ]]
	[[ "$output" != *"append-only-slice"* ]]
}

@test "report: a bad rules file names its line" {
	golden report bad-rules report --rules report/bad-rules.yaml \
	    report/suspects.tsv
}

@test "report: a bad regular expression in a rule names the rule" {
	golden report bad-regex report --rules-only report/bad-regex.yaml \
	    report/suspects.tsv
}

@test "report: patterns compiling past 65536 instructions in all are refused" {
	# A 16-byte pattern compiles to 20401 instructions ({n,m} copies its
	# operand) and a search costs up to that many steps per byte: 400
	# such rules (38 KB) took 7 s and 200 MB.  The file's patterns now
	# share one budget; the shipped rules use about 1300.
	golden report big-regex report --rules-only report/big-regex.yaml \
	    report/suspects.tsv
}

@test "report: a rule named as an earlier one is skipped among 100" {
	# The names were compared with every rule loaded before: quadratic
	# in the rules (2.2 s for 16000).  Now by hash; the second r042,
	# which would match every site, is not loaded.
	golden report many-rules report --top 2 --rules-only \
	    report/many-rules.yaml report/suspects.tsv
}

@test "report: no default rules file is an error naming it" {
	LEAKATLAS_DATADIR=/nonexistent run report "$DATA/report/suspects.tsv"
	[ "$status" -eq 1 ]
	[ "$output" = "report: /nonexistent/common/rules.yaml: No such file or directory" ]
}

@test "report: fix verification, the fix worked" {
	golden report fix-ok report --before report/before.tsv \
	    --after report/after.tsv
}

@test "report: fix verification, a regression exits 3" {
	golden report fix-regressed report --before report/after.tsv \
	    --after report/before.tsv -f markdown
}

@test "report: fix verification, rank's verdicts: new, unsure, fixed" {
	# verdicts-after.tsv is suspects.tsv with verdicts changed: a steady
	# site became a leak (new, exit 3); of recordError's two leak groups
	# one is insufficient and one steady (the stronger, unsure, counts);
	# sessionStore's leak group is steady and its plateau group stays
	# (fixed; plateau before steady by name).
	golden report fix-verdicts report -f markdown \
	    --before report/suspects.tsv --after report/verdicts-after.tsv
}

@test "report: fix verification with rank and MemStats rows, html" {
	golden report fix-html report -f html --tolerance 10% \
	    --before report/suspects.tsv --before report/memstats.tsv \
	    --after report/suspects.tsv --after report/memstats.tsv
}

@test "report: a bad --tolerance exits 2" {
	golden report bad-tolerance report --tolerance lots \
	    --before report/before.tsv --after report/after.tsv
}

# The real pipeline on the shipped two-leaks archive.
pipeline() {
	cd "$DATA"
	pprof2tsv two-leaks/heap-*.pb.gz | normalize-gc --keep-repeats \
	    >"$BATS_TEST_TMPDIR/rows.tsv"
	if command -v cluster >/dev/null; then
		cluster "$BATS_TEST_TMPDIR/rows.tsv" >"$BATS_TEST_TMPDIR/c.tsv"
		mv "$BATS_TEST_TMPDIR/c.tsv" "$BATS_TEST_TMPDIR/rows.tsv"
	fi
	rank "$BATS_TEST_TMPDIR/rows.tsv" >"$BATS_TEST_TMPDIR/rank.tsv"
	rank --drift "$BATS_TEST_TMPDIR/rows.tsv" >"$BATS_TEST_TMPDIR/drift.tsv"
}

@test "report: the whole pipeline on two-leaks, text" {
	command -v pprof2tsv >/dev/null && command -v rank >/dev/null ||
	    skip "no pprof2tsv or rank"
	pipeline
	report --samples "$BATS_TEST_TMPDIR/rows.tsv" \
	    --drift "$BATS_TEST_TMPDIR/drift.tsv" --source-root report/src \
	    --escape report/escape.txt "$BATS_TEST_TMPDIR/rank.tsv" \
	    >"$BATS_TEST_TMPDIR/r.txt"
	sed -n '/^#1 /,/^$/p' "$BATS_TEST_TMPDIR/r.txt" >"$BATS_TEST_TMPDIR/s1"
	grep -q '^#1  leak .*main\.(\*sessionStore)\.open$' "$BATS_TEST_TMPDIR/s1"
	grep -q 'site      leakcorpus/two-leaks/main.go:138' "$BATS_TEST_TMPDIR/s1"
	grep -q 'pattern   map-growth:' "$BATS_TEST_TMPDIR/s1"
	grep -q 'escape    two-leaks/main.go:138:16: make(\[\]byte, sessionStateSize) escapes to heap' \
	    "$BATS_TEST_TMPDIR/s1"
	grep -q '^archive   11 snapshots' "$BATS_TEST_TMPDIR/r.txt"
	grep -A12 '^#2 ' "$BATS_TEST_TMPDIR/r.txt" | grep -q 'main.recordError'
	grep -A12 '^#2 ' "$BATS_TEST_TMPDIR/r.txt" |
	    grep -q 'pattern   append-only-slice:'
}

@test "report: the whole pipeline on two-leaks, markdown and html" {
	command -v pprof2tsv >/dev/null && command -v rank >/dev/null ||
	    skip "no pprof2tsv or rank"
	pipeline
	report -f markdown --samples "$BATS_TEST_TMPDIR/rows.tsv" \
	    --source-root report/src "$BATS_TEST_TMPDIR/rank.tsv" \
	    >"$BATS_TEST_TMPDIR/r.md"
	grep -q '^| 1 | leak | .* | main.(\\\*sessionStore).open | .* | map-growth |$' \
	    "$BATS_TEST_TMPDIR/r.md"
	report -o "$BATS_TEST_TMPDIR/r.html" --samples "$BATS_TEST_TMPDIR/rows.tsv" \
	    --drift "$BATS_TEST_TMPDIR/drift.tsv" --source-root report/src \
	    "$BATS_TEST_TMPDIR/rank.tsv"
	grep -q '<tr><td><a href="#s1">1</a></td><td>leak</td><td>[0-9.]*</td><td><code>main.(\*sessionStore).open</code>' \
	    "$BATS_TEST_TMPDIR/r.html"
	if command -v python3 >/dev/null; then
		python3 "$top_srcdir/tests/htmlcheck.py" "$BATS_TEST_TMPDIR/r.html"
	fi
}

@test "report: the whole pipeline on goroutine-chan" {
	command -v pprof2tsv >/dev/null && command -v rank >/dev/null ||
	    skip "no pprof2tsv or rank"
	cd "$DATA"
	pprof2tsv goroutine-chan/goroutine-*.pb.gz | rank | report --top 2 \
	    >"$BATS_TEST_TMPDIR/g.txt"
	grep -q '^#1  leak .*main\.backendQuery$' "$BATS_TEST_TMPDIR/g.txt"
	grep -q 'blocked   chan send' "$BATS_TEST_TMPDIR/g.txt"
	[ "$(grep -c 'pattern   goroutine-channel:' "$BATS_TEST_TMPDIR/g.txt")" -eq 2 ]
}

@test "report(1) examples on examples/archive" {
	command -v pprof2tsv >/dev/null && command -v rank >/dev/null ||
	    skip "no pprof2tsv or rank"
	cd "$BATS_TEST_TMPDIR"
	ex=$top_srcdir/examples/archive
	pprof2tsv "$ex"/heap-*.pb.gz | normalize-gc | cluster >rows.tsv
	rank rows.tsv | report --samples rows.tsv -o leaks.html
	grep -q '<code>main.startHeartbeat</code>' leaks.html
	grep -q '<strong>Pattern: ticker-timer</strong>' leaks.html
	rank rows.tsv | report --samples rows.tsv --source-root "$ex" --top 3 \
	    >leaks.txt
	grep -q '^#1  leak .*main.startHeartbeat$' leaks.txt
	# The same archive before and after: nothing regressed.
	pprof2tsv "$ex"/heap-*.pb.gz >before.tsv
	cp before.tsv after.tsv
	run report --before before.tsv --after after.tsv --tolerance 10%
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 regressions beyond the tolerance of 10.0%."* ]]
	# Half the snapshots after: the leak is smaller, nothing regressed;
	# swapped, the leak grew and the exit status is 3.
	pprof2tsv "$ex"/heap-000[1-9].pb.gz "$ex"/heap-001*.pb.gz >after.tsv
	run report --before before.tsv --after after.tsv
	[ "$status" -eq 0 ]
	run report --before after.tsv --after before.tsv
	[ "$status" -eq 3 ]
	[[ "$output" == *"main.startHeartbeat"*"regressed"* ]]
}
