#!/bin/sh
# Accuracy bar of rank on the generated corpus: for every scenario with a
# TRUTH.tsv, `pprof2tsv heap-*.pb.gz | normalize-gc | rank` must name the
# true leak function(s) first, in order, each with the verdict `leak`, and
# give no `leak` verdict on no-leak-control or on a listed false-positive
# trap.  Judged by function
# (the site's function).  Also shows what the naive method names: the
# largest inuse_space growth from the first to the last snapshot.
#
#   tests/bench/accuracy.sh [SCENARIO...]
#
# Run from the build tree.  The corpus is $LEAKATLAS_CORPUS/gen/out
# (default /work/shared/corpus).  normalize-gc is used when it is built.
# SAMPLES_CMD, when set, replaces the decoder: it is run as
# `$SAMPLES_CMD DIR` and must print the sample rows of DIR's heap-*.pb.gz.
# A scenario with too few snapshots for any verdict (rank says
# insufficient first, and calls no trap a leak) is reported as such, not
# as a failure.  Exit status 0 when no scenario fails, 1 otherwise.
set -eu

corpus=${LEAKATLAS_CORPUS:-/work/shared/corpus}/gen/out
PATH=$(pwd):$PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

samples() {
	if [ -n "${SAMPLES_CMD:-}" ]; then
		$SAMPLES_CMD "$1"
	else
		pprof2tsv "$1"/heap-*.pb.gz
	fi
}

if [ -z "${SAMPLES_CMD:-}" ] && ! command -v pprof2tsv >/dev/null; then
	echo "accuracy.sh: pprof2tsv is not built; nothing to measure" >&2
	exit 77
fi
norm=cat
command -v normalize-gc >/dev/null && norm=normalize-gc

if [ $# -eq 0 ]; then
	set --
	for d in "$corpus"/*/; do
		[ -f "$d/TRUTH.tsv" ] && set -- "$@" "$(basename "$d")"
	done
fi

# The distinct functions of a rank output, best first, with the verdict
# of their best row: "function<TAB>verdict" lines.
functions() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{
		f = $c["site"]
		sub(/ .*/, "", f)
		if (f == "") f = $c["group"]
		if (!(f in seen)) { seen[f] = 1; print f "\t" $c["verdict"] }
		if ($c["verdict"] == "leak") leak[f] = 1
	}
	END { for (f in leak) print f > "/dev/stderr" }' "$1"
}

# The naive answer: the N functions whose inuse_space grew most between
# the first and the last snapshot.
naive() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{
		t = $c["time"]
		if (first == "" || t < first) first = t
		if (last == "" || t > last) last = t
		f = $c["site"]
		sub(/ .*/, "", f)
		v[t, f] += $c["inuse_space"]
		fn[f] = 1
	}
	END {
		for (f in fn)
			printf "%.0f\t%s\n", v[last, f] - v[first, f], f
	}' "$2" | LC_ALL=C sort -t "$(printf '\t')" -k1,1nr -k2,2 |
	    head -n "$1" | cut -f2 | paste -sd, -
}

fail=0
printf '%-17s %-32s %-32s %-9s %-32s %s\n' scenario "truth (in order)" \
    "rank (first functions)" verdict "naive (first->last growth)" result
for s in "$@"; do
	d=$corpus/$s
	samples "$d" | $norm >"$tmp/samples.tsv"
	rank "$tmp/samples.tsv" >"$tmp/rank.tsv"
	functions "$tmp/rank.tsv" >"$tmp/funcs" 2>"$tmp/leaks"
	awk -F'\t' 'NR > 1 && $2 == "yes" { print $3 }' "$d/TRUTH.tsv" \
	    >"$tmp/truth"
	awk -F'\t' 'NR > 1 { n = split($6, a, ";")
	    for (i = 1; i <= n; i++) { sub(/=.*/, "", a[i]); print a[i] } }' \
	    "$d/TRUTH.tsv" | sort -u >"$tmp/traps"
	k=$(wc -l <"$tmp/truth")
	head -n "$k" "$tmp/funcs" | cut -f1 >"$tmp/got"
	ok=yes
	why=
	if ! cmp -s "$tmp/truth" "$tmp/got"; then
		ok=no
		why="wrong order"
	elif head -n "$k" "$tmp/funcs" | cut -f2 | grep -qvx leak; then
		ok=no
		why="truth not called leak"
	fi
	if [ "$k" -eq 0 ] && [ -s "$tmp/leaks" ]; then
		ok=no
		why="leak verdict in a control: $(head -1 "$tmp/leaks")"
	fi
	bad=$(sort -u "$tmp/leaks" | comm -12 - "$tmp/traps" | head -1)
	if [ -n "$bad" ]; then
		ok=no
		why="trap called leak: $bad"
	fi
	if [ "$k" -eq 0 ]; then
		truth=-
		got=$(head -1 "$tmp/funcs" | cut -f1)
		verdict=$(head -1 "$tmp/funcs" | cut -f2)
	else
		truth=$(paste -sd, "$tmp/truth")
		got=$(paste -sd, "$tmp/got")
		verdict=$(head -n "$k" "$tmp/funcs" | cut -f2 | paste -sd, -)
	fi
	if [ "$ok" = no ] && [ -z "$bad" ] && [ "$k" -gt 0 ] &&
	    [ "$(head -1 "$tmp/funcs" | cut -f2)" = insufficient ]; then
		ok=insufficient
		why=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++)
		    if ($i == "snapshots") c = i } NR == 2 { print $c }' \
		    "$tmp/rank.tsv")
	fi
	nv=$(naive "$((k > 0 ? k : 1))" "$tmp/samples.tsv")
	case $ok in
	yes)	res=PASS ;;
	insufficient)
		res="insufficient ($why snapshots: no verdict, not a failure)" ;;
	*)	res="FAIL ($why)"
		fail=1 ;;
	esac
	printf '%-17s %-32s %-32s %-9s %-32s %s\n' "$s" "$truth" "$got" \
	    "$verdict" "$nv" "$res"
done
exit $fail
