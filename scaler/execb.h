/*
 * execb: the exec backend — a command template run with the desired
 * replica count, for orchestrators das does not speak natively.
 *
 * The template is das.conf's `exec.NAME = ...` line whose NAME the
 * policy's target column gives: the table names a command, it never
 * writes one. It is split on blanks into argv and run directly by
 * proc.h's runner, never through a shell. Placeholders, replaced inside each word:
 *   {replicas}  the desired count      {before}  the count before
 *   {service}   the policy's service   {seq}     the policy's seq
 * The replica count das last set is kept in cur_no (there is no other
 * source of truth); a non-zero exit status is an error, not a success.
 */
#ifndef DAS_EXECB_H
#define DAS_EXECB_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct execb_vars {
	const char	*service;
	int64_t		 seq;
	int		 before;
	int		 replicas;
};

/*
 * Expand the template into a NULL-terminated argv (caller frees with
 * execb_argv_free). Returns NULL with err filled for an empty template or
 * an unknown placeholder.
 */
char	**execb_expand(const char *tmpl, const struct execb_vars *,
	    char *err, size_t errlen);
void	  execb_argv_free(char **);

/*
 * Run argv as proc_run does (proc.h), stdout and stderr captured into out
 * (at most 4 KiB kept), killing it after timeout_ms. Returns 0 when it
 * exited 0; -ECHILD (non-zero exit or killed by a signal), -ETIMEDOUT,
 * -ECANCELED (das is stopping) or -errno (could not start), with err
 * saying which.
 */
int	execb_run(char *const *argv, long timeout_ms, struct buf *out,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
