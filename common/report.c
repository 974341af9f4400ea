/*
 * The report's model: reading rank's suspect rows and the optional inputs
 * (--samples, --drift, --memstats, --escape), and the analysis that ties
 * each suspect to a leak pattern, its source and its escape lines.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "frames.h"
#include "caps.h"
#include "report.h"
#include "source.h"
#include "strmap.h"
#include "tsv.h"
#include "xmalloc.h"

/* Distinct stacks of --samples, with their cluster, for related frames. */
struct samples {
	struct strmap	*stacks;	/* key: cluster TAB stack */
};

struct report *
report_new(void)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->top = 10;
	r->max_line = CAPS_MAX_LINE;
	r->max_snapshots = CAPS_MAX_SNAPSHOTS;
	r->restarts = r->repeats = -1;
	r->t0 = r->t1 = INT64_MIN;
	return r;
}

static void
free_lines(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
report_free(struct report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		struct suspect *s = &r->s[i];

		free(s->group);
		free(s->verdict);
		free(s->value);
		free(s->unit);
		free(s->plateau);
		free(s->series);
		free(s->site);
		free(s->stack);
		free(s->op);
		free(s->site_func);
		free(s->site_file);
		free(s->src_path);
		free(s->src_note);
		free_lines(s->src, s->nsrc);
		free_lines(s->esc, s->nesc);
	}
	free(r->s);
	free(r->total_of);
	free(r->total);
	free(r->gc_first);
	free(r->gc_last);
	for (i = 0; i < r->ndrift; i++)
		free(r->drift[i].snapshot);
	free(r->drift);
	if (r->samples != NULL) {
		strmap_free(r->samples->stacks);
		free(r->samples);
	}
	free_lines(r->escape, r->nescape);
	free(r);
}

/*
 * Split "function file:line" at its last space; a site with no space is a
 * bare function.  Returns owned strings; *file is NULL when absent.
 */
void
report_split_site(const char *site, char **func, char **file, int *line)
{
	const char *sp = strrchr(site, ' '), *colon;
	char *end;
	long l;

	*file = NULL;
	*line = 0;
	if (sp == NULL) {
		*func = xstrdup(site);
		return;
	}
	*func = xstrndup(site, (size_t)(sp - site));
	colon = strrchr(sp + 1, ':');
	if (colon == NULL) {
		*file = xstrdup(sp + 1);
		return;
	}
	*file = xstrndup(sp + 1, (size_t)(colon - sp - 1));
	errno = 0;
	l = strtol(colon + 1, &end, 10);
	if (errno == 0 && *end == '\0' && l > 0 && l < 100000000)
		*line = (int)l;
}

/* Optional columns: -1 when absent. */
struct cols {
	int rank, group, verdict, score, value, unit, snapshots, t_first;
	int t_last, first, last, max, growth, growth_ratio, slope, theil_sen;
	int r2, mk_p, plateau, share, age, members, series, site, stack, op;
};

static double
num(const struct tsv_reader *t, int c)
{
	if (c < 0 || tsv_len(t, (size_t)c) == 0)
		return NAN;
	return tsv_get_double(t, (size_t)c);
}

static char *
str(const struct tsv_reader *t, int c)
{
	return xstrdup(c < 0 ? "" : tsv_get(t, (size_t)c));
}

/* Numbers separated by commas, semicolons or spaces. */
static void
parse_series(const struct tsv_reader *t, const char *p, struct suspect *s,
    size_t max)
{
	char buf[64];
	size_t n;
	double v;

	while (*p != '\0') {
		while (*p == ',' || *p == ';' || *p == ' ')
			p++;
		for (n = 0; p[n] != '\0' && p[n] != ',' && p[n] != ';' &&
		    p[n] != ' '; n++)
			;
		if (n == 0)
			break;
		if (n >= sizeof(buf))
			tsv_die(t, "series: number too long");
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (tsv_parse_double(buf, &v) == -1)
			tsv_die(t, "series: bad number '%s'", buf);
		if (s->nseries >= max)
			tsv_die_cap(t, CAPS_OPT_MAX_SNAPSHOTS, max,
			    "series: too many snapshots");
		s->series = xreallocarray(s->series, s->nseries + 1,
		    sizeof(double));
		s->series[s->nseries++] = v;
		p += n;
	}
}

