/* opts: defaults, config file and command-line overrides, in that order. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "xmalloc.h"

void
opts_init(struct opts *o)
{
	memset(o, 0, sizeof *o);
}

void
opts_free(struct opts *o)
{
	size_t	i;

	for (i = 0; i < o->n; i++)
		free(o->overrides[i]);
	free(o->overrides);
	for (i = 0; i < o->njoined; i++)
		free(o->joined[i]);
	free(o->joined);
	free(o->config_path);
	opts_init(o);
}

static void
opts_set_config(struct opts *o, const char *path)
{
	free(o->config_path);
	o->config_path = xstrdup(path);
}

/* default_path is used when no -c was given and it exists. */
static void
opts_default_config(struct opts *o, const char *default_path)
{
	if (o->config_path == NULL && access(default_path, R_OK) == 0)
		o->config_path = xstrdup(default_path);
}

/* Add an override: value NULL means key is already "key=value". */
static void
opts_add(struct opts *o, const char *key, const char *value)
{
	o->overrides = xreallocarray(o->overrides, o->n + 1,
	    sizeof *o->overrides);
	o->overrides[o->n++] = value == NULL ? xstrdup(key) :
	    xasprintf("%s=%s", key, value);
}

int
opts_load(const struct opts *o, const struct cfg_param *t, void *obj,
    char *err, size_t errlen)
{
	const char	*eq;
	char		 key[128];
	size_t		 i;
	int		 rc = 0;

	cfg_defaults(t, obj);
	if (o->config_path != NULL)
		rc = cfg_load(t, obj, o->config_path, err, errlen);
	for (i = 0; rc == 0 && i < o->n; i++) {
		eq = strchr(o->overrides[i], '=');
		if (eq == NULL)
			eq = o->overrides[i] + strlen(o->overrides[i]);
		snprintf(key, sizeof key, "%.*s", (int)(eq - o->overrides[i]),
		    o->overrides[i]);
		rc = cfg_set(t, obj, key, *eq ? eq + 1 : "", err, errlen);
	}
	if (rc != 0)
		cfg_free(t, obj);
	return rc;
}

void
opts_print_table(const struct cfg_param *t, void *file)
{
	for (; t->name != NULL; t++)
		fprintf(file, "  %-18s %s (default \"%s\")\n", t->name,
		    t->help, t->def != NULL ? t->def : "");
}

/* getopt_long's val for the program's options and the commands'. */
#define OPTS_CLI_VAL	256
#define OPTS_CMD_VAL	1024

/*
 * getopt_long's table: the common options, the program's, then the
 * commands' (cmd may be NULL).
 */
static struct option *
opts_table(const struct opts_cli *cli, const struct opts_cmdopt *cmd)
{
	static const struct option common[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
	};
	struct option	*t;
	size_t		 i, j, ncli, ncmd = 0;
	size_t		 nc = sizeof common / sizeof common[0];

	for (ncli = 0; cli[ncli].name != NULL; ncli++)
		;
	while (cmd != NULL && cmd[ncmd].name != NULL)
		ncmd++;
	t = xcalloc(nc + ncli + ncmd + 1, sizeof *t);
	memcpy(t, common, sizeof common);
	for (i = 0; i < ncli; i++) {
		t[nc + i].name = cli[i].name;
		t[nc + i].has_arg = cli[i].has_arg ? required_argument :
		    no_argument;
		t[nc + i].val = OPTS_CLI_VAL + (int)i;
	}
	for (j = 0; j < ncmd; j++) {
		t[nc + ncli + j].name = cmd[j].name;
		t[nc + ncli + j].has_arg = cmd[j].has_arg ?
		    required_argument : no_argument;
		t[nc + ncli + j].val = OPTS_CMD_VAL + (int)j;
	}
	return t;
}

/* One option: 0 done, else an exit status. */
static int
opts_one(struct opts *o, const struct opts_prog *p, int c, unsigned *flags)
{
	const struct opts_cli	*x;

	switch (c) {
	case 'c':
		opts_set_config(o, optarg);
		return 0;
	case 'o':
		if (strchr(optarg, '=') == NULL) {
			fprintf(stderr, "%s: -o wants KEY=VALUE, got \"%s\"\n",
			    p->name, optarg);
			return 2;
		}
		opts_add(o, optarg, NULL);
		return 0;
	case 'v':
		opts_add(o, "verbose", "true");
		return 0;
	case 'h':
		p->usage(stdout);
		return -2;
	case 'V':
		printf("%s %s\n", p->name, p->version);
		return -2;
	}
	if (c < OPTS_CLI_VAL) {
		p->usage(stderr);
		return 2;
	}
	x = &p->cli[c - OPTS_CLI_VAL];
	if (x->key == NULL)
		*flags |= x->flag;
	else
		opts_add(o, x->key, x->has_arg ? optarg : x->value);
	return 0;
}

int
opts_parse(struct opts *o, const struct opts_prog *p, int argc, char **argv,
    unsigned *flags)
{
	struct option	*t;
	int		 c, rc = 0;

	t = opts_table(p->cli, NULL);
	optind = 0;	/* glibc: 0 starts a fresh scan */
	while (rc == 0 && (c = getopt_long(argc, argv, p->command ?
	    "+c:o:vh" : "c:o:vh", t, NULL)) != -1)
		rc = opts_one(o, p, c, flags);
	free(t);
	if (rc == -2)
		return 0;
	if (rc != 0)
		return rc;
	if (!p->command && optind != argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", p->name,
		    argv[optind]);
		return 2;
	}
	opts_default_config(o, p->default_config);
	return -1;
}

