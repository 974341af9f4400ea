/*
 * Times legacy_parse() and legacy_memstats() on one debug=1 text file:
 * reads it once, parses it N times, prints seconds per parse and MB/s.
 * Used by tests/bench/legacy.sh.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "legacy.h"
#include "prof.h"
#include "xmalloc.h"

int
main(int argc, char **argv)
{
	const char *values[64];
	struct timespec t0, t1;
	struct prof p;
	char err[256], *buf = NULL;
	size_t len = 0, cap = 0, n, i, rounds;
	double secs;
	FILE *f;

	if (argc != 3 || (rounds = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: bench_legacy file rounds\n");
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	do {
		if (cap - len < 65536)
			buf = xreallocarray(buf, cap = cap * 2 + 65536, 1);
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++) {
		memset(&p, 0, sizeof(p));
		p.arena = arena_new();
		if (legacy_parse(&p, buf, len, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s:%s\n", argv[1], err);
			return 1;
		}
		legacy_memstats(buf, len, p.arena, values, err, sizeof(err));
		arena_free(p.arena);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%zu bytes, %zu samples: %.6f s per parse, %.1f MB/s\n", len,
	    p.nsamples, secs / (double)rounds,
	    (double)len * (double)rounds / secs / 1e6);
	free(buf);
	return 0;
}
