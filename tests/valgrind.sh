#!/bin/sh
# The test suites again with every program under valgrind memcheck: the
# bats suites (the golden tests) through wrappers first on PATH, and the
# unit tests directly.  A run fails when valgrind reports any error or a
# definite or indirect leak: the program then exits 99 (so its golden
# status differs) and its log under $top_builddir/tests/valgrind-log/ is
# not empty (printed at the end).  The runner's stages run under valgrind
# too (--trace-children).
#
#   tests/valgrind.sh [SUITE...]    (default: $SUITES, every test)
#
# Needs top_srcdir, top_builddir, BATS, PROGRAMS (the programs to wrap)
# and SUITES; `make check-valgrind` sets them.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PROGRAMS:?}"
: "${BATS:=bats}"
top_builddir=$(cd "$top_builddir" && pwd)
vbin=$top_builddir/tests/valgrind-bin
vlog=$top_builddir/tests/valgrind-log
VALGRIND="valgrind --error-exitcode=99 --leak-check=full
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
--track-fds=no --trace-children=yes -q"

if ! command -v valgrind >/dev/null; then
	echo "check-valgrind: valgrind is not installed" >&2
	exit 1
fi
for p in $PROGRAMS; do
	if grep -q __asan_init "$top_builddir/$p"; then
		echo "check-valgrind: not with AddressSanitizer builds" >&2
		exit 1
	fi
done

rm -rf "$vbin" "$vlog"
mkdir -p "$vbin" "$vlog" || exit 1
# The wrapper finds the program itself by PATH, so its argv[0] and so its
# messages are the same as without valgrind.
for p in $PROGRAMS; do
	cat >"$vbin/$p" <<EOF
#!/bin/sh
PATH='$top_builddir':"\$PATH" exec $(echo $VALGRIND) \\
    --log-file='$vlog/$p.%p.log' $p "\$@"
EOF
	chmod +x "$vbin/$p" || exit 1
done

status=0
for t in ${*:-$SUITES}; do
	start=$(date +%s)
	case $t in
	*.bats)
		PATH="$vbin:$top_builddir:$PATH" LC_ALL=C TZ=UTC \
		    top_srcdir="$top_srcdir" top_builddir="$top_builddir" \
		    LEAKATLAS_DATADIR="$top_srcdir" LEAKATLAS_VALGRIND=1 \
		    "$BATS" "$top_srcdir/$t" >"$vlog/suite.out" 2>&1
		st=$?
		grep -v '^ok ' "$vlog/suite.out" | grep -v '^1\.\.'
		;;
	*)
		# shellcheck disable=SC2086
		top_srcdir="$top_srcdir" $VALGRIND \
		    --log-file="$vlog/unit.%p.log" "$top_builddir/$t" \
		    >"$vlog/suite.out" 2>&1
		st=$?
		grep '^not ok' "$vlog/suite.out"
		;;
	esac
	echo "valgrind: $t: exit $st, $(($(date +%s) - start)) s"
	[ "$st" -eq 0 ] || status=1
done
rm -f "$vlog/suite.out"
for f in "$vlog"/*.log; do
	[ -s "$f" ] || continue
	echo "valgrind: errors in $f:"
	cat "$f"
	status=1
done
[ "$status" -eq 0 ] && echo "valgrind: clean"
exit "$status"
