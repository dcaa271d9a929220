/*
 * backend_exec: a command das.conf names (exec.NAME), run with the
 * desired count (execb.h). The command cannot be asked for the count:
 * the one das last set (cur_no) is the truth.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "execb.h"

static int
exec_observe(const struct backend_env *env, const struct backend_target *t,
    struct backend_obs *o, char *err, size_t errlen)
{
	/* NULL cur_no: nothing was started yet */
	o->replicas = t->pol->cur_no >= 0 ? t->pol->cur_no : 0;
	return 0;
}

/* The output, without trailing blanks; appended to err on failure. */
static void
exec_output(struct backend_call *c)
{
	struct buf	*d = &c->detail;
	size_t		 n;

	while (d->len > 0 && (d->data[d->len - 1] == '\n' ||
	    d->data[d->len - 1] == ' '))
		buf_truncate(d, d->len - 1);
	if (c->rc != 0 && d->len > 0) {
		n = strlen(c->err);
		snprintf(c->err + n, sizeof c->err - n, "; output: %.*s",
		    (int)(d->len > 200 ? 200 : d->len), buf_str(d));
	}
}

static void
exec_scale(struct backend_call *c)
{
	struct execb_vars	 v;
	char			**argv;

	v.service = c->service;
	v.seq = c->seq;
	v.before = c->before;
	v.replicas = c->to;
	argv = execb_expand(c->command, &v, c->err, sizeof c->err);
	if (argv == NULL)
		c->rc = -EINVAL;
	else {
		c->rc = execb_run(argv, c->timeout_ms, &c->detail, c->err,
		    sizeof c->err);
		execb_argv_free(argv);
		exec_output(c);
	}
	c->done_ns = backend_clock_ns();
}

const struct backend backend_exec = {
	"exec", true, exec_observe, exec_scale, NULL
};
