# Shared by every tests/*.bats: environment and the golden-file check.
#
# golden TOOL CASE CMD [ARG...]
#   runs CMD inside tests/data (so file names in messages are relative),
#   with stdin from tests/golden/TOOL/CASE.in when that file exists, and
#   compares stdout, stderr and the exit status byte for byte with
#   tests/golden/TOOL/CASE.{out,err,status}.  UPDATE_GOLDEN=1 rewrites them.

export LC_ALL=C TZ=UTC
: "${top_srcdir:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
DATA="$top_srcdir/tests/data"
GOLDEN="$top_srcdir/tests/golden"

golden() {
	local tool=$1 case=$2 base in status
	shift 2
	base="$GOLDEN/$tool/$case"
	in=/dev/null
	[ -f "$base.in" ] && in="$base.in"
	status=0
	(cd "$DATA" && "$@") <"$in" >"$BATS_TEST_TMPDIR/out" \
	    2>"$BATS_TEST_TMPDIR/err" || status=$?
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$GOLDEN/$tool"
		cp "$BATS_TEST_TMPDIR/out" "$base.out"
		cp "$BATS_TEST_TMPDIR/err" "$base.err"
		echo "$status" >"$base.status"
	fi
	diff -u "$base.out" "$BATS_TEST_TMPDIR/out"
	diff -u "$base.err" "$BATS_TEST_TMPDIR/err"
	[ "$status" = "$(cat "$base.status")" ] || {
		echo "exit status $status, expected $(cat "$base.status")"
		return 1
	}
}

# The fault-injection shim (tests/fault/): need_shim skips the test unless
# it is built and can replace malloc (not under ASan, not under valgrind).
SHIM="${top_builddir:-.}/tests/fault/faultinject.so"
need_shim() {
	[ -f "$SHIM" ] || skip "tests/fault/faultinject.so not built"
	[ -z "${LEAKATLAS_VALGRIND:-}" ] || skip "the shim's malloc under valgrind"
	! grep -q __asan_init "$top_builddir/pprof2tsv" ||
	    skip "AddressSanitizer build: LD_PRELOAD of malloc conflicts"
}
