/* Ranking leak suspects from sample rows; see rank.h and rank(1). */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blocking.h"
#include "err.h"
#include "gctrace.h"
#include "caps.h"
#include "rank.h"
#include "stats.h"
#include "strmap.h"
#include "tsv.h"
#include "xmalloc.h"

#define NONE		UINT32_MAX
#define MAX_VALUE	1e18

/* Thresholds of the verdicts and the score; rank(1) explains each. */
#define ALPHA		0.01	/* Mann-Kendall p for a trend */
#define MIN_TAU		0.5	/* Mann-Kendall tau for a trend */
#define MIN_SNR		3.0	/* trend growth over noise for a trend */
#define PLATEAU_STOP	0.75	/* growth slowed this much: plateau */
#define BURST_SNR	4.0	/* excursion over noise for a burst */
#define RECENT_SNR	2.0	/* last half's growth over noise for a leak */
#define SPARSE_ALPHA	0.05	/* a stop of sparse sample steps: P(so few) */
#define SPARSE_MAX	500.0	/* sample steps expected: beyond, not sparse */
#define RETAIN_FALL	0.5	/* kept share of allocations fell this much */
#define STAIR_RISES	4	/* rises of a never-falling series: growth */
#define REGROW		1.6	/* floor step of a container regrown by doubling */

struct snap {
	int64_t		 t;
	int64_t		 restart;	/* process: column restart, else 0 */
	const char	*key;		/* "name\ttime" */
	size_t		 namelen;
};

struct member {
	uint32_t	 gid, sid, site;
	uint32_t	 snap;		/* latest snapshot seen, NONE before */
	double		 val;		/* its value there */
};

struct group {
	double		*v, *ao, *io;	/* per snapshot, in arrival order */
	size_t		 cap;
	uint32_t	 members;
	const char	*op;
};

/* One suspect row. */
struct result {
	uint32_t	 gid;
	const char	*verdict;
	double		 score, conf, first, last, max, growth, ratio;
	double		 slope, ts, r2, plateau, share, age, noise, snr;
	double		 tsgrowth;
	struct stats_mk	 mk;
	uint32_t	 rep;		/* member index */
};

struct rank {
	struct rank_opts opts;
	enum rank_by	 by;
	int		 goroutine;	/* type is goroutine */
	int		 heap;
	size_t		 c_snap, c_time, c_type, c_val, c_site, c_stack;
	size_t		 c_cluster, c_ao, c_io, c_restart;
	int		 has_type, has_age, has_restart;
	char		*valname;
	char		*type;
	struct strmap	*snaps, *groups, *stacks, *sites, *pairs;
	struct snap	*snap;
	size_t		 nsnap, snapcap;
	double		*total;		/* drift: per snapshot, arrival order */
	struct group	*group;
	size_t		 ngroup, groupcap;
	struct member	*member;
	size_t		 nmember, membercap;
	char		*prevsnap, *prevtime;
	size_t		 prevsnaplen, prevtimelen, previdx;
	char		*keybuf;
	size_t		 keycap;
};

enum rank_by
rank_parse_by(const char *s)
{
	static const char *const names[] = {
		"", "stack", "site", "function", "cluster", "blocking"
	};
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum rank_by)i;
	return RANK_BY_DEFAULT;
}

static int
col(const struct tsv_reader *r, const char *name, size_t *i)
{
	int c = tsv_col(r, name);

	if (c == -1)
		return 0;
	*i = (size_t)c;
	return 1;
}

/* The first of two columns present: "name_norm", then "name". */
static int
col_norm(const struct tsv_reader *r, const char *name, size_t *i)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s_norm", name);
	return col(r, buf, i) || col(r, name, i);
}

/*
 * Find the columns: every one the options need must be in the header.  The
 * profile type, which the first row tells, settles the grouping.
 */
struct rank *
rank_new(const struct rank_opts *o, struct tsv_reader *r)
{
	struct rank *k = xcalloc(1, sizeof(*k));

	k->opts = *o;
	if (k->opts.max_snapshots == 0 || k->opts.max_snapshots > NONE)
		k->opts.max_snapshots = o->max_snapshots == 0 ?
		    CAPS_MAX_SNAPSHOTS : NONE;
	k->c_snap = tsv_need(r, "snapshot");
	k->c_time = tsv_need(r, "time");
	k->has_type = col(r, "type", &k->c_type);
	if (o->value != NULL)
		k->c_val = tsv_need(r, o->value);
	else if (!col_norm(r, "inuse_space", &k->c_val) &&
	    !col(r, "goroutine", &k->c_val))
		err_die(EXIT_DATA, "%s: no column 'inuse_space' or "
		    "'goroutine': name the value column with -v",
		    tsv_filename(r));
	k->valname = xstrdup(tsv_colname(r, k->c_val));
	if (!o->drift) {
		k->c_site = tsv_need(r, "site");
		k->c_stack = tsv_need(r, "stack");
		if (o->by == RANK_BY_CLUSTER)
			k->c_cluster = tsv_need(r, "cluster");
		k->has_age = col_norm(r, "alloc_objects", &k->c_ao) &&
		    col_norm(r, "inuse_objects", &k->c_io);
		k->has_restart = col(r, "restart", &k->c_restart);
	}
	k->snaps = strmap_new();
	k->groups = strmap_new();
	k->stacks = strmap_new();
	k->sites = strmap_new();
	k->pairs = strmap_new();
	k->previdx = NONE;
	return k;
}

/* Settle the type and the grouping from the first row. */
static void
settle(struct rank *k, struct tsv_reader *r)
{
	if (k->has_type) {
		k->type = xstrndup(tsv_get(r, k->c_type),
		    tsv_len(r, k->c_type));
		k->goroutine = strcmp(k->type, "goroutine") == 0;
		k->heap = strcmp(k->type, "heap") == 0;
	} else
		k->goroutine = strcmp(k->valname, "goroutine") == 0;
	if (!k->heap)
		k->has_age = 0;
	k->by = k->opts.by;
	if (k->by == RANK_BY_DEFAULT) {
		if (k->goroutine)
			k->by = RANK_BY_BLOCKING;
		else if (col(r, "cluster", &k->c_cluster))
			k->by = RANK_BY_CLUSTER;
		else
			k->by = RANK_BY_SITE;
	}
}

static int
same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static void
keep(char **dst, size_t *dlen, const char *s, size_t len)
{
	free(*dst);
	*dst = xstrndup(s, len);
	*dlen = len;
}

