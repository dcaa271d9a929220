/*
 * Unit tests for decide's rules of issue 11, table-driven: target mode
 * (desired, tolerance, the direction guard, max_step_out, bounds, no
 * data), stabilization per direction, the window after a change in
 * target mode, percent steps, capacity mode's ready-only count,
 * sustained per direction and decide_group. Every expectation is
 * derived by hand in the comment above its table or on its line.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "decide.h"

#define NS_S	INT64_C(1000000000)
#define MIN	(60 * NS_S)
#define NOW	(INT64_C(1800000000) * NS_S)
#define IVL	(10 * NS_S)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* ready_n values that are not counts */
#define NOREADY	(-1)	/* the window, without the ready count */
#define NOWIN	(-2)	/* no window at all */

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

/*
 * Target mode as policy_parse leaves a row with mode 'target' and
 * setpoint '70%' (tolerance 10 %, the default max_step_out, no
 * cooldowns), bounds 1..40 so that max_step_out shows, and no
 * stabilization: the tests that want it set it.
 */
static struct policy
target_policy(void)
{
	struct policy	p = seed_policy();

	p.mode = POLICY_MODE_TARGET;
	p.out.set = p.in.set = false;
	p.max_no = 40;
	p.setpoint = 70;
	p.tolerance = 0.1;
	p.cooldown_out_ns = p.cooldown_in_ns = 0;
	return p;
}

/* SimpleScaleVM: 100 units (one core) per replica, 1..10 replicas. */
static struct policy
capacity_policy(void)
{
	struct policy	p = seed_policy();

	p.mode = POLICY_MODE_CAPACITY;
	p.capacity = 100;
	p.out.set = p.in.set = false;
	return p;
}

/*
 * A window at now covered by samples of aggregate v (min = max = v),
 * with n ready replicas carrying total between them; NOREADY: the
 * caller had no ready count; NOWIN: no window at all.
 */
static struct decide_obs
obs(int64_t now, int64_t window, double v, int n, double total)
{
	struct decide_obs	o;

	memset(&o, 0, sizeof(o));
	if (n == NOWIN) {
		o.value = o.min = o.max = NAN;
		return o;
	}
	o.present = true;
	o.value = o.min = o.max = v;
	o.count = (uint64_t)(window / IVL);
	o.first_ns = now - window + IVL / 2;
	o.last_ns = now - IVL / 2;
	o.ready_known = n != NOREADY;
	o.ready_n = n > 0 ? n : 0;
	o.ready_total = n > 0 ? total : 0;
	return o;
}

/* Target mode: the aggregate is the ready replicas' mean. */
static struct decide_obs
tobs(int64_t now, int64_t window, int n, double total)
{
	return obs(now, window, n > 0 ? total / n : 50, n, total);
}

static struct decide_in
input(const struct policy *p, int replicas, int64_t ago)
{
	struct decide_in	in;

	memset(&in, 0, sizeof(in));
	in.policy = p;
	in.replicas = replicas;
	in.now_ns = NOW;
	in.sample_interval_ns = IVL;
	in.last_change_ns = ago == 0 ? 0 : NOW - ago;
	return in;
}

static void
expect_num(const char *name, const char *what, double got, double want)
{
	if (isnan(want))
		cr_expect(isnan(got), "%s: %s %g, want NaN", name, what, got);
	else
		cr_expect_eq(got, want, "%s: %s %g, want %g", name, what, got,
		    want);
}

static void
expect_out(const char *name, const struct decide_out *o,
    enum decide_action action, int after, const char *reason, double value,
    double threshold)
{
	cr_expect_eq(o->action, action, "%s: action %s (%s), want %s", name,
	    decide_action_name(o->action), o->reason,
	    decide_action_name(action));
	cr_expect_eq(o->after, after, "%s: after %d, want %d", name, o->after,
	    after);
	cr_expect_str_eq(o->reason, reason, "%s", name);
	expect_num(name, "value", o->value, value);
	expect_num(name, "threshold", o->threshold, threshold);
}

/*
 * Target mode. The same ready count and total in both windows; value
 * is their mean (NAN: none), threshold the setpoint.
 */
struct tcase {
	const char		*name;
	int			 replicas;
	int64_t			 ago;	/* now - change; 0: never */
	int			 n;	/* ready, NOREADY, NOWIN */
	double			 total;	/* their summed metric */
	enum decide_action	 action;
	int			 after;
	const char		*reason;
	double			 value, threshold;
	int			 desired;
	bool			 has_data;
};

static void
run_target(const struct policy *p, const struct tcase *c, size_t n,
    const struct decide_rec *recs, size_t nrecs)
{
	struct decide_in	in;
	struct decide_out	out;
	size_t			i;

	for (i = 0; i < n; i++, c++) {
		in = input(p, c->replicas, c->ago);
		in.out = tobs(NOW, p->out_window_ns, c->n, c->total);
		in.in = tobs(NOW, p->in_window_ns, c->n, c->total);
		in.recs = recs;
		in.nrecs = nrecs;
		memset(&out, 0xa5, sizeof(out));
		decide(&in, &out);
		cr_expect_eq(out.before, c->replicas, "%s", c->name);
		expect_out(c->name, &out, c->action, c->after, c->reason,
		    c->value, c->threshold);
		cr_expect_eq(out.desired, c->desired, "%s: desired %d, want %d",
		    c->name, out.desired, c->desired);
		cr_expect_eq(out.has_data, c->has_data, "%s: has_data",
		    c->name);
		cr_expect(!out.dry_run, "%s", c->name);
	}
}

/*
 * Setpoint 70, tolerance 10 %: the band is [63, 77]; desired =
 * ceil(total / 70); out may add max(4, r) at once, up to desired.
 */
