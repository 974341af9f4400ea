/*
 * cluster(1)'s job: intern every distinct (stack, labels), sign each once,
 * join the similar ones, and write the rows again with their cluster id.
 * See cluster.h.
 *
 * Memory per distinct stack: its key (4 bytes per frame and label, frames
 * and labels interned once each), 4 bytes per band key, the union-find
 * slots, an 8-byte id, and its shingle set while the cache has room.  Rows wait in an unlinked temporary file (with
 * --summary only 16 bytes each, in memory).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "err.h"
#include "frames.h"
#include "hash.h"
#include "caps.h"
#include "minhash.h"
#include "strmap.h"
#include "tsv.h"
#include "unionfind.h"
#include "xmalloc.h"

#define ID_SEED		0x6c65616b61746c61ULL	/* never change: ids */
#define NO_ITEM		UINT32_MAX
#define FRAME_RUNTIME	1
#define FRAME_STDLIB	2
#define BUCKET_TRIES	64	/* comparisons per member and bucket */
#define CACHE_MAX	((size_t)1 << 24)	/* shingles kept: 128 MiB */

struct cluster_set {
	struct cluster_opts	 o;
	struct strmap		*frames;	/* frame -> id */
	uint64_t		*fhash;
	unsigned char		*fkind;		/* FRAME_RUNTIME, FRAME_STDLIB */
	size_t			 kcap;
	size_t			 fcap;
	struct strmap		*labels;	/* "key=value" -> id */
	uint64_t		*lhash;
	size_t			 lcap;
	struct strmap		*items;		/* binary key -> item */
	uint32_t		*isite;		/* item -> its site function */
	struct strmap		*sitefn;	/* frame's function -> id */
	uint32_t		*fsite;		/* frame -> its function's id */
	size_t			 icap;
	uint32_t		*ids;		/* scratch: one key */
	size_t			 idcap;
	struct unionfind	*uf;
	uint64_t		*cid;		/* item -> cluster id */
	struct cluster_stats	 st;
	uint64_t		*cache;		/* shingle sets of items */
	size_t			*cacheoff;	/* 0..ncached, then the end */
	size_t			 ncached, cachecap;
	/* scratch for shingling */
	uint64_t		*fh, *lh;
	size_t			 fhcap, lhcap;
};

void
cluster_opts_init(struct cluster_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->kgram = 2;
	o->nhash = 128;
	o->threshold = 0.7;
	o->seed = 0;
	o->labels = CLUSTER_LABELS_ON;
	o->value = "inuse_space";
	o->max_snapshots = CAPS_MAX_SNAPSHOTS;
}

/* Fill in bands and rows the caller left at 0; see cluster(1). */
void
cluster_opts_banding(struct cluster_opts *o)
{
	if (o->bands > 0 && o->rows == 0)
		o->rows = o->nhash / o->bands;
	else if (o->rows > 0 && o->bands == 0)
		o->bands = o->nhash / o->rows;
	else if (o->bands == 0 && o->rows == 0)
		minhash_bands_for_threshold(o->threshold, o->nhash,
		    CLUSTER_RECALL, &o->bands, &o->rows);
	if (o->rows < 1)
		o->rows = 1;
	if (o->bands < 1)
		o->bands = 1;
}

struct cluster_set *
cluster_set_new(const struct cluster_opts *o)
{
	struct cluster_set *cs;

	cs = xcalloc(1, sizeof(*cs));
	cs->o = *o;
	cluster_opts_banding(&cs->o);
	cs->frames = strmap_new();
	cs->labels = strmap_new();
	cs->items = strmap_new();
	cs->sitefn = strmap_new();
	return cs;
}

void
cluster_set_free(struct cluster_set *cs)
{
	if (cs == NULL)
		return;
	strmap_free(cs->frames);
	strmap_free(cs->labels);
	strmap_free(cs->items);
	free(cs->fhash);
	free(cs->fkind);
	free(cs->isite);
	free(cs->fsite);
	strmap_free(cs->sitefn);
	free(cs->lhash);
	free(cs->ids);
	free(cs->fh);
	free(cs->lh);
	free(cs->cid);
	free(cs->cache);
	free(cs->cacheoff);
	unionfind_free(cs->uf);
	free(cs);
}

static void
push_id(struct cluster_set *cs, size_t *n, uint32_t id)
{
	if (*n == cs->idcap) {
		cs->idcap = cs->idcap ? cs->idcap * 2 : 64;
		cs->ids = xreallocarray(cs->ids, cs->idcap, sizeof(uint32_t));
	}
	cs->ids[(*n)++] = id;
}

/*
 * Intern s in m and, the first time, record its seeded hash in (*hash)[id],
 * growing *hash (capacity *cap).  *created tells which.
 */
static uint32_t
intern_hashed(struct cluster_set *cs, struct strmap *m, uint64_t **hash,
    size_t *cap, const char *s, size_t len, int *created)
{
	size_t id = strmap_intern(m, s, len, created);

	if (*created) {
		if (id >= *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*hash = xreallocarray(*hash, *cap, sizeof(**hash));
		}
		(*hash)[id] = hash_bytes(s, len, cs->o.seed);
	}
	return (uint32_t)id;
}

