/*
 * Unit tests for decide at the edges of its bands: a value exactly on
 * target mode's tolerance, and a capacity-mode demand that is exactly
 * a whole number of replicas. Every expectation is derived by hand on
 * its line.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "decide.h"

#define NS_S	INT64_C(1000000000)
#define MIN	(60 * NS_S)
#define NOW	(INT64_C(1800000000) * NS_S)
#define IVL	(10 * NS_S)

static struct policy
base_policy(void)
{
	struct policy	p;

	memset(&p, 0, sizeof(p));
	p.seq = 1;
	p.min_no = 1;
	p.max_no = 40;
	p.field = (char *)"cpu_ratio";
	p.out_window_ns = p.in_window_ns = 10 * MIN;
	p.step_out = p.step_in = 1;
	p.enabled = true;
	p.service = (char *)"web";
	return p;
}

/* A covered window of aggregate v, n ready replicas carrying total. */
static struct decide_obs
wobs(int64_t window, double v, int n, double total, bool is_total)
{
	struct decide_obs	o;

	memset(&o, 0, sizeof(o));
	o.present = true;
	o.value = o.min = o.max = v;
	o.count = (uint64_t)(window / IVL);
	o.first_ns = NOW - window + IVL / 2;
	o.last_ns = NOW - IVL / 2;
	o.ready_known = !is_total;
	o.ready_n = is_total ? 0 : n;
	o.ready_total = is_total ? 0 : total;
	o.total = is_total;
	return o;
}

static void
run(const struct policy *p, int replicas, struct decide_obs o,
    struct decide_out *out)
{
	struct decide_in	in;

	memset(&in, 0, sizeof(in));
	in.policy = p;
	in.replicas = replicas;
	in.now_ns = NOW;
	in.sample_interval_ns = IVL;
	in.out = in.in = o;
	decide(&in, out);
}

/*
 * Setpoint 70, tolerance 10 %: README, "no change while the ready mean
 * is within this percent of the setpoint"; test_decide_track.c calls the
 * band [63, 77] and holds at 63 ("on the lower tolerance"). 77 is as far
 * above as 63 is below, so 10 replicas at 77 (770) hold too.
 */
Test(decide_edges, target_on_the_upper_tolerance)
{
	struct policy		p = base_policy();
	struct decide_out	out;

	p.mode = POLICY_MODE_TARGET;
	p.setpoint = 70;
	p.tolerance = 0.1;
	run(&p, 12, wobs(p.out_window_ns, 63, 12, 756, false), &out);
	cr_expect_eq(out.action, DECIDE_STEADY, "63 of 70: %s %d (%s)",
	    decide_action_name(out.action), out.after, out.reason);
	run(&p, 10, wobs(p.out_window_ns, 77, 10, 770, false), &out);
	cr_expect_eq(out.action, DECIDE_STEADY, "77 of 70: %s %d (%s)",
	    decide_action_name(out.action), out.after, out.reason);
	cr_expect_eq(out.after, 10);
}

/*
 * Capacity 0.7 units per replica (a custom gauge), a total of 2.1: 3
 * replicas carry it exactly (demand 2.1 = 3 x 0.7), so 3 holds. Target
 * mode and predict_need round with a 1e-9 guard for this ("exact
 * quotient" in test_decide_track.c); the capacity quotient 2.1 / 0.7 is
 * 3.0000000000000004 in doubles.
 */
Test(decide_edges, capacity_exact_multiple_holds)
{
	struct policy		p = base_policy();
	struct decide_out	out;

	p.mode = POLICY_MODE_CAPACITY;
	p.capacity = 0.7;
	p.measurement = (char *)"app";
	p.field = (char *)"queue";
	run(&p, 3, wobs(p.out_window_ns, 2.1, 0, 0, true), &out);
	cr_expect_eq(out.action, DECIDE_STEADY, "2.1 on 3 x 0.7: %s %d (%s)",
	    decide_action_name(out.action), out.after, out.reason);
	cr_expect_eq(out.after, 3);
}
