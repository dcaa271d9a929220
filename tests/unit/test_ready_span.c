/*
 * Unit tests for the ready containers' common span without das's cache
 * (scaler/iql.h, scaler/wcache.h): containers on nodes of other phases,
 * a rate's ready containers, and a plan filled twice.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "buf.h"
#include "decide.h"
#include "iql.h"
#include "iql_fixture.h"
#include "policy.h"

#define SEC	INT64_C(1000000000)

static const char *
head3(void)
{
	/* statements 0..2 as InfluxDB answers them (content irrelevant) */
	return "{\"statement_id\":0,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\",\"n\"],\"values\":[[1,100,6]]}]},"
	    "{\"statement_id\":1,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[971000000000,1]]}]},"
	    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":\"s1\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[995000000000,1]]}]},";
}

static struct iql_plan *
plan30(struct policy *p, const char *field, const char *agg)
{
	struct policy_row	 r;
	const struct policy	*pv[1] = { p };
	struct iql_cache_opts	 co = { .now_ns = 1000 * SEC };
	char			 err[256];

	memset(&r, 0, sizeof(r));
	r.seq = "1";
	r.min_no = "1";
	r.max_no = "10";
	r.cond_item = field;
	r.aggregate = agg;
	r.mode = "target";
	r.setpoint = agg != NULL ? "1MB/s" : "50%";
	r.out_duration = r.in_duration = "30s";
	r.service_id = "s1";
	cr_assert_eq(policy_parse(&r, p, err, sizeof(err)), 0, "%s", err);
	/* ds every 10 s: K = max(2, 30/10 - 1) = 2 */
	return iql_plan_build_cached(pv, 1, NULL, "docker", 10 * SEC, &co);
}

#define ROW(t, v, c)	"[" #t "000000000," #v ",\"s1\",\"web\",\"docker\",\"" c "\"]"

/* Fill pl with statements 0..2 and the raw read's rows of field; s1's obs. */
static void
fill_obs(struct iql_plan *pl, const char *field, const char *rows,
    struct decide_obs *o)
{
	struct decide_obs	 i;
	const char		*why = NULL;
	struct buf		 b;
	char			 err[256];

	buf_init(&b);
	buf_printf(&b, "{\"results\":[%s{\"statement_id\":3,\"series\":[{"
	    "\"name\":\"docker\",\"columns\":[\"time\",\"%s\","
	    "\"service\",\"service_name\",\"backend\",\"container\"],"
	    "\"values\":[%s]}]}]}", head3(), field, rows);
	cr_assert_eq(fill_plan(pl, buf_str(&b), err, sizeof(err)), 0, "%s",
	    err);
	iql_plan_cache_done(pl, true);
	iql_plan_obs(pl, 0, "s1", "web", o, &i, &why);
	buf_free(&b);
}

/*
 * 30 s window (970, 1000], ds every 10 s, K = 2. a on node 1 (phase 5)
 * full; b on node 1 started an interval late (first instant missed); c on
 * node 2 (phase 1) whose latest instant is missing: each has K samples,
 * so each is ready (iql.h, wcache.h "those with at least K values").
 * a and b are measured from 985 (b's first), c has nothing there and
 * counts over its own window: 3 × 40.
 */
Test(ready_span, a_container_without_the_common_span_still_counts)
{
	struct policy		 p;
	struct iql_plan		*pl = plan30(&p, "cpu_ratio", NULL);
	struct decide_obs	 o;

	fill_obs(pl, "cpu_ratio", ROW(971, 40, "c") "," ROW(975, 40, "a") ","
	    ROW(981, 40, "c") "," ROW(985, 40, "a") "," ROW(985, 40, "b") ","
	    ROW(995, 40, "a") "," ROW(995, 40, "b"), &o);
	cr_expect(o.ready_known);
	cr_expect_eq(o.ready_n, 3, "ready_n %d", o.ready_n);
	cr_expect_float_eq(o.ready_total, 120, 1e-9, "total %g",
	    o.ready_total);
	iql_plan_free(pl);
	policy_clear(&p);
}

/* The same with aligned instants on a rate: c's last instant missed. */
Test(ready_span, a_rate_container_without_the_common_span_still_counts)
{
	struct policy		 p;
	struct iql_plan		*pl = plan30(&p, "net_read", "rate");
	struct decide_obs	 o;

	fill_obs(pl, "net_read", ROW(975, 5000, "a") "," ROW(975, 3000, "c")
	    "," ROW(985, 6000, "a") "," ROW(985, 1000, "b") ","
	    ROW(985, 4000, "c") "," ROW(995, 7000, "a") ","
	    ROW(995, 2000, "b"), &o);
	cr_expect(o.ready_known);
	cr_expect_eq(o.ready_n, 3, "ready_n %d", o.ready_n);
	iql_plan_free(pl);
	policy_clear(&p);
}

/*
 * iql.h: "part 0's [fill] replaces any earlier fill". Filled twice with
 * the same answer, a plan without das's cache gives the same figures:
 * its own cache starts again (kept, the second fill would add each
 * container's last sample again and c, 1 sample < K, would turn ready).
 */
Test(ready_span, a_second_fill_replaces_the_first)
{
	static const char	 rows[] = ROW(975, 40, "a") ","
	    ROW(985, 40, "a") "," ROW(995, 40, "a") "," ROW(995, 90, "c");
	struct policy		 p;
	struct iql_plan		*pl = plan30(&p, "cpu_ratio", NULL);
	struct decide_obs	 o1, o2;

	fill_obs(pl, "cpu_ratio", rows, &o1);
	fill_obs(pl, "cpu_ratio", rows, &o2);
	cr_expect_eq(o1.ready_n, 1);
	cr_expect_eq(o2.ready_n, o1.ready_n, "second fill: ready_n %d",
	    o2.ready_n);
	cr_expect_float_eq(o2.ready_total, o1.ready_total, 1e-9,
	    "second fill: total %g", o2.ready_total);
	iql_plan_free(pl);
	policy_clear(&p);
}
