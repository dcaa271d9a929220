/*
 * Unit tests for issue 12's signals: the columns (measurement,
 * service_tag, per_replica, activation, predict, lead, aggregate rate and
 * its units), the InfluxQL of rates, custom measurements and peaks, the
 * answer of a custom measurement read back by its own tag, and decide's
 * rules for a custom total, scale from and to zero. Expectations are
 * derived by hand on their lines.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "decide.h"
#include "iql.h"
#include "iql_fixture.h"
#include "policy.h"

#define NS_S	INT64_C(1000000000)
#define MIN	(60 * NS_S)
#define NOW	(INT64_C(1800000000) * NS_S)
#define IVL	(10 * NS_S)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define COL(c)	offsetof(struct policy_row, c)

/* A target-mode row on an application's queue length. */
static struct policy_row
queue_row(void)
{
	struct policy_row r;

	memset(&r, 0, sizeof(r));
	r.seq = "7";
	r.min_no = "0";
	r.max_no = "4";
	r.cond_item = "queue";
	r.measurement = "app";
	r.mode = "target";
	r.setpoint = "10";
	r.out_duration = "30s";
	r.in_duration = "1m";
	r.service_id = "worker";
	return r;
}

Test(signal, custom_row_defaults)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	char			err[256];

	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(p.measurement, "app");
	cr_expect_str_eq(p.service_tag, "service_name");
	cr_expect(!p.of_total);
	cr_expect_eq(p.activation, 0);
	cr_expect_eq(p.predict_ns, 0);
	cr_expect_eq(p.lead_ns, 60 * NS_S);
	cr_expect_eq(p.min_no, 0);
	policy_clear(&p);
	/* "docker" is ds's measurement: no custom source */
	r.measurement = "docker";
	r.cond_item = "cpu_ratio";
	r.min_no = "1";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_null(p.measurement);
	cr_expect_null(p.service_tag);
	policy_clear(&p);
}

Test(signal, rate_and_prediction_columns)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	char			err[256];

	r.measurement = NULL;
	r.min_no = "1";
	r.cond_item = "blk_write";
	r.aggregate = "rate";
	r.setpoint = "5MB/s";
	r.predict = "1h";
	r.lead = "90s";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.aggregate, POLICY_AGG_RATE);
	cr_expect_eq(p.setpoint, 5e6);
	cr_expect_eq(p.predict_ns, 3600 * NS_S);
	cr_expect_eq(p.lead_ns, 90 * NS_S);
	cr_expect(!p.of_total);
	policy_clear(&p);
	/* a total has no per-replica size for a forecast to be cut into */
	r.per_replica = "false";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "predict needs per_replica: a forecast load is "
	    "sized by what one replica carries");
	r.predict = "off";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.predict_ns, 0);
	cr_expect(p.of_total);
	policy_clear(&p);
}

static const struct {
	size_t		 col;
	const char	*value;
	const char	*err;
} bad_cols[] = {
	{ COL(measurement), "a\nb", "measurement \"a?b\" is not an InfluxDB "
	    "name (1 to 128 bytes, no control characters)" },
	{ COL(measurement), "", "measurement \"\" is not an InfluxDB name" },
	{ COL(cond_item), "q\tx", "cond_item \"q?x\" is not an InfluxDB name" },
	{ COL(service_tag), "\x01", "service_tag \"?\" is not an InfluxDB "
	    "name" },
	{ COL(per_replica), "maybe", "per_replica \"maybe\" is not a boolean" },
	{ COL(activation), "-1", "activation \"-1\": expected a number" },
	{ COL(activation), "3/s", "activation \"3/s\": a per-second unit "
	    "needs aggregate rate" },
	{ COL(predict), "1m", "predict \"1m\" is not a period from 5m to 7d" },
	{ COL(predict), "30d", "predict \"30d\" is not a period from 5m to 7d" },
	{ COL(predict), "hourly", "predict \"hourly\"" },
	{ COL(lead), "0s", "lead \"0s\"" },
	{ COL(aggregate), "rates", "aggregate \"rates\" is not mean, min, max, "
	    "median, rate or a percentile" },
	{ COL(setpoint), "10 %/s", "setpoint \"10 %/s\": unknown unit \"%/s\"" },
};

