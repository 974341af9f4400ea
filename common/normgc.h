/*
 * normalize-gc's job: undo the effects of process restarts and of the GC
 * cycle a heap profile reflects, across the snapshots of sample rows
 * (leakatlas-tsv(5), NORMALIZED ROWS).  The maths are exported for tests.
 */
#ifndef LEAKATLAS_NORMGC_H
#define LEAKATLAS_NORMGC_H

#include <stddef.h>
#include <stdint.h>

#include "gctrace.h"

struct tsv_reader;
struct tsv_writer;

enum normgc_model {
	NORMGC_NONE,		/* values as they are */
	NORMGC_REBASE,		/* cumulative counters continue over restarts */
	NORMGC_STEPEXP		/* rebase, then the step-drop model, / max */
};

struct normgc_opts {
	enum normgc_model model;
	double		 window;	/* step-exp window, seconds */
	double		 beta;		/* step-exp decay, per second */
	int		 keep_repeats;
	int		 have_start;
	int64_t		 start;		/* process start, ns since the epoch */
	const char	*values;	/* comma-separated columns, or NULL */
	const char	*memstats;	/* memstats rows file, or NULL */
	const char	*gctrace;	/* gctrace log file, or NULL */
	size_t		 max_line;	/* of the memstats rows; 0: default */
	size_t		 max_snapshots;	/* more is an error; 0: default */
};

int	normgc_model_parse(const char *, enum normgc_model *);
void	normgc_run(struct tsv_reader *, struct tsv_writer *,
	    const struct normgc_opts *);

void	normgc_rebase(const int *, const double *, size_t, double *);
double	normgc_delta(const double *, const double *, size_t, double, double,
	    double);
double	normgc_stepexp(const double *, const double *, size_t, double,
	    double, double *);
int64_t	normgc_cycle_at(const struct gctrace_cycle *, size_t, double);
double	normgc_align(const struct gctrace_cycle *, size_t, const double *,
	    const double *, size_t);

#endif
