/*
 * Unit tests for iql's ready containers (scaler/iql.h): the raw read a
 * target or capacity policy adds without das's cache, its K, and the
 * samples it reads mapped to decide_obs's ready_known, ready_n and
 * ready_total, each container measured over the span all ready ones
 * covered.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "buf.h"
#include "decide.h"
#include "iql.h"
#include "iql_fixture.h"
#include "policy.h"

#define SEC	INT64_C(1000000000)

Test(iql_ready, min_count)
{
	static const struct {
		int64_t		 window, interval;
		uint64_t	 k;
	} cases[] = {
		{ 20 * SEC, 2 * SEC, 9 },	/* 10 instants, one missed */
		{ 600 * SEC, 10 * SEC, 59 },
		{ 600 * SEC, 0, 59 },		/* the default interval */
		{ 600 * SEC, -1, 59 },
		{ 25 * SEC, 2 * SEC, 11 },	/* floor(12.5) - 1 */
		{ 30 * SEC, 10 * SEC, DECIDE_MIN_SAMPLES },
		{ 10 * SEC, 10 * SEC, DECIDE_MIN_SAMPLES },
		{ SEC, 10 * SEC, DECIDE_MIN_SAMPLES },
	};
	size_t	i;

	for (i = 0; i < NITEMS(cases); i++)
		cr_expect_eq(iql_ready_min_count(cases[i].window,
		    cases[i].interval), cases[i].k, "case %zu", i);
}

#define NOW	(1000 * SEC)

/* Plan pv[0..n) without das's cache, at NOW, ds sampling every 2 s. */
static struct iql_plan *
plan_at_now(const struct policy **pv, size_t n)
{
	struct iql_cache_opts	co = { .now_ns = NOW };

	return iql_plan_build_cached(pv, n, NULL, "docker", 2 * SEC, &co);
}

/*
 * A target policy's plan: the three statements InfluxDB computes, and
 * one raw read of the window's samples for the ready containers.
 */
Test(iql_ready, target_policy_statement)
{
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct iql_plan		*pl;
	const char		*q;

	make_policy(&p, "web", "cpu_ratio", NULL, "20s", "20s", NULL);
	p.mode = POLICY_MODE_TARGET;
	pl = plan_at_now(pv, 1);
	cr_assert_eq(iql_plan_nstatements(pl), 4);
	q = iql_plan_part_query(pl, 0);
	cr_expect_null(strstr(q, "SELECT sum("), "%s", q);
	cr_expect_str_eq(strstr(q, ";SELECT \"cpu_ratio\","),
	    ";SELECT \"cpu_ratio\",\"service\",\"service_name\",\"backend\","
	    "\"container\" FROM \"docker\" WHERE time > 980000000000");
	iql_plan_free(pl);
	policy_clear(&p);
}

/*
 * No raw read for threshold mode; for the target and capacity policies
 * one, over the longest of their windows (10m), whatever their
 * aggregates and windows: 3 (10m mean) + 1 (p95 10m: first and last are
 * shared) + 3 (5m) asked, and the raw read.
 */
Test(iql_ready, one_raw_read_for_every_ready_window)
{
	struct policy		 p[4];
	const struct policy	*pv[4];
	struct iql_plan		*pl;
	const char		*q;
	size_t			 k;

	make_policy(&p[0], "a", "cpu_ratio", NULL, "10m", "10m", NULL);
	make_policy(&p[1], "b", "cpu_ratio", NULL, "10m", "10m", "exec");
	make_policy(&p[2], "c", "cpu_ratio", "p95", "10m", "5m", NULL);
	make_policy(&p[3], "d", "cpu_ratio", NULL, "10m", "10m", NULL);
	p[1].mode = POLICY_MODE_TARGET;
	p[2].mode = POLICY_MODE_CAPACITY;
	for (k = 0; k < 4; k++)
		pv[k] = &p[k];
	pl = plan_at_now(pv, 1);
	cr_expect_eq(iql_plan_nstatements(pl), 3, "threshold: no ready");
	cr_expect_null(strstr(iql_plan_part_query(pl, 0), "\"container\""));
	cr_expect_not(iql_plan_cache_full(pl));
	iql_plan_free(pl);
	pl = plan_at_now(pv, 4);
	cr_expect_eq(iql_plan_nstatements(pl), 8);
	q = iql_plan_part_query(pl, 0);
	cr_expect_not_null(strstr(q, ";SELECT \"cpu_ratio\",\"service\","
	    "\"service_name\",\"backend\",\"container\" FROM \"docker\" WHERE "
	    "time > 400000000000"), "%s", q);
	cr_expect_null(strstr(q, "sum("), "%s", q);
	iql_plan_free(pl);
	for (k = 0; k < 4; k++)
		policy_clear(&p[k]);
}

/*
 * Statements 0..2 as InfluxDB answers them, statement 3 the raw read of
 * the 20 s window (980 s, 1000 s], K 9 (2 s samples):
 *   s1 "web": a reports at 982..1000 (10 samples: 60, then 30), b from
 *     984 (9 samples of 27.5): both ready, each over b's span 984..1000:
 *     30 + 27.5 = 57.5 (a's 60 at 982 came before b took its share);
 *   s2 "api": one container of 4 samples: data, none ready;
 *   s9: no data at all.
 */
