/*
 * iql: InfluxQL for one scaler tick -- quoting, the multi-statement query
 * and the mapping of its answer back to policies. Pure: no I/O.
 *
 * One tick asks InfluxDB one query whatever the number of policies: one
 * statement per distinct (field, aggregate, window) giving, per service,
 * the aggregate and the sample count,
 *
 *   SELECT mean("cpu_ratio") AS "value", count("cpu_ratio") AS "n"
 *     FROM "docker" WHERE time > now() - 10m
 *     GROUP BY "service","service_name","backend"
 *
 * plus min("cpu_ratio") AS "lo", max("cpu_ratio") AS "hi" when a sustained
 * policy uses the statement (the window's extremes),
 * and per distinct (field, window) one first() and one last() statement,
 * whose time column is the oldest / newest sample's own time (what the
 * coverage rule needs). Ask with epoch=ns (times as integers).
 *
 * Target and capacity modes count only the ready replicas (decide.h):
 * per distinct (field, aggregate, window) of such a policy das computes,
 * per service, the containers that reported at every sample instant of
 * the window (one missed allowed: at least K = iql_ready_min_count(
 * window, ds's sample interval) samples, 59 for 10m at 10 s), their
 * number and the sum of their aggregates, each container's over the
 * span they all covered (from the latest of their oldest samples): one
 * that started an interval into the window is ready, and its samples
 * came after the load was spread over it, so the others' before that
 * would make the sum more than the load ever was. InfluxQL cannot give
 * each container a span of its own, so das reads the samples: from its
 * window cache (below), or, without one, from one raw read of the
 * longest such window, into the plan's own cache (iql_cache.c),
 *
 *   SELECT "cpu_ratio","service","service_name","backend","container"
 *     FROM "docker" WHERE time > 1796274200000000000
 *
 * A replica still starting has fewer samples: it is neither capacity nor
 * load. No ready container for a service that has samples is 0 ready
 * containers. dasctl replay counts ready containers by the same K and
 * span (winagg.h).
 *
 * Quoting (InfluxQL's scanner, influxql/scanner.go ScanString): inside
 * quotes a backslash escapes \ " ' and n only, and a raw newline ends the
 * token in error. So backslash and the quote are backslash-escaped, a
 * newline becomes \n, and every other byte (tabs, CR, UTF-8) is copied:
 * the scanner takes it literally, so the name round-trips exactly.
 */
#ifndef DAS_IQL_H
#define DAS_IQL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "decide.h"
#include "policy.h"
#include "predict.h"

/* Appended to every statement; series are told apart by these tags. */
#define IQL_GROUP_BY	"GROUP BY \"service\",\"service_name\",\"backend\""

/* Append s as a double-quoted identifier ("my \"db\""). */
void	 iql_quote_ident(struct buf *, const char *s);
/* Append s as a single-quoted string literal ('it\'s'): dasctl
 * replay's history statement (replay_hist.c). */
void	 iql_quote_string(struct buf *, const char *s);

struct iql_plan;

/*
 * Plan the query for policies[0..n). NULL entries and policies whose field
 * is not in the whitelist get no statement (their observations stay
 * absent). rp is the retention policy (NULL or "": the default one),
 * measurement the measurement (NULL: "docker"). The policies are only read
 * during the call. Caller frees with iql_plan_free. With no policy the
 * query is "" and the caller should not send it.
 */
struct iql_plan *iql_plan_build(const struct policy *const *policies,
	    size_t n, const char *rp, const char *measurement);
/*
 * The same, with ds's sample interval (<= 0: DECIDE_DEFAULT_INTERVAL_NS)
 * for the ready containers' K; iql_plan_build assumes the default.
 * Neither knows the time: a plan with ready containers needs
 * iql_plan_build_cached's now_ns (a NULL cache: the plan's own raw read).
 */
struct iql_plan *iql_plan_build_every(const struct policy *const *policies,
	    size_t n, const char *rp, const char *measurement,
	    int64_t sample_interval_ns);

/*
 * The same, asking only for what is new since the last tick: the
 * statements over ds's measurement (aggregate, first, last, ready) are
 * computed from the samples held in cache (wcache.h) and one raw
 * statement reads the rows after the cache's instant,
 *
 *   SELECT "cpu_ratio","service","service_name","backend","container"
 *     FROM "docker" WHERE time > 1796274800000000000
 *
 * (no GROUP BY: grouping 20,000 series costs InfluxDB more than all
 * their new rows). Custom measurements and peaks are asked as before.
 * Each window is (now − W, now] with now das's clock at build time, not
 * InfluxDB's now() at its reading: the same on one machine, the clock
 * offset between two. Call iql_plan_cache_done after the fill.
 */
struct wcache;
struct iql_cache_opts {
	struct wcache	*cache;		/* NULL: the ready containers' alone */
	int64_t		 now_ns;
	int64_t		 lateness_ns;	/* wcache_begin */
	int64_t		 resync_ns;
};
struct iql_plan *iql_plan_build_cached(const struct policy *const *policies,
	    size_t n, const char *rp, const char *measurement,
	    int64_t sample_interval_ns, const struct iql_cache_opts *);