Test(decide_track, target_table)
{
	static const struct tcase cases[] = {
		/* mean 70: on the setpoint */
		{ "at the setpoint", 3, 0, 3, 210, DECIDE_STEADY, 3,
		    "in_band", 70, 70, 3, true },
		/* mean 80, 14 % over; 240 / 70 = 3.43 -> 4 */
		{ "above the band", 3, 0, 3, 240, DECIDE_SCALE_OUT, 4,
		    "above_target", 80, 70, 4, true },
		/* mean 76, 8.6 % over; 760 / 70 = 10.9 -> 11 would grow */
		{ "inside the upper tolerance", 10, 0, 10, 760, DECIDE_STEADY,
		    10, "in_band", 76, 70, 10, true },
		/* mean 78, 11.4 % over; 780 / 70 = 11.1 -> 12 */
		{ "just past the upper tolerance", 10, 0, 10, 780,
		    DECIDE_SCALE_OUT, 12, "above_target", 78, 70, 12, true },
		/* mean 64, 8.6 % under; 768 / 70 = 10.97 -> 11 would shrink */
		{ "inside the lower tolerance", 12, 0, 12, 768, DECIDE_STEADY,
		    12, "in_band", 64, 70, 12, true },
		/* mean 63, 10 % under: |0.9 - 1| <= 0.1 */
		{ "on the lower tolerance", 12, 0, 12, 756, DECIDE_STEADY, 12,
		    "in_band", 63, 70, 12, true },
		/* mean 62, 11.4 % under; 744 / 70 = 10.6 -> 11 */
		{ "just past the lower tolerance", 12, 0, 12, 744,
		    DECIDE_SCALE_IN, 11, "below_target", 62, 70, 11, true },
		/* mean 20; 160 / 70 = 2.29 -> 3: in one decision, not a step */
		{ "in goes straight to desired", 8, 0, 8, 160,
		    DECIDE_SCALE_IN, 3, "below_target", 20, 70, 3, true },
		/* mean 40; 160 / 70 -> 3 */
		{ "in by one", 4, 0, 4, 160, DECIDE_SCALE_IN, 3,
		    "below_target", 40, 70, 3, true },
		/* 280 / 70 = 4 exactly: 4, not 5 */
		{ "exact quotient", 1, 0, 1, 280, DECIDE_SCALE_OUT, 4,
		    "above_target", 280, 70, 4, true },
		/* mean 0: desired 0, clamped to min_no 1 */
		{ "no load", 3, 0, 3, 0, DECIDE_SCALE_IN, 1, "below_target", 0,
		    70, 1, true },
		/*
		 * the direction guard: 2 ready of 4 at mean 80 (the other 2
		 * starting); 160 / 70 -> 3 < 4 would shrink, but the mean is
		 * above the setpoint; out: 3 is not above 4
		 */
		{ "starting replicas do not make it shrink", 4, 0, 2, 160,
		    DECIDE_STEADY, 4, "in_band", 80, 70, 4, true },
		/* 3 ready of 4 at 80: 240 / 70 -> 4, not above 4 */
		{ "starting replica: no overshoot", 4, 0, 3, 240,
		    DECIDE_STEADY, 4, "in_band", 80, 70, 4, true },
		/*
		 * 4 reported over the window but 3 remain (one removed):
		 * mean 60 is under the band and 240 / 70 -> 4 > 3, but out
		 * needs the mean above the setpoint; in: 4 is not below 3
		 */
		{ "a removed replica does not make it grow", 3, 0, 4, 240,
		    DECIDE_STEADY, 3, "in_band", 60, 70, 3, true },
		/* bounds 1..40 */
		{ "below min", 0, 0, 3, 240, DECIDE_BOUNDS, 1, "below_min",
		    NAN, NAN, 0, false },
		{ "above max", 41, 0, 41, 41 * 70, DECIDE_BOUNDS, 40,
		    "above_max", NAN, NAN, 41, false },
		/* 3800 / 70 = 54.3 -> 55, clamped to 40; step 38 */
		{ "out to max", 38, 0, 38, 3800, DECIDE_SCALE_OUT, 40,
		    "above_target", 100, 70, 40, true },
		/* 4000 / 70 -> 58 > 40: fires, but at max */
		{ "at max", 40, 0, 40, 4000, DECIDE_HOLD, 40, "at_max", 100,
		    70, 40, true },
		/* 40 / 70 -> 1 */
		{ "in to min", 4, 0, 4, 40, DECIDE_SCALE_IN, 1,
		    "below_target", 10, 70, 1, true },
		/* no data: no ready count, none ready, no window */
		{ "no ready count", 3, 0, NOREADY, 240, DECIDE_HOLD, 3,
		    "no_data", NAN, 70, 3, false },
		{ "no replica ready", 3, 0, 0, 0, DECIDE_HOLD, 3, "no_data",
		    NAN, 70, 3, false },
		{ "no window", 3, 0, NOWIN, 0, DECIDE_HOLD, 3, "no_data", NAN,
		    70, 3, false },
	};
	struct policy	p = target_policy();

	run_target(&p, cases, NITEMS(cases), NULL, 0);
}

Test(decide_track, target_min_bound)
{
	static const struct tcase cases[] = {
		/* 40 / 70 -> 1, clamped to min_no 2 */
		{ "in stops at min", 4, 0, 4, 40, DECIDE_SCALE_IN, 2,
		    "below_target", 10, 70, 2, true },
		/* 20 / 70 -> 1 < 2: fires, but at min */
		{ "at min", 2, 0, 2, 20, DECIDE_HOLD, 2, "at_min", 10, 70, 2,
		    true },
		{ "below min", 1, 0, 1, 200, DECIDE_BOUNDS, 2, "below_min",
		    NAN, NAN, 1, false },
	};
	struct policy	p = target_policy();

	p.min_no = 2;
	run_target(&p, cases, NITEMS(cases), NULL, 0);
}

/* Either window alone: a direction needs only its own. */
Test(decide_track, target_one_window)
{
	struct policy		p = target_policy();
	struct decide_in	in;
	struct decide_out	out;

	/* out has no ready count; in: 160 / 70 -> 3 of 8 */
	in = input(&p, 8, 0);
	in.out = tobs(NOW, p.out_window_ns, NOREADY, 0);
	in.in = tobs(NOW, p.in_window_ns, 8, 160);
	decide(&in, &out);
	expect_out("in alone", &out, DECIDE_SCALE_IN, 3, "below_target", 20,
	    70);
	cr_expect(!out.has_data);
	/* out: 300 / 70 -> 5 of 3; in has no window */
	in = input(&p, 3, 0);
	in.out = tobs(NOW, p.out_window_ns, 3, 300);
	in.in = tobs(NOW, p.in_window_ns, NOWIN, 0);
	decide(&in, &out);
	expect_out("out alone", &out, DECIDE_SCALE_OUT, 5, "above_target", 100,
	    70);
	cr_expect_eq(out.desired, 5);
	/* in band on out, nothing on in: no data */
	in.out = tobs(NOW, p.out_window_ns, 3, 210);
	decide(&in, &out);
	expect_out("in band, in missing", &out, DECIDE_HOLD, 3, "no_data",
	    NAN, 70);
	/* the out window is not covered (starts 5 min late) */
	in = input(&p, 3, 0);
	in.out = tobs(NOW, p.out_window_ns, 3, 300);
	in.in = tobs(NOW, p.in_window_ns, 3, 300);
	in.out.first_ns += 5 * MIN;
	decide(&in, &out);
	expect_out("out window not covered", &out, DECIDE_HOLD, 3, "no_data",
	    NAN, 70);
}

