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
	free(o->config_path);
	opts_init(o);
}

void
opts_set_config(struct opts *o, const char *path)
{
	free(o->config_path);
	o->config_path = xstrdup(path);
}

void
opts_default_config(struct opts *o, const char *default_path)
{
	if (o->config_path == NULL && access(default_path, R_OK) == 0)
		o->config_path = xstrdup(default_path);
}

void
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

/* getopt_long's table: the program's options after the common ones. */
static struct option *
opts_table(const struct opts_cli *cli, size_t *n)
{
	static const struct option common[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
	};
	struct option	*t;
	size_t		 i, nc = sizeof common / sizeof common[0];

	for (*n = 0; cli[*n].name != NULL; (*n)++)
		;
	t = xcalloc(nc + *n + 1, sizeof *t);
	memcpy(t, common, sizeof common);
	for (i = 0; i < *n; i++) {
		t[nc + i].name = cli[i].name;
		t[nc + i].has_arg = cli[i].has_arg ? required_argument :
		    no_argument;
		t[nc + i].val = 256 + (int)i;
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
	if (c < 256) {
		p->usage(stderr);
		return 2;
	}
	x = &p->cli[c - 256];
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
	size_t		 n;
	int		 c, rc = 0;

	t = opts_table(p->cli, &n);
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
