/*
 * libFuzzer target: the YAML pipeline loader (common/pipeline.h), which
 * reads a file and, as documented, exits 1 on a bad one; the exit trap
 * (trap.c) brings it back here.  Any other status is a failure.  Only
 * loading is fuzzed: expanding a pipeline globs and makes folders.
 */
#include "config.h"

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
	return fuzz_trap_load(load, data, size);
}
