/*
 * Fix verification (report --before/--after).  Each input is recognised by
 * its columns:
 *   sample rows (pprof2tsv ...): per site function, inuse_space at the last
 *     snapshot and alloc_objects per second over the archive;
 *   suspect rows (rank): per site function, `last` of rank's value column,
 *     and rank's verdict (the strongest of the function's groups);
 *   MemStats rows (pprof2tsv --memstats): alloc at the last snapshot.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fixcheck.h"
#include "caps.h"
#include "report.h"
#include "strmap.h"
#include "tsv.h"
#include "xmalloc.h"

#define TOTAL	"(total)"

struct cell {
	double		 v[2];		/* before, after */
	int		 has[2];
};

/* A site function's verdict in the suspect rows before and after. */
struct verd {
	const char	*v[2];		/* interned in names; NULL: not seen */
};

struct fixcheck {
	struct strmap	*cells;		/* "metric\tfunction" -> struct cell */
	struct strmap	*verdicts;	/* function -> struct verd */
	struct strmap	*names;		/* verdict strings */
	int		 inputs[2];
	int		 judged[2];	/* suspect files with a verdict */
	struct caps	 lim;
};

/* Caps on the inputs: l's line length and snapshots. */
struct fixcheck *
fixcheck_new(const struct caps *l)
{
	struct fixcheck *fc = xcalloc(1, sizeof(*fc));

	fc->cells = strmap_new();
	fc->verdicts = strmap_new();
	fc->names = strmap_new();
	fc->lim = *l;
	return fc;
}

void
fixcheck_free(struct fixcheck *fc)
{
	size_t i;

	if (fc == NULL)
		return;
	for (i = 0; i < strmap_count(fc->cells); i++)
		free(strmap_at(fc->cells, i)->value);
	strmap_free(fc->cells);
	for (i = 0; i < strmap_count(fc->verdicts); i++)
		free(strmap_at(fc->verdicts, i)->value);
	strmap_free(fc->verdicts);
	strmap_free(fc->names);
	free(fc);
}

int
fixcheck_has(const struct fixcheck *fc, int after)
{
	return fc->inputs[after != 0];
}

/* Intern the key "a TAB b" in m; return its index. */
static size_t
intern2(struct strmap *m, const char *a, const char *b, int *isnew)
{
	char *key;
	size_t i;

	xasprintf(&key, "%s\t%s", a, b);
	i = strmap_intern(m, key, strlen(key), isnew);
	free(key);
	return i;
}

static void
put(struct fixcheck *fc, int after, const char *metric, const char *func,
    double v)
{
	struct strmap_entry *e;
	struct cell *c;
	int isnew;

	e = strmap_at(fc->cells, intern2(fc->cells, metric, func, &isnew));
	if (isnew)
		e->value = xcalloc(1, sizeof(struct cell));
	c = e->value;
	c->v[after] += v;
	c->has[after] = 1;
}

/* Per (function, snapshot) sums of one value column, by "func\tsnap". */
struct series {
	struct strmap	*keys;		/* "function\tsnapshot" */
	double		*sum;
};

static void
series_add(struct series *s, const char *func, const char *snap, double v)
{
	size_t i;
	int isnew;

	i = intern2(s->keys, func, snap, &isnew);
	if (isnew) {
		s->sum = xreallocarray(s->sum, i + 1, sizeof(double));
		s->sum[i] = 0;
	}
	s->sum[i] += v;
}

static double
series_get(const struct series *s, const char *func, const char *snap)
{
	char *key;
	size_t i;
	int found;

	xasprintf(&key, "%s\t%s", func, snap);
	found = strmap_find(s->keys, key, strlen(key), &i);
	free(key);
	return found ? s->sum[i] : 0;
}

