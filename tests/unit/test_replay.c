/*
 * Unit tests for replay_run (scaler/replay.c): das's decisions on a load,
 * under the model of replay.h, at the times decide.h's rules predict, and
 * the scores, each expectation derived by hand in the comment above it.
 *
 * The common setting unless a test says otherwise: cpu_ratio (capped at
 * 100 per replica), out > 80, in < 20, 1 m windows (cooldowns default to
 * the windows), step 1, 1..10 replicas; interval = tick = 10 s, start
 * delay 20 s, capacity 100, u = 80 % (so d = max(1, ceil(L / 80))).
 *
 * Facts every derivation below uses:
 *   - load[k] is sampled at (k+1)·10 s; a tick at t sees the samples at
 *     t and before. Each ready replica reports L/ready (capped at 100) and
 *     the window mean weights an instant by its ready replicas, so an
 *     uncapped instant adds L to the sum and `ready` to the count.
 *   - A window (t − 60, t] holds the instants t−50 .. t. Coverage needs
 *     the oldest at or before t − 60 + 12.5 (1.25 intervals of slack,
 *     DECIDE_START_SLACK_QUARTERS): with samples from 10 s on, t = 50
 *     (oldest 10 > 2.5) is not covered, the first covered tick is t = 60
 *     (oldest 10 <= 12.5): the first decision uses the full window.
 *   - After a change at c, a direction acts again no sooner than
 *     max(c + W, c + cooldown) = c + 60 (window_after_change, cooldown).
 *   - A replica added at c is ready at c + 20; a sample at c + 20 sees it.
 *   - Capacity and target modes count only the ready replicas
 *     (winagg_ready): those that reported at every instant of the window
 *     but one, i.e. at >= 5 of the 6 instants t−50 .. t. A replica ready
 *     at c + 20 counts from the tick at c + 60 (instants c+20 .. c+60), and
 *     carries the mean of what it reported, the instants' own values.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpa.h"
#include "policy.h"
#include "replay.h"

#define NS_S	INT64_C(1000000000)
#define ORIGIN	(INT64_C(1714564800) * NS_S)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define EPS	1e-9

/*
 * Parse the common policy with spec's "col=value,..." over it ("col="
 * makes the column NULL), as dasctl replay --set does.
 */
static void
t_policy(struct policy *p, const char *spec)
{
	struct policy_row	 r;
	const char		**slot;
	char			*text, *pair, *eq, *save = NULL, err[256];
	int			 rc;

	memset(&r, 0, sizeof(r));
	r.seq = "1";
	r.min_no = "1";
	r.max_no = "10";
	r.cond_item = "cpu_ratio";
	r.out_cond = "80%";
	r.in_cond = "20%";
	r.out_duration = "1m";
	r.in_duration = "1m";
	r.service_id = "web";
	cr_assert_not_null(text = strdup(spec));
	for (pair = strtok_r(text, ",", &save); pair != NULL;
	    pair = strtok_r(NULL, ",", &save)) {
		cr_assert_not_null(eq = strchr(pair, '='), "%s", pair);
		*eq = '\0';
		cr_assert_not_null(slot = policy_row_column(&r, pair), "%s",
		    pair);
		*slot = eq[1] != '\0' ? eq + 1 : NULL;
	}
	rc = policy_parse(&r, p, err, sizeof(err));
	free(text);
	cr_assert_eq(rc, 0, "%s: %s", spec, err);
}

static struct replay_model
t_model(int start)
{
	struct replay_model	m;

	memset(&m, 0, sizeof(m));
	m.interval_ns = 10 * NS_S;
	m.tick_ns = 10 * NS_S;
	m.start_delay_ns = 20 * NS_S;
	m.demand_util = 0.8;
	m.capacity = 100;
	m.capped = true;
	m.start = start;
	m.origin_ns = ORIGIN;
	return m;
}

/* A piece of load: n intervals of 10 s at value v. */
struct seg {
	size_t	n;
	double	v;
};

static void
t_load(struct replay_load *l, const struct seg *s, size_t nseg)
{
	size_t	i, j, k = 0;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < nseg; i++)
		l->n += s[i].n;
	cr_assert_not_null(l->load = calloc(l->n, sizeof(*l->load)));
	for (i = 0; i < nseg; i++)
		for (j = 0; j < s[i].n; j++)
			l->load[k++] = s[i].v;
	l->interval_ns = 10 * NS_S;
	l->origin_ns = ORIGIN;
}

static void
t_run(const struct replay_model *m, const struct seg *s, size_t nseg,
    const struct policy *p, const struct hpa_params *peer,
    struct replay_result *res)
{
	struct replay_load	l;
	char			err[256];

	t_load(&l, s, nseg);
	cr_assert_eq(replay_run(m, &l, p, peer, res, err, sizeof(err)), 0,
	    "%s", err);
	replay_load_free(&l);
}

/* One change of das's count: at tick t (s), to `replicas`. */
struct step {
	int	t;
	int	replicas;
	const char *action;
};

/* The rows where the decided count changes are exactly want[]. */
static void
t_steps(const struct replay_result *res, const struct step *want, size_t n)
{
	size_t	i, k = 0;
	int	prev = res->start;

	for (i = 0; i < res->nrows; i++) {
		if (res->rows[i].replicas == prev)
			continue;
		prev = res->rows[i].replicas;
		cr_assert_lt(k, n, "unexpected change at %lld s to %d",
		    (long long)(res->rows[i].t_ns / NS_S), prev);
		cr_expect_eq(res->rows[i].t_ns, want[k].t * NS_S,
		    "change %zu at %lld s, want %d s", k,
		    (long long)(res->rows[i].t_ns / NS_S), want[k].t);
		cr_expect_eq(prev, want[k].replicas, "change %zu to %d, want "
		    "%d", k, prev, want[k].replicas);
		cr_expect_str_eq(res->rows[i].action, want[k].action,
		    "change %zu", k);
		k++;
	}
	cr_expect_eq(k, n, "%zu changes, want %zu", k, n);
}

/* The row of the tick at t seconds. */
static const struct replay_row *
t_row(const struct replay_result *res, int t)
{
	/* ticks at 10, 20, ...: row i is the tick at (i + 1) · 10 s */
	cr_assert_geq(t, 10);
	cr_assert_leq((size_t)(t / 10), res->nrows);
	cr_assert_eq(res->rows[t / 10 - 1].t_ns, t * NS_S);
	return &res->rows[t / 10 - 1];
}

/*
 * 140 units from 2 replicas: each reports 70, inside (20, 80]. The first
 * five ticks (10..50 s) lack coverage (hold, no_data: at 50 the oldest
 * sample, 10, is past 50 − 60 + 12.5); from 60 s every tick is steady,
 * in_band, value 70; nothing ever acts. d = ceil(140/80)
 * = 2 = s: θU = θO = τU = τO = 0, nothing dropped (140 <= 200). Three
 * hours: 1080 intervals, T = 10800 s, ticks at 10..10790 s (1079 rows),
 * replica-hours 2 × 3 = 6.
 */
