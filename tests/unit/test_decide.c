/* Unit tests for decide: the order of evaluation in decide.h, table-driven. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "decide.h"

#define NS_S	INT64_C(1000000000)
#define MIN	(60 * NS_S)
#define NOW	(INT64_C(1800000000) * NS_S)
#define IVL	(10 * NS_S)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* README's example policy: 1..10 replicas, > 70 out, < 10 in, 10m windows. */
static struct policy
seed_policy(void)
{
	struct policy	p;

	memset(&p, 0, sizeof(p));
	p.seq = 1;
	p.min_no = 1;
	p.max_no = 10;
	p.cur_no = 3;
	p.field = (char *)"cpu_ratio";
	p.out = (struct policy_threshold){ true, false, POLICY_OP_GT, 70,
	    POLICY_UNIT_PERCENT };
	p.in = (struct policy_threshold){ true, false, POLICY_OP_LT, 10,
	    POLICY_UNIT_PERCENT };
	p.out_window_ns = p.in_window_ns = 10 * MIN;
	p.cooldown_out_ns = p.cooldown_in_ns = 10 * MIN;
	p.step_out = p.step_in = 1;
	p.enabled = true;
	p.service = (char *)"web";
	return p;
}

/* A window fully covered by samples whose aggregate is v. */
static struct decide_obs
covered(double v, int64_t window)
{
	struct decide_obs	o;

	memset(&o, 0, sizeof(o));
	o.present = true;
	o.value = o.min = o.max = v;
	o.count = 60;
	o.first_ns = NOW - window + IVL / 2;
	o.last_ns = NOW - IVL / 2;
	return o;
}

static struct decide_obs
absent(void)
{
	struct decide_obs	o;

	memset(&o, 0, sizeof(o));
	o.value = o.min = o.max = NAN;
	return o;
}

static struct decide_in
input(const struct policy *p, int replicas, double out_v, double in_v)
{
	struct decide_in	in;

	memset(&in, 0, sizeof(in));
	in.policy = p;
	in.replicas = replicas;
	in.now_ns = NOW;
	in.sample_interval_ns = IVL;
	in.out = isnan(out_v) ? absent() : covered(out_v, p->out_window_ns);
	in.in = isnan(in_v) ? absent() : covered(in_v, p->in_window_ns);
	return in;
}

struct dcase {
	const char		*name;
	int			 replicas;
	int64_t			 ago;	/* now - last change; 0: never */
	double			 out_v, in_v;	/* NAN: no data */
	enum decide_action	 action;
	int			 after;
	const char		*reason;
	double			 value, threshold;	/* NAN: expect NAN */
};

static void
check(const struct dcase *c, const struct decide_out *o)
{
	cr_expect_eq(o->action, c->action, "%s: action %s, want %s", c->name,
	    decide_action_name(o->action), decide_action_name(c->action));
	cr_expect_eq(o->after, c->after, "%s: after %d, want %d", c->name,
	    o->after, c->after);
	cr_expect_str_eq(o->reason, c->reason, "%s", c->name);
	if (isnan(c->value))
		cr_expect(isnan(o->value), "%s: value %g", c->name, o->value);
	else
		cr_expect_eq(o->value, c->value, "%s: value %g", c->name,
		    o->value);
	if (isnan(c->threshold))
		cr_expect(isnan(o->threshold), "%s", c->name);
	else
		cr_expect_eq(o->threshold, c->threshold, "%s: threshold %g",
		    c->name, o->threshold);
}

static void
run_cases(const struct policy *p, const struct dcase *cases, size_t n)
{
	struct decide_in	in;
	struct decide_out	out;
	size_t			i;

	for (i = 0; i < n; i++) {
		in = input(p, cases[i].replicas, cases[i].out_v, cases[i].in_v);
		in.last_change_ns = cases[i].ago == 0 ? 0 : NOW - cases[i].ago;
		memset(&out, 0xa5, sizeof(out));
		decide(&in, &out);
		cr_expect_eq(out.before, cases[i].replicas, "%s",
		    cases[i].name);
		check(&cases[i], &out);
	}
}

