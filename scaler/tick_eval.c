/*
 * tick_eval: what each policy should do — parse the rows, observe the
 * replica counts, ask InfluxDB, decide. Nothing here acts or journals:
 * the decisions wait in the works for tick_act.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "journal.h"
#include "influx.h"
#include "log.h"
#include "xmalloc.h"

static void
engine_status_init(struct engine *e, struct work *w)
{
	struct engine_status	*s = w->status;
	const struct policy_row	*r = w->row;

	s->seq = w->st != NULL ? w->st->seq : -1;
	s->service = strpool_add(&e->t.strs, r->service_id);
	s->service_name = s->detail = s->service_id = "";
	s->field = s->aggregate = s->mode = s->backend = "";
	s->state = s->action = s->reason = s->group = s->forecast = "";
	s->measurement = s->service_tag = "";
	s->driver = -1;
	s->out_cond = strpool_add(&e->t.strs, r->out_cond);
	s->in_cond = strpool_add(&e->t.strs, r->in_cond);
	s->replicas = -1;
	s->after = -1;
	s->value = s->in_value = NAN;
	s->out_threshold = s->in_threshold = NAN;
}

static void
engine_status_aggregate(struct engine *e, struct engine_status *s,
    const struct policy *p)
{
	struct buf	b;

	buf_init(&b);
	policy_format_aggregate(p, &b);
	s->aggregate = strpool_add(&e->t.strs, buf_str(&b));
	buf_free(&b);
}

static void
engine_status_policy(struct engine *e, struct work *w)
{
	struct engine_status	*s = w->status;
	const struct policy	*p = &w->pol;

	s->backend = policy_backend_name(p->backend);
	s->min_no = p->min_no;
	s->max_no = p->max_no;
	s->out_threshold = p->out.set ? p->out.value : NAN;
	s->in_threshold = p->in.set ? p->in.value : NAN;
	s->out_window_ns = p->out_window_ns;
	s->in_window_ns = p->in_window_ns;
	s->cooldown_out_ns = p->cooldown_out_ns;
	s->cooldown_in_ns = p->cooldown_in_ns;
	s->step_out = p->step_out;
	s->step_in = p->step_in;
	s->sustained_out = p->sustained_out;
	s->sustained_in = p->sustained_in;
	s->dry_run = p->dry_run;
	s->field = strpool_add(&e->t.strs, p->field);
	s->mode = policy_mode_name(p->mode);
	if (POLICY_CUSTOM(p)) {
		s->measurement = strpool_add(&e->t.strs, p->measurement);
		s->service_tag = strpool_add(&e->t.strs, p->service_tag);
	}
	s->of_total = p->of_total;
	s->service_name = strcmp(p->service, s->service) == 0 ? s->service :
	    strpool_add(&e->t.strs, p->service);
	engine_status_aggregate(e, s, p);
}

/* Mark w invalid with err; tick_act journals it once per change. */
void
tick_invalid(struct engine *e, struct work *w, const char *err)
{
	w->valid = false;
	if (err != w->err)
		w->err = strpool_add(&e->t.strs, err);
	w->status->state = "invalid";
	w->status->detail = w->err;
}

/* The names das.conf gives in map m, for an error message. */
static void
engine_map_names(const struct cfg_map *m, char *out, size_t len)
{
	size_t	i, n = 0;

	out[0] = '\0';
	for (i = 0; i < m->n && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? ", " : "",
		    m->v[i].name);
	if (m->n == 0)
		snprintf(out, len, "none");
}

/*
 * An exec or runc row's target is the NAME of a das.conf line
 * (exec.NAME, bundle.NAME): whoever may write the table chooses among
 * what das's operator allowed, and nothing from a row is ever run or
 * used as a path.
 */
static int
engine_resolve_target(struct engine *e, struct work *w, char *err,
    size_t errlen)
{
	const struct cfg_map	*m;
	const char		*key;
	char			 names[160];

	if (w->pol.backend == POLICY_BACKEND_EXEC) {
		m = &e->exec_cmds;
		key = "exec";
	} else if (w->pol.backend == POLICY_BACKEND_RUNC) {
		m = &e->bundles;
		key = "bundle";
	} else
		return 0;
	w->command = cfg_map_get(m, w->pol.target);
	if (w->command != NULL)
		return 0;
	engine_map_names(m, names, sizeof names);
	snprintf(err, errlen, "target \"%s\" is not one of the %s names in "
	    "das.conf (%s.NAME = ...; known: %s)", w->pol.target, key, key,
	    names);
	return -ENOENT;
}

