/*
 * Unit tests for winagg (scaler/winagg.c): the answers InfluxDB 1.x gives
 * das's window statements, over weighted instants in memory. Each
 * expectation is worked out by hand from winagg.h: an instant of weight w
 * is w equal samples; the window is (now − W, now].
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "policy.h"
#include "winagg.h"

#define NS_S	INT64_C(1000000000)
#define T0	(10 * NS_S)		/* instant k at T0 + k · STEP */
#define STEP	(10 * NS_S)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define EPS	1e-12

static struct policy
agg(enum policy_aggregate a, double pct)
{
	struct policy	p;

	memset(&p, 0, sizeof(p));
	p.aggregate = a;
	p.percentile = pct;
	/* sustained: the extremes are asked too (as iql.c asks min and max
	 * of a sustained policy's statement); without, winagg skips them */
	p.sustained = p.sustained_out = p.sustained_in = true;
	return p;
}

/* The observation of the whole array: now at its last instant, W large. */
static struct decide_obs
whole(enum policy_aggregate a, double pct, const struct winagg_point *pts,
    size_t n)
{
	struct winagg_point	scratch[64];
	struct policy		p = agg(a, pct);
	struct decide_obs	o;

	cr_assert_leq(n, NITEMS(scratch));
	memset(&o, 0xa5, sizeof(o));
	winagg_obs(&p, pts, n, T0, STEP, T0 + (int64_t)(n - 1) * STEP,
	    1000 * NS_S, scratch, &o);
	return o;
}

/* Mean: Σ v·w / Σ w. {10 ×1, 20 ×3} → 70/4 = 17.5; count 4. */
Test(winagg, mean_is_weighted)
{
	static const struct winagg_point pts[] = { { 10, 1 }, { 20, 3 } };
	struct decide_obs	o = whole(POLICY_AGG_MEAN, 0, pts, 2);

	cr_expect(o.present);
	cr_expect_eq(o.value, 17.5);
	cr_expect_eq(o.count, 4);
	cr_expect_eq(o.min, 10.0);
	cr_expect_eq(o.max, 20.0);
	cr_expect_eq(o.first_ns, T0);
	cr_expect_eq(o.last_ns, T0 + STEP);
}

/*
 * Median: the middle sample of the sorted ones, or the mean of the two
 * middle ones. Instants come unsorted; weights expand them:
 *   5, 1, 3            → 1 3 5: 3
 *   4, 1, 3, 2         → 1 2 3 4: (2 + 3)/2 = 2.5
 *   20 ×2, 10 ×2       → 10 10 20 20: (10 + 20)/2 = 15
 *   20 ×1, 10 ×2       → 10 10 20: 10
 *   30 ×1, 10 ×3       → 10 10 10 30: (10 + 10)/2 = 10
 *   7                  → 7
 */
Test(winagg, median_odd_even_weighted)
{
	static const struct winagg_point a[] = { { 5, 1 }, { 1, 1 }, { 3, 1 } };
	static const struct winagg_point b[] = { { 4, 1 }, { 1, 1 }, { 3, 1 },
	    { 2, 1 } };
	static const struct winagg_point c[] = { { 20, 2 }, { 10, 2 } };
	static const struct winagg_point d[] = { { 20, 1 }, { 10, 2 } };
	static const struct winagg_point e[] = { { 30, 1 }, { 10, 3 } };
	static const struct winagg_point f[] = { { 7, 1 } };

	cr_expect_eq(whole(POLICY_AGG_MEDIAN, 0, a, 3).value, 3.0);
	cr_expect_eq(whole(POLICY_AGG_MEDIAN, 0, b, 4).value, 2.5);
	cr_expect_eq(whole(POLICY_AGG_MEDIAN, 0, c, 2).value, 15.0);
	cr_expect_eq(whole(POLICY_AGG_MEDIAN, 0, d, 2).value, 10.0);
	cr_expect_eq(whole(POLICY_AGG_MEDIAN, 0, e, 2).value, 10.0);
	cr_expect_eq(whole(POLICY_AGG_MEDIAN, 0, f, 1).value, 7.0);
	cr_expect(whole(POLICY_AGG_MEDIAN, 0, f, 1).present);
}

/* The input is left as it was: medians sort a copy (scratch). */
Test(winagg, input_not_reordered)
{
	struct winagg_point	pts[] = { { 5, 1 }, { 1, 1 }, { 3, 1 } };

	(void)whole(POLICY_AGG_MEDIAN, 0, pts, 3);
	cr_expect_eq(pts[0].value, 5.0);
	cr_expect_eq(pts[1].value, 1.0);
	cr_expect_eq(pts[2].value, 3.0);
}

