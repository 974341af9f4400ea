/* Sample rows and folded stacks from decoded profiles; see rows.h. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "frames.h"
#include "hash.h"
#include "pattern.h"
#include "prof.h"
#include "rows.h"
#include "strmap.h"
#include "tsv.h"
#include "xmalloc.h"

/* One location's texts, built the first time a sample uses it. */
struct loctext {
	const struct prof_loc *loc;
	const char	*stack;		/* its frames, caller first, then ';' */
	size_t		 stacklen;
	const char	*site;		/* first non-stdlib frame, or NULL */
	size_t		 sitelen;
	const char	*leaf;		/* frames[0] written as a site, when
					   no frame is the site, else "" */
	size_t		 leaflen;
	int		 focus;		/* a frame matches --focus */
	int		 ignore;	/* a frame matches --ignore */
};

/* A growable byte buffer for building texts. */
struct sbuf {
	char		*b;
	size_t		 len, cap;
};

struct lab {
	size_t		 key, keylen;	/* offsets into rows->lb */
	size_t		 val, vallen;
};

struct rows {
	struct tsv_writer *w;
	struct rows_opts o;
	int		 started;
	int		 wrote;		/* a row went to the writer */
	char		**cols;		/* value columns of the header */
	size_t		 ncols;
	size_t		*colidx;	/* this profile's type for each column */

	struct arena	*arena;		/* per profile: texts */
	struct loctext	**slots;	/* open addressing by loc pointer */
	const struct prof_loc *base;	/* p->locs: found by index */
	size_t		 nbase;
	struct loctext	*direct;	/* by index into base; loc NULL: unbuilt */
	size_t		 capdirect;
	size_t		 mask, nused;
	struct loctext	**lts;		/* this sample's locations */
	size_t		 ltscap;
	struct sbuf	 sb, lb, tmp;
	struct sbuf	 prefix;	/* snapshot, time, type of the profile */
	size_t		 foldidx;
	struct lab	*labs;
	size_t		 labcap;

	struct strmap	*fold;		/* folded: stack -> sums[index] */
	int64_t		*sums;
	size_t		 sumscap;
	char		*foldname;	/* the value folded, by column name */
};

static void
sb_grow(struct sbuf *s, size_t n)
{
	if (n > SIZE_MAX - s->len)
		n = SIZE_MAX - s->len;	/* xreallocarray reports it */
	if (s->len + n <= s->cap)
		return;
	while (s->len + n > s->cap)
		s->cap = s->cap > 0 ? s->cap * 2 : 256;
	s->b = xreallocarray(s->b, s->cap, 1);
}

static void
sb_add(struct sbuf *s, const char *p, size_t n)
{
	if (n == 0)
		return;
	sb_grow(s, n);
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

static void
sb_addc(struct sbuf *s, char c)
{
	sb_grow(s, 1);
	s->b[s->len++] = c;
}

/* Decimal text of v into b (at least 21 bytes), not NUL-terminated. */
static size_t
fmt_i64(char *b, int64_t v)
{
	char t[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t n = 0, k = 0;

	do
		t[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		b[k++] = '-';
	while (n > 0)
		b[k++] = t[--n];
	return k;
}

static void
sb_addi(struct sbuf *s, int64_t v)
{
	char b[24];

	sb_add(s, b, fmt_i64(b, v));
}

/*
 * Copy p[0..n) to o with the TSV escapes, and percent-encoding when pct is
 * set; o has room for 3n bytes.  Returns the end of what was written.
 */
static char *
esc_copy(char *o, const char *p, size_t n, int pct)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '\\': *o++ = '\\'; *o++ = '\\'; continue;
		case '\t': *o++ = '\\'; *o++ = 't'; continue;
		case '\n': *o++ = '\\'; *o++ = 'n'; continue;
		case '\r': *o++ = '\\'; *o++ = 'r'; continue;
		case '%': if (pct) { memcpy(o, "%25", 3); o += 3; continue; }
			break;
		case ',': if (pct) { memcpy(o, "%2C", 3); o += 3; continue; }
			break;
		case '=': if (pct) { memcpy(o, "%3D", 3); o += 3; continue; }
			break;
		default: break;
		}
		*o++ = p[i];
	}
	return o;
}

