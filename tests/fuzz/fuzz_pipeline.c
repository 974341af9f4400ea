/*
 * libFuzzer target: the YAML pipeline loader (common/pipeline.h), which
 * reads a file and, as documented, exits 1 on a bad one; the exit trap
 * (trap.c) brings it back here.  Any other status is a failure.  Only
 * loading is fuzzed: expanding a pipeline globs and makes folders.
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "pipeline.h"

static void
load(void *arg)
{
	pipeline_free(pipeline_load(arg));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc;

	rc = fuzz_trap_call(load, (void *)(uintptr_t)fuzz_trap_file(data, size));
	if (rc != 0 && rc != 1 + 1)
		abort();
	return 0;
}
