/*
 * libFuzzer target: the leak-pattern rules loader (common/rules.h), which
 * exits 1 on a bad file (trapped, see trap.c).  A rule set that loads is
 * matched against one suspect with every kind of evidence.
 */
#include "config.h"

#include "fuzz.h"
#include "rules.h"

static void
load(void *arg)
{
	static const char *const frames[] = { "runtime.SetFinalizer",
	    "time.NewTicker", "sync.(*Map).Store" };
	static const char *const source[] = { "\tm[k] = v",
	    "\tch <- x", "" };
	static const int lineno[] = { 10, 11, 12 };
	struct rules_match m[8];
	struct rules_input in = { "main.leak", "chan send", 1, frames, 3,
	    frames, 3, source, lineno, 3 };
	struct rules *rs = rules_new();

	rules_load(rs, arg);
	(void)rules_match(rs, &in, m, 8);
	rules_free(rs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trap_load(load, data, size);
}
