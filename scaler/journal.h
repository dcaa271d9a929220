/*
 * journal: every statement on das_event, the decision journal, for das
 * and dasctl alike. The CrateDB dialect (no DISTINCT ON, timestamps as
 * epoch milliseconds) is handled here and nowhere else.
 */
#ifndef DAS_JOURNAL_H
#define DAS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct pgc;
struct pgc_rows;

struct journal_event {
	int64_t		 ts_ns;
	int64_t		 seq;		/* -1: none */
	const char	*service;
	const char	*action;	/* scale_out, bounds, hold, ... */
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

/* One row of the journal, as read back. */
struct journal_row {
	int64_t	 ts_ns;
	int64_t	 seq;		/* -1: NULL */
	int	 before, after;	/* -1: NULL */
	double	 value;		/* NAN: NULL */
	double	 threshold;	/* NAN: NULL */
	char	*service, *action, *reason, *detail;	/* owned, "" NULL */
};
void	journal_rows_free(struct journal_row *, size_t);

/*
 * The newest row of each policy (rows without a seq or an action are left
 * out), among the actions that changed its replica count (scale_out,
 * scale_in, bounds, manual: a runc replace restores the count das wanted,
 * so it starts no cooldown), among every action (what das last said about
 * it), or among those dasctl list shows (the changes, replace, error and
 * dry_run). Caller frees with journal_rows_free.
 */
int	journal_last_changes(struct pgc *, struct journal_row **out,
	    size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));
int	journal_newest(struct pgc *, struct journal_row **out, size_t *n,
	    char *err, size_t errlen) __attribute__((warn_unused_result));
int	journal_last_actions(struct pgc *, struct journal_row **out,
	    size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * The rows newer than since_ns, of service (NULL: every one), oldest
 * first. Caller frees with journal_rows_free.
 */
int	journal_history(struct pgc *, int64_t since_ns, const char *service,
	    struct journal_row **out, size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

#endif