/* max_step_out: an absolute count, a percent of r, or max(4, 100 %). */
Test(decide_track, target_max_step_out)
{
	static const struct {
		const char	*name;
		int		 max_step;
		double		 max_pct;
		int		 replicas;
		double		 total;		/* all ready */
		int		 after;
		int		 desired;
	} cases[] = {
		/* 1000 / 70 = 14.3 -> 15; 1 + max(4, 1) = 5 */
		{ "default: 4 from 1", 0, 0, 1, 1000, 5, 15 },
		/* 900 / 70 = 12.9 -> 13; 3 + max(4, 3) = 7 */
		{ "default: 4 from 3", 0, 0, 3, 900, 7, 13 },
		/* 3000 / 70 = 42.9 -> 43 -> max 40; 10 + max(4, 10) = 20 */
		{ "default: 100 % from 10", 0, 0, 10, 3000, 20, 40 },
		/* 1400 / 70 = 20; 7 + 7 */
		{ "default: 100 % from 7", 0, 0, 7, 1400, 14, 20 },
		/* 280 / 70 = 4: the step allows 5, desired is 4 */
		{ "default: no further than desired", 0, 0, 1, 280, 4, 4 },
		{ "absolute 2", 2, 0, 3, 900, 5, 13 },
		{ "absolute, up to desired", 100, 0, 3, 900, 13, 13 },
		/* ceil(3 x 0.5) = 2 */
		{ "50 % of 3 rounds up", 0, 50, 3, 900, 5, 13 },
		/* ceil(0.5) = 1 */
		{ "50 % of 1 is 1", 0, 50, 1, 300, 2, 5 },
		{ "50 % of 10", 0, 50, 10, 3000, 15, 40 },
		/* 600 / 70 = 8.6 -> 9; ceil(2 x 2.5) = 5 */
		{ "250 % of 2", 0, 250, 2, 600, 7, 9 },
		/* ceil(5 x 0.1) = 1 */
		{ "10 % of 5 rounds up to 1", 0, 10, 5, 1000, 6, 15 },
	};
	struct policy		p;
	struct decide_in	in;
	struct decide_out	out;
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		p = target_policy();
		p.max_step_out = cases[i].max_step;
		p.max_step_out_pct = cases[i].max_pct;
		in = input(&p, cases[i].replicas, 0);
		in.out = tobs(NOW, p.out_window_ns, cases[i].replicas,
		    cases[i].total);
		in.in = in.out;
		decide(&in, &out);
		cr_expect_eq(out.action, DECIDE_SCALE_OUT, "%s: %s",
		    cases[i].name, out.reason);
		cr_expect_eq(out.after, cases[i].after, "%s: after %d",
		    cases[i].name, out.after);
		cr_expect_eq(out.desired, cases[i].desired, "%s: desired %d",
		    cases[i].name, out.desired);
	}
}

/*
 * Stabilization of scale-in: stabilize_in 5 min. 6 replicas at mean
 * 30: 180 / 70 = 2.6 -> 3 wanted; the count goes to the highest of 3
 * and the recommendations of (now - 5m, now], no higher than 6.
 */
Test(decide_track, stabilize_in)
{
	static const struct {
		const char		*name;
		size_t			 nrecs;
		struct { int64_t ago; int desired; } recs[3];
		enum decide_action	 action;
		int			 after;
		const char		*reason;
	} cases[] = {
		{ "no history", 0, { { 0, 0 } }, DECIDE_SCALE_IN, 3,
		    "below_target" },
		{ "the count a minute ago holds", 1, { { MIN, 6 } },
		    DECIDE_HOLD, 6, "stabilizing" },
		{ "higher than the count holds", 1, { { 4 * MIN, 9 } },
		    DECIDE_HOLD, 6, "stabilizing" },
		/* 6 is out of the window; 5 is the highest inside */
		{ "the highest inside", 3, { { 6 * MIN, 6 }, { 3 * MIN, 5 },
		    { MIN, 4 } }, DECIDE_SCALE_IN, 5, "below_target" },
		{ "lower ones do not matter", 2, { { MIN, 2 }, { 2 * MIN, 3 } },
		    DECIDE_SCALE_IN, 3, "below_target" },
		/* the window is (now - 5m, now] */
		{ "at the window's start: out", 1, { { 5 * MIN, 6 } },
		    DECIDE_SCALE_IN, 3, "below_target" },
		{ "just inside the window", 1, { { 5 * MIN - 1, 6 } },
		    DECIDE_HOLD, 6, "stabilizing" },
		{ "at now: in", 1, { { 0, 5 } }, DECIDE_SCALE_IN, 5,
		    "below_target" },
		{ "in the future: ignored", 2, { { -MIN, 6 }, { -1, 6 } },
		    DECIDE_SCALE_IN, 3, "below_target" },
		{ "any order", 3, { { MIN, 4 }, { 9 * MIN, 6 },
		    { 2 * MIN, 5 } },
		    DECIDE_SCALE_IN, 5, "below_target" },
	};
	struct policy		p = target_policy();
	struct decide_rec	recs[3];
	struct decide_in	in;
	struct decide_out	out;
	size_t			i, k;

	p.stabilize_in_ns = 5 * MIN;
	for (i = 0; i < NITEMS(cases); i++) {
		for (k = 0; k < cases[i].nrecs; k++) {
			recs[k].ns = NOW - cases[i].recs[k].ago;
			recs[k].desired = cases[i].recs[k].desired;
		}
		in = input(&p, 6, 0);
		in.out = in.in = tobs(NOW, p.out_window_ns, 6, 180);
		in.recs = recs;
		in.nrecs = cases[i].nrecs;
		decide(&in, &out);
		expect_out(cases[i].name, &out, cases[i].action,
		    cases[i].after, cases[i].reason, 30, 70);
		/* this tick's recommendation, whatever stabilization did */
		cr_expect_eq(out.desired, 3, "%s", cases[i].name);
	}
	/* stabilize_in does not slow a scale-out: 300 / 70 -> 5 of 3 */
	recs[0] = (struct decide_rec){ NOW - MIN, 2 };
	in = input(&p, 3, 0);
	in.out = in.in = tobs(NOW, p.out_window_ns, 3, 300);
	in.recs = recs;
	in.nrecs = 1;
	decide(&in, &out);
	expect_out("out unstabilized", &out, DECIDE_SCALE_OUT, 5,
	    "above_target", 100, 70);
}

/*
 * Stabilization of scale-out: stabilize_out 3 min. 3 replicas at mean
 * 100: 300 / 70 = 4.3 -> 5; the count goes to the lowest of 5 and the
 * recommendations of (now - 3m, now], no lower than 3.
 */
