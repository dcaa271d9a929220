/*
 * Unit tests for what dasctl replay reads: a CSV trace (replay_trace.c),
 * the service's InfluxDB history (replay_hist.c: the statement and its
 * answer) and the das table's column names (policy_row_column).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "policy.h"
#include "replay.h"
#include "replay_hist.h"

#define NS_S	INT64_C(1000000000)
#define IV	(10 * NS_S)
#define O_S	INT64_C(1714564800)	/* 2024-05-01T12:00:00Z */
#define O_NS	(O_S * NS_S)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Read text as a trace named "trace.csv" at a 10 s interval. */
static int
t_trace(const char *text, struct replay_load *l, char *err, size_t errlen)
{
	FILE	*f;
	int	 rc;

	cr_assert_not_null(f = fmemopen((void *)text, strlen(text), "r"));
	err[0] = '\0';
	rc = replay_trace_read(f, "trace.csv", IV, l, err, errlen);
	fclose(f);
	return rc;
}

/* text reads into exactly want[0..n). */
static void
t_trace_ok(const char *text, const double *want, size_t n)
{
	struct replay_load	l;
	char			err[256];
	size_t			k;

	cr_assert_eq(t_trace(text, &l, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(l.interval_ns, IV);
	cr_expect_eq(l.origin_ns, 0);
	cr_expect_eq(l.n, n, "%zu intervals, want %zu", l.n, n);
	for (k = 0; k < n && k < l.n; k++)
		cr_expect_float_eq(l.load[k], want[k], 1e-9,
		    "load[%zu] %g, want %g", k, l.load[k], want[k]);
	replay_load_free(&l);
}

/* text is refused with -EINVAL and a sentence holding `says`. */
static void
t_trace_bad(const char *text, const char *says)
{
	struct replay_load	l;
	char			err[256];

	cr_expect_eq(t_trace(text, &l, err, sizeof(err)), -EINVAL, "%s",
	    text);
	cr_expect_not_null(strstr(err, says), "\"%s\" does not say \"%s\"",
	    err, says);
	cr_expect_null(l.load);
	cr_expect_eq(l.n, 0);
}

/* Seconds from any origin: one row per 10 s interval, kept as it is. */
Test(replay_trace, seconds)
{
	static const double	a[] = { 10, 20, 30 };
	static const double	b[] = { 10, 20.5 };

	t_trace_ok("time,load\n0,10\n10,20\n20,30\n", a, 3);
	t_trace_ok("time,load\n1000,10\n1010,20\n1020,30\n", a, 3);
	t_trace_ok("time,load\n-5.0, 10 \n 5,20.5\n", b, 2);
}

/*
 * RFC 3339: 12:00:00Z, then 14:00:10+02:00 (= 12:00:10Z), then
 * 06:30:20-05:30 (= 12:00:20Z): 10 s apart, three intervals. Fractions:
 * .5 s both, still 10 s apart.
 */
Test(replay_trace, rfc3339)
{
	static const double	a[] = { 1, 2, 3 };
	static const double	b[] = { 4, 6 };

	t_trace_ok("time,load\n2024-05-01T12:00:00Z,1\n"
	    "2024-05-01T14:00:10+02:00,2\n2024-05-01T06:30:20-05:30,3\n", a, 3);
	t_trace_ok("time,load\n2024-05-01T12:00:00.5Z,4\n"
	    "2024-05-01T12:00:10.500Z,6\n", b, 2);
}

Test(replay_trace, parse_time)
{
	static const struct {
		const char	*s;
		double		 sec;
	} ok[] = {
		{ "2024-05-01T12:00:00Z", O_S },
		{ "2024-05-01t12:00:00z", O_S },
		{ "2024-05-01 12:00:00Z", O_S },
		{ "2024-05-01T12:00:00.25Z", O_S + 0.25 },
		{ "2024-05-01T14:00:00+02:00", O_S },
		{ "2024-05-01T06:30:00.5-05:30", O_S + 0.5 },
		{ "2024-05-01T12:00:00+00:00", O_S },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "1900-03-01T00:00:00Z", -2203891200.0 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
		{ "2000-02-29T00:00:00Z", 951782400 },
		/* a leap second is the next minute's first */
		{ "2016-12-31T23:59:60Z", 1483228800 },
		{ "2024-05-01T12:00:00.123456789Z", O_S + 0.123456789 },
	};
	static const char *const bad[] = {
		"", "2024-05-01", "2024-05-01T12:00:00", "2024-05-01T12:00Z",
		"2024-05-01X12:00:00Z", "2024-05-01T12:00:00Zx",
		"2024-05-01T12:00:00+0200", "2024-05-01T12:00:00+02:00x",
		"2024-05-01T12:00:00.Z", "2024-05-01T12:00:00 Z",
		/* out of range: not another day read into this one */
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z",
		"2024-02-30T00:00:00Z", "2024-05-01T24:00:00Z",
		"2024-05-01T12:60:00Z", "2024-05-01T12:00:00+24:00",
		"2024-05-01T-1:00:00Z", "2023-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
		"24-05-01T12:00:00Z", "2024-5-01T12:00:00Z",
		"+2024-05-01T12:00:00Z", " 2024-05-01T12:00:00Z",
		/* a fraction is digits: no exponent, no sign */
		"2024-05-01T12:00:00.5e3Z", "2024-05-01T12:00:00.-5Z",
	};
	double	sec;
	size_t	i;

	for (i = 0; i < NITEMS(ok); i++) {
		sec = -1;
		cr_expect_eq(replay_parse_time(ok[i].s, &sec), 0, "%s",
		    ok[i].s);
		cr_expect_eq(sec, ok[i].sec, "%s: %.3f", ok[i].s, sec);
	}
	for (i = 0; i < NITEMS(bad); i++)
		cr_expect_eq(replay_parse_time(bad[i], &sec), -1, "\"%s\"",
		    bad[i]);
}

/*
 * Denser than the interval: the mean of the rows in each 10 s. Rows at
 * 0, 5, 10, 15 s (spacing 5, the last lasting to 20): 2 intervals,
 * (10 + 20)/2 and (30 + 50)/2. Rows every 2 s, 0..18 s, loads 1..10:
 * (1+2+3+4+5)/5 = 3 and (6+...+10)/5 = 8.
 */
Test(replay_trace, resampling_mean)
{
	static const double	a[] = { 15, 40 };
	static const double	b[] = { 3, 8 };

	t_trace_ok("time,load\n0,10\n5,20\n10,30\n15,50\n", a, 2);
	t_trace_ok("time,load\n0,1\n2,2\n4,3\n6,4\n8,5\n10,6\n12,7\n14,8\n"
	    "16,9\n18,10\n", b, 2);
}

/*
 * Sparser than the interval: an interval without a row holds the last.
 * Rows every 30 s at 0, 30, 60 (the last lasting 30 s): 9 intervals.
 */
Test(replay_trace, sparse_holds_last)
{
	static const double	a[] = { 10, 10, 10, 40, 40, 40, 70, 70, 70 };

	t_trace_ok("time,load\n0,10\n30,40\n60,70\n", a, 9);
}

/* CRLF lines, blank lines between rows, blanks around fields. */
Test(replay_trace, crlf_and_blank_lines)
{
	static const double	a[] = { 1, 2, 3 };

	t_trace_ok("time,load\r\n0,1\r\n10,2\r\n20,3\r\n", a, 3);
	t_trace_ok("time,load\n0,1\n\n \t\n10,2\r\n\r\n20,3", a, 3);
	/* as a spreadsheet saves it: a byte order mark, quoted fields */
	t_trace_ok("\xef\xbb\xbf\"time\",\"load\"\r\n\"0\",\"1\"\r\n"
	    " \"10\" ,2\r\n20,\"3\"\r\n", a, 3);
	t_trace_ok("\"time\",\"load\"\n\"2024-05-01T12:00:00Z\",1\n"
	    "\"2024-05-01T12:00:10Z\",2\n\"2024-05-01T12:00:20Z\",3\n", a, 3);
}

/* Each refusal names the file and line. */
Test(replay_trace, refusals_name_the_line)
{
	t_trace_bad("", "trace.csv:1: the header must be \"time,load\"");
	t_trace_bad("0,1\n10,2\n", "trace.csv:1: the header");
	t_trace_bad("time,value\n0,1\n10,2\n", "trace.csv:1: the header");
	t_trace_bad("\xef\xbb\xbftime,value\n0,1\n10,2\n", "trace.csv:1: the "
	    "header");
	t_trace_bad("time,load\n0,1\n10,\"\"\n", "trace.csv:3: load \"\" is");
	t_trace_bad("time,load\n0,1\n10,\"2\n", "trace.csv:3: load \"\"2\" is");
	t_trace_bad("time,load\n", "trace.csv: 0 sample(s)");
	t_trace_bad("time,load\n0,1\n", "trace.csv: 1 sample(s)");
	t_trace_bad("time,load\r\n0,1\r\n", "trace.csv: 1 sample(s)");
	t_trace_bad("time,load\n0,1\n10,2\n10,3\n", "trace.csv:4: time 10.000 "
	    "is not after");
	t_trace_bad("time,load\n0,1\n10,2\n5,3\n", "trace.csv:4:");
	t_trace_bad("time,load\n0,1\n\n10,2\n10,3\n", "trace.csv:5:");
	t_trace_bad("time,load\n0,1\n10,-2\n", "trace.csv:3: load \"-2\" is "
	    "not a number from 0 to 1e+15");
	/* a load whose integral over the span could overflow */
	t_trace_bad("time,load\n0,1\n10,1e308\n", "trace.csv:3: load "
	    "\"1e308\" is not a number from 0 to 1e+15");
	t_trace_bad("time,load\n0,1\n10,x\n", "trace.csv:3: load");
	t_trace_bad("time,load\n0,1\n10,\n", "trace.csv:3: load");
	t_trace_bad("time,load\n0,1\n10,nan\n", "trace.csv:3: load");
	t_trace_bad("time,load\n0,1\nyesterday,2\n", "trace.csv:3: time "
	    "\"yesterday\" is neither");
	t_trace_bad("time,load\n0,1\n10,2,3\n", "trace.csv:3: not two fields");
	t_trace_bad("time,load\n0,1\n10\n", "trace.csv:3: not two fields");
	t_trace_bad("time,load\n2024-05-01T12:00:00Z,1\n"
	    "2024-05-01T13:00:00+02:00,2\n", "trace.csv:3:");
}

/* Read text as a group's trace of n loads. */
static int
t_trace_group(const char *text, struct replay_load *l, size_t n, char *err,
    size_t errlen)
{
	FILE	*f;
	int	 rc;

	cr_assert_not_null(f = fmemopen((void *)text, strlen(text), "r"));
	err[0] = '\0';
	rc = replay_trace_read_group(f, "trace.csv", IV, l, n, err, errlen);
	fclose(f);
	return rc;
}

/*
 * A group's trace (dasctl replay --policy "A;B"): one load column per row,
 * any names, each resampled on its own (the mean of the rows in each
 * interval): rows at 0, 5, 10, 20 s at 10 s are the intervals [0, 10),
 * [10, 20), [20, 30).
 */
Test(replay_trace, a_groups_loads_one_column_per_row)
{
	struct replay_load	l[2];
	char			err[256];

	cr_assert_eq(t_trace_group("time,cpu,rate\n0,10,100\n5,30,300\n"
	    "10,50,0\n20,70,7\n", l, 2, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(l[0].n, 3);
	cr_assert_eq(l[1].n, 3);
	cr_expect_float_eq(l[0].load[0], 20, 1e-9);
	cr_expect_float_eq(l[0].load[1], 50, 1e-9);
	cr_expect_float_eq(l[0].load[2], 70, 1e-9);
	cr_expect_float_eq(l[1].load[0], 200, 1e-9);
	cr_expect_float_eq(l[1].load[1], 0, 1e-9);
	cr_expect_float_eq(l[1].load[2], 7, 1e-9);
	replay_load_free(&l[0]);
	replay_load_free(&l[1]);

	/* a row short of a column, a header of the wrong width, a bad load */
	cr_expect_eq(t_trace_group("time,cpu,rate\n0,1,2\n10,3\n", l, 2, err,
	    sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "trace.csv:3: not 3 fields"), "%s", err);
	cr_expect_null(l[0].load);
	cr_expect_null(l[1].load);
	cr_expect_eq(t_trace_group("time,load\n0,1\n10,3\n", l, 2, err,
	    sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "trace.csv:1: the header must be "
	    "\"time\" and 2 load columns"), "%s", err);
	cr_expect_eq(t_trace_group("time,a,\n0,1,2\n10,3,4\n", l, 2, err,
	    sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "trace.csv:1:"), "%s", err);
	cr_expect_eq(t_trace_group("time,a,b\n0,1,2\n10,3,-4\n", l, 2, err,
	    sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "trace.csv:3: load \"-4\""), "%s", err);
	cr_expect_eq(t_trace_group("time,a\n0,1\n", l, 0, err, sizeof(err)),
	    -EINVAL);
	cr_expect_eq(t_trace_group("time,a\n0,1\n", l, REPLAY_TRACE_LOADS + 1,
	    err, sizeof(err)), -EINVAL);
}

/*
 * Two rows far apart are a span of as many intervals: more than 50 M
 * (replay_hist's limit, a year at 1 s) is refused, not allocated (1e12 s
 * is 2e11 intervals) nor cast from a double out of size_t's range (1e300).
 * 4.9e8 s and its 4.9e8 s spacing (the last row lasts one) are 98 M
 * intervals of 10 s.
 */
Test(replay_trace, span_too_long)
{
	t_trace_bad("time,load\n0,1\n1e12,2\n", "trace.csv: the trace spans "
	    "1.16e+07 days, more than 50000000 intervals of 10 s");
	t_trace_bad("time,load\n0,1\n1e300,2\n", "more than 50000000");
	t_trace_bad("time,load\n0,1\n490000000,2\n", "more than 50000000");
	t_trace_bad("time,load\n1970-01-01T00:00:00Z,1\n"
	    "2024-05-01T12:00:00Z,2\n", "more than 50000000");
}

/*
 * The span: since floored to the interval, whole intervals to until.
 * since 12:00:05, until 12:00:30 → origin 12:00:00, 3 intervals; until
 * 12:00:31 → 4. Before the epoch the floor goes down: −5 s → −10 s.
 */
Test(replay_hist, span)
{
	struct replay_span	s;
	char			err[256];

	cr_assert_eq(replay_hist_span(O_NS + 5 * NS_S, O_NS + 30 * NS_S, IV,
	    &s, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(s.origin_ns, O_NS);
	cr_expect_eq(s.interval_ns, IV);
	cr_expect_eq(s.n, 3);
	cr_assert_eq(replay_hist_span(O_NS, O_NS + 31 * NS_S, IV, &s, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_eq(s.n, 4);
	cr_assert_eq(replay_hist_span(-5 * NS_S, 20 * NS_S, IV, &s, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_eq(s.origin_ns, -10 * NS_S);
	cr_expect_eq(s.n, 3);
	cr_expect_eq(replay_hist_span(O_NS, O_NS, IV, &s, err, sizeof(err)),
	    -EINVAL);
	cr_expect_neq(strstr(err, "empty"), NULL, "%s", err);
	cr_expect_eq(replay_hist_span(O_NS, O_NS - 1, IV, &s, err,
	    sizeof(err)), -EINVAL);
	cr_expect_eq(replay_hist_span(0, INT64_C(600) * 86400 * NS_S, NS_S,
	    &s, err, sizeof(err)), -EINVAL);
}

/*
 * The statement, exactly: a hostile service name (a quote, a backslash,
 * a newline and a double quote) and field are quoted by InfluxQL's rules
 * (backslash-escape the quote and the backslash, a newline as \n);
 * no measurement means "docker".
 */
Test(replay_hist, query_text)
{
	struct replay_span	s = { O_NS, IV, 3 };
	struct policy		p;
	struct buf		q;

	memset(&p, 0, sizeof(p));
	buf_init(&q);
	p.field = (char *)"cpu\"ratio";
	replay_hist_query(&q, NULL, &p, "a'b\\c\nd\"e", &s);
	cr_expect_str_eq(buf_str(&q),
	    "SELECT sum(\"v\") AS \"load\", count(\"v\") AS \"n\" FROM ("
	    "SELECT mean(\"cpu\\\"ratio\") AS \"v\" FROM \"docker\" "
	    "WHERE \"service_name\" = 'a\\'b\\\\c\\nd\"e' "
	    "AND time >= 1714564800000000000 AND time < 1714564830000000000 "
	    "GROUP BY time(10000000000ns), \"container\") "
	    "WHERE time >= 1714564800000000000 AND time < 1714564830000000000 "
	    "GROUP BY time(10000000000ns)");
	buf_reset(&q);
	p.field = (char *)"mem_usage";
	replay_hist_query(&q, "my\"m", &p, "web", &s);
	cr_expect_not_null(strstr(buf_str(&q), "SELECT mean(\"mem_usage\") "
	    "AS \"v\" FROM \"my\\\"m\" WHERE \"service_name\" = 'web' AND"),
	    "%s", buf_str(&q));
	buf_reset(&q);
	replay_hist_query(&q, "", &p, "web", &s);
	cr_expect_not_null(strstr(buf_str(&q), "FROM \"docker\" WHERE"));
	buf_free(&q);
}

/*
 * A custom counter's rate: each series' derivative, found by the
 * policy's own tag, per-series means summed per interval.
 */
Test(replay_hist, query_rate_of_a_custom_counter)
{
	struct replay_span	s = { O_NS, IV, 3 };
	struct policy		p;
	struct buf		q;

	memset(&p, 0, sizeof(p));
	p.field = (char *)"requests";
	p.measurement = (char *)"nginx";
	p.service_tag = (char *)"app";
	p.aggregate = POLICY_AGG_RATE;
	buf_init(&q);
	replay_hist_query(&q, NULL, &p, "web", &s);
	cr_expect_str_eq(buf_str(&q),
	    "SELECT sum(\"v\") AS \"load\", count(\"v\") AS \"n\" FROM ("
	    "SELECT mean(\"r\") AS \"v\" FROM (SELECT "
	    "non_negative_derivative(\"requests\", 1s) AS \"r\" FROM \"nginx\" "
	    "WHERE \"app\" = 'web' "
	    "AND time >= 1714564800000000000 AND time < 1714564830000000000 "
	    "GROUP BY *) "
	    "WHERE time >= 1714564800000000000 AND time < 1714564830000000000 "
	    "GROUP BY time(10000000000ns), *) "
	    "WHERE time >= 1714564800000000000 AND time < 1714564830000000000 "
	    "GROUP BY time(10000000000ns)");
	buf_free(&q);
}

static int
t_hist(const char *json, size_t n, struct replay_load *l, int *replicas,
    char *err, size_t errlen)
{
	struct replay_span	s = { O_NS, IV, n };

	err[0] = '\0';
	return replay_hist_parse(json, strlen(json), &s, l, replicas, err,
	    errlen);
}

/*
 * An answer over 6 intervals (epoch=ns): rows at +0 (150 from 2), +10
 * (null: nobody reported), +20 (300.5 from 3), +40 (90 from 1), and one
 * at +70, outside the span. +30 and +50 have no row. Holding the last:
 * 150 150 300.5 300.5 90 90; replicas 2 0 3 0 1 0.
 */
Test(replay_hist, parse_values)
{
	static const char json[] = "{\"results\":[{\"statement_id\":0,"
	    "\"series\":[{\"name\":\"docker\",\"columns\":[\"time\",\"load\","
	    "\"n\"],\"values\":["
	    "[1714564800000000000,150,2],"
	    "[1714564810000000000,null,0],"
	    "[1714564820000000000,300.5,3],"
	    "[1714564840000000000,90,1],"
	    "[1714564870000000000,999,9]]}]}]}";
	static const double	want[] = { 150, 150, 300.5, 300.5, 90, 90 };
	static const int	wantn[] = { 2, 0, 3, 0, 1, 0 };
	struct replay_load	l;
	int			replicas[6];
	char			err[256];
	size_t			k;

	memset(replicas, 0x55, sizeof(replicas));
	cr_assert_eq(t_hist(json, 6, &l, replicas, err, sizeof(err)), 0, "%s",
	    err);
	cr_expect_eq(l.n, 6);
	cr_expect_eq(l.interval_ns, IV);
	cr_expect_eq(l.origin_ns, O_NS);
	for (k = 0; k < 6; k++) {
		cr_expect_eq(l.load[k], want[k], "load[%zu] %g", k, l.load[k]);
		cr_expect_eq(replicas[k], wantn[k], "replicas[%zu] %d", k,
		    replicas[k]);
	}
	replay_load_free(&l);
}

/*
 * Before the first sample the load is 0: null at +0, 40 from 1 at +10,
 * nothing at +20: 0 40 40. A row before the span's origin (−5 s, which
 * InfluxDB would not send) is outside it too and changes nothing.
 */
Test(replay_hist, parse_leading_gap_and_rows_outside)
{
	static const char json[] = "{\"results\":[{\"series\":[{\"values\":["
	    "[1714564800000000000,null,null],"
	    "[1714564810000000000,40,1]]}]}]}";
	static const char early[] = "{\"results\":[{\"series\":[{\"values\":["
	    "[1714564795000000000,777,7],"
	    "[1714564810000000000,40,1]]}]}]}";
	struct replay_load	l;
	int			replicas[3];
	char			err[256];

	cr_assert_eq(t_hist(json, 3, &l, replicas, err, sizeof(err)), 0);
	cr_expect_eq(l.load[0], 0.0);
	cr_expect_eq(l.load[1], 40.0);
	cr_expect_eq(l.load[2], 40.0);
	cr_expect_eq(replicas[0], 0);
	cr_expect_eq(replicas[1], 1);
	cr_expect_eq(replicas[2], 0);
	replay_load_free(&l);

	cr_assert_eq(t_hist(early, 3, &l, replicas, err, sizeof(err)), 0);
	cr_expect_eq(l.load[0], 0.0, "load[0] %g", l.load[0]);
	cr_expect_eq(replicas[0], 0);
	cr_expect_eq(l.load[1], 40.0);
	replay_load_free(&l);
}

/* InfluxDB's error, in the statement or the whole answer: its message. */
Test(replay_hist, parse_errors)
{
	static const struct {
		const char	*json;
		int		 rc;
		const char	*says;
	} cases[] = {
		{ "{\"results\":[{\"statement_id\":0,\"error\":\"database not "
		    "found: telegraf\"}]}", -EINVAL,
		    "InfluxDB refused the history query: database not found: "
		    "telegraf" },
		{ "{\"error\":\"authorization failed\"}", -EINVAL,
		    "authorization failed" },
		{ "{\"results\":[{\"statement_id\":0}]}", -ENODATA,
		    "no sample" },
		{ "{\"results\":[{\"series\":[{\"values\":["
		    "[1714564800000000000,null,0]]}]}]}", -ENODATA,
		    "no sample" },
		{ "{\"results\":[{\"series\":[{\"values\":["
		    "[1714564900000000000,5,1]]}]}]}", -ENODATA,
		    "no sample" },
		{ "{\"results\":[]}", -EINVAL, "no results" },
		{ "<html>", -EINVAL, "not JSON" },
		{ "", -EINVAL, "not JSON" },
	};
	struct replay_load	l;
	int			replicas[3];
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		cr_expect_eq(t_hist(cases[i].json, 3, &l, replicas, err,
		    sizeof(err)), cases[i].rc, "%s", cases[i].json);
		cr_expect_not_null(strstr(err, cases[i].says),
		    "%s: \"%s\"", cases[i].json, err);
		cr_expect_null(l.load);
		cr_expect_eq(l.n, 0);
	}
}

/* Every column the das table has, by name, to its member of the row. */
Test(replay_policy, every_column_resolves)
{
	struct policy_row	r;
	const struct {
		const char	 *name;
		const char	**member;
	} cols[] = {
		{ "seq", &r.seq }, { "min_no", &r.min_no },
		{ "max_no", &r.max_no }, { "cur_no", &r.cur_no },
		{ "cond_item", &r.cond_item }, { "out_cond", &r.out_cond },
		{ "in_cond", &r.in_cond }, { "out_duration", &r.out_duration },
		{ "in_duration", &r.in_duration },
		{ "service_id", &r.service_id }, { "step_out", &r.step_out },
		{ "step_in", &r.step_in }, { "cooldown_out", &r.cooldown_out },
		{ "cooldown_in", &r.cooldown_in }, { "enabled", &r.enabled },
		{ "dry_run", &r.dry_run }, { "backend", &r.backend },
		{ "aggregate", &r.aggregate }, { "mode", &r.mode },
		{ "capacity", &r.capacity },
		{ "min_available", &r.min_available },
		{ "sustained", &r.sustained }, { "target", &r.target },
		{ "setpoint", &r.setpoint }, { "tolerance", &r.tolerance },
		{ "max_step_out", &r.max_step_out },
		{ "stabilize_in", &r.stabilize_in },
		{ "stabilize_out", &r.stabilize_out },
		{ "measurement", &r.measurement },
		{ "service_tag", &r.service_tag },
		{ "per_replica", &r.per_replica },
		{ "activation", &r.activation }, { "predict", &r.predict },
		{ "lead", &r.lead },
	};
	const char	*name;
	size_t		 i;

	/* policy_row is nothing but these columns */
	cr_expect_eq(sizeof(r), NITEMS(cols) * sizeof(const char *));
	for (i = 0; i < NITEMS(cols); i++) {
		cr_expect_eq(policy_row_column(&r, cols[i].name),
		    cols[i].member, "%s", cols[i].name);
		cr_expect_str_eq(policy_column_name(i), cols[i].name);
	}
	cr_expect_null(policy_column_name(NITEMS(cols)));
	cr_expect_null(policy_column_name((size_t)-1));
	for (i = 0; (name = policy_column_name(i)) != NULL; i++)
		cr_expect_not_null(policy_row_column(&r, name), "%s", name);
	cr_expect_eq(i, NITEMS(cols));
}

Test(replay_policy, unknown_column_is_null)
{
	static const char *const bad[] = {
		"", "nope", "Seq", "SEQ", "seq ", " seq", "min-no", "minno",
		"service", "out_cond=", "percentile", "targets",
	};
	struct policy_row	r;
	size_t			i;

	for (i = 0; i < NITEMS(bad); i++)
		cr_expect_null(policy_row_column(&r, bad[i]), "\"%s\"",
		    bad[i]);
}