static char *
key2(struct rank *k, const char *a, size_t alen, const char *b, size_t blen,
    size_t *len)
{
	*len = alen + 1 + blen;
	if (*len + 1 > k->keycap) {
		k->keycap = *len + 64;
		k->keybuf = xreallocarray(k->keybuf, k->keycap, 1);
	}
	memcpy(k->keybuf, a, alen);
	k->keybuf[alen] = '\t';
	memcpy(k->keybuf + alen + 1, b, blen);
	k->keybuf[*len] = '\0';
	return k->keybuf;
}

/* The snapshot index of the current row. */
static uint32_t
snapshot_of(struct rank *k, struct tsv_reader *r)
{
	const char *s = tsv_get(r, k->c_snap), *t = tsv_get(r, k->c_time);
	size_t slen = tsv_len(r, k->c_snap), tlen = tsv_len(r, k->c_time);
	size_t i, len;
	char *key;
	int created;

	if (k->previdx != NONE && same(s, slen, k->prevsnap, k->prevsnaplen) &&
	    same(t, tlen, k->prevtime, k->prevtimelen))
		return (uint32_t)k->previdx;
	key = key2(k, s, slen, t, tlen, &len);
	i = strmap_intern(k->snaps, key, len, &created);
	if (created) {
		if (i >= k->opts.max_snapshots)
			tsv_die_cap(r, CAPS_OPT_MAX_SNAPSHOTS,
			    k->opts.max_snapshots, "too many snapshots");
		if (k->nsnap == k->snapcap) {
			k->snapcap = k->snapcap ? 2 * k->snapcap : 64;
			k->snap = xreallocarray(k->snap, k->snapcap,
			    sizeof(*k->snap));
			k->total = xreallocarray(k->total, k->snapcap,
			    sizeof(*k->total));
		}
		k->snap[i].t = tsv_get_time(r, k->c_time);
		k->snap[i].restart = k->has_restart ?
		    tsv_get_i64(r, k->c_restart) : 0;
		k->snap[i].key = strmap_at(k->snaps, i)->key;
		k->snap[i].namelen = slen;
		k->total[i] = 0;
		k->nsnap++;
	}
	keep(&k->prevsnap, &k->prevsnaplen, s, slen);
	keep(&k->prevtime, &k->prevtimelen, t, tlen);
	k->previdx = i;
	return (uint32_t)i;
}

/* Snapshot a comes after b: later time, then greater name. */
static int
snap_after(const struct rank *k, uint32_t a, uint32_t b)
{
	return tsv_snapshot_cmp(k->snap[a].t, k->snap[a].key, k->snap[b].t,
	    k->snap[b].key) > 0;
}

static size_t
intern(struct strmap *m, const char *s, size_t len)
{
	return strmap_intern(m, s, len, NULL);
}

/* Length of the function part of a site "function file:line". */
static size_t
site_function(const char *s, size_t len)
{
	const char *sp = memchr(s, ' ', len);

	return sp != NULL ? (size_t)(sp - s) : len;
}

/* The group of a goroutine stack: its blocking site, cached per stack. */
static uint32_t
blocking_group(struct rank *k, struct tsv_reader *r, size_t sid,
    const char **op)
{
	struct strmap_entry *e = strmap_at(k->stacks, sid);
	const char *site = tsv_get(r, k->c_site), *f;
	size_t sitelen = tsv_len(r, k->c_site), flen, fn, gid;

	if (e->value != NULL) {
		gid = (size_t)(uintptr_t)e->value - 1;
		*op = k->group[gid].op;
		return (uint32_t)gid;
	}
	*op = blocking_classify(e->key, e->len, &f, &flen);
	for (fn = 0; fn < flen && f[fn] != ' '; fn++)
		;
	if (f == NULL || !same(f, fn, site, site_function(site, sitelen))) {
		site = f != NULL ? f : "";
		sitelen = f != NULL ? flen : 0;
	}
	f = key2(k, site, sitelen, *op, strlen(*op), &flen);
	gid = strmap_intern(k->groups, f, flen, NULL);
	e->value = (void *)(uintptr_t)(gid + 1);
	return (uint32_t)gid;
}

static void
grow_group(struct rank *k, struct group *g, size_t n)
{
	size_t cap = g->cap ? g->cap : 16, i;

	while (cap < n)
		cap *= 2;
	g->v = xreallocarray(g->v, cap, sizeof(double));
	if (k->has_age) {
		g->ao = xreallocarray(g->ao, cap, sizeof(double));
		g->io = xreallocarray(g->io, cap, sizeof(double));
	}
	for (i = g->cap; i < cap; i++) {
		g->v[i] = 0;
		if (k->has_age)
			g->ao[i] = g->io[i] = 0;
	}
	g->cap = cap;
}

/*
 * A value column of the current row.  Magnitudes above 1e18 (an exabyte)
 * are refused so that sums and differences stay finite.
 */
static double
value(struct tsv_reader *r, size_t i)
{
	double v = tsv_get_double(r, i);

	if (fabs(v) > MAX_VALUE)
		tsv_die(r, "column '%s': '%s' is out of range",
		    tsv_colname(r, i), tsv_get(r, i));
	return v;
}

