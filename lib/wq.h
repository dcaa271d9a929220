/*
 * wq: the bounded write queue between a daemon and InfluxDB.
 *
 * Points (complete line-protocol lines) are appended in order and sent in
 * batches. A batch InfluxDB could not take (down, 5xx) stays at the head
 * and is retried with exponential backoff; nothing is lost while the queue
 * is within its bounds. Past either bound (points or bytes) the oldest
 * points are dropped and counted. A batch InfluxDB refused (4xx) is logged
 * and dropped: re-sending bad points can never succeed.
 */
#ifndef DAS_WQ_H
#define DAS_WQ_H

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
 * Send what is held, oldest first, unless a backoff is running (now_ms
 * before the next try; force ignores that). Returns 0 when the queue is
 * empty afterwards, -EAGAIN when points are kept for a retry, -EBADMSG when
 * a batch was refused (and dropped) even if the rest went out.
 */
int		 wq_flush(struct wq *, struct influx *, int64_t now_ms, int force);

/* Milliseconds until the next retry is due; 0 when nothing waits. */
long		 wq_retry_in(const struct wq *, int64_t now_ms);
void		 wq_stats(const struct wq *, struct wq_stats *);

#endif
