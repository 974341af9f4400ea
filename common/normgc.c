/*
 * normalize-gc: restarts, repeated GC cycles and the step-exp model over the
 * snapshots of sample rows.  The input is read once: each row is copied to
 * an anonymous temporary file and only its snapshot, group and values are
 * kept in memory; once every snapshot is known, the copy is read back and
 * written out with the added columns.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gctrace.h"
#include "caps.h"
#include "normgc.h"
#include "strmap.h"
#include "tsv.h"
#include "xmalloc.h"

#define MIB		1048576.0
#define MATCH_NS	1e9		/* memstats row by time, ns */
#define ALIGN_POINTS	64			/* snapshots scored */
#define ALIGN_PAIRS	20000			/* candidate offsets */
/*
 * step-exp terms (a snapshot and an earlier one of its group within
 * --window) in one run, over all groups and value columns.  Snapshots a
 * few seconds apart and a window of seconds give a handful per snapshot;
 * thousands of snapshots of one group within the window (a crafted
 * input) would make the model quadratic in them.
 */
#define STEPEXP_MAX_TERMS	((size_t)1 << 27)

struct snap {
	size_t		 first;		/* input order */
	int64_t		 time;		/* ns */
	size_t		 nrows;
	double		*tot;		/* per value column */
	uint64_t	*sum;		/* per value column, modulo 2^64 */
	int		 inc;		/* process incarnation */
	int64_t		 gc;		/* -1 unknown */
	int		 repeat;
	int		 has_ms;
	int64_t		 ms_numgc, ms_lastgc;	/* lastgc 0 unknown */
};

struct state {
	const struct normgc_opts *o;
	size_t		 ncols;
	size_t		 col_snap, col_time;
	size_t		*vcol;		/* value columns */
	size_t		 nv;
	int		*cumulative;	/* per value column */
	int		 inuse;		/* value index of inuse_space or -1 */
	int		*iskey;		/* per input column */
	int		*added_at;	/* per input column: replaced by, or -1 */
	size_t		 nadded;
	char		**added;	/* names of the added columns */
	int		 append_from;	/* first added column appended */
	int		*append;	/* added indexes appended, in order */
	size_t		 nappend;

	struct strmap	*snapmap, *groupmap;
	struct snap	*snaps;
	size_t		 nsnaps, snapcap, max_snapshots;
	size_t		*order;		/* snapshots by time */

	size_t		 nrows, rowcap;
	size_t		*rsnap, *rgroup;
	int64_t		*rval;		/* nrows * nv */
	double		*rnorm;		/* nrows * nv */

	char		*key;
	size_t		 keylen, keycap;
	FILE		*spool;
	int64_t		 t0;		/* earliest snapshot, ns */
	size_t		 terms;		/* step-exp terms so far */
};

int
normgc_model_parse(const char *s, enum normgc_model *m)
{
	if (strcmp(s, "none") == 0)
		*m = NORMGC_NONE;
	else if (strcmp(s, "rebase") == 0)
		*m = NORMGC_REBASE;
	else if (strcmp(s, "step-exp") == 0)
		*m = NORMGC_STEPEXP;
	else
		return -1;
	return 0;
}

/*
 * Rebase one group's cumulative counter over restarts: the points are in
 * time order with their incarnation in inc[]; each later incarnation's
 * values get the group's last value of every earlier one added.
 */
void
normgc_rebase(const int *inc, const double *x, size_t n, double *y)
{
	double offset = 0, last = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0 && inc[i] != inc[i - 1]) {
			offset += last;
			last = 0;
		}
		last = x[i];
		y[i] = x[i] + offset;
	}
}

/*
 * The step-exp compensation at time `at` for the series (t, x) in time
 * order: each fall x[i] < x[i-1] is a GC at t[i] of size a = x[i-1] - x[i];
 * the falls within the window before `at` add a * exp(-beta * (at - t[i])).
 */
double
normgc_delta(const double *t, const double *x, size_t n, double window,
    double beta, double at)
{
	double d = 0, age;
	size_t i;

	for (i = 1; i < n; i++) {
		if (!(x[i] < x[i - 1]))
			continue;
		age = at - t[i];
		if (age >= 0 && age < window)
			d += (x[i - 1] - x[i]) * exp(-beta * age);
	}
	return d;
}

/*
 * The step-exp model: y[i] = (x[i] + delta(t[i])) / M, M the largest
 * |x[i] + delta(t[i])|.  Returns M (0 for an all-zero series, y all 0).
 */