Test(signal, invalid_columns_say_why)
{
	struct policy_row	r;
	struct policy		p;
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(bad_cols); i++) {
		r = queue_row();
		r.predict = "1h";
		*(const char **)((char *)&r + bad_cols[i].col) =
		    bad_cols[i].value;
		cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL,
		    "case %zu accepted", i);
		cr_expect(strncmp(err, bad_cols[i].err,
		    strlen(bad_cols[i].err)) == 0, "case %zu: %s", i, err);
	}
}

Test(signal, rules_between_columns)
{
	struct policy_row	r;
	struct policy		p;
	char			err[256];

	/* a rate of a gauge */
	r = queue_row();
	r.measurement = NULL;
	r.min_no = "1";
	r.cond_item = "cpu_ratio";
	r.setpoint = "70%";
	r.aggregate = "rate";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "aggregate rate applies to the counters "
	    "net_read, net_write, blk_read and blk_write, not to cpu_ratio");
	/* 0 replicas on ds's own points: nothing would ever start it */
	r.aggregate = NULL;
	r.min_no = "0";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "scale from zero needs a measurement") != NULL,
	    "%s", err);
	/* a service tag names a custom measurement's tag */
	r = queue_row();
	r.measurement = NULL;
	r.min_no = "1";
	r.cond_item = "cpu_ratio";
	r.setpoint = "70%";
	r.service_tag = "app";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect(strncmp(err, "service_tag applies to a measurement",
	    36) == 0, "%s", err);
	/* capacity mode on ds's points at 0: only min_available starts it */
	r = queue_row();
	r.measurement = NULL;
	r.cond_item = "cpu_ratio";
	r.mode = "capacity";
	r.capacity = "50%";
	r.setpoint = NULL;
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "min_available above 0") != NULL, "%s", err);
	r.min_available = "10%";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	policy_clear(&p);
	/* a tag named like the statements' own columns */
	r = queue_row();
	r.service_tag = "m";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "service_tag \"m\" is a name das's statements") ==
	    err, "%s", err);
	/* lead must be shorter than the period */
	r = queue_row();
	r.predict = "5m";
	r.lead = "5m";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "lead \"5m\" is not shorter than predict \"5m\"");
	/* per-second units: only with aggregate rate; bytes on bytes */
	r = queue_row();
	r.measurement = NULL;
	r.min_no = "1";
	r.cond_item = "net_read";
	r.setpoint = "5MB/s";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "a per-second unit needs aggregate rate") !=
	    NULL, "%s", err);
	/* any unit on a custom field: its user knows what it holds */
	r = queue_row();
	r.setpoint = "2MB";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	policy_clear(&p);
}

/* The statements of one policy row, parsed. */
static struct iql_plan *
plan_of(struct policy_row r, struct policy *p)
{
	const struct policy	*pv[1] = { p };
	char			 err[256];

	cr_assert_eq(policy_parse(&r, p, err, sizeof(err)), 0, "%s", err);
	return iql_plan_build(pv, 1, NULL, "docker");
}

Test(signal, rate_statements)
{
	struct policy_row	 r = queue_row();
	struct policy		 p;
	struct iql_plan		*pl;
	const char		*q;

	r.measurement = NULL;
	r.min_no = "1";
	r.cond_item = "net_read";
	r.aggregate = "rate";
	r.setpoint = "1MB/s";
	r.in_duration = "30s";
	pl = plan_of(r, &p);
	q = iql_plan_part_query(pl, 0);
	/* per container, the derivative per second; per service the mean */
	cr_expect(strstr(q, "SELECT mean(\"r\") AS \"value\", count(\"r\") AS "
	    "\"n\" FROM (SELECT non_negative_derivative(\"net_read\", 1s) AS "
	    "\"r\" FROM \"docker\" WHERE time > now() - 30s GROUP BY "
	    "\"service\",\"service_name\",\"backend\",\"container\") GROUP BY "
	    "\"service\",\"service_name\",\"backend\"") != NULL, "%s", q);
	/* coverage reads the raw samples' times */
	cr_expect(strstr(q, "SELECT first(\"net_read\") AS \"value\" FROM "
	    "\"docker\" WHERE time > now() - 30s GROUP BY") != NULL, "%s", q);
	/* the ready containers: das's own, from the raw samples */
	cr_expect(strstr(q, ";SELECT \"net_read\",\"service\","
	    "\"service_name\",\"backend\",\"container\" FROM \"docker\" "
	    "WHERE time > ") != NULL, "%s", q);
	cr_expect_eq(iql_plan_nstatements(pl), 4);
	iql_plan_free(pl);
	policy_clear(&p);
}

