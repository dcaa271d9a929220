/* engine_eval: parse the rows, observe replicas, query InfluxDB, decide. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "influx.h"
#include "log.h"
#include "xmalloc.h"

static void
engine_status_init(struct engine *e, struct work *w)
{
	struct engine_status	*s = w->status;
	const struct policy_row	*r = w->row;

	s->seq = w->st != NULL ? w->st->seq : -1;
	s->service = strpool_add(&e->strs, r->service_id);
	s->service_name = s->detail = s->service_id = "";
	s->field = s->aggregate = s->mode = s->backend = "";
	s->state = s->action = s->reason = "";
	s->out_cond = strpool_add(&e->strs, r->out_cond);
	s->in_cond = strpool_add(&e->strs, r->in_cond);
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
	s->aggregate = strpool_add(&e->strs, buf_str(&b));
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
	s->sustained = p->sustained;
	s->dry_run = p->dry_run;
	s->field = strpool_add(&e->strs, p->field);
	s->mode = policy_mode_name(p->mode);
	s->service_name = strcmp(p->service, s->service) == 0 ? s->service :
	    strpool_add(&e->strs, p->service);
	engine_status_aggregate(e, s, p);
}

/*
 * Mark w invalid with err: logged and journaled once per change of the
 * row or of the reason, then skipped until the row changes.
 */
static void
engine_invalid(struct engine *e, struct work *w, const char *err)
{
	uint64_t	hash = policy_row_hash(w->row);

	w->valid = false;
	if (err != w->err)
		w->err = strpool_add(&e->strs, err);
	w->status->state = "invalid";
	w->status->detail = w->err;
	if (!e->cfg.act || !e->report.leader)
		return;
	/* invalid_hash 0: restored from the journal, where only the text is. */
	if ((w->st->invalid_hash == hash || w->st->invalid_hash == 0) &&
	    w->st->invalid_err == engine_text_hash(err)) {
		w->st->invalid_hash = hash;
		return;
	}
	w->st->invalid_hash = hash;
	w->st->invalid_err = engine_text_hash(err);
	log_warnx("policy seq %lld (service \"%.128s\"): %s; skipping this "
	    "row until it changes", (long long)w->st->seq,
	    w->row->service_id ? w->row->service_id : "", err);
	engine_journal(e, w, "invalid", -1, -1, NAN, NAN, "invalid", err);
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
	w->backend_target = cfg_map_get(m, w->pol.target);
	if (w->backend_target != NULL)
		return 0;
	engine_map_names(m, names, sizeof names);
	snprintf(err, errlen, "target \"%s\" is not one of the %s names in "
	    "das.conf (%s.NAME = ...; known: %s)", w->pol.target, key, key,
	    names);
	return -ENOENT;
}

void
engine_parse(struct engine *e)
{
	struct work	*w;
	long long	 seq;
	char		*end, err[320];
	size_t		 i;

	e->nwork = e->pols.n;
	e->work = xcalloc(e->nwork + 1, sizeof *e->work);
	e->report.status = xcalloc(e->nwork + 1, sizeof *e->report.status);
	e->report.nstatus = e->nwork;
	for (i = 0; i < e->nwork; i++) {
		w = &e->work[i];
		w->row = &e->pols.row[i];
		w->status = &e->report.status[i];
		w->replicas = -1;
		w->err = "";
		seq = w->row->seq ? strtoll(w->row->seq, &end, 10) : -1;
		w->st = engine_state(e, seq);
		engine_status_init(e, w);
		if (policy_parse(w->row, &w->pol, err, sizeof err) != 0 ||
		    engine_resolve_target(e, w, err, sizeof err) != 0) {
			engine_invalid(e, w, err);
			continue;
		}
		w->valid = true;
		e->report.valid++;
		engine_status_policy(e, w);
	}
}

/* Resolve a Swarm policy's service against this tick's service list. */
static void
engine_observe_swarm(struct engine *e, struct work *w)
{
	const struct swarm_service	*svc;
	char				 err[320];

	if (!e->services_ok) {
		w->err = strpool_add(&e->strs, e->services_err);
		return;
	}
	svc = swarm_resolve(&e->services, w->pol.service, err, sizeof err);
	if (svc == NULL) {
		engine_invalid(e, w, err);
		return;
	}
	if (svc->global) {
		snprintf(err, sizeof err, "service %s (%s) runs in global mode;"
		    " das scales replicated services only", svc->name,
		    svc->id);
		engine_invalid(e, w, err);
		return;
	}
	w->status->service_id = strpool_add(&e->strs, svc->id);
	w->status->service_name = strpool_add(&e->strs, svc->name);
	w->replicas = svc->replicas;
}

