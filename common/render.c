/*
 * The report's three renderings: text (fits 100 columns, Unicode
 * sparklines), Markdown, and one self-contained HTML page (inline CSS and
 * SVG, no script, no network).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "rules.h"
#include "tsv.h"
#include "xmalloc.h"

#define WIDTH		100	/* text columns */
#define SPARK_MAX	48	/* sparkline cells */
#define SVG_W		160
#define SVG_H		32

/*
 * v in human units: bytes as B, KiB, MiB, GiB, TiB with one decimal
 * (binary prefixes), anything else as a plain number with k/M/G.
 */
size_t
report_human(char *b, size_t size, double v, const char *unit)
{
	static const char *const bin[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const char *const dec[] = { "", "k", "M", "G", "T" };
	int bytes = unit != NULL && strcmp(unit, "bytes") == 0, i = 0;
	double a = fabs(v), base = bytes ? 1024 : 1000;
	int n;

	if (isnan(v))
		return (size_t)snprintf(b, size, "-");
	while (a >= base && i < 4) {
		a /= base;
		i++;
	}
	if (i == 0)
		n = snprintf(b, size, "%s%.0f%s%s", v < 0 ? "-" : "", a,
		    bytes ? " " : "", bytes ? "B" : "");
	else
		n = snprintf(b, size, "%s%.1f %s", v < 0 ? "-" : "", a,
		    bytes ? bin[i] : dec[i]);
	return n < 0 ? 0 : (size_t)n;
}

/*
 * A sparkline of n values in at most SPARK_MAX cells of ▁..█ (3 bytes
 * each), scaled from the smallest to the largest value; longer series are
 * averaged into buckets.  Returns the length written.
 */
size_t
report_sparkline(char *b, size_t size, const double *v, size_t n)
{
	static const char *const bar[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588"
	};
	double cell[SPARK_MAX], lo = INFINITY, hi = -INFINITY;
	size_t m = n < SPARK_MAX ? n : SPARK_MAX, i, j, a, z, len = 0;
	int k;

	if (size > 0)
		b[0] = '\0';
	for (i = 0; i < m; i++) {
		a = i * n / m;
		z = (i + 1) * n / m;
		cell[i] = 0;
		for (j = a; j < z; j++)
			cell[i] += v[j];
		cell[i] /= (double)(z - a);
		if (cell[i] < lo)
			lo = cell[i];
		if (cell[i] > hi)
			hi = cell[i];
	}
	for (i = 0; i < m && len + 4 <= size; i++) {
		k = hi > lo ? (int)floor((cell[i] - lo) / (hi - lo) * 7 + 0.5) :
		    (hi > 0 ? 7 : 0);
		if (k < 0 || k > 7 || isnan(cell[i]))
			k = 0;
		memcpy(b + len, bar[k], 3);
		len += 3;
		b[len] = '\0';
	}
	return len;
}

static const char *
unit_of(const struct suspect *s)
{
	return *s->unit != '\0' ? s->unit : "bytes";
}

static void
fmt_time(char *b, size_t size, int64_t ns)
{
	time_t t;
	struct tm tm;

	if (ns == INT64_MIN) {
		snprintf(b, size, "?");
		return;
	}
	t = (time_t)(ns / 1000000000);
	gmtime_r(&t, &tm);
	strftime(b, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
fmt_span(char *b, size_t size, double sec)
{
	if (sec < 120)
		snprintf(b, size, "%.0f s", sec);
	else if (sec < 7200)
		snprintf(b, size, "%.1f min", sec / 60);
	else if (sec < 172800)
		snprintf(b, size, "%.1f h", sec / 3600);
	else
		snprintf(b, size, "%.1f days", sec / 86400);
}

static double
rate_of(const struct suspect *s)
{
	return !isnan(s->theil_sen) ? s->theil_sen : s->slope;
}

/* "+1.2 MiB/h, +28.8 MiB/day" from a per-second slope. */
static void
fmt_rate(char *b, size_t size, const struct suspect *s)
{
	char h[32], d[32];
	double r = rate_of(s);

	if (isnan(r)) {
		snprintf(b, size, "-");
		return;
	}
	report_human(h, sizeof(h), r * 3600, unit_of(s));
	report_human(d, sizeof(d), r * 86400, unit_of(s));
	snprintf(b, size, "%s%s/h, %s%s/day", r >= 0 ? "+" : "", h,
	    r >= 0 ? "+" : "", d);
}

static void
fmt_share(char *b, size_t size, double share)
{
	if (isnan(share))
		snprintf(b, size, "-");
	else
		snprintf(b, size, "%.1f%%", share <= 1 ? share * 100 : share);
}

static void
fmt_num(char *b, size_t size, double v)
{
	if (isnan(v))
		snprintf(b, size, "-");
	else
		tsv_format_double(b, size, v);
}

static size_t
nshown(const struct report *r)
{
	return r->top == 0 || r->top > r->n ? r->n : r->top;
}

/* How many suspects have the verdict v. */
static size_t
nverdict(const struct report *r, const char *v)
{
	size_t i, k = 0;

	for (i = 0; i < r->n; i++)
		k += strcmp(r->s[i].verdict, v) == 0;
	return k;
}

static size_t
nleaks(const struct report *r)
{
	return nverdict(r, "leak");
}

/* ---- facts: the labelled lines every format shows ------------------ */

/* One labelled line of the summary or of a suspect. */
struct fact {
	const char	*label;		/* "" continues the previous fact */
	char		 text[512];
	const char	*code;		/* shown as code after text, or NULL */
	char		 tail[64];	/* plain text after the code */
	const double	*spark;		/* sparkline after it, or NULL */
	size_t		 nspark;
	int		 note;		/* prose to wrap, in small print */
};

#define MAX_FACTS	64

static struct fact *
fact_add(struct fact *f, size_t *n, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static struct fact *
fact_add(struct fact *f, size_t *n, const char *label, const char *fmt, ...)
{
	struct fact *x;
	va_list ap;

	if (*n >= MAX_FACTS)
		x = &f[MAX_FACTS - 1];
	else
		x = &f[(*n)++];
	memset(x, 0, sizeof(*x));
	x->label = label;
	va_start(ap, fmt);
	vsnprintf(x->text, sizeof(x->text), fmt, ap);
	va_end(ap);
	return x;
}

static const char *const ms_label[3] = {
	"Alloc (live)", "TotalAlloc", "Sys (OS)"
};

/* The archive summary: span, GC, total, drift alarms, MemStats. */
static size_t
summary_facts(const struct report *r, struct fact *f)
{
	char a[64], b[64];
	size_t n = 0, i, na = 0;
	struct fact *x;

	fmt_time(a, sizeof(a), r->t0);
	fmt_time(b, sizeof(b), r->t1);
	x = fact_add(f, &n, "Archive", "%zu snapshots, %s .. %s UTC",
	    r->nsnap, a, b);
	if (r->t0 != INT64_MIN && r->t1 != INT64_MIN) {
		fmt_span(a, sizeof(a), (double)(r->t1 - r->t0) / 1e9);
		snprintf(x->text + strlen(x->text), sizeof(x->text) -
		    strlen(x->text), " (%s)", a);
	}
	if (r->restarts >= 0 || r->repeats >= 0) {
		x = fact_add(f, &n, "GC", "process restarts: %ld, snapshots "
		    "repeating the previous GC cycle: %ld",
		    r->restarts < 0 ? 0 : r->restarts,
		    r->repeats < 0 ? 0 : r->repeats);
		if (r->gc_first != NULL)
			snprintf(x->text + strlen(x->text), sizeof(x->text) -
			    strlen(x->text), ", cycles %s .. %s", r->gc_first,
			    r->gc_last);
	}
	if (r->ntotal > 0) {
		report_human(a, sizeof(a), r->total[0], "bytes");
		report_human(b, sizeof(b), r->total[r->ntotal - 1], "bytes");
		x = fact_add(f, &n, "Total", "%s -> %s", a, b);
		x->spark = r->total;
		x->nspark = r->ntotal;
	}
	if (r->ndrift > 0) {
		for (i = 0; i < r->ndrift; i++)
			na += r->drift[i].alarm;
		fact_add(f, &n, "Drift", "%zu alarm%s in %zu snapshots", na,
		    na == 1 ? "" : "s", r->ndrift);
		for (i = 0; i < r->ndrift; i++) {
			if (!r->drift[i].alarm)
				continue;
			fmt_time(a, sizeof(a), r->drift[i].time);
			report_human(b, sizeof(b), r->drift[i].value, "bytes");
			x = fact_add(f, &n, "", "alarm at %s, total %s, ", a,
			    b);
			x->code = r->drift[i].snapshot;
		}
	}
	if (r->have_memstats) {
		for (i = 0; i < 3; i++) {
			report_human(a, sizeof(a), r->ms_first[i], "bytes");
			report_human(b, sizeof(b), r->ms_last[i], "bytes");
			fact_add(f, &n, i == 0 ? "MemStats" : "",
			    "%-12s %s -> %s", ms_label[i], a, b);
		}
		x = fact_add(f, &n, "", "TotalAlloc counts every byte ever "
		    "allocated and only grows: its growth alone is not a "
		    "leak. Alloc is the live heap.");
		x->note = 1;
	}
	return n;
}

/* The numbers of one suspect: site, growth, share, window, group, op. */
static size_t
suspect_facts(const struct suspect *s, struct fact *f, char *loc,
    size_t locsize)
{
	char a[64], b[64], c[96];
	size_t n = 0;
	struct fact *x;

	if (s->site_file != NULL) {
		snprintf(loc, locsize, "%s:%d", s->site_file, s->site_line);
		x = fact_add(f, &n, "Site", "%s", "");
		x->code = loc;
	}
	report_human(a, sizeof(a), s->first, unit_of(s));
	report_human(b, sizeof(b), s->last, unit_of(s));
	fmt_rate(c, sizeof(c), s);
	x = fact_add(f, &n, "Growth", "%s -> %s, %s", a, b, c);
	if (!isnan(s->growth)) {
		report_human(a, sizeof(a), s->growth, unit_of(s));
		snprintf(x->text, sizeof(x->text), "%s%s (%s -> ",
		    s->growth >= 0 ? "+" : "", a,
		    (report_human(b, sizeof(b), s->first, unit_of(s)), b));
		report_human(b, sizeof(b), s->last, unit_of(s));
		snprintf(x->text + strlen(x->text), sizeof(x->text) -
		    strlen(x->text), "%s), %s", b, c);
	}
	fmt_share(a, sizeof(a), s->share);
	x = fact_add(f, &n, "Share", "%s of the %s total", a,
	    *s->value != '\0' ? s->value : "heap");
	if (!isnan(s->age)) {
		fmt_span(b, sizeof(b), s->age);
		snprintf(x->text + strlen(x->text), sizeof(x->text) -
		    strlen(x->text), ", in-use age %s", b);
	}
	fmt_time(a, sizeof(a), s->t_first);
	fmt_time(b, sizeof(b), s->t_last);
	x = fact_add(f, &n, "Window", "%.0f snapshots",
	    isnan(s->snapshots) ? (double)s->nseries : s->snapshots);
	if (s->t_first != INT64_MIN && s->t_last != INT64_MIN)
		snprintf(x->text + strlen(x->text), sizeof(x->text) -
		    strlen(x->text), ", %s .. %s", a, b +
		    (strncmp(a, b, 11) == 0 ? 11 : 0));
	if (s->nseries > 0) {
		x = fact_add(f, &n, "Series", "%s", "");
		x->spark = s->series;
		x->nspark = s->nseries;
	}
	x = fact_add(f, &n, "Group", "%s", "");
	x->code = *s->group != '\0' ? s->group : "-";
	snprintf(x->tail, sizeof(x->tail), " (%.0f stack%s)",
	    isnan(s->members) ? 1 : s->members, s->members == 1 ? "" : "s");
	if (*s->op != '\0') {
		x = fact_add(f, &n, "Blocked", "%s", "");
		x->code = s->op;
	}
	return n;
}

static void
leak_line(const struct report *r, char *b, size_t size)
{
	size_t ni = nverdict(r, "insufficient");

	/*
	 * Too few snapshots is no all-clear: say so, since the growth the
	 * suspects show is all the evidence there is.
	 */
	if (nleaks(r) == 0 && ni > 0)
		snprintf(b, size, "No leak verdict: %zu of %zu suspect%s had "
		    "too few snapshots to test (insufficient).", ni, r->n,
		    r->n == 1 ? "" : "s");
	else if (nleaks(r) == 0)
		snprintf(b, size, "No leak found: none of the %zu suspect%s "
		    "has the verdict leak.", r->n, r->n == 1 ? "" : "s");
	else
		snprintf(b, size, "%zu leak%s found among %zu suspect%s.",
		    nleaks(r), nleaks(r) == 1 ? "" : "s", r->n,
		    r->n == 1 ? "" : "s");
}

/* The name of the suspect's i-th matching rule, "-" when none. */
static const char *
rule_name(const struct rules *rules, const struct suspect *s, size_t i)
{
	return i < s->nmatch ? rules_info(rules, s->match[i].rule)->name : "-";
}

/* ---- text ---------------------------------------------------------- */

/* Columns of a UTF-8 string: one per code point. */
static size_t
cols(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Write s after indent spaces, cut with "..." to fit WIDTH; tabs -> 4. */
static void
text_line(FILE *fp, size_t indent, const char *s)
{
	size_t room = WIDTH - indent, c = 0, i, k;
	char *t;

	t = xmalloc(strlen(s) * 4 + 1);
	for (i = 0, k = 0; s[i] != '\0'; i++) {
		if (s[i] == '\t')
			do
				t[k++] = ' ';
			while (k % 4 != 0);
		else if ((unsigned char)s[i] >= 0x20 || s[i] < 0)
			t[k++] = s[i];
	}
	t[k] = '\0';
	fprintf(fp, "%*s", (int)indent, "");
	if (cols(t, k) <= room) {
		fprintf(fp, "%s\n", t);
		free(t);
		return;
	}
	for (i = 0; i < k && c < room - 3; i++)
		c += ((unsigned char)t[i] & 0xc0) != 0x80;
	while (i < k && ((unsigned char)t[i] & 0xc0) == 0x80)
		i++;
	fprintf(fp, "%.*s...\n", (int)i, t);
	free(t);
}

/* Prose wrapped at WIDTH, first line after a label, the rest indented. */
static void
text_wrap(FILE *fp, size_t indent, const char *label, const char *s)
{
	size_t col, w, room = WIDTH - indent;
	const char *p = s;

	fprintf(fp, "%*s%s", (int)indent, "", label);
	col = strlen(label);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\n')
			p++;
		for (w = 0; p[w] != '\0' && p[w] != ' ' && p[w] != '\n'; w++)
			;
		if (w == 0)
			break;
		if (col > strlen(label) && col + 1 + cols(p, w) > room) {
			fprintf(fp, "\n%*s", (int)(indent + strlen(label)),
			    "");
			col = strlen(label);
		} else if (col > strlen(label)) {
			fputc(' ', fp);
			col++;
		}
		fprintf(fp, "%.*s", (int)w, p);
		col += cols(p, w);
		p += w;
	}
	fputc('\n', fp);
}

/* Facts as "label     text  sparkline" lines after indent. */
static void
text_facts(FILE *fp, size_t indent, const struct fact *f, size_t n)
{
	char line[1024], sp[SPARK_MAX * 3 + 1], lab[16];
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; f[i].label[k] != '\0' && k < 9; k++)
			lab[k] = (char)(f[i].label[k] >= 'A' &&
			    f[i].label[k] <= 'Z' ? f[i].label[k] - 'A' + 'a' :
			    f[i].label[k]);
		lab[k] = '\0';
		if (f[i].note) {
			text_wrap(fp, indent + 10, "", f[i].text);
			continue;
		}
		sp[0] = '\0';
		if (f[i].spark != NULL)
			report_sparkline(sp, sizeof(sp), f[i].spark,
			    f[i].nspark);
		snprintf(line, sizeof(line), "%-9s %s%s%s%s%s", lab,
		    f[i].text, f[i].code != NULL ? f[i].code : "", f[i].tail,
		    *sp != '\0' && *f[i].text != '\0' ? "  " : "", sp);
		text_line(fp, indent, line);
	}
}

static void
text_summary(const struct report *r, FILE *fp)
{
	struct fact f[MAX_FACTS];
	char line[256];
	size_t i;

	fprintf(fp, "%s\n", r->title);
	for (i = 0; i < cols(r->title, strlen(r->title)); i++)
		fputc('=', fp);
	fputc('\n', fp);
	text_facts(fp, 0, f, summary_facts(r, f));
	fputc('\n', fp);
	leak_line(r, line, sizeof(line));
	text_line(fp, 0, line);
}

/* Walk a ';'-joined stack leaf first, calling fn per frame. */
static size_t
stack_frames(const char *stack, const char **f, size_t *len, size_t max)
{
	const char *end = stack + strlen(stack), *p = end;
	size_t n = 0;

	while (n < max && p > stack) {
		const char *q = p;

		while (q > stack && q[-1] != ';')
			q--;
		f[n] = q;
		len[n++] = (size_t)(p - q);
		p = q > stack ? q - 1 : stack;
	}
	return n;
}

#define MAX_FRAMES	1024

static void
text_suspect(const struct report *r, const struct rules *rules,
    const struct suspect *s, FILE *fp)
{
	struct fact facts[MAX_FACTS];
	char a[64], line[1024], loc[512];
	const char *f[MAX_FRAMES];
	size_t len[MAX_FRAMES], n, i;

	(void)r;
	fmt_num(a, sizeof(a), s->score);
	snprintf(line, sizeof(line), "#%ld  %s  score %s  %s", s->rank,
	    *s->verdict != '\0' ? s->verdict : "?", a,
	    *s->site_func != '\0' ? s->site_func : "(no site)");
	text_line(fp, 0, line);
	text_facts(fp, 4, facts, suspect_facts(s, facts, loc, sizeof(loc)));
	if (s->nmatch == 0)
		text_line(fp, 4, "pattern   none of the rules matched");
	for (i = 0; i < s->nmatch && i < 1; i++) {
		const struct rules_match *m = &s->match[i];
		const struct rules_info *ri = rules_info(rules, m->rule);

		snprintf(line, sizeof(line), "pattern   %s: %s",
		    ri->name, ri->title);
		text_line(fp, 4, line);
		if (m->line > 0)
			snprintf(line, sizeof(line), "evidence  %s %d: %s",
			    m->what, m->line, m->evidence);
		else
			snprintf(line, sizeof(line), "evidence  %s: %s",
			    m->what, m->evidence);
		text_line(fp, 4, line);
		text_wrap(fp, 4, "why       ", ri->explanation);
		text_wrap(fp, 4, "fix       ", ri->fix);
	}
	if (s->nmatch > 1) {
		snprintf(line, sizeof(line), "also      ");
		for (i = 1; i < s->nmatch; i++)
			snprintf(line + strlen(line), sizeof(line) -
			    strlen(line), "%s%s", i > 1 ? ", " : "",
			    rule_name(rules, s, i));
		text_line(fp, 4, line);
	}
	if (s->src_path != NULL) {
		snprintf(line, sizeof(line), "source    %s%s%s%s", s->src_path,
		    s->src_note != NULL ? " (not shown: " : "",
		    s->src_note != NULL ? s->src_note : "",
		    s->src_note != NULL ? ")" : "");
		text_line(fp, 4, line);
		for (i = 0; i < s->nsrc; i++) {
			int no = s->src_first + (int)i;

			snprintf(line, sizeof(line), "%c %5d  %s",
			    no == s->site_line ? '>' : ' ', no, s->src[i]);
			text_line(fp, 8, line);
		}
	}
	for (i = 0; i < s->nesc; i++) {
		snprintf(line, sizeof(line), "%s%s", i == 0 ? "escape    " :
		    "          ", s->esc[i]);
		text_line(fp, 4, line);
	}
	n = stack_frames(s->stack, f, len, MAX_FRAMES);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s%.*s", i == 0 ?
		    "stack     " : "          ", (int)len[i], f[i]);
		text_line(fp, 4, line);
	}
	fputc('\n', fp);
}