static void
add_samples(struct fixcheck *fc, int after, struct tsv_reader *t)
{
	struct strmap *funcs = strmap_new(), *snaps = strmap_new();
	struct series in = { strmap_new(), NULL }, ao = { strmap_new(), NULL };
	size_t csnap = tsv_need(t, "snapshot"), ctime = tsv_need(t, "time");
	size_t csite = tsv_need(t, "site"), i, fi;
	int cin = tsv_col(t, "inuse_space"), cao = tsv_col(t, "alloc_objects");
	int64_t tm, tfirst = INT64_MAX, tlast = INT64_MIN;
	const char *first = NULL, *last = NULL, *func;
	char *fn, *file;
	int line, isnew;

	if (cin < 0 && cao < 0)
		tsv_die(t, "missing column 'inuse_space' or 'alloc_objects'");
	while (tsv_next(t)) {
		report_split_site(tsv_get(t, csite), &fn, &file, &line);
		fi = strmap_intern(funcs, fn, strlen(fn), NULL);
		free(fn);
		free(file);
		func = strmap_at(funcs, fi)->key;
		i = strmap_intern(snaps, tsv_get(t, csnap), tsv_len(t, csnap),
		    &isnew);
		if (isnew && i >= fc->lim.max_snapshots)
			tsv_die_cap(t, CAPS_OPT_MAX_SNAPSHOTS,
			    fc->lim.max_snapshots, "too many snapshots");
		tm = tsv_get_time(t, ctime);
		if (first == NULL || tsv_snapshot_cmp(tm, strmap_at(snaps,
		    i)->key, tfirst, first) < 0) {
			tfirst = tm;
			first = strmap_at(snaps, i)->key;
		}
		if (last == NULL || tsv_snapshot_cmp(tm, strmap_at(snaps,
		    i)->key, tlast, last) > 0) {
			tlast = tm;
			last = strmap_at(snaps, i)->key;
		}
		if (cin >= 0)
			series_add(&in, func, strmap_at(snaps, i)->key,
			    tsv_get_double(t, (size_t)cin));
		if (cao >= 0)
			series_add(&ao, func, strmap_at(snaps, i)->key,
			    tsv_get_double(t, (size_t)cao));
	}
	for (i = 0; last != NULL && i < strmap_count(funcs); i++) {
		func = strmap_at(funcs, i)->key;
		if (cin >= 0) {
			double v = series_get(&in, func, last);

			put(fc, after, "inuse_space", func, v);
			put(fc, after, "inuse_space", TOTAL, v);
		}
		if (cao >= 0) {
			double v = series_get(&ao, func, last), span;

			span = (double)(tlast - tfirst) / 1e9;
			if (span > 0)
				v = (v - series_get(&ao, func, first)) / span;
			put(fc, after, span > 0 ? "alloc_objects/s" :
			    "alloc_objects", func, v);
			put(fc, after, span > 0 ? "alloc_objects/s" :
			    "alloc_objects", TOTAL, v);
		}
	}
	strmap_free(in.keys);
	strmap_free(ao.keys);
	free(in.sum);
	free(ao.sum);
	strmap_free(funcs);
	strmap_free(snaps);
}

/* How strongly a verdict says leak: a leak, then unsure, then the rest. */
static int
verdict_weight(const char *v)
{
	if (strcmp(v, "leak") == 0)
		return 2;
	return strcmp(v, "insufficient") == 0;
}

/*
 * Keep the strongest verdict of func's groups on one side (ties by name,
 * so the order of the rows does not matter).
 */
static void
put_verdict(struct fixcheck *fc, int after, const char *func,
    const char *verdict, size_t len)
{
	struct strmap_entry *e;
	struct verd *vd;
	const char *v;
	int isnew, w;

	e = strmap_at(fc->verdicts, strmap_intern(fc->verdicts, func,
	    strlen(func), &isnew));
	if (isnew)
		e->value = xcalloc(1, sizeof(struct verd));
	vd = e->value;
	v = strmap_at(fc->names, strmap_intern(fc->names, verdict, len,
	    NULL))->key;
	if (vd->v[after] == NULL ||
	    (w = verdict_weight(v) - verdict_weight(vd->v[after])) > 0 ||
	    (w == 0 && strcmp(v, vd->v[after]) < 0))
		vd->v[after] = v;
}

static void
add_suspects(struct fixcheck *fc, int after, struct tsv_reader *t)
{
	size_t csite = tsv_need(t, "site"), clast = tsv_need(t, "last");
	int cval = tsv_col(t, "value"), cverd = tsv_col(t, "verdict");
	char *fn, *file, *metric;
	int line;
	double v;

	fc->judged[after] += cverd >= 0;
	while (tsv_next(t)) {
		report_split_site(tsv_get(t, csite), &fn, &file, &line);
		metric = xstrdup(cval >= 0 && tsv_len(t, (size_t)cval) > 0 ?
		    tsv_get(t, (size_t)cval) : "value");
		v = tsv_get_double(t, clast);
		put(fc, after, metric, fn, v);
		put(fc, after, metric, TOTAL, v);
		if (cverd >= 0)
			put_verdict(fc, after, fn, tsv_get(t, (size_t)cverd),
			    tsv_len(t, (size_t)cverd));
		free(metric);
		free(fn);
		free(file);
	}
}

