/*
 * Unit tests for predict (the seasonal forecast and the pre-scale rule),
 * decide's use of it, and the replay of a predicting policy on a load
 * whose burst comes back every period. Expectations derived by hand.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "predict.h"
#include "replay.h"

#define NS_S	INT64_C(1000000000)
#define MIN	(60 * NS_S)
#define NOW	(INT64_C(1800000000) * NS_S)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Target mode at 50 per replica, 1..20 replicas, predicting hourly. */
static struct policy
predicting(void)
{
	struct policy	p;

	memset(&p, 0, sizeof(p));
	p.min_no = 1;
	p.max_no = 20;
	p.field = (char *)"cpu_ratio";
	p.mode = POLICY_MODE_TARGET;
	p.setpoint = 50;
	p.tolerance = 0.1;
	p.out_window_ns = p.in_window_ns = MIN;
	p.enabled = true;
	p.service = (char *)"web";
	p.predict_ns = 60 * MIN;
	p.lead_ns = MIN;
	return p;
}

Test(predict, exact_periodic_input_is_forecast_exactly)
{
	struct policy		p = predicting();
	struct predict_out	o;
	double			peaks[PREDICT_PERIODS];
	size_t			k;

	for (k = 0; k < PREDICT_PERIODS; k++)
		peaks[k] = 430;
	predict_forecast(&p, peaks, PREDICT_PERIODS, &o);
	cr_expect(o.on);
	cr_expect_eq(o.forecast, 430);
	cr_expect_eq(o.periods, 7);
	/* ceil(430 / 50) = 9 */
	cr_expect_eq(o.need, 9);
}

Test(predict, outliers_and_noise)
{
	struct policy		p = predicting();
	struct predict_out	o;
	/* three wild periods of seven: the median is still the season */
	double			wild[] = { 400, 5000, 410, 0, 420, 9000, 405 };
	/* noise around 300: the middle value */
	double			noisy[] = { 290, 310, 305, 295, 300, 320, 280 };

	predict_forecast(&p, wild, NITEMS(wild), &o);
	/* sorted 0 400 405 410 420 5000 9000: the 4th */
	cr_expect_eq(o.forecast, 410);
	predict_forecast(&p, noisy, NITEMS(noisy), &o);
	cr_expect_eq(o.forecast, 300);
	cr_expect_eq(o.need, 6);
}

Test(predict, missing_history_is_off)
{
	struct policy		p = predicting();
	struct predict_out	o;
	double			two[PREDICT_PERIODS] = { 100, NAN, 200, NAN,
				    NAN, NAN, NAN };
	double			four[PREDICT_PERIODS] = { 100, NAN, 200, 300,
				    NAN, 400, NAN };

	predict_forecast(&p, two, PREDICT_PERIODS, &o);
	cr_expect(!o.on);
	cr_expect_eq(o.periods, 2);
	cr_expect_eq(o.need, 0);
	cr_expect(isnan(o.forecast));
	/* an even count: the mean of the two middle peaks, 250 */
	predict_forecast(&p, four, PREDICT_PERIODS, &o);
	cr_expect(o.on);
	cr_expect_eq(o.forecast, 250);
	cr_expect_eq(o.need, 5);
}

Test(predict, need_per_mode)
{
	struct policy	p = predicting();

	cr_expect_eq(predict_need(&p, 0), 1);		/* at least one */
	cr_expect_eq(predict_need(&p, 5000), 20);	/* at most max_no */
	cr_expect_eq(predict_need(&p, NAN), 0);
	p.mode = POLICY_MODE_CAPACITY;
	p.capacity = 100;
	p.min_available = 50;
	cr_expect_eq(predict_need(&p, 430), 5);		/* (430 + 50) / 100 */
	p.mode = POLICY_MODE_THRESHOLD;
	p.out = (struct policy_threshold){ true, false, POLICY_OP_GT, 80,
	    POLICY_UNIT_PERCENT };
	p.in = (struct policy_threshold){ true, false, POLICY_OP_LT, 20,
	    POLICY_UNIT_PERCENT };
	cr_expect_eq(predict_need(&p, 430), 9);		/* 430 / 50 */
	p.of_total = true;	/* a total threshold: no per-replica size */
	cr_expect_eq(predict_need(&p, 430), 0);
}

/*
 * The ready replicas at 20 each (a calm minute), peaks, and the
 * stabilization window's recommendations (recs, n; NULL, 0: none).
 */
static struct decide_out
calm_recs(const struct policy *p, int replicas, const double *peaks,
    const struct decide_rec *recs, size_t n)
{
	struct decide_in	in;
	struct decide_out	out;

	memset(&in, 0, sizeof(in));
	in.policy = p;
	in.replicas = replicas;
	in.now_ns = NOW;
	in.sample_interval_ns = 10 * NS_S;
	in.out.present = true;
	in.out.value = 20;
	in.out.count = 6 * (uint64_t)replicas;
	in.out.first_ns = NOW - MIN + 10 * NS_S;
	in.out.last_ns = NOW;
	in.out.ready_known = true;
	in.out.ready_n = replicas;
	in.out.ready_total = 20.0 * replicas;
	in.in = in.out;
	in.peaks = peaks;
	in.recs = recs;
	in.nrecs = n;
	decide(&in, &out);
	return out;
}