static void
write_text(const struct report *r, const struct rules *rules, FILE *fp)
{
	size_t i;

	text_summary(r, fp);
	fputc('\n', fp);
	for (i = 0; i < nshown(r); i++)
		text_suspect(r, rules, &r->s[i], fp);
	if (nshown(r) < r->n)
		fprintf(fp, "(%zu more suspects not shown; see --top)\n",
		    r->n - nshown(r));
}

/* ---- Markdown ------------------------------------------------------ */

/* Text inside a Markdown table cell or paragraph: escape what is markup. */
static void
md_escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<|#", *s) != NULL)
			fputc('\\', fp);
		if (*s == '\n' || *s == '\t')
			fputc(' ', fp);
		else
			fputc(*s, fp);
	}
}

/* A code span that a backtick inside cannot close early. */
static void
md_code(FILE *fp, const char *s)
{
	if (strchr(s, '`') != NULL)
		fprintf(fp, "`` %s ``", s);
	else
		fprintf(fp, "`%s`", s);
}

/* Facts as a bullet list; unlabelled ones nest under the one before. */
static void
md_facts(FILE *fp, const struct fact *f, size_t n)
{
	char sp[SPARK_MAX * 3 + 1];
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].note) {
			fprintf(fp, "\n> ");
			md_escape(fp, f[i].text);
			fprintf(fp, "\n");
			continue;
		}
		if (*f[i].label != '\0')
			fprintf(fp, "- **%s:** ", f[i].label);
		else
			fprintf(fp, "  - ");
		md_escape(fp, f[i].text);
		if (f[i].code != NULL)
			md_code(fp, f[i].code);
		md_escape(fp, f[i].tail);
		if (f[i].spark != NULL) {
			report_sparkline(sp, sizeof(sp), f[i].spark,
			    f[i].nspark);
			fprintf(fp, "%s%s", *f[i].text != '\0' ? " " : "", sp);
		}
		fprintf(fp, "\n");
	}
}