/* Root frame of a stack equals the function (the goroutine's entry). */
static int
root_is(const char *stack, const char *func)
{
	size_t n = strcspn(stack, ";"), fl = strlen(func);
	const char *paren;

	paren = memchr(stack, ' ', n);
	if (paren != NULL)
		n = (size_t)(paren - stack);
	return n == fl && memcmp(stack, func, n) == 0;
}

void
report_read_suspects(struct report *r, int argc, char *const *argv)
{
	struct tsv_reader *t = tsv_open_max(argc, argv, r->max_line);
	struct cols c;
	struct suspect *s;
	double v;

#define COL(x)	c.x = tsv_col(t, #x)
	COL(rank); COL(group); COL(verdict); COL(score); COL(value);
	COL(unit); COL(snapshots); COL(t_first); COL(t_last); COL(first);
	COL(last); COL(max); COL(growth); COL(growth_ratio); COL(slope);
	COL(theil_sen); COL(r2); COL(mk_p); COL(plateau); COL(share);
	COL(age); COL(members); COL(series); COL(site); COL(stack); COL(op);
#undef COL
	c.rank = (int)tsv_need(t, "rank");
	c.site = (int)tsv_need(t, "site");
	while (tsv_next(t)) {
		r->s = xreallocarray(r->s, r->n + 1, sizeof(*r->s));
		s = &r->s[r->n++];
		memset(s, 0, sizeof(*s));
		v = num(t, c.rank);
		if (isnan(v) || v < 0 || v > 1e9)
			tsv_die(t, "rank: expected a positive number");
		s->rank = (long)v;
		s->group = str(t, c.group);
		s->verdict = str(t, c.verdict);
		s->value = str(t, c.value);
		s->unit = str(t, c.unit);
		s->plateau = str(t, c.plateau);
		s->score = num(t, c.score);
		s->snapshots = num(t, c.snapshots);
		s->first = num(t, c.first);
		s->last = num(t, c.last);
		s->max = num(t, c.max);
		s->growth = num(t, c.growth);
		s->growth_ratio = num(t, c.growth_ratio);
		s->slope = num(t, c.slope);
		s->theil_sen = num(t, c.theil_sen);
		s->r2 = num(t, c.r2);
		s->mk_p = num(t, c.mk_p);
		s->share = num(t, c.share);
		s->age = num(t, c.age);
		s->members = num(t, c.members);
		s->t_first = s->t_last = INT64_MIN;
		if (c.t_first >= 0 && tsv_len(t, (size_t)c.t_first) > 0)
			s->t_first = tsv_get_time(t, (size_t)c.t_first);
		if (c.t_last >= 0 && tsv_len(t, (size_t)c.t_last) > 0)
			s->t_last = tsv_get_time(t, (size_t)c.t_last);
		if (c.series >= 0)
			parse_series(t, tsv_get(t, (size_t)c.series), s,
			    r->max_snapshots);
		s->site = str(t, c.site);
		s->stack = str(t, c.stack);
		s->op = str(t, c.op);
		report_split_site(s->site, &s->site_func, &s->site_file,
		    &s->site_line);
		s->entry = *s->site_func != '\0' &&
		    root_is(s->stack, s->site_func);
		if (!isnan(s->snapshots) && s->snapshots > (double)r->nsnap)
			r->nsnap = (size_t)s->snapshots;
		if (s->t_first != INT64_MIN &&
		    (r->t0 == INT64_MIN || s->t_first < r->t0))
			r->t0 = s->t_first;
		if (s->t_last != INT64_MIN &&
		    (r->t1 == INT64_MIN || s->t_last > r->t1))
			r->t1 = s->t_last;
	}
	tsv_close(t);
}

static int
truthy(const char *s)
{
	return *s != '\0' && strcmp(s, "0") != 0 && strcmp(s, "no") != 0 &&
	    strcmp(s, "false") != 0;
}

/* One snapshot of --samples: its time, total, restart and GC cycle. */
struct snap {
	const char	*name;
	int64_t		 time;
	double		 total;
	char		*restart;
	char		*gc;
	int		 repeat;
};

static int
cmp_snap(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;

	return tsv_snapshot_cmp(x->time, x->name, y->time, y->name);
}

/*
 * --samples: sample rows (pprof2tsv, normalize-gc or cluster output).  The
 * total of the suspects' value column per snapshot, restarts and repeated
 * GC cycles when normalize-gc's columns are there, and every distinct
 * (cluster, stack) for the related-frames evidence.
 */
