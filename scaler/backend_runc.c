/*
 * backend_runc: a cluster of runc containers from a bundle das.conf names
 * (bundle.NAME); runcb.h does the work. Observing reads state files only;
 * scaling and replacing run runc, on a job of their own.
 */
#include <errno.h>
#include <stdio.h>

#include "backend.h"
#include "runcb.h"

static int
runc_observe(const struct backend_env *env, const struct backend_target *t,
    struct backend_obs *o, char *err, size_t errlen)
{
	o->stopped = 0;
	return runcb_observe(env->runc_root, t->pol->service, &o->replicas,
	    &o->stopped, err, errlen);
}

static void
runc_scale(struct backend_call *c)
{
	c->rc = runcb_scale(c->root, c->service, c->command, c->to,
	    c->timeout_ms, &c->detail, c->err, sizeof c->err);
	c->done_ns = backend_clock_ns();
}

/* Told of each stopped container replace_dead tried. */
static void
runc_replaced(void *arg, const struct runcb_ctr *dead, int running, int rc,
    const char *err)
{
	struct backend_call	*c = arg;
	struct backend_replaced	*r;

	if (c->replaced_n >= BACKEND_REPLACED_MAX)
		return;
	r = &c->replaced[c->replaced_n++];
	snprintf(r->id, sizeof r->id, "%s", dead->id);
	r->running = running;
	r->rc = rc;
	snprintf(r->err, sizeof r->err, "%s", err != NULL ? err : "");
}

static void
runc_replace(struct backend_call *c)
{
	struct runcb_replace_cb	cb = { runc_replaced, c };
	int			replaced;

	c->rc = runcb_replace_dead(c->root, c->service, c->command,
	    c->timeout_ms, &cb, &replaced, c->err, sizeof c->err);
	c->done_ns = backend_clock_ns();
}

const struct backend backend_runc = {
	"runc", true, runc_observe, runc_scale, runc_replace
};
