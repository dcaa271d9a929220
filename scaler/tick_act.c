/*
 * tick_act: the tick's decisions carried out — journal what each policy
 * is (invalid, changed by hand, in error) and change replica counts
 * through its backend. Only the leader acts; dasctl (act = false) only
 * reads the statuses.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "log.h"
#include "xmalloc.h"

static bool
tick_acting(const struct engine *e)
{
	return e->cfg.act && e->t.report.leader;
}

static const char *
tick_state_name(const struct decide_out *out)
{
	if (out->action == DECIDE_PAUSED)
		return "paused";
	if (out->action != DECIDE_HOLD)
		return out->dry_run && out->action != DECIDE_STEADY ?
		    "dry_run" : "ok";
	if (strcmp(out->reason, "no_data") == 0)
		return "no_data";
	if (strcmp(out->reason, "cooldown") == 0 ||
	    strcmp(out->reason, "window_after_change") == 0)
		return "cooling_down";
	return "ok";
}

/* An invalid row: logged and journaled once per change of row or reason. */
static void
tick_invalid_row(struct engine *e, struct work *w)
{
	struct engine_who	who;

	if (!pstate_once_invalid(w->st, policy_row_hash(w->row), w->err))
		return;
	log_warnx("policy seq %lld (service \"%.128s\"): %s; skipping this "
	    "row until it changes", (long long)w->st->seq,
	    w->row->service_id ? w->row->service_id : "", w->err);
	engine_who_of(w, &who);
	engine_record(e, &who, 0, "invalid", -1, -1, NAN, NAN, "invalid",
	    w->err);
}

static void
tick_error(struct engine *e, struct work *w, const char *err)
{
	struct engine_who	who;

	w->status->state = "error";
	w->status->detail = err == w->err ? w->err :
	    strpool_add(&e->t.strs, err);
	if (!tick_acting(e))
		return;
	engine_who_of(w, &who);
	engine_record_error(e, w->st, &who, w->replicas, err);
}

/* A change das did not make, noticed by tick_decide. */
static void
tick_manual(struct engine *e, struct work *w)
{
	struct engine_who	who;
	char			why[160];

	snprintf(why, sizeof why, "replicas changed outside das from %d to "
	    "%d; cooldown starts now", w->manual_from, w->replicas);
	log_info("policy seq %lld (service %s): %s", (long long)w->st->seq,
	    w->pol.service, why);
	engine_who_of(w, &who);
	engine_record(e, &who, w->manual_ns, "manual", w->manual_from,
	    w->replicas, NAN, NAN, "external", why);
}

/* Keep cur_no equal to the replica count das observed or set. */
static void
tick_cur_no(struct engine *e, struct work *w)
{
	if (w->replicas < 0 || w->pol.cur_no == w->replicas || w->busy)
		return;
	engine_set_cur_no(e, w->st->seq, w->replicas);
}

/* A call on the tick's thread (Swarm; every backend for dasctl). */
static int
tick_call_now(struct engine *e, struct work *w, int to,
    struct backend_call *c)
{
	struct backend_env	env;
	struct backend_target	tgt = { &w->pol, w->command, w->st->seq };

	engine_backend_env(e, &env);
	backend_call_init(c, w->be, &env, &tgt, w->be == &backend_swarm ?
	    w->status->service_id : w->pol.service, w->replicas, to);
	w->be->scale(c);
	return c->rc;
}

/* A change's words: the backend's, or a pre-scale's forecast. */
static const char *
tick_change_detail(struct engine *e, const struct work *w,
    const struct backend_call *c)
{
	if (w->out.reason != NULL && strcmp(w->out.reason, "predicted") == 0)
		return tick_predict_detail(e, w);
	return c->detail.len > 0 ? buf_str(&c->detail) : NULL;
}

