/*
 * Parsing of GODEBUG=gctrace=1 output (see gctrace.h).  The formats read:
 *
 *   Go 1.5, 1.6:  gc 1 @0.166s 0%: a+b+c+d+e ms clock, a+b+c+d/e/f+g ms cpu,
 *                 5->5->1 MB, 4 MB goal, 4 P
 *   Go 1.7-1.17:  gc 1 @0.013s 0%: a+b+c ms clock, a+b/c/d+e ms cpu,
 *                 4->4->0 MB, 5 MB goal, 4 P
 *   Go 1.18-:     ... 4 MB goal, 0 MB stacks, 0 MB globals, 4 P
 *
 * each optionally followed by " (forced)".  The phase lists are read
 * whatever their length.  A line is a gc line when "gc N @" starts it or
 * follows a blank (so a timestamp prefix added by a log collector is
 * allowed); such a line must then parse in full.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gctrace.h"
#include "xmalloc.h"

struct cursor {
	const char	*p;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static void
fail(struct cursor *c, const char *what)
{
	char near[24];
	size_t n;

	if (c->failed)
		return;
	c->failed = 1;
	for (n = 0; n < sizeof(near) - 1 && c->p[n] != '\0' &&
	    c->p[n] != '\n' && c->p[n] != '\r'; n++)
		near[n] = isprint((unsigned char)c->p[n]) ? c->p[n] : '?';
	near[n] = '\0';
	if (n == 0)
		snprintf(c->err, c->errlen, "expected %s at end of line", what);
	else
		snprintf(c->err, c->errlen, "expected %s at '%s'", what, near);
}

static void
blanks(struct cursor *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

/* Match a literal, after optional blanks. */
static int
word(struct cursor *c, const char *w, const char *what)
{
	size_t n = strlen(w);

	if (c->failed)
		return -1;
	blanks(c);
	if (strncmp(c->p, w, n) != 0) {
		fail(c, what);
		return -1;
	}
	c->p += n;
	return 0;
}

/* A non-negative decimal integer, after optional blanks. */
static int
integer(struct cursor *c, int64_t max, int64_t *v, const char *what)
{
	int64_t x = 0;

	if (c->failed)
		return -1;
	blanks(c);
	if (!isdigit((unsigned char)*c->p)) {
		fail(c, what);
		return -1;
	}
	for (; isdigit((unsigned char)*c->p); c->p++) {
		if (x > (max - (*c->p - '0')) / 10) {
			fail(c, "a smaller number");
			return -1;
		}
		x = x * 10 + (*c->p - '0');
	}
	*v = x;
	return 0;
}

