/*
 * Unit tests of the report's helpers: human units, sparklines, site
 * splitting, path-suffix matching, escape lines, and rule matching.
 * Expected values are worked out by hand in the comments.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "rules.h"
#include "source.h"
#include "tap.h"

static void
test_human(void)
{
	char b[32];

	report_human(b, sizeof(b), 512, "bytes");
	is_str(b, "512 B", "512 bytes stay bytes");
	/* 1536 / 1024 = 1.5 */
	report_human(b, sizeof(b), 1536, "bytes");
	is_str(b, "1.5 KiB", "1536 bytes are 1.5 KiB");
	/* 18372143 / 1048576 = 17.521... */
	report_human(b, sizeof(b), 18372143, "bytes");
	is_str(b, "17.5 MiB", "18372143 bytes are 17.5 MiB");
	/* 3 * 2^30 */
	report_human(b, sizeof(b), -3221225472.0, "bytes");
	is_str(b, "-3.0 GiB", "negative GiB keep their sign");
	report_human(b, sizeof(b), 449, "count");
	is_str(b, "449", "counts under 1000 are plain");
	/* 12500 / 1000 = 12.5 */
	report_human(b, sizeof(b), 12500, "count");
	is_str(b, "12.5 k", "counts use decimal prefixes");
}

static void
test_sparkline(void)
{
	/* 0..7 map one to one onto the eight blocks. */
	double ramp[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	double flat[3] = { 5, 5, 5 }, zero[2] = { 0, 0 };
	double *many;
	char b[256];
	size_t n, i;

	n = report_sparkline(b, sizeof(b), ramp, 8);
	is_str(b, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588",
	    "a ramp uses every block once");
	is_int((long long)n, 24, "each block is 3 bytes");
	report_sparkline(b, sizeof(b), flat, 3);
	is_str(b, "\u2588\u2588\u2588", "a flat positive series is full");
	report_sparkline(b, sizeof(b), zero, 2);
	is_str(b, "\u2581\u2581", "a zero series is empty");
	/* 96 points averaged in pairs into 48 cells: still a ramp whose
	 * first cell is the lowest and last the highest. */
	many = calloc(96, sizeof(double));
	for (i = 0; i < 96; i++)
		many[i] = (double)i;
	n = report_sparkline(b, sizeof(b), many, 96);
	is_int((long long)n, 48 * 3, "long series are cut to 48 cells");
	ok(memcmp(b, "\u2581", 3) == 0 && memcmp(b + 47 * 3, "\u2588", 3) == 0,
	    "bucketed ramp runs from lowest to highest");
	free(many);
	report_sparkline(b, 7, ramp, 8);
	is_int((long long)strlen(b), 6, "a small buffer holds whole blocks");
}

static void
test_site(void)
{
	char *f, *file;
	int line;

	report_split_site("main.(*sessionStore).open "
	    "leakcorpus/two-leaks/main.go:138", &f, &file, &line);
	is_str(f, "main.(*sessionStore).open", "site function");
	is_str(file, "leakcorpus/two-leaks/main.go", "site file");
	is_int(line, 138, "site line");
	free(f);
	free(file);
	report_split_site("runtime.malg", &f, &file, &line);
	is_str(f, "runtime.malg", "bare function");
	ok(file == NULL && line == 0, "no file, no line");
	free(f);
	report_split_site("main.f a.go:x", &f, &file, &line);
	is_int(line, 0, "a non-numeric line is 0");
	free(f);
	free(file);
}

static void
test_paths(void)
{
	is_int((long long)source_suffix_parts("src/ticker-leak/main.go",
	    "leakcorpus/ticker-leak/main.go"), 2, "two trailing parts agree");
	is_int((long long)source_suffix_parts("src/goroutine-chan/main.go",
	    "leakcorpus/ticker-leak/main.go"), 1, "only the base name");
	is_int((long long)source_suffix_parts("a/xmain.go", "b/main.go"), 0,
	    "a longer base name is not a match");
	ok(source_same_line("./main.go:78:15: moved to heap: frame",
	    "leakcorpus/ticker-leak/main.go", 78), "./ path, same line");
	ok(!source_same_line("./main.go:79:15: moved to heap: frame",
	    "leakcorpus/ticker-leak/main.go", 78), "another line");
	ok(!source_same_line("two-leaks/main.go:78:2: x escapes to heap",
	    "leakcorpus/ticker-leak/main.go", 78), "another folder");
	ok(source_same_line("ticker-leak/main.go:78: x escapes to heap",
	    "leakcorpus/ticker-leak/main.go", 78), "no column");
}

static void
test_rules(void)
{
	char path[] = "/tmp/test_report_rulesXXXXXX";
	const char *frames[] = { "runtime.growslice" };
	const char *related[] = { "time.NewTicker" };
	const char *src[] = { "\tt := time.NewTicker(d)" };
	int lineno[] = { 80 };
	struct rules_match m[4];
	struct rules_input in;
	struct rules *rs;
	FILE *fp;
	size_t n;
	int fd;

	fd = mkstemp(path);
	fp = fdopen(fd, "w");
	fputs("rules:\n"
	    "  - name: ticker\n    frames: ['^time\\.NewTicker$']\n"
	    "    source: 'time\\.NewTicker'\n    fix: stop it\n"
	    "  - name: slice\n    frames: ['^runtime\\.growslice$']\n"
	    "    fix: bound it\n"
	    "  - name: chan\n    op: 'chansend'\n    entry: true\n"
	    "    fix: exit\n", fp);
	fclose(fp);
	rs = rules_new();
	rules_load(rs, path);
	rules_load(rs, path);	/* same names: skipped */
	unlink(path);
	is_int((long long)rules_count(rs), 3, "three rules, duplicates skipped");
	is_str(rules_info(rs, 0)->title, "ticker", "title defaults to the name");

	memset(&in, 0, sizeof(in));
	in.related = related;
	in.nrelated = 1;
	in.source = src;
	in.source_lineno = lineno;
	in.nsource = 1;
	n = rules_match(rs, &in, m, 4);
	is_int((long long)n, 1, "only the ticker rule matches");
	is_int(m[0].strength, RULES_RELATED, "related frame and source tie");
	is_str(m[0].evidence, "time.NewTicker", "the related frame is shown");

	/* Own frame (4) beats related frame and source (3). */
	in.frames = frames;
	in.nframes = 1;
	n = rules_match(rs, &in, m, 4);
	is_int((long long)n, 2, "two rules match");
	is_str(rules_info(rs, m[0].rule)->name, "slice", "own frame wins");
	is_str(rules_info(rs, m[1].rule)->name, "ticker", "then the ticker");

	/* The blocking op (5) beats everything; entry alone is weakest. */
	in.op = "runtime.chansend1";
	n = rules_match(rs, &in, m, 1);
	is_int((long long)n, 1, "max limits the answer");
	is_str(rules_info(rs, m[0].rule)->name, "chan", "op wins");
	memset(&in, 0, sizeof(in));
	in.entry = 1;
	in.site_func = "main.worker";
	n = rules_match(rs, &in, m, 4);
	ok(n == 1 && m[0].strength == RULES_ENTRY, "entry alone matches");
	rules_free(rs);
}

static void
test_read(void)
{
	char path[] = "/tmp/test_report_rowsXXXXXX";
	char *argv[1] = { path };
	struct report *r;
	FILE *fp;

	fp = fdopen(mkstemp(path), "w");
	fputs("rank\tsite\tslope\tseries\tstack\textra\n"
	    "1\tmain.w a/b.go:7\t1.5e3\t1;2, 4\tmain.w;runtime.chansend1\tz\n"
	    "2\tmain.v\t\t\tmain.main;main.v\tz\n", fp);
	fclose(fp);
	r = report_new();
	report_read_suspects(r, 1, argv);
	unlink(path);
	is_int((long long)r->n, 2, "two suspects");
	is_double(r->s[0].slope, 1500, 0, "slope read as a number");
	ok(isnan(r->s[0].share) && isnan(r->s[1].slope),
	    "missing columns and empty fields are NAN");
	is_int((long long)r->s[0].nseries, 3, "series split on , ; and space");
	is_double(r->s[0].series[2], 4, 0, "third series value");
	ok(r->s[0].entry && !r->s[1].entry,
	    "entry: the site function is the root frame");
	is_str(r->s[1].site_func, "main.v", "bare site function");
	report_free(r);
}

int
main(void)
{
	test_read();
	test_human();
	test_sparkline();
	test_site();
	test_paths();
	test_rules();
	return done_testing();
}
