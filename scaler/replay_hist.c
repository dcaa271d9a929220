/* replay_hist: a service's load history from InfluxDB (replay_hist.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iql.h"
#include "log.h"
#include "replay_hist.h"
#include "xmalloc.h"

/* 50 M intervals: a year at 1 s, beyond which the answer is too big. */
#define REPLAY_HIST_MAX	50000000

int
replay_hist_span(int64_t since, int64_t until, int64_t iv,
    struct replay_span *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	if (iv <= 0 || until <= since) {
		errf(err, errlen, "the span to replay is empty (--since must "
		    "be before --until)");
		return -EINVAL;
	}
	s->interval_ns = iv;
	s->origin_ns = since - (since % iv + iv) % iv;
	if ((until - s->origin_ns) / iv > REPLAY_HIST_MAX) {
		errf(err, errlen, "the span holds more than %d intervals; "
		    "replay a shorter span or a longer --interval",
		    REPLAY_HIST_MAX);
		return -EINVAL;
	}
	s->n = (size_t)((until - s->origin_ns + iv - 1) / iv);
	return 0;
}

static void
replay_hist_where(struct buf *q, const struct replay_span *s)
{
	buf_printf(q, "time >= %lld AND time < %lld", (long long)s->origin_ns,
	    (long long)(s->origin_ns + (int64_t)s->n * s->interval_ns));
}

/*
 * The source of one series' values: the field, or (aggregate rate) each
 * series' non-negative derivative per second, as "r".
 */
static void
replay_hist_source(struct buf *q, const char *measurement,
    const struct policy *p, const char *service,
    const struct replay_span *s, const char *by)
{
	bool	rate = p->aggregate == POLICY_AGG_RATE;

	buf_adds(q, " FROM ");
	if (rate) {
		buf_adds(q, "(SELECT non_negative_derivative(");
		iql_quote_ident(q, p->field);
		buf_adds(q, ", 1s) AS \"r\" FROM ");
	}
	iql_quote_ident(q, p->measurement != NULL ? p->measurement :
	    measurement != NULL && *measurement ? measurement : "docker");
	buf_adds(q, " WHERE ");
	iql_quote_ident(q, p->service_tag != NULL ? p->service_tag :
	    "service_name");
	buf_adds(q, " = ");
	iql_quote_string(q, service);
	buf_adds(q, " AND ");
	replay_hist_where(q, s);
	if (rate) {
		buf_printf(q, " GROUP BY %s) WHERE ", by);
		replay_hist_where(q, s);
	}
}

void
replay_hist_query(struct buf *q, const char *measurement,
    const struct policy *p, const char *service, const struct replay_span *s)
{
	long long	 iv = (long long)s->interval_ns;
	const char	*by = p->measurement != NULL ? "*" : "\"container\"";

	buf_adds(q, "SELECT sum(\"v\") AS \"load\", count(\"v\") AS \"n\" "
	    "FROM (SELECT mean(");
	iql_quote_ident(q, p->aggregate == POLICY_AGG_RATE ? "r" : p->field);
	buf_adds(q, ") AS \"v\"");
	replay_hist_source(q, measurement, p, service, s, by);
	buf_printf(q, " GROUP BY time(%lldns), %s) WHERE ", iv, by);
	replay_hist_where(q, s);
	buf_printf(q, " GROUP BY time(%lldns)", iv);
}

/* results[0]: its error, or its one series' values (NULL: no data). */
static int
replay_hist_values(json_t *root, json_t **values, char *err, size_t errlen)
{
	json_t	*res, *e, *series;

	*values = NULL;
	res = json_array_get(json_object_get(root, "results"), 0);
	if ((e = json_object_get(root, "error")) != NULL ||
	    (e = json_object_get(res, "error")) != NULL) {
		errf(err, errlen, "InfluxDB refused the history query: %s",
		    json_is_string(e) ? json_string_value(e) : "?");
		return -EINVAL;
	}
	if (!json_is_object(res)) {
		errf(err, errlen, "InfluxDB's answer has no results");
		return -EINVAL;
	}
	series = json_array_get(json_object_get(res, "series"), 0);
	*values = json_object_get(series, "values");
	return 0;
}

/* One row [time, load, n] into slot k of the span. */
static void
replay_hist_row(json_t *row, const struct replay_span *s, double *load,
    int *replicas)
{
	json_t	*t = json_array_get(row, 0), *v = json_array_get(row, 1);
	json_t	*n = json_array_get(row, 2);
	int64_t	 k, at;

	if (!json_is_integer(t) || !json_is_number(v))
		return;
	/* before the origin: outside (division would round it up to 0) */
	if ((at = json_integer_value(t)) < s->origin_ns)
		return;
	k = (at - s->origin_ns) / s->interval_ns;
	if ((size_t)k >= s->n)
		return;
	load[k] = json_number_value(v);
	replicas[k] = json_is_integer(n) ? (int)json_integer_value(n) : 0;
}

int
replay_hist_parse(const char *json, size_t len, const struct replay_span *s,
    struct replay_load *l, int *replicas, char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*root, *values;
	size_t		 i, k, seen = 0;
	int		 rc;

	memset(l, 0, sizeof *l);
	if ((root = json_loadb(json, len, 0, &je)) == NULL) {
		errf(err, errlen, "InfluxDB's answer is not JSON (%s)", je.text);
		return -EINVAL;
	}
	if ((rc = replay_hist_values(root, &values, err, errlen)) != 0) {
		json_decref(root);
		return rc;
	}
	l->load = xcalloc(s->n + 1, sizeof *l->load);
	for (k = 0; k < s->n; k++)
		l->load[k] = NAN;
	memset(replicas, 0, s->n * sizeof *replicas);
	for (i = 0; i < json_array_size(values); i++)
		replay_hist_row(json_array_get(values, i), s, l->load,
		    replicas);
	json_decref(root);
	for (k = 0; k < s->n; k++) {
		seen += !isnan(l->load[k]);
		if (isnan(l->load[k]))
			l->load[k] = k > 0 ? l->load[k - 1] : 0;
	}
	l->n = s->n;
	l->interval_ns = s->interval_ns;
	l->origin_ns = s->origin_ns;
	if (seen == 0) {
		errf(err, errlen, "no sample in the span");
		replay_load_free(l);
		return -ENODATA;
	}
	return 0;
}
