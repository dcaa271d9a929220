/* Unit tests for execb: template expansion and running a command. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "buf.h"
#include "execb.h"

static const struct execb_vars vars = { "web", 7, 2, 3 };

Test(execb, expands_placeholders_inside_words)
{
	char	err[256];
	char	**argv;

	argv = execb_expand("/usr/bin/scale --name={service} {replicas} "
	    "from-{before}  seq{seq}", &vars, err, sizeof err);
	cr_assert_not_null(argv, "%s", err);
	cr_assert_str_eq(argv[0], "/usr/bin/scale");
	cr_assert_str_eq(argv[1], "--name=web");
	cr_assert_str_eq(argv[2], "3");
	cr_assert_str_eq(argv[3], "from-2");
	cr_assert_str_eq(argv[4], "seq7");
	cr_assert_null(argv[5]);
	execb_argv_free(argv);
}

Test(execb, shell_syntax_stays_literal)
{
	char	err[256];
	char	**argv;

	argv = execb_expand("echo $(id);rm -rf / `x`", &vars, err, sizeof err);
	cr_assert_not_null(argv);
	cr_assert_str_eq(argv[1], "$(id);rm");
	execb_argv_free(argv);
}

Test(execb, errors)
{
	char	err[256];

	cr_assert_null(execb_expand("cmd {nope}", &vars, err, sizeof err));
	cr_assert(strstr(err, "{nope}") != NULL, "%s", err);
	cr_assert_null(execb_expand("   ", &vars, err, sizeof err));
	cr_assert(strstr(err, "empty") != NULL, "%s", err);
}

static char **
argv_of(const char *tmpl)
{
	char	err[256];
	char	**argv = execb_expand(tmpl, &vars, err, sizeof err);

	cr_assert_not_null(argv, "%s", err);
	return argv;
}

Test(execb, run_captures_output_and_status)
{
	char		**ok = argv_of("/bin/echo hello {service}");
	char		**bad = argv_of("/bin/ls /nonexistent-das-dir");
	char		**missing = argv_of("/nonexistent/cmd");
	char		  err[256];
	struct buf	  out;

	buf_init(&out);
	cr_assert_eq(execb_run(ok, 5000, &out, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(buf_str(&out), "hello web\n");
	buf_reset(&out);
	cr_assert_eq(execb_run(bad, 5000, &out, err, sizeof err), -ECHILD);
	cr_assert(strstr(err, "exit status 2") != NULL, "%s", err);
	cr_assert(strstr(buf_str(&out), "nonexistent-das-dir") != NULL,
	    "stderr is captured: %s", buf_str(&out));
	buf_reset(&out);
	cr_assert_eq(execb_run(missing, 5000, &out, err, sizeof err), -ENOENT);
	cr_assert(strstr(err, "cannot run /nonexistent/cmd: No such file") !=
	    NULL, "%s", err);
	buf_free(&out);
	execb_argv_free(ok);
	execb_argv_free(bad);
	execb_argv_free(missing);
}

Test(execb, run_is_killed_after_the_timeout)
{
	char		**slow = argv_of("/bin/sleep 30");
	char		  err[256];
	struct buf	  out;

	buf_init(&out);
	cr_assert_eq(execb_run(slow, 200, &out, err, sizeof err), -ETIMEDOUT);
	cr_assert(strstr(err, "killed after 200 ms") != NULL, "%s", err);
	buf_free(&out);
	execb_argv_free(slow);
}
