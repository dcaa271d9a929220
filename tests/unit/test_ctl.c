/*
 * Unit tests for dasctl scale's words: what das does with a count set by
 * hand (scaler/ctl_scale.c against scaler/decide.h), and which rows list
 * and explain count as answered without an input.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "buf.h"
#include "ctl_int.h"

#define SEC	INT64_C(1000000000)

/* seq 12, web, 1..3 replicas at 2, out window 1m cooldown 30s, in 2m/5m */
static struct engine_status
t_status(const char *state)
{
	struct engine_status	s;

	memset(&s, 0, sizeof s);
	s.seq = 12;
	s.service = "web";
	s.state = state;
	s.detail = "";
	s.min_no = 1;
	s.max_no = 3;
	s.replicas = 2;
	s.out_window_ns = 60 * SEC;
	s.cooldown_out_ns = 30 * SEC;
	s.in_window_ns = 120 * SEC;
	s.cooldown_in_ns = 300 * SEC;
	return s;
}

static enum ctl_after
t_after(const struct engine_status *s, int to, bool dry, struct buf *b)
{
	buf_reset(b);
	return ctl_scale_after(s, to, dry, b);
}

Test(ctl_scale, within_bounds_kept_with_the_earliest_next_moves)
{
	struct engine_status	s = t_status("ok");
	struct buf		b;

	buf_init(&b);
	cr_assert_eq(t_after(&s, 3, false, &b), CTL_AFTER_KEPT);
	/* out: the 1m window outlasts the 30s cooldown; in: 5m cooldown */
	cr_assert_str_eq(buf_str(&b), "das keeps 3 and counts it as the last "
	    "change: it scales out no sooner than 1m from now (out window "
	    "1m, cooldown 30s) and in no sooner than 5m from now (in window "
	    "2m, cooldown 5m), and only when a window of data from after "
	    "this change calls for it");
	cr_assert_eq(t_after(&s, 1, false, &b), CTL_AFTER_KEPT, "min_no");
	buf_free(&b);
}

Test(ctl_scale, outside_bounds_undone_on_the_next_tick)
{
	struct engine_status	s = t_status("cooling_down");
	struct buf		b;

	buf_init(&b);
	cr_assert_eq(t_after(&s, 9, false, &b), CTL_AFTER_UNDONE);
	cr_assert_str_eq(buf_str(&b), "das will bring it back to 3 (max_no "
	    "of policy seq 12) on its next tick");
	cr_assert_eq(t_after(&s, 0, false, &b), CTL_AFTER_UNDONE);
	cr_assert_str_eq(buf_str(&b), "das will bring it back to 1 (min_no "
	    "of policy seq 12) on its next tick");
	buf_free(&b);
}

Test(ctl_scale, refusal_names_the_bound_and_force)
{
	struct engine_status	s = t_status("ok");
	struct buf		b;

	buf_init(&b);
	ctl_scale_refusal(&s, 9, &b);
	cr_assert_str_eq(buf_str(&b), "9 is above max_no 3 of policy seq 12 "
	    "(service web): das would scale it back to 3 on its next tick. "
	    "Nothing was done; use --force to set it anyway (das will then "
	    "bring it back to 3)");
	buf_reset(&b);
	ctl_scale_refusal(&s, 0, &b);
	cr_assert(strncmp(buf_str(&b), "0 is below min_no 1 of policy seq 12",
	    36) == 0, "%s", buf_str(&b));
	buf_reset(&b);
	ctl_scale_refusal(&s, 2, &b);
	cr_assert_str_eq(buf_str(&b), "", "nothing to refuse in bounds");
	buf_free(&b);
}

/* decide.h: a disabled policy is left alone, bounds included. */
Test(ctl_scale, paused_left_alone_until_resumed)
{
	struct engine_status	s = t_status("paused");
	struct buf		b;

	buf_init(&b);
	cr_assert_eq(t_after(&s, 9, false, &b), CTL_AFTER_LEFT);
	cr_assert_str_eq(buf_str(&b), "policy seq 12 is paused: das leaves "
	    "the service at 9 until `dasctl resume web`, then brings it back "
	    "to 3 (max_no)");
	cr_assert_eq(t_after(&s, 2, false, &b), CTL_AFTER_LEFT);
	cr_assert_str_eq(buf_str(&b), "policy seq 12 is paused: das leaves "
	    "the service at 2 until `dasctl resume web`");
	buf_free(&b);
}

/* tick_apply (scaler/tick_act.c) journals a dry run's would-be change and never acts. */
Test(ctl_scale, dry_run_policy_or_das_never_acts)
{
	struct engine_status	s = t_status("ok");
	struct buf		b;

	buf_init(&b);
	cr_assert_eq(t_after(&s, 9, true, &b), CTL_AFTER_LEFT, "das's own");
	cr_assert_str_eq(buf_str(&b), "policy seq 12 is a dry run: das does "
	    "not act on it, it only journals what it would do (bring it back "
	    "to 3, its max_no)");
	s.dry_run = true;
	cr_assert_eq(t_after(&s, 2, false, &b), CTL_AFTER_LEFT, "the row's");
	buf_free(&b);
}

