/*
 * store: the policy table and the decision journal in SQL.
 *
 * One SELECT reads every policy each tick (DESIGN.md); columns a table
 * does not have read as NULL, so a table made from the seed README's ten
 * columns works with every optional column at its default. das creates the
 * tables when they are missing and never rewrites a user's row, except for
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

/* UPDATE das SET enabled = ... (adds the column when the table lacks it). */
int	store_set_enabled(struct pgc *, int64_t seq, bool enabled, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

struct journal_event {
	int64_t		 ts_ns;
	int64_t		 seq;		/* -1: none */
	const char	*service;
	const char	*action;	/* scale_out, scale_in, bounds, hold, ... */
	int		 before, after;	/* -1: NULL */
	double		 value;		/* NAN: NULL */
	double		 threshold;	/* NAN: NULL */
	const char	*reason;
	const char	*detail;	/* NULL: none */
};

/* INSERT one journal row (id made from node, pid, time and a counter). */
int	journal_write(struct pgc *, const char *node,
	    const struct journal_event *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* The last replica change of each policy, read back after a restart. */
struct journal_last {
	int64_t	seq;
	int64_t	ts_ns;		/* time of the last change */
	int	after;		/* replica count it left, -1 unknown */
};

/*
 * For every seq, the newest row whose action changed the replica count
 * (scale_out, scale_in, bounds, manual). A runc replace is not one: it
 * restores the count das wanted, so it starts no cooldown. Caller frees
 * *out.
 */
int	journal_last_changes(struct pgc *, struct journal_last **out,
	    size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* The newest journal row of each policy: what das last said about it. */
struct journal_newest {
	int64_t	 seq;
	char	*action;	/* owned */
	char	*reason;	/* owned, "" when NULL */
	char	*detail;	/* owned, "" when NULL */
	int	 after;		/* -1 when NULL */
};
int	journal_newest(struct pgc *, struct journal_newest **out, size_t *n,
	    char *err, size_t errlen) __attribute__((warn_unused_result));
void	journal_newest_free(struct journal_newest *, size_t);

#endif
