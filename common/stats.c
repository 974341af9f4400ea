/* Trend statistics; see stats.h. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xmalloc.h"

static void
swap(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* Move the k-th smallest of v[0..n) to v[k] (Wirth's selection). */
static void
select_kth(double *v, size_t n, size_t k)
{
	ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, i, j, kk = (ptrdiff_t)k;
	double pivot;

	while (l < m) {
		pivot = v[kk];
		i = l;
		j = m;
		do {
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i <= j) {
				swap(&v[i], &v[j]);
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
}

/* The median of v[0..n), which it reorders; NAN when n is 0. */
double
stats_median(double *v, size_t n)
{
	double hi, lo;
	size_t i;

	if (n == 0)
		return NAN;
	select_kth(v, n, n / 2);
	hi = v[n / 2];
	if (n % 2 == 1)
		return hi;
	lo = v[0];
	for (i = 1; i < n / 2; i++)
		if (v[i] > lo)
			lo = v[i];
	return (lo + hi) / 2;
}

/*
 * Least-squares slope of y on x; *r2 (when not NULL) gets the coefficient
 * of determination, NAN when y is constant.  NAN slope when x is constant.
 */
double
stats_ols(const double *x, const double *y, size_t n, double *r2)
{
	return stats_ols_seg(x, y, &n, 1, r2);
}

/*
 * The least-squares slope common to the segments of a series (each about
 * its own means: the within-segment, or fixed-effects, slope); *r2 gets
 * the share of the within-segment variance of y it explains.  One segment
 * is stats_ols.
 */
double
stats_ols_seg(const double *x, const double *y, const size_t *len,
    size_t nseg, double *r2)
{
	double mx, my, sxx = 0, sxy = 0, syy = 0, dx, dy;
	size_t s, i, o, m;

	if (r2 != NULL)
		*r2 = NAN;
	for (s = o = 0; s < nseg; o += len[s++]) {
		m = len[s];
		if (m < 2)
			continue;
		mx = my = 0;
		for (i = o; i < o + m; i++) {
			mx += x[i];
			my += y[i];
		}
		mx /= (double)m;
		my /= (double)m;
		for (i = o; i < o + m; i++) {
			dx = x[i] - mx;
			dy = y[i] - my;
			sxx += dx * dx;
			sxy += dx * dy;
			syy += dy * dy;
		}
	}
	if (sxx <= 0)
		return NAN;
	if (r2 != NULL && syy > 0)
		*r2 = sxy * sxy / (sxx * syy);
	return sxy / sxx;
}

/*
 * Theil-Sen slope: the median of the slopes between every pair of points
 * with different x.  Above STATS_THEIL_SEN_EXACT points the pairs are
 * those of STATS_THEIL_SEN_EXACT evenly spaced points.  *intercept (when
 * not NULL) gets the median of y - slope x.  NAN when no pair qualifies.
 */
double
stats_theil_sen(const double *x, const double *y, size_t n,
    double *intercept)
{
	return stats_theil_sen_seg(x, y, &n, 1, intercept);
}

/*
 * Points of a segment of m, out of n in all, that Theil-Sen pairs: every
 * one up to STATS_THEIL_SEN_EXACT in all, else the segment's share of
 * STATS_THEIL_SEN_EXACT (at least 2).
 */
static size_t
ts_points(size_t m, size_t n)
{
	size_t q;

	if (n <= STATS_THEIL_SEN_EXACT)
		return m;
	q = (size_t)((double)m * STATS_THEIL_SEN_EXACT / (double)n + 0.5);
	if (q < 2)
		q = 2;
	return q < m ? q : m;
}

/*
 * Theil-Sen over a series cut into nseg segments of len[] consecutive
 * points: the median of the slopes of the pairs within one segment, and
 * (when intercept is not NULL) per segment the median of y - slope x,
 * NAN for all when no pair qualifies.  One segment is stats_theil_sen.
 */
double
stats_theil_sen_seg(const double *x, const double *y, const size_t *len,
    size_t nseg, double *intercept)
{
	size_t n = 0, np = 0, maxp = 1, s, o, m, q, i, j, a, b;
	double *sl, slope;

	for (s = 0; s < nseg; s++)
		n += len[s];
	for (s = 0; s < nseg; s++) {
		q = ts_points(len[s], n);
		maxp += q * (q - (q > 0)) / 2;
		if (intercept != NULL)
			intercept[s] = NAN;
	}
	sl = xreallocarray(NULL, maxp, sizeof(*sl));
	for (s = o = 0; s < nseg; o += len[s++]) {
		m = len[s];
		q = ts_points(m, n);
		for (i = 0; i < q; i++)
			for (j = i + 1; j < q; j++) {
				a = o + (q == m ? i : (size_t)((double)i *
				    (double)(m - 1) / (double)(q - 1) + 0.5));
				b = o + (q == m ? j : (size_t)((double)j *
				    (double)(m - 1) / (double)(q - 1) + 0.5));
				if (x[b] != x[a])
					sl[np++] = (y[b] - y[a]) /
					    (x[b] - x[a]);
			}
	}
	slope = stats_median(sl, np);
	if (intercept != NULL && !isnan(slope)) {
		sl = xreallocarray(sl, n + 1, sizeof(*sl));
		for (s = o = 0; s < nseg; o += len[s++]) {
			for (i = 0; i < len[s]; i++)
				sl[i] = y[o + i] - slope * x[o + i];
			if (len[s] > 0)
				intercept[s] = stats_median(sl, len[s]);
		}
	}
	free(sl);
	return slope;
}

/* Count pairs i < j with v[i] > v[j] while merge-sorting v[lo..hi). */
static double
inversions(double *v, double *tmp, size_t lo, size_t hi)
{
	size_t mid, i, j, k;
	double inv;

	if (hi - lo < 2)
		return 0;
	mid = lo + (hi - lo) / 2;
	inv = inversions(v, tmp, lo, mid) + inversions(v, tmp, mid, hi);
	i = lo;
	j = mid;
	k = lo;
	while (i < mid && j < hi) {
		if (v[j] < v[i]) {
			inv += (double)(mid - i);
			tmp[k++] = v[j++];
		} else
			tmp[k++] = v[i++];
	}
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < hi)
		tmp[k++] = v[j++];
	memcpy(v + lo, tmp + lo, (hi - lo) * sizeof(*v));
	return inv;
}

/* Two-sided tail of the standard normal: P(|Z| >= z). */
double
stats_normal_sf2(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}

/*
 * Mann-Kendall trend test of y against its order, in O(n log n): S from
 * the discordant pairs counted by a merge sort (depth log2 n, so the
 * recursion is bounded), ties from runs in the sorted copy.
 */
void
stats_mann_kendall(const double *y, size_t n, struct stats_mk *mk)
{
	stats_mann_kendall_seg(y, &n, 1, mk);
}

/*
 * The stratified (seasonal) Mann-Kendall test over a series cut into nseg
 * segments of len[] consecutive points: S and its variance are the sums of
 * each segment's, tau is S over the pairs within a segment.  A segment of
 * one point adds nothing.  One segment is stats_mann_kendall.
 */
void
stats_mann_kendall_seg(const double *y, const size_t *len, size_t nseg,
    struct stats_mk *mk)
{
	double *v = NULL, *tmp = NULL, pairs = 0, ties = 0, tvar = 0;
	double disc = 0, nvar = 0, t, m;
	size_t s, o, i, run, n, cap = 0;

	memset(mk, 0, sizeof(*mk));
	mk->p = 1;
	for (s = o = 0; s < nseg; o += len[s++]) {
		n = len[s];
		if (n < 2)
			continue;
		if (n > cap) {
			cap = n;
			v = xreallocarray(v, cap, sizeof(*v));
			tmp = xreallocarray(tmp, cap, sizeof(*tmp));
		}
		memcpy(v, y + o, n * sizeof(*v));
		disc += inversions(v, tmp, 0, n);
		for (i = 0; i < n; i += run) {
			for (run = 1; i + run < n && v[i + run] == v[i]; run++)
				;
			t = (double)run;
			ties += t * (t - 1) / 2;
			tvar += t * (t - 1) * (2 * t + 5);
		}
		m = (double)n;
		pairs += m * (m - 1) / 2;
		nvar += m * (m - 1) * (2 * m + 5);
	}
	free(v);
	free(tmp);
	if (pairs == 0)
		return;
	mk->s = (pairs - ties - disc) - disc;
	mk->tau = mk->s / pairs;
	mk->var = (nvar - tvar) / 18;
	if (mk->var <= 0 || mk->s == 0)
		return;
	mk->z = (mk->s > 0 ? mk->s - 1 : mk->s + 1) / sqrt(mk->var);
	mk->p = stats_normal_sf2(mk->z);
}

/*
 * The smallest p stats_mann_kendall_seg can give for segments of len[]
 * points: that of a series rising strictly within every segment.  Above
 * the test's alpha, no trend can be shown however the values run (one
 * segment needs 6 points for p <= 0.01).
 */
double
stats_mk_best_p(const size_t *len, size_t nseg)
{
	double pairs = 0, nvar = 0, m;
	size_t s;

	for (s = 0; s < nseg; s++) {
		m = (double)len[s];
		if (len[s] < 2)
			continue;
		pairs += m * (m - 1) / 2;
		nvar += m * (m - 1) * (2 * m + 5);
	}
	if (pairs == 0)
		return 1;
	return stats_normal_sf2((pairs - 1) / sqrt(nvar / 18));
}

/*
 * Robust noise of y about the line intercept + slope x: 1.4826 times the
 * median absolute residual (the standard deviation for normal noise, and
 * blind to bursts in fewer than half of the points).
 */
double
stats_noise(const double *x, const double *y, size_t n, double slope,
    double intercept)
{
	return stats_noise_seg(x, y, &n, 1, slope, &intercept);
}

/*
 * Robust noise of a series cut into segments about parallel lines: slope
 * common, intercept[s] for segment s.  When there are several segments,
 * a segment of one point is left out (its residual is 0 by construction).
 * One segment is stats_noise.
 */
double
stats_noise_seg(const double *x, const double *y, const size_t *len,
    size_t nseg, double slope, const double *intercept)
{
	double *r, med;
	size_t s, o, i, n = 0, nr = 0;

	for (s = 0; s < nseg; s++)
		n += len[s];
	if (n == 0 || isnan(slope))
		return NAN;
	r = xreallocarray(NULL, n, sizeof(*r));
	for (s = o = 0; s < nseg; o += len[s++]) {
		if (len[s] == 0 || (nseg > 1 && len[s] < 2))
			continue;
		if (isnan(intercept[s])) {
			free(r);
			return NAN;
		}
		for (i = o; i < o + len[s]; i++)
			r[nr++] = fabs(y[i] - (intercept[s] + slope * x[i]));
	}
	med = stats_median(r, nr);
	free(r);
	return 1.4826 * med;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The median of the rises between consecutive values of y within each of
 * nseg processes of len[] values: the size of a typical step up of a
 * sampled series, which a mix of sample sizes (a cluster of sites, a
 * slice regrown to another size) does not shrink as it shrinks the
 * smallest difference.  0 when the series never rose.
 */
double
stats_median_rise(const double *y, const size_t *len, size_t nseg)
{
	double *r, m;
	size_t s, o, j, n = 0;

	for (s = o = 0; s < nseg; o += len[s++])
		n += len[s];
	if (n == 0)
		return 0;
	r = xreallocarray(NULL, n, sizeof(*r));
	for (s = o = 0, n = 0; s < nseg; o += len[s++])
		for (j = o + 1; j < o + len[s]; j++)
			if (y[j] > y[j - 1])
				r[n++] = y[j] - y[j - 1];
	m = n > 0 ? stats_median(r, n) : 0;
	free(r);
	return m;
}

/*
 * The smallest positive difference between two values of y: the step of a
 * sampled series (one sample), 0 when y holds a single value.
 */
double
stats_quantum(const double *y, size_t n)
{
	double *v, q = 0, d;
	size_t i;

	if (n < 2)
		return 0;
	v = xreallocarray(NULL, n, sizeof(*v));
	memcpy(v, y, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 1; i < n; i++) {
		d = v[i] - v[i - 1];
		if (d > 0 && (q == 0 || d < q))
			q = d;
	}
	free(v);
	return q;
}

/*
 * The largest rise between consecutive points over the sum of all rises:
 * 1/(n-1) for growth spread evenly, 1 when it came in one step (or when
 * the series never rises).
 */
double
stats_step_share(const double *y, size_t n)
{
	double d, sum = 0, max = 0;
	size_t i;

	for (i = 1; i < n; i++) {
		d = y[i] - y[i - 1];
		if (d > 0) {
			sum += d;
			if (d > max)
				max = d;
		}
	}
	return sum > 0 ? max / sum : 1;
}

/*
 * P(X <= k) for X of the Poisson law of mean lambda: 0 for k < 0, 1 for
 * lambda <= 0.  Terms are summed up to floor(k), stopping once they no
 * longer change the sum; lambda is meant to be small (up to hundreds).
 */
double
stats_poisson_cdf(double k, double lambda)
{
	double term, sum;
	long i, kk;

	if (isnan(k) || isnan(lambda) || k < 0)
		return 0;
	if (lambda <= 0)
		return 1;
	term = exp(-lambda);
	sum = term;
	kk = k > 1e9 ? 1000000000L : (long)k;
	for (i = 1; i <= kk; i++) {
		term *= lambda / (double)i;
		sum += term;
		if ((double)i > lambda && term < sum * 1e-17)
			break;
	}
	return sum > 1 ? 1 : sum;
}

/*
 * How much the growth slowed down: the Theil-Sen slope over the first two
 * thirds of the series (early) against the one over the last third (late).
 * 1 - late/early clipped to [0, 1]: 0 when growth kept its pace (or sped
 * up), 1 when it stopped.  0 when only the last third grows, NAN when
 * neither part grows or n < 3.
 */
double
stats_plateau(const double *x, const double *y, size_t n)
{
	return stats_plateau_seg(x, y, &n, 1);
}

/*
 * stats_plateau over a series cut into segments: the two parts are cut
 * at the same point, and each part's slope is the one of
 * stats_theil_sen_seg over the pieces of the segments in it.
 */
double
stats_plateau_seg(const double *x, const double *y, const size_t *len,
    size_t nseg)
{
	size_t n = 0, b, s, o, ne = 0, nl = 0, *el, *ll;
	double early, late, p;

	for (s = 0; s < nseg; s++)
		n += len[s];
	if (n < 3)
		return NAN;
	b = n - n / 3;
	el = xreallocarray(NULL, nseg + 1, sizeof(*el));
	ll = xreallocarray(NULL, nseg + 1, sizeof(*ll));
	for (s = o = 0; s < nseg; o += len[s++]) {
		if (o < b)
			el[ne++] = o + len[s] <= b ? len[s] : b - o;
		if (o + len[s] > b)
			ll[nl++] = o >= b ? len[s] : o + len[s] - b;
	}
	early = stats_theil_sen_seg(x, y, el, ne, NULL);
	late = stats_theil_sen_seg(x + b, y + b, ll, nl, NULL);
	free(el);
	free(ll);
	if (isnan(early) || isnan(late))
		return NAN;
	if (early <= 0)
		return late > 0 ? 0 : NAN;
	p = 1 - late / early;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/*
 * The drift alarm over a series of totals v[0..n): out[i].delta is
 * v[i] - v[i-1]; its mean and sample standard deviation are those of the
 * up to w deltas before it, and it alarms when it exceeds mean + k sd.
 * Fewer than two earlier deltas give no threshold and no alarm.
 */
void
stats_drift(const double *v, size_t n, size_t w, double k,
    struct stats_drift *out)
{
	size_t i, j, lo, cnt;
	double sum, ss, d, mean;

	for (i = 0; i < n; i++) {
		out[i].delta = i > 0 ? v[i] - v[i - 1] : NAN;
		out[i].mean = out[i].sd = out[i].threshold = NAN;
		out[i].alarm = 0;
		if (i < 3 || w < 2)
			continue;
		lo = i > w ? i - w : 1;
		cnt = i - lo;
		sum = 0;
		for (j = lo; j < i; j++)
			sum += out[j].delta;
		mean = sum / (double)cnt;
		ss = 0;
		for (j = lo; j < i; j++) {
			d = out[j].delta - mean;
			ss += d * d;
		}
		out[i].mean = mean;
		out[i].sd = sqrt(ss / (double)(cnt - 1));
		out[i].threshold = mean + k * out[i].sd;
		out[i].alarm = out[i].delta > out[i].threshold;
	}
}
