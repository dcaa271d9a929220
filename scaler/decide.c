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
	const char	*reason;	/* when it acts */
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
	int64_t	slack;

	if (interval_ns <= 0)
		interval_ns = DECIDE_DEFAULT_INTERVAL_NS;
	if (__builtin_mul_overflow(interval_ns, DECIDE_COVER_SLACK, &slack))
		slack = INT64_MAX;
	return o->present && isfinite(o->value) &&
	    o->count >= DECIDE_MIN_SAMPLES &&
	    o->first_ns <= sat_add(sat_sub(now_ns, window_ns), slack) &&
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
	if (!p->sustained)
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

/* Threshold mode: compare, and one step toward the bound. */
static void
eval_threshold(const struct decide_in *in, struct decide_side *s)
{
	const struct policy		*p = in->policy;
	const struct policy_threshold	*t = s->out_side ? &p->out : &p->in;
	int64_t				 r = in->replicas;

	s->threshold = t->set ? t->value : NAN;
	s->value = side_value(in, s);
	s->covered = isfinite(s->value);
	s->fires = s->covered && t->set && op_holds(s->value, t->op, t->value);
	if (s->out_side)
		s->target = clamp_int(r + p->step_out, p->min_no, p->max_no);
	else
		s->target = clamp_int(r - p->step_in, p->min_no, p->max_no);
	s->reason = s->out_side ? "above_out" : "below_in";
}

/*
 * Capacity mode: demand = v * replicas + min_available against
 * capacity * replicas; move toward ceil(demand / capacity) by a step.
 * With no replica there is nothing to measure and nothing used.
 */
static void
eval_capacity(const struct decide_in *in, struct decide_side *s)
{
	const struct policy	*p = in->policy;
	int64_t			 r = in->replicas;
	double			 v, desired;
	int			 want;

	s->threshold = p->capacity * (double)(s->out_side ? r : r - 1);
	s->reason = "capacity";
	s->target = in->replicas;
	v = r == 0 ? 0.0 : side_value(in, s);
	s->covered = isfinite(v);
	if (!s->covered || !(p->capacity > 0)) {
		s->value = NAN;
		return;
	}
	s->value = v * (double)r + p->min_available;
	desired = ceil(s->value / p->capacity);
	if (!isfinite(desired))
		return;
	want = desired < p->min_no ? p->min_no :
	    desired > p->max_no ? p->max_no : (int)desired;
	if (s->out_side) {
		s->fires = desired > (double)r;
		s->target = clamp_int(r + p->step_out, p->min_no, want);
	} else {
		s->fires = desired < (double)r;
		s->target = clamp_int(r - p->step_in, want, p->max_no);
	}
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
 * A side that fires acts unless it is at its bound, its window reaches
 * back before the last change, or its cooldown has not passed.
 */
static void
act(const struct decide_in *in, const struct decide_side *s,
    struct decide_out *out)
{
	const struct policy	*p = in->policy;
	int64_t			 w, cool;
	int			 r = in->replicas;

	out->value = s->value;
	out->threshold = s->threshold;
	w = s->out_side ? p->out_window_ns : p->in_window_ns;
	cool = s->out_side ? p->cooldown_out_ns : p->cooldown_in_ns;
	if (s->target == r || (s->out_side ? r >= p->max_no : r <= p->min_no))
		set_out(out, DECIDE_HOLD, r, s->out_side ? "at_max" : "at_min");
	else if (in->last_change_ns != 0 &&
	    sat_sub(in->now_ns, w) < in->last_change_ns)
		set_out(out, DECIDE_HOLD, r, "window_after_change");
	else if (in->last_change_ns != 0 &&
	    sat_sub(in->now_ns, in->last_change_ns) < cool)
		set_out(out, DECIDE_HOLD, r, "cooldown");
	else
		set_out(out, s->out_side ? DECIDE_SCALE_OUT : DECIDE_SCALE_IN,
		    s->target, s->reason);
}

void
decide(const struct decide_in *in, struct decide_out *out)
{
	const struct policy	*p = in->policy;
	struct decide_side	 o = { .out_side = true };
	struct decide_side	 i = { .out_side = false };

	out->before = in->replicas;
	out->value = out->threshold = NAN;
	out->dry_run = p->dry_run;
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
	if (p->mode == POLICY_MODE_CAPACITY) {
		eval_capacity(in, &o);
		eval_capacity(in, &i);
	} else {
		eval_threshold(in, &o);
		eval_threshold(in, &i);
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
