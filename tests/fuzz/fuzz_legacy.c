/*
 * libFuzzer target: Go's debug=1 text profiles (common/legacy.h).  The
 * bytes are sniffed; heap and goroutine text is parsed and its rows
 * formatted; the "# runtime.MemStats" section is read from every input.
 * The buffer is an exact-size copy without a NUL, so a read past its end
 * is caught.  Nothing here may exit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "legacy.h"
#include "prof.h"
#include "rows.h"
#include "xmalloc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *what = NULL, *values[64];
	const char *const *names;
	struct rows_opts o;
	struct rows *r;
	struct prof p;
	enum legacy_kind k;
	char *buf, *out = NULL, err[512];
	size_t outlen = 0, ncols;
	FILE *fp;

	buf = xmalloc(size > 0 ? size : 1);
	memcpy(buf, data, size);
	memset(&p, 0, sizeof(p));
	p.arena = arena_new();

	k = legacy_sniff(buf, size, &what);
	if (k == LEGACY_UNSUPPORTED && (what == NULL || *what == '\0'))
		abort();
	if (k == LEGACY_GO_HEAP || k == LEGACY_GO_GOROUTINE) {
		err[0] = '\0';
		if (legacy_parse(&p, buf, size, err, sizeof(err)) == -1)
			fuzz_check_err("legacy_parse", err);
		else {
			memset(&o, 0, sizeof(o));
			if ((fp = open_memstream(&out, &outlen)) == NULL)
				abort();
			r = rows_new(fp, &o);
			if (rows_add(r, &p, "fuzz.txt", 1, err, sizeof(err)) ==
			    -1)
				fuzz_check_err("rows_add", err);
			if (rows_finish(r) == -1)
				abort();
			rows_free(r);
			fclose(fp);
			fuzz_check_tsv(out, outlen, "legacy rows");
			free(out);
		}
	}

	ncols = legacy_memstats_columns(&names);
	if (ncols > sizeof(values) / sizeof(values[0]))
		abort();
	err[0] = '\0';
	if (legacy_memstats(buf, size, p.arena, values, err, sizeof(err)) ==
	    -1)
		fuzz_check_err("legacy_memstats", err);

	arena_free(p.arena);
	free(buf);
	return 0;
}
