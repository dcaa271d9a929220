/*
 * Unit tests for the engine's groups, target mode and stabilization
 * (scaler/tick_group.c, scaler/tick_eval.c, scaler/pstate.c) through the
 * fake ports with InfluxDB up (fake_ports.h, fake_influx.c): several rows
 * for one service make one decision that only its driver carries out,
 * target mode's one-decision scale-out, and a scale-in that waits out
 * stabilize_in on the recommendations das kept.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "cfg.h"
#include "engine.h"
#include "fake_ports.h"
#include "log.h"

#define SEC	INT64_C(1000000000)

static struct fake_world	 w;
static struct engine		*e;
static int64_t			 t0;

static void
teardown(void)
{
	engine_free(e);
	e = NULL;
}

TestSuite(group, .fini = teardown);

/* The engine over w; background: exec and runc calls on jobs (das). */
static void
start_bg(bool background)
{
	struct engine_ports	p;
	struct engine_cfg	c;

	fake_cfg(&c);
	c.background = background;
	w.be.background = background;
	log_set_level(LOG_LEVEL_ERROR);
	fake_ports(&w, &p);
	e = engine_new_ports(&c, &p);
	t0 = backend_clock_ns();
}

static void
start(void)
{
	start_bg(false);
}

/* A tick at t0 + s seconds, InfluxDB's windows ending then. */
static const struct engine_report *
tick_at(int s)
{
	const struct engine_report	*r = NULL;

	w.now_ns = t0 + s * SEC;
	cr_assert_eq(engine_tick(e, w.now_ns, &r), 0);
	return r;
}

static void
metric(int k, const char *field, double value, double ready_total,
    int ready_n)
{
	w.metrics[k] = (struct fake_metric){ field, value, ready_total,
	    ready_n };
}

/* Rows 1 (cpu_ratio) and 2 (mem_ratio) for service "web" at n. */
static void
two_rows(int n)
{
	struct policy_row	r;

	fake_world_init(&w);
	w.influx_up = true;
	w.one_service = true;
	w.replicas[0] = n;
	r = fake_row(1, "1", "5");
	r.service_id = "web";
	fake_add_row(&w, r);
	r = fake_row(2, "1", "5");
	r.service_id = "web";
	r.cond_item = "mem_ratio";
	fake_add_row(&w, r);
}

/* The only journal row of seq with action. */
static const struct fake_jrow *
only(int64_t seq, const char *action)
{
	size_t	i, n = 0, k = 0;

	for (i = 0; i < w.njournal; i++) {
		if (w.journal[i].seq == seq &&
		    strcmp(w.journal[i].action, action) == 0) {
			k = i;
			n++;
		}
	}
	cr_assert_eq(n, 1, "seq %lld: %zu %s rows", (long long)seq, n,
	    action);
	return &w.journal[k];
}

/*
 * One row above out, the other below in: today they acted against each
 * other (2->3 and 2->1, then each journaled the other's change as
 * manual). The group scales out once, driven by the row above out, and
 * nothing is manual afterwards.
 */
Test(group, rows_against_each_other_scale_out_once)
{
	const struct engine_report	*r;
	const struct fake_jrow		*j;
	int				 s;

	two_rows(2);
	metric(0, "cpu_ratio", 80, 80, 2);
	metric(1, "mem_ratio", 5, 10, 2);
	start();
	r = tick_at(0);
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(w.last_to, 3);
	cr_expect_eq(r->actions, 1);
	j = only(1, "scale_out");
	cr_expect_eq(j->before, 2);
	cr_expect_eq(j->after, 3);
	cr_expect_str_eq(j->detail, "group: seq 1,2 driven by seq 1 "
	    "(cpu_ratio, above_out)");
	j = only(2, "hold");
	cr_expect_str_eq(j->reason, "group");
	cr_expect_str_eq(j->detail, "group: seq 1,2 driven by seq 1 "
	    "(cpu_ratio, above_out)");
	cr_expect_str_eq(r->status[0].group, "1,2");
	cr_expect_eq(r->status[1].driver, 1);
	cr_expect_eq(r->status[1].replicas, 3);
	cr_expect_eq(w.cur_no[1], 3);
	cr_expect_eq(w.cur_no[2], 3);
	for (s = 10; s <= 120; s += 10)
		r = tick_at(s);
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 0);
	cr_expect_eq(fake_journal_count(&w, 2, "manual"), 0);
	/* row 1 still above out: 3 -> 4 -> 5, never in */
	cr_expect_eq(w.replicas[0], 5);
	cr_expect_eq(fake_journal_count(&w, 1, "scale_in"), 0);
	cr_expect_eq(fake_journal_count(&w, 2, "scale_in"), 0);
	cr_expect_eq(w.scale_calls, 3);
}

