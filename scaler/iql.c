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

/* Index of the statement (kind, field, agg, window), added when new. */
static size_t
plan_stmt(struct iql_plan *pl, struct iql_map *keys, enum iql_kind kind,
    const struct policy *p, int64_t window_ns)
{
	struct iql_stmt	*st;
	struct iql_slot	*slot;
	char		 key[128];
	double		 pct = 0;
	uint64_t	 pbits;
	bool		 added;

	if ((kind == IQL_AGG || kind == IQL_READY) &&
	    p->aggregate == POLICY_AGG_PERCENTILE)
		pct = p->percentile;
	memcpy(&pbits, &pct, sizeof(pbits));
	/* fields are whitelisted names: the key always fits */
	snprintf(key, sizeof(key), "%s|%llx|%d|%llx", p->field,
	    (unsigned long long)window_ns,
	    kind == IQL_AGG || kind == IQL_READY ? (int)p->aggregate : -1,
	    (unsigned long long)pbits);
	slot = iql_map_put(keys, 0, (char)('a' + kind), key, &added);
	if (!added) {
		pl->stmts[slot->val].range |= kind == IQL_AGG && p->sustained;
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
	st->range = kind == IQL_AGG && p->sustained;
	if (kind == IQL_READY)
		st->min_count = iql_ready_min_count(window_ns, pl->interval_ns);
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

/* The aggregate call for st: mean("f"), percentile("f", 95), ... */
static void
render_agg(struct buf *q, const struct iql_stmt *st)
{
	static const char *const fn[] = {
		[POLICY_AGG_MEAN] = "mean", [POLICY_AGG_MIN] = "min",
		[POLICY_AGG_MAX] = "max", [POLICY_AGG_MEDIAN] = "median",
		[POLICY_AGG_PERCENTILE] = "percentile",
	};

	buf_printf(q, "%s(", fn[st->agg]);
	iql_quote_ident(q, st->field);
	if (st->agg == POLICY_AGG_PERCENTILE) {
		buf_adds(q, ", ");
		policy_format_number(st->pct, q);
	}
	buf_addc(q, ')');
}

/* "<fn>("field") AS "alias"" */
static void
render_call(struct buf *q, const char *fn, const char *field,
    const char *alias)
{
	buf_printf(q, "%s(", fn);
	iql_quote_ident(q, field);
	buf_printf(q, ") AS \"%s\"", alias);
}

/* " FROM <from> WHERE time > now() - <window> " */
static void
render_from(struct buf *q, const struct iql_stmt *st, const char *from)
{
	buf_printf(q, " FROM %s WHERE time > now() - ", from);
	policy_format_duration(st->window_ns, q);
	buf_addc(q, ' ');
}

/*
 * The ready containers (iql.h): per container its aggregate and sample
 * count over the window, kept when it reported at least K times; per
 * service their sum and number.
 */
static void
render_ready(struct buf *q, const struct iql_stmt *st, const char *from)
{
	buf_adds(q, "SELECT sum(\"m\") AS \"total\", count(\"m\") AS \"n\" "
	    "FROM (SELECT ");
	render_agg(q, st);
	buf_adds(q, " AS \"m\", ");
	render_call(q, "count", st->field, "c");
	render_from(q, st, from);
	buf_printf(q, IQL_GROUP_BY ",\"container\") WHERE \"c\" >= %llu "
	    IQL_GROUP_BY, (unsigned long long)st->min_count);
}

/* One statement; from is the quoted [rp.]measurement. */
static void
render_stmt(struct buf *q, const struct iql_stmt *st, const char *from)
{
	if (st->kind == IQL_READY) {
		render_ready(q, st, from);
		return;
	}
	buf_adds(q, "SELECT ");
	if (st->kind == IQL_AGG) {
		render_agg(q, st);
		buf_adds(q, " AS \"value\", ");
		render_call(q, "count", st->field, "n");
		/*
		 * Only sustained policies read the window's extremes: each
		 * function costs InfluxDB a pass over every series (about a
		 * quarter of the answer time at 10,000 services).
		 */
		if (st->range) {
			buf_adds(q, ", ");
			render_call(q, "min", st->field, "lo");
			buf_adds(q, ", ");
			render_call(q, "max", st->field, "hi");
		}
	} else
		render_call(q, st->kind == IQL_FIRST ? "first" : "last",
		    st->field, "value");
	render_from(q, st, from);
	buf_adds(q, IQL_GROUP_BY);
}

/*
 * Plan the statements of one window into idx: three, and the ready
 * containers' for the modes that count them (decide.h).
 */
static void
plan_window(struct iql_plan *pl, struct iql_map *keys,
    const struct policy *p, int64_t window_ns, size_t idx[IQL_KINDS])
{
	idx[IQL_AGG] = plan_stmt(pl, keys, IQL_AGG, p, window_ns);
	idx[IQL_FIRST] = plan_stmt(pl, keys, IQL_FIRST, p, window_ns);
	idx[IQL_LAST] = plan_stmt(pl, keys, IQL_LAST, p, window_ns);
	idx[IQL_READY] = p->mode == POLICY_MODE_TARGET ||
	    p->mode == POLICY_MODE_CAPACITY ? plan_stmt(pl, keys, IQL_READY,
	    p, window_ns) : IQL_NO_STMT;
}

/*
 * What a statement costs InfluxDB, roughly: one pass over the window's
 * points per function (an aggregate statement has two or four, the
 * ready containers' two, and one over their rows).
 */
static size_t
stmt_cost(const struct iql_stmt *st)
{
	if (st->kind == IQL_READY)
		return 3;
	if (st->kind != IQL_AGG)
		return 1;
	return st->range ? 4 : 2;
}

/* Cut the statements where the two parts cost most nearly the same. */
static void
plan_parts(struct iql_plan *pl, size_t nplanned)
{
	size_t	i, total = 0, head = 0, best = 0, gap, best_gap = SIZE_MAX;

	pl->nparts = 1;
	pl->parts[0].first = 0;
	pl->parts[0].count = pl->nstmts;
	if (nplanned < IQL_SPLIT_MIN || pl->nstmts < 2)
		return;
	for (i = 0; i < pl->nstmts; i++)
		total += stmt_cost(&pl->stmts[i]);
	for (i = 1; i < pl->nstmts; i++) {
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
	pl->parts[1].count = pl->nstmts - best;
}

/* Render the statements of each part, and all of them, from "from". */
static void
plan_render(struct iql_plan *pl, const char *from)
{
	size_t	i, k;

	for (i = 0; i < pl->nstmts; i++) {
		if (i > 0)
			buf_addc(&pl->query, ';');
		render_stmt(&pl->query, &pl->stmts[i], from);
	}
	for (k = 0; pl->nparts > 1 && k < pl->nparts; k++) {
		for (i = 0; i < pl->parts[k].count; i++) {
			if (i > 0)
				buf_addc(&pl->part_query[k], ';');
			render_stmt(&pl->part_query[k],
			    &pl->stmts[pl->parts[k].first + i], from);
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
	struct iql_plan	*pl;
	struct iql_map	 keys = { NULL, 0, 0, STRPOOL_INIT };
	struct buf	 from;
	size_t		 i, k, nplanned = 0;

	pl = xcalloc(1, sizeof(*pl));
	pl->interval_ns = interval_ns;
	buf_init(&pl->query);
	for (k = 0; k < IQL_PARTS_MAX; k++)
		buf_init(&pl->part_query[k]);
	pl->pols = xcalloc(n == 0 ? 1 : n, sizeof(*pl->pols));
	pl->npols = n;
	for (i = 0; i < n; i++) {
		if (pv[i] == NULL || !policy_field_known(pv[i]->field) ||
		    pv[i]->out_window_ns <= 0 || pv[i]->in_window_ns <= 0)
			continue;
		plan_window(pl, &keys, pv[i], pv[i]->out_window_ns,
		    pl->pols[i].out);
		plan_window(pl, &keys, pv[i], pv[i]->in_window_ns,
		    pl->pols[i].in);
		pl->pols[i].backend = pv[i]->backend;
		pl->pols[i].planned = true;
		nplanned++;
	}
	iql_map_free(&keys);
	plan_parts(pl, nplanned);
	buf_init(&from);
	if (rp != NULL && *rp != '\0') {
		iql_quote_ident(&from, rp);
		buf_addc(&from, '.');
	}
	iql_quote_ident(&from, measurement != NULL ? measurement : "docker");
	plan_render(pl, buf_str(&from));
	buf_free(&from);
	return pl;
}

size_t
iql_plan_nstatements(const struct iql_plan *pl)
{
	return pl->nstmts;
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
	pl->parts[0].count = pl->nstmts;
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
}

void
iql_plan_free(struct iql_plan *pl)
{
	size_t	i;

	if (pl == NULL)
		return;
	iql_plan_reset(pl);
	for (i = 0; i < pl->nstmts; i++)
		free(pl->stmts[i].field);
	free(pl->stmts);
	free(pl->pols);
	free(pl->aggs);
	free(pl->times);
	free(pl->entries);
	buf_free(&pl->query);
	for (i = 0; i < IQL_PARTS_MAX; i++)
		buf_free(&pl->part_query[i]);
	free(pl);
}