/* Append with the TSV escapes, and percent-encoding when pct is set. */
static void
sb_add_esc(struct sbuf *s, const char *p, size_t n, int pct)
{
	if (n > SIZE_MAX / 3)
		n = SIZE_MAX / 3;	/* xreallocarray reports it */
	sb_grow(s, n * 3);
	s->len = (size_t)(esc_copy(s->b + s->len, p, n, pct) - s->b);
}

struct rows *
rows_new(FILE *fp, const struct rows_opts *o)
{
	struct rows *r;

	r = xcalloc(1, sizeof(*r));
	r->w = tsv_writer_new(fp);
	r->o = *o;
	r->arena = arena_new();
	sb_grow(&r->sb, 256);
	sb_grow(&r->lb, 256);
	sb_grow(&r->tmp, 256);
	r->mask = 1023;
	r->slots = xcalloc(r->mask + 1, sizeof(*r->slots));
	if (o->folded)
		r->fold = strmap_new();
	return r;
}

void
rows_free(struct rows *r)
{
	size_t i;

	if (r == NULL)
		return;
	tsv_writer_free(r->w);
	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	free(r->colidx);
	arena_free(r->arena);
	free(r->slots);
	free(r->direct);
	free(r->lts);
	free(r->sb.b);
	free(r->lb.b);
	free(r->tmp.b);
	free(r->prefix.b);
	free(r->labs);
	strmap_free(r->fold);
	free(r->sums);
	free(r->foldname);
	free(r);
}

/*
 * A column name from a sample type name: lower case, [a-z0-9_] kept, any
 * other byte becomes '_', leading bytes that are not letters dropped;
 * "value" when nothing is left.  Returns the length written.
 */
size_t
rows_colname(char *out, size_t size, const char *name)
{
	size_t n = 0;
	unsigned char c;

	if (size == 0)
		return 0;
	for (; *name != '\0' && n + 1 < size; name++) {
		c = (unsigned char)*name;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (n == 0 && !(c >= 'a' && c <= 'z'))
			continue;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		out[n++] = (char)c;
	}
	if (n == 0) {
		snprintf(out, size, "value");
		return strlen(out);
	}
	out[n] = '\0';
	return n;
}

/* A numeric label's value: the number, then its unit unless it is empty
   or the key itself. */
size_t
rows_label_value(char *out, size_t size, const struct prof_label *l)
{
	char b[24];
	size_t n, u;

	if (l->str != NULL) {
		n = strlen(l->str);
		if (size > 0) {
			u = n < size ? n : size - 1;
			memcpy(out, l->str, u);
			out[u] = '\0';
		}
		return n;
	}
	n = fmt_i64(b, l->num);
	u = l->unit[0] == '\0' || strcmp(l->unit, l->key) == 0 ? 0 :
	    strlen(l->unit);
	if (size > 0)
		snprintf(out, size, "%.*s%.*s", (int)n, b, (int)u, l->unit);
	return n + u;
}

static int
has_type(const struct prof *p, const char *type, const char *unit)
{
	size_t i;

	for (i = 0; i < p->ntypes; i++)
		if (strcmp(p->types[i].type, type) == 0 &&
		    (unit == NULL || strcmp(p->types[i].unit, unit) == 0))
			return 1;
	return 0;
}

/*
 * What kind of profile p is, from its sample types.  Go writes block and
 * mutex profiles alike (contentions/count, delay/nanoseconds), so a mutex
 * profile is told apart only by "mutex" in its file name.
 */
