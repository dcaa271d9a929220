/*
 * Unit tests for iql's ready containers (scaler/iql.h): the statement a
 * target or capacity policy adds, its K, and its answer mapped to
 * decide_obs's ready_known, ready_n and ready_total.
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

static const char ready_20s[] =
    "SELECT sum(\"m\") AS \"total\", count(\"m\") AS \"n\" FROM "
    "(SELECT mean(\"cpu_ratio\") AS \"m\", count(\"cpu_ratio\") AS \"c\" "
    "FROM \"docker\" WHERE time > now() - 20s "
    "GROUP BY \"service\",\"service_name\",\"backend\",\"container\") "
    "WHERE \"c\" >= 9 GROUP BY \"service\",\"service_name\",\"backend\"";

/* A target policy's plan: the three statements and the ready one. */
Test(iql_ready, target_policy_statement)
{
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct iql_plan		*pl;
	const char		*q;

	make_policy(&p, "web", "cpu_ratio", NULL, "20s", "20s", NULL);
	p.mode = POLICY_MODE_TARGET;
	pl = iql_plan_build_every(pv, 1, NULL, "docker", 2 * SEC);
	cr_assert_eq(iql_plan_nstatements(pl), 4);
	q = iql_plan_part_query(pl, 0);
	cr_expect_not_null(strstr(q, "GROUP BY \"service\",\"service_name\","
	    "\"backend\";SELECT sum("), "%s", q);
	cr_expect_str_eq(strstr(q, "SELECT sum("), ready_20s);
	iql_plan_free(pl);
	policy_clear(&p);
}

/*
 * One ready statement per (field, aggregate, window) of the target and
 * capacity policies; none for threshold mode; a percentile and another
 * window each have their own; the default interval gives K 59 for 10m.
 */
Test(iql_ready, statements_per_field_aggregate_window)
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
	pl = iql_plan_build(pv, 1, NULL, "docker");
	cr_expect_eq(iql_plan_nstatements(pl), 3, "threshold: no ready");
	cr_expect_null(strstr(iql_plan_part_query(pl, 0), "sum("));
	iql_plan_free(pl);
	pl = iql_plan_build(pv, 4, NULL, "docker");
	/* 3 (10m mean) + 1 ready; p95 10m: 1 + 1; 5m: 3 + 1 */
	cr_expect_eq(iql_plan_nstatements(pl), 10);
	q = iql_plan_part_query(pl, 0);
	cr_expect_not_null(strstr(q, "(SELECT mean(\"cpu_ratio\") AS \"m\", "
	    "count(\"cpu_ratio\") AS \"c\" FROM \"docker\" WHERE time > "
	    "now() - 10m GROUP BY \"service\",\"service_name\",\"backend\","
	    "\"container\") WHERE \"c\" >= 59 GROUP BY"), "%s", q);
	cr_expect_not_null(strstr(q, "(SELECT percentile(\"cpu_ratio\", 95) "
	    "AS \"m\", count(\"cpu_ratio\") AS \"c\" FROM \"docker\" WHERE "
	    "time > now() - 5m GROUP BY \"service\",\"service_name\","
	    "\"backend\",\"container\") WHERE \"c\" >= 29 GROUP BY"), "%s", q);
	iql_plan_free(pl);
	for (k = 0; k < 4; k++)
		policy_clear(&p[k]);
}

/*
 * The answer InfluxDB 1.6 gives to a target policy's plan (statement 3:
 * the ready containers, time 0): service s1 has two ready containers,
 * s2 data but none ready (no series), s3 a null sum.
 */
