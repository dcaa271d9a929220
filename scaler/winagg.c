/* winagg: InfluxDB's window aggregates over samples in memory (winagg.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "winagg.h"

static int
winagg_cmp(const void *a, const void *b)
{
	double	x = ((const struct winagg_point *)a)->value;
	double	y = ((const struct winagg_point *)b)->value;

	return (x > y) - (x < y);
}

/* The value of the rank-th sample (0-based) of the sorted points. */
static double
winagg_rank(const struct winagg_point *s, size_t n, uint64_t rank)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (rank < s[i].weight)
			return s[i].value;
		rank -= s[i].weight;
	}
	return n > 0 ? s[n - 1].value : NAN;
}

/*
 * Median and percentile: InfluxDB sorts every sample; here the instants
 * are sorted and their weights walked. false: InfluxDB gives no row.
 */
static bool
winagg_ranked(const struct policy *p, struct winagg_point *s, size_t n,
    uint64_t count, double *v)
{
	double	pos;

	qsort(s, n, sizeof *s, winagg_cmp);
	if (p->aggregate == POLICY_AGG_MEDIAN) {
		if (count % 2 == 1)
			*v = winagg_rank(s, n, count / 2);
		else
			*v = (winagg_rank(s, n, count / 2 - 1) +
			    winagg_rank(s, n, count / 2)) / 2;
		return true;
	}
	pos = floor((double)count * p->percentile / 100.0 + 0.5) - 1;
	if (pos < 0 || pos >= (double)count)
		return false;
	*v = winagg_rank(s, n, (uint64_t)pos);
	return true;
}

/* The instants of pts inside (now − window, now], as indices [*lo, *hi). */
static void
winagg_span(size_t n, int64_t t0, int64_t step, int64_t now, int64_t window,
    size_t *lo, size_t *hi)
{
	int64_t	a, b;

	/* first k with t0 + k·step > now − window; last with <= now */
	a = (now - window - t0) / step + 1;
	if (now - window - t0 < 0)
		a = 0;
	b = now < t0 ? -1 : (now - t0) / step;
	*lo = a < 0 ? 0 : (size_t)a;
	*hi = b < 0 ? 0 : (size_t)b + 1 > n ? n : (size_t)b + 1;
	if (*lo > *hi)
		*lo = *hi;
}

/* Whether decide or the aggregate reads the window's extremes. */
static bool
winagg_needs_extremes(const struct policy *p)
{
	return p->aggregate == POLICY_AGG_MIN ||
	    p->aggregate == POLICY_AGG_MAX || p->sustained ||
	    (POLICY_CUSTOM(p) && p->min_no == 0) ||
	    p->sustained_out || p->sustained_in;
}

/*
 * The sums of [lo, hi): count and weighted sum always (a tight loop: a
 * week replayed at 1 s visits these hundreds of millions of times), the
 * extremes and the ranked copy only when they are read.
 */
static size_t
winagg_scan(const struct policy *p, const struct winagg_point *pts,
    size_t lo, size_t hi, struct winagg_point *scratch, double *sum,
    struct decide_obs *o)
{
	size_t	k, m = 0;
	bool	ranked = p->aggregate == POLICY_AGG_MEDIAN ||
	    p->aggregate == POLICY_AGG_PERCENTILE;

	*sum = 0;
	for (k = lo; k < hi; k++) {
		*sum += pts[k].value * pts[k].weight;
		o->count += pts[k].weight;
	}
	if (winagg_needs_extremes(p) || ranked) {
		for (k = lo; k < hi; k++) {
			if (pts[k].weight == 0)
				continue;
			o->min = fmin(o->min, pts[k].value);
			o->max = fmax(o->max, pts[k].value);
			if (ranked)
				scratch[m++] = pts[k];
		}
	}
	return m;
}

/*
 * p's aggregate of the m points s (count samples, their sum, min and
 * max) into *v; false when InfluxDB gives no row. Sorts s (ranks).
 */
static bool
winagg_value(const struct policy *p, struct winagg_point *s, size_t m,
    uint64_t count, double sum, double min, double max, double *v)
{
	switch (p->aggregate) {
	case POLICY_AGG_MIN:
		*v = min;
		return true;
	case POLICY_AGG_MAX:
		*v = max;
		return true;
	case POLICY_AGG_MEDIAN:
	case POLICY_AGG_PERCENTILE:
		return winagg_ranked(p, s, m, count, v);
	default:
		*v = sum / (double)count;
		return true;
	}
}

void
winagg_obs(const struct policy *p, const struct winagg_point *pts, size_t n,
    int64_t t0, int64_t step, int64_t now, int64_t window,
    struct winagg_point *scratch, struct decide_obs *o)
{
	size_t	lo, hi, m;
	double	sum;

