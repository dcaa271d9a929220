/*
 * engine_job: an exec or runc backend call on a job of its own (bjobs.h),
 * journaled when it ends, at the time it ended.
 *
 * While a policy's call runs, the policy waits (tick_observe marks it
 * busy); every other policy decides and acts as usual. A call is bounded by
 * exec_timeout (proc.h kills its process group); its failure is
 * journaled once, as an error.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "log.h"
#include "xmalloc.h"

struct engine_job {
	struct backend_call	 call;
	char			*service;	/* journal: the row's service */
	char			*service_id;	/* journal: resolved id */
	/* the decision being carried out, for the journal */
	char			 action[24];
	char			 reason[40];
	double			 value, threshold;
	/* a pre-scale (tick_predict.c): its words, forecast and lead */
	char			*predicted;
	double			 forecast;
	int64_t			 lead_ns;
	/* the other rows of its group (tick_group.c), and its sentence */
	int64_t			*follow;
	size_t			 nfollow;
	char			*group;
};

static void
engine_job_run(void *arg)
{
	struct engine_job	*j = arg;

	if (j->call.replace)
		j->call.be->replace(&j->call);
	else
		j->call.be->scale(&j->call);
}

static void
engine_job_free(struct engine_job *j)
{
	backend_call_clear(&j->call);
	free(j->service);
	free(j->service_id);
	free(j->follow);
	free(j->group);
	free(j->predicted);
	free(j);
}

static struct engine_job *
engine_job_new(struct engine *e, const struct work *w, int to)
{
	struct engine_job	*j = xcalloc(1, sizeof *j);
	struct backend_env	 env;
	struct backend_target	 tgt = { &w->pol, w->command, w->st->seq };

	engine_backend_env(e, &env);
	backend_call_init(&j->call, w->be, &env, &tgt, w->pol.service,
	    w->replicas, to);
	j->service = xstrdup(w->row->service_id ? w->row->service_id : "");
	j->service_id = xstrdup(w->status->service_id);
	j->value = j->threshold = NAN;
	return j;
}

static int
engine_job_go(struct engine *e, struct work *w, struct engine_job *j)
{
	int	rc;

	rc = bjobs_start(e->jobs, w->st->seq, engine_job_run, j);
	if (rc != 0) {
		log_warnx("seq %lld service %s: cannot start the %s backend "
		    "call: %s; trying again next tick", (long long)w->st->seq,
		    w->pol.service, policy_backend_name(w->pol.backend),
		    strerror(-rc));
		engine_job_free(j);
		return rc;
	}
	w->busy = true;
	w->status->state = "acting";
	return 0;
}

/* A group's driver: the rows that follow its change, and its words. */
static void
engine_job_group(struct engine_job *j, const struct work *w)
{
	size_t	i;

	if (w->grp == NULL || w->grp->sentence == NULL)
		return;
	j->group = xstrdup(w->grp->sentence);
	j->follow = xcalloc(w->grp->n, sizeof *j->follow);
	for (i = 0; i < w->grp->n; i++) {
		if (w->grp->w[i] != w)
			j->follow[j->nfollow++] = w->grp->w[i]->st->seq;
	}
}

int
engine_job_scale(struct engine *e, struct work *w)
{
	const struct decide_out	*out = &w->out;
	struct engine_job	*j = engine_job_new(e, w, out->after);

	snprintf(j->action, sizeof j->action, "%s",
	    decide_action_name(out->action));
	snprintf(j->reason, sizeof j->reason, "%s", out->reason);
	j->value = out->value;
	j->threshold = out->threshold;
	if (strcmp(out->reason, "predicted") == 0) {
		j->predicted = xstrdup(tick_predict_detail(e, w));
		j->forecast = out->pred.forecast;
		j->lead_ns = w->pol.lead_ns;
	}
	engine_job_group(j, w);
	return engine_job_go(e, w, j);
}

