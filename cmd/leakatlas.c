/*
 * leakatlas: run YAML pipelines of the leakatlas stages (run), validate
 * them (check), show the shipped ones (list).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "pipeline.h"
#include "xmalloc.h"

static const char usage_text[] =
"Usage: leakatlas run PIPELINE [-n] [-s KEY=VALUE]... [INPUT...]\n"
"       leakatlas check PIPELINE...\n"
"       leakatlas list\n"
"       leakatlas help\n"
"Run the leakatlas stages (pprof2tsv, normalize-gc, cluster, rank, report)\n"
"joined by pipes, as a YAML pipeline file describes (leakatlas-pipeline(5)).\n"
"\n"
"Commands:\n"
"  run PIPELINE [INPUT...]  run PIPELINE, a file or the name of a shipped\n"
"                           pipeline; INPUT files replace its inputs\n"
"  check PIPELINE...        validate pipeline files, run nothing\n"
"  list                     show the shipped pipelines\n"
"  help                     show this help\n"
"\n"
"Options:\n"
"  -n, --dry-run            print the equivalent shell commands, run nothing\n"
"  -s, --set KEY=VALUE      set STAGE.OPTION, RUN.STAGE.OPTION, output or\n"
"                           the variable ${KEY}; repeatable\n"
"  -h, --help               show this help and exit\n"
"  -V, --version            show the version and exit\n"
"\n"
"Exit status: 0 done; 3 a stage found something (rank --fail-on leak);\n"
"otherwise the status of the first stage that failed (128 + signal when\n"
"killed), 1 for a bad pipeline file or I/O error, 2 for bad usage.  When\n"
"the reader of its output goes away, leakatlas ends quietly by SIGPIPE.\n";

static const struct option longopts[] = {
	{ "dry-run",	no_argument,		NULL, 'n' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "set",	required_argument,	NULL, 's' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

/* Make sure fds 0, 1 and 2 are open, so no pipe lands on them. */
static void
std_fds_open(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

static const char *
datadir(void)
{
	static char *d;

	if (d == NULL)
		d = pipeline_datadir();
	return d;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Print "name  description" for each shipped pipeline, sorted by name. */
static void
list_pipelines(void)
{
	struct pipeline *p;
	struct dirent *e;
	char *dir, *path, **names = NULL;
	size_t i, n = 0, len;
	DIR *d;

	xasprintf(&dir, "%s/pipelines", datadir());
	if ((d = opendir(dir)) == NULL)
		err_die(EXIT_DATA, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= 5 || e->d_name[0] == '.' ||
		    strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrndup(e->d_name, len - 5);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s.yaml", dir, names[i]);
		p = pipeline_load(path);
		printf("%-16s %s\n", names[i], p->description != NULL ?
		    p->description : "");
		pipeline_free(p);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
}

int
main(int argc, char *argv[])
{
	struct pipeline *p;
	char **sets = NULL, *path, *prefix;
	const char *cmd, *argv0 = argv[0];
	size_t nsets = 0;
	int ch, dry = 0, i, rc = EXIT_OK;

	err_setprog(argv[0]);
	setlocale(LC_CTYPE, "");
	std_fds_open();
	while ((ch = getopt_long(argc, argv, "hns:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage_text, stdout);
			goto out;
		case 'n':
			dry = 1;
			break;
		case 's':
			sets = xreallocarray(sets, nsets + 1, sizeof(*sets));
			sets[nsets++] = optarg;
			break;
		case 'V':
			err_version();
			goto out;
		default:
			err_usage(NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		err_usage("missing command (run, check, list or help)");
	cmd = argv[0];
	if (strcmp(cmd, "run") != 0 && (dry || nsets > 0))
		err_usage("%s: --dry-run and --set go with run", cmd);
	if (strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
	} else if (strcmp(cmd, "list") == 0) {
		if (argc > 1)
			err_usage("list: unexpected operand '%s'", argv[1]);
		list_pipelines();
	} else if (strcmp(cmd, "check") == 0) {
		if (argc < 2)
			err_usage("check: missing pipeline file");
		for (i = 1; i < argc; i++) {
			path = pipeline_find(argv[i], datadir());
			pipeline_free(pipeline_load(path));
			free(path);
		}
	} else if (strcmp(cmd, "run") == 0) {
		if (argc < 2)
			err_usage("run: missing pipeline file");
		path = pipeline_find(argv[1], datadir());
		p = pipeline_load(path);
		pipeline_set(p, sets, nsets);
		prefix = pipeline_locate(argv0);
		p->dry_run = dry;
		pipeline_expand(p, argv + 2, (size_t)(argc - 2));
		if (dry)
			(void)pipeline_print(p, prefix, stdout);
		else
			rc = pipeline_run(p);
		pipeline_free(p);
		pipeline_unlocate();
		free(prefix);
		free(path);
	} else
		err_usage("unknown command '%s' (run, check, list or help)",
		    cmd);
out:
	free(sets);
	if (rc == 128 + SIGPIPE) {
		/* Our reader went away: end as the last stage did. */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		err_warn("write error on stdout: %s", strerror(errno));
		rc = EXIT_DATA;
	}
	return rc;
}