const char *
rows_type(const struct prof *p, const char *name)
{
	const char *base;

	if (p->ntypes == 4 && has_type(p, "alloc_objects", NULL) &&
	    has_type(p, "alloc_space", NULL) &&
	    has_type(p, "inuse_objects", NULL) &&
	    has_type(p, "inuse_space", NULL))
		return strcmp(p->default_type, "alloc_space") == 0 ||
		    strcmp(p->default_type, "alloc_objects") == 0 ?
		    "allocs" : "heap";
	if (p->ntypes == 1 && has_type(p, "goroutine", NULL))
		return "goroutine";
	if (p->ntypes == 1 && has_type(p, "threadcreate", NULL))
		return "threadcreate";
	if (p->ntypes == 2 && has_type(p, "samples", "count") &&
	    has_type(p, "cpu", "nanoseconds"))
		return "cpu";
	if (p->ntypes == 2 && has_type(p, "contentions", "count") &&
	    has_type(p, "delay", "nanoseconds")) {
		base = name != NULL ? strrchr(name, '/') : NULL;
		base = base != NULL ? base + 1 : name;
		return base != NULL && strstr(base, "mutex") != NULL ?
		    "mutex" : "block";
	}
	return "other";
}

/*
 * The column names of p's sample types, duplicates numbered _2, _3...: each
 * gets the smallest free number.  Linear in the number of types: a profile
 * may declare thousands of them, all named alike, and `next` remembers
 * where the search for a free number of each name stopped.
 */
static char **
type_columns(struct arena *a, const struct prof *p)
{
	static const char *const fixed[] = {
		"snapshot", "time", "type", "labels", "site", "stack"
	};
	struct strmap *taken, *next;
	struct strmap_entry *e;
	char **names, b[128], c[160];
	size_t i, j, k, blen, len;
	int isnew;

	names = arena_calloc(a, p->ntypes + 1, sizeof(*names));
	taken = strmap_new();
	next = strmap_new();
	for (j = 0; j < sizeof(fixed) / sizeof(fixed[0]); j++)
		strmap_intern(taken, fixed[j], strlen(fixed[j]), &isnew);
	for (i = 0; i < p->ntypes; i++) {
		blen = rows_colname(b, sizeof(b), p->types[i].type);
		e = strmap_at(next, strmap_intern(next, b, blen, &isnew));
		for (k = isnew ? 1 : (size_t)(uintptr_t)e->value;; k++) {
			if (k == 1)
				len = (size_t)snprintf(c, sizeof(c), "%s", b);
			else
				len = (size_t)snprintf(c, sizeof(c), "%s_%zu",
				    b, k);
			strmap_intern(taken, c, len, &isnew);
			if (isnew)
				break;
		}
		e->value = (void *)(uintptr_t)(k + 1);
		names[i] = arena_strdup(a, c);
	}
	strmap_free(next);
	strmap_free(taken);
	return names;
}

static void
join_names(char *out, size_t size, char *const *names, size_t n)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    i > 0 ? "," : "", names[i]);
}

/* Which of p's sample types the folded output sums. */
static int
fold_index(struct rows *r, const struct prof *p, char **names, size_t *idx,
    char *err, size_t errlen)
{
	const char *want = r->foldname;
	size_t i;
	char *end, have[512];
	unsigned long v;

	if (p->ntypes == 0)
		return err_set(err, errlen, "the profile has no sample types");
	if (want == NULL && r->o.sample_index != NULL) {
		want = r->o.sample_index;
		v = strtoul(want, &end, 10);
		if (*want >= '0' && *want <= '9' && *end == '\0') {
			if (v >= p->ntypes)
				return err_set(err, errlen, "--sample-index %s: "
				    "the profile has %zu sample types", want,
				    p->ntypes);
			*idx = v;
			r->foldname = xstrdup(names[v]);
			return 0;
		}
	}
	if (want == NULL) {
		*idx = p->ntypes - 1;
		for (i = 0; i < p->ntypes && p->default_type[0] != '\0'; i++)
			if (strcmp(p->types[i].type, p->default_type) == 0)
				*idx = i;
		r->foldname = xstrdup(names[*idx]);
		return 0;
	}
	for (i = 0; i < p->ntypes; i++)
		if (strcmp(names[i], want) == 0 ||
		    strcmp(p->types[i].type, want) == 0) {
			*idx = i;
			if (r->foldname == NULL)
				r->foldname = xstrdup(names[i]);
			return 0;
		}
	join_names(have, sizeof(have), names, p->ntypes);
	return err_set(err, errlen, "no sample type %s (the profile has %s)",
	    want, have);
}