	memset(o, 0, sizeof *o);
	o->min = INFINITY;
	o->max = -INFINITY;
	winagg_span(n, t0, step, now, window, &lo, &hi);
	/* the oldest and newest instants with a sample */
	while (lo < hi && pts[lo].weight == 0)
		lo++;
	while (hi > lo && pts[hi - 1].weight == 0)
		hi--;
	if (lo == hi)
		return;
	o->first_ns = t0 + (int64_t)lo * step;
	o->last_ns = t0 + (int64_t)(hi - 1) * step;
	m = winagg_scan(p, pts, lo, hi, scratch, &sum, o);
	o->present = winagg_value(p, scratch, m, o->count, sum, o->min,
	    o->max, &o->value);
}

/*
 * One replica's aggregate over the instants [from, hi) that have samples
 * (it reported once at each, the instant's value) into *v, and how many
 * it reported; false when InfluxDB would give no row for it.
 */
static bool
winagg_replica(const struct policy *p, const struct winagg_point *pts,
    size_t from, size_t hi, struct winagg_point *scratch, size_t *count,
    double *v)
{
	double	sum = 0, min = INFINITY, max = -INFINITY;
	size_t	k;

	*count = 0;
	for (k = from; k < hi; k++) {
		if (pts[k].weight == 0)
			continue;
		sum += pts[k].value;
		min = fmin(min, pts[k].value);
		max = fmax(max, pts[k].value);
		scratch[*count].value = pts[k].value;
		scratch[(*count)++].weight = 1;
	}
	return *count > 0 && winagg_value(p, scratch, *count, *count, sum,
	    min, max, v);
}

void
winagg_ready(const struct policy *p, const struct winagg_point *pts,
    size_t npts, int64_t t0, int64_t step, int64_t now, int64_t window,
    const int64_t *ready_at, size_t n, struct winagg_point *scratch,
    struct decide_obs *o)
{
	size_t	lo, hi, i, k, need, cnt = 0, last = SIZE_MAX;
	double	v = 0, common = 0;
	bool	has = false;

	o->ready_known = true;
	o->ready_n = 0;
	o->ready_total = 0;
	winagg_span(npts, t0, step, now, window, &lo, &hi);
	/* a full window holds floor(W / step) instants; one may be missed */
	need = (size_t)(window / step);
	need = need >= WINAGG_READY_MISSED + DECIDE_MIN_SAMPLES ?
	    need - WINAGG_READY_MISSED : DECIDE_MIN_SAMPLES;
	for (i = 0, k = lo; i < n; i++) {
		/* its first instant: the first at or after it was ready
		 * (ready_at ascends, so k only moves on) */
		while (k < hi && t0 + (int64_t)k * step < ready_at[i])
			k++;
		if (k != last) {
			has = winagg_replica(p, pts, k, hi, scratch, &cnt, &v);
			last = k;
		}
		if (!has || cnt < need)
			continue;
		o->ready_n++;
		/*
		 * Each over the span they all covered (winagg.h): from the
		 * latest ready one's first instant, the same instants, so
		 * that one's aggregate.
		 */
		common = v;
	}
	o->ready_total = common * (double)o->ready_n;
}

static int
winagg_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
winagg_extremes(const double *v, size_t n, double *lo, double *hi)
{
	size_t	i;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < n; i++) {
		*lo = fmin(*lo, v[i]);
		*hi = fmax(*hi, v[i]);
	}
}

bool
winagg_reduce(enum policy_aggregate agg, double pct, double *v, size_t n,
    double *out)
{
	double	sum = 0, lo, hi, pos;
	size_t	i;

	if (n == 0)
		return false;
	switch (agg) {
	case POLICY_AGG_MIN:
	case POLICY_AGG_MAX:
		winagg_extremes(v, n, &lo, &hi);
		*out = agg == POLICY_AGG_MIN ? lo : hi;
		return true;
	case POLICY_AGG_MEDIAN:
		qsort(v, n, sizeof *v, winagg_cmp_double);
		*out = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		return true;
	case POLICY_AGG_PERCENTILE:
		pos = floor((double)n * pct / 100.0 + 0.5) - 1;
		if (pos < 0 || pos >= (double)n)
			return false;
		qsort(v, n, sizeof *v, winagg_cmp_double);
		*out = v[(size_t)pos];
		return true;
	default:	/* mean; a rate's is the mean of its rates */
		for (i = 0; i < n; i++)
			sum += v[i];
		*out = sum / (double)n;
		return true;
	}
}
