/*
 * opts: the settings a daemon starts with — defaults, then the config
 * file, then KEY=VALUE overrides from the command line (which win). Kept
 * so SIGHUP can build the same settings again from a re-read file.
 */
#ifndef DAS_OPTS_H
#define DAS_OPTS_H

#include <stddef.h>

#include "cfg.h"

struct opts {
	char	 *config_path;		/* NULL: defaults and overrides only */
	char	**overrides;		/* "key=value" */
	size_t	  n;
};

void	opts_init(struct opts *);
void	opts_free(struct opts *);
/* Set the file; default_path is used when path is NULL and it exists. */
void	opts_set_config(struct opts *, const char *path);
void	opts_default_config(struct opts *, const char *default_path);
/* Add an override: value NULL means key is already "key=value". */
void	opts_add(struct opts *, const char *key, const char *value);

/*
 * Build obj from the table: defaults, file, overrides. 0 or -errno with
 * err naming the file and line or the key; on error obj holds nothing.
 */
int	opts_load(const struct opts *, const struct cfg_param *, void *obj,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/* Print the table as "  key  help (default "x")" lines. */
void	opts_print_table(const struct cfg_param *, void *file);

#endif