/* Fix the header on the first profile; map p's types to its columns. */
static int
map_columns(struct rows *r, const struct prof *p, char **names, char *err,
    size_t errlen)
{
	struct strmap *index;
	char have[512], want[512];
	size_t i, j;
	int isnew;

	if (!r->started) {
		if (r->o.values != NULL) {
			r->ncols = r->o.nvalues;
			r->cols = xcalloc(r->ncols, sizeof(*r->cols));
			for (i = 0; i < r->ncols; i++)
				r->cols[i] = xstrdup(r->o.values[i]);
		} else {
			r->ncols = p->ntypes;
			r->cols = xcalloc(r->ncols, sizeof(*r->cols));
			for (i = 0; i < r->ncols; i++)
				r->cols[i] = xstrdup(names[i]);
		}
		r->colidx = xcalloc(r->ncols + 1, sizeof(*r->colidx));
	}
	join_names(have, sizeof(have), names, p->ntypes);
	if (r->o.values == NULL && r->started) {
		int same = p->ntypes == r->ncols;

		for (i = 0; same && i < r->ncols; i++)
			same = strcmp(names[i], r->cols[i]) == 0;
		if (!same) {
			join_names(want, sizeof(want), r->cols, r->ncols);
			return err_set(err, errlen, "sample types %s differ from "
			    "the first input's %s (choose columns with "
			    "--values)", have, want);
		}
	}
	index = strmap_new();	/* type_columns made the names distinct */
	for (j = 0; j < p->ntypes; j++)
		strmap_intern(index, names[j], strlen(names[j]), &isnew);
	for (i = 0; i < r->ncols; i++) {
		if (!strmap_find(index, r->cols[i], strlen(r->cols[i]), &j)) {
			strmap_free(index);
			return err_set(err, errlen, "no sample type %s (the "
			    "profile has %s)", r->cols[i], have);
		}
		r->colidx[i] = j;
	}
	strmap_free(index);
	return 0;
}

static void
write_header(struct rows *r)
{
	size_t i;

	tsv_put_str(r->w, "snapshot");
	tsv_put_str(r->w, "time");
	tsv_put_str(r->w, "type");
	for (i = 0; i < r->ncols; i++)
		tsv_put_str(r->w, r->cols[i]);
	tsv_put_str(r->w, "labels");
	tsv_put_str(r->w, "site");
	tsv_put_str(r->w, "stack");
	tsv_endrow(r->w);
}

static void
slots_clear(struct rows *r)
{
	arena_reset(r->arena);
	memset(r->slots, 0, (r->mask + 1) * sizeof(*r->slots));
	r->nused = 0;
}

static size_t
slot_of(const struct rows *r, const struct prof_loc *loc)
{
	size_t i = (size_t)hash_mix64((uint64_t)(uintptr_t)loc) & r->mask;

	while (r->slots[i] != NULL && r->slots[i]->loc != loc)
		i = (i + 1) & r->mask;
	return i;
}

static void
slots_grow(struct rows *r)
{
	struct loctext **old = r->slots;
	size_t i, n = r->mask + 1;

	r->mask = n * 2 - 1;
	r->slots = xcalloc(n * 2, sizeof(*r->slots));
	for (i = 0; i < n; i++)
		if (old[i] != NULL)
			r->slots[slot_of(r, old[i]->loc)] = old[i];
	free(old);
}

