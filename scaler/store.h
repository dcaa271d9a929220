/*
 * store: the policy table in SQL, and the creation of both tables from
 * schema/postgres.sql or schema/crate.sql (the journal's statements are
 * journal.c's).
 *
 * One SELECT reads every policy each tick; columns a table does not have
 * read as NULL, so a table with only the ten columns of README's INSERT
 * works with every optional column at its default. das creates the tables
 * when they are missing and never rewrites a user's row, except for
 * cur_no, which it owns.
 */
#ifndef DAS_STORE_H
#define DAS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct pgc;
struct pgc_rows;

/* The rows of one SELECT: row[i]'s strings are borrowed from rows. */
struct store_policies {
	struct pgc_rows		*rows;
	struct policy_row	*row;
	size_t			 n;
};

/* CREATE TABLE IF NOT EXISTS for das and das_event. 0 or -errno. */
int	store_ensure_schema(struct pgc *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* SELECT * FROM das ORDER BY seq. Caller frees with store_policies_free. */
int	store_load(struct pgc *, struct store_policies *, char *err,
	    size_t errlen) __attribute__((warn_unused_result));
void	store_policies_free(struct store_policies *);

/* UPDATE das SET cur_no = n WHERE seq = seq. 0 or -errno. */
int	store_set_cur_no(struct pgc *, int64_t seq, int n, char *err,
	    size_t errlen) __attribute__((warn_unused_result));
/* UPDATE das SET cur_no = cur_no WHERE seq = seq: a write that changes
 * nothing, refused where a write would be. 0 or -errno. */
int	store_touch_row(struct pgc *, int64_t seq, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* UPDATE das SET enabled = ... (adds the column when the table lacks it). */
int	store_set_enabled(struct pgc *, int64_t seq, bool enabled, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

#endif
