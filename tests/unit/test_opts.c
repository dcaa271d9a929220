/*
 * Unit tests for opts' command-line parsing: a daemon's (das, ds) and a
 * program with commands (dasctl), whose options may come before or after
 * the command.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

#define T_JSON	0x1
#define T_ONCE	0x2

static const struct opts_cli t_cli[] = {
	{ "pg", true, "pg", NULL, 0 },
	{ "json", false, NULL, NULL, T_JSON },
	{ "once", false, NULL, NULL, T_ONCE },
	{ NULL, false, NULL, NULL, 0 }
};

static void
t_usage(FILE *f)
{
	fprintf(f, "usage: t\n");
}

/* default_config that does not exist: no file is read */
static const struct opts_prog t_cmd_prog = {
	"t", "1", "/nonexistent/t.conf", t_cli, t_usage, true
};
static const struct opts_prog t_daemon_prog = {
	"t", "1", "/nonexistent/t.conf", t_cli, t_usage, false
};

enum { T_SINCE, T_FORCE, T_MIN, T_N };

static const struct opts_cmdopt t_cmdopt[T_N + 1] = {
	[T_SINCE] = { "since", true, "history" },
	[T_FORCE] = { "force", false, "scale" },
	[T_MIN] = { "min", true, "add list" },
	[T_N] = { NULL, false, NULL }
};

/* argv from the words, writable, as main gets it; NULL-terminated. */
static char **
t_argv(int *argc, ...)
{
	va_list		 ap;
	const char	*w;
	char		**v = calloc(32, sizeof *v);

	*argc = 0;
	va_start(ap, argc);
	while ((w = va_arg(ap, const char *)) != NULL)
		v[(*argc)++] = strdup(w);
	va_end(ap);
	return v;
}

static void
t_argv_free(int argc, char **v)
{
	int	i;

	(void)argc;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

struct t_parsed {
	struct opts		 o;
	const char		*val[T_N + 1];
	struct opts_cmdline	 cl;
	unsigned		 flags;
	int			 rc;
};

static void
t_parse(struct t_parsed *p, int argc, char **argv)
{
	memset(p, 0, sizeof *p);
	opts_init(&p->o);
	p->cl.opt = t_cmdopt;
	p->cl.val = p->val;
	p->rc = opts_parse_command(&p->o, &t_cmd_prog, &p->cl, argc, argv,
	    &p->flags);
}

/* The operands, joined by spaces. */
static char *
t_operands(const struct t_parsed *p, int argc, char **argv)
{
	static char	s[256];
	int		i;

	s[0] = '\0';
	for (i = p->cl.first; i < argc; i++) {
		strcat(s, i > p->cl.first ? " " : "");
		strcat(s, argv[i]);
	}
	return s;
}

Test(opts_command, options_before_and_after_the_command_in_any_order)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "history", "--since", "2h",
	    "web", "--json", "--pg", "host=x", "-o", "k=v", NULL);

	t_parse(&p, argc, argv);
	cr_assert_eq(p.rc, -1);
	cr_assert_str_eq(t_operands(&p, argc, argv), "history web");
	cr_assert_str_eq(p.val[T_SINCE], "2h");
	cr_assert_null(p.val[T_FORCE]);
	cr_assert_eq(p.flags, T_JSON);
	cr_assert_eq(p.o.n, 2);
	cr_assert_str_eq(p.o.overrides[0], "pg=host=x");
	cr_assert_str_eq(p.o.overrides[1], "k=v");
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", "history"), 0);
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

Test(opts_command, options_before_the_command)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "--force", "--json", "scale",
	    "web", "9", NULL);

	t_parse(&p, argc, argv);
	cr_assert_eq(p.rc, -1);
	cr_assert_str_eq(t_operands(&p, argc, argv), "scale web 9");
	cr_assert_str_eq(p.val[T_FORCE], "");
	cr_assert_eq(p.flags, T_JSON);
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