static void
md_summary(const struct report *r, FILE *fp)
{
	struct fact f[MAX_FACTS];
	char line[256];

	fprintf(fp, "# ");
	md_escape(fp, r->title);
	fprintf(fp, "\n\n");
	md_facts(fp, f, summary_facts(r, f));
	leak_line(r, line, sizeof(line));
	fprintf(fp, "\n**");
	md_escape(fp, line);
	fprintf(fp, "**\n\n");
}

static void
md_suspect(const struct rules *rules, const struct suspect *s, FILE *fp)
{
	struct fact facts[MAX_FACTS];
	char a[64], loc[512];
	const char *f[MAX_FRAMES];
	size_t len[MAX_FRAMES], n, i;

	fprintf(fp, "## #%ld ", s->rank);
	md_escape(fp, *s->site_func != '\0' ? s->site_func : "(no site)");
	fprintf(fp, "\n\n");
	fmt_num(a, sizeof(a), s->score);
	fprintf(fp, "- **Verdict:** ");
	md_escape(fp, *s->verdict != '\0' ? s->verdict : "?");
	fprintf(fp, " (score %s)\n", a);
	md_facts(fp, facts, suspect_facts(s, facts, loc, sizeof(loc)));
	if (s->nmatch == 0)
		fprintf(fp, "- **Pattern:** none of the rules matched\n");
	else {
		const struct rules_match *m = &s->match[0];
		const struct rules_info *ri = rules_info(rules, m->rule);

		fprintf(fp, "- **Pattern:** %s — ", ri->name);
		md_escape(fp, ri->title);
		fprintf(fp, "\n  - *Evidence:* %s", m->what);
		if (m->line > 0)
			fprintf(fp, " %d", m->line);
		fprintf(fp, ": ");
		md_code(fp, m->evidence);
		fprintf(fp, "\n  - *Why:* ");
		md_escape(fp, ri->explanation);
		fprintf(fp, "\n  - *Fix:* ");
		md_escape(fp, ri->fix);
		fprintf(fp, "\n");
		for (i = 1; i < s->nmatch; i++)
			fprintf(fp, "%s%s", i == 1 ? "  - *Also matches:* " :
			    ", ", rule_name(rules, s, i));
		if (s->nmatch > 1)
			fprintf(fp, "\n");
	}
	if (s->src_path != NULL) {
		fprintf(fp, "\nSource ");
		md_code(fp, s->src_path);
	}
	if (s->src_path != NULL && s->src_note != NULL)
		fprintf(fp, " (not shown: %s)\n", s->src_note);
	else if (s->src_path != NULL) {
		fprintf(fp, ":\n\n```go\n");
		for (i = 0; i < s->nsrc; i++) {
			int no = s->src_first + (int)i;

			fprintf(fp, "%c %5d  %s\n", no == s->site_line ? '>' :
			    ' ', no, s->src[i]);
		}
		fprintf(fp, "```\n");
	}
	if (s->nesc > 0) {
		fprintf(fp, "\nEscape analysis:\n\n```\n");
		for (i = 0; i < s->nesc; i++)
			fprintf(fp, "%s\n", s->esc[i]);
		fprintf(fp, "```\n");
	}
	n = stack_frames(s->stack, f, len, MAX_FRAMES);
	if (n > 0) {
		fprintf(fp, "\nStack (leaf first):\n\n```\n");
		for (i = 0; i < n; i++)
			fprintf(fp, "%.*s\n", (int)len[i], f[i]);
		fprintf(fp, "```\n");
	}
	fprintf(fp, "\n");
}

