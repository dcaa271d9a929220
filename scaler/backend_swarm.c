/*
 * backend_swarm: a Swarm service, through the Engine API. Observed from
 * the tick's one GET /services (engine: the services list), scaled with
 * swarm_scale on the tick's own thread (an HTTP request bounded by
 * `timeout`).
 */
#include <errno.h>
#include <stdio.h>

#include "backend.h"
#include "swarm.h"

static int
swarm_observe(const struct backend_env *env, const struct backend_target *t,
    struct backend_obs *o, char *err, size_t errlen)
{
	const struct swarm_service	*svc;

	if (env->services == NULL) {
		snprintf(err, errlen, "%s", env->services_err);
		return -EIO;
	}
	svc = swarm_resolve(env->services, t->pol->service, err, errlen);
	if (svc == NULL)
		return -EINVAL;
	if (svc->global) {
		snprintf(err, errlen, "service %s (%s) runs in global mode;"
		    " das scales replicated services only", svc->name,
		    svc->id);
		return -EINVAL;
	}
	o->id = svc->id;
	o->name = svc->name;
	o->replicas = svc->replicas;
	return 0;
}

static void
swarm_call_scale(struct backend_call *c)
{
	int	before;

	c->rc = swarm_scale(c->docker, c->service, c->to, &before, c->err,
	    sizeof c->err);
	c->done_ns = backend_clock_ns();
}

const struct backend backend_swarm = {
	"swarm", false, swarm_observe, swarm_call_scale, NULL
};
