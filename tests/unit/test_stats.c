/*
 * Unit tests of common/stats: every expected value was worked out by hand
 * (the sums are written next to it) or with python3's math module, as the
 * comment before it says.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tap.h"

static const double x5[] = { 0, 1, 2, 3, 4 };
static const double y5[] = { 1, 3, 2, 5, 4 };

static void
test_median(void)
{
	double odd[] = { 5, 1, 4, 2, 3 }, even[] = { 4, 1, 3, 2 };
	double same[] = { 7, 7, 7 };

	is_double(stats_median(odd, 5), 3, 0, "median of 5");
	is_double(stats_median(even, 4), 2.5, 0, "median of 4: (2+3)/2");
	is_double(stats_median(same, 3), 7, 0, "median of equal values");
	ok(isnan(stats_median(odd, 0)), "median of nothing is NAN");
}

static void
test_ols(void)
{
	double r2, c[] = { 2, 2, 2, 2, 2 };

	/*
	 * By hand: mean x 2, mean y 3; dx -2 -1 0 1 2, dy -2 0 -1 2 1;
	 * Sxy = 4+0+0+2+2 = 8, Sxx = 10, Syy = 10: slope 0.8,
	 * R^2 = Sxy^2 / (Sxx Syy) = 64/100.
	 */
	is_double(stats_ols(x5, y5, 5, &r2), 0.8, 1e-12, "ols slope");
	is_double(r2, 0.64, 1e-12, "ols r2");
	is_double(stats_ols(x5, c, 5, &r2), 0, 1e-12, "ols flat slope 0");
	ok(isnan(r2), "r2 of a constant series is NAN");
	ok(isnan(stats_ols(x5, y5, 1, &r2)), "ols of one point is NAN");
	ok(isnan(stats_ols(c, y5, 5, NULL)), "ols with constant x is NAN");
}

static void
test_theil_sen(void)
{
	double b, x[1000], y[1000];
	size_t i;

	/*
	 * By hand, the 10 pairwise slopes of (x5, y5): 2, 0.5, 4/3, 0.75,
	 * -1, 1, 1/3, 3, 1, -1; sorted -1 -1 1/3 0.5 0.75 1 1 4/3 2 3, so
	 * the median is (0.75 + 1)/2 = 0.875.  y - 0.875 x is 1, 2.125,
	 * 0.25, 2.375, 0.5: median 1.
	 */
	is_double(stats_theil_sen(x5, y5, 5, &b), 0.875, 1e-12,
	    "theil-sen slope");
	is_double(b, 1, 1e-12, "theil-sen intercept");
	/* One outlier (a burst) does not move it: the line is y = 2x. */
	for (i = 0; i < 9; i++) {
		x[i] = (double)i;
		y[i] = 2 * (double)i;
	}
	y[4] = 1000;
	is_double(stats_theil_sen(x, y, 9, &b), 2, 1e-12,
	    "theil-sen ignores a burst");
	is_double(b, 0, 1e-12, "theil-sen intercept with a burst");
	/* Above the exact limit, still exact on a line y = 3x + 1. */
	for (i = 0; i < 1000; i++) {
		x[i] = 0.5 * (double)i;
		y[i] = 3 * x[i] + 1;
	}
	is_double(stats_theil_sen(x, y, 1000, &b), 3, 1e-9,
	    "theil-sen on 1000 points");
	is_double(b, 1, 1e-9, "theil-sen intercept on 1000 points");
	ok(isnan(stats_theil_sen(x, y, 1, &b)), "theil-sen of one point");
}

/* The O(n^2) definition, to check the merge-sort count against. */
static double
naive_s(const double *y, size_t n)
{
	double s = 0;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			s += (y[j] > y[i]) - (y[j] < y[i]);
	return s;
}