void
tick_parse(struct engine *e)
{
	struct tick	*t = &e->t;
	struct work	*w;
	long long	 seq;
	char		*end, err[320];
	size_t		 i;

	t->nwork = e->pols.n;
	t->work = xcalloc(t->nwork + 1, sizeof *t->work);
	t->report.status = xcalloc(t->nwork + 1, sizeof *t->report.status);
	t->report.nstatus = t->nwork;
	for (i = 0; i < t->nwork; i++) {
		w = &t->work[i];
		w->row = &e->pols.row[i];
		w->status = &t->report.status[i];
		w->replicas = -1;
		w->manual_from = -1;
		w->err = "";
		seq = w->row->seq ? strtoll(w->row->seq, &end, 10) : -1;
		w->st = pstate_get(&e->states, seq);
		engine_status_init(e, w);
		if (policy_parse(w->row, &w->pol, err, sizeof err) != 0 ||
		    engine_resolve_target(e, w, err, sizeof err) != 0) {
			tick_invalid(e, w, err);
			continue;
		}
		w->valid = true;
		w->be = e->ports.backend_of(e->ports.ctx, &w->pol);
		t->report.valid++;
		engine_status_policy(e, w);
	}
}

/*
 * The replica count through the policy's backend. A row that names
 * nothing the backend can scale is invalid; a count that cannot be read
 * this tick is an error (the policy holds). A runc cluster with stopped
 * members gets them replaced (tick_act starts it) before it decides.
 */
static void
tick_observe_one(struct engine *e, const struct backend_env *env,
    struct work *w)
{
	struct backend_target	tgt = { &w->pol, w->command, w->st->seq };
	struct backend_obs	o = { -1, 0, "", "" };
	char			err[320];
	int			rc;

	rc = w->be->observe(env, &tgt, &o, err, sizeof err);
	if (rc == -EINVAL) {
		tick_invalid(e, w, err);
		return;
	}
	if (rc != 0) {
		w->err = strpool_add(&e->t.strs, err);
		return;
	}
	if (*o.id != '\0') {
		w->status->service_id = strpool_add(&e->t.strs, o.id);
		w->status->service_name = strpool_add(&e->t.strs, o.name);
	}
	w->replicas = o.replicas;
	/* a percent step is a count only once the count is known */
	w->status->step_out = policy_step(&w->pol, true, o.replicas);
	w->status->step_in = policy_step(&w->pol, false, o.replicas);
	w->replace = o.stopped > 0 && w->be->replace != NULL && e->jobs &&
	    e->cfg.act && e->t.report.leader && !e->cfg.dry_run &&
	    !w->pol.dry_run && w->pol.enabled;
}

/* The Swarm services, once per tick, when a policy needs them. */
void
tick_list_services(struct engine *e)
{
	struct tick	*t = &e->t;
	size_t		 i;
	bool		 need = false;

	for (i = 0; i < t->nwork; i++)
		need |= t->work[i].valid && t->work[i].be == &backend_swarm;
	if (!need)
		return;
	t->services_ok = e->ports.list_services(e->ports.ctx, &t->services,
	    t->services_err, sizeof t->services_err) == 0;
	if (!t->services_ok)
		log_warnx("%s; no Swarm policy acts this tick", t->services_err);
}

void
tick_observe(struct engine *e)
{
	struct backend_env	 env;
	struct work		*w;
	size_t			 i;

	/* the Swarm service list: read by tick_group */
	engine_backend_env(e, &env);
	for (i = 0; i < e->t.nwork; i++) {
		w = &e->t.work[i];
		if (!w->valid)
			continue;
		if (e->jobs != NULL && bjobs_busy(e->jobs, w->st->seq)) {
			w->busy = true;		/* its call is still running */
			continue;
		}
		tick_observe_one(e, &env, w);
		w->status->replicas = w->replicas;
	}
}

static int
engine_query_sink(void *arg, const char *p, size_t len)
{
	return iql_fill_feed(arg, p, len);
}

/*
 * Ask InfluxDB and read its answer as it streams in: at 10,000 services
 * the answer is megabytes of JSON, whose whole parsed tree would be das's
 * largest allocation by far. A plan in two parts is asked as two requests
 * side by side (iql.h). 0 or a negative errno with query_err set; any
 * part failing fails the whole query.
 */
