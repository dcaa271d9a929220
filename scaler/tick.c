/*
 * tick: one das tick, top to bottom. Follow a policy row from here: its
 * SELECT (engine_load), who may act (engine_lead), its parsing and
 * das.conf target (tick_parse), the other rows of its service
 * (tick_group), its replica count (tick_observe), its metrics
 * (tick_query), the decision (tick_decide: alone, then with the other
 * rows of its service), the change through its backend and the journal
 * row (tick_act), the journal's InfluxDB copy (engine_flush_events,
 * engine_io.c).
 */
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "engine_int.h"

/*
 * What only the tick needed goes now, not at the next tick: the query
 * plan and its answer (megabytes at 10,000 policies). And the freed
 * pages go back to the system, so that the next tick, whose arrays
 * differ a little in size, does not grow the heap around the holes.
 */
static void
tick_done(struct tick *t)
{
	iql_plan_free(t->plan);
	t->plan = NULL;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

int
engine_tick(struct engine *e, int64_t now_ns,
    const struct engine_report **out)
{
	struct tick	*t = &e->t;
	int		 rc;

	tick_clear(t);
	*out = &t->report;
	t->now_ns = now_ns;
	engine_jobs_collect(e);		/* calls that ended since */
	if ((rc = engine_load(e)) != 0)
		return rc;
	t->report.leader = engine_lead(e);
	t->report.policies = e->pols.n;
	tick_parse(e);
	tick_group(e);
	tick_observe(e);
	tick_query(e);
	tick_decide(e);
	tick_act(e);
	engine_flush_events(e);
	tick_done(t);
	return 0;
}
