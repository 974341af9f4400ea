/*
 * libFuzzer target: one pprof2tsv input.  The bytes go through what
 * pprof2tsv does with a file: gzip-or-raw detection and gunzip
 * (pprof_load), decoding with a callback per sample (pprof_parse, which
 * also dispatches Go's debug=1 text), and row formatting (rows_begin,
 * rows_sample) in both the row and the folded mode.  The options of the
 * row formatting (--lines, --focus, --ignore, --tagfocus, --values,
 * --sample_index) are switched on by the bits of one byte of the input.
 * A rejection must be a one-line message; written output must be
 * well-formed TSV.  Nothing here may exit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "pattern.h"
#include "pprof.h"
#include "prof.h"
#include "rows.h"
#include "xmalloc.h"

struct ctx {
	struct rows	*rows;
	int		 begun;
};

static int
on_sample(void *arg, const struct prof *p, const struct prof_sample *s,
    char *err, size_t errlen)
{
	struct ctx *c = arg;

	if (!c->begun) {
		c->begun = 1;
		if (rows_begin(c->rows, p, "fuzz.pb.gz", 1, err, errlen) == -1)
			return -1;
	}
	return rows_sample(c->rows, p, s, err, errlen);
}

/* The options that bits of v switch on, as pprof2tsv would set them. */
static void
options(struct rows_opts *o, int folded, unsigned v)
{
	static char v0[] = "inuse_space", v1[] = "alloc_objects";
	static char *values[] = { v0, v1 };
	static struct pattern *focus, *ignore;
	static struct rows_tagfocus tf = { "bytes", NULL };
	char err[128];

	/* Compiled once, like pprof2tsv's, and kept for the whole run. */
	if (focus == NULL) {
		focus = pattern_new("main|leak", err, sizeof(err));
		ignore = pattern_new("^runtime\\.", err, sizeof(err));
		tf.re = pattern_new("^[0-9]+[kMG]?B?$", err, sizeof(err));
		if (focus == NULL || ignore == NULL || tf.re == NULL)
			abort();
	}
	memset(o, 0, sizeof(*o));
	o->folded = folded;
	o->lines = v & 1;
	if (v & 2)
		o->focus = focus;
	if (v & 4)
		o->ignore = ignore;
	if (v & 8) {
		o->tagfocus = &tf;
		o->ntagfocus = 1;
	}
	if (folded && v & 16)
		o->sample_index = values[0];
	else if (!folded && v & 16) {
		o->values = values;
		o->nvalues = 2;
	}
}

static void
decode(const struct pprof_input *in, int folded, unsigned v)
{
	struct rows_opts o;
	struct ctx c;
	struct prof p;
	char *out = NULL, err[512];
	size_t outlen = 0;
	FILE *fp;

	options(&o, folded, v);
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		abort();
	c.rows = rows_new(fp, &o);
	c.begun = 0;
	memset(&p, 0, sizeof(p));
	p.arena = arena_new();
	err[0] = '\0';
	if (pprof_parse(&p, in, on_sample, &c, err, sizeof(err)) == -1 ||
	    (!c.begun && rows_begin(c.rows, &p, "fuzz.pb.gz", 1, err,
	    sizeof(err)) == -1))
		fuzz_check_err("pprof_parse", err);
	if (rows_finish(c.rows) == -1)
		abort();
	rows_free(c.rows);
	fclose(fp);
	if (!folded)
		fuzz_check_tsv(out, outlen, "rows");
	free(out);
	arena_free(p.arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pprof_input in;
	unsigned char *raw;
	char err[512];
	unsigned v;

	memset(&in, 0, sizeof(in));
	raw = xmalloc(size > 0 ? size : 1);
	memcpy(raw, data, size);
	err[0] = '\0';
	if (pprof_load(&in, raw, size, FUZZ_MAX_BYTES, err, sizeof(err)) ==
	    -1) {
		fuzz_check_err("pprof_load", err);
		return 0;
	}
	/* The options come from the middle byte of the input. */
	v = size > 0 ? data[size / 2] : 0;
	decode(&in, 0, v);
	decode(&in, 1, v >> 1);
	pprof_input_free(&in);
	return 0;
}
