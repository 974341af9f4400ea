/*
 * Trend statistics over one short series (a group's value per snapshot):
 * least squares, Theil-Sen, Mann-Kendall, robust noise, the plateau
 * measure, and the sliding-window drift alarm.  x is time in seconds, y the
 * values; no function keeps a pointer to its arguments.
 *
 * The _seg variants take the series cut into nseg segments of len[0],
 * len[1], ... consecutive points (one per process when it restarted):
 * they compare points within a segment only.  With one segment of n
 * points each equals its plain variant.
 */
#ifndef LEAKATLAS_STATS_H
#define LEAKATLAS_STATS_H

#include <stddef.h>

/* Series longer than this get Theil-Sen over an evenly spaced subset. */
#define STATS_THEIL_SEN_EXACT	128

struct stats_mk {
	double	s;		/* sum of sign(y_j - y_i), i < j */
	double	tau;		/* s / (n(n-1)/2) */
	double	var;		/* variance of s, corrected for ties */
	double	z;		/* normal score with continuity correction */
	double	p;		/* two-sided p-value */
};

struct stats_drift {
	double	delta;		/* v[i] - v[i-1]; NAN for i = 0 */
	double	mean;		/* of the previous w deltas; NAN when < 2 */
	double	sd;		/* sample standard deviation of the same */
	double	threshold;	/* mean + k sd */
	int	alarm;		/* delta > threshold */
};

double	stats_median(double *, size_t);
double	stats_ols(const double *, const double *, size_t, double *);
double	stats_theil_sen(const double *, const double *, size_t, double *);
void	stats_mann_kendall(const double *, size_t, struct stats_mk *);
double	stats_normal_sf2(double);
double	stats_noise(const double *, const double *, size_t, double,
	    double);
double	stats_quantum(const double *, size_t);
double	stats_median_rise(const double *, const size_t *, size_t);
double	stats_step_share(const double *, size_t);
double	stats_poisson_cdf(double, double);
double	stats_plateau(const double *, const double *, size_t);
double	stats_ols_seg(const double *, const double *, const size_t *,
	    size_t, double *);
double	stats_theil_sen_seg(const double *, const double *, const size_t *,
	    size_t, double *);
void	stats_mann_kendall_seg(const double *, const size_t *, size_t,
	    struct stats_mk *);
double	stats_mk_best_p(const size_t *, size_t);
double	stats_noise_seg(const double *, const double *, const size_t *,
	    size_t, double, const double *);
double	stats_plateau_seg(const double *, const double *, const size_t *,
	    size_t);
void	stats_drift(const double *, size_t, size_t, double,
	    struct stats_drift *);

#endif
