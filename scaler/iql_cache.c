/*
 * iql_cache: the tick's statements over ds's measurement computed from
 * the samples das keeps (wcache.h) and one raw read of the new rows
 * (iql.h, iql_plan_build_cached). Pure: the cache is the caller's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iql.h"
#include "iql_int.h"
#include "xmalloc.h"

/*
 * Whether st is computed from ds's raw samples: with das's cache, every
 * statement over ds's measurement; without it, the ready containers'
 * alone (their common span needs each container's samples, iql.h).
 */
static bool
cache_local(const struct iql_plan *pl, const struct iql_stmt *st)
{
	if (st->tag != NULL || st->measurement != NULL)
		return false;
	if (pl->own_cache != NULL)
		return st->kind == IQL_READY;
	return st->kind == IQL_AGG || st->kind == IQL_FIRST ||
	    st->kind == IQL_LAST || st->kind == IQL_READY;
}

static int
cache_cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The local statements' fields (sorted, once each) and longest window. */
static int64_t
cache_fields(struct iql_plan *pl)
{
	const struct iql_stmt	*st;
	int64_t			 span = 0;
	size_t			 i, k, n = 0;

	for (i = 0; i < pl->nstmts; i++) {
		st = &pl->stmts[i];
		if (!st->local)
			continue;
		span = st->window_ns > span ? st->window_ns : span;
		for (k = 0; k < n && strcmp(pl->cache_fields[k], st->field) != 0;
		    k++)
			continue;
		if (k == n && n < WCACHE_FIELDS_MAX)
			pl->cache_fields[n++] = st->field;
	}
	qsort(pl->cache_fields, n, sizeof *pl->cache_fields,
	    cache_cmp_names);
	pl->ncache_fields = n;
	return span;
}

/* Renumber the policies' statements by to[]. */
static void
cache_renumber(struct iql_plan *pl, const size_t *to)
{
	struct iql_pol	*p;
	size_t		 i;
	int		 k;

	for (i = 0; i < pl->npols; i++) {
		p = &pl->pols[i];
		if (!p->planned)
			continue;
		for (k = 0; k < IQL_KINDS; k++) {
			if (p->out[k] != IQL_NO_STMT)
				p->out[k] = to[p->out[k]];
			if (p->in[k] != IQL_NO_STMT)
				p->in[k] = to[p->in[k]];
		}
		for (k = 0; k < PREDICT_PERIODS; k++) {
			if (p->peak[k] != IQL_NO_STMT)
				p->peak[k] = to[p->peak[k]];
		}
	}
}

/*
 * The asked statements first, then the raw read, then the local ones:
 * a request's statements are [first, first + count) of the array.
 */
static void
cache_reorder(struct iql_plan *pl)
{
	struct iql_stmt	*s;
	size_t		*to, i, j = 0;
	int		 pass;

	s = xcalloc(pl->nstmts + 1, sizeof *s);
	to = xcalloc(pl->nstmts, sizeof *to);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < pl->nstmts; i++) {
			if (pl->stmts[i].local != (pass == 1))
				continue;
			to[i] = j;
			s[j++] = pl->stmts[i];
		}
		if (pass == 0) {
			pl->raw = pl->nsent = j;
			s[j].kind = IQL_RAW;
			s[j++].field = xstrdup("");
		}
	}
	cache_renumber(pl, to);
	free(to);
	free(pl->stmts);
	pl->stmts = s;
	pl->nstmts = j;
	pl->nsent++;
}

void
iql_cache_plan(struct iql_plan *pl, const struct iql_cache_opts *co)
{
	size_t	i, nlocal = 0;
	int64_t	span;

	for (i = 0; i < pl->nstmts; i++) {
		/* ds's fields only: iql_plan_build kept no other */
		pl->stmts[i].local = cache_local(pl, &pl->stmts[i]);
		nlocal += pl->stmts[i].local;
	}
	if (nlocal == 0)
		return;
	span = cache_fields(pl);
	pl->cache = co->cache;
	pl->cache_now = co->now_ns;
	pl->cache_from = wcache_begin(co->cache, pl->cache_fields,
	    pl->ncache_fields, span, co->now_ns, co->lateness_ns,
	    co->resync_ns, &pl->cache_full);
	cache_reorder(pl);
}

