/*
 * Ranking leak suspects: fold sample rows into one value series per group
 * (group -> value per snapshot), then score each series' trend and write
 * one suspect row per group, best first; or the drift alarm on the
 * per-snapshot totals.  See rank(1) for the columns, verdicts and score.
 */
#ifndef LEAKATLAS_RANK_H
#define LEAKATLAS_RANK_H

#include <stddef.h>

#include "tsv.h"

enum rank_by {
	RANK_BY_DEFAULT,	/* cluster if present, else site; blocking */
	RANK_BY_STACK,
	RANK_BY_SITE,
	RANK_BY_FUNCTION,
	RANK_BY_CLUSTER,
	RANK_BY_BLOCKING	/* goroutine profiles: blocking site */
};

struct rank_opts {
	enum rank_by	 by;
	const char	*value;		/* value column; NULL for the default */
	size_t		 top;		/* 0: all */
	double		 min_share;
	size_t		 min_snapshots;
	double		 goroutines;	/* > 0: flag blocking sites above it */
	int		 drift;
	size_t		 window;
	double		 k;
	size_t		 max_snapshots;	/* more is an error; 0: default */
};

struct rank;
struct gctrace_cycle;

enum rank_by	 rank_parse_by(const char *);
struct rank	*rank_new(const struct rank_opts *, struct tsv_reader *);
void		 rank_read(struct rank *, struct tsv_reader *);
size_t		 rank_write(struct rank *, struct tsv_writer *);
size_t		 rank_write_drift(struct rank *, struct tsv_writer *);
size_t		 rank_write_gctrace(const struct rank_opts *, const char *,
		    const struct gctrace_cycle *, size_t, struct tsv_writer *);
void		 rank_free(struct rank *);

#endif
