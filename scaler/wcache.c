/* wcache: ds's raw samples kept between ticks (wcache.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fnv.h"
#include "wcache.h"
#include "winagg.h"
#include "xmalloc.h"

/* One container's samples, [start, n) of its arrays, oldest first. */
struct wc_cont {
	char		*key;		/* the four tags, 0x01-separated */
	uint32_t	 group;
	size_t		 start, n, cap;
	int64_t		*t;
	double		*v;		/* cap × nfields, NAN: null */
};

/* One service: its tags and containers. */
struct wc_group {
	char		*key;		/* the three tags, 0x01-separated */
	char		*tags;		/* a copy, cut at the separators */
	char		*tag[3];		/* into tags */
	uint32_t	*conts;
	size_t		 n, cap;
};

/* An open-addressing index of keys to array positions. */
struct wc_index {
	uint32_t	*slot;		/* position + 1; 0: empty */
	size_t		 cap, len;	/* cap: 0 or a power of two */
};

struct wcache {
	char		*fields[WCACHE_FIELDS_MAX];
	size_t		 nfields;
	int64_t		 span, now, cutoff;
	int64_t		 last_read, last_full;
	bool		 valid;		/* holds a whole read */
	struct wc_cont	*conts;
	size_t		 nconts, contcap;
	struct wc_index	 contix;
	struct wc_group	*groups;
	size_t		 ngroups, groupcap;
	struct wc_index	 groupix;
	double		*scratch;
	size_t		 scratchcap;
	int64_t		*firsts;	/* wcache_ready's, per container */
	size_t		 firstscap;
	struct buf	 key;		/* wc_cont's, kept for its room */
};

/* fnv1a64's low bits cluster (lib/fnv.h): mix them (splitmix64's end). */
static size_t
wc_hash(const char *key)
{
	uint64_t	h = fnv1a64(key);

	h ^= h >> 31;
	h *= UINT64_C(0x7fb5d329728ea185);
	h ^= h >> 27;
	return (size_t)h;
}

/* The slot of key (empty when absent); keyof gives a position's key. */
static uint32_t *
wc_slot(const struct wc_index *ix, const char *key,
    const char *(*keyof)(const struct wcache *, uint32_t),
    const struct wcache *wc)
{
	size_t	i = wc_hash(key) & (ix->cap - 1);

	while (ix->slot[i] != 0 && strcmp(keyof(wc, ix->slot[i] - 1),
	    key) != 0)
		i = (i + 1) & (ix->cap - 1);
	return &ix->slot[i];
}

static const char *
cont_key(const struct wcache *wc, uint32_t i)
{
	return wc->conts[i].key;
}

static const char *
group_key(const struct wcache *wc, uint32_t i)
{
	return wc->groups[i].key;
}

/* Room for one more key, rehashing the positions [0, n). */
static void
wc_index_grow(struct wc_index *ix, size_t n,
    const char *(*keyof)(const struct wcache *, uint32_t),
    const struct wcache *wc)
{
	uint32_t	i;

	if ((ix->len + 1) * 2 <= ix->cap)
		return;
	free(ix->slot);
	ix->cap = ix->cap == 0 ? 64 : ix->cap * 2;
	ix->slot = xcalloc(ix->cap, sizeof *ix->slot);
	for (i = 0; i < n; i++)
		*wc_slot(ix, keyof(wc, i), keyof, wc) = i + 1;
}

static void
wc_index_clear(struct wc_index *ix)
{
	free(ix->slot);
	memset(ix, 0, sizeof *ix);
}

struct wcache *
wcache_new(void)
{
	struct wcache	*wc = xcalloc(1, sizeof(struct wcache));

	buf_init(&wc->key);
	return wc;
}