_Static_assert(IQL_PARTS_MAX <= INFLUX_STREAMS_MAX,
    "each part of the plan is one of influx_query_streams's requests");

static int
engine_query_stream(struct engine *e)
{
	struct tick	*t = &e->t;
	struct iql_fill	*f[IQL_PARTS_MAX];
	void		*args[IQL_PARTS_MAX];
	const char	*q[IQL_PARTS_MAX];
	size_t		 k, n = iql_plan_nparts(t->plan);
	char		 why[200];
	int		 rc;

	for (k = 0; k < n; k++) {
		args[k] = f[k] = iql_fill_new(t->plan, k);	/* part 0 first */
		q[k] = iql_plan_part_query(t->plan, k);
	}
	t->query_err[0] = '\0';
	rc = e->ports.query(e->ports.ctx, q, n, iql_plan_chunk_rows(t->plan),
	    engine_query_sink, args, t->query_err, sizeof t->query_err);
	for (k = 0; k < n; k++) {
		/*
		 * Always finish: a cut transfer must leave no half-read
		 * answer. The first failure's words are the ones kept.
		 */
		if (iql_fill_finish(f[k], why, sizeof why) != 0) {
			if (t->query_err[0] == '\0')
				snprintf(t->query_err, sizeof t->query_err,
				    "InfluxDB query at %s: %s",
				    e->ports.query_where(e->ports.ctx), why);
			rc = rc != 0 ? rc : -EPROTO;
		}
		iql_fill_free(f[k]);
	}
	return rc;
}

/*
 * The window cache's options for this tick: asked again, the samples of
 * the last ds interval, at least 5 s: ds writes a sample as it takes it
 * (beside its timer, bounded by its 5 s request timeout), so one not yet
 * in InfluxDB when the last tick read is there now. One written later
 * still (ds's buffer after an outage) is read at the next full read.
 */
static void
tick_cache_opts(const struct engine *e, struct iql_cache_opts *co)
{
	int64_t	every = e->cfg.sample_interval_ns > 0 ?
		    e->cfg.sample_interval_ns : DECIDE_DEFAULT_INTERVAL_NS;

	memset(co, 0, sizeof *co);
	co->cache = e->cache;
	co->now_ns = e->t.now_ns;
	co->lateness_ns = every > INT64_C(5000000000) ? every :
	    INT64_C(5000000000);
	co->resync_ns = e->cfg.cache_resync_ns;
}

void
tick_query(struct engine *e)
{
	struct tick		 *t = &e->t;
	const struct policy	**pols;
	struct iql_cache_opts	  co;
	size_t			  i, n = 0;

	pols = xcalloc(t->nwork + 1, sizeof *pols);
	for (i = 0; i < t->nwork; i++) {
		if (t->work[i].valid) {
			t->work[i].plan_idx = n;
			pols[n++] = &t->work[i].pol;
		}
	}
	tick_cache_opts(e, &co);
	t->plan = iql_plan_build_cached(pols, n, NULL, e->cfg.measurement,
	    e->cfg.sample_interval_ns, &co);
	free(pols);
	if (e->cfg.one_request)
		iql_plan_one_part(t->plan);
	t->query_ok = false;
	if (iql_plan_nstatements(t->plan) == 0)
		return;
	t->report.influx_requests += iql_plan_nparts(t->plan);
	if (e->cache != NULL && iql_plan_cache_full(t->plan))
		log_debug("window cache: reading every window in full");
	if (engine_query_stream(e) != 0) {
		iql_plan_cache_done(t->plan, false);
		log_warnx("%s; holding every policy that needs metrics this "
		    "tick%s", t->query_err, e->cache != NULL ? " (the next "
		    "tick reads every window in full)" : "");
		return;
	}
	iql_plan_cache_done(t->plan, true);
	if (iql_plan_cache_error(t->plan) != NULL && e->cache == NULL)
		log_warnx("InfluxDB did not give the samples of the ready "
		    "containers' windows: %s; holding every target and "
		    "capacity policy on ds's metrics this tick",
		    iql_plan_cache_error(t->plan));
	else if (iql_plan_cache_error(t->plan) != NULL)
		log_warnx("InfluxDB did not give ds's new samples: %s; holding "
		    "every policy on ds's metrics this tick (the next tick "
		    "reads every window in full)",
		    iql_plan_cache_error(t->plan));
	else if (e->cache != NULL)
		log_debug("window cache: %zu samples of %zu services",
		    wcache_nsamples(e->cache), wcache_ngroups(e->cache));
	t->query_ok = true;
}