/* Frame text as it appears in a stack, raw (no escapes). */
static void
frame_text(struct sbuf *s, const struct prof_frame *f, int lines)
{
	sb_add(s, f->func, strlen(f->func));
	if (!lines || (f->file[0] == '\0' && f->line == 0))
		return;
	sb_add(s, " (", 2);
	sb_add(s, f->file, strlen(f->file));
	sb_addc(s, ':');
	sb_addi(s, f->line);
	sb_addc(s, ')');
}

/* "function file:line", or the function alone without a file. */
static const char *
site_text(struct rows *r, const struct prof_frame *f, size_t *len)
{
	struct sbuf *s = &r->sb;

	s->len = 0;
	sb_add_esc(s, f->func, strlen(f->func), 0);
	if (f->file[0] != '\0') {
		sb_addc(s, ' ');
		sb_add_esc(s, f->file, strlen(f->file), 0);
		sb_addc(s, ':');
		sb_addi(s, f->line);
	}
	*len = s->len;
	return arena_strndup(r->arena, s->b, s->len);
}

static int
frame_matches(struct rows *r, const struct pattern *re,
    const struct prof_frame *f)
{
	r->tmp.len = 0;
	frame_text(&r->tmp, f, r->o.lines);
	sb_addc(&r->tmp, '\0');
	return pattern_find(re, r->tmp.b);
}

/* Build lt, zeroed, for loc. */
static struct loctext *
loctext_fill(struct rows *r, const struct prof_loc *loc, struct loctext *lt)
{
	struct sbuf *s = &r->sb;
	size_t j;

	lt->loc = loc;
	s->len = 0;
	for (j = loc->nframes; j-- > 0;) {
		if (j + 1 < loc->nframes)
			sb_addc(s, ';');
		if (r->o.folded) {
			frame_text(s, &loc->frames[j], r->o.lines);
			continue;
		}
		r->tmp.len = 0;
		frame_text(&r->tmp, &loc->frames[j], r->o.lines);
		sb_add_esc(s, r->tmp.b, r->tmp.len, 0);
	}
	lt->stacklen = s->len;
	sb_addc(s, ';');	/* kept after the text: see put_row */
	lt->stack = arena_strndup(r->arena, s->b, s->len);
	for (j = 0; j < loc->nframes; j++) {
		const struct prof_frame *f = &loc->frames[j];

		if (lt->site == NULL &&
		    !frames_is_stdlib(f->func, strlen(f->func)))
			lt->site = site_text(r, f, &lt->sitelen);
		if (r->o.focus != NULL && !lt->focus)
			lt->focus = frame_matches(r, r->o.focus, f);
		if (r->o.ignore != NULL && !lt->ignore)
			lt->ignore = frame_matches(r, r->o.ignore, f);
	}
	/* The leaf stands for the site only in a sample without one. */
	if (loc->nframes > 0 && lt->site == NULL)
		lt->leaf = site_text(r, &loc->frames[0], &lt->leaflen);
	else
		lt->leaf = "";
	return lt;
}

static struct loctext *
loctext_get(struct rows *r, const struct prof_loc *loc)
{
	uintptr_t k = (uintptr_t)loc - (uintptr_t)r->base;
	size_t i;

	/*
	 * Locations of one array (profile.proto) are found by index, in an
	 * array of their own: the loctexts every frame of every sample reads
	 * stay together in cache, apart from their texts.
	 */
	if (r->base != NULL && k < r->nbase * sizeof(*loc)) {
		k /= sizeof(*loc);
		if (r->direct[k].loc == NULL)
			loctext_fill(r, loc, &r->direct[k]);
		return &r->direct[k];
	}
	i = slot_of(r, loc);

	if (r->slots[i] != NULL)
		return r->slots[i];
	if ((r->nused + 1) * 2 > r->mask + 1) {
		slots_grow(r);
		i = slot_of(r, loc);
	}
	r->slots[i] = loctext_fill(r, loc, arena_calloc(r->arena, 1,
	    sizeof(struct loctext)));
	r->nused++;
	return r->slots[i];
}