int
engine_job_replace(struct engine *e, struct work *w)
{
	struct engine_job	*j = engine_job_new(e, w, w->replicas);

	j->call.replace = true;
	return engine_job_go(e, w, j);
}

/* Journal each replaced container; a failed replacement is an error. */
static void
engine_job_replaced(struct engine *e, struct engine_job *j,
    const struct engine_who *who, struct pstate *st)
{
	const struct backend_replaced	*r;
	char				 why[640];
	int				 i;

	for (i = 0; i < j->call.replaced_n; i++) {
		r = &j->call.replaced[i];
		if (r->rc != 0) {
			log_warnx("seq %lld runc cluster %s: replacing stopped "
			    "container %s failed: %s; trying again next tick",
			    (long long)j->call.seq, j->call.service, r->id,
			    r->err);
			continue;
		}
		snprintf(why, sizeof why, "container %s had stopped; started "
		    "again from bundle %s (%.300s)", r->id,
		    j->call.target_name, j->call.command);
		engine_record(e, who, j->call.done_ns, "replace", r->running,
		    r->running + 1, NAN, NAN, "dead", why);
	}
	if (j->call.rc != 0)
		engine_record_error(e, st, who, -1, j->call.err);
}

/* A row counts c's change as its own. */
static void
engine_job_changed(struct pstate *st, const struct backend_call *c)
{
	st->last_change_ns = c->done_ns;
	st->known = c->to;
	pstate_forget_key(st);
}

/*
 * A scale call ended: journal the change, or the error. The rows that
 * follow a group's driver count its change as their own.
 */
static void
engine_job_scaled(struct engine *e, struct engine_job *j,
    const struct engine_who *who, struct pstate *st)
{
	const struct backend_call	*c = &j->call;
	struct buf			 detail;
	size_t				 i;

	if (c->rc != 0) {
		log_warnx("seq %lld service %s: %s %d -> %d failed: %s; "
		    "trying again next tick", (long long)c->seq, c->service,
		    j->action, c->before, c->to, c->err);
		/* part of it may be done (runc): take the next count as is */
		st->known = -1;
		for (i = 0; i < j->nfollow; i++)
			pstate_get(&e->states, j->follow[i])->known = -1;
		engine_record_error(e, st, who, c->before, c->err);
		return;
	}
	e->t.report.actions++;
	engine_job_changed(st, c);
	for (i = 0; i < j->nfollow; i++)
		engine_job_changed(pstate_get(&e->states, j->follow[i]), c);
	buf_init(&detail);
	buf_printf(&detail, "%s%s%s", j->group ? j->group : "", j->group &&
	    (c->detail.len > 0 || j->predicted) ? "; " : "", j->predicted ?
	    j->predicted : buf_str(&c->detail));
	if (j->predicted != NULL)
		tick_predict_follow_from(st, c->done_ns + j->lead_ns,
		    j->forecast, NAN);
	engine_record(e, who, c->done_ns, j->action, c->before, c->to,
	    j->value, j->threshold, j->reason, detail.len > 0 ?
	    buf_str(&detail) : NULL);
	buf_free(&detail);
	engine_set_cur_no(e, c->seq, c->to);
	for (i = 0; i < j->nfollow; i++)
		engine_set_cur_no(e, j->follow[i], c->to);
}

static void
engine_job_done(void *ctx, void *arg)
{
	struct engine		*e = ctx;
	struct engine_job	*j = arg;
	struct engine_who	 who = { j->call.seq, j->service,
	    j->service_id };
	struct pstate		*st = pstate_get(&e->states, j->call.seq);

	if (j->call.replace)
		engine_job_replaced(e, j, &who, st);
	else
		engine_job_scaled(e, j, &who, st);
	engine_job_free(j);
}

void
engine_jobs_collect(struct engine *e)
{
	if (e->jobs != NULL)
		(void)bjobs_collect(e->jobs, engine_job_done, e);
}