Test(decide, threshold_mode_table)
{
	static const struct dcase cases[] = {
		{ "in band", 3, 0, 50, 50, DECIDE_STEADY, 3, "in_band", 50,
		    70 },
		{ "above out", 3, 0, 80, 80, DECIDE_SCALE_OUT, 4, "above_out",
		    80, 70 },
		{ "equal to out is not above", 3, 0, 70, 70, DECIDE_STEADY, 3,
		    "in_band", 70, 70 },
		{ "below in", 3, 0, 5, 5, DECIDE_SCALE_IN, 2, "below_in", 5,
		    10 },
		{ "equal to in is not below", 3, 0, 10, 10, DECIDE_STEADY, 3,
		    "in_band", 10, 70 },
		{ "no data at all", 3, 0, NAN, NAN, DECIDE_HOLD, 3, "no_data",
		    NAN, 70 },
		{ "out lacks data, in band", 3, 0, NAN, 50, DECIDE_HOLD, 3,
		    "no_data", NAN, 70 },
		{ "in lacks data, out in band", 3, 0, 50, NAN, DECIDE_HOLD, 3,
		    "no_data", NAN, 10 },
		{ "out lacks data, in acts", 3, 0, NAN, 5, DECIDE_SCALE_IN, 2,
		    "below_in", 5, 10 },
		{ "in lacks data, out acts", 3, 0, 90, NAN, DECIDE_SCALE_OUT, 4,
		    "above_out", 90, 70 },
		{ "at max", 10, 0, 95, 95, DECIDE_HOLD, 10, "at_max", 95, 70 },
		{ "at min", 1, 0, 1, 1, DECIDE_HOLD, 1, "at_min", 1, 10 },
		{ "below min, no data", 0, 0, NAN, NAN, DECIDE_BOUNDS, 1,
		    "below_min", NAN, NAN },
		{ "below min, busy", 0, 0, 99, 99, DECIDE_BOUNDS, 1,
		    "below_min", NAN, NAN },
		{ "above max", 14, 0, 5, 5, DECIDE_BOUNDS, 10, "above_max",
		    NAN, NAN },
		{ "above max right after a change", 14, MIN, 95, 95,
		    DECIDE_BOUNDS, 10, "above_max", NAN, NAN },
		{ "window reaches before change", 3, 5 * MIN, 80, 80,
		    DECIDE_HOLD, 3, "window_after_change", 80, 70 },
		{ "window just after change", 3, 10 * MIN, 80, 80,
		    DECIDE_SCALE_OUT, 4, "above_out", 80, 70 },
		{ "window 1ns short", 3, 10 * MIN - 1, 80, 80, DECIDE_HOLD, 3,
		    "window_after_change", 80, 70 },
		{ "old change", 3, 60 * MIN, 5, 5, DECIDE_SCALE_IN, 2,
		    "below_in", 5, 10 },
		{ "in band right after change", 3, MIN, 50, 50, DECIDE_STEADY,
		    3, "in_band", 50, 70 },
		{ "change in the future", 3, -MIN, 80, 80, DECIDE_HOLD, 3,
		    "window_after_change", 80, 70 },
	};
	struct policy	p = seed_policy();

	run_cases(&p, cases, NITEMS(cases));
}

Test(decide, steps_clamp_to_bounds)
{
	static const struct dcase cases[] = {
		{ "out by 3", 3, 0, 80, 80, DECIDE_SCALE_OUT, 6, "above_out",
		    80, 70 },
		{ "out clamped", 9, 0, 80, 80, DECIDE_SCALE_OUT, 10,
		    "above_out", 80, 70 },
		{ "in by 2", 6, 0, 5, 5, DECIDE_SCALE_IN, 4, "below_in", 5,
		    10 },
		{ "in clamped", 2, 0, 5, 5, DECIDE_SCALE_IN, 1, "below_in", 5,
		    10 },
	};
	struct policy	p = seed_policy();

	p.step_out = 3;
	p.step_in = 2;
	run_cases(&p, cases, NITEMS(cases));
	p.step_out = p.step_in = 2147483647;
	{
		static const struct dcase big[] = {
			{ "huge step out", 3, 0, 80, 80, DECIDE_SCALE_OUT, 10,
			    "above_out", 80, 70 },
			{ "huge step in", 3, 0, 5, 5, DECIDE_SCALE_IN, 1,
			    "below_in", 5, 10 },
		};
		run_cases(&p, big, NITEMS(big));
	}
}

