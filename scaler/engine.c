/*
 * engine: what outlives a tick — the clients, the configuration, the
 * last good policy set, leadership, every policy's state, the background
 * calls. tick.c runs the tick itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "log.h"
#include "xmalloc.h"

static struct engine *
engine_alloc(const struct engine_cfg *cfg)
{
	struct engine	*e;
	struct wq_cfg	 wc = { 100000, 16 << 20, 1 << 20, 1000, 30000 };

	e = xcalloc(1, sizeof *e);
	e->cfg = *cfg;
	e->cfg.node = xstrdup(cfg->node);
	e->cfg.measurement = xstrdup(cfg->measurement);
	e->cfg.event_measurement = xstrdup(cfg->event_measurement);
	e->cfg.database = xstrdup(cfg->database ? cfg->database : "");
	e->cfg.runc_root = xstrdup(cfg->runc_root ? cfg->runc_root : "");
	e->events = wq_new(&wc);
	buf_init(&e->lines);
	if (cfg->exec_cmds != NULL)
		cfg_map_copy(&e->exec_cmds, cfg->exec_cmds);
	if (cfg->bundles != NULL)
		cfg_map_copy(&e->bundles, cfg->bundles);
	e->cfg.exec_cmds = &e->exec_cmds;
	e->cfg.bundles = &e->bundles;
	if (cfg->background)
		e->jobs = bjobs_new();
	/* dasctl (act false) runs once: nothing to keep */
	if (cfg->window_cache && cfg->act)
		e->cache = wcache_new();
	return e;
}

struct engine *
engine_new(const struct engine_cfg *cfg, struct pgc *pg, struct influx *ix,
    struct docker *d)
{
	struct engine	*e = engine_alloc(cfg);

	e->clients.pg = pg;
	e->clients.influx = ix;
	e->clients.docker = d;
	engine_ports_default(&e->ports, &e->clients);
	return e;
}

struct engine *
engine_new_ports(const struct engine_cfg *cfg,
    const struct engine_ports *ports)
{
	struct engine	*e = engine_alloc(cfg);

	e->ports = *ports;
	return e;
}

/* One tick's scratch, freed; the next tick starts from nothing. */
void
tick_clear(struct tick *t)
{
	size_t	i;

	for (i = 0; i < t->nwork; i++)
		policy_clear(&t->work[i].pol);
	free(t->work);
	free(t->gwork);
	free(t->groups);
	free(t->report.status);
	strpool_clear(&t->strs);
	swarm_list_free(&t->services);
	iql_plan_free(t->plan);
	memset(t, 0, sizeof *t);
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	if (e->jobs != NULL) {
		(void)engine_drain(e, e->cfg.exec_timeout_ms + 1000);
		bjobs_free(e->jobs);
	}
	tick_clear(&e->t);
	wcache_free(e->cache);
	store_policies_free(&e->pols);
	pstates_free(&e->states);
	cfg_map_free(&e->exec_cmds);
	cfg_map_free(&e->bundles);
	wq_free(e->events);
	buf_free(&e->lines);
	free((char *)e->cfg.node);
	free((char *)e->cfg.measurement);
	free((char *)e->cfg.event_measurement);
	free((char *)e->cfg.database);
	free((char *)e->cfg.runc_root);
	free(e);
}

size_t
engine_drain(struct engine *e, long ms)
{
	size_t	left;

	if (e->jobs == NULL)
		return 0;
	left = bjobs_wait(e->jobs, ms);
	engine_jobs_collect(e);
	engine_flush_events(e);
	return left;
}

void
engine_stop(struct engine *e, long ms)
{
	size_t	left;

	if (e->jobs == NULL || bjobs_count(e->jobs) == 0)
		return;
	log_info("stopping: killing %zu backend call(s) still running",
	    bjobs_count(e->jobs));
	left = bjobs_stop(e->jobs, ms);
	engine_jobs_collect(e);
	engine_flush_events(e);
	if (left > 0)
		log_warnx("stopping: %zu backend call(s) did not end within "
		    "%ld ms", left, ms);
	bjobs_resume();
}

/* Read back every policy's last change (survives a restart). */
void
engine_restore(struct engine *e)
{
	char	err[512];

	if (pstates_restore(&e->states, &e->ports, err, sizeof err) != 0)
		log_warnx("%s; last changes unknown, treating every policy "
		    "as just changed", err);
}

/*
 * Leader election: a session-level advisory lock, taken once and held for
 * the life of the connection. A new connection (after a drop) means the
 * lock is gone and must be sought again. On becoming leader, the last
 * changes are read back from the journal: another instance may have acted.
 */
static bool
engine_seek_lock(struct engine *e)
{
	char	err[512];
	bool	held;

	if (e->ports.try_lock(e->ports.ctx, e->cfg.lock_key, &held, err,
	    sizeof err) != 0) {
		log_warnx("%s; not acting this tick", err);
		return false;
	}
	if (!held) {
		if (!e->standby_said)
			log_info("standby: another das holds the leader lock "
			    "(advisory lock %lld); checking every tick",
			    e->cfg.lock_key);
		e->standby_said = true;
		return false;
	}
	e->leader = true;
	e->standby_said = false;
	e->lock_gen = e->ports.session(e->ports.ctx);
	log_info("leader: took advisory lock %lld", e->cfg.lock_key);
	if (e->cache != NULL)
		wcache_reset(e->cache);	/* read the windows in full */
	engine_restore(e);
	return true;
}

bool
engine_lead(struct engine *e)
{
	if (e->cfg.single || !e->cfg.act)
		return true;
	if (e->ports.lockless(e->ports.ctx)) {
		if (!e->crate_warned)
			log_warnx("CrateDB has no advisory locks: running as "
			    "the single das instance; do not start another");
		e->crate_warned = true;
		return true;
	}
	/* session 0: not connected; another: a new connection, no lock */
	if (e->leader && e->lock_gen != 0 &&
	    e->lock_gen == e->ports.session(e->ports.ctx))
		return true;
	if (e->leader)
		log_warnx("PostgreSQL session lost: leadership lost; seeking "
		    "it again");
	e->leader = false;
	return engine_seek_lock(e);
}

/*
 * Read the policy table. On failure keep the last good rows: a database
 * that is down, or a table that is locked, must not make das forget its
 * policies (min_no and max_no stay enforced).
 */
int
engine_load(struct engine *e)
{
	struct store_policies	fresh;
	char			err[512];
	bool			stalled;

	stalled = false;
	if (e->ports.load(e->ports.ctx, &fresh, &stalled, err, sizeof err)
	    == 0) {
		store_policies_free(&e->pols);
		e->pols = fresh;
		return 0;
	}
	e->t.table_stalled = stalled;
	/* row, not rows: every good load has it (store.c, fake_ports.c) */
	if (e->pols.row == NULL) {
		log_warnx("%s%s; no policy set yet, trying again next tick",
		    err, stalled ? " (is the das table locked?)" : "");
		return -EIO;
	}
	log_warnx("%s%s; this tick acts on the last good set of %zu policies "
	    "(bounds still enforced)", err, stalled ?
	    " (is the das table locked?)" : "", e->pols.n);
	return 0;
}