static void
add_memstats(struct fixcheck *fc, int after, struct tsv_reader *t)
{
	size_t ct = tsv_need(t, "time"), ca = tsv_need(t, "alloc");
	int64_t tm, tlast = INT64_MIN;
	double v = 0;
	int any = 0;

	while (tsv_next(t)) {
		tm = tsv_get_time(t, ct);
		if (tm >= tlast && tsv_len(t, ca) > 0) {
			tlast = tm;
			v = tsv_get_double(t, ca);
			any = 1;
		}
	}
	if (any)
		put(fc, after, "alloc (MemStats)", TOTAL, v);
}

/* Read one --before (after = 0) or --after (after = 1) file. */
void
fixcheck_add(struct fixcheck *fc, int after, const char *path)
{
	char *argv[1] = { (char *)path };
	struct tsv_reader *t = tsv_open_max(1, argv, fc->lim.max_line);

	after = after != 0;
	if (tsv_col(t, "rank") >= 0)
		add_suspects(fc, after, t);
	else if (tsv_col(t, "total_alloc") >= 0)
		add_memstats(fc, after, t);
	else
		add_samples(fc, after, t);
	tsv_close(t);
	fc->inputs[after]++;
}

struct row {
	const char	*metric;	/* points into the key, NUL-cut copy */
	const char	*func;
	struct cell	*c;
	double		 total_before;
	const char	*status;
	double		 change;	/* percent, NAN when before is 0 */
};

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double mx, my;
	int c;

	if ((c = strcmp(x->metric, y->metric)) != 0)
		return c;
	if ((strcmp(x->func, TOTAL) == 0) != (strcmp(y->func, TOTAL) == 0))
		return strcmp(x->func, TOTAL) == 0 ? -1 : 1;
	mx = fmax(x->c->v[0], x->c->v[1]);
	my = fmax(y->c->v[0], y->c->v[1]);
	if (mx != my)
		return mx > my ? -1 : 1;
	return strcmp(x->func, y->func);
}

/*
 * Decide each row's status.  The total regresses when it grew by more than
 * tol of its before value; a site when it grew by more than tol of its own
 * before value and by more than tol of the before total (so sampling noise
 * on small sites does not count).
 */
static void
judge(struct row *r, double tol)
{
	double b = r->c->v[0], a = r->c->v[1], d = a - b;
	int total = strcmp(r->func, TOTAL) == 0;

	r->change = b != 0 ? d / fabs(b) * 100 : NAN;
	if (!r->c->has[0])
		r->status = "new";
	else if (!r->c->has[1])
		r->status = "gone";
	else
		r->status = "same";
	if (d > tol * fabs(b) && (total || d > tol * fabs(r->total_before)))
		r->status = "regressed";
	else if (-d > tol * fabs(b) && b != 0)
		r->status = "improved";
}

/* What the verdicts before and after say of a site function's leak. */
enum { VS_STILL, VS_NEW, VS_UNSURE, VS_FIXED, VS_NSTATUS };

static const char *const vs_name[VS_NSTATUS] = {
	"still leaking", "new leak", "unsure", "fixed"
};

struct vrow {
	const char	*func;
	const struct verd *vd;
	int		 status;
};

static int
cmp_vrow(const void *a, const void *b)
{
	const struct vrow *x = a, *y = b;

	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	return strcmp(x->func, y->func);
}

/*
 * The site functions that rank called a leak before or after, with what
 * became of them, in status order; their count in *n, per status in cnt.
 * A leak before is fixed when the after archive has another verdict for
 * it or has no row of it, unsure when that verdict is insufficient.
 */
