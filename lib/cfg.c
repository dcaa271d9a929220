/* cfg: table-driven configuration files and overrides. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "xmalloc.h"

#define CFG_FIELD(obj, p, type)	((type *)((char *)(obj) + (p)->offset))

int
cfg_parse_bool(const char *s, bool *out)
{
	static const char	*yes[] = { "1", "true", "yes", "on", "t", "y" };
	static const char	*no[] = { "0", "false", "no", "off", "f", "n" };
	size_t			 i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int
cfg_parse_ll(const char *s, long long *out)
{
	char	*end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

int
cfg_parse_double(const char *s, double *out)
{
	char	*end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*out))
		return -EINVAL;
	return 0;
}

/* The row for name: its own, or the CFG_MAP whose prefix it starts with. */
static const struct cfg_param *
cfg_find(const struct cfg_param *t, const char *name)
{
	for (; t->name != NULL; t++) {
		if (t->type != CFG_MAP && strcmp(t->name, name) == 0)
			return t;
		if (t->type == CFG_MAP &&
		    strncmp(t->name, name, strlen(t->name)) == 0)
			return t;
	}
	return NULL;
}

const char *
cfg_map_get(const struct cfg_map *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].name, name) == 0)
			return m->v[i].value;
	}
	return NULL;
}

void
cfg_map_copy(struct cfg_map *dst, const struct cfg_map *src)
{
	size_t	i;

	dst->n = src->n;
	dst->v = xcalloc(src->n + 1, sizeof *dst->v);
	for (i = 0; i < src->n; i++) {
		dst->v[i].name = xstrdup(src->v[i].name);
		dst->v[i].value = xstrdup(src->v[i].value);
	}
}

void
cfg_map_free(struct cfg_map *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].value);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* NAME of a map key: what a log line, a path or an argv can carry. */
static bool
cfg_map_name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n <= CFG_MAP_NAME_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-.") == n;
}

/* Set key (prefix + NAME) of map p to value. */
static int
cfg_map_set(const struct cfg_param *p, void *obj, const char *key,
    const char *value, char *err, size_t errlen)
{
	struct cfg_map	*m = CFG_FIELD(obj, p, struct cfg_map);
	const char	*name = key + strlen(p->name);
	size_t		 i;

	if (!cfg_map_name_ok(name)) {
		snprintf(err, errlen, "%.100s: the name after \"%s\" must be 1 "
		    "to %d of A-Z a-z 0-9 _ - .", key, p->name,
		    CFG_MAP_NAME_MAX);
		return -EINVAL;
	}
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].name, name) == 0) {
			free(m->v[i].value);
			m->v[i].value = xstrdup(value);
			return 0;
		}
	}
	m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
	m->v[m->n].name = xstrdup(name);
	m->v[m->n].value = xstrdup(value);
	m->n++;
	return 0;
}

static bool
cfg_in_range(const struct cfg_param *p, double v)
{
	return p->min == p->max || (v >= p->min && v <= p->max);
}

/* Parse value for p into obj; on error fill err and leave obj alone. */
static int
cfg_assign(const struct cfg_param *p, void *obj, const char *value,
    char *err, size_t errlen)
{
	long long	ll;
	double		d;
	bool		b;

	switch (p->type) {
	case CFG_STRING:
		free(*CFG_FIELD(obj, p, char *));
		*CFG_FIELD(obj, p, char *) = xstrdup(value);
		return 0;
	case CFG_INT:
		if (cfg_parse_ll(value, &ll) != 0 || !cfg_in_range(p, ll))
			break;
		*CFG_FIELD(obj, p, long long) = ll;
		return 0;
	case CFG_DOUBLE:
		if (cfg_parse_double(value, &d) != 0 || !cfg_in_range(p, d))
			break;
		*CFG_FIELD(obj, p, double) = d;
		return 0;
	case CFG_BOOL:
		if (cfg_parse_bool(value, &b) != 0)
			break;
		*CFG_FIELD(obj, p, bool) = b;
		return 0;
	case CFG_MAP:
		return 0;	/* cfg_set fills maps, one key at a time */
	}
	if (p->type == CFG_BOOL)
		snprintf(err, errlen, "%s: \"%.100s\" is not a boolean "
		    "(true/false)", p->name, value);
	else if (p->min != p->max)
		snprintf(err, errlen, "%s: \"%.100s\" is not a number from "
		    "%g to %g", p->name, value, p->min, p->max);
	else
		snprintf(err, errlen, "%s: \"%.100s\" is not a number",
		    p->name, value);
	return -EINVAL;
}

void
cfg_defaults(const struct cfg_param *t, void *obj)
{
	char	err[256];

	for (; t->name != NULL; t++) {
		if (t->type == CFG_STRING)
			*CFG_FIELD(obj, t, char *) = NULL;
		if (t->type == CFG_MAP)
			memset(CFG_FIELD(obj, t, struct cfg_map), 0,
			    sizeof(struct cfg_map));
		if (cfg_assign(t, obj, t->def != NULL ? t->def : "", err,
		    sizeof err) != 0)
			abort();	/* a bad default is a programming error */
	}
}

void
cfg_free(const struct cfg_param *t, void *obj)
{
	for (; t->name != NULL; t++) {
		if (t->type == CFG_STRING) {
			free(*CFG_FIELD(obj, t, char *));
			*CFG_FIELD(obj, t, char *) = NULL;
		}
		if (t->type == CFG_MAP)
			cfg_map_free(CFG_FIELD(obj, t, struct cfg_map));
	}
}

int
cfg_set(const struct cfg_param *t, void *obj, const char *name,
    const char *value, char *err, size_t errlen)
{
	const struct cfg_param	*p;

	p = cfg_find(t, name);
	if (p == NULL) {
		snprintf(err, errlen, "unknown setting \"%.100s\"", name);
		return -ENOENT;
	}
	if (p->type == CFG_MAP)
		return cfg_map_set(p, obj, name, value, err, errlen);
	return cfg_assign(p, obj, value, err, errlen);
}

/* Trim s in place; returns the first non-blank character. */
static char *
cfg_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Split one line into key and value; NULL key for blank/comment lines. */
static int
cfg_split(char *line, char **key, char **value)
{
	char	*eq, *v;
	size_t	 n;

	*key = NULL;
	line = cfg_trim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return 0;
	eq = strchr(line, '=');
	if (eq == NULL)
		return -EINVAL;
	*eq = '\0';
	*key = cfg_trim(line);
	v = cfg_trim(eq + 1);
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		v++;
	}
	*value = v;
	return **key == '\0' ? -EINVAL : 0;
}

int
cfg_load(const struct cfg_param *t, void *obj, const char *path, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 line[4096], msg[300], *key, *value;
	int	 lineno = 0, rc = 0;

	f = fopen(path, "re");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if (cfg_split(line, &key, &value) != 0) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"",
			    path, lineno);
			rc = -EINVAL;
		} else if (key != NULL &&
		    (rc = cfg_set(t, obj, key, value, msg, sizeof msg)) != 0)
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
	}
	fclose(f);
	return rc;
}
