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
engine_event_point(struct engine *e, const struct work *w,
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
	lp_tag(&pt, "service_id", w->status->service_id);
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
 * a log line. A journal that cannot be written is logged, not fatal.
 */
void
engine_journal(struct engine *e, struct work *w, const char *action,
    int before, int after, double value, double threshold,
    const char *reason, const char *detail)
{
	struct journal_event	ev;
	char			err[512];

	memset(&ev, 0, sizeof ev);
	ev.ts_ns = e->now_ns;
	ev.seq = w->st->seq;
	ev.service = w->row->service_id ? w->row->service_id : "";
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
	engine_event_point(e, w, &ev);
	log_info("seq %lld service %s: %s %d -> %d (value %.4g, threshold "
	    "%.4g): %s%s%s", (long long)ev.seq, ev.service, action, before,
	    after, value, threshold, reason, detail ? "; " : "",
	    detail ? detail : "");
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

void
engine_error(struct engine *e, struct work *w, const char *err)
{
	char	key[96];

	w->status->state = "error";
	w->status->detail = err == w->err ? w->err : strpool_add(&e->strs, err);
	snprintf(key, sizeof key, "error:%.80s", err);
	if (e->cfg.act && e->report.leader && engine_once(w, key))
		engine_journal(e, w, "error", w->replicas, w->replicas, NAN,
		    NAN, "error", err);
}

struct engine_runc_ctx {
	struct engine	*e;
	struct work	*w;
};

/* Journal one replacement of a dead runc container, or log its failure. */
static void
engine_runc_replaced(void *arg, const struct runcb_ctr *dead, int running,
    int rc, const char *err)
{
	struct engine_runc_ctx	*c = arg;
	char			 why[640];

	if (rc != 0) {
		log_warnx("seq %lld runc cluster %s: replacing stopped "
		    "container %s failed: %s; trying again next tick",
		    (long long)c->w->st->seq, c->w->pol.service, dead->id, err);
		return;
	}
	snprintf(why, sizeof why, "container %s had stopped; started again "
	    "from %.300s", dead->id, c->w->pol.target);
	engine_journal(c->e, c->w, "replace", running, running + 1, NAN, NAN,
	    "dead", why);
}

/*
 * A runc cluster: first replace its stopped containers (microscaler's
 * health manager) when this das acts on the policy, then count the
 * running ones. A replacement restores the count das wanted: it is
 * journaled (action replace) but is no replica change.
 */
static int
engine_runc_observe(struct engine *e, struct work *w)
{
	struct runcb_replace_cb	 cb;
	struct engine_runc_ctx	 ctx = { e, w };
	char			 err[320];
	int			 replaced, rc;

	if (e->cfg.act && e->report.leader && !e->cfg.dry_run &&
	    !w->pol.dry_run && w->pol.enabled) {
		cb.fn = engine_runc_replaced;
		cb.arg = &ctx;
		if (runcb_replace_dead(e->cfg.runc_root, w->pol.service,
		    w->pol.target, e->cfg.exec_timeout_ms, &cb, &replaced, err,
		    sizeof err) != 0)
			engine_error(e, w, err);
	}
	rc = runcb_observe(e->cfg.runc_root, w->pol.service, &w->replicas,
	    err, sizeof err);
	if (rc != 0) {
		w->err = strpool_add(&e->strs, err);
		w->replicas = -1;
	}
	return rc;
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

/* Run the exec backend's command for the move from w->replicas to to. */
static int
engine_exec_scale(struct engine *e, struct work *w, int to,
    struct buf *detail, char *err, size_t errlen)
{
	struct execb_vars	 v;
	char			**argv;
	int			  rc;

	v.service = w->pol.service;
	v.seq = w->st->seq;
	v.before = w->replicas;
	v.replicas = to;
	argv = execb_expand(w->pol.target, &v, err, errlen);
	if (argv == NULL)
		return -EINVAL;
	rc = execb_run(argv, e->cfg.exec_timeout_ms, detail, err, errlen);
	execb_argv_free(argv);
	while (detail->len > 0 && (detail->data[detail->len - 1] == '\n' ||
	    detail->data[detail->len - 1] == ' '))
		buf_truncate(detail, detail->len - 1);
	if (rc != 0 && detail->len > 0) {
		size_t	n = strlen(err);

		snprintf(err + n, errlen - n, "; output: %.*s",
		    (int)(detail->len > 200 ? 200 : detail->len),
		    buf_str(detail));
	}
	return rc;
}

/*
 * Change the replica count through the policy's backend. detail receives
 * what the backend said (the exec command's output), for the journal.
 */
int
engine_backend_scale(struct engine *e, struct work *w, int to,
    struct buf *detail, char *err, size_t errlen)
{
	int	before;

	switch (w->pol.backend) {
	case POLICY_BACKEND_SWARM:
		return swarm_scale(e->docker, w->status->service_id, to, &before, err,
		    errlen);
	case POLICY_BACKEND_EXEC:
		return engine_exec_scale(e, w, to, detail, err, errlen);
	case POLICY_BACKEND_RUNC:
		return runcb_scale(e->cfg.runc_root, w->pol.service,
		    w->pol.target, to, e->cfg.exec_timeout_ms, detail, err,
		    errlen);
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
	const char	*action = decide_action_name(out->action);
	struct buf	 detail;
	char		 err[512];

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
	e->report.actions++;
	w->st->last_change_ns = e->now_ns;
	w->st->known = out->after;
	w->st->last_key = 0;
	w->replicas = out->after;
	w->status->replicas = out->after;
	w->status->last_change_ns = e->now_ns;
	engine_journal(e, w, action, out->before, out->after, out->value,
	    out->threshold, out->reason, detail.len > 0 ? buf_str(&detail) :
	    NULL);
	buf_free(&detail);
}

/* Keep cur_no equal to the replica count das observed or set. */
static void
engine_cur_no(struct engine *e, struct work *w)
{
	char	err[512];

	if (w->replicas < 0 || w->pol.cur_no == w->replicas)
		return;
	if (store_set_cur_no(e->pg, w->st->seq, w->replicas, err,
	    sizeof err) != 0)
		log_warnx("seq %lld: writing cur_no %d: %s; trying again "
		    "next tick", (long long)w->st->seq, w->replicas, err);
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