/*
 * The group's change on a job (exec, runc): the rows that follow count
 * it as theirs when it ends, cur_no too, and the group waits for it.
 */
Test(group, background_change_followed_when_it_ends)
{
	const struct engine_report	*r;

	two_rows(2);
	metric(0, "cpu_ratio", 80, 80, 2);
	metric(1, "mem_ratio", 5, 10, 2);
	w.scale_ms = 500;		/* still running at the next tick */
	start_bg(true);
	r = tick_at(0);
	cr_expect_str_eq(r->status[0].state, "acting");
	r = tick_at(1);
	cr_expect_str_eq(r->status[0].state, "busy");
	cr_expect_str_eq(r->status[1].state, "busy", "the group waits");
	cr_assert_eq(engine_drain(e, 10000), 0);
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_str_eq(only(1, "scale_out")->detail, "group: seq 1,2 "
	    "driven by seq 1 (cpu_ratio, above_out)");
	cr_expect_eq(w.cur_no[1], 3);
	cr_expect_eq(w.cur_no[2], 3);
	tick_at(10);
	tick_at(20);
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 0);
	cr_expect_eq(fake_journal_count(&w, 2, "manual"), 0);
	cr_expect_eq(w.scale_calls, 1);
}

/* Both below in: the group scales in to the higher of their counts. */
Test(group, both_below_in_scale_in_to_the_highest)
{
	const struct fake_jrow	*j;

	two_rows(4);
	w.rows[1].step_in = "2";
	metric(0, "cpu_ratio", 5, 5, 4);
	metric(1, "mem_ratio", 5, 5, 4);
	start();
	tick_at(0);
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(w.last_to, 3, "row 1's 3, not row 2's 2");
	j = only(1, "scale_in");
	cr_expect_eq(j->after, 3);
	cr_expect_str_eq(j->detail, "group: seq 1,2 driven by seq 1 "
	    "(cpu_ratio, below_in)");
	cr_expect_eq(fake_journal_count(&w, 2, NULL), 0,
	    "row 2's scale-in is the group's");
}

/* A row without data blocks a scale-in, not a scale-out. */
Test(group, row_without_data_blocks_scale_in_only)
{
	const struct engine_report	*r;
	const struct fake_jrow		*j;

	two_rows(3);
	metric(0, "cpu_ratio", 5, 5, 3);
	metric(1, "mem_ratio", NAN, 0, 0);
	start();
	r = tick_at(0);
	cr_expect_eq(w.scale_calls, 0);
	cr_expect_eq(r->status[0].driver, 2);
	j = only(2, "hold");
	cr_expect_str_eq(j->reason, "no_data");
	cr_expect_str_eq(j->detail, "group: seq 1,2 driven by seq 2 "
	    "(mem_ratio, no_data)");
	j = only(1, "hold");
	cr_expect_str_eq(j->reason, "group");
	metric(0, "cpu_ratio", 80, 80, 3);
	r = tick_at(10);
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(w.last_to, 4);
	cr_expect_eq(r->status[1].driver, 1);
	cr_expect_eq(only(1, "scale_out")->after, 4);
}