/*
 * A replica count that is not the one das last set or saw was changed by
 * someone else (dasctl scale, docker service scale): it starts the
 * cooldown and is not undone, except to enforce min/max. A change dasctl
 * or another das journaled (for this row or, in a group, for any of its
 * rows) is adopted with its own time; any other is a manual change,
 * journaled by tick_act at the time das noticed it.
 */
static void
tick_detect_manual(struct engine *e, struct work *w)
{
	struct journal_row	*last = NULL;
	struct pstate		*st = w->st;
	char			 err[512];
	size_t			 i, n = 0;

	if (st->known < 0 || st->known == w->replicas) {
		st->known = w->replicas;
		return;
	}
	if (!e->cfg.act || !e->t.report.leader)
		return;
	if (e->ports.journal_last_changes(e->ports.ctx, &last, &n, err,
	    sizeof err) != 0)
		n = 0;
	for (i = 0; i < n; i++) {
		if (tick_group_has(w, last[i].seq) &&
		    last[i].after == w->replicas &&
		    last[i].ts_ns > st->last_change_ns) {
			st->last_change_ns = last[i].ts_ns;
			st->known = w->replicas;
			journal_rows_free(last, n);
			return;
		}
	}
	journal_rows_free(last, n);
	w->manual_from = st->known;
	w->manual_ns = backend_clock_ns();
	st->last_change_ns = w->manual_ns;
	st->known = w->replicas;
}

static void
engine_obs(struct engine *e, struct work *w, struct decide_in *in,
    const char **stmt_err)
{
	*stmt_err = NULL;
	memset(&in->out, 0, sizeof in->out);
	memset(&in->in, 0, sizeof in->in);
	if (!e->t.query_ok) {
		*stmt_err = e->t.query_err;
		return;
	}
	iql_plan_obs(e->t.plan, w->plan_idx, w->status->service_id, w->pol.service,
	    &in->out, &in->in, stmt_err);
}

/*
 * Decide one policy, with its recommendations of earlier ticks
 * (stabilization), and remember this tick's. dasctl's engine decides one
 * tick: it has no history, and says what decide says without one.
 */
static void
tick_decide_one(struct engine *e, struct work *w)
{
	struct decide_in	 in;
	struct decide_out	*out = &w->out;
	double			 peaks[PREDICT_PERIODS];
	int64_t			 keep;

	tick_detect_manual(e, w);
	memset(&in, 0, sizeof in);
	in.policy = &w->pol;
	in.replicas = w->replicas;
	in.now_ns = e->t.now_ns;
	in.last_change_ns = w->st->last_change_ns;
	in.sample_interval_ns = e->cfg.sample_interval_ns;
	in.recs = w->st->recs;
	in.nrecs = w->st->nrecs;
	engine_obs(e, w, &in, &w->stmt_err);
	in.peaks = tick_predict_peaks(e, w, peaks);
	decide(&in, out);
	w->load_now = tick_predict_load(&in);
	keep = w->pol.stabilize_in_ns > w->pol.stabilize_out_ns ?
	    w->pol.stabilize_in_ns : w->pol.stabilize_out_ns;
	pstate_note_rec(w->st, e->t.now_ns, out->desired, keep);
	w->decided = true;
	w->status->value = out->value;
	w->status->in_value = !in.in.present ? NAN :
	    w->pol.mode == POLICY_MODE_TARGET && in.in.ready_n > 0 ?
	    in.in.ready_total / in.in.ready_n : in.in.value;
	w->status->out_count = in.out.count;
	w->status->in_count = in.in.count;
	w->status->last_change_ns = w->st->last_change_ns;
	/* decide's names are static strings */
	w->status->action = decide_action_name(out->action);
	w->status->reason = out->reason;
	w->status->after = out->after;
	w->status->forecast = tick_predict_words(e, w);
}

/*
 * Decide every valid policy whose replica count is known and whose
 * backend is free; the others are left for tick_act to journal (an
 * error) or to wait (busy, replacing). Then each group of rows of one
 * service makes one decision of theirs (tick_group.c).
 */
void
tick_decide(struct engine *e)
{
	struct work	*w;
	size_t		 i;

	tick_group_wait(e);
	for (i = 0; i < e->t.nwork; i++) {
		w = &e->t.work[i];
		if (w->valid && !w->busy && !w->replace && w->replicas >= 0)
			tick_decide_one(e, w);
	}
	tick_group_decide(e);
}
