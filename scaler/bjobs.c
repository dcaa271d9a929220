/* bjobs: one thread per long backend call, collected by the engine. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bjobs.h"
#include "proc.h"
#include "xmalloc.h"

struct bjob {
	int64_t		 key;
	bjobs_fn	 fn;
	void		*arg;
	pthread_t	 thread;
	bool		 used;
	bool		 done;		/* under mu */
	uint64_t	 order;		/* start order, for collect */
};

struct bjobs {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct bjob	 slot[BJOBS_MAX];
	uint64_t	 started;
};

struct bjobs *
bjobs_new(void)
{
	struct bjobs		*b = xcalloc(1, sizeof *b);
	pthread_condattr_t	 ca;

	pthread_mutex_init(&b->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cv, &ca);
	pthread_condattr_destroy(&ca);
	return b;
}

void
bjobs_free(struct bjobs *b)
{
	size_t	i;

	if (b == NULL)
		return;
	/* every job's function is bounded by its own timeout */
	while (bjobs_wait(b, 1000) > 0)
		;
	for (i = 0; i < BJOBS_MAX; i++) {
		if (b->slot[i].used)
			pthread_join(b->slot[i].thread, NULL);
	}
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

struct bjob_start {
	struct bjobs	*b;
	struct bjob	*j;
};

static void *
bjobs_thread(void *p)
{
	struct bjob_start	s = *(struct bjob_start *)p;

	free(p);
	s.j->fn(s.j->arg);
	pthread_mutex_lock(&s.b->mu);
	s.j->done = true;
	pthread_cond_broadcast(&s.b->cv);
	pthread_mutex_unlock(&s.b->mu);
	return NULL;
}

static struct bjob *
bjobs_find(const struct bjobs *b, int64_t key)
{
	size_t	i;

	for (i = 0; i < BJOBS_MAX; i++) {
		if (b->slot[i].used && b->slot[i].key == key)
			return (struct bjob *)&b->slot[i];
	}
	return NULL;
}

/* Start the thread with every signal blocked: signals are das's loop's. */
static int
bjobs_spawn(struct bjobs *b, struct bjob *j)
{
	struct bjob_start	*s = xmalloc(sizeof *s);
	sigset_t		 all, old;
	int			 rc;

	s->b = b;
	s->j = j;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&j->thread, NULL, bjobs_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		free(s);
	return -rc;
}

int
bjobs_start(struct bjobs *b, int64_t key, bjobs_fn fn, void *arg)
{
	struct bjob	*j = NULL;
	size_t		 i;
	int		 rc;

	if (bjobs_find(b, key) != NULL)
		return -EBUSY;
	for (i = 0; i < BJOBS_MAX && j == NULL; i++) {
		if (!b->slot[i].used)
			j = &b->slot[i];
	}
	if (j == NULL)
		return -EAGAIN;
	pthread_mutex_lock(&b->mu);
	*j = (struct bjob){ key, fn, arg, 0, true, false, b->started++ };
	pthread_mutex_unlock(&b->mu);
	if ((rc = bjobs_spawn(b, j)) != 0)
		j->used = false;
	return rc;
}

bool
bjobs_busy(const struct bjobs *b, int64_t key)
{
	return bjobs_find(b, key) != NULL;
}

size_t
bjobs_count(const struct bjobs *b)
{
	size_t	i, n = 0;

	for (i = 0; i < BJOBS_MAX; i++)
		n += b->slot[i].used;
	return n;
}

/* The finished job started first, or NULL. Under mu. */
static struct bjob *
bjobs_oldest_done(struct bjobs *b)
{
	struct bjob	*best = NULL;
	size_t		 i;

	for (i = 0; i < BJOBS_MAX; i++) {
		if (b->slot[i].used && b->slot[i].done &&
		    (best == NULL || b->slot[i].order < best->order))
			best = &b->slot[i];
	}
	return best;
}

size_t
bjobs_collect(struct bjobs *b, bjobs_done_fn done, void *ctx)
{
	struct bjob	*j;
	void		*arg;
	size_t		 n = 0;

	for (;;) {
		pthread_mutex_lock(&b->mu);
		j = bjobs_oldest_done(b);
		pthread_mutex_unlock(&b->mu);
		if (j == NULL)
			return n;
		pthread_join(j->thread, NULL);
		arg = j->arg;
		j->used = false;
		done(ctx, arg);
		n++;
	}
}

/* Jobs not finished. Under mu. */
static size_t
bjobs_running(const struct bjobs *b)
{
	size_t	i, n = 0;

	for (i = 0; i < BJOBS_MAX; i++)
		n += b->slot[i].used && !b->slot[i].done;
	return n;
}

size_t
bjobs_wait(struct bjobs *b, long ms)
{
	struct timespec	until;
	size_t		n;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&b->mu);
	while ((n = bjobs_running(b)) > 0 &&
	    pthread_cond_timedwait(&b->cv, &b->mu, &until) != ETIMEDOUT)
		;
	n = bjobs_running(b);
	pthread_mutex_unlock(&b->mu);
	return n;
}

size_t
bjobs_stop(struct bjobs *b, long ms)
{
	proc_kill_all();
	return bjobs_wait(b, ms);
}

void
bjobs_resume(void)
{
	proc_allow();
}
