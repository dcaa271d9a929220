/*
 * tick_group: several rows for one service. Valid rows with the same
 * backend and service form a group: each row (one metric each) decides
 * alone, then decide_group (decide.h) makes one decision of theirs, and
 * only the row whose decision stands (the driver) acts, with one backend
 * call. The other rows follow: das counts the group's change as their
 * own (their known count and last change), so that none of them takes it
 * for a change made by hand at the next tick, as two rows acting against
 * each other did (issue 11). Rows of a group with different bounds (or
 * exec/runc targets) are all invalid, and so are rows naming one service
 * with different backends. A row alone is not a group, and nothing here
 * touches it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "xmalloc.h"

static bool
same_service(const struct work *a, const struct work *b)
{
	return a->pol.backend == b->pol.backend &&
	    strcmp(a->gkey, b->gkey) == 0;
}

/*
 * Each valid row's group key (struct work): Swarm rows by the service
 * they resolve to in this tick's service list, when it could be read
 * and names one; else (and for the other backends) as written.
 */
static void
group_keys(struct engine *e)
{
	const struct swarm_service	*svc;
	struct work			*w;
	char				 err[128];
	size_t				 i;

	tick_list_services(e);
	for (i = 0; i < e->t.nwork; i++) {
		w = &e->t.work[i];
		w->gkey = w->pol.service;
		if (!w->valid || w->be != &backend_swarm ||
		    !e->t.services_ok)
			continue;
		svc = swarm_resolve(&e->t.services, w->pol.service, err,
		    sizeof err);
		if (svc != NULL)
			w->gkey = svc->id;
	}
}

/* By backend and service, then in table order. */
static int
group_cmp(const void *a, const void *b)
{
	const struct work	*x = *(struct work *const *)a;
	const struct work	*y = *(struct work *const *)b;
	int			 c;

	if (x->pol.backend != y->pol.backend)
		return x->pol.backend < y->pol.backend ? -1 : 1;
	if ((c = strcmp(x->gkey, y->gkey)) != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* Whether a and b may scale one service together: the same bounds and
 * (exec, runc) the same das.conf target. */
static bool
same_rules(const struct work *a, const struct work *b)
{
	const char	*ta = a->pol.target, *tb = b->pol.target;

	return a->pol.min_no == b->pol.min_no &&
	    a->pol.max_no == b->pol.max_no &&
	    (a->pol.backend == POLICY_BACKEND_SWARM ||
	    strcmp(ta != NULL ? ta : "", tb != NULL ? tb : "") == 0);
}

/* "min_no 1, max_no 5" and, when there is one, ", target \"x\"". */
static const char *
rules_text(struct engine *e, const struct work *w)
{
	return strpool_printf(&e->t.strs, "min_no %d, max_no %d%s%s%s",
	    w->pol.min_no, w->pol.max_no, w->pol.target ? ", target \"" : "",
	    w->pol.target ? w->pol.target : "", w->pol.target ? "\"" : "");
}

/*
 * A group whose rows disagree on bounds or target: each row is invalid,
 * named with a row it disagrees with (every row has one).
 */
static void
group_invalid(struct engine *e, struct work **m, size_t n)
{
	const struct work	*o;
	const char		*err;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n && same_rules(m[i], m[j]); j++)
			;
		o = m[j];
		err = strpool_printf(&e->t.strs, "seq %lld also scales %s "
		    "service \"%s\", with %s (this row: %s); the rows of one "
		    "service decide together and must have the same bounds%s",
		    (long long)o->st->seq, policy_backend_name(o->pol.backend),
		    o->pol.service, rules_text(e, o), rules_text(e, m[i]),
		    o->pol.backend == POLICY_BACKEND_SWARM ? "" :
		    " and target");
		tick_invalid(e, m[i], err);
		e->t.report.valid--;
	}
}

/* The rows m[0..n) of one service: a group, or all invalid. */
static void
group_make(struct engine *e, struct work **m, size_t n)
{
	struct tick	*t = &e->t;
	struct tgroup	*g;
	struct buf	 seqs;
	size_t		 i;

	for (i = 1; i < n && same_rules(m[0], m[i]); i++)
		;
	if (i < n) {
		group_invalid(e, m, n);
		return;
	}
	g = &t->groups[t->ngroups++];
	g->w = m;
	g->n = n;
	buf_init(&seqs);
	for (i = 0; i < n; i++) {
		buf_printf(&seqs, "%s%lld", i ? "," : "",
		    (long long)m[i]->st->seq);
		m[i]->grp = g;
	}
	g->seqs = strpool_add(&t->strs, buf_str(&seqs));
	buf_free(&seqs);
	for (i = 0; i < n; i++)
		m[i]->status->group = g->seqs;
}