static void
write_markdown(const struct report *r, const struct rules *rules, FILE *fp)
{
	char a[64], sp[SPARK_MAX * 3 + 1];
	size_t i;

	md_summary(r, fp);
	if (r->n > 0) {
		fprintf(fp, "| # | verdict | score | site | growth | series | "
		    "pattern |\n|---|---|---|---|---|---|---|\n");
		for (i = 0; i < nshown(r); i++) {
			const struct suspect *s = &r->s[i];

			fmt_num(a, sizeof(a), s->score);
			fprintf(fp, "| %ld | ", s->rank);
			md_escape(fp, s->verdict);
			fprintf(fp, " | %s | ", a);
			md_escape(fp, s->site_func);
			report_human(a, sizeof(a), s->growth, unit_of(s));
			report_sparkline(sp, sizeof(sp), s->series,
			    s->nseries);
			fprintf(fp, " | %s | %s | %s |\n", a, sp,
			    rule_name(rules, s, 0));
		}
		fprintf(fp, "\n");
	}
	for (i = 0; i < nshown(r); i++)
		md_suspect(rules, &r->s[i], fp);
	if (nshown(r) < r->n)
		fprintf(fp, "(%zu more suspects not shown; see --top)\n",
		    r->n - nshown(r));
}

/* ---- HTML ---------------------------------------------------------- */