void
report_read_samples(struct report *r, const char *path)
{
	char *argv[1] = { (char *)path };
	struct tsv_reader *t = tsv_open_max(1, argv, r->max_line);
	struct strmap *snaps = strmap_new();
	struct snap *sv = NULL;
	const char *vname;
	size_t csnap, ctime, cstack, i, k;
	int cval, ccl, crs, cgc, crep, isnew;
	char *key;
	size_t klen, cap = 0;

	vname = r->n > 0 && *r->s[0].value != '\0' ? r->s[0].value :
	    "inuse_space";
	csnap = tsv_need(t, "snapshot");
	ctime = tsv_need(t, "time");
	cstack = tsv_need(t, "stack");
	cval = tsv_col(t, vname);
	ccl = tsv_col(t, "cluster");
	crs = tsv_col(t, "restart");
	cgc = tsv_col(t, "gc");
	crep = tsv_col(t, "repeat");
	r->samples = xcalloc(1, sizeof(*r->samples));
	r->samples->stacks = strmap_new();
	key = NULL;
	while (tsv_next(t)) {
		i = strmap_intern(snaps, tsv_get(t, csnap), tsv_len(t, csnap),
		    &isnew);
		if (isnew) {
			if (i >= r->max_snapshots)
				tsv_die_cap(t, CAPS_OPT_MAX_SNAPSHOTS,
				    r->max_snapshots, "too many snapshots");
			sv = xreallocarray(sv, i + 1, sizeof(*sv));
			sv[i].name = strmap_at(snaps, i)->key;
			sv[i].time = tsv_get_time(t, ctime);
			sv[i].total = 0;
			sv[i].restart = str(t, crs);
			sv[i].gc = str(t, cgc);
			sv[i].repeat = crep >= 0 &&
			    truthy(tsv_get(t, (size_t)crep));
		}
		if (cval >= 0)
			sv[i].total += tsv_get_double(t, (size_t)cval);
		klen = (ccl >= 0 ? tsv_len(t, (size_t)ccl) : 0) + 1 +
		    tsv_len(t, cstack);
		if (klen + 1 > cap) {
			cap = klen + 1;
			key = xreallocarray(key, cap, 1);
		}
		k = 0;
		if (ccl >= 0) {
			memcpy(key, tsv_get(t, (size_t)ccl),
			    tsv_len(t, (size_t)ccl));
			k = tsv_len(t, (size_t)ccl);
		}
		key[k++] = '\t';
		memcpy(key + k, tsv_get(t, cstack), tsv_len(t, cstack));
		strmap_intern(r->samples->stacks, key, klen, NULL);
	}
	free(key);
	tsv_close(t);
	r->nsnap = strmap_count(snaps);
	if (r->nsnap > 0) {
		qsort(sv, r->nsnap, sizeof(*sv), cmp_snap);
		r->t0 = sv[0].time;
		r->t1 = sv[r->nsnap - 1].time;
	}
	if (cval >= 0) {
		free(r->total_of);
		r->total_of = xstrdup(vname);
		free(r->total);
		r->total = xcalloc(r->nsnap + 1, sizeof(double));
		r->ntotal = r->nsnap;
		for (i = 0; i < r->nsnap; i++)
			r->total[i] = sv[i].total;
	}
	if (crs >= 0) {
		r->restarts = 0;
		for (i = 1; i < r->nsnap; i++)
			if (strcmp(sv[i].restart, sv[i - 1].restart) != 0)
				r->restarts++;
	}
	if (cgc >= 0 || crep >= 0) {
		r->repeats = 0;
		for (i = 0; i < r->nsnap; i++)
			if (sv[i].repeat || (i > 0 && *sv[i].gc != '\0' &&
			    strcmp(sv[i].gc, sv[i - 1].gc) == 0 &&
			    strcmp(sv[i].restart, sv[i - 1].restart) == 0))
				r->repeats++;
	}
	for (i = 0; cgc >= 0 && i < r->nsnap; i++)
		if (*sv[i].gc != '\0') {
			if (r->gc_first == NULL)
				r->gc_first = xstrdup(sv[i].gc);
			free(r->gc_last);
			r->gc_last = xstrdup(sv[i].gc);
		}
	for (i = 0; i < r->nsnap; i++) {
		free(sv[i].restart);
		free(sv[i].gc);
	}
	free(sv);
	strmap_free(snaps);
}

