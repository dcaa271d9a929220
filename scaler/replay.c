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
	struct winagg_point *pts;	/* per sample instant k */
	int		 last_dir;	/* of the last action: -1, 0, +1 */
	int64_t		 under_run;	/* the current under-provisioning */
	double		 under, over, under_t, over_t, dropped, rep_s;
	struct replay_score score;
};

struct run {
	const struct replay_model *m;
	const struct replay_load *l;
	struct policy	 pol;		/* a copy: enabled, acting */
	struct fleet	 das, peer;
	struct hpa	*hpa;
	struct hpa_params hp;
	struct winagg_point *scratch;
	int64_t		 last_change;	/* absolute ns; 0 = never */
	struct decide_rec *recs;	/* decide's recommendations, oldest
					 * first, from recs[rec0] */
	size_t		 nrecs, rec0, recs_cap;
	int64_t		 span, max_window;
	double		 load_s;	/* Σ L dt */
	struct replay_result *res;
	size_t		 rows_cap;
};

static int
replay_demand(const struct replay_model *m, double load)
{
	double	d = ceil(load / (m->capacity * m->demand_util) - 1e-9);

	return d < 1 ? 1 : d > INT_MAX ? INT_MAX : (int)d;
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
 * What each ready replica reports at sample k (taken at t); a custom
 * measurement (README, "Replay") reports the load itself, one point per
 * instant, whatever runs.
 */
static void
fleet_sample(struct fleet *f, const struct run *r, size_t k, int64_t t)
{
	int	ready = fleet_ready(f, t);
	double	v = 0;

	if (f == &r->das && POLICY_CUSTOM(&r->pol)) {
		f->pts[k].value = r->l->load[k];
		f->pts[k].weight = 1;
		return;
	}

	if (ready > 0) {
		v = r->l->load[k] / ready;
		if (r->m->capped && v > 100)
			v = 100;
	}
	f->pts[k].value = v;
	f->pts[k].weight = (uint32_t)ready;
}

/* Accumulate the scores of [t, t + dt) at load L. */
static void
fleet_integrate(struct fleet *f, const struct replay_model *m, double load,
    int64_t t, int64_t dt)
{
	int	d = replay_demand(m, load), s = fleet_ready(f, t);
	double	sec = (double)dt / NS;

	f->rep_s += (double)f->n * sec;
	f->dropped += fmax(0, load - s * m->capacity) * sec;
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
fleet_init(struct fleet *f, size_t nsamples, int start)
{
	memset(f, 0, sizeof *f);
	f->pts = xcalloc(nsamples + 1, sizeof *f->pts);
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
	free(f->pts);
}

/* The load sampled last at or before t (the interval ending there). */
static double
replay_load_at(const struct run *r, int64_t t)
{
	int64_t	k = t / r->m->interval_ns - 1;

	if (k < 0)
		k = 0;
	if ((size_t)k >= r->l->n)
		k = (int64_t)r->l->n - 1;
	return r->l->load[k];
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
 * Keep this tick's recommendation for stabilization (what pstate.c does
 * for das), forgetting those older than both stabilization windows.
 */
static void
replay_rec(struct run *r, int64_t now, int desired)
{
	int64_t	keep = r->pol.stabilize_in_ns > r->pol.stabilize_out_ns ?
	    r->pol.stabilize_in_ns : r->pol.stabilize_out_ns;

	if (keep <= 0)
		return;
	while (r->rec0 < r->nrecs && r->recs[r->rec0].ns <= now - keep)
		r->rec0++;
	if (r->nrecs == r->recs_cap) {
		if (r->rec0 > 0) {
			memmove(r->recs, r->recs + r->rec0,
			    (r->nrecs - r->rec0) * sizeof *r->recs);
			r->nrecs -= r->rec0;
			r->rec0 = 0;
		}
		if (r->nrecs == r->recs_cap) {
			r->recs_cap = r->recs_cap ? r->recs_cap * 2 : 64;
			r->recs = xreallocarray(r->recs, r->recs_cap,
			    sizeof *r->recs);
		}
	}
	r->recs[r->nrecs].ns = now;
	r->recs[r->nrecs++].desired = desired;
}

/* Both windows as InfluxDB would answer das's statements. */
static void
replay_windows(struct run *r, int64_t t, size_t nsampled,
    struct decide_in *in)
{
	const struct replay_model *m = r->m;
	int64_t	now = m->origin_ns + t, t0 = m->origin_ns + m->interval_ns;
	bool	ready = r->pol.mode != POLICY_MODE_THRESHOLD &&
		    !POLICY_CUSTOM(&r->pol);

	winagg_obs(&r->pol, r->das.pts, nsampled, t0, m->interval_ns, now,
	    r->pol.out_window_ns, r->scratch, &in->out);
	if (r->pol.in_window_ns == r->pol.out_window_ns)
		in->in = in->out;	/* the same statement, asked once */
	else
		winagg_obs(&r->pol, r->das.pts, nsampled, t0, m->interval_ns,
		    now, r->pol.in_window_ns, r->scratch, &in->in);
	in->out.total = in->in.total = POLICY_CUSTOM(&r->pol);
	if (!ready)
		return;
	/* the replicas' ready times are from 0: so are these times */
	winagg_ready(&r->pol, r->das.pts, nsampled, m->interval_ns,
	    m->interval_ns, t, r->pol.out_window_ns, r->das.ready_at, r->das.n,
	    r->scratch, &in->out);
	winagg_ready(&r->pol, r->das.pts, nsampled, m->interval_ns,
	    m->interval_ns, t, r->pol.in_window_ns, r->das.ready_at, r->das.n,
	    r->scratch, &in->in);
}

/*
 * The peaks prediction reads (predict.h), from the samples taken before
 * t only: for period k, the largest total reported over (t − k·P, t −
 * k·P + lead] (a replica's value times the ready ones reporting it, or
 * a custom measurement's load); NAN before the trace's start.
 */
static void
replay_peaks(const struct run *r, int64_t t, size_t nsampled,
    double peaks[PREDICT_PERIODS])
{
	const struct winagg_point *pts = r->das.pts;
	int64_t	I = r->m->interval_ns, a, b, j;
	size_t	k;
	double	v;

	for (k = 0; k < PREDICT_PERIODS; k++) {
		peaks[k] = NAN;
		a = t - (int64_t)(k + 1) * r->pol.predict_ns;
		b = a + r->pol.lead_ns;
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

/*
 * One das tick at t: the two windows aggregated as InfluxDB would, then
 * decide() exactly as tick_eval.c calls it, and the action applied as
 * tick_act.c would (the change time is the tick's).
 */
static void
replay_das_tick(struct run *r, int64_t t, size_t nsampled)
{
	const struct replay_model *m = r->m;
	struct decide_in	 in;
	struct decide_out	 out;
	struct replay_row	*row;
	double			 peaks[PREDICT_PERIODS];
	int64_t			 now = m->origin_ns + t;

	memset(&in, 0, sizeof in);
	in.policy = &r->pol;
	in.replicas = (int)r->das.n;
	in.now_ns = now;
	in.last_change_ns = r->last_change;
	in.sample_interval_ns = m->interval_ns;
	in.recs = r->recs + r->rec0;
	in.nrecs = r->nrecs - r->rec0;
	replay_windows(r, t, nsampled, &in);
	if (r->pol.predict_ns > 0) {
		replay_peaks(r, t, nsampled, peaks);
		in.peaks = peaks;
	}
	decide(&in, &out);
	replay_rec(r, now, out.desired);
	if (out.after != out.before) {
		fleet_set(&r->das, out.after, t, m->start_delay_ns);
		r->last_change = now;
	}
	row = replay_row_add(r);
	row->t_ns = t;
	row->load = replay_load_at(r, t);
	row->demand = replay_demand(m, row->load);
	row->ready = fleet_ready(&r->das, t);
	row->replicas = (int)r->das.n;
	row->value = out.value;
	row->action = decide_action_name(out.action);
	row->reason = out.reason;
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

	winagg_obs(&mean, r->peer.pts, nsampled, r->m->interval_ns,
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
	for (i = 0; i < r->peer.n; i++)
		in.counted += r->peer.ready_at[i] <= t - r->hp.window_ns;
	in.have_usage = in.counted > 0 &&
	    replay_peer_usage(r, t, nsampled, &in.usage);
	to = hpa_sync(r->hpa, &in);
	fleet_set(&r->peer, to, t, r->m->start_delay_ns);
}

/* --start, or what the first 10 minutes' mean load demands, in bounds. */
static int
replay_start(const struct replay_model *m, const struct replay_load *l,
    const struct policy *p)
{
	size_t	k, n = (size_t)(600 * NS / m->interval_ns);
	double	sum = 0;
	int	s = m->start;

	if (s < 0) {
		if (n == 0)
			n = 1;
		if (n > l->n)
			n = l->n;
		for (k = 0; k < n; k++)
			sum += l->load[k];
		s = replay_demand(m, sum / (double)n);
	}
	return s < p->min_no ? p->min_no : s > p->max_no ? p->max_no : s;
}

/* errf, and -EINVAL. */
#define replay_err(err, errlen, ...) \
	(errf((err), (errlen), __VA_ARGS__), -EINVAL)

static int
replay_check(const struct replay_model *m, const struct replay_load *l,
    char *err, size_t errlen)
{
	if (l->n == 0)
		return replay_err(err, errlen, "the load has no samples");
	if (m->interval_ns <= 0 || m->tick_ns <= 0 || m->start_delay_ns < 0)
		return replay_err(err, errlen, "the interval and tick must be > 0 "
		    "and the start delay >= 0");
	if (!(m->capacity > 0) || !(m->demand_util > 0) ||
	    m->demand_util > 1)
		return replay_err(err, errlen, "the capacity must be > 0 and the "
		    "demand utilization in (0, 100] %%");
	if (l->interval_ns != m->interval_ns)
		return replay_err(err, errlen, "the load is sampled every %lld ns, "
		    "the model every %lld ns", (long long)l->interval_ns,
		    (long long)m->interval_ns);
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

	if (t % m->interval_ns == 0 && t > 0 && *nsampled < r->l->n) {
		fleet_sample(&r->das, r, *nsampled, t);
		if (r->hpa)
			fleet_sample(&r->peer, r, *nsampled, t);
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
	size_t	nsampled = 0;
	double	load;

	while (t < r->span) {
		next = min64(next_of(t, m->interval_ns), next_of(t, m->tick_ns));
		next = min64(next, fleet_next_ready(&r->das, t));
		if (r->hpa) {
			next = min64(next, next_of(t, r->hp.sync_ns));
			next = min64(next, fleet_next_ready(&r->peer, t));
		}
		next = min64(next, r->span);
		dt = next - t;
		load = r->l->load[t / m->interval_ns];
		r->load_s += load * (double)dt / NS;
		fleet_integrate(&r->das, m, load, t, dt);
		if (r->hpa)
			fleet_integrate(&r->peer, m, load, t, dt);
		t = next;
		if (t < r->span)
			replay_at(r, t, &nsampled);
	}
}

static void
replay_peer_init(struct run *r, const struct hpa_params *peer, int start)
{
	r->hp = *peer;
	r->hp.min_no = r->pol.min_no;
	r->hp.max_no = r->pol.max_no;
	r->hpa = hpa_new(&r->hp);
	fleet_init(&r->peer, r->l->n, start);
}

int
replay_run(const struct replay_model *m, const struct replay_load *l,
    const struct policy *p, const struct hpa_params *peer,
    struct replay_result *res, char *err, size_t errlen)
{
	struct run	r;
	int		start;

	memset(res, 0, sizeof *res);
	if (replay_check(m, l, err, errlen) != 0)
		return -EINVAL;
	memset(&r, 0, sizeof r);
	r.m = m;
	r.l = l;
	r.res = res;
	r.pol = *p;		/* shallow: its strings stay p's */
	r.pol.enabled = true;	/* what it would have done, acting */
	r.pol.dry_run = false;
	r.span = (int64_t)l->n * m->interval_ns;
	start = replay_start(m, l, p);
	fleet_init(&r.das, l->n, start);
	if (peer != NULL)
		replay_peer_init(&r, peer, start);
	r.scratch = xcalloc(l->n + 1, sizeof *r.scratch);
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
	hpa_free(r.hpa);
	fleet_free(&r.das);
	fleet_free(&r.peer);
	free(r.scratch);
	free(r.recs);
	return 0;
}

void
replay_result_free(struct replay_result *res)
{
	free(res->rows);
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

	fprintf(f, "time,load,ready,replicas,value,action,reason%s\n",
	    res->has_peer ? ",peer_ready,peer_replicas" : "");
	for (i = 0; i < res->nrows; i++) {
		w = &res->rows[i];
		fprintf(f, "%.3f,%.6g,%d,%d,", (double)w->t_ns / NS, w->load,
		    w->ready, w->replicas);
		if (isfinite(w->value))
			fprintf(f, "%.6g", w->value);
		fprintf(f, ",%s,%s", w->action, w->reason);
		if (res->has_peer)
			fprintf(f, ",%d,%d", w->peer_ready, w->peer_replicas);
		fputc('\n', f);
	}
}
