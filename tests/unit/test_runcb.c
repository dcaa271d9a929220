/*
 * Unit tests for runcb: cluster membership, reading recorded state
 * directories, and how runc is run (argv, descriptors, its log message,
 * the time limit) with a stand-in `runc` script first in PATH. The real
 * runc is exercised by tests/integration/test_runc.sh.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "runcb.h"

#define ROOT	TEST_DATA "/runc/root"

Test(runcb, index)
{
	cr_assert_eq(runcb_index("web_1", "web"), 1);
	cr_assert_eq(runcb_index("web_42", "web"), 42);
	cr_assert_eq(runcb_index("web_1000000", "web"), 1000000);
	cr_assert_eq(runcb_index("web_1_2", "web_1"), 2);
	cr_assert_eq(runcb_index("web_1_2", "web"), -1);
	cr_assert_eq(runcb_index("web_1000001", "web"), -1);
	cr_assert_eq(runcb_index("web_99999999999999999999", "web"), -1);
	cr_assert_eq(runcb_index("web_0", "web"), -1);
	cr_assert_eq(runcb_index("web_01", "web"), -1);
	cr_assert_eq(runcb_index("web_", "web"), -1);
	cr_assert_eq(runcb_index("web_x", "web"), -1);
	cr_assert_eq(runcb_index("web_1x", "web"), -1);
	cr_assert_eq(runcb_index("web1", "web"), -1);
	cr_assert_eq(runcb_index("webs_1", "web"), -1);
	cr_assert_eq(runcb_index("we_1", "web"), -1);
	cr_assert_eq(runcb_index("web_-1", "web"), -1);
	cr_assert_eq(runcb_index("web_+1", "web"), -1);
}

Test(runcb, valid_cluster)
{
	char	name[RUNCB_CLUSTER_MAX + 2];

	cr_assert(runcb_valid_cluster("my_redis_cluster"));
	cr_assert(runcb_valid_cluster("a.b-c"));
	cr_assert_not(runcb_valid_cluster(NULL));
	cr_assert_not(runcb_valid_cluster(""));
	cr_assert_not(runcb_valid_cluster(".."));
	cr_assert_not(runcb_valid_cluster("a+b"));
	cr_assert_not(runcb_valid_cluster("a/b"));
	cr_assert_not(runcb_valid_cluster("a b"));
	cr_assert_not(runcb_valid_cluster("$(id)"));
	memset(name, 'a', sizeof name);
	name[RUNCB_CLUSTER_MAX] = '\0';
	cr_assert(runcb_valid_cluster(name));
	name[RUNCB_CLUSTER_MAX] = 'a';
	name[RUNCB_CLUSTER_MAX + 1] = '\0';
	cr_assert_not(runcb_valid_cluster(name));
}

/* What replace_dead told of each attempt: "id:running:rc " in order. */
static void
t_heard(void *arg, const struct runcb_ctr *dead, int running, int rc,
    const char *err)
{
	buf_printf(arg, "%s:%d:%d ", dead->id, running, rc);
}

/*
 * The recorded containers are long gone here, so all are stopped; the
 * broken (web_7) and half-made (web_8) ones are left out, as are web_01,
 * web_x and other_1, which are not members. Each stopped one is replaced
 * in index order (the stand-in runc succeeds and changes nothing).
 */
