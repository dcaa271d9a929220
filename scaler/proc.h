/*
 * proc: the one way das runs a program (an exec backend command, runc).
 *
 * No shell: argv is run as it is (posix_spawnp). The child gets stdin on
 * /dev/null, stdout and stderr on a pipe das reads (or on /dev/null), no
 * other descriptor (das's PostgreSQL, Docker and InfluxDB sockets stay
 * with das), default signal dispositions and an empty signal mask, and a
 * process group of its own, so that a timeout or das's shutdown kills
 * what it started too. Safe to call from several threads at once.
 */
#ifndef DAS_PROC_H
#define DAS_PROC_H

#include <stddef.h>

#include "buf.h"

/* At most this much of a child's output is kept (the rest is read and dropped). */
#define PROC_OUTPUT_MAX	4096

/*
 * Run argv (NULL-terminated), killing its process group after
 * timeout_ms. out (NULL: output to /dev/null) receives stdout and stderr.
 * *status is waitpid's. Returns 0 when it ran to its end (whatever its
 * status), -ETIMEDOUT when killed for time, -ECANCELED when killed (or
 * never started) because das is stopping, -errno when it could not start;
 * err says which.
 */
int	proc_run(const char *const *argv, long timeout_ms, struct buf *out,
	    int *status, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * das is stopping: SIGKILL the process group of every child proc_run is
 * waiting for, and refuse new ones (-ECANCELED) until proc_allow.
 */
void	proc_kill_all(void);
void	proc_allow(void);

#endif
