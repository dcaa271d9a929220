/* ctl: dasctl's commands over the same engine das runs (act = false). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

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

int64_t
ctl_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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
	c->now_ns = ctl_now_ns();
	if (engine_tick(c->engine, c->now_ns, &c->rep) != 0) {
		fprintf(stderr, "dasctl: cannot read the policy table \"das\" "
		    "(see the message above)\n");
		return CTL_EXIT_DB;
	}
	return CTL_EXIT_OK;
}

/* The policy a SERVICE argument names: service_id as written, or the
 * resolved Swarm name or id. NULL (and a message) when none or several. */
const struct engine_status *
ctl_find(struct ctl *c, const char *service)
{
	const struct engine_status	*s, *hit = NULL;
	size_t				 i, n = 0;

	for (i = 0; i < c->rep->nstatus; i++) {
		s = &c->rep->status[i];
		if (strcmp(s->service, service) == 0 ||
		    (*s->service_id != '\0' && strcmp(s->service_id,
		    service) == 0) ||
		    (*s->service_name != '\0' && strcmp(s->service_name,
		    service) == 0)) {
			if (hit == NULL || hit->seq != s->seq)
				n++;
			hit = s;
		}
	}
	if (n == 1)
		return hit;
	if (n == 0)
		fprintf(stderr, "dasctl: no policy for service \"%s\" in the "
		    "das table (dasctl list shows them)\n", service);
	else
		fprintf(stderr, "dasctl: %zu policies name service \"%s\"; "
		    "use the das table's service_id exactly\n", n, service);
	return NULL;
}

int
ctl_pause(struct ctl *c, const char *service, bool pause)
{
	const struct engine_status	*s;
	char				 err[512];
	int				 rc;

	if ((rc = ctl_eval(c)) != CTL_EXIT_OK)
		return rc;
	if ((s = ctl_find(c, service)) == NULL)
		return CTL_EXIT_UNKNOWN;
	if (store_set_enabled(c->pg, s->seq, !pause, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: %s\n", err);
		return pgc_connected(c->pg) ? CTL_EXIT_FAIL : CTL_EXIT_DB;
	}
	printf("%s seq %lld (service %s): das %s\n", pause ? "paused" :
	    "resumed", (long long)s->seq, s->service, pause ?
	    "leaves it alone until `dasctl resume`" : "manages it again from "
	    "the next tick");
	return CTL_EXIT_OK;
}

/* Parse up|down|N against the status; -1 with a message when invalid. */
static int
ctl_scale_target(const struct engine_status *s, const char *how)
{
	char	*end;
	long	 n;

	if (strcmp(how, "up") == 0)
		return s->replicas + (s->step_out > 0 ? s->step_out : 1);
	if (strcmp(how, "down") == 0) {
		n = s->replicas - (s->step_in > 0 ? s->step_in : 1);
		return n < 0 ? 0 : (int)n;
	}
	errno = 0;
	n = strtol(how, &end, 10);
	if (*how == '\0' || *end != '\0' || errno != 0 || n < 0 ||
	    n > 100000) {
		fprintf(stderr, "dasctl: scale: \"%s\" is not up, down or a "
		    "replica count from 0 to 100000\n", how);
		return -1;
	}
	return (int)n;
}

int
ctl_scale(struct ctl *c, const char *service, const char *how)
{
	const struct engine_status	*s;
	char				 err[512];
	int				 rc, to;

	if ((rc = ctl_eval(c)) != CTL_EXIT_OK)
		return rc;
	if ((s = ctl_find(c, service)) == NULL)
		return CTL_EXIT_UNKNOWN;
	if (strcmp(s->state, "invalid") == 0 || s->replicas < 0) {
		fprintf(stderr, "dasctl: seq %lld (service %s) cannot be "
		    "scaled: %s\n", (long long)s->seq, s->service, s->detail);
		return CTL_EXIT_FAIL;
	}
	if ((to = ctl_scale_target(s, how)) < 0)
		return CTL_EXIT_USAGE;
	if (engine_scale_by_hand(c->engine, s->seq, to, err, sizeof err)
	    != 0) {
		fprintf(stderr, "dasctl: scaling %s to %d: %s\n", s->service,
		    to, err);
		return CTL_EXIT_FAIL;
	}
	printf("%s: %d -> %d replicas (journaled as manual; das keeps it and "
	    "starts the cooldown)\n", s->service, s->replicas, to);
	if (to < s->min_no || to > s->max_no)
		printf("note: %d is outside min_no..max_no (%d..%d): das will "
		    "bring it back on its next tick\n", to, s->min_no,
		    s->max_no);
	return CTL_EXIT_OK;
}