static void
test_mann_kendall(void)
{
	static const double ties[] = { 1, 1, 2, 2, 2, 3 };
	static const double flat[] = { 4, 4, 4, 4 };
	static const double down[] = { 5, 4, 3, 2, 1 };
	struct stats_mk mk;
	double y[300];
	uint32_t seed = 12345;
	size_t i;
	int agree = 1;

	/*
	 * By hand, (y5) signs of y_j - y_i over the 10 pairs: 8 plus, 2
	 * minus (3>2, 5>4): S = 6, tau = 6/10.  var = n(n-1)(2n+5)/18 =
	 * 5*4*15/18.  z = (S-1)/sqrt(var) = 1.224744871391589 and
	 * p = erfc(z/sqrt(2)) = 0.22067136191984688 (python3 math.erfc).
	 */
	stats_mann_kendall(y5, 5, &mk);
	is_double(mk.s, 6, 0, "mk S");
	is_double(mk.tau, 0.6, 1e-12, "mk tau");
	is_double(mk.var, 300.0 / 18, 1e-12, "mk var");
	is_double(mk.z, 1.224744871391589, 1e-12, "mk z");
	is_double(mk.p, 0.22067136191984688, 1e-12, "mk p");

	/*
	 * Ties (1,1,2,2,2,3): pairs going up 2*3 + 2*1 + 3*1 = 11, none
	 * down, 1 + 3 tied: S = 11, tau = 11/15.  Tie-corrected var =
	 * (6*5*17 - (2*1*9 + 3*2*11))/18 = 426/18.  z = 10/sqrt(426/18) =
	 * 2.055566129482595, p = 0.039824355364810736 (python3 math.erfc).
	 */
	stats_mann_kendall(ties, 6, &mk);
	is_double(mk.s, 11, 0, "mk S with ties");
	is_double(mk.tau, 11.0 / 15, 1e-12, "mk tau with ties");
	is_double(mk.var, 426.0 / 18, 1e-12, "mk tie-corrected var");
	is_double(mk.z, 2.055566129482595, 1e-12, "mk z with ties");
	is_double(mk.p, 0.039824355364810736, 1e-12, "mk p with ties");

	/* By hand: a falling series has S = -10, z = (S+1)/sqrt(var). */
	stats_mann_kendall(down, 5, &mk);
	is_double(mk.s, -10, 0, "mk S falling");
	is_double(mk.tau, -1, 1e-12, "mk tau falling");
	is_double(mk.z, -9 / sqrt(300.0 / 18), 1e-12, "mk z falling");

	stats_mann_kendall(flat, 4, &mk);
	is_double(mk.s, 0, 0, "mk S flat");
	is_double(mk.p, 1, 0, "mk p flat is 1");
	stats_mann_kendall(flat, 1, &mk);
	is_double(mk.p, 1, 0, "mk p of one point is 1");

	/* The merge-sort count equals the definition, ties included. */
	for (i = 0; i < 300; i++) {
		seed = seed * 1103515245 + 12345;
		y[i] = (double)((seed >> 16) % 40);
	}
	for (i = 2; i <= 300; i += 37) {
		stats_mann_kendall(y, i, &mk);
		if (mk.s != naive_s(y, i))
			agree = 0;
	}
	ok(agree, "mk S by merge sort equals the O(n^2) definition");

	/*
	 * The best p a length allows, by hand: a strictly rising series of
	 * n points has S = n(n-1)/2 and var = n(n-1)(2n+5)/18; n = 5: S = 10,
	 * z = 9/sqrt(300/18), p = erfc(z/sqrt(2)) = 0.027486336111510353
	 * (python3 math.erfc); n = 6: z = 14/sqrt(510/18), p =
	 * 0.00853492041422708.  Two segments of 4: S = 12, var = 2 * 156/18,
	 * z = 11/sqrt(312/18), p = 0.008239018825724647.  Segments of 1 add
	 * nothing; none at all: 1.
	 */
	{
		static const size_t five[] = { 5 }, six[] = { 6 };
		static const size_t fours[] = { 4, 4 }, ones[] = { 1, 1, 5 };

		is_double(stats_mk_best_p(five, 1), 0.027486336111510353,
		    1e-12, "mk best p of 5 points");
		is_double(stats_mk_best_p(six, 1), 0.00853492041422708, 1e-12,
		    "mk best p of 6 points");
		is_double(stats_mk_best_p(fours, 2), 0.008239018825724647,
		    1e-12, "mk best p of 4 + 4 points");
		is_double(stats_mk_best_p(ones, 3), stats_mk_best_p(five, 1),
		    0, "mk best p: one-point segments add nothing");
		is_double(stats_mk_best_p(ones, 2), 1, 0,
		    "mk best p without a pair is 1");
		stats_mann_kendall(down, 5, &mk);
		is_double(stats_mk_best_p(five, 1), stats_normal_sf2(9 /
		    sqrt(300.0 / 18)), 1e-15, "mk best p is a falling "
		    "series' p");
		is_double(mk.p, stats_mk_best_p(five, 1), 1e-15,
		    "mk best p equals the p of a monotone series");
	}
}

