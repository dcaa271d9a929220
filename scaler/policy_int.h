/*
 * policy_int: the column parsers policy.c shares with policy_track.c.
 * Each returns 0, or -EINVAL with one sentence in err naming the column.
 */
#ifndef DAS_POLICY_INT_H
#define DAS_POLICY_INT_H

#include "policy.h"

/* An int within [lo, INT_MAX]. */
int	 policy_col_int(const char *col, const char *s, int lo, int *out,
	    char *err, size_t errlen);
/* A boolean; NULL gives dflt. */
int	 policy_col_bool(const char *col, const char *s, bool dflt,
	    bool *out, char *err, size_t errlen);
/* A positive duration; NULL gives dflt, or an error when dflt is 0. */
int	 policy_col_duration(const char *col, const char *s, int64_t dflt,
	    int64_t *out, char *err, size_t errlen);
/* One of names[0..n) (case-insensitive) into *out; NULL leaves it. */
int	 policy_col_keyword(const char *col, const char *s,
	    const char *const *names, size_t n, int *out, char *err,
	    size_t errlen);
/* A unit written in column col must suit p's field and aggregate. */
int	 policy_check_unit(const char *col, const char *s,
	    enum policy_unit u, const struct policy *p, char *err,
	    size_t errlen);
/* An InfluxDB identifier: 1 to 128 bytes, no control characters. */
int	 policy_col_ident(const char *col, const char *s, char *err,
	    size_t errlen);

/* policy_track.c: the columns of target tracking (after the others). */
int	 policy_parse_tracking(const struct policy_row *, struct policy *,
	    char *err, size_t errlen);

/*
 * policy_signal.c: measurement and service_tag (before cond_item, which
 * they qualify); per_replica, activation, predict, lead and the rate's
 * field (after every other column).
 */
int	 policy_parse_source(const struct policy_row *, struct policy *,
	    char *err, size_t errlen);
int	 policy_parse_signals(const struct policy_row *, struct policy *,
	    char *err, size_t errlen);

#endif
