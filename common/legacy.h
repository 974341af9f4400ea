/*
 * Profiles that are not profile.proto: recognising them by their first
 * bytes, reading Go's debug=1 heap and goroutine text, and the
 * "# runtime.MemStats" section at the end of a debug=1 heap dump.
 * Every buffer is untrusted and need not be NUL-terminated; lines may end
 * in LF or CRLF, a UTF-8 byte order mark is skipped.
 */
#ifndef LEAKATLAS_LEGACY_H
#define LEAKATLAS_LEGACY_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct prof;

enum legacy_kind {
	LEGACY_NONE,		/* none of ours: try profile.proto */
	LEGACY_GO_HEAP,		/* Go debug=1 heap (or allocs) text */
	LEGACY_GO_GOROUTINE,	/* Go debug=1 goroutine text */
	LEGACY_UNSUPPORTED	/* known, not read; *what names it */
};

/*
 * Classify decompressed input by its first bytes.  *what is "" unless the
 * result is LEGACY_UNSUPPORTED; then it is a static name such as
 * "gperftools CPU profile (or Go before 1.9)", "Java heap profile",
 * "jemalloc heap profile", "Go threadcreate text profile", or
 * "text (not a profile)" for printable text of no known kind.  Empty
 * input, gzip and anything binary that is not a legacy CPU profile give
 * LEGACY_NONE.
 */
enum legacy_kind legacy_sniff(const char *, size_t, const char **);

/*
 * Parse Go debug=1 heap or goroutine text into p, whose arena the caller
 * set; every other field is filled.  Heap values are unsampled as pprof
 * does (rate N/2 from "@ heap/N") and each sample has the numeric label
 * "bytes" (no unit); goroutine samples carry the "# labels:" as string
 * labels.  Returns 0, or -1 with "line N: what" in err (errlen bytes).
 */
int		 legacy_parse(struct prof *, const char *, size_t, char *,
		    size_t);

/* The MemStats column names, snake_case, in a fixed order; their count. */
size_t		 legacy_memstats_columns(const char *const **);

/*
 * values[i] for each column: decimal text ("0"/"1" for booleans, Go's
 * float text for gc_cpu_fraction, comma-separated numbers for pause_ns
 * and pause_end), or "" when the dump lacks the field; strings live in
 * the arena.  -1 with err set when there is no "# runtime.MemStats"
 * section or a known field's value is malformed ("line N: ...").
 */
int64_t		 legacy_memstats_time(const char *const *);
int		 legacy_memstats(const char *, size_t, struct arena *,
		    const char **, char *, size_t);

#endif