Test(decide, cooldown_longer_than_window)
{
	static const struct dcase cases[] = {
		{ "window ok, cooldown not", 3, 15 * MIN, 80, 80, DECIDE_HOLD,
		    3, "cooldown", 80, 70 },
		{ "in has its own cooldown", 3, 15 * MIN, 5, 5,
		    DECIDE_SCALE_IN, 2, "below_in", 5, 10 },
		{ "cooldown over", 3, 30 * MIN, 80, 80, DECIDE_SCALE_OUT, 4,
		    "above_out", 80, 70 },
		{ "never changed", 3, 0, 80, 80, DECIDE_SCALE_OUT, 4,
		    "above_out", 80, 70 },
	};
	struct policy	p = seed_policy();

	p.cooldown_out_ns = 30 * MIN;
	run_cases(&p, cases, NITEMS(cases));
}

Test(decide, short_in_window)
{
	static const struct dcase cases[] = {
		/* in window 2m is after a 3m-old change; out's 10m is not */
		{ "in acts first", 3, 3 * MIN, 50, 5, DECIDE_SCALE_IN, 2,
		    "below_in", 5, 10 },
		{ "out held", 3, 3 * MIN, 80, 50, DECIDE_HOLD, 3,
		    "window_after_change", 80, 70 },
		/* out wants to act but is held: in must not act against it */
		{ "out held, in quiet", 3, 3 * MIN, 80, 5, DECIDE_HOLD, 3,
		    "window_after_change", 80, 70 },
	};
	struct policy	p = seed_policy();

	p.in_window_ns = p.cooldown_in_ns = 2 * MIN;
	run_cases(&p, cases, NITEMS(cases));
}

Test(decide, inclusive_operators)
{
	static const struct dcase cases[] = {
		{ ">= fires on equal", 3, 0, 70, 70, DECIDE_SCALE_OUT, 4,
		    "above_out", 70, 70 },
		{ "<= fires on equal", 3, 0, 10, 10, DECIDE_SCALE_IN, 2,
		    "below_in", 10, 10 },
	};
	struct policy	p = seed_policy();

	p.out.op = POLICY_OP_GE;
	p.in.op = POLICY_OP_LE;
	run_cases(&p, cases, NITEMS(cases));
}

Test(decide, out_wins_over_in)
{
	static const struct dcase cases[] = {
		{ "both fire", 3, 0, 50, 50, DECIDE_SCALE_OUT, 4, "above_out",
		    50, 40 },
		{ "both fire at max", 10, 0, 50, 50, DECIDE_HOLD, 10, "at_max",
		    50, 40 },
	};
	struct policy	p = seed_policy();

	/* cannot come from policy_parse: in above out */
	p.out.value = 40;
	p.in.value = 60;
	run_cases(&p, cases, NITEMS(cases));
}

Test(decide, paused_leaves_everything_alone)
{
	struct policy		p = seed_policy();
	struct decide_in	in;
	struct decide_out	out;
	int			r[] = { 0, 3, 10, 50 };
	size_t			i;

	p.enabled = false;
	for (i = 0; i < NITEMS(r); i++) {
		in = input(&p, r[i], 99, 99);
		decide(&in, &out);
		cr_expect_eq(out.action, DECIDE_PAUSED);
		cr_expect_eq(out.after, r[i]);
		cr_expect_str_eq(out.reason, "paused");
		cr_expect(isnan(out.value) && isnan(out.threshold));
	}
}

Test(decide, dry_run_is_copied_not_obeyed)
{
	struct policy		p = seed_policy();
	struct decide_in	in;
	struct decide_out	out;

	in = input(&p, 3, 80, 80);
	decide(&in, &out);
	cr_expect(!out.dry_run);
	p.dry_run = true;
	decide(&in, &out);
	cr_expect(out.dry_run);
	cr_expect_eq(out.action, DECIDE_SCALE_OUT);
	cr_expect_eq(out.after, 4);
	p.enabled = false;
	decide(&in, &out);
	cr_expect(out.dry_run);
}

Test(decide, sustained_needs_every_sample)
{
	struct policy		p = seed_policy();
	struct decide_in	in;
	struct decide_out	out;

	p.sustained = p.sustained_out = p.sustained_in = true;
	in = input(&p, 3, 80, 80);
	in.out.min = 50;	/* mean above, one dip below */
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_STEADY);
	cr_expect_eq(out.value, 50);
	in.out.min = 71;
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_SCALE_OUT);
	cr_expect_eq(out.value, 71);

	in = input(&p, 3, 5, 5);
	in.in.max = 20;		/* mean below, one spike above */
	in.out.min = in.out.max = 20;
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_STEADY, "%s", out.reason);
	in.in.max = 9.5;
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_SCALE_IN);
	cr_expect_eq(out.value, 9.5);
	cr_expect_eq(out.threshold, 10);
	in.in.max = NAN;
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_HOLD);
	cr_expect_str_eq(out.reason, "no_data");
}