static void
test_noise_quantum(void)
{
	static const double q[] = { 0, 512, 1024, 512, 2048 };
	static const double line[] = { 1, 3, 5, 7, 9 };
	static const double bump[] = { 1, 3, 105, 7, 9 };

	is_double(stats_quantum(q, 5), 512, 0, "quantum: smallest step");
	is_double(stats_quantum(line, 1), 0, 0, "quantum of one value");
	/*
	 * Median rise: rises 512, 512, 27 (a regrown slice) and, in the
	 * second process, 600: median of 27 512 512 600 = (512 + 512) / 2.
	 * The fall and the step between the processes do not count.
	 */
	{
		static const double st[] = { 0, 512, 1024, 1051, 1051,
		    100, 700, 650 };
		static const size_t stlen[] = { 5, 3 };
		static const size_t one[] = { 3 };
		static const double flat[] = { 5, 5, 4 };

		is_double(stats_median_rise(st, stlen, 2), 512, 0,
		    "median rise: within processes, rises only");
		is_double(stats_median_rise(st, stlen, 1 /* 5 values */), 512,
		    0, "median rise of 512 512 27: 512");
		is_double(stats_median_rise(flat, one, 1), 0, 0,
		    "median rise of a series that never rose: 0");
	}
	is_double(stats_noise(x5, line, 5, 2, 1), 0, 0,
	    "noise about an exact line is 0");
	/* Residuals 0 0 100 0 0: the median absolute residual is 0. */
	is_double(stats_noise(x5, bump, 5, 2, 1), 0, 0,
	    "noise ignores one burst");
	/* Residuals 1 -1 1 -1 1 about y = 2x + 1: 1.4826 * 1. */
	{
		static const double zig[] = { 2, 2, 6, 6, 10 };

		is_double(stats_noise(x5, zig, 5, 2, 1), 1.4826, 1e-12,
		    "noise: 1.4826 x median |residual|");
	}
}

