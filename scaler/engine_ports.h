/*
 * engine_ports: everything the engine asks of the world outside it — the
 * policy table, leadership, the journal, cur_no, the Swarm service list,
 * the InfluxDB query and the backend of a policy. engine_new fills them
 * over pgc, influx and docker (engine_ports.c); the unit tests give the
 * engine fakes through engine_new_ports (tests/unit/fake_ports.c).
 *
 * Every operation gets ctx first. Strings are borrowed for the call.
 */
#ifndef DAS_ENGINE_PORTS_H
#define DAS_ENGINE_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct backend;
struct journal_event;
struct journal_row;
struct policy;
struct store_policies;
struct swarm_list;

/* The streaming query's sink: one chunk of part k's answer (influx.h). */
typedef int	(*engine_sink_fn)(void *arg, const char *p, size_t len);

struct engine_ports {
	void	*ctx;
	/*
	 * SELECT the policy rows (store_load). *timed_out on a failure that
	 * was a statement timeout (SQLSTATE 57014: a lock, most often). The
	 * engine frees a loaded set with store_policies_free, so a fake
	 * leaves rows NULL and hands row from the heap.
	 */
	int	(*load)(void *ctx, struct store_policies *, bool *timed_out,
		    char *err, size_t errlen);
	/* Leadership: the session-level advisory lock (pgc_try_lock). */
	int	(*try_lock)(void *ctx, long long key, bool *held, char *err,
		    size_t errlen);
	/*
	 * The session the lock was taken in: 0 while not connected, and a
	 * new value after each new connection (the lock is gone).
	 */
	unsigned long (*session)(void *ctx);
	/* Connected to a server without advisory locks (CrateDB). */
	bool	(*lockless)(void *ctx);
	/* The journal (journal.h). Results freed as journal.h says. */
	int	(*journal_write)(void *ctx, const char *node,
		    const struct journal_event *, char *err, size_t errlen);
	int	(*journal_last_changes)(void *ctx, struct journal_row **,
		    size_t *n, char *err, size_t errlen);
	int	(*journal_newest)(void *ctx, struct journal_row **,
		    size_t *n, char *err, size_t errlen);
	/* UPDATE das SET cur_no; *timed_out as for load. */
	int	(*set_cur_no)(void *ctx, int64_t seq, int n, bool *timed_out,
		    char *err, size_t errlen);
	/*
	 * A write that changes nothing (UPDATE das SET cur_no = cur_no):
	 * whether this session may write the policy's row at all (not in a
	 * read-only session); *timed_out as for load.
	 */
	int	(*touch_row)(void *ctx, int64_t seq, bool *timed_out,
		    char *err, size_t errlen);
	/* The Swarm services (swarm_list); freed with swarm_list_free. */
	int	(*list_services)(void *ctx, struct swarm_list *, char *err,
		    size_t errlen);
	/*
	 * influx_query_streams: n requests side by side, each to its sink;
	 * chunk_rows > 0: answered in chunks (iql_plan_chunk_rows).
	 */
	int	(*query)(void *ctx, const char *const *qs, size_t n,
		    unsigned chunk_rows, engine_sink_fn sink,
		    void *const *args, char *err, size_t errlen);
	/* Where queries go, for error messages (influx_url). */
	const char *(*query_where)(void *ctx);
	/* The backend that changes p's replica count (backend_of). */
	const struct backend *(*backend_of)(void *ctx, const struct policy *);
};

struct pgc;
struct influx;
struct docker;

/* The clients the default ports talk to; borrowed. */
struct engine_clients {
	struct pgc	*pg;
	struct influx	*influx;
	struct docker	*docker;
};

/* The ports das and dasctl use: over c's clients (c outlives them). */
void	engine_ports_default(struct engine_ports *, struct engine_clients *c);

#endif
