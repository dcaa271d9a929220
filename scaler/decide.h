/*
 * decide: the scaling decision for one policy, a pure function.
 *
 * Given the policy, the replica count the orchestrator reports, the clock,
 * the time of the last replica change and one observation per window,
 * decide() says what to do and why. No I/O, no clock reads, no state.
 *
 * Order of evaluation (each step has its cases in tests/unit/test_decide.c):
 *   1. disabled policy                      PAUSED  "paused" (no bounds either)
 *   2. replicas < min_no                    BOUNDS  "below_min", after = min_no
 *      replicas > max_no                    BOUNDS  "above_max", after = max_no
 *      (with or without metrics, ignoring windows and cooldowns)
 *   3. the out direction, then the in direction. A direction "fires" when
 *      its window is covered (below) and its condition holds:
 *        threshold mode   out: value (>|>=) out threshold
 *                         in:  value (<|<=) in threshold
 *        sustained        out uses the window's min, in its max: every
 *                         sample must be past the threshold
 *        capacity mode    see below
 *        target mode      see below
 *      A firing out direction decides, and in is not considered (out wins):
 *        replicas == max_no, or the step     HOLD "at_max"
 *        (clamped) moves nothing
 *        window reaches before last change   HOLD "window_after_change"
 *        (not for a target-mode scale-out)
 *        now - last change < cooldown        HOLD "cooldown"
 *        stabilization keeps the count       HOLD "stabilizing"
 *        else SCALE_OUT by step_out, clamped to max_no ("above_out")
 *      then, the same for in with min_no, step_in, "at_min", "below_in".
 *      A step written as a percent ('50%') is that share of the count,
 *      rounded up, at least 1 (policy_step).
 *   4. nothing fired: HOLD "no_data" when either window was not covered,
 *      else STEADY "in_band".
 *
 * Coverage ("too few samples to cover the window" is no data): a window W
 * is covered when the observation is present, its value finite, it holds
 * at least DECIDE_MIN_SAMPLES samples, its oldest sample lies within
 * 1.25 sample intervals of the window start (DECIDE_START_SLACK_QUARTERS:
 * the full window, and ds's jitter) and its newest within
 * DECIDE_COVER_SLACK intervals of now (last_ns >= now - slack).
 *
 * Anti-flapping: a direction acts only when its whole window is after the
 * last change (now - W >= last_change_ns), so no pre-change sample is used,
 * and no sooner than its cooldown (now - last_change_ns >= cooldown).
 * last_change_ns == 0 means "never changed": neither rule applies.
 *
 * Capacity mode (SimpleScaleVM): each replica offers policy->capacity units
 * of the metric. For a window with per-container aggregate v:
 *     demand  = v * replicas + min_available
 *     desired = ceil(demand / capacity)          (unclamped)
 * The out window grows: it fires when desired > replicas (demand >
 * capacity * replicas); the in window shrinks: it fires when desired <
 * replicas (demand <= capacity * (replicas - 1)). A move goes toward
 * desired clamped to [min_no, max_no], by at most step_out / step_in,
 * reason "capacity". Sustained mode uses the window's min for growth and
 * its max for shrinking. With 0 replicas nothing can be measured and
 * nothing is used: demand = min_available, without coverage for growth.
 * Output value/threshold: demand and capacity * replicas (grow, steady) or
 * capacity * (replicas - 1) (shrink).
 *
 * Capacity mode counts only the ready replicas' load when the caller knows
 * them (obs.ready_known): demand = ready_total + min_available, so
 * replicas still starting are supply but not load (counting them as
 * load overshot by one and came back).
 *
 * Target mode (target tracking): per window, from the containers that
 * reported over the whole window only (obs.ready_n, obs.ready_total):
 *     u = ready_total / ready_n        (the ready replicas' mean)
 *     desired = ceil(ready_total / setpoint)        (out)
 *     desired = ceil(u * replicas / setpoint)       (in)
 * A direction fires when u is on its side of the setpoint by more than
 * the tolerance (|u / setpoint - 1| > tolerance) and desired is past the
 * count: out goes to desired, at most max_step_out more (default the
 * larger of 4 and 100 %); in goes to desired. Sustained mode reads
 * the window's min (out) or max (in) sample as u: every sample must be
 * past the band, and the count follows the least (out) or most (in)
 * loaded sample (out: u x ready_n, in: u x replicas). min and max are of
 * every container's samples, starting ones too, so a warming-up
 * replica's low samples hold a sustained scale-out back. Reasons
 * "above_target", "below_target"; value u, threshold the setpoint. No
 * ready container: no data.
 *
 * Stabilization (per direction, the caller keeps the recommendations:
 * out->desired of each tick, passed back as in->recs): a scale-in goes no
 * lower than the highest recommendation of the last stabilize_in (this
 * tick's included), a scale-out no higher than the lowest of the last
 * stabilize_out. Target mode: stabilize_in defaults to 5 m (HPA's), the
 * cooldowns to none.
 *
 * Why a target-mode scale-out needs no whole window after a change: the
 * ready total counts only containers that reported over the whole
 * window, each over the span they all covered, so their sum is the mean
 * of their summed load over one span, at most the load; a pre-change
 * sample (the load spread over fewer replicas) can make desired smaller,
 * never larger than what the load needs, and replicas still starting are
 * already in the count desired is compared with. So it acts as soon as
 * the newer samples show the ready replicas over the setpoint. Scale-in
 * keeps the rule (a pre-change sample there reads low).
 *
 * Custom measurements (obs.total): the value is the service's total.
 * per_replica divides it among the replicas (at least one) for a
 * threshold; target mode's u is total / replicas (or the total), desired
 * ceil(replicas × u / setpoint); capacity's demand is the total. Its
 * scale-out needs no window after a change (the total does not depend
 * on the count). From and to 0 (min_no 0): at 0 replicas the out side
 * fires when the total passes activation, to at least 1, reason
 * "activation"; the in side goes to 0 only when the in window's largest
 * total is at or below activation.
 *
 * Prediction (predict.h; p->predict_ns and in->peaks): after the
 * reactive decision, when the forecast needs more than the count and
 * more than the reactive decision, it scales out to the need at once
 * (no cooldown: a late pre-scale is no pre-scale), reason "predicted";
 * a scale-in goes no lower than the need. Not when paused or out of
 * bounds. The need is also this tick's recommendation, so the in side's
 * stabilization holds it after the burst.
 *
 * Partial data: in target and capacity modes (ready replicas counted),
 * a scale-in whose in window is past the last change but counts fewer
 * ready replicas than the count is held, reason "partial_data": the
 * missing ones are a node whose ds stopped or cannot reach InfluxDB (or
 * whose Engine died), and their load is unknown, not gone. A scale-out
 * still acts (the ready replicas' load is a lower bound of the load).
 *
 * Reasons are static strings, stable machine words for the journal:
 * paused below_min above_max above_out below_in capacity above_target
 * below_target activation predicted in_band no_data partial_data
 * window_after_change cooldown stabilizing at_max at_min.
 */
