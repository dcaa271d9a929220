/*
 * replay: what would this policy have done on this load? (dasctl replay)
 *
 * The model (README, "Replay"): a service's load L(t), in units of the
 * policy's metric summed over replicas, is spread evenly over its READY
 * replicas. A replica added by a decision at t is ready at t + start
 * delay; a removed one leaves at once (starting ones first, newest
 * first). Every `interval` the collector samples: each ready replica
 * reports L / ready (capped at 100 for ratio fields). das ticks every
 * `tick` and runs das's own code on those samples: policy_parse (the
 * caller), the window aggregation InfluxDB would compute, decide() with
 * its coverage and anti-flapping rules. Demand d = max(1, ceil(L /
 * (capacity × util))); supply s = ready replicas.
 *
 * Time: load[k] is the load over [k·I, (k+1)·I), I = interval; it is
 * sampled at (k+1)·I. das ticks at j·tick (j >= 1), after the samples of
 * that instant. The run covers [0, n·I). Pure: no I/O.
 */
#ifndef DAS_REPLAY_H
#define DAS_REPLAY_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa.h"
#include "policy.h"

struct replay_model {
	int64_t		 interval_ns;	/* collector period (10 s) */
	int64_t		 tick_ns;	/* das's tick (10 s) */
	int64_t		 start_delay_ns; /* added replica -> ready (20 s) */
	double		 demand_util;	/* u, 0.8 */
	double		 capacity;	/* units one replica serves (100);
					 * replay_run's, per row in a group */
	bool		 capped;	/* ratio field: a replica reports <= 100 */
	int		 start;		/* replicas at 0; < 0: what the first
					 * 10 minutes' mean load demands */
	int64_t		 origin_ns;	/* absolute time of t = 0 (> 0) */
};

/* The load, resampled: load[k] over [k·I, (k+1)·I). */
struct replay_load {
	double		*load;		/* owned */
	size_t		 n;
	int64_t		 interval_ns;
	int64_t		 origin_ns;	/* absolute time of load[0]; 0: none */
};

void	 replay_load_free(struct replay_load *);

/*
 * Read a CSV trace: a header "time,load", one row per sample, time in
 * seconds from any origin (decimal) or RFC 3339, regular spacing,
 * increasing. Resampled to interval_ns (the mean of the rows falling in
 * each interval; an interval with none repeats the last). 0, or -EINVAL
 * with a sentence naming the line (name is the file's name, for it).
 */
int	 replay_trace_read(FILE *, const char *name, int64_t interval_ns,
	    struct replay_load *, char *err, size_t errlen);

/* The loads a group's trace holds at most (its rows). */
#define REPLAY_TRACE_LOADS	16
/*
 * What a replay models at most (replay_run refuses more, naming it): a
 * load per interval (finite; the integrals stay finite), the replicas
 * of a row's max_no, das's tick at its finest (its interval setting's
 * least) and the ticks over the span (a year at 1 s).
 */
#define REPLAY_LOAD_MAX		1e15
#define REPLAY_REPLICAS_MAX	100000
#define REPLAY_TICK_MIN_NS	INT64_C(100000000)
#define REPLAY_TICKS_MAX	50000000

/*
 * A group's trace: the header "time" and nl load columns (any names;
 * "time,load" when nl is 1), into l[0..nl), one per row in order.
 */
int	 replay_trace_read_group(FILE *, const char *name,
	    int64_t interval_ns, struct replay_load *l, size_t nl, char *err,
	    size_t errlen);

/* RFC 3339 ("2024-05-01T12:00:00.25Z", "...+02:00") to seconds. 0 or -1. */
int	 replay_parse_time(const char *, double *sec);

/* One das tick of the timeline (dasctl replay --timeline). */
struct replay_row {
	int64_t		 t_ns;		/* from t = 0 */
	double		 load;		/* of the interval sampled at or
					 * last before t */
	int		 demand;
	int		 ready, replicas; /* das's, after this tick's action */
	double		 value;		/* decide's value (NAN: none) */
	const char	*action;	/* decide_action_name() */
	const char	*reason;	/* decide's reason */
	int		 peer_ready, peer_replicas; /* -1: no peer */
	size_t		 driver;	/* a group's row whose decision stood */
};

/* The scores of one run (SPEC RG elasticity metrics, per second). */
struct replay_score {
	double		 theta_u, theta_o; /* 100/T·Σ max(d−s,0)/d, ... */
	double		 tau_u, tau_o;	/* % of time under/over */
	double		 dropped_pct;	/* Σ max(0, L − s·cap) / Σ L */
	double		 replica_hours;	/* replicas decided, starting too */
	unsigned	 actions;	/* count changes */
	unsigned	 reversals;	/* an action opposite to the previous */
	int64_t		 longest_under_ns;
	int		 final_replicas;
};

struct replay_result {
	struct replay_score das, peer;
	bool		 has_peer;
	struct replay_row *rows;	/* owned, one per das tick */
	size_t		 nrows;
	int		 start;		/* replicas at t = 0 */
	int64_t		 span_ns;	/* T */
	size_t		 nmembers;	/* the group's rows (1: a row alone) */
	const char	**names;	/* owned array of the rows' names
					 * (borrowed strings), for a group */
};

/*
 * Replay policy p (parsed and validated by the caller) on load under
 * model m, and the HPA peer with peer when not NULL. 0, or -EINVAL with
 * a sentence in err (an empty load, a model setting out of range).
 */
int	 replay_run(const struct replay_model *, const struct replay_load *,
	    const struct policy *, const struct hpa_params *peer,
	    struct replay_result *, char *err, size_t errlen);
void	 replay_result_free(struct replay_result *);

/*
 * One row of a group (README, "Replay"): its policy, the load of its
 * field (each row's own: all over the same span), what one replica
 * serves of it (demand) and whether a replica reports at most 100 (a
 * ratio field); name labels it in the timeline ("seq 2").
 */
struct replay_member {
	const struct policy	 *policy;
	const struct replay_load *load;
	double			  capacity;
	bool			  capped;
	const char		 *name;
};

/*
 * Replay several rows for one service as das runs them (tick_group.c):
 * each row decides on its own field's samples, decide_group makes the
 * group's decision and its change is every row's; a paused row takes no
 * part while another acts (every row paused: all act, as a row alone
 * does). The rows must share min_no and max_no (das makes them invalid
 * otherwise). Demand is the most demanding row's; the dropped load, the
 * timeline's load and the peer are the first row's. replay_run is a
 * group of one, from m->capacity and m->capped.
 */
int	 replay_run_group(const struct replay_model *,
	    const struct replay_member *, size_t n,
	    const struct hpa_params *peer, struct replay_result *, char *err,
	    size_t errlen);

/* The timeline as CSV with the header of dasctl replay --timeline. */
void	 replay_timeline_write(FILE *, const struct replay_result *);

/*
 * An SVG plot (replay_svg.c): load, demand, das's supply and the peer's
 * over time. 0 or -errno (a write error).
 */
int	 replay_svg_write(FILE *, const struct replay_result *,
	    const char *title);

#endif
