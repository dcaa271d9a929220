/* pstate: per-policy memory and its journal keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_ports.h"
#include "fnv.h"
#include "journal.h"
#include "log.h"
#include "pstate.h"
#include "xmalloc.h"

/* Index of the first state whose seq is not below seq. */
static size_t
pstate_lower_bound(const struct pstates *t, int64_t seq)
{
	size_t	lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->v[mid]->seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Inserted in place: sorting the whole array on each insert made the
 * first tick quadratic in the number of policies (seconds at 10,000);
 * the table is read ORDER BY seq, so an insert is nearly always an append.
 */
struct pstate *
pstate_get(struct pstates *t, int64_t seq)
{
	struct pstate	*st;
	size_t		 i;

	i = pstate_lower_bound(t, seq);
	if (i < t->n && t->v[i]->seq == seq)
		return t->v[i];
	st = xcalloc(1, sizeof *st);
	st->seq = seq;
	st->known = -1;
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof *t->v);
	t->v[i] = st;
	t->n++;
	return st;
}

void
pstates_free(struct pstates *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i]->recs);
		free(t->v[i]);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

uint64_t
pstate_hash(const char *s)
{
	uint64_t	h;

	if (*s == '\0')
		return 0;
	h = fnv1a64(s);
	return h != 0 ? h : 1;
}

/* The keys: one format each, used when journaling and when restoring. */
static uint64_t
pstate_key_hold(const char *action, const char *reason)
{
	char	key[96];

	snprintf(key, sizeof key, "%s:%s", action, reason);
	return pstate_hash(key);
}

static uint64_t
pstate_key_error(const char *err)
{
	char	key[96];

	snprintf(key, sizeof key, "error:%.80s", err);
	return pstate_hash(key);
}

static uint64_t
pstate_key_dry_run(const char *action, int after)
{
	char	key[96];

	snprintf(key, sizeof key, "dry_run:%s:%d", action, after);
	return pstate_hash(key);
}

static bool
pstate_once(struct pstate *st, uint64_t key)
{
	if (st->last_key == key)
		return false;
	st->last_key = key;
	return true;
}

bool
pstate_once_hold(struct pstate *st, const char *action, const char *reason)
{
	return pstate_once(st, pstate_key_hold(action, reason));
}

bool
pstate_once_error(struct pstate *st, const char *err)
{
	return pstate_once(st, pstate_key_error(err));
}

bool
pstate_once_dry_run(struct pstate *st, const char *action, int after)
{
	return pstate_once(st, pstate_key_dry_run(action, after));
}

void
pstate_forget_key(struct pstate *st)
{
	st->last_key = 0;
}

bool
pstate_once_invalid(struct pstate *st, uint64_t row_hash, const char *err)
{
	uint64_t	e = pstate_hash(err);

	/* invalid_hash 0: restored from the journal, where only the text is */
	if ((st->invalid_hash == row_hash || st->invalid_hash == 0) &&
	    st->invalid_err == e) {
		st->invalid_hash = row_hash;
		return false;
	}
	st->invalid_hash = row_hash;
	st->invalid_err = e;
	return true;
}

void
pstate_note_rec(struct pstate *st, int64_t now_ns, int desired,
    int64_t keep_ns)
{
	uint32_t	old = 0;

	if (keep_ns <= 0) {
		free(st->recs);
		st->recs = NULL;
		st->nrecs = st->caprecs = 0;
		return;
	}
	while (old < st->nrecs && now_ns - st->recs[old].ns >= keep_ns)
		old++;
	if (old > 0) {
		memmove(st->recs, st->recs + old, (st->nrecs - old) *
		    sizeof *st->recs);
		st->nrecs -= old;
	}
	if (st->nrecs > 0 && st->recs[st->nrecs - 1].desired == desired) {
		st->recs[st->nrecs - 1].ns = now_ns;
		return;
	}
	if (st->nrecs == st->caprecs) {
		st->caprecs = st->caprecs == 0 ? 4 : st->caprecs * 2;
		st->recs = xreallocarray(st->recs, st->caprecs,
		    sizeof *st->recs);
	}
	st->recs[st->nrecs++] = (struct decide_rec){ now_ns, desired };
}

/* The key of a journal row, as journaling it made it; 0 when none. */
static uint64_t
pstate_key_of(const struct journal_row *v)
{
	const char	*would;

	if (strcmp(v->action, "hold") == 0 || strcmp(v->action, "paused") == 0)
		return pstate_key_hold(v->action, v->reason);
	if (strcmp(v->action, "error") == 0)
		return pstate_key_error(v->detail);
	/* "dry run: would scale_out" (tick_act.c) */
	if (strcmp(v->action, "dry_run") == 0 &&
	    (would = strstr(v->detail, "would ")) != NULL)
		return pstate_key_dry_run(would + 6, v->after);
	return 0;
}

/* What das last journaled about each policy, so that a restarted das
 * does not journal the same invalid row, hold, error or dry run again. */
static void
pstates_restore_keys(struct pstates *t, const struct engine_ports *p)
{
	struct journal_row	*v = NULL;
	struct pstate		*st;
	char			 err[512];
	size_t			 i, n = 0;
	uint64_t		 key;

	if (p->journal_newest(p->ctx, &v, &n, err, sizeof err) != 0) {
		log_warnx("%s; holds and invalid rows may be journaled again",
		    err);
		return;
	}
	for (i = 0; i < n; i++) {
		st = pstate_get(t, v[i].seq);
		if (strcmp(v[i].action, "invalid") == 0) {
			st->invalid_hash = 0;
			st->invalid_err = pstate_hash(v[i].detail);
		} else if ((key = pstate_key_of(&v[i])) != 0)
			st->last_key = key;
	}
	journal_rows_free(v, n);
}

int
pstates_restore(struct pstates *t, const struct engine_ports *p, char *err,
    size_t errlen)
{
	struct journal_row	*last = NULL;
	struct pstate		*st;
	size_t			 i, n = 0;
	int			 rc;

	if ((rc = p->journal_last_changes(p->ctx, &last, &n, err, errlen))
	    != 0)
		return rc;
	for (i = 0; i < n; i++) {
		st = pstate_get(t, last[i].seq);
		if (last[i].ts_ns > st->last_change_ns)
			st->last_change_ns = last[i].ts_ns;
		st->known = last[i].after;
	}
	journal_rows_free(last, n);
	pstates_restore_keys(t, p);
	log_info("restored the last change of %zu policies from the journal",
	    n);
	return 0;
}
