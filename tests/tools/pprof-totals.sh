#!/bin/sh
# Print "file<TAB>total1<TAB>total2..." for each pprof FILE: the sum of each
# sample value as `go tool pprof -raw` prints the samples.  Used once, by
# hand, to write tests/data/pprof-totals.tsv; never run by `make check`.
for f; do
	go tool pprof -raw "$f" 2>/dev/null | awk -v f="$f" '
	/^Samples:/ { on = 1; getline; next }
	/^Locations/ { on = 0 }
	on {
		i = index($0, ":")
		if (i == 0) next
		head = substr($0, 1, i - 1)
		if (head !~ /^[ 0-9-]+$/) next
		n = split(head, v, " ")
		for (k = 1; k <= n; k++) t[k] += v[k]
		if (n > nt) nt = n
	}
	END {
		printf "%s", f
		for (k = 1; k <= nt; k++) printf "\t%.0f", t[k]
		printf "\n"
	}'
done