/* Different bounds: both rows invalid, each journaled once. */
Test(group, mismatched_bounds_make_every_row_invalid)
{
	const struct engine_report	*r;
	const struct fake_jrow		*j;

	two_rows(2);
	w.rows[1].max_no = "6";
	metric(0, "cpu_ratio", 80, 80, 2);
	start();
	tick_at(0);
	tick_at(10);
	r = tick_at(20);
	cr_expect_eq(r->valid, 0);
	cr_expect_str_eq(r->status[0].state, "invalid");
	cr_expect_str_eq(r->status[1].state, "invalid");
	cr_expect_eq(w.observe_calls, 0);
	cr_expect_eq(w.scale_calls, 0);
	j = only(1, "invalid");
	cr_expect_str_eq(j->detail, "seq 2 also scales swarm service \"web\", "
	    "with min_no 1, max_no 6 (this row: min_no 1, max_no 5); the rows "
	    "of one service decide together and must have the same bounds");
	j = only(2, "invalid");
	cr_expect(strstr(j->detail, "seq 1 also scales swarm service \"web\", "
	    "with min_no 1, max_no 5 (this row: min_no 1, max_no 6)") != NULL,
	    "%s", j->detail);
	cr_expect_eq(w.njournal, 2);
	/* the same bounds again: one decision of the two */
	w.rows[1].max_no = "5";
	tick_at(30);
	cr_expect_eq(w.scale_calls, 1);
}

/*
 * Two rows naming service "web" with different backends (swarm, exec)
 * would scale two things on the same metrics: both invalid, each naming
 * the other (issue 11), journaled once; nothing is observed or scaled.
 */
Test(group, one_service_with_two_backends_makes_every_row_invalid)
{
	static char			 name[] = "pool", value[] = "/bin/true";
	static struct cfg_map_entry	 cmd = { name, value };
	static const struct cfg_map	 cmds = { &cmd, 1 };
	struct engine_ports		 p;
	struct engine_cfg		 c;
	const struct engine_report	*r;
	const struct fake_jrow		*j;

	two_rows(2);
	w.rows[1].backend = "exec";
	w.rows[1].target = "pool";
	metric(0, "cpu_ratio", 80, 160, 2);
	fake_cfg(&c);
	c.exec_cmds = &cmds;
	log_set_level(LOG_LEVEL_ERROR);
	fake_ports(&w, &p);
	e = engine_new_ports(&c, &p);
	t0 = backend_clock_ns();
	tick_at(0);
	r = tick_at(10);
	cr_expect_eq(r->valid, 0);
	cr_expect_str_eq(r->status[0].state, "invalid");
	cr_expect_str_eq(r->status[1].state, "invalid");
	cr_expect_eq(w.scale_calls, 0);
	j = only(1, "invalid");
	cr_expect_str_eq(j->detail, "seq 2 also names service \"web\", with "
	    "backend exec (this row: swarm); the rows of one service decide "
	    "together and must have the same backend");
	j = only(2, "invalid");
	cr_expect(strstr(j->detail, "seq 1 also names service \"web\", with "
	    "backend swarm (this row: exec)") != NULL, "%s", j->detail);
	/* one backend again: a group that acts */
	w.rows[1].backend = NULL;
	w.rows[1].target = NULL;
	r = tick_at(20);
	cr_expect_eq(r->valid, 2);
	cr_expect_str_eq(r->status[0].group, "1,2");
}

/*
 * One Swarm service named by name in one row and by id in the other: one
 * group (the rows are grouped by the service they resolve to).
 */
Test(group, a_service_by_name_and_by_id_is_one_group)
{
	const struct engine_report	*r;

	two_rows(2);
	w.swarm_name = "web";
	w.swarm_replicas = 2;
	w.rows[1].service_id = FAKE_SWARM_ID;
	metric(0, "cpu_ratio", 30, 60, 2);
	metric(1, "mem_ratio", 30, 60, 2);
	start();
	r = tick_at(0);
	cr_expect_eq(r->valid, 2);
	cr_expect_str_eq(r->status[0].group, "1,2");
	cr_expect_str_eq(r->status[1].group, "1,2");
	/* a service list that cannot be read: as written, two rows alone */
	w.list_fail = true;
	r = tick_at(10);
	cr_expect_str_eq(r->status[0].group, "");
	cr_expect_str_eq(r->status[1].group, "");
}

