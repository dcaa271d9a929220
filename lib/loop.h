/*
 * loop: a daemon's libevent loop — an interval timer, a one-shot timer
 * and the signals.
 *
 * Signals go through libevent (pgbouncer's way): the handlers run in the
 * loop, between ticks, so a tick always finishes before a signal's work
 * starts. SIGHUP and SIGTERM/SIGINT reach the on_signal callback; SIGPIPE
 * is ignored (a peer that hangs up is an error return, not a death).
 */
#ifndef DAS_LOOP_H
#define DAS_LOOP_H

struct event_base;
struct loop;

typedef void	(*loop_fn)(void *arg);
typedef void	(*loop_sig_fn)(int sig, void *arg);

/* Callbacks and arg are kept for the loop's life. Caller frees. */
struct loop	*loop_new(loop_fn on_tick, loop_sig_fn on_signal, void *arg);
void		 loop_free(struct loop *);

/* (Re)start the interval timer: on_tick every `seconds`. */
void		 loop_set_interval(struct loop *, double seconds);
/* Call fn(arg) once after `ms` (replacing an earlier one-shot). */
void		 loop_once_after(struct loop *, long ms, loop_fn fn);
/* The libevent base, for other event sources (lib/httpev.h). Borrowed. */
struct event_base *loop_base(struct loop *);
/* Run until loop_stop. */
void		 loop_run(struct loop *);
void		 loop_stop(struct loop *);

#endif
