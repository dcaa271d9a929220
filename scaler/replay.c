/*
 * replay: das's decisions and the HPA peer's on a recorded or synthetic
 * load, under the model of replay.h (README, "Replay"). One pass over
 * time, from event to event (a sample, a das tick, a peer sync, a replica
 * becoming ready); between two events nothing changes, so the scores
 * integrate exactly.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "log.h"
#include "replay.h"
#include "winagg.h"
#include "xmalloc.h"

#define NS	INT64_C(1000000000)

/* One supply of replicas under the model: das's or the peer's. */
struct fleet {
	int64_t		*ready_at;	/* per replica, ascending */
	size_t		 n, cap;	/* n: the replicas decided */
	int		 last_dir;	/* of the last action: -1, 0, +1 */
	int64_t		 under_run;	/* the current under-provisioning */
	double		 under, over, under_t, over_t, dropped, rep_s;
	struct replay_score score;
};

/*
 * One row of the group under test (a policy alone is a group of one):
 * its policy, its field's load and what das's collector reports of it.
 */
struct rmem {
	struct policy	 pol;		/* a copy: enabled, acting */
	const struct replay_load *l;
	double		 capacity;	/* units one replica serves */
	bool		 capped;	/* a ratio field: <= 100 a replica */
	struct winagg_point *pts;	/* das's samples, per instant k */
	struct decide_rec *recs;	/* decide's recommendations, oldest
					 * first, from recs[rec0] */
	size_t		 nrecs, rec0, recs_cap;
};

struct run {
	const struct replay_model *m;
	struct rmem	*mem;		/* the group's rows */
	struct decide_out *outs;	/* their decisions of this tick */
	size_t		 nmem;
	const struct replay_load *l;	/* the first row's: time, the peer */
	struct fleet	 das, peer;
	struct winagg_point *peer_pts;	/* the peer's samples of mem[0] */
	struct hpa	*hpa;
	struct hpa_params hp;
	struct winagg_point *scratch;
	int64_t		 last_change;	/* absolute ns; 0 = never */
	int64_t		 span, max_window;
	double		 load_s;	/* Σ L dt, the first row's */
	struct replay_result *res;
	size_t		 rows_cap;
};

/* The replicas a load needs: ceil(L / (capacity × util)), at least 1. */
static int
replay_demand(const struct replay_model *m, double capacity, double load)
{
	double	d = ceil(load / (capacity * m->demand_util) - 1e-9);

	return d < 1 ? 1 : d > INT_MAX ? INT_MAX : (int)d;
}

/* A group's demand at instant k: what its most demanding row needs. */
static int
run_demand(const struct run *r, size_t k)
{
	size_t	i;
	int	d = 1, di;

	for (i = 0; i < r->nmem; i++) {
		di = replay_demand(r->m, r->mem[i].capacity,
		    r->mem[i].l->load[k]);
		if (di > d)
			d = di;
	}
	return d;
}

static int
fleet_ready(const struct fleet *f, int64_t t)
{
	size_t	n = f->n;

	while (n > 0 && f->ready_at[n - 1] > t)
		n--;
	return (int)n;
}

/* The earliest ready time after t, or INT64_MAX. */
static int64_t
fleet_next_ready(const struct fleet *f, int64_t t)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (f->ready_at[i] > t)
			return f->ready_at[i];
	return INT64_MAX;
}

/* Set the count to `to` at t: added replicas start, the newest leave. */
static void
fleet_set(struct fleet *f, int to, int64_t t, int64_t delay)
{
	int	dir = to > (int)f->n ? 1 : to < (int)f->n ? -1 : 0;

	if (dir == 0)
		return;
	f->score.actions++;
	if (f->last_dir != 0 && dir != f->last_dir)
		f->score.reversals++;
	f->last_dir = dir;
	if ((size_t)to > f->cap) {
		f->cap = (size_t)to + 16;
		f->ready_at = xreallocarray(f->ready_at, f->cap,
		    sizeof *f->ready_at);
	}
	while (f->n < (size_t)to)
		f->ready_at[f->n++] = t + delay;
	f->n = (size_t)to;
}

/*
 * What each of the ready replicas of f reports of row e's field at
 * sample k (taken at t), into pts[k]; a custom measurement (README,
 * "Replay") reports the load itself, one point per instant, whatever
 * runs (custom: for das, whose statement reads it so).
 */
static void
fleet_sample(const struct fleet *f, const struct rmem *e, bool custom,
    struct winagg_point *pts, size_t k, int64_t t)
{
	int	ready = fleet_ready(f, t);
	double	v = 0;

