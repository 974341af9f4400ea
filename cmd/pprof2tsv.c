/*
 * pprof2tsv: pprof profiles (gzipped or raw profile.proto, Go debug=1 text)
 * to the sample rows of leakatlas-tsv(5), or to folded stacks.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "err.h"
#include "legacy.h"
#include "caps.h"
#include "outfile.h"
#include "pattern.h"
#include "pprof.h"
#include "prof.h"
#include "rows.h"
#include "tsv.h"
#include "xmalloc.h"

enum {
	OPT_FOCUS = 256, OPT_FOLDED, OPT_IGNORE, OPT_LINES,
	OPT_MEMSTATS, OPT_SAMPLE_INDEX, OPT_TAGFOCUS, OPT_VALUES
};

static const struct option longopts[] = {
	{ "focus",		required_argument,	NULL, OPT_FOCUS },
	{ "folded",		no_argument,		NULL, OPT_FOLDED },
	{ "help",		no_argument,		NULL, 'h' },
	{ "ignore",		required_argument,	NULL, OPT_IGNORE },
	{ "lines",		no_argument,		NULL, OPT_LINES },
	CAPS_LONGOPT_MAX_BYTES,
	CAPS_LONGOPT_MAX_DEPTH,
	CAPS_LONGOPT_MAX_LABELS,
	{ "memstats",		no_argument,		NULL, OPT_MEMSTATS },
	{ "output",		required_argument,	NULL, 'o' },
	{ "sample-index",	required_argument,	NULL, OPT_SAMPLE_INDEX },
	{ "tagfocus",		required_argument,	NULL, OPT_TAGFOCUS },
	{ "values",		required_argument,	NULL, OPT_VALUES },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static void
usage(void)
{
	printf("Usage: %s [options] [FILE...]\n"
"Write one TSV row per sample of each pprof profile FILE (standard input\n"
"when none or -): gzipped or raw profile.proto, or Go's debug=1 heap or\n"
"goroutine text.  Columns: snapshot time type <one per sample type>\n"
"labels site stack (see leakatlas-tsv(5)).\n"
"\n"
"  -o, --output FILE       write to FILE (replaced only when complete)\n"
"      --values A,B        value columns to write, by name; every input\n"
"                          must have them (default: the first input's)\n"
"      --lines             frames as 'function (file:line)'\n"
"      --focus RE          keep samples with a frame matching RE\n"
"      --ignore RE         drop samples with a frame matching RE\n"
"      --tagfocus KEY=RE   keep samples whose label KEY matches RE\n"
"                          (may be repeated: all must match)\n"
"      --folded            write folded stacks 'a;b;c VALUE', summed over\n"
"                          samples and files, sorted by stack\n"
"      --sample-index NAME the value --folded sums (default: the profile's\n"
"                          default sample type, else its last)\n"
"      --max-bytes N       refuse inputs larger than N bytes, decompressed\n"
"                          (default 1G)\n"
"      --max-depth N       refuse samples of more than N frames, inlined\n"
"                          calls counted (default 16384)\n"
"      --max-labels N      refuse samples of more than N labels\n"
"                          (default 1024)\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"REs are POSIX extended regular expressions, matched against each frame\n"
"as written in the stack column.  N takes a suffix k, M or G (times 1024,\n"
"1024^2, 1024^3).\n", err_prog());
}

static struct pattern *
compile(struct pattern *old, const char *s, const char *opt)
{
	struct pattern *re;
	char msg[128];

	pattern_free(old);
	if ((re = pattern_new(s, msg, sizeof(msg))) == NULL)
		err_usage("%s: bad regular expression '%s': %s", opt, s, msg);
	return re;
}

/* Split a comma-separated list of column names. */
static char **
split_values(char *s, size_t *n)
{
	char **v, *p;
	size_t i;

	*n = 1;
	for (p = s; *p != '\0'; p++)
		*n += *p == ',';
	v = xcalloc(*n, sizeof(*v));
	for (i = 0; i < *n; i++) {
		v[i] = s;
		if ((p = strchr(s, ',')) != NULL) {
			*p = '\0';
			s = p + 1;
		}
		if (*v[i] == '\0')
			err_usage("--values: empty column name");
	}
	return v;
}