#ifndef DAS_DECIDE_H
#define DAS_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "predict.h"

/* A window needs at least this many samples to count as data. */
#define DECIDE_MIN_SAMPLES	2
/* Slack, in sample intervals, at now (coverage: ds may be a sample late). */
#define DECIDE_COVER_SLACK	2
/*
 * At the window's start: one interval (a sample at t stands for the
 * interval before t, so one at now − W + interval covers the window from
 * its start) and a quarter for ds's timing jitter. The first decision
 * after a start or a change thus uses the full window; two intervals
 * let it come one interval early, on less than the window.
 */
#define DECIDE_START_SLACK_QUARTERS	5
/* Sample interval assumed when the caller passes <= 0. */
#define DECIDE_DEFAULT_INTERVAL_NS	INT64_C(10000000000)

/* One window's answer from InfluxDB for one service. */
struct decide_obs {
	bool		 present;	/* the query returned a row */
	double		 value;		/* the aggregate (mean, pNN, ...) */
	double		 min, max;	/* of the samples (sustained mode) */
	uint64_t	 count;		/* number of samples */
	int64_t		 first_ns;	/* time of the oldest sample */
	int64_t		 last_ns;	/* time of the newest sample */
	/*
	 * Target and capacity modes: the containers that reported over the
	 * whole window (the ready replicas), how many and the sum of their
	 * aggregates, each over the span they all covered (scaler/iql.h).
	 * Without ready_known, capacity mode counts every
	 * replica as carrying the aggregate, as before, and target mode
	 * has no data. With it and ready_n == 0 (replicas > 0), neither
	 * mode has data: none ready is not no load.
	 */
	bool		 ready_known;
	int		 ready_n;
	double		 ready_total;
	/*
	 * A custom measurement's value is the service's total (its series
	 * summed), not a container's: per_replica divides it by the
	 * replicas; min and max bound the total's extremes.
	 */
	bool		 total;
};

/* One earlier tick's recommendation (stabilization). */
struct decide_rec {
	int64_t		 ns;
	int		 desired;
};

struct decide_in {
	const struct policy *policy;	/* borrowed */
	int		 replicas;	/* observed from the orchestrator */
	int64_t		 now_ns;
	int64_t		 last_change_ns; /* last replica change; 0 = never */
	int64_t		 sample_interval_ns; /* ds interval (coverage) */
	struct decide_obs out, in;	/* out window and in window */
	/* this policy's recommendations of earlier ticks, any order
	 * (out->desired as the caller kept them; older than the
	 * stabilization windows are ignored) */
	const struct decide_rec *recs;
	size_t		 nrecs;
	/* predict: the peaks of the last periods (predict.h); NULL none */
	const double	*peaks;
};

enum decide_action {
	DECIDE_STEADY,
	DECIDE_SCALE_OUT,
	DECIDE_SCALE_IN,
	DECIDE_BOUNDS,
	DECIDE_HOLD,
	DECIDE_PAUSED,
};

struct decide_out {
	enum decide_action action;
	int		 before, after;	/* after == before unless acting */
	double		 value;		/* held against threshold; NAN: none */
	double		 threshold;	/* NAN when none */
	const char	*reason;	/* static, see above */
	bool		 dry_run;	/* copied from the policy */
	int		 desired;	/* this tick's recommendation, before
					 * windows, cooldowns, stabilization:
					 * the caller keeps it (decide_rec) */
	bool		 has_data;	/* every window it needs was covered */
	struct predict_out pred;	/* predict: the forecast, its need */
};

/* Decide for one policy. Never fails; *out is always fully set. */
void	 decide(const struct decide_in *, struct decide_out *);

/*
 * Several rows for one service (one per metric) form a group: each
 * decides alone, then the group scales out when any row scales out (to
 * the highest count), and in only when every row scales in (to the
 * highest of their counts): a row without data, or in band, blocks a
 * scale-in but not a scale-out. Bounds first; paused rows take no part.
 * Returns the row whose decision stands (the driver), copied to *out.
 */
size_t	 decide_group(const struct decide_out *rows, size_t n,
	    struct decide_out *out);

/* "steady", "scale_out", "scale_in", "bounds", "hold", "paused". */
const char *decide_action_name(enum decide_action);

/* The coverage rule above, alone (the tests check it by itself). */
bool	 decide_covered(const struct decide_obs *, int64_t window_ns,
	    int64_t now_ns, int64_t sample_interval_ns);

#endif