Test(replay, constant_load_settles_and_never_acts)
{
	static const struct seg	load[] = { { 1080, 140 } };
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct policy		p;
	size_t			i;

	t_policy(&p, "");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_expect_eq(res.start, 2);
	cr_expect_eq(res.span_ns, 10800 * NS_S);
	cr_assert_eq(res.nrows, 1079);
	for (i = 0; i < res.nrows; i++) {
		cr_expect_eq(res.rows[i].t_ns, (int64_t)(i + 1) * 10 * NS_S);
		cr_expect_eq(res.rows[i].replicas, 2);
		cr_expect_eq(res.rows[i].ready, 2);
		cr_expect_eq(res.rows[i].demand, 2);
		cr_expect_eq(res.rows[i].load, 140.0);
		if (i < 5) {
			cr_expect_str_eq(res.rows[i].action, "hold", "row %zu",
			    i);
			cr_expect_str_eq(res.rows[i].reason, "no_data");
		} else {
			cr_expect_str_eq(res.rows[i].action, "steady",
			    "row %zu", i);
			cr_expect_str_eq(res.rows[i].reason, "in_band");
			cr_expect_eq(res.rows[i].value, 70.0);
		}
	}
	cr_expect_eq(res.das.actions, 0);
	cr_expect_eq(res.das.reversals, 0);
	cr_expect_eq(res.das.theta_u, 0.0);
	cr_expect_eq(res.das.theta_o, 0.0);
	cr_expect_eq(res.das.tau_u, 0.0);
	cr_expect_eq(res.das.tau_o, 0.0);
	cr_expect_eq(res.das.dropped_pct, 0.0);
	cr_expect_float_eq(res.das.replica_hours, 6.0, EPS);
	cr_expect_eq(res.das.longest_under_ns, 0);
	cr_expect_eq(res.das.final_replicas, 2);
	cr_expect(!res.has_peer);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * Exactly on the band's edges, from 2 replicas: 160 units report 80 (not
 * > 80) and 40 units report 20 (not < 20): both settle, nothing acts.
 * 160: d = ceil(160/80) = 2 = s, all scores 0. 40: d = ceil(0.5) = 1,
 * s = 2 all the time: θO = 100 × (2−1)/1 = 100, τO = 100, θU = τU = 0.
 * One hour: replica-hours 2.
 */
