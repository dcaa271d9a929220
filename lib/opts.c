/* opts: defaults, config file and command-line overrides, in that order. */
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
