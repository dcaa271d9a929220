/*
 * fake_influx: InfluxDB's answer to the tick's query (scaler/iql.h) made
 * from the figures a test gives per field (fake_ports.h, struct
 * fake_metric), for every service of the table: each statement is told
 * apart by its text (aggregate, first, last, ready containers), its
 * field by the quoted name and its window by "now() - W". The aggregate
 * is the test's value whatever the function; the window holds one sample
 * per ds interval (fake_cfg: 10 s), the oldest 1 s after its start and
 * the newest at now: covered (scaler/decide.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fake_ports.h"
#include "policy.h"
#include "xmalloc.h"

#define FAKE_INTERVAL_NS	INT64_C(10000000000)

/* The metric a statement is about, or NULL. */
static const struct fake_metric *
fake_metric_of(const struct fake_world *w, const char *stmt)
{
	char	q[64];
	size_t	i;

	for (i = 0; i < FAKE_METRICS; i++) {
		if (w->metrics[i].field == NULL)
			continue;
		snprintf(q, sizeof q, "\"%s\"", w->metrics[i].field);
		if (strstr(stmt, q) != NULL)
			return &w->metrics[i];
	}
	return NULL;
}

/* The statement's window ("now() - 20s "), 0 when unreadable. */
static int64_t
fake_window(const char *stmt)
{
	const char	*p = strstr(stmt, "now() - ");
	char		 d[32];
	int64_t		 ns = 0;
	size_t		 n;

	if (p == NULL)
		return 0;
	p += strlen("now() - ");
	n = strcspn(p, " ");
	if (n >= sizeof d)
		return 0;
	memcpy(d, p, n);
	d[n] = '\0';
	(void)policy_parse_duration(d, &ns);
	return ns;
}

/* The first row of one series, for statement stmt. */
static void
fake_row_of(struct buf *b, const char *stmt, const struct fake_metric *m,
    int64_t now)
{
	int64_t		 win = fake_window(stmt);
	long long	 n = win / FAKE_INTERVAL_NS;

	if (strncmp(stmt, "SELECT sum(", 11) == 0)
		buf_printf(b, "\"columns\":[\"time\",\"total\",\"n\"],"
		    "\"values\":[[0,%.17g,%d]]", m->ready_total, m->ready_n);
	else if (strncmp(stmt, "SELECT first(", 13) == 0)
		buf_printf(b, "\"columns\":[\"time\",\"value\"],\"values\":"
		    "[[%lld,%.17g]]", (long long)(now - win + 1000000000),
		    m->value);
	else if (strncmp(stmt, "SELECT last(", 12) == 0)
		buf_printf(b, "\"columns\":[\"time\",\"value\"],\"values\":"
		    "[[%lld,%.17g]]", (long long)now, m->value);
	else
		buf_printf(b, "\"columns\":[\"time\",\"value\",\"n\",\"lo\","
		    "\"hi\"],\"values\":[[%lld,%.17g,%lld,%.17g,%.17g]]",
		    (long long)(now - win), m->value, n < 2 ? 2 : n, m->value,
		    m->value);
}

/* One statement's result: a series per service of the table. */
static void
fake_result(const struct fake_world *w, struct buf *b, size_t id,
    const char *stmt, int64_t now)
{
	const struct fake_metric	*m = fake_metric_of(w, stmt);
	const char			*svc;
	size_t				 i, j, n = 0;

	buf_printf(b, "%s{\"statement_id\":%zu,\"series\":[", id ? "," : "",
	    id);
	for (i = 0; m != NULL && !isnan(m->value) && i < w->nrows; i++) {
		svc = w->rows[i].service_id;
		for (j = 0; j < i && strcmp(w->rows[j].service_id, svc); j++)
			;
		if (j < i || (strncmp(stmt, "SELECT sum(", 11) == 0 &&
		    m->ready_n == 0))
			continue;	/* said, or none ready: no series */
		buf_printf(b, "%s{\"name\":\"docker\",\"tags\":{\"backend\":"
		    "\"docker\",\"service\":\"%s\",\"service_name\":\"%s\"},",
		    n++ ? "," : "", svc, svc);
		fake_row_of(b, stmt, m, now);
		buf_addc(b, '}');
	}
	buf_adds(b, "]}");
}

void
fake_influx_answer(const struct fake_world *w, const char *query,
    struct buf *b)
{
	char	*q = xstrdup(query), *s = q, *stmt;
	int64_t	 now = w->now_ns != 0 ? w->now_ns : backend_clock_ns();
	size_t	 id = 0;

	buf_adds(b, "{\"results\":[");
	while ((stmt = strsep(&s, ";")) != NULL) {
		if (w->stmt_error != NULL)
			buf_printf(b, "%s{\"statement_id\":%zu,\"error\":\"%s\"}",
			    id ? "," : "", id, w->stmt_error);
		else
			fake_result(w, b, id, stmt, now);
		id++;
	}
	buf_adds(b, "]}");
	free(q);
}
