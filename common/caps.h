/*
 * Caps on what one input may make a tool hold: the decompressed size of a
 * profile, frames and labels per sample, the length of a TSV line, the
 * number of snapshots.  Each cap has one option, of the same name in every
 * tool that has it, parsed here; going over a cap is an error naming the
 * option that raises it ("... (limit N; raise with --max-depth)"), never a
 * silent truncation.  The defaults are far above any real profile: see
 * the comments below for why each is what it is.
 */
#ifndef LEAKATLAS_CAPS_H
#define LEAKATLAS_CAPS_H

#include <stddef.h>

struct prof_sample;

/*
 * Bytes of one profile, after gunzip.  Go's heap profiles are kilobytes to
 * a few megabytes; a gigabyte is a profile no one could read, or a gzip
 * bomb.
 */
#define CAPS_MAX_BYTES	((size_t)1 << 30)

/*
 * Frames of one sample, inlined calls counted.  Go records at most 32
 * frames (128 from Go 1.23; GODEBUG=profstackdepth allows up to 1024).
 * perf stops at 127 by default (kernel.perf_event_max_stack) and JFR at
 * 64, but Groovy and Ruby stacks past 1024 frames are seen when those are
 * raised (Linux commit c5dfd78eb798).  16384 frames is 16 times Go's
 * ceiling, about a megabyte of stack text per row.
 */
#define CAPS_MAX_DEPTH	16384

/*
 * Labels of one sample.  Go heap samples carry one (bytes), goroutine
 * samples the program's pprof labels (a handful); profilers that add their
 * own add tens.
 */
#define CAPS_MAX_LABELS	1024

/*
 * Bytes of one TSV line.  The longest real rows are a deep stack of long
 * C++ names (16384 frames of 1 KiB: 16 MiB) and rank's series of 100000
 * numbers (2 MiB); 256 MiB is far above both.
 */
#define CAPS_MAX_LINE		((size_t)256 << 20)

/*
 * Distinct snapshots in the tools that hold per-snapshot state (rank keeps
 * one value per group and snapshot).  A snapshot a minute for ten weeks,
 * or every ten seconds for eleven days.
 */
#define CAPS_MAX_SNAPSHOTS	100000

struct caps {
	size_t		 max_bytes;
	size_t		 max_depth;
	size_t		 max_labels;
	size_t		 max_line;
	size_t		 max_snapshots;
};

/* getopt_long values of the options; each tool lists the ones it has. */
enum {
	CAPS_OPT_MAX_BYTES = 0x4c00,
	CAPS_OPT_MAX_DEPTH,
	CAPS_OPT_MAX_LABELS,
	CAPS_OPT_MAX_LINE,
	CAPS_OPT_MAX_SNAPSHOTS
};

#define CAPS_LONGOPT(name, opt)	{ name, required_argument, NULL, opt }
#define CAPS_LONGOPT_MAX_BYTES	CAPS_LONGOPT("max-bytes", CAPS_OPT_MAX_BYTES)
#define CAPS_LONGOPT_MAX_DEPTH	CAPS_LONGOPT("max-depth", CAPS_OPT_MAX_DEPTH)
#define CAPS_LONGOPT_MAX_LABELS	CAPS_LONGOPT("max-labels", CAPS_OPT_MAX_LABELS)
#define CAPS_LONGOPT_MAX_LINE	CAPS_LONGOPT("max-line", CAPS_OPT_MAX_LINE)
#define CAPS_LONGOPT_MAX_SNAPSHOTS					\
	CAPS_LONGOPT("max-snapshots", CAPS_OPT_MAX_SNAPSHOTS)

/* The case labels of a tool's getopt switch, all handled by caps_set. */
#define CAPS_CASES							\
	case CAPS_OPT_MAX_BYTES: case CAPS_OPT_MAX_DEPTH:		\
	case CAPS_OPT_MAX_LABELS: case CAPS_OPT_MAX_LINE:		\
	case CAPS_OPT_MAX_SNAPSHOTS

void	 caps_init(struct caps *);
void	 caps_set(struct caps *, int, const char *);
size_t	 caps_parse(const char *, const char *);
int	 caps_err(char *, size_t, int, size_t, const char *, ...)
	    __attribute__((format(printf, 5, 6)));
int	 caps_sample(const struct caps *, const struct prof_sample *,
	    char *, size_t);

#endif
