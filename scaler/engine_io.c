/*
 * engine_io: what the engine writes out and hands to backends — the
 * journal (a row in das_event through journal.c, a point in InfluxDB for
 * Grafana annotations, a log line) for every decision das records, the
 * cur_no write-back, and the clients a backend call may use.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "influx.h"
#include "log.h"
#include "lp.h"

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
	ev.ts_ns = ts_ns != 0 ? ts_ns : backend_clock_ns();
	ev.seq = who->seq;
	ev.service = who->service;
	ev.action = action;
	ev.before = before;
	ev.after = after;
	ev.value = value;
	ev.threshold = threshold;
	ev.reason = reason;
	ev.detail = detail;
	if (e->ports.journal_write(e->ports.ctx, e->cfg.node, &ev, err,
	    sizeof err) != 0)
		log_warnx("journal: %s; the %s of seq %lld is only in the log"
		    " and InfluxDB", err, action, (long long)ev.seq);
	else
		e->t.report.journal_rows++;
	engine_event_point(e, who, &ev);
	log_info("seq %lld service %s: %s %d -> %d (value %.4g, threshold "
	    "%.4g): %s%s%s", (long long)ev.seq, ev.service, action, before,
	    after, value, threshold, reason, detail ? "; " : "",
	    detail ? detail : "");
}

void
engine_who_of(const struct work *w, struct engine_who *who)
{
	who->seq = w->st->seq;
	who->service = w->row->service_id ? w->row->service_id : "";
	who->service_id = w->status->service_id;
}

/* Journal an error once per change of its text. */
void
engine_record_error(struct engine *e, struct pstate *st,
    const struct engine_who *who, int replicas, const char *err)
{
	if (!e->cfg.act || !pstate_once_error(st, err))
		return;
	engine_record(e, who, 0, "error", replicas, replicas, NAN, NAN,
	    "error", err);
}

void
engine_flush_events(struct engine *e)
{
	if (e->lines.len > 0) {
		wq_push(e->events, e->lines.data, e->lines.len);
		buf_reset(&e->lines);
	}
	if (e->clients.influx != NULL)
		(void)wq_flush(e->events, e->clients.influx,
		    backend_clock_ns() / 1000000, 0);
}


/*
 * cur_no = n. Skipped for the rest of a tick in which a statement on the
 * das table timed out (a lock): each would wait sql_timeout again.
 */
void
engine_set_cur_no(struct engine *e, int64_t seq, int n)
{
	char	err[512];
	bool	stalled = false;

	if (e->t.table_stalled)
		return;
	if (e->ports.set_cur_no(e->ports.ctx, seq, n, &stalled, err,
	    sizeof err) == 0)
		return;
	log_warnx("seq %lld: writing cur_no %d: %s; trying again next tick",
	    (long long)seq, n, err);
	if (stalled)
		e->t.table_stalled = true;
}

void
engine_backend_env(struct engine *e, struct backend_env *env)
{
	env->docker = e->clients.docker;
	env->services = e->t.services_ok ? &e->t.services : NULL;
	env->services_err = e->t.services_err;
	env->runc_root = e->cfg.runc_root;
	env->timeout_ms = e->cfg.exec_timeout_ms;
}

