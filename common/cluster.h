/*
 * Grouping stacks that are the same leak seen through different callers:
 * each distinct (stack, labels) becomes a set of shingles, MinHash and LSH
 * banding propose candidate pairs, the exact Jaccard index confirms them,
 * and the connected components are the clusters.  cluster_run() is the
 * whole cluster(1) filter; the cluster_set functions are its core, also
 * used by the benchmark.
 */
#ifndef LEAKATLAS_CLUSTER_H
#define LEAKATLAS_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tsv.h"

enum {
	CLUSTER_LABELS_OFF,	/* labels are not shingles */
	CLUSTER_LABELS_ON,	/* every label but the heap's numeric bytes */
	CLUSTER_LABELS_ALL	/* every label */
};

/* A pair at the threshold is a candidate at least this often by default. */
#define CLUSTER_RECALL	0.95

struct cluster_opts {
	int		 kgram;		/* k-gram shingles, 1 for frames only */
	int		 nhash;		/* signature length */
	int		 bands;		/* 0: chosen from threshold */
	int		 rows;		/* 0: chosen from threshold */
	double		 threshold;	/* Jaccard index that joins two stacks */
	uint64_t	 seed;
	int		 labels;	/* CLUSTER_LABELS_* */
	int		 drop_runtime;	/* leave Go runtime frames out */
	int		 cross_site;	/* join stacks of different sites */
	int		 summary;	/* one row per cluster */
	int		 verbose;	/* statistics on stderr */
	const char	*value;		/* column --summary adds up */
	size_t		 max_snapshots;	/* --summary: more is an error */
};

struct cluster_stats {
	size_t		 items;		/* distinct (stack, labels) */
	size_t		 frames;	/* distinct frames */
	size_t		 candidates;	/* pairs sharing a band */
	size_t		 compared;	/* exact Jaccard computed */
	size_t		 joined;	/* confirmed pairs that joined two sets */
	size_t		 clusters;
	size_t		 largest;
};

struct cluster_set;

typedef void	 cluster_pair_fn(void *, uint32_t, uint32_t, double);

void		 cluster_opts_init(struct cluster_opts *);
void		 cluster_opts_banding(struct cluster_opts *);
struct cluster_set *cluster_set_new(const struct cluster_opts *);
void		 cluster_set_free(struct cluster_set *);
uint32_t	 cluster_set_add(struct cluster_set *, const char *, size_t,
		    const char *, size_t);
size_t		 cluster_set_count(const struct cluster_set *);
size_t		 cluster_set_shingles(struct cluster_set *, uint32_t,
		    uint64_t *, size_t);
void		 cluster_set_link(struct cluster_set *, cluster_pair_fn *,
		    void *);
uint64_t	 cluster_set_id(const struct cluster_set *, uint32_t);
uint32_t	 cluster_set_root(struct cluster_set *, uint32_t);
size_t		 cluster_set_key(const struct cluster_set *, uint32_t, int,
		    char **, size_t *);
const struct cluster_stats *cluster_set_stats(const struct cluster_set *);

int		 cluster_run(struct tsv_reader *, FILE *,
		    const struct cluster_opts *);

#endif
