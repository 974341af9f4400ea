/*
 * libFuzzer target: one pprof2tsv input.  The bytes go through what
 * pprof2tsv does with a file: gzip-or-raw detection and gunzip
 * (pprof_load), decoding (pprof_parse), then row formatting (rows_add) in
 * both the row and the folded mode.  A rejection must be a one-line
 * message; written output must be well-formed TSV.  Nothing here may exit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "pprof.h"
#include "prof.h"
#include "rows.h"
#include "xmalloc.h"

static void
write_rows(const struct prof *p, int folded)
{
	struct rows_opts o;
	struct rows *r;
	char *out = NULL, err[512];
	size_t outlen = 0;
	FILE *fp;

	memset(&o, 0, sizeof(o));
	o.folded = folded;
	o.lines = !folded;
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		abort();
	r = rows_new(fp, &o);
	err[0] = '\0';
	if (rows_add(r, p, "fuzz.pb.gz", 1, err, sizeof(err)) == -1)
		fuzz_check_err("rows_add", err);
	if (rows_finish(r) == -1)
		abort();
	rows_free(r);
	fclose(fp);
	if (!folded)
		fuzz_check_tsv(out, outlen, "rows");
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pprof_input in;
	struct prof p;
	unsigned char *raw;
	char err[512];

	memset(&in, 0, sizeof(in));
	raw = xmalloc(size > 0 ? size : 1);
	memcpy(raw, data, size);
	err[0] = '\0';
	if (pprof_load(&in, raw, size, FUZZ_MAX_BYTES, err, sizeof(err)) ==
	    -1) {
		fuzz_check_err("pprof_load", err);
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.arena = arena_new();
	err[0] = '\0';
	if (pprof_parse(&p, &in, err, sizeof(err)) == -1)
		fuzz_check_err("pprof_parse", err);
	else {
		write_rows(&p, 0);
		write_rows(&p, 1);
	}
	pprof_input_free(&in);
	arena_free(p.arena);
	return 0;
}
