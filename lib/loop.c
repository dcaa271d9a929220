/* loop: interval timer, a one-shot timer and signals on libevent. */
#include <signal.h>
#include <stdlib.h>

#include <event2/event.h>

#include "log.h"
#include "loop.h"
#include "xmalloc.h"

struct loop {
	struct event_base	*base;
	struct event		*tick;
	struct event		*once;
	struct event		*sig[3];
	loop_fn			 on_tick;
	loop_fn			 once_fn;
	loop_sig_fn		 on_signal;
	void			*arg;
};

static void
loop_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*l = arg;

	l->on_tick(l->arg);
}

static void
loop_once_cb(evutil_socket_t fd, short what, void *arg)
{
	struct loop	*l = arg;

	l->once_fn(l->arg);
}

static void
loop_sig_cb(evutil_socket_t sig, short what, void *arg)
{
	struct loop	*l = arg;

	l->on_signal((int)sig, l->arg);
}

struct loop *
loop_new(loop_fn on_tick, loop_sig_fn on_signal, void *arg)
{
	static const int	 sigs[3] = { SIGHUP, SIGTERM, SIGINT };
	struct loop		*l;
	int			 i;

	l = xcalloc(1, sizeof *l);
	l->on_tick = on_tick;
	l->on_signal = on_signal;
	l->arg = arg;
	if ((l->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	l->tick = event_new(l->base, -1, EV_PERSIST, loop_tick_cb, l);
	l->once = evtimer_new(l->base, loop_once_cb, l);
	for (i = 0; i < 3; i++) {
		l->sig[i] = evsignal_new(l->base, sigs[i], loop_sig_cb, l);
		evsignal_add(l->sig[i], NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	return l;
}

void
loop_free(struct loop *l)
{
	int	i;

	if (l == NULL)
		return;
	event_free(l->tick);
	event_free(l->once);
	for (i = 0; i < 3; i++)
		event_free(l->sig[i]);
	event_base_free(l->base);
	free(l);
}

void
loop_set_interval(struct loop *l, double seconds)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_del(l->tick);
	event_add(l->tick, &tv);
}

void
loop_once_after(struct loop *l, long ms, loop_fn fn)
{
	struct timeval	tv;

	l->once_fn = fn;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(l->once, &tv);
}

struct event_base *
loop_base(struct loop *l)
{
	return l->base;
}

void
loop_run(struct loop *l)
{
	event_base_dispatch(l->base);
}

void
loop_stop(struct loop *l)
{
	event_base_loopbreak(l->base);
}