static struct decide_out
calm_with(const struct policy *p, int replicas, const double *peaks)
{
	return calm_recs(p, replicas, peaks, NULL, 0);
}

Test(predict, decide_prescales_and_only_raises)
{
	struct policy		p = predicting();
	struct decide_out	d;
	double			burst[PREDICT_PERIODS] = { 400, 400, 400, 400,
				    400, 400, 400 };
	double			low[PREDICT_PERIODS] = { 30, 30, 30, 30, 30,
				    30, 30 };

	/* a burst of 400 is due: 2 -> 8 at once, value the forecast */
	d = calm_with(&p, 2, burst);
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 8);
	cr_expect_str_eq(d.reason, "predicted");
	cr_expect_eq(d.value, 400);
	cr_expect_eq(d.desired, 8);
	/* 4 replicas at 20, nothing due: the reactive scale-in to 2 */
	d = calm_with(&p, 4, low);
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 2);
	/* 8 replicas at 20 with the burst still due: no scale-in */
	d = calm_with(&p, 8, burst);
	cr_expect_eq(d.action, DECIDE_HOLD);
	cr_expect_str_eq(d.reason, "predicted");
	cr_expect_eq(d.after, 8);
	/* not enough history: the reactive rule alone */
	p.predict_ns = 60 * MIN;
	burst[1] = burst[2] = burst[3] = burst[4] = burst[5] = NAN;
	d = calm_with(&p, 4, burst);
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect(!d.pred.on);
	/* paused: nothing */
	p.enabled = false;
	d = calm_with(&p, 2, low);
	cr_expect_eq(d.action, DECIDE_PAUSED);
}

/*
 * The pre-scale's band (target mode, setpoint 50, tolerance 10 %): a
 * forecast of 260 needs 6 replicas (5.2), but 5 carry it at 52, inside
 * the band: no pre-scale from 5; from 4 (65 each) it fires, to 6. Other
 * modes have no tolerance: any need above the count fires.
 */
Test(predict, fires_only_beyond_the_band)
{
	struct policy		p = predicting();
	struct predict_out	o = { true, 260, 7, 0 };

	o.need = predict_need(&p, o.forecast);
	cr_expect_eq(o.need, 6);
	cr_expect(!predict_fires(&p, 5, &o));
	cr_expect(predict_fires(&p, 4, &o));
	cr_expect(!predict_fires(&p, 6, &o));	/* at the need */
	o.forecast = 275;			/* 55 each: the band's edge */
	cr_expect(!predict_fires(&p, 5, &o));
	o.forecast = 275.5;
	cr_expect(predict_fires(&p, 5, &o));
	cr_expect(predict_fires(&p, 0, &o));	/* from 0: any need */
	o.on = false;
	cr_expect(!predict_fires(&p, 4, &o));
	o.on = true;
	o.forecast = 260;
	p.mode = POLICY_MODE_CAPACITY;
	p.capacity = 50;
	o.need = predict_need(&p, o.forecast);
	cr_expect(predict_fires(&p, 5, &o));	/* no band in capacity */
}

/*
 * A steady load whose forecast sits on a multiple of the setpoint (need
 * 6 one tick, 5 the next) never flaps: from 5, a forecast inside the
 * band does not pre-scale; at 6 the scale-in stops at the need while it
 * is 6, and goes to 5 once it is 5, where it stays.
 */
Test(predict, a_flickering_need_does_not_flap)
{
	struct policy		p = predicting();
	struct decide_out	d;
	double			six[PREDICT_PERIODS] = { 251, 251, 251, 251,
				    251, 251, 251 };
	double			five[PREDICT_PERIODS] = { 249, 249, 249, 249,
				    249, 249, 249 };

	d = calm_with(&p, 5, six);	/* 50.2 each: inside the band */
	cr_expect_neq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 5);
	d = calm_with(&p, 6, six);	/* reactive in to 3, stopped at 6 */
	cr_expect_eq(d.action, DECIDE_HOLD);
	cr_expect_str_eq(d.reason, "predicted");
	d = calm_with(&p, 6, five);	/* the need is 5: in to 5 */
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 5);
	d = calm_with(&p, 5, six);
	cr_expect_neq(d.action, DECIDE_SCALE_OUT);
}

/*
 * With stabilize_in, the need's flicker is held like any recommendation:
 * at 6 with 6 recommended 30 s ago, a need of 5 holds 6 (stabilizing)
 * until that recommendation is older than the window; then 6 -> 5.
 */
Test(predict, a_flicker_down_waits_for_stabilization)
{
	struct policy		p = predicting();
	struct decide_out	d;
	struct decide_rec	recs[] = { { NOW - 30 * NS_S, 6 } };
	double			five[PREDICT_PERIODS] = { 249, 249, 249, 249,
				    249, 249, 249 };

	p.stabilize_in_ns = MIN;
	d = calm_recs(&p, 6, five, recs, NITEMS(recs));
	cr_expect_eq(d.action, DECIDE_HOLD);
	cr_expect_str_eq(d.reason, "stabilizing");
	cr_expect_eq(d.after, 6);
	recs[0].ns = NOW - MIN;
	d = calm_recs(&p, 6, five, recs, NITEMS(recs));
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 5);
}

