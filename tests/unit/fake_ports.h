/*
 * fake_ports: an in-memory world for the engine's unit tests
 * (tests/unit/test_engine.c) behind the engine's ports
 * (scaler/engine_ports.h) — the das table, the advisory lock, the journal,
 * cur_no, the Swarm list, InfluxDB and a backend, each counting its calls
 * and each told by the test how to answer.
 *
 * The fake backend's calls get no context (scaler/backend.h), so one
 * world is current at a time (fake_world_init); Criterion runs each test
 * in a process of its own.
 */
#ifndef DAS_FAKE_PORTS_H
#define DAS_FAKE_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "engine.h"
#include "engine_ports.h"
#include "policy.h"

#define FAKE_ROWS	8
#define FAKE_SEQS	16	/* seq 0..15 */
#define FAKE_JOURNAL	256
#define FAKE_METRICS	4

/*
 * InfluxDB's figures for one field (cond_item), the same for every
 * service (fake_influx.c): value is the window's aggregate (NAN: no
 * data), ready_total and ready_n the ready containers' (ready_n 0: none).
 */
struct fake_metric {
	const char	*field;		/* NULL: unused */
	double		 value;
	double		 ready_total;
	int		 ready_n;
};

struct fake_jrow {
	int64_t		 ts_ns;
	int64_t		 seq;
	char		 action[24];
	int		 before, after;
	char		 reason[40];
	char		 detail[320];
};

/* The id of the Swarm service swarm_name (a row may name either). */
#define FAKE_SWARM_ID	"fakeswarmid0123456789abcd"

struct fake_world {
	/* the das table: rows' texts are the test's (string literals) */
	struct policy_row rows[FAKE_ROWS];
	size_t		 nrows;
	bool		 load_fail;		/* every load fails */
	bool		 load_timeout;		/* ... as a statement timeout */
	size_t		 loads;
	/* leadership */
	bool		 lock_taken;		/* another das holds the lock */
	unsigned long	 session;		/* 0: not connected */
	bool		 lockless;		/* CrateDB */
	size_t		 lock_tries;
	/* the journal */
	struct fake_jrow journal[FAKE_JOURNAL];
	size_t		 njournal;
	size_t		 last_changes_calls, newest_calls;
	/* cur_no */
	int		 cur_no[FAKE_SEQS];	/* -1: never written */
	size_t		 cur_no_writes;		/* tried, including failed */
	bool		 cur_no_timeout;	/* writes time out */
	bool		 cur_no_readonly;	/* writes refused (read-only) */
	size_t		 touches;		/* touch_row calls */
	/*
	 * Swarm: the policies of service swarm_name go through the real
	 * Swarm backend (scaler/backend_swarm.c), observed in a service list
	 * of that one service at swarm_replicas (never scaled: there is no
	 * Docker). list_fail: listing the services fails.
	 */
	const char	*swarm_name;	/* its id: FAKE_SWARM_ID */
	int		 swarm_replicas;
	bool		 list_fail;
	size_t		 list_calls;
	/*
	 * InfluxDB: down, unless influx_up; then it answers from metrics
	 * (fake_influx.c) with windows ending at now_ns (0: the clock), and
	 * the backend gives each service its name as its id (the Swarm
	 * backend's way), by which the answer's series are found.
	 */
	size_t		 query_calls;
	unsigned	 chunk_rows;	/* the last query's */
	bool		 influx_up;
	const char	*stmt_error;	/* set: every statement's "error" */
	struct fake_metric metrics[FAKE_METRICS];
	int64_t		 now_ns;
	/*
	 * the backend: replica counts by seq (one_service: every row scales
	 * one service, whose count is replicas[0]), and the calls made; a
	 * call ends at now_ns when it is set
	 */
	struct backend	 be;
	bool		 one_service;
	int		 replicas[FAKE_SEQS];
	int		 stopped[FAKE_SEQS];	/* members to replace (runc) */
	int		 scale_rc;		/* scale's result: 0 or -errno */
	int		 scale_ms;		/* scale takes this long */
	const char	*scale_err;
	size_t		 observe_calls, scale_calls, replace_calls;
	int		 last_to;
};

/*
 * Make w the current world: an empty table, the lock free in session 1,
 * a journal with nothing, every query failing, a backend that does what
 * it is asked (background false: on the tick's thread) and replaces the
 * stopped members it is told of, no Swarm service.
 */
void	fake_world_init(struct fake_world *w);
void	fake_ports(struct fake_world *w, struct engine_ports *out);
/*
 * A valid row for seq, min_no, max_no (its texts are static), of service
 * "web<seq>": the fake backend counts replicas by seq, each its own
 * service (rows of one service form a group: scaler/tick_group.c).
 */
struct policy_row fake_row(int seq, const char *min_no, const char *max_no);
/* Append a row to the table. */
void	fake_add_row(struct fake_world *w, struct policy_row r);
/* A journal row written by someone else (another das). */
void	fake_journal_add(struct fake_world *w, int64_t ts_ns, int64_t seq,
	    const char *action, int before, int after);
/* How many journal rows of seq have action (NULL: any). */
size_t	fake_journal_count(const struct fake_world *w, int64_t seq,
	    const char *action);
/* InfluxDB's answer to query from w's metrics, appended to b. */
struct buf;
void	fake_influx_answer(const struct fake_world *w, const char *query,
	    struct buf *b);
/* The engine's configuration the tests start from. */
void	fake_cfg(struct engine_cfg *c);

#endif
