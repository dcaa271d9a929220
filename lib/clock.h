/*
 * clock: the system's clocks as integers. Points and journal rows carry
 * the real time; timeouts, periods and retries use the monotonic clock,
 * which a step of the real one neither stretches nor cuts short.
 */
#ifndef DAS_CLOCK_H
#define DAS_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Clock id's time in nanoseconds. */
int64_t	clock_ns(clockid_t);
/* CLOCK_REALTIME in nanoseconds since the epoch. */
int64_t	realtime_ns(void);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t	monotonic_ms(void);

#endif