Test(decide_track, stabilize_out)
{
	static const struct {
		const char		*name;
		size_t			 nrecs;
		struct { int64_t ago; int desired; } recs[2];
		enum decide_action	 action;
		int			 after;
		const char		*reason;
	} cases[] = {
		{ "no history", 0, { { 0, 0 } }, DECIDE_SCALE_OUT, 5,
		    "above_target" },
		{ "the count a minute ago holds", 1, { { MIN, 3 } },
		    DECIDE_HOLD, 3, "stabilizing" },
		{ "lower than the count holds", 1, { { MIN, 1 } },
		    DECIDE_HOLD, 3, "stabilizing" },
		{ "the lowest inside", 2, { { 2 * MIN, 4 }, { MIN, 6 } },
		    DECIDE_SCALE_OUT, 4, "above_target" },
		{ "higher ones do not matter", 1, { { MIN, 9 } },
		    DECIDE_SCALE_OUT, 5, "above_target" },
		{ "at the window's start: out", 1, { { 3 * MIN, 3 } },
		    DECIDE_SCALE_OUT, 5, "above_target" },
		{ "just inside the window", 1, { { 3 * MIN - 1, 3 } },
		    DECIDE_HOLD, 3, "stabilizing" },
		{ "in the future: ignored", 1, { { -MIN, 3 } },
		    DECIDE_SCALE_OUT, 5, "above_target" },
	};
	struct policy		p = target_policy();
	struct decide_rec	recs[2];
	struct decide_in	in;
	struct decide_out	out;
	size_t			i, k;

	p.stabilize_out_ns = 3 * MIN;
	for (i = 0; i < NITEMS(cases); i++) {
		for (k = 0; k < cases[i].nrecs; k++) {
			recs[k].ns = NOW - cases[i].recs[k].ago;
			recs[k].desired = cases[i].recs[k].desired;
		}
		in = input(&p, 3, 0);
		in.out = in.in = tobs(NOW, p.out_window_ns, 3, 300);
		in.recs = recs;
		in.nrecs = cases[i].nrecs;
		decide(&in, &out);
		expect_out(cases[i].name, &out, cases[i].action,
		    cases[i].after, cases[i].reason, 100, 70);
		cr_expect_eq(out.desired, 5, "%s", cases[i].name);
	}
	/* max_step_out first: 1000 / 70 -> 15 of 1, step 4 -> 5 */
	recs[0] = (struct decide_rec){ NOW - MIN, 15 };
	in = input(&p, 1, 0);
	in.out = in.in = tobs(NOW, p.out_window_ns, 1, 1000);
	in.recs = recs;
	in.nrecs = 1;
	decide(&in, &out);
	expect_out("the step, then stabilization", &out, DECIDE_SCALE_OUT, 5,
	    "above_target", 1000, 70);
	/* stabilize_out does not hold a scale-in: 180 / 70 -> 3 of 6 */
	recs[0] = (struct decide_rec){ NOW - MIN, 6 };
	in = input(&p, 6, 0);
	in.out = in.in = tobs(NOW, p.out_window_ns, 6, 180);
	in.recs = recs;
	in.nrecs = 1;
	decide(&in, &out);
	expect_out("in unstabilized", &out, DECIDE_SCALE_IN, 3,
	    "below_target", 30, 70);
}

/* Stabilization belongs to no mode: threshold mode with stabilize_in. */
Test(decide_track, stabilize_threshold_mode)
{
	struct policy		p = seed_policy();
	struct decide_rec	rec = { NOW - MIN, 3 };
	struct decide_in	in;
	struct decide_out	out;

	p.stabilize_in_ns = 5 * MIN;
	in = input(&p, 3, 0);
	in.out = in.in = obs(NOW, p.in_window_ns, 5, NOREADY, 0);
	in.recs = &rec;
	in.nrecs = 1;
	decide(&in, &out);
	expect_out("held by 3 a minute ago", &out, DECIDE_HOLD, 3,
	    "stabilizing", 5, 10);
	cr_expect_eq(out.desired, 2);
	rec.ns = NOW - 6 * MIN;
	decide(&in, &out);
	expect_out("3 is older than the window", &out, DECIDE_SCALE_IN, 2,
	    "below_in", 5, 10);
}

/*
 * Stabilization over ticks, a minute apart (windows 1 min, stabilize_in
 * 5 min), each tick's desired kept as the caller keeps it:
 *   -1m  6 at mean 70                      steady, rec 6
 *    0   mean 50: 300 / 70 -> 5            6 at -1m inside: hold
 *   1m   same                              hold
 *   2m   mean 30: 180 / 70 -> 3            6 at -1m inside: hold
 *   3m   same                              hold
 *   4m   (-1m, 4m]: 5 5 3 3 3 -> 5         scale in to 5
 *   5m   5 ready, 180 -> 3; (0, 5m]: 5 at 1m inside, window after the
 *        change at 4m is whole (5m - 1m >= 4m)        hold at 5
 *   6m   (1m, 6m]: 3 3 3 3 3               scale in to 3
 *   7m   load up: 300 / 70 -> 5 of 3, a minute after a change:
 *        target mode's out is not held      scale out to 5
 *   8m   2 of 5 starting, 3 ready at 100: 300 / 70 -> 5, not above
 *        5; mean above the setpoint: no in  steady
 *   9m   5 ready at 60: 300 / 70 -> 5      steady
 */
Test(decide_track, stabilize_in_over_ticks)
{
	static const struct {
		int64_t			 t;
		int			 n;
		double			 total;
		enum decide_action	 action;
		int			 after;
		const char		*reason;
		int			 desired;
	} ticks[] = {
		{ -MIN, 6, 420, DECIDE_STEADY, 6, "in_band", 6 },
		{ 0, 6, 300, DECIDE_HOLD, 6, "stabilizing", 5 },
		{ MIN, 6, 300, DECIDE_HOLD, 6, "stabilizing", 5 },
		{ 2 * MIN, 6, 180, DECIDE_HOLD, 6, "stabilizing", 3 },
		{ 3 * MIN, 6, 180, DECIDE_HOLD, 6, "stabilizing", 3 },
		{ 4 * MIN, 6, 180, DECIDE_SCALE_IN, 5, "below_target", 3 },
		{ 5 * MIN, 5, 180, DECIDE_HOLD, 5, "stabilizing", 3 },
		{ 6 * MIN, 5, 180, DECIDE_SCALE_IN, 3, "below_target", 3 },
		{ 7 * MIN, 3, 300, DECIDE_SCALE_OUT, 5, "above_target", 5 },
		{ 8 * MIN, 3, 300, DECIDE_STEADY, 5, "in_band", 5 },
		{ 9 * MIN, 5, 300, DECIDE_STEADY, 5, "in_band", 5 },
	};
	struct policy		p = target_policy();
	struct decide_rec	recs[NITEMS(ticks)];
	struct decide_in	in;
	struct decide_out	out;
	int64_t			last_change = 0;
	int			replicas = 6;
	size_t			i;

	p.out_window_ns = p.in_window_ns = MIN;
	p.stabilize_in_ns = 5 * MIN;
	for (i = 0; i < NITEMS(ticks); i++) {
		memset(&in, 0, sizeof(in));
		in.policy = &p;
		in.replicas = replicas;
		in.now_ns = NOW + ticks[i].t;
		in.last_change_ns = last_change;
		in.sample_interval_ns = IVL;
		in.out = in.in = tobs(in.now_ns, MIN, ticks[i].n,
		    ticks[i].total);
		in.recs = recs;
		in.nrecs = i;
		decide(&in, &out);
		cr_expect_eq(out.action, ticks[i].action, "tick %zu: %s (%s)",
		    i, decide_action_name(out.action), out.reason);
		cr_expect_eq(out.after, ticks[i].after, "tick %zu: after %d",
		    i, out.after);
		cr_expect_str_eq(out.reason, ticks[i].reason, "tick %zu", i);
		cr_expect_eq(out.desired, ticks[i].desired,
		    "tick %zu: desired %d", i, out.desired);
		recs[i] = (struct decide_rec){ in.now_ns, out.desired };
		if (out.after != replicas) {
			replicas = out.after;
			last_change = in.now_ns;
		}
	}
}

