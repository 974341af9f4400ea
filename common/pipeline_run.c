/*
 * Running an expanded pipeline: find our own stage programs, open the
 * output and tee files (temporary until the run succeeds), start each run
 * as a chain of processes (spawn.h) and say which stage failed.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "outfile.h"
#include "pipeline.h"
#include "progname.h"
#include "spawn.h"
#include "xmalloc.h"

static char *stage_paths[STAGE_COUNT];

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * The folder of this program (a new string) when it runs under its
 * installed name (*installed set) or its plain build-tree name
 * "leakatlas" (the same unless configured with a --program-prefix or
 * suffix), else NULL.
 */
static char *
self_dir(int *installed)
{
	char self[PATH_MAX];
	const char *base;
	ssize_t n;

	*installed = 0;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return NULL;
	self[n] = '\0';
	base = strrchr(self, '/') != NULL ? strrchr(self, '/') + 1 : self;
	*installed = strcmp(base, PROGNAME_LEAKATLAS) == 0;
	return *installed || strcmp(base, "leakatlas") == 0 ?
	    dir_of(self) : NULL;
}

/*
 * The data folder, holding pipelines/: $LEAKATLAS_DATADIR when set, else
 * the installed one when it exists, else the folder of this program when
 * it has pipelines/ (not installed, run from a build tree configured in
 * the source tree).  A new string.
 */
char *
pipeline_datadir(void)
{
	const char *env = getenv("LEAKATLAS_DATADIR");
	struct stat sb;
	char *dir, *sub;
	int installed;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (stat(LEAKATLAS_DATADIR "/pipelines", &sb) == 0 ||
	    (dir = self_dir(&installed)) == NULL)
		return xstrdup(LEAKATLAS_DATADIR);
	xasprintf(&sub, "%s/pipelines", dir);
	if (stat(sub, &sb) == -1) {
		free(dir);
		dir = xstrdup(LEAKATLAS_DATADIR);
	}
	free(sub);
	return dir;
}

/*
 * Decide which programs run the stages.  Only our own: when this program
 * carries its installed name, the stages' installed names next to it;
 * when it is called plain "leakatlas" (the build tree), the plain names
 * next to it; otherwise the installed names in the configured bindir.
 * Returns what pipeline_print() puts before each name (a new string):
 * the folder argv0 was called by, empty when it was found in PATH.
 */
char *
pipeline_locate(const char *argv0)
{
	char *dir, *prefix, *argdir;
	int i, installed, plain;

	dir = self_dir(&installed);
	plain = dir != NULL && !installed;
	if (dir == NULL) {
		dir = xstrdup(LEAKATLAS_BINDIR);
		xasprintf(&prefix, "%s/", LEAKATLAS_BINDIR);
	} else if (argv0 != NULL && strchr(argv0, '/') != NULL) {
		argdir = dir_of(argv0);
		xasprintf(&prefix, "%s/", argdir);
		free(argdir);
	} else
		prefix = xstrdup("");
	for (i = 0; i < STAGE_COUNT; i++) {
		if (plain)
			pipeline_stage_use_plain((enum pl_stage)i);
		free(stage_paths[i]);
		xasprintf(&stage_paths[i], "%s/%s", dir,
		    pipeline_stage_program((enum pl_stage)i));
	}
	free(dir);
	return prefix;
}

static void
say_failed(const struct pipeline *p, const struct pl_run *r,
    const struct spawn_cmd *c, const char *what, size_t step)
{
	char how[128];

	if (c->sig != 0)
		snprintf(how, sizeof(how), "was killed by signal %d (%s)",
		    c->sig, strsignal(c->sig));
	else
		snprintf(how, sizeof(how), "failed with exit status %d",
		    c->status);
	if (p->nruns > 1)
		err_warn("%s: %s (step %zu) %s", r->name, what, step, how);
	else
		err_warn("%s (step %zu) %s", what, step, how);
}