/* Fold one row into its group's series and its member's last value. */
static void
add_row(struct rank *k, struct tsv_reader *r, uint32_t si, double val)
{
	const char *key, *op = NULL;
	size_t len, gid, sid, mi, site;
	uint32_t pair[2];
	struct group *g;
	struct member *m;
	int created;

	sid = intern(k->stacks, tsv_get(r, k->c_stack), tsv_len(r, k->c_stack));
	key = tsv_get(r, k->c_site);
	len = tsv_len(r, k->c_site);
	switch (k->by) {
	case RANK_BY_STACK:
		key = tsv_get(r, k->c_stack);
		len = tsv_len(r, k->c_stack);
		break;
	case RANK_BY_FUNCTION:
		len = site_function(key, len);
		break;
	case RANK_BY_CLUSTER:
		key = tsv_get(r, k->c_cluster);
		len = tsv_len(r, k->c_cluster);
		break;
	default:
		break;
	}
	if (k->by == RANK_BY_BLOCKING)
		gid = blocking_group(k, r, sid, &op);
	else
		gid = intern(k->groups, key, len);
	if (gid >= NONE || sid >= NONE)
		tsv_die(r, "too many groups");
	while (k->ngroup <= gid) {
		if (k->ngroup == k->groupcap) {
			k->groupcap = k->groupcap ? 2 * k->groupcap : 256;
			k->group = xreallocarray(k->group, k->groupcap,
			    sizeof(*k->group));
		}
		memset(&k->group[k->ngroup++], 0, sizeof(*k->group));
	}
	g = &k->group[gid];
	if (op != NULL)
		g->op = op;
	if (si >= g->cap)
		grow_group(k, g, (size_t)si + 1);
	g->v[si] += val;
	if (k->has_age) {
		g->ao[si] += value(r, k->c_ao);
		g->io[si] += value(r, k->c_io);
	}
	pair[0] = (uint32_t)gid;
	pair[1] = (uint32_t)sid;
	mi = strmap_intern(k->pairs, (const char *)pair, sizeof(pair),
	    &created);
	if (created) {
		if (mi == k->membercap) {
			k->membercap = k->membercap ? 2 * k->membercap : 256;
			k->member = xreallocarray(k->member, k->membercap,
			    sizeof(*k->member));
		}
		site = intern(k->sites, tsv_get(r, k->c_site),
		    tsv_len(r, k->c_site));
		m = &k->member[mi];
		m->gid = (uint32_t)gid;
		m->sid = (uint32_t)sid;
		m->site = (uint32_t)site;
		m->snap = NONE;
		m->val = 0;
		k->nmember++;
		g->members++;
	}
	m = &k->member[mi];
	if (m->snap == NONE || snap_after(k, si, m->snap)) {
		m->snap = si;
		m->val = val;
	} else if (m->snap == si)
		m->val += val;
}

void
rank_read(struct rank *k, struct tsv_reader *r)
{
	uint32_t si;
	double val;
	int first = 1;

	while (tsv_next(r)) {
		if (first) {
			settle(k, r);
			first = 0;
		}
		if (k->has_type && (tsv_len(r, k->c_type) != strlen(k->type) ||
		    memcmp(tsv_get(r, k->c_type), k->type,
		    strlen(k->type)) != 0))
			tsv_die(r, "type '%s' after type '%s': rank one profile "
			    "type at a time", tsv_get(r, k->c_type), k->type);
		si = snapshot_of(k, r);
		if (k->has_restart && tsv_get_i64(r, k->c_restart) !=
		    k->snap[si].restart)
			tsv_die(r, "column 'restart': '%s' in a snapshot of "
			    "process %lld", tsv_get(r, k->c_restart),
			    (long long)k->snap[si].restart);
		val = value(r, k->c_val);
		k->total[si] += val;
		if (!k->opts.drift)
			add_row(k, r, si, val);
	}
}

static const struct rank *sorting;

static int
cmp_snap(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (x == y)
		return 0;
	return snap_after(sorting, x, y) ? 1 : -1;
}

/* Snapshot indices in time order; the caller frees. */
static uint32_t *
snap_order(struct rank *k)
{
	uint32_t *o = xreallocarray(NULL, k->nsnap + 1, sizeof(*o));
	size_t i;

	for (i = 0; i < k->nsnap; i++)
		o[i] = (uint32_t)i;
	sorting = k;
	qsort(o, k->nsnap, sizeof(*o), cmp_snap);
	return o;
}

static double
at(const double *v, size_t cap, uint32_t si)
{
	return si < cap ? v[si] : 0;
}

/*
 * Heap profiles show the heap as of the last completed GC: a snapshot equal
 * to the one before it in every group (and object count) of the same
 * process shows the same GC cycle and is dropped.  Returns the kept
 * snapshot indices, time ordered.
 */
static size_t
collapse(struct rank *k, const uint32_t *order, uint32_t *kept)
{
	size_t i, g, nk = 0;
	const struct group *gr;
	uint32_t a, b;
	int eq;

	for (i = 0; i < k->nsnap; i++) {
		a = order[i];
		b = i > 0 ? order[i - 1] : 0;
		eq = i > 0 && k->heap && k->ngroup > 0 &&
		    k->snap[a].restart == k->snap[b].restart;
		for (g = 0; eq && g < k->ngroup; g++) {
			gr = &k->group[g];
			if (at(gr->v, gr->cap, a) != at(gr->v, gr->cap, b) ||
			    (k->has_age && (at(gr->ao, gr->cap, a) !=
			    at(gr->ao, gr->cap, b) || at(gr->io, gr->cap, a) !=
			    at(gr->io, gr->cap, b))))
				eq = 0;
		}
		if (!eq)
			kept[nk++] = a;
	}
	return nk;
}

static double
clamp01(double v)
{
	return isnan(v) || v < 0 ? 0 : v > 1 ? 1 : v;
}

/*
 * The plateau measure of a series cut into processes: over the last
 * process alone when it has --min-snapshots points and a measure of its
 * own, else over the whole series, pairing points within a process.
 */
static double
recent_plateau(const struct rank *k, const double *x, const double *y,
    size_t n, const size_t *len, size_t nseg)
{
	size_t m = len[nseg - 1];
	double p;

	if (nseg > 1 && m >= k->opts.min_snapshots) {
		p = stats_plateau(x + n - m, y + n - m, m);
		if (!isnan(p))
			return p;
	}
	return stats_plateau_seg(x, y, len, nseg);
}

/*
 * Whether the last process ends below where the one before it ended
 * still growing (its own plateau measure under PLATEAU_STOP, its last
 * value above its first).  A bounded cache fills to its bound in every
 * process; a leak that the previous process carried higher, without a
 * stop, is not bounded where the last one now pauses (a lull in the load,
 * a process too young), so a stop test of the last process alone says
 * nothing.
 */
static int
below_earlier_rise(const struct rank *k, const double *x, const double *y,
    size_t n, const size_t *len, size_t nseg)
{
	size_t m, o;
	double p;

	if (nseg < 2)
		return 0;
	m = len[nseg - 2];
	o = n - len[nseg - 1] - m;
	if (m < k->opts.min_snapshots || !(y[o + m - 1] > y[o]) ||
	    !(y[n - 1] < y[o + m - 1]))
		return 0;
	p = stats_plateau(x + o, y + o, m);
	return !isnan(p) && p < PLATEAU_STOP;
}

/*
 * Whether the last process grows as a container regrown by doubling (a
 * map's bucket arrays) and its next regrowth is not yet due.  Its floor
 * (each value the least of it and every later one) steps up at each
 * regrowth, to REGROW times the level before or more, and the old array
 * freed after each.  For entries added at a steady rate each regrowth
 * takes as long as all before it, twice the previous interval: a flat
 * stretch since the last one says nothing of a stop until it lasts that
 * long.  It takes two such steps, the last held at two snapshots or more,
 * and a series that holds still after it but for one fall (the outgrown
 * array freed): a cache sampled anew moves up and down about its floor.
 * Such a container frees the array it outgrew at each step, so its share
 * of allocations kept falls by design (see alloc_checks).
 */
