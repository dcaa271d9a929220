/*
 * fake_influx: InfluxDB's answer to the tick's query (scaler/iql.h) made
 * from the figures a test gives per field (fake_ports.h, struct
 * fake_metric), for every service of the table: each statement is told
 * apart by its text (aggregate, first, last, the raw read of the ready
 * containers' windows), its field by the quoted name and its window by
 * "now() - W". The aggregate is the test's value whatever the function;
 * the window holds one sample per ds interval (fake_cfg: 10 s), the
 * oldest 1 s after its start and the newest at now: covered
 * (scaler/decide.h). The raw read gives ready_n containers of each
 * service, each reporting ready_total / ready_n at now and every 10 s
 * before it, back to the statement's instant: whatever the aggregate,
 * das computes ready_n and ready_total from them.
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

	if (strncmp(stmt, "SELECT first(", 13) == 0)
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
		if (j < i)
			continue;	/* said */
		buf_printf(b, "%s{\"name\":\"docker\",\"tags\":{\"backend\":"
		    "\"docker\",\"service\":\"%s\",\"service_name\":\"%s\"},",
		    n++ ? "," : "", svc, svc);
		fake_row_of(b, stmt, m, now);
		buf_addc(b, '}');
	}
	buf_adds(b, "]}");
}

/* Whether the statement is the raw read (iql_cache.c): no function. */
static bool
fake_is_raw(const char *stmt)
{
	return strncmp(stmt, "SELECT \"", 8) == 0;
}

/* One raw row: service svc's container c at t, each metric's sample. */
static void
fake_raw_row(const struct fake_world *w, struct buf *b, const char *stmt,
    const char *svc, int c, int64_t t)
{
	const struct fake_metric	*m;
	char				 q[64];
	size_t				 k;

	buf_printf(b, "%s[%lld", b->len > 0 && b->data[b->len - 1] == ']' ?
	    "," : "", (long long)t);
	for (k = 0; k < FAKE_METRICS; k++) {
		m = &w->metrics[k];
		snprintf(q, sizeof q, "\"%s\"", m->field != NULL ? m->field :
		    "");
		if (m->field == NULL || strstr(stmt, q) == NULL)
			continue;
		if (c < m->ready_n && !isnan(m->value))
			buf_printf(b, ",%.17g", m->ready_total / m->ready_n);
		else
			buf_adds(b, ",null");
	}
	buf_printf(b, ",\"%s\",\"%s\",\"docker\",\"c%d\"]", svc, svc, c);
}

/* The raw read's result: one series, its rows in time order. */
static void
fake_raw(const struct fake_world *w, struct buf *b, size_t id,
    const char *stmt, int64_t now)
{
	const char	*p = strstr(stmt, "WHERE time > ");
	char		 q[64];
	long long	 from = p != NULL ? atoll(p + 13) : now;
	int64_t		 t;
	size_t		 i, j, k;
	int		 c, nc = 0;

	for (k = 0; k < FAKE_METRICS; k++)
		nc = w->metrics[k].ready_n > nc ? w->metrics[k].ready_n : nc;
	buf_printf(b, "%s{\"statement_id\":%zu,\"series\":[{\"name\":"
	    "\"docker\",\"columns\":[\"time\"", id ? "," : "", id);
	for (k = 0; k < FAKE_METRICS; k++) {
		snprintf(q, sizeof q, "\"%s\"", w->metrics[k].field != NULL ?
		    w->metrics[k].field : "");
		if (w->metrics[k].field != NULL && strstr(stmt, q) != NULL)
			buf_printf(b, ",%s", q);
	}
	buf_adds(b, ",\"service\",\"service_name\",\"backend\","
	    "\"container\"],\"values\":[");
	for (t = now - (now - from - 1) / FAKE_INTERVAL_NS * FAKE_INTERVAL_NS;
	    t <= now; t += FAKE_INTERVAL_NS) {
		for (i = 0; i < w->nrows; i++) {
			for (j = 0; j < i && strcmp(w->rows[j].service_id,
			    w->rows[i].service_id); j++)
				;
			for (c = 0; j == i && c < nc; c++)
				fake_raw_row(w, b, stmt, w->rows[i].service_id,
				    c, t);
		}
	}
	buf_adds(b, "]}]}");
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
		else if (fake_is_raw(stmt))
			fake_raw(w, b, id, stmt, now);
		else
			fake_result(w, b, id, stmt, now);
		id++;
	}
	buf_adds(b, "]}");
	free(q);
}