/* A non-negative decimal "digits[.digits]", after optional blanks. */
static int
decimal(struct cursor *c, double *v, const char *what)
{
	const char *s;
	char buf[64];
	size_t n;

	if (c->failed)
		return -1;
	blanks(c);
	s = c->p;
	while (isdigit((unsigned char)*c->p))
		c->p++;
	if (c->p == s) {
		fail(c, what);
		return -1;
	}
	if (*c->p == '.' && isdigit((unsigned char)c->p[1]))
		for (c->p++; isdigit((unsigned char)*c->p); c->p++)
			;
	n = (size_t)(c->p - s);
	if (n >= sizeof(buf)) {
		c->p = s;
		fail(c, "a shorter number");
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	return 0;
}

/* Phase times "a+b/c/d+e"; returns their sum in *sum. */
static int
phases(struct cursor *c, double *sum, const char *what)
{
	double x;

	*sum = 0;
	for (;;) {
		if (decimal(c, &x, what) == -1)
			return -1;
		*sum += x;
		if (*c->p != '+' && *c->p != '/')
			return 0;
		c->p++;
	}
}

/* MB as printed (value >> 20), to bytes. */
static int
megabytes(struct cursor *c, int64_t *bytes, const char *what)
{
	int64_t mb;

	if (integer(c, INT64_MAX >> 20, &mb, what) == -1)
		return -1;
	*bytes = mb << 20;
	return 0;
}

/* Where "gc N @" begins in the line, or NULL. */
static const char *
find_gc(const char *s)
{
	const char *p, *q;

	for (p = s; (p = strstr(p, "gc")) != NULL; p += 2) {
		if (p != s && p[-1] != ' ' && p[-1] != '\t')
			continue;
		q = p + 2;
		if (*q != ' ')
			continue;
		while (*q == ' ')
			q++;
		if (!isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q != ' ')
			continue;
		while (*q == ' ')
			q++;
		if (*q == '@')
			return p;
	}
	return NULL;
}

int
gctrace_parse_line(const char *line, struct gctrace_cycle *gc, char *err,
    size_t errlen)
{
	struct cursor c;
	int64_t n, procs;
	double cpu;

	memset(gc, 0, sizeof(*gc));
	if ((c.p = find_gc(line)) == NULL)
		return 0;
	c.err = err;
	c.errlen = errlen;
	c.failed = 0;
	gc->stacks = gc->globals = -1;

	word(&c, "gc", "'gc'");
	integer(&c, INT64_MAX, &gc->num, "the GC number");
	word(&c, "@", "'@'");
	decimal(&c, &gc->t, "the time since start");
	word(&c, "s", "'s' after the time");
	decimal(&c, &gc->pct, "the GC time percentage");
	word(&c, "%:", "'%:'");
	phases(&c, &gc->clock, "the clock phase times");
	word(&c, "ms", "'ms clock'");
	word(&c, "clock,", "'ms clock,'");
	phases(&c, &cpu, "the cpu phase times");
	word(&c, "ms", "'ms cpu'");
	word(&c, "cpu,", "'ms cpu,'");
	megabytes(&c, &gc->heap_start, "the heap size at GC start");
	word(&c, "->", "'->'");
	megabytes(&c, &gc->heap_end, "the heap size at GC end");
	word(&c, "->", "'->'");
	megabytes(&c, &gc->heap_live, "the live heap size");
	word(&c, "MB,", "'MB,' after the heap sizes");
	megabytes(&c, &gc->goal, "the heap goal");
	word(&c, "MB", "'MB goal'");
	word(&c, "goal,", "'MB goal,'");
	integer(&c, INT64_MAX >> 20, &n, "the stack size or P count");
	if (!c.failed) {
		blanks(&c);
		if (strncmp(c.p, "MB", 2) == 0) {
			gc->stacks = n << 20;
			word(&c, "MB", "'MB stacks'");
			word(&c, "stacks,", "'MB stacks,'");
			megabytes(&c, &gc->globals, "the globals size");
			word(&c, "MB", "'MB globals'");
			word(&c, "globals,", "'MB globals,'");
			integer(&c, INT64_MAX, &n, "the P count");
		}
	}
	procs = n;
	word(&c, "P", "'P'");
	if (!c.failed) {
		blanks(&c);
		if (*c.p == '(') {
			word(&c, "(forced)", "'(forced)'");
			gc->forced = 1;
		}
		blanks(&c);
		if (*c.p == '\r')
			c.p++;
		if (*c.p != '\0' && *c.p != '\n')
			fail(&c, "the end of the line");
	}
	if (c.failed)
		return -1;
	if (procs > 1 << 24) {
		snprintf(err, errlen, "P count %lld too large", (long long)procs);
		return -1;
	}
	gc->procs = (int)procs;
	return 1;
}

ssize_t
gctrace_parse(FILE *fp, struct gctrace_cycle **out, char *err, size_t errlen)
{
	struct gctrace_cycle *v = NULL, gc;
	size_t n = 0, cap = 0;
	unsigned long lineno = 0;
	char *line = NULL, msg[160];
	size_t linecap = 0;
	int rc, e;

	*out = NULL;
	while (getline(&line, &linecap, fp) != -1) {
		lineno++;
		rc = gctrace_parse_line(line, &gc, msg, sizeof(msg));
		if (rc == 0)
			continue;
		if (rc == -1) {
			snprintf(err, errlen, "line %lu: %s", lineno, msg);
			free(line);
			free(v);
			return -1;
		}
		gc.line = lineno;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = gc;
	}
	e = errno;
	free(line);
	/* getline also stops on ENOMEM, without setting the error flag. */
	if (ferror(fp) || !feof(fp)) {
		snprintf(err, errlen, "line %lu: read error: %s", lineno + 1,
		    strerror(e));
		free(v);
		return -1;
	}
	*out = v;
	return (ssize_t)n;
}
