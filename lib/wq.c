/* wq: bounded, ordered, retrying write queue for InfluxDB line protocol. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "lp.h"
#include "wq.h"
#include "xmalloc.h"

struct wq {
	struct wq_cfg	 cfg;
	struct buf	 data;		/* held lines, oldest first */
	size_t		 points;	/* lines in data */
	int64_t		 next_try_ms;	/* 0: no backoff running */
	bool		 busy;		/* a batch is in flight */
	size_t		 flight_len;	/* its bytes still at the head of data */
	size_t		 flight_pts;	/* and its points */
	long		 backoff_ms;
	uint64_t	 sent;
	uint64_t	 dropped;
	uint64_t	 rejected;
};

struct wq *
wq_new(const struct wq_cfg *cfg)
{
	struct wq	*q;

	q = xcalloc(1, sizeof *q);
	buf_init(&q->data);
	wq_set_cfg(q, cfg);
	return q;
}

void
wq_free(struct wq *q)
{
	if (q == NULL)
		return;
	buf_free(&q->data);
	free(q);
}

void
wq_set_cfg(struct wq *q, const struct wq_cfg *cfg)
{
	q->cfg = *cfg;
	if (q->cfg.batch_bytes == 0)
		q->cfg.batch_bytes = 1 << 20;
	if (q->cfg.backoff_min_ms <= 0)
		q->cfg.backoff_min_ms = 1000;
	if (q->cfg.backoff_max_ms < q->cfg.backoff_min_ms)
		q->cfg.backoff_max_ms = q->cfg.backoff_min_ms;
}

/* Length of the first n lines of s (n ≥ 1), or len when fewer. */
static size_t
wq_lines_len(const char *s, size_t len, size_t n)
{
	const char	*p = s, *nl;

	while (n-- > 0 && (size_t)(p - s) < len) {
		nl = memchr(p, '\n', len - (size_t)(p - s));
		if (nl == NULL)
			return len;
		p = nl + 1;
	}
	return (size_t)(p - s);
}

/*
 * The first cut bytes are about to go: a batch in flight loses what of it
 * they hold, so that its answer removes only what is still there.
 */
static void
wq_cut(struct wq *q, size_t cut)
{
	size_t	n;

	if (q->flight_len == 0)
		return;
	n = cut < q->flight_len ? cut : q->flight_len;
	q->flight_pts -= lp_count_lines(q->data.data, n);
	q->flight_len -= n;
}

/* Drop the oldest lines until both bounds hold; say how many went. */
static void
wq_enforce(struct wq *q)
{
	size_t	over, cut, n = 0;

	while (q->points > 0 && (q->points > q->cfg.max_points ||
	    q->data.len > q->cfg.max_bytes)) {
		over = q->points > q->cfg.max_points ?
		    q->points - q->cfg.max_points : 1;
		cut = wq_lines_len(q->data.data, q->data.len, over);
		wq_cut(q, cut);
		n += lp_count_lines(q->data.data, cut);
		q->points -= lp_count_lines(q->data.data, cut);
		buf_consume(&q->data, cut);
	}
	if (n > 0) {
		q->dropped += n;
		log_warnx("write queue full (%zu points, %zu bytes max): "
		    "dropped the %zu oldest points, %llu dropped so far",
		    q->cfg.max_points, q->cfg.max_bytes, n,
		    (unsigned long long)q->dropped);
	}
}

void
wq_push(struct wq *q, const char *lines, size_t len)
{
	if (len == 0)
		return;
	buf_add(&q->data, lines, len);
	if (lines[len - 1] != '\n')
		buf_addc(&q->data, '\n');
	q->points += lp_count_lines(lines, len) + (lines[len - 1] != '\n');
	wq_enforce(q);
}

