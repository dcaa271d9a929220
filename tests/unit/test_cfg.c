/* Unit tests for cfg: table-driven settings, files and overrides. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "fixtures.h"

struct t_settings {
	char		*url;
	long long	 n;
	double		 interval;
	bool		 flag;
};

static const struct cfg_param t_params[] = {
	{ "url", CFG_STRING, offsetof(struct t_settings, url), "http://x",
	    0, 0, "" },
	{ "n", CFG_INT, offsetof(struct t_settings, n), "5", 1, 100, "" },
	{ "interval", CFG_DOUBLE, offsetof(struct t_settings, interval), "10",
	    0.1, 3600, "" },
	{ "flag", CFG_BOOL, offsetof(struct t_settings, flag), "false", 0, 0,
	    "" },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};

Test(cfg, defaults)
{
	struct t_settings	s;

	cfg_defaults(t_params, &s);
	cr_assert_str_eq(s.url, "http://x");
	cr_assert_eq(s.n, 5);
	cr_assert_float_eq(s.interval, 10.0, 1e-9);
	cr_assert_not(s.flag);
	cfg_free(t_params, &s);
}

Test(cfg, file_and_override)
{
	struct t_settings	 s;
	char			 err[256];
	char			*path;

	path = t_tmpfile("# comment\n\nurl = \"http://influx:8086\"\n"
	    "  n=7\n; other comment\nflag = yes\ninterval = 2.5\n");
	cfg_defaults(t_params, &s);
	cr_assert_eq(cfg_load(t_params, &s, path, err, sizeof err), 0, "%s",
	    err);
	cr_assert_str_eq(s.url, "http://influx:8086");
	cr_assert_eq(s.n, 7);
	cr_assert(s.flag);
	cr_assert_float_eq(s.interval, 2.5, 1e-9);
	cr_assert_eq(cfg_set(t_params, &s, "n", "9", err, sizeof err), 0);
	cr_assert_eq(s.n, 9);
	cfg_free(t_params, &s);
	unlink(path);
	free(path);
}

Test(cfg, errors_name_file_line_and_key)
{
	struct t_settings	 s;
	char			 err[256];
	char			*path;

	cfg_defaults(t_params, &s);
	path = t_tmpfile("url = a\nn = 500\n");
	cr_assert_eq(cfg_load(t_params, &s, path, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, ":2: n: \"500\" is not a number from 1 to 100")
	    != NULL, "%s", err);
	unlink(path);
	free(path);
	path = t_tmpfile("bogus = 1\n");
	cr_assert_eq(cfg_load(t_params, &s, path, err, sizeof err), -ENOENT);
	cr_assert(strstr(err, "unknown setting \"bogus\"") != NULL, "%s", err);
	unlink(path);
	free(path);
	path = t_tmpfile("just words\n");
	cr_assert_eq(cfg_load(t_params, &s, path, err, sizeof err), -EINVAL);
	unlink(path);
	free(path);
	cr_assert_eq(cfg_load(t_params, &s, "/nonexistent/x.conf", err,
	    sizeof err), -ENOENT);
	cr_assert_eq(cfg_set(t_params, &s, "flag", "maybe", err, sizeof err),
	    -EINVAL);
	cr_assert_eq(cfg_set(t_params, &s, "n", "7x", err, sizeof err),
	    -EINVAL);
	cr_assert_eq(cfg_set(t_params, &s, "interval", "nan", err, sizeof err),
	    -EINVAL);
	cfg_free(t_params, &s);
}

Test(cfg, strict_parsers)
{
	long long	ll;
	double		d;
	bool		b;

	cr_assert_eq(cfg_parse_ll("-12", &ll), 0);
	cr_assert_eq(ll, -12);
	cr_assert_neq(cfg_parse_ll("", &ll), 0);
	cr_assert_neq(cfg_parse_ll(" 1", &ll), 0);
	cr_assert_neq(cfg_parse_ll("99999999999999999999", &ll), 0);
	cr_assert_eq(cfg_parse_double("0.5", &d), 0);
	cr_assert_neq(cfg_parse_double("inf", &d), 0);
	cr_assert_eq(cfg_parse_bool("ON", &b), 0);
	cr_assert(b);
	cr_assert_eq(cfg_parse_bool("f", &b), 0);
	cr_assert_not(b);
}

struct t_mapped {
	char		*url;
	struct cfg_map	 exec;
};

static const struct cfg_param t_map_params[] = {
	{ "url", CFG_STRING, offsetof(struct t_mapped, url), "", 0, 0, "" },
	{ "exec.", CFG_MAP, offsetof(struct t_mapped, exec), NULL, 0, 0, "" },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};

/* das.conf's exec.NAME lines: a map, names checked, later lines win. */
Test(cfg, prefix_keys_fill_a_map)
{
	struct t_mapped	 s;
	struct cfg_map	 copy;
	char		 err[256];
	char		*path;

	path = t_tmpfile("url = x\nexec.vmpool = /sbin/scale {replicas}\n"
	    "exec.web-1.a_b = /bin/true\nexec.vmpool = /sbin/other\n");
	cfg_defaults(t_map_params, &s);
	cr_assert_eq(s.exec.n, 0);
	cr_assert_eq(cfg_load(t_map_params, &s, path, err, sizeof err), 0,
	    "%s", err);
	cr_assert_eq(s.exec.n, 2);
	cr_assert_str_eq(cfg_map_get(&s.exec, "vmpool"), "/sbin/other");
	cr_assert_str_eq(cfg_map_get(&s.exec, "web-1.a_b"), "/bin/true");
	cr_assert_null(cfg_map_get(&s.exec, "vm"));
	cfg_map_copy(&copy, &s.exec);
	cr_assert_str_eq(cfg_map_get(&copy, "vmpool"), "/sbin/other");
	cfg_map_free(&copy);
	cr_assert_eq(cfg_set(t_map_params, &s, "exec.", "x", err, sizeof err),
	    -EINVAL);
	cr_assert(strstr(err, "the name after \"exec.\"") != NULL, "%s", err);
	cr_assert_eq(cfg_set(t_map_params, &s, "exec.a/b", "x", err,
	    sizeof err), -EINVAL);
	cr_assert_eq(cfg_set(t_map_params, &s, "exec.a b", "x", err,
	    sizeof err), -EINVAL);
	cr_assert_eq(cfg_set(t_map_params, &s, "execx", "x", err,
	    sizeof err), -ENOENT);
	cfg_free(t_map_params, &s);
	cr_assert_eq(s.exec.n, 0);
	unlink(path);
	free(path);
}
