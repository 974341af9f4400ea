/*
 * The Go runtime's GODEBUG=gctrace=1 log: one line per GC cycle, from Go 1.5
 * to the current format (with "# MB stacks, # MB globals" and " (forced)").
 * Lines that are not gc lines (program output, "pacer:", "scvg", "GC forced")
 * are skipped.
 */
#ifndef LEAKATLAS_GCTRACE_H
#define LEAKATLAS_GCTRACE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct gctrace_cycle {
	int64_t	 num;		/* GC number (NumGC) */
	double	 t;		/* seconds since process start */
	double	 pct;		/* % of time in GC since start */
	int64_t	 heap_start, heap_end, heap_live;	/* bytes (MB << 20) */
	int64_t	 goal;		/* bytes */
	int64_t	 stacks, globals;	/* bytes, -1 when the format lacks them */
	int	 procs;
	int	 forced;
	/* Additions to the agreed API: */
	double	 clock;		/* wall ms of the cycle, its phases summed */
	unsigned long line;	/* line of the log it was read from */
};

/*
 * Parse a gctrace log; non-gc lines are skipped.  Returns the number of
 * cycles in *out (xmalloc'd, caller frees), or -1 with "line N: what" in err
 * for a malformed gc line.
 */
ssize_t	gctrace_parse(FILE *, struct gctrace_cycle **, char *, size_t);

/* Parse one line; 1 for a gc line, 0 for another line, -1 with err set. */
int	gctrace_parse_line(const char *, struct gctrace_cycle *, char *,
	    size_t);

#endif
