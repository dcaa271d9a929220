/* runcb_run: run runc detached from das's descriptors, with a time limit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "runcb.h"
#include "xmalloc.h"

#define RUNCB_ARGS_MAX	16
#define RUNCB_LOG_MAX	8192
/* runc opens this to write its log: our memory file, fd 3 in the child */
#define RUNCB_LOG_PATH	"/proc/self/fd/3"

/*
 * In the child: stdio on /dev/null, the log on fd 3, nothing else open,
 * default signals, then runc. An exec failure is written as a runc log
 * line so the parent reports it like any other.
 */
static void
runcb_child(char *const *argv, int logfd)
{
	sigset_t	all;
	int		null, fd;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((null = open("/dev/null", O_RDWR)) < 0)
		_exit(126);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (logfd == 3)
		(void)fcntl(3, F_SETFD, 0);
	else
		dup2(logfd, 3);
	if (close_range(4, ~0U, 0) != 0) {
		for (fd = 4; fd < 65536; fd++)
			close(fd);
	}
	execvp(argv[0], argv);
	dprintf(3, "{\"level\":\"error\",\"msg\":\"cannot run %s: %s\"}\n",
	    argv[0], strerror(errno));
	_exit(127);
}

static long
runcb_ms_since(const struct timespec *t0)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Wait for pid, polling (1 ms doubling to 50 ms: runc takes some tens of
 * milliseconds); SIGKILL it after timeout_ms. 0 or -ETIMEDOUT.
 */
static int
runcb_wait(pid_t pid, long timeout_ms, int *status)
{
	struct timespec	t0, nap;
	long		step = 1;
	pid_t		r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return 0;
		if (runcb_ms_since(&t0) >= timeout_ms) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		nap.tv_sec = 0;
		nap.tv_nsec = step * 1000000;
		nanosleep(&nap, NULL);
		step = step < 25 ? step * 2 : 50;
	}
}

/*
 * runc's message from its JSON log: the last "error" or "fatal" line's
 * msg, else the last line as it is. Writes "" when the log is empty.
 */
static void
runcb_log_message(int fd, char *msg, size_t msglen)
{
	char		 log[RUNCB_LOG_MAX + 1], *line, *save = NULL;
	const char	*level, *m;
	json_t		*j;
	ssize_t		 n;

	msg[0] = '\0';
	n = pread(fd, log, RUNCB_LOG_MAX, 0);
	if (n <= 0)
		return;
	log[n] = '\0';
	for (line = strtok_r(log, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		j = json_loads(line, 0, NULL);
		level = json_string_value(json_object_get(j, "level"));
		m = json_string_value(json_object_get(j, "msg"));
		if (j == NULL)
			snprintf(msg, msglen, "%s", line);
		else if (m != NULL && level != NULL &&
		    (strcmp(level, "error") == 0 || strcmp(level, "fatal") == 0))
			snprintf(msg, msglen, "%s", m);
		json_decref(j);
	}
}

/* argv for `runc --root R --log ... ARGS`; false when args are too many. */
static bool
runcb_argv(const char *root, const char *const *args, const char **argv)
{
	const char	*head[] = { "runc", "--root", root, "--log",
	    RUNCB_LOG_PATH, "--log-format", "json" };
	size_t		 i, n = sizeof head / sizeof head[0];

	memcpy(argv, head, sizeof head);
	for (i = 0; args[i] != NULL; i++) {
		if (n + i + 1 >= RUNCB_ARGS_MAX)
			return false;
		argv[n + i] = args[i];
	}
	argv[n + i] = NULL;
	return true;
}

/* Say what went wrong with `runc ARGS` from its status and log. */
static int
runcb_verdict(const char *const *args, int wrc, int status, int logfd,
    long timeout_ms, char *err, size_t errlen)
{
	char	msg[512], what[320];
	size_t	last = 0;

	/* "runc run web_2": the verb and the container, its last word */
	while (args[last + 1] != NULL)
		last++;
	snprintf(what, sizeof what, "runc %s%s%s", args[0],
	    last > 0 ? " " : "", last > 0 ? args[last] : "");
	runcb_log_message(logfd, msg, sizeof msg);
	if (wrc == -ETIMEDOUT) {
		snprintf(err, errlen, "%s: killed after %ld ms%s%s", what,
		    timeout_ms, msg[0] ? ": " : "", msg);
		return -ETIMEDOUT;
	}
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s: killed by signal %d", what,
		    WTERMSIG(status));
		return -ECHILD;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s: exit status %d%s%s", what,
		    WEXITSTATUS(status), msg[0] ? ": " : "", msg);
		return -ECHILD;
	}
	return 0;
}

int
runcb_runc(const char *root, const char *const *args, long timeout_ms,
    char *err, size_t errlen)
{
	const char	*argv[RUNCB_ARGS_MAX];
	int		 logfd, fd, status = 0, rc;
	pid_t		 pid;

	if (!runcb_argv(root, args, argv)) {
		snprintf(err, errlen, "runc %s: too many arguments", args[0]);
		return -E2BIG;
	}
	if ((logfd = memfd_create("das-runc-log", MFD_CLOEXEC)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "runc %s: memfd_create: %s", args[0],
		    strerror(errno));
		return rc;
	}
	/* above stdio, so the child's dup2s onto 0-2 cannot clobber it */
	if (logfd < 3) {
		fd = fcntl(logfd, F_DUPFD_CLOEXEC, 3);
		close(logfd);
		logfd = fd;
	}
	if (logfd < 0 || (pid = fork()) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot start runc: %s", strerror(errno));
		if (logfd >= 0)
			close(logfd);
		return rc;
	}
	if (pid == 0)
		runcb_child((char *const *)argv, logfd);
	rc = runcb_wait(pid, timeout_ms, &status);
	rc = runcb_verdict(args, rc, status, logfd, timeout_ms, err, errlen);
	close(logfd);
	return rc;
}