Test(opts_command, double_dash_ends_the_options)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "--json", "explain", "--",
	    "--force", "-v", NULL);

	t_parse(&p, argc, argv);
	cr_assert_eq(p.rc, -1);
	cr_assert_str_eq(t_operands(&p, argc, argv), "explain --force -v");
	cr_assert_null(p.val[T_FORCE]);
	cr_assert_eq(p.o.n, 0, "-v after -- is an operand, not verbose");
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

Test(opts_command, the_last_of_a_repeated_option_wins)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "add", "--min=1", "x",
	    "--min", "3", NULL);

	t_parse(&p, argc, argv);
	cr_assert_eq(p.rc, -1);
	cr_assert_str_eq(p.val[T_MIN], "3");
	cr_assert_str_eq(t_operands(&p, argc, argv), "add x");
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

Test(opts_command, help_is_noted_not_acted_on)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "scale", "--help", NULL);

	t_parse(&p, argc, argv);
	cr_assert_eq(p.rc, -1);
	cr_assert(p.cl.help);
	cr_assert_str_eq(t_operands(&p, argc, argv), "scale");
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

Test(opts_command, unknown_option_or_missing_argument_is_usage_error)
{
	struct t_parsed	 p;
	int		 argc;
	char		**a = t_argv(&argc, "t", "list", "--jsn", NULL);
	char		**b;

	t_parse(&p, argc, a);
	cr_assert_eq(p.rc, 2);
	opts_free(&p.o);
	t_argv_free(argc, a);
	b = t_argv(&argc, "t", "history", "--since", NULL);
	t_parse(&p, argc, b);
	cr_assert_eq(p.rc, 2);
	opts_free(&p.o);
	t_argv_free(argc, b);
}

Test(opts_command, an_option_of_another_command_is_refused)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "scale", "web", "9",
	    "--since", "1h", NULL);

	t_parse(&p, argc, argv);
	cr_assert_eq(p.rc, -1, "the parse itself accepts it");
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", "scale"), 2);
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", "history"), 0);
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", "hist"), 2,
	    "a prefix of a command is not the command");
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", NULL), 2);
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

Test(opts_command, an_option_of_several_commands)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "list", "--min", "1", NULL);

	t_parse(&p, argc, argv);
	cr_assert_eq(p.rc, -1);
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", "list"), 0);
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", "add"), 0);
	cr_assert_eq(opts_cmdline_check(&p.cl, "t", "scale"), 2);
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

/* POSIXLY_CORRECT would stop a plain getopt_long at the command. */
Test(opts_command, posixly_correct_does_not_stop_at_the_command)
{
	struct t_parsed	 p;
	int		 argc;
	char		**argv = t_argv(&argc, "t", "list", "--json", NULL);

	setenv("POSIXLY_CORRECT", "1", 1);
	t_parse(&p, argc, argv);
	unsetenv("POSIXLY_CORRECT");
	cr_assert_eq(p.rc, -1);
	cr_assert_eq(p.flags, T_JSON);
	cr_assert_str_eq(t_operands(&p, argc, argv), "list");
	opts_free(&p.o);
	t_argv_free(argc, argv);
}

/* das and ds: no commands, so an operand is an error, options anywhere. */
Test(opts_daemon, operands_refused_options_in_any_order)
{
	struct opts	 o;
	unsigned	 flags = 0;
	int		 argc;
	char		**a = t_argv(&argc, "t", "--once", "--pg", "h", "-v",
	    NULL);
	char		**b;

	opts_init(&o);
	cr_assert_eq(opts_parse(&o, &t_daemon_prog, argc, a, &flags), -1);
	cr_assert_eq(flags, T_ONCE);
	cr_assert_eq(o.n, 2);
	cr_assert_str_eq(o.overrides[0], "pg=h");
	cr_assert_str_eq(o.overrides[1], "verbose=true");
	opts_free(&o);
	t_argv_free(argc, a);
	b = t_argv(&argc, "t", "--once", "stray", NULL);
	opts_init(&o);
	cr_assert_eq(opts_parse(&o, &t_daemon_prog, argc, b, &flags), 2);
	opts_free(&o);
	t_argv_free(argc, b);
}