static uint32_t
intern_frame(struct cluster_set *cs, const char *f, size_t len)
{
	uint32_t id;
	size_t fn;
	int created;

	id = intern_hashed(cs, cs->frames, &cs->fhash, &cs->fcap, f, len,
	    &created);
	if (created) {
		if (id >= cs->kcap) {
			cs->kcap = cs->fcap;
			cs->fkind = xreallocarray(cs->fkind, cs->kcap, 1);
			cs->fsite = xreallocarray(cs->fsite, cs->kcap,
			    sizeof(*cs->fsite));
		}
		/* "function (file:line)" with --lines: the function alone */
		fn = len;
		if (len > 0 && f[len - 1] == ')')
			for (fn = len - 1; fn > 0 && f[fn] != '('; fn--)
				;
		if (fn == 0 || fn == len || f[fn - 1] != ' ')
			fn = len;
		else
			fn--;
		cs->fsite[id] = (uint32_t)strmap_intern(cs->sitefn, f, fn,
		    NULL);
		cs->fkind[id] = (frames_is_runtime(f, len) ? FRAME_RUNTIME :
		    0) | (frames_is_stdlib(f, len) ? FRAME_STDLIB : 0);
	}
	return id;
}

static uint32_t
intern_label(struct cluster_set *cs, const char *l, size_t len)
{
	int created;

	return intern_hashed(cs, cs->labels, &cs->lhash, &cs->lcap, l, len,
	    &created);
}

/*
 * The function a person would blame, as the site column names it: that of
 * the first frame from the leaf outside the runtime and standard library,
 * else the leaf's; NO_ITEM for an empty stack.
 */
static uint32_t
site_frame(const struct cluster_set *cs, const uint32_t *id, uint32_t n)
{
	uint32_t k;

	for (k = n; k-- > 0;)
		if (!(cs->fkind[id[k]] & FRAME_STDLIB))
			return cs->fsite[id[k]];
	return n > 0 ? cs->fsite[id[n - 1]] : NO_ITEM;
}

/*
 * Add one row's stack and labels; return its item number (dense, in order
 * of first appearance).  The key is the frame count, the frame ids and the
 * ids of the labels that are shingles, as 32-bit words.
 */
uint32_t
cluster_set_add(struct cluster_set *cs, const char *stack, size_t slen,
    const char *labels, size_t llen)
{
	const char *p = stack, *end = stack + slen, *f, *comma;
	size_t n = 0, len;
	uint32_t nframes;
	int created;

	push_id(cs, &n, 0);
	while (frames_next(&p, end, &f, &len))
		push_id(cs, &n, intern_frame(cs, f, len));
	nframes = (uint32_t)(n - 1);
	cs->ids[0] = nframes;
	p = labels;
	end = labels + llen;
	while (cs->o.labels != CLUSTER_LABELS_OFF && p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		len = (size_t)(comma - p);
		if (len > 0 && !(cs->o.labels == CLUSTER_LABELS_ON &&
		    len >= 6 && memcmp(p, "bytes=", 6) == 0))
			push_id(cs, &n, intern_label(cs, p, len));
		p = comma + 1;
	}
	len = strmap_intern(cs->items, (const char *)cs->ids,
	    n * sizeof(uint32_t), &created);
	if (len >= UINT32_MAX)
		err_die(EXIT_DATA, "more than %" PRIu32 " distinct stacks",
		    UINT32_MAX - 1);
	if (created) {
		if (len >= cs->icap) {
			cs->icap = cs->icap ? cs->icap * 2 : 256;
			cs->isite = xreallocarray(cs->isite, cs->icap,
			    sizeof(*cs->isite));
		}
		cs->isite[len] = site_frame(cs, cs->ids + 1, nframes);
	}
	return (uint32_t)len;
}

size_t
cluster_set_count(const struct cluster_set *cs)
{
	return strmap_count(cs->items);
}

/* Decode item i's key into cs->ids; return the word count. */
static size_t
item_ids(struct cluster_set *cs, uint32_t i, uint32_t *nframes)
{
	const struct strmap_entry *e = strmap_at(cs->items, i);
	size_t n = e->len / sizeof(uint32_t);

	if (n > cs->idcap) {
		cs->idcap = n;
		cs->ids = xreallocarray(cs->ids, n, sizeof(uint32_t));
	}
	memcpy(cs->ids, e->key, n * sizeof(uint32_t));
	*nframes = cs->ids[0];
	return n;
}

/*
 * Item i's shingle set, sorted, into out (room for max); return its size,
 * or the room it needs when that is more than max.
 */
