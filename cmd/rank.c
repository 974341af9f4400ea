/* rank: name the leaking allocation site from a series of heap snapshots. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gctrace.h"
#include "caps.h"
#include "outfile.h"
#include "rank.h"
#include "tsv.h"

static const char usage_text[] =
"Usage: rank [OPTION]... [FILE]...\n"
"Read leakatlas sample rows (see leakatlas-tsv(5)) and write one suspect\n"
"row per group, best leak suspect first.  With no FILE, or FILE -, read\n"
"standard input.\n"
"\n"
"  -b, --by KEY            group by stack, site, function, cluster or\n"
"                          blocking (default: cluster when that column\n"
"                          exists, else site; blocking for goroutines)\n"
"  -v, --value NAME        rank column NAME (default: inuse_space_norm,\n"
"                          else inuse_space, else goroutine)\n"
"  -n, --top N             write only the N best suspects\n"
"      --min-share F       skip groups below fraction F of the last total\n"
"      --min-snapshots N   fewer snapshots give verdict insufficient\n"
"                          (default 4); also weighs a late leak's rise\n"
"      --goroutines N      flag a blocking site holding more than N\n"
"                          goroutines in the last snapshot\n"
"      --fail-on WHAT      exit 3 when a row written has verdict leak\n"
"                          (WHAT leak), or with --drift an alarm (alarm)\n"
"      --drift             write the drift alarm on per-snapshot totals\n"
"      --gctrace LOG       write the drift alarm on the live heap of each GC\n"
"                          cycle of a GODEBUG=gctrace=1 log (no FILE)\n"
"  -k, --sigma K           drift: alarm above mean + K sd (default 2)\n"
"  -w, --window W          drift: over the W previous deltas (default 10)\n"
"      --max-line N        refuse input lines longer than N bytes\n"
"                          (suffix k, M or G; default 256M)\n"
"      --max-snapshots N   refuse more than N snapshots (default 100000)\n"
"  -o, --output FILE       write to FILE (atomically) instead of stdout\n"
"  -h, --help              display this help and exit\n"
"  -V, --version           output version information and exit\n"
"\n"
"Exit status: 0 done, 1 bad input or I/O error, 2 bad usage,\n"
"3 --fail-on matched.\n";

enum {
	OPT_DRIFT = 256,
	OPT_FAIL_ON,
	OPT_GCTRACE,
	OPT_GOROUTINES,
	OPT_MIN_SHARE,
	OPT_MIN_SNAPSHOTS
};

static const struct option longopts[] = {
	{ "by",			required_argument,	NULL, 'b' },
	{ "drift",		no_argument,		NULL, OPT_DRIFT },
	{ "fail-on",		required_argument,	NULL, OPT_FAIL_ON },
	{ "gctrace",		required_argument,	NULL, OPT_GCTRACE },
	{ "goroutines",		required_argument,	NULL, OPT_GOROUTINES },
	{ "help",		no_argument,		NULL, 'h' },
	CAPS_LONGOPT_MAX_LINE,
	CAPS_LONGOPT_MAX_SNAPSHOTS,
	{ "min-share",		required_argument,	NULL, OPT_MIN_SHARE },
	{ "min-snapshots",	required_argument,	NULL,
	    OPT_MIN_SNAPSHOTS },
	{ "output",		required_argument,	NULL, 'o' },
	{ "sigma",		required_argument,	NULL, 'k' },
	{ "top",		required_argument,	NULL, 'n' },
	{ "value",		required_argument,	NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "window",		required_argument,	NULL, 'w' },
	{ NULL,			0,			NULL, 0 }
};

static size_t
parse_count(const char *opt, const char *s, size_t min)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9' ||
	    (v = strtoull(s, &end, 10), errno != 0 || *end != '\0') ||
	    v < min || v > 1000000000)
		err_usage("%s: '%s' is not a whole number from %zu", opt, s,
		    min);
	return (size_t)v;
}

static double
parse_real(const char *opt, const char *s, double min, double max)
{
	double v;

	if (tsv_parse_double(s, &v) == -1 || v < min || v > max)
		err_usage("%s: '%s' is not a number from %g to %g", opt, s,
		    min, max);
	return v;
}

/* Flush and commit the output; the exit status, EXIT_DATA on failure. */
static int
finish(struct tsv_writer *w, struct outfile *out, int status)
{
	if (tsv_writer_free(w) == -1) {
		err_warn("write error on %s: %s", outfile_name(out),
		    strerror(errno));
		outfile_abort(out);
		return EXIT_DATA;
	}
	if (outfile_commit(out) == -1)
		return EXIT_DATA;
	return status;
}

