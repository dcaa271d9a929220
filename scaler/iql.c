/* iql: InfluxQL quoting and the tick's query plan (pure). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iql.h"
#include "iql_int.h"
#include "xmalloc.h"

/* Quote s with q, escaping backslash, q and newline as InfluxQL reads them. */
static void
iql_quote(struct buf *b, const char *s, char q)
{
	buf_addc(b, q);
	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			buf_adds(b, "\\n");
			continue;
		}
		if (*s == '\\' || *s == q)
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, q);
}

void
iql_quote_ident(struct buf *b, const char *s)
{
	iql_quote(b, s, '"');
}

void
iql_quote_string(struct buf *b, const char *s)
{
	iql_quote(b, s, '\'');
}

static uint64_t
key_hash(size_t stmt, char kind, const char *name)
{
	uint64_t	h = UINT64_C(0xcbf29ce484222325);

	h = (h ^ (uint64_t)stmt) * UINT64_C(0x100000001b3);
	h = (h ^ (unsigned char)kind) * UINT64_C(0x100000001b3);
	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * UINT64_C(0x100000001b3);
	/* MurmurHash3's finalizer: FNV's low bits alone cluster */
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	return h ^ (h >> 33);
}

/* The slot holding the key, or the empty slot where it would go. */
static struct iql_slot *
map_slot(const struct iql_map *m, size_t stmt, char kind, const char *name)
{
	struct iql_slot	*s;
	size_t		 i;

	i = (size_t)key_hash(stmt, kind, name) & (m->cap - 1);
	for (;; i = (i + 1) & (m->cap - 1)) {
		s = &m->slots[i];
		if (s->name == NULL || (s->stmt == (uint32_t)stmt &&
		    s->kind == kind && strcmp(s->name, name) == 0))
			return s;
	}
}

const struct iql_slot *
iql_map_get(const struct iql_map *m, size_t stmt, char kind, const char *name)
{
	const struct iql_slot	*s;

	if (m->cap == 0)
		return NULL;
	s = map_slot(m, stmt, kind, name);
	return s->name != NULL ? s : NULL;
}

/* Double the table (or create it), rehashing every key. */
static void
map_grow(struct iql_map *m)
{
	struct iql_slot	*old = m->slots, *s;
	size_t		 i, oldcap = m->cap;

	m->cap = oldcap == 0 ? 64 : oldcap * 2;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].name == NULL)
			continue;
		s = map_slot(m, old[i].stmt, old[i].kind, old[i].name);
		*s = old[i];
	}
	free(old);
}

/*
 * Find or add the key. *added says which; a new slot's val is the
 * caller's to set. The returned slot is valid until the next map_put.
 */
struct iql_slot *
iql_map_put(struct iql_map *m, size_t stmt, char kind, const char *name,
    bool *added)
{
	struct iql_slot	*s;

	if (2 * (m->len + 1) > m->cap)
		map_grow(m);
	s = map_slot(m, stmt, kind, name);
	*added = s->name == NULL;
	if (*added) {
		s->name = strpool_add(&m->names, name);
		s->stmt = (uint32_t)stmt;
		s->kind = kind;
		m->len++;
	}
	return s;
}