/*
 * Percentile, nearest rank i = floor(n·p/100 + 0.5) − 1 of the sorted
 * samples, no row when i is outside 0..n−1. Instants 1..10, each of
 * weight 2 (given in reverse), are the samples 1 1 2 2 ... 10 10, n = 20:
 *   p95: floor(19.5) − 1 = 18 → 10     p90: floor(18.5) − 1 = 17 → 9
 *   p50: floor(10.5) − 1 = 9 → 5       p100: 19 → 10
 *   p1:  floor(0.7) − 1 = −1 → none    p2.5: floor(1.0) − 1 = 0 → 1
 */
Test(winagg, percentile_nearest_rank_weighted)
{
	struct winagg_point	pts[10];
	struct decide_obs	o;
	size_t			i;

	for (i = 0; i < 10; i++)
		pts[i] = (struct winagg_point){ (double)(10 - i), 2 };
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 95, pts, 10).value, 10.0);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 90, pts, 10).value, 9.0);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 50, pts, 10).value, 5.0);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 100, pts, 10).value, 10.0);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 2.5, pts, 10).value, 1.0);
	o = whole(POLICY_AGG_PERCENTILE, 1, pts, 10);
	cr_expect(!o.present);
	cr_expect_eq(o.count, 20);	/* the samples were there */
}

/*
 * Small n: one sample of 42. p95: floor(1.45) − 1 = 0 → 42; p50:
 * floor(1.0) − 1 = 0 → 42; p49: floor(0.99) − 1 = −1 → none; p100 → 42.
 * Four samples 1..4: p10: floor(0.9) − 1 = −1 → none; p13: floor(1.02)
 * − 1 = 0 → 1; p95: floor(4.3) − 1 = 3 → 4.
 */
Test(winagg, percentile_small_n)
{
	static const struct winagg_point one[] = { { 42, 1 } };
	static const struct winagg_point four[] = { { 3, 1 }, { 1, 1 },
	    { 4, 1 }, { 2, 1 } };
	struct decide_obs	o;

	o = whole(POLICY_AGG_PERCENTILE, 95, one, 1);
	cr_expect(o.present);
	cr_expect_eq(o.value, 42.0);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 50, one, 1).value, 42.0);
	cr_expect(!whole(POLICY_AGG_PERCENTILE, 49, one, 1).present);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 100, one, 1).value, 42.0);
	cr_expect(!whole(POLICY_AGG_PERCENTILE, 10, four, 4).present);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 13, four, 4).value, 1.0);
	cr_expect_eq(whole(POLICY_AGG_PERCENTILE, 95, four, 4).value, 4.0);
}

/* min and max: the extremes; min/max members are set for every aggregate. */
Test(winagg, min_max)
{
	static const struct winagg_point pts[] = { { 3, 2 }, { -1, 1 },
	    { 8, 1 }, { 2, 5 } };
	struct decide_obs	o;

	o = whole(POLICY_AGG_MIN, 0, pts, 4);
	cr_expect_eq(o.value, -1.0);
	cr_expect_eq(o.count, 9);
	o = whole(POLICY_AGG_MAX, 0, pts, 4);
	cr_expect_eq(o.value, 8.0);
	o = whole(POLICY_AGG_MEDIAN, 0, pts, 4);
	cr_expect_eq(o.min, -1.0);
	cr_expect_eq(o.max, 8.0);
	/* 9 samples -1 2 2 2 2 2 3 3 8: the 5th is 2 */
	cr_expect_eq(o.value, 2.0);
}

/*
 * The window (now − W, now]: instants k = 0..9 at 10..100 s, value k,
 * weight 1.
 *   now 100, W 30: 80, 90, 100 (70 is at now − W: out): k 7..9, mean 8,
 *     first 80 s, last 100 s.
 *   now 95, W 30: (65, 95]: 70, 80, 90: mean 7, last 90 s.
 *   now 100, W 90: (10, 100]: k 1..9 (the one at 10 s is out): mean 5.
 *   now 100, W 95: (5, 100]: all ten: mean 4.5.
 *   now 200 (after the last), W 30: none. now 5 (before the first): none.
 *   now 10, W 30: only the first: 0.
 */