/*
 * A rate's ready containers: K is 30 s / 10 s - 1 = 2 samples, so 1
 * rate: a container with two samples in the window counts, at its rate
 * (1000 bytes in 10 s: 100/s); one with a single sample has none.
 */
Test(signal, rate_ready_needs_one_rate)
{
	static const char answer[] =
	    "{\"results\":[{\"statement_id\":0,\"series\":[{\"tags\":{"
	    "\"service\":\"s1\"},\"columns\":[\"time\",\"value\",\"n\"],"
	    "\"values\":[[1,100,1]]}]},"
	    "{\"statement_id\":1,\"series\":[{\"tags\":{\"service\":"
	    "\"s1\"},\"columns\":[\"time\",\"value\"],\"values\":"
	    "[[980000000000,5000]]}]},"
	    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":"
	    "\"s1\"},\"columns\":[\"time\",\"value\"],\"values\":"
	    "[[990000000000,7000]]}]},"
	    "{\"statement_id\":3,\"series\":[{"
	    "\"name\":\"docker\",\"columns\":[\"time\",\"net_read\","
	    "\"service\",\"service_name\",\"backend\",\"container\"],"
	    "\"values\":["
	    "[980000000000,5000,\"s1\",\"web\",\"docker\",\"a\"],"
	    "[990000000000,6000,\"s1\",\"web\",\"docker\",\"a\"],"
	    "[990000000000,7000,\"s1\",\"web\",\"docker\",\"b\"]]}]}]}";
	struct policy_row	 r = queue_row();
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct iql_cache_opts	 co = { .now_ns = INT64_C(1000000000000) };
	struct iql_plan		*pl;
	struct decide_obs	 o, i;
	const char		*why = NULL;
	char			 err[256];

	r.measurement = NULL;
	r.min_no = "1";
	r.cond_item = "net_read";
	r.aggregate = "rate";
	r.setpoint = "1MB/s";
	r.out_duration = r.in_duration = "30s";
	r.service_id = "s1";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert_eq(fill_plan(pl, answer, err, sizeof(err)), 0, "%s", err);
	iql_plan_cache_done(pl, true);
	iql_plan_obs(pl, 0, "s1", "web", &o, &i, &why);
	cr_expect(o.present && o.ready_known);
	cr_expect_eq(o.ready_n, 1);
	cr_expect_float_eq(o.ready_total, 100, 1e-9);
	iql_plan_free(pl);
	policy_clear(&p);
}

Test(signal, custom_statements_and_hostile_names)
{
	struct policy_row	 r = queue_row();
	struct policy		 p;
	struct iql_plan		*pl;
	const char		*q;

	r.measurement = "app\"; DROP DATABASE x";
	r.service_tag = "svc\\";
	r.in_duration = "30s";
	pl = plan_of(r, &p);
	q = iql_plan_part_query(pl, 0);
	/* per series, summed per service; min_no 0 asks the extremes */
	cr_expect(strstr(q, "SELECT sum(\"m\") AS \"value\", sum(\"c\") AS "
	    "\"n\", sum(\"l\") AS \"lo\", sum(\"h\") AS \"hi\" FROM (SELECT "
	    "mean(\"queue\") AS \"m\", count(\"queue\") AS \"c\", "
	    "min(\"queue\") AS \"l\", max(\"queue\") AS \"h\" FROM "
	    "\"app\\\"; DROP DATABASE x\" WHERE time > now() - 30s GROUP BY *) "
	    "GROUP BY \"svc\\\\\"") != NULL, "%s", q);
	/* no ready statement: a custom total has no containers */
	cr_expect_eq(iql_plan_nstatements(pl), 3);
	iql_plan_free(pl);
	policy_clear(&p);
}

