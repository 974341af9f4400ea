/*
 * A minimal TAP producer for the unit tests: ok(), is_int(), is_str(),
 * is_double() print one "ok N - name" line each; done_testing() prints the
 * plan and returns the exit status.
 */
#ifndef LEAKATLAS_TAP_H
#define LEAKATLAS_TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void
ok(int cond, const char *name)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
}

static inline void
is_int(long long got, long long want, const char *name)
{
	ok(got == want, name);
	if (got != want)
		printf("#   got %lld, want %lld\n", got, want);
}

static inline void
is_str(const char *got, const char *want, const char *name)
{
	int c = got != NULL && strcmp(got, want) == 0;

	ok(c, name);
	if (!c)
		printf("#   got '%s', want '%s'\n", got ? got : "(null)", want);
}

/* Equal within an absolute tolerance. */
static inline void
is_double(double got, double want, double tol, const char *name)
{
	int c = fabs(got - want) <= tol || (isnan(got) && isnan(want));

	ok(c, name);
	if (!c)
		printf("#   got %.12g, want %.12g (tolerance %g)\n", got, want,
		    tol);
}

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
