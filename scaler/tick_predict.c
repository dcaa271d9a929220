/*
 * tick_predict: a predicting policy's part of a tick (decide.h,
 * predict.h): the peaks it reads, the words of a pre-scale's journal row,
 * and, lead after each pre-scale, a "predict" row holding the forecast
 * beside the load that came (the largest total seen meanwhile), so an
 * operator can judge the forecaster with SQL.
 */
#include <math.h>
#include <stdio.h>

#include "engine_int.h"
#include "iql.h"
#include "journal.h"
#include "log.h"

/* The peaks of w's policy, or NULL when it does not predict. */
const double *
tick_predict_peaks(struct engine *e, struct work *w,
    double peaks[PREDICT_PERIODS])
{
	if (w->pol.predict_ns <= 0 || !e->t.query_ok)
		return NULL;
	iql_plan_peaks(e->t.plan, w->plan_idx, w->status->service_id,
	    w->pol.service, peaks);
	return peaks;
}

/* The service's total load now (what a forecast is compared with). */
double
tick_predict_load(const struct decide_in *in)
{
	const struct decide_obs	*o = &in->out;

	if (!o->present || !isfinite(o->value))
		return NAN;
	if (o->total)
		return o->value;
	if (o->ready_known)
		return o->ready_total;
	return o->value * in->replicas;
}

/* The words of a pre-scale's row. */
const char *
tick_predict_detail(struct engine *e, const struct work *w)
{
	const struct predict_out	*p = &w->out.pred;
	struct buf			 lead;
	const char			*s;

	buf_init(&lead);
	policy_format_duration(w->pol.lead_ns, &lead);
	s = strpool_printf(&e->t.strs, "forecast %.4g over the next %s "
	    "(median of the peaks of %d of the last %d periods) needs %d "
	    "replicas", p->forecast, buf_str(&lead), p->periods,
	    PREDICT_PERIODS, p->need);
	buf_free(&lead);
	return s;
}

/*
 * Follow a forecast until due_ns. A pre-scale while one is followed
 * keeps the earlier due time (its row comes first) and the larger
 * forecast.
 */
void
tick_predict_follow_from(struct pstate *st, int64_t due_ns, double forecast,
    double load)
{
	if (st->pred_due_ns != 0) {
		if (forecast > st->pred_forecast)
			st->pred_forecast = forecast;
		return;
	}
	st->pred_due_ns = due_ns;
	st->pred_forecast = forecast;
	st->pred_realised = load;
}

/* A pre-scale was made (a Swarm call, in the tick). */
void
tick_predict_started(struct engine *e, struct work *w, int64_t done_ns)
{
	tick_predict_follow_from(w->st, done_ns + w->pol.lead_ns,
	    w->out.pred.forecast, w->load_now);
	(void)e;
}

/* Each tick: the largest load since the pre-scale; its row when due. */
void
tick_predict_follow(struct engine *e, struct work *w)
{
	struct pstate		*st = w->st;
	struct engine_who	 who;
	char			 detail[200];

	if (st->pred_due_ns == 0)
		return;
	if (isfinite(w->load_now) && !(w->load_now <= st->pred_realised))
		st->pred_realised = w->load_now;
	if (e->t.now_ns < st->pred_due_ns)
		return;
	snprintf(detail, sizeof detail, "forecast %.4g, realised peak %.4g "
	    "(%.0f%% of the forecast)", st->pred_forecast, st->pred_realised,
	    st->pred_forecast > 0 ? 100 * st->pred_realised /
	    st->pred_forecast : NAN);
	engine_who_of(w, &who);
	engine_record(e, &who, 0, "predict", w->replicas, w->replicas,
	    st->pred_realised, st->pred_forecast, "realised", detail);
	st->pred_due_ns = 0;
}

/* The forecast in words for dasctl explain; "" without prediction. */
const char *
tick_predict_words(struct engine *e, const struct work *w)
{
	const struct predict_out	*p = &w->out.pred;
	struct buf			 lead;
	const char			*s;

	if (w->pol.predict_ns <= 0)
		return "";
	if (!e->t.query_ok)
		return "off this tick: no answer from InfluxDB";
	if (!p->on)
		return strpool_printf(&e->t.strs, "off: %d of the last %d "
		    "periods have data, %d needed", p->periods,
		    PREDICT_PERIODS, PREDICT_MIN_PERIODS);
	buf_init(&lead);
	policy_format_duration(w->pol.lead_ns, &lead);
	s = strpool_printf(&e->t.strs, "%.4g at most over the next %s "
	    "(median peak of %d periods) needs %d replicas", p->forecast,
	    buf_str(&lead), p->periods, p->need);
	buf_free(&lead);
	return s;
}