double
normgc_stepexp(const double *t, const double *x, size_t n, double window,
    double beta, double *y)
{
	double m = 0;
	size_t i, j;

	for (i = 0; i < n; i++) {
		y[i] = x[i];
		/* Only the falls up to i can be in its window. */
		for (j = i; j > 0 && t[i] - t[j] < window; j--)
			if (x[j] < x[j - 1] && t[i] >= t[j])
				y[i] += (x[j - 1] - x[j]) *
				    exp(-beta * (t[i] - t[j]));
		if (fabs(y[i]) > m)
			m = fabs(y[i]);
	}
	for (i = 0; i < n; i++)
		y[i] = m > 0 ? y[i] / m : 0;
	return m;
}

/* The end of a cycle, seconds since process start. */
static double
cycle_end(const struct gctrace_cycle *c)
{
	return c->t + c->clock / 1000.0;
}

/*
 * The GC number a heap profile written at process time t (seconds) shows:
 * that of the last cycle ended by then; before the first, one less.
 */
int64_t
normgc_cycle_at(const struct gctrace_cycle *c, size_t n, double t)
{
	size_t lo = 0, hi = n, mid;

	if (n == 0)
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cycle_end(&c[mid]) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? c[0].num - 1 : c[lo - 1].num;
}

static double
align_cost(const struct gctrace_cycle *c, size_t m, const double *u,
    const double *inuse, const size_t *pick, size_t np, double s)
{
	double cost = 0, live, d;
	size_t i, lo, hi, mid;

	for (i = 0; i < np; i++) {
		lo = 0;
		hi = m;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (cycle_end(&c[mid]) <= s + u[pick[i]])
				lo = mid + 1;
			else
				hi = mid;
		}
		/* The profile after cycle N shows the heap marked by N-1. */
		live = lo < 2 ? 0 : (double)c[lo - 2].heap_live;
		d = log(inuse[pick[i]] + MIB) - log(live + MIB);
		cost += d * d;
	}
	return cost;
}

/*
 * Without a wall-clock anchor, find the process time (seconds) of the first
 * snapshot: u[] are the snapshots' times relative to the first, inuse[]
 * their inuse_space totals.  Every offset that puts a snapshot just after
 * some cycle's end is tried; the one that best matches each snapshot's
 * total to the live heap of the cycle before its last (least squares on
 * logs) wins, the earliest on a tie.
 */
double
normgc_align(const struct gctrace_cycle *c, size_t m, const double *u,
    const double *inuse, size_t n)
{
	size_t pick[ALIGN_POINTS], np, i, j, k, nk;
	double best = 0, bestcost, s, cost;

	if (m == 0 || n == 0)
		return 0;
	np = n < ALIGN_POINTS ? n : ALIGN_POINTS;
	for (i = 0; i < np; i++)
		pick[i] = np == 1 ? 0 : i * (n - 1) / (np - 1);
	nk = m * np <= ALIGN_PAIRS ? np : 1;
	bestcost = align_cost(c, m, u, inuse, pick, np, 0);
	for (k = 0; k < nk; k++)
		for (j = 0; j < m; j++) {
			s = cycle_end(&c[j]) - u[pick[k]] + 1e-6;
			if (s < 0)
				continue;
			cost = align_cost(c, m, u, inuse, pick, np, s);
			if (cost < bestcost || (cost == bestcost && s < best)) {
				bestcost = cost;
				best = s;
			}
		}
	return best;
}

static void
key_reset(struct state *st)
{
	st->keylen = 0;
}

static void
key_add(struct state *st, const char *p, size_t len)
{
	uint32_t l = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;

	while (st->keylen + len + 4 > st->keycap) {
		st->keycap = st->keycap ? st->keycap * 2 : 256;
		st->key = xreallocarray(st->key, st->keycap, 1);
	}
	memcpy(st->key + st->keylen, &l, 4);
	memcpy(st->key + st->keylen + 4, p, len);
	st->keylen += len + 4;
}

static int
find_value(const struct state *st, size_t col)
{
	size_t k;

	for (k = 0; k < st->nv; k++)
		if (st->vcol[k] == col)
			return (int)k;
	return -1;
}

static void
add_value(struct state *st, const struct tsv_reader *r, size_t col)
{
	if (find_value(st, col) != -1)
		err_die(EXIT_USAGE, "--values: column '%s' named twice",
		    tsv_colname(r, col));
	st->vcol = xreallocarray(st->vcol, st->nv + 1, sizeof(size_t));
	st->vcol[st->nv++] = col;
}

