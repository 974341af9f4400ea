/* Caps on input size and shape; see caps.h. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "caps.h"
#include "err.h"
#include "prof.h"

/* In the order of the CAPS_OPT_* values. */
static const struct cap {
	const char	*name;
	const char	*unit;		/* after the number in messages */
	size_t		 field;		/* offset in struct caps */
} caps[] = {
	{ "--max-bytes", " bytes", offsetof(struct caps, max_bytes) },
	{ "--max-depth", "", offsetof(struct caps, max_depth) },
	{ "--max-labels", "", offsetof(struct caps, max_labels) },
	{ "--max-line", " bytes", offsetof(struct caps, max_line) },
	{ "--max-snapshots", "", offsetof(struct caps, max_snapshots) }
};

static const struct cap *
cap_of(int opt)
{
	return &caps[opt - CAPS_OPT_MAX_BYTES];
}

void
caps_init(struct caps *cp)
{
	cp->max_bytes = CAPS_MAX_BYTES;
	cp->max_depth = CAPS_MAX_DEPTH;
	cp->max_labels = CAPS_MAX_LABELS;
	cp->max_line = CAPS_MAX_LINE;
	cp->max_snapshots = CAPS_MAX_SNAPSHOTS;
}

/*
 * The value of option opt: a whole number from 1, with an optional binary
 * suffix k, M or G (times 1024, 1024^2, 1024^3).  Bad usage otherwise.
 */
size_t
caps_parse(const char *opt, const char *s)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')
		err_usage("%s: not a number: %s", opt, s);
	v = strtoull(s, &end, 10);
	if (end[0] != '\0' && end[1] == '\0') {
		switch (end[0]) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: shift = -1; break;
		}
		end++;
	}
	if (errno != 0 || *end != '\0' || shift < 0 || v == 0 ||
	    v > (SIZE_MAX >> 1) >> shift)
		err_usage("%s: not a number from 1 (suffix k, M or G): %s",
		    opt, s);
	return (size_t)(v << shift);
}

/* Set the cap of option opt (a CAPS_OPT_*) from its argument. */
void
caps_set(struct caps *cp, int opt, const char *arg)
{
	const struct cap *c = cap_of(opt);

	*(size_t *)(void *)((char *)cp + c->field) = caps_parse(c->name, arg);
}

/*
 * The message of a cap exceeded: what (fmt), then "(limit N UNIT; raise
 * with --OPTION)", into err (errlen bytes).  Returns -1, as err_set.
 */
int
caps_err(char *err, size_t errlen, int opt, size_t limit,
    const char *fmt, ...)
{
	const struct cap *c = cap_of(opt);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, " (limit %zu%s; raise "
		    "with %s)", limit, c->unit, c->name);
	return -1;
}

/*
 * Check one decoded sample against the per-sample caps (none when cp is
 * NULL): its frames, inlined calls counted, and its labels.
 */
int
caps_sample(const struct caps *cp, const struct prof_sample *s, char *err,
    size_t errlen)
{
	size_t i, depth = 0;

	if (cp == NULL)
		return 0;
	for (i = 0; i < s->nlocs; i++)
		depth += s->locs[i]->nframes;
	if (depth > cp->max_depth)
		return caps_err(err, errlen, CAPS_OPT_MAX_DEPTH,
		    cp->max_depth, "stack too deep: %zu frames", depth);
	if (s->nlabels > cp->max_labels)
		return caps_err(err, errlen, CAPS_OPT_MAX_LABELS,
		    cp->max_labels, "too many labels: %zu", s->nlabels);
	return 0;
}
