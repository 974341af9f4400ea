/*
 * libFuzzer target: the GODEBUG=gctrace=1 log parser (common/gctrace.h),
 * read from a FILE over the input bytes.  A rejection must be a one-line
 * message; the cycles returned must come from lines of the input, in
 * order.  Nothing here may exit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gctrace.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gctrace_cycle *c = NULL;
	unsigned long lines = 1;
	char *buf, err[512];
	ssize_t n, i;
	size_t j;
	FILE *fp;

	/* fmemopen wants a buffer it may write a NUL after; give it one. */
	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (j = 0; j < size; j++)
		lines += buf[j] == '\n';
	if ((fp = fmemopen(buf, size > 0 ? size : 1, "r")) == NULL)
		abort();
	err[0] = '\0';
	if ((n = gctrace_parse(fp, &c, err, sizeof(err))) == -1)
		fuzz_check_err("gctrace_parse", err);
	for (i = 0; i < n; i++)
		if (c[i].line < 1 || c[i].line > lines ||
		    (i > 0 && c[i].line <= c[i - 1].line))
			abort();
	free(c);
	fclose(fp);
	free(buf);
	return 0;
}
