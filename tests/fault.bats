#!/usr/bin/env bats
# Errors are never swallowed: what report cannot show it says it did not
# show, and a failed call (through the fault shim) is exit 1 with one
# message.  The full sweep over every call is `make check-fault`.

load lib

@test "report: a source file without the site's line is named, not shown" {
	golden fault source-short report -n 2 \
	    --source-root report/src-short report/suspects.tsv
}

@test "report: markdown and html say the source was not shown" {
	cd "$DATA"
	run report -n 1 -f markdown --source-root report/src-short \
	    report/suspects.tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *'Source `report/src-short/two-leaks/main.go` (not shown: it has no line 138)'* ]]
	[[ "$output" != *'```go'* ]]
	run report -n 1 -f html --source-root report/src-short \
	    report/suspects.tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *'<p>Source <code>report/src-short/two-leaks/main.go</code> (not shown: it has no line 138)</p>'* ]]
}

@test "report: a --source-root that cannot be listed is an error" {
	cd "$DATA"
	run report --source-root report/suspects.tsv report/suspects.tsv
	[ "$status" -eq 1 ]
	[ "$output" = "report: report/suspects.tsv: not a folder" ]
}

@test "report: out of file descriptors opening a source file is an error" {
	need_shim
	cd "$DATA"
	# The third open is the source file (the first two: the rules and
	# the suspects).  It used to give exit 0, the source left out.
	LEAKATLAS_DATADIR="$top_srcdir" FAULT_CALLS=open FAULT_AT=3 \
	    LD_PRELOAD="$SHIM" \
	    run report -n 1 --source-root report/src report/suspects.tsv
	[ "$status" -eq 1 ]
	[ "$output" = "report: report/src/two-leaks/main.go: Too many open files" ]
}
