/*
 * Unit tests for hpa: the replica calculation, the behaviors (scale-down
 * stabilization, scale-up limit), the bounds and the parameters. The
 * expectations are derived by hand from the algorithm hpa.c follows; the
 * step test runs the replay model (scaler/replay.h) in a few lines.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "hpa.h"

#define NS_S	INT64_C(1000000000)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static struct hpa_params
params(int min_no, int max_no)
{
	struct hpa_params	p;

	hpa_params_default(&p);
	p.min_no = min_no;
	p.max_no = max_no;
	return p;
}

/* Field by field: struct padding is not the parser's to keep. */
static bool
params_eq(const struct hpa_params *a, const struct hpa_params *b)
{
	return a->target == b->target && a->tolerance == b->tolerance &&
	    a->sync_ns == b->sync_ns && a->window_ns == b->window_ns &&
	    a->stabilize_ns == b->stabilize_ns && a->up_pods == b->up_pods &&
	    a->up_percent == b->up_percent && a->min_no == b->min_no &&
	    a->max_no == b->max_no && a->percent == b->percent &&
	    a->cpu == b->cpu;
}

static struct hpa_in
in_at(int64_t t_s, int replicas, int counted, double usage)
{
	struct hpa_in	in;

	memset(&in, 0, sizeof(in));
	in.now_ns = t_s * NS_S;
	in.replicas = replicas;
	in.counted = counted;
	in.have_usage = counted > 0;
	in.usage = usage;
	return in;
}

/* One sync of a fresh HPA (no history): the calculation alone. */
static int
once(const struct hpa_params *p, int replicas, int counted, double usage)
{
	struct hpa	*h;
	struct hpa_in	 in;
	int		 r;

	h = hpa_new(p);
	in = in_at(15, replicas, counted, usage);
	r = hpa_sync(h, &in);
	hpa_free(h);
	return r;
}

/*
 * The replay model, seconds: load[k] over [10k, 10k+10) is sampled at
 * 10k+10 as min(100, L / ready) by every ready pod; a pod added at t is
 * ready at t+20 and counted once ready for one window (30 s); a sync
 * every 15 s (after that instant's sample) sees the mean of the samples
 * in (now-30, now]. Pods leave newest first.
 */
#define SIM_PODS	64
#define SIM_STEPS	128

struct sim {
	int64_t	 ready[SIM_PODS];	/* ready time of each pod */
	int	 n;
	double	 value[SIM_STEPS];	/* sample at 10(k+1); NAN: none */
};

static void
sim_sample(struct sim *s, int64_t t, double load)
{
	int	i, ready = 0;

	for (i = 0; i < s->n; i++)
		ready += s->ready[i] <= t;
	s->value[t / 10 - 1] = ready == 0 ? NAN : fmin(100, load / ready);
}

static struct hpa_in
sim_observe(const struct sim *s, int64_t t)
{
	struct hpa_in	in;
	double		sum = 0;
	int64_t		u;
	int		i, nv = 0;

	in = in_at(t, s->n, 0, 0);
	for (i = 0; i < s->n; i++)
		in.counted += s->ready[i] <= t - 30;
	for (u = (t / 10) * 10; u > t - 30 && u >= 10; u -= 10) {
		if (!isnan(s->value[u / 10 - 1])) {
			sum += s->value[u / 10 - 1];
			nv++;
		}
	}
	in.have_usage = in.counted > 0 && nv > 0;
	in.usage = nv > 0 ? sum / nv : 0;
	return in;
}

/*
 * Run the model over [0, end] s, the load stepping from l0 to l1 at
 * step; the changes as (t, replicas) into ev. Returns their number.
 */
static size_t
sim_run(struct hpa *h, int start, double l0, double l1, int64_t step,
    int64_t end, int64_t ev[][2], size_t nev)
{
	struct sim	s;
	struct hpa_in	in;
	int64_t		t;
	size_t		n = 0;
	int		r;

	memset(&s, 0, sizeof(s));
	for (s.n = 0; s.n < start; s.n++)
		s.ready[s.n] = -1000;
	for (t = 5; t <= end; t += 5) {
		if (t % 10 == 0)
			sim_sample(&s, t, t - 10 < step ? l0 : l1);
		if (t % 15 != 0)
			continue;
		in = sim_observe(&s, t);
		r = hpa_sync(h, &in);
		cr_assert(r > 0 && r <= SIM_PODS, "t=%lld: %d",
		    (long long)t, r);
		if (r != s.n && n < nev) {
			ev[n][0] = t;
			ev[n++][1] = r;
		}
		while (s.n < r)
			s.ready[s.n++] = t + 20;
		s.n = r;
	}
	return n;
}