void
iql_map_free(struct iql_map *m)
{
	strpool_clear(&m->names);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* The dedup key of (kind, p's signal, window) into key. */
static void
stmt_key(struct buf *key, enum iql_kind kind, const struct policy *p,
    int64_t window_ns)
{
	double		 pct = 0;
	uint64_t	 pbits;
	bool		 agg = kind != IQL_FIRST && kind != IQL_LAST;

	if (agg && p->aggregate == POLICY_AGG_PERCENTILE)
		pct = p->percentile;
	memcpy(&pbits, &pct, sizeof(pbits));
	/* names cannot hold NUL: a 1 byte separates them unambiguously */
	if (kind == IQL_PEAK)
		buf_printf(key, "%llx|", (unsigned long long)p->lead_ns);
	buf_printf(key, "%llx|%d|%llx|%d\1%s\1%s\1%s",
	    (unsigned long long)window_ns, agg ? (int)p->aggregate : -1,
	    (unsigned long long)pbits, p->aggregate == POLICY_AGG_RATE,
	    p->field, p->measurement != NULL ? p->measurement : "",
	    p->service_tag != NULL ? p->service_tag : "");
}

/* Whether p needs its window's extremes: sustained, or back to 0. */
static bool
wants_range(const struct policy *p)
{
	return p->sustained || (POLICY_CUSTOM(p) && p->min_no == 0);
}

/* Index of the statement (kind, p's signal, window), added when new. */
static size_t
plan_stmt(struct iql_plan *pl, struct iql_map *keys, enum iql_kind kind,
    const struct policy *p, int64_t window_ns)
{
	struct iql_stmt	*st;
	struct iql_slot	*slot;
	struct buf	 key;
	bool		 added;

	buf_init(&key);
	stmt_key(&key, kind, p, window_ns);
	slot = iql_map_put(keys, 0, (char)('a' + kind), buf_str(&key),
	    &added);
	buf_free(&key);
	if (!added) {
		pl->stmts[slot->val].range |= kind == IQL_AGG &&
		    wants_range(p);
		return slot->val;
	}
	slot->val = pl->nstmts;
	pl->stmts = xreallocarray(pl->stmts, pl->nstmts + 1, sizeof(*st));
	st = &pl->stmts[pl->nstmts];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->field = xstrdup(p->field);
	st->agg = p->aggregate;
	st->pct = p->percentile;
	st->window_ns = window_ns;
	st->range = kind == IQL_AGG && wants_range(p);
	st->rate = p->aggregate == POLICY_AGG_RATE;
	if (POLICY_CUSTOM(p)) {
		st->measurement = xstrdup(p->measurement);
		st->tag = xstrdup(p->service_tag);
	}
	if (kind == IQL_PEAK) {
		st->back_ns = window_ns;
		st->lead_ns = p->lead_ns;
	}
	if (kind == IQL_READY)
		st->min_count = iql_ready_min_count(window_ns, pl->interval_ns);
	/* a container's n samples give n - 1 rates */
	if (kind == IQL_READY && st->rate && st->min_count > 1)
		st->min_count--;
	return pl->nstmts++;
}

uint64_t
iql_ready_min_count(int64_t window_ns, int64_t interval_ns)
{
	int64_t	k;

	if (interval_ns <= 0)
		interval_ns = DECIDE_DEFAULT_INTERVAL_NS;
	k = window_ns / interval_ns - 1;
	return k > DECIDE_MIN_SAMPLES ? (uint64_t)k : DECIDE_MIN_SAMPLES;
}

/* The aggregate call for st over column col: mean("f"), percentile(...). */
static void
render_agg(struct buf *q, const struct iql_stmt *st, const char *col)
{
	static const char *const fn[] = {
		[POLICY_AGG_MEAN] = "mean", [POLICY_AGG_MIN] = "min",
		[POLICY_AGG_MAX] = "max", [POLICY_AGG_MEDIAN] = "median",
		[POLICY_AGG_PERCENTILE] = "percentile",
		[POLICY_AGG_RATE] = "mean",
	};

	buf_printf(q, "%s(", fn[st->agg]);
	iql_quote_ident(q, col);
	if (st->agg == POLICY_AGG_PERCENTILE) {
		buf_adds(q, ", ");
		policy_format_number(st->pct, q);
	}
	buf_addc(q, ')');
}

/* "<fn>("col") AS "alias"" */
static void
render_call(struct buf *q, const char *fn, const char *col,
    const char *alias)
{
	buf_printf(q, "%s(", fn);
	iql_quote_ident(q, col);
	buf_printf(q, ") AS \"%s\"", alias);
}

/* Whether st reads rates: first() and last() time the raw samples. */
static bool
stmt_rate(const struct iql_stmt *st)
{
	return st->rate && st->kind != IQL_FIRST && st->kind != IQL_LAST;
}

/* The column st's aggregates read: the field, or its rate "r". */
static const char *
stmt_col(const struct iql_stmt *st)
{
	return stmt_rate(st) ? "r" : st->field;
}

/* [rp.]"measurement" of st. */
static void
render_source(struct buf *q, const struct iql_plan *pl,
    const struct iql_stmt *st)
{
	if (pl->rp != NULL) {
		iql_quote_ident(q, pl->rp);
		buf_addc(q, '.');
	}
	iql_quote_ident(q, st->measurement != NULL ? st->measurement :
	    pl->measurement);
}

/*
 * " WHERE time ... ": the window (now − W, now], or for a peak the lead
 * k periods back, (now − k·P, now − k·P + lead].
 */
static void
render_range(struct buf *q, const struct iql_stmt *st)
{
	buf_adds(q, " WHERE time > now() - ");
	if (st->kind != IQL_PEAK) {
		policy_format_duration(st->window_ns, q);
		buf_addc(q, ' ');
		return;
	}
	policy_format_duration(st->back_ns, q);
	buf_adds(q, " AND time <= now() - ");
	policy_format_duration(st->back_ns - st->lead_ns, q);
	buf_addc(q, ' ');
}

/* What one series is grouped by: a container, or any custom series. */
#define IQL_BY_CONTAINER	IQL_GROUP_BY ",\"container\""
#define IQL_BY_SERIES		"GROUP BY *"

/*
 * " FROM ... " with st's window: the measurement, or for a rate (read as
 * column "r") each series' non-negative derivative per second: a counter
 * that restarted at 0 gives no rate for that step, never a spike.
 */
static void
render_values(struct buf *q, const struct iql_plan *pl,
    const struct iql_stmt *st)
{
	bool	rate = stmt_rate(st);

	buf_adds(q, " FROM ");
	if (rate) {
		buf_adds(q, "(SELECT non_negative_derivative(");
		iql_quote_ident(q, st->field);
		buf_adds(q, ", 1s) AS \"r\" FROM ");
	}
	render_source(q, pl, st);
	render_range(q, st);
	if (rate)
		buf_printf(q, "%s) ", st->tag != NULL ? IQL_BY_SERIES :
		    IQL_BY_CONTAINER);
}

/* GROUP BY the service's tags, or a custom measurement's one tag. */
static void
render_group(struct buf *q, const struct iql_stmt *st)
{
	if (st->tag == NULL) {
		buf_adds(q, IQL_GROUP_BY);
		return;
	}
	buf_adds(q, "GROUP BY ");
	iql_quote_ident(q, st->tag);
}

/*
 * A custom measurement's aggregate: per series its aggregate, count
 * (and extremes), summed per service: a queue length reported once per
 * service is itself, requests counted by each instance add up.
 */
static void
render_custom(struct buf *q, const struct iql_plan *pl,
    const struct iql_stmt *st)
{
	const char	*col = stmt_col(st);

	buf_adds(q, "SELECT sum(\"m\") AS \"value\", sum(\"c\") AS \"n\"");
	if (st->range)
		buf_adds(q, ", sum(\"l\") AS \"lo\", sum(\"h\") AS \"hi\"");
	buf_adds(q, " FROM (SELECT ");
	render_agg(q, st, col);
	buf_adds(q, " AS \"m\", ");
	render_call(q, "count", col, "c");
	if (st->range) {
		buf_adds(q, ", ");
		render_call(q, "min", col, "l");
		buf_adds(q, ", ");
		render_call(q, "max", col, "h");
	}
	render_values(q, pl, st);
	buf_adds(q, IQL_BY_SERIES ") ");
	render_group(q, st);
}

/* An aggregate statement over ds's measurement. */
static void
render_aggregate(struct buf *q, const struct iql_plan *pl,
    const struct iql_stmt *st)
{
	const char	*col = stmt_col(st);

	buf_adds(q, "SELECT ");
	render_agg(q, st, col);
	buf_adds(q, " AS \"value\", ");
	render_call(q, "count", col, "n");
	/*
	 * Only sustained policies read the window's extremes: each
	 * function costs InfluxDB a pass over every series (about a
	 * quarter of the answer time at 10,000 services).
	 */
	if (st->range) {
		buf_adds(q, ", ");
		render_call(q, "min", col, "lo");
		buf_adds(q, ", ");
		render_call(q, "max", col, "hi");
	}
	render_values(q, pl, st);
	buf_adds(q, IQL_GROUP_BY);
}

/*
 * A past period's peak total: per series its aggregate every sample
 * interval, summed per service per interval, the largest of those sums.
 */
static void
render_peak(struct buf *q, const struct iql_plan *pl,
    const struct iql_stmt *st)
{
	int64_t	every = pl->interval_ns > 0 ? pl->interval_ns :
		    DECIDE_DEFAULT_INTERVAL_NS;

	buf_adds(q, "SELECT max(\"t\") AS \"value\" FROM (SELECT sum(\"m\") "
	    "AS \"t\" FROM (SELECT ");
	render_agg(q, st, stmt_col(st));
	buf_adds(q, " AS \"m\"");
	render_values(q, pl, st);
	/* GROUP BY time needs the range at each level */
	if (stmt_rate(st))
		render_range(q, st);
	buf_adds(q, "GROUP BY time(");
	policy_format_duration(every, q);
	/* the tags after "GROUP BY ": &...[n], not ... + n (clang's
	 * -Wstring-plus-int) */
	buf_printf(q, "),%s)", st->tag != NULL ? "*" :
	    &IQL_BY_CONTAINER[strlen("GROUP BY ")]);
	render_range(q, st);
	buf_adds(q, "GROUP BY time(");
	policy_format_duration(every, q);
	buf_adds(q, "),");
	if (st->tag != NULL)
		iql_quote_ident(q, st->tag);
	else
		buf_adds(q, &IQL_GROUP_BY[strlen("GROUP BY ")]);
	buf_adds(q, ") ");
	render_group(q, st);
}

/* One statement. */
static void
render_stmt(struct buf *q, const struct iql_plan *pl,
    const struct iql_stmt *st)
{
	if (st->kind == IQL_RAW)
		iql_cache_render(q, pl);
	else if (st->kind == IQL_PEAK)
		render_peak(q, pl, st);
	else if (st->kind == IQL_AGG && st->tag != NULL)
		render_custom(q, pl, st);
	else if (st->kind == IQL_AGG)
		render_aggregate(q, pl, st);
	else {
		buf_adds(q, "SELECT ");
		render_call(q, st->kind == IQL_FIRST ? "first" : "last",
		    st->field, "value");
		render_values(q, pl, st);
		render_group(q, st);
	}
}

/*
 * Plan the statements of one window into idx: three, and the ready
 * containers' for the modes that count them (decide.h). A custom
 * measurement has no containers: its value is the service's total.
 */
static void
plan_window(struct iql_plan *pl, struct iql_map *keys,
    const struct policy *p, int64_t window_ns, size_t idx[IQL_KINDS])
{
	idx[IQL_AGG] = plan_stmt(pl, keys, IQL_AGG, p, window_ns);
	idx[IQL_FIRST] = plan_stmt(pl, keys, IQL_FIRST, p, window_ns);
	idx[IQL_LAST] = plan_stmt(pl, keys, IQL_LAST, p, window_ns);
	idx[IQL_READY] = !POLICY_CUSTOM(p) && (p->mode == POLICY_MODE_TARGET ||
	    p->mode == POLICY_MODE_CAPACITY) ? plan_stmt(pl, keys, IQL_READY,
	    p, window_ns) : IQL_NO_STMT;
}

/* A predicting policy's peaks, one statement per period back. */
static void
plan_peaks(struct iql_plan *pl, struct iql_map *keys,
    const struct policy *p, struct iql_pol *pol)
{
	size_t	k;

	pol->predict = p->predict_ns > 0;
	for (k = 0; k < PREDICT_PERIODS; k++)
		pol->peak[k] = pol->predict ? plan_stmt(pl, keys, IQL_PEAK, p,
		    p->predict_ns * (int64_t)(k + 1)) : IQL_NO_STMT;
}

/*
 * What a statement costs InfluxDB, roughly: one pass over the window's
 * points per function (an aggregate statement has two or four, the
 * ready containers' two, and one over their rows).
 */
static size_t
stmt_cost(const struct iql_stmt *st)
{
	if (st->kind == IQL_READY || st->kind == IQL_PEAK)
		return 3 + st->rate;
	if (st->kind == IQL_RAW)
		return 2;
	if (st->kind != IQL_AGG)
		return 1;
	return (st->range ? 4 : 2) + st->rate;
}

/* Cut the statements where the two parts cost most nearly the same. */
static void
plan_parts(struct iql_plan *pl, size_t nplanned)
{
	size_t	i, total = 0, head = 0, best = 0, gap, best_gap = SIZE_MAX;

	pl->nparts = 1;
	pl->parts[0].first = 0;
	pl->parts[0].count = pl->nsent;
	if (nplanned < IQL_SPLIT_MIN || pl->nsent < 2)
		return;
	for (i = 0; i < pl->nsent; i++)
		total += stmt_cost(&pl->stmts[i]);
	for (i = 1; i < pl->nsent; i++) {
		head += stmt_cost(&pl->stmts[i - 1]);
		gap = 2 * head > total ? 2 * head - total : total - 2 * head;
		if (gap < best_gap) {
			best_gap = gap;
			best = i;
		}
	}
	pl->nparts = 2;
	pl->parts[0].count = best;
	pl->parts[1].first = best;
	pl->parts[1].count = pl->nsent - best;
}

/* Render the statements of each part, and all of them. */
static void
plan_render(struct iql_plan *pl)
{
	size_t	i, k;

	for (i = 0; i < pl->nsent; i++) {
		if (i > 0)
			buf_addc(&pl->query, ';');
		render_stmt(&pl->query, pl, &pl->stmts[i]);
	}
	for (k = 0; pl->nparts > 1 && k < pl->nparts; k++) {
		for (i = 0; i < pl->parts[k].count; i++) {
			if (i > 0)
				buf_addc(&pl->part_query[k], ';');
			render_stmt(&pl->part_query[k], pl,
			    &pl->stmts[pl->parts[k].first + i]);
		}
	}
}

struct iql_plan *
iql_plan_build(const struct policy *const *pv, size_t n, const char *rp,
    const char *measurement)
{
	return iql_plan_build_every(pv, n, rp, measurement, 0);
}

struct iql_plan *
iql_plan_build_every(const struct policy *const *pv, size_t n,
    const char *rp, const char *measurement, int64_t interval_ns)
{
	return iql_plan_build_cached(pv, n, rp, measurement, interval_ns,
	    NULL);
}

struct iql_plan *
iql_plan_build_cached(const struct policy *const *pv, size_t n,
    const char *rp, const char *measurement, int64_t interval_ns,
    const struct iql_cache_opts *co)
{
	struct iql_plan	*pl;
	struct iql_map	 keys = { NULL, 0, 0, STRPOOL_INIT };
	size_t		 i, k, nplanned = 0;

	pl = xcalloc(1, sizeof(*pl));
	pl->interval_ns = interval_ns;
	pl->rp = rp != NULL && *rp != '\0' ? xstrdup(rp) : NULL;
	pl->measurement = xstrdup(measurement != NULL ? measurement :
	    "docker");
	buf_init(&pl->query);
	for (k = 0; k < IQL_PARTS_MAX; k++)
		buf_init(&pl->part_query[k]);
	pl->pols = xcalloc(n == 0 ? 1 : n, sizeof(*pl->pols));
	pl->npols = n;
	for (i = 0; i < n; i++) {
		if (pv[i] == NULL || pv[i]->field == NULL ||
		    (!POLICY_CUSTOM(pv[i]) &&
		    !policy_field_known(pv[i]->field)) ||
		    pv[i]->out_window_ns <= 0 || pv[i]->in_window_ns <= 0)
			continue;
		plan_window(pl, &keys, pv[i], pv[i]->out_window_ns,
		    pl->pols[i].out);
		plan_window(pl, &keys, pv[i], pv[i]->in_window_ns,
		    pl->pols[i].in);
		pl->pols[i].backend = pv[i]->backend;
		pl->pols[i].custom = POLICY_CUSTOM(pv[i]);
		plan_peaks(pl, &keys, pv[i], &pl->pols[i]);
		pl->pols[i].planned = true;
		nplanned++;
	}
	iql_map_free(&keys);
	pl->nsent = pl->nstmts;
	if (co != NULL && co->cache != NULL)
		iql_cache_plan(pl, co);
	else
		iql_cache_plan_ready(pl, co != NULL ? co->now_ns : 0);
	plan_parts(pl, nplanned);
	plan_render(pl);
	return pl;
}

size_t
iql_plan_nstatements(const struct iql_plan *pl)
{
	return pl->nsent;
}

size_t
iql_plan_nparts(const struct iql_plan *pl)
{
	return pl->nparts;
}

void
iql_plan_one_part(struct iql_plan *pl)
{
	size_t	k;

	pl->nparts = 1;
	pl->parts[0].first = 0;
	pl->parts[0].count = pl->nsent;
	for (k = 0; k < IQL_PARTS_MAX; k++)
		buf_reset(&pl->part_query[k]);
}

const char *
iql_plan_part_query(const struct iql_plan *pl, size_t part)
{
	if (pl->nparts == 1 || part >= pl->nparts)
		return buf_str(&pl->query);
	return buf_str(&pl->part_query[part]);
}

/* Forget the answer of an earlier fill. */
void
iql_plan_reset(struct iql_plan *pl)
{
	size_t	i;

	for (i = 0; i < pl->nstmts; i++) {
		free(pl->stmts[i].error);
		pl->stmts[i].error = NULL;
		pl->stmts[i].answered = false;
	}
	iql_map_free(&pl->series);
	pl->nentries = 0;
	pl->naggs = 0;
	pl->ntimes = 0;
	/* the plan's own cache: empty again for the next fill's raw read */
	if (pl->own_cache != NULL)
		iql_cache_restart(pl);
}

void
iql_plan_free(struct iql_plan *pl)
{
	size_t	i;

	if (pl == NULL)
		return;
	iql_plan_reset(pl);
	for (i = 0; i < pl->nstmts; i++) {
		free(pl->stmts[i].field);
		free(pl->stmts[i].measurement);
		free(pl->stmts[i].tag);
	}
	free(pl->stmts);
	wcache_free(pl->own_cache);
	free(pl->rp);
	free(pl->measurement);
	free(pl->pols);
	free(pl->aggs);
	free(pl->times);
	free(pl->entries);
	buf_free(&pl->query);
	for (i = 0; i < IQL_PARTS_MAX; i++)
		buf_free(&pl->part_query[i]);
	free(pl);
}
