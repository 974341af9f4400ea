/* Diagnostics: "prog: message" on stderr, one line each. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "outfile.h"

static const char *prog = "leakatlas";

void
err_setprog(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	prog = slash != NULL ? slash + 1 : argv0;
}

const char *
err_prog(void)
{
	return prog;
}

/*
 * The line is formatted whole and written in one call, so that the
 * messages of stages sharing a stderr (a pipeline) never interleave
 * within a line.  A message longer than the buffer is cut.
 */
void
err_vwarn(const char *fmt, va_list ap)
{
	char buf[4096];
	size_t n, room;
	int m;

	fflush(stdout);
	m = snprintf(buf, sizeof(buf), "%s: ", prog);
	n = m > 0 && (size_t)m < sizeof(buf) / 2 ? (size_t)m : 0;
	room = sizeof(buf) - n - 1;		/* 1 for the newline */
	m = vsnprintf(buf + n, room, fmt, ap);
	if (m > 0)
		n += (size_t)m < room ? (size_t)m : room - 1;
	buf[n++] = '\n';
	fwrite(buf, 1, n, stderr);
}

void
err_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vwarn(fmt, ap);
	va_end(ap);
}

/* Print the message, remove any temporary output file, and exit. */
void
err_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vwarn(fmt, ap);
	va_end(ap);
	outfile_abort_all();
	exit(status);
}

/* A usage error: the message (if any), the hint, exit 2. */
void
err_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		err_vwarn(fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	outfile_abort_all();
	exit(EXIT_USAGE);
}

void
err_version(void)
{
	printf("%s (%s) %s\n", prog, PACKAGE_NAME, PACKAGE_VERSION);
}

/*
 * For functions that report errors to their caller: format the message
 * into err (errlen bytes) and return -1.
 */
int
err_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
