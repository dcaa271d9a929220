/* execb: run a scaling command template with the desired count. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "execb.h"
#include "xmalloc.h"

#define EXECB_OUTPUT_MAX	4096

/* Append the value of placeholder name (without braces); false if unknown. */
static bool
execb_var(struct buf *b, const char *name, size_t len,
    const struct execb_vars *v)
{
	if (len == 8 && strncmp(name, "replicas", len) == 0)
		buf_printf(b, "%d", v->replicas);
	else if (len == 6 && strncmp(name, "before", len) == 0)
		buf_printf(b, "%d", v->before);
	else if (len == 7 && strncmp(name, "service", len) == 0)
		buf_adds(b, v->service);
	else if (len == 3 && strncmp(name, "seq", len) == 0)
		buf_printf(b, "%lld", (long long)v->seq);
	else
		return false;
	return true;
}

/* Expand one blank-free word into a fresh string, or NULL on error. */
static char *
execb_word(const char *w, size_t len, const struct execb_vars *v, char *err,
    size_t errlen)
{
	struct buf	 b;
	const char	*p = w, *end = w + len, *close;

	buf_init(&b);
	while (p < end) {
		if (*p == '{' && (close = memchr(p, '}', (size_t)(end - p)))) {
			if (!execb_var(&b, p + 1, (size_t)(close - p - 1), v)) {
				snprintf(err, errlen, "target: unknown "
				    "placeholder \"%.*s\" (known: {replicas} "
				    "{before} {service} {seq})",
				    (int)(close - p + 1), p);
				buf_free(&b);
				return NULL;
			}
			p = close + 1;
		} else
			buf_addc(&b, *p++);
	}
	return buf_steal(&b);
}

char **
execb_expand(const char *tmpl, const struct execb_vars *v, char *err,
    size_t errlen)
{
	char		**argv = NULL;
	const char	 *p = tmpl, *start;
	size_t		  n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		argv = xreallocarray(argv, n + 2, sizeof *argv);
		argv[n] = execb_word(start, (size_t)(p - start), v, err,
		    errlen);
		if (argv[n] == NULL) {
			execb_argv_free(argv);
			return NULL;
		}
		argv[++n] = NULL;
	}
	if (n == 0)
		snprintf(err, errlen, "target: the command template is empty");
	return argv;
}

void
execb_argv_free(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static long
execb_ms_left(const struct timespec *deadline)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* In the child: stdin /dev/null, stdout+stderr to the pipe, then exec. */
static void
execb_child(char *const *argv, int wfd)
{
	int	null = open("/dev/null", O_RDONLY);

	if (null >= 0)
		dup2(null, 0);
	dup2(wfd, 1);
	dup2(wfd, 2);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Read the child's output until EOF or the deadline. */
static bool
execb_collect(int rfd, const struct timespec *deadline, struct buf *out)
{
	struct pollfd	pfd = { rfd, POLLIN, 0 };
	char		chunk[1024];
	ssize_t		n;
	long		left;

	for (;;) {
		if ((left = execb_ms_left(deadline)) <= 0)
			return false;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(rfd, chunk, sizeof chunk);
		if (n <= 0)
			return true;
		if (out->len < EXECB_OUTPUT_MAX)
			buf_add(out, chunk, (size_t)n);
	}
}

int
execb_run(char *const *argv, long timeout_ms, struct buf *out, char *err,
    size_t errlen)
{
	struct timespec	deadline;
	int		pfd[2], status, rc = 0;
	pid_t		pid;
	bool		done;

	if (pipe2(pfd, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot start %s: %s", argv[0],
		    strerror(errno));
		return rc;
	}
	if (pid == 0)
		execb_child(argv, pfd[1]);
	close(pfd[1]);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	done = execb_collect(pfd[0], &deadline, out);
	close(pfd[0]);
	if (!done)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf_truncate(out, EXECB_OUTPUT_MAX);
	if (!done) {
		snprintf(err, errlen, "%s: killed after %ld ms", argv[0],
		    timeout_ms);
		rc = -ETIMEDOUT;
	} else if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s: killed by signal %d", argv[0],
		    WTERMSIG(status));
		rc = -ECHILD;
	} else if (WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s: exit status %d", argv[0],
		    WEXITSTATUS(status));
		rc = -ECHILD;
	}
	return rc;
}
