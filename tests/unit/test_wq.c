/*
 * Unit tests for wq's batches in flight (wq_take, wq_done, wq_requeue):
 * what a writer running beside the loop sees. Times are given, not read.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "influx.h"
#include "wq.h"

static struct wq *
mkq(size_t max_points, size_t batch_bytes)
{
	struct wq_cfg	c;

	memset(&c, 0, sizeof c);
	c.max_points = max_points;
	c.max_bytes = 1 << 20;
	c.batch_bytes = batch_bytes;
	c.backoff_min_ms = 1000;
	c.backoff_max_ms = 4000;
	return wq_new(&c);
}

static struct wq_stats
stats(const struct wq *q)
{
	struct wq_stats	st;

	wq_stats(q, &st);
	return st;
}

Test(wq, one_batch_in_flight_and_pushes_queue_behind_it)
{
	struct wq	*q = mkq(100, 1 << 20);
	const char	*p;
	size_t		 n;

	wq_push(q, "a v=1\nb v=2\n", 12);
	n = wq_take(q, 0, 0, &p);
	cr_assert_eq(n, 12);
	cr_expect(memcmp(p, "a v=1\nb v=2\n", 12) == 0);
	cr_expect(wq_busy(q));
	wq_push(q, "c v=3\n", 6);
	cr_expect_eq(wq_take(q, 0, 0, &p), 0, "a second batch while one flies");
	cr_expect_eq(stats(q).held_points, 3);
	cr_expect_eq(wq_done(q, INFLUX_OK, "", 0), 0);
	cr_expect_not(wq_busy(q));
	cr_expect_eq(stats(q).sent_points, 2);
	cr_assert_eq(wq_take(q, 0, 0, &p), 6);
	cr_expect(memcmp(p, "c v=3\n", 6) == 0);
	wq_free(q);
}

Test(wq, a_failed_batch_is_kept_whole_and_waits_for_its_backoff)
{
	struct wq	*q = mkq(100, 1 << 20);
	const char	*p;

	wq_push(q, "a v=1\n", 6);
	cr_assert_eq(wq_take(q, 1000, 0, &p), 6);
	wq_push(q, "b v=2\n", 6);
	cr_expect_eq(wq_done(q, INFLUX_RETRY, "InfluxDB write to u: HTTP 200 "
	    "from a server that is not InfluxDB", 1000), -EAGAIN);
	cr_expect_not(wq_busy(q));
	cr_expect_eq(stats(q).held_points, 2);
	cr_expect_eq(stats(q).sent_points, 0);
	cr_expect_eq(wq_retry_in(q, 1500), 500);
	cr_expect_eq(wq_take(q, 1500, 0, &p), 0, "backoff running");
	cr_assert_eq(wq_take(q, 2000, 0, &p), 12, "both, in order");
	cr_expect(memcmp(p, "a v=1\nb v=2\n", 12) == 0);
	cr_expect_eq(wq_done(q, INFLUX_RETRY, "again", 2000), -EAGAIN);
	cr_expect_eq(wq_retry_in(q, 2000), 2000, "the backoff doubles");
	cr_assert_eq(wq_take(q, 2000, 1, &p), 12, "force ignores the backoff");
	cr_expect_eq(wq_done(q, INFLUX_OK, "", 2000), 0);
	cr_expect_eq(stats(q).held_points, 0);
	cr_expect_eq(stats(q).sent_points, 2);
	cr_expect_eq(wq_retry_in(q, 2000), 0);
	wq_free(q);
}

Test(wq, a_refused_batch_is_dropped_and_counted)
{
	struct wq	*q = mkq(100, 1 << 20);
	const char	*p;

	wq_push(q, "a v=1\nb v=2\n", 12);
	cr_assert_eq(wq_take(q, 0, 0, &p), 12);
	cr_expect_eq(wq_done(q, INFLUX_REJECTED, "HTTP 400: bad", 0), -EBADMSG);
	cr_expect_eq(stats(q).held_points, 0);
	cr_expect_eq(stats(q).rejected_points, 2);
	wq_free(q);
}

Test(wq, requeue_returns_the_batch_without_backoff)
{
	struct wq	*q = mkq(100, 1 << 20);
	const char	*p;

	wq_push(q, "a v=1\n", 6);
	cr_assert_eq(wq_take(q, 0, 0, &p), 6);
	wq_requeue(q);
	cr_expect_not(wq_busy(q));
	cr_expect_eq(wq_retry_in(q, 0), 0);
	cr_expect_eq(wq_take(q, 0, 0, &p), 6);
	wq_free(q);
}

Test(wq, batches_are_cut_at_batch_bytes)
{
	struct wq	*q = mkq(100, 8);
	const char	*p;

	wq_push(q, "a v=1\nb v=2\nc v=3\n", 18);
	cr_assert_eq(wq_take(q, 0, 0, &p), 6);
	cr_expect_eq(wq_done(q, INFLUX_OK, "", 0), 0);
	cr_assert_eq(wq_take(q, 0, 0, &p), 6);
	cr_expect(memcmp(p, "b v=2\n", 6) == 0);
	wq_free(q);
}

/* The bound drops the oldest points even from a batch in flight; its
 * answer then removes only what is left of it, and counts only that. */
Test(wq, the_bound_cuts_into_a_batch_in_flight)
{
	struct wq	*q = mkq(3, 1 << 20);
	const char	*p;

	wq_push(q, "a v=1\nb v=2\n", 12);
	cr_assert_eq(wq_take(q, 0, 0, &p), 12);
	wq_push(q, "c v=3\nd v=4\n", 12);
	cr_expect_eq(stats(q).held_points, 3);
	cr_expect_eq(stats(q).dropped_points, 1);
	cr_expect_eq(wq_done(q, INFLUX_OK, "", 0), 0);
	cr_expect_eq(stats(q).sent_points, 1, "b only: a was dropped");
	cr_expect_eq(stats(q).held_points, 2);
	cr_assert_eq(wq_take(q, 0, 0, &p), 12);
	cr_expect(memcmp(p, "c v=3\nd v=4\n", 12) == 0);
	wq_free(q);
}

Test(wq, the_bound_can_drop_a_whole_batch_in_flight)
{
	struct wq	*q = mkq(2, 1 << 20);
	const char	*p;

	wq_push(q, "a v=1\n", 6);
	cr_assert_eq(wq_take(q, 0, 0, &p), 6);
	wq_push(q, "b v=2\nc v=3\n", 12);
	cr_expect_eq(stats(q).dropped_points, 1);
	cr_expect_eq(wq_done(q, INFLUX_RETRY, "down", 0), -EAGAIN);
	cr_expect_eq(stats(q).held_points, 2);
	cr_assert_eq(wq_take(q, 5000, 0, &p), 12);
	cr_expect(memcmp(p, "b v=2\nc v=3\n", 12) == 0);
	wq_free(q);
}
