/* proc: spawn, time-limit and reap the programs das runs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "proc.h"

extern char	**environ;

/* Children being waited for: what proc_kill_all kills. */
#define PROC_SLOTS	256
static pthread_mutex_t	proc_mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t		proc_pids[PROC_SLOTS];
static bool		proc_stopping;

/* After the child exits, its output is read this long more at most: a
 * daemon it left behind may hold the pipe open for ever. */
#define PROC_DRAIN_MS	200

static int
proc_register(pid_t pid)
{
	size_t	i;
	int	rc = -EAGAIN;

	pthread_mutex_lock(&proc_mu);
	if (proc_stopping)
		rc = -ECANCELED;
	for (i = 0; i < PROC_SLOTS && rc == -EAGAIN; i++) {
		if (proc_pids[i] == 0) {
			proc_pids[i] = pid;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&proc_mu);
	return rc;
}

static void
proc_unregister(pid_t pid)
{
	size_t	i;

	pthread_mutex_lock(&proc_mu);
	for (i = 0; i < PROC_SLOTS; i++) {
		if (proc_pids[i] == pid)
			proc_pids[i] = 0;
	}
	pthread_mutex_unlock(&proc_mu);
}

void
proc_kill_all(void)
{
	size_t	i;

	pthread_mutex_lock(&proc_mu);
	proc_stopping = true;
	for (i = 0; i < PROC_SLOTS; i++) {
		if (proc_pids[i] > 0)
			(void)kill(-proc_pids[i], SIGKILL);
	}
	pthread_mutex_unlock(&proc_mu);
}

void
proc_allow(void)
{
	pthread_mutex_lock(&proc_mu);
	proc_stopping = false;
	pthread_mutex_unlock(&proc_mu);
}

static bool
proc_is_stopping(void)
{
	bool	s;

	pthread_mutex_lock(&proc_mu);
	s = proc_stopping;
	pthread_mutex_unlock(&proc_mu);
	return s;
}

/* File actions and attributes: the child's whole inheritance. */
static int
proc_spawn(const char *const *argv, int wfd, pid_t *pid)
{
	posix_spawn_file_actions_t	fa;
	posix_spawnattr_t		at;
	sigset_t			none, all;
	int				rc;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (wfd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, wfd, 1);
		posix_spawn_file_actions_adddup2(&fa, wfd, 2);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	/* every catchable signal back to its default (SIGPIPE ignored by das) */
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	posix_spawnattr_setsigdefault(&at, &all);
	rc = posix_spawnp(pid, argv[0], &fa, &at, (char *const *)argv,
	    environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

/* Read what is there; false at EOF or error. */
static bool
proc_read(int fd, struct buf *out)
{
	char	chunk[1024];
	ssize_t	n;

	n = read(fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (out->len < PROC_OUTPUT_MAX)
		buf_add(out, chunk, (size_t)n);
	return true;
}

/*
 * Wait for the child (pidfd) and read its output (rfd, -1: none) until it
 * exited and the pipe is drained, or the deadline passed. Returns 0, or
 * -ETIMEDOUT / -ECANCELED when it had to be killed.
 */
static int
proc_wait(pid_t pid, int pidfd, int rfd, int64_t deadline, struct buf *out)
{
	struct pollfd	pfd[2];
	int64_t		now, until = deadline;
	bool		exited = false;
	int		n;

	for (;;) {
		now = monotonic_ms();
		if (proc_is_stopping())
			return -ECANCELED;
		if (now >= until)
			return exited ? 0 : -ETIMEDOUT;
		if (exited && rfd < 0)
			return 0;
		pfd[0] = (struct pollfd){ pidfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ rfd, POLLIN, 0 };
		/* wake at least every 100 ms to see proc_kill_all */
		n = poll(pfd, 2, (int)(until - now < 100 ? until - now : 100));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (!exited && (pfd[0].revents & POLLIN)) {
			exited = true;
			until = now + PROC_DRAIN_MS < deadline ?
			    now + PROC_DRAIN_MS : deadline;
		}
		if (rfd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP)) &&
		    !proc_read(rfd, out))
			rfd = -1;
	}
}

static void
proc_error(const char *const *argv, int rc, long timeout_ms, char *err,
    size_t errlen)
{
	if (rc == -ETIMEDOUT)
		snprintf(err, errlen, "%s: killed after %ld ms", argv[0],
		    timeout_ms);
	else if (rc == -ECANCELED)
		snprintf(err, errlen, "%s: killed: das is stopping", argv[0]);
	else
		snprintf(err, errlen, "%s: %s", argv[0], strerror(-rc));
}

/* Start argv; *pid and *pidfd on success, else -errno with err filled. */
static int
proc_start(const char *const *argv, int wfd, pid_t *pid, int *pidfd,
    char *err, size_t errlen)
{
	int	rc;

	if (proc_is_stopping()) {
		proc_error(argv, -ECANCELED, 0, err, errlen);
		return -ECANCELED;
	}
	if ((rc = proc_spawn(argv, wfd, pid)) != 0) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0],
		    strerror(rc));
		return -rc;
	}
	if ((*pidfd = pidfd_open(*pid, 0)) < 0 ||
	    (rc = proc_register(*pid)) != 0) {
		rc = *pidfd < 0 ? -errno : rc;
		(void)kill(-*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (*pidfd >= 0)
			close(*pidfd);
		proc_error(argv, rc, 0, err, errlen);
		return rc;
	}
	return 0;
}

int
proc_run(const char *const *argv, long timeout_ms, struct buf *out,
    int *status, char *err, size_t errlen)
{
	int	p[2] = { -1, -1 }, pidfd = -1, rc;
	pid_t	pid;

	*status = 0;
	if (out != NULL && pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
		rc = -errno;
		proc_error(argv, rc, 0, err, errlen);
		return rc;
	}
	rc = proc_start(argv, p[1], &pid, &pidfd, err, errlen);
	if (p[1] >= 0)
		close(p[1]);
	if (rc == 0) {
		rc = proc_wait(pid, pidfd, p[0], monotonic_ms() + timeout_ms,
		    out);
		if (rc != 0) {
			(void)kill(-pid, SIGKILL);
			proc_error(argv, rc, timeout_ms, err, errlen);
		}
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
		proc_unregister(pid);
		close(pidfd);
	}
	if (p[0] >= 0)
		close(p[0]);
	if (out != NULL)
		buf_truncate(out, PROC_OUTPUT_MAX);
	return rc;
}