/* rank --drift rows: snapshot time value ... threshold alarm. */
void
report_read_drift(struct report *r, const char *path)
{
	char *argv[1] = { (char *)path };
	struct tsv_reader *t = tsv_open_max(1, argv, r->max_line);
	size_t cs = tsv_need(t, "snapshot"), ct = tsv_need(t, "time");
	size_t cv = tsv_need(t, "value");
	int cth = tsv_col(t, "threshold"), ca = tsv_col(t, "alarm");
	struct drift_row *d;

	while (tsv_next(t)) {
		if (r->ndrift >= r->max_snapshots)
			tsv_die_cap(t, CAPS_OPT_MAX_SNAPSHOTS,
			    r->max_snapshots, "too many snapshots");
		r->drift = xreallocarray(r->drift, r->ndrift + 1,
		    sizeof(*r->drift));
		d = &r->drift[r->ndrift++];
		d->snapshot = xstrdup(tsv_get(t, cs));
		d->time = tsv_get_time(t, ct);
		d->value = tsv_get_double(t, cv);
		d->threshold = num(t, cth);
		d->alarm = ca >= 0 && truthy(tsv_get(t, (size_t)ca));
	}
	tsv_close(t);
	if (r->total == NULL && r->ndrift > 0) {
		size_t i;

		r->total = xcalloc(r->ndrift, sizeof(double));
		r->ntotal = r->ndrift;
		for (i = 0; i < r->ndrift; i++)
			r->total[i] = r->drift[i].value;
		r->total_of = xstrdup("value");
	}
}

/* pprof2tsv --memstats rows: the first and last by time. */
void
report_read_memstats(struct report *r, const char *path)
{
	static const char *const names[3] = { "alloc", "total_alloc", "sys" };
	char *argv[1] = { (char *)path };
	struct tsv_reader *t = tsv_open_max(1, argv, r->max_line);
	size_t ct = tsv_need(t, "time"), c[3], i;
	int64_t tm, tfirst = INT64_MAX, tlast = INT64_MIN;

	for (i = 0; i < 3; i++)
		c[i] = tsv_need(t, names[i]);
	while (tsv_next(t)) {
		tm = tsv_get_time(t, ct);
		for (i = 0; i < 3; i++) {
			double v = num(t, (int)c[i]);

			if (tm < tfirst)
				r->ms_first[i] = v;
			if (tm >= tlast)
				r->ms_last[i] = v;
		}
		if (tm < tfirst)
			tfirst = tm;
		if (tm >= tlast)
			tlast = tm;
		r->have_memstats = 1;
	}
	tsv_close(t);
}

/*
 * `go build -gcflags=-m` output: keep the "file:line:col: msg" lines that
 * say something escapes, moved to the heap, or leaks a parameter.
 */
void
report_read_escape(struct report *r, const char *path)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if ((fp = fopen(path, "r")) == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, fp)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strstr(line, ".go:") == NULL ||
		    (strstr(line, "escapes to heap") == NULL &&
		    strstr(line, "moved to heap") == NULL &&
		    strstr(line, "leaking param") == NULL))
			continue;
		r->escape = xreallocarray(r->escape, r->nescape + 1,
		    sizeof(char *));
		r->escape[r->nescape++] = xstrdup(line);
	}
	/* getline also stops on ENOMEM, without setting the error flag. */
	if (ferror(fp) || !feof(fp))
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	free(line);
	fclose(fp);
}

/* Frame name without a " (file:line)" suffix (pprof2tsv --lines). */
static size_t
frame_name_len(const char *f, size_t len)
{
	const char *sp = memchr(f, ' ', len);

	return sp != NULL ? (size_t)(sp - f) : len;
}

/*
 * The frames of a stack strictly below its last occurrence of func (or,
 * when func is absent, below the first non-standard-library frame from the
 * leaf), added to the set.
 */
static void
frames_below(const char *stack, size_t slen, const char *func,
    struct strmap *set, int need_func)
{
	const char *p, *end = stack + slen, *f, *start = NULL;
	size_t len, n, fl = strlen(func);

	p = end;
	while (frames_prev(&p, stack, &f, &len)) {
		n = frame_name_len(f, len);
		if ((n == fl && memcmp(f, func, n) == 0) ||
		    (!need_func && !frames_is_stdlib(f, n))) {
			start = f + len;
			break;
		}
	}
	if (start == NULL)
		return;
	p = start < end ? start + 1 : end;
	while (frames_next(&p, end, &f, &len))
		strmap_intern(set, f, frame_name_len(f, len), NULL);
}