/* The case: a 4x step from 5 replicas at 70 %, min 1, max 20. */
Test(hpa, step_4x_from_5)
{
	static const int64_t	want[][2] = {
		{ 105, 6 }, { 120, 8 }, { 180, 12 }, { 240, 18 }, { 300, 20 },
	};
	struct hpa_params	p = params(1, 20);
	struct hpa		*h = hpa_new(&p);
	int64_t			ev[16][2];
	size_t			n, i;

	n = sim_run(h, 5, 350, 1400, 90, 1200, ev, NITEMS(ev));
	hpa_free(h);
	cr_assert_eq(n, NITEMS(want), "%zu changes", n);
	for (i = 0; i < n; i++) {
		cr_expect_eq(ev[i][0], want[i][0], "change %zu at %lld", i,
		    (long long)ev[i][0]);
		cr_expect_eq(ev[i][1], want[i][1], "change %zu to %lld", i,
		    (long long)ev[i][1]);
	}
}

/* A steady load at the target changes nothing, from the first sync on. */
Test(hpa, steady_load_is_left_alone)
{
	struct hpa_params	p = params(1, 20);
	struct hpa		*h = hpa_new(&p);
	int64_t			ev[4][2];

	cr_expect_eq(sim_run(h, 5, 350, 350, 0, 1200, ev, NITEMS(ev)), 0);
	hpa_free(h);
}

/* |1 - usage/target| <= tolerance: no change, either side. */
Test(hpa, tolerance_band)
{
	struct hpa_params	p = params(1, 100);

	cr_expect_eq(once(&p, 10, 10, 75), 10);		/* 1.071 */
	cr_expect_eq(once(&p, 10, 10, 76), 10);		/* 1.086 */
	cr_expect_eq(once(&p, 10, 10, 64), 10);		/* 0.914 */
	cr_expect_eq(once(&p, 10, 10, 78), 12);		/* ceil(11.14) */
	/* 77/70 is 1.1 + 1 ulp: out of the band upstream too */
	cr_expect_eq(once(&p, 10, 10, 77), 11);
	p.tolerance = 0;
	cr_expect_eq(once(&p, 10, 10, 71), 11);		/* ceil(10.14) */
	cr_expect_eq(once(&p, 10, 10, 70), 10);
}

/* A resource utilization is a whole percent, truncated; a value is not. */
Test(hpa, percent_is_truncated)
{
	struct hpa_params	p = params(1, 100);

	p.tolerance = 0;
	p.target = 10;
	cr_expect_eq(once(&p, 10, 10, 10.99), 10);	/* 10 % */
	/* a mean a rounding error below 20 % is 20 % (integers upstream) */
	cr_expect_eq(once(&p, 10, 10, nextafter(20, 0)), 20);
	p.percent = false;
	cr_expect_eq(once(&p, 10, 10, 10.99), 11);	/* ceil(10.99) */
	p.target = 0.25;
	cr_expect_eq(once(&p, 3, 3, 0.5), 6);
}

/*
 * Pods not yet counted: as 0 on a scale-up (over all pods), which may
 * reverse the direction or land within tolerance; ignored on a
 * scale-down.
 */
Test(hpa, unready_pods)
{
	struct hpa_params	p = params(1, 100);

	/* 5 counted of 6 at 100 %: int(500/6) = 83, ceil(83/70 x 6) */
	cr_expect_eq(once(&p, 6, 5, 100), 8);
	/* 5 of 8: int(500/8) = 62 < 70, the direction reverses */
	cr_expect_eq(once(&p, 8, 5, 100), 8);
	/* 6 of 8: int(600/8) = 75, within tolerance */
	cr_expect_eq(once(&p, 8, 6, 100), 8);
	/* all counted: ceil(100/70 x 8) */
	cr_expect_eq(once(&p, 8, 8, 100), 12);
	/* a scale-down counts only the counted: ceil(35/70 x 4) */
	p.stabilize_ns = 0;
	cr_expect_eq(once(&p, 8, 4, 35), 2);
	/* within tolerance over the counted ones: unready left out */
	cr_expect_eq(once(&p, 8, 4, 66), 8);
}

/*
 * Any metric but CPU (groupPods' readiness rule is CPU's alone): the pods
 * not counted are the missing ones, 0 on a scale-up, at the target on a
 * scale-down (calcPlainMetricReplicas), 100 % for a utilization
 * (GetResourceReplicas: memory), and the direction checks after.
 */