/* Drop every container and service. */
static void
wc_clear(struct wcache *wc)
{
	size_t	i;

	for (i = 0; i < wc->nconts; i++) {
		free(wc->conts[i].key);
		free(wc->conts[i].t);
		free(wc->conts[i].v);
	}
	for (i = 0; i < wc->ngroups; i++) {
		free(wc->groups[i].key);
		free(wc->groups[i].tags);
		free(wc->groups[i].conts);
	}
	wc->nconts = wc->ngroups = 0;
	wc_index_clear(&wc->contix);
	wc_index_clear(&wc->groupix);
	wc->valid = false;
}

void
wcache_reset(struct wcache *wc)
{
	wc_clear(wc);
}

void
wcache_free(struct wcache *wc)
{
	size_t	i;

	if (wc == NULL)
		return;
	wc_clear(wc);
	for (i = 0; i < wc->nfields; i++)
		free(wc->fields[i]);
	free(wc->conts);
	free(wc->groups);
	free(wc->scratch);
	free(wc->firsts);
	buf_free(&wc->key);
	free(wc);
}

/* Whether the fields are the ones held, in the same order. */
static bool
wc_same_fields(const struct wcache *wc, const char *const *fields,
    size_t n)
{
	size_t	i;

	if (n != wc->nfields)
		return false;
	for (i = 0; i < n; i++) {
		if (strcmp(fields[i], wc->fields[i]) != 0)
			return false;
	}
	return true;
}

static void
wc_set_fields(struct wcache *wc, const char *const *fields, size_t n)
{
	size_t	i;

	for (i = 0; i < wc->nfields; i++)
		free(wc->fields[i]);
	for (i = 0; i < n; i++)
		wc->fields[i] = xstrdup(fields[i]);
	wc->nfields = n;
}

/* Forget every sample newer than cutoff, and those older than the span. */
static void
wc_trim(struct wcache *wc, int64_t cutoff, int64_t oldest)
{
	struct wc_cont	*c;
	size_t		 i;

	for (i = 0; i < wc->nconts; i++) {
		c = &wc->conts[i];
		while (c->n > c->start && c->t[c->n - 1] > cutoff)
			c->n--;
		while (c->start < c->n && c->t[c->start] <= oldest)
			c->start++;
	}
}

int64_t
wcache_begin(struct wcache *wc, const char *const *fields, size_t nfields,
    int64_t span_ns, int64_t now_ns, int64_t lateness_ns, int64_t resync_ns,
    bool *full)
{
	int64_t	from = now_ns - span_ns;

	if (nfields > WCACHE_FIELDS_MAX)
		nfields = WCACHE_FIELDS_MAX;
	*full = !wc->valid || !wc_same_fields(wc, fields, nfields) ||
	    span_ns > wc->span || (resync_ns > 0 &&
	    now_ns - wc->last_full >= resync_ns);
	if (*full) {
		wc_clear(wc);
		wc_set_fields(wc, fields, nfields);
		wc->last_full = now_ns;
	} else if (wc->last_read - lateness_ns > from) {
		/* else a span shorter than a tick and the lateness: all */
		from = wc->last_read - lateness_ns;
	}
	wc->span = span_ns;
	wc->now = now_ns;
	wc->cutoff = from;
	wc_trim(wc, from, now_ns - span_ns);
	wc->valid = false;	/* until the read ends well */
	return from;
}

/* key's container or service: its position, or the next one when new. */
static uint32_t
wc_find(struct wc_index *ix, const char *key, size_t n,
    const char *(*keyof)(const struct wcache *, uint32_t),
    const struct wcache *wc, bool *added)
{
	uint32_t	*slot;

	wc_index_grow(ix, n, keyof, wc);
	slot = wc_slot(ix, key, keyof, wc);
	*added = *slot == 0;
	if (*added) {
		*slot = (uint32_t)n + 1;
		ix->len++;
	}
	return *slot - 1;
}