static int
regrowth_due(const double *x, const double *y, size_t n, const size_t *len,
    size_t nseg)
{
	size_t o = n - len[nseg - 1], j, a = 0, b = 0, falls;
	double floor_next, floor;

	if (len[nseg - 1] < 4)
		return 0;
	floor_next = y[n - 1];
	for (j = n - 1; j > o; j--) {
		floor = y[j - 1] < floor_next ? y[j - 1] : floor_next;
		if (floor > 0 && floor_next >= REGROW * floor) {
			if (b == 0)
				b = j;
			else {
				a = j;
				break;
			}
		}
		floor_next = floor;
	}
	if (a == 0 || b + 1 >= n)
		return 0;
	/* Between regrowths it holds still: one fall, the outgrown array. */
	for (j = b + 1, falls = 0; j < n; j++)
		if (y[j] < y[j - 1] && ++falls > 1)
			return 0;
	return x[n - 1] - x[b] < 2 * (x[b] - x[a]);
}

/*
 * How far the series still rose over its last half, in units of the noise
 * floor fl: the Theil-Sen slope of the last half of the last process
 * times that half's span.  A bounded cache that has filled drifts a little
 * as entries are replaced and sampled anew, which the thirds ratio of the
 * plateau statistic can take for growth; measured against the noise, the
 * drift is small and a leak's growth is not.  NAN when the last process
 * has too few snapshots to tell.
 */
static double
recent_snr(const struct rank *k, const double *x, const double *y, size_t n,
    const size_t *len, size_t nseg, double fl)
{
	size_t m = len[nseg - 1] / 2;
	double b, ts;

	if (m < 3 || m * 2 < k->opts.min_snapshots || fl <= 0)
		return NAN;
	ts = stats_theil_sen(x + n - m, y + n - m, m, &b);
	if (isnan(ts))
		return NAN;
	return ts * (x[n - 1] - x[n - m]) / fl;
}

/*
 * Whether a stretch from y[i] to the last snapshot is too short, for the
 * sample steps q that growth at its rate before the stretch would add, to
 * show that growth stopped.  A leak of few sampled objects rises by whole
 * samples: a step now and then, flat in between, never down by a sample.
 * The Theil-Sen slopes of the stop tests are medians, 0 on such a stretch
 * when most pairs fall between two steps, while its expected e steps can
 * still be few.  So a stretch that never fell by half a step, and rose by
 * k steps where P(X <= k) is above SPARSE_ALPHA for X Poisson of mean e,
 * says nothing of a stop.  Moves under half a step are samples resized (a
 * regrown slice freed the old array): allowed while they add up to less
 * than half a step, else the stretch did not move in steps.  A cache that
 * filled and is sampled anew falls as well as rises; one that keeps its
 * samples stays flat where e is large.  Beyond SPARSE_MAX steps (a series
 * of many small values, or normalised ones) the question is not asked.
 */
static int
late_inconclusive(const double *x, const double *y, size_t n,
    const size_t *len, size_t nseg, size_t i, double q)
{
	double d, e, rise = 0, span = 0, small = 0;
	size_t j, s, o, end;

	if (q <= 0 || i + 1 >= n)
		return 0;
	/* The rate before the stretch: rise over time, within processes. */
	for (s = o = 0; s < nseg && o < i; o += len[s++]) {
		end = o + len[s] < i + 1 ? o + len[s] : i + 1;
		rise += y[end - 1] - y[o];
		span += x[end - 1] - x[o];
	}
	if (!(span > 0) || !(rise > 0))
		return 0;
	e = rise / span * (x[n - 1] - x[i]) / q;
	if (!(e <= SPARSE_MAX))
		return 0;
	for (j = i + 1; j < n; j++) {
		d = y[j] - y[j - 1];
		if (d <= -q / 2)
			return 0;
		if (fabs(d) < q / 2 && (small += fabs(d)) >= q / 2)
			return 0;
	}
	return stats_poisson_cdf(floor((y[n - 1] - y[i]) / q + 0.5), e) >
	    SPARSE_ALPHA;
}

/*
 * The growth of a series that never fell within a process and rose at
 * STAIR_RISES snapshots or more: the sum of each process's rise from its
 * first to its last value; else 0.  A leak of few sampled objects is such
 * a staircase, flat between its steps, and the Theil-Sen slope, a median
 * of pairwise slopes most of which fall between two steps (or within a
 * long flat start), tells a fraction of its rise.  A series that never
 * fell has no noise about its rise to discount, so the rise is its
 * growth.  A single jump that stayed is no staircase.
 */
static double
stair_growth(const double *y, const size_t *len, size_t nseg)
{
	double rise = 0;
	size_t s, o, j, rises = 0;

	for (s = o = 0; s < nseg; o += len[s++]) {
		for (j = o + 1; j < o + len[s]; j++) {
			if (y[j] < y[j - 1])
				return 0;
			if (y[j] > y[j - 1])
				rises++;
		}
		rise += y[o + len[s] - 1] - y[o];
	}
	return rises >= STAIR_RISES ? rise : 0;
}

/* Where the last third that recent_plateau measures starts. */
static size_t
plateau_start(const struct rank *k, size_t n, const size_t *len,
    size_t nseg)
{
	size_t m = len[nseg - 1];

	if (nseg > 1 && m >= k->opts.min_snapshots)
		return n - m / 3;
	return n - n / 3;
}

/*
 * How the share of its allocations that a group keeps changed: over the
 * last half of the last process, the objects it came to hold per object
 * it allocated (io, ao: in-use and cumulative allocated objects), against
 * the same over that process before.  A leak keeps what it allocates,
 * every sample of it, so the share stays (at 1 for a pure leak); a cache
 * that filled keeps allocating as it evicts, and its share falls towards
 * 0.  NAN when the last process is too short, or either half allocated
 * or kept nothing.
 */
static double
retention_change(const double *ao, const double *io, size_t n,
    const size_t *len, size_t nseg)
{
	size_t m = len[nseg - 1] / 2, a = n - len[nseg - 1], b = n - m;
	double da0, di0, da, di;

	if (m < 3)
		return NAN;
	da0 = ao[b] - ao[a];
	di0 = io[b] - io[a];
	da = ao[n - 1] - ao[b];
	di = io[n - 1] - io[b];
	if (!(da0 > 0 && di0 > 0 && da > 0))
		return NAN;
	return di / da / (di0 / da0);
}