/*
 * The window after a change (windows 10 min) in target mode: it no
 * longer holds a scale-out (300 / 70 -> 5 of 3), it still holds a
 * scale-in (180 / 70 -> 3 of 6). No cooldowns unless the row sets one.
 */
Test(decide_track, target_after_a_change)
{
	static const struct tcase cases[] = {
		{ "out a minute after", 3, MIN, 3, 300, DECIDE_SCALE_OUT, 5,
		    "above_target", 100, 70, 5, true },
		{ "out a nanosecond after", 3, 1, 3, 300, DECIDE_SCALE_OUT, 5,
		    "above_target", 100, 70, 5, true },
		{ "in a minute after", 6, MIN, 6, 180, DECIDE_HOLD, 6,
		    "window_after_change", 30, 70, 3, true },
		{ "in 1 ns short of a window", 6, 10 * MIN - 1, 6, 180,
		    DECIDE_HOLD, 6, "window_after_change", 30, 70, 3, true },
		{ "in a window after", 6, 10 * MIN, 6, 180, DECIDE_SCALE_IN, 3,
		    "below_target", 30, 70, 3, true },
		/* now - change < 0 is under any cooldown, even 0 */
		{ "change in the future", 3, -MIN, 3, 300, DECIDE_HOLD, 3,
		    "cooldown", 100, 70, 5, true },
	};
	static const struct tcase cool[] = {
		{ "out in its cooldown", 3, MIN, 3, 300, DECIDE_HOLD, 3,
		    "cooldown", 100, 70, 5, true },
		{ "out after its cooldown", 3, 3 * MIN, 3, 300,
		    DECIDE_SCALE_OUT, 5, "above_target", 100, 70, 5, true },
	};
	static const struct tcase held[] = {
		/* the window first, then stabilization */
		{ "in held by the window, not stabilizing", 6, MIN, 6, 180,
		    DECIDE_HOLD, 6, "window_after_change", 30, 70, 3, true },
	};
	struct decide_rec	rec = { NOW - MIN, 6 };
	struct policy		p = target_policy();

	run_target(&p, cases, NITEMS(cases), NULL, 0);
	p.cooldown_out_ns = 3 * MIN;
	run_target(&p, cool, NITEMS(cool), NULL, 0);
	p = target_policy();
	p.stabilize_in_ns = 5 * MIN;
	run_target(&p, held, NITEMS(held), &rec, 1);
}

/* Threshold and capacity modes: the window still holds a scale-out. */
Test(decide_track, other_modes_after_a_change)
{
	struct policy		p = seed_policy();
	struct decide_in	in;
	struct decide_out	out;

	p.cooldown_out_ns = 0;
	in = input(&p, 3, MIN);
	in.out = in.in = obs(NOW, p.out_window_ns, 80, NOREADY, 0);
	decide(&in, &out);
	expect_out("threshold out", &out, DECIDE_HOLD, 3,
	    "window_after_change", 80, 70);
	/* 450 ready -> 5 of 3, a step of 1 to 4 */
	p = capacity_policy();
	p.cooldown_out_ns = 0;
	in.out = in.in = obs(NOW, p.out_window_ns, 150, 3, 450);
	decide(&in, &out);
	expect_out("capacity out", &out, DECIDE_HOLD, 3,
	    "window_after_change", 450, 300);
	in.last_change_ns = NOW - 10 * MIN;
	decide(&in, &out);
	expect_out("capacity out a window after", &out, DECIDE_SCALE_OUT, 4,
	    "capacity", 450, 300);
}

/* Threshold mode, percent steps: ceil(r x pct / 100), at least 1. */
Test(decide_track, percent_steps_threshold)
{
	static const struct {
		const char		*name;
		double			 out_pct, in_pct;
		int			 replicas;
		double			 v;	/* both windows */
		enum decide_action	 action;
		int			 after;
	} cases[] = {
		/* ceil(0.5) = 1 */
		{ "50 % of 1", 50, 0, 1, 80, DECIDE_SCALE_OUT, 2 },
		/* ceil(1.5) = 2 */
		{ "50 % of 3 rounds up", 50, 0, 3, 80, DECIDE_SCALE_OUT, 5 },
		{ "50 % of 4 is 2", 50, 0, 4, 80, DECIDE_SCALE_OUT, 6 },
		/* 8 + 4, clamped to 10 */
		{ "50 % of 8 to max", 50, 0, 8, 80, DECIDE_SCALE_OUT, 10 },
		/* ceil(0.3) = 1 */
		{ "10 % of 3 is 1", 10, 0, 3, 80, DECIDE_SCALE_OUT, 4 },
		/* ceil(2.04) = 3 */
		{ "34 % of 6 is 3", 34, 0, 6, 80, DECIDE_SCALE_OUT, 9 },
		{ "200 % of 3", 200, 0, 3, 80, DECIDE_SCALE_OUT, 9 },
		{ "in 50 % of 6", 0, 50, 6, 5, DECIDE_SCALE_IN, 3 },
		/* ceil(1.5) = 2 */
		{ "in 50 % of 3 rounds up", 0, 50, 3, 5, DECIDE_SCALE_IN, 1 },
		/* ceil(0.2) = 1 */
		{ "in 10 % of 2 is 1", 0, 10, 2, 5, DECIDE_SCALE_IN, 1 },
		{ "in 100 % of 5 to min", 0, 100, 5, 5, DECIDE_SCALE_IN, 1 },
		/* the other direction's percent is not this one's */
		{ "out by 1, in by 50 %", 0, 50, 6, 80, DECIDE_SCALE_OUT, 7 },
		{ "in by 1, out by 50 %", 50, 0, 6, 5, DECIDE_SCALE_IN, 5 },
	};
	struct policy		p;
	struct decide_in	in;
	struct decide_out	out;
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		p = seed_policy();
		p.step_out_pct = cases[i].out_pct;
		p.step_in_pct = cases[i].in_pct;
		/* as policy_parse leaves a percent step */
		p.step_out = cases[i].out_pct > 0 ? 0 : 1;
		p.step_in = cases[i].in_pct > 0 ? 0 : 1;
		in = input(&p, cases[i].replicas, 0);
		in.out = in.in = obs(NOW, p.out_window_ns, cases[i].v, NOREADY,
		    0);
		decide(&in, &out);
		expect_out(cases[i].name, &out, cases[i].action, cases[i].after,
		    cases[i].action == DECIDE_SCALE_OUT ? "above_out" :
		    "below_in", cases[i].v,
		    cases[i].action == DECIDE_SCALE_OUT ? 70 : 10);
	}
}