/* The next batch: whole lines up to batch_bytes (at least one line). */
static size_t
wq_batch_len(const struct wq *q)
{
	const char	*s = q->data.data, *p;
	size_t		 len = q->data.len, end;

	if (len <= q->cfg.batch_bytes)
		return len;
	for (p = s + q->cfg.batch_bytes; p > s && p[-1] != '\n'; p--)
		;
	if (p > s)
		return (size_t)(p - s);
	p = memchr(s, '\n', len);
	end = p != NULL ? (size_t)(p - s) + 1 : len;
	return end;
}

static void
wq_backoff(struct wq *q, int64_t now_ms, const char *err)
{
	q->backoff_ms = q->backoff_ms == 0 ? q->cfg.backoff_min_ms :
	    q->backoff_ms * 2;
	if (q->backoff_ms > q->cfg.backoff_max_ms)
		q->backoff_ms = q->cfg.backoff_max_ms;
	q->next_try_ms = now_ms + q->backoff_ms;
	log_warnx("%s; keeping %zu points, retry in %.1f s", err, q->points,
	    q->backoff_ms / 1000.0);
}

size_t
wq_take(struct wq *q, int64_t now_ms, int force, const char **data)
{
	if (q->busy || q->data.len == 0)
		return 0;
	if (!force && q->next_try_ms != 0 && now_ms < q->next_try_ms)
		return 0;
	q->busy = true;
	q->flight_len = wq_batch_len(q);
	q->flight_pts = lp_count_lines(q->data.data, q->flight_len);
	*data = q->data.data;
	return q->flight_len;
}

/* The batch in flight is over, one way or the other: remove it. */
static void
wq_land(struct wq *q)
{
	q->points -= q->flight_pts;
	buf_consume(&q->data, q->flight_len);
	q->busy = false;
	q->flight_len = q->flight_pts = 0;
}

int
wq_done(struct wq *q, enum influx_result r, const char *err, int64_t now_ms)
{
	if (!q->busy)
		return 0;
	if (r == INFLUX_RETRY) {
		wq_requeue(q);
		wq_backoff(q, now_ms, err);
		return -EAGAIN;
	}
	if (r == INFLUX_REJECTED) {
		log_warnx("%s; dropping that batch of %zu points, never "
		    "re-sent", err, q->flight_pts);
		q->rejected += q->flight_pts;
	} else {
		if (q->backoff_ms != 0)
			log_info("InfluxDB write works again; delivering %zu "
			    "held points", q->points);
		q->sent += q->flight_pts;
	}
	q->backoff_ms = 0;
	q->next_try_ms = 0;
	wq_land(q);
	return r == INFLUX_REJECTED ? -EBADMSG : 0;
}

void
wq_requeue(struct wq *q)
{
	q->busy = false;
	q->flight_len = q->flight_pts = 0;
}

bool
wq_busy(const struct wq *q)
{
	return q->busy;
}

int
wq_flush(struct wq *q, struct influx *ix, int64_t now_ms, int force)
{
	enum influx_result	r;
	const char		*p;
	char			 err[512];
	size_t			 n;
	int			 rc = 0;

	if (q->busy)
		return -EAGAIN;
	while ((n = wq_take(q, now_ms, force, &p)) > 0) {
		r = influx_write(ix, p, n, err, sizeof err);
		switch (wq_done(q, r, err, now_ms)) {
		case -EAGAIN:
			return -EAGAIN;
		case -EBADMSG:
			rc = -EBADMSG;
			break;
		}
	}
	return q->points > 0 ? -EAGAIN : rc;
}

long
wq_retry_in(const struct wq *q, int64_t now_ms)
{
	if (q->points == 0 || q->next_try_ms == 0)
		return 0;
	return q->next_try_ms > now_ms ? (long)(q->next_try_ms - now_ms) : 0;
}

void
wq_stats(const struct wq *q, struct wq_stats *st)
{
	st->held_points = q->points;
	st->held_bytes = q->data.len;
	st->sent_points = q->sent;
	st->dropped_points = q->dropped;
	st->rejected_points = q->rejected;
}
