/* clock: clock_gettime as one integer. */
#include "clock.h"

int64_t
clock_ns(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int64_t
monotonic_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}