/* The time spanned within processes: the sum of each one's span. */
static double
seg_span(const double *x, const size_t *len, size_t nseg)
{
	double span = 0;
	size_t i, o;

	for (i = o = 0; i < nseg; o += len[i++])
		span += x[o + len[i] - 1] - x[o];
	return span;
}

/*
 * An excursion still high at the last snapshot has not come back down: it
 * is no burst (yet).  Its tail is the run of last snapshots standing more
 * than BURST_SNR / 2 noise floors fl above the median med (the smallest
 * half excursion a burst can have, so the run reaches down the rise, not
 * into the baseline's own noise).  Only pairs of one process count, as for
 * every trend: the jump at a restart inside the tail is no growth (the new
 * process allocated anew what it holds), so a tail flat on both sides of
 * a restart is a plateau.  A tail that rose as a trend must (tau at least
 * MIN_TAU, Theil-Sen growth at least MIN_SNR noise floors) is a leak that
 * started late; its confidence is the tail's tau times its snr factor, times
 * m / (m + --min-snapshots) for a tail of m snapshots, so a rise over few
 * snapshots counts for little and one over the whole series (its own
 * verdict) always counts for more.  A tail that did not rise jumped and
 * stayed: plateau, with the series' confidence.
 */
static void
late_tail(const struct rank *k, const double *x, const double *y, size_t n,
    const size_t *len, size_t nseg, double *icpt, double med, double fl,
    struct result *res)
{
	size_t m, s, o, *tlen, tseg = 0;
	struct stats_mk mk;
	double ts, tn, grow;

	for (m = 0; m < n && y[n - 1 - m] > med + BURST_SNR / 2 * fl; m++)
		;
	/* The processes of the tail: the last ones, the first cut short. */
	for (s = nseg, o = n; s > 0 && o > n - m; s--) {
		o -= len[s - 1];
		tseg++;
	}
	tlen = xreallocarray(NULL, tseg + 1, sizeof(*tlen));
	for (s = 0; s < tseg; s++)
		tlen[s] = len[nseg - tseg + s];
	tlen[0] -= (n - m) - o;
	/*
	 * Sampling noise grows with the level (n samples vary by about
	 * sqrt(n)), so a flat tail far above a quiet baseline moves by more
	 * than the baseline's noise: the tail's own noise about its Theil-Sen
	 * line counts when it is larger.
	 */
	ts = stats_theil_sen_seg(x + n - m, y + n - m, tlen, tseg, icpt);
	tn = stats_noise_seg(x + n - m, y + n - m, tlen, tseg, ts, icpt);
	if (!isnan(tn) && tn > fl)
		fl = tn;
	res->verdict = "plateau";
	grow = isnan(ts) ? 0 : ts * seg_span(x + n - m, tlen, tseg);
	stats_mann_kendall_seg(y + n - m, tlen, tseg, &mk);
	if (grow > 0 && (fl > 0 ? grow >= MIN_SNR * fl : 1) &&
	    mk.tau >= MIN_TAU) {
		res->verdict = "leak";
		res->conf = mk.tau * (fl > 0 ?
		    clamp01((grow / fl - 1) / MIN_SNR) : 1) *
		    (double)m / (double)(m + k->opts.min_snapshots);
	}
	free(tlen);
}

/*
 * The allocation checks of a group with allocation counters (ao, io:
 * cumulative allocated and in-use objects per snapshot): the age of what
 * it holds (Little's law), and a leak verdict that is still allocating
 * but no longer keeping becomes plateau: it filled, unless it is a
 * container regrowing (regrown, see regrowth_due), which frees what it
 * outgrew by design.
 */
static void
alloc_checks(const double *x, const double *ao, const double *io, size_t n,
    const size_t *len, size_t nseg, int regrown, struct result *res)
{
	double rate, rc;

	rate = stats_ols_seg(x, ao, len, nseg, NULL);
	if (rate > 0 && io[n - 1] > 0)
		res->age = io[n - 1] / rate;
	rc = retention_change(ao, io, n, len, nseg);
	if (strcmp(res->verdict, "leak") == 0 && rc < RETAIN_FALL &&
	    !regrown) {
		res->verdict = "plateau";
		res->conf *= clamp01(rc / RETAIN_FALL);
	}
}

/*
 * Analyse one group's series y over times x, cut into nseg processes of
 * len[] snapshots (icpt has room for one number per process), with its
 * allocation counters ao and io when there are (else NULL): every
 * statistic, the verdict, and the leak confidence (the score before size
 * is weighed in).  Trends compare snapshots of one process only.
 */