size_t
cluster_set_shingles(struct cluster_set *cs, uint32_t i, uint64_t *out,
    size_t max)
{
	uint32_t nf, *id;
	size_t n, nl, k, m = 0, need, kept;

	n = item_ids(cs, i, &nf);
	id = cs->ids + 1;
	nl = n - 1 - nf;
	if (nf > cs->fhcap || nl > cs->lhcap) {
		cs->fhcap = nf > cs->fhcap ? nf : cs->fhcap;
		cs->lhcap = nl > cs->lhcap ? nl : cs->lhcap;
		cs->fh = xreallocarray(cs->fh, cs->fhcap + 1, sizeof(uint64_t));
		cs->lh = xreallocarray(cs->lh, cs->lhcap + 1, sizeof(uint64_t));
	}
	for (kept = k = 0; cs->o.drop_runtime && k < nf; k++)
		kept += !(cs->fkind[id[k]] & FRAME_RUNTIME);
	for (k = 0; k < nf; k++)
		if (!cs->o.drop_runtime || kept == 0 ||
		    !(cs->fkind[id[k]] & FRAME_RUNTIME))
			cs->fh[m++] = cs->fhash[id[k]];
	for (k = 0; k < nl; k++)
		cs->lh[k] = cs->lhash[id[nf + k]];
	need = minhash_shingle_max(m, nl, cs->o.kgram);
	if (need > max)
		return need;
	return minhash_shingle(cs->fh, m, cs->lh, nl, cs->o.kgram, out);
}

/* A growing scratch of shingle sets, one per bucket member. */
struct sets {
	uint64_t	*v;
	size_t		 len, cap;
	size_t		*off, *n;	/* per member: its set in v */
	uint64_t	*grp;		/* per member: root and index */
	size_t		*start;		/* group starts in grp */
	uint32_t	*tries;		/* per member: pairs compared */
	size_t		*left;		/* per group: members under the cap */
	size_t		*alive;		/* per group: a group at or after it
					   that may have left > 0 */
	size_t		 mcap;
};

/* Member k's shingle set: from the cache, or computed into the scratch. */
static const uint64_t *
sets_get(struct cluster_set *cs, struct sets *s, size_t k, uint32_t item,
    size_t *n)
{
	size_t need;

	if (item < cs->ncached) {
		*n = cs->cacheoff[item + 1] - cs->cacheoff[item];
		return cs->cache + cs->cacheoff[item];
	}
	if (s->off[k] != SIZE_MAX) {
		*n = s->n[k];
		return s->v + s->off[k];
	}
	if (s->cap == 0) {
		s->cap = 1024;
		s->v = xreallocarray(NULL, s->cap, sizeof(uint64_t));
	}
	for (;;) {
		need = cluster_set_shingles(cs, item, s->v + s->len,
		    s->cap - s->len);
		if (need <= s->cap - s->len)
			break;
		s->cap = (s->cap + need) * 2;
		s->v = xreallocarray(s->v, s->cap, sizeof(uint64_t));
	}
	s->off[k] = s->len;
	s->n[k] = need;
	s->len += need;
	*n = need;
	return s->v + s->off[k];
}

/*
 * Keep item i's shingle set (signed just now) while the cache is under
 * CACHE_MAX values; items past that are shingled again when compared.
 */
static void
cache_add(struct cluster_set *cs, uint32_t i, const uint64_t *sh, size_t n)
{
	size_t end;

	if (i != cs->ncached)
		return;
	if (cs->cacheoff == NULL) {
		cs->cacheoff = xreallocarray(NULL, cluster_set_count(cs) + 1,
		    sizeof(size_t));
		cs->cacheoff[0] = 0;
	}
	end = cs->cacheoff[i];
	if (end + n > CACHE_MAX)
		return;
	if (end + n > cs->cachecap) {
		cs->cachecap = (end + n) * 2;
		if (cs->cachecap > CACHE_MAX)
			cs->cachecap = CACHE_MAX;
		cs->cache = xreallocarray(cs->cache, cs->cachecap,
		    sizeof(uint64_t));
	}
	memcpy(cs->cache + end, sh, n * sizeof(uint64_t));
	cs->cacheoff[i + 1] = end + n;
	cs->ncached++;
}

