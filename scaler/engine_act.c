/* engine_act: act through a backend, journal in SQL and InfluxDB. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "execb.h"
#include "influx.h"
#include "log.h"
#include "lp.h"
#include "pgc.h"
#include "runcb.h"
#include "xmalloc.h"

/* A point in measurement das_event, for Grafana annotations. */
static void
engine_event_point(struct engine *e, const struct engine_who *who,
    const struct journal_event *ev)
{
	struct lp_point	pt;
	char		seq[32];

	snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
	lp_begin(&pt, &e->lines, e->cfg.event_measurement);
	lp_tag(&pt, "action", ev->action);
	lp_tag(&pt, "node", e->cfg.node);
	lp_tag(&pt, "seq", seq);
	lp_tag(&pt, "service", ev->service);
	lp_tag(&pt, "service_id", who->service_id);
	if (ev->before >= 0)
		lp_field_int(&pt, "before", ev->before);
	if (ev->after >= 0)
		lp_field_int(&pt, "after", ev->after);
	lp_field_float(&pt, "value", ev->value);
	lp_field_float(&pt, "threshold", ev->threshold);
	lp_field_str(&pt, "reason", ev->reason ? ev->reason : "");
	lp_field_str(&pt, "text", ev->detail ? ev->detail : ev->action);
	if (!lp_end(&pt, ev->ts_ns))
		log_debug("das_event point for seq %lld had no field",
		    (long long)ev->seq);
}

/*
 * Record one decision: a row in das_event (SQL), a point in InfluxDB and
 * a log line, at ts_ns (0: now), the time the action happened. A journal
 * that cannot be written is logged, not fatal.
 */
void
engine_record(struct engine *e, const struct engine_who *who, int64_t ts_ns,
    const char *action, int before, int after, double value,
    double threshold, const char *reason, const char *detail)
{
	struct journal_event	ev;
	char			err[512];

	memset(&ev, 0, sizeof ev);
	ev.ts_ns = ts_ns != 0 ? ts_ns : engine_clock_ns();
	ev.seq = who->seq;
	ev.service = who->service;
	ev.action = action;
	ev.before = before;
	ev.after = after;
	ev.value = value;
	ev.threshold = threshold;
	ev.reason = reason;
	ev.detail = detail;
	if (journal_write(e->pg, e->cfg.node, &ev, err, sizeof err) != 0)
		log_warnx("journal: %s; the %s of seq %lld is only in the log"
		    " and InfluxDB", err, action, (long long)ev.seq);
	else
		e->report.journal_rows++;
	engine_event_point(e, who, &ev);
	log_info("seq %lld service %s: %s %d -> %d (value %.4g, threshold "
	    "%.4g): %s%s%s", (long long)ev.seq, ev.service, action, before,
	    after, value, threshold, reason, detail ? "; " : "",
	    detail ? detail : "");
}

static void
engine_who(const struct work *w, struct engine_who *who)
{
	who->seq = w->st->seq;
	who->service = w->row->service_id ? w->row->service_id : "";
	who->service_id = w->status->service_id;
}

int64_t
engine_journal(struct engine *e, struct work *w, const char *action,
    int before, int after, double value, double threshold,
    const char *reason, const char *detail)
{
	struct engine_who	who;
	int64_t			ts = engine_clock_ns();

	engine_who(w, &who);
	engine_record(e, &who, ts, action, before, after, value, threshold,
	    reason, detail);
	return ts;
}

void
engine_flush_events(struct engine *e)
{
	if (e->lines.len > 0) {
		wq_push(e->events, e->lines.data, e->lines.len);
		buf_reset(&e->lines);
	}
	if (e->influx != NULL)
		(void)wq_flush(e->events, e->influx, e->now_ns / 1000000, 0);
}

/* Journal a hold/error/paused row only when its key changed. */
static bool
engine_once(struct work *w, const char *key)
{
	uint64_t	h = engine_text_hash(key);

	if (w->st->last_key == h)
		return false;
	w->st->last_key = h;
	return true;
}

