/*
 * ctl_scale: dasctl scale, and what das does with the count it sets.
 *
 * das's side, which the messages here must match: a dasctl change is
 * journaled as `manual` (engine_scale_by_hand, scaler/tick_act.c); das
 * adopts that row as the policy's last change (tick_detect_manual,
 * scaler/tick_eval.c); then scaler/decide.h's order holds: a paused
 * policy is left alone, bounds are enforced on the next tick whatever the
 * cooldowns, and a direction acts again only once its whole window lies
 * after the change and its cooldown has run out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctl_int.h"
#include "engine.h"
#include "policy.h"

/* "max_no 3" or "min_no 1": the bound `to` is past, or NULL. */
static const char *
ctl_bound_name(const struct engine_status *s, int to, int *bound)
{
	*bound = to;
	if (to > s->max_no) {
		*bound = s->max_no;
		return "max_no";
	}
	if (to < s->min_no) {
		*bound = s->min_no;
		return "min_no";
	}
	return NULL;
}

/* "no sooner than 10m from now (out window 10m, cooldown 5m)" */
static void
ctl_earliest(struct buf *b, const char *dir, int64_t window_ns,
    int64_t cooldown_ns)
{
	buf_printf(b, "%s no sooner than ", dir);
	policy_format_duration(window_ns > cooldown_ns ? window_ns :
	    cooldown_ns, b);
	buf_printf(b, " from now (%s window ", dir);
	policy_format_duration(window_ns, b);
	buf_adds(b, ", cooldown ");
	policy_format_duration(cooldown_ns, b);
	buf_adds(b, ")");
}

enum ctl_after
ctl_scale_after(const struct engine_status *s, int to, bool dry_run,
    struct buf *b)
{
	const char	*past;
	int		 bound;

	past = ctl_bound_name(s, to, &bound);
	if (strcmp(s->state, "paused") == 0) {
		buf_printf(b, "policy seq %lld is paused: das leaves the service"
		    " at %d until `dasctl resume %s`", (long long)s->seq, to,
		    s->service);
		if (past != NULL)
			buf_printf(b, ", then brings it back to %d (%s)",
			    bound, past);
		return CTL_AFTER_LEFT;
	}
	if (s->dry_run || dry_run) {
		buf_printf(b, "policy seq %lld is a dry run: das does not act "
		    "on it, it only journals what it would do",
		    (long long)s->seq);
		if (past != NULL)
			buf_printf(b, " (bring it back to %d, its %s)", bound,
			    past);
		return CTL_AFTER_LEFT;
	}
	if (past != NULL) {
		buf_printf(b, "das will bring it back to %d (%s of policy seq "
		    "%lld) on its next tick", bound, past, (long long)s->seq);
		return CTL_AFTER_UNDONE;
	}
	buf_printf(b, "das keeps %d and counts it as the last change: it "
	    "scales ", to);
	ctl_earliest(b, "out", s->out_window_ns, s->cooldown_out_ns);
	buf_adds(b, " and ");
	ctl_earliest(b, "in", s->in_window_ns, s->cooldown_in_ns);
	buf_adds(b, ", and only when a window of data from after this "
	    "change calls for it");
	return CTL_AFTER_KEPT;
}

void
ctl_scale_refusal(const struct engine_status *s, int to, struct buf *b)
{
	const char	*past;
	int		 bound;

	if ((past = ctl_bound_name(s, to, &bound)) == NULL)
		return;
	buf_printf(b, "%d is %s %s %d of policy seq %lld (service %s): das "
	    "would scale it back to %d on its next tick. Nothing was done; "
	    "use --force to set it anyway (das will then bring it back to "
	    "%d)", to, to > bound ? "above" : "below", past, bound,
	    (long long)s->seq, s->service, bound, bound);
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
		    "replica count from 0 to 100000; nothing was done\n", how);
		return -1;
	}
	return (int)n;
}

/* The policy to scale, or NULL with *rc set and the reason said. */
static const struct engine_status *
ctl_scale_find(struct ctl *c, const char *service, int *rc)
{
	const struct engine_status	*s;

	if ((s = ctl_find_lead(c, service, rc)) == NULL)
		return NULL;
	if (strcmp(s->state, "invalid") == 0 || s->replicas < 0) {
		fprintf(stderr, "dasctl: seq %lld (service %s) cannot be "
		    "scaled: %s; nothing was done\n", (long long)s->seq,
		    s->service, s->detail);
		*rc = CTL_EXIT_FAIL;
		return NULL;
	}
	return s;
}

int
ctl_scale(struct ctl *c, const char *service, const char *how, bool force)
{
	const struct engine_status	*s;
	struct buf			 after;
	char				 err[512];
	int				 rc, to, from;

	if ((s = ctl_scale_find(c, service, &rc)) == NULL)
		return rc;
	if ((to = ctl_scale_target(s, how)) < 0)
		return CTL_EXIT_USAGE;
	from = s->replicas;
	buf_init(&after);
	if (ctl_scale_after(s, to, c->set->dry_run, &after) ==
	    CTL_AFTER_UNDONE && !force) {
		buf_reset(&after);
		ctl_scale_refusal(s, to, &after);
		fprintf(stderr, "dasctl: scale: %s\n", buf_str(&after));
		rc = CTL_EXIT_USAGE;
	} else if (to == from) {
		printf("%s already has %d replicas; nothing was done\n",
		    s->service, to);
	} else if (engine_scale_by_hand(c->engine, s->seq, to, err,
	    sizeof err) != 0) {
		fprintf(stderr, "dasctl: scaling %s to %d: %s; nothing was "
		    "changed\n", s->service, to, err);
		rc = CTL_EXIT_FAIL;
	} else
		printf("%s: %d -> %d replicas, journaled as manual; %s\n",
		    s->service, from, to, buf_str(&after));
	buf_free(&after);
	return rc;
}
