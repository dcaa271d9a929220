/* ctl_add: dasctl add — the same row a SQL INSERT would write. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctl_int.h"
#include "pgc.h"
#include "policy.h"
#include "swarm.h"
#include "xmalloc.h"

#define CTL_ADD_MAXCOLS	40

struct ctl_cols {
	const char	*name[CTL_ADD_MAXCOLS];
	const char	*value[CTL_ADD_MAXCOLS];
	int		 n;
};

static void
ctl_col(struct ctl_cols *cols, const char *name, const char *value)
{
	if (value == NULL || cols->n == CTL_ADD_MAXCOLS)
		return;
	cols->name[cols->n] = name;
	cols->value[cols->n++] = value;
}

/* The row's columns: the ten of README's INSERT, then each optional one. */
static void
ctl_add_cols(const char *service, const struct ctl_add *a,
    struct ctl_cols *cols)
{
	memset(cols, 0, sizeof *cols);
	ctl_col(cols, "seq", a->seq);
	ctl_col(cols, "min_no", a->min_no);
	ctl_col(cols, "max_no", a->max_no);
	ctl_col(cols, "cur_no", NULL);
	ctl_col(cols, "cond_item", a->cond_item ? a->cond_item : "cpu_ratio");
	ctl_col(cols, "out_cond", a->out_cond);
	ctl_col(cols, "in_cond", a->in_cond);
	ctl_col(cols, "out_duration", a->out_duration ? a->out_duration :
	    "10m");
	ctl_col(cols, "in_duration", a->in_duration ? a->in_duration : "10m");
	ctl_col(cols, "service_id", service);
	ctl_col(cols, "step_out", a->step_out);
	ctl_col(cols, "step_in", a->step_in);
	ctl_col(cols, "cooldown_out", a->cooldown_out);
	ctl_col(cols, "cooldown_in", a->cooldown_in);
	ctl_col(cols, "backend", a->backend);
	ctl_col(cols, "aggregate", a->aggregate);
	ctl_col(cols, "mode", a->mode);
	ctl_col(cols, "capacity", a->capacity);
	ctl_col(cols, "min_available", a->min_available);
	ctl_col(cols, "target", a->target);
	ctl_col(cols, "setpoint", a->setpoint);
	ctl_col(cols, "tolerance", a->tolerance);
	ctl_col(cols, "max_step_out", a->max_step_out);
	ctl_col(cols, "stabilize_in", a->stabilize_in);
	ctl_col(cols, "stabilize_out", a->stabilize_out);
	ctl_col(cols, "measurement", a->measurement);
	ctl_col(cols, "service_tag", a->service_tag);
	ctl_col(cols, "per_replica", a->per_replica);
	ctl_col(cols, "activation", a->activation);
	ctl_col(cols, "predict", a->predict);
	ctl_col(cols, "lead", a->lead);
	ctl_col(cols, "dry_run", a->dry_run ? "true" : NULL);
	ctl_col(cols, "sustained", a->sustained ? "true" : NULL);
	ctl_col(cols, "enabled", a->paused ? "false" : NULL);
}

/* Validate exactly as das will, so a row dasctl writes is never invalid. */
static int
ctl_add_validate(const struct ctl_cols *cols)
{
	struct policy_row	 row;
	struct policy		 p;
	char			 err[512];
	int			 i;

	memset(&row, 0, sizeof row);
	for (i = 0; i < cols->n; i++)
		*policy_row_column(&row, cols->name[i]) = cols->value[i];
	if (policy_parse(&row, &p, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: add: %s\n", err);
		return CTL_EXIT_USAGE;
	}
	policy_clear(&p);
	return CTL_EXIT_OK;
}

/* A Swarm service must exist (as das would resolve it). */
static int
ctl_add_check_service(struct ctl *c, const char *service)
{
	struct swarm_list	 l;
	char			 err[512];
	int			 rc = CTL_EXIT_OK;

	if (swarm_list(c->docker, &l, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: add: %s\n", err);
		return CTL_EXIT_FAIL;
	}
	if (swarm_resolve(&l, service, err, sizeof err) == NULL) {
		fprintf(stderr, "dasctl: add: %s\n", err);
		rc = CTL_EXIT_UNKNOWN;
	}
	swarm_list_free(&l);
	return rc;
}

/* seq not given: one more than the largest. */
static int
ctl_add_next_seq(struct ctl *c, char *seq, size_t len)
{
	struct pgc_rows	*rows = NULL;
	char		 err[512];

	if (pgc_exec(c->pg, "SELECT coalesce(max(seq), 0) + 1 FROM das", 0,
	    NULL, &rows, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: add: %s\n", err);
		return pgc_connected(c->pg) ? CTL_EXIT_FAIL : CTL_EXIT_DB;
	}
	snprintf(seq, len, "%s", pgc_rows_get(rows, 0, 0));
	pgc_rows_free(rows);
	return CTL_EXIT_OK;
}

static int
ctl_add_insert(struct ctl *c, const struct ctl_cols *cols)
{
	struct buf	 sql;
	char		 err[512];
	int		 i, rc;

	buf_init(&sql);
	buf_adds(&sql, "INSERT INTO das (");
	for (i = 0; i < cols->n; i++)
		buf_printf(&sql, "%s%s", i ? ", " : "", cols->name[i]);
	buf_adds(&sql, ") VALUES (");
	/* Let the server cast each text parameter to its column's type. */
	for (i = 0; i < cols->n; i++)
		buf_printf(&sql, "%s$%d", i ? ", " : "", i + 1);
	buf_adds(&sql, ")");
	rc = pgc_exec(c->pg, buf_str(&sql), cols->n, cols->value, NULL, err,
	    sizeof err);
	buf_free(&sql);
	if (rc != 0) {
		fprintf(stderr, "dasctl: add: %s\n", err);
		return pgc_connected(c->pg) ? CTL_EXIT_FAIL : CTL_EXIT_DB;
	}
	return CTL_EXIT_OK;
}

int
ctl_add(struct ctl *c, const char *service, const struct ctl_add *a)
{
	struct ctl_add	 copy = *a;
	struct ctl_cols	 cols;
	char		 seq[32];
	int		 rc;

	if ((rc = ctl_connect(c)) != CTL_EXIT_OK)
		return rc;
	if (copy.seq == NULL) {
		if ((rc = ctl_add_next_seq(c, seq, sizeof seq)) != 0)
			return rc;
		copy.seq = seq;
	}
	ctl_add_cols(service, &copy, &cols);
	if ((rc = ctl_add_validate(&cols)) != CTL_EXIT_OK)
		return rc;
	if ((copy.backend == NULL || strcmp(copy.backend, "swarm") == 0) &&
	    (rc = ctl_add_check_service(c, service)) != CTL_EXIT_OK)
		return rc;
	if ((rc = ctl_add_insert(c, &cols)) != CTL_EXIT_OK)
		return rc;
	printf("added seq %s: service %s, %s..%s replicas; das picks it up "
	    "on its next tick\n", copy.seq, service, copy.min_no,
	    copy.max_no);
	return CTL_EXIT_OK;
}