static int
open_fd(struct outfile *o)
{
	int fd = fileno(outfile_fp(o));

	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* One run: the chain of its steps; outputs are kept only on success. */
static int
run_one(const struct pipeline *p, const struct pl_run *r, int first,
    int *found)
{
	struct spawn_cmd *cmds;
	struct outfile **outs;
	size_t i, m = 0, nouts = 0, *stepof;
	char *what;
	long blame;
	int in = STDIN_FILENO, out = STDOUT_FILENO, rc = 0;

	cmds = xcalloc(2 * r->nsteps, sizeof(*cmds));
	stepof = xcalloc(2 * r->nsteps, sizeof(*stepof));
	outs = xcalloc(r->nsteps + 1, sizeof(*outs));
	for (i = 0; i < r->nsteps; i++) {
		cmds[m].path = stage_paths[r->steps[i].stage];
		cmds[m].argv = r->steps[i].argv;
		stepof[m++] = i;
		if (r->steps[i].tee_path == NULL)
			continue;
		outs[nouts] = outfile_open(r->steps[i].tee_path);
		cmds[m].tee_fd = open_fd(outs[nouts++]);
		stepof[m++] = i;
	}
	if (r->output_path != NULL) {
		outs[nouts] = outfile_open(r->output_path);
		out = open_fd(outs[nouts++]);
	}
	if ((r->has_inputs || !first) &&
	    (in = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		err_die(EXIT_DATA, "/dev/null: %s", strerror(errno));
	blame = spawn_chain(cmds, m, in, out);
	if (in != STDIN_FILENO)
		close(in);
	if (blame >= 0) {
		i = (size_t)blame;
		if (cmds[i].path != NULL)
			what = xstrdup(pipeline_stage_name(
			    r->steps[stepof[i]].stage));
		else
			xasprintf(&what, "tee to %s",
			    r->steps[stepof[i]].tee_path);
		/*
		 * The last member killed by SIGPIPE writing our standard
		 * output: whoever reads it stopped (leakatlas run ... | head).
		 * No message; the status says SIGPIPE and the caller ends
		 * quietly by it, as the stages do.
		 */
		if (!(i + 1 == m && cmds[i].sig == SIGPIPE &&
		    out == STDOUT_FILENO))
			say_failed(p, r, &cmds[i], what, stepof[i] + 1);
		free(what);
		rc = cmds[i].status;
		for (i = 0; i < nouts; i++)
			outfile_abort(outs[i]);
	} else {
		for (i = 0; i < m; i++)
			if (cmds[i].status == EXIT_FOUND)
				*found = 1;
		for (i = 0; i < nouts; i++)
			if (outfile_commit(outs[i]) == -1 && rc == 0)
				rc = EXIT_DATA;
	}
	free(cmds);
	free(stepof);
	free(outs);
	return rc;
}

/*
 * Run every run in order.  Returns the first failing stage's status
 * (128 + signal when killed), else 3 when a stage exited 3 ("found"),
 * else 0.  128 + SIGPIPE means the reader of standard output went away,
 * and nothing was said about it.
 */
int
pipeline_run(const struct pipeline *p)
{
	const struct pl_run *r;
	size_t i, j;
	int found = 0, rc;

	for (i = 0; i < p->nruns; i++)
		for (j = 0; j < p->runs[i].nsteps; j++) {
			r = &p->runs[i];
			if (access(stage_paths[r->steps[j].stage], X_OK) == -1)
				err_die(EXIT_DATA, "cannot run stage %s: %s: %s",
				    pipeline_stage_name(r->steps[j].stage),
				    stage_paths[r->steps[j].stage],
				    strerror(errno));
		}
	for (i = 0; i < p->nruns; i++)
		if ((rc = run_one(p, &p->runs[i], i == 0, &found)) != 0)
			return rc;
	return found ? EXIT_FOUND : EXIT_OK;
}

/* Free what pipeline_locate() found. */
void
pipeline_unlocate(void)
{
	int i;

	for (i = 0; i < STAGE_COUNT; i++) {
		free(stage_paths[i]);
		stage_paths[i] = NULL;
	}
}
