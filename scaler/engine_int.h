/*
 * engine_int: the engine's private state, shared by engine.c (the tick and
 * leadership), engine_eval.c (parse, observe, query, decide) and
 * engine_act.c (backends, journal, events). Not a public API.
 */
#ifndef DAS_ENGINE_INT_H
#define DAS_ENGINE_INT_H

#include <jansson.h>

#include "bjobs.h"
#include "buf.h"
#include "cfg.h"
#include "decide.h"
#include "engine.h"
#include "iql.h"
#include "journal.h"
#include "policy.h"
#include "store.h"
#include "strpool.h"
#include "swarm.h"
#include "wq.h"

/* What das remembers of a policy from one tick to the next. */
struct pstate {
	int64_t		 seq;
	uint64_t	 invalid_hash;	/* row hash last journaled invalid */
	uint64_t	 invalid_err;	/* its reason's engine_text_hash */
	int64_t		 last_change_ns; /* last replica change, 0 never */
	int		 known;		/* replicas das last set or saw, -1 */
	uint64_t	 last_key;	/* last journaled hold/error key's
					 * engine_text_hash, 0 none */
};

/* One policy row during a tick. */
struct work {
	const struct policy_row	*row;
	struct policy		 pol;
	bool			 valid;
	/*
	 * Why the row is invalid, or (valid) why observing it failed; ""
	 * when neither. In the engine's string pool.
	 */
	const char		*err;
	struct pstate		*st;
	/* exec: das.conf's command template; runc: its bundle path */
	const char		*backend_target;
	bool			 busy;		/* a backend call is in flight */
	int			 replicas;	/* observed, -1 unknown */
	size_t			 plan_idx;	/* index in the iql plan */
	struct engine_status	*status;	/* resolved Swarm id there */
};

struct engine {
	struct engine_cfg	 cfg;
	struct pgc		*pg;
	struct influx		*influx;
	struct docker		*docker;
	struct wq		*events;	/* das_event points */
	struct bjobs		*jobs;		/* background backend calls */
	struct cfg_map		 exec_cmds;	/* das.conf exec.NAME */
	struct cfg_map		 bundles;	/* das.conf bundle.NAME */
	struct buf		 lines;
	struct strpool		 strs;		/* this tick's texts */
	struct store_policies	 pols;		/* last good SELECT */
	struct pstate		**states;	/* sorted by seq */
	size_t			 nstates, capstates;
	bool			 leader;
	unsigned long		 lock_gen;
	bool			 standby_said;
	bool			 crate_warned;
	bool			 restore_failed;
	int64_t			 now_ns;
	/* this tick */
	struct work		*work;
	size_t			 nwork;
	struct swarm_list	 services;
	bool			 services_ok;
	char			 services_err[320];
	struct iql_plan		*plan;
	bool			 query_ok;
	/* a statement on the das table timed out: skip the rest (cur_no) */
	bool			 table_stalled;
	char			 query_err[320];
	struct engine_report	 report;
};

struct pstate	*engine_state(struct engine *, int64_t seq);
/*
 * FNV-1a of s: what das remembers of a journaled text (a hold key, an
 * invalid row's reason) to journal it once per change, in 8 bytes instead
 * of the text. 0 only for "" (nothing remembered).
 */
uint64_t	 engine_text_hash(const char *s);

/* engine_eval.c */
void	engine_parse(struct engine *);
void	engine_observe(struct engine *);
void	engine_query(struct engine *);
void	engine_decide_all(struct engine *);

/* Who a journal row is about (a work, or a finished job). */
struct engine_who {
	int64_t		 seq;
	const char	*service;	/* the row's service_id column */
	const char	*service_id;	/* resolved Swarm id, or "" */
};

/*
 * What a backend call needs, copied out of the tick so that it can run
 * on a job's thread (bjobs.h) as well as on the tick's.
 */
#define ENGINE_REPLACED_MAX	16
struct engine_call {
	enum policy_backend	 backend;	/* exec or runc */
	bool			 replace;	/* runc: replace stopped ones */
	char			*service;	/* exec {service}, runc cluster */
	char			*target;	/* exec template, bundle path */
	char			*target_name;	/* the row's target: its name */
	char			*root;		/* runc root */
	int64_t			 seq;
	int			 before, to;
	long			 timeout_ms;
	/* results */
	int			 rc;
	char			 err[512];
	struct buf		 detail;
	int64_t			 done_ns;	/* journal time (us precision) */
	int			 replaced_n;	/* runc replace: attempts */
	struct engine_replaced {
		char		 id[256];	/* RUNCSTATE_ID_MAX + 1 */
		int		 running, rc;
		char		 err[200];
	}			 replaced[ENGINE_REPLACED_MAX];
};

/* engine_call.c */
void	engine_call_init(struct engine *, const struct work *,
	    struct engine_call *, int to);
void	engine_call_run(struct engine_call *);
void	engine_call_clear(struct engine_call *);
int64_t	engine_clock_ns(void);

/* engine_job.c: backend calls on jobs, journaled when they end */
int	engine_job_scale(struct engine *, struct work *,
	    const struct decide_out *);
int	engine_job_replace(struct engine *, struct work *);
void	engine_jobs_collect(struct engine *);

/* engine_act.c */
void	engine_record(struct engine *, const struct engine_who *,
	    int64_t ts_ns, const char *action, int before, int after,
	    double value, double threshold, const char *reason,
	    const char *detail);
void	engine_error_who(struct engine *, struct pstate *,
	    const struct engine_who *, int replicas, const char *err);
void	engine_set_cur_no(struct engine *, int64_t seq, int n);
int	engine_backend_scale(struct engine *, struct work *, int to,
	    struct buf *detail, char *err, size_t errlen);
int	engine_backend_observe(struct engine *, struct work *);
/* Journal now; returns the row's time. */
int64_t	engine_journal(struct engine *, struct work *, const char *action,
	    int before, int after, double value, double threshold,
	    const char *reason, const char *detail);
void	engine_flush_events(struct engine *);
void	engine_error(struct engine *, struct work *, const char *err);
void	engine_apply(struct engine *, struct work *,
	    const struct decide_out *, const char *stmt_err);

#endif