static void
setup_columns(struct state *st, struct tsv_reader *r)
{
	const char *name, *p, *comma;
	char *word;
	size_t i, k;
	int ti, li, j;

	st->ncols = tsv_ncols(r);
	st->col_snap = tsv_need(r, "snapshot");
	st->col_time = tsv_need(r, "time");
	if (st->o->values != NULL) {
		for (p = st->o->values; ; p = comma + 1) {
			comma = strchr(p, ',');
			word = xstrndup(p, comma ? (size_t)(comma - p) :
			    strlen(p));
			add_value(st, r, tsv_need(r, word));
			free(word);
			if (comma == NULL)
				break;
		}
	} else {
		if ((ti = tsv_col(r, "type")) == -1 ||
		    (li = tsv_col(r, "labels")) == -1)
			err_die(EXIT_DATA, "%s: missing column '%s' (name the "
			    "value columns with --values)", tsv_filename(r),
			    tsv_col(r, "type") == -1 ? "type" : "labels");
		for (j = ti + 1; j < li; j++)
			add_value(st, r, (size_t)j);
		if (st->nv == 0)
			err_die(EXIT_DATA, "%s: no value columns between "
			    "'type' and 'labels'", tsv_filename(r));
	}
	st->cumulative = xcalloc(st->nv, sizeof(int));
	st->inuse = -1;
	for (k = 0; k < st->nv; k++) {
		name = tsv_colname(r, st->vcol[k]);
		if (st->vcol[k] == st->col_snap || st->vcol[k] == st->col_time)
			err_die(EXIT_USAGE, "--values: '%s' cannot be a value "
			    "column", name);
		st->cumulative[k] = strncmp(name, "alloc_", 6) == 0;
		if (strcmp(name, "inuse_space") == 0)
			st->inuse = (int)k;
	}

	/* Added columns: <value>_norm..., restart, gc[, repeat]. */
	st->nadded = st->nv + 2 + (st->o->keep_repeats ? 1 : 0);
	st->added = xcalloc(st->nadded, sizeof(char *));
	for (k = 0; k < st->nv; k++)
		xasprintf(&st->added[k], "%s_norm", tsv_colname(r,
		    st->vcol[k]));
	st->added[st->nv] = xstrdup("restart");
	st->added[st->nv + 1] = xstrdup("gc");
	if (st->o->keep_repeats)
		st->added[st->nv + 2] = xstrdup("repeat");
	st->added_at = xcalloc(st->ncols, sizeof(int));
	st->iskey = xcalloc(st->ncols, sizeof(int));
	for (i = 0; i < st->ncols; i++) {
		st->added_at[i] = -1;
		st->iskey[i] = i != st->col_snap && i != st->col_time &&
		    find_value(st, i) == -1;
	}
	st->append = xcalloc(st->nadded, sizeof(int));
	for (k = 0; k < st->nadded; k++) {
		/* A column of the same name is replaced in place. */
		if ((j = tsv_col(r, st->added[k])) != -1) {
			if (find_value(st, (size_t)j) != -1)
				err_die(EXIT_USAGE, "value column '%s' would "
				    "be replaced by an added column",
				    st->added[k]);
			st->added_at[j] = (int)k;
			st->iskey[j] = 0;
		} else
			st->append[st->nappend++] = (int)k;
	}
	/* Also drop earlier normalize-gc columns from the group key. */
	for (i = 0; i < st->ncols; i++) {
		name = tsv_colname(r, i);
		if (strcmp(name, "repeat") == 0 || (strlen(name) > 5 &&
		    strcmp(name + strlen(name) - 5, "_norm") == 0))
			st->iskey[i] = 0;
	}
}

static size_t
snap_intern(struct state *st, const struct tsv_reader *r)
{
	struct snap *s;
	size_t idx;
	int isnew;

	key_reset(st);
	key_add(st, tsv_get(r, st->col_snap), tsv_len(r, st->col_snap));
	key_add(st, tsv_get(r, st->col_time), tsv_len(r, st->col_time));
	idx = strmap_intern(st->snapmap, st->key, st->keylen, &isnew);
	if (!isnew)
		return idx;
	if (st->nsnaps >= st->max_snapshots)
		tsv_die_cap(r, CAPS_OPT_MAX_SNAPSHOTS, st->max_snapshots,
		    "too many snapshots");
	if (st->nsnaps == st->snapcap) {
		st->snapcap = st->snapcap ? st->snapcap * 2 : 64;
		st->snaps = xreallocarray(st->snaps, st->snapcap,
		    sizeof(*st->snaps));
	}
	s = &st->snaps[st->nsnaps++];
	memset(s, 0, sizeof(*s));
	s->first = st->nrows;
	s->time = tsv_get_time(r, st->col_time);
	s->tot = xcalloc(st->nv, sizeof(double));
	s->sum = xcalloc(st->nv, sizeof(uint64_t));
	s->gc = -1;
	return idx;
}