Test(decide, coverage_rule)
{
	struct decide_obs	o = covered(50, 10 * MIN);
	int64_t			w = 10 * MIN;

	cr_expect(decide_covered(&o, w, NOW, IVL));
	o.count = 1;
	cr_expect(!decide_covered(&o, w, NOW, IVL), "one sample");
	o.count = DECIDE_MIN_SAMPLES;
	cr_expect(decide_covered(&o, w, NOW, IVL));
	o.present = false;
	cr_expect(!decide_covered(&o, w, NOW, IVL), "not present");
	o = covered(NAN, w);
	cr_expect(!decide_covered(&o, w, NOW, IVL), "NaN value");
	o = covered(INFINITY, w);
	cr_expect(!decide_covered(&o, w, NOW, IVL), "inf value");

	/*
	 * oldest sample: at most 1.25 intervals after the window start
	 * (the full window, and ds's jitter; it was 2 intervals, which
	 * let the first decision after a start come an interval early)
	 */
	o = covered(50, w);
	o.first_ns = NOW - w + IVL + IVL / 4;
	cr_expect(decide_covered(&o, w, NOW, IVL));
	o.first_ns++;
	cr_expect(!decide_covered(&o, w, NOW, IVL), "data starts late");
	o.first_ns = NOW - w + 2 * IVL;
	cr_expect(!decide_covered(&o, w, NOW, IVL), "an interval short");
	/* newest sample: at most 2 intervals old */
	o = covered(50, w);
	o.last_ns = NOW - 2 * IVL;
	cr_expect(decide_covered(&o, w, NOW, IVL));
	o.last_ns--;
	cr_expect(!decide_covered(&o, w, NOW, IVL), "data is stale");
	/* a 30 s interval widens both slacks */
	o.last_ns = NOW - 55 * NS_S;
	cr_expect(decide_covered(&o, w, NOW, 30 * NS_S));
	/* interval <= 0 means the default */
	o = covered(50, w);
	o.last_ns = NOW - 2 * DECIDE_DEFAULT_INTERVAL_NS;
	cr_expect(decide_covered(&o, w, NOW, 0));
	cr_expect(decide_covered(&o, w, NOW, -5));
	o.last_ns--;
	cr_expect(!decide_covered(&o, w, NOW, 0));
	/* extreme values do not overflow */
	o = covered(50, w);
	cr_expect(decide_covered(&o, INT64_MAX, NOW, INT64_MAX));
	cr_expect(!decide_covered(&o, INT64_MAX, INT64_MIN, 1));
}

Test(decide, late_start_is_no_data)
{
	struct policy		p = seed_policy();
	struct decide_in	in = input(&p, 3, 90, 90);
	struct decide_out	out;

	/* the service's data only starts 5 minutes ago: window not covered */
	in.out.first_ns = in.in.first_ns = NOW - 5 * MIN;
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_HOLD);
	cr_expect_str_eq(out.reason, "no_data");
	cr_expect(isnan(out.value));
}

static struct policy
capacity_policy(void)
{
	struct policy	p = seed_policy();

	p.mode = POLICY_MODE_CAPACITY;
	p.capacity = 100;	/* one core per replica */
	p.min_available = 0;
	p.out.set = p.in.set = false;
	return p;
}

