/*
 * engine_call: one exec or runc backend call, from copied inputs to a
 * result, so that it can run on a job's thread (engine_job.c) or, for
 * dasctl, right away.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "execb.h"
#include "runcb.h"
#include "xmalloc.h"

/*
 * Now, to the microsecond: what the journal's timestamptz keeps, so that
 * a time das remembers compares equal to the one it reads back.
 */
int64_t
engine_clock_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec / 1000 * 1000;
}

void
engine_call_init(struct engine *e, const struct work *w,
    struct engine_call *c, int to)
{
	memset(c, 0, sizeof *c);
	c->backend = w->pol.backend;
	c->service = xstrdup(w->pol.service);
	c->target = xstrdup(w->backend_target ? w->backend_target : "");
	c->target_name = xstrdup(w->pol.target ? w->pol.target : "");
	c->root = xstrdup(e->cfg.runc_root);
	c->seq = w->st->seq;
	c->before = w->replicas;
	c->to = to;
	c->timeout_ms = e->cfg.exec_timeout_ms;
	buf_init(&c->detail);
}

void
engine_call_clear(struct engine_call *c)
{
	free(c->service);
	free(c->target);
	free(c->target_name);
	free(c->root);
	buf_free(&c->detail);
	memset(c, 0, sizeof *c);
}

/* Run das.conf's command for the move from c->before to c->to. */
static int
engine_call_exec(struct engine_call *c)
{
	struct execb_vars	 v;
	char			**argv;
	struct buf		*d = &c->detail;
	size_t			  n;
	int			  rc;

	v.service = c->service;
	v.seq = c->seq;
	v.before = c->before;
	v.replicas = c->to;
	argv = execb_expand(c->target, &v, c->err, sizeof c->err);
	if (argv == NULL)
		return -EINVAL;
	rc = execb_run(argv, c->timeout_ms, d, c->err, sizeof c->err);
	execb_argv_free(argv);
	while (d->len > 0 && (d->data[d->len - 1] == '\n' ||
	    d->data[d->len - 1] == ' '))
		buf_truncate(d, d->len - 1);
	if (rc != 0 && d->len > 0) {
		n = strlen(c->err);
		snprintf(c->err + n, sizeof c->err - n, "; output: %.*s",
		    (int)(d->len > 200 ? 200 : d->len), buf_str(d));
	}
	return rc;
}

/* Told of each stopped runc container replace_dead tried. */
static void
engine_call_replaced(void *arg, const struct runcb_ctr *dead, int running,
    int rc, const char *err)
{
	struct engine_call	*c = arg;
	struct engine_replaced	*r;

	if (c->replaced_n >= ENGINE_REPLACED_MAX)
		return;
	r = &c->replaced[c->replaced_n++];
	snprintf(r->id, sizeof r->id, "%s", dead->id);
	r->running = running;
	r->rc = rc;
	snprintf(r->err, sizeof r->err, "%s", err != NULL ? err : "");
}

void
engine_call_run(struct engine_call *c)
{
	struct runcb_replace_cb	cb = { engine_call_replaced, c };
	int			replaced;

	c->err[0] = '\0';
	if (c->backend == POLICY_BACKEND_EXEC)
		c->rc = engine_call_exec(c);
	else if (c->replace)
		c->rc = runcb_replace_dead(c->root, c->service, c->target,
		    c->timeout_ms, &cb, &replaced, c->err, sizeof c->err);
	else
		c->rc = runcb_scale(c->root, c->service, c->target, c->to,
		    c->timeout_ms, &c->detail, c->err, sizeof c->err);
	c->done_ns = engine_clock_ns();
}