Test(winagg, window_edges)
{
	struct winagg_point	pts[10], scratch[10];
	struct policy		p = agg(POLICY_AGG_MEAN, 0);
	struct decide_obs	o;
	size_t			k;

	for (k = 0; k < 10; k++)
		pts[k] = (struct winagg_point){ (double)k, 1 };
	winagg_obs(&p, pts, 10, T0, STEP, 100 * NS_S, 30 * NS_S, scratch, &o);
	cr_expect(o.present);
	cr_expect_eq(o.count, 3);
	cr_expect_eq(o.value, 8.0);
	cr_expect_eq(o.first_ns, 80 * NS_S);
	cr_expect_eq(o.last_ns, 100 * NS_S);

	winagg_obs(&p, pts, 10, T0, STEP, 95 * NS_S, 30 * NS_S, scratch, &o);
	cr_expect_eq(o.count, 3);
	cr_expect_eq(o.value, 7.0);
	cr_expect_eq(o.first_ns, 70 * NS_S);
	cr_expect_eq(o.last_ns, 90 * NS_S);

	winagg_obs(&p, pts, 10, T0, STEP, 100 * NS_S, 90 * NS_S, scratch, &o);
	cr_expect_eq(o.count, 9);
	cr_expect_eq(o.value, 5.0);
	cr_expect_eq(o.first_ns, 20 * NS_S);

	winagg_obs(&p, pts, 10, T0, STEP, 100 * NS_S, 95 * NS_S, scratch, &o);
	cr_expect_eq(o.count, 10);
	cr_expect_eq(o.value, 4.5);
	cr_expect_eq(o.first_ns, 10 * NS_S);

	winagg_obs(&p, pts, 10, T0, STEP, 200 * NS_S, 30 * NS_S, scratch, &o);
	cr_expect(!o.present);
	cr_expect_eq(o.count, 0);

	winagg_obs(&p, pts, 10, T0, STEP, 5 * NS_S, 30 * NS_S, scratch, &o);
	cr_expect(!o.present);
	cr_expect_eq(o.count, 0);

	winagg_obs(&p, pts, 10, T0, STEP, 10 * NS_S, 30 * NS_S, scratch, &o);
	cr_expect(o.present);
	cr_expect_eq(o.count, 1);
	cr_expect_eq(o.value, 0.0);
	cr_expect_eq(o.first_ns, 10 * NS_S);
	cr_expect_eq(o.last_ns, 10 * NS_S);
}

/*
 * Absolute times far from 0 (the replay's origin), and a window past
 * the array's end: now = last + 20 s, W 60: (now − 60, now] holds the
 * last four instants of ten (values 6..9): mean 7.5, last = the last
 * instant, not now.
 */
Test(winagg, absolute_times_and_now_after_the_data)
{
	struct winagg_point	pts[10], scratch[10];
	struct policy		p = agg(POLICY_AGG_MEAN, 0);
	struct decide_obs	o;
	int64_t			t0 = INT64_C(1714564800) * NS_S;
	size_t			k;

	for (k = 0; k < 10; k++)
		pts[k] = (struct winagg_point){ (double)k, 1 };
	winagg_obs(&p, pts, 10, t0, STEP, t0 + 110 * NS_S, 60 * NS_S, scratch,
	    &o);
	cr_expect_eq(o.count, 4);
	cr_expect_eq(o.value, 7.5);
	cr_expect_eq(o.first_ns, t0 + 60 * NS_S);
	cr_expect_eq(o.last_ns, t0 + 90 * NS_S);
}

/*
 * Zero weight is no sample (no replica was ready): skipped for count,
 * value, extremes and the first/last times. Instants 0 ×0, 50 ×2, 99 ×0,
 * 10 ×2, 0 ×0 at 10..50 s: count 4, mean 30, min 10, max 50, first 20 s,
 * last 40 s; median (10 10 50 50) 30; all weights 0: no row.
 */
Test(winagg, zero_weight_instants_skipped)
{
	static const struct winagg_point pts[] = { { 0, 0 }, { 50, 2 },
	    { 99, 0 }, { 10, 2 }, { 0, 0 } };
	static const struct winagg_point none[] = { { 5, 0 }, { 6, 0 } };
	struct decide_obs	o;

	o = whole(POLICY_AGG_MEAN, 0, pts, 5);
	cr_expect(o.present);
	cr_expect_eq(o.count, 4);
	cr_expect_eq(o.value, 30.0);
	cr_expect_eq(o.min, 10.0);
	cr_expect_eq(o.max, 50.0);
	cr_expect_eq(o.first_ns, 20 * NS_S);
	cr_expect_eq(o.last_ns, 40 * NS_S);
	cr_expect_eq(whole(POLICY_AGG_MEDIAN, 0, pts, 5).value, 30.0);
	cr_expect_eq(whole(POLICY_AGG_MAX, 0, pts, 5).value, 50.0);
	o = whole(POLICY_AGG_MEAN, 0, none, 2);
	cr_expect(!o.present);
	cr_expect_eq(o.count, 0);
}