Test(ctl_degraded, metrics_or_replicas_missing)
{
	struct engine_status	s = t_status("no_data");

	cr_assert_not(ctl_degraded(&s), "too few samples is an answer");
	s.detail = "metrics unavailable: InfluxDB query at x: refused";
	cr_assert(ctl_degraded(&s));
	s = t_status("error");
	s.detail = "Docker GET /services: refused";
	cr_assert(ctl_degraded(&s));
	s = t_status("invalid");
	s.detail = "min_no 5 > max_no 2";
	cr_assert_not(ctl_degraded(&s), "an invalid row is an answer");
	s = t_status("cooling_down");
	cr_assert_not(ctl_degraded(&s));
}

/*
 * A group's words (issue 11): list's GROUP cell names the rows and the
 * one whose decision stood; explain says whether this row drove it.
 */
Test(ctl_group, list_cell_and_explain_name_the_driving_row)
{
	struct engine_status	s = t_status("ok");
	struct buf		b;

	buf_init(&b);
	s.group = "";
	s.driver = -1;
	ctl_group(&b, &s);
	cr_assert_str_eq(buf_str(&b), "-");
	buf_reset(&b);
	ctl_explain_group(&s, &b);
	cr_assert_eq(b.len, 0, "a lone row has no group line");

	s.group = "3,5";
	buf_reset(&b);
	ctl_group(&b, &s);
	cr_assert_str_eq(buf_str(&b), "3,5");
	buf_reset(&b);
	ctl_explain_group(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  group    seq 3,5 scale this service "
	    "together: no row decided this tick\n");

	s.seq = 5;
	s.driver = 3;
	buf_reset(&b);
	ctl_group(&b, &s);
	cr_assert_str_eq(buf_str(&b), "3,5 by 3");
	buf_reset(&b);
	ctl_explain_group(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  group    seq 3,5 scale this service "
	    "together: seq 3 drove the decision; this row acts on nothing "
	    "itself\n");

	s.seq = 3;
	buf_reset(&b);
	ctl_explain_group(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  group    seq 3,5 scale this service "
	    "together: this row (seq 3) drove the decision; das acts on it "
	    "alone\n");
	buf_free(&b);
}

/* explain on a custom measurement names it and says the value is a total. */
Test(ctl_explain, custom_measurement_metric_line)
{
	struct engine_status	s = t_status("ok");
	struct buf		b;

	buf_init(&b);
	s.mode = "target";
	s.aggregate = "rate";
	s.field = "requests";
	s.measurement = "nginx";
	s.service_tag = "service_name";
	ctl_explain_custom(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  metric   rate(requests) of each series "
	    "of measurement nginx whose service_name is the service, summed: "
	    "the service's total (target: total / setpoint)\n");
	buf_reset(&b);
	s.mode = "threshold";
	s.aggregate = "max";
	s.field = "queue";
	s.measurement = "app";
	s.of_total = true;
	ctl_explain_custom(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  metric   max(queue) of each series of "
	    "measurement app whose service_name is the service, summed: the "
	    "service's total, held as it is\n");
	buf_free(&b);
}

/* explain's sustained line: the directions, in the words of the mode. */
Test(ctl_explain, sustained_line_per_direction_and_mode)
{
	struct engine_status	s = t_status("ok");
	struct buf		b;

	buf_init(&b);
	s.mode = "threshold";
	s.measurement = "";
	ctl_explain_sustained(&s, &b);
	cr_assert_str_eq(buf_str(&b), "", "not sustained: no line");
	s.sustained_out = true;
	ctl_explain_sustained(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  sustained out: every sample of the "
	    "window must be past the threshold, not only the aggregate\n");
	buf_reset(&b);
	s.mode = "target";
	s.sustained_out = false;
	s.sustained_in = true;
	ctl_explain_sustained(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  sustained in: in reads the window's "
	    "highest sample as every replica's load\n");
	buf_reset(&b);
	s.sustained_out = true;
	ctl_explain_sustained(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  sustained out and in: out reads the "
	    "window's lowest sample (of any container) as every ready "
	    "container's load, in reads the window's highest sample as every "
	    "replica's load\n");
	buf_reset(&b);
	s.sustained_out = true;
	s.measurement = "nginx";
	ctl_explain_sustained(&s, &b);
	cr_assert_str_eq(buf_str(&b), "  sustained out and in: out reads the "
	    "window's lowest total, in reads the window's highest total\n");
	buf_free(&b);
}