/*
 * Replay: a burst of 600 (units of 100 per replica, util 0.8: demand 8)
 * for 5 minutes at the same minute of each 20-minute period, 50 the rest
 * (demand 1), over 8 periods. Reactive target tracking sees each burst
 * only once it has come, and its replicas are ready 20 s after; the
 * predicting policy, once 3 periods are on record, is ready before it.
 * The load is a rate's (uncapped): a ratio saturated at 100 per replica
 * under-reads a burst it was not ready for, and its forecast grows only
 * as later periods meet it (README, "Prediction").
 */
/*
 * The replay model of the burst tests (10 s samples and ticks, 20 s
 * start, demand at 80 % of 100 a replica, from 1 replica) and an n-sample
 * load for the caller to fill.
 */
static void
burst_model(struct replay_model *m, struct replay_load *l, bool capped,
    size_t n)
{
	memset(m, 0, sizeof(*m));
	m->interval_ns = m->tick_ns = 10 * NS_S;
	m->start_delay_ns = 20 * NS_S;
	m->demand_util = 0.8;
	m->capacity = 100;
	m->capped = capped;
	m->start = 1;
	m->origin_ns = NOW;
	memset(l, 0, sizeof(*l));
	l->n = n;
	l->interval_ns = 10 * NS_S;
	cr_assert_not_null(l->load = calloc(n, sizeof(double)));
}

static double
replay_under(bool predict, bool capped, double *replica_hours)
{
	struct replay_model	m;
	struct replay_load	l;
	struct replay_result	res;
	struct policy		p = predicting();
	char			err[256];
	size_t			k, period = 120;	/* 20 minutes of 10 s */
	double			theta;

	burst_model(&m, &l, capped, 8 * period);
	for (k = 0; k < l.n; k++)
		l.load[k] = k % period >= 60 && k % period < 90 ? 600 : 50;
	p.setpoint = 80;
	p.predict_ns = predict ? 20 * MIN : 0;
	p.stabilize_in_ns = 2 * MIN;
	cr_assert_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)), 0,
	    "%s", err);
	theta = res.das.theta_u;
	*replica_hours = res.das.replica_hours;
	replay_result_free(&res);
	replay_load_free(&l);
	return theta;
}

Test(predict, replay_is_ready_before_the_burst)
{
	double	rh_reactive, rh_predict;
	double	reactive = replay_under(false, false, &rh_reactive);
	double	predicted = replay_under(true, false, &rh_predict);

	cr_expect_gt(reactive, 0);
	/* bursts 4..8 are met on time: at most half the reactive deficit */
	cr_expect_lt(predicted, reactive / 2, "θU %.3f predicted, %.3f "
	    "reactive", predicted, reactive);
	/* and the replicas it pays for come within a third more */
	cr_expect_lt(rh_predict, rh_reactive * 1.34, "%.3f vs %.3f",
	    rh_predict, rh_reactive);
}

/*
 * The replay's prediction never sees the future: a burst of 600 (as in
 * replay_under) that first comes in period 4 of 10 (j = 3) and then
 * every period. At a tick of period j the peaks are periods j − 1 ..
 * j − 7: bursts in j − 3 of them, the rest base. The median is base
 * until 3 of 6 peaks are bursts (j = 6: half-way), a burst from j = 7:
 * no pre-scale before period 6. Reading the period being replayed (its
 * future) would give 3 bursts in 6 peaks already in period 5. (What it
 * catches is a replay that reads the load ahead of the tick; an
 * off-by-one in the periods alone cannot see ahead, as only the samples
 * before the tick are aggregated.)
 */
Test(predict, replay_never_reads_the_future)
{
	struct replay_model	m;
	struct replay_load	l;
	struct replay_result	res;
	struct policy		p = predicting();
	char			err[256];
	size_t			k, period = 120, first = 0;
	bool			any = false;

	burst_model(&m, &l, false, 10 * period);
	for (k = 0; k < l.n; k++)
		l.load[k] = k / period >= 3 && k % period >= 60 &&
		    k % period < 90 ? 600 : 50;
	p.setpoint = 80;
	p.predict_ns = 20 * MIN;
	p.stabilize_in_ns = 2 * MIN;
	cr_assert_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)), 0,
	    "%s", err);
	for (k = 0; k < res.nrows; k++) {
		if (strcmp(res.rows[k].reason, "predicted") != 0 ||
		    strcmp(res.rows[k].action, "scale_out") != 0)
			continue;
		if (!any)
			first = (size_t)(res.rows[k].t_ns / (20 * MIN));
		any = true;
	}
	cr_expect(any, "prediction never engaged");
	cr_expect_geq(first, 6, "pre-scaled in period %zu", first);
	replay_result_free(&res);
	replay_load_free(&l);
}