Test(runcb, recorded_root)
{
	struct buf		 heard;
	struct runcb_replace_cb	 cb = { t_heard, &heard };
	char			 err[256], *dir;
	int			 running, stopped = 0, replaced;

	cr_assert_eq(runcb_observe(ROOT, "web", &running, &stopped, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(running, 0);
	cr_assert_eq(stopped, 6);
	dir = t_fake_program("runc", "exit 0");
	buf_init(&heard);
	cr_assert_eq(runcb_replace_dead(ROOT, "web", "/srv/bundles/web", 5000,
	    &cb, &replaced, err, sizeof err), 0, "%s", err);
	cr_assert_eq(replaced, 6);
	cr_assert_str_eq(buf_str(&heard), "web_1:0:0 web_2:1:0 web_3:2:0 "
	    "web_4:3:0 web_5:4:0 web_6:5:0 ");
	buf_reset(&heard);
	cr_assert_eq(runcb_replace_dead(ROOT, "other", "/b", 5000, &cb,
	    &replaced, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(buf_str(&heard), "other_1:0:0 ");
	buf_free(&heard);
	t_rmtree(dir);
	free(dir);
}

Test(runcb, observe_edge_cases)
{
	char	err[256];
	int	running;

	cr_assert_eq(runcb_observe("/nonexistent/das-runc", "web", &running,
	    NULL, err, sizeof err), 0);
	cr_assert_eq(running, 0);
	cr_assert_eq(runcb_observe("", "web", &running, NULL, err,
	    sizeof err), -EINVAL);
	cr_assert_eq(runcb_observe(ROOT, "a/b", &running, NULL, err,
	    sizeof err), -EINVAL);
	cr_assert_eq(runcb_observe(ROOT "/README", "web", &running, NULL, err,
	    sizeof err), -ENOTDIR);
	cr_assert(strstr(err, "README") != NULL, "%s", err);
}

/*
 * The stand-in records its argv, its open descriptors and where stdio
 * points; runc's log path is its 4th argument.
 */
Test(runcb, runs_runc_detached_with_its_log)
{
	const char	*args[] = { "run", "-d", "--bundle", "/b", "web_1", NULL };
	char		*dir, out[512], err[256], line[256];
	FILE		*f;
	int		 n;

	dir = t_fake_program("runc", "d=$(dirname \"$0\")\n"
	    "echo \"$*\" > \"$d/argv\"\n"
	    "ls /proc/self/fd | sort -n | tr '\\n' ' ' > \"$d/fds\"\n"
	    "s=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)\n"
	    "echo \"$s\" > \"$d/stdio\"\n"
	    "exit 0");
	cr_assert_eq(runcb_runc("/run/r", args, 5000, err, sizeof err), 0,
	    "%s", err);
	snprintf(out, sizeof out, "%s/argv", dir);
	f = fopen(out, "r");
	cr_assert_not_null(fgets(line, sizeof line, f));
	fclose(f);
	snprintf(out, sizeof out, "--root /run/r --log /proc/%ld/fd/",
	    (long)getpid());
	cr_assert(strncmp(line, out, strlen(out)) == 0, "%s", line);
	cr_assert(strstr(line, " --log-format json run -d --bundle /b "
	    "web_1\n") != NULL, "%s", line);
	snprintf(out, sizeof out, "%s/fds", dir);
	f = fopen(out, "r");
	cr_assert_not_null(fgets(line, sizeof line, f));
	fclose(f);
	/* stdio and the directory ls itself opened: runc opens its log by
	 * name, so das's descriptors (the log's too) all stay with das */
	cr_assert_str_eq(line, "0 1 2 3 ", "descriptors leaked: %s", line);
	snprintf(out, sizeof out, "%s/stdio", dir);
	f = fopen(out, "r");
	for (n = 0; fgets(line, sizeof line, f) != NULL; n++)
		cr_assert_str_eq(line, "/dev/null\n");
	fclose(f);
	cr_assert_eq(n, 3);
	t_rmtree(dir);
	free(dir);
}

Test(runcb, reports_runc_error_message)
{
	const char	*args[] = { "run", "-d", "--bundle", "/b", "web_1", NULL };
	char		*dir, err[256];

	dir = t_fake_program("runc",
	    "echo '{\"level\":\"warning\",\"msg\":\"meh\"}' >> \"$4\"\n"
	    "echo '{\"level\":\"error\",\"msg\":\"runc run failed: container "
	    "with given ID already exists\",\"time\":\"x\"}' >> \"$4\"\n"
	    "echo '{\"level\":\"info\",\"msg\":\"bye\"}' >> \"$4\"\n"
	    "exit 1");
	cr_assert_eq(runcb_runc("/run/r", args, 5000, err, sizeof err),
	    -ECHILD);
	cr_assert_str_eq(err, "runc run web_1: exit status 1: runc run failed: "
	    "container with given ID already exists");
	t_rmtree(dir);
	free(dir);
}

Test(runcb, kills_a_hung_runc)
{
	const char	*args[] = { "delete", "--force", "web_1", NULL };
	char		*dir, err[256];

	dir = t_fake_program("runc", "exec sleep 30");
	cr_assert_eq(runcb_runc("/run/r", args, 200, err, sizeof err),
	    -ETIMEDOUT);
	cr_assert_str_eq(err, "runc delete web_1: killed after 200 ms");
	t_rmtree(dir);
	free(dir);
}

Test(runcb, scale_refuses_bad_input)
{
	struct buf	detail;
	char		err[256];

	buf_init(&detail);
	cr_assert_eq(runcb_scale(ROOT, "web", "relative", 2, 1000, &detail,
	    err, sizeof err), -EINVAL);
	cr_assert_eq(runcb_scale(ROOT, "web", "/b", -1, 1000, &detail, err,
	    sizeof err), -EINVAL);
	cr_assert_eq(runcb_scale(ROOT, "we b", "/b", 1, 1000, &detail, err,
	    sizeof err), -EINVAL);
	buf_free(&detail);
}