/* Option i's value: its argument, "" without one, or all joined. */
static void
opts_cmd_value(struct opts *o, struct opts_cmdline *cl, int i)
{
	const struct opts_cmdopt	*opt = &cl->opt[i];
	char				*j;

	if (opt->repeat && opt->has_arg && cl->val[i] != NULL) {
		j = xasprintf("%s,%s", cl->val[i], optarg);
		o->joined = xreallocarray(o->joined, o->njoined + 1,
		    sizeof *o->joined);
		o->joined[o->njoined++] = j;
		cl->val[i] = j;
		return;
	}
	cl->val[i] = opt->has_arg ? optarg : "";
}

/*
 * One option of a command-line with commands: 0 done, else an exit
 * status. Help only notes it: "dasctl add --help" wants add's usage.
 */
static int
opts_cmd_one(struct opts *o, const struct opts_prog *p,
    struct opts_cmdline *cl, int c, unsigned *flags)
{
	if (c == 'h') {
		cl->help = true;
		return 0;
	}
	if (c >= OPTS_CMD_VAL) {
		opts_cmd_value(o, cl, c - OPTS_CMD_VAL);
		return 0;
	}
	if (c == '?' || c == ':') {
		/* getopt_long has named the option already */
		fprintf(stderr, "%s: nothing was done; `%s --help` lists the "
		    "commands and their options\n", p->name, p->name);
		return 2;
	}
	return opts_one(o, p, c, flags);
}

/*
 * Move the operands (marked in is_op) to the end of argv, each part in
 * its order: a stable partition, so argv still holds every word once.
 */
static int
opts_operands_last(int argc, char **argv, const bool *is_op)
{
	char	**v;
	int	  i, k = 0, n = 0;

	v = xcalloc((size_t)argc + 1, sizeof *v);
	for (i = 0; i < argc; i++)
		if (!is_op[i])
			v[k++] = argv[i];
	for (i = 0; i < argc; i++)
		if (is_op[i]) {
			v[k++] = argv[i];
			n++;
		}
	memcpy(argv, v, (size_t)argc * sizeof *argv);
	free(v);
	return argc - n;
}

int
opts_parse_command(struct opts *o, const struct opts_prog *p,
    struct opts_cmdline *cl, int argc, char **argv, unsigned *flags)
{
	struct option	*t;
	bool		*is_op;
	int		 c, i, rc = 0;

	for (i = 0; cl->opt[i].name != NULL; i++)
		cl->val[i] = NULL;
	cl->help = false;
	is_op = xcalloc((size_t)argc + 1, sizeof *is_op);
	t = opts_table(p->cli, cl->opt);
	/*
	 * "-": every operand comes back in turn as option 1, in order. It
	 * also keeps POSIXLY_CORRECT in the environment from stopping the
	 * scan at the command, which would refuse "list --json".
	 */
	optind = 0;	/* glibc: 0 starts a fresh scan */
	while (rc == 0 && (c = getopt_long(argc, argv, "-c:o:vh", t, NULL))
	    != -1) {
		if (c == 1)
			is_op[optind - 1] = true;
		else
			rc = opts_cmd_one(o, p, cl, c, flags);
	}
	free(t);
	/* after "--", the rest are operands as they are */
	for (i = optind; rc == 0 && i < argc; i++)
		is_op[i] = true;
	cl->first = opts_operands_last(argc, argv, is_op);
	free(is_op);
	if (rc == -2)
		return 0;
	if (rc != 0)
		return rc;
	opts_default_config(o, p->default_config);
	return -1;
}

/* Whether word is one of the space-separated words of list. */
static bool
opts_word_in(const char *word, const char *list)
{
	size_t	n = strlen(word);

	while (*list != '\0') {
		if (strncmp(list, word, n) == 0 && (list[n] == ' ' ||
		    list[n] == '\0'))
			return true;
		list += strcspn(list, " ");
		list += strspn(list, " ");
	}
	return false;
}

/* Prints the words of list quoted and joined by "or": "a" or "b". */
static void
opts_print_words(FILE *f, const char *list)
{
	size_t	n;
	bool	first = true;

	while (*list != '\0') {
		n = strcspn(list, " ");
		fprintf(f, "%s\"%.*s\"", first ? "" : " or ", (int)n, list);
		first = false;
		list += n;
		list += strspn(list, " ");
	}
}

int
opts_cmdline_check(const struct opts_cmdline *cl, const char *prog,
    const char *command)
{
	int	i;

	for (i = 0; cl->opt[i].name != NULL; i++) {
		if (cl->val[i] == NULL || (command != NULL &&
		    opts_word_in(command, cl->opt[i].commands)))
			continue;
		fprintf(stderr, "%s: --%s is an option of ", prog,
		    cl->opt[i].name);
		opts_print_words(stderr, cl->opt[i].commands);
		fprintf(stderr, ", not of \"%s\"; nothing was done (`%s %s "
		    "--help` lists its options)\n",
		    command != NULL ? command : "(no command)", prog,
		    command != NULL ? command : "COMMAND");
		return 2;
	}
	return 0;
}