static void
analyse(const struct rank *k, const double *x, const double *y,
    const double *ao, const double *io, size_t n, const size_t *len,
    size_t nseg, double *icpt, struct result *res)
{
	double q, qs, fl, med, exc, ft, fs, fp, rs, pl, sg, *tmp;
	size_t i, high;
	int regrown, no_stop;

	res->first = y[0];
	res->last = y[n - 1];
	res->max = y[0];
	for (i = 1; i < n; i++)
		if (y[i] > res->max)
			res->max = y[i];
	res->growth = res->last - res->first;
	res->ratio = res->first > 0 ? res->last / res->first : NAN;
	res->slope = stats_ols_seg(x, y, len, nseg, &res->r2);
	res->ts = stats_theil_sen_seg(x, y, len, nseg, icpt);
	stats_mann_kendall_seg(y, len, nseg, &res->mk);
	res->plateau = recent_plateau(k, x, y, n, len, nseg);
	res->tsgrowth = isnan(res->ts) ? 0 : res->ts * seg_span(x, len, nseg);
	res->noise = stats_noise_seg(x, y, len, nseg, res->ts, icpt);
	q = stats_quantum(y, n);
	fl = isnan(res->noise) || res->noise < q ? q : res->noise;
	sg = stair_growth(y, len, nseg);
	res->snr = fl > 0 ? (sg > 0 && sg > res->tsgrowth ? sg :
	    res->tsgrowth) / fl : 0;
	/*
	 * The plateau, unless its last third cannot tell a stop, in steps of
	 * the series' typical rise (at least its quantum).
	 */
	qs = stats_median_rise(y, len, nseg);
	if (qs < q)
		qs = q;
	regrown = regrowth_due(x, y, n, len, nseg);
	no_stop = regrown || below_earlier_rise(k, x, y, n, len, nseg);
	pl = no_stop || late_inconclusive(x, y, n, len, nseg, plateau_start(k, n,
	    len, nseg), qs) ? NAN : res->plateau;
	tmp = xreallocarray(NULL, n, sizeof(*tmp));
	memcpy(tmp, y, n * sizeof(*tmp));
	med = stats_median(tmp, n);
	free(tmp);
	exc = res->max - med;
	for (i = high = 0; i < n; i++)
		if (y[i] > med + exc / 2)
			high++;

	ft = (res->mk.tau > 0 ? res->mk.tau : 0) *
	    clamp01(-log10(res->mk.p) / -log10(ALPHA));
	fs = clamp01((res->snr - 1) / MIN_SNR);
	fp = isnan(pl) ? 1 : clamp01((0.9 - pl) / (0.9 - 0.5));
	res->conf = ft * fs * fp;

	if (k->goroutine && k->opts.goroutines > 0 &&
	    res->last > k->opts.goroutines) {
		res->verdict = "leak";
		res->conf = 1;
	} else if (n < k->opts.min_snapshots ||
	    (res->mk.tau >= MIN_TAU && res->snr >= MIN_SNR &&
	    res->tsgrowth > 0 && stats_mk_best_p(len, nseg) > ALPHA)) {
		/*
		 * Too few snapshots for a trend test or a noise estimate, or
		 * a series that rose over too few snapshots (within its
		 * processes) for the trend test ever to pass: 5 or fewer in
		 * one process.  Weigh by how evenly the series rose instead,
		 * so growth that came in one step (a burst the last snapshot
		 * caught) ranks below steady growth.
		 */
		res->verdict = "insufficient";
		res->conf = ft * fp * (1 - stats_step_share(y, n));
	}
	else if (res->mk.tau >= MIN_TAU && res->mk.p <= ALPHA &&
	    res->snr >= MIN_SNR && res->tsgrowth > 0) {
		rs = recent_snr(k, x, y, n, len, nseg, fl);
		if (no_stop || late_inconclusive(x, y, n, len, nseg,
		    n - len[nseg - 1] / 2, qs))
			rs = NAN;
		if (!isnan(rs) && rs < RECENT_SNR) {
			/* Grew, but no longer above the noise. */
			res->verdict = "plateau";
			res->conf *= clamp01(rs / RECENT_SNR);
		} else
			res->verdict = !isnan(pl) && pl >= PLATEAU_STOP ?
			    "plateau" : "leak";
	}
	else if (res->mk.tau <= -MIN_TAU && res->mk.p <= ALPHA &&
	    -res->tsgrowth >= MIN_SNR * fl)
		res->verdict = "shrinking";
	else if ((fl > 0 ? exc >= BURST_SNR * fl : exc > 0) && high <= n / 3) {
		/*
		 * A burst came back down: the last snapshot is not high, or
		 * high points came before their last run (the excursion
		 * recurs, as a periodic batch does).  Else it is still on.
		 */
		for (i = n; i > 0 && y[i - 1] > med + exc / 2; i--)
			;
		if (i > 0 && n - i == high)
			late_tail(k, x, y, n, len, nseg, icpt, med, fl,
			    res);
		else
			res->verdict = "burst";
	} else
		res->verdict = "steady";
	res->age = NAN;
	if (ao != NULL && io != NULL && n >= 2)
		alloc_checks(x, ao, io, n, len, nseg, regrown, res);
}

static const struct rank *cmp_k;

static int
cmp_result(const void *a, const void *b)
{
	const struct result *x = a, *y = b;
	const struct strmap_entry *ex, *ey;
	int c;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->growth != y->growth)
		return x->growth > y->growth ? -1 : 1;
	ex = strmap_at(cmp_k->groups, x->gid);
	ey = strmap_at(cmp_k->groups, y->gid);
	c = memcmp(ex->key, ey->key, ex->len < ey->len ? ex->len : ey->len);
	if (c != 0)
		return c;
	return ex->len < ey->len ? -1 : ex->len > ey->len;
}

/* The value column's unit, from its name. */
static const char *
unit_of(const char *name)
{
	if (strstr(name, "objects") != NULL || strstr(name, "goroutine") !=
	    NULL || strncmp(name, "samples", 7) == 0 ||
	    strncmp(name, "num_", 4) == 0 || strstr(name, "count") != NULL)
		return "count";
	if (strncmp(name, "cpu", 3) == 0 || strstr(name, "_ns") != NULL)
		return "nanoseconds";
	if (strstr(name, "space") != NULL || strstr(name, "alloc") != NULL ||
	    strstr(name, "heap") != NULL || strstr(name, "sys") != NULL ||
	    strstr(name, "bytes") != NULL || strstr(name, "inuse") != NULL ||
	    strstr(name, "stack") != NULL)
		return "bytes";
	return "";
}

static void
put_series(struct tsv_writer *w, const double *y, size_t n, char **buf,
    size_t *cap)
{
	size_t i, len = 0;
	char num[400];
	size_t nl;

	for (i = 0; i < n; i++) {
		nl = tsv_format_double(num, sizeof(num), y[i]);
		if (len + nl + 2 > *cap) {
			*cap = 2 * (len + nl + 2);
			*buf = xreallocarray(*buf, *cap, 1);
		}
		if (i > 0)
			(*buf)[len++] = ',';
		memcpy(*buf + len, num, nl);
		len += nl;
	}
	tsv_put(w, *buf != NULL ? *buf : "", len);
}

static void
put_header(const struct rank *k, struct tsv_writer *w)
{
	static const char *const cols[] = {
		"rank", "group", "verdict", "score", "value", "unit",
		"snapshots", "t_first", "t_last", "first", "last", "max",
		"growth", "growth_ratio", "slope", "theil_sen", "r2", "mk_s",
		"mk_tau", "mk_p", "plateau", "share", "age", "members",
		"series", "site", "stack"
	};
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		tsv_put_str(w, cols[i]);
	if (k->goroutine)
		tsv_put_str(w, "op");
	tsv_put_str(w, "noise");
	tsv_put_str(w, "snr");
	tsv_endrow(w);
}

/* Length of a group's name: a blocking group's key is "site\top". */
static size_t
group_len(const struct rank *k, const struct strmap_entry *e)
{
	size_t n = e->len;

	if (k->by != RANK_BY_BLOCKING)
		return n;
	while (n > 0 && e->key[n - 1] != '\t')
		n--;
	return n > 0 ? n - 1 : e->len;
}

