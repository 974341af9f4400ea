#!/bin/sh
# CI step: build the libFuzzer targets with clang in a tree of their own
# and run each for SECONDS (default 60) with run.sh; exit 1 when anything
# crashed (the inputs and logs are kept and named), 2 on bad usage or a
# failed build.
#
#   tests/fuzz/ci.sh [-s SECONDS] [BUILDDIR]
#
# BUILDDIR defaults to a temporary directory, removed afterwards unless
# something crashed.  The source tree must not be configured in place
# (automake refuses a second build tree then): run `make distclean` first.
# CC (default clang) is honoured; make runs with -j2.
set -u
secs=60
while getopts s: opt; do
	case $opt in
	s) secs=$OPTARG ;;
	*) echo "usage: $0 [-s SECONDS] [BUILDDIR]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
case $secs in
''|*[!0-9]*) echo "$0: -s: not a number of seconds: $secs" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "usage: $0 [-s SECONDS] [BUILDDIR]" >&2; exit 2; }

src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -f "$src/config.status" ]; then
	echo "$0: $src is configured in place; run 'make distclean' there" >&2
	exit 2
fi
if [ $# -eq 1 ]; then
	build=$1
	temp=
else
	build=$(mktemp -d "${TMPDIR:-/tmp}/leakatlas-fuzz-ci.XXXXXX") || exit 2
	temp=$build
fi
mkdir -p "$build" && build=$(cd "$build" && pwd) || exit 2

[ -x "$src/configure" ] || (cd "$src" && ./bootstrap) || exit 2
echo "fuzz build in $build"
if ! (cd "$build" && "$src/configure" CC="${CC:-clang}" --enable-fuzzing \
    >configure.log 2>&1); then
	tail -n 30 "$build/configure.log"
	exit 2
fi
if ! (cd "$build" && make -j2 fuzz >build.log 2>&1); then
	tail -n 50 "$build/build.log"
	exit 2
fi

rm -rf "$build/work"
FUZZ_BIN=$build/tests/fuzz FUZZ_WORK=$build/work \
    "$src/tests/fuzz/run.sh" "$secs"
status=$?
if [ $status -ne 0 ]; then
	for f in "$build"/work/*.crash*.log; do
		[ -f "$f" ] || continue
		echo "== $f"
		grep -A 30 '^==[0-9]*==ERROR\|runtime error:\|^INFO: Running\|deadly signal\|ALARM' \
		    "$f" | head -n 60
	done
	echo "crashing inputs (add each to tests/fuzz/regress/ with a test):"
	ls -l "$build/work/crashes"
	exit 1
fi
[ -z "$temp" ] || rm -rf "$temp"
exit 0