static int
lab_cmp(const void *a, const void *b, void *arg)
{
	const struct lab *x = a, *y = b;
	const char *base = arg;
	size_t n;
	int c;

	n = x->keylen < y->keylen ? x->keylen : y->keylen;
	if ((c = memcmp(base + x->key, base + y->key, n)) != 0)
		return c;
	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	n = x->vallen < y->vallen ? x->vallen : y->vallen;
	if ((c = memcmp(base + x->val, base + y->val, n)) != 0)
		return c;
	return x->vallen < y->vallen ? -1 : x->vallen > y->vallen;
}

/* Labels of s into r->labs (texts in r->lb), sorted by key then value. */
static size_t
labels_collect(struct rows *r, const struct prof_sample *s)
{
	struct sbuf *lb = &r->lb;
	size_t i, j, n = s->nlabels;
	char num[64];

	if (n > r->labcap) {
		r->labcap = n * 2;
		r->labs = xreallocarray(r->labs, r->labcap, sizeof(*r->labs));
	}
	lb->len = 0;
	for (i = 0; i < n; i++) {
		const struct prof_label *l = &s->labels[i];
		struct lab *e = &r->labs[i];

		e->key = lb->len;
		e->keylen = strlen(l->key);
		sb_add(lb, l->key, e->keylen);
		sb_addc(lb, '\0');
		e->val = lb->len;
		if (l->str != NULL) {
			e->vallen = strlen(l->str);
			sb_add(lb, l->str, e->vallen);
		} else {
			e->vallen = fmt_i64(num, l->num);
			sb_add(lb, num, e->vallen);
			if (l->unit[0] != '\0' && strcmp(l->unit, l->key) != 0) {
				sb_add(lb, l->unit, strlen(l->unit));
				e->vallen += strlen(l->unit);
			}
		}
		sb_addc(lb, '\0');
	}
	/* Insertion sort: samples carry a handful of labels. */
	for (i = 1; i < n; i++) {
		struct lab t = r->labs[i];

		for (j = i; j > 0 && lab_cmp(&r->labs[j - 1], &t, lb->b) > 0;
		    j--)
			r->labs[j] = r->labs[j - 1];
		r->labs[j] = t;
	}
	return n;
}

static int
tagfocus_keep(struct rows *r, size_t nlabs)
{
	const struct rows_tagfocus *t;
	size_t i, k;
	int hit;

	for (k = 0; k < r->o.ntagfocus; k++) {
		t = &r->o.tagfocus[k];
		hit = 0;
		for (i = 0; i < nlabs && !hit; i++)
			hit = strcmp(r->lb.b + r->labs[i].key, t->key) == 0 &&
			    pattern_find(t->re, r->lb.b + r->labs[i].val);
		if (!hit)
			return 0;
	}
	return 1;
}

/* Look up the sample's locations; 0 when --focus/--ignore drop it. */
static int
sample_locs(struct rows *r, const struct prof_sample *s)
{
	size_t j;
	int focus = r->o.focus == NULL, ignore = 0;

	if (s->nlocs > r->ltscap) {
		r->ltscap = s->nlocs * 2;
		r->lts = xreallocarray(r->lts, r->ltscap, sizeof(*r->lts));
	}
	for (j = 0; j < s->nlocs; j++) {
		r->lts[j] = loctext_get(r, s->locs[j]);
		focus |= r->lts[j]->focus;
		ignore |= r->lts[j]->ignore;
	}
	return focus && !ignore;
}

