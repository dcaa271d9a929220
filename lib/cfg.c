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

static const struct cfg_param *
cfg_find(const struct cfg_param *t, const char *name)
{
	for (; t->name != NULL; t++) {
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
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
	}
}

void
cfg_copy(const struct cfg_param *t, void *dst, const void *src)
{
	const char	*s;

	for (; t->name != NULL; t++) {
		switch (t->type) {
		case CFG_STRING:
			s = *CFG_FIELD(src, t, char *);
			*CFG_FIELD(dst, t, char *) = s ? xstrdup(s) : NULL;
			break;
		case CFG_INT:
			*CFG_FIELD(dst, t, long long) =
			    *CFG_FIELD(src, t, long long);
			break;
		case CFG_DOUBLE:
			*CFG_FIELD(dst, t, double) = *CFG_FIELD(src, t, double);
			break;
		case CFG_BOOL:
			*CFG_FIELD(dst, t, bool) = *CFG_FIELD(src, t, bool);
			break;
		}
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
