/*
 * Profiles that are not profile.proto: recognising them by their first
 * bytes, reading Go's debug=1 heap and goroutine text, and the
 * "# runtime.MemStats" section at the end of a debug=1 heap dump.
 * Every buffer is untrusted and need not be NUL-terminated.
 */
#ifndef LEAKATLAS_LEGACY_H
#define LEAKATLAS_LEGACY_H

#include <stddef.h>

struct arena;
struct prof;

enum legacy_kind {
	LEGACY_NONE,		/* none of ours: try profile.proto */
	LEGACY_GO_HEAP,		/* Go debug=1 heap (or allocs) text */
	LEGACY_GO_GOROUTINE,	/* Go debug=1 goroutine text */
	LEGACY_UNSUPPORTED	/* known, not read; *what names it */
};

enum legacy_kind legacy_sniff(const char *, size_t, const char **);
int		 legacy_parse(struct prof *, const char *, size_t, char *,
		    size_t);
size_t		 legacy_memstats_columns(const char *const **);
int		 legacy_memstats(const char *, size_t, struct arena *,
		    const char **, char *, size_t);

#endif