Test(decide, capacity_mode_table)
{
	static const struct dcase cases[] = {
		/* 3 x 90 = 270 used: 3 replicas suffice */
		{ "enough", 3, 0, 90, 90, DECIDE_STEADY, 3, "in_band", 270,
		    300 },
		/* 3 x 150 = 450: wants 5, one step at a time */
		{ "grow", 3, 0, 150, 150, DECIDE_SCALE_OUT, 4, "capacity", 450,
		    300 },
		/* 3 x 20 = 60: wants 1, one step */
		{ "shrink", 3, 0, 20, 20, DECIDE_SCALE_IN, 2, "capacity", 60,
		    200 },
		/* exactly full is enough */
		{ "exactly full", 3, 0, 100, 100, DECIDE_STEADY, 3, "in_band",
		    300, 300 },
		/* 3 x 66.7 = 200.1 needs 3 */
		{ "just over two", 3, 0, 66.7, 66.7, DECIDE_STEADY, 3,
		    "in_band", 3 * 66.7, 300 },
		{ "at max", 10, 0, 150, 150, DECIDE_HOLD, 10, "at_max", 1500,
		    1000 },
		{ "at min", 1, 0, 5, 5, DECIDE_STEADY, 1, "in_band", 5, 100 },
		{ "no data", 3, 0, NAN, NAN, DECIDE_HOLD, 3, "no_data", NAN,
		    300 },
		{ "no in data", 3, 0, 90, NAN, DECIDE_HOLD, 3, "no_data", NAN,
		    200 },
		{ "grow held", 3, 5 * MIN, 150, 150, DECIDE_HOLD, 3,
		    "window_after_change", 450, 300 },
		{ "below min", 0, 0, NAN, NAN, DECIDE_BOUNDS, 1, "below_min",
		    NAN, NAN },
	};
	struct policy	p = capacity_policy();

	run_cases(&p, cases, NITEMS(cases));
}

Test(decide, capacity_mode_steps_and_spare)
{
	static const struct dcase steps[] = {
		/* wants 5, may jump 4 but stops at 5 */
		{ "grow to desired", 3, 0, 150, 150, DECIDE_SCALE_OUT, 5,
		    "capacity", 450, 300 },
		/* wants 1, may drop 4 but stops at 1 */
		{ "shrink to desired", 3, 0, 20, 20, DECIDE_SCALE_IN, 1,
		    "capacity", 60, 200 },
		/* wants 30, clamped to max 10 */
		{ "grow to max", 3, 0, 1000, 1000, DECIDE_SCALE_OUT, 7,
		    "capacity", 3000, 300 },
	};
	static const struct dcase spare[] = {
		/* 270 used + 100 spare = 370 needs 4 */
		{ "spare grows", 3, 0, 90, 90, DECIDE_SCALE_OUT, 4, "capacity",
		    370, 300 },
		/* 3 x 30 + 100 = 190 needs 2 */
		{ "spare limits shrink", 3, 0, 30, 30, DECIDE_SCALE_IN, 2,
		    "capacity", 190, 200 },
	};
	struct policy	p = capacity_policy();

	p.step_out = p.step_in = 4;
	run_cases(&p, steps, NITEMS(steps));
	p = capacity_policy();
	p.min_available = 100;
	run_cases(&p, spare, NITEMS(spare));
}

Test(decide, capacity_from_zero)
{
	static const struct dcase cases[] = {
		/* nothing running, nothing used: spare 150 needs 2 */
		{ "spare from zero", 0, 0, NAN, NAN, DECIDE_SCALE_OUT, 1,
		    "capacity", 150, 0 },
		{ "zero held after change", 0, MIN, NAN, NAN, DECIDE_HOLD, 0,
		    "window_after_change", 150, 0 },
	};
	static const struct dcase none[] = {
		{ "zero stays zero", 0, 0, NAN, NAN, DECIDE_STEADY, 0,
		    "in_band", 0, 0 },
	};
	struct policy	p = capacity_policy();

	p.min_no = 0;
	p.min_available = 150;
	run_cases(&p, cases, NITEMS(cases));
	p.min_available = 0;
	run_cases(&p, none, NITEMS(none));
}

Test(decide, capacity_sustained)
{
	struct policy		p = capacity_policy();
	struct decide_in	in = input(&p, 3, 150, 150);
	struct decide_out	out;

	p.sustained = p.sustained_out = p.sustained_in = true;
	in.out.min = 90;	/* a quiet moment: 3 x 90 fits */
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_STEADY);
	in = input(&p, 3, 20, 20);
	in.in.max = 90;		/* a burst: 3 x 90 needs all 3 */
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_STEADY);
	in.in.max = 60;		/* 180 fits in 2 */
	decide(&in, &out);
	cr_expect_eq(out.action, DECIDE_SCALE_IN);
	cr_expect_eq(out.value, 180);
}