/* What decide() makes of it: a covered 1 m window of 10 s samples. */
Test(winagg, feeds_decide_coverage)
{
	struct winagg_point	pts[6], scratch[6];
	struct policy		p = agg(POLICY_AGG_MEAN, 0);
	struct decide_obs	o;
	size_t			k;

	for (k = 0; k < 6; k++)
		pts[k] = (struct winagg_point){ 70, 2 };
	/* samples at 10..60 s; now 60, W 60: (0, 60] all six */
	winagg_obs(&p, pts, 6, T0, STEP, 60 * NS_S, 60 * NS_S, scratch, &o);
	cr_expect(decide_covered(&o, 60 * NS_S, 60 * NS_S, STEP));
	/* now 50: first 10 s > 50 − 60 + 12.5 = 2.5: not covered yet
	 * (the window starts 1.25 intervals before its first sample) */
	winagg_obs(&p, pts, 6, T0, STEP, 50 * NS_S, 60 * NS_S, scratch, &o);
	cr_expect(!decide_covered(&o, 60 * NS_S, 50 * NS_S, STEP));
	/* now 60: first 10 s <= 12.5 s: covered, the full window */
	winagg_obs(&p, pts, 6, T0, STEP, 60 * NS_S, 60 * NS_S, scratch, &o);
	cr_expect(decide_covered(&o, 60 * NS_S, 60 * NS_S, STEP));
}

/*
 * winagg_ready: the replicas that reported at every instant of the window
 * but one, and the sum of p's aggregate of what each reported (once per
 * instant since it was ready, the instant's value) over the instants
 * they all covered. Instants 0..9 hold 10, 20, ..., 100; the window
 * (now − 60, now] at instant 9 holds the instants 4..9 (6). Replicas: A
 * ready before the data (instants 4..9), B ready at instant 5 (5 of 6:
 * counted), C at instant 6 (4 of 6: not counted). Both counted are
 * measured over B's instants 5..9 (60..100, 5 values): A's 50 at instant
 * 4 came before the load was spread over B.
 *   mean  80 each: 160          max   100 each: 200
 *   min   60 each: 120
 *   p50   nearest rank floor(5/2 + 0.5) − 1 = 2, the 3rd: 80 each: 160
 *   p5    floor(5/20 + 0.5) − 1 = −1: no row, neither counts
 */
Test(winagg, ready_replicas_and_their_aggregates)
{
	struct winagg_point	pts[10], scratch[10];
	const int64_t		ready_at[] = { INT64_MIN / 4, T0 + 5 * STEP,
	    T0 + 6 * STEP };
	static const struct {
		enum policy_aggregate a;
		double	pct;
		int	n;
		double	total;
	} want[] = {
		{ POLICY_AGG_MEAN, 0, 2, 160 }, { POLICY_AGG_MAX, 0, 2, 200 },
		{ POLICY_AGG_MIN, 0, 2, 120 },
		{ POLICY_AGG_PERCENTILE, 50, 2, 160 },
		{ POLICY_AGG_PERCENTILE, 5, 0, 0 },
	};
	struct decide_obs	o;
	struct policy		p;
	size_t			i;

	for (i = 0; i < NITEMS(pts); i++) {
		pts[i].value = 10.0 * (double)(i + 1);
		pts[i].weight = 1 + (i >= 5) + (i >= 6);
	}
	for (i = 0; i < NITEMS(want); i++) {
		p = agg(want[i].a, want[i].pct);
		memset(&o, 0, sizeof(o));
		winagg_ready(&p, pts, NITEMS(pts), T0, STEP, T0 + 9 * STEP,
		    60 * NS_S, ready_at, NITEMS(ready_at), scratch, &o);
		cr_expect(o.ready_known);
		cr_expect_eq(o.ready_n, want[i].n, "%zu: %d", i, o.ready_n);
		cr_expect_float_eq(o.ready_total, want[i].total, EPS, "%zu: %g",
		    i, o.ready_total);
	}
	/* the points are left as they were (the ranks sort a copy) */
	for (i = 0; i < NITEMS(pts); i++)
		cr_expect_eq(pts[i].value, 10.0 * (double)(i + 1));
}