/*
 * After every part's fill: ok when all of them read well. Keeps the read
 * in the cache and computes the local statements' rows, or (not ok, or
 * the raw statement failed) forgets the cache, and the local statements
 * carry the raw one's error. No-op without a cache.
 */
void	 iql_plan_cache_done(struct iql_plan *, bool ok);
/* After iql_plan_cache_done: the raw read's error; NULL when it was read. */
const char *iql_plan_cache_error(const struct iql_plan *);
/* Whether this plan's raw statement reads the whole span (a full read). */
bool	 iql_plan_cache_full(const struct iql_plan *);

/*
 * K, the samples a container must have in a window to count as ready:
 * one per sample instant, less one for ds's timing (a sample a little
 * late, or not yet written), and never less than DECIDE_MIN_SAMPLES:
 * max(DECIDE_MIN_SAMPLES, floor(window / interval) - 1). An interval
 * <= 0 is DECIDE_DEFAULT_INTERVAL_NS.
 */
uint64_t iql_ready_min_count(int64_t window_ns, int64_t interval_ns);

size_t	 iql_plan_nstatements(const struct iql_plan *);

/*
 * The same statements cut in parts to be asked side by side: InfluxDB
 * runs one request's statements one after the other, so from
 * IQL_SPLIT_MIN planned policies on (where its answer takes long enough
 * to matter) the statements are cut in two parts of about equal cost, one
 * request each. Below that, or with one statement, one part: the whole
 * query. Part k's query is borrowed until iql_plan_free.
 */
#define IQL_PARTS_MAX	2
#define IQL_SPLIT_MIN	256
size_t	 iql_plan_nparts(const struct iql_plan *);
/* Ask in one part whatever the number of policies. */
void	 iql_plan_one_part(struct iql_plan *);
const char *iql_plan_part_query(const struct iql_plan *, size_t part);
/*
 * Rows per chunk to ask InfluxDB's answer in (influx_query_streams): a
 * plan that reads ds's raw samples for the window cache asks in chunks
 * of IQL_CHUNK_ROWS (a full read, at 10,000 services 1.16 M rows, comes
 * in about half the time; README, "Cost at scale"), or of n once set
 * (tests); 0, a plain answer, otherwise. iql_fill reads either.
 */
#define IQL_CHUNK_ROWS	10000
unsigned iql_plan_chunk_rows(const struct iql_plan *);
void	 iql_plan_set_chunk_rows(struct iql_plan *, unsigned n);

/*
 * Read InfluxDB's /query answer as it streams in, for a plan already
 * built, one reader per part: iql_fill_new(pl, k) for part k's answer
 * (part 0's replaces any earlier fill, so make it first), iql_fill_feed
 * with each piece of the body as it arrives, iql_fill_finish at its end,
 * iql_fill_free. Nothing of the answer is held parsed: each series' first
 * row is kept as it closes (iql_answer.c).
 *
 * A statement's own "error" is not a failure: that statement's policies
 * get absent observations and the message. A statement with no result
 * counts as errored. feed returns 0 or a negative errno once the answer
 * cannot be read (the transfer may stop there). finish returns 0; -EIO
 * when InfluxDB answered a top-level "error" (whole query refused);
 * -EPROTO when the text is not JSON, ends early or does not have the
 * documented shape. On failure err holds one sentence (no control
 * characters) and every observation is absent. The plan must outlive the
 * reader.
 */
struct iql_fill;
struct iql_fill	*iql_fill_new(struct iql_plan *, size_t part);
int	 iql_fill_feed(struct iql_fill *, const char *p, size_t len);
int	 iql_fill_finish(struct iql_fill *, char *err, size_t errlen);
void	 iql_fill_free(struct iql_fill *);

/*
 * Observations for policies[i] after a fill. The series is found by
 * backend: swarm by tag service == service_id (the resolved full ID);
 * runc by service_name == service_name with backend == "runc"; exec by
 * service_name == service_name, any backend. No series means absent (no
 * data). When one of the statements behind a window failed, or several
 * series match a name, the observation is absent and *stmt_error (when
 * stmt_error is not NULL) points to the message, borrowed until the next
 * fill or iql_plan_free; else *stmt_error is NULL. Lookups are O(1).
 * A policy in target or capacity mode gets ready_known, ready_n and
 * ready_total in each window it has data for.
 */
void	 iql_plan_obs(const struct iql_plan *, size_t i,
	    const char *service_id, const char *service_name,
	    struct decide_obs *out_obs, struct decide_obs *in_obs,
	    const char **stmt_error);

/*
 * A predicting policy's peaks (predict.h) after a fill: peaks[k] is the
 * service's largest total over the lead k + 1 periods back, NAN when that
 * period has no data (or its statement failed).
 */
void	 iql_plan_peaks(const struct iql_plan *, size_t i,
	    const char *service_id, const char *service_name,
	    double peaks[PREDICT_PERIODS]);

/* NULL is a no-op. */
void	 iql_plan_free(struct iql_plan *);

#endif
