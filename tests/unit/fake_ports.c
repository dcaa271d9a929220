/* fake_ports: the engine's ports over an in-memory world (fake_ports.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fake_ports.h"
#include "journal.h"
#include "store.h"
#include "swarm.h"
#include "xmalloc.h"

static struct fake_world *fake_current;

static int
fake_load(void *ctx, struct store_policies *sp, bool *timed_out, char *err,
    size_t errlen)
{
	struct fake_world	*w = ctx;

	w->loads++;
	memset(sp, 0, sizeof *sp);
	if (w->load_fail) {
		*timed_out = w->load_timeout;
		snprintf(err, errlen, "fake: SELECT failed%s", w->load_timeout ?
		    ": canceling statement due to statement timeout" : "");
		return -EIO;
	}
	/* rows NULL: store_policies_free frees row only (store.c) */
	sp->row = xcalloc(w->nrows + 1, sizeof *sp->row);
	memcpy(sp->row, w->rows, w->nrows * sizeof *sp->row);
	sp->n = w->nrows;
	return 0;
}

static int
fake_try_lock(void *ctx, long long key, bool *held, char *err,
    size_t errlen)
{
	struct fake_world	*w = ctx;

	w->lock_tries++;
	if (w->session == 0) {
		snprintf(err, errlen, "fake: not connected");
		return -EIO;
	}
	*held = !w->lock_taken;
	return 0;
}

static unsigned long
fake_session(void *ctx)
{
	return ((struct fake_world *)ctx)->session;
}

static bool
fake_lockless(void *ctx)
{
	return ((struct fake_world *)ctx)->lockless;
}