Test(signal, peak_statements)
{
	struct policy_row	 r = queue_row();
	struct policy		 p;
	struct iql_plan		*pl;
	const char		*q;

	r.predict = "1h";
	pl = plan_of(r, &p);
	q = iql_plan_part_query(pl, 0);
	/* 2 windows × 3 + 7 periods back */
	cr_expect_eq(iql_plan_nstatements(pl), 13);
	cr_expect(strstr(q, "SELECT max(\"t\") AS \"value\" FROM (SELECT "
	    "sum(\"m\") AS \"t\" FROM (SELECT mean(\"queue\") AS \"m\" FROM "
	    "\"app\" WHERE time > now() - 1h AND time <= now() - 59m GROUP BY "
	    "time(10s),*) WHERE time > now() - 1h AND time <= now() - 59m "
	    "GROUP BY time(10s),\"service_name\") GROUP BY \"service_name\"") !=
	    NULL, "%s", q);
	cr_expect(strstr(q, "now() - 7h AND time <= now() - 419m") != NULL);
	cr_expect(strstr(q, "now() - 8h") == NULL);
	iql_plan_free(pl);
	policy_clear(&p);
}

/* An answer for the queue policy: window rows, one peak per period. */
Test(signal, custom_answer_by_its_own_tag)
{
	struct policy_row	 r = queue_row();
	struct policy		 p;
	struct iql_plan		*pl;
	struct iql_fill		*f;
	struct decide_obs	 o, i;
	struct buf		 a;
	double			 peaks[PREDICT_PERIODS];
	const char		*why;
	char			 err[256];
	size_t			 k;

	r.predict = "1h";
	pl = plan_of(r, &p);
	buf_init(&a);
	buf_adds(&a, "{\"results\":[");
	for (k = 0; k < 13; k++) {
		buf_printf(&a, "%s{\"statement_id\":%zu,\"series\":[{\"name\":"
		    "\"app\",\"tags\":{\"service_name\":\"worker\"},\"columns\":"
		    "[\"time\",\"value\"%s],\"values\":[[%lld,%d%s]]}]}",
		    k ? "," : "", k, k % 3 == 0 && k < 6 ? ",\"n\",\"lo\","
		    "\"hi\"" : "", (long long)(NOW - (k % 3 == 1 ? 29 : 1) *
		    NS_S), k < 6 ? 25 : 30 + (int)k, k % 3 == 0 && k < 6 ?
		    ",6,0,40" : "");
	}
	buf_adds(&a, "]}");
	f = iql_fill_new(pl, 0);
	cr_assert_eq(iql_fill_feed(f, buf_str(&a), a.len), 0);
	cr_assert_eq(iql_fill_finish(f, err, sizeof(err)), 0, "%s", err);
	iql_fill_free(f);
	iql_plan_obs(pl, 0, "id-not-used", "worker", &o, &i, &why);
	cr_expect_null(why);
	cr_expect(o.present && o.total);
	cr_expect_eq(o.value, 25);
	cr_expect_eq(o.count, 6);
	cr_expect_eq(i.max, 40);
	cr_expect(!o.ready_known);
	iql_plan_peaks(pl, 0, "id-not-used", "worker", peaks);
	/* statements 6..12 answered 36..42 */
	for (k = 0; k < PREDICT_PERIODS; k++)
		cr_expect_eq(peaks[k], 36 + (double)k, "peak %zu", k);
	/* another service's name finds nothing */
	iql_plan_obs(pl, 0, "worker", "web", &o, &i, &why);
	cr_expect(!o.present);
	buf_free(&a);
	iql_plan_free(pl);
	policy_clear(&p);
}

/* A covered custom window holding total v (max hi). */
static struct decide_obs
total_obs(double v, double hi)
{
	struct decide_obs	o;

	memset(&o, 0, sizeof(o));
	o.present = o.total = true;
	o.value = v;
	o.min = v;
	o.max = hi;
	o.count = 6;
	o.first_ns = NOW - MIN + IVL;
	o.last_ns = NOW;
	return o;
}

/* decide with the windows o and i and the recommendations recs[0..n). */
static struct decide_out
run_recs(const struct policy *p, int replicas, struct decide_obs o,
    struct decide_obs i, const struct decide_rec *recs, size_t n)
{
	struct decide_in	in;
	struct decide_out	out;

	memset(&in, 0, sizeof(in));
	in.policy = p;
	in.replicas = replicas;
	in.now_ns = NOW;
	in.sample_interval_ns = IVL;
	in.out = o;
	in.in = i;
	in.recs = recs;
	in.nrecs = n;
	decide(&in, &out);
	return out;
}