/*
 * One row, written straight into room reserved in the output buffer:
 * prefix (snapshot, time, type), the values, labels, site and stack, the
 * locations' texts root first.  Each text is stored with its ';' after it,
 * so the stack is one copy per location; the last ';' is dropped.
 */
static void
put_row(struct rows *r, const struct prof_sample *s, const char *prefix,
    size_t prefixlen, size_t nlabs)
{
	const struct loctext *lt;
	const struct lab *l;
	const char *site = "";
	size_t i, sitelen = 0, need, len;
	char *o, *start;

	for (i = 0; i < s->nlocs; i++)
		if (r->lts[i]->site != NULL)
			break;
	if (i < s->nlocs) {
		site = r->lts[i]->site;
		sitelen = r->lts[i]->sitelen;
	} else if (s->nlocs > 0) {
		site = r->lts[0]->leaf;
		sitelen = r->lts[0]->leaflen;
	}
	/* A value is at most 20 characters and a tab; 3 more tabs, '\n'. */
	need = prefixlen + r->ncols * 21 + sitelen + 4;
	for (i = 0; i < nlabs; i++)
		need += 3 * (r->labs[i].keylen + r->labs[i].vallen) + 2;
	for (i = 0; i < s->nlocs; i++)
		need += r->lts[i]->stacklen + 1;
	o = start = tsv_reserve(r->w, need);
	memcpy(o, prefix, prefixlen);
	o += prefixlen;
	for (i = 0; i < r->ncols; i++) {
		*o++ = '\t';
		o += fmt_i64(o, s->values[r->colidx[i]]);
	}
	*o++ = '\t';
	for (i = 0; i < nlabs; i++) {
		l = &r->labs[i];
		if (i > 0)
			*o++ = ',';
		o = esc_copy(o, r->lb.b + l->key, l->keylen, 1);
		*o++ = '=';
		o = esc_copy(o, r->lb.b + l->val, l->vallen, 1);
	}
	*o++ = '\t';
	memcpy(o, site, sitelen);
	o += sitelen;
	*o++ = '\t';
	for (i = s->nlocs; i-- > 0;) {
		lt = r->lts[i];
		len = lt->stacklen + 1;
		memcpy(o, lt->stack, len);
		o += len;
	}
	if (s->nlocs > 0)
		o--;
	*o++ = '\n';
	tsv_commit(r->w, (size_t)(o - start));
	r->wrote = 1;
}

static int
fold_sample(struct rows *r, const struct prof_sample *s, size_t idx,
    char *err, size_t errlen)
{
	struct sbuf *sb = &r->sb;
	size_t i, k;
	int isnew;

	if (s->nlocs == 0)
		return 0;
	sb->len = 0;
	for (i = s->nlocs; i-- > 0;) {
		sb_add(sb, r->lts[i]->stack, r->lts[i]->stacklen);
		if (i > 0)
			sb_addc(sb, ';');
	}
	k = strmap_intern(r->fold, sb->b, sb->len, &isnew);
	if (k >= r->sumscap) {
		r->sumscap = r->sumscap > 0 ? r->sumscap * 2 : 1024;
		r->sums = xreallocarray(r->sums, r->sumscap,
		    sizeof(*r->sums));
	}
	if (isnew)
		r->sums[k] = 0;
	if (__builtin_add_overflow(r->sums[k], s->values[idx], &r->sums[k]))
		return err_set(err, errlen, "the sum of %s overflows",
		    r->foldname);
	return 0;
}

/*
 * Start a profile: fix or check its columns, write the header the first
 * time.  snapshot names the input; time is in nanoseconds since the epoch.
 */