	if (custom && POLICY_CUSTOM(&e->pol)) {
		pts[k].value = e->l->load[k];
		pts[k].weight = 1;
		return;
	}

	if (ready > 0) {
		v = e->l->load[k] / ready;
		if (e->capped && v > 100)
			v = 100;
	}
	pts[k].value = v;
	pts[k].weight = (uint32_t)ready;
}

/*
 * Accumulate the scores of [t, t + dt): demand d, the first row's load
 * L and capacity (dropped load).
 */
static void
fleet_integrate(struct fleet *f, int d, double load, double capacity,
    int64_t t, int64_t dt)
{
	int	s = fleet_ready(f, t);
	double	sec = (double)dt / NS;

	f->rep_s += (double)f->n * sec;
	f->dropped += fmax(0, load - s * capacity) * sec;
	if (s < d) {
		f->under += (double)(d - s) / d * sec;
		f->under_t += sec;
		f->under_run += dt;
		if (f->under_run > f->score.longest_under_ns)
			f->score.longest_under_ns = f->under_run;
	} else
		f->under_run = 0;
	if (s > d) {
		f->over += (double)(s - d) / d * sec;
		f->over_t += sec;
	}
}

static void
fleet_score(struct fleet *f, double span_s, double load_s)
{
	struct replay_score	*s = &f->score;

	s->theta_u = 100 * f->under / span_s;
	s->theta_o = 100 * f->over / span_s;
	s->tau_u = 100 * f->under_t / span_s;
	s->tau_o = 100 * f->over_t / span_s;
	s->dropped_pct = load_s > 0 ? 100 * f->dropped / load_s : 0;
	s->replica_hours = f->rep_s / 3600;
	s->final_replicas = (int)f->n;
}

static void
fleet_init(struct fleet *f, int start)
{
	memset(f, 0, sizeof *f);
	f->cap = (size_t)start + 16;
	f->ready_at = xcalloc(f->cap, sizeof *f->ready_at);
	f->n = (size_t)start;
	/* ready since before the start, for as long as any window looks */
	while (start-- > 0)
		f->ready_at[start] = INT64_MIN / 4;
}

static void
fleet_free(struct fleet *f)
{
	free(f->ready_at);
}

/* The sample instant last at or before t (the interval ending there). */
static size_t
replay_k_at(const struct run *r, int64_t t)
{
	int64_t	k = t / r->m->interval_ns - 1;

	if (k < 0)
		k = 0;
	if ((size_t)k >= r->l->n)
		k = (int64_t)r->l->n - 1;
	return (size_t)k;
}

static struct replay_row *
replay_row_add(struct run *r)
{
	struct replay_result	*res = r->res;

	if (res->nrows == r->rows_cap) {
		r->rows_cap = r->rows_cap ? r->rows_cap * 2 : 1024;
		res->rows = xreallocarray(res->rows, r->rows_cap,
		    sizeof *res->rows);
	}
	return &res->rows[res->nrows++];
}

/*
 * Keep row e's recommendation of this tick for stabilization (what
 * pstate.c does for das), forgetting those older than both windows.
 */
static void
replay_rec(struct rmem *e, int64_t now, int desired)
{
	int64_t	keep = e->pol.stabilize_in_ns > e->pol.stabilize_out_ns ?
	    e->pol.stabilize_in_ns : e->pol.stabilize_out_ns;

	if (keep <= 0)
		return;
	while (e->rec0 < e->nrecs && e->recs[e->rec0].ns <= now - keep)
		e->rec0++;
	if (e->nrecs == e->recs_cap) {
		if (e->rec0 > 0) {
			memmove(e->recs, e->recs + e->rec0,
			    (e->nrecs - e->rec0) * sizeof *e->recs);
			e->nrecs -= e->rec0;
			e->rec0 = 0;
		}
		if (e->nrecs == e->recs_cap) {
			e->recs_cap = e->recs_cap ? e->recs_cap * 2 : 64;
			e->recs = xreallocarray(e->recs, e->recs_cap,
			    sizeof *e->recs);
		}
	}
	e->recs[e->nrecs].ns = now;
	e->recs[e->nrecs++].desired = desired;
}

/* Row e's two windows as InfluxDB would answer das's statements. */
static void
replay_windows(struct run *r, struct rmem *e, int64_t t, size_t nsampled,
    struct decide_in *in)
{
	const struct replay_model *m = r->m;
	const struct policy *p = &e->pol;
	int64_t	now = m->origin_ns + t, t0 = m->origin_ns + m->interval_ns;
	bool	ready = p->mode != POLICY_MODE_THRESHOLD && !POLICY_CUSTOM(p);