/* The service of tags[0..3), added when new. */
static uint32_t
wc_group(struct wcache *wc, char *key, size_t keylen3)
{
	struct wc_group	*g;
	uint32_t	 gi;
	bool		 added;
	char		*p;
	int		 k;

	key[keylen3] = '\0';
	gi = wc_find(&wc->groupix, key, wc->ngroups, group_key, wc, &added);
	if (!added)
		return gi;
	if (wc->ngroups == wc->groupcap) {
		wc->groupcap = wc->groupcap == 0 ? 64 : wc->groupcap * 2;
		wc->groups = xreallocarray(wc->groups, wc->groupcap,
		    sizeof *wc->groups);
	}
	g = &wc->groups[wc->ngroups++];
	memset(g, 0, sizeof *g);
	g->key = xstrdup(key);
	g->tags = xstrdup(key);
	/* the tags, split at the separators of a copy */
	for (p = g->tags, k = 0; k < 3; k++) {
		g->tag[k] = p;
		p += strcspn(p, "\x01");
		if (*p != '\0')
			*p++ = '\0';
	}
	return gi;
}

/* The container of tags, added (with its service) when new. */
static struct wc_cont *
wc_cont(struct wcache *wc, const char *const tag[WCACHE_TAGS])
{
	struct wc_group	*g;
	struct wc_cont	*c;
	struct buf	*key = &wc->key;
	size_t		 len3 = 0;
	uint32_t	 ci;
	bool		 added;
	int		 k;

	buf_reset(key);
	for (k = 0; k < WCACHE_TAGS; k++) {
		if (k > 0)
			buf_addc(key, '\x01');
		if (k == 3)
			len3 = key->len - 1;
		buf_adds(key, tag[k] != NULL ? tag[k] : "");
	}
	ci = wc_find(&wc->contix, buf_str(key), wc->nconts, cont_key, wc,
	    &added);
	if (!added)
		return &wc->conts[ci];
	if (wc->nconts == wc->contcap) {
		wc->contcap = wc->contcap == 0 ? 64 : wc->contcap * 2;
		wc->conts = xreallocarray(wc->conts, wc->contcap,
		    sizeof *wc->conts);
	}
	c = &wc->conts[wc->nconts++];
	memset(c, 0, sizeof *c);
	c->key = xstrdup(buf_str(key));
	c->group = wc_group(wc, key->data, len3);
	g = &wc->groups[c->group];
	if (g->n == g->cap) {
		g->cap = g->cap == 0 ? 2 : g->cap * 2;
		g->conts = xreallocarray(g->conts, g->cap, sizeof *g->conts);
	}
	g->conts[g->n++] = ci;
	return c;
}

/* Room for one more sample, moving the kept ones to the front. */
static void
wc_room(struct wc_cont *c, size_t nf)
{
	if (c->n < c->cap)
		return;
	if (c->start > 0) {
		memmove(c->t, c->t + c->start, (c->n - c->start) *
		    sizeof *c->t);
		memmove(c->v, c->v + c->start * nf, (c->n - c->start) * nf *
		    sizeof *c->v);
		c->n -= c->start;
		c->start = 0;
		if (c->n < c->cap)
			return;
	}
	c->cap = c->cap == 0 ? 8 : c->cap * 2;
	c->t = xreallocarray(c->t, c->cap, sizeof *c->t);
	c->v = xreallocarray(c->v, c->cap, nf * sizeof *c->v);
}

int
wcache_add(struct wcache *wc, const char *const tag[WCACHE_TAGS], int64_t t,
    const double *values)
{
	struct wc_cont	*c;
	int		 k;

	for (k = 0; k < WCACHE_TAGS; k++) {
		if (tag[k] != NULL && strchr(tag[k], '\x01') != NULL)
			return -EPROTO;	/* would blur two keys */
	}
	if (t <= wc->cutoff || t <= wc->now - wc->span)
		return 0;
	c = wc_cont(wc, tag);
	if (c->n > c->start && t < c->t[c->n - 1])
		return 0;
	wc_room(c, wc->nfields);
	c->t[c->n] = t;
	memcpy(c->v + c->n * wc->nfields, values, wc->nfields *
	    sizeof *values);
	c->n++;
	return 0;
}

