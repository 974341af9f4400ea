/*
 * One decoded profile snapshot, whatever it was read from (profile.proto,
 * or Go's debug=1 text).  Everything hangs off one arena and is freed with
 * it.  Strings are NUL-terminated and never NULL (empty when absent).
 */
#ifndef LEAKATLAS_PROF_H
#define LEAKATLAS_PROF_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct caps;

/* One function call site; a location holds one or more (inlining). */
struct prof_frame {
	const char	*func;
	const char	*file;
	int64_t		 line;
};

/* frames[0] is the innermost (inlined callee), the last the caller. */
struct prof_loc {
	struct prof_frame *frames;
	size_t		 nframes;
	uint64_t	 address;
};

struct prof_label {
	const char	*key;
	const char	*str;		/* string label, or NULL */
	int64_t		 num;		/* numeric label when str == NULL */
	const char	*unit;		/* numeric label's unit, maybe "" */
};

struct prof_sample {
	int64_t		*values;	/* one per sample type */
	const struct prof_loc **locs;	/* leaf first */
	size_t		 nlocs;
	struct prof_label *labels;
	size_t		 nlabels;
};

struct prof_type {
	const char	*type;
	const char	*unit;
};

struct prof {
	struct arena	*arena;
	const struct caps *caps;	/* per-sample caps the readers check,
					   set by the caller; NULL: none */
	struct prof_type *types;
	size_t		 ntypes;
	struct prof_sample *samples;
	size_t		 nsamples;
	int64_t		 time_nanos;	/* 0 when the profile has none */
	int64_t		 duration_nanos;
	struct prof_type period_type;
	int64_t		 period;
	const char	*default_type;	/* "" when unset */
	const char	*format;	/* "proto", "heap-text", ... */
	const struct prof_loc *locs;	/* every location, when a reader keeps
					   them in one array; else NULL */
	size_t		 nlocs;
};

#endif