/* Change the replica count and record it; errors are journaled once. */
static void
tick_change(struct engine *e, struct work *w)
{
	const struct decide_out	*out = &w->out;
	const char		*action = decide_action_name(out->action);
	struct engine_who	 who;
	struct backend_call	 c;

	if (w->be->background && e->jobs != NULL) {
		(void)engine_job_scale(e, w);
		return;
	}
	if (tick_call_now(e, w, out->after, &c) != 0) {
		log_warnx("seq %lld service %s: %s %d -> %d failed: %s; "
		    "trying again next tick", (long long)w->st->seq,
		    w->pol.service, action, out->before, out->after, c.err);
		tick_error(e, w, c.err);
		backend_call_clear(&c);
		return;
	}
	e->t.report.actions++;
	w->st->last_change_ns = c.done_ns;
	w->st->known = out->after;
	pstate_forget_key(w->st);
	w->replicas = w->status->replicas = out->after;
	w->status->last_change_ns = c.done_ns;
	tick_group_changed(w, c.done_ns, out->after);
	engine_who_of(w, &who);
	engine_record(e, &who, c.done_ns, action, out->before, out->after,
	    out->value, out->threshold, out->reason, tick_group_detail(e, w,
	    tick_change_detail(e, w, &c)));
	if (out->reason != NULL && strcmp(out->reason, "predicted") == 0)
		tick_predict_started(e, w, c.done_ns);
	backend_call_clear(&c);
}

/* A hold, a pause or a dry run: journaled once per change. */
static void
tick_note(struct engine *e, struct work *w, bool change)
{
	const struct decide_out	*out = &w->out;
	const char		*name = decide_action_name(out->action);
	struct engine_who	 who;
	char			 detail[400];

	engine_who_of(w, &who);
	if (change) {
		snprintf(detail, sizeof detail, "dry run: would %s", name);
		if (pstate_once_dry_run(w->st, name, out->after))
			engine_record(e, &who, 0, "dry_run", out->before,
			    out->after, out->value, out->threshold,
			    out->reason, detail);
	} else if (out->action == DECIDE_STEADY)
		pstate_forget_key(w->st);
	else if (pstate_once_hold(w->st, name, out->reason))
		engine_record(e, &who, 0, name, out->before, out->after,
		    out->value, out->threshold, out->reason,
		    tick_group_detail(e, w, w->stmt_err != NULL ?
		    w->status->detail : NULL));
}

static bool
tick_is_change(enum decide_action a)
{
	return a == DECIDE_SCALE_OUT || a == DECIDE_SCALE_IN ||
	    a == DECIDE_BOUNDS;
}

/*
 * A hold for want of InfluxDB's answer says why (ctl.c: ctl_degraded).
 * InfluxDB's own words about a statement it did not run get the server,
 * and "not executed" what InfluxDB 1.x means by it; das's own words (a
 * failed request names the server already) are as they are.
 */
static void
tick_metrics_detail(struct engine *e, struct work *w)
{
	const char	*why = w->stmt_err, *where;

	if (why == NULL || w->out.action != DECIDE_HOLD)
		return;
	where = e->ports.query_where(e->ports.ctx);
	if (strcmp(why, "not executed") == 0)
		w->status->detail = strpool_printf(&e->t.strs, "metrics "
		    "unavailable: InfluxDB at %s answered \"not executed\" "
		    "(InfluxDB 1.x's word when an earlier statement of the "
		    "request failed, and for every statement when the database, "
		    "\"%s\", does not exist)", where, e->cfg.database);
	else if (strncmp(why, "database not found", 18) == 0 ||
	    strncmp(why, "not executed: ", 14) == 0)
		w->status->detail = strpool_printf(&e->t.strs, "metrics "
		    "unavailable: InfluxDB at %s: %s", where, why);
	else
		w->status->detail = strpool_printf(&e->t.strs,
		    "metrics unavailable: %s", why);
}

/* One decided policy: its status, then (leader) its action or note. */
static void
tick_apply(struct engine *e, struct work *w)
{
	const struct decide_out	*out = &w->out;
	bool	change = tick_is_change(out->action);
	bool	dry = out->dry_run || e->cfg.dry_run;

	w->status->state = dry && change ? "dry_run" : tick_state_name(out);
	tick_metrics_detail(e, w);
	if (!tick_acting(e))
		return;
	tick_predict_follow(e, w);
	if (w->manual_from >= 0)
		tick_manual(e, w);
	if (change && !dry)
		tick_change(e, w);
	else
		tick_note(e, w, change);
	tick_cur_no(e, w);
}

/* A policy whose backend call still runs, or whose members are replaced. */
static void
tick_wait(struct engine *e, struct work *w)
{
	w->status->state = "busy";
	w->status->detail = "a backend call is running (at most "
	    "exec_timeout); this policy waits for it";
	if (w->replace && tick_acting(e))
		(void)engine_job_replace(e, w);
}