Test(hpa, missing_pods_on_other_metrics)
{
	struct hpa_params	p = params(1, 100);

	p.stabilize_ns = 0;
	p.cpu = false;
	p.percent = false;
	p.target = 10;
	/* a value, 2 of 4 at 4 (0.4): (2·4 + 2·10)/4 = 7, ceil(0.7 × 4) */
	cr_expect_eq(once(&p, 4, 2, 4), 3);
	/* 2 of 4 at 30 (3.0): (2·30 + 2·0)/4 = 15, ceil(1.5 × 4) */
	cr_expect_eq(once(&p, 4, 2, 30), 6);
	/* 2 of 4 at 18 (1.8): 36/4 = 9, 0.9 within tolerance */
	cr_expect_eq(once(&p, 4, 2, 18), 4);
	/* 2 of 4 at 12 (1.2): 24/4 = 6 < 10: the direction reverses */
	cr_expect_eq(once(&p, 4, 2, 12), 4);
	/* 2 of 4 at 0.625 (0.0625): not truncated, (1.25 + 20)/4 = 5.3 */
	cr_expect_eq(once(&p, 4, 2, 0.625), 3);
	/* 2 of 4 exactly at the target: the bare else fills 0, 20/4 = 5,
	 * ceil(0.5 × 4) */
	cr_expect_eq(once(&p, 4, 2, 10), 2);
	/* a utilization (memory), 2 of 4 at 28 % of 70: int((56 + 200)/4)
	 * = 64, 0.91 within tolerance; CPU's rule would give ceil(0.4 × 2) */
	p.percent = true;
	p.target = 70;
	cr_expect_eq(once(&p, 4, 2, 28), 4);
	p.cpu = true;
	cr_expect_eq(once(&p, 4, 2, 28), 1);
	/* a utilization exactly at the target fills in nothing: no change */
	p.cpu = false;
	cr_expect_eq(once(&p, 4, 2, 70), 4);
}

/*
 * A drop holds while a higher recommendation is in the last 300 s, then
 * goes to the highest one left in that window.
 */
Test(hpa, scale_down_stabilization)
{
	struct hpa_params	p = params(1, 20);
	struct hpa		*h = hpa_new(&p);
	struct hpa_in		in;
	int64_t			t;

	for (t = 15; t <= 150; t += 15) {
		in = in_at(t, 10, 10, 70);
		cr_assert_eq(hpa_sync(h, &in), 10);
	}
	in = in_at(165, 10, 10, 35);		/* recommends 5 */
	cr_assert_eq(hpa_sync(h, &in), 10);
	for (t = 180; t < 450; t += 15) {	/* recommends 2 */
		in = in_at(t, 10, 10, 14);
		cr_assert_eq(hpa_sync(h, &in), 10, "t=%lld", (long long)t);
	}
	/* the last 10 (t=150) is 300 s old: the highest left is 5 */
	in = in_at(450, 10, 10, 14);
	cr_expect_eq(hpa_sync(h, &in), 5);
	/* the same load over 5 pods recommends 2; the 5 is now old */
	in = in_at(465, 5, 5, 28);
	cr_expect_eq(hpa_sync(h, &in), 2);
	hpa_free(h);
}

/* The first sync's count is a recommendation: no drop before 300 s. */
Test(hpa, initial_count_holds_a_drop)
{
	struct hpa_params	p = params(1, 20);
	struct hpa		*h = hpa_new(&p);
	struct hpa_in		in;

	in = in_at(15, 10, 10, 14);
	cr_expect_eq(hpa_sync(h, &in), 10);
	in = in_at(300, 10, 10, 14);
	cr_expect_eq(hpa_sync(h, &in), 10);
	in = in_at(315, 10, 10, 14);
	cr_expect_eq(hpa_sync(h, &in), 2);
	hpa_free(h);
}

/* stabilize=0 scales down at once; a scale-up is never held. */
Test(hpa, no_stabilization)
{
	struct hpa_params	p = params(1, 20);
	struct hpa		*h;
	struct hpa_in		in;

	p.stabilize_ns = 0;
	h = hpa_new(&p);
	in = in_at(15, 10, 10, 14);
	cr_expect_eq(hpa_sync(h, &in), 2);
	hpa_free(h);

	p.stabilize_ns = 300 * NS_S;
	h = hpa_new(&p);
	in = in_at(15, 10, 10, 14);
	cr_expect_eq(hpa_sync(h, &in), 10);
	in = in_at(30, 10, 10, 91);		/* 1.3: ceil(13) */
	cr_expect_eq(hpa_sync(h, &in), 13);
	hpa_free(h);
}

