/*
 * winagg: what InfluxDB answers das's window statements with (scaler/iql.h)
 * — the aggregate, count, min, max and the oldest and newest sample's
 * times — computed here from samples held in memory, for the replay
 * (scaler/replay.c), where there is no InfluxDB. Pure.
 *
 * Samples come as instants, each holding `weight` equal samples (the
 * replay's ready replicas all report the same value at one instant).
 * The functions follow InfluxDB 1.x's reducers (query/functions.go):
 *   mean        the sum over the count
 *   median      the middle sample, or the mean of the two middle ones
 *   percentile  nearest rank: i = floor(n × p / 100 + 0.5) − 1, none
 *               (no row) when i falls outside 0..n−1
 *   min, max
 * The window is InfluxQL's `time > now() - W` with now included:
 * instants t with now − W < t <= now.
 */
#ifndef DAS_WINAGG_H
#define DAS_WINAGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decide.h"
#include "policy.h"

struct winagg_point {
	double		 value;
	uint32_t	 weight;	/* equal samples at this instant (0: none) */
};

/*
 * The observation of policy p's aggregate over the window (now − W, now]
 * of the instants pts[0..n), instant k at t0 + k × step. scratch holds
 * at least n points (percentiles and medians sort a copy).
 */
void	 winagg_obs(const struct policy *p, const struct winagg_point *pts,
	    size_t n, int64_t t0, int64_t step, int64_t now, int64_t window,
	    struct winagg_point *scratch, struct decide_obs *out);

/*
 * decide_obs's ready fields for the replay: of replicas ready from
 * ready_at[0..n) (same time base as t0), those that reported at every
 * instant of the window but at most one (WINAGG_READY_MISSED; the
 * engine's statement asks the same, scaler/iql.h), their number and the
 * sum of their aggregates: p's aggregate (mean, max, pNN, ...) of the
 * values each reported, one sample per instant since it was ready (the
 * instant's value), over the span they all covered (from the latest
 * ready one's first instant, as wcache_ready). A replica InfluxDB would
 * give no row for (a percentile's rank outside its samples) is not
 * counted. scratch holds at least npts points.
 */
#define WINAGG_READY_MISSED	1
void	 winagg_ready(const struct policy *p, const struct winagg_point *pts,
	    size_t npts, int64_t t0, int64_t step, int64_t now, int64_t window,
	    const int64_t *ready_at, size_t n, struct winagg_point *scratch,
	    struct decide_obs *out);

/*
 * The same reducers over n plain values (scaler/wcache.c): p's aggregate
 * (agg, pct) into *out; false when InfluxDB gives no row (none, or a
 * percentile's rank outside 0..n−1). Sorts v for ranks.
 */
bool	 winagg_reduce(enum policy_aggregate agg, double pct, double *v,
	    size_t n, double *out);
/* The smallest and largest of v[0..n) (±INFINITY when n is 0). */
void	 winagg_extremes(const double *v, size_t n, double *lo, double *hi);

#endif
