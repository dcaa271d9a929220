/*
 * iql_obs: the first row of each series of InfluxDB's answer, read from
 * its cells, kept and indexed by tag, and each policy's observations
 * looked up in the rows (pure). iql_answer.c reads the answer and hands
 * over each series as it closes.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "iql.h"
#include "iql_int.h"
#include "xmalloc.h"

static const char iql_ambiguous[] =
    "several series carry this service's tag; no data used";

/* A number cell: JSON number, or null as NAN. 0 or -EPROTO. */
static int
cell_number(const struct iql_cell *c, double *d)
{
	switch (c->kind) {
	case 'z':
		*d = NAN;
		return 0;
	case 'i':
		*d = (double)c->i;
		return 0;
	case 'd':
		*d = c->d;
		return 0;
	default:
		return -EPROTO;
	}
}

/*
 * A time cell: integer ns. lib/influx.c always asks with epoch=ns, so a
 * string time is not InfluxDB's answer to our query.
 */
static int
cell_time(const struct iql_cell *c, int64_t *ns)
{
	if (c->kind != 'i')
		return -EPROTO;
	*ns = (int64_t)c->i;
	return 0;
}

/*
 * The columns a statement's row must have: time and value (first, last);
 * time, value and n, with lo and hi when asked (an aggregate). The ready
 * containers' rows are das's own (iql_cache.c), never InfluxDB's.
 */
static size_t
row_cols(const struct iql_stmt *st, int need[5])
{
	static const int agg[] = { IQL_COL_TIME, IQL_COL_VALUE, IQL_COL_N,
	    IQL_COL_LO, IQL_COL_HI };
	size_t	n;

	n = st->kind != IQL_AGG ? 2 : st->range ? 5 : 3;
	memcpy(need, agg, n * sizeof *need);
	return n;
}

/*
 * The cells of a statement's row we use, in row_cols's order: the
 * number after time is the value, then n, lo, hi
 * (NAN when not asked). 0 or -EPROTO.
 */
static int
read_row(const struct iql_stmt *st, const struct iql_series *s,
    struct iql_row *r)
{
	const struct iql_cell	*c = s->cells;
	int			 need[5];
	size_t			 k, n = row_cols(st, need);
	double			 cnt;

	for (k = 0; k < n; k++) {
		if (s->col[need[k]] < 0)
			return -EPROTO;
	}
	memset(r, 0, sizeof *r);
	r->lo = r->hi = NAN;
	if (cell_time(&c[s->col[need[0]]], &r->time) != 0 ||
	    cell_number(&c[s->col[need[1]]], &r->value) != 0)
		return -EPROTO;
	if (n == 2)
		return 0;
	if (cell_number(&c[s->col[need[2]]], &cnt) != 0 || (n == 5 &&
	    (cell_number(&c[s->col[need[3]]], &r->lo) != 0 ||
	    cell_number(&c[s->col[need[4]]], &r->hi) != 0)))
		return -EPROTO;
	r->n = cnt >= 1 && cnt < 1.8e19 ? (uint64_t)cnt : 0;
	return 0;
}

/* A new series entry, with no row for any statement yet. */
static size_t
new_entry(struct iql_plan *pl)
{
	size_t	i, n = pl->nstmts;

	if (pl->nentries == pl->entcap) {
		pl->entcap = pl->entcap == 0 ? 64 : pl->entcap * 2;
		pl->entries = xreallocarray(pl->entries, pl->entcap,
		    n * sizeof(*pl->entries));
	}
	for (i = 0; i < n; i++)
		pl->entries[pl->nentries * n + i] = IQL_ROW_NONE;
	return pl->nentries++;
}

/* Map (statement, kind, name) to row ri; a second series poisons it. */
static void
index_key(struct iql_plan *pl, size_t sid, char kind, const char *name,
    size_t ri)
{
	struct iql_slot	*slot;
	uint32_t	*row;
	bool		 added;

	if (*name == '\0')
		return;
	slot = iql_map_put(&pl->series, 0, kind, name, &added);
	if (added)
		slot->val = new_entry(pl);
	row = &pl->entries[slot->val * pl->nstmts + sid];
	*row = *row == IQL_ROW_NONE ? (uint32_t)ri : IQL_ROW_AMBIG;
}

/* The next capacity of a full array. */
static size_t
grown(size_t cap)
{
	return cap == 0 ? 64 : cap * 2;
}

/* Keep r under the series' tags (iql_int.h). */
int
iql_keep_row(struct iql_plan *pl, size_t sid, const struct iql_row *r,
    const char *const tag[3])
{
	size_t	ri;

	if (pl->stmts[sid].kind == IQL_AGG ||
	    pl->stmts[sid].kind == IQL_READY ||
	    pl->stmts[sid].kind == IQL_PEAK) {
		if ((ri = pl->naggs) >= IQL_ROW_AMBIG)
			return -EPROTO;
		if (pl->naggs == pl->aggcap) {
			pl->aggcap = grown(pl->aggcap);
			pl->aggs = xreallocarray(pl->aggs, pl->aggcap,
			    sizeof *pl->aggs);
		}
		pl->aggs[pl->naggs++] = (struct iql_agg){ r->value, r->lo,
		    r->hi, r->n };
	} else {
		if ((ri = pl->ntimes) >= IQL_ROW_AMBIG)
			return -EPROTO;
		if (pl->ntimes == pl->timecap) {
			pl->timecap = grown(pl->timecap);
			pl->times = xreallocarray(pl->times, pl->timecap,
			    sizeof *pl->times);
		}
		pl->times[pl->ntimes++] = r->time;
	}
	if (pl->stmts[sid].tag != NULL) {
		index_key(pl, sid, 'c', tag[1], ri);
		return 0;
	}
	index_key(pl, sid, 's', tag[0], ri);
	if (strcmp(tag[2], "runc") == 0)
		index_key(pl, sid, 'r', tag[1], ri);
	index_key(pl, sid, 'n', tag[1], ri);
	return 0;
}

