/*
 * engine_ports: the engine's ports over the real clients — PostgreSQL or
 * CrateDB (pgc, store.c, journal.c), InfluxDB (influx.c), Docker
 * (swarm.c), and backend_of (backend.c). Each is one call of those
 * modules, nothing added.
 */
#include <string.h>

#include "backend.h"
#include "engine_ports.h"
#include "influx.h"
#include "journal.h"
#include "pgc.h"
#include "store.h"
#include "swarm.h"

/* 57014 query_canceled: statement_timeout, a lock most often */
static bool
ports_timed_out(struct pgc *pg)
{
	return strcmp(pgc_sqlstate(pg), "57014") == 0;
}

static int
ports_load(void *ctx, struct store_policies *sp, bool *timed_out, char *err,
    size_t errlen)
{
	struct engine_clients	*c = ctx;
	int			 rc;

	rc = store_load(c->pg, sp, err, errlen);
	*timed_out = rc != 0 && ports_timed_out(c->pg);
	return rc;
}

static int
ports_try_lock(void *ctx, long long key, bool *held, char *err,
    size_t errlen)
{
	struct engine_clients	*c = ctx;

	return pgc_try_lock(c->pg, key, held, err, errlen);
}

static unsigned long
ports_session(void *ctx)
{
	struct engine_clients	*c = ctx;

	/* a connection's generation is 1 or more (pgc.c counts connects) */
	return pgc_connected(c->pg) ? pgc_generation(c->pg) : 0;
}

static bool
ports_lockless(void *ctx)
{
	struct engine_clients	*c = ctx;

	return pgc_connected(c->pg) && pgc_is_crate(c->pg);
}

static int
ports_journal_write(void *ctx, const char *node,
    const struct journal_event *ev, char *err, size_t errlen)
{
	struct engine_clients	*c = ctx;

	return journal_write(c->pg, node, ev, err, errlen);
}

static int
ports_journal_last_changes(void *ctx, struct journal_row **out, size_t *n,
    char *err, size_t errlen)
{
	struct engine_clients	*c = ctx;

	return journal_last_changes(c->pg, out, n, err, errlen);
}

static int
ports_journal_newest(void *ctx, struct journal_row **out, size_t *n,
    char *err, size_t errlen)
{
	struct engine_clients	*c = ctx;

	return journal_newest(c->pg, out, n, err, errlen);
}

static int
ports_set_cur_no(void *ctx, int64_t seq, int n, bool *timed_out, char *err,
    size_t errlen)
{
	struct engine_clients	*c = ctx;
	int			 rc;

	rc = store_set_cur_no(c->pg, seq, n, err, errlen);
	*timed_out = rc != 0 && ports_timed_out(c->pg);
	return rc;
}

static int
ports_touch_row(void *ctx, int64_t seq, bool *timed_out, char *err,
    size_t errlen)
{
	struct engine_clients	*c = ctx;
	int			 rc;

	rc = store_touch_row(c->pg, seq, err, errlen);
	*timed_out = rc != 0 && ports_timed_out(c->pg);
	return rc;
}

static int
ports_list_services(void *ctx, struct swarm_list *l, char *err,
    size_t errlen)
{
	struct engine_clients	*c = ctx;

	return swarm_list(c->docker, l, err, errlen);
}

static int
ports_query(void *ctx, const char *const *qs, size_t n, unsigned chunk_rows,
    engine_sink_fn sink, void *const *args, char *err, size_t errlen)
{
	struct engine_clients	*c = ctx;

	return influx_query_streams(c->influx, qs, n, chunk_rows, sink, args,
	    err, errlen);
}

static const char *
ports_query_where(void *ctx)
{
	struct engine_clients	*c = ctx;

	return influx_url(c->influx);
}

static const struct backend *
ports_backend_of(void *ctx, const struct policy *p)
{
	return backend_of(p);
}

void
engine_ports_default(struct engine_ports *p, struct engine_clients *c)
{
	static const struct engine_ports ports = {
		.load = ports_load, .try_lock = ports_try_lock,
		.session = ports_session, .lockless = ports_lockless,
		.journal_write = ports_journal_write,
		.journal_last_changes = ports_journal_last_changes,
		.journal_newest = ports_journal_newest,
		.set_cur_no = ports_set_cur_no, .touch_row = ports_touch_row,
		.list_services = ports_list_services, .query = ports_query,
		.query_where = ports_query_where,
		.backend_of = ports_backend_of,
	};

	*p = ports;
	p->ctx = c;
}
