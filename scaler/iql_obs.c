/*
 * iql_obs: the rows kept from InfluxDB's answer, indexed by tag, and each
 * policy's observations looked up in them (pure). iql_answer.c reads the
 * answer and hands over one row per series.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "iql.h"
#include "iql_int.h"
#include "xmalloc.h"

static const char iql_ambiguous[] =
    "several series carry this service's tag; no data used";

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

int
iql_keep_row(struct iql_plan *pl, size_t sid, const struct iql_row *r,
    const char *const tag[3])
{
	if (pl->nrows >= IQL_ROW_AMBIG)
		return -EPROTO;
	if (pl->nrows == pl->rowcap) {
		pl->rowcap = pl->rowcap == 0 ? 64 : pl->rowcap * 2;
		pl->rows = xreallocarray(pl->rows, pl->rowcap, sizeof(*r));
	}
	pl->rows[pl->nrows] = *r;
	index_key(pl, sid, 's', tag[0], pl->nrows);
	if (strcmp(tag[2], "runc") == 0)
		index_key(pl, sid, 'r', tag[1], pl->nrows);
	index_key(pl, sid, 'n', tag[1], pl->nrows);
	pl->nrows++;
	return 0;
}

/* The row of (statement, kind, name); NULL when none or ambiguous. */
static const struct iql_row *
find_row(const struct iql_plan *pl, size_t sid, char kind, const char *name,
    bool *ambiguous)
{
	const struct iql_slot	*slot;
	uint32_t		 ri;

	slot = iql_map_get(&pl->series, 0, kind, name);
	if (slot == NULL)
		return NULL;
	ri = pl->entries[slot->val * pl->nstmts + sid];
	if (ri == IQL_ROW_NONE)
		return NULL;
	if (ri == IQL_ROW_AMBIG) {
		*ambiguous = true;
		return NULL;
	}
	return &pl->rows[ri];
}

/* One window's observation from its three statements. */
static void
window_obs(const struct iql_plan *pl, const size_t idx[3], char kind,
    const char *name, struct decide_obs *o, const char **why)
{
	const struct iql_row	*r[3];
	bool			 ambiguous = false;
	int			 k;

	for (k = 0; k < 3; k++) {
		if (pl->stmts[idx[k]].error != NULL) {
			*why = pl->stmts[idx[k]].error;
			return;
		}
	}
	for (k = 0; k < 3; k++)
		r[k] = find_row(pl, idx[k], kind, name, &ambiguous);
	if (ambiguous) {
		*why = iql_ambiguous;
		return;
	}
	if (r[IQL_AGG] == NULL || r[IQL_FIRST] == NULL || r[IQL_LAST] == NULL)
		return;
	o->present = true;
	o->value = r[IQL_AGG]->value;
	o->min = r[IQL_AGG]->lo;
	o->max = r[IQL_AGG]->hi;
	o->count = r[IQL_AGG]->n;
	o->first_ns = r[IQL_FIRST]->time;
	o->last_ns = r[IQL_LAST]->time;
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
		kind = pol->backend == POLICY_BACKEND_SWARM ? 's' :
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