int
rows_begin(struct rows *r, const struct prof *p, const char *snapshot,
    int64_t time, char *err, size_t errlen)
{
	struct arena *names_arena;
	const char *type;
	char **names, tb[64];
	int rc;

	names_arena = arena_new();
	names = type_columns(names_arena, p);
	if (r->o.folded)
		rc = fold_index(r, p, names, &r->foldidx, err, errlen);
	else
		rc = map_columns(r, p, names, err, errlen);
	arena_free(names_arena);
	if (rc == -1)
		return -1;
	if (!r->started && !r->o.folded)
		write_header(r);
	r->started = 1;
	slots_clear(r);
	r->base = p->locs;
	r->nbase = p->locs != NULL ? p->nlocs : 0;
	if (r->nbase > r->capdirect) {
		free(r->direct);
		r->capdirect = r->nbase;
		r->direct = xcalloc(r->capdirect, sizeof(*r->direct));
	} else if (r->nbase > 0)
		memset(r->direct, 0, r->nbase * sizeof(*r->direct));

	r->prefix.len = 0;
	sb_add_esc(&r->prefix, snapshot, strlen(snapshot), 0);
	sb_addc(&r->prefix, '\t');
	sb_add(&r->prefix, tb, tsv_format_time(tb, sizeof(tb), time));
	sb_addc(&r->prefix, '\t');
	type = rows_type(p, snapshot);
	sb_add(&r->prefix, type, strlen(type));
	return 0;
}

/* Write (or, folded, add up) one sample of the profile begun last. */
int
rows_sample(struct rows *r, const struct prof *p, const struct prof_sample *s,
    char *err, size_t errlen)
{
	size_t nlabs;

	(void)p;
	if (!sample_locs(r, s))
		return 0;
	nlabs = labels_collect(r, s);
	if (r->o.ntagfocus > 0 && !tagfocus_keep(r, nlabs))
		return 0;
	if (r->o.folded)
		return fold_sample(r, s, r->foldidx, err, errlen);
	put_row(r, s, r->prefix.b, r->prefix.len, nlabs);
	return 0;
}

/* rows_begin, then every sample of p. */
int
rows_add(struct rows *r, const struct prof *p, const char *snapshot,
    int64_t time, char *err, size_t errlen)
{
	size_t i;
	int rc;

	rc = rows_begin(r, p, snapshot, time, err, errlen);
	for (i = 0; i < p->nsamples && rc == 0; i++)
		rc = rows_sample(r, p, &p->samples[i], err, errlen);
	return rc;
}

static struct strmap *sort_map;

static int
fold_cmp(const void *a, const void *b)
{
	const struct strmap_entry *x = strmap_at(sort_map, *(const size_t *)a);
	const struct strmap_entry *y = strmap_at(sort_map, *(const size_t *)b);
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if ((c = memcmp(x->key, y->key, n)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/*
 * Before stopping at a bad input: write out the rows so far, complete
 * ones only, so that what was written does not depend on buffering;
 * nothing, not even the header, when no row was written (nor when
 * folded).
 */
int
rows_flush(struct rows *r)
{
	return r->o.folded || !r->wrote ? 0 : tsv_flush(r->w);
}

/*
 * Write what is pending (folded stacks sorted by stack) and flush; -1 when
 * the output could not be written.
 */
int
rows_finish(struct rows *r)
{
	const struct strmap_entry *e;
	size_t *order, i, n;
	char b[24];
	int len;

	if (r->o.folded) {
		n = strmap_count(r->fold);
		order = xreallocarray(NULL, n > 0 ? n : 1, sizeof(*order));
		for (i = 0; i < n; i++)
			order[i] = i;
		sort_map = r->fold;
		qsort(order, n, sizeof(*order), fold_cmp);
		for (i = 0; i < n; i++) {
			if (r->sums[order[i]] == 0)
				continue;
			e = strmap_at(r->fold, order[i]);
			tsv_cat_raw(r->w, e->key, e->len);
			len = snprintf(b, sizeof(b), " %" PRId64,
			    r->sums[order[i]]);
			tsv_cat_raw(r->w, b, (size_t)len);
			tsv_endrow(r->w);
		}
		free(order);
	} else if (!r->started)
		write_header(r);
	return tsv_flush(r->w);
}
