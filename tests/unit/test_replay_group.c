/*
 * Unit tests for replay_run_group (scaler/replay.c): several rows for one
 * service replayed as das runs them (tick_group.c, decide_group): each
 * row decides on its own field's load, the group scales out when any row
 * does and in only when every row does, its change is every row's.
 *
 * The setting: threshold rows on a ratio field (capped at 100 per
 * replica), out > 80, in < 20, 1 m windows, step 1, 1..10 replicas;
 * interval = tick = 10 s, start delay 20 s, start 2 replicas, capacity
 * 100, u = 80 % (d = max(1, ceil(L / 80))). Each row reports its own
 * load spread over the ready replicas.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "replay.h"

#define NS_S	INT64_C(1000000000)
#define ORIGIN	(INT64_C(1714564800) * NS_S)

static void
g_policy(struct policy *p, const char *seq, const char *max_no)
{
	struct policy_row	r;
	char			err[256];

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.min_no = "1";
	r.max_no = max_no;
	r.cond_item = "cpu_ratio";
	r.out_cond = "80%";
	r.in_cond = "20%";
	r.out_duration = "1m";
	r.in_duration = "1m";
	r.service_id = "web";
	cr_assert_eq(policy_parse(&r, p, err, sizeof(err)), 0, "%s", err);
}

static struct replay_model
g_model(void)
{
	struct replay_model	m;

	memset(&m, 0, sizeof(m));
	m.interval_ns = m.tick_ns = 10 * NS_S;
	m.start_delay_ns = 20 * NS_S;
	m.demand_util = 0.8;
	m.capacity = 100;
	m.capped = true;
	m.start = 2;
	m.origin_ns = ORIGIN;
	return m;
}

/* n intervals: a first, then b from interval `at` on, c from `at2` on. */
static void
g_load(struct replay_load *l, size_t n, double a, size_t at, double b,
    size_t at2, double c)
{
	size_t	k;

	memset(l, 0, sizeof(*l));
	cr_assert_not_null(l->load = calloc(n, sizeof(*l->load)));
	for (k = 0; k < n; k++)
		l->load[k] = k >= at2 ? c : k >= at ? b : a;
	l->n = n;
	l->interval_ns = 10 * NS_S;
	l->origin_ns = ORIGIN;
}

static struct replay_member
g_member(const struct policy *p, const struct replay_load *l,
    const char *name)
{
	return (struct replay_member){ p, l, 100, true, name };
}

/* Two rows of service "web" (seq 1 and 2, max_no 10), their loads l[]. */
struct grp {
	struct policy		p[2];
	struct replay_load	l[2];
	struct replay_member	mem[2];
	struct replay_result	res;
	char			err[256];
};

/* The rows; the caller fills l[0] and l[1] with g_load. */
static void
g_two(struct grp *g)
{
	memset(g, 0, sizeof(*g));
	g_policy(&g->p[0], "1", "10");
	g_policy(&g->p[1], "2", "10");
	g->mem[0] = g_member(&g->p[0], &g->l[0], "seq 1");
	g->mem[1] = g_member(&g->p[1], &g->l[1], "seq 2");
}

/* replay_run_group over the two rows into g->res (0 or -errno). */
static int
g_run(struct grp *g)
{
	struct replay_model	m = g_model();

	replay_result_free(&g->res);
	return replay_run_group(&m, g->mem, 2, NULL, &g->res, g->err,
	    sizeof(g->err));
}

static void
g_free(struct grp *g)
{
	replay_result_free(&g->res);
	replay_load_free(&g->l[0]);
	replay_load_free(&g->l[1]);
	policy_clear(&g->p[0]);
	policy_clear(&g->p[1]);
}

/*
 * Row 1 (seq 1) carries a steady 90; row 2 (seq 2) 100, then 400 from
 * 300 s, then 10 from 900 s. Alone, row 2 goes out one step a window
 * to 6 (the window that decides 5 -> 6 at 520 s still holds a sample
 * spread over 4: mean 82.8 > 80) and back one step a window to 1 (10
 * spread is < 20 at any count): 4 + 5 actions. In the group row 1 is in
 * band while row 2 scales out (90 / 2 = 45 ... 90 / 5 = 18 comes only
 * with 5 ready, and the out side wins), so the group follows row 2 there,
 * driven by it; after the drop row 1 agrees to scale in only while its
 * own value is < 20: at 6, 15 and at 5, 18 (in, step 1), at 4, 22.5 (in
 * band): the group stops at 4, where row 2 alone goes on to 1.
 */
