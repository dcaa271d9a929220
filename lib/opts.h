/*
 * opts: the settings a daemon starts with — defaults, then the config
 * file, then KEY=VALUE overrides from the command line (which win). Kept
 * so SIGHUP can build the same settings again from a re-read file.
 */
#ifndef DAS_OPTS_H
#define DAS_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cfg.h"

struct opts {
	char	 *config_path;		/* NULL: defaults and overrides only */
	char	**overrides;		/* "key=value" */
	size_t	  n;
	char	**joined;		/* repeated options' values, owned */
	size_t	  njoined;
};

void	opts_init(struct opts *);
void	opts_free(struct opts *);

/*
 * Build obj from the table: defaults, file, overrides. 0 or -errno with
 * err naming the file and line or the key; on error obj holds nothing.
 */
int	opts_load(const struct opts *, const struct cfg_param *, void *obj,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * A program's own long options: each either sets a setting (key, with
 * the option's argument, or with value when the option takes none) or,
 * when key is NULL, sets flag in the caller's flags.
 */
struct opts_cli {
	const char	*name;
	bool		 has_arg;
	const char	*key;
	const char	*value;
	unsigned	 flag;
};

struct opts_prog {
	const char		*name;		/* "ds", for messages */
	const char		*version;
	const char		*default_config;
	const struct opts_cli	*cli;		/* NULL-name terminated */
	void			(*usage)(FILE *);
	bool			 command;	/* stop at the first non-option */
};

/*
 * Parse argv: the program's options plus the common ones (-c/--config
 * FILE, -o KEY=VALUE, -v/--verbose, -h/--help, --version). Returns -1 to
 * go on (optind at the first operand; with command false, operands are an
 * error), or the exit status for help, version and usage errors.
 */
int	opts_parse(struct opts *, const struct opts_prog *, int argc,
	    char **argv, unsigned *flags);

/*
 * The options of a program's commands (dasctl add --min N): long options
 * only, each with the commands that take it.
 */
struct opts_cmdopt {
	const char	*name;
	bool		 has_arg;
	const char	*commands;	/* space-separated: "add", "list explain" */
	bool		 repeat;	/* given again, the values are joined
					 * with ',' (--set a=1 --set b=2) */
};

/* What opts_parse_command found besides the settings. */
struct opts_cmdline {
	const struct opts_cmdopt *opt;	/* NULL-name terminated */
	const char	**val;		/* one per opt: its argument, "" for
					 * one without, NULL when not given
					 * (the last one given wins, or all
					 * joined for a repeat option) */
	bool		 help;		/* -h/--help: the caller prints usage */
	int		 first;		/* the command and its operands are
					 * argv[first..argc), in order */
};

/*
 * opts_parse for a program with commands (dasctl): the common, program
 * and command options may come before or after the command and between
 * its operands, in any order, as with docker, kubectl and git; "--" ends
 * the options. -h/--help does not stop the parse, so that the caller can
 * print the command's own usage. Returns -1 to go on, or the exit status
 * (--version, an unknown option, a missing argument). argv is reordered.
 */
int	opts_parse_command(struct opts *, const struct opts_prog *,
	    struct opts_cmdline *, int argc, char **argv, unsigned *flags);

/*
 * Every command option given must be one of command's: 0, or 2 with a
 * message naming the option and the commands that take it.
 */
int	opts_cmdline_check(const struct opts_cmdline *, const char *prog,
	    const char *command);

/* Print the table as "  key  help (default "x")" lines. */
void	opts_print_table(const struct cfg_param *, void *file);

#endif