Test(replay, load_on_the_band_edges_settles)
{
	static const struct seg	hi[] = { { 360, 160 } };
	static const struct seg	lo[] = { { 360, 40 } };
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct policy		p;

	t_policy(&p, "");
	t_run(&m, hi, NITEMS(hi), &p, NULL, &res);
	cr_expect_eq(res.das.actions, 0);
	cr_expect_str_eq(res.rows[res.nrows - 1].reason, "in_band");
	cr_expect_eq(res.rows[res.nrows - 1].value, 80.0);
	cr_expect_eq(res.das.theta_u, 0.0);
	cr_expect_eq(res.das.theta_o, 0.0);
	cr_expect_float_eq(res.das.replica_hours, 2.0, EPS);
	replay_result_free(&res);

	t_run(&m, lo, NITEMS(lo), &p, NULL, &res);
	cr_expect_eq(res.das.actions, 0);
	cr_expect_str_eq(res.rows[res.nrows - 1].reason, "in_band");
	cr_expect_eq(res.rows[res.nrows - 1].value, 20.0);
	cr_expect_eq(res.das.theta_u, 0.0);
	cr_expect_float_eq(res.das.theta_o, 100.0, EPS);
	cr_expect_eq(res.das.tau_u, 0.0);
	cr_expect_float_eq(res.das.tau_o, 100.0, EPS);
	cr_expect_eq(res.das.final_replicas, 2);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * A step up and a step down, from 2 replicas. Load: 140 on [0, 300)
 * (k 0..29), 380 on [300, 600) (k 30..59), 50 on [600, 1200).
 *
 * Up. From 310 s each replica of 2 reports 380/2 → 100 (capped). The
 * out window (t−60, t] mean, 70s and 100s of weight 2:
 *   310: (5·70 + 100)/6 = 75; 320: (4·70 + 2·100)/6 = 80, not > 80;
 *   330: 85 > 80, never changed: scale_out 2→3 at 330 (ready 350).
 *   340..380: out fires (≥ 90) but 330 + 60 > t: hold window_after_change.
 *   390: (330, 390] all 100 (340: 2 ready, 350..: 380/3 → 100): 3→4
 *        (ready 410; from 410 each of 4 reports 95).
 *   450: 400 is 100, 410..450 are 95: 4→5 (ready 470; 5 report 76).
 *   460..500: the window still holds 95s: 500: (450 and 460 at 380/4,
 *        470..500 at 380/5) = 6·380 / (2·4 + 4·5) = 81.4 > 80, hold.
 *   510: (460 at weight 4, 470..510 at weight 5) = 2280/29 = 78.6: steady,
 *        and from 520 all 76: steady. d = ceil(380/80) = 5 = s.
 * Down. From 610 each of 5 reports 50/5 = 10. The in mean (all weight 5)
 *   with j low samples is (76(6−j) + 10j)/6 < 20 only for j = 6: 660,
 *   (660 − 60 >= 450): scale_in 5→4 at 660 (12.5 each from 670);
 *   720: all 12.5: 4→3 (16.7 each); 780: all 16.7: 3→2 (25 each, in
 *   band from then on: steady to the end).
 * Actions 6, reversals 1 (the first scale_in after a scale_out).
 *
 * Scores, T = 1200 s. Ready: 2 [0,350) 3 [350,410) 4 [410,470)
 * 5 [470,660) 4 [660,720) 3 [720,780) 2 [780,1200); demand: 2 [0,300)
 * 5 [300,600) 1 [600,1200).
 *   under: [300,350) 3/5·50 = 30, [350,410) 2/5·60 = 24, [410,470)
 *     1/5·60 = 12: θU = 100·66/1200 = 5.5, τU = 100·170/1200, longest
 *     170 s.
 *   over: [600,660) 4·60, [660,720) 3·60, [720,780) 2·60, [780,1200)
 *     1·420 = 960: θO = 80, τO = 100·600/1200 = 50.
 *   dropped: (380−200)·50 + (380−300)·60 = 13800 of ΣL = 140·300 +
 *     380·300 + 50·600 = 186000: 7.419...%.
 *   replica-hours (decided): 2·330 + 3·60 + 4·60 + 5·210 + 4·60 + 3·60
 *     + 2·420 = 3390 s.
 */
Test(replay, load_step_reacts_when_decide_h_says)
{
	static const struct seg	load[] = { { 30, 140 }, { 30, 380 },
	    { 60, 50 } };
	static const struct step want[] = {
		{ 330, 3, "scale_out" }, { 390, 4, "scale_out" },
		{ 450, 5, "scale_out" }, { 660, 4, "scale_in" },
		{ 720, 3, "scale_in" }, { 780, 2, "scale_in" },
	};
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct policy		p;
	const struct replay_row	*w;
	int			t;

	t_policy(&p, "");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_assert_eq(res.nrows, 119);
	t_steps(&res, want, NITEMS(want));

	cr_expect_eq(t_row(&res, 310)->value, 75.0);
	cr_expect_str_eq(t_row(&res, 320)->reason, "in_band");
	cr_expect_eq(t_row(&res, 320)->value, 80.0);
	w = t_row(&res, 330);
	cr_expect_eq(w->value, 85.0);
	cr_expect_str_eq(w->reason, "above_out");
	cr_expect_eq(w->ready, 2);
	cr_expect_eq(w->replicas, 3);
	for (t = 340; t < 390; t += 10)
		cr_expect_str_eq(t_row(&res, t)->reason,
		    "window_after_change", "%d", t);
	cr_expect_eq(t_row(&res, 340)->ready, 2);
	cr_expect_eq(t_row(&res, 350)->ready, 3);
	cr_expect_str_eq(t_row(&res, 500)->reason, "window_after_change");
	cr_expect_str_eq(t_row(&res, 510)->reason, "in_band");
	cr_expect_float_eq(t_row(&res, 510)->value, 2280.0 / 29, EPS);
	cr_expect_str_eq(t_row(&res, 650)->reason, "in_band");
	w = t_row(&res, 660);
	cr_expect_str_eq(w->reason, "below_in");
	cr_expect_eq(w->value, 10.0);
	cr_expect_eq(w->ready, 4);	/* a removed one leaves at once */
	cr_expect_eq(t_row(&res, 1190)->replicas, 2);
	cr_expect_str_eq(t_row(&res, 1190)->reason, "in_band");
	cr_expect_eq(t_row(&res, 1190)->value, 25.0);

	cr_expect_eq(res.das.actions, 6);
	cr_expect_eq(res.das.reversals, 1);
	cr_expect_eq(res.das.final_replicas, 2);
	cr_expect_float_eq(res.das.theta_u, 5.5, EPS);
	cr_expect_float_eq(res.das.tau_u, 100.0 * 170 / 1200, EPS);
	cr_expect_eq(res.das.longest_under_ns, 170 * NS_S);
	cr_expect_float_eq(res.das.theta_o, 80.0, EPS);
	cr_expect_float_eq(res.das.tau_o, 50.0, EPS);
	cr_expect_float_eq(res.das.dropped_pct, 100.0 * 13800 / 186000, EPS);
	cr_expect_float_eq(res.das.replica_hours, 3390.0 / 3600, EPS);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * Out, in, in, out, out: reversals count the direction changing between
 * consecutive actions (2 here). Load 200 on [0,120), 20 on [120,300),
 * 200 on [300,480); start 2.
 *   60 (the first covered tick): 200/2 = 100 everywhere: 2→3 (ready 80;
 *     66.7 each from the sample at 80).
 *   70..90: the out mean is over 80 (90: (4·200 + 2·200)/(8 + 6) = 85.7)
 *     but 60 + 60 > t: hold, window_after_change. 100: 1200/15 = 80, not
 *     > 80; 110: 1200/16 = 75; 120: (200 + 5·200)/(2 + 15) = 70.6:
 *     steady. From 130 each of 3 reports 6.67: in mean = ΣL/18 < 20
 *     needs ΣL < 360: 170 (one 200, five 20s: 300; 170 − 60 >= 60): 3→2
 *     (the same tick as when the first change came at 50). 230: all
 *     10: 2→1 (230 − 60 = 170 is not before the change). 1 replica
 *     reports 20: not < 20, steady.
 *   From 310 the one replica reports 200 → 100: (20(6−j) + 100j)/6 > 80
 *     for j >= 5: 350: 1→2 (ready 370). 410: all 100: 2→3 (ready 430).
 *   470: 420 at 200/2 (weight 2), 430..470 at 200/3: 1200/17 = 70.6.
 */
Test(replay, reversals_count_direction_changes)
{
	static const struct seg	load[] = { { 12, 200 }, { 18, 20 },
	    { 18, 200 } };
	static const struct step want[] = {
		{ 60, 3, "scale_out" }, { 170, 2, "scale_in" },
		{ 230, 1, "scale_in" }, { 350, 2, "scale_out" },
		{ 410, 3, "scale_out" },
	};
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct policy		p;

	t_policy(&p, "");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	t_steps(&res, want, NITEMS(want));
	cr_expect_eq(res.das.actions, 5);
	cr_expect_eq(res.das.reversals, 2);
	cr_expect_str_eq(t_row(&res, 50)->reason, "no_data");
	cr_expect_str_eq(t_row(&res, 90)->reason, "window_after_change");
	cr_expect_eq(t_row(&res, 100)->value, 80.0);
	cr_expect_str_eq(t_row(&res, 100)->reason, "in_band");
	cr_expect_float_eq(t_row(&res, 120)->value, 1200.0 / 17, EPS);
	cr_expect_str_eq(t_row(&res, 290)->reason, "in_band");
	cr_expect_eq(t_row(&res, 290)->value, 20.0);
	cr_expect_float_eq(t_row(&res, 470)->value, 1200.0 / 17, EPS);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * Capacity mode, as decide.h specifies it: capacity 80 (% per replica),
 * 1 m windows (in_duration and both cooldowns default to 1 m). The
 * replay knows the ready replicas (ready_known), so demand = ready_total
 * + min_available: the sum of the means of the replicas that reported at
 * >= 5 of the window's 6 instants, each over the instants they all
 * covered (winagg.h), not v × replicas.
 *
 * At the right count it holds: 140 from the default start (mean 140 →
 * d = 2): from 60 (the first covered tick) both replicas, ready since
 * before 0, report 70 at every instant: ready_total 140, desired
 * ceil(140/80) = 2: neither grows nor shrinks, nothing acts (steady,
 * in_band: "capacity" names a move only), value = demand = 140.
 *
 * From 1 replica under 360 units with step_out 10 it climbs one replica
 * per window: the cap hides the load (a replica reports at most 100), so
 * desired = ceil(ready·100/80) = r + 1 for r <= 3, whatever the step;
 * a replica added at c (ready c + 20) counts from c + 60, when the window
 * after the change is whole (window_after_change and cooldown allow it):
 *   60 (first covered): 1 replica at 100: ready_total 100, desired 2:
 *     1→2 (ready 80; from 80 each of 2 reports 180 → 100).
 *   120: the old replica 100 × 6, the new one 100 at 80..120 (5 of 6,
 *     counted): 200, desired ceil(2.5) = 3: 2→3 (ready 140).
 *   180: 3 × 100 (the new one at 140..180): 300, desired ceil(3.75) = 4:
 *     3→4 (ready 200; each of 4 reports 90 from 200).
 *   240: the new one counts (200..240), so all 4 are measured from 200:
 *     90 each (the old ones' 100 at 190 came before the load was spread
 *     over 4): 360, desired ceil(4.5) = 5: 4→5 (ready 260; each of 5
 *     reports 72 from 260).
 *   250..290: 290: the 4 older ones (90, 90, 72 × 4) 78 each, the new one
 *     only 4 instants (260..290), not counted: 312, desired ceil(3.9) = 4:
 *     the in side fires, but 290 − 60 < 240: hold, window_after_change.
 *   300: the new one counts (260..300): all 5 from 260, 72 each: 360,
 *     desired ceil(4.5) = 5 = r: steady, and so to the end.
 * (The old rules, v × replicas and the 2-interval slack, acted at 50,
 * 110, 170, 230, one tick earlier each, 230's demand 4 · 2100/23.)
 */
Test(replay, capacity_mode_on_a_constant_load)
{
	static const struct seg	c140[] = { { 360, 140 } };
	static const struct seg	c360[] = { { 120, 360 } };
	static const struct step want[] = {
		{ 60, 2, "scale_out" }, { 120, 3, "scale_out" },
		{ 180, 4, "scale_out" }, { 240, 5, "scale_out" },
	};
	struct replay_model	m = t_model(-1);
	struct replay_result	res;
	struct policy		p;
	const struct replay_row	*w;

	t_policy(&p, "mode=capacity,capacity=80%,out_cond=,in_cond=,"
	    "in_duration=");
	t_run(&m, c140, NITEMS(c140), &p, NULL, &res);
	cr_expect_eq(res.start, 2);
	cr_expect_eq(res.das.actions, 0);
	cr_expect_str_eq(res.rows[res.nrows - 1].action, "steady");
	cr_expect_str_eq(res.rows[res.nrows - 1].reason, "in_band");
	cr_expect_eq(res.rows[res.nrows - 1].value, 140.0);
	replay_result_free(&res);
	policy_clear(&p);

	t_policy(&p, "mode=capacity,capacity=80%,out_cond=,in_cond=,"
	    "in_duration=,step_out=10");
	m.start = 1;
	t_run(&m, c360, NITEMS(c360), &p, NULL, &res);
	cr_expect_eq(res.start, 1);
	t_steps(&res, want, NITEMS(want));
	cr_expect_str_eq(t_row(&res, 50)->reason, "no_data");
	cr_expect_float_eq(t_row(&res, 60)->value, 100.0, EPS);
	cr_expect_float_eq(t_row(&res, 120)->value, 200.0, EPS);
	cr_expect_float_eq(t_row(&res, 180)->value, 300.0, EPS);
	w = t_row(&res, 240);
	cr_expect_float_eq(w->value, 360.0, EPS);
	cr_expect_str_eq(w->reason, "capacity");
	w = t_row(&res, 290);
	cr_expect_str_eq(w->action, "hold");
	cr_expect_str_eq(w->reason, "window_after_change");
	cr_expect_float_eq(w->value, 312.0, EPS);
	w = t_row(&res, 300);
	cr_expect_str_eq(w->action, "steady");
	cr_expect_float_eq(w->value, 360.0, EPS);
	cr_expect_eq(t_row(&res, 1190)->value, 360.0);
	cr_expect_eq(res.das.final_replicas, 5);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * Target mode (decide.h), the policy of the next tests: setpoint 70 %,
 * out_duration 1 m (in_duration defaults to it), and target mode's
 * defaults: tolerance 10 %, max_step_out max(4, 100 % of the count),
 * stabilize_in 5 m, no stabilize_out, no cooldowns; 1..max replicas.
 * The replay's model is uncapped here (m.capped false): a replica
 * reports its whole share L / ready, so a 4× load is 4× per replica.
 *
 * The rules the derivations use, at a tick t (window instants t−50..t):
 *   - the ready replicas: those that reported at >= 5 of the 6 instants
 *     (one added at c, ready at c + 20, counts from the tick at c + 60);
 *     each carries the mean of the instants' values it reported. total =
 *     their sum, mean = total / their number.
 *   - desired = ceil(total / 70). Out fires when desired > r and the mean
 *     is above 70 by more than 10 % (> 77); in fires when desired < r and
 *     the mean is below 70 by more than 10 % (< 63). The mean on the
 *     other side of 70 blocks a direction (a mean over 70 never scales in).
 *   - out goes to desired, at most r + max(4, r), at once: no
 *     window_after_change, no cooldown for a target scale-out.
 *   - in goes to desired, but not before 60 s after the last change
 *     (window_after_change) and no lower than the highest recommendation
 *     of the last 5 m (this tick's and those of the ticks in (t − 300, t];
 *     a tick where nothing fires recommends the count it has).
 */
static void
t_target(struct policy *p, const char *more)
{
	char	spec[256];

	snprintf(spec, sizeof(spec), "mode=target,setpoint=70%%,out_cond=,"
	    "in_cond=,in_duration=,max_no=30%s%s", more[0] ? "," : "", more);
	t_policy(p, spec);
}

/*
 * A 4× load step: 5 replicas at 350 (70 each: on the setpoint), 1400
 * from 300 s (k 30..89), T = 900 s. 1400 needs ceil(1400/70) = 20.
 *   10..50: no_data; 60..300: 5 × 70 = 350, desired 5: steady, value 70.
 * From 310 each ready replica reports 1400/ready; ready at the samples
 * (from the changes below): 310, 320: 5 (280); 330: 8 (175); 340: 10
 * (140); 350: 12 (116.67); 360, 370: 13 (107.69); 380: 14 (100); 390: 15
 * (93.33); 400: 17 (82.35); 410 on: 19 (73.68). A replica counts once 5
 * of the window's 6 instants are its own (first instant <= t − 40), and
 * every counted one is measured from the latest first instant of them
 * (winagg.h), so "n × m": n counted replicas of mean m over that span.
 *   310: 5 × (5·70 + 280)/6 = 105 (50 % over): 525, desired ceil(7.5) =
 *        8; the step allows 5 + 5: 5→8 (ready 330).
 *   320: the 3 new ones have no sample yet: 5 × (4·70 + 2·280)/6 = 140:
 *        700, desired 10 (8 + 8 allowed): 8→10, the tick after the change
 *        (ready 340).
 *   330: 5 × (3·70 + 560 + 175)/6 = 157.5: 787.5 → ceil(11.25) = 12:
 *        10→12 (ready 350).
 *   340: 5 × (2·70 + 560 + 175 + 140)/6 = 169.17: 845.8 → ceil(12.08) =
 *        13: 12→13 (ready 360).
 *   350: 5 × (70 + 560 + 175 + 140 + 116.67)/6 = 176.94: 884.7 →
 *        ceil(12.64) = 13 = r: steady.
 *   360: 5 × (560 + 175 + 140 + 116.67 + 107.69)/6 = 183.23 (the 3 ready
 *        at 330 have 4 instants): 916.1 → ceil(13.09) = 14: 13→14 (ready
 *        380).
 *   370: the 3 ready at 330 count (330..370): all 8 over 330..370, (175 +
 *        140 + 116.67 + 2·107.69)/5 = 129.41: 1035.3 → ceil(14.79) = 15:
 *        14→15 (ready 390). Measured over its own instants, an old
 *        replica would have added the 280 at 320, before the load was
 *        spread over the new ones: 1160.8 → 17, two more than the load.
 *   380: 10 from 340: (140 + 116.67 + 2·107.69 + 100)/5 = 114.41: 1144.1
 *        → ceil(16.34) = 17: 15→17 (ready 400).
 *   390: 12 from 350: (116.67 + 2·107.69 + 100 + 93.33)/5 = 105.08:
 *        1260.9 → ceil(18.01) = 19: 17→19 (ready 410).
 *   400: 13 from 360: (2·107.69 + 100 + 93.33 + 82.35)/5 = 98.21: 1276.8
 *        → ceil(18.24) = 19 = r: steady.
 *   410: 13 from 360 (the one ready at 380 has 4 instants): 94.13: 1223.6
 *        → 18 < 19, but the mean is over 70: the in side does not fire:
 *        steady. 420: 14 from 380: 84.61: 1184.6 → 17: steady, the same.
 *   430: 15 from 390: (93.33 + 82.35 + 3·73.68)/5 = 79.35: 1190.2 → 18:
 *        steady. 440: 17 from 400: 75.42: 1282.1 → 19 = r: steady.
 *   450: 19 from 410: 73.68 each, 1400 → ceil(20) = 20, but 73.68 is
 *        within 10 % of 70 (5.3 % over): steady, and so to the end
 *        (in_band, value 73.68).
 * The window's mean lags the step, so max_step_out never binds here (the
 * next test makes it), and the count never passes what the load needs at
 * the setpoint, 20. Actions 8, reversals 0. Ready: 5 [0,330) 8 [330,340)
 * 10 [340,350) 12 [350,360) 13 [360,380) 14 [380,390) 15 [390,400) 17
 * [400,410) 19 [410,900); demand ceil(L/80): 5 [0,300), 18 from 300:
 * under-provisioned [300,410), 110 s (19 ready at 410).
 */
Test(replay, target_mode_follows_a_4x_step)
{
	static const struct seg	load[] = { { 30, 350 }, { 60, 1400 } };
	static const struct step want[] = {
		{ 310, 8, "scale_out" }, { 320, 10, "scale_out" },
		{ 330, 12, "scale_out" }, { 340, 13, "scale_out" },
		{ 360, 14, "scale_out" }, { 370, 15, "scale_out" },
		{ 380, 17, "scale_out" }, { 390, 19, "scale_out" },
	};
	static const int steady[] = { 350, 400, 410, 420, 430, 440 };
	struct replay_model	m = t_model(5);
	struct replay_result	res;
	struct policy		p;
	const struct replay_row	*w;
	size_t			i;

	m.capped = false;
	t_target(&p, "");
	cr_assert_eq(p.mode, POLICY_MODE_TARGET);
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_expect_eq(res.start, 5);
	t_steps(&res, want, NITEMS(want));
	cr_expect_str_eq(t_row(&res, 50)->reason, "no_data");
	w = t_row(&res, 60);
	cr_expect_str_eq(w->action, "steady");
	cr_expect_eq(w->value, 70.0);
	w = t_row(&res, 310);
	cr_expect_str_eq(w->reason, "above_target");
	cr_expect_eq(w->value, 105.0);
	cr_expect_eq(w->ready, 5);
	cr_expect_float_eq(t_row(&res, 320)->value, 140.0, EPS);
	cr_expect_float_eq(t_row(&res, 330)->value, 157.5, EPS);
	cr_expect_eq(t_row(&res, 330)->ready, 8);
	for (i = 0; i < NITEMS(steady); i++)
		cr_expect_str_eq(t_row(&res, steady[i])->action, "steady",
		    "%d", steady[i]);
	cr_expect_float_eq(t_row(&res, 370)->value, 1035.2821 / 8, 1e-4);
	cr_expect_float_eq(t_row(&res, 430)->value, 1190.2167 / 15, 1e-4);
	cr_expect_eq(t_row(&res, 450)->ready, 19);
	w = t_row(&res, 890);
	cr_expect_str_eq(w->reason, "in_band");
	cr_expect_float_eq(w->value, 1400.0 / 19, EPS);
	cr_expect_eq(res.das.actions, 8);
	cr_expect_eq(res.das.reversals, 0);
	cr_expect_eq(res.das.final_replicas, 19);
	cr_expect_eq(res.das.longest_under_ns, 110 * NS_S);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * max_step_out binds on a 20× step: 5 at 350, then 7000 (needs 100 =
 * max_no). Uncapped, each of 5 reports 1400 from 310.
 *   310: 5 × (5·70 + 1400)/6 = 291.67: 1458.3 → ceil(20.8) = 21, but at
 *        most 5 + max(4, 5) = 10: 5→10 (ready 330).
 *   320: 5 × (4·70 + 2·1400)/6 = 513.33: 2566.7 → 37, at most 10 + 10:
 *        10→20.
 *   330: (10 ready: 700 each) 5 × (3·70 + 2800 + 700)/6 = 618.33: 3091.7
 *        → ceil(44.2) = 45, at most 20 + 20: 20→40.
 * It ends at 96, not 100: 7000 over 96 is 72.9 each, within 10 % of 70.
 * With max_step_out=3 it adds 3 a tick: 5→8, 8→11 (desired 21, 37),
 * 11→14 (330: 8 ready, 875 each: 5 × (210 + 2800 + 875)/6 → 47).
 */
Test(replay, target_mode_max_step_out)
{
	static const struct seg	load[] = { { 30, 350 }, { 30, 7000 } };
	struct replay_model	m = t_model(5);
	struct replay_result	res;
	struct policy		p;

	m.capped = false;
	t_target(&p, "max_no=100");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_expect_eq(t_row(&res, 300)->replicas, 5);
	cr_expect_eq(t_row(&res, 310)->replicas, 10);
	cr_expect_float_eq(t_row(&res, 310)->value, 1750.0 / 6, EPS);
	cr_expect_eq(t_row(&res, 320)->replicas, 20);
	cr_expect_eq(t_row(&res, 330)->replicas, 40);
	cr_expect_eq(res.das.final_replicas, 96);
	replay_result_free(&res);
	policy_clear(&p);

	t_target(&p, "max_no=100,max_step_out=3");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_expect_eq(t_row(&res, 310)->replicas, 8);
	cr_expect_eq(t_row(&res, 320)->replicas, 11);
	cr_expect_eq(t_row(&res, 330)->replicas, 14);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * The tolerance: from 5 at 350, a rise to 380 (76 each, 8.6 % over) never
 * acts although desired = ceil(380/70) = 6 > 5: the mean is within 10 %.
 * A rise to 399 (79.8 each, 14 % over) acts once the window's mean is
 * over 77:
 *   340: 5 × (2·70 + 4·79.8)/6 = 76.53 (9.3 %): desired ceil(382.7/70) =
 *        6, within: steady.
 *   350: 5 × (70 + 5·79.8)/6 = 78.17 (11.7 %): 390.8 → 6: 5→6 (ready
 *        370; 66.5 each from the sample at 370, 5 % under: within).
 *   400: the new one has 4 instants (370..400): 5 × (2·79.8 + 4·66.5)/6
 *        = 70.93: 354.7 → ceil(5.07) = 6 = r: steady; 410: it counts,
 *        5 × (79.8 + 5·66.5)/6 + 66.5 = 410.1 → 6; from 420 all 6 × 66.5
 *        = 399 → 6: steady to the end, value 66.5.
 */
Test(replay, target_mode_tolerance)
{
	static const struct seg	l380[] = { { 30, 350 }, { 30, 380 } };
	static const struct seg	l399[] = { { 30, 350 }, { 30, 399 } };
	static const struct step want[] = { { 350, 6, "scale_out" } };
	struct replay_model	m = t_model(5);
	struct replay_result	res;
	struct policy		p;

	m.capped = false;
	t_target(&p, "");
	t_run(&m, l380, NITEMS(l380), &p, NULL, &res);
	cr_expect_eq(res.das.actions, 0);
	cr_expect_str_eq(res.rows[res.nrows - 1].reason, "in_band");
	cr_expect_float_eq(res.rows[res.nrows - 1].value, 76.0, EPS);
	replay_result_free(&res);

	t_run(&m, l399, NITEMS(l399), &p, NULL, &res);
	t_steps(&res, want, NITEMS(want));
	cr_expect_str_eq(t_row(&res, 340)->action, "steady");
	cr_expect_float_eq(t_row(&res, 340)->value, (140 + 4 * 79.8) / 6,
	    EPS);
	cr_expect_float_eq(t_row(&res, 350)->value, (70 + 5 * 79.8) / 6,
	    EPS);
	cr_expect_str_eq(t_row(&res, 400)->action, "steady");
	cr_expect_float_eq(t_row(&res, 400)->value, (2 * 79.8 + 4 * 66.5) / 6,
	    EPS);
	cr_expect_float_eq(res.rows[res.nrows - 1].value, 66.5, EPS);
	cr_expect_eq(res.das.final_replicas, 6);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * A scale-in waits for the stabilization window. 20 replicas at 1400
 * (70 each) for 600 s (k 0..59), then 350 (k 60..149), T = 1500 s.
 *   10..600: every tick recommends 20 (no_data, then steady at 70).
 *   From 610 each of 20 reports 17.5. The in side fires at once:
 *     610: 20 × (5·70 + 17.5)/6 = 61.25 (12.5 % under): 1225 → 18 < 20;
 *     620: 52.5 → 15; 630: 43.75 → 13; 640: 35 → 10; 650: 26.25 → 8;
 *     660 on: 17.5 → 5. But the last 5 m hold a 20 (the ticks up to
 *     600): hold, stabilizing, through 890.
 *   900: (600, 900] holds 610..900, the highest 18 (610's): 20→18
 *     (below_target, value 17.5). From 910 18 report 350/18 = 19.44.
 *   910..950: desired 5, but 900 + 60 > t: hold, window_after_change.
 *   960: 18 × 19.44 (910..960) = 350 → 5; the highest of (660, 960] is
 *     5: 18→5 (from 970 each reports 70).
 *   970..1000: hold, window_after_change (970: 5 × (5·19.44 + 70)/6 =
 *     139.4 → 2); 1010: 5 × (19.44 + 5·70)/6 = 307.9 → ceil(4.40) = 5 =
 *     r: steady; from 1020 all 70: steady, value 70.
 * Without stabilization (stabilize_in=0) the same rules act 290 s
 * sooner: 610: 20→18 (the recommendation 18 acts); 620..660 hold,
 * window_after_change; 670: 18 × (17.5 + 5·19.44)/6 = 344.2 →
 * ceil(4.92) = 5: 18→5.
 */
Test(replay, target_mode_scale_in_waits_for_stabilization)
{
	static const struct seg	load[] = { { 60, 1400 }, { 90, 350 } };
	static const struct step want[] = {
		{ 900, 18, "scale_in" }, { 960, 5, "scale_in" },
	};
	static const struct step want0[] = {
		{ 610, 18, "scale_in" }, { 670, 5, "scale_in" },
	};
	struct replay_model	m = t_model(20);
	struct replay_result	res;
	struct policy		p;
	const struct replay_row	*w;
	int			t;

	m.capped = false;
	t_target(&p, "");
	cr_assert_eq(p.stabilize_in_ns, 300 * NS_S);
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	t_steps(&res, want, NITEMS(want));
	cr_expect_str_eq(t_row(&res, 600)->action, "steady");
	cr_expect_float_eq(t_row(&res, 610)->value, 61.25, EPS);
	for (t = 610; t < 900; t += 10) {
		w = t_row(&res, t);
		cr_expect_str_eq(w->action, "hold", "%d", t);
		cr_expect_str_eq(w->reason, "stabilizing", "%d", t);
	}
	cr_expect_float_eq(t_row(&res, 890)->value, 17.5, EPS);
	w = t_row(&res, 900);
	cr_expect_str_eq(w->reason, "below_target");
	cr_expect_float_eq(w->value, 17.5, EPS);
	cr_expect_eq(w->ready, 18);
	for (t = 910; t < 960; t += 10)
		cr_expect_str_eq(t_row(&res, t)->reason,
		    "window_after_change", "%d", t);
	cr_expect_float_eq(t_row(&res, 960)->value, 350.0 / 18, EPS);
	cr_expect_str_eq(t_row(&res, 1000)->reason, "window_after_change");
	cr_expect_str_eq(t_row(&res, 1010)->action, "steady");
	cr_expect_float_eq(t_row(&res, 1490)->value, 70.0, EPS);
	cr_expect_eq(res.das.reversals, 0);
	cr_expect_eq(res.das.final_replicas, 5);
	replay_result_free(&res);
	policy_clear(&p);

	t_target(&p, "stabilize_in=0");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	t_steps(&res, want0, NITEMS(want0));
	cr_expect_str_eq(t_row(&res, 660)->reason, "window_after_change");
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * Capacity and target modes use the policy's aggregate of each ready
 * replica (decide.h: "the sum of their aggregates"), not its mean. Load
 * alternating 100 and 180 (k even, odd) on 2 replicas, capped model:
 * they report 50 and 90 in turn. aggregate=max, 1 m windows.
 *   capacity 80 %: 60: each replica's max is 90: 180 → ceil(2.25) = 3:
 *     2→3 (ready 80). With 3, the instants are 33.3 and 60 (70 was 50):
 *     from 120 A, B and C (80..120) have max 60: 180 → 3 = r: steady;
 *     70..110 (a 90 still in the window) want 3 as well: one change.
 *     (Their means, 70 each, 140 → 2, would never act.)
 *   target 70 %: 60: 2 × 90 = 180, mean 90 (28.6 % over) → ceil(2.57) =
 *     3: 2→3; from 120 3 × 60, 14.3 % under but desired 3 = r: steady.
 */
Test(replay, ready_replicas_use_the_policy_aggregate)
{
	struct seg		load[30];
	static const struct step want[] = { { 60, 3, "scale_out" } };
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct policy		p;
	size_t			i;

	for (i = 0; i < NITEMS(load); i++) {
		load[i].n = 1;
		load[i].v = i % 2 ? 180 : 100;
	}
	t_policy(&p, "mode=capacity,capacity=80%,out_cond=,in_cond=,"
	    "in_duration=,aggregate=max");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	t_steps(&res, want, NITEMS(want));
	cr_expect_float_eq(t_row(&res, 60)->value, 180.0, EPS);
	cr_expect_float_eq(t_row(&res, 290)->value, 180.0, EPS);
	replay_result_free(&res);
	policy_clear(&p);

	t_target(&p, "aggregate=max");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	t_steps(&res, want, NITEMS(want));
	cr_expect_float_eq(t_row(&res, 60)->value, 90.0, EPS);
	cr_expect_float_eq(t_row(&res, 290)->value, 60.0, EPS);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * The accounting on a static supply: min = max = start = 3, so nothing
 * ever acts (a firing side holds at_max/at_min). Segments (10 s each
 * interval), d = max(1, ceil(L/80)), s = 3:
 *   L 100 for 60 s   d 2: over 1/2·60 = 30
 *   L 400 for 120 s  d 5: under 2/5·120 = 48, dropped (400−300)·120
 *   L 240 for 60 s   d 3 (exactly 3): neither, nothing dropped
 *   L 320 for 60 s   d 4: under 1/4·60 = 15, dropped 20·60
 *   L 0 for 60 s     d 1: over 2/1·60 = 120
 * T = 360: θU = 100·63/360 = 17.5, θO = 100·150/360, τU = 100·180/360 =
 * 50, τO = 100·120/360; dropped 13200 of ΣL = 6000 + 48000 + 14400 +
 * 19200 = 87600; replica-hours 3·360/3600 = 0.3; longest under 120 s
 * (the 240 segment ends the first run, the second lasts 60 s).
 */
Test(replay, metric_accounting_on_a_static_supply)
{
	static const struct seg	load[] = { { 6, 100 }, { 12, 400 },
	    { 6, 240 }, { 6, 320 }, { 6, 0 } };
	struct replay_model	m = t_model(3);
	struct replay_result	res;
	struct policy		p;
	size_t			i;

	t_policy(&p, "min_no=3,max_no=3");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_expect_eq(res.start, 3);
	cr_expect_eq(res.span_ns, 360 * NS_S);
	for (i = 0; i < res.nrows; i++) {
		cr_expect_eq(res.rows[i].replicas, 3);
		cr_expect_eq(res.rows[i].ready, 3);
	}
	cr_expect_eq(t_row(&res, 60)->demand, 2);
	cr_expect_eq(t_row(&res, 70)->demand, 5);
	cr_expect_eq(t_row(&res, 190)->demand, 3);
	cr_expect_eq(t_row(&res, 250)->demand, 4);
	cr_expect_eq(t_row(&res, 310)->demand, 1);
	cr_expect_eq(res.das.actions, 0);
	cr_expect_eq(res.das.reversals, 0);
	cr_expect_float_eq(res.das.theta_u, 17.5, EPS);
	cr_expect_float_eq(res.das.theta_o, 100.0 * 150 / 360, EPS);
	cr_expect_float_eq(res.das.tau_u, 50.0, EPS);
	cr_expect_float_eq(res.das.tau_o, 100.0 * 120 / 360, EPS);
	cr_expect_float_eq(res.das.dropped_pct, 100.0 * 13200 / 87600, EPS);
	cr_expect_float_eq(res.das.replica_hours, 0.3, EPS);
	cr_expect_eq(res.das.longest_under_ns, 120 * NS_S);
	cr_expect_eq(res.das.final_replicas, 3);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * The uncapped field (no cap, capacity --capacity 50): a replica reports
 * all its share. mem_usage is not a ratio; a constant 230 from 2
 * replicas is 115 each, out > 200 and in < 50 hold it. d = ceil(230 /
 * (50·0.8)) = ceil(5.75) = 6, s = 2: θU = 100·4/6, τU = 100, dropped
 * (230 − 100)/230.
 */
Test(replay, capacity_option_scales_demand)
{
	static const struct seg	load[] = { { 60, 230 } };
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct policy		p;

	m.capped = false;
	m.capacity = 50;
	t_policy(&p, "cond_item=mem_usage,out_cond=200,in_cond=50");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_expect_eq(res.das.actions, 0);
	cr_expect_eq(res.rows[res.nrows - 1].value, 115.0);
	cr_expect_eq(res.rows[res.nrows - 1].demand, 6);
	cr_expect_float_eq(res.das.theta_u, 100.0 * 4 / 6, EPS);
	cr_expect_float_eq(res.das.tau_u, 100.0, EPS);
	cr_expect_float_eq(res.das.dropped_pct, 100.0 * 130 / 230, EPS);
	cr_expect_eq(res.das.longest_under_ns, 600 * NS_S);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * --start's default: the first 10 minutes' (60 intervals') mean load's
 * demand, clamped to [min_no, max_no].
 *   60 × 100 then 60 × 1000: mean 100, d = ceil(1.25) = 2 (the 61st
 *     interval is not in the first 10 minutes).
 *   the same with min_no 3: 3; with max_no 1: 1.
 *   a shorter trace, 100, 300, 500 (30 s): mean 300, d = ceil(3.75) = 4.
 *   all zero: d = max(1, 0) = 1; min_no 0 (capacity mode, the one on
 *     ds's points that may go to 0): still 1 (demand is >= 1).
 *   an explicit start (5) is kept; outside the bounds it is clamped.
 */
Test(replay, start_default_from_the_first_ten_minutes)
{
	static const struct seg	a[] = { { 60, 100 }, { 60, 1000 } };
	static const struct seg	b[] = { { 1, 100 }, { 1, 300 },
	    { 1, 500 } };
	static const struct seg	z[] = { { 10, 0 } };
	struct replay_model	m = t_model(-1);
	struct replay_result	res;
	struct policy		p;

	t_policy(&p, "");
	t_run(&m, a, NITEMS(a), &p, NULL, &res);
	cr_expect_eq(res.start, 2);
	replay_result_free(&res);
	t_run(&m, b, NITEMS(b), &p, NULL, &res);
	cr_expect_eq(res.start, 4);
	replay_result_free(&res);
	t_run(&m, z, NITEMS(z), &p, NULL, &res);
	cr_expect_eq(res.start, 1);
	replay_result_free(&res);
	m.start = 5;
	t_run(&m, a, NITEMS(a), &p, NULL, &res);
	cr_expect_eq(res.start, 5);
	replay_result_free(&res);
	m.start = 50;
	t_run(&m, a, NITEMS(a), &p, NULL, &res);
	cr_expect_eq(res.start, 10);
	replay_result_free(&res);
	policy_clear(&p);

	m.start = -1;
	t_policy(&p, "min_no=3");
	t_run(&m, a, NITEMS(a), &p, NULL, &res);
	cr_expect_eq(res.start, 3);
	replay_result_free(&res);
	policy_clear(&p);

	t_policy(&p, "max_no=1");
	t_run(&m, a, NITEMS(a), &p, NULL, &res);
	cr_expect_eq(res.start, 1);
	replay_result_free(&res);
	policy_clear(&p);

	t_policy(&p, "min_no=0,mode=capacity,capacity=100%,min_available=10%");
	t_run(&m, z, NITEMS(z), &p, NULL, &res);
	cr_expect_eq(res.start, 1);
	replay_result_free(&res);
	policy_clear(&p);
}

/* Without a peer its columns are -1; with one (HPA defaults) they count. */
Test(replay, peer_rows)
{
	static const struct seg	load[] = { { 60, 140 } };
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct hpa_params	hp;
	struct policy		p;
	size_t			i;

	t_policy(&p, "");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_expect(!res.has_peer);
	for (i = 0; i < res.nrows; i++) {
		cr_expect_eq(res.rows[i].peer_ready, -1);
		cr_expect_eq(res.rows[i].peer_replicas, -1);
	}
	replay_result_free(&res);

	hpa_params_default(&hp);
	t_run(&m, load, NITEMS(load), &p, &hp, &res);
	cr_expect(res.has_peer);
	cr_expect_eq(res.nrows, 59);
	for (i = 0; i < res.nrows; i++) {
		cr_expect_geq(res.rows[i].peer_ready, 0);
		cr_expect_geq(res.rows[i].peer_replicas,
		    res.rows[i].peer_ready);
	}
	/* the peer does not change das's own run */
	cr_expect_eq(res.das.actions, 0);
	cr_expect_float_eq(res.das.replica_hours, 2.0 * 600 / 3600, EPS);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * The peer on a rate (a plain value, no CPU readiness rule): 5/s over 8
 * replicas is 0.625 each against a target of 0.7, ratio 0.89, within the
 * tolerance: never a change on a constant load. Read as a whole percent
 * (what a CPU utilization is), 0.625 would be 0: down to 1 and back up.
 */
Test(replay, peer_on_a_rate_reads_the_value)
{
	static const struct seg	load[] = { { 720, 5 } };
	struct replay_model	m = t_model(8);
	struct replay_result	res;
	struct hpa_params	hp;
	struct policy		p;

	m.capacity = 1;
	m.capped = false;
	t_policy(&p, "cond_item=net_read,aggregate=rate,mode=target,"
	    "setpoint=0.7,out_cond=,in_cond=,max_no=40,out_duration=30s,"
	    "in_duration=30s");
	hpa_params_default(&hp);
	hp.target = 0.7;
	t_run(&m, load, NITEMS(load), &p, &hp, &res);
	cr_expect_eq(res.peer.actions, 0, "%u actions, %u reversals",
	    res.peer.actions, res.peer.reversals);
	cr_expect_eq(res.peer.final_replicas, 8);
	replay_result_free(&res);
	policy_clear(&p);
}

/*
 * --timeline's CSV: the header of the issue, an empty value for NAN.
 * 140 from 2 replicas (70 each), 8 intervals: ticks 10..70; 10..50 lack
 * coverage (hold, no_data, no value: at 50 the oldest sample, 10, is
 * after 50 − 60 + 12.5), 60 and 70 are steady at 70.
 */
Test(replay, timeline_csv)
{
	static const struct seg	load[] = { { 8, 140 } };
	struct replay_model	m = t_model(2);
	struct replay_result	res;
	struct hpa_params	hp;
	struct policy		p;
	const char		*head = "time,load,ready,replicas,value,"
	    "action,reason,peer_ready,peer_replicas\n"
	    "10.000,140,2,2,,hold,no_data,";
	char			*text = NULL;
	size_t			 len = 0;
	FILE			*f;

	t_policy(&p, "");
	t_run(&m, load, NITEMS(load), &p, NULL, &res);
	cr_assert_not_null(f = open_memstream(&text, &len));
	replay_timeline_write(f, &res);
	fclose(f);
	cr_expect_str_eq(text, "time,load,ready,replicas,value,action,reason\n"
	    "10.000,140,2,2,,hold,no_data\n"
	    "20.000,140,2,2,,hold,no_data\n"
	    "30.000,140,2,2,,hold,no_data\n"
	    "40.000,140,2,2,,hold,no_data\n"
	    "50.000,140,2,2,,hold,no_data\n"
	    "60.000,140,2,2,70,steady,in_band\n"
	    "70.000,140,2,2,70,steady,in_band\n");
	free(text);
	replay_result_free(&res);

	hpa_params_default(&hp);
	t_run(&m, load, NITEMS(load), &p, &hp, &res);
	text = NULL;
	cr_assert_not_null(f = open_memstream(&text, &len));
	replay_timeline_write(f, &res);
	fclose(f);
	cr_expect_eq(strncmp(text, head, strlen(head)), 0, "%s", text);
	free(text);
	replay_result_free(&res);
	policy_clear(&p);
}

/* What the model refuses, with a sentence. */
Test(replay, bad_model_or_load)
{
	static const struct seg	load[] = { { 6, 140 } };
	struct replay_model	m = t_model(2);
	struct replay_load	l, empty;
	struct replay_result	res;
	struct policy		p;
	char			err[256];

	t_policy(&p, "");
	memset(&empty, 0, sizeof(empty));
	empty.interval_ns = 10 * NS_S;
	err[0] = '\0';
	cr_expect_eq(replay_run(&m, &empty, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	cr_expect_neq(err[0], '\0');
	cr_expect_null(res.rows);

	t_load(&l, load, NITEMS(load));
	l.interval_ns = 5 * NS_S;
	err[0] = '\0';
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	cr_expect_neq(strstr(err, "sampled every"), NULL, "%s", err);
	l.interval_ns = 10 * NS_S;
	m.demand_util = 0;
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	m.demand_util = 0.8;
	m.capacity = 0;
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	m.capacity = 100;
	m.tick_ns = 0;
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	/* finer than das ticks: a crawl, refused */
	m.tick_ns = 10 * NS_S / 1000;
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	cr_expect_neq(strstr(err, "0.1 s or more"), NULL, "%s", err);
	m.tick_ns = 10 * NS_S;
	/* a load whose integral would overflow, and one not a number */
	l.load[3] = 1e305;
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	cr_expect_str_eq(err, "the load of interval 3 (30.000 s in) is "
	    "1e+305: a load must be a number from 0 to 1e+15");
	l.load[3] = NAN;
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	l.load[3] = 140;
	/* more replicas than a replay models */
	policy_clear(&p);
	t_policy(&p, "max_no=2000000000");
	cr_expect_eq(replay_run(&m, &l, &p, NULL, &res, err, sizeof(err)),
	    -EINVAL);
	cr_expect_neq(strstr(err, "max_no 2000000000 is more than the "
	    "100000 replicas"), NULL, "%s", err);
	replay_load_free(&l);
	policy_clear(&p);
}
