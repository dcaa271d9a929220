/*
 * predict: predictive pre-scaling (README, "Prediction"), pure.
 *
 * A policy with predict = P (the load's season, such as 1h or 1d) learns
 * from its own history what load to expect over the next lead: for each
 * of the last PREDICT_PERIODS periods k, the peak of the service's total
 * load over (now − k·P, now − k·P + lead] (InfluxDB or the replay gives
 * it; NAN when that period has no data). The forecast is the median of
 * the peaks present — a seasonal naive forecast made robust: one odd
 * period (an incident's spike, an outage's hole) in three moves it not at
 * all, three in seven neither, where a mean would carry a fraction of
 * every outlier into every forecast. An exactly periodic load is
 * forecast exactly. With fewer than PREDICT_MIN_PERIODS peaks prediction
 * is off for that tick, and says so.
 *
 * The pre-scale rule: the replicas the forecast needs, ceil(forecast /
 * per-replica load), where a replica's load is the setpoint (target), the
 * capacity (capacity, with min_available added to the forecast) or the
 * middle of the out/in band (threshold); at least 1, never more than
 * max_no, and none at all (0) for a row that may rest at 0 replicas when
 * the forecast is at or below its activation. Prediction only ever
 * raises: the count is the larger of the reactive decision and that
 * need; in target mode a pre-scale also needs the forecast beyond the
 * tolerance (predict_fires), and a scale-in stops at the need.
 */
#ifndef DAS_PREDICT_H
#define DAS_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

#define PREDICT_PERIODS		7
#define PREDICT_MIN_PERIODS	3

struct predict_out {
	bool		 on;		/* enough history */
	double		 forecast;	/* the median peak (NAN when off) */
	int		 periods;	/* peaks present */
	int		 need;		/* replicas the forecast needs; 0 off */
};

/*
 * The forecast from peaks[0..n) (peaks[k] of period k + 1, NAN: none)
 * and the replicas it needs under p. n above PREDICT_PERIODS is cut.
 */
void	 predict_forecast(const struct policy *p, const double *peaks,
	    size_t n, struct predict_out *out);

/* The replicas a forecast load needs under p (1..max_no); 0: none. */
int	 predict_need(const struct policy *p, double forecast);

/*
 * Whether the forecast raises replicas (the pre-scale rule). In target
 * mode only when it is beyond the tolerance above what they carry at the
 * setpoint, the band the reactive rule keeps: a forecast near a multiple
 * of the setpoint would otherwise make its need flicker by one, each
 * flicker up a pre-scale and each down a scale-in (a flap every minute
 * or two on a steady load). The band is one-sided: a scale-in still
 * stops at the need, so a count that reached the need stays there while
 * the forecast sits just above a multiple of the setpoint (one replica
 * more than the band would ask for, and no flap).
 */
bool	 predict_fires(const struct policy *p, int replicas,
	    const struct predict_out *o);

#endif
