/* decide: the scaling decision for one policy (pure; see decide.h). */
#include <math.h>
#include <stdint.h>

#include "decide.h"

/* What one direction would do, before bounds, windows and cooldowns. */
struct decide_side {
	bool		 out_side;
	bool		 covered;
	bool		 fires;
	double		 value;		/* NAN when not covered */
	double		 threshold;
	int		 target;	/* replicas it wants, within bounds */
	int		 desired;	/* its recommendation (stabilization) */
	const char	*reason;	/* when it acts */
	bool		 partial;	/* fewer replicas reported than run */
};

static int64_t
sat_add(int64_t a, int64_t b)
{
	int64_t	r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int64_t
sat_sub(int64_t a, int64_t b)
{
	int64_t	r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int
clamp_int(int64_t v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

bool
decide_covered(const struct decide_obs *o, int64_t window_ns, int64_t now_ns,
    int64_t interval_ns)
{
	int64_t	slack, start;

	if (interval_ns <= 0)
		interval_ns = DECIDE_DEFAULT_INTERVAL_NS;
	if (__builtin_mul_overflow(interval_ns, DECIDE_COVER_SLACK, &slack))
		slack = INT64_MAX;
	if (__builtin_mul_overflow(interval_ns / 4, DECIDE_START_SLACK_QUARTERS,
	    &start))
		start = INT64_MAX;
	return o->present && isfinite(o->value) &&
	    o->count >= DECIDE_MIN_SAMPLES &&
	    o->first_ns <= sat_add(sat_sub(now_ns, window_ns), start) &&
	    o->last_ns >= sat_sub(now_ns, slack);
}

/*
 * The value a side holds against its threshold: the aggregate, or in
 * sustained mode the sample extreme that must also be past it (min for
 * out, max for in). NAN when the window is not covered.
 */
static double
side_value(const struct decide_in *in, const struct decide_side *s)
{
	const struct policy	*p = in->policy;
	const struct decide_obs	*o = s->out_side ? &in->out : &in->in;
	int64_t			 w;

	w = s->out_side ? p->out_window_ns : p->in_window_ns;
	if (!decide_covered(o, w, in->now_ns, in->sample_interval_ns))
		return NAN;
	if (!(s->out_side ? p->sustained_out : p->sustained_in))
		return o->value;
	return s->out_side ? o->min : o->max;
}

static bool
op_holds(double v, enum policy_op op, double t)
{
	switch (op) {
	case POLICY_OP_GT:
		return v > t;
	case POLICY_OP_GE:
		return v >= t;
	case POLICY_OP_LT:
		return v < t;
	case POLICY_OP_LE:
		return v <= t;
	}
	return false;
}

/*
 * What a threshold holds a value as (per_replica): ds's values are a
 * container's and a custom measurement's the service's total, so the
 * total is divided among the replicas (at least one), or a container's
 * value times the replicas is the total.
 */
static double
per_policy(const struct decide_in *in, const struct decide_side *s,
    double v)
{
	const struct decide_obs	*o = s->out_side ? &in->out : &in->in;
	int			 r = in->replicas > 0 ? in->replicas : 1;

	if (o->total)
		return !in->policy->of_total ? v / r : v;
	return !in->policy->of_total ? v : v * in->replicas;
}

/* Threshold mode: compare, and one step toward the bound. */
static void
eval_threshold(const struct decide_in *in, struct decide_side *s)
{
	const struct policy		*p = in->policy;
	const struct policy_threshold	*t = s->out_side ? &p->out : &p->in;
	int64_t				 r = in->replicas;

	s->threshold = t->set ? t->value : NAN;
	s->value = per_policy(in, s, side_value(in, s));
	s->covered = isfinite(s->value);
	s->fires = s->covered && t->set && op_holds(s->value, t->op, t->value);
	if (s->out_side)
		s->target = clamp_int(r + policy_step(p, true, (int)r),
		    p->min_no, p->max_no);
	else
		s->target = clamp_int(r - policy_step(p, false, (int)r),
		    p->min_no, p->max_no);
	s->desired = s->target;
	s->reason = s->out_side ? "above_out" : "below_in";
}

/*
 * Capacity mode: demand = what the ready replicas carry + min_available
 * against capacity * replicas; move toward ceil(demand / capacity) by a
 * step. Starting replicas are supply, not load: counting them as load
 * overshot by one and came back. Without the ready count (!ready_known),
 * every replica carries the aggregate, as before.
 */
static double
capacity_demand(const struct decide_in *in, const struct decide_side *s,
    double v)
{
	const struct policy	*p = in->policy;
	const struct decide_obs	*o = s->out_side ? &in->out : &in->in;
	bool			 extreme;

	if (o->total)
		return v + p->min_available;
	if (!o->ready_known || in->replicas == 0)
		return v * (double)in->replicas + p->min_available;
	extreme = s->out_side ? p->sustained_out : p->sustained_in;
	return (extreme ? v * o->ready_n : o->ready_total) + p->min_available;
}

static void
eval_capacity(const struct decide_in *in, struct decide_side *s)
{
	const struct policy	*p = in->policy;
	const struct decide_obs	*o = s->out_side ? &in->out : &in->in;
	int64_t			 r = in->replicas;
	double			 v, desired;
	int			 want;

	s->threshold = p->capacity * (double)(s->out_side ? r : r - 1);
	s->reason = "capacity";
	s->target = s->desired = in->replicas;
	v = r == 0 && !o->total ? 0.0 : side_value(in, s);
	/* no replica ready over the window is no data, not no load */
	s->covered = isfinite(v) && (r == 0 || !o->ready_known ||
	    o->ready_n > 0);
	if (!s->covered || !(p->capacity > 0)) {
		s->value = NAN;
		return;
	}
	s->value = capacity_demand(in, s, v);
	/* 1e-9: 2.1 / 0.7 is 3.0000000000000004 in doubles, not 4 */
	desired = ceil(s->value / p->capacity - 1e-9);
	if (!isfinite(desired))
		return;
	want = desired < p->min_no ? p->min_no :
	    desired > p->max_no ? p->max_no : (int)desired;
	if (s->out_side) {
		s->fires = desired > (double)r;
		s->target = clamp_int(r + policy_step(p, true, (int)r),
		    p->min_no, want);
	} else {
		s->fires = desired < (double)r;
		s->target = clamp_int(r - policy_step(p, false, (int)r), want,
		    p->max_no);
	}
	s->desired = want;
}

/*
 * Target mode's load: u, the ready replicas' mean, and desired. Out: the
 * load the ready replicas carried, never more than there is. In: their
 * mean times every replica (the ones not yet counted carry as much now
 * that the load is spread over them), so a scale-in never reads the
 * uncounted replicas' load as gone. Sustained, u is the window's lowest
 * (out) or highest (in) sample, of any container, starting ones too: out
 * then reads less than the ready replicas carried (slower, never more
 * than the load), in more. A custom total is u = total per replica
 * (per_replica) or the total itself (HPA's Value target), and desired =
 * ceil(replicas × u / setpoint). False: no data.
 */
static bool
target_load(const struct decide_in *in, const struct decide_side *s,
    double *u, double *desired)
{
	const struct policy	*p = in->policy;
	const struct decide_obs	*o = s->out_side ? &in->out : &in->in;
	double			 r = in->replicas > 0 ? in->replicas : 1;
	double			 v = side_value(in, s);

	if (!isfinite(v))
		return false;
	if (o->total) {
		*u = !p->of_total ? v / r : v;
		*desired = ceil(r * *u / p->setpoint - 1e-9);
		return true;
	}
	if (!o->ready_known || o->ready_n <= 0)
		return false;
	*u = o->ready_total / o->ready_n;
	if (s->out_side ? p->sustained_out : p->sustained_in)
		*u = v;
	*desired = s->out_side ? ceil(*u * o->ready_n / p->setpoint - 1e-9) :
	    ceil(*u * (double)in->replicas / p->setpoint - 1e-9);
	return true;
}

/*
 * Target mode: desired = ceil(ready_total / setpoint), from the
 * containers that reported over the whole window only (starting
 * replicas are neither capacity nor load), unchanged while the ready
 * replicas' mean is within the tolerance of the setpoint. Out goes
 * straight to desired (at most max_step_out more); in goes to the
 * highest recommendation of the stabilization window (act_target).
 */
static void
eval_target(const struct decide_in *in, struct decide_side *s)
{
	const struct policy	*p = in->policy;
	int64_t			 r = in->replicas;
	double			 desired, u;
	bool			 within;
	int			 want;

	s->threshold = p->setpoint;
	s->reason = s->out_side ? "above_target" : "below_target";
	s->target = s->desired = in->replicas;
	s->value = NAN;
	s->covered = p->setpoint > 0 && target_load(in, s, &u, &desired);
	if (!s->covered)
		return;
	s->value = u;
	/* 1e-9: a mean exactly on either edge (77 of 70 at 10 %) is in */
	within = fabs(u / p->setpoint - 1) <= p->tolerance + 1e-9;
	want = desired < p->min_no ? p->min_no :
	    desired > p->max_no ? p->max_no : (int)desired;
	/*
	 * A direction needs the ready replicas' mean on its side of the
	 * setpoint (HPA's "no reversal"): just-started replicas carry load
	 * but are not yet counted, so desired alone would read low.
	 */
	if (s->out_side ? u < p->setpoint : u > p->setpoint)
		within = true;
	s->desired = within ? (int)r : want;
	if (s->out_side) {
		s->fires = !within && desired > (double)r;
		s->target = clamp_int(r + policy_max_step_out(p, (int)r),
		    p->min_no, want);
	} else {
		s->fires = !within && desired < (double)r;
		s->target = want;
	}
}

/*
 * From and to 0 replicas (a custom total; README, "Scale from zero"): at
 * 0 the out side fires when the total passes activation, to at least 1
 * (nothing runs to measure a step from); a side may go to 0 only when
 * the in window's largest total was at or below activation: no load at
 * all over the whole window, not a mean that averaged a burst away.
 */
static void
zero_rules(const struct decide_in *in, struct decide_side *s)
{
	const struct policy	*p = in->policy;
	const struct decide_obs	*o = s->out_side ? &in->out : &in->in;
	double			 v;

	if (!o->total)
		return;
	if (in->replicas == 0) {
		v = o->value;
		s->fires = s->out_side && s->covered && v > p->activation;
		if (s->fires) {
			/* nothing runs to step from: straight to desired */
			s->target = clamp_int(s->desired > 1 ? s->desired : 1,
			    1, p->max_no);
			s->desired = s->desired > s->target ? s->desired :
			    s->target;
			s->reason = "activation";
		}
		return;
	}
	if (s->out_side || s->target > 0 || o->max <= p->activation)
		return;
	s->target = 1;
	if (s->desired < 1)
		s->desired = 1;
	s->fires = s->fires && in->replicas > 1;
}

static void
set_out(struct decide_out *out, enum decide_action action, int after,
    const char *reason)
{
	out->action = action;
	out->after = after;
	out->reason = reason;
}

/*
 * Stabilization: a scale-in goes no lower than the highest
 * recommendation of the last stabilize_in, a scale-out no higher than
 * the lowest of the last stabilize_out (this tick's included).
 */
static int
stabilized(const struct decide_in *in, const struct decide_side *s)
{
	const struct policy	*p = in->policy;
	int64_t			 win;
	int			 t = s->target;
	size_t			 i;

	win = s->out_side ? p->stabilize_out_ns : p->stabilize_in_ns;
	if (win <= 0)
		return t;
	for (i = 0; i < in->nrecs; i++) {
		if (in->recs[i].ns <= sat_sub(in->now_ns, win) ||
		    in->recs[i].ns > in->now_ns)
			continue;
		if (s->out_side && in->recs[i].desired < t)
			t = in->recs[i].desired;
		if (!s->out_side && in->recs[i].desired > t)
			t = in->recs[i].desired;
	}
	return s->out_side ? (t > in->replicas ? t : in->replicas) :
	    (t < in->replicas ? t : in->replicas);
}

/*
 * Whether the window-after-change rule holds s back. In target mode it
 * does not hold a scale-out: desired counts only containers that
 * reported over the whole window, and their sum is at most the load
 * they carried, so a pre-change sample (the load spread over fewer
 * replicas) can make desired smaller, never larger than the load needs,
 * while the replicas still starting are already in the count it is
 * compared with. The next scale-out comes as soon as those samples show
 * the ready replicas still over the setpoint.
 */
static bool
window_holds(const struct decide_in *in, const struct decide_side *s)
{
	const struct policy	*p = in->policy;
	int64_t			 w;

	if (in->last_change_ns == 0 || (s->out_side &&
	    (p->mode == POLICY_MODE_TARGET || in->out.total)))
		return false;
	w = s->out_side ? p->out_window_ns : p->in_window_ns;
	return sat_sub(in->now_ns, w) < in->last_change_ns;
}

/*
 * A side that fires acts unless it is at its bound, its window reaches
 * back before the last change, its cooldown has not passed, or
 * stabilization keeps the count.
 */
static void
act(const struct decide_in *in, const struct decide_side *s,
    struct decide_out *out)
{
	const struct policy	*p = in->policy;
	int64_t			 cool;
	int			 r = in->replicas, to;

	out->value = s->value;
	out->threshold = s->threshold;
	cool = s->out_side ? p->cooldown_out_ns : p->cooldown_in_ns;
	to = stabilized(in, s);
	if (s->target == r || (s->out_side ? r >= p->max_no : r <= p->min_no))
		set_out(out, DECIDE_HOLD, r, s->out_side ? "at_max" : "at_min");
	else if (window_holds(in, s))
		set_out(out, DECIDE_HOLD, r, "window_after_change");
	else if (in->last_change_ns != 0 &&
	    sat_sub(in->now_ns, in->last_change_ns) < cool)
		set_out(out, DECIDE_HOLD, r, "cooldown");
	else if (to == r)
		set_out(out, DECIDE_HOLD, r, "stabilizing");
	else
		set_out(out, s->out_side ? DECIDE_SCALE_OUT : DECIDE_SCALE_IN,
		    to, s->reason);
}

static void
eval_side(const struct decide_in *in, struct decide_side *s)
{
	switch (in->policy->mode) {
	case POLICY_MODE_CAPACITY:
		eval_capacity(in, s);
		break;
	case POLICY_MODE_TARGET:
		eval_target(in, s);
		break;
	default:
		eval_threshold(in, s);
	}
}

/*
 * Prediction only ever raises (decide.h): to the forecast's need when it
 * is above both the count and the reactive decision and, in target mode,
 * beyond the tolerance band (predict_fires); a scale-in stops at the
 * need. The need is this tick's recommendation either way, so
 * stabilize_in holds it after a burst, and a count the band let stand
 * one below the need stays there.
 */
static void
apply_prediction(const struct decide_in *in, struct decide_out *out)
{
	int	need, r = in->replicas;

	predict_forecast(in->policy, in->peaks, PREDICT_PERIODS, &out->pred);
	need = out->pred.need;
	if (!out->pred.on || need <= 0)
		return;
	if (out->desired < need)
		out->desired = need;
	if (predict_fires(in->policy, r, &out->pred) && need > out->after) {
		out->value = out->pred.forecast;
		out->threshold = NAN;
		set_out(out, DECIDE_SCALE_OUT, need, "predicted");
	} else if (out->action == DECIDE_SCALE_IN && out->after < need) {
		set_out(out, need < r ? DECIDE_SCALE_IN : DECIDE_HOLD,
		    need < r ? need : r, need < r ? out->reason : "predicted");
	}
}

static void	decide_reactive(const struct decide_in *,
		    struct decide_out *);

void
decide(const struct decide_in *in, struct decide_out *out)
{
	const struct policy	*p = in->policy;

	out->before = out->desired = in->replicas;
	out->has_data = false;
	out->value = out->threshold = NAN;
	out->dry_run = p->dry_run;
	out->pred = (struct predict_out){ false, NAN, 0, 0 };
	set_out(out, DECIDE_STEADY, in->replicas, "in_band");
	if (!p->enabled) {
		set_out(out, DECIDE_PAUSED, in->replicas, "paused");
		return;
	}
	if (in->replicas < p->min_no || in->replicas > p->max_no) {
		set_out(out, DECIDE_BOUNDS, in->replicas < p->min_no ?
		    p->min_no : p->max_no, in->replicas < p->min_no ?
		    "below_min" : "above_max");
		return;
	}
	decide_reactive(in, out);
	if (p->predict_ns > 0 && in->peaks != NULL)
		apply_prediction(in, out);
}

/*
 * Partial data (decide.h): a scale-in in the modes that count ready
 * replicas needs every replica to have reported over the in window once
 * the window is past the last change: fewer is a node whose ds stopped
 * or cannot reach InfluxDB, whose replicas' load is unknown, not gone.
 */
static void
partial_rule(const struct decide_in *in, struct decide_side *s)
{
	const struct decide_obs	*o = &in->in;

	if (!s->fires || o->total || !o->ready_known ||
	    o->ready_n >= in->replicas || window_holds(in, s))
		return;
	s->fires = false;
	s->partial = true;
}

/* Out, then in, then no data or in band (decide.h's step 3 and 4). */
static void
decide_reactive(const struct decide_in *in, struct decide_out *out)
{
	struct decide_side	 o = { .out_side = true };
	struct decide_side	 i = { .out_side = false };

	eval_side(in, &o);
	eval_side(in, &i);
	zero_rules(in, &o);
	zero_rules(in, &i);
	partial_rule(in, &i);
	out->has_data = o.covered && i.covered;
	out->desired = o.fires ? o.desired : i.fires ? i.desired :
	    in->replicas;
	if (!o.fires && i.partial) {
		out->value = i.value;
		out->threshold = i.threshold;
		set_out(out, DECIDE_HOLD, in->replicas, "partial_data");
		return;
	}
	if (o.fires || i.fires) {
		act(in, o.fires ? &o : &i, out);
		return;
	}
	if (!o.covered || !i.covered) {
		out->threshold = !o.covered ? o.threshold : i.threshold;
		set_out(out, DECIDE_HOLD, in->replicas, "no_data");
		return;
	}
	out->value = o.value;
	out->threshold = o.threshold;
}

/* The first row (not paused) doing action, with the highest count. */
static size_t
group_pick(const struct decide_out *rows, size_t n, enum decide_action a,
    bool *found)
{
	size_t	i, k = n;

	for (i = 0; i < n; i++)
		if (rows[i].action == a && (k == n ||
		    rows[i].after > rows[k].after))
			k = i;
	*found = k < n;
	return k < n ? k : 0;
}

size_t
decide_group(const struct decide_out *rows, size_t n, struct decide_out *out)
{
	size_t	i, k, active = 0, in = 0;
	bool	found;

	k = group_pick(rows, n, DECIDE_BOUNDS, &found);
	if (!found)
		k = group_pick(rows, n, DECIDE_SCALE_OUT, &found);
	for (i = 0; i < n; i++) {
		active += rows[i].action != DECIDE_PAUSED;
		in += rows[i].action == DECIDE_SCALE_IN;
	}
	/* in only when every row taking part agrees, to the highest count */
	if (!found && active > 0 && in == active)
		k = group_pick(rows, n, DECIDE_SCALE_IN, &found);
	/* else the first row that holds or is in band says why */
	for (i = 0; !found && i < n; i++) {
		if (rows[i].action != DECIDE_PAUSED &&
		    rows[i].action != DECIDE_SCALE_IN) {
			k = i;
			found = true;
		}
	}
	if (n > 0)
		*out = rows[k];	/* (all paused: the first, paused) */
	return k;
}

const char *
decide_action_name(enum decide_action a)
{
	static const char *const names[] = {
		[DECIDE_STEADY] = "steady",
		[DECIDE_SCALE_OUT] = "scale_out",
		[DECIDE_SCALE_IN] = "scale_in",
		[DECIDE_BOUNDS] = "bounds",
		[DECIDE_HOLD] = "hold",
		[DECIDE_PAUSED] = "paused",
	};

	if ((unsigned)a >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[a];
}
