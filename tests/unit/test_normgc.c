/*
 * Unit tests of normalize-gc's maths (common/normgc).  Expected values were
 * worked out by hand; the exponentials with Python's math.exp:
 *   exp(-0.85) = 0.427414932, exp(-1.7) = 0.182683524, exp(-2.55) = 0.0780817,
 *   exp(-1.275) = 0.2794309682.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "gctrace.h"
#include "normgc.h"
#include "tap.h"

static void
test_rebase(void)
{
	/*
	 * One site's alloc_space over two restarts: incarnation 1 adds the
	 * last value of incarnation 0 (12), incarnation 2 adds 12 + 7.
	 */
	int inc[] = { 0, 0, 0, 1, 1, 2 };
	double x[] = { 5, 8, 12, 3, 7, 1 };
	double want[] = { 5, 8, 12, 15, 19, 20 };
	double y[6];
	char name[64];
	size_t i;

	normgc_rebase(inc, x, 6, y);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "rebase point %zu", i);
		is_double(y[i], want[i], 0, name);
	}

	/* No restart: unchanged. */
	normgc_rebase((int[]){ 0, 0 }, (double[]){ 4, 9 }, 2, y);
	is_double(y[1], 9, 0, "rebase without restart");

	/* A site that starts at 0 in the new process keeps the offset. */
	normgc_rebase((int[]){ 0, 1 }, (double[]){ 6, 0 }, 2, y);
	is_double(y[1], 6, 0, "rebase of 0 after a restart");
}

static void
test_stepexp(void)
{
	/*
	 * t = 0..4 s, x = 10 4 6 6 2, window 3 s, beta 0.85.
	 * Falls: at t=1 (10->4, a=6) and t=4 (6->2, a=4).
	 *   y0 = 10
	 *   y1 = 4 + 6              = 10
	 *   y2 = 6 + 6 exp(-0.85)   = 8.564489592
	 *   y3 = 6 + 6 exp(-1.7)    = 7.096101144
	 *   y4 = 2 + 4 (the t=1 fall is 3 s old: out of the window) = 6
	 * divided by the maximum 10.
	 */
	double t[] = { 0, 1, 2, 3, 4 }, x[] = { 10, 4, 6, 6, 2 }, y[5];
	double want[] = { 1, 1, 0.8564489592, 0.7096101144, 0.6 };
	double m;
	char name[64];
	size_t i;

	m = normgc_stepexp(t, x, 5, 3, 0.85, y);
	is_double(m, 10, 1e-12, "step-exp divisor is the max 10");
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "step-exp point %zu", i);
		is_double(y[i], want[i], 1e-9, name);
	}
	is_double(normgc_delta(t, x, 5, 3, 0.85, 2.5),
	    6 * 0.2794309682, 1e-9, "delta at 2.5 s: 6 exp(-0.85 * 1.5)");

	/* A longer window keeps the first fall: y4 = 2 + 4 + 6 exp(-2.55). */
	normgc_stepexp(t, x, 5, 10, 0.85, y);
	is_double(y[4], (6 + 6 * 0.0780817) / 10, 1e-7, "window 10 s");

	/* beta 0: no decay, every fall is added back in full. */
	normgc_stepexp(t, x, 5, 10, 0, y);
	is_double(y[4], (2 + 6 + 4) / 12.0, 1e-12, "beta 0");

	/* A growing series has no falls: only divided by its maximum. */
	normgc_stepexp(t, (double[]){ 1, 2, 3, 4, 8 }, 5, 3, 0.85, y);
	is_double(y[2], 3 / 8.0, 1e-12, "no falls");

	/* All zero: all zero, divisor 0. */
	m = normgc_stepexp(t, (double[]){ 0, 0, 0, 0, 0 }, 5, 3, 0.85, y);
	ok(m == 0 && y[0] == 0 && y[4] == 0, "all-zero series");
}

static void
test_cycles(void)
{
	/* Cycles start at 1.0, 2.0, 3.0 s and last 10 ms each. */
	struct gctrace_cycle c[3];
	double u[4] = { 0, 1, 2, 3 };
	double inuse[4];

	memset(c, 0, sizeof(c));
	c[0].num = 5; c[0].t = 1.0; c[0].clock = 10;
	c[1].num = 6; c[1].t = 2.0; c[1].clock = 10;
	c[2].num = 7; c[2].t = 3.0; c[2].clock = 10;
	is_int(normgc_cycle_at(c, 3, 0.5), 4, "before the first cycle: 4");
	is_int(normgc_cycle_at(c, 3, 1.005), 4, "during cycle 5: still 4");
	is_int(normgc_cycle_at(c, 3, 1.01), 5, "at the end of cycle 5");
	is_int(normgc_cycle_at(c, 3, 2.5), 6, "between 6 and 7");
	is_int(normgc_cycle_at(c, 3, 99), 7, "after the last");
	is_int(normgc_cycle_at(c, 0, 1), -1, "no cycles: unknown");

	/*
	 * Live heaps 10, 40, 20 MB.  A profile written after cycle N shows
	 * the heap marked by cycle N-1.  Snapshots 1 s apart with inuse
	 * totals 10, 40 MB show cycles 5 and 6, so they come after the ends
	 * of cycles 6 and 7: the first at 2.01 s at the earliest.
	 */
	c[0].heap_live = (int64_t)10 << 20;
	c[1].heap_live = (int64_t)40 << 20;
	c[2].heap_live = (int64_t)20 << 20;
	inuse[0] = 10 << 20;
	inuse[1] = 40 << 20;
	is_double(normgc_align(c, 3, u, inuse, 2), 2.01, 1e-5,
	    "align 10, 40 MB after cycles 6, 7");
	/* One snapshot of 40 MB shows cycle 6: after the end of 7. */
	inuse[0] = 40 << 20;
	is_double(normgc_align(c, 3, u, inuse, 1), 3.01, 1e-5,
	    "align 40 MB after cycle 7");
}

int
main(void)
{
	enum normgc_model m;

	test_rebase();
	test_stepexp();
	test_cycles();
	ok(normgc_model_parse("step-exp", &m) == 0 && m == NORMGC_STEPEXP,
	    "model step-exp");
	ok(normgc_model_parse("rebase", &m) == 0 && m == NORMGC_REBASE,
	    "model rebase");
	ok(normgc_model_parse("exp", &m) == -1, "model exp is unknown");
	return done_testing();
}