static struct vrow *
judge_verdicts(const struct fixcheck *fc, size_t *n, size_t cnt[])
{
	size_t nf = strmap_count(fc->verdicts), i;
	struct vrow *r = xcalloc(nf + 1, sizeof(*r));
	const struct verd *vd;
	int leak[2], k;

	*n = 0;
	for (i = 0; i < nf; i++) {
		vd = strmap_at(fc->verdicts, i)->value;
		for (k = 0; k < 2; k++)
			leak[k] = vd->v[k] != NULL &&
			    strcmp(vd->v[k], "leak") == 0;
		if (!leak[0] && !leak[1])
			continue;
		r[*n].func = strmap_at(fc->verdicts, i)->key;
		r[*n].vd = vd;
		r[*n].status = leak[1] ? (leak[0] ? VS_STILL : VS_NEW) :
		    vd->v[1] != NULL && strcmp(vd->v[1], "insufficient") ==
		    0 ? VS_UNSURE : VS_FIXED;
		cnt[r[*n].status]++;
		(*n)++;
	}
	qsort(r, *n, sizeof(*r), cmp_vrow);
	return r;
}

/* The verdict lines: a sentence, then a table of the sites it counts. */
static void
write_verdicts(const struct vrow *r, size_t n, const size_t cnt[],
    enum report_format fmt, FILE *fp)
{
	const char *b, *a;
	size_t i;

	if (fmt == REPORT_HTML)
		fprintf(fp, "<p class=\"%s\">", cnt[VS_STILL] + cnt[VS_NEW] >
		    0 ? "alarm" : cnt[VS_UNSURE] > 0 ? "unsure" : "ok");
	fprintf(fp, "%sLeaks (rank's verdicts): %zu still leaking, %zu new, "
	    "%zu fixed, %zu unsure.%s\n", fmt == REPORT_MARKDOWN ? "**" : "",
	    cnt[VS_STILL], cnt[VS_NEW], cnt[VS_FIXED], cnt[VS_UNSURE],
	    fmt == REPORT_MARKDOWN ? "**\n" : fmt == REPORT_HTML ? "</p>" :
	    "\n");
	if (n == 0)
		return;
	if (fmt == REPORT_HTML)
		fprintf(fp, "<table>\n<tr><th>site</th><th>before</th>"
		    "<th>after</th><th>status</th></tr>\n");
	else if (fmt == REPORT_MARKDOWN)
		fprintf(fp, "| site | before | after | status |\n"
		    "|---|---|---|---|\n");
	else
		fprintf(fp, "%-60s %-12s %-12s  %s\n", "site", "before",
		    "after", "status");
	for (i = 0; i < n; i++) {
		b = r[i].vd->v[0] != NULL ? r[i].vd->v[0] : "-";
		a = r[i].vd->v[1] != NULL ? r[i].vd->v[1] : "-";
		if (fmt == REPORT_HTML) {
			fprintf(fp, "<tr><td><code>");
			report_html_escape(fp, r[i].func);
			fprintf(fp, "</code></td><td>%s</td><td>%s</td>"
			    "<td>%s</td></tr>\n", b, a, vs_name[r[i].status]);
		} else if (fmt == REPORT_MARKDOWN)
			fprintf(fp, "| `%s` | %s | %s | %s |\n", r[i].func, b,
			    a, vs_name[r[i].status]);
		else
			fprintf(fp, "%-60.60s %-12.12s %-12.12s  %s\n",
			    r[i].func, b, a, vs_name[r[i].status]);
	}
	if (fmt == REPORT_HTML)
		fprintf(fp, "</table>\n");
	else
		fprintf(fp, "\n");
}

static void
fmt_val(char *buf, size_t size, const char *metric, double v)
{
	if (strncmp(metric, "inuse_space", 11) == 0 ||
	    strncmp(metric, "alloc (", 7) == 0 ||
	    strstr(metric, "space") != NULL)
		report_human(buf, size, v, "bytes");
	else
		report_human(buf, size, v, "count");
}

static void
fmt_change(char *buf, size_t size, double pct)
{
	if (isnan(pct))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%+.1f%%", pct);
}

/*
 * Write the comparison and return how many rows regressed and how many
 * sites rank still or newly calls a leak.  Rows: per metric the total,
 * then the FIXCHECK_TOP sites with the largest value.
 */