/*
 * Capacity mode (100 per replica). Without a ready count demand is v x
 * replicas + min_available, as before; with one it is the ready total
 * + min_available (sustained: the extreme x the ready count), against
 * 100 x replicas (grow) or 100 x (replicas - 1) (shrink).
 */
struct ccase {
	const char		*name;
	int			 replicas;
	int64_t			 ago;
	double			 v;	/* per-container aggregate */
	int			 n;	/* ready replicas, NOREADY */
	double			 total;
	enum decide_action	 action;
	int			 after;
	const char		*reason;
	double			 value, threshold;
};

static void
run_capacity(const struct policy *p, const struct ccase *c, size_t n)
{
	struct decide_in	in;
	struct decide_out	out;
	size_t			i;

	for (i = 0; i < n; i++, c++) {
		in = input(p, c->replicas, c->ago);
		in.out = obs(NOW, p->out_window_ns, c->v, c->n, c->total);
		in.in = obs(NOW, p->in_window_ns, c->v, c->n, c->total);
		decide(&in, &out);
		expect_out(c->name, &out, c->action, c->after, c->reason,
		    c->value, c->threshold);
	}
}

/* Percent steps in capacity mode: toward desired, by at most the step. */
Test(decide_track, percent_steps_capacity)
{
	static const struct ccase out_cases[] = {
		/* 4 x 180 = 720 -> 8; ceil(4 x 0.5) = 2 */
		{ "grow 50 % of 4", 4, 0, 180, NOREADY, 0, DECIDE_SCALE_OUT, 6,
		    "capacity", 720, 400 },
		/* 2 x 300 = 600 -> 6; ceil(1) = 1 */
		{ "grow 50 % of 2", 2, 0, 300, NOREADY, 0, DECIDE_SCALE_OUT, 3,
		    "capacity", 600, 200 },
		/* 4 x 110 = 440 -> 5: the step allows 6 */
		{ "grow no further than desired", 4, 0, 110, NOREADY, 0,
		    DECIDE_SCALE_OUT, 5, "capacity", 440, 400 },
		/* shrinking keeps its step of 1: 6 x 20 = 120 -> 2 */
		{ "shrink by 1", 6, 0, 20, NOREADY, 0, DECIDE_SCALE_IN, 5,
		    "capacity", 120, 500 },
	};
	static const struct ccase in_cases[] = {
		/* 6 x 20 = 120 -> 2; ceil(3) = 3 */
		{ "shrink 50 % of 6", 6, 0, 20, NOREADY, 0, DECIDE_SCALE_IN, 3,
		    "capacity", 120, 500 },
		/* 6 x 60 = 360 -> 4: the step allows 3 */
		{ "shrink no further than desired", 6, 0, 60, NOREADY, 0,
		    DECIDE_SCALE_IN, 4, "capacity", 360, 500 },
		/* 3 x 10 = 30 -> 1; ceil(1.5) = 2 */
		{ "shrink 50 % of 3 rounds up", 3, 0, 10, NOREADY, 0,
		    DECIDE_SCALE_IN, 1, "capacity", 30, 200 },
		/* with the ready count: 6 ready, 120 -> 2; 3 */
		{ "ready count, same steps", 6, 0, 20, 6, 120, DECIDE_SCALE_IN,
		    3, "capacity", 120, 500 },
	};
	struct policy	p = capacity_policy();

	p.step_out = 0;
	p.step_out_pct = 50;
	run_capacity(&p, out_cases, NITEMS(out_cases));
	p = capacity_policy();
	p.step_in = 0;
	p.step_in_pct = 50;
	run_capacity(&p, in_cases, NITEMS(in_cases));
}

Test(decide_track, capacity_counts_ready_replicas)
{
	static const struct ccase cases[] = {
		/*
		 * 4 replicas, 1 starting, 3 ready at 110: ready 330 -> 4
		 * is what there is; counting the starting one as load,
		 * 4 x 110 = 440 -> 5 (one too many, and back)
		 */
		{ "starting replica is not load", 4, 0, 110, 3, 330,
		    DECIDE_STEADY, 4, "in_band", 330, 400 },
		{ "as before without the count", 4, 0, 110, NOREADY, 0,
		    DECIDE_SCALE_OUT, 5, "capacity", 440, 400 },
		/*
		 * 3 ready at 80 + 1 starting, a minute after the change
		 * that added it: 240 -> 3 does not grow; it wants 3 but
		 * the in window reaches before the change
		 */
		{ "3 ready at 80 of 4, after a change", 4, MIN, 80, 3, 240,
		    DECIDE_HOLD, 4, "window_after_change", 240, 300 },
		/* without the count: 4 x 80 = 320 -> 4 */
		{ "3 ready at 80, no count", 4, MIN, 80, NOREADY, 0,
		    DECIDE_STEADY, 4, "in_band", 320, 400 },
		/* all ready: 450 -> 5, one step */
		{ "all ready grows as before", 3, 0, 150, 3, 450,
		    DECIDE_SCALE_OUT, 4, "capacity", 450, 300 },
		/*
		 * the ready total, not the aggregate x replicas: 180 -> 2;
		 * but 2 ready of 3 with no change in the window is a
		 * replica whose load is unknown (its ds stopped): no
		 * scale-in on partial data (decide.h)
		 */
		{ "the total, not the aggregate", 3, 0, 150, 2, 180,
		    DECIDE_HOLD, 3, "partial_data", 180, 200 },
		{ "the total, all 3 ready", 3, 0, 60, 3, 180,
		    DECIDE_SCALE_IN, 2, "capacity", 180, 200 },
		/* a window, but not one replica reported over all of it */
		{ "no replica ready", 3, 0, 50, 0, 0, DECIDE_HOLD, 3,
		    "no_data", NAN, 300 },
	};
	static const struct ccase spare[] = {
		/* 330 + 100 = 430 -> 5 */
		{ "spare on the ready total", 4, 0, 110, 3, 330,
		    DECIDE_SCALE_OUT, 5, "capacity", 430, 400 },
		/* nothing runs: demand = min_available 150 -> 2, a step */
		{ "zero replicas", 0, 0, 50, 0, 0, DECIDE_SCALE_OUT, 1,
		    "capacity", 150, 0 },
	};
	struct policy	p = capacity_policy();

	run_capacity(&p, cases, NITEMS(cases));
	p.min_no = 0;
	p.min_available = 100;
	run_capacity(&p, spare, 1);
	p.min_available = 150;
	run_capacity(&p, spare + 1, 1);
}

