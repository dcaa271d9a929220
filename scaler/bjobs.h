/*
 * bjobs: backend calls that may take long (an exec backend command, runc)
 * run on threads of their own, at most one per policy at a time, so that
 * one stuck command never delays the tick or another policy's action.
 *
 * The engine starts a job with a key (the policy's seq) and a function
 * that works only on its argument (no engine state: the engine and its
 * clients are not thread-safe); it hands finished jobs back on its own
 * thread with bjobs_collect, and journals them there. A job is bounded by
 * the timeout its function passes to proc_run (proc.h); bjobs_stop kills
 * every child the jobs started.
 */
#ifndef DAS_BJOBS_H
#define DAS_BJOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Jobs in flight at once, at most (one thread each). */
#define BJOBS_MAX	64

struct bjobs;

typedef void	(*bjobs_fn)(void *arg);		/* on the job's thread */
typedef void	(*bjobs_done_fn)(void *ctx, void *arg); /* on the caller's */

struct bjobs	*bjobs_new(void);
/* Wait for the jobs in flight (bjobs_wait), hand none back, free. */
void		 bjobs_free(struct bjobs *);

/*
 * Run fn(arg) on a new thread. 0; -EBUSY when a job with key is in
 * flight or not yet collected; -EAGAIN when BJOBS_MAX are; -errno when no
 * thread could be made. arg stays the caller's: it comes back through
 * bjobs_collect.
 */
int	bjobs_start(struct bjobs *, int64_t key, bjobs_fn fn, void *arg)
	    __attribute__((warn_unused_result));
/* A job with key is in flight (or finished and not collected yet). */
bool	bjobs_busy(const struct bjobs *, int64_t key);
/* Jobs started and not collected. */
size_t	bjobs_count(const struct bjobs *);

/* Hand each finished job's arg to done(ctx, arg), oldest first. Count. */
size_t	bjobs_collect(struct bjobs *, bjobs_done_fn done, void *ctx);

/* Wait up to ms for every job in flight to finish; the number still
 * running when it returns. */
size_t	bjobs_wait(struct bjobs *, long ms);

/*
 * das is stopping: kill what the jobs started (proc_kill_all), wait up to
 * ms for them to end. New children are refused until bjobs_resume.
 */
size_t	bjobs_stop(struct bjobs *, long ms);
void	bjobs_resume(void);

#endif
