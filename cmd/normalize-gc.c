/*
 * normalize-gc: add normalised value columns, the process incarnation and
 * the GC cycle to sample rows, and drop snapshots that repeat a GC cycle.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "caps.h"
#include "normgc.h"
#include "outfile.h"
#include "tsv.h"

enum {
	OPT_BETA = 256,
	OPT_GCTRACE,
	OPT_KEEP_REPEATS,
	OPT_MEMSTATS,
	OPT_MODEL,
	OPT_START,
	OPT_VALUES,
	OPT_WINDOW
};

static const struct option longopts[] = {
	{ "beta",		required_argument,	NULL, OPT_BETA },
	{ "gctrace",		required_argument,	NULL, OPT_GCTRACE },
	{ "help",		no_argument,		NULL, 'h' },
	{ "keep-repeats",	no_argument,		NULL, OPT_KEEP_REPEATS },
	CAPS_LONGOPT_MAX_LINE,
	CAPS_LONGOPT_MAX_SNAPSHOTS,
	{ "memstats",		required_argument,	NULL, OPT_MEMSTATS },
	{ "model",		required_argument,	NULL, OPT_MODEL },
	{ "output",		required_argument,	NULL, 'o' },
	{ "start",		required_argument,	NULL, OPT_START },
	{ "values",		required_argument,	NULL, OPT_VALUES },
	{ "version",		no_argument,		NULL, 'V' },
	{ "window",		required_argument,	NULL, OPT_WINDOW },
	{ NULL,			0,			NULL, 0 }
};

static void
usage(void)
{
	printf("Usage: %s [options] [FILE...]\n", err_prog());
	fputs(
"Add <value>_norm, restart and gc columns to sample rows (leakatlas-tsv(5))\n"
"and drop snapshots that show the same GC cycle as the one before.\n"
"\n"
"  -o, --output FILE     write to FILE (atomically) instead of stdout\n"
"      --values A,B      the value columns (default: the columns between\n"
"                        'type' and 'labels')\n"
"      --model MODEL     none, rebase (default) or step-exp\n"
"      --window TIME     step-exp: falls this recent are compensated\n"
"                        (default 3s; units ms, s, m)\n"
"      --beta NUM        step-exp: decay per second (default 0.85)\n"
"      --memstats FILE   memstats rows (pprof2tsv --memstats): the GC cycle\n"
"                        of each snapshot from num_gc\n"
"      --gctrace LOG     GODEBUG=gctrace=1 output: the GC cycle of each\n"
"                        snapshot from the log\n"
"      --start TIME      wall time (RFC 3339) the process of the log started\n"
"      --keep-repeats    keep repeated snapshots; add a 'repeat' column\n"
"      --max-line N      refuse input lines longer than N bytes (suffix k,\n"
"                        M or G; default 256M)\n"
"      --max-snapshots N refuse more than N snapshots (default 100000)\n"
"  -h, --help            print this help and exit\n"
"  -V, --version         print the version and exit\n"
"\n"
"With no FILE, or when FILE is -, read standard input.\n", stdout);
}

/* A duration such as 3s, 500ms, 2m or 1.5 (seconds); -1 if malformed. */
static double
parse_duration(const char *s)
{
	char *end;
	double v;

	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	v = strtod(s, &end);
	if (end == s || !isfinite(v))
		return -1;
	if (strcmp(end, "ms") == 0)
		v /= 1000;
	else if (strcmp(end, "m") == 0)
		v *= 60;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return -1;
	return v > 0 ? v : -1;
}

int
main(int argc, char *argv[])
{
	struct normgc_opts o;
	struct caps lim;
	struct tsv_reader *r;
	struct tsv_writer *w;
	struct outfile *out;
	const char *output = NULL;
	int ch, rc = EXIT_OK;

	err_setprog(argv[0]);
	setlocale(LC_CTYPE, "");
	memset(&o, 0, sizeof(o));
	caps_init(&lim);
	o.model = NORMGC_REBASE;
	o.window = 3;
	o.beta = 0.85;

	while ((ch = getopt_long(argc, argv, "ho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage();
			return EXIT_OK;
		case 'o':
			output = optarg;
			break;
		case 'V':
			err_version();
			return EXIT_OK;
		case OPT_BETA:
			if (tsv_parse_double(optarg, &o.beta) == -1 ||
			    o.beta < 0)
				err_usage("--beta: '%s' is not a number >= 0",
				    optarg);
			break;
		case OPT_GCTRACE:
			o.gctrace = optarg;
			break;
		case OPT_KEEP_REPEATS:
			o.keep_repeats = 1;
			break;
		case OPT_MEMSTATS:
			o.memstats = optarg;
			break;
		case OPT_MODEL:
			if (normgc_model_parse(optarg, &o.model) == -1)
				err_usage("--model: '%s' is not none, rebase "
				    "or step-exp", optarg);
			break;
		case OPT_START:
			if (tsv_parse_time(optarg, &o.start) == -1)
				err_usage("--start: '%s' is not an RFC 3339 "
				    "time", optarg);
			o.have_start = 1;
			break;
		case OPT_VALUES:
			if (*optarg == '\0' || strstr(optarg, ",,") != NULL ||
			    optarg[strlen(optarg) - 1] == ',' ||
			    *optarg == ',')
				err_usage("--values: '%s' is not a list of "
				    "column names", optarg);
			o.values = optarg;
			break;
		case OPT_WINDOW:
			if ((o.window = parse_duration(optarg)) < 0)
				err_usage("--window: '%s' is not a duration "
				    "such as 3s", optarg);
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
	if (o.have_start && o.gctrace == NULL)
		err_usage("--start needs --gctrace");

	if (o.memstats != NULL && access(o.memstats, R_OK) == -1)
		err_die(EXIT_DATA, "%s: %s", o.memstats, strerror(errno));
	if (o.gctrace != NULL && access(o.gctrace, R_OK) == -1)
		err_die(EXIT_DATA, "%s: %s", o.gctrace, strerror(errno));
	o.max_line = lim.max_line;
	o.max_snapshots = lim.max_snapshots;
	r = tsv_open_max(argc, argv, lim.max_line);
	out = outfile_open(output);
	w = tsv_writer_new(outfile_fp(out));
	normgc_run(r, w, &o);
	if (tsv_writer_free(w) == -1) {
		err_warn("write error on %s", outfile_name(out));
		outfile_abort(out);
		rc = EXIT_DATA;
	} else if (outfile_commit(out) == -1)
		rc = EXIT_DATA;
	tsv_close(r);
	return rc;
}