/* Stable sort of (key << 32 | item) words by key: LSD radix, 4 passes. */
static void
sort_band(uint64_t *a, uint64_t *tmp, size_t n)
{
	size_t count[256], i, sum, c;
	uint64_t *src = a, *dst = tmp, *t;
	int shift;

	for (shift = 32; shift < 64; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xff]++;
		for (sum = i = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
}

/* Confirm one pair of bucket members; return 1 when it joined them. */
static int
confirm(struct cluster_set *cs, struct sets *s, size_t i, uint32_t x,
    size_t j, uint32_t y, cluster_pair_fn *fn, void *arg)
{
	const uint64_t *a, *b;
	size_t na, nb;

	if (!cs->o.cross_site && cs->isite[x] != cs->isite[y])
		return 0;
	a = sets_get(cs, s, i, x, &na);
	b = sets_get(cs, s, j, y, &nb);
	cs->st.compared++;
	if (!minhash_similar(a, na, b, nb, cs->o.threshold))
		return 0;
	if (fn != NULL)
		fn(arg, x, y, minhash_jaccard(a, na, b, nb));
	if (!unionfind_union(cs->uf, x, y))
		return 0;
	cs->st.joined++;
	return 1;
}

/*
 * Compare the members of two groups until one pair joins them, each member
 * at most BUCKET_TRIES times per bucket; 1 when they were joined.
 */
static int
link_groups(struct cluster_set *cs, struct sets *s, const uint64_t *b,
    size_t gi, size_t gj)
{
	const uint64_t *g = s->grp;
	size_t i, j, x, y;

	for (i = s->start[gi]; i < s->start[gi + 1]; i++) {
		x = (uint32_t)g[i];
		for (j = s->start[gj]; j < s->start[gj + 1] &&
		    s->tries[x] < BUCKET_TRIES; j++) {
			y = (uint32_t)g[j];
			if (s->tries[y] >= BUCKET_TRIES)
				continue;
			if (++s->tries[x] == BUCKET_TRIES)
				s->left[gi]--;
			if (++s->tries[y] == BUCKET_TRIES)
				s->left[gj]--;
			if (confirm(cs, s, x, (uint32_t)b[x], y,
			    (uint32_t)b[y], NULL, NULL))
				return 1;
		}
	}
	return 0;
}

/*
 * The first group from g on with members under the cap (ng when none),
 * skipping the spent ones by pointers that are shortened as they are
 * followed: a group once spent stays spent.
 */
static size_t
next_alive(struct sets *s, size_t g, size_t ng)
{
	size_t r = g, t;

	while (r < ng && s->left[r] == 0)
		r = s->alive[r];
	while (g < r) {
		t = s->alive[g];
		s->alive[g] = r;
		g = t;
	}
	return r;
}

static int
cmp_member(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * Confirm the pairs of one bucket (items sharing a band key).  Members are
 * grouped by the cluster they are in so far; only pairs from groups still
 * apart are compared, and a pair of groups is left as soon as one pair
 * joins them: the components are those of every candidate pair, at a
 * fraction of the comparisons.  With fn, every pair is compared.
 */
static void
link_bucket(struct cluster_set *cs, struct sets *s, const uint64_t *b,
    size_t m, cluster_pair_fn *fn, void *arg)
{
	struct unionfind *uf = cs->uf;
	uint64_t *g;
	size_t i, j, gi, gj, ng, apart;
	uint32_t r0;

	if (m > s->mcap) {
		s->mcap = m * 2;
		s->off = xreallocarray(s->off, s->mcap, sizeof(size_t));
		s->n = xreallocarray(s->n, s->mcap, sizeof(size_t));
		s->grp = xreallocarray(s->grp, s->mcap, sizeof(uint64_t));
		s->tries = xreallocarray(s->tries, s->mcap, sizeof(uint32_t));
		s->left = xreallocarray(s->left, s->mcap, sizeof(size_t));
		s->alive = xreallocarray(s->alive, s->mcap, sizeof(size_t));
		s->start = xreallocarray(s->start, s->mcap + 1,
		    sizeof(size_t));
	}
	cs->st.candidates += m * (m - 1) / 2;
	s->len = 0;
	for (i = 0; i < m; i++) {
		s->off[i] = SIZE_MAX;
		s->tries[i] = 0;
	}
	if (fn != NULL) {
		for (i = 0; i < m; i++)
			for (j = i + 1; j < m; j++)
				confirm(cs, s, i, (uint32_t)b[i], j,
				    (uint32_t)b[j], fn, arg);
		return;
	}
	/* (root << 32 | member index), sorted: the groups */
	g = s->grp;
	r0 = unionfind_find(uf, (uint32_t)b[0]);
	for (i = 0, j = 1; i < m; i++) {
		g[i] = (uint64_t)unionfind_find(uf, (uint32_t)b[i]) << 32 | i;
		j &= (uint32_t)(g[i] >> 32) == r0;
	}
	if (j)
		return;
	qsort(g, m, sizeof(*g), cmp_member);
	for (i = ng = 0; i < m; i++)
		if (i == 0 || g[i] >> 32 != g[i - 1] >> 32)
			s->start[ng++] = i;
	s->start[ng] = m;
	for (gi = 0; gi < ng; gi++) {
		s->left[gi] = s->start[gi + 1] - s->start[gi];
		s->alive[gi] = gi + 1;
	}
	/*
	 * Each group with every later one still apart from it, in order.
	 * Spent groups are skipped without looking at them, and once all
	 * the groups are one cluster nothing is left to do: either would
	 * otherwise cost a step per pair of groups, quadratic in a bucket
	 * of many stacks.
	 */
	apart = ng;
	for (gi = 0; gi < ng && apart > 1; gi++)
		for (gj = next_alive(s, gi + 1, ng); gj < ng &&
		    s->left[gi] > 0 && apart > 1;
		    gj = next_alive(s, gj + 1, ng)) {
			if (unionfind_find(uf,
			    (uint32_t)(g[s->start[gi]] >> 32)) ==
			    unionfind_find(uf, (uint32_t)(g[s->start[gj]] >>
			    32)))
				continue;
			apart -= (size_t)link_groups(cs, s, b, gi, gj);
		}
}

/* Length of item i's readable key (stack, TAB and labels) into *buf. */
size_t
cluster_set_key(const struct cluster_set *ccs, uint32_t i, int stack_only,
    char **buf, size_t *cap)
{
	struct cluster_set *cs = (struct cluster_set *)ccs;
	const struct strmap_entry *e;
	uint32_t nf;
	size_t n, k, len = 0;

	n = item_ids(cs, i, &nf);
	for (k = 1; k < n; k++) {
		if (k > nf && stack_only)
			break;
		e = k <= nf ? strmap_at(cs->frames, cs->ids[k]) :
		    strmap_at(cs->labels, cs->ids[k]);
		if (len + e->len + 2 > *cap) {
			*cap = (len + e->len + 2) * 2;
			*buf = xreallocarray(*buf, *cap, 1);
		}
		if (k > 1)
			(*buf)[len++] = k == nf + 1 ? '\t' : k <= nf ? ';' : ',';
		else if (nf == 0)
			(*buf)[len++] = '\t';
		memcpy(*buf + len, e->key, e->len);
		len += e->len;
	}
	if (*cap == 0) {
		*cap = 64;
		*buf = xmalloc(*cap);
	}
	(*buf)[len] = '\0';
	return len;
}

static int
key_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	return c != 0 ? c : (na > nb) - (na < nb);
}

/*
 * Name every cluster: the hash of its smallest member key (bytes
 * compared), so the same members get the same id in every run.
 */
static void
name_clusters(struct cluster_set *cs)
{
	size_t n = cluster_set_count(cs), i, na, nb, abuf = 0, bbuf = 0;
	uint32_t *best, r;
	char *a = NULL, *b = NULL;

	best = xreallocarray(NULL, n ? n : 1, sizeof(*best));
	for (i = 0; i < n; i++)
		best[i] = NO_ITEM;
	for (i = 0; i < n; i++) {
		r = unionfind_find(cs->uf, (uint32_t)i);
		if (best[r] == NO_ITEM) {
			best[r] = (uint32_t)i;
			cs->st.clusters++;
			continue;
		}
		na = cluster_set_key(cs, (uint32_t)i, 0, &a, &abuf);
		nb = cluster_set_key(cs, best[r], 0, &b, &bbuf);
		if (key_cmp(a, na, b, nb) < 0)
			best[r] = (uint32_t)i;
	}
	cs->cid = xreallocarray(NULL, n ? n : 1, sizeof(*cs->cid));
	for (i = 0; i < n; i++) {
		r = unionfind_find(cs->uf, (uint32_t)i);
		if (best[r] == i) {
			na = cluster_set_key(cs, (uint32_t)i, 0, &a, &abuf);
			cs->cid[i] = hash_bytes(a, na, ID_SEED);
			if (unionfind_size(cs->uf, r) > cs->st.largest)
				cs->st.largest = unionfind_size(cs->uf, r);
		}
	}
	for (i = 0; i < n; i++)
		cs->cid[i] = cs->cid[best[unionfind_find(cs->uf,
		    (uint32_t)i)]];
	free(best);
	free(a);
	free(b);
}

/*
 * Sign every item once, band the signatures, confirm the pairs that share
 * a band with the exact Jaccard index and join them; then name the
 * clusters.  With fn, every candidate pair is confirmed (not only those
 * between clusters apart so far) and each confirmed pair is passed to fn,
 * as often as it shares a band.
 */
void
cluster_set_link(struct cluster_set *cs, cluster_pair_fn *fn, void *arg)
{
	size_t n = cluster_set_count(cs), i, s, e, need;
	int nb = cs->o.bands, nr = cs->o.rows, j;
	uint32_t *keys;
	uint64_t *sig, *sh = NULL, *band, *tmp;
	size_t shcap = 0;
	struct sets sets;

	cs->st.items = n;
	cs->st.frames = strmap_count(cs->frames);
	cs->uf = unionfind_new(n);
	keys = xreallocarray(NULL, n ? n : 1, (size_t)nb * sizeof(uint32_t));
	sig = xreallocarray(NULL, (size_t)cs->o.nhash, sizeof(uint64_t));
	for (i = 0; i < n; i++) {
		while ((need = cluster_set_shingles(cs, (uint32_t)i, sh,
		    shcap)) > shcap || sh == NULL) {
			shcap = (need + 1) * 2;
			sh = xreallocarray(sh, shcap, sizeof(uint64_t));
		}
		minhash_sign(sh, need, cs->o.nhash, cs->o.seed, sig);
		cache_add(cs, (uint32_t)i, sh, need);
		minhash_band_keys(sig, nb, nr, cs->o.cross_site ||
		    cs->isite[i] == NO_ITEM ? 0 :
		    strmap_at(cs->sitefn, cs->isite[i])->hash,
		    keys + i * (size_t)nb);
	}
	free(sh);
	free(sig);
	memset(&sets, 0, sizeof(sets));
	band = xreallocarray(NULL, n ? n : 1, sizeof(uint64_t));
	tmp = xreallocarray(NULL, n ? n : 1, sizeof(uint64_t));
	for (j = 0; j < nb; j++) {
		for (i = 0; i < n; i++)
			band[i] = (uint64_t)keys[i * (size_t)nb + j] << 32 | i;
		sort_band(band, tmp, n);
		for (s = 0; s < n; s = e) {
			for (e = s + 1; e < n && band[e] >> 32 ==
			    band[s] >> 32; e++)
				;
			if (e - s > 1)
				link_bucket(cs, &sets, band + s, e - s, fn,
				    arg);
		}
	}
	free(band);
	free(tmp);
	free(keys);
	free(sets.v);
	free(sets.off);
	free(sets.n);
	free(sets.grp);
	free(sets.start);
	free(sets.tries);
	free(sets.left);
	free(sets.alive);
	name_clusters(cs);
}

uint64_t
cluster_set_id(const struct cluster_set *cs, uint32_t i)
{
	return cs->cid[i];
}

uint32_t
cluster_set_root(struct cluster_set *cs, uint32_t i)
{
	return unionfind_find(cs->uf, i);
}

const struct cluster_stats *
cluster_set_stats(const struct cluster_set *cs)
{
	return &cs->st;
}

static void
format_id(char *b, uint64_t id)
{
	snprintf(b, 17, "%016" PRIx64, id);
}

static void
report(const struct cluster_set *cs, size_t rows)
{
	const struct cluster_stats *st = &cs->st;
	const struct cluster_opts *o = &cs->o;

	err_warn("%zu rows, %zu distinct stacks, %zu distinct frames", rows,
	    st->items, st->frames);
	err_warn("%d hashes in %d bands of %d rows: S-curve threshold %.3f, "
	    "P(candidate | J = %.2f) = %.3f", o->nhash, o->bands, o->rows,
	    minhash_threshold(o->bands, o->rows), o->threshold,
	    minhash_probability(o->threshold, o->bands, o->rows));
	err_warn("%zu candidate pairs, %zu compared, %zu joined, "
	    "%zu clusters (largest %zu stacks)", st->candidates, st->compared,
	    st->joined, st->clusters, st->largest);
}

/* ---- the filter: rows through a temporary file ---------------------- */

static FILE *
spool_open(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	FILE *fp;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	xasprintf(&path, "%s/cluster.XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	unlink(path);
	if ((fp = fdopen(fd, "w+")) == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	free(path);
	return fp;
}

static void
put_header(struct tsv_writer *w, const struct tsv_reader *r, int ccol)
{
	size_t i;

	for (i = 0; i < tsv_ncols(r); i++)
		tsv_put_str(w, (int)i == ccol ? "cluster" : tsv_colname(r, i));
	if (ccol < 0)
		tsv_put_str(w, "cluster");
	tsv_endrow(w);
}

static void
put_rows(struct cluster_set *cs, FILE *spool, struct tsv_writer *w,
    int ccol)
{
	char *line = NULL, *rest, *end, *q, id[17];
	size_t cap = 0;
	ssize_t len;
	unsigned long item;
	int k;

	while ((len = getline(&line, &cap, spool)) != -1) {
		end = line + len;
		if (len > 0 && end[-1] == '\n')
			end--;
		item = strtoul(line, &rest, 10);
		if (*rest != '\t' || item >= cluster_set_count(cs))
			err_die(EXIT_DATA, "temporary file: corrupt record");
		rest++;
		format_id(id, cluster_set_id(cs, (uint32_t)item));
		if (ccol == 0) {
			tsv_cat_raw(w, id, 16);
			tsv_cat_raw(w, "\t", 1);
			tsv_cat_raw(w, rest, (size_t)(end - rest));
		} else {
			q = rest;
			for (k = 0; ccol > 0 && k < ccol && q < end; k++) {
				q = memchr(q, '\t', (size_t)(end - q));
				if (q == NULL) {
					q = end;
					break;
				}
				if (k + 1 < ccol)
					q++;
			}
			if (ccol < 0)
				q = end;
			tsv_cat_raw(w, rest, (size_t)(q - rest));
			tsv_cat_raw(w, "\t", 1);
			tsv_cat_raw(w, id, 16);
			tsv_cat_raw(w, q, (size_t)(end - q));
		}
		tsv_endrow(w);
	}
	/* getline also stops on ENOMEM, without setting the error flag. */
	if (ferror(spool) || !feof(spool))
		err_die(EXIT_DATA, "temporary file: %s", strerror(errno));
	free(line);
}

/* ---- --summary ----------------------------------------------------- */

struct srow {
	uint32_t	 item;		/* then the cluster's number */
	uint32_t	 snap;		/* then the snapshot's rank in time */
	double		 v;
};

struct snap {
	int64_t		 time;
	uint32_t	 idx;
	const char	*name;
};

struct summ {
	uint64_t	 id;
	uint32_t	 rep;		/* representative item */
	size_t		 members;
	double		 last;		/* in the latest snapshot */
	double		 reptotal;
	size_t		 start, end;	/* its rows in the sorted srows */
};

static int
cmp_snap(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;

	return tsv_snapshot_cmp(x->time, x->name, y->time, y->name);
}

static int
cmp_srow(const void *a, const void *b)
{
	const struct srow *x = a, *y = b;

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return (x->snap > y->snap) - (x->snap < y->snap);
}

static int
cmp_summ(const void *a, const void *b)
{
	const struct summ *x = a, *y = b;

	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

struct summary {
	struct srow	*rows;
	size_t		 nrows, cap;
	struct strmap	*snaps;		/* name -> index */
	size_t		 max_snapshots;
	int64_t		*stime;
	struct strmap	*sites;		/* site -> index */
	uint32_t	*isite;		/* item -> site */
	size_t		 icap;
};

static void
summary_add(struct summary *sm, const struct tsv_reader *r, uint32_t item,
    size_t csnap, size_t ctime, size_t cval, size_t csite)
{
	size_t s, n;
	int created;

	s = strmap_intern(sm->snaps, tsv_get(r, csnap), tsv_len(r, csnap),
	    &created);
	if (created) {
		if (s >= sm->max_snapshots)
			tsv_die_cap(r, CAPS_OPT_MAX_SNAPSHOTS,
			    sm->max_snapshots, "too many snapshots");
		sm->stime = xreallocarray(sm->stime, s + 1, sizeof(int64_t));
		sm->stime[s] = tsv_get_time(r, ctime);
	}
	if (item >= sm->icap) {
		n = sm->icap ? sm->icap * 2 : 256;
		sm->isite = xreallocarray(sm->isite, n, sizeof(uint32_t));
		memset(sm->isite + sm->icap, 0xff,
		    (n - sm->icap) * sizeof(uint32_t));
		sm->icap = n;
	}
	if (sm->isite[item] == NO_ITEM)
		sm->isite[item] = (uint32_t)strmap_intern(sm->sites,
		    tsv_get(r, csite), tsv_len(r, csite), NULL);
	if (sm->nrows == sm->cap) {
		sm->cap = sm->cap ? sm->cap * 2 : 1024;
		sm->rows = xreallocarray(sm->rows, sm->cap, sizeof(*sm->rows));
	}
	sm->rows[sm->nrows].item = item;
	sm->rows[sm->nrows].snap = (uint32_t)s;
	sm->rows[sm->nrows].v = tsv_len(r, cval) == 0 ? 0 :
	    tsv_get_double(r, cval);
	sm->nrows++;
}

static void
put_series(struct tsv_writer *w, const double *v, size_t n)
{
	char b[64];
	size_t i, len;

	tsv_put_empty(w);
	for (i = 0; i < n; i++) {
		if (i > 0)
			tsv_cat_raw(w, ",", 1);
		len = tsv_format_double(b, sizeof(b), v[i]);
		tsv_cat_raw(w, b, len);
	}
}

static void
summary_write(struct cluster_set *cs, struct summary *sm,
    struct tsv_writer *w, const char *value)
{
	size_t n = cluster_set_count(cs), nsnap = strmap_count(sm->snaps);
	size_t i, k, nc = 0, na, nb, abuf = 0, bbuf = 0, len;
	uint32_t *cnum, *rank, r;
	struct snap *sn;
	struct summ *c;
	double *itotal, *series;
	char *a = NULL, *b = NULL, id[17];
	const struct strmap_entry *e;

	sn = xreallocarray(NULL, nsnap + 1, sizeof(*sn));
	for (i = 0; i < nsnap; i++) {
		sn[i].time = sm->stime[i];
		sn[i].idx = (uint32_t)i;
		sn[i].name = strmap_at(sm->snaps, i)->key;
	}
	qsort(sn, nsnap, sizeof(*sn), cmp_snap);
	rank = xreallocarray(NULL, nsnap + 1, sizeof(*rank));
	for (i = 0; i < nsnap; i++)
		rank[sn[i].idx] = (uint32_t)i;
	itotal = xcalloc(n + 1, sizeof(*itotal));
	for (i = 0; i < sm->nrows; i++)
		itotal[sm->rows[i].item] += sm->rows[i].v;

	/* number the clusters; pick each one's representative */
	cnum = xreallocarray(NULL, n + 1, sizeof(*cnum));
	c = xreallocarray(NULL, n + 1, sizeof(*c));
	for (i = 0; i < n; i++)
		cnum[i] = NO_ITEM;
	for (i = 0; i < n; i++) {
		r = cluster_set_root(cs, (uint32_t)i);
		if (cnum[r] == NO_ITEM) {
			cnum[r] = (uint32_t)nc;
			c[nc].id = cluster_set_id(cs, (uint32_t)i);
			c[nc].rep = (uint32_t)i;
			c[nc].members = 0;
			c[nc].last = 0;
			c[nc].reptotal = itotal[i];
			nc++;
		}
		k = cnum[r];
		c[k].members++;
		if (c[k].rep == i)
			continue;
		if (itotal[i] < c[k].reptotal)
			continue;
		if (itotal[i] == c[k].reptotal) {
			na = cluster_set_key(cs, (uint32_t)i, 0, &a, &abuf);
			nb = cluster_set_key(cs, c[k].rep, 0, &b, &bbuf);
			if (key_cmp(a, na, b, nb) >= 0)
				continue;
		}
		c[k].rep = (uint32_t)i;
		c[k].reptotal = itotal[i];
	}
	for (i = 0; i < sm->nrows; i++) {
		sm->rows[i].item = cnum[cluster_set_root(cs,
		    sm->rows[i].item)];
		sm->rows[i].snap = rank[sm->rows[i].snap];
	}
	qsort(sm->rows, sm->nrows, sizeof(*sm->rows), cmp_srow);
	for (i = 0; i < nc; i++)
		c[i].start = c[i].end = 0;
	for (i = 0; i < sm->nrows; i = k) {
		for (k = i; k < sm->nrows && sm->rows[k].item ==
		    sm->rows[i].item; k++)
			if (sm->rows[k].snap + 1 == nsnap)
				c[sm->rows[i].item].last += sm->rows[k].v;
		c[sm->rows[i].item].start = i;
		c[sm->rows[i].item].end = k;
	}
	qsort(c, nc, sizeof(*c), cmp_summ);

	tsv_put_str(w, "cluster");
	tsv_put_str(w, "members");
	tsv_put_str(w, "snapshots");
	tsv_put_str(w, "value");
	tsv_put_str(w, "series");
	tsv_put_str(w, "site");
	tsv_put_str(w, "stack");
	tsv_endrow(w);
	series = xcalloc(nsnap + 1, sizeof(*series));
	for (i = 0; i < nc; i++) {
		memset(series, 0, nsnap * sizeof(*series));
		for (k = c[i].start; k < c[i].end; k++)
			series[sm->rows[k].snap] += sm->rows[k].v;
		format_id(id, c[i].id);
		tsv_put(w, id, 16);
		tsv_put_u64(w, c[i].members);
		tsv_put_u64(w, nsnap);
		tsv_put_str(w, value);
		put_series(w, series, nsnap);
		e = strmap_at(sm->sites, sm->isite[c[i].rep]);
		tsv_put(w, e->key, e->len);
		len = cluster_set_key(cs, c[i].rep, 1, &a, &abuf);
		tsv_put(w, a, len);
		tsv_endrow(w);
	}
	free(series);
	free(sn);
	free(rank);
	free(itotal);
	free(cnum);
	free(c);
	free(a);
	free(b);
}

/*
 * The whole filter: read every row of r, cluster, and write to out the rows
 * with their cluster column (or, with --summary, one row per cluster).
 * Returns 0, or -1 when writing out failed.
 */
int
cluster_run(struct tsv_reader *r, FILE *out, const struct cluster_opts *o)
{
	struct cluster_set *cs;
	struct tsv_writer *w, *sw = NULL;
	struct summary sm;
	FILE *spool = NULL;
	size_t cstack, i, csnap = 0, ctime = 0, cval = 0, csite = 0, rows = 0;
	int clabels, ccol;
	uint32_t item;

	cstack = tsv_need(r, "stack");
	clabels = tsv_col(r, "labels");
	ccol = tsv_col(r, "cluster");
	memset(&sm, 0, sizeof(sm));
	if (o->summary) {
		csnap = tsv_need(r, "snapshot");
		ctime = tsv_need(r, "time");
		cval = tsv_need(r, o->value);
		csite = tsv_need(r, "site");
		sm.snaps = strmap_new();
		sm.sites = strmap_new();
		sm.max_snapshots = o->max_snapshots;
	} else {
		spool = spool_open();
		sw = tsv_writer_new(spool);
	}
	cs = cluster_set_new(o);
	while (tsv_next(r)) {
		item = cluster_set_add(cs, tsv_get(r, cstack),
		    tsv_len(r, cstack), clabels < 0 ? "" : tsv_get(r,
		    (size_t)clabels), clabels < 0 ? 0 : tsv_len(r,
		    (size_t)clabels));
		rows++;
		if (o->summary) {
			summary_add(&sm, r, item, csnap, ctime, cval, csite);
			continue;
		}
		tsv_put_u64(sw, item);
		for (i = 0; i < tsv_ncols(r); i++)
			if ((int)i != ccol)
				tsv_put(sw, tsv_get(r, i), tsv_len(r, i));
		tsv_endrow(sw);
	}
	if (sw != NULL && tsv_writer_free(sw) == -1)
		err_die(EXIT_DATA, "temporary file: %s", strerror(errno));
	cluster_set_link(cs, NULL, NULL);
	if (o->verbose)
		report(cs, rows);
	w = tsv_writer_new(out);
	if (o->summary) {
		summary_write(cs, &sm, w, o->value);
		free(sm.rows);
		free(sm.stime);
		free(sm.isite);
		strmap_free(sm.snaps);
		strmap_free(sm.sites);
	} else {
		put_header(w, r, ccol);
		rewind(spool);
		put_rows(cs, spool, w, ccol);
		fclose(spool);
	}
	cluster_set_free(cs);
	return tsv_writer_free(w);
}