Test(replay_group, scales_out_on_any_row_and_in_only_when_all_agree)
{
	struct replay_model	m = g_model();
	struct replay_result	alone, *grp;
	struct grp		g;
	size_t			i, outs = 0, ins = 0;

	g_two(&g);
	g_load(&g.l[0], 180, 90, 180, 90, 180, 90);
	g_load(&g.l[1], 180, 100, 30, 400, 90, 10);
	cr_assert_eq(replay_run(&m, &g.l[1], &g.p[1], NULL, &alone, g.err,
	    sizeof(g.err)), 0, "%s", g.err);
	cr_expect_eq(alone.das.final_replicas, 1);
	cr_assert_eq(g_run(&g), 0, "%s", g.err);
	grp = &g.res;
	cr_assert_eq(grp->nmembers, 2);
	cr_assert_not_null(grp->names);
	cr_expect_str_eq(grp->names[1], "seq 2");
	cr_assert_eq(grp->nrows, alone.nrows);
	for (i = 0; i < grp->nrows; i++) {
		/* up to the drop, the group is row 2 alone */
		if (grp->rows[i].t_ns < 900 * NS_S)
			cr_expect_eq(grp->rows[i].replicas,
			    alone.rows[i].replicas, "t %lld",
			    (long long)(grp->rows[i].t_ns / NS_S));
		if (strcmp(grp->rows[i].action, "scale_out") == 0) {
			outs++;
			cr_expect_eq(grp->rows[i].driver, 1, "driven by seq 2");
		}
		if (strcmp(grp->rows[i].action, "scale_in") == 0) {
			ins++;
			cr_expect_geq(grp->rows[i].replicas, 4);
		}
	}
	cr_expect_eq(outs, 4, "2 -> 3 -> 4 -> 5 -> 6");
	cr_expect_eq(ins, 2, "6 -> 5 -> 4 only");
	cr_expect_eq(grp->das.final_replicas, 4);
	cr_expect_eq(alone.das.actions, 4 + 5);
	replay_result_free(&alone);
	g_free(&g);
}

/*
 * Demand is the most demanding row's: row 1's 400 needs ceil(400 / 80) =
 * 5 replicas, row 2's 90 needs 2; the timeline's load is row 1's.
 */
Test(replay_group, demand_is_the_most_demanding_rows)
{
	struct grp	g;

	g_two(&g);
	g_load(&g.l[0], 30, 90, 30, 90, 30, 90);
	g_load(&g.l[1], 30, 400, 30, 400, 30, 400);
	cr_assert_eq(g_run(&g), 0, "%s", g.err);
	cr_assert_gt(g.res.nrows, 0);
	cr_expect_eq(g.res.rows[0].demand, 5);
	cr_expect_float_eq(g.res.rows[0].load, 90, 1e-9);
	/* started at --start 2 < 5: under-provisioned at first */
	cr_expect_gt(g.res.das.theta_u, 0);
	g_free(&g);
}

/* Rows with different bounds are no group (das makes them invalid). */
Test(replay_group, rows_with_different_bounds_are_refused)
{
	struct grp	g;

	g_two(&g);
	g.p[1].max_no = 5;
	g_load(&g.l[0], 30, 90, 30, 90, 30, 90);
	g_load(&g.l[1], 30, 90, 30, 90, 30, 90);
	cr_expect_eq(g_run(&g), -EINVAL);
	cr_expect(strstr(g.err, "same bounds") != NULL, "%s", g.err);
	/* loads over different spans */
	replay_load_free(&g.l[1]);
	g_load(&g.l[1], 20, 90, 20, 90, 20, 90);
	g.p[1].max_no = 10;
	cr_expect_eq(g_run(&g), -EINVAL);
	cr_expect(strstr(g.err, "different spans") != NULL, "%s", g.err);
	g_free(&g);
}

/*
 * A paused row of a group takes no part while another row acts, as in
 * das (decide_group): row 2's 400 would scale out, but it is paused and
 * row 1's 90 is in band, so the group holds at 2. Every row paused: the
 * group is replayed as if they acted (a row alone is), and row 2 drives.
 */
Test(replay_group, a_paused_row_takes_no_part)
{
	struct grp	g;

	g_two(&g);
	g.p[1].enabled = false;
	g_load(&g.l[0], 60, 90, 60, 90, 60, 90);
	g_load(&g.l[1], 60, 400, 60, 400, 60, 400);
	cr_assert_eq(g_run(&g), 0, "%s", g.err);
	cr_expect_eq(g.res.das.actions, 0);
	cr_expect_eq(g.res.das.final_replicas, 2);
	g.p[0].enabled = false;
	cr_assert_eq(g_run(&g), 0, "%s", g.err);
	cr_expect_gt(g.res.das.actions, 0);
	cr_expect_gt(g.res.das.final_replicas, 2);
	g_free(&g);
}