/*
 * The site holding most of each group's value in the last snapshot, so a
 * leak spread over many small stacks of one line outweighs one big stack
 * of another line; ties go to the site that sorts first.
 */
static uint32_t *
best_sites(const struct rank *k, uint32_t last)
{
	uint32_t *best = xreallocarray(NULL, k->ngroup + 1, sizeof(*best));
	double *bestv = xreallocarray(NULL, k->ngroup + 1, sizeof(*bestv));
	double *sum = NULL;
	struct strmap *acc = strmap_new();
	const struct strmap_entry *e, *x, *y;
	const struct member *m;
	uint32_t key[2];
	size_t i, j, cap = 0;
	int created;

	for (i = 0; i < k->nmember; i++) {
		m = &k->member[i];
		key[0] = m->gid;
		key[1] = m->site;
		j = strmap_intern(acc, (const char *)key, sizeof(key),
		    &created);
		if (j >= cap) {
			cap = cap ? cap * 2 : 64;
			sum = xreallocarray(sum, cap, sizeof(*sum));
		}
		if (created)
			sum[j] = 0;
		if (m->snap == last)
			sum[j] += m->val;
	}
	for (i = 0; i < k->ngroup; i++)
		best[i] = NONE;
	for (j = 0; j < strmap_count(acc); j++) {
		e = strmap_at(acc, j);
		memcpy(key, e->key, sizeof(key));
		if (best[key[0]] != NONE) {
			if (sum[j] < bestv[key[0]])
				continue;
			if (sum[j] == bestv[key[0]]) {
				x = strmap_at(k->sites, key[1]);
				y = strmap_at(k->sites, best[key[0]]);
				if (strcmp(x->key, y->key) >= 0)
					continue;
			}
		}
		best[key[0]] = key[1];
		bestv[key[0]] = sum[j];
	}
	free(sum);
	free(bestv);
	strmap_free(acc);
	return best;
}

/*
 * Pick each group's representative member: on the group's best site (see
 * best_sites), the stack with the largest last value, then by name.
 */
static uint32_t *
representatives(const struct rank *k, uint32_t last)
{
	uint32_t *rep = xreallocarray(NULL, k->ngroup + 1, sizeof(*rep));
	uint32_t *best = best_sites(k, last);
	const struct member *m, *r;
	const struct strmap_entry *a, *b;
	double mv, rv;
	size_t i;
	int c;

	for (i = 0; i < k->ngroup; i++)
		rep[i] = NONE;
	for (i = 0; i < k->nmember; i++) {
		m = &k->member[i];
		if (m->site != best[m->gid])
			continue;
		if (rep[m->gid] == NONE) {
			rep[m->gid] = (uint32_t)i;
			continue;
		}
		r = &k->member[rep[m->gid]];
		mv = m->snap == last ? m->val : 0;
		rv = r->snap == last ? r->val : 0;
		if (mv != rv) {
			if (mv > rv)
				rep[m->gid] = (uint32_t)i;
			continue;
		}
		a = strmap_at(k->stacks, m->sid);
		b = strmap_at(k->stacks, r->sid);
		c = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);
		if (c < 0 || (c == 0 && a->len < b->len))
			rep[m->gid] = (uint32_t)i;
	}
	free(best);
	return rep;
}

static void
put_result(const struct rank *k, struct tsv_writer *w, size_t no,
    const struct result *res, const double *y, size_t n,
    const uint32_t *kept, char **buf, size_t *cap)
{
	const struct strmap_entry *g = strmap_at(k->groups, res->gid);
	const struct strmap_entry *st, *site;
	const struct member *m = &k->member[res->rep];
	const char *op, *f;
	size_t flen;

	st = strmap_at(k->stacks, m->sid);
	site = strmap_at(k->sites, m->site);
	tsv_put_u64(w, no);
	tsv_put(w, g->key, group_len(k, g));
	tsv_put_str(w, res->verdict);
	tsv_put_double(w, res->score);
	tsv_put_str(w, k->valname);
	tsv_put_str(w, unit_of(k->valname));
	tsv_put_u64(w, n);
	tsv_put_time(w, k->snap[kept[0]].t);
	tsv_put_time(w, k->snap[kept[n - 1]].t);
	tsv_put_double(w, res->first);
	tsv_put_double(w, res->last);
	tsv_put_double(w, res->max);
	tsv_put_double(w, res->growth);
	tsv_put_double(w, res->ratio);
	tsv_put_double(w, res->slope);
	tsv_put_double(w, res->ts);
	tsv_put_double(w, res->r2);
	tsv_put_double(w, res->mk.s);
	tsv_put_double(w, res->mk.tau);
	tsv_put_double(w, res->mk.p);
	tsv_put_double(w, res->plateau);
	tsv_put_double(w, res->share);
	tsv_put_double(w, res->age);
	tsv_put_u64(w, k->group[res->gid].members);
	put_series(w, y, n, buf, cap);
	if (k->by == RANK_BY_BLOCKING)
		tsv_put(w, g->key, group_len(k, g));
	else
		tsv_put(w, site->key, site->len);
	tsv_put(w, st->key, st->len);
	if (k->goroutine) {
		op = k->group[res->gid].op;
		if (op == NULL)
			op = blocking_classify(st->key, st->len, &f, &flen);
		tsv_put_str(w, op);
	}
	tsv_put_double(w, res->noise);
	tsv_put_double(w, res->snr);
	tsv_endrow(w);
}

/*
 * Cut the kept snapshots into processes: runs of consecutive snapshots
 * with the same restart value.  Returns their number, lengths in len.
 */
static size_t
processes(const struct rank *k, const uint32_t *kept, size_t n, size_t *len)
{
	size_t i, nseg = 0;

	for (i = 0; i < n; i++) {
		if (i == 0 || k->snap[kept[i]].restart !=
		    k->snap[kept[i - 1]].restart)
			len[nseg++] = 0;
		len[nseg - 1]++;
	}
	return nseg;
}

/*
 * Analyse every group and write the suspect rows, best first.  Returns the
 * number of rows written with the verdict leak.
 */