int
iql_keep_series(struct iql_plan *pl, size_t sid, const struct iql_series *s)
{
	struct iql_row	 r;
	const char	*tag[3];
	int		 k;

	if (s->ncells != s->ncols || read_row(&pl->stmts[sid], s, &r) != 0)
		return -EPROTO;
	for (k = 0; k < 3; k++)
		tag[k] = s->has_tag[k] ? buf_str(&s->tag[k]) : "";
	return iql_keep_row(pl, sid, &r, tag);
}

/* The row index of (statement, kind, name): IQL_ROW_* or an index. */
static uint32_t
find_row(const struct iql_plan *pl, size_t sid, char kind, const char *name)
{
	const struct iql_slot	*slot;

	slot = iql_map_get(&pl->series, 0, kind, name);
	return slot == NULL ? IQL_ROW_NONE :
	    pl->entries[slot->val * pl->nstmts + sid];
}

/*
 * The ready containers of a window (iql.h): their count and sum; 0 and
 * 0 when the samples gave no row for the service (none reported over
 * the whole window). A sum that is not finite is not known.
 */
static void
window_ready(const struct iql_plan *pl, uint32_t ri, struct decide_obs *o)
{
	const struct iql_agg	*a;

	if (ri == IQL_ROW_NONE) {
		o->ready_known = true;
		return;
	}
	a = &pl->aggs[ri];
	if (!isfinite(a->value))
		return;
	o->ready_known = true;
	o->ready_n = a->n > INT32_MAX ? INT32_MAX : (int)a->n;
	o->ready_total = a->value;
}

/* One window's observation from its three or four statements. */
static void
window_obs(const struct iql_plan *pl, const size_t idx[IQL_KINDS],
    char kind, const char *name, struct decide_obs *o, const char **why)
{
	const struct iql_agg	*a;
	uint32_t		 ri[IQL_KINDS];
	int			 k, nk;

	nk = idx[IQL_READY] != IQL_NO_STMT ? IQL_KINDS : IQL_READY;
	for (k = 0; k < nk; k++) {
		if (pl->stmts[idx[k]].error != NULL) {
			*why = pl->stmts[idx[k]].error;
			return;
		}
	}
	for (k = 0; k < nk; k++)
		ri[k] = find_row(pl, idx[k], kind, name);
	for (k = 0; k < nk; k++) {
		if (ri[k] == IQL_ROW_AMBIG) {
			*why = iql_ambiguous;
			return;
		}
	}
	if (ri[IQL_AGG] == IQL_ROW_NONE || ri[IQL_FIRST] == IQL_ROW_NONE ||
	    ri[IQL_LAST] == IQL_ROW_NONE)
		return;
	a = &pl->aggs[ri[IQL_AGG]];
	o->present = true;
	o->value = a->value;
	o->min = a->lo;
	o->max = a->hi;
	o->count = a->n;
	o->first_ns = pl->times[ri[IQL_FIRST]];
	o->last_ns = pl->times[ri[IQL_LAST]];
	o->total = pl->stmts[idx[IQL_AGG]].tag != NULL;
	if (nk == IQL_KINDS)
		window_ready(pl, ri[IQL_READY], o);
}

static void
obs_absent(struct decide_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->value = o->min = o->max = NAN;
}

void
iql_plan_obs(const struct iql_plan *pl, size_t i, const char *service_id,
    const char *service_name, struct decide_obs *out_obs,
    struct decide_obs *in_obs, const char **stmt_error)
{
	const struct iql_pol	*pol;
	const char		*why = NULL, *name;
	char			 kind;

	obs_absent(out_obs);
	obs_absent(in_obs);
	if (i < pl->npols && pl->pols[i].planned) {
		pol = &pl->pols[i];
		kind = pol->custom ? 'c' :
		    pol->backend == POLICY_BACKEND_SWARM ? 's' :
		    pol->backend == POLICY_BACKEND_RUNC ? 'r' : 'n';
		name = kind == 's' ? service_id : service_name;
		if (name != NULL && *name != '\0') {
			window_obs(pl, pol->out, kind, name, out_obs, &why);
			window_obs(pl, pol->in, kind, name, in_obs, &why);
		}
	}
	if (stmt_error != NULL)
		*stmt_error = why;
}

void
iql_plan_peaks(const struct iql_plan *pl, size_t i, const char *service_id,
    const char *service_name, double peaks[PREDICT_PERIODS])
{
	const struct iql_pol	*pol;
	const char		*name;
	uint32_t		 ri;
	size_t			 k, sid;
	char			 kind;

	for (k = 0; k < PREDICT_PERIODS; k++)
		peaks[k] = NAN;
	if (i >= pl->npols || !pl->pols[i].planned || !pl->pols[i].predict)
		return;
	pol = &pl->pols[i];
	kind = pol->custom ? 'c' : pol->backend == POLICY_BACKEND_SWARM ?
	    's' : pol->backend == POLICY_BACKEND_RUNC ? 'r' : 'n';
	name = kind == 's' ? service_id : service_name;
	if (name == NULL || *name == '\0')
		return;
	for (k = 0; k < PREDICT_PERIODS; k++) {
		sid = pol->peak[k];
		if (pl->stmts[sid].error != NULL)
			continue;
		ri = find_row(pl, sid, kind, name);
		if (ri < IQL_ROW_AMBIG)
			peaks[k] = pl->aggs[ri].value;
	}
}
