/*
 * Fix verification (report --before/--after).  Each input is recognised by
 * its columns:
 *   sample rows (pprof2tsv ...): per site function, inuse_space at the last
 *     snapshot and alloc_objects per second over the archive;
 *   suspect rows (rank): per site function, `last` of rank's value column;
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

struct fixcheck {
	struct strmap	*cells;		/* "metric\tfunction" -> struct cell */
	int		 inputs[2];
	struct caps	 lim;
};

/* Caps on the inputs: l's line length and snapshots. */
struct fixcheck *
fixcheck_new(const struct caps *l)
{
	struct fixcheck *fc = xcalloc(1, sizeof(*fc));

	fc->cells = strmap_new();
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

static void
add_suspects(struct fixcheck *fc, int after, struct tsv_reader *t)
{
	size_t csite = tsv_need(t, "site"), clast = tsv_need(t, "last");
	int cval = tsv_col(t, "value");
	char *fn, *file, *metric;
	int line;
	double v;

	while (tsv_next(t)) {
		report_split_site(tsv_get(t, csite), &fn, &file, &line);
		metric = xstrdup(cval >= 0 && tsv_len(t, (size_t)cval) > 0 ?
		    tsv_get(t, (size_t)cval) : "value");
		v = tsv_get_double(t, clast);
		put(fc, after, metric, fn, v);
		put(fc, after, metric, TOTAL, v);
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
 * Write the comparison and return how many rows regressed.  Rows: per
 * metric the total, then the FIXCHECK_TOP sites with the largest value.
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
	    fmt == REPORT_HTML ? "</p>" : "\n");
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
	return nreg;
}