static int64_t
now_nanos(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The snapshot's time: the profile's, else the file's, else now. */
static int64_t
snapshot_time(int64_t time_nanos, const struct pprof_input *in,
    const char *name)
{
	if (time_nanos != 0)
		return time_nanos;
	if (in->is_file) {
		err_warn("%s: no time in profile, using the file's "
		    "modification time", name);
		return in->mtime_nanos;
	}
	err_warn("%s: no time in profile, using the current time", name);
	return now_nanos();
}

/* File scope, so that LeakSanitizer sees them when an error exits. */
static struct rows *rows;
static struct arena *a;
static struct tsv_writer *w;

static const char *
display_name(const char *arg)
{
	return strcmp(arg, "-") == 0 ? "stdin" : arg;
}

/*
 * Report a bad input: "FILE: what", or "FILE:N: what" for line N.  The
 * complete rows before the problem are written out first.
 */
static _Noreturn void
die_input(const char *name, const char *err)
{
	const char *p = err + 5;

	if (rows != NULL)
		(void)rows_flush(rows);
	if (strncmp(err, "line ", 5) == 0 && *p >= '0' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
		if (p[0] == ':' && p[1] == ' ')
			err_die(EXIT_DATA, "%s:%.*s: %s", name,
			    (int)(p - err - 5), err + 5, p + 2);
	}
	err_die(EXIT_DATA, "%s: %s", name, err);
}

/* --memstats: one row per Go debug=1 heap dump, its MemStats fields. */
static void
write_memstats(FILE *fp, int argc, char *argv[], const struct caps *lim,
    const char *output)
{
	const char *const *cols;
	const char **values;
	struct pprof_input in;
	const char *name;
	size_t ncols, i, k;
	char err[512];

	ncols = legacy_memstats_columns(&cols);
	values = xcalloc(ncols + 1, sizeof(*values));
	w = tsv_writer_new(fp);
	tsv_put_str(w, "snapshot");
	tsv_put_str(w, "time");
	for (k = 0; k < ncols; k++)
		tsv_put_str(w, cols[k]);
	tsv_endrow(w);
	for (i = 0; i < (size_t)argc; i++) {
		name = display_name(argv[i]);
		if (pprof_read(argv[i], lim->max_bytes, &in, err,
		    sizeof(err)) == -1)
			die_input(name, err);
		arena_reset(a);
		if (legacy_memstats((const char *)in.data, in.len, a, values,
		    err, sizeof(err)) == -1)
			die_input(name, err);
		pprof_input_free(&in);
		tsv_put_str(w, argv[i]);
		tsv_put_time(w, snapshot_time(legacy_memstats_time(values), &in,
		    name));
		for (k = 0; k < ncols; k++)
			tsv_put_str(w, values[k]);
		tsv_endrow(w);
	}
	free(values);
	if (tsv_writer_free(w) == -1)
		err_die(EXIT_DATA, "write error on %s: %s", output != NULL ?
		    output : "stdout", strerror(errno));
	w = NULL;
}

/* The input being read, for the per-sample callback. */
struct current {
	const char	*arg;		/* as on the command line */
	const char	*name;		/* for messages */
	const struct pprof_input *in;
	int		 begun;
};

static int
begin(struct current *c, const struct prof *p, char *err, size_t errlen)
{
	c->begun = 1;
	return rows_begin(rows, p, c->arg, snapshot_time(p->time_nanos, c->in,
	    c->name), err, errlen);
}

/* Each sample as it is decoded: begin the profile first. */
static int
on_sample(void *arg, const struct prof *p, const struct prof_sample *s,
    char *err, size_t errlen)
{
	struct current *c = arg;

	if (!c->begun && begin(c, p, err, errlen) == -1)
		return -1;
	return rows_sample(rows, p, s, err, errlen);
}

int
main(int argc, char *argv[])
{
	static char dash[] = "-";
	static char *stdin_only[] = { dash };
	struct rows_opts o;
	struct rows_tagfocus *tf = NULL;
	struct outfile *of;
	struct pprof_input in;
	struct current cur;
	struct caps lim;
	struct prof p;
	struct pattern *focus = NULL, *ignore = NULL;
	const char *output = NULL, *name;
	char *values = NULL, **valuev = NULL, *eq, err[512];
	size_t i;
	int ch, memstats = 0;
	FILE *fp;

	err_setprog(argv[0]);
	setlocale(LC_CTYPE, "");
	memset(&o, 0, sizeof(o));
	caps_init(&lim);
	xmalloc_reuse();
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
		case OPT_FOCUS:
			o.focus = focus = compile(focus, optarg, "--focus");
			break;
		case OPT_FOLDED:
			o.folded = 1;
			break;
		case OPT_IGNORE:
			o.ignore = ignore = compile(ignore, optarg,
			    "--ignore");
			break;
		case OPT_LINES:
			o.lines = 1;
			break;
		case OPT_MEMSTATS:
			memstats = 1;
			break;
		case OPT_SAMPLE_INDEX:
			if (*optarg == '\0')
				err_usage("--sample-index: empty name");
			o.sample_index = optarg;
			break;
		case OPT_TAGFOCUS:
			if ((eq = strchr(optarg, '=')) == NULL || eq == optarg)
				err_usage("--tagfocus: expected KEY=RE, got "
				    "'%s'", optarg);
			tf = xreallocarray(tf, o.ntagfocus + 1, sizeof(*tf));
			*eq = '\0';
			tf[o.ntagfocus].key = optarg;
			tf[o.ntagfocus].re = compile(NULL, eq + 1,
			    "--tagfocus");
			o.ntagfocus++;
			o.tagfocus = tf;
			break;
		case OPT_VALUES:
			values = optarg;
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
	if (values != NULL)
		o.values = valuev = split_values(values, &o.nvalues);
	if (o.sample_index != NULL && !o.folded)
		err_usage("--sample-index needs --folded");
	if (memstats && (o.folded || o.values != NULL || o.lines ||
	    o.focus != NULL || o.ignore != NULL || o.ntagfocus > 0))
		err_usage("--memstats takes no sample options");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}

	of = outfile_open(output);
	fp = outfile_fp(of);
	a = arena_new();
	if (memstats)
		write_memstats(fp, argc, argv, &lim, output);
	else {
		rows = rows_new(fp, &o);
		for (i = 0; i < (size_t)argc; i++) {
			name = display_name(argv[i]);
			if (pprof_read(argv[i], lim.max_bytes, &in, err,
			    sizeof(err)) == -1)
				die_input(name, err);
			arena_reset(a);
			memset(&p, 0, sizeof(p));
			p.arena = a;
			p.caps = &lim;
			cur.arg = argv[i];
			cur.name = name;
			cur.in = &in;
			cur.begun = 0;
			if (pprof_parse(&p, &in, on_sample, &cur, err,
			    sizeof(err)) == -1 ||
			    (!cur.begun && begin(&cur, &p, err, sizeof(err)) ==
			    -1))
				die_input(name, err);
			pprof_input_free(&in);
		}
		if (rows_finish(rows) == -1)
			err_die(EXIT_DATA, "write error on %s: %s",
			    output != NULL ? output : "stdout",
			    strerror(errno));
		rows_free(rows);
	}
	arena_free(a);
	if (outfile_commit(of) == -1)
		err_die(EXIT_DATA, "cannot write the output");
	pattern_free(focus);
	pattern_free(ignore);
	for (i = 0; i < o.ntagfocus; i++)
		pattern_free(tf[i].re);
	free(tf);
	free(valuev);
	return EXIT_OK;
}