/* rank --gctrace LOG: parse the whole log, then write its drift rows. */
static int
drift_gctrace(const struct rank_opts *o, const char *log, const char *output,
    const char *fail_on)
{
	struct gctrace_cycle *c = NULL;
	struct tsv_writer *w;
	struct outfile *out;
	char err[256];
	unsigned long line;
	ssize_t n;
	int at = 0;
	size_t found;
	FILE *fp;

	if ((fp = fopen(log, "r")) == NULL)
		err_die(EXIT_DATA, "%s: %s", log, strerror(errno));
	out = outfile_open(output);
	if ((n = gctrace_parse(fp, &c, err, sizeof(err))) == -1) {
		if (sscanf(err, "line %lu: %n", &line, &at) == 1 && at > 0)
			err_die(EXIT_DATA, "%s:%lu: %s", log, line, err + at);
		err_die(EXIT_DATA, "%s: %s", log, err);
	}
	if (ferror(fp))
		err_die(EXIT_DATA, "%s: read error", log);
	fclose(fp);
	w = tsv_writer_new(outfile_fp(out));
	found = rank_write_gctrace(o, log, c, (size_t)n, w);
	free(c);
	return finish(w, out, fail_on != NULL && found > 0 ? EXIT_FOUND :
	    EXIT_OK);
}

int
main(int argc, char *argv[])
{
	struct rank_opts o = { .min_snapshots = 4, .window = 10, .k = 2 };
	const char *output = NULL, *fail_on = NULL, *gctrace = NULL;
	struct tsv_reader *r;
	struct tsv_writer *w;
	struct outfile *out;
	struct rank *k;
	struct caps lim;
	size_t found;
	int ch, status = EXIT_OK;

	err_setprog(argv[0]);
	setlocale(LC_CTYPE, "");
	caps_init(&lim);

	while ((ch = getopt_long(argc, argv, "b:hk:n:o:v:Vw:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			if ((o.by = rank_parse_by(optarg)) == RANK_BY_DEFAULT)
				err_usage("--by: '%s' is not stack, site, "
				    "function, cluster or blocking", optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return fflush(stdout) == EOF ? EXIT_DATA : EXIT_OK;
		case 'k':
			o.k = parse_real("-k", optarg, 0, 1e6);
			break;
		case 'n':
			o.top = parse_count("--top", optarg, 1);
			break;
		case 'o':
			output = optarg;
			break;
		case 'v':
			o.value = optarg;
			break;
		case 'V':
			err_version();
			return fflush(stdout) == EOF ? EXIT_DATA : EXIT_OK;
		case 'w':
			o.window = parse_count("--window", optarg, 2);
			break;
		case OPT_DRIFT:
			o.drift = 1;
			break;
		case OPT_FAIL_ON:
			if (strcmp(optarg, "leak") != 0 &&
			    strcmp(optarg, "alarm") != 0)
				err_usage("--fail-on: '%s' is not leak or "
				    "alarm", optarg);
			fail_on = optarg;
			break;
		case OPT_GCTRACE:
			gctrace = optarg;
			o.drift = 1;
			break;
		case OPT_GOROUTINES:
			o.goroutines = (double)parse_count("--goroutines",
			    optarg, 1);
			break;
		case OPT_MIN_SHARE:
			o.min_share = parse_real("--min-share", optarg, 0, 1);
			break;
		case OPT_MIN_SNAPSHOTS:
			o.min_snapshots = parse_count("--min-snapshots",
			    optarg, 2);
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
	if (fail_on != NULL && (strcmp(fail_on, "alarm") == 0) != o.drift)
		err_usage("--fail-on %s goes %s --drift", fail_on,
		    o.drift ? "without" : "with");

	if (gctrace != NULL && argc > 0)
		err_usage("--gctrace reads the log, not FILE operands");
	if (gctrace != NULL)
		return drift_gctrace(&o, gctrace, output, fail_on);

	o.max_snapshots = lim.max_snapshots;
	r = tsv_open_max(argc, argv, lim.max_line);
	out = outfile_open(output);
	w = tsv_writer_new(outfile_fp(out));

	k = rank_new(&o, r);
	rank_read(k, r);
	found = o.drift ? rank_write_drift(k, w) : rank_write(k, w);
	if (fail_on != NULL && found > 0)
		status = EXIT_FOUND;

	rank_free(k);
	tsv_close(r);
	return finish(w, out, status);
}
