#!/bin/sh
# nightly.sh ARCHIVE REPORTS MAILTO
#
# Run leakatlas's nightly pipeline on yesterday's folder of ARCHIVE (as
# collect-heap.sh fills it), write REPORTS/leaks-YYYY-MM-DD.html, and mail
# MAILTO when a leak is found (exit status 3) or when the run fails.
# POSIX sh; needs leakatlas in PATH and mail(1).
set -u

[ $# -eq 3 ] || { echo "usage: nightly.sh ARCHIVE REPORTS MAILTO" >&2; exit 2; }
archive=$1
reports=$2
mailto=$3

# Yesterday in UTC, without GNU date: the day 24 hours ago.
day=$(TZ=UTC+24 date +%Y-%m-%d)
report=$reports/leaks-$day.html
mkdir -p "$reports"

log=$(leakatlas run nightly --set archive="$archive/$day" \
	--set report="$report" 2>&1)
status=$?
case $status in
0) ;;
3) printf 'leakatlas found a growing allocation site in %s.\nReport: %s\n\n%s\n' \
	"$archive/$day" "$report" "$log" |
	mail -s "leakatlas: leak suspect on $(hostname) ($day)" "$mailto" ;;
*) printf 'leakatlas failed (exit status %d) on %s:\n\n%s\n' \
	"$status" "$archive/$day" "$log" |
	mail -s "leakatlas: nightly run failed on $(hostname) ($day)" "$mailto" ;;
esac
exit "$status"
