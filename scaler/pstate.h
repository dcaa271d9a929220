/*
 * pstate: what das remembers of each policy from one tick to the next —
 * its last change, the replica count it last set or saw, and what it last
 * journaled — and how that is read back from the journal after a restart
 * or a takeover. The once-per-change journal keys are made here and only
 * here, so that the keys das remembers and the ones rebuilt from the
 * journal cannot drift apart.
 */
#ifndef DAS_PSTATE_H
#define DAS_PSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decide.h"

struct engine_ports;

struct pstate {
	int64_t		 seq;
	uint64_t	 invalid_hash;	/* row hash last journaled invalid */
	uint64_t	 invalid_err;	/* its reason's pstate_hash */
	int64_t		 last_change_ns; /* last replica change, 0 never */
	int		 known;		/* replicas das last set or saw, -1 */
	uint64_t	 last_key;	/* last hold/error/dry-run key, 0 none */
	/*
	 * Stabilization (decide.h): the recommendations of the ticks it
	 * decided within the longest stabilization window, oldest first,
	 * one entry per run of equal counts at the run's newest time
	 * (decide takes their highest or lowest: the newest time of a
	 * count is all it needs). NULL for a policy without one.
	 */
	struct decide_rec *recs;
	uint32_t	 nrecs, caprecs;
	/* the last pre-scale (tick_predict.c): its row is due at, 0 none */
	int64_t		 pred_due_ns;
	double		 pred_forecast, pred_realised;
};

/* Every policy's state, sorted by seq. */
struct pstates {
	struct pstate	**v;
	size_t		  n, cap;
};

/* The state of seq, made on first use. Never NULL. */
struct pstate	*pstate_get(struct pstates *, int64_t seq);
void		 pstates_free(struct pstates *);

/*
 * FNV-1a of s: what das remembers of a journaled text, in 8 bytes. 0 only
 * for "" (nothing remembered).
 */
uint64_t	 pstate_hash(const char *s);

/*
 * True (and remembered) when this hold, paused, error or dry-run row
 * differs from the last one journaled for the policy: each is journaled
 * once per change, not every tick.
 */
bool	pstate_once_hold(struct pstate *, const char *action,
	    const char *reason);
bool	pstate_once_error(struct pstate *, const char *err);
bool	pstate_once_dry_run(struct pstate *, const char *action, int after);
/* A change or a steady tick: the next hold is news again. */
void	pstate_forget_key(struct pstate *);
/* True (and remembered) when the row (its hash) or its reason changed. */
bool	pstate_once_invalid(struct pstate *, uint64_t row_hash,
	    const char *err);

/*
 * Remember a decided tick's recommendation at now_ns, and forget those
 * keep_ns or more before it; keep_ns <= 0 (no stabilization) forgets and
 * frees them all. The history lives in memory only: a das that starts
 * has none (a standby das decides every tick too, so a takeover keeps
 * its own).
 */
void	pstate_note_rec(struct pstate *, int64_t now_ns, int desired,
	    int64_t keep_ns);

/*
 * Read back every policy's last change, and what das last journaled of
 * it (its keys), from the journal through the engine's ports
 * (engine_ports.h). 0, or -errno with err filled (the last changes
 * unknown).
 */
int	pstates_restore(struct pstates *, const struct engine_ports *,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
