/*
 * wcache: the raw samples of ds's measurement over the longest window of
 * the tick's policies, kept in das between ticks so that each tick asks
 * InfluxDB only for what is new (README "Cost at scale"). Pure: the rows
 * come from the caller (iql_answer.c reads them from InfluxDB's answer).
 *
 * Why raw samples and not per-window summaries: every aggregate das
 * offers is then computed exactly as InfluxDB computes it from the same
 * samples (winagg.h's reducers: mean, min, max, median and nearest-rank
 * percentiles, which need every value — a sketch would be approximate),
 * and so are rates (non_negative_derivative per container), the ready
 * containers' count and the coverage rule's oldest and newest sample.
 * The price is memory: 8 bytes of time and 8 per field per sample, e.g.
 * 19 MB for 20,000 containers sampled every 10 s over 10 minutes.
 *
 * A tick: wcache_begin says from when to ask (a full read of the span
 * after a start, a reset, a failed read, a new field or a longer span,
 * and every resync period; else from the last read less a lateness
 * allowance, so that a sample written a little after it was taken is
 * still read), forgets what it held after that instant (the answer
 * brings it again), wcache_add takes each row, wcache_end keeps the read
 * or, when it failed, forgets everything (the next tick reads in full).
 *
 * Samples are grouped per service (tags service, service_name, backend,
 * as IQL_GROUP_BY) and per container within it, as InfluxDB's GROUP BY
 * would group them; a missing tag is "".
 */
#ifndef DAS_WCACHE_H
#define DAS_WCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* The fields a cache holds at most (ds writes ten). */
#define WCACHE_FIELDS_MAX	16
/* The tags of a row: service, service_name, backend, container. */
#define WCACHE_TAGS		4

struct wcache;

struct wcache	*wcache_new(void);
void		 wcache_free(struct wcache *);
/* Forget every sample: the next begin reads in full (leader change). */
void		 wcache_reset(struct wcache *);

/*
 * Start a read at now for the fields (names, borrowed until end) over
 * (now − span, now]: returns the instant to ask from (rows with time >
 * it), *full says whether that is a full read. lateness is how far
 * before the last read's instant to ask again; resync (0: never) how
 * often to read in full anyway.
 */
int64_t		 wcache_begin(struct wcache *, const char *const *fields,
		    size_t nfields, int64_t span_ns, int64_t now_ns,
		    int64_t lateness_ns, int64_t resync_ns, bool *full);
/*
 * One row: its tags (NULL: ""), time and the begin's fields' values (NAN:
 * the field is null in this row). Rows of one container come in time
 * order (InfluxDB's answer is sorted by time); an older one is dropped.
 * 0, or -EPROTO when a tag holds a NUL byte.
 */
int		 wcache_add(struct wcache *, const char *const tag[WCACHE_TAGS],
		    int64_t t, const double *values);
/* End the read: ok keeps it, else everything is forgotten. */
void		 wcache_end(struct wcache *, bool ok);

/* Held samples and services, for the log and the bench. */
size_t		 wcache_nsamples(const struct wcache *);
size_t		 wcache_ngroups(const struct wcache *);
/* The field's index in the last begin's fields; -1 when absent. */
int		 wcache_field(const struct wcache *, const char *field);
/* Service g's tags service, service_name, backend (borrowed). */
void		 wcache_group_tags(const struct wcache *, size_t g,
		    const char *tag[3]);

/* What one window statement asks of a service's samples. */
struct wcache_ask {
	int			 field;		/* wcache_field */
	enum policy_aggregate	 agg;
	double			 pct;
	bool			 rate;		/* of the per-second rate */
	int64_t			 from_ns;	/* samples with time > from */
	uint64_t		 min_count;	/* wcache_ready: K */
	bool			 times_only;	/* first and last alone */
};

/* An aggregate statement's row (iql.h), computed. */
struct wcache_stat {
	double		 value;		/* NAN: InfluxDB's null */
	double		 lo, hi;
	uint64_t	 n;
	int64_t		 first, last;	/* the raw samples' times */
};

/*
 * Service g's samples in the window: false when it has none (InfluxDB
 * gives no row); first and last time the raw samples even for a rate;
 * with times_only nothing else is computed (n 0, the rest NAN).
 */
bool		 wcache_window(struct wcache *, size_t g,
		    const struct wcache_ask *, struct wcache_stat *);
/*
 * The ready containers of service g (iql.h): those with at least K
 * values in the window and an aggregate, their number and the sum of
 * their aggregates, each over the span they all covered: from the
 * latest of their oldest samples on. K allows one sample missed, so a
 * container that started one interval into the window is ready; its
 * values came after the load was spread over it, and the others'
 * before it would make the sum more than the load ever was (README,
 * "Ready replicas"). One with no value over that span (its newest
 * instant missed, at another node's phase) counts over its own window.
 * false when none is ready.
 */
bool		 wcache_ready(struct wcache *, size_t g,
		    const struct wcache_ask *, double *total, uint64_t *n);

#endif