void
engine_observe(struct engine *e)
{
	struct work	*w;
	size_t		 i;
	bool		 need_swarm = false;

	for (i = 0; i < e->nwork; i++)
		need_swarm |= e->work[i].valid &&
		    e->work[i].pol.backend == POLICY_BACKEND_SWARM;
	if (need_swarm) {
		e->services_ok = swarm_list(e->docker, &e->services,
		    e->services_err, sizeof e->services_err) == 0;
		if (!e->services_ok)
			log_warnx("%s; no Swarm policy acts this tick",
			    e->services_err);
	}
	for (i = 0; i < e->nwork; i++) {
		w = &e->work[i];
		if (!w->valid)
			continue;
		if (e->jobs != NULL && bjobs_busy(e->jobs, w->st->seq)) {
			w->busy = true;		/* its call is still running */
			continue;
		}
		if (w->pol.backend == POLICY_BACKEND_SWARM)
			engine_observe_swarm(e, w);
		else
			(void)engine_backend_observe(e, w);
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
	struct iql_fill	*f[IQL_PARTS_MAX];
	void		*args[IQL_PARTS_MAX];
	const char	*q[IQL_PARTS_MAX];
	size_t		 k, n = iql_plan_nparts(e->plan);
	char		 why[200];
	int		 rc;

	for (k = 0; k < n; k++) {
		args[k] = f[k] = iql_fill_new(e->plan, k);	/* part 0 first */
		q[k] = iql_plan_part_query(e->plan, k);
	}
	e->query_err[0] = '\0';
	rc = influx_query_streams(e->influx, q, n, engine_query_sink,
	    args, e->query_err, sizeof e->query_err);
	for (k = 0; k < n; k++) {
		/*
		 * Always finish: a cut transfer must leave no half-read
		 * answer. The first failure's words are the ones kept.
		 */
		if (iql_fill_finish(f[k], why, sizeof why) != 0) {
			if (e->query_err[0] == '\0')
				snprintf(e->query_err, sizeof e->query_err,
				    "InfluxDB query at %s: %s",
				    influx_url(e->influx), why);
			rc = rc != 0 ? rc : -EPROTO;
		}
		iql_fill_free(f[k]);
	}
	return rc;
}

void
engine_query(struct engine *e)
{
	const struct policy	**pols;
	size_t			  i, n = 0;

	pols = xcalloc(e->nwork + 1, sizeof *pols);
	for (i = 0; i < e->nwork; i++) {
		if (e->work[i].valid) {
			e->work[i].plan_idx = n;
			pols[n++] = &e->work[i].pol;
		}
	}
	e->plan = iql_plan_build(pols, n, NULL, e->cfg.measurement);
	free(pols);
	if (e->cfg.one_request)
		iql_plan_one_part(e->plan);
	e->query_ok = false;
	if (iql_plan_nstatements(e->plan) == 0)
		return;
	e->report.influx_requests += iql_plan_nparts(e->plan);
	if (engine_query_stream(e) != 0) {
		log_warnx("%s; holding every policy that needs metrics this "
		    "tick", e->query_err);
		return;
	}
	e->query_ok = true;
}

/*
 * A replica count that is not the one das last set or saw was changed by
 * someone else (dasctl scale, docker service scale): it starts the
 * cooldown and is not undone, except to enforce min/max. A change dasctl
 * journaled is adopted with its own time; any other is journaled here as
 * manual.
 */
static void
engine_detect_manual(struct engine *e, struct work *w)
{
	struct journal_last	*last = NULL;
	struct pstate		*st = w->st;
	char			 err[512], why[160];
	size_t			 i, n = 0;

	if (st->known < 0 || st->known == w->replicas) {
		st->known = w->replicas;
		return;
	}
	if (!e->cfg.act || !e->report.leader)
		return;
	if (journal_last_changes(e->pg, &last, &n, err, sizeof err) != 0)
		n = 0;
	for (i = 0; i < n; i++) {
		if (last[i].seq == st->seq && last[i].after == w->replicas &&
		    last[i].ts_ns > st->last_change_ns) {
			st->last_change_ns = last[i].ts_ns;
			st->known = w->replicas;
			free(last);
			return;
		}
	}
	free(last);
	snprintf(why, sizeof why, "replicas changed outside das from %d to "
	    "%d; cooldown starts now", st->known, w->replicas);
	log_info("policy seq %lld (service %s): %s", (long long)st->seq,
	    w->pol.service, why);
	st->last_change_ns = engine_journal(e, w, "manual", st->known,
	    w->replicas, NAN, NAN, "external", why);
	st->known = w->replicas;
}

static void
engine_obs(struct engine *e, struct work *w, struct decide_in *in,
    const char **stmt_err)
{
	*stmt_err = NULL;
	memset(&in->out, 0, sizeof in->out);
	memset(&in->in, 0, sizeof in->in);
	if (!e->query_ok) {
		*stmt_err = e->query_err;
		return;
	}
	iql_plan_obs(e->plan, w->plan_idx, w->status->service_id, w->pol.service,
	    &in->out, &in->in, stmt_err);
}

static void
engine_decide_one(struct engine *e, struct work *w)
{
	struct decide_in	 in;
	struct decide_out	 out;
	const char		*stmt_err;

	if (w->busy) {
		/* its backend call runs on a job: the others go on */
		w->status->state = "busy";
		w->status->detail = "a backend call is running (at most "
		    "exec_timeout); this policy waits for it";
		log_debug("seq %lld: %s", (long long)w->st->seq,
		    w->status->detail);
		return;
	}
	if (w->replicas < 0) {
		engine_error(e, w, w->err);
		return;
	}
	engine_detect_manual(e, w);
	memset(&in, 0, sizeof in);
	in.policy = &w->pol;
	in.replicas = w->replicas;
	in.now_ns = e->now_ns;
	in.last_change_ns = w->st->last_change_ns;
	in.sample_interval_ns = e->cfg.sample_interval_ns;
	engine_obs(e, w, &in, &stmt_err);
	decide(&in, &out);
	w->status->value = out.value;
	w->status->in_value = in.in.present ? in.in.value : NAN;
	w->status->out_count = in.out.count;
	w->status->in_count = in.in.count;
	w->status->last_change_ns = w->st->last_change_ns;
	/* decide's names are static strings */
	w->status->action = decide_action_name(out.action);
	w->status->reason = out.reason;
	w->status->after = out.after;
	engine_apply(e, w, &out, stmt_err);
}

void
engine_decide_all(struct engine *e)
{
	size_t	i;

	for (i = 0; i < e->nwork; i++) {
		if (e->work[i].valid)
			engine_decide_one(e, &e->work[i]);
	}
}
