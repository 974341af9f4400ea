/*
 * What every fuzz target asserts about the parsers' messages and output:
 * an error is one non-empty line, and written TSV has the header's field
 * count on every line.  A violation aborts, which libFuzzer reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void
fuzz_check_err(const char *what, const char *err)
{
	if (err[0] == '\0' || strchr(err, '\n') != NULL) {
		fprintf(stderr, "%s: bad error message '%s'\n", what, err);
		abort();
	}
}

void
fuzz_check_tsv(const char *buf, size_t len, const char *what)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t want = 0, n, line = 0;

	if (len > 0 && buf[len - 1] != '\n') {
		fprintf(stderr, "%s: output does not end with a newline\n",
		    what);
		abort();
	}
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		line++;
		for (n = 1; p < nl; p++)
			n += *p == '\t';
		if (line == 1)
			want = n;
		else if (n != want) {
			fprintf(stderr, "%s: line %zu has %zu fields, the "
			    "header %zu\n", what, line, n, want);
			abort();
		}
	}
}
