/*
 * engine: one das tick — policies in, decisions, actions, journal out.
 *
 * A tick reads the policy table (one SELECT), lists the Swarm services
 * (one GET), asks InfluxDB for every window of every policy (one request,
 * or two side by side for many policies: iql.h), decides each policy with
 * the pure decide(), acts through the policy's backend, and records what
 * it did in the journal (SQL) and in InfluxDB (measurement das_event, for
 * Grafana annotations). tick.c is the tick, top to bottom.
 *
 * dasctl uses the same tick with act = false to explain the current state
 * without changing or journaling anything; engine_scale_by_hand is its
 * one change.
 */
#ifndef DAS_ENGINE_H
#define DAS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cfg_map;
struct pgc;
struct influx;
struct docker;
struct wq;

struct engine_cfg {
	const char	*node;		/* journal's node column */
	const char	*measurement;	/* ds's measurement, "docker" */
	const char	*event_measurement; /* "das_event" */
	const char	*database;	/* InfluxDB's, named in messages */
	int64_t		 sample_interval_ns; /* ds interval (coverage rule) */
	bool		 dry_run;	/* decide and journal, never act */
	bool		 act;		/* false: evaluate only (dasctl) */
	bool		 single;	/* skip leader election */
	long long	 lock_key;	/* advisory lock key */
	bool		 one_request;	/* never split the query (iql.h) */
	/*
	 * Keep ds's samples between ticks (wcache.h): the daemon only; a
	 * single run (das --once, dasctl) asks InfluxDB to aggregate.
	 */
	bool		 window_cache;
	int64_t		 cache_resync_ns;
	const char	*runc_root;	/* runc state directory */
	long		 exec_timeout_ms; /* exec backend command limit */
	const struct cfg_map *exec_cmds; /* exec.NAME = template (copied) */
	const struct cfg_map *bundles;	/* bundle.NAME = path (copied) */
	/*
	 * das: exec and runc calls run on jobs (bjobs.h), so that a slow
	 * one delays neither the tick nor another policy. dasctl: false.
	 */
	bool		 background;
};

/* What one policy looks like after a tick: for logs, dasctl and tests. */
struct engine_status {
	int64_t		 seq;
	/*
	 * The text fields that are pointers are never NULL and live in the
	 * engine's string pool until the next tick (fixed arrays cost
	 * 10,000 policies megabytes).
	 */
	const char	*service;	/* as written in the row */
	const char	*service_id;	/* resolved (Swarm) */
	const char	*service_name;	/* resolved name (Swarm) or service */
	const char	*field;		/* cond_item */
	const char	*aggregate;	/* mean, p95, ... */
	const char	*mode;		/* threshold, capacity, target */
	/* a custom measurement ("" ds's) and the tag naming the service */
	const char	*measurement, *service_tag;
	bool		 of_total;	/* per_replica false */
	bool		 sustained_out, sustained_in;
	bool		 dry_run;
	const char	*backend;
	int		 min_no, max_no;
	int		 replicas;	/* -1 unknown */
	double		 value;		/* NAN: no data */
	double		 out_threshold, in_threshold;
	const char	*out_cond, *in_cond;
	/*
	 * ok, cooling_down, no_data, paused, invalid, dry_run, error; busy
	 * (its backend call still runs), acting (one started this tick)
	 */
	const char	*state;
	const char	*action;	/* decide's action */
	const char	*reason;
	int		 after;
	const char	*detail;	/* error text or explanation */
	int64_t		 last_change_ns;
	int64_t		 out_window_ns, in_window_ns;
	int64_t		 cooldown_out_ns, cooldown_in_ns;
	int		 step_out, step_in;
	uint64_t	 out_count, in_count;
	double		 in_value;
	/*
	 * Several rows for one service form a group (tick_group.c): the
	 * seqs of its rows ("3,5"; "" for a row alone) and the seq of the
	 * row whose decision stands (-1: alone, or none decided).
	 */
	const char	*group;
	int64_t		 driver;
	/* predict (tick_predict.c): the forecast in words; "" none */
	const char	*forecast;
};

struct engine_report {
	bool		 leader;	/* this instance acted (or could have) */
	size_t		 policies;	/* rows read */
	size_t		 valid;
	size_t		 actions;	/* replica changes made */
	size_t		 influx_requests;
	size_t		 journal_rows;
	struct engine_status *status;	/* one per row, owned by the engine */
	size_t		 nstatus;
};

struct engine;

/* Clients are borrowed for the engine's life; cfg strings are copied. */
struct engine	*engine_new(const struct engine_cfg *, struct pgc *,
		    struct influx *, struct docker *);
/*
 * The same over ports of the caller's (engine_ports.h): the unit tests'
 * fakes. The ports are copied; their ctx is borrowed.
 */
struct engine_ports;
struct engine	*engine_new_ports(const struct engine_cfg *,
		    const struct engine_ports *);
/* Waits for backend calls still running (each bounded by its timeout). */
void		 engine_free(struct engine *);

/*
 * Backend calls started by earlier ticks: wait up to ms for them to end
 * and journal them (das --once, and before a reload). Returns how many
 * are still running.
 */
size_t		 engine_drain(struct engine *, long ms);
/*
 * das is stopping: kill what the backend calls started, journal them
 * (an error: "das is stopping"), within ms.
 */
void		 engine_stop(struct engine *, long ms);

/*
 * Run one tick at now_ns (read once by the caller). The report (and its
 * status array) stays valid until the next tick or engine_free. Returns 0,
 * or -errno when the policy table could not be read and no earlier good
 * set exists.
 */
int		 engine_tick(struct engine *, int64_t now_ns,
		    const struct engine_report **);

/*
 * Read back every policy's last change from the journal. das does it on
 * becoming leader; dasctl before an evaluate-only tick.
 */
void		 engine_restore(struct engine *);

/*
 * dasctl scale: after a tick, set the replica count of policy seq to `to`
 * through its backend, journal it as `manual` (reason "dasctl") and write
 * cur_no. das sees the journal row and keeps the change (cooldown starts),
 * except to enforce min/max. A change it could not record is not made:
 * a write to the policy's row that changes nothing comes first; when
 * PostgreSQL refuses it (a read-only session) -EACCES, when it times out
 * (the row locked) -ETIMEDOUT, and nothing is scaled. (A journal INSERT
 * that fails after the change is a warning, as in the daemon.) 0 or
 * -errno with err filled.
 */
int		 engine_scale_by_hand(struct engine *, int64_t seq, int to,
		    char *err, size_t errlen);

#endif