/* Journal an error once per change of its text. */
void
engine_error_who(struct engine *e, struct pstate *st,
    const struct engine_who *who, int replicas, const char *err)
{
	char		key[96];
	uint64_t	h;

	snprintf(key, sizeof key, "error:%.80s", err);
	h = engine_text_hash(key);
	if (!e->cfg.act || st->last_key == h)
		return;
	st->last_key = h;
	engine_record(e, who, 0, "error", replicas, replicas, NAN, NAN,
	    "error", err);
}

void
engine_error(struct engine *e, struct work *w, const char *err)
{
	struct engine_who	who;

	w->status->state = "error";
	w->status->detail = err == w->err ? w->err : strpool_add(&e->strs, err);
	if (!e->report.leader)
		return;
	engine_who(w, &who);
	engine_error_who(e, w->st, &who, w->replicas, err);
}

/*
 * A runc cluster: when this das acts on the policy, stopped containers
 * are first replaced (microscaler's health manager) on a job; the policy
 * waits for it. A replacement restores the count das wanted: it is
 * journaled (action replace) but is no replica change. Then the running
 * containers are counted.
 */
static int
engine_runc_observe(struct engine *e, struct work *w)
{
	char	err[320];
	int	rc, stopped = 0;

	rc = runcb_observe(e->cfg.runc_root, w->pol.service, &w->replicas,
	    &stopped, err, sizeof err);
	if (rc != 0) {
		w->err = strpool_add(&e->strs, err);
		w->replicas = -1;
		return rc;
	}
	if (stopped > 0 && e->jobs != NULL && e->cfg.act &&
	    e->report.leader && !e->cfg.dry_run && !w->pol.dry_run &&
	    w->pol.enabled)
		(void)engine_job_replace(e, w);
	return 0;
}

int
engine_backend_observe(struct engine *e, struct work *w)
{
	switch (w->pol.backend) {
	case POLICY_BACKEND_RUNC:
		return engine_runc_observe(e, w);
	case POLICY_BACKEND_EXEC:
		/*
		 * The command has no way to be asked: the count das last set
		 * (cur_no) is the truth. NULL means nothing was started yet.
		 */
		w->replicas = w->pol.cur_no >= 0 ? w->pol.cur_no : 0;
		return 0;
	default:
		w->err = strpool_printf(&e->strs, "backend %s is not "
		    "available in this build",
		    policy_backend_name(w->pol.backend));
		return -ENOTSUP;
	}
}

/*
 * Change the replica count through the policy's backend, now. detail
 * receives what the backend said (the exec command's output), for the
 * journal. das runs exec and runc calls on jobs instead (engine_job.c).
 */
int
engine_backend_scale(struct engine *e, struct work *w, int to,
    struct buf *detail, char *err, size_t errlen)
{
	struct engine_call	c;
	int			before, rc;

	switch (w->pol.backend) {
	case POLICY_BACKEND_SWARM:
		return swarm_scale(e->docker, w->status->service_id, to, &before, err,
		    errlen);
	case POLICY_BACKEND_EXEC:
	case POLICY_BACKEND_RUNC:
		engine_call_init(e, w, &c, to);
		engine_call_run(&c);
		rc = c.rc;
		snprintf(err, errlen, "%s", c.err);
		buf_add(detail, c.detail.data, c.detail.len);
		engine_call_clear(&c);
		return rc;
	default:
		snprintf(err, errlen, "backend %s is not available in this "
		    "build", policy_backend_name(w->pol.backend));
		return -ENOTSUP;
	}
}

static const char *
engine_state_name(const struct decide_out *out)
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

/* Change the replica count and record it; errors are journaled once. */
static void
engine_act(struct engine *e, struct work *w, const struct decide_out *out)
{
	const char		*action = decide_action_name(out->action);
	struct engine_who	 who;
	struct buf		 detail;
	char			 err[512];
	int64_t			 ts;

	if (w->pol.backend != POLICY_BACKEND_SWARM && e->jobs != NULL) {
		(void)engine_job_scale(e, w, out);
		return;
	}
	buf_init(&detail);
	if (engine_backend_scale(e, w, out->after, &detail, err,
	    sizeof err) != 0) {
		buf_free(&detail);
		log_warnx("seq %lld service %s: %s %d -> %d failed: %s; "
		    "trying again next tick", (long long)w->st->seq,
		    w->pol.service, action, out->before, out->after, err);
		engine_error(e, w, err);
		return;
	}
	ts = engine_clock_ns();
	e->report.actions++;
	w->st->last_change_ns = ts;
	w->st->known = out->after;
	w->st->last_key = 0;
	w->replicas = out->after;
	w->status->replicas = out->after;
	w->status->last_change_ns = ts;
	engine_who(w, &who);
	engine_record(e, &who, ts, action, out->before, out->after,
	    out->value, out->threshold, out->reason, detail.len > 0 ?
	    buf_str(&detail) : NULL);
	buf_free(&detail);
}