size_t
fixcheck_write(struct fixcheck *fc, double tol, enum report_format fmt,
    const char *title, FILE *fp)
{
	size_t n = strmap_count(fc->cells), i, k = 0, nreg = 0, shown = 0;
	struct row *rows = xcalloc(n + 1, sizeof(*rows));
	char **keys = xcalloc(n + 1, sizeof(char *)), *tab;
	char b[32], a[32], ch[32];
	const char *prev = "";
	size_t nv = 0, cnt[VS_NSTATUS] = { 0 };
	struct vrow *vr = NULL;

	for (i = 0; i < n; i++) {
		struct strmap_entry *e = strmap_at(fc->cells, i);

		keys[i] = xstrdup(e->key);
		tab = strchr(keys[i], '\t');
		*tab = '\0';
		rows[i].metric = keys[i];
		rows[i].func = tab + 1;
		rows[i].c = e->value;
	}
	qsort(rows, n, sizeof(*rows), cmp_row);
	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].func, TOTAL) == 0)
			k = i;
		rows[i].total_before = strcmp(rows[k].metric,
		    rows[i].metric) == 0 ? rows[k].c->v[0] : 0;
		judge(&rows[i], tol);
	}
	for (i = 0; i < n; i++)
		nreg += strcmp(rows[i].status, "regressed") == 0;
	if (fc->judged[0] > 0 && fc->judged[1] > 0)
		vr = judge_verdicts(fc, &nv, cnt);
	if (fmt == REPORT_HTML) {
		report_html_head(fp, title);
		fprintf(fp, "<h1>");
		report_html_escape(fp, title);
		fprintf(fp, "</h1>\n");
	} else if (fmt == REPORT_MARKDOWN)
		fprintf(fp, "# %s\n\n", title);
	else
		fprintf(fp, "%s\n", title);
	if (fmt == REPORT_HTML)
		fprintf(fp, "<p class=\"%s\">", nreg > 0 ? "alarm" : "ok");
	fprintf(fp, "%s%zu regression%s beyond the tolerance of %.1f%%.%s\n",
	    fmt == REPORT_MARKDOWN ? "**" : "", nreg, nreg == 1 ? "" : "s",
	    tol * 100, fmt == REPORT_MARKDOWN ? "**\n" :
	    fmt == REPORT_HTML ? "</p>" : vr != NULL ? "" : "\n");
	if (vr != NULL)
		write_verdicts(vr, nv, cnt, fmt, fp);
	if (fmt == REPORT_HTML)
		fprintf(fp, "<table>\n<tr><th>metric</th><th>site</th>"
		    "<th>before</th><th>after</th><th>change</th>"
		    "<th>status</th></tr>\n");
	else if (fmt == REPORT_MARKDOWN)
		fprintf(fp, "| metric | site | before | after | change | "
		    "status |\n|---|---|---:|---:|---:|---|\n");
	else
		fprintf(fp, "%-18s %-42s %10s %10s %9s  %s\n", "metric",
		    "site", "before", "after", "change", "status");
	for (i = 0; i < n; i++) {
		struct row *r = &rows[i];

		if (strcmp(prev, r->metric) != 0)
			shown = 0;
		prev = r->metric;
		if (shown++ > FIXCHECK_TOP &&
		    strcmp(r->status, "regressed") != 0)
			continue;
		fmt_val(b, sizeof(b), r->metric, r->c->v[0]);
		fmt_val(a, sizeof(a), r->metric, r->c->v[1]);
		fmt_change(ch, sizeof(ch), r->change);
		if (fmt == REPORT_HTML) {
			fprintf(fp, "<tr><td>");
			report_html_escape(fp, r->metric);
			fprintf(fp, "</td><td><code>");
			report_html_escape(fp, r->func);
			fprintf(fp, "</code></td><td>%s</td><td>%s</td>"
			    "<td>%s</td><td>%s</td></tr>\n", b, a, ch,
			    r->status);
		} else if (fmt == REPORT_MARKDOWN) {
			fprintf(fp, "| %s | `%s` | %s | %s | %s | %s |\n",
			    r->metric, r->func, b, a, ch, r->status);
		} else {
			fprintf(fp, "%-18.18s %-42.42s %10s %10s %9s  %s\n",
			    r->metric, r->func, b, a, ch, r->status);
		}
	}
	if (fmt == REPORT_HTML)
		fprintf(fp, "</table>\n</body>\n</html>\n");
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(rows);
	free(vr);
	return nreg + cnt[VS_STILL] + cnt[VS_NEW];
}
