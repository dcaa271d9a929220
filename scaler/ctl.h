/*
 * ctl: dasctl's commands. Each returns a CTL_EXIT_* code; output goes to
 * stdout, errors (one sentence naming the input) to stderr.
 */
#ifndef DAS_CTL_H
#define DAS_CTL_H

#include <stdbool.h>

#include "settings.h"

/* Distinct exit codes, so scripts can tell the failures apart (README,
 * "dasctl", has the table). */
#define CTL_EXIT_OK		0
#define CTL_EXIT_FAIL		1	/* a backend or server refused or
					 * failed: nothing changed */
#define CTL_EXIT_USAGE		2	/* bad command line or invalid value,
					 * or a count outside the policy's
					 * bounds without --force */
#define CTL_EXIT_UNKNOWN	3	/* no policy for that service */
#define CTL_EXIT_DB		4	/* PostgreSQL unreachable */
#define CTL_EXIT_PARTIAL	5	/* answered without InfluxDB's metrics
					 * or a policy's replica count */

struct ctl;

/* Settings are borrowed for the ctl's life. Caller frees. */
struct ctl	*ctl_new(const struct das_settings *, bool json);
void		 ctl_free(struct ctl *);

int	ctl_list(struct ctl *);
int	ctl_explain(struct ctl *, const char *service);
int	ctl_history(struct ctl *, const char *service, const char *since);
/* force: set a count outside min_no..max_no anyway (das undoes it). */
int	ctl_scale(struct ctl *, const char *service, const char *how,
	    bool force);
int	ctl_pause(struct ctl *, const char *service, bool pause);
int	ctl_status(struct ctl *, const char *service);

/* dasctl add: the columns of the new row, as text (NULL: not given). */
struct ctl_add {
	const char	*seq, *min_no, *max_no, *cond_item, *out_cond, *in_cond;
	const char	*out_duration, *in_duration, *step_out, *step_in;
	const char	*cooldown_out, *cooldown_in, *backend, *aggregate;
	const char	*mode, *capacity, *min_available, *target;
	const char	*setpoint, *tolerance, *max_step_out, *stabilize_in;
	const char	*stabilize_out;
	const char	*measurement, *service_tag, *per_replica, *activation;
	const char	*predict, *lead;
	bool		 dry_run, sustained, paused;
};
int	ctl_add(struct ctl *, const char *service, const struct ctl_add *);

#endif