static void
read_rows(struct state *st, struct tsv_reader *r)
{
	struct tsv_writer *spool;
	size_t s, g, k, i;
	int isnew;
	int64_t v;

	if ((st->spool = tmpfile()) == NULL)
		err_die(EXIT_DATA, "temporary file: %s", strerror(errno));
	spool = tsv_writer_new(st->spool);
	while (tsv_next(r)) {
		s = snap_intern(st, r);
		key_reset(st);
		for (i = 0; i < st->ncols; i++)
			if (st->iskey[i])
				key_add(st, tsv_get(r, i), tsv_len(r, i));
		g = strmap_intern(st->groupmap, st->key, st->keylen, &isnew);
		if (st->nrows == st->rowcap) {
			st->rowcap = st->rowcap ? st->rowcap * 2 : 1024;
			st->rsnap = xreallocarray(st->rsnap, st->rowcap,
			    sizeof(size_t));
			st->rgroup = xreallocarray(st->rgroup, st->rowcap,
			    sizeof(size_t));
			st->rval = xreallocarray(st->rval, st->rowcap,
			    st->nv * sizeof(int64_t));
		}
		st->rsnap[st->nrows] = s;
		st->rgroup[st->nrows] = g;
		for (k = 0; k < st->nv; k++) {
			v = tsv_get_i64(r, st->vcol[k]);
			st->rval[st->nrows * st->nv + k] = v;
			st->snaps[s].tot[k] += (double)v;
			st->snaps[s].sum[k] += (uint64_t)v;
		}
		st->snaps[s].nrows++;
		st->nrows++;
		for (i = 0; i < st->ncols; i++)
			tsv_put_from(spool, r, i);
		tsv_endrow(spool);
	}
	if (tsv_writer_free(spool) == -1)
		err_die(EXIT_DATA, "temporary file: write error");
}

static struct state *sort_st;

