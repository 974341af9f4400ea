/*
 * report: the page a person reads -- rank's suspects with their leak
 * pattern, fix, source and sparkline -- or, with --before/--after, the
 * verification of a fix.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fixcheck.h"
#include "caps.h"
#include "outfile.h"
#include "report.h"
#include "rules.h"
#include "xmalloc.h"

static const char usage_text[] =
"Usage: report [OPTION]... [FILE]...\n"
"Write the forensic report of rank's suspect rows (FILE, or standard\n"
"input): per suspect its verdict, growth, share, sparkline, site, stack,\n"
"and the leak pattern it matches with the fix that pattern needs.\n"
"\n"
"  -f, --format=FMT        text, markdown or html (default: from the -o\n"
"                          name's .html/.md ending, else text)\n"
"  -o, --output=FILE       write to FILE (atomically) instead of stdout\n"
"  -n, --top=N             show the first N suspects (default 10; 0: all)\n"
"  -t, --title=TEXT        the report's title\n"
"      --rules=FILE        add the rules of FILE before the default ones\n"
"      --rules-only=FILE   use only the rules of FILE (repeatable)\n"
"      --source-root=DIR   show the source around each site, found in DIR\n"
"                          by path suffix\n"
"      --escape=FILE       show `go build -gcflags=-m` lines for each site\n"
"      --samples=FILE      sample rows: total heap, restarts, repeated GC\n"
"                          cycles, and related stacks for the patterns\n"
"      --drift=FILE        rank --drift rows: the drift alarms\n"
"      --memstats=FILE     pprof2tsv --memstats rows: Alloc, TotalAlloc, Sys\n"
"      --before=FILE       fix verification: the archive before the fix\n"
"      --after=FILE        fix verification: the archive after the fix\n"
"      --tolerance=PCT     change allowed before a regression (default 5%)\n"
"      --max-line=N        refuse input lines longer than N bytes\n"
"                          (suffix k, M or G; default 256M)\n"
"      --max-snapshots=N   refuse inputs of more than N snapshots\n"
"                          (default 100000)\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"Exit status: 0 done, 1 bad data or I/O error, 2 bad usage, 3 a fix\n"
"verification found a regression beyond the tolerance, or a site that\n"
"rank calls a leak after the fix.\n";

enum {
	OPT_RULES = 256, OPT_RULES_ONLY, OPT_SOURCE_ROOT, OPT_ESCAPE,
	OPT_SAMPLES, OPT_DRIFT, OPT_MEMSTATS, OPT_BEFORE, OPT_AFTER,
	OPT_TOLERANCE
};

static const struct option longopts[] = {
	{ "after",	required_argument, NULL, OPT_AFTER },
	{ "before",	required_argument, NULL, OPT_BEFORE },
	{ "drift",	required_argument, NULL, OPT_DRIFT },
	{ "escape",	required_argument, NULL, OPT_ESCAPE },
	{ "format",	required_argument, NULL, 'f' },
	{ "help",	no_argument,	   NULL, 'h' },
	CAPS_LONGOPT_MAX_LINE,
	CAPS_LONGOPT_MAX_SNAPSHOTS,
	{ "memstats",	required_argument, NULL, OPT_MEMSTATS },
	{ "output",	required_argument, NULL, 'o' },
	{ "rules",	required_argument, NULL, OPT_RULES },
	{ "rules-only",	required_argument, NULL, OPT_RULES_ONLY },
	{ "samples",	required_argument, NULL, OPT_SAMPLES },
	{ "source-root", required_argument, NULL, OPT_SOURCE_ROOT },
	{ "title",	required_argument, NULL, 't' },
	{ "tolerance",	required_argument, NULL, OPT_TOLERANCE },
	{ "top",	required_argument, NULL, 'n' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL,		0,		   NULL, 0 }
};

static int
parse_format(const char *s, enum report_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = REPORT_TEXT;
	else if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		*f = REPORT_MARKDOWN;
	else if (strcmp(s, "html") == 0)
		*f = REPORT_HTML;
	else
		return -1;
	return 0;
}

static enum report_format
format_of_name(const char *path)
{
	const char *dot = path != NULL ? strrchr(path, '.') : NULL;

	if (dot != NULL && (strcmp(dot, ".html") == 0 ||
	    strcmp(dot, ".htm") == 0))
		return REPORT_HTML;
	if (dot != NULL && (strcmp(dot, ".md") == 0 ||
	    strcmp(dot, ".markdown") == 0))
		return REPORT_MARKDOWN;
	return REPORT_TEXT;
}

/* "5%", "5" or "0.5%": a percentage from 0 to 1000. */
static int
parse_percent(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	if (end == s || (*end != '\0' && strcmp(end, "%") != 0) ||
	    !(*v >= 0 && *v <= 1000))
		return -1;
	*v /= 100;
	return 0;
}