static void
test_plateau(void)
{
	static const double x[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const double fill[] = { 0, 1, 2, 3, 4, 4, 4, 4, 4 };
	static const double lin[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const double late[] = { 0, 0, 0, 0, 0, 0, 1, 2, 3 };
	static const double slow[] = { 0, 1, 2, 3, 4, 5, 5.5, 6, 6.5 };
	static const double flat[] = { 2, 2, 2, 2, 2, 2, 2, 2, 2 };

	/*
	 * By hand: 9 points split 6 + 3.  fill: the 15 slopes of the first
	 * six are ten 1s and 0.8 0.75 2/3 0.5 0 (to the point (5, 4)):
	 * median 1; the last three are flat: plateau 1.  lin: equal slopes,
	 * 0.  late: early 0, late 1: 0.  slow: early 1, late 0.5: 0.5.
	 * flat: no growth: NAN.
	 */
	is_double(stats_plateau(x, fill, 9), 1, 1e-12, "plateau: filled");
	is_double(stats_plateau(x, lin, 9), 0, 1e-12, "plateau: linear");
	is_double(stats_plateau(x, late, 9), 0, 1e-12, "plateau: late start");
	is_double(stats_plateau(x, slow, 9), 0.5, 1e-12,
	    "plateau: slowed by half");
	ok(isnan(stats_plateau(x, flat, 9)), "plateau of a flat series");
	ok(isnan(stats_plateau(x, lin, 2)), "plateau of two points");
}

/*
 * A series of three processes: x 0..8, y5 (5 points), then 0 2 2 (3
 * points), then -100 (one point, which no pair statistic may use).
 */
static const double xs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
static const double ys[] = { 1, 3, 2, 5, 4, 0, 2, 2, -100 };
static const size_t lens[] = { 5, 3, 1 };

static void
test_segments(void)
{
	struct stats_mk mk, a, b;
	double icpt[3], r2, x[1200], y[1200];
	size_t i, cut[4], s, o;
	uint32_t seed = 777;
	int agree = 1;

	/*
	 * Stratified Mann-Kendall, by hand: the first process has S 6 and
	 * var 300/18 (see test_mann_kendall); the second has pairs up, up,
	 * tied: S 2, one tie of 2, var (3*2*11 - 2*1*9)/18 = 48/18.  S 8 over
	 * 10 + 3 pairs: tau 8/13; var 348/18; z = 7/sqrt(348/18) =
	 * 1.5920058915156974, p = 0.11138338077998988 (python3 math.erfc).
	 * Checked with a python3 O(n^2) loop over the pairs within a
	 * process.
	 */
	stats_mann_kendall_seg(ys, lens, 3, &mk);
	is_double(mk.s, 8, 0, "stratified mk S");
	is_double(mk.tau, 8.0 / 13, 1e-12, "stratified mk tau");
	is_double(mk.var, 348.0 / 18, 1e-12, "stratified mk var");
	is_double(mk.z, 1.5920058915156974, 1e-12, "stratified mk z");
	is_double(mk.p, 0.11138338077998988, 1e-12, "stratified mk p");
	stats_mann_kendall_seg(ys, lens + 2, 1, &mk);
	is_double(mk.p, 1, 0, "stratified mk of one point: p 1");

	/*
	 * Theil-Sen, by hand: the 10 slopes of y5 (test_theil_sen) and
	 * 2, 1, 0 of the second process; sorted -1 -1 0 1/3 0.5 0.75 1 1 1
	 * 4/3 2 2 3: median 1.  Intercepts: median of y - x per process:
	 * (1 2 0 2 0) 1, (-5 -4 -5) -5, -108.  Residuals about them 0 1 1
	 * 1 1, 0 1 0 (the lone point left out): median 1, noise 1.4826.
	 * python3 statistics.median agrees on each.
	 */
	is_double(stats_theil_sen_seg(xs, ys, lens, 3, icpt), 1, 1e-12,
	    "stratified theil-sen slope");
	is_double(icpt[0], 1, 1e-12, "stratified intercept, process 0");
	is_double(icpt[1], -5, 1e-12, "stratified intercept, process 1");
	is_double(icpt[2], -108, 1e-12, "stratified intercept, lone point");
	is_double(stats_noise_seg(xs, ys, lens, 3, 1, icpt), 1.4826, 1e-12,
	    "stratified noise leaves the lone point out");
	ok(isnan(stats_theil_sen_seg(xs, ys, lens + 2, 1, icpt)) &&
	    isnan(icpt[0]), "stratified theil-sen of one point is NAN");

	/*
	 * Within-process least squares, by hand: first process Sxx 10,
	 * Sxy 8, Syy 10; second (x 5 6 7, y 0 2 2 about 6, 4/3) Sxx 2,
	 * Sxy 2, Syy 24/9.  Slope 10/12, r2 = 100 / (12 * 114/9) = 25/38.
	 */
	is_double(stats_ols_seg(xs, ys, lens, 3, &r2), 10.0 / 12, 1e-12,
	    "stratified ols slope");
	is_double(r2, 25.0 / 38, 1e-12, "stratified ols r2");

	/*
	 * Plateau, by hand: 9 points cut at 6: early is the first process
	 * and x 5 alone (slope 0.875, test_theil_sen), late is x 6 7
	 * (slope 0) and the lone point: plateau 1.
	 */
	is_double(stats_plateau_seg(xs, ys, lens, 3), 1, 1e-12,
	    "stratified plateau");
	/*
	 * A leak restarted: y = x on x 0..8, then y = x - 9 on x 9..11.
	 * Cut at 8: early slope 1; late, by hand, plain: (8,8) and
	 * (9..11, 0..2): slopes -8 -3.5 -2 1 1 1, median -0.5, plateau
	 * clipped to 1; within processes late is 1: plateau 0.
	 */
	for (i = 0; i < 12; i++) {
		x[i] = (double)i;
		y[i] = i < 9 ? (double)i : (double)i - 9;
	}
	cut[0] = 9;
	cut[1] = 3;
	is_double(stats_plateau(x, y, 12), 1, 1e-12,
	    "plain plateau of a restarted leak is 1");
	is_double(stats_plateau_seg(x, y, cut, 2), 0, 1e-12,
	    "stratified plateau of a restarted leak is 0");

	/*
	 * Above the exact limit: two processes of 600 points on y = 3x + 1
	 * and y = 3x - 5000: slope 3, each intercept exact.
	 */
	for (i = 0; i < 1200; i++) {
		x[i] = 0.5 * (double)i;
		y[i] = 3 * x[i] + (i < 600 ? 1 : -5000);
	}
	cut[0] = cut[1] = 600;
	is_double(stats_theil_sen_seg(x, y, cut, 2, icpt), 3, 1e-9,
	    "stratified theil-sen on 1200 points");
	is_double(icpt[0], 1, 1e-9, "its first intercept");
	is_double(icpt[1], -5000, 1e-9, "its second intercept");

	/*
	 * The definition: stratified S and var are the sums of the plain
	 * test's over the processes, for random cuts of random data.
	 */
	for (i = 0; i < 300; i++) {
		seed = seed * 1103515245 + 12345;
		y[i] = (double)((seed >> 16) % 25);
	}
	for (i = 0; i < 20; i++) {
		seed = seed * 1103515245 + 12345;
		cut[0] = (seed >> 16) % 100;
		cut[1] = 1 + (seed >> 8) % 100;
		cut[2] = (seed >> 4) % 100;
		cut[3] = 300 - cut[0] - cut[1] - cut[2];
		stats_mann_kendall_seg(y, cut, 4, &mk);
		a.s = a.var = 0;
		for (s = o = 0; s < 4; o += cut[s++]) {
			stats_mann_kendall(y + o, cut[s], &b);
			a.s += b.s;
			a.var += b.var;
		}
		if (mk.s != a.s || fabs(mk.var - a.var) > 1e-9 * a.var)
			agree = 0;
	}
	ok(agree, "stratified mk is the sum over processes");
}

static void
test_drift(void)
{
	static const double v[] = { 0, 1, 3, 4, 6, 20 };
	struct stats_drift d[6];

	/*
	 * By hand: deltas 1 2 1 2 14.  At 3 the previous deltas are 1 2:
	 * mean 1.5, sd sqrt(0.5), threshold 1.5 + 2 sqrt(0.5) =
	 * 2.914213562373095 (python3), delta 1: no alarm.  At 4: 1 2 1,
	 * mean 4/3, sd sqrt(1/3), threshold 2.4880338717125845.  At 5:
	 * 1 2 1 2, mean 1.5, sd sqrt(1/3), threshold 2.6547005383792515,
	 * delta 14: alarm.
	 */
	stats_drift(v, 6, 10, 2, d);
	ok(isnan(d[0].delta), "drift: no delta at 0");
	is_double(d[1].delta, 1, 0, "drift: delta at 1");
	ok(isnan(d[2].mean) && d[2].alarm == 0,
	    "drift: one earlier delta gives no threshold");
	is_double(d[3].mean, 1.5, 1e-12, "drift: mean at 3");
	is_double(d[3].sd, sqrt(0.5), 1e-12, "drift: sd at 3");
	is_double(d[3].threshold, 2.914213562373095, 1e-12,
	    "drift: threshold at 3");
	is_int(d[3].alarm, 0, "drift: no alarm at 3");
	is_double(d[4].threshold, 2.4880338717125845, 1e-12,
	    "drift: threshold at 4");
	is_int(d[4].alarm, 0, "drift: no alarm at 4");
	is_double(d[5].threshold, 2.6547005383792515, 1e-12,
	    "drift: threshold at 5");
	is_int(d[5].alarm, 1, "drift: alarm at 5");
	/* Window 2: at 5 only deltas 1 2 count (mean 1.5, sd sqrt(0.5)). */
	stats_drift(v, 6, 2, 2, d);
	is_double(d[5].mean, 1.5, 1e-12, "drift: window 2 mean");
	is_double(d[5].sd, sqrt(0.5), 1e-12, "drift: window 2 sd");
}

/* Worked by hand: rises of the series, largest over their sum. */
static void
test_step_share(void)
{
	static const double even[] = { 4, 8, 12 };	/* 4 / (4+4) */
	static const double jump[] = { 0, 352, 39559624 };
	static const double fall[] = { 5, 3, 1 };	/* never rises */
	static const double mixed[] = { 10, 14, 11, 20 };	/* 9 / (4+9) */

	is_double(stats_step_share(even, 3), 0.5, 1e-12, "step share even");
	is_double(stats_step_share(jump, 3), 39559272.0 / 39559624.0, 1e-12,
	    "step share of one jump");
	is_double(stats_step_share(fall, 3), 1, 0, "step share, no rise");
	is_double(stats_step_share(mixed, 4), 9.0 / 13.0, 1e-12,
	    "step share ignores the fall");
	is_double(stats_step_share(even, 1), 1, 0, "step share, one point");
}

/*
 * Poisson CDF: values from python3, sum(exp(-l) * l**i / factorial(i)
 * for i in range(k + 1)).
 */
static void
test_poisson_cdf(void)
{
	is_double(stats_poisson_cdf(0, 3), 0.049787068367863944, 1e-15,
	    "poisson: P(0 | 3) = e^-3");
	is_double(stats_poisson_cdf(1, 3), 0.19914827347145578, 1e-15,
	    "poisson: P(<= 1 | 3)");
	is_double(stats_poisson_cdf(2.7, 6), 0.06196880441665896, 1e-15,
	    "poisson: k is floored");
	is_double(stats_poisson_cdf(5, 2.5), 0.9579789618046938, 1e-15,
	    "poisson: P(<= 5 | 2.5)");
	is_double(stats_poisson_cdf(-1, 2), 0, 0, "poisson: k < 0");
	is_double(stats_poisson_cdf(3, 0), 1, 0, "poisson: lambda 0");
	is_double(stats_poisson_cdf(1e12, 50), 1, 1e-12,
	    "poisson: a huge k stops early");
}

int
main(void)
{
	(void)is_str;
	test_median();
	test_ols();
	test_theil_sen();
	test_mann_kendall();
	test_noise_quantum();
	test_plateau();
	test_segments();
	test_drift();
	test_step_share();
	test_poisson_cdf();
	return done_testing();
}