static char **
set_strings(struct strmap *set, size_t *n)
{
	char **v;
	size_t i;

	*n = strmap_count(set);
	v = xcalloc(*n + 1, sizeof(char *));
	for (i = 0; i < *n; i++)
		v[i] = (char *)strmap_at(set, i)->key;
	return v;
}

/* Does the ';'-joined stack contain the frame func? */
static int
has_frame(const char *stack, size_t slen, const char *func)
{
	const char *p = stack, *f;
	size_t len, fl = strlen(func);

	while (frames_next(&p, stack + slen, &f, &len))
		if (frame_name_len(f, len) == fl && memcmp(f, func, fl) == 0)
			return 1;
	return 0;
}

static void
related_frames(const struct report *r, const struct suspect *s,
    struct strmap *set)
{
	struct strmap_entry *e;
	const char *tab, *stack;
	size_t i, n, glen = strlen(s->group), slen;
	int incl;

	if (r->samples == NULL)
		return;
	n = strmap_count(r->samples->stacks);
	for (i = 0; i < n; i++) {
		e = strmap_at(r->samples->stacks, i);
		tab = memchr(e->key, '\t', e->len);
		if (tab == NULL)
			continue;
		stack = tab + 1;
		slen = e->len - (size_t)(stack - e->key);
		incl = has_frame(stack, slen, s->site_func);
		if (incl)
			frames_below(stack, slen, s->site_func, set, 1);
		else if (glen > 0 && (size_t)(tab - e->key) == glen &&
		    memcmp(e->key, s->group, glen) == 0)
			frames_below(stack, slen, "", set, 0);
	}
}

static void
find_escape(const struct report *r, struct suspect *s)
{
	size_t i;

	if (s->site_file == NULL || s->site_line <= 0)
		return;
	for (i = 0; i < r->nescape; i++)
		if (source_same_line(r->escape[i], s->site_file,
		    s->site_line)) {
			s->esc = xreallocarray(s->esc, s->nesc + 1,
			    sizeof(char *));
			s->esc[s->nesc++] = xstrdup(r->escape[i]);
		}
}

/*
 * For each suspect shown: gather its evidence (own frames, related frames,
 * op, source body), match the rules, and keep source and escape lines.
 */
void
report_analyse(struct report *r, const struct rules *rules)
{
	struct source_tree *tree = NULL;
	struct source_func body;
	struct rules_input in;
	struct strmap *own, *rel;
	char **fv, **rv, why[128];
	size_t i, nshow;

	nshow = r->top == 0 || r->top > r->n ? r->n : r->top;
	if (r->source_root != NULL)
		tree = source_tree_new(r->source_root);
	for (i = 0; i < nshow; i++) {
		struct suspect *s = &r->s[i];

		own = strmap_new();
		rel = strmap_new();
		frames_below(s->stack, strlen(s->stack), s->site_func, own, 1);
		related_frames(r, s, rel);
		memset(&in, 0, sizeof(in));
		memset(&body, 0, sizeof(body));
		in.site_func = *s->site_func != '\0' ? s->site_func : NULL;
		in.op = s->op;
		in.entry = s->entry;
		in.frames = (const char *const *)(fv = set_strings(own,
		    &in.nframes));
		in.related = (const char *const *)(rv = set_strings(rel,
		    &in.nrelated));
		if (tree != NULL && s->site_file != NULL && s->site_line > 0 &&
		    (s->src_path = source_tree_find(tree, s->site_file)) !=
		    NULL) {
			if (source_load(s->src_path, s->site_line, &body, why,
			    sizeof(why)) == -1)
				s->src_note = xstrdup(why);
			s->src = body.excerpt;
			s->nsrc = body.nexcerpt;
			s->src_first = body.excerpt_first;
			body.excerpt = NULL;
			body.nexcerpt = 0;
			in.source = (const char *const *)body.code;
			in.source_lineno = body.code_lineno;
			in.nsource = body.ncode;
		}
		s->nmatch = rules_match(rules, &in, s->match, REPORT_MAXMATCH);
		find_escape(r, s);
		source_func_free(&body);
		free(fv);
		free(rv);
		strmap_free(own);
		strmap_free(rel);
	}
	source_tree_free(tree);
}

int
report_has_leak(const struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->s[i].verdict, "leak") == 0)
			return 1;
	return 0;
}