/* A target-mode row of service "web" at n replicas, max_no 6. */
static void
target_row(int n, const char *stabilize_in)
{
	struct policy_row	r;

	fake_world_init(&w);
	w.influx_up = true;
	w.replicas[1] = n;
	r = fake_row(1, "1", "6");
	r.service_id = "web";
	r.mode = "target";
	r.setpoint = "25%";
	r.out_cond = r.in_cond = NULL;
	r.out_duration = r.in_duration = "20s";
	r.stabilize_in = stabilize_in;
	fake_add_row(&w, r);
}

/* 100 % on one ready replica at setpoint 25 %: 1 -> 4 in one decision. */
Test(group, target_mode_goes_to_desired_at_once)
{
	const struct engine_report	*r;
	const struct fake_jrow		*j;

	target_row(1, NULL);
	metric(0, "cpu_ratio", 100, 100, 1);
	start();
	r = tick_at(0);
	cr_expect_eq(w.scale_calls, 1);
	j = only(1, "scale_out");
	cr_expect_eq(j->before, 1);
	cr_expect_eq(j->after, 4);
	cr_expect_str_eq(j->reason, "above_target");
	cr_expect_str_eq(r->status[0].group, "", "a row alone");
	cr_expect_eq(r->status[0].driver, -1);
	/* the new replicas are not ready yet: the load is still on one */
	tick_at(10);
	/* ready, the load spread: 25 % each, at the setpoint */
	metric(0, "cpu_ratio", 25, 100, 4);
	tick_at(20);
	tick_at(30);
	cr_expect_eq(w.scale_calls, 1, "one decision");
	cr_expect_eq(w.replicas[1], 4);
}

/*
 * stabilize_in 1m: after 1 -> 4 the load falls to what 2, then 3, then
 * 1 replicas carry. No scale-in while a recommendation of 4 is less than
 * a minute old; then to the highest recommendation of the last minute
 * (3), not to the current one (1); then to 1 once the 3 is a minute old.
 */
Test(group, target_scale_in_waits_stabilize_in)
{
	const struct engine_report	*r;
	int				 s;

	target_row(1, "1m");
	metric(0, "cpu_ratio", 100, 100, 1);
	start();
	tick_at(0);
	cr_assert_eq(w.replicas[1], 4);
	metric(0, "cpu_ratio", 25, 100, 4);
	tick_at(10);				/* recommends 4 */
	metric(0, "cpu_ratio", 12.5, 50, 4);	/* needs 2 */
	tick_at(20);
	tick_at(30);
	metric(0, "cpu_ratio", 18.75, 75, 4);	/* needs 3 */
	tick_at(40);
	metric(0, "cpu_ratio", 6.25, 25, 4);	/* needs 1 */
	for (s = 50; s <= 60; s += 10) {
		r = tick_at(s);
		cr_expect_str_eq(r->status[0].reason, "stabilizing", "%ds", s);
	}
	cr_expect_eq(w.scale_calls, 1);
	cr_expect_eq(fake_journal_count(&w, 1, "hold"), 1,
	    "stabilizing, said once");
	r = tick_at(70);		/* the 4 of 10 s is a minute old */
	cr_expect_eq(w.scale_calls, 2);
	cr_expect_eq(w.replicas[1], 3, "the highest of the last minute");
	cr_expect_eq(only(1, "scale_in")->before, 4);
	cr_expect_str_eq(r->status[0].reason, "below_target");
	tick_at(80);
	tick_at(90);
	cr_expect_eq(w.replicas[1], 3, "the 3 of 40 s holds until 100 s");
	tick_at(100);
	cr_expect_eq(w.replicas[1], 1);
	cr_expect_eq(fake_journal_count(&w, 1, "manual"), 0);
}
