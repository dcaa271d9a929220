/*
 * Unit tests for pstate's recommendations (scaler/pstate.h): one entry
 * per run of equal counts at its newest time, those a window old
 * forgotten, nothing kept without stabilization.
 */
#include <criterion/criterion.h>

#include "pstate.h"

#define SEC	INT64_C(1000000000)

Test(pstate, recommendations_kept_for_the_window)
{
	struct pstates	 t = { NULL, 0, 0 };
	struct pstate	*st = pstate_get(&t, 7);
	int64_t		 keep = 60 * SEC;

	pstate_note_rec(st, 10 * SEC, 4, keep);
	pstate_note_rec(st, 20 * SEC, 4, keep);
	pstate_note_rec(st, 30 * SEC, 2, keep);
	pstate_note_rec(st, 40 * SEC, 2, keep);
	pstate_note_rec(st, 50 * SEC, 3, keep);
	cr_assert_eq(st->nrecs, 3, "runs of equal counts");
	cr_expect_eq(st->recs[0].ns, 20 * SEC, "a run's newest time");
	cr_expect_eq(st->recs[0].desired, 4);
	cr_expect_eq(st->recs[1].ns, 40 * SEC);
	cr_expect_eq(st->recs[2].desired, 3);
	/* at 80 s the 4 of 20 s is a window old (decide ignores it too) */
	pstate_note_rec(st, 80 * SEC, 1, keep);
	cr_assert_eq(st->nrecs, 3);
	cr_expect_eq(st->recs[0].desired, 2);
	cr_expect_eq(st->recs[2].desired, 1);
	pstate_note_rec(st, 200 * SEC, 1, keep);
	cr_assert_eq(st->nrecs, 1, "only the newest");
	cr_expect_eq(st->recs[0].ns, 200 * SEC);
	/* stabilization off: nothing kept */
	pstate_note_rec(st, 210 * SEC, 5, 0);
	cr_expect_eq(st->nrecs, 0);
	cr_expect_null(st->recs);
	pstates_free(&t);
}
