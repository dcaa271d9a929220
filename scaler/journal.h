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

/* The newest row of each policy among the actions dasctl list shows. */
struct journal_action {
	int64_t	 seq;
	char	 action[24];
	int64_t	 ts_ns;
};
int	journal_last_actions(struct pgc *, struct journal_action **out,
	    size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* One row of the journal, as dasctl history prints it. */
struct journal_row {
	int64_t	 ts_ns;
	int64_t	 seq;		/* -1: NULL */
	int	 before, after;	/* -1: NULL */
	double	 value;		/* NAN: NULL */
	double	 threshold;	/* NAN: NULL */
	char	*service, *action, *reason, *detail;	/* owned, "" NULL */
};

/*
 * The rows newer than since_ns, of service (NULL: every one), oldest
 * first. Caller frees with journal_rows_free.
 */
int	journal_history(struct pgc *, int64_t since_ns, const char *service,
	    struct journal_row **out, size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));
void	journal_rows_free(struct journal_row *, size_t);

#endif