/*
 * sustained per direction, threshold mode (> 70 out, < 10 in) at 3
 * replicas: a sustained direction holds the window's extreme (out its
 * min, in its max) against its threshold, the other its aggregate.
 */
Test(decide_track, sustained_per_direction)
{
	static const struct {
		const char		*name;
		bool			 s_out, s_in;
		double			 out_v, out_min;
		double			 in_v, in_max;
		enum decide_action	 action;
		int			 after;
		const char		*reason;
		double			 value, threshold;
	} cases[] = {
		{ "out: one dip holds it", true, false, 80, 50, 80, 80,
		    DECIDE_STEADY, 3, "in_band", 50, 70 },
		{ "out: every sample above", true, false, 80, 71, 80, 80,
		    DECIDE_SCALE_OUT, 4, "above_out", 71, 70 },
		{ "out: in still by its mean", true, false, 5, 5, 5, 20,
		    DECIDE_SCALE_IN, 2, "below_in", 5, 10 },
		{ "in: out by its mean", false, true, 80, 50, 80, 80,
		    DECIDE_SCALE_OUT, 4, "above_out", 80, 70 },
		{ "in: one spike holds it", false, true, 5, 5, 5, 20,
		    DECIDE_STEADY, 3, "in_band", 5, 70 },
		{ "in: every sample below", false, true, 5, 5, 5, 9.5,
		    DECIDE_SCALE_IN, 2, "below_in", 9.5, 10 },
		{ "both", true, true, 80, 50, 5, 20, DECIDE_STEADY, 3,
		    "in_band", 50, 70 },
		{ "neither", false, false, 80, 50, 80, 80, DECIDE_SCALE_OUT, 4,
		    "above_out", 80, 70 },
	};
	struct policy		p;
	struct decide_in	in;
	struct decide_out	out;
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		p = seed_policy();
		p.sustained_out = cases[i].s_out;
		p.sustained_in = cases[i].s_in;
		p.sustained = p.sustained_out || p.sustained_in;
		in = input(&p, 3, 0);
		in.out = obs(NOW, p.out_window_ns, cases[i].out_v, NOREADY, 0);
		in.out.min = cases[i].out_min;
		in.in = obs(NOW, p.in_window_ns, cases[i].in_v, NOREADY, 0);
		in.in.max = cases[i].in_max;
		decide(&in, &out);
		expect_out(cases[i].name, &out, cases[i].action, cases[i].after,
		    cases[i].reason, cases[i].value, cases[i].threshold);
	}
}

/*
 * Capacity mode, sustained out only, with the ready count: growth uses
 * the min x ready count, shrinking the ready total. 3 ready of 4,
 * total 330 (mean 110).
 */
Test(decide_track, capacity_sustained_out_ready)
{
	struct policy		p = capacity_policy();
	struct decide_in	in;
	struct decide_out	out;

	p.sustained = p.sustained_out = true;
	in = input(&p, 4, 0);
	in.out = in.in = obs(NOW, p.out_window_ns, 110, 3, 330);
	in.out.min = 90;	/* 90 x 3 = 270 -> 3; in: 330 -> 4 */
	decide(&in, &out);
	expect_out("a quiet moment", &out, DECIDE_STEADY, 4, "in_band", 270,
	    400);
	in.out.min = 140;	/* 140 x 3 = 420 -> 5 */
	decide(&in, &out);
	expect_out("every sample busy", &out, DECIDE_SCALE_OUT, 5, "capacity",
	    420, 400);
	in.out.min = 90;
	in.in.max = 300;	/* in is not sustained: its max is not used */
	in.in.ready_total = 150;	/* 150 -> 2 */
	decide(&in, &out);
	/* 3 ready of 4: the fourth's load is unknown (decide.h) */
	expect_out("in, 3 ready of 4", &out, DECIDE_HOLD, 4, "partial_data",
	    150, 300);
	in.in.ready_n = 4;
	decide(&in, &out);
	expect_out("in by the ready total", &out, DECIDE_SCALE_IN, 3,
	    "capacity", 150, 300);
}

/*
 * Target mode, sustained per direction: out reads the window's lowest
 * sample as every ready replica's load, in the highest as every
 * replica's, so a direction acts only when every sample is past the
 * band, and only as far as the least (out) or most (in) loaded sample
 * asks. Setpoint 70, band [63, 77].
 */
Test(decide_track, target_sustained)
{
	struct policy		p = target_policy();
	struct decide_in	in;
	struct decide_out	out;

	/* 4 ready, total 320 (mean 80, 14 % over), a quiet sample at 72 */
	in = input(&p, 4, 0);
	in.out = in.in = tobs(NOW, p.out_window_ns, 4, 320);
	in.out.min = 72;
	decide(&in, &out);
	expect_out("out, not sustained: the mean", &out, DECIDE_SCALE_OUT, 5,
	    "above_target", 80, 70);
	p.sustained = p.sustained_out = true;
	decide(&in, &out);
	expect_out("out, sustained: one sample inside the band", &out,
	    DECIDE_STEADY, 4, "in_band", 72, 70);
	/* every sample at 90 or more: 90 x 4 / 70 = 5.14 -> 6 */
	in.out.min = 90;
	in.out.ready_total = 400;
	decide(&in, &out);
	expect_out("out, sustained: every sample past the band", &out,
	    DECIDE_SCALE_OUT, 6, "above_target", 90, 70);

	/* 10 ready, total 500 (mean 50); the busiest sample 60 */
	p = target_policy();
	in = input(&p, 10, 0);
	in.out = in.in = tobs(NOW, p.in_window_ns, 10, 500);
	in.in.max = 60;
	decide(&in, &out);
	expect_out("in, not sustained: 500 / 70 -> 8", &out, DECIDE_SCALE_IN,
	    8, "below_target", 50, 70);
	p.sustained = p.sustained_in = true;
	decide(&in, &out);
	expect_out("in, sustained: 60 x 10 / 70 -> 9", &out, DECIDE_SCALE_IN,
	    9, "below_target", 60, 70);
	in.in.max = 66;
	decide(&in, &out);
	/* a steady decision shows the out side's value, the mean */
	expect_out("in, sustained: the busiest sample in the band", &out,
	    DECIDE_STEADY, 10, "in_band", 50, 70);
}