/*
 * A row of a group whose decision is another row's (tick_group.c), after
 * that row acted: it acts on nothing. A change of its own that the group
 * did not make (a scale-in blocked by another row, or one overruled by a
 * scale-out) is journaled once as a hold, reason "group", naming the
 * driver; a change the group made (the same direction) is the driver's
 * row; anything else is journaled as for a row alone.
 */
static void
tick_follow(struct engine *e, struct work *w)
{
	const struct decide_out	*out = &w->out, *g = &w->grp->driver->out;
	struct engine_who	 who;

	w->status->state = tick_state_name(out);
	tick_metrics_detail(e, w);
	if (!tick_acting(e))
		return;
	if (w->manual_from >= 0)
		tick_manual(e, w);
	if (!tick_is_change(out->action))
		tick_note(e, w, false);
	else if (w->grp->driver->decided && g->action == out->action)
		pstate_forget_key(w->st);
	else if (pstate_once_hold(w->st, "hold", "group")) {
		engine_who_of(w, &who);
		engine_record(e, &who, 0, "hold", out->before, out->before,
		    out->value, out->threshold, "group", w->grp->sentence);
	}
	tick_cur_no(e, w);
}

void
tick_act(struct engine *e)
{
	struct work	*w;
	size_t		 i;

	for (i = 0; i < e->t.nwork; i++) {
		w = &e->t.work[i];
		if (!w->valid && *w->err != '\0' && tick_acting(e))
			tick_invalid_row(e, w);
		else if (!w->valid)
			continue;
		else if (w->busy || w->replace)
			tick_wait(e, w);
		else if (w->replicas < 0)
			tick_error(e, w, w->err);
		else if (w->decided && !w->follows)
			tick_apply(e, w);
	}
	/* the rows that follow, once their driver acted */
	for (i = 0; i < e->t.nwork; i++) {
		w = &e->t.work[i];
		if (w->valid && w->follows && w->decided && !w->busy)
			tick_follow(e, w);
	}
}

/*
 * A change that cannot be recorded is not made (README, "Exit status"):
 * the journal row and cur_no are PostgreSQL writes, and a session that
 * cannot write (read-only, a standby) is found by a write to the policy's
 * row that changes nothing. 0, -ETIMEDOUT (the row locked) or -EACCES.
 */
static int
scale_recordable(struct engine *e, int64_t seq, char *err, size_t errlen)
{
	char	perr[512];
	bool	stalled = false;

	if (e->ports.touch_row(e->ports.ctx, seq, &stalled, perr,
	    sizeof perr) == 0)
		return 0;
	if (stalled) {
		e->t.table_stalled = true;
		snprintf(err, errlen, "the das row of seq %lld is locked, so "
		    "the change could not be recorded (%s)", (long long)seq,
		    perr);
		return -ETIMEDOUT;
	}
	snprintf(err, errlen, "PostgreSQL would not record the change "
	    "(writing the das row of seq %lld: %s)", (long long)seq, perr);
	return -EACCES;
}

int
engine_scale_by_hand(struct engine *e, int64_t seq, int to, char *err,
    size_t errlen)
{
	struct engine_who	 who;
	struct backend_call	 c;
	struct work		*w = NULL;
	char			 why[160];
	size_t			 i;
	int			 rc, before;

	for (i = 0; i < e->t.nwork && w == NULL; i++) {
		if (e->t.work[i].st->seq == seq)
			w = &e->t.work[i];
	}
	if (w == NULL || !w->valid || w->replicas < 0) {
		snprintf(err, errlen, "policy seq %lld is %s", (long long)seq,
		    w == NULL ? "not in the table" : w->err);
		return -EINVAL;
	}
	before = w->replicas;
	if ((rc = scale_recordable(e, seq, err, errlen)) != 0)
		return rc;
	rc = tick_call_now(e, w, to, &c);
	snprintf(err, errlen, "%s", c.err);
	backend_call_clear(&c);
	if (rc != 0)
		return rc;
	w->replicas = to;
	w->st->known = to;
	snprintf(why, sizeof why, "scaled by hand from %d to %d with dasctl",
	    before, to);
	engine_who_of(w, &who);
	engine_record(e, &who, 0, "manual", before, to, NAN, NAN, "dasctl",
	    why);
	tick_cur_no(e, w);
	engine_flush_events(e);
	return 0;
}
