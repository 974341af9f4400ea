/*
 * cluster: add to every sample row the id of its group of similar stacks
 * (MinHash + LSH over frame shingles and labels; see cluster(1)).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "err.h"
#include "caps.h"
#include "minhash.h"
#include "outfile.h"
#include "tsv.h"

enum { OPT_VERBOSE = 256 };

static const struct option longopts[] = {
	{ "bands",		required_argument,	NULL, 'b' },
	{ "cross-site",		no_argument,		NULL, 'x' },
	{ "drop-runtime",	no_argument,		NULL, 'R' },
	{ "hashes",		required_argument,	NULL, 'n' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "kgram",		required_argument,	NULL, 'k' },
	{ "labels",		required_argument,	NULL, 'l' },
	CAPS_LONGOPT_MAX_LINE,
	CAPS_LONGOPT_MAX_SNAPSHOTS,
	{ "output",		required_argument,	NULL, 'o' },
	{ "rows",		required_argument,	NULL, 'r' },
	{ "seed",		required_argument,	NULL, 's' },
	{ "summary",		no_argument,		NULL, 'S' },
	{ "threshold",		required_argument,	NULL, 't' },
	{ "value",		required_argument,	NULL, 'v' },
	{ "verbose",		no_argument,		NULL, OPT_VERBOSE },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static void
usage(void)
{
	printf("Usage: %s [OPTION]... [FILE]...\n", err_prog());
	printf(
"Add to each sample row a 'cluster' column: the id of its group of similar\n"
"stacks.  Stacks are compared by their frames, k-grams of consecutive frames\n"
"and labels (MinHash signatures, LSH banding, exact Jaccard confirmation).\n"
"With no FILE, or when FILE is -, read standard input.\n"
"\n"
"  -t, --threshold=J      join stacks whose Jaccard index is at least J\n"
"                         (default 0.7)\n"
"  -k, --kgram=K          shingle runs of K consecutive frames besides single\n"
"                         frames; 1 for single frames only (default 2)\n"
"  -l, --labels=MODE      labels as shingles: on (all but the heap's bytes),\n"
"                         all, or off (default on)\n"
"  -R, --drop-runtime     leave Go runtime frames out of the shingles\n"
"  -x, --cross-site       also join stacks whose site functions differ\n"
"  -n, --hashes=N         MinHash signature length (default 128)\n"
"  -b, --bands=B          LSH bands (default: chosen from J, see cluster(1))\n"
"  -r, --rows=R           signature values per band (default: chosen from J)\n"
"  -s, --seed=N           seed of the hash functions (default 0)\n"
"  -S, --summary          write one row per cluster instead of the rows\n"
"  -v, --value=COLUMN     value column --summary adds up (default inuse_space)\n"
"      --max-line=N       refuse input lines longer than N bytes\n"
"                         (suffix k, M or G; default 256M)\n"
"      --max-snapshots=N  --summary: refuse more than N snapshots\n"
"                         (default 100000)\n"
"  -o, --output=FILE      write to FILE (atomically) instead of stdout\n"
"      --verbose          print clustering statistics on stderr\n"
"  -h, --help             display this help and exit\n"
"  -V, --version          output version information and exit\n");
}

static long
parse_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		err_usage("invalid %s '%s': want an integer from %ld to %ld",
		    opt, s, lo, hi);
	return v;
}

int
main(int argc, char *argv[])
{
	struct cluster_opts o;
	struct caps lim;
	struct tsv_reader *r;
	struct outfile *out;
	const char *output = NULL;
	char *end;
	int ch, status;

	err_setprog("cluster");
	setlocale(LC_CTYPE, "");
	cluster_opts_init(&o);
	caps_init(&lim);
	while ((ch = getopt_long(argc, argv, "b:hk:l:n:o:r:Rs:St:v:Vx",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o.bands = (int)parse_long("--bands", optarg, 1,
			    MINHASH_MAX_HASHES);
			break;
		case 'h':
			usage();
			return EXIT_OK;
		case 'k':
			o.kgram = (int)parse_long("--kgram", optarg, 1,
			    MINHASH_MAX_KGRAM);
			break;
		case 'l':
			if (strcmp(optarg, "on") == 0)
				o.labels = CLUSTER_LABELS_ON;
			else if (strcmp(optarg, "off") == 0)
				o.labels = CLUSTER_LABELS_OFF;
			else if (strcmp(optarg, "all") == 0)
				o.labels = CLUSTER_LABELS_ALL;
			else
				err_usage("invalid --labels '%s': want on, "
				    "off or all", optarg);
			break;
		case 'n':
			o.nhash = (int)parse_long("--hashes", optarg, 1,
			    MINHASH_MAX_HASHES);
			break;
		case 'o':
			output = optarg;
			break;
		case 'r':
			o.rows = (int)parse_long("--rows", optarg, 1,
			    MINHASH_MAX_HASHES);
			break;
		case 'R':
			o.drop_runtime = 1;
			break;
		case 's':
			errno = 0;
			o.seed = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *optarg == '-' || *end != '\0' ||
			    errno != 0)
				err_usage("invalid --seed '%s': want an "
				    "unsigned integer", optarg);
			break;
		case 'S':
			o.summary = 1;
			break;
		case 't':
			if (tsv_parse_double(optarg, &o.threshold) == -1 ||
			    o.threshold <= 0 || o.threshold > 1)
				err_usage("invalid --threshold '%s': want a "
				    "number above 0, at most 1", optarg);
			break;
		case 'v':
			o.value = optarg;
			break;
		case 'V':
			err_version();
			return EXIT_OK;
		case 'x':
			o.cross_site = 1;
			break;
		case OPT_VERBOSE:
			o.verbose = 1;
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

	cluster_opts_banding(&o);
	if ((long)o.bands * o.rows > o.nhash)
		err_usage("--bands %d times --rows %d is more than --hashes %d",
		    o.bands, o.rows, o.nhash);
	o.max_snapshots = lim.max_snapshots;
	r = tsv_open_max(argc, argv, lim.max_line);
	out = outfile_open(output);
	if (cluster_run(r, outfile_fp(out), &o) == -1) {
		outfile_abort(out);
		err_die(EXIT_DATA, "write error on %s: %s",
		    output != NULL ? output : "stdout", strerror(errno));
	}
	status = outfile_commit(out) == -1 ? EXIT_DATA : EXIT_OK;
	tsv_close(r);
	return status;
}
