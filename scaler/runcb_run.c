/* runcb_run: run runc detached from das's descriptors, with a time limit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "proc.h"
#include "runcb.h"
#include "xmalloc.h"

#define RUNCB_ARGS_MAX	16
#define RUNCB_LOG_MAX	8192

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

/*
 * argv for `runc --root R --log LOG ARGS`; false when args are too many.
 * LOG is das's memory file by its /proc path: runc opens it by name, so
 * the child inherits no descriptor but stdin, stdout and stderr.
 */
static bool
runcb_argv(const char *root, const char *log, const char *const *args,
    const char **argv)
{
	const char	*head[] = { "runc", "--root", root, "--log", log,
	    "--log-format", "json" };
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
	char		 log[64];
	int		 logfd, status = 0, rc;

	if ((logfd = memfd_create("das-runc-log", MFD_CLOEXEC)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "runc %s: memfd_create: %s", args[0],
		    strerror(errno));
		return rc;
	}
	snprintf(log, sizeof log, "/proc/%ld/fd/%d", (long)getpid(), logfd);
	if (!runcb_argv(root, log, args, argv)) {
		close(logfd);
		snprintf(err, errlen, "runc %s: too many arguments", args[0]);
		return -E2BIG;
	}
	rc = proc_run(argv, timeout_ms, NULL, &status, err, errlen);
	if (rc == 0 || rc == -ETIMEDOUT)
		rc = runcb_verdict(args, rc, status, logfd, timeout_ms, err,
		    errlen);
	close(logfd);
	return rc;
}
