/* ctl: dasctl's commands over the same engine das runs (act = false). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "ctl.h"
#include "ctl_int.h"
#include "docker.h"
#include "engine.h"
#include "influx.h"
#include "log.h"
#include "pgc.h"
#include "store.h"
#include "xmalloc.h"

struct ctl *
ctl_new(const struct das_settings *set, bool json)
{
	struct ctl		*c;
	struct engine_cfg	 ec;

	c = xcalloc(1, sizeof *c);
	c->set = set;
	c->json = json;
	c->pg = pgc_new(set->pg);
	pgc_set_statement_timeout(c->pg, (long)(set->sql_timeout * 1000));
	c->influx = settings_influx(set);
	c->docker = settings_docker(set);
	settings_engine_cfg(set, &ec);
	ec.act = false;
	c->engine = engine_new(&ec, c->pg, c->influx, c->docker);
	return c;
}

void
ctl_free(struct ctl *c)
{
	if (c == NULL)
		return;
	engine_free(c->engine);
	pgc_free(c->pg);
	influx_free(c->influx);
	docker_free(c->docker);
	free(c);
}

/* Connect, or say the database is down. */
int
ctl_connect(struct ctl *c)
{
	char	err[512];

	if (pgc_connect(c->pg, err, sizeof err) == 0)
		return CTL_EXIT_OK;
	fprintf(stderr, "dasctl: %s\n", err);
	return CTL_EXIT_DB;
}

/*
 * Evaluate every policy as das would now, without acting or journaling.
 * Fills c->rep. Returns a CTL_EXIT_* code.
 */
int
ctl_eval(struct ctl *c)
{
	int	rc;

	if ((rc = ctl_connect(c)) != CTL_EXIT_OK)
		return rc;
	engine_restore(c->engine);
	c->now_ns = realtime_ns();
	if (engine_tick(c->engine, c->now_ns, &c->rep) != 0) {
		/* connected: PostgreSQL refused the SELECT (no table das?) */
		fprintf(stderr, "dasctl: cannot read the policy table \"das\" "
		    "(see the message above); nothing was done\n");
		return pgc_connected(c->pg) ? CTL_EXIT_FAIL : CTL_EXIT_DB;
	}
	return CTL_EXIT_OK;
}

/*
 * Whether s is named by a SERVICE argument: service_id as written, or the
 * resolved Swarm name or id.
 */
bool
ctl_names(const struct engine_status *s, const char *service)
{
	return strcmp(s->service, service) == 0 ||
	    (*s->service_id != '\0' && strcmp(s->service_id, service) == 0) ||
	    (*s->service_name != '\0' && strcmp(s->service_name,
	    service) == 0);
}

/* "no policy" or "N policies" for service, and the exit code. */
static int
ctl_not_one(const char *service, size_t n)
{
	if (n == 0)
		fprintf(stderr, "dasctl: no policy for service \"%s\" in the "
		    "das table (dasctl list shows them)\n", service);
	else
		fprintf(stderr, "dasctl: %zu policies name service \"%s\"; "
		    "use the das table's service_id exactly\n", n, service);
	return CTL_EXIT_UNKNOWN;
}

/*
 * Evaluate (ctl_eval), then the statuses that a SERVICE argument names
 * (ctl_names), into v (at most max), when they are one policy or the
 * rows of one group (tick_group.c). 0 with *rc set (and a message) when
 * the evaluation failed, or none names it, or several that are not one
 * group.
 */
size_t
ctl_find_group(struct ctl *c, const char *service,
    const struct engine_status **v, size_t max, int *rc)
{
	const struct engine_status	*s;
	size_t				 i, n = 0;
	bool				 one = true;

	if ((*rc = ctl_eval(c)) != CTL_EXIT_OK)
		return 0;
	for (i = 0; i < c->rep->nstatus; i++) {
		s = &c->rep->status[i];
		if (!ctl_names(s, service))
			continue;
		if (n > 0 && (*s->group == '\0' ||
		    strcmp(s->group, v[0]->group) != 0))
			one = false;
		if (n < max)
			v[n] = s;
		n++;
	}
	if (n >= 1 && n <= max && (n == 1 || one))
		return n;
	*rc = ctl_not_one(service, n);
	return 0;
}

const struct engine_status *
ctl_find_lead(struct ctl *c, const char *service, int *rc)
{
	const struct engine_status	*v[CTL_GROUP_MAX];
	size_t				 i, n;

	if ((n = ctl_find_group(c, service, v, CTL_GROUP_MAX, rc)) == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i]->state, "invalid") != 0)
			return v[i];
	}
	return v[0];
}

/*
 * Pause or resume SERVICE: its policy, or every row of its group (a
 * group decides as one: a row left running would still scale it). The
 * rows are changed one by one; a failure stops there and says which
 * were changed.
 */
int
ctl_pause(struct ctl *c, const char *service, bool pause)
{
	const struct engine_status	*v[CTL_GROUP_MAX];
	char				 err[512];
	size_t				 i, n;
	int				 rc;

	if ((n = ctl_find_group(c, service, v, CTL_GROUP_MAX, &rc)) == 0)
		return rc;
	for (i = 0; i < n; i++) {
		if (store_set_enabled(c->pg, v[i]->seq, !pause, err,
		    sizeof err) != 0) {
			fprintf(stderr, "dasctl: %s seq %lld (service %s): %s; "
			    "%s\n", pause ? "pausing" : "resuming",
			    (long long)v[i]->seq, v[i]->service, err, i == 0 ?
			    "nothing was changed" : "the rows before it were "
			    "changed, it and those after it were not");
			return pgc_connected(c->pg) ? CTL_EXIT_FAIL :
			    CTL_EXIT_DB;
		}
		printf("%s seq %lld (service %s): das %s\n", pause ? "paused" :
		    "resumed", (long long)v[i]->seq, v[i]->service, pause ?
		    "leaves it alone until `dasctl resume`" : "manages it "
		    "again from the next tick");
	}
	return CTL_EXIT_OK;
}

/*
 * An error state is a valid row whose replica count could not be read
 * (Docker or the runc state did not answer); a no_data state with a
 * detail is one whose metrics InfluxDB did not give (tick_apply in
 * scaler/tick_act.c writes "metrics unavailable" there, and only
 * there): das would hold it for want of an input, not for want of data.
 */
bool
ctl_degraded(const struct engine_status *s)
{
	return strcmp(s->state, "error") == 0 ||
	    (strcmp(s->state, "no_data") == 0 && *s->detail != '\0');
}