void
iql_cache_render(struct buf *q, const struct iql_plan *pl)
{
	static const char *const tags[WCACHE_TAGS] = { "service",
	    "service_name", "backend", "container" };
	size_t	k;

	buf_adds(q, "SELECT ");
	for (k = 0; k < pl->ncache_fields; k++) {
		iql_quote_ident(q, pl->cache_fields[k]);
		buf_addc(q, ',');
	}
	for (k = 0; k < WCACHE_TAGS; k++)
		buf_printf(q, "%s\"%s\"", k > 0 ? "," : "", tags[k]);
	buf_adds(q, " FROM ");
	if (pl->rp != NULL) {
		iql_quote_ident(q, pl->rp);
		buf_addc(q, '.');
	}
	iql_quote_ident(q, pl->measurement);
	buf_printf(q, " WHERE time > %lld", (long long)pl->cache_from);
}

void
iql_cache_plan_ready(struct iql_plan *pl, int64_t now_ns)
{
	struct iql_cache_opts	co = { .now_ns = now_ns };
	size_t			i;

	for (i = 0; i < pl->nstmts && pl->stmts[i].kind != IQL_READY; i++)
		continue;
	if (i == pl->nstmts)
		return;
	co.cache = pl->own_cache = wcache_new();
	iql_cache_plan(pl, &co);
}

void
iql_cache_restart(struct iql_plan *pl)
{
	bool	full;

	wcache_reset(pl->own_cache);
	(void)wcache_begin(pl->own_cache, pl->cache_fields, pl->ncache_fields,
	    pl->cache_now - pl->cache_from, pl->cache_now, 0, 0, &full);
}

const char *
iql_plan_cache_error(const struct iql_plan *pl)
{
	return pl->cache != NULL ? pl->stmts[pl->raw].error : NULL;
}

unsigned
iql_plan_chunk_rows(const struct iql_plan *pl)
{
	if (pl->cache == NULL)
		return 0;
	return pl->chunk_rows > 0 ? pl->chunk_rows : IQL_CHUNK_ROWS;
}

void
iql_plan_set_chunk_rows(struct iql_plan *pl, unsigned n)
{
	pl->chunk_rows = n;
}

bool
iql_plan_cache_full(const struct iql_plan *pl)
{
	return pl->cache != NULL && pl->cache_full;
}

/* Statement st's row for service g, when the samples give one. */
static bool
cache_row(struct iql_plan *pl, const struct iql_stmt *st, size_t g,
    struct iql_row *r)
{
	struct wcache_ask	a = {
		.field = wcache_field(pl->cache, st->field),
		.agg = st->agg, .pct = st->pct,
		.rate = st->rate && (st->kind == IQL_AGG ||
		    st->kind == IQL_READY),
		.from_ns = pl->cache_now - st->window_ns,
		.min_count = st->min_count,
		/* first() and last(): the times, no aggregate */
		.times_only = st->kind == IQL_FIRST || st->kind == IQL_LAST,
	};
	struct wcache_stat	s;

	memset(r, 0, sizeof *r);
	r->lo = r->hi = NAN;
	if (a.field < 0)
		return false;
	if (st->kind == IQL_READY)
		return wcache_ready(pl->cache, g, &a, &r->value, &r->n);
	if (!wcache_window(pl->cache, g, &a, &s))
		return false;
	r->value = s.value;
	r->n = s.n;
	if (st->range) {
		r->lo = s.lo;
		r->hi = s.hi;
	}
	r->time = st->kind == IQL_FIRST ? s.first : st->kind == IQL_LAST ?
	    s.last : 0;
	return true;
}

void
iql_plan_cache_done(struct iql_plan *pl, bool ok)
{
	struct iql_row	 r;
	const char	*tag[3];
	size_t		 i, g, ng;

	if (pl->cache == NULL)
		return;
	ok = ok && pl->stmts[pl->raw].answered &&
	    pl->stmts[pl->raw].error == NULL;
	wcache_end(pl->cache, ok);
	if (!ok) {
		for (i = pl->nsent; i < pl->nstmts; i++) {
			free(pl->stmts[i].error);
			pl->stmts[i].error = xstrdup(pl->stmts[pl->raw].error !=
			    NULL ? pl->stmts[pl->raw].error : "InfluxDB's "
			    "answer could not be read");
		}
		return;
	}
	ng = wcache_ngroups(pl->cache);
	for (g = 0; g < ng; g++) {
		wcache_group_tags(pl->cache, g, tag);
		for (i = pl->nsent; i < pl->nstmts; i++) {
			if (cache_row(pl, &pl->stmts[i], g, &r))
				(void)iql_keep_row(pl, i, &r, tag);
		}
	}
}