size_t
rank_write(struct rank *k, struct tsv_writer *w)
{
	uint32_t *order, *kept, *rep;
	struct result *res;
	double *x, *y, *ao, *io, *icpt, totlast, maxg = 0;
	size_t n, i, j, nseg, *len, written = 0, leaks = 0;
	const struct group *g;
	char *buf = NULL;
	size_t cap = 0;

	put_header(k, w);
	if (k->nsnap == 0 || k->ngroup == 0)
		return 0;
	order = snap_order(k);
	kept = xreallocarray(NULL, k->nsnap, sizeof(*kept));
	n = collapse(k, order, kept);
	rep = representatives(k, order[k->nsnap - 1]);
	x = xreallocarray(NULL, n, sizeof(*x));
	y = xreallocarray(NULL, n, sizeof(*y));
	ao = xreallocarray(NULL, n, sizeof(*ao));
	io = xreallocarray(NULL, n, sizeof(*io));
	len = xreallocarray(NULL, n, sizeof(*len));
	icpt = xreallocarray(NULL, n, sizeof(*icpt));
	nseg = processes(k, kept, n, len);
	for (i = 0; i < n; i++)
		x[i] = (double)(k->snap[kept[i]].t - k->snap[kept[0]].t) / 1e9;
	totlast = k->total[kept[n - 1]];
	res = xcalloc(k->ngroup, sizeof(*res));
	for (j = 0; j < k->ngroup; j++) {
		g = &k->group[j];
		for (i = 0; i < n; i++)
			y[i] = at(g->v, g->cap, kept[i]);
		res[j].gid = (uint32_t)j;
		res[j].rep = rep[j];
		if (k->has_age)
			for (i = 0; i < n; i++) {
				ao[i] = at(g->ao, g->cap, kept[i]);
				io[i] = at(g->io, g->cap, kept[i]);
			}
		analyse(k, x, y, k->has_age ? ao : NULL, k->has_age ? io : NULL,
		    n, len, nseg, icpt, &res[j]);
		res[j].share = totlast > 0 ? res[j].last / totlast : NAN;
		if (res[j].tsgrowth > maxg)
			maxg = res[j].tsgrowth;
	}
	for (j = 0; j < k->ngroup; j++)
		res[j].score = res[j].conf * (0.5 + 0.5 * (maxg > 0 &&
		    res[j].tsgrowth > 0 ? res[j].tsgrowth / maxg : 0));
	cmp_k = k;
	qsort(res, k->ngroup, sizeof(*res), cmp_result);
	for (j = 0; j < k->ngroup; j++) {
		if (k->opts.top > 0 && written == k->opts.top)
			break;
		if (k->opts.min_share > 0 && !(res[j].share >=
		    k->opts.min_share))
			continue;
		g = &k->group[res[j].gid];
		for (i = 0; i < n; i++)
			y[i] = at(g->v, g->cap, kept[i]);
		put_result(k, w, ++written, &res[j], y, n, kept, &buf, &cap);
		if (strcmp(res[j].verdict, "leak") == 0)
			leaks++;
	}
	free(buf);
	free(res);
	free(icpt);
	free(len);
	free(ao);
	free(io);
	free(y);
	free(x);
	free(rep);
	free(kept);
	free(order);
	return leaks;
}

/* The value and alarm columns of one drift row. */
static void
put_drift(struct tsv_writer *w, double v, const struct stats_drift *d)
{
	tsv_put_double(w, v);
	tsv_put_double(w, d->delta);
	tsv_put_double(w, d->mean);
	tsv_put_double(w, d->sd);
	tsv_put_double(w, d->threshold);
	tsv_put_u64(w, (uint64_t)d->alarm);
}

/*
 * Write the drift rows: per snapshot in time order, the total of the value
 * column and the alarm on its change.  Returns the number of alarms.
 */
size_t
rank_write_drift(struct rank *k, struct tsv_writer *w)
{
	static const char *const cols[] = {
		"snapshot", "time", "value", "delta", "mean", "sd",
		"threshold", "alarm"
	};
	struct stats_drift *d;
	uint32_t *order;
	double *v;
	size_t i, alarms = 0;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		tsv_put_str(w, cols[i]);
	tsv_endrow(w);
	if (k->nsnap == 0)
		return 0;
	order = snap_order(k);
	v = xreallocarray(NULL, k->nsnap, sizeof(*v));
	d = xreallocarray(NULL, k->nsnap, sizeof(*d));
	for (i = 0; i < k->nsnap; i++)
		v[i] = k->total[order[i]];
	stats_drift(v, k->nsnap, k->opts.window, k->opts.k, d);
	for (i = 0; i < k->nsnap; i++) {
		tsv_put(w, k->snap[order[i]].key, k->snap[order[i]].namelen);
		tsv_put_time(w, k->snap[order[i]].t);
		put_drift(w, v[i], &d[i]);
		tsv_endrow(w);
		alarms += (size_t)d[i].alarm;
	}
	free(d);
	free(v);
	free(order);
	return alarms;
}

/*
 * The drift alarm on a gctrace log's live heap, one row per GC cycle: the
 * snapshot is the log's name, the time empty (the log has only seconds
 * since the process started: column uptime), the cycle's number in gc.
 */
size_t
rank_write_gctrace(const struct rank_opts *o, const char *name,
    const struct gctrace_cycle *c, size_t n, struct tsv_writer *w)
{
	static const char *const cols[] = {
		"snapshot", "time", "value", "delta", "mean", "sd",
		"threshold", "alarm", "gc", "uptime"
	};
	struct stats_drift *d;
	double *v;
	size_t i, alarms = 0;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		tsv_put_str(w, cols[i]);
	tsv_endrow(w);
	if (n == 0)
		return 0;
	v = xreallocarray(NULL, n, sizeof(*v));
	d = xreallocarray(NULL, n, sizeof(*d));
	for (i = 0; i < n; i++)
		v[i] = (double)c[i].heap_live;
	stats_drift(v, n, o->window, o->k, d);
	for (i = 0; i < n; i++) {
		tsv_put_str(w, name);
		tsv_put_empty(w);
		put_drift(w, v[i], &d[i]);
		tsv_put_i64(w, c[i].num);
		tsv_put_double(w, c[i].t);
		tsv_endrow(w);
		alarms += (size_t)d[i].alarm;
	}
	free(d);
	free(v);
	return alarms;
}

void
rank_free(struct rank *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->ngroup; i++) {
		free(k->group[i].v);
		free(k->group[i].ao);
		free(k->group[i].io);
	}
	free(k->group);
	free(k->member);
	free(k->snap);
	free(k->total);
	free(k->prevsnap);
	free(k->prevtime);
	free(k->keybuf);
	free(k->valname);
	free(k->type);
	strmap_free(k->snaps);
	strmap_free(k->groups);
	strmap_free(k->stacks);
	strmap_free(k->sites);
	strmap_free(k->pairs);
	free(k);
}