/* A scale-up per sync: at most max(+up_pods, +up_percent %). */
Test(hpa, scale_up_limit)
{
	struct hpa_params	p = params(1, 1000);

	p.target = 10;
	cr_expect_eq(once(&p, 2, 2, 100), 6);		/* 2 + 4 > 2 x 2 */
	cr_expect_eq(once(&p, 10, 10, 100), 20);	/* 10 x 2 > 10 + 4 */
	cr_expect_eq(once(&p, 1, 1, 30), 3);		/* wanted 3 < 5 */
	p.up_pods = 0;
	p.up_percent = 50;
	cr_expect_eq(once(&p, 3, 3, 100), 5);		/* ceil(4.5) */
	p.up_percent = 0;
	cr_expect_eq(once(&p, 3, 3, 100), 3);		/* no policy allows */
	p.up_pods = 1;
	cr_expect_eq(once(&p, 3, 3, 100), 4);
}

/* [min_no, max_no]; outside already: brought back first; 0: disabled. */
Test(hpa, bounds)
{
	struct hpa_params	p = params(3, 8);
	struct hpa_in		in;
	struct hpa		*h;

	p.stabilize_ns = 0;
	cr_expect_eq(once(&p, 5, 5, 200), 8);		/* wanted 15 */
	cr_expect_eq(once(&p, 5, 5, 1), 3);		/* wanted 1 */
	cr_expect_eq(once(&p, 5, 5, 0), 3);		/* wanted 0 */
	cr_expect_eq(once(&p, 9, 9, 70), 8);
	cr_expect_eq(once(&p, 2, 2, 70), 3);
	cr_expect_eq(once(&p, 0, 0, 0), 0);
	h = hpa_new(&p);
	in = in_at(15, 12, 0, 0);
	in.have_usage = false;
	cr_expect_eq(hpa_sync(h, &in), 8);
	hpa_free(h);
}

/* No usage: upstream's metric error, no change. */
Test(hpa, no_usage)
{
	struct hpa_params	p = params(1, 20);
	struct hpa		*h = hpa_new(&p);
	struct hpa_in		in;

	in = in_at(15, 5, 5, 500);
	in.have_usage = false;
	cr_expect_eq(hpa_sync(h, &in), 5);
	in = in_at(30, 5, 0, 0);
	cr_expect_eq(hpa_sync(h, &in), 5);
	/* the next sync with usage scales as usual */
	in = in_at(45, 5, 5, 140);
	cr_expect_eq(hpa_sync(h, &in), 10);
	hpa_free(h);
}