static void
fake_copy(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

static int
fake_journal_write(void *ctx, const char *node,
    const struct journal_event *ev, char *err, size_t errlen)
{
	struct fake_world	*w = ctx;
	struct fake_jrow	*r;

	if (w->njournal == FAKE_JOURNAL) {
		snprintf(err, errlen, "fake: journal full");
		return -ENOSPC;
	}
	r = &w->journal[w->njournal++];
	r->ts_ns = ev->ts_ns;
	r->seq = ev->seq;
	fake_copy(r->action, sizeof r->action, ev->action);
	r->before = ev->before;
	r->after = ev->after;
	fake_copy(r->reason, sizeof r->reason, ev->reason);
	fake_copy(r->detail, sizeof r->detail, ev->detail);
	return 0;
}

static bool
fake_is_change(const char *action)
{
	return strcmp(action, "scale_out") == 0 ||
	    strcmp(action, "scale_in") == 0 ||
	    strcmp(action, "bounds") == 0 || strcmp(action, "manual") == 0;
}

/* The newest row of seq (changes only, or any), or NULL. */
static const struct fake_jrow *
fake_newest_of(const struct fake_world *w, int64_t seq, bool changes)
{
	const struct fake_jrow	*best = NULL;
	size_t			 i;

	for (i = 0; i < w->njournal; i++) {
		if (w->journal[i].seq != seq ||
		    (changes && !fake_is_change(w->journal[i].action)))
			continue;
		if (best == NULL || w->journal[i].ts_ns >= best->ts_ns)
			best = &w->journal[i];
	}
	return best;
}

/* The newest row of each seq (changes only, or any), as journal.c reads. */
static void
fake_newest_rows(struct fake_world *w, bool changes, struct journal_row **out,
    size_t *n)
{
	struct journal_row	*v;
	const struct fake_jrow	*r;
	int64_t			 seq;

	*out = xcalloc(FAKE_SEQS, sizeof **out);
	*n = 0;
	for (seq = 0; seq < FAKE_SEQS; seq++) {
		if ((r = fake_newest_of(w, seq, changes)) == NULL)
			continue;
		v = &(*out)[(*n)++];
		v->ts_ns = r->ts_ns;
		v->seq = seq;
		v->before = r->before;
		v->after = r->after;
		v->value = v->threshold = NAN;
		v->service = xstrdup("web");
		v->action = xstrdup(r->action);
		v->reason = xstrdup(r->reason);
		v->detail = xstrdup(r->detail);
	}
}

static int
fake_last_changes(void *ctx, struct journal_row **out, size_t *n,
    char *err, size_t errlen)
{
	struct fake_world	*w = ctx;

	w->last_changes_calls++;
	fake_newest_rows(w, true, out, n);
	return 0;
}

static int
fake_newest(void *ctx, struct journal_row **out, size_t *n, char *err,
    size_t errlen)
{
	struct fake_world	*w = ctx;

	w->newest_calls++;
	fake_newest_rows(w, false, out, n);
	return 0;
}

/* A write to the das row as the test set it up: timed out, refused, or 0. */
static int
fake_row_write(const struct fake_world *w, bool *timed_out, char *err,
    size_t errlen)
{
	if (w->cur_no_timeout) {
		*timed_out = true;
		snprintf(err, errlen, "fake: canceling statement due to "
		    "statement timeout");
		return -EIO;
	}
	if (w->cur_no_readonly) {
		snprintf(err, errlen, "fake: cannot execute UPDATE in a "
		    "read-only transaction");
		return -EINVAL;
	}
	return 0;
}

static int
fake_set_cur_no(void *ctx, int64_t seq, int n, bool *timed_out, char *err,
    size_t errlen)
{
	struct fake_world	*w = ctx;
	int			 rc;

	w->cur_no_writes++;
	if ((rc = fake_row_write(w, timed_out, err, errlen)) != 0)
		return rc;
	if (seq >= 0 && seq < FAKE_SEQS)
		w->cur_no[seq] = n;
	return 0;
}

static int
fake_touch_row(void *ctx, int64_t seq, bool *timed_out, char *err,
    size_t errlen)
{
	struct fake_world	*w = ctx;

	(void)seq;
	w->touches++;
	return fake_row_write(w, timed_out, err, errlen);
}

static int
fake_list_services(void *ctx, struct swarm_list *l, char *err,
    size_t errlen)
{
	struct fake_world	*w = ctx;

	w->list_calls++;
	memset(l, 0, sizeof *l);
	if (w->list_fail) {
		snprintf(err, errlen, "fake: GET /services: refused");
		return -EIO;
	}
	l->svc = xcalloc(2, sizeof *l->svc);
	if (w->swarm_name != NULL) {
		l->svc[0].id = xstrdup(FAKE_SWARM_ID);
		l->svc[0].name = xstrdup(w->swarm_name);
		l->svc[0].replicas = w->swarm_replicas;
		l->n = 1;
	}
	return 0;
}

/*
 * InfluxDB is down: every policy that needs metrics holds (no_data).
 * Up, each part gets its answer (fake_influx.c).
 */
static int
fake_query(void *ctx, const char *const *qs, size_t n, unsigned chunk_rows,
    engine_sink_fn sink, void *const *args, char *err, size_t errlen)
{
	struct fake_world	*w = ctx;
	struct buf		 b;
	size_t			 k;
	int			 rc = 0;

	w->query_calls++;
	w->chunk_rows = chunk_rows;
	if (!w->influx_up) {
		snprintf(err, errlen, "fake: InfluxDB is down");
		return -EIO;
	}
	for (k = 0; k < n && rc == 0; k++) {
		buf_init(&b);
		fake_influx_answer(w, qs[k], &b);
		rc = sink(args[k], buf_str(&b), b.len);
		buf_free(&b);
	}
	return rc;
}

static const char *
fake_query_where(void *ctx)
{
	return "http://fake.invalid:8086";
}

static const struct backend *
fake_backend_of(void *ctx, const struct policy *p)
{
	struct fake_world	*w = ctx;

	if (w->swarm_name != NULL && (strcmp(p->service, w->swarm_name) == 0 ||
	    strcmp(p->service, FAKE_SWARM_ID) == 0))
		return &backend_swarm;
	return &w->be;
}

static int
fake_observe(const struct backend_env *env, const struct backend_target *t,
    struct backend_obs *o, char *err, size_t errlen)
{
	struct fake_world	*w = fake_current;

	w->observe_calls++;
	if (t->seq < 0 || t->seq >= FAKE_SEQS) {
		snprintf(err, errlen, "fake: no service for seq %lld",
		    (long long)t->seq);
		return -EINVAL;
	}
	o->replicas = w->replicas[w->one_service ? 0 : t->seq];
	o->stopped = w->stopped[t->seq];
	if (w->influx_up)
		o->id = o->name = t->pol->service;
	return 0;
}

/*
 * A call ends strictly after every row journaled so far: a real call
 * takes time, and the journal's order by time must not depend on how
 * fast the test machine is (journal times are microseconds).
 */
static int64_t
fake_done_ns(const struct fake_world *w)
{
	int64_t	now = w->now_ns != 0 ? w->now_ns : backend_clock_ns();
	size_t	i;

	for (i = 0; i < w->njournal; i++)
		if (w->journal[i].ts_ns >= now)
			now = w->journal[i].ts_ns + 1000;
	return now;
}

static void
fake_scale(struct backend_call *c)
{
	struct fake_world	*w = fake_current;

	w->scale_calls++;
	w->last_to = c->to;
	if (w->scale_ms > 0)
		nanosleep(&(struct timespec){ w->scale_ms / 1000,
		    (long)(w->scale_ms % 1000) * 1000000 }, NULL);
	c->done_ns = fake_done_ns(w);
	c->rc = w->scale_rc;
	if (c->rc != 0) {
		snprintf(c->err, sizeof c->err, "%s", w->scale_err ?
		    w->scale_err : "fake: scale refused");
		return;
	}
	if (c->seq >= 0 && c->seq < FAKE_SEQS)
		w->replicas[w->one_service ? 0 : c->seq] = c->to;
}

/* Every stopped member of c's cluster runs again, one more running each. */
static void
fake_replace(struct backend_call *c)
{
	struct fake_world	*w = fake_current;
	struct backend_replaced	*r;
	int			 k, n;

	w->replace_calls++;
	c->done_ns = fake_done_ns(w);
	if (c->seq < 0 || c->seq >= FAKE_SEQS)
		return;
	n = w->stopped[c->seq];
	for (k = 0; k < n && k < BACKEND_REPLACED_MAX; k++) {
		r = &c->replaced[c->replaced_n++];
		snprintf(r->id, sizeof r->id, "web_%d",
		    w->replicas[c->seq] + 1);
		r->running = w->replicas[c->seq]++;
	}
	w->stopped[c->seq] = 0;
}

void
fake_world_init(struct fake_world *w)
{
	size_t	i;

	memset(w, 0, sizeof *w);
	w->session = 1;
	for (i = 0; i < FAKE_SEQS; i++)
		w->cur_no[i] = -1;
	w->be.name = "fake";
	w->be.observe = fake_observe;
	w->be.scale = fake_scale;
	w->be.replace = fake_replace;
	fake_current = w;
}

void
fake_ports(struct fake_world *w, struct engine_ports *p)
{
	static const struct engine_ports fake = {
		.load = fake_load, .try_lock = fake_try_lock,
		.session = fake_session, .lockless = fake_lockless,
		.journal_write = fake_journal_write,
		.journal_last_changes = fake_last_changes,
		.journal_newest = fake_newest, .set_cur_no = fake_set_cur_no,
		.touch_row = fake_touch_row,
		.list_services = fake_list_services, .query = fake_query,
		.query_where = fake_query_where, .backend_of = fake_backend_of,
	};

	*p = fake;
	p->ctx = w;
}

struct policy_row
fake_row(int seq, const char *min_no, const char *max_no)
{
	static const char *const seqs[FAKE_SEQS] = { "0", "1", "2", "3", "4",
	    "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15" };
	static const char *const names[FAKE_SEQS] = { "web0", "web1",
	    "web2", "web3", "web4", "web5", "web6", "web7", "web8", "web9",
	    "web10", "web11", "web12", "web13", "web14", "web15" };
	struct policy_row	r;

	memset(&r, 0, sizeof r);
	r.seq = seqs[seq];
	r.min_no = min_no;
	r.max_no = max_no;
	r.cur_no = "1";
	r.cond_item = "cpu_ratio";
	r.out_cond = "70%";
	r.in_cond = "10%";
	r.out_duration = "1m";
	r.in_duration = "1m";
	r.service_id = names[seq];
	return r;
}

void
fake_add_row(struct fake_world *w, struct policy_row r)
{
	if (w->nrows < FAKE_ROWS)
		w->rows[w->nrows++] = r;
}

void
fake_journal_add(struct fake_world *w, int64_t ts_ns, int64_t seq,
    const char *action, int before, int after)
{
	struct journal_event	ev;
	char			err[64];

	memset(&ev, 0, sizeof ev);
	ev.ts_ns = ts_ns;
	ev.seq = seq;
	ev.service = "web";
	ev.action = action;
	ev.before = before;
	ev.after = after;
	ev.reason = "other";
	(void)fake_journal_write(w, "other", &ev, err, sizeof err);
}

size_t
fake_journal_count(const struct fake_world *w, int64_t seq,
    const char *action)
{
	size_t	i, n = 0;

	for (i = 0; i < w->njournal; i++)
		n += w->journal[i].seq == seq && (action == NULL ||
		    strcmp(w->journal[i].action, action) == 0);
	return n;
}

void
fake_cfg(struct engine_cfg *c)
{
	memset(c, 0, sizeof *c);
	c->node = "test";
	c->measurement = "docker";
	c->event_measurement = "das_event";
	c->sample_interval_ns = INT64_C(10000000000);
	c->act = true;
	c->lock_key = 42;
	c->exec_timeout_ms = 1000;
}
