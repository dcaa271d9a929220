/*
 * Unit tests for proc (the runner of every program das starts) and bjobs
 * (backend calls on threads). Real children, no timing thresholds: what
 * is checked is what was killed, what stayed open and in what order jobs
 * came back.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bjobs.h"
#include "fixtures.h"
#include "proc.h"

static int
sh(const char *script, long timeout_ms, struct buf *out, int *status,
    char *err, size_t errlen)
{
	const char	*argv[] = { "/bin/sh", "-c", script, NULL };

	return proc_run(argv, timeout_ms, out, status, err, errlen);
}

/* das holds sockets (PostgreSQL, Docker, InfluxDB): none may leak. */
Test(proc, child_has_only_stdio)
{
	int		sv[2], fd, status;
	char		err[256];
	struct buf	out;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fd = open("/dev/null", O_RDONLY);	/* not CLOEXEC: still closed */
	buf_init(&out);
	/*
	 * What ls inherits from the shell, no pipeline: the shell holds a
	 * pipeline's pipes for a moment, and an ls /proc/$$/fd inside one
	 * saw them now and then.
	 */
	cr_assert_eq(sh("ls /proc/self/fd; readlink /proc/self/fd/0", 5000,
	    &out, &status, err, sizeof err), 0, "%s", err);
	cr_assert_eq(WEXITSTATUS(status), 0);
	/* stdio and nothing else; 3 is the directory ls itself reads */
	cr_assert_str_eq(buf_str(&out), "0\n1\n2\n3\n/dev/null\n");
	buf_free(&out);
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

Test(proc, output_to_dev_null_without_a_buffer)
{
	int	status;
	char	err[256];

	cr_assert_eq(sh("readlink /proc/$$/fd/1 | grep -qx /dev/null && "
	    "readlink /proc/$$/fd/2 | grep -qx /dev/null", 5000, NULL,
	    &status, err, sizeof err), 0, "%s", err);
	cr_assert_eq(WEXITSTATUS(status), 0);
}

/* The state letter of /proc/<pid>/stat, or '\0' when pid is gone. */
static char
proc_state(long pid)
{
	char	path[64], state = '?';
	FILE	*f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return '\0';
	cr_assert_eq(fscanf(f, "%*d %*s %c", &state), 1);
	fclose(f);
	return state;
}

/* A timeout kills the command's process group: its children too. */
Test(proc, timeout_kills_the_process_group)
{
	char		err[256], *path = t_tmpfile(""), cmd[512], state;
	int		status, i;
	long		pid = 0;
	FILE		*f;

	snprintf(cmd, sizeof cmd, "sleep 60 & echo $! > %s; wait", path);
	cr_assert_eq(sh(cmd, 300, NULL, &status, err, sizeof err),
	    -ETIMEDOUT);
	cr_assert(strstr(err, "killed after 300 ms") != NULL, "%s", err);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	unlink(path);
	free(path);
	/*
	 * The grandchild is gone (or a zombie of init's, never running). A
	 * killed process can still show R for a moment on its way out: a
	 * sleep 60 that survived would still be there in 2 s.
	 */
	for (i = 0; i < 200 && (state = proc_state(pid)) != '\0' &&
	    state != 'Z' && state != 'X'; i++)
		usleep(10000);
	cr_assert(state == '\0' || state == 'Z' || state == 'X',
	    "sleep %ld still runs (%c)", pid, state);
}

/* A daemon left holding the pipe does not hold das. */
Test(proc, a_background_child_holding_the_pipe_is_not_waited_for)
{
	struct buf	out;
	int		status;
	char		err[256];

	buf_init(&out);
	cr_assert_eq(sh("echo started; sleep 30 &", 60000, &out, &status,
	    err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(buf_str(&out), "started\n");
	buf_free(&out);
}

/* Kill everything once the child says it runs (it made dir/up). */
static void *
t_kill_soon(void *arg)
{
	char	path[512];

	snprintf(path, sizeof path, "%s/up", (const char *)arg);
	while (access(path, F_OK) != 0)
		usleep(1000);
	proc_kill_all();
	return NULL;
}

/* das stopping: what runs is killed, nothing new starts. */
Test(proc, kill_all_cancels_and_refuses)
{
	pthread_t	th;
	int		status;
	char		err[256], cmd[600], *dir = t_tmpdir();

	snprintf(cmd, sizeof cmd, "touch '%s/up'; exec sleep 60", dir);
	cr_assert_eq(pthread_create(&th, NULL, t_kill_soon, dir), 0);
	cr_assert_eq(sh(cmd, 60000, NULL, &status, err, sizeof err),
	    -ECANCELED);
	cr_assert(strstr(err, "das is stopping") != NULL, "%s", err);
	pthread_join(th, NULL);
	cr_assert_eq(sh("true", 5000, NULL, &status, err, sizeof err),
	    -ECANCELED);
	proc_allow();
	cr_assert_eq(sh("true", 5000, NULL, &status, err, sizeof err), 0);
	t_rmtree(dir);
	free(dir);
}

struct t_job {
	const char	*script;
	int		 rc;
};

static void
t_job_run(void *arg)
{
	struct t_job	*j = arg;
	int		 status;
	char		 err[256];

	j->rc = sh(j->script, 60000, NULL, &status, err, sizeof err);
}

static void
t_collected(void *ctx, void *arg)
{
	struct t_job	**last = ctx;

	*last = arg;
}

/* One stuck job does not hold another back; one per key at a time. */
Test(bjobs, a_stuck_job_does_not_hold_the_others)
{
	struct bjobs	*b = bjobs_new();
	struct t_job	 slow = { "sleep 60", 1 }, fast = { "true", 1 };
	struct t_job	*got = NULL;

	cr_assert_eq(bjobs_start(b, 1, t_job_run, &slow), 0);
	cr_assert_eq(bjobs_start(b, 1, t_job_run, &fast), -EBUSY);
	cr_assert_eq(bjobs_start(b, 2, t_job_run, &fast), 0);
	while (got == NULL)
		(void)bjobs_collect(b, t_collected, &got);
	cr_assert_eq(got, &fast, "the fast job comes back first");
	cr_assert_eq(fast.rc, 0);
	cr_assert(bjobs_busy(b, 1));
	cr_assert_not(bjobs_busy(b, 2));
	cr_assert_eq(bjobs_wait(b, 10), 1, "the slow one still runs");
	cr_assert_eq(bjobs_stop(b, 5000), 0, "stopping kills it");
	got = NULL;
	cr_assert_eq(bjobs_collect(b, t_collected, &got), 1);
	cr_assert_eq(got, &slow);
	cr_assert_eq(slow.rc, -ECANCELED);
	bjobs_resume();
	cr_assert_eq(bjobs_count(b), 0);
	bjobs_free(b);
}