Test(decide, action_names)
{
	cr_expect_str_eq(decide_action_name(DECIDE_STEADY), "steady");
	cr_expect_str_eq(decide_action_name(DECIDE_SCALE_OUT), "scale_out");
	cr_expect_str_eq(decide_action_name(DECIDE_SCALE_IN), "scale_in");
	cr_expect_str_eq(decide_action_name(DECIDE_BOUNDS), "bounds");
	cr_expect_str_eq(decide_action_name(DECIDE_HOLD), "hold");
	cr_expect_str_eq(decide_action_name(DECIDE_PAUSED), "paused");
	cr_expect_str_eq(decide_action_name((enum decide_action)42), "?");
}

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static struct decide_obs
random_obs(uint64_t *x, int64_t window)
{
	struct decide_obs	o = covered((double)(rnd(x) % 120), window);

	switch (rnd(x) % 6) {
	case 0:
		return absent();
	case 1:
		o.count = rnd(x) % 3;
		break;
	case 2:
		o.first_ns += (int64_t)(rnd(x) % (uint64_t)(5 * MIN));
		break;
	case 3:
		o.last_ns -= (int64_t)(rnd(x) % (uint64_t)(5 * MIN));
		break;
	default:
		break;
	}
	o.min = o.value - (double)(rnd(x) % 50);
	o.max = o.value + (double)(rnd(x) % 50);
	return o;
}

/* A random policy of either mode into *p, and a random input for it. */
static struct decide_in
random_input(uint64_t *x, struct policy *p)
{
	struct decide_in	in;

	*p = rnd(x) % 2 ? seed_policy() : capacity_policy();
	p->min_no = (int)(rnd(x) % 4);
	p->max_no = p->min_no + 1 + (int)(rnd(x) % 8);
	p->step_out = 1 + (int)(rnd(x) % 4);
	p->step_in = 1 + (int)(rnd(x) % 4);
	p->sustained = p->sustained_out = p->sustained_in = rnd(x) % 3 == 0;
	p->in_window_ns = (1 + (int64_t)(rnd(x) % 20)) * MIN;
	p->cooldown_in_ns = p->in_window_ns;
	p->min_available = (double)(rnd(x) % 200);
	in = input(p, (int)(rnd(x) % 16), NAN, NAN);
	in.out = random_obs(x, p->out_window_ns);
	in.in = random_obs(x, p->in_window_ns);
	in.last_change_ns = rnd(x) % 2 ? 0 :
	    NOW - (int64_t)(rnd(x) % (uint64_t)(30 * MIN));
	return in;
}

/* Invariants over many random inputs, whatever the mode. */
Test(decide, random_invariants)
{
	struct policy		p;
	struct decide_in	in;
	struct decide_out	out;
	uint64_t		x = 0x9e3779b97f4a7c15ULL;
	bool			out_ok, in_ok;
	int			i;

	for (i = 0; i < 200000; i++) {
		in = random_input(&x, &p);
		decide(&in, &out);
		cr_assert_eq(out.before, in.replicas);
		cr_assert_not_null(out.reason);
		out_ok = decide_covered(&in.out, p.out_window_ns, NOW, IVL);
		in_ok = decide_covered(&in.in, p.in_window_ns, NOW, IVL);
		switch (out.action) {
		case DECIDE_SCALE_OUT:
			cr_assert(out.after > out.before);
			cr_assert(out.after - out.before <= p.step_out);
			cr_assert(out.after <= p.max_no);
			cr_assert(out_ok || in.replicas == 0);
			cr_assert(in.last_change_ns == 0 ||
			    NOW - p.out_window_ns >= in.last_change_ns);
			break;
		case DECIDE_SCALE_IN:
			cr_assert(out.after < out.before);
			cr_assert(out.before - out.after <= p.step_in);
			cr_assert(out.after >= p.min_no);
			cr_assert(in_ok);
			cr_assert(in.last_change_ns == 0 ||
			    NOW - p.in_window_ns >= in.last_change_ns);
			break;
		case DECIDE_BOUNDS:
			cr_assert(in.replicas < p.min_no ||
			    in.replicas > p.max_no);
			cr_assert(out.after == p.min_no ||
			    out.after == p.max_no);
			break;
		case DECIDE_STEADY:
			/* capacity mode measures nothing at 0 replicas */
			cr_assert((out_ok && in_ok) || in.replicas == 0);
			/* fallthrough */
		case DECIDE_HOLD:
			cr_assert_eq(out.after, out.before);
			break;
		case DECIDE_PAUSED:
			cr_assert_fail("paused while enabled");
		}
	}
}