	winagg_obs(p, e->pts, nsampled, t0, m->interval_ns, now,
	    p->out_window_ns, r->scratch, &in->out);
	if (p->in_window_ns == p->out_window_ns)
		in->in = in->out;	/* the same statement, asked once */
	else
		winagg_obs(p, e->pts, nsampled, t0, m->interval_ns, now,
		    p->in_window_ns, r->scratch, &in->in);
	in->out.total = in->in.total = POLICY_CUSTOM(p);
	if (!ready)
		return;
	/* the replicas' ready times are from 0: so are these times */
	winagg_ready(p, e->pts, nsampled, m->interval_ns, m->interval_ns, t,
	    p->out_window_ns, r->das.ready_at, r->das.n, r->scratch, &in->out);
	winagg_ready(p, e->pts, nsampled, m->interval_ns, m->interval_ns, t,
	    p->in_window_ns, r->das.ready_at, r->das.n, r->scratch, &in->in);
}

/*
 * The peaks prediction reads (predict.h), from row e's samples taken
 * before t only: for period k, the largest total reported over (t −
 * k·P, t − k·P + lead] (a replica's value times the ready ones
 * reporting it, or a custom measurement's load); NAN before the trace's
 * start.
 */
static void
replay_peaks(const struct run *r, const struct rmem *e, int64_t t,
    size_t nsampled, double peaks[PREDICT_PERIODS])
{
	const struct winagg_point *pts = e->pts;
	int64_t	I = r->m->interval_ns, a, b, j;
	size_t	k;
	double	v;

	for (k = 0; k < PREDICT_PERIODS; k++) {
		peaks[k] = NAN;
		a = t - (int64_t)(k + 1) * e->pol.predict_ns;
		b = a + e->pol.lead_ns;
		if (a < 0)
			continue;
		/* instant j is sampled at (j + 1)·I */
		for (j = a / I; j >= 0 && (j + 1) * I <= b &&
		    (size_t)j < nsampled; j++) {
			if ((j + 1) * I <= a || pts[j].weight == 0)
				continue;
			v = pts[j].value * pts[j].weight;
			if (!(v <= peaks[k]))
				peaks[k] = v;
		}
	}
}

/* Row e decides at t into *out, exactly as tick_eval.c calls decide(). */
static void
replay_decide(struct run *r, struct rmem *e, int64_t t, size_t nsampled,
    struct decide_out *out)
{
	struct decide_in	 in;
	double			 peaks[PREDICT_PERIODS];
	int64_t			 now = r->m->origin_ns + t;

	memset(&in, 0, sizeof in);
	in.policy = &e->pol;
	in.replicas = (int)r->das.n;
	in.now_ns = now;
	in.last_change_ns = r->last_change;
	in.sample_interval_ns = r->m->interval_ns;
	in.recs = e->recs + e->rec0;
	in.nrecs = e->nrecs - e->rec0;
	replay_windows(r, e, t, nsampled, &in);
	if (e->pol.predict_ns > 0) {
		replay_peaks(r, e, t, nsampled, peaks);
		in.peaks = peaks;
	}
	decide(&in, out);
	replay_rec(e, now, out->desired);
}

/*
 * One das tick at t: each row's two windows aggregated as InfluxDB
 * would, decide() exactly as tick_eval.c calls it, a group's decision
 * as tick_group.c makes it (decide_group: the driver's stands, and its
 * change counts as every row's), and the action applied as tick_act.c
 * would (the change time is the tick's).
 */
static void
replay_das_tick(struct run *r, int64_t t, size_t nsampled)
{
	struct decide_out	 out;
	struct replay_row	*row;
	size_t			 i, driver;

	for (i = 0; i < r->nmem; i++)
		replay_decide(r, &r->mem[i], t, nsampled, &r->outs[i]);
	/* a row alone: its own decision (decide_group of one is it) */
	driver = decide_group(r->outs, r->nmem, &out);
	if (out.after != out.before) {
		fleet_set(&r->das, out.after, t, r->m->start_delay_ns);
		r->last_change = r->m->origin_ns + t;
	}
	row = replay_row_add(r);
	row->t_ns = t;
	row->load = r->l->load[replay_k_at(r, t)];
	row->demand = run_demand(r, replay_k_at(r, t));
	row->ready = fleet_ready(&r->das, t);
	row->replicas = (int)r->das.n;
	row->value = out.value;
	row->action = decide_action_name(out.action);
	row->reason = out.reason;
	row->driver = driver;
	row->peer_ready = r->hpa ? fleet_ready(&r->peer, t) : -1;
	row->peer_replicas = r->hpa ? (int)r->peer.n : -1;
}