static int
by_time(const void *a, const void *b)
{
	const struct snap *x = &sort_st->snaps[*(const size_t *)a];
	const struct snap *y = &sort_st->snaps[*(const size_t *)b];

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The snapshots' distinct times, as doubles, each with its first index. */
struct near {
	double		 t;
	size_t		 i;
};

static int
near_cmp(const void *a, const void *b)
{
	const struct near *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Sort the snapshots' times; returns the number of distinct ones. */
static size_t
near_build(const struct state *st, struct near *v)
{
	size_t i, n;

	for (i = 0; i < st->nsnaps; i++) {
		v[i].t = (double)st->snaps[i].time;
		v[i].i = i;
	}
	qsort(v, st->nsnaps, sizeof(*v), near_cmp);
	for (i = n = 0; i < st->nsnaps; i++)
		if (n == 0 || v[i].t != v[n - 1].t)
			v[n++] = v[i];
	return n;
}

/*
 * The snapshot closest in time to t, within MATCH_NS, the first in input
 * order on a tie; SIZE_MAX when none is.  Only the times either side of t
 * can be closest: |v - t| is monotonic on each side.
 */
static size_t
near_find(const struct near *v, size_t n, double t)
{
	size_t lo = 0, hi = n, mid, best = SIZE_MAX;
	double d, bestd = MATCH_NS;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && (d = fabs(v[lo - 1].t - t)) <= bestd) {
		bestd = d;
		best = v[lo - 1].i;
	}
	if (lo < n && (d = fabs(v[lo].t - t)) <= bestd &&
	    (best == SIZE_MAX || d < bestd || v[lo].i < best))
		best = v[lo].i;
	return best;
}

static void
load_memstats(struct state *st)
{
	char *files[1];
	struct tsv_reader *m;
	struct strmap *names;
	struct near *near;
	size_t cs, ct, cn, i, best, idx, nnear;
	int cl, isnew;
	struct snap *s;

	names = strmap_new();
	for (i = 0; i < st->nsnaps; i++) {
		/* The first key field is the snapshot name. */
		const char *k = strmap_at(st->snapmap, i)->key;
		uint32_t len;

		memcpy(&len, k, 4);
		idx = strmap_intern(names, k + 4, len, &isnew);
		if (isnew)
			strmap_at(names, idx)->value = (void *)(uintptr_t)i;
	}
	near = xreallocarray(NULL, st->nsnaps > 0 ? st->nsnaps : 1,
	    sizeof(*near));
	nnear = near_build(st, near);
	files[0] = (char *)(uintptr_t)st->o->memstats;
	m = tsv_open_max(1, files, st->o->max_line > 0 ? st->o->max_line :
	    CAPS_MAX_LINE);
	cs = tsv_need(m, "snapshot");
	ct = tsv_need(m, "time");
	cn = tsv_need(m, "num_gc");
	cl = tsv_col(m, "last_gc");
	while (tsv_next(m)) {
		if (tsv_len(m, cn) == 0)
			continue;
		if (strmap_find(names, tsv_get(m, cs), tsv_len(m, cs),
		    &idx))
			best = (size_t)(uintptr_t)strmap_at(names, idx)->value;
		else if ((best = near_find(near, nnear,
		    (double)tsv_get_time(m, ct))) == SIZE_MAX)
			continue;
		s = &st->snaps[best];
		s->has_ms = 1;
		s->ms_numgc = tsv_get_i64(m, cn);
		s->ms_lastgc = cl != -1 && tsv_len(m, (size_t)cl) > 0 ?
		    tsv_get_i64(m, (size_t)cl) : 0;
		if (s->ms_numgc < 0)
			tsv_die(m, "column 'num_gc': negative");
	}
	tsv_close(m);
	strmap_free(names);
	free(near);
}

static void
find_restarts(struct state *st)
{
	struct snap *s, *p;
	size_t i, k;
	int inc = 0, restart;
	int64_t last_numgc = -1;

	for (i = 0; i < st->nsnaps; i++) {
		s = &st->snaps[st->order[i]];
		restart = 0;
		if (i > 0) {
			p = &st->snaps[st->order[i - 1]];
			for (k = 0; k < st->nv; k++)
				if (st->cumulative[k] && s->tot[k] < p->tot[k])
					restart = 1;
			if (s->has_ms && last_numgc >= 0 &&
			    s->ms_numgc < last_numgc)
				restart = 1;
		}
		if (restart) {
			inc++;
			last_numgc = -1;
		}
		if (s->has_ms)
			last_numgc = s->ms_numgc;
		s->inc = inc;
		if (s->has_ms)
			s->gc = s->ms_numgc;
	}
}

/* Tag the snapshots of incarnation `inc` with cycles from the log. */
static void
tag_incarnation(struct state *st, const struct gctrace_cycle *c, size_t m,
    int inc)
{
	double *u = NULL, *tot = NULL, anchor = 0;	/* process start, ns */
	size_t i, lo, hi, mid, n = 0, first = SIZE_MAX;
	int have = 0;
	struct snap *s;

	/* The first snapshot whose memstats cycle is in the log, found by
	   halving: an incarnation's cycle numbers increase. */
	for (i = 0; i < st->nsnaps && !have; i++) {
		s = &st->snaps[st->order[i]];
		if (s->inc != inc || !s->has_ms || s->ms_lastgc == 0)
			continue;
		for (lo = 0, hi = m; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (c[mid].num < s->ms_numgc)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < m && c[lo].num == s->ms_numgc) {
			anchor = (double)s->ms_lastgc - cycle_end(&c[lo]) * 1e9;
			have = 1;
		}
	}
	if (!have && st->o->have_start && inc == 0) {
		anchor = (double)st->o->start;
		have = 1;
	}
	if (!have) {
		if (st->inuse == -1) {
			err_warn("%s: no inuse_space column to align the log "
			    "with (give --start): gc left empty",
			    st->o->gctrace);
			return;
		}
		u = xreallocarray(NULL, st->nsnaps, sizeof(double));
		tot = xreallocarray(NULL, st->nsnaps, sizeof(double));
		for (i = 0; i < st->nsnaps; i++) {
			s = &st->snaps[st->order[i]];
			if (s->inc != inc)
				continue;
			if (first == SIZE_MAX)
				first = i;
			u[n] = ((double)s->time -
			    (double)st->snaps[st->order[first]].time) / 1e9;
			tot[n++] = s->tot[st->inuse];
		}
		if (n == 0) {
			free(u);
			free(tot);
			return;
		}
		anchor = (double)st->snaps[st->order[first]].time -
		    normgc_align(c, m, u, tot, n) * 1e9;
		free(u);
		free(tot);
	}
	for (i = 0; i < st->nsnaps; i++) {
		s = &st->snaps[st->order[i]];
		if (s->inc == inc && !s->has_ms)
			s->gc = normgc_cycle_at(c, m,
			    ((double)s->time - anchor) / 1e9);
	}
}

static void
tag_gctrace(struct state *st)
{
	struct gctrace_cycle *c;
	char err[200];
	ssize_t n;
	size_t i, start, w;
	int inc, maxinc = 0;
	FILE *fp;

	if ((fp = fopen(st->o->gctrace, "r")) == NULL)
		err_die(EXIT_DATA, "%s: %s", st->o->gctrace, strerror(errno));
	n = gctrace_parse(fp, &c, err, sizeof(err));
	fclose(fp);
	if (n == -1)
		err_die(EXIT_DATA, "%s:%s", st->o->gctrace, err + 5);
	/* gctrace=2 prints each cycle twice: keep the first. */
	for (i = w = 0; i < (size_t)n; i++)
		if (w == 0 || c[i].num != c[w - 1].num)
			c[w++] = c[i];
	for (i = 0; i < st->nsnaps; i++)
		if (st->snaps[i].inc > maxinc)
			maxinc = st->snaps[i].inc;
	/* The log's processes: a GC number that falls starts one. */
	for (i = start = 0, inc = 0; i <= w; i++) {
		if (i < w && (i == start || c[i].num > c[i - 1].num))
			continue;
		if (inc <= maxinc)
			tag_incarnation(st, c + start, i - start, inc);
		inc++;
		start = i;
	}
	if (w > 0 && inc != maxinc + 1)
		err_warn("%s: %d processes in the log, %d in the rows",
		    st->o->gctrace, inc, maxinc + 1);
	free(c);
}

static void
find_repeats(struct state *st)
{
	struct snap *s, *p;
	size_t i, k;
	int same;

	for (i = 1; i < st->nsnaps; i++) {
		s = &st->snaps[st->order[i]];
		p = &st->snaps[st->order[i - 1]];
		if (s->inc != p->inc)
			continue;
		if (s->gc >= 0 && p->gc >= 0) {
			s->repeat = s->gc == p->gc;
			continue;
		}
		same = 1;
		for (k = 0; k < st->nv && same; k++)
			same = s->sum[k] == p->sum[k];
		s->repeat = same;
	}
}

static size_t *sort_pos;

static int
by_snapshot_order(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	size_t px = sort_pos[sort_st->rsnap[x]], py = sort_pos[sort_st->rsnap[y]];

	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The points of the sorted times t[0..n) in the window before `at`:
 * [*a, returned), found by halving.
 */
static size_t
window_before(const struct state *st, const double *t, size_t n, double at,
    size_t *a)
{
	double window = st->o->window;
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {		/* the first with at - t < window */
		mid = lo + (hi - lo) / 2;
		if (at - t[mid] < window)
			hi = mid;
		else
			lo = mid + 1;
	}
	*a = lo;
	for (hi = n; lo < hi;) {	/* the first with at - t < 0 */
		mid = lo + (hi - lo) / 2;
		if (at - t[mid] >= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Count n more step-exp terms before summing them; die past the cap. */
static void
stepexp_count(struct state *st, size_t n)
{
	st->terms += n;
	if (st->terms > STEPEXP_MAX_TERMS)
		err_die(EXIT_DATA, "step-exp: more than %zu pairs of snapshots "
		    "of one group within --window of each other (shorten "
		    "--window, or use --model rebase)", STEPEXP_MAX_TERMS);
}

/* The pairs within --window of the sorted times t[0..n) (normgc_stepexp). */
static void
stepexp_budget(struct state *st, const double *t, size_t n)
{
	size_t i, lo = 1, terms = 0;

	for (i = 1; i < n; i++) {
		while (lo < i && !(t[i] - t[lo] < st->o->window))
			lo++;
		terms += i - lo + 1;
	}
	stepexp_count(st, terms);
}

/*
 * normgc_delta at `at` for the sorted times t[0..n): the same sum, over
 * the points in the window before `at` only.
 */
static double
delta_window(struct state *st, const double *t, const double *x,
    size_t n, double at)
{
	size_t a, e, s;

	e = window_before(st, t, n, at, &a);
	if (e <= a)
		return 0;
	stepexp_count(st, e - a);
	s = a > 0 ? a - 1 : 0;	/* a fall at i compares with i - 1 */
	return normgc_delta(t + s, x + s, e - s, st->o->window, st->o->beta,
	    at);
}

/*
 * One group's rows (in snapshot time order): compute the series of each
 * value column, apply the model, and spread each snapshot's normalised sum
 * over its rows in proportion to their values.
 */
static void
model_group(struct state *st, const size_t *rows, size_t nr, double *buf)
{
	double *t = buf, *x = buf + nr, *y = buf + 2 * nr;
	double *tn = buf + 3 * nr, *xn = buf + 4 * nr, *yn = buf + 5 * nr;
	int *inc = (int *)(buf + 6 * nr);
	size_t *beg = (size_t *)(buf + 7 * nr);
	size_t np, nn, i, j, k, r, nrun;
	const struct snap *s;
	double m, sum;

	/* Points: one per snapshot the group appears in. */
	for (i = np = 0; i < nr; i = j) {
		for (j = i; j < nr && st->rsnap[rows[j]] == st->rsnap[rows[i]];
		    j++)
			;
		beg[np++] = i;
	}
	beg[np] = nr;
	for (k = 0; k < st->nv; k++) {
		for (i = nn = 0; i < np; i++) {
			s = &st->snaps[st->rsnap[rows[beg[i]]]];
			sum = 0;
			for (r = beg[i]; r < beg[i + 1]; r++)
				sum += (double)st->rval[rows[r] * st->nv + k];
			t[i] = ((double)s->time - (double)st->t0) / 1e9;
			x[i] = sum;
			inc[i] = s->inc;
		}
		if (st->o->model != NORMGC_NONE && st->cumulative[k])
			normgc_rebase(inc, x, np, y);
		else
			memcpy(y, x, np * sizeof(double));
		if (st->o->model == NORMGC_STEPEXP) {
			for (i = nn = 0; i < np; i++)
				if (!st->snaps[st->rsnap[rows[beg[i]]]].repeat) {
					tn[nn] = t[i];
					xn[nn++] = y[i];
				}
			stepexp_budget(st, tn, nn);
			m = normgc_stepexp(tn, xn, nn, st->o->window,
			    st->o->beta, yn);
			for (i = j = 0; i < np; i++) {
				if (!st->snaps[st->rsnap[rows[beg[i]]]].repeat)
					y[i] = yn[j++];
				else
					y[i] = m > 0 ? (y[i] + delta_window(st,
					    tn, xn, nn, t[i])) / m : 0;
			}
		}
		for (i = 0; i < np; i++) {
			nrun = beg[i + 1] - beg[i];
			for (r = beg[i]; r < beg[i + 1]; r++)
				st->rnorm[rows[r] * st->nv + k] = x[i] != 0 ?
				    y[i] * ((double)st->rval[rows[r] * st->nv +
				    k] / x[i]) : y[i] / (double)nrun;
		}
	}
}

static void
apply_model(struct state *st)
{
	size_t ngroups = strmap_count(st->groupmap), *cnt, *rows, *pos;
	size_t i, g, most = 0;
	double *buf;

	st->rnorm = xreallocarray(NULL, st->nrows ? st->nrows : 1,
	    st->nv * sizeof(double));
	pos = xcalloc(st->nsnaps ? st->nsnaps : 1, sizeof(size_t));
	for (i = 0; i < st->nsnaps; i++)
		pos[st->order[i]] = i;
	/* Rows grouped (counting sort), then by snapshot time per group. */
	cnt = xcalloc(ngroups + 1, sizeof(size_t));
	for (i = 0; i < st->nrows; i++)
		cnt[st->rgroup[i] + 1]++;
	for (g = 0; g < ngroups; g++) {
		if (cnt[g + 1] > most)
			most = cnt[g + 1];
		cnt[g + 1] += cnt[g];
	}
	rows = xreallocarray(NULL, st->nrows ? st->nrows : 1, sizeof(size_t));
	for (i = 0; i < st->nrows; i++)
		rows[cnt[st->rgroup[i]]++] = i;
	/* cnt[g] is now the end of group g. */
	sort_st = st;
	sort_pos = pos;
	buf = xreallocarray(NULL, 8 * (most + 1), sizeof(double));
	for (g = 0, i = 0; g < ngroups; i = cnt[g++]) {
		qsort(rows + i, cnt[g] - i, sizeof(size_t), by_snapshot_order);
		model_group(st, rows + i, cnt[g] - i, buf);
	}
	free(buf);
	free(rows);
	free(cnt);
	free(pos);
}

static void
put_added(struct state *st, struct tsv_writer *w, size_t row, int k)
{
	const struct snap *s = &st->snaps[st->rsnap[row]];
	double v;

	if ((size_t)k < st->nv) {
		v = st->rnorm[row * st->nv + (size_t)k];
		if (st->o->model != NORMGC_STEPEXP && v == floor(v) &&
		    fabs(v) < 9e15)
			tsv_put_i64(w, (int64_t)v);
		else
			tsv_put_double(w, v);
	} else if ((size_t)k == st->nv)
		tsv_put_i64(w, s->inc);
	else if ((size_t)k == st->nv + 1) {
		if (s->gc >= 0)
			tsv_put_i64(w, s->gc);
		else
			tsv_put_empty(w);
	} else
		tsv_put_i64(w, s->repeat);
}

static void
write_rows(struct state *st, const struct tsv_reader *r,
    struct tsv_writer *w)
{
	char *line = NULL, **f, *p;
	size_t cap = 0, row, i, n;
	ssize_t len;

	for (i = 0; i < st->ncols; i++)
		tsv_put_str(w, st->added_at[i] != -1 ?
		    st->added[st->added_at[i]] : tsv_colname(r, i));
	for (i = 0; i < st->nappend; i++)
		tsv_put_str(w, st->added[st->append[i]]);
	tsv_endrow(w);

	if (fflush(st->spool) == EOF || fseeko(st->spool, 0, SEEK_SET) == -1)
		err_die(EXIT_DATA, "temporary file: %s", strerror(errno));
	f = xcalloc(st->ncols, sizeof(char *));
	for (row = 0; row < st->nrows; row++) {
		if ((len = getline(&line, &cap, st->spool)) <= 0)
			err_die(EXIT_DATA, "temporary file: short read");
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		for (p = line, n = 0; n < st->ncols; n++) {
			f[n] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (n + 1 != st->ncols && n != st->ncols)
			err_die(EXIT_DATA, "temporary file: bad row");
		if (st->snaps[st->rsnap[row]].repeat && !st->o->keep_repeats)
			continue;
		for (i = 0; i < st->ncols; i++) {
			if (st->added_at[i] != -1)
				put_added(st, w, row, st->added_at[i]);
			else {
				tsv_put_empty(w);
				tsv_cat_raw(w, f[i], strlen(f[i]));
			}
		}
		for (i = 0; i < st->nappend; i++)
			put_added(st, w, row, st->append[i]);
		tsv_endrow(w);
	}
	free(f);
	free(line);
}

static void
state_free(struct state *st)
{
	size_t i;

	for (i = 0; i < st->nsnaps; i++) {
		free(st->snaps[i].tot);
		free(st->snaps[i].sum);
	}
	for (i = 0; i < st->nadded; i++)
		free(st->added[i]);
	free(st->added);
	free(st->snaps);
	free(st->order);
	strmap_free(st->snapmap);
	strmap_free(st->groupmap);
	free(st->vcol);
	free(st->cumulative);
	free(st->iskey);
	free(st->added_at);
	free(st->append);
	free(st->rsnap);
	free(st->rgroup);
	free(st->rval);
	free(st->rnorm);
	free(st->key);
	if (st->spool != NULL)
		fclose(st->spool);
}

/* Read every row of r, write them normalised to w (see normalize-gc(1)). */
void
normgc_run(struct tsv_reader *r, struct tsv_writer *w,
    const struct normgc_opts *o)
{
	struct state st;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.o = o;
	st.max_snapshots = o->max_snapshots > 0 ? o->max_snapshots :
	    CAPS_MAX_SNAPSHOTS;
	st.snapmap = strmap_new();
	st.groupmap = strmap_new();
	setup_columns(&st, r);
	read_rows(&st, r);

	st.order = xreallocarray(NULL, st.nsnaps ? st.nsnaps : 1,
	    sizeof(size_t));
	for (i = 0; i < st.nsnaps; i++)
		st.order[i] = i;
	sort_st = &st;
	qsort(st.order, st.nsnaps, sizeof(size_t), by_time);
	st.t0 = st.nsnaps ? st.snaps[st.order[0]].time : 0;

	if (o->memstats != NULL)
		load_memstats(&st);
	find_restarts(&st);
	if (o->gctrace != NULL)
		tag_gctrace(&st);
	find_repeats(&st);
	apply_model(&st);
	write_rows(&st, r, w);
	state_free(&st);
}
