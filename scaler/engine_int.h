/*
 * engine_int: the engine's private types. struct engine lives from
 * engine_new to engine_free (configuration, clients and the ports over
 * them (engine_ports.h), what das remembers of each policy, the last good
 * policy set, background calls); struct tick is one tick's scratch (the
 * works, the service list, the query plan, the report), cleared when the
 * next tick starts.
 *
 * The tick (tick.c) runs its phases in order over struct tick:
 *   load, lead   engine.c       the policy table, leadership
 *   parse, observe, query, decide
 *                tick_eval.c    what each policy should do (no action)
 *   group        tick_group.c   rows of one service: one decision
 *   act          tick_act.c     journal and change replica counts
 *   flush        engine_io.c    the journal's InfluxDB copy
 * Backend calls that may be slow run on jobs (engine_job.c).
 */
#ifndef DAS_ENGINE_INT_H
#define DAS_ENGINE_INT_H

#include "backend.h"
#include "bjobs.h"
#include "buf.h"
#include "cfg.h"
#include "decide.h"
#include "engine.h"
#include "engine_ports.h"
#include "iql.h"
#include "journal.h"
#include "policy.h"
#include "pstate.h"
#include "store.h"
#include "strpool.h"
#include "swarm.h"
#include "wcache.h"
#include "wq.h"

struct tgroup;

/* One policy row during a tick. */
struct work {
	const struct policy_row	*row;
	struct policy		 pol;
	const struct backend	*be;
	const char		*command;	/* exec/runc: das.conf's value */
	bool			 valid;
	/*
	 * Why the row is invalid, or (valid) why observing it failed; ""
	 * when neither. In the tick's string pool.
	 */
	const char		*err;
	struct pstate		*st;
	bool			 busy;		/* its backend call still runs */
	bool			 replace;	/* runc: members to replace */
	int			 replicas;	/* observed, -1 unknown */
	int			 manual_from;	/* >= 0: changed outside das */
	int64_t			 manual_ns;	/* when das noticed */
	bool			 decided;
	struct decide_out	 out;
	/*
	 * Several rows for one service (tick_group.c): its group, NULL
	 * when the row is alone; follows: the group's decision is another
	 * row's, this one acts on nothing.
	 */
	struct tgroup		*grp;
	bool			 follows;
	/*
	 * What names its service for grouping: a Swarm row's resolved
	 * service id (a row naming it by name and one by id are one
	 * group), else service_id as written. Borrowed for the tick.
	 */
	const char		*gkey;
	const char		*stmt_err;	/* why metrics are missing */
	double			 load_now;	/* total (tick_predict.c) */
	size_t			 plan_idx;	/* index in the iql plan */
	struct engine_status	*status;	/* resolved Swarm id there */
};

/* Valid rows with the same backend and service, two or more. */
struct tgroup {
	struct work		**w;		/* in table order */
	size_t			  n;
	const char		 *seqs;		/* "3,5", the tick's pool */
	struct work		 *driver;	/* NULL until decided */
	const char		 *sentence;	/* the journal's words */
};

struct tick {
	int64_t			 now_ns;
	struct work		*work;
	size_t			 nwork;
	struct work		**gwork;	/* the groups' members */
	struct tgroup		*groups;
	size_t			 ngroups;
	struct strpool		 strs;		/* this tick's texts */
	struct swarm_list	 services;
	bool			 services_ok;
	char			 services_err[320];
	struct iql_plan		*plan;
	bool			 query_ok;
	char			 query_err[320];
	/* a statement on the das table timed out: skip the rest (cur_no) */
	bool			 table_stalled;
	struct engine_report	 report;
};

struct engine {
	struct engine_cfg	 cfg;
	struct engine_clients	 clients;	/* das, dasctl; NULL in tests */
	struct engine_ports	 ports;		/* all the engine asks outside */
	struct wq		*events;	/* das_event points */
	struct buf		 lines;
	struct bjobs		*jobs;		/* background backend calls */
	struct cfg_map		 exec_cmds;	/* das.conf exec.NAME */
	struct cfg_map		 bundles;	/* das.conf bundle.NAME */
	struct store_policies	 pols;		/* last good SELECT */
	struct pstates		 states;
	bool			 leader;
	unsigned long		 lock_gen;
	bool			 standby_said;
	bool			 crate_warned;
	struct tick		 t;		/* the current (last) tick */
	struct wcache		*cache;		/* NULL: no window cache */
};

/* Who a journal row is about (a work, or a finished job). */
struct engine_who {
	int64_t		 seq;
	const char	*service;	/* the row's service_id column */
	const char	*service_id;	/* resolved Swarm id, or "" */
};

/* engine.c */
void	tick_clear(struct tick *);
int	engine_load(struct engine *);
bool	engine_lead(struct engine *);

/* tick_eval.c */
void	tick_parse(struct engine *);
void	tick_invalid(struct engine *, struct work *, const char *err);
void	tick_observe(struct engine *);
void	tick_query(struct engine *);
/* GET /services once per tick, when a valid row is a Swarm one. */
void	tick_list_services(struct engine *);
void	tick_decide(struct engine *);

/* tick_group.c */
void	tick_group(struct engine *);
void	tick_group_wait(struct engine *);
void	tick_group_decide(struct engine *);
bool	tick_group_has(const struct work *, int64_t seq);
const char *tick_group_detail(struct engine *, const struct work *,
	    const char *own);
void	tick_group_changed(struct work *, int64_t done_ns, int to);

/* tick_act.c */
void	tick_act(struct engine *);

/* tick_predict.c: a predicting policy's peaks, words and follow-up */
const double *tick_predict_peaks(struct engine *, struct work *,
	    double peaks[PREDICT_PERIODS]);
double	tick_predict_load(const struct decide_in *);
const char *tick_predict_detail(struct engine *, const struct work *);
void	tick_predict_started(struct engine *, struct work *, int64_t done_ns);
/* A background call's pre-scale (engine_job.c) too. */
void	tick_predict_follow_from(struct pstate *, int64_t due_ns,
	    double forecast, double load);
void	tick_predict_follow(struct engine *, struct work *);
const char *tick_predict_words(struct engine *, const struct work *);

/* engine_io.c: the journal (SQL, InfluxDB point, log line), cur_no, env */
void	engine_who_of(const struct work *, struct engine_who *);
void	engine_record(struct engine *, const struct engine_who *,
	    int64_t ts_ns, const char *action, int before, int after,
	    double value, double threshold, const char *reason,
	    const char *detail);
void	engine_record_error(struct engine *, struct pstate *,
	    const struct engine_who *, int replicas, const char *err);
void	engine_flush_events(struct engine *);
void	engine_set_cur_no(struct engine *, int64_t seq, int n);
void	engine_backend_env(struct engine *, struct backend_env *);

/* engine_job.c: background backend calls, journaled when they end
 * (called by tick.c, tick_act.c and engine.c; calls engine_io.c only) */
int	engine_job_scale(struct engine *, struct work *);
int	engine_job_replace(struct engine *, struct work *);
void	engine_jobs_collect(struct engine *);

#endif