/* The peer's mean per-pod value over its metric window. */
static bool
replay_peer_usage(const struct run *r, int64_t t, size_t nsampled,
    double *usage)
{
	struct decide_obs	o;
	struct policy		mean = { .aggregate = POLICY_AGG_MEAN };

	winagg_obs(&mean, r->peer_pts, nsampled, r->m->interval_ns,
	    r->m->interval_ns, t, r->hp.window_ns, r->scratch, &o);
	*usage = o.value;
	return o.present;
}

static void
replay_peer_sync(struct run *r, int64_t t, size_t nsampled)
{
	struct hpa_in	in;
	size_t		i;
	int		to;

	memset(&in, 0, sizeof in);
	in.now_ns = r->m->origin_ns + t;
	in.replicas = (int)r->peer.n;
	/* groupPods: on CPU a metric window after readiness, else a sample */
	for (i = 0; i < r->peer.n; i++)
		in.counted += r->peer.ready_at[i] <= t - (r->hp.cpu ?
		    r->hp.window_ns : 0);
	in.have_usage = in.counted > 0 &&
	    replay_peer_usage(r, t, nsampled, &in.usage);
	to = hpa_sync(r->hpa, &in);
	fleet_set(&r->peer, to, t, r->m->start_delay_ns);
}

/*
 * --start, or what the first 10 minutes' mean load demands (the most
 * demanding row's), in bounds.
 */
static int
replay_start(const struct run *r)
{
	const struct replay_model *m = r->m;
	const struct policy *p = &r->mem[0].pol;
	size_t	i, k, n = (size_t)(600 * NS / m->interval_ns);
	double	sum;
	int	s = m->start, d;

	if (s < 0) {
		if (n == 0)
			n = 1;
		if (n > r->l->n)
			n = r->l->n;
		for (i = 0; i < r->nmem; i++) {
			for (k = 0, sum = 0; k < n; k++)
				sum += r->mem[i].l->load[k];
			d = replay_demand(m, r->mem[i].capacity,
			    sum / (double)n);
			s = d > s ? d : s;
		}
	}
	return s < p->min_no ? p->min_no : s > p->max_no ? p->max_no : s;
}

/* errf, and -EINVAL. */
#define replay_err(err, errlen, ...) \
	(errf((err), (errlen), __VA_ARGS__), -EINVAL)

/* Every load finite, >= 0 and at most REPLAY_LOAD_MAX. */
static int
replay_check_load(const struct replay_load *l, char *err, size_t errlen)
{
	size_t	k;

	for (k = 0; k < l->n; k++) {
		if (!(l->load[k] >= 0 && l->load[k] <= REPLAY_LOAD_MAX))
			return replay_err(err, errlen, "the load of interval %zu "
			    "(%.3f s in) is %g: a load must be a number from 0 "
			    "to %g", k, (double)k * (double)l->interval_ns / NS,
			    l->load[k], REPLAY_LOAD_MAX);
	}
	return 0;
}

