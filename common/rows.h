/*
 * Sample rows of leakatlas-tsv(5) from decoded profiles: one row per sample
 * (snapshot, time, type, value columns, labels, site, stack), or, in folded
 * mode, Brendan Gregg's folded stacks summed over every profile given.
 * The value columns are fixed by the first profile (or chosen by name);
 * each location's text is formatted once per profile.
 */
#ifndef LEAKATLAS_ROWS_H
#define LEAKATLAS_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prof.h"

struct pattern;
struct tsv_writer;
struct rows;

struct rows_tagfocus {
	const char	*key;
	struct pattern	*re;
};

struct rows_opts {
	int		 lines;		/* frames as "func (file:line)" */
	int		 folded;
	const char	*sample_index;	/* folded: value to sum, or NULL */
	const struct pattern *focus;	/* keep samples with a matching
					   frame */
	const struct pattern *ignore;	/* drop samples with a matching
					   frame */
	const struct rows_tagfocus *tagfocus;
	size_t		 ntagfocus;
	char *const	*values;	/* chosen value columns, or NULL */
	size_t		 nvalues;
};

struct rows	*rows_new(FILE *, const struct rows_opts *);
int		 rows_begin(struct rows *, const struct prof *, const char *,
		    int64_t, char *, size_t);
int		 rows_sample(struct rows *, const struct prof *,
		    const struct prof_sample *, char *, size_t);
int		 rows_add(struct rows *, const struct prof *, const char *,
		    int64_t, char *, size_t);
int		 rows_flush(struct rows *);
int		 rows_finish(struct rows *);
void		 rows_free(struct rows *);

const char	*rows_type(const struct prof *, const char *);
size_t		 rows_colname(char *, size_t, const char *);
size_t		 rows_label_value(char *, size_t, const struct prof_label *);

#endif