/* decide_group: rows of one service, each decided alone. */
static struct decide_out
row(enum decide_action action, int after, const char *reason)
{
	struct decide_out	o;

	memset(&o, 0, sizeof(o));
	o.action = action;
	o.before = 3;
	o.after = after;
	o.reason = reason;
	o.value = o.threshold = NAN;
	o.desired = after;
	return o;
}

#define R_OUT(n)	{ DECIDE_SCALE_OUT, n, "above_target" }
#define R_IN(n)		{ DECIDE_SCALE_IN, n, "below_target" }
#define R_BAND		{ DECIDE_STEADY, 3, "in_band" }
#define R_NODATA	{ DECIDE_HOLD, 3, "no_data" }
#define R_HOLD(why)	{ DECIDE_HOLD, 3, why }
#define R_PAUSED	{ DECIDE_PAUSED, 3, "paused" }
#define R_BOUNDS(n, why) { DECIDE_BOUNDS, n, why }

Test(decide_track, group_table)
{
	static const struct {
		const char	*name;
		size_t		 n;
		struct {
			enum decide_action	 action;
			int			 after;
			const char		*reason;
		} rows[4];
		size_t		 driver;
	} cases[] = {
		{ "one row", 1, { R_IN(2) }, 0 },
		{ "one row out", 2, { R_BAND, R_OUT(4) }, 1 },
		{ "out to the highest", 3, { R_OUT(4), R_OUT(6), R_OUT(5) },
		    1 },
		{ "out ties: the first", 2, { R_OUT(5), R_OUT(5) }, 0 },
		{ "out wins over in", 2, { R_IN(2), R_OUT(4) }, 1 },
		{ "out despite no data", 2, { R_NODATA, R_OUT(4) }, 1 },
		{ "out despite a held row", 2, { R_HOLD("cooldown"),
		    R_OUT(7) }, 1 },
		{ "every row in: the highest", 3, { R_IN(1), R_IN(2), R_IN(1) },
		    1 },
		{ "no data blocks in", 2, { R_IN(2), R_NODATA }, 1 },
		{ "in band blocks in", 2, { R_IN(1), R_BAND }, 1 },
		{ "stabilizing blocks in", 2, { R_IN(1),
		    R_HOLD("stabilizing") }, 1 },
		{ "the first that is not in says why", 4, { R_IN(2),
		    R_HOLD("window_after_change"), R_BAND, R_NODATA }, 1 },
		{ "paused does not block in", 3, { R_PAUSED, R_IN(2),
		    R_PAUSED }, 1 },
		{ "paused does not block out", 2, { R_PAUSED, R_OUT(4) }, 1 },
		{ "paused does not say why", 3, { R_PAUSED, R_IN(2), R_BAND },
		    2 },
		{ "bounds first", 3, { R_OUT(5), R_BOUNDS(1, "below_min"),
		    R_IN(2) }, 1 },
		{ "bounds beside paused", 2, { R_PAUSED,
		    R_BOUNDS(10, "above_max") }, 1 },
		{ "all paused", 2, { R_PAUSED, R_PAUSED }, 0 },
	};
	struct decide_out	rows[4], out;
	size_t			i, k, got;

	for (i = 0; i < NITEMS(cases); i++) {
		for (k = 0; k < cases[i].n; k++) {
			rows[k] = row(cases[i].rows[k].action,
			    cases[i].rows[k].after, cases[i].rows[k].reason);
			rows[k].value = (double)k;	/* which row */
		}
		memset(&out, 0xa5, sizeof(out));
		got = decide_group(rows, cases[i].n, &out);
		cr_expect_eq(got, cases[i].driver, "%s: driver %zu, want %zu",
		    cases[i].name, got, cases[i].driver);
		k = cases[i].driver;
		cr_expect_eq(out.action, rows[k].action, "%s", cases[i].name);
		cr_expect_eq(out.after, rows[k].after, "%s", cases[i].name);
		cr_expect_str_eq(out.reason, rows[k].reason, "%s",
		    cases[i].name);
		cr_expect_eq(out.value, (double)k, "%s: copied from row %g",
		    cases[i].name, out.value);
	}
}

/*
 * Two rows of one service through decide(): cpu in target mode (70)
 * and mem_ratio in threshold mode (> 80, < 20), 6 replicas.
 */
Test(decide_track, group_of_decisions)
{
	static const struct {
		const char		*name;
		double			 cpu_total;	/* 6 ready */
		double			 mem;	/* NAN: no data */
		size_t			 driver;
		enum decide_action	 action;
		int			 after;
		const char		*reason;
	} cases[] = {
		/* cpu 180 -> 3, mem 10 < 20 -> 5: the higher */
		{ "both in", 180, 10, 1, DECIDE_SCALE_IN, 5, "below_in" },
		/* cpu wants 3, mem in band */
		{ "mem in band blocks in", 180, 50, 1, DECIDE_STEADY, 6,
		    "in_band" },
		{ "mem without data blocks in", 180, NAN, 1, DECIDE_HOLD, 6,
		    "no_data" },
		/* cpu 600 -> 9 */
		{ "cpu out, mem in", 600, 10, 0, DECIDE_SCALE_OUT, 9,
		    "above_target" },
		{ "cpu out, mem without data", 600, NAN, 0, DECIDE_SCALE_OUT,
		    9, "above_target" },
		/* cpu 420 in band, mem 90 > 80 -> 7 */
		{ "mem out", 420, 90, 1, DECIDE_SCALE_OUT, 7, "above_out" },
	};
	struct policy		cpu = target_policy(), mem = seed_policy();
	struct decide_in	in;
	struct decide_out	rows[2], out;
	size_t			i, got;

	mem.field = (char *)"mem_ratio";
	mem.out.value = 80;
	mem.in.value = 20;
	for (i = 0; i < NITEMS(cases); i++) {
		in = input(&cpu, 6, 0);
		in.out = in.in = tobs(NOW, cpu.out_window_ns, 6,
		    cases[i].cpu_total);
		decide(&in, &rows[0]);
		in = input(&mem, 6, 0);
		in.out = in.in = obs(NOW, mem.out_window_ns, cases[i].mem,
		    isnan(cases[i].mem) ? NOWIN : NOREADY, 0);
		decide(&in, &rows[1]);
		got = decide_group(rows, 2, &out);
		cr_expect_eq(got, cases[i].driver, "%s: driver %zu",
		    cases[i].name, got);
		cr_expect_eq(out.action, cases[i].action, "%s: %s",
		    cases[i].name, decide_action_name(out.action));
		cr_expect_eq(out.after, cases[i].after, "%s: after %d",
		    cases[i].name, out.after);
		cr_expect_str_eq(out.reason, cases[i].reason, "%s",
		    cases[i].name);
	}
}