static int
replay_check(const struct replay_model *m, const struct replay_member *mem,
    size_t n, char *err, size_t errlen)
{
	const struct replay_load *l;
	size_t	i;

	if (n == 0)
		return replay_err(err, errlen, "there is no policy to replay");
	if (m->interval_ns < REPLAY_TICK_MIN_NS ||
	    m->tick_ns < REPLAY_TICK_MIN_NS || m->start_delay_ns < 0)
		return replay_err(err, errlen, "the interval and tick must be "
		    "0.1 s or more (das's finest) and the start delay >= 0");
	if (!(m->demand_util > 0) || m->demand_util > 1)
		return replay_err(err, errlen, "the demand utilization must be "
		    "in (0, 100] %%");
	for (i = 0; i < n; i++) {
		l = mem[i].load;
		if (l->n == 0)
			return replay_err(err, errlen, "the load has no samples");
		if ((double)l->n * (double)m->interval_ns / (double)m->tick_ns >
		    REPLAY_TICKS_MAX)
			return replay_err(err, errlen, "%zu intervals of %.3g s "
			    "are more than %d ticks of %.3g s; replay a shorter "
			    "span or a longer tick", l->n,
			    (double)m->interval_ns / NS, REPLAY_TICKS_MAX,
			    (double)m->tick_ns / NS);
		if (replay_check_load(l, err, errlen) != 0)
			return -EINVAL;
		if (mem[i].policy->max_no > REPLAY_REPLICAS_MAX)
			return replay_err(err, errlen, "max_no %d is more than "
			    "the %d replicas a replay models (--set max_no=...)",
			    mem[i].policy->max_no, REPLAY_REPLICAS_MAX);
		if (!(mem[i].capacity > 0))
			return replay_err(err, errlen, "the capacity must be > 0");
		if (l->interval_ns != m->interval_ns)
			return replay_err(err, errlen, "the load is sampled every "
			    "%lld ns, the model every %lld ns",
			    (long long)l->interval_ns,
			    (long long)m->interval_ns);
		if (l->n != mem[0].load->n || l->origin_ns !=
		    mem[0].load->origin_ns)
			return replay_err(err, errlen, "the group's loads cover "
			    "different spans (%zu and %zu intervals)", l->n,
			    mem[0].load->n);
		if (mem[i].policy->min_no != mem[0].policy->min_no ||
		    mem[i].policy->max_no != mem[0].policy->max_no)
			return replay_err(err, errlen, "the rows of one service "
			    "decide together and must have the same bounds "
			    "(min_no %d, max_no %d and min_no %d, max_no %d)",
			    mem[0].policy->min_no, mem[0].policy->max_no,
			    mem[i].policy->min_no, mem[i].policy->max_no);
	}
	return 0;
}

