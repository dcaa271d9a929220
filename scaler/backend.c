/* backend: the choice of a policy's backend and a call's copied inputs. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "clock.h"
#include "xmalloc.h"

const struct backend *
backend_of(const struct policy *p)
{
	switch (p->backend) {
	case POLICY_BACKEND_EXEC:
		return &backend_exec;
	case POLICY_BACKEND_RUNC:
		return &backend_runc;
	default:
		return &backend_swarm;
	}
}

int64_t
backend_clock_ns(void)
{
	return realtime_ns() / 1000 * 1000;
}

void
backend_call_init(struct backend_call *c, const struct backend *be,
    const struct backend_env *env, const struct backend_target *t,
    const char *service, int before, int to)
{
	memset(c, 0, sizeof *c);
	c->be = be;
	c->docker = env->docker;
	c->service = xstrdup(service);
	c->command = xstrdup(t->command != NULL ? t->command : "");
	c->target_name = xstrdup(t->pol->target != NULL ? t->pol->target :
	    "");
	c->root = xstrdup(env->runc_root != NULL ? env->runc_root : "");
	c->seq = t->seq;
	c->before = before;
	c->to = to;
	c->timeout_ms = env->timeout_ms;
	buf_init(&c->detail);
}

void
backend_call_clear(struct backend_call *c)
{
	free(c->service);
	free(c->command);
	free(c->target_name);
	free(c->root);
	buf_free(&c->detail);
	memset(c, 0, sizeof *c);
}