/*
 * Containers with no sample left are dropped when they are most of the
 * table (container ids change at every scale-out and restart): the
 * arrays and indexes are rebuilt from the others.
 */
static void
wc_compact(struct wcache *wc)
{
	struct wcache	 keep = { .nfields = wc->nfields };
	struct wc_cont	*c, *d;
	const char	*tag[WCACHE_TAGS];
	size_t		 i, live = 0;

	for (i = 0; i < wc->nconts; i++)
		live += wc->conts[i].n > wc->conts[i].start;
	if (wc->nconts < 1024 || live * 2 > wc->nconts)
		return;
	buf_init(&keep.key);
	for (i = 0; i < wc->nconts; i++) {
		c = &wc->conts[i];
		if (c->n == c->start)
			continue;
		tag[0] = wc->groups[c->group].tag[0];
		tag[1] = wc->groups[c->group].tag[1];
		tag[2] = wc->groups[c->group].tag[2];
		tag[3] = strrchr(c->key, '\x01') + 1;
		d = wc_cont(&keep, tag);
		d->start = 0;
		d->n = d->cap = c->n - c->start;
		d->t = xreallocarray(NULL, d->n, sizeof *d->t);
		d->v = xreallocarray(NULL, d->n, wc->nfields * sizeof *d->v);
		memcpy(d->t, c->t + c->start, d->n * sizeof *d->t);
		memcpy(d->v, c->v + c->start * wc->nfields, d->n *
		    wc->nfields * sizeof *d->v);
	}
	wc_clear(wc);
	free(wc->conts);
	free(wc->groups);
	wc->conts = keep.conts;
	wc->nconts = keep.nconts;
	wc->contcap = keep.contcap;
	wc->contix = keep.contix;
	wc->groups = keep.groups;
	wc->ngroups = keep.ngroups;
	wc->groupcap = keep.groupcap;
	wc->groupix = keep.groupix;
	buf_free(&keep.key);
}

void
wcache_end(struct wcache *wc, bool ok)
{
	if (!ok) {
		wc_clear(wc);
		return;
	}
	wc_compact(wc);
	wc->last_read = wc->now;
	wc->valid = true;
}

size_t
wcache_nsamples(const struct wcache *wc)
{
	size_t	i, n = 0;

	for (i = 0; i < wc->nconts; i++)
		n += wc->conts[i].n - wc->conts[i].start;
	return n;
}

size_t
wcache_ngroups(const struct wcache *wc)
{
	return wc->ngroups;
}

int
wcache_field(const struct wcache *wc, const char *field)
{
	size_t	i;

	for (i = 0; i < wc->nfields; i++) {
		if (strcmp(wc->fields[i], field) == 0)
			return (int)i;
	}
	return -1;
}

void
wcache_group_tags(const struct wcache *wc, size_t g, const char *tag[3])
{
	int	k;

	for (k = 0; k < 3; k++)
		tag[k] = wc->groups[g].tag[k];
}

/* Room for n values in *p. */
static double *
wc_scratch(double **p, size_t *cap, size_t n)
{
	if (n > *cap) {
		*cap = n;
		*p = xreallocarray(*p, n, sizeof **p);
	}
	return *p;
}

/*
 * Container c's values of the ask in the window, appended to *out from
 * *m on: the field's, or its non-negative derivative per second between
 * consecutive samples both in the window (InfluxDB's
 * non_negative_derivative(f, 1s) over the window: a counter that went
 * down, a restart, gives no value, never a spike). The raw samples'
 * oldest and newest times go to *first and *last.
 */
