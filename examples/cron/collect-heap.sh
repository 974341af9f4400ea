#!/bin/sh
# collect-heap.sh URL ARCHIVE [KEEP_DAYS]
#
# Fetch one heap profile from a Go service's /debug/pprof/heap?gc=1 (a GC
# first, so the in-use numbers are current) into ARCHIVE/YYYY-MM-DD/
# heap-HHMMSS.pb.gz, and delete the day folders older than KEEP_DAYS
# (default 14).  Run it from cron every few minutes (see crontab); the
# nightly run then reads one day's folder.  POSIX sh, curl.
#
#   collect-heap.sh http://127.0.0.1:6060 /var/lib/heap 14
set -eu

usage() {
	echo "usage: collect-heap.sh URL ARCHIVE [KEEP_DAYS]" >&2
	exit 2
}
if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
url=${1%/}
archive=$2
keep=${3:-14}
case $keep in
'' | *[!0-9]*) usage ;;
esac

day=$(date -u +%Y-%m-%d)
dir=$archive/$day
mkdir -p "$dir"
name=$dir/heap-$(date -u +%H%M%S).pb.gz
tmp=$dir/.heap.$$.tmp
trap 'rm -f "$tmp"' EXIT HUP INT TERM

# --fail: an HTTP error (503 while profiling is switched off) keeps nothing.
if curl --fail --silent --show-error --max-time 60 \
	-o "$tmp" "$url/debug/pprof/heap?gc=1"; then
	mv "$tmp" "$name"
else
	echo "collect-heap.sh: $url: no profile this time" >&2
fi

# Retention: whole day folders, by name, never anything else.
find "$archive" -type d -name '????-??-??' -mtime "+$keep" | while read -r old; do
	case ${old##*/} in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) rm -rf "$old" ;;
	esac
done
