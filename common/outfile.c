/* Atomic output files (temp + rename); see outfile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "outfile.h"
#include "xmalloc.h"

#define MAX_OPEN	16

struct outfile {
	FILE	*fp;
	char	*path;		/* NULL for stdout */
	char	*tmp;
};

/* Temporary paths to remove if we die; read by the signal handler. */
static char *volatile pending[MAX_OPEN];
static int handlers_set;

static void
on_signal(int sig)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++)
		if (pending[i] != NULL)
			unlink(pending[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
set_handlers(void)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP }, i;

	if (handlers_set)
		return;
	handlers_set = 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, NULL);
}

static void
forget(const char *tmp)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++)
		if (pending[i] == tmp)
			pending[i] = NULL;
}

static mode_t
current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

/*
 * Open path for writing through a temporary file; NULL or "-" is stdout.
 * Failure is reported and exits 1.
 */
struct outfile *
outfile_open(const char *path)
{
	struct outfile *o;
	struct stat st;
	int fd, i;

	o = xcalloc(1, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return o;
	}
	o->path = xstrdup(path);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device or FIFO: write to it, never rename over it. */
		if ((o->fp = fopen(path, "w")) == NULL)
			err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
		return o;
	}
	xasprintf(&o->tmp, "%s.tmpXXXXXX", path);
	set_handlers();
	for (i = 0; i < MAX_OPEN && pending[i] != NULL; i++)
		;
	if (i == MAX_OPEN)
		err_die(EXIT_DATA, "%s: too many output files", path);
	if ((fd = mkstemp(o->tmp)) == -1)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	pending[i] = o->tmp;
	(void)fchmod(fd, 0666 & ~current_umask());
	if ((o->fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	}
	return o;
}

FILE *
outfile_fp(const struct outfile *o)
{
	return o->fp;
}

const char *
outfile_name(const struct outfile *o)
{
	return o->path != NULL ? o->path : "stdout";
}

/*
 * Flush, close and rename into place.  Return 0, or -1 after reporting the
 * error and removing the temporary file.  Frees o.
 */
int
outfile_commit(struct outfile *o)
{
	int rc = 0, e;

	if (o->path == NULL) {
		if (fflush(stdout) == EOF || ferror(stdout)) {
			err_warn("write error on stdout: %s", strerror(errno));
			rc = -1;
		}
		free(o);
		return rc;
	}
	if (fflush(o->fp) == EOF || ferror(o->fp) ||
	    (o->tmp != NULL && fsync(fileno(o->fp)) == -1))
		rc = -1;
	e = errno;
	if (fclose(o->fp) == EOF && rc == 0) {
		rc = -1;
		e = errno;
	}
	o->fp = NULL;
	if (rc == 0 && o->tmp != NULL && rename(o->tmp, o->path) == -1) {
		rc = -1;
		e = errno;
	}
	if (rc == -1) {
		err_warn("%s: %s", o->path, strerror(e));
		if (o->tmp != NULL)
			unlink(o->tmp);
	}
	if (o->tmp != NULL)
		forget(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o);
	return rc;
}

/* Drop the output: remove the temporary file.  Frees o. */
void
outfile_abort(struct outfile *o)
{
	if (o == NULL)
		return;
	if (o->path != NULL) {
		if (o->fp != NULL)
			fclose(o->fp);
		if (o->tmp != NULL) {
			unlink(o->tmp);
			forget(o->tmp);
		}
		free(o->tmp);
		free(o->path);
	}
	free(o);
}

/* Remove every pending temporary file (on a fatal error). */
void
outfile_abort_all(void)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++)
		if (pending[i] != NULL) {
			unlink(pending[i]);
			pending[i] = NULL;
		}
}