static void
wc_values(struct wcache *wc, const struct wc_cont *c,
    const struct wcache_ask *a, size_t *m, int64_t *first, int64_t *last)
{
	size_t	i, nf = wc->nfields;
	double	*out, v, pv = NAN, d;
	int64_t	pt = 0;

	out = wc_scratch(&wc->scratch, &wc->scratchcap, *m + (c->n -
	    c->start));
	for (i = c->start; i < c->n; i++) {
		v = c->v[i * nf + (size_t)a->field];
		if (c->t[i] <= a->from_ns || isnan(v))
			continue;
		*first = *first < c->t[i] ? *first : c->t[i];
		*last = *last > c->t[i] ? *last : c->t[i];
		if (a->times_only)
			continue;
		if (!a->rate) {
			out[(*m)++] = v;
			continue;
		}
		if (!isnan(pv) && c->t[i] > pt) {
			d = (v - pv) / ((double)(c->t[i] - pt) / 1e9);
			if (d >= 0)
				out[(*m)++] = d;
		}
		pv = v;
		pt = c->t[i];
	}
}

bool
wcache_window(struct wcache *wc, size_t g, const struct wcache_ask *a,
    struct wcache_stat *st)
{
	const struct wc_group	*gr = &wc->groups[g];
	size_t			 k, m = 0;

	st->first = INT64_MAX;
	st->last = INT64_MIN;
	for (k = 0; k < gr->n; k++)
		wc_values(wc, &wc->conts[gr->conts[k]], a, &m, &st->first,
		    &st->last);
	if (st->first == INT64_MAX)
		return false;		/* no sample in the window */
	st->n = m;
	st->value = st->lo = st->hi = NAN;
	if (a->times_only)
		return true;
	if (m == 0)
		return !a->rate;	/* rates: InfluxDB has no row */
	winagg_extremes(wc->scratch, m, &st->lo, &st->hi);
	if (!winagg_reduce(a->agg, a->pct, wc->scratch, m, &st->value))
		st->value = NAN;
	return true;
}

/*
 * Container c's aggregate of the ask's values into *v and its oldest raw
 * sample's time into *first: false when it has fewer than K values or
 * no aggregate (InfluxDB gives no row).
 */
static bool
wc_ready_value(struct wcache *wc, const struct wc_cont *c,
    const struct wcache_ask *a, int64_t *first, double *v)
{
	int64_t	last = INT64_MIN;
	size_t	m = 0;

	*first = INT64_MAX;
	wc_values(wc, c, a, &m, first, &last);
	return m > 0 && m >= a->min_count &&
	    winagg_reduce(a->agg, a->pct, wc->scratch, m, v);
}

bool
wcache_ready(struct wcache *wc, size_t g, const struct wcache_ask *a,
    double *total, uint64_t *n)
{
	const struct wc_group	*gr = &wc->groups[g];
	struct wcache_ask	 span = *a;
	int64_t			*firsts, from = INT64_MIN;
	double			 v;
	size_t			 k;

	*total = 0;
	*n = 0;
	if (gr->n > wc->firstscap) {
		wc->firstscap = gr->n;
		wc->firsts = xreallocarray(wc->firsts, gr->n,
		    sizeof *wc->firsts);
	}
	firsts = wc->firsts;
	/* the ready containers, and the latest of their oldest samples */
	for (k = 0; k < gr->n; k++) {
		if (!wc_ready_value(wc, &wc->conts[gr->conts[k]], a,
		    &firsts[k], &v))
			firsts[k] = INT64_MIN;
		else if (firsts[k] > from)
			from = firsts[k];
	}
	/*
	 * Each over the span they all covered (wcache.h); one that has no
	 * value there (its last instant missed, on another node's phase, or
	 * a rate short of two samples) over its own window, as before.
	 */
	span.from_ns = from == INT64_MIN ? a->from_ns : from - 1;
	span.min_count = 1;
	for (k = 0; k < gr->n; k++) {
		if (firsts[k] == INT64_MIN)
			continue;
		if (!wc_ready_value(wc, &wc->conts[gr->conts[k]], &span,
		    &firsts[k], &v))
			(void)wc_ready_value(wc, &wc->conts[gr->conts[k]], a,
			    &firsts[k], &v);
		*total += v;
		(*n)++;
	}
	return *n > 0;
}