/*
 * cur_no = n. Skipped for the rest of a tick in which a statement on the
 * das table timed out (a lock): each would wait sql_timeout again.
 */
void
engine_set_cur_no(struct engine *e, int64_t seq, int n)
{
	char	err[512];

	if (e->table_stalled)
		return;
	if (store_set_cur_no(e->pg, seq, n, err, sizeof err) == 0)
		return;
	log_warnx("seq %lld: writing cur_no %d: %s; trying again next tick",
	    (long long)seq, n, err);
	if (strcmp(pgc_sqlstate(e->pg), "57014") == 0)
		e->table_stalled = true;
}

/* Keep cur_no equal to the replica count das observed or set. */
static void
engine_cur_no(struct engine *e, struct work *w)
{
	if (w->replicas < 0 || w->pol.cur_no == w->replicas || w->busy)
		return;
	engine_set_cur_no(e, w->st->seq, w->replicas);
}

void
engine_apply(struct engine *e, struct work *w, const struct decide_out *out,
    const char *stmt_err)
{
	bool	change = out->action == DECIDE_SCALE_OUT ||
	    out->action == DECIDE_SCALE_IN || out->action == DECIDE_BOUNDS;
	bool	dry = out->dry_run || e->cfg.dry_run;
	char	key[96], detail[400];

	w->status->state = dry && change ? "dry_run" : engine_state_name(out);
	if (stmt_err != NULL && out->action == DECIDE_HOLD)
		w->status->detail = strpool_printf(&e->strs,
		    "metrics unavailable: %s", stmt_err);
	if (!e->cfg.act || !e->report.leader)
		return;
	if (change && !dry) {
		engine_act(e, w, out);
	} else if (change) {
		snprintf(key, sizeof key, "dry_run:%s:%d",
		    decide_action_name(out->action), out->after);
		snprintf(detail, sizeof detail, "dry run: would %s",
		    decide_action_name(out->action));
		if (engine_once(w, key))
			engine_journal(e, w, "dry_run", out->before,
			    out->after, out->value, out->threshold,
			    out->reason, detail);
	} else if (out->action == DECIDE_STEADY) {
		w->st->last_key = 0;
	} else {
		snprintf(key, sizeof key, "%s:%s",
		    decide_action_name(out->action), out->reason);
		if (engine_once(w, key))
			engine_journal(e, w, out->action == DECIDE_PAUSED ?
			    "paused" : "hold", out->before, out->after,
			    out->value, out->threshold, out->reason,
			    stmt_err != NULL ? w->status->detail : NULL);
	}
	engine_cur_no(e, w);
}

int
engine_scale_by_hand(struct engine *e, int64_t seq, int to, char *err,
    size_t errlen)
{
	struct work	*w = NULL;
	struct buf	 detail;
	char		 why[160];
	size_t		 i;
	int		 rc, before;

	for (i = 0; i < e->nwork && w == NULL; i++) {
		if (e->work[i].st->seq == seq)
			w = &e->work[i];
	}
	if (w == NULL || !w->valid || w->replicas < 0) {
		snprintf(err, errlen, "policy seq %lld is %s", (long long)seq,
		    w == NULL ? "not in the table" : w->err);
		return -EINVAL;
	}
	buf_init(&detail);
	before = w->replicas;
	rc = engine_backend_scale(e, w, to, &detail, err, errlen);
	buf_free(&detail);
	if (rc != 0)
		return rc;
	w->replicas = to;
	w->st->known = to;
	snprintf(why, sizeof why, "scaled by hand from %d to %d with dasctl",
	    before, to);
	engine_journal(e, w, "manual", before, to, NAN, NAN, "dasctl", why);
	engine_cur_no(e, w);
	engine_flush_events(e);
	return 0;
}