/* By the service as written, then backend, then table order. */
static int
written_cmp(const void *a, const void *b)
{
	const struct work	*x = *(struct work *const *)a;
	const struct work	*y = *(struct work *const *)b;
	int			 c;

	if ((c = strcmp(x->pol.service, y->pol.service)) != 0)
		return c;
	if (x->pol.backend != y->pol.backend)
		return x->pol.backend < y->pol.backend ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Valid rows naming one service (as written) with different backends
 * would scale two things on the same metrics: every such row is
 * invalid, named with a row of another backend (issue 11's rule).
 */
static void
group_backends(struct engine *e, struct work **m, size_t n)
{
	const struct work	*o;
	size_t			 i, j, k;

	qsort(m, n, sizeof *m, written_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(m[i]->pol.service,
		    m[j]->pol.service) == 0; j++)
			;
		if (m[i]->pol.backend == m[j - 1]->pol.backend)
			continue;
		for (k = i; k < j; k++) {
			o = m[k]->pol.backend == m[i]->pol.backend ? m[j - 1] :
			    m[i];
			tick_invalid(e, m[k], strpool_printf(&e->t.strs,
			    "seq %lld also names service \"%s\", with backend "
			    "%s (this row: %s); the rows of one service decide "
			    "together and must have the same backend",
			    (long long)o->st->seq, o->pol.service,
			    policy_backend_name(o->pol.backend),
			    policy_backend_name(m[k]->pol.backend)));
			e->t.report.valid--;
		}
	}
}

void
tick_group(struct engine *e)
{
	struct tick	*t = &e->t;
	size_t		 i, j, n = 0;

	group_keys(e);
	t->gwork = xcalloc(t->nwork + 1, sizeof *t->gwork);
	t->groups = xcalloc(t->nwork / 2 + 1, sizeof *t->groups);
	for (i = 0; i < t->nwork; i++) {
		if (t->work[i].valid)
			t->gwork[n++] = &t->work[i];
	}
	group_backends(e, t->gwork, n);
	for (i = j = 0; i < n; i++) {
		if (t->gwork[i]->valid)
			t->gwork[j++] = t->gwork[i];
	}
	n = j;
	qsort(t->gwork, n, sizeof *t->gwork, group_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_service(t->gwork[i],
		    t->gwork[j]); j++)
			;
		if (j - i > 1)
			group_make(e, t->gwork + i, j - i);
	}
}

/*
 * A group waits while any of its rows does: a backend call of the group
 * runs under its driver's seq, and a runc cluster's stopped members are
 * replaced once, by the first row that asks.
 */
void
tick_group_wait(struct engine *e)
{
	struct tgroup	*g;
	size_t		 i, k, first;
	bool		 busy;

	for (k = 0; k < e->t.ngroups; k++) {
		g = &e->t.groups[k];
		busy = false;
		first = g->n;
		for (i = 0; i < g->n; i++) {
			busy |= g->w[i]->busy;
			if (g->w[i]->replace && first == g->n)
				first = i;
		}
		for (i = 0; (busy || first < g->n) && i < g->n; i++) {
			if (!busy && i == first)
				continue;
			g->w[i]->busy = true;
			g->w[i]->replace = false;
		}
	}
}

/*
 * One group's decision: decide_group over its rows' own (a row that
 * could not decide, its count unknown, holds as without data: it blocks
 * a scale-in, not a scale-out). The driver's decision stands.
 */
static void
group_decide(struct engine *e, struct tgroup *g)
{
	struct decide_out	*rows, out;
	struct work		*d;
	size_t			 i;

	for (i = 0; i < g->n; i++) {
		if (g->w[i]->busy || g->w[i]->replace)
			return;		/* the whole group waits */
	}
	rows = xcalloc(g->n, sizeof *rows);
	for (i = 0; i < g->n; i++) {
		rows[i] = g->w[i]->out;
		if (!g->w[i]->decided) {
			rows[i].action = DECIDE_HOLD;
			rows[i].reason = "no_data";
		}
	}
	d = g->driver = g->w[decide_group(rows, g->n, &out)];
	free(rows);
	g->sentence = strpool_printf(&e->t.strs, "group: seq %s driven by "
	    "seq %lld (%s, %s)", g->seqs, (long long)d->st->seq, d->pol.field,
	    d->decided ? d->out.reason : "error");
	for (i = 0; i < g->n; i++) {
		g->w[i]->follows = g->w[i] != d;
		g->w[i]->status->driver = d->st->seq;
	}
}

void
tick_group_decide(struct engine *e)
{
	size_t	k;

	for (k = 0; k < e->t.ngroups; k++)
		group_decide(e, &e->t.groups[k]);
}

/* Whether seq is w's or, in a group, one of its rows'. */
bool
tick_group_has(const struct work *w, int64_t seq)
{
	size_t	i;

	if (w->grp == NULL)
		return w->st->seq == seq;
	for (i = 0; i < w->grp->n; i++) {
		if (w->grp->w[i]->st->seq == seq)
			return true;
	}
	return false;
}

/*
 * The detail of a driver's journal row: the group's sentence, then its
 * own words (the backend's, the metrics'), either or both; own for a
 * row alone.
 */
const char *
tick_group_detail(struct engine *e, const struct work *w, const char *own)
{
	if (w->grp == NULL || w->grp->sentence == NULL)
		return own;
	if (own == NULL || *own == '\0')
		return w->grp->sentence;
	return strpool_printf(&e->t.strs, "%s; %s", w->grp->sentence, own);
}

/*
 * The driver changed the count: every other row of its group counts the
 * change as its own.
 */
void
tick_group_changed(struct work *w, int64_t done_ns, int to)
{
	struct work	*o;
	size_t		 i;

	for (i = 0; w->grp != NULL && i < w->grp->n; i++) {
		if ((o = w->grp->w[i]) == w || !o->decided)
			continue;
		o->st->known = to;
		o->st->last_change_ns = done_ns;
		pstate_forget_key(o->st);
		o->replicas = o->status->replicas = to;
		o->status->last_change_ns = done_ns;
	}
}