static void
raw_rows(struct buf *b, const char *svc, const char *name, const char *c,
    int from, double first, double v)
{
	int	t;

	for (t = from; t <= 1000; t += 2)
		buf_printf(b, "%s[%d000000000,%.17g,\"%s\",\"%s\",\"docker\","
		    "\"%s\"]", b->len > 0 && b->data[b->len - 1] == ']' ? "," :
		    "", t, t == from ? first : v, svc, name, c);
}

static void
ready_answer(struct buf *b)
{
	struct buf	rows;

	buf_init(&rows);
	raw_rows(&rows, "s1", "web", "a", 982, 60, 30);
	raw_rows(&rows, "s1", "web", "b", 984, 27.5, 27.5);
	raw_rows(&rows, "s2", "api", "c", 994, 80, 80);
	buf_adds(b, "{\"results\":[");
	buf_adds(b, "{\"statement_id\":0,\"series\":["
	    "{\"tags\":{\"service\":\"s1\"},\"columns\":[\"time\",\"value\","
	    "\"n\"],\"values\":[[1,30,19]]},"
	    "{\"tags\":{\"service\":\"s2\"},\"columns\":[\"time\",\"value\","
	    "\"n\"],\"values\":[[1,80,4]]}]},");
	buf_adds(b, "{\"statement_id\":1,\"series\":["
	    "{\"tags\":{\"service\":\"s1\"},\"columns\":[\"time\",\"value\"],"
	    "\"values\":[[982000000000,1]]},"
	    "{\"tags\":{\"service\":\"s2\"},\"columns\":[\"time\",\"value\"],"
	    "\"values\":[[994000000000,1]]}]},");
	buf_adds(b, "{\"statement_id\":2,\"series\":["
	    "{\"tags\":{\"service\":\"s1\"},\"columns\":[\"time\",\"value\"],"
	    "\"values\":[[1000000000000,1]]},"
	    "{\"tags\":{\"service\":\"s2\"},\"columns\":[\"time\",\"value\"],"
	    "\"values\":[[1000000000000,1]]}]},");
	buf_printf(b, "{\"statement_id\":3,\"series\":[{\"name\":\"docker\","
	    "\"columns\":[\"time\",\"cpu_ratio\",\"service\",\"service_name\","
	    "\"backend\",\"container\"],\"values\":[%s]}]}]}", buf_str(&rows));
	buf_free(&rows);
}

static struct iql_plan *
target_plan(struct policy *p, const struct policy **pv)
{
	make_policy(p, "s1", "cpu_ratio", NULL, "20s", "20s", NULL);
	p->mode = POLICY_MODE_TARGET;
	*pv = p;
	return plan_at_now(pv, 1);
}

Test(iql_ready, samples_map_to_ready_fields)
{
	struct policy		 p;
	const struct policy	*pv[1];
	struct iql_plan		*pl = target_plan(&p, pv);
	struct decide_obs	 o, i;
	const char		*why = "x";
	struct buf		 answer;
	char			 err[256];

	buf_init(&answer);
	ready_answer(&answer);
	cr_assert_eq(fill_plan(pl, buf_str(&answer), err, sizeof(err)), 0,
	    "%s", err);
	iql_plan_cache_done(pl, true);
	cr_assert_null(iql_plan_cache_error(pl));
	iql_plan_obs(pl, 0, "s1", "web", &o, &i, &why);
	cr_expect_null(why);
	cr_expect(o.present && o.value == 30 && o.count == 19);
	cr_expect(o.ready_known);
	cr_expect_eq(o.ready_n, 2);
	cr_expect_float_eq(o.ready_total, 57.5, 1e-9);
	cr_expect_eq(memcmp(&o, &i, sizeof(o)), 0, "one window, both sides");
	/* samples, none ready */
	iql_plan_obs(pl, 0, "s2", "api", &o, &i, &why);
	cr_expect(o.present && o.ready_known);
	cr_expect_eq(o.ready_n, 0);
	cr_expect_eq(o.ready_total, 0);
	/* no data at all: absent, nothing ready known */
	iql_plan_obs(pl, 0, "s9", "x", &o, &i, &why);
	cr_expect(!o.present && !o.ready_known && why == NULL);
	iql_plan_free(pl);
	policy_clear(&p);
	buf_free(&answer);
}

/* A raw read InfluxDB refused: the window is absent, and says why. */
Test(iql_ready, raw_read_error_makes_the_window_absent)
{
	static const char answer[] =
	    "{\"results\":["
	    "{\"statement_id\":0,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\",\"n\"],\"values\":[[1,30,25]]}]},"
	    "{\"statement_id\":1,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[100,1]]}]},"
	    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[200,1]]}]},"
	    "{\"statement_id\":3,\"error\":\"raw read refused\"}]}";
	struct policy		 p;
	const struct policy	*pv[1];
	struct iql_plan		*pl = target_plan(&p, pv);
	struct decide_obs	 o, i;
	const char		*why = NULL;

	cr_assert_eq(fill_plan(pl, answer, NULL, 0), 0);
	iql_plan_cache_done(pl, true);
	cr_expect_str_eq(iql_plan_cache_error(pl), "raw read refused");
	iql_plan_obs(pl, 0, "s1", "web", &o, &i, &why);
	cr_expect(!o.present && !o.ready_known);
	cr_expect_str_eq(why, "raw read refused");
	iql_plan_free(pl);
	policy_clear(&p);
}