static const char ready_answer[] =
    "{\"results\":["
    "{\"statement_id\":0,\"series\":["
    "{\"tags\":{\"backend\":\"docker\",\"service\":\"s1\","
    "\"service_name\":\"web\"},\"columns\":[\"time\",\"value\",\"n\"],"
    "\"values\":[[1,30,25]]},"
    "{\"tags\":{\"backend\":\"docker\",\"service\":\"s2\","
    "\"service_name\":\"api\"},\"columns\":[\"time\",\"value\",\"n\"],"
    "\"values\":[[1,80,4]]},"
    "{\"tags\":{\"backend\":\"docker\",\"service\":\"s3\","
    "\"service_name\":\"db\"},\"columns\":[\"time\",\"value\",\"n\"],"
    "\"values\":[[1,5,10]]}]},"
    "{\"statement_id\":1,\"series\":["
    "{\"tags\":{\"service\":\"s1\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[100,1]]},"
    "{\"tags\":{\"service\":\"s2\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[110,1]]},"
    "{\"tags\":{\"service\":\"s3\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[100,1]]}]},"
    "{\"statement_id\":2,\"series\":["
    "{\"tags\":{\"service\":\"s1\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[200,1]]},"
    "{\"tags\":{\"service\":\"s2\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[200,1]]},"
    "{\"tags\":{\"service\":\"s3\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[200,1]]}]},"
    "{\"statement_id\":3,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"s1\",\"service_name\":\"web\"},\"columns\":[\"time\",\"total\","
    "\"n\"],\"values\":[[0,57.5,2]]},"
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"s3\",\"service_name\":\"db\"},\"columns\":[\"time\",\"total\","
    "\"n\"],\"values\":[[0,null,1]]}]}]}";

static struct iql_plan *
target_plan(struct policy *p, const struct policy **pv)
{
	make_policy(p, "s1", "cpu_ratio", NULL, "20s", "20s", NULL);
	p->mode = POLICY_MODE_TARGET;
	*pv = p;
	return iql_plan_build_every(pv, 1, NULL, "docker", 2 * SEC);
}

Test(iql_ready, answer_maps_to_ready_fields)
{
	struct policy		 p;
	const struct policy	*pv[1];
	struct iql_plan		*pl = target_plan(&p, pv);
	struct decide_obs	 o, i;
	const char		*why = "x";
	char			 err[256];

	cr_assert_eq(fill_plan(pl, ready_answer, err, sizeof(err)), 0, "%s",
	    err);
	iql_plan_obs(pl, 0, "s1", "web", &o, &i, &why);
	cr_expect_null(why);
	cr_expect(o.present && o.value == 30 && o.count == 25);
	cr_expect(o.ready_known);
	cr_expect_eq(o.ready_n, 2);
	cr_expect_eq(o.ready_total, 57.5);
	cr_expect_eq(memcmp(&o, &i, sizeof(o)), 0, "one window, both sides");
	/* answered, no series: none ready */
	iql_plan_obs(pl, 0, "s2", "api", &o, &i, &why);
	cr_expect(o.present && o.ready_known);
	cr_expect_eq(o.ready_n, 0);
	cr_expect_eq(o.ready_total, 0);
	/* a null sum is not known */
	iql_plan_obs(pl, 0, "s3", "db", &o, &i, &why);
	cr_expect(o.present && !o.ready_known);
	/* no data at all: absent, nothing ready known */
	iql_plan_obs(pl, 0, "s9", "x", &o, &i, &why);
	cr_expect(!o.present && !o.ready_known && why == NULL);
	iql_plan_free(pl);
	policy_clear(&p);
}

Test(iql_ready, statement_error_makes_the_window_absent)
{
	static const char answer[] =
	    "{\"results\":["
	    "{\"statement_id\":0,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\",\"n\"],\"values\":[[1,30,25]]}]},"
	    "{\"statement_id\":1,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[100,1]]}]},"
	    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[200,1]]}]},"
	    "{\"statement_id\":3,\"error\":\"subquery refused\"}]}";
	struct policy		 p;
	const struct policy	*pv[1];
	struct iql_plan		*pl = target_plan(&p, pv);
	struct decide_obs	 o, i;
	const char		*why = NULL;

	cr_assert_eq(fill_plan(pl, answer, NULL, 0), 0);
	iql_plan_obs(pl, 0, "s1", "web", &o, &i, &why);
	cr_expect(!o.present && !o.ready_known);
	cr_expect_str_eq(why, "subquery refused");
	/* a ready row without its total column is malformed */
	cr_expect_neq(fill_plan(pl, "{\"results\":[{\"statement_id\":3,"
	    "\"series\":[{\"tags\":{\"service\":\"s1\"},\"columns\":[\"time\","
	    "\"value\",\"n\"],\"values\":[[0,1,1]]}]}]}", NULL, 0), 0);
	iql_plan_free(pl);
	policy_clear(&p);
}
