/*
 * cfg: configuration as one table of rows (pgbouncer's bouncer_params).
 *
 * A program describes each key once — name, type, where it lives in its
 * settings struct, default, help — and gets file parsing, command-line
 * overrides and defaults from the same table. File format: `key = value`
 * lines, `#` or `;` comments, optional double quotes around the value.
 */
#ifndef DAS_CFG_H
#define DAS_CFG_H

#include <stdbool.h>
#include <stddef.h>

enum cfg_type {
	CFG_STRING,	/* char *, owned by the settings struct */
	CFG_INT,	/* long long */
	CFG_DOUBLE,	/* double */
	CFG_BOOL,	/* bool */
	/*
	 * struct cfg_map: every key "<name>NAME" (name ends in '.', e.g.
	 * "exec."), NAME of 1 to CFG_MAP_NAME_MAX of A-Z a-z 0-9 _ - .
	 * A later line for the same NAME replaces the earlier one.
	 */
	CFG_MAP,
};

#define CFG_MAP_NAME_MAX	64

struct cfg_map_entry {
	char	*name;		/* NAME, without the prefix */
	char	*value;
};

struct cfg_map {
	struct cfg_map_entry	*v;
	size_t			 n;
};

/* The value of NAME in map, or NULL. */
const char	*cfg_map_get(const struct cfg_map *, const char *name);
/* Deep copy into dst (which holds nothing yet); cfg_map_free frees. */
void		 cfg_map_copy(struct cfg_map *dst, const struct cfg_map *src);
void		 cfg_map_free(struct cfg_map *);

struct cfg_param {
	const char	*name;
	enum cfg_type	 type;
	size_t		 offset;	/* offsetof(struct settings, member) */
	const char	*def;		/* default as text; NULL: empty string */
	double		 min, max;	/* numeric range, ignored when min == max */
	const char	*help;
};

/* Set every key of obj to its default. Strings are freshly allocated. */
void	cfg_defaults(const struct cfg_param *, void *obj);
/* Free the strings of obj (not obj itself). */
void	cfg_free(const struct cfg_param *, void *obj);

/* Set one key from text. 0, -ENOENT (unknown key) or -EINVAL; err says why. */
int	cfg_set(const struct cfg_param *, void *obj, const char *name,
	    const char *value, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* Read a file into obj. 0 or -errno; err names the file and the line. */
int	cfg_load(const struct cfg_param *, void *obj, const char *path,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/* Strict parsers, exported for tests and reuse. 0 or -EINVAL. */
int	cfg_parse_bool(const char *, bool *);
int	cfg_parse_ll(const char *, long long *);
int	cfg_parse_double(const char *, double *);

#endif
