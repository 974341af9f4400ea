#!/bin/sh
# The test suites again with every program under valgrind memcheck: the
# bats suites (the golden tests) through wrappers first on PATH, and the
# unit tests directly.  A run fails when valgrind reports any error or a
# definite or indirect leak: the program then exits 99 (so its golden
# status differs) and its log under $top_builddir/tests/valgrind-log/
# counts the error (printed at the end).  The runner's stages run under
# valgrind too (--trace-children).
#
# One exception: the leaks of a process killed by a signal the tests send
# (a stage the runner stops with SIGTERM, a writer whose reader left,
# SIGPIPE; SIGINT, SIGHUP).  It
# frees nothing, and what only its registers held at that instant reads as
# "definitely lost", depending on where the signal landed.  Its other
# errors (invalid reads, uninitialised values) still fail the run.
#
#   tests/valgrind.sh [SUITE...]    (default: $SUITES, every test)
#
# Needs top_srcdir, top_builddir, BATS, PROGRAMS (the programs to wrap)
# and SUITES; `make check-valgrind` sets them.  The suites run
# $VALGRIND_JOBS at a time (default: the number of processors).
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PROGRAMS:?}"
: "${BATS:=bats}"
top_builddir=$(cd "$top_builddir" && pwd)
vbin=$top_builddir/tests/valgrind-bin
vlog=$top_builddir/tests/valgrind-log
VALGRIND="valgrind --error-exitcode=99 --leak-check=full
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
--track-fds=no --trace-children=yes"

# One suite (the script calls itself so through xargs -P): its failures
# and a summary line, printed in one piece when it ends; exit 1 when it
# failed.
if [ "${1:-}" = --one ]; then
	t=$2
	out=$vlog/suite.$(echo "$t" | tr / _).out
	start=$(date +%s)
	case $t in
	*.bats)
		PATH="$vbin:$top_builddir:$PATH" LC_ALL=C TZ=UTC \
		    top_srcdir="$top_srcdir" top_builddir="$top_builddir" \
		    LEAKATLAS_DATADIR="$top_srcdir" LEAKATLAS_VALGRIND=1 \
		    "$BATS" "$top_srcdir/$t" >"$out" 2>&1
		st=$?
		report=$(grep -v '^ok ' "$out" | grep -v '^1\.\.')
		;;
	*)
		# shellcheck disable=SC2086
		top_srcdir="$top_srcdir" $VALGRIND \
		    --log-file="$vlog/unit.%p.log" "$top_builddir/$t" \
		    >"$out" 2>&1
		st=$?
		report=$(grep '^not ok' "$out")
		;;
	esac
	rm -f "$out"
	printf '%s%svalgrind: %s: exit %s, %s s\n' "$report" \
	    "${report:+
}" "$t" "$st" "$(($(date +%s) - start))"
	[ "$st" -eq 0 ]
	exit
fi

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
jobs=${VALGRIND_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
# shellcheck disable=SC2086
printf '%s\n' ${*:-$SUITES} |
    xargs -P "$jobs" -n 1 sh "$0" --one || status=1
# A log is bad when it holds an error record, or a leak record of a
# process that was not stopped by a signal the tests send (HUP, INT, PIPE,
# TERM), or when its ERROR SUMMARY counts a context that no leak record of
# such a process explains.  A record is a heading followed by a stack
# ("at 0x..."); a process SIGKILLed has no summary, only its records.  A
# crash (SIGSEGV, SIGABRT, ...) is an error record of its own.
bad_log() {
	awk '
	/ at 0x/ && head != "" {
		if (head ~ /default action of signal (1|2|13|15) /)
			sig = 1
		else if (head ~ / are (definitely|indirectly) lost in loss record /)
			leaks++
		else
			other++
		head = ""
		next
	}
	/ ERROR SUMMARY: / {
		for (i = 1; i < NF; i++)
			if ($(i + 1) ~ /^contexts/)
				ctx += $i
	}
	{ head = $0 ~ /^==[0-9]+== [^ ]/ ? $0 : "" }
	END {
		exit !(other > 0 || (leaks > 0 && !sig) ||
		    (ctx > 0 && !(sig && ctx == leaks)))
	}' "$1"
}
for f in "$vlog"/*.log; do
	[ -e "$f" ] && bad_log "$f" || continue
	echo "valgrind: errors in $f:"
	cat "$f"
	status=1
done
[ "$status" -eq 0 ] && echo "valgrind: clean"
exit "$status"