void
report_html_escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' &&
			    *s != '\t')
				fputc(' ', fp);
			else
				fputc(*s, fp);
		}
}

static void
html_escape_n(FILE *fp, const char *s, size_t n)
{
	char *t = xstrndup(s, n);

	report_html_escape(fp, t);
	free(t);
}

/* An inline SVG polyline of the series, scaled to its range. */
void
report_svg(FILE *fp, const double *v, size_t n, const char *label)
{
	double lo = INFINITY, hi = -INFINITY, x, y;
	size_t i;

	fprintf(fp, "<svg class=\"spark\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", SVG_W, SVG_H,
	    SVG_W, SVG_H);
	report_html_escape(fp, label);
	fprintf(fp, "\">");
	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	if (n >= 1 && lo <= hi) {
		fprintf(fp, "<polyline points=\"");
		for (i = 0; i < n; i++) {
			if (isnan(v[i]))
				continue;
			x = n > 1 ? 2 + (double)i * (SVG_W - 4) /
			    (double)(n - 1) : SVG_W / 2.0;
			y = hi > lo ? SVG_H - 3 - (v[i] - lo) / (hi - lo) *
			    (SVG_H - 6) : SVG_H / 2.0;
			fprintf(fp, "%s%.1f,%.1f", i > 0 ? " " : "", x, y);
		}
		fprintf(fp, "\" fill=\"none\" stroke=\"#c0392b\" "
		    "stroke-width=\"2\"/>");
	}
	fprintf(fp, "</svg>");
}