/* The next instant after t of a period, or INT64_MAX without one. */
static int64_t
next_of(int64_t t, int64_t period)
{
	return period > 0 ? (t / period + 1) * period : INT64_MAX;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Everything due at t: samples first, then das's tick, the peer's sync. */
static void
replay_at(struct run *r, int64_t t, size_t *nsampled)
{
	const struct replay_model *m = r->m;
	size_t	i;

	if (t % m->interval_ns == 0 && t > 0 && *nsampled < r->l->n) {
		for (i = 0; i < r->nmem; i++)
			fleet_sample(&r->das, &r->mem[i], true, r->mem[i].pts,
			    *nsampled, t);
		if (r->hpa)
			fleet_sample(&r->peer, &r->mem[0], false, r->peer_pts,
			    *nsampled, t);
		(*nsampled)++;
	}
	if (t % m->tick_ns == 0 && t > 0)
		replay_das_tick(r, t, *nsampled);
	if (r->hpa && t % r->hp.sync_ns == 0 && t > 0)
		replay_peer_sync(r, t, *nsampled);
}

static void
replay_loop(struct run *r)
{
	const struct replay_model *m = r->m;
	int64_t	t = 0, next, dt;
	size_t	nsampled = 0, k;
	double	load, cap = r->mem[0].capacity;
	int	d;

	while (t < r->span) {
		next = min64(next_of(t, m->interval_ns), next_of(t, m->tick_ns));
		next = min64(next, fleet_next_ready(&r->das, t));
		if (r->hpa) {
			next = min64(next, next_of(t, r->hp.sync_ns));
			next = min64(next, fleet_next_ready(&r->peer, t));
		}
		next = min64(next, r->span);
		dt = next - t;
		k = (size_t)(t / m->interval_ns);
		load = r->l->load[k];
		d = run_demand(r, k);
		r->load_s += load * (double)dt / NS;
		fleet_integrate(&r->das, d, load, cap, t, dt);
		if (r->hpa)
			fleet_integrate(&r->peer, d, load, cap, t, dt);
		t = next;
		if (t < r->span)
			replay_at(r, t, &nsampled);
	}
}

static void
replay_peer_init(struct run *r, const struct hpa_params *peer, int start)
{
	const struct policy	*p = &r->mem[0].pol;

	r->hp = *peer;
	r->hp.min_no = p->min_no;
	r->hp.max_no = p->max_no;
	/* a resource utilization (a ratio of ds's), CPU's readiness rule */
	r->hp.percent = !POLICY_CUSTOM(p) && p->aggregate != POLICY_AGG_RATE &&
	    policy_field_unit(p->field) == POLICY_UNIT_PERCENT;
	r->hp.cpu = r->hp.percent && strcmp(p->field, "cpu_ratio") == 0;
	r->hpa = hpa_new(&r->hp);
	fleet_init(&r->peer, start);
	r->peer_pts = xcalloc(r->l->n + 1, sizeof *r->peer_pts);
}

static void
replay_members(struct run *r, const struct replay_member *mem, size_t n)
{
	struct rmem	*e;
	size_t		 i;

	bool		 all_paused = true;

	r->mem = xcalloc(n, sizeof *r->mem);
	r->outs = xcalloc(n, sizeof *r->outs);
	r->nmem = n;
	for (i = 0; i < n; i++)
		all_paused &= !mem[i].policy->enabled;
	for (i = 0; i < n; i++) {
		e = &r->mem[i];
		e->pol = *mem[i].policy; /* shallow: its strings stay the caller's */
		/*
		 * What it would have done, acting; a paused row of a group
		 * whose other rows act takes no part, as in das.
		 */
		e->pol.enabled = e->pol.enabled || all_paused;
		e->pol.dry_run = false;
		e->l = mem[i].load;
		e->capacity = mem[i].capacity;
		e->capped = mem[i].capped;
		e->pts = xcalloc(e->l->n + 1, sizeof *e->pts);
	}
}

static void
replay_free_run(struct run *r)
{
	size_t	i;

	for (i = 0; i < r->nmem; i++) {
		free(r->mem[i].pts);
		free(r->mem[i].recs);
	}
	free(r->mem);
	free(r->outs);
	hpa_free(r->hpa);
	fleet_free(&r->das);
	fleet_free(&r->peer);
	free(r->peer_pts);
	free(r->scratch);
}

int
replay_run_group(const struct replay_model *m,
    const struct replay_member *mem, size_t n, const struct hpa_params *peer,
    struct replay_result *res, char *err, size_t errlen)
{
	struct run	r;
	size_t		k;
	int		start;

	memset(res, 0, sizeof *res);
	if (replay_check(m, mem, n, err, errlen) != 0)
		return -EINVAL;
	memset(&r, 0, sizeof r);
	r.m = m;
	r.l = mem[0].load;
	r.res = res;
	replay_members(&r, mem, n);
	r.span = (int64_t)r.l->n * m->interval_ns;
	start = replay_start(&r);
	fleet_init(&r.das, start);
	if (peer != NULL)
		replay_peer_init(&r, peer, start);
	r.scratch = xcalloc(r.l->n + 1, sizeof *r.scratch);
	replay_loop(&r);
	fleet_score(&r.das, (double)r.span / NS, r.load_s);
	res->das = r.das.score;
	if (r.hpa) {
		fleet_score(&r.peer, (double)r.span / NS, r.load_s);
		res->peer = r.peer.score;
		res->has_peer = true;
	}
	res->start = start;
	res->span_ns = r.span;
	res->nmembers = n;
	if (n > 1) {
		res->names = xcalloc(n, sizeof *res->names);
		for (k = 0; k < n; k++)
			res->names[k] = mem[k].name != NULL ? mem[k].name : "";
	}
	replay_free_run(&r);
	return 0;
}

int
replay_run(const struct replay_model *m, const struct replay_load *l,
    const struct policy *p, const struct hpa_params *peer,
    struct replay_result *res, char *err, size_t errlen)
{
	struct replay_member	one = { p, l, m->capacity, m->capped, NULL };

	return replay_run_group(m, &one, 1, peer, res, err, errlen);
}

void
replay_result_free(struct replay_result *res)
{
	free(res->rows);
	free(res->names);
	memset(res, 0, sizeof *res);
}

void
replay_load_free(struct replay_load *l)
{
	free(l->load);
	memset(l, 0, sizeof *l);
}

void
replay_timeline_write(FILE *f, const struct replay_result *res)
{
	const struct replay_row	*w;
	size_t			 i;

	fprintf(f, "time,load,ready,replicas,value,action,reason%s%s\n",
	    res->has_peer ? ",peer_ready,peer_replicas" : "",
	    res->names != NULL ? ",row" : "");
	for (i = 0; i < res->nrows; i++) {
		w = &res->rows[i];
		fprintf(f, "%.3f,%.6g,%d,%d,", (double)w->t_ns / NS, w->load,
		    w->ready, w->replicas);
		if (isfinite(w->value))
			fprintf(f, "%.6g", w->value);
		fprintf(f, ",%s,%s", w->action, w->reason);
		if (res->has_peer)
			fprintf(f, ",%d,%d", w->peer_ready, w->peer_replicas);
		if (res->names != NULL)
			fprintf(f, ",%s", res->names[w->driver]);
		fputc('\n', f);
	}
}
