/*
 * wq: the bounded write queue between a daemon and InfluxDB.
 *
 * Points (complete line-protocol lines) are appended in order and sent in
 * batches. A batch InfluxDB could not take (down, 5xx) stays at the head
 * and is retried with exponential backoff; nothing is lost while the queue
 * is within its bounds. Past either bound (points or bytes) the oldest
 * points are dropped and counted. A batch InfluxDB refused (400, 413) is
 * logged and dropped: re-sending bad points can never succeed.
 *
 * Two ways to send: wq_flush writes and waits (das, ds --once, ds's last
 * flush on SIGTERM); wq_take and wq_done let the caller run one batch at a
 * time beside its loop (the ds daemon, lib/influx.h's influx_write_start).
 * A batch in flight stays at the head of the queue until wq_done, so a
 * write that fails loses nothing, and points pushed meanwhile queue behind
 * it.
 */
#ifndef DAS_WQ_H
#define DAS_WQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "influx.h"

struct wq_cfg {
	size_t	max_points;	/* bound on held points */
	size_t	max_bytes;	/* bound on held bytes */
	size_t	batch_bytes;	/* largest single POST */
	long	backoff_min_ms;
	long	backoff_max_ms;
};

struct wq_stats {
	size_t		held_points;
	size_t		held_bytes;
	uint64_t	sent_points;
	uint64_t	dropped_points;	/* over the bound */
	uint64_t	rejected_points; /* refused by InfluxDB (4xx) */
};

struct wq;

/* Caller frees with wq_free. */
struct wq	*wq_new(const struct wq_cfg *);
void		 wq_free(struct wq *);
void		 wq_set_cfg(struct wq *, const struct wq_cfg *);

/* Append complete lines (each ending in '\n'); enforces the bounds. */
void		 wq_push(struct wq *, const char *lines, size_t len);

/*
 * Send what is held, oldest first, and wait for each answer, unless a
 * backoff is running (now_ms before the next try; force ignores that).
 * Returns 0 when the queue is empty afterwards, -EAGAIN when points are
 * kept for a retry (or a batch is in flight: see wq_take), -EBADMSG when a
 * batch was refused (and dropped) even if the rest went out.
 */
int		 wq_flush(struct wq *, struct influx *, int64_t now_ms, int force);

/*
 * The next batch to send, now marked in flight: *data points at its first
 * byte, valid until the next call on q (copy it); returns its length. 0
 * when nothing is to be sent now: the queue is empty, a batch is already
 * in flight, or a backoff runs (force ignores the backoff).
 */
size_t		 wq_take(struct wq *, int64_t now_ms, int force,
		    const char **data);
/*
 * The outcome of the batch in flight, err the writer's sentence: OK
 * removes it, INFLUX_REJECTED drops it (logged), INFLUX_RETRY keeps it and
 * starts the backoff (logged with what happens next). Returns 0, -EBADMSG
 * (refused) or -EAGAIN (kept). When the bounds dropped some of the
 * batch's points while it flew, only the rest is counted.
 */
int		 wq_done(struct wq *, enum influx_result, const char *err,
		    int64_t now_ms);
/* The batch in flight goes back, unsent and without backoff (the writer
 * was cancelled). */
void		 wq_requeue(struct wq *);
/* True between wq_take and wq_done or wq_requeue. */
bool		 wq_busy(const struct wq *);

/* Milliseconds until the next retry is due; 0 when nothing waits. */
long		 wq_retry_in(const struct wq *, int64_t now_ms);
void		 wq_stats(const struct wq *, struct wq_stats *);

#endif