static const char css[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;"
    "max-width:70em;padding:0 1em;color:#1d2329;background:#fbfbf8}\n"
    "h1{font-size:1.6em;border-bottom:3px solid #c0392b}\n"
    "h2{font-size:1.2em;margin-top:2em;background:#eef1f4;"
    "padding:.3em .5em;border-left:6px solid #7f8c8d}\n"
    "h2.leak{border-left-color:#c0392b}\n"
    "table{border-collapse:collapse;margin:1em 0}\n"
    "td,th{border:1px solid #ccd;padding:.25em .6em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eef1f4}\n"
    "code,pre{font-family:ui-monospace,monospace;font-size:.92em}\n"
    "pre{background:#f3f3ee;border:1px solid #ddd;padding:.6em;"
    "overflow-x:auto}\n"
    ".verdict{font-weight:bold;padding:0 .4em;border-radius:3px;"
    "background:#ddd}\n"
    ".v-leak{background:#c0392b;color:#fff}\n"
    ".ok{background:#e3f4e1;border:1px solid #5a9e4f;padding:.6em}\n"
    ".alarm{background:#fdecea;border:1px solid #c0392b;padding:.6em}\n"
    ".unsure{background:#fdf6e3;border:1px solid #b58900;padding:.6em}\n"
    ".pattern{background:#fff8e1;border:1px solid #e0b84c;padding:.6em;"
    "margin:.6em 0}\n"
    ".site{background:#ffe3df}\n"
    ".spark{vertical-align:middle}\n"
    "dt{font-weight:bold;float:left;clear:left;width:8em}\n"
    "dd{margin-left:8.5em}\n";

/* Facts as a definition list; unlabelled ones add a <dd>. */
static void
html_facts(FILE *fp, const struct fact *f, size_t n)
{
	size_t i;

	fprintf(fp, "<dl>\n");
	for (i = 0; i < n; i++) {
		if (*f[i].label != '\0')
			fprintf(fp, "<dt>%s</dt>", f[i].label);
		fprintf(fp, "<dd>%s", f[i].note ? "<small>" : "");
		report_html_escape(fp, f[i].text);
		if (f[i].code != NULL) {
			fprintf(fp, "<code>");
			report_html_escape(fp, f[i].code);
			fprintf(fp, "</code>");
		}
		report_html_escape(fp, f[i].tail);
		if (f[i].spark != NULL) {
			fprintf(fp, " ");
			report_svg(fp, f[i].spark, f[i].nspark, f[i].label);
		}
		fprintf(fp, "%s</dd>\n", f[i].note ? "</small>" : "");
	}
	fprintf(fp, "</dl>\n");
}

static void
html_summary(const struct report *r, FILE *fp)
{
	struct fact f[MAX_FACTS];
	char line[256];

	fprintf(fp, "<h1>");
	report_html_escape(fp, r->title);
	fprintf(fp, "</h1>\n");
	html_facts(fp, f, summary_facts(r, f));
	leak_line(r, line, sizeof(line));
	fprintf(fp, "<p class=\"%s\"><strong>", nleaks(r) > 0 ? "alarm" :
	    nverdict(r, "insufficient") > 0 ? "unsure" : "ok");
	report_html_escape(fp, line);
	fprintf(fp, "</strong></p>\n");
}

static void
html_suspect(const struct rules *rules, const struct suspect *s, FILE *fp)
{
	struct fact facts[MAX_FACTS];
	char a[64], loc[512];
	const char *f[MAX_FRAMES];
	size_t len[MAX_FRAMES], n, i;
	int leak = strcmp(s->verdict, "leak") == 0;

	fprintf(fp, "<section id=\"s%ld\">\n<h2%s>#%ld <code>", s->rank,
	    leak ? " class=\"leak\"" : "", s->rank);
	report_html_escape(fp, *s->site_func != '\0' ? s->site_func :
	    "(no site)");
	fmt_num(a, sizeof(a), s->score);
	fprintf(fp, "</code> <span class=\"verdict%s\">", leak ?
	    " v-leak" : "");
	report_html_escape(fp, *s->verdict != '\0' ? s->verdict : "?");
	fprintf(fp, "</span> <small>score %s</small></h2>\n", a);
	html_facts(fp, facts, suspect_facts(s, facts, loc, sizeof(loc)));
	if (s->nmatch == 0)
		fprintf(fp, "<p>Pattern: none of the rules matched.</p>\n");
	else {
		const struct rules_match *m = &s->match[0];
		const struct rules_info *ri = rules_info(rules, m->rule);

		fprintf(fp, "<div class=\"pattern\"><strong>Pattern: ");
		report_html_escape(fp, ri->name);
		fprintf(fp, "</strong> &mdash; ");
		report_html_escape(fp, ri->title);
		fprintf(fp, "<br>Evidence: %s", m->what);
		if (m->line > 0)
			fprintf(fp, " %d", m->line);
		fprintf(fp, ": <code>");
		report_html_escape(fp, m->evidence);
		fprintf(fp, "</code>\n<p><strong>Why.</strong> ");
		report_html_escape(fp, ri->explanation);
		fprintf(fp, "</p>\n<p><strong>Fix.</strong> ");
		report_html_escape(fp, ri->fix);
		fprintf(fp, "</p>");
		for (i = 1; i < s->nmatch; i++) {
			fprintf(fp, "%s", i == 1 ? "<small>Also matches: " :
			    ", ");
			report_html_escape(fp, rule_name(rules, s, i));
		}
		if (s->nmatch > 1)
			fprintf(fp, "</small>");
		fprintf(fp, "</div>\n");
	}
	if (s->src_path != NULL) {
		fprintf(fp, "<p>Source <code>");
		report_html_escape(fp, s->src_path);
		fprintf(fp, "</code>");
	}
	if (s->src_path != NULL && s->src_note != NULL) {
		fprintf(fp, " (not shown: ");
		report_html_escape(fp, s->src_note);
		fprintf(fp, ")</p>\n");
	} else if (s->src_path != NULL) {
		fprintf(fp, "</p>\n<pre>");
		for (i = 0; i < s->nsrc; i++) {
			int no = s->src_first + (int)i;

			if (no == s->site_line)
				fprintf(fp, "<span class=\"site\">");
			fprintf(fp, "%c %5d  ", no == s->site_line ? '>' : ' ',
			    no);
			report_html_escape(fp, s->src[i]);
			fprintf(fp, "%s\n", no == s->site_line ? "</span>" :
			    "");
		}
		fprintf(fp, "</pre>\n");
	}
	if (s->nesc > 0) {
		fprintf(fp, "<p>Escape analysis</p>\n<pre>");
		for (i = 0; i < s->nesc; i++) {
			report_html_escape(fp, s->esc[i]);
			fprintf(fp, "\n");
		}
		fprintf(fp, "</pre>\n");
	}
	n = stack_frames(s->stack, f, len, MAX_FRAMES);
	if (n > 0) {
		fprintf(fp, "<details><summary>Stack, leaf first (%zu "
		    "frame%s)</summary>\n<pre>", n, n == 1 ? "" : "s");
		for (i = 0; i < n; i++) {
			html_escape_n(fp, f[i], len[i]);
			fprintf(fp, "\n");
		}
		fprintf(fp, "</pre></details>\n");
	}
	fprintf(fp, "</section>\n");
}

void
report_html_head(FILE *fp, const char *title)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	report_html_escape(fp, title);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

static void
write_html(const struct report *r, const struct rules *rules, FILE *fp)
{
	char a[64];
	size_t i;

	report_html_head(fp, r->title);
	html_summary(r, fp);
	if (r->n > 0) {
		fprintf(fp, "<table>\n<tr><th>#</th><th>verdict</th>"
		    "<th>score</th><th>site</th><th>growth</th><th>series</th>"
		    "<th>pattern</th></tr>\n");
		for (i = 0; i < nshown(r); i++) {
			const struct suspect *s = &r->s[i];

			fmt_num(a, sizeof(a), s->score);
			fprintf(fp, "<tr><td><a href=\"#s%ld\">%ld</a></td>"
			    "<td>", s->rank, s->rank);
			report_html_escape(fp, s->verdict);
			fprintf(fp, "</td><td>%s</td><td><code>", a);
			report_html_escape(fp, s->site_func);
			report_human(a, sizeof(a), s->growth, unit_of(s));
			fprintf(fp, "</code></td><td>%s</td><td>", a);
			report_svg(fp, s->series, s->nseries, "series");
			fprintf(fp, "</td><td>");
			report_html_escape(fp, rule_name(rules, s, 0));
			fprintf(fp, "</td></tr>\n");
		}
		fprintf(fp, "</table>\n");
	}
	for (i = 0; i < nshown(r); i++)
		html_suspect(rules, &r->s[i], fp);
	if (nshown(r) < r->n)
		fprintf(fp, "<p>%zu more suspects not shown; see "
		    "<code>--top</code>.</p>\n", r->n - nshown(r));
	fprintf(fp, "</body>\n</html>\n");
}

void
report_write(const struct report *r, const struct rules *rules,
    enum report_format fmt, FILE *fp)
{
	switch (fmt) {
	case REPORT_TEXT:
		write_text(r, rules, fp);
		break;
	case REPORT_MARKDOWN:
		write_markdown(r, rules, fp);
		break;
	case REPORT_HTML:
		write_html(r, rules, fp);
		break;
	}
}
