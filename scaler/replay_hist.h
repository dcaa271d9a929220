/*
 * replay_hist: a service's load history from InfluxDB, for dasctl replay
 * SERVICE. One statement: per interval, the sum over containers of each
 * container's mean (L(t), replay.h) and the number of containers that
 * reported (the replicas serving then):
 *
 *   SELECT sum("v") AS "load", count("v") AS "n" FROM (
 *     SELECT mean("cpu_ratio") AS "v" FROM "docker"
 *     WHERE "service_name" = 'web' AND time >= A AND time < B
 *     GROUP BY time(10s), "container")
 *   WHERE time >= A AND time < B GROUP BY time(10s)
 *
 * Names are quoted by InfluxQL's rules (iql.h). Pure: the caller asks.
 */
#ifndef DAS_REPLAY_HIST_H
#define DAS_REPLAY_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "policy.h"
#include "replay.h"

/* The span [since, until), cut to whole intervals from since (floored). */
struct replay_span {
	int64_t		 origin_ns;	/* since, floored to the interval */
	int64_t		 interval_ns;
	size_t		 n;		/* intervals */
};

/* The span; -EINVAL with a sentence when empty or too long. */
int	 replay_hist_span(int64_t since_ns, int64_t until_ns,
	    int64_t interval_ns, struct replay_span *, char *err,
	    size_t errlen);

/*
 * The statement above into q for policy p: its field; a custom
 * measurement's (p->measurement) series summed per interval, found by
 * p->service_tag (GROUP BY * for "container"); a rate (aggregate rate)
 * as each series' non_negative_derivative per second. measurement is
 * ds's (NULL: "docker").
 */
void	 replay_hist_query(struct buf *q, const char *measurement,
	    const struct policy *p, const char *service,
	    const struct replay_span *);

/*
 * InfluxDB's answer (epoch=ns) into l (span's intervals; an interval no
 * container reported in holds the last load, 0 before the first) and
 * replicas[0..n) (containers that reported; 0 when none). 0, or -EINVAL
 * / -ENODATA (no sample at all) with a sentence in err.
 */
int	 replay_hist_parse(const char *json, size_t len,
	    const struct replay_span *, struct replay_load *l, int *replicas,
	    char *err, size_t errlen);

#endif