static struct decide_out
run(const struct policy *p, int replicas, struct decide_obs o,
    struct decide_obs i)
{
	return run_recs(p, replicas, o, i, NULL, 0);
}

Test(signal, decide_custom_total_and_zero)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	struct decide_out	d;
	char			err[256];

	r.stabilize_in = "0";
	r.in_duration = "1m";
	r.out_duration = "1m";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	/* 0 replicas, queue 25 > activation 0: start, ceil(25/10) = 3 */
	d = run(&p, 0, total_obs(25, 30), total_obs(25, 30));
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 3);
	cr_expect_str_eq(d.reason, "activation");
	/* 0 replicas, nothing queued: stays at 0 */
	d = run(&p, 0, total_obs(0, 0), total_obs(0, 0));
	cr_expect_eq(d.action, DECIDE_STEADY, "%s", d.reason);
	cr_expect_eq(d.after, 0);
	/* 2 replicas, 25 queued: u = 12.5 per replica > 10 × 1.1: 3 */
	d = run(&p, 2, total_obs(25, 30), total_obs(25, 30));
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 3);
	cr_expect_eq(d.value, 12.5);
	/* 2 replicas, queue empty on average but 3 at its peak: not 0 */
	d = run(&p, 2, total_obs(0, 3), total_obs(0, 3));
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 1);
	/* ... and 1 replica there holds at 1 */
	d = run(&p, 1, total_obs(0, 3), total_obs(0, 3));
	cr_expect_neq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 1);
	/* nothing at all over the in window: back to 0 */
	d = run(&p, 1, total_obs(0, 0), total_obs(0, 0));
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 0);
	/* 0 replicas, queue 100: straight to ceil(100 / 10) = 10, capped
	 * at max_no 4, not by max_step_out from 0 */
	p.max_step_out = 1;
	d = run(&p, 0, total_obs(100, 100), total_obs(100, 100));
	cr_expect_eq(d.after, 4);
	p.max_step_out = 0;
	/* activation 5: a queue of 4 does not start it */
	p.activation = 5;
	d = run(&p, 0, total_obs(4, 4), total_obs(4, 4));
	cr_expect_eq(d.after, 0);
	policy_clear(&p);
}

Test(signal, decide_threshold_on_a_total)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	struct decide_out	d;
	char			err[256];

	r.mode = NULL;
	r.setpoint = NULL;
	r.min_no = "1";
	r.out_cond = "100";
	r.in_cond = "20";
	r.out_duration = r.in_duration = "1m";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	/* per replica: 300 over 2 replicas is 150 > 100 */
	d = run(&p, 2, total_obs(300, 300), total_obs(300, 300));
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.value, 150);
	/* of the total (per_replica false): 300 > 100 too, 90 in band */
	p.of_total = true;
	d = run(&p, 4, total_obs(90, 90), total_obs(90, 90));
	cr_expect_eq(d.action, DECIDE_STEADY);
	cr_expect_eq(d.value, 90);
	policy_clear(&p);
}

/* Prediction on a row that may rest at 0: an idle forecast starts nothing. */
Test(signal, prediction_lets_a_service_rest_at_zero)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	struct decide_in	in;
	struct decide_out	d;
	double			idle[PREDICT_PERIODS] = { 0, 0, 0, 0, 0, 0, 0 };
	double			busy[PREDICT_PERIODS] = { 30, 30, 30, 30, 30,
				    30, 30 };
	char			err[256];

	r.predict = "1h";
	r.stabilize_in = "0";
	r.in_duration = "1m";
	r.out_duration = "1m";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	memset(&in, 0, sizeof(in));
	in.policy = &p;
	in.now_ns = NOW;
	in.sample_interval_ns = IVL;
	in.out = in.in = total_obs(0, 0);
	in.peaks = idle;
	decide(&in, &d);
	cr_expect_eq(d.action, DECIDE_STEADY, "%s", d.reason);
	cr_expect_eq(d.after, 0);
	/* and at 1 with nothing due, back to 0 */
	in.replicas = 1;
	decide(&in, &d);
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 0);
	/* a burst of 30 due: from 0 to ceil(30 / 10) = 3 ahead of it */
	in.replicas = 0;
	in.peaks = busy;
	decide(&in, &d);
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 3);
	cr_expect_str_eq(d.reason, "predicted");
	policy_clear(&p);
}

