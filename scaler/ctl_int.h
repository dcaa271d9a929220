/* ctl_int: what ctl.c shares with the commands in scaler/ctl_*.c. */
#ifndef DAS_CTL_INT_H
#define DAS_CTL_INT_H

#include <stdint.h>

#include "buf.h"
#include "ctl.h"
#include "engine.h"

struct ctl {
	const struct das_settings	*set;
	bool				 json;
	struct pgc			*pg;
	struct influx			*influx;
	struct docker			*docker;
	struct engine			*engine;
	const struct engine_report	*rep;
	int64_t				 now_ns;
};

int	ctl_connect(struct ctl *);
int	ctl_eval(struct ctl *);
bool	ctl_names(const struct engine_status *, const char *service);
/* The rows of one service's group at most (dasctl explain, pause). */
#define CTL_GROUP_MAX	64
size_t	ctl_find_group(struct ctl *, const char *service,
	    const struct engine_status **v, size_t max, int *rc);
/*
 * The row that stands for SERVICE in dasctl scale and status: its
 * policy, or its group's first valid row (a group's rows share the
 * service, backend and bounds: tick_group.c). NULL with *rc set as
 * ctl_find_group.
 */
const struct engine_status *ctl_find_lead(struct ctl *, const char *service,
	    int *rc);

/* What das does with a count dasctl scale set (scaler/decide.h). */
enum ctl_after {
	CTL_AFTER_KEPT,		/* within min_no..max_no: kept, last change */
	CTL_AFTER_UNDONE,	/* outside: back to the bound on the next tick */
	CTL_AFTER_LEFT,		/* paused or dry run: das does not act */
};

/*
 * What das will do after s (the policy as evaluated before the change) is
 * scaled by hand to `to`: the verdict, and its sentence appended to b.
 * dry_run: das's own dry_run setting (the policy's is in s). Pure.
 */
enum ctl_after	ctl_scale_after(const struct engine_status *s, int to,
		    bool dry_run, struct buf *b);

/*
 * dasctl scale's refusal of a count outside min_no..max_no without
 * --force, appended to b. Pure.
 */
void		ctl_scale_refusal(const struct engine_status *s, int to,
		    struct buf *b);

/* list and explain: whether s was shown without metrics or replicas. */
bool		ctl_degraded(const struct engine_status *s);

/*
 * Several rows for one service decide together (scaler/tick_group.c).
 * list's GROUP cell: "1,2 by 1", the group's rows and the one whose
 * decision stood this tick; "1,2" when none did; "-" for a lone row.
 * explain's group line (nothing for a lone row): which row drove the
 * decision. Both append to b. Pure.
 */
void		ctl_group(struct buf *b, const struct engine_status *s);
void		ctl_explain_group(const struct engine_status *s, struct buf *b);
/*
 * explain's metric line for a row on a custom measurement (README,
 * "Custom metrics"): per series the aggregate, summed per service, per
 * replica unless per_replica is false. Appended to b. Pure.
 */
void		ctl_explain_custom(const struct engine_status *s, struct buf *b);
/*
 * explain's sustained line (nothing when neither direction is): which
 * directions, and what sustained means in the row's mode (decide.h).
 * Appended to b. Pure.
 */
void		ctl_explain_sustained(const struct engine_status *s,
		    struct buf *b);

#endif