struct files {
	char	**v;
	size_t	  n;
};

static void
files_add(struct files *f, char *s)
{
	f->v = xreallocarray(f->v, f->n + 1, sizeof(char *));
	f->v[f->n++] = s;
}

int
main(int argc, char *argv[])
{
	struct files rules_add = { NULL, 0 }, rules_only = { NULL, 0 };
	struct files before = { NULL, 0 }, after = { NULL, 0 };
	const char *output = NULL, *source_root = NULL, *escape = NULL;
	const char *samples = NULL, *drift = NULL, *memstats = NULL;
	const char *title = NULL;
	enum report_format fmt = REPORT_TEXT;
	int have_fmt = 0, ch, status = EXIT_OK;
	double tolerance = 0.05;
	struct outfile *out;
	struct rules *rules;
	struct report *rep;
	struct caps lim;
	char *end;
	long top = 10;
	size_t i;

	err_setprog(argv[0]);
	setlocale(LC_CTYPE, "");
	caps_init(&lim);
	while ((ch = getopt_long(argc, argv, "f:hn:o:t:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (parse_format(optarg, &fmt) == -1)
				err_usage("bad format '%s': expected text, "
				    "markdown or html", optarg);
			have_fmt = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_DATA;
		case 'n':
			top = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || top < 0 ||
			    top > 1000000)
				err_usage("bad --top '%s': expected a number "
				    "from 0 to 1000000", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'V':
			err_version();
			return EXIT_OK;
		case OPT_AFTER:
			files_add(&after, optarg);
			break;
		case OPT_BEFORE:
			files_add(&before, optarg);
			break;
		case OPT_DRIFT:
			drift = optarg;
			break;
		case OPT_ESCAPE:
			escape = optarg;
			break;
		case OPT_MEMSTATS:
			memstats = optarg;
			break;
		case OPT_RULES:
			files_add(&rules_add, optarg);
			break;
		case OPT_RULES_ONLY:
			files_add(&rules_only, optarg);
			break;
		case OPT_SAMPLES:
			samples = optarg;
			break;
		case OPT_SOURCE_ROOT:
			source_root = optarg;
			break;
		case OPT_TOLERANCE:
			if (parse_percent(optarg, &tolerance) == -1)
				err_usage("bad --tolerance '%s': expected a "
				    "percentage such as 5%%", optarg);
			break;
		CAPS_CASES:
			caps_set(&lim, ch, optarg);
			break;
		default:
			err_usage(NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if ((before.n > 0) != (after.n > 0))
		err_usage("--before and --after go together");
	if (before.n > 0 && argc > 0)
		err_usage("--before/--after take no FILE operands");
	if (rules_add.n > 0 && rules_only.n > 0)
		err_usage("--rules and --rules-only exclude each other");
	if (!have_fmt)
		fmt = format_of_name(output);

	out = outfile_open(output);
	if (before.n > 0) {
		struct fixcheck *fc = fixcheck_new(&lim);

		for (i = 0; i < before.n; i++)
			fixcheck_add(fc, 0, before.v[i]);
		for (i = 0; i < after.n; i++)
			fixcheck_add(fc, 1, after.v[i]);
		if (fixcheck_write(fc, tolerance, fmt, title != NULL ? title :
		    "leakatlas fix verification", outfile_fp(out)) > 0)
			status = EXIT_FOUND;
		fixcheck_free(fc);
	} else {
		rules = rules_new();
		for (i = 0; i < rules_only.n; i++)
			rules_load(rules, rules_only.v[i]);
		for (i = 0; i < rules_add.n; i++)
			rules_load(rules, rules_add.v[i]);
		if (rules_only.n == 0)
			rules_load_default(rules);
		rep = report_new();
		rep->top = (size_t)top;
		rep->max_line = lim.max_line;
		rep->max_snapshots = lim.max_snapshots;
		rep->source_root = source_root;
		rep->title = title != NULL ? title : "leakatlas report";
		report_read_suspects(rep, argc, argv);
		if (samples != NULL)
			report_read_samples(rep, samples);
		if (drift != NULL)
			report_read_drift(rep, drift);
		if (memstats != NULL)
			report_read_memstats(rep, memstats);
		if (escape != NULL)
			report_read_escape(rep, escape);
		report_analyse(rep, rules);
		report_write(rep, rules, fmt, outfile_fp(out));
		report_free(rep);
		rules_free(rules);
	}
	if (outfile_commit(out) == -1)
		status = EXIT_DATA;
	free(rules_add.v);
	free(rules_only.v);
	free(before.v);
	free(after.v);
	return status;
}
