/*
 * influx: InfluxDB 1.x HTTP client — batched /write and /query.
 *
 * Write outcomes are classified so callers can keep or drop a batch: a
 * batch is delivered only when InfluxDB itself took it (204 with its
 * X-Influxdb-Version header), dropped only when InfluxDB said the points
 * themselves are bad (400, 413), and kept for a retry on anything else:
 * transport errors, 5xx, an answer from something that is not InfluxDB.
 * A missing database is created (when configured) on "not found".
 */
#ifndef DAS_INFLUX_H
#define DAS_INFLUX_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct influx_cfg {
	const char	*url;		/* http://127.0.0.1:8086 */
	const char	*database;
	const char	*user;		/* NULL or "": no auth */
	const char	*password;
	const char	*precision;	/* "s", "ms", "u", "ns" */
	bool		 gzip;
	bool		 create_db;	/* CREATE DATABASE when it is missing */
	long		 connect_ms;
	long		 timeout_ms;
};

enum influx_result {
	INFLUX_OK = 0,		/* InfluxDB stored it: 204 */
	INFLUX_RETRY,		/* anything else: keep and retry */
	INFLUX_REJECTED,	/* InfluxDB's 400 or 413: bad; never re-send */
};

struct influx;
struct httpev;
struct http_resp;

/* The answer header by which InfluxDB 1.x names itself. */
#define INFLUX_VERSION_HEADER	"X-Influxdb-Version"

/*
 * What an HTTP answer to /write means for its batch: status is the
 * answer's, from_influx whether it carried INFLUX_VERSION_HEADER. An answer
 * without it comes from something else (a wrong URL, a proxy's page)
 * whatever its status: the points are kept.
 */
enum influx_result influx_write_verdict(long status, bool from_influx);

/*
 * The sentence for a write that was not INFLUX_OK (resp holds an HTTP
 * answer): the URL, the status, who answered and the answer's own text,
 * cut short. The caller adds what happens to the points.
 */
void	influx_write_problem(const char *url, const struct http_resp *resp,
	    char *err, size_t errlen);

/* Strings in cfg are copied. Caller frees with influx_free. */
struct influx	*influx_new(const struct influx_cfg *);
void		 influx_free(struct influx *);
/* Borrowed until influx_free. */
const char	*influx_url(const struct influx *);

/*
 * POST lines to /write. On anything but INFLUX_OK, err holds one sentence
 * with the status and InfluxDB's own error text. A 404 "database not found"
 * is answered by creating the database (when configured) and trying once more.
 */
enum influx_result influx_write(struct influx *, const char *lines, size_t len,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * influx_write beside a libevent loop (lib/httpev.h): the lines are
 * copied, the POST (and the CREATE DATABASE a missing database asks for)
 * run on hv while the loop goes on, and done(arg, result, err) is called
 * from the loop at the end, err as influx_write fills it ("" on
 * INFLUX_OK). One write at a time: -EBUSY while one runs, else 0.
 */
typedef void	(*influx_done_fn)(void *arg, enum influx_result,
		    const char *err);
int	influx_write_start(struct influx *, struct httpev *hv,
	    const char *lines, size_t len, influx_done_fn done, void *arg)
	    __attribute__((warn_unused_result));
/* End the running write, if any, without calling its done. */
void	influx_write_cancel(struct influx *);

/*
 * Run n queries (n <= INFLUX_STREAMS_MAX) side by side, each on its own
 * connection, with the answers streamed: each piece of query i's 2xx body
 * goes to sink(args[i], ...) as it arrives, nothing is kept. InfluxDB
 * runs one request's statements one after the other; two requests use
 * two of its cores. Returns 0 when all succeeded; else the first failure:
 * -EIO (transport or non-2xx) with err filled, or a sink's non-zero
 * return, which stopped that transfer, with err left to the caller (the
 * sink knows why). -EINVAL when n is out of range.
 */
#define INFLUX_STREAMS_MAX	2
/*
 * chunk_rows > 0: InfluxDB answers in chunks of at most that many rows
 * (chunked=true&chunk_size=N), a stream of JSON documents, each result
 * but a statement's last with "partial": true; a large read comes in
 * about half the time of the plain answer, and no max-row-limit cuts it.
 */
int	influx_query_streams(struct influx *, const char *const *qs, size_t n,
	    unsigned chunk_rows,
	    int (*sink)(void *arg, const char *p, size_t len),
	    void *const *args, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* CREATE DATABASE "<name>" (idempotent on the server). 0 or -EIO. */
int	influx_create_database(struct influx *, char *err, size_t errlen);

#endif