/*
 * per_replica false in target mode is HPA's Value target: desired =
 * ceil(replicas × total / setpoint). A queue of 90 at 2 replicas and
 * setpoint 30: 6 (per replica it would be 45 each: ceil(90 / 30) = 3).
 */
Test(signal, decide_target_on_a_total_both_ways)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	struct decide_out	d;
	char			err[256];

	r.min_no = "1";
	r.max_no = "10";
	r.setpoint = "30";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	d = run(&p, 2, total_obs(90, 90), total_obs(90, 90));
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 3);
	cr_expect_eq(d.value, 45);
	p.of_total = true;
	d = run(&p, 2, total_obs(90, 90), total_obs(90, 90));
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 6);
	cr_expect_eq(d.value, 90);
	/* the total at its target holds whatever the count */
	d = run(&p, 5, total_obs(30, 30), total_obs(30, 30));
	cr_expect_eq(d.action, DECIDE_STEADY);
	policy_clear(&p);
}

/*
 * Back to 0 needs stabilization too: nothing over the in window, but a
 * recommendation of 2 within the last stabilize_in (1 m) holds 2; once
 * it is older than the window, 2 -> 0.
 */
Test(signal, back_to_zero_waits_for_stabilization)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	struct decide_out	d;
	struct decide_rec	recs[] = { { NOW - 50 * NS_S, 2 } };
	char			err[256];

	r.stabilize_in = "1m";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	d = run_recs(&p, 2, total_obs(0, 0), total_obs(0, 0), recs,
	    NITEMS(recs));
	cr_expect_eq(d.action, DECIDE_HOLD);
	cr_expect_str_eq(d.reason, "stabilizing");
	cr_expect_eq(d.after, 2);
	recs[0].ns = NOW - 61 * NS_S;
	d = run_recs(&p, 2, total_obs(0, 0), total_obs(0, 0), recs,
	    NITEMS(recs));
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	cr_expect_eq(d.after, 0);
	policy_clear(&p);
}

/* Two ready containers whose rates sum to total (ds's own counters). */
static struct decide_obs
rate_obs(double total)
{
	struct decide_obs	o;

	memset(&o, 0, sizeof(o));
	o.present = true;
	o.value = total / 2;
	o.min = o.max = total / 2;
	o.count = 12;
	o.first_ns = NOW - MIN + IVL;
	o.last_ns = NOW;
	o.ready_known = true;
	o.ready_n = 2;
	o.ready_total = total;
	return o;
}

/* A rate with units in threshold and capacity modes (bytes/s). */
Test(signal, rates_in_threshold_and_capacity_modes)
{
	struct policy_row	r = queue_row();
	struct policy		p;
	struct decide_out	d;
	char			err[256];

	r.measurement = NULL;
	r.min_no = "1";
	r.max_no = "10";
	r.cond_item = "blk_write";
	r.aggregate = "rate";
	r.mode = NULL;
	r.setpoint = NULL;
	r.out_cond = "5MB/s";
	r.in_cond = "1MB/s";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.out.value, 5e6);
	cr_expect_eq(p.in.value, 1e6);
	/* 12 MB/s over 2: 6 MB/s each > 5 MB/s; 1.6 MB/s: 0.8 < 1 */
	d = run(&p, 2, rate_obs(12e6), rate_obs(12e6));
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.value, 6e6);
	d = run(&p, 2, rate_obs(1.6e6), rate_obs(1.6e6));
	cr_expect_eq(d.action, DECIDE_SCALE_IN);
	d = run(&p, 2, rate_obs(6e6), rate_obs(6e6));
	cr_expect_eq(d.action, DECIDE_STEADY);
	policy_clear(&p);
	/* capacity 4 MB/s a replica: 12 MB/s needs 3 */
	r.mode = "capacity";
	r.out_cond = r.in_cond = NULL;
	r.capacity = "4MB/s";
	r.step_out = "10";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.capacity, 4e6);
	d = run(&p, 2, rate_obs(12e6), rate_obs(12e6));
	cr_expect_eq(d.action, DECIDE_SCALE_OUT);
	cr_expect_eq(d.after, 3);
	policy_clear(&p);
	/* a unit of rate on a field that is not one is refused */
	r.aggregate = NULL;
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
}
