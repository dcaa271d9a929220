/* engine: the das tick. See engine.h for the shape of a tick. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bjobs.h"
#include "buf.h"
#include "cfg.h"
#include "decide.h"
#include "docker.h"
#include "engine.h"
#include "engine_int.h"
#include "influx.h"
#include "iql.h"
#include "log.h"
#include "pgc.h"
#include "policy.h"
#include "store.h"
#include "swarm.h"
#include "xmalloc.h"

struct engine *
engine_new(const struct engine_cfg *cfg, struct pgc *pg, struct influx *ix,
    struct docker *d)
{
	struct engine	*e;
	struct wq_cfg	 wc = { 100000, 16 << 20, 1 << 20, 1000, 30000 };

	e = xcalloc(1, sizeof *e);
	e->cfg = *cfg;
	e->cfg.node = xstrdup(cfg->node);
	e->cfg.measurement = xstrdup(cfg->measurement);
	e->cfg.event_measurement = xstrdup(cfg->event_measurement);
	e->cfg.runc_root = xstrdup(cfg->runc_root ? cfg->runc_root : "");
	e->pg = pg;
	e->influx = ix;
	e->docker = d;
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
	return e;
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

static void
engine_clear_tick(struct engine *e)
{
	size_t	i;

	for (i = 0; i < e->nwork; i++)
		policy_clear(&e->work[i].pol);
	free(e->work);
	e->work = NULL;
	e->nwork = 0;
	free(e->report.status);
	memset(&e->report, 0, sizeof e->report);
	strpool_clear(&e->strs);
	swarm_list_free(&e->services);
	iql_plan_free(e->plan);
	e->plan = NULL;
}

void
engine_free(struct engine *e)
{
	size_t	i;

	if (e == NULL)
		return;
	if (e->jobs != NULL) {
		(void)engine_drain(e, e->cfg.exec_timeout_ms + 1000);
		bjobs_free(e->jobs);
	}
	engine_clear_tick(e);
	cfg_map_free(&e->exec_cmds);
	cfg_map_free(&e->bundles);
	store_policies_free(&e->pols);
	for (i = 0; i < e->nstates; i++)
		free(e->states[i]);
	free(e->states);
	wq_free(e->events);
	buf_free(&e->lines);
	free((char *)e->cfg.node);
	free((char *)e->cfg.measurement);
	free((char *)e->cfg.event_measurement);
	free((char *)e->cfg.runc_root);
	free(e);
}

/* Index of the first state whose seq is not below seq. */
static size_t
pstate_lower_bound(const struct engine *e, int64_t seq)
{
	size_t	lo = 0, hi = e->nstates, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (e->states[mid]->seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The state kept across ticks for seq; made on first use and inserted in
 * place. Sorting the whole array on each insert made the first tick
 * quadratic in the number of policies (seconds at 10,000); the table is
 * read ORDER BY seq, so an insert is nearly always an append.
 */
struct pstate *
engine_state(struct engine *e, int64_t seq)
{
	struct pstate	*st;
	size_t		 i;

	i = pstate_lower_bound(e, seq);
	if (i < e->nstates && e->states[i]->seq == seq)
		return e->states[i];
	st = xcalloc(1, sizeof *st);
	st->seq = seq;
	st->known = -1;
	if (e->nstates == e->capstates) {
		e->capstates = e->capstates == 0 ? 64 : e->capstates * 2;
		e->states = xreallocarray(e->states, e->capstates,
		    sizeof *e->states);
	}
	memmove(&e->states[i + 1], &e->states[i],
	    (e->nstates - i) * sizeof *e->states);
	e->states[i] = st;
	e->nstates++;
	return st;
}

/*
 * Leader election: a session-level advisory lock, taken once and held for
 * the life of the connection. A new connection (after a drop) means the
 * lock is gone and must be sought again. On becoming leader, the last
 * changes are read back from the journal: another instance may have acted.
 */
static bool
engine_lead(struct engine *e)
{
	char	err[512];
	bool	held;

	if (e->cfg.single || !e->cfg.act)
		return true;
	if (pgc_connected(e->pg) && pgc_is_crate(e->pg)) {
		if (!e->crate_warned)
			log_warnx("CrateDB has no advisory locks: running as "
			    "the single das instance; do not start another");
		e->crate_warned = true;
		return true;
	}
	if (e->leader && e->lock_gen == pgc_generation(e->pg) &&
	    pgc_connected(e->pg))
		return true;
	if (e->leader)
		log_warnx("PostgreSQL session lost: leadership lost; seeking "
		    "it again");
	e->leader = false;
	if (pgc_try_lock(e->pg, e->cfg.lock_key, &held, err, sizeof err)
	    != 0) {
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
	e->lock_gen = pgc_generation(e->pg);
	log_info("leader: took advisory lock %lld", e->cfg.lock_key);
	engine_restore(e);
	return true;
}

uint64_t
engine_text_hash(const char *s)
{
	uint64_t	h = UINT64_C(0xcbf29ce484222325);

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h != 0 ? h : 1;
}

/*
 * What das last journaled about each policy, so that a restarted das does
 * not journal the same invalid row, hold, error or dry run again: the
 * once-per-change keys are rebuilt as engine_act.c makes them.
 */
static void
engine_restore_keys(struct engine *e)
{
	struct journal_newest	*v = NULL;
	struct pstate		*st;
	char			 err[512], key[96];
	const char		*would;
	size_t			 i, n = 0;

	if (journal_newest(e->pg, &v, &n, err, sizeof err) != 0) {
		log_warnx("%s; holds and invalid rows may be journaled again",
		    err);
		return;
	}
	for (i = 0; i < n; i++) {
		st = engine_state(e, v[i].seq);
		/* the keys as engine_once and engine_invalid make them */
		key[0] = '\0';
		if (strcmp(v[i].action, "invalid") == 0) {
			st->invalid_hash = 0;
			st->invalid_err = engine_text_hash(v[i].detail);
		} else if (strcmp(v[i].action, "hold") == 0 ||
		    strcmp(v[i].action, "paused") == 0)
			snprintf(key, sizeof key, "%s:%s", v[i].action,
			    v[i].reason);
		else if (strcmp(v[i].action, "error") == 0)
			snprintf(key, sizeof key, "error:%.80s", v[i].detail);
		else if (strcmp(v[i].action, "dry_run") == 0 &&
		    (would = strstr(v[i].detail, "would ")) != NULL)
			snprintf(key, sizeof key, "dry_run:%s:%d", would + 6,
			    v[i].after);
		if (key[0] != '\0')
			st->last_key = engine_text_hash(key);
	}
	journal_newest_free(v, n);
}

/* Read back the last change of every policy (survives a restart). */
void
engine_restore(struct engine *e)
{
	struct journal_last	*last = NULL;
	struct pstate		*st;
	char			 err[512];
	size_t			 i, n = 0;

	if (journal_last_changes(e->pg, &last, &n, err, sizeof err) != 0) {
		log_warnx("%s; last changes unknown, treating every policy "
		    "as just changed", err);
		e->restore_failed = true;
		return;
	}
	for (i = 0; i < n; i++) {
		st = engine_state(e, last[i].seq);
		if (last[i].ts_ns > st->last_change_ns)
			st->last_change_ns = last[i].ts_ns;
		st->known = last[i].after;
	}
	e->restore_failed = false;
	free(last);
	engine_restore_keys(e);
	log_info("restored the last change of %zu policies from the journal",
	    n);
}

/*
 * Read the policy table. On failure keep the last good rows: a database
 * that is down must not make das forget its policies.
 */
static int
engine_load(struct engine *e)
{
	struct store_policies	fresh;
	char			err[512];

	if (store_load(e->pg, &fresh, err, sizeof err) != 0) {
		/* 57014 query_canceled: statement_timeout, a lock most often */
		e->table_stalled = strcmp(pgc_sqlstate(e->pg), "57014") == 0;
		if (e->pols.rows == NULL) {
			log_warnx("%s%s; no policy set yet, trying again next "
			    "tick", err, e->table_stalled ? " (is the das table"
			    " locked?)" : "");
			return -EIO;
		}
		log_warnx("%s%s; this tick acts on the last good set of %zu "
		    "policies (bounds still enforced)", err, e->table_stalled ?
		    " (is the das table locked?)" : "", e->pols.n);
		return 0;
	}
	store_policies_free(&e->pols);
	e->pols = fresh;
	return 0;
}

/*
 * What only the tick needed goes now, not at the next tick: the query
 * plan and its answer (megabytes at 10,000 policies). And the freed
 * pages go back to the system, so that the next tick, whose arrays
 * differ a little in size, does not grow the heap around the holes.
 */
static void
engine_tick_done(struct engine *e)
{
	iql_plan_free(e->plan);
	e->plan = NULL;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

int
engine_tick(struct engine *e, int64_t now_ns,
    const struct engine_report **out)
{
	int	rc;

	engine_clear_tick(e);
	*out = &e->report;
	e->now_ns = now_ns;
	e->table_stalled = false;
	engine_jobs_collect(e);
	if ((rc = engine_load(e)) != 0)
		return rc;
	e->report.leader = engine_lead(e);
	e->report.policies = e->pols.n;
	engine_parse(e);
	engine_observe(e);
	engine_query(e);
	engine_decide_all(e);
	engine_flush_events(e);
	engine_tick_done(e);
	return 0;
}