Test(hpa, params_defaults)
{
	struct hpa_params	p, q;
	char			err[256] = "";

	hpa_params_default(&p);
	cr_expect_eq(p.target, 70);
	cr_expect_eq(p.tolerance, 0.1);
	cr_expect_eq(p.sync_ns, 15 * NS_S);
	cr_expect_eq(p.window_ns, 30 * NS_S);
	cr_expect_eq(p.stabilize_ns, 300 * NS_S);
	cr_expect_eq(p.up_pods, 4);
	cr_expect_eq(p.up_percent, 100);
	cr_expect_eq(p.min_no, 1);
	cr_expect_eq(p.max_no, INT_MAX);
	cr_expect(p.percent);
	q = p;
	cr_expect_eq(hpa_params_parse("", &q, err, sizeof(err)), 0);
	cr_expect(params_eq(&p, &q));
	cr_expect_eq(hpa_params_parse("target=70,tolerance=0.1,sync=15s,"
	    "window=30s,stabilize=300s,up_pods=4,up_percent=100", &q, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect(params_eq(&p, &q));
}

Test(hpa, params_subset_and_units)
{
	struct hpa_params	p;
	char			err[256] = "";

	hpa_params_default(&p);
	p.max_no = 9;
	cr_assert_eq(hpa_params_parse("up_percent=50.5,stabilize=5m,"
	    "target=80,sync=1h,window=1m30s", &p, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_eq(p.target, 80);
	cr_expect_eq(p.up_percent, 50.5);
	cr_expect_eq(p.stabilize_ns, 300 * NS_S);
	cr_expect_eq(p.sync_ns, 3600 * NS_S);
	cr_expect_eq(p.window_ns, 90 * NS_S);
	cr_expect_eq(p.tolerance, 0.1);		/* untouched */
	cr_expect_eq(p.up_pods, 4);
	cr_expect_eq(p.max_no, 9);
	cr_assert_eq(hpa_params_parse("stabilize=0,tolerance=0,up_pods=0,"
	    "up_percent=0", &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.stabilize_ns, 0);
	cr_expect_eq(p.tolerance, 0);
	cr_expect_eq(p.up_pods, 0);
	cr_expect_eq(p.up_percent, 0);
	p.stabilize_ns = 1;
	cr_assert_eq(hpa_params_parse("stabilize=0s", &p, err, sizeof(err)),
	    0, "%s", err);
	cr_expect_eq(p.stabilize_ns, 0);
}

Test(hpa, params_errors)
{
	static const struct {
		const char	*s, *err;
	} bad[] = {
		{ "foo=1", "unknown key \"foo\" (known: target, tolerance, "
		    "sync, window, stabilize, up_pods, up_percent)" },
		{ "target", "\"target\" is not key=value" },
		{ "target=", "target \"\" is not a decimal number" },
		{ "target=abc", "target \"abc\" is not a decimal number" },
		{ "target=70%", "target \"70%\" is not a decimal number" },
		{ "target=1e3", "target \"1e3\" is not a decimal number" },
		{ "target=0", "target 0 is out of range (it must be above 0)" },
		{ "target=-5", "target -5 is out of range (it must be above "
		    "0)" },
		{ "tolerance=1", "tolerance 1 is out of range (it must be in "
		    "[0, 1))" },
		{ "tolerance=-0.1", "tolerance -0.1 is out of range (it must "
		    "be in [0, 1))" },
		{ "sync=0s", "sync 0s is out of range (it must be 1s or "
		    "more)" },
		{ "sync=500ms", "sync 500ms is out of range (it must be 1s or "
		    "more)" },
		{ "sync=15", "sync \"15\" is not a duration (such as 15s, 5m, "
		    "1h)" },
		{ "window=0", "window 0 is out of range (it must be above 0)" },
		{ "window=soon", "window \"soon\" is not a duration (such as "
		    "15s, 5m, 1h)" },
		{ "stabilize=-1s", "stabilize \"-1s\" is not a duration (such "
		    "as 15s, 5m, 1h)" },
		{ "stabilize=0x", "stabilize \"0x\" is not a duration (such "
		    "as 15s, 5m, 1h)" },
		{ "up_pods=-1", "up_pods -1 is out of range (it must be 0 to "
		    "2147483647)" },
		{ "up_pods=1.5", "up_pods \"1.5\" is not an integer" },
		{ "up_pods=99999999999", "up_pods 99999999999 is out of range "
		    "(it must be 0 to 2147483647)" },
		{ "up_percent=-5", "up_percent -5 is out of range (it must be "
		    "0 or more)" },
		{ "target=70,target=80", "target is given twice" },
		{ "target=70,", "an empty item in \"target=70,\" (items are "
		    "key=value, separated by commas)" },
		{ ",sync=15s", "an empty item in \",sync=15s\" (items are "
		    "key=value, separated by commas)" },
		{ "sync=15s, window=30s", "unknown key \" window\" (known: "
		    "target, tolerance, sync, window, stabilize, up_pods, "
		    "up_percent)" },
	};
	struct hpa_params	p, q;
	char			err[256];
	size_t			i;

	hpa_params_default(&p);
	for (i = 0; i < NITEMS(bad); i++) {
		q = p;
		strcpy(err, "");
		cr_expect_eq(hpa_params_parse(bad[i].s, &q, err, sizeof(err)),
		    -EINVAL, "%s", bad[i].s);
		cr_expect_str_eq(err, bad[i].err, "%s", bad[i].s);
		/* a failed parse leaves the parameters as they were */
		cr_expect(params_eq(&p, &q), "%s", bad[i].s);
	}
}

/* Invariants over random inputs: bounds, the up limit, no flip. */
Test(hpa, random_invariants)
{
	struct hpa_params	p = params(2, 40);
	struct hpa		*h = hpa_new(&p);
	struct hpa_in		in;
	uint64_t		x = 0x9e3779b97f4a7c15ULL;
	int			i, r, cur = 5;

	for (i = 1; i <= 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		in = in_at(15 * (int64_t)i, cur, (int)(x % (uint64_t)(cur + 1)),
		    (double)(x >> 40 & 0xff));
		r = hpa_sync(h, &in);
		cr_assert(r >= p.min_no && r <= p.max_no, "%d", r);
		cr_assert(r <= cur + 4 || r <= 2 * cur, "%d -> %d", cur, r);
		if (in.counted < cur && in.usage / p.target > 1.1)
			cr_assert(r >= cur, "%d -> %d", cur, r);
		cur = r;
	}
	hpa_free(h);
}
