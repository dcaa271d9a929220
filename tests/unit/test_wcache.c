/*
 * The window cache (scaler/wcache.h) and the plan that reads it
 * (scaler/iql_cache.c): hand-derived values of InfluxDB's functions over
 * the samples held, the read's instants, and the raw statement.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "iql.h"
#include "iql_fixture.h"
#include "wcache.h"
#include "xmalloc.h"

#define S	INT64_C(1000000000)

static const char *const cpu[] = { "cpu_ratio" };

/* Container c of service svc: one sample of one field. */
static void
add(struct wcache *wc, const char *svc, const char *c, int64_t t, double v)
{
	const char	*tag[WCACHE_TAGS] = { svc, svc, "docker", c };

	cr_assert_eq(wcache_add(wc, tag, t, &v), 0);
}

/* A full read at now over span, samples given by the caller. */
static void
begin_full(struct wcache *wc, int64_t span, int64_t now)
{
	bool	full;

	cr_assert_eq(wcache_begin(wc, cpu, 1, span, now, 10 * S, 0, &full),
	    now - span);
	cr_assert(full);
}

static struct wcache_ask
ask(enum policy_aggregate agg, int64_t from)
{
	return (struct wcache_ask){ .field = 0, .agg = agg, .from_ns = from };
}

Test(wcache, one_service_many_containers_in_time)
{
	struct wcache		*wc = wcache_new();
	struct wcache_ask	 a = ask(POLICY_AGG_MEAN, 100 * S);
	struct wcache_stat	 st;
	const char		*tag[3];

	begin_full(wc, 60 * S, 150 * S);
	add(wc, "s", "a", 95 * S, 1000);	/* before the window */
	add(wc, "s", "a", 110 * S, 10);
	add(wc, "s", "b", 112 * S, 20);
	add(wc, "s", "a", 120 * S, 30);
	add(wc, "s", "b", 122 * S, 40);
	add(wc, "t", "c", 121 * S, 5);
	wcache_end(wc, true);
	cr_assert_eq(wcache_ngroups(wc), 2);
	cr_assert_eq(wcache_nsamples(wc), 6);	/* 95 s is in the span */
	wcache_group_tags(wc, 0, tag);
	cr_assert_str_eq(tag[0], "s");
	cr_assert_str_eq(tag[2], "docker");
	cr_assert(wcache_window(wc, 0, &a, &st));
	cr_assert_eq(st.n, 4);
	cr_assert_float_eq(st.value, 25, 1e-9);
	cr_assert_float_eq(st.lo, 10, 1e-9);
	cr_assert_float_eq(st.hi, 40, 1e-9);
	cr_assert_eq(st.first, 110 * S);
	cr_assert_eq(st.last, 122 * S);
	/* (from, ...]: a sample at from is out */
	a.from_ns = 110 * S;
	cr_assert(wcache_window(wc, 0, &a, &st));
	cr_assert_eq(st.n, 3);
	a.from_ns = 122 * S;
	cr_assert_not(wcache_window(wc, 0, &a, &st));
	wcache_free(wc);
}

Test(wcache, ranks_as_influxdb)
{
	struct wcache		*wc = wcache_new();
	struct wcache_ask	 a = ask(POLICY_AGG_MEDIAN, 0);
	struct wcache_stat	 st;
	int			 i;

	begin_full(wc, 100 * S, 100 * S);
	for (i = 1; i <= 10; i++)
		add(wc, "s", i % 2 ? "a" : "b", i * S, 11 - i);
	wcache_end(wc, true);
	cr_assert(wcache_window(wc, 0, &a, &st));
	cr_assert_float_eq(st.value, 5.5, 1e-9);
	a.agg = POLICY_AGG_PERCENTILE;
	a.pct = 95;	/* floor(10 × 0.95 + 0.5) − 1 = 9: the largest */
	cr_assert(wcache_window(wc, 0, &a, &st));
	cr_assert_float_eq(st.value, 10, 1e-9);
	a.pct = 4;	/* floor(0.4 + 0.5) − 1 = −1: null */
	cr_assert(wcache_window(wc, 0, &a, &st));
	cr_assert(isnan(st.value));
	cr_assert_eq(st.n, 10);
	wcache_free(wc);
}

Test(wcache, rates_skip_resets_and_pairs_across_the_edge)
{
	struct wcache		*wc = wcache_new();
	struct wcache_ask	 a = ask(POLICY_AGG_RATE, 10 * S);
	struct wcache_stat	 st;

	begin_full(wc, 100 * S, 100 * S);
	add(wc, "s", "a", 10 * S, 0);	/* at from: not in the window */
	add(wc, "s", "a", 20 * S, 1000);
	add(wc, "s", "a", 30 * S, 3000);
	add(wc, "s", "a", 40 * S, 500);	/* restarted: no rate */
	add(wc, "s", "a", 50 * S, 1500);
	add(wc, "s", "b", 20 * S, 7);	/* one sample: no rate */
	wcache_end(wc, true);
	a.rate = true;
	cr_assert(wcache_window(wc, 0, &a, &st));
	/* 200/s (20→30), 100/s (40→50); 20 s is the first in the window */
	cr_assert_eq(st.n, 2);
	cr_assert_float_eq(st.value, 150, 1e-9);
	cr_assert_eq(st.first, 20 * S);
	cr_assert_eq(st.last, 50 * S);
	/* only b's sample left: a window with samples but no rate */
	a.from_ns = 45 * S;
	add(wc, "t", "c", 60 * S, 1);
	cr_assert_not(wcache_window(wc, 1, &a, &st));
	wcache_free(wc);
}

Test(wcache, ready_containers_by_count)
{
	struct wcache		*wc = wcache_new();
	struct wcache_ask	 a = ask(POLICY_AGG_MEAN, 0);
	double			 total;
	uint64_t		 n;
	int			 i;

	begin_full(wc, 100 * S, 100 * S);
	for (i = 1; i <= 6; i++)
		add(wc, "s", "old", i * 10 * S, 50 + i);
	add(wc, "s", "new", 55 * S, 90);
	add(wc, "s", "new", 60 * S, 90);
	wcache_end(wc, true);
	a.min_count = 5;
	cr_assert(wcache_ready(wc, 0, &a, &total, &n));
	cr_assert_eq(n, 1);
	cr_assert_float_eq(total, 53.5, 1e-9);
	/*
	 * Both ready: each over the span both covered, from new's first
	 * sample (55 s) on: old's 56 (60 s) and new's 90 (its 55 and 60 s),
	 * not old's 53.5 over the whole window, most of it before new took
	 * its share.
	 */
	a.min_count = 2;
	cr_assert(wcache_ready(wc, 0, &a, &total, &n));
	cr_assert_eq(n, 2);
	cr_assert_float_eq(total, 146, 1e-9);
	a.min_count = 7;
	cr_assert_not(wcache_ready(wc, 0, &a, &total, &n));
	wcache_free(wc);
}

Test(wcache, reads_only_what_is_new)
{
	struct wcache		*wc = wcache_new();
	struct wcache_ask	 a = ask(POLICY_AGG_MEAN, 0);
	struct wcache_stat	 st;
	bool			 full;

	begin_full(wc, 60 * S, 100 * S);
	add(wc, "s", "a", 80 * S, 1);
	add(wc, "s", "a", 95 * S, 2);
	wcache_end(wc, true);
	/* 10 s on, lateness 10 s: from 90 s; 95 s is forgotten, read again */
	cr_assert_eq(wcache_begin(wc, cpu, 1, 60 * S, 110 * S, 10 * S, 0,
	    &full), 90 * S);
	cr_assert_not(full);
	cr_assert_eq(wcache_nsamples(wc), 1);
	add(wc, "s", "a", 85 * S, 99);	/* not after from: dropped */
	add(wc, "s", "a", 95 * S, 2);
	add(wc, "s", "a", 105 * S, 3);
	wcache_end(wc, true);
	a.from_ns = 50 * S;
	cr_assert(wcache_window(wc, 0, &a, &st));
	cr_assert_eq(st.n, 3);
	cr_assert_float_eq(st.value, 2, 1e-9);
	/* 90 s later the span has passed: all of it is read, none kept */
	cr_assert_eq(wcache_begin(wc, cpu, 1, 60 * S, 200 * S, 10 * S, 0,
	    &full), 140 * S);
	cr_assert_not(full);
	cr_assert_eq(wcache_nsamples(wc), 0);
	wcache_end(wc, true);
	wcache_free(wc);
}

Test(wcache, full_reads_when_needed)
{
	struct wcache	*wc = wcache_new();
	const char	*two[] = { "cpu_ratio", "mem_ratio" };
	bool		 full;

	begin_full(wc, 60 * S, 100 * S);
	wcache_end(wc, true);
	/* a longer span than held */
	(void)wcache_begin(wc, cpu, 1, 120 * S, 110 * S, 10 * S, 0, &full);
	cr_assert(full);
	wcache_end(wc, true);
	/* a shorter one is in what is held */
	(void)wcache_begin(wc, cpu, 1, 60 * S, 120 * S, 10 * S, 0, &full);
	cr_assert_not(full);
	wcache_end(wc, true);
	/* another field */
	(void)wcache_begin(wc, two, 2, 60 * S, 130 * S, 10 * S, 0, &full);
	cr_assert(full);
	cr_assert_eq(wcache_field(wc, "mem_ratio"), 1);
	/* a failed read */
	wcache_end(wc, false);
	(void)wcache_begin(wc, two, 2, 60 * S, 140 * S, 10 * S, 0, &full);
	cr_assert(full);
	wcache_end(wc, true);
	/* the resync period */
	(void)wcache_begin(wc, two, 2, 60 * S, 150 * S, 10 * S, 20 * S,
	    &full);
	cr_assert_not(full);
	wcache_end(wc, true);
	(void)wcache_begin(wc, two, 2, 60 * S, 160 * S, 10 * S, 20 * S,
	    &full);
	cr_assert(full);
	wcache_end(wc, true);
	/* a leader change */
	wcache_reset(wc);
	(void)wcache_begin(wc, two, 2, 60 * S, 170 * S, 10 * S, 0, &full);
	cr_assert(full);
	wcache_free(wc);
}

Test(wcache, gone_containers_are_dropped)
{
	struct wcache		*wc = wcache_new();
	struct wcache_ask	 a = ask(POLICY_AGG_MEAN, 0);
	struct wcache_stat	 st;
	char			 name[32];
	bool			 full;
	int			 i;

	begin_full(wc, 60 * S, 100 * S);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof name, "c%d", i);
		add(wc, i % 3 == 0 ? "s" : "t", name, 50 * S, i);
	}
	wcache_end(wc, true);
	cr_assert_eq(wcache_ngroups(wc), 2);
	(void)wcache_begin(wc, cpu, 1, 60 * S, 105 * S, 10 * S, 0, &full);
	cr_assert_not(full);
	add(wc, "t", "c1", 101 * S, 7);
	add(wc, "t", "late", 102 * S, 9);
	wcache_end(wc, true);
	/* 50 s samples are still in (45 s, 105 s] */
	cr_assert_eq(wcache_nsamples(wc), 3002);
	(void)wcache_begin(wc, cpu, 1, 60 * S, 115 * S, 10 * S, 0, &full);
	cr_assert_not(full);
	/* from 95 s: InfluxDB gives both again */
	add(wc, "t", "c1", 101 * S, 7);
	add(wc, "t", "late", 102 * S, 9);
	wcache_end(wc, true);
	/* past 55 s: only c1's and late's are left, one service */
	cr_assert_eq(wcache_nsamples(wc), 2);
	cr_assert_eq(wcache_ngroups(wc), 1);
	cr_assert(wcache_window(wc, 0, &a, &st));
	cr_assert_eq(st.n, 2);
	cr_assert_float_eq(st.value, 8, 1e-9);
	wcache_free(wc);
}

Test(wcache, refuses_a_separator_in_a_tag)
{
	struct wcache	*wc = wcache_new();
	const char	*tag[WCACHE_TAGS] = { "a\x01" "b", "x", "docker", "c" };
	double		 v = 1;

	begin_full(wc, 60 * S, 100 * S);
	cr_assert_eq(wcache_add(wc, tag, 90 * S, &v), -EPROTO);
	wcache_free(wc);
}

/* The seed policy's plan with a cache: one raw statement, read back. */
Test(iql_cache, plans_one_raw_read_and_computes_the_rest)
{
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct wcache		*wc = wcache_new();
	struct iql_cache_opts	 co = { wc, 1000 * S, 10 * S, 0 };
	struct iql_plan		*pl;
	struct decide_obs	 out, in;
	const char		*why;
	char			 err[256];
	const char		*answer =
	    "{\"results\":[{\"statement_id\":0,\"series\":[{\"name\":"
	    "\"docker\",\"columns\":[\"time\",\"cpu_ratio\",\"service\","
	    "\"service_name\",\"backend\",\"container\"],\"values\":["
	    "[950000000000,40,\"id1\",\"web\",\"docker\",\"a\"],"
	    "[960000000000,null,\"id1\",\"web\",\"docker\",\"a\"],"
	    "[970000000000,60,\"id1\",\"web\",\"docker\",\"b\"],"
	    "[980000000000,80,\"id2\",\"db\",null,\"c\"]]}]}]}";

	make_policy(&p, "id1", "cpu_ratio", "mean", "2m", "1m", "swarm");
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert(iql_plan_cache_full(pl));
	cr_assert_eq(iql_plan_nstatements(pl), 1);
	cr_assert_str_eq(iql_plan_part_query(pl, 0),
	    "SELECT \"cpu_ratio\",\"service\",\"service_name\",\"backend\","
	    "\"container\" FROM \"docker\" WHERE time > 880000000000");
	cr_assert_eq(fill_plan(pl, answer, err, sizeof err), 0, "%s", err);
	iql_plan_cache_done(pl, true);
	iql_plan_obs(pl, 0, "id1", "web", &out, &in, &why);
	cr_assert_null(why);
	cr_assert(out.present);
	cr_assert_eq(out.count, 2);
	cr_assert_float_eq(out.value, 50, 1e-9);
	cr_assert_eq(out.first_ns, 950 * S);
	cr_assert_eq(out.last_ns, 970 * S);
	/* the in window, (940 s, 1000 s]: the same two */
	cr_assert(in.present);
	cr_assert_eq(in.count, 2);
	iql_plan_free(pl);
	/* next tick: only what is new is asked */
	co.now_ns = 1010 * S;
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert_not(iql_plan_cache_full(pl));
	cr_assert_str_eq(iql_plan_part_query(pl, 0),
	    "SELECT \"cpu_ratio\",\"service\",\"service_name\",\"backend\","
	    "\"container\" FROM \"docker\" WHERE time > 990000000000");
	/* a broken answer: nothing is kept, the next read is full */
	cr_assert_neq(fill_plan(pl, "{\"results\":[", err, sizeof err), 0);
	iql_plan_cache_done(pl, false);
	iql_plan_obs(pl, 0, "id1", "web", &out, &in, &why);
	cr_assert_not(out.present);
	iql_plan_free(pl);
	co.now_ns = 1020 * S;
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert(iql_plan_cache_full(pl));
	iql_plan_free(pl);
	policy_clear(&p);
	wcache_free(wc);
}

/*
 * The raw read is asked in chunks (iql_plan_chunk_rows): a stream of
 * documents, each chunk but a statement's last "partial": true.
 */
Test(iql_cache, a_chunked_answer_is_read_whole)
{
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct wcache		*wc = wcache_new();
	struct iql_cache_opts	 co = { wc, 1000 * S, 10 * S, 0 };
	struct iql_plan		*pl;
	struct decide_obs	 out, in;
	const char		*why;
	char			 err[256];
#define CHUNK(rows, partial) "{\"results\":[{\"statement_id\":0,\"series\":[" \
	"{\"name\":\"docker\",\"columns\":[\"time\",\"cpu_ratio\",\"service\"," \
	"\"service_name\",\"backend\",\"container\"],\"values\":[" rows "]" \
	partial "}]" partial "}]}\n"
#define ROW(t, v, c) "[" t "000000000," v ",\"id1\",\"web\",\"docker\",\"" c "\"]"

	make_policy(&p, "id1", "cpu_ratio", "mean", "2m", "1m", "swarm");
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert_eq(iql_plan_chunk_rows(pl), IQL_CHUNK_ROWS);
	cr_assert_eq(fill_plan(pl,
	    CHUNK(ROW("950", "10", "a") "," ROW("950", "30", "b"),
	    ",\"partial\":true")
	    CHUNK(ROW("960", "20", "a"), ",\"partial\":true")
	    CHUNK(ROW("960", "40", "b"), ""), err, sizeof err), 0, "%s", err);
	iql_plan_cache_done(pl, true);
	cr_assert_eq(wcache_nsamples(wc), 4);
	iql_plan_obs(pl, 0, "id1", "web", &out, &in, &why);
	cr_assert_null(why);
	cr_assert(out.present);
	cr_assert_eq(out.count, 4);
	cr_assert_float_eq(out.value, 25, 1e-9);
	iql_plan_free(pl);

	/* a chunk, then the next statement's result: the answer is cut */
	co.now_ns = 1010 * S;
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	iql_plan_set_chunk_rows(pl, 1);
	cr_assert_eq(iql_plan_chunk_rows(pl), 1);
	cr_assert_neq(fill_plan(pl, CHUNK(ROW("970", "1", "a"),
	    ",\"partial\":true") "{\"results\":[{\"statement_id\":1}]}",
	    err, sizeof err), 0);
	cr_assert(strstr(err, "statement 0's chunks end early") != NULL, "%s",
	    err);
	iql_plan_cache_done(pl, false);
	iql_plan_free(pl);

	/* InfluxDB's error as a document of its own, after a chunk */
	co.now_ns = 1020 * S;
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert_eq(fill_plan(pl, CHUNK(ROW("970", "1", "a"),
	    ",\"partial\":true") "{\"error\":\"query interrupted\"}", err,
	    sizeof err), -EIO);
	cr_assert(strstr(err, "refused the query: query interrupted") != NULL,
	    "%s", err);
	iql_plan_cache_done(pl, false);
	iql_plan_free(pl);
#undef CHUNK
#undef ROW
	policy_clear(&p);
	wcache_free(wc);
}

/*
 * InfluxDB 1.x chunked, a statement failing: its error, then "not
 * executed" once per statement it did not run, all numbered as the
 * failed one (as InfluxDB 1.6 answers a request on a missing database).
 * Not a broken answer: the failed statement keeps InfluxDB's words, the
 * others say where InfluxDB stopped.
 */
Test(iql_cache, a_failed_statement_in_chunks_names_the_failure)
{
	struct policy		 p, q;
	const struct policy	*pv[2] = { &q, &p };
	struct wcache		*wc = wcache_new();
	struct iql_cache_opts	 co = { wc, 1000 * S, 10 * S, 0 };
	struct iql_plan		*pl;
	struct decide_obs	 out, in;
	const char		*why;
	char			 err[256];

	make_policy(&p, "id1", "cpu_ratio", "mean", "2m", "1m", "swarm");
	make_policy(&q, "web", "mem_ratio", "max", "1m", "1m", "swarm");
	q.measurement = xstrdup("app");
	q.service_tag = xstrdup("service_name");
	pl = iql_plan_build_cached(pv, 2, NULL, "docker", 0, &co);
	cr_assert_eq(fill_plan(pl,
	    "{\"results\":[{\"statement_id\":0,\"error\":\"database not "
	    "found: metrics\"}]}\n"
	    "{\"results\":[{\"statement_id\":0,\"error\":\"not executed\"}]}\n"
	    "{\"results\":[{\"statement_id\":0,\"error\":\"not executed\"}]}\n",
	    err, sizeof err), 0, "%s", err);
	iql_plan_obs(pl, 0, "", "web", &out, &in, &why);
	cr_assert_not(out.present);
	cr_assert_str_eq(why, "database not found: metrics");
	cr_assert_str_eq(iql_plan_cache_error(pl), "not executed: InfluxDB "
	    "stopped at statement 0 of the request (database not found: "
	    "metrics)");
	iql_plan_cache_done(pl, false);
	iql_plan_free(pl);
	/* the same repeated after a statement that succeeded: answered twice */
	co.now_ns = 1010 * S;
	pl = iql_plan_build_cached(pv, 2, NULL, "docker", 0, &co);
	cr_assert_neq(fill_plan(pl,
	    "{\"results\":[{\"statement_id\":0}]}\n"
	    "{\"results\":[{\"statement_id\":0,\"series\":[]}]}\n",
	    err, sizeof err), 0);
	iql_plan_cache_done(pl, false);
	iql_plan_free(pl);
	policy_clear(&p);
	policy_clear(&q);
	wcache_free(wc);
}

/* A statement's error (a cut answer) reaches every policy. */
Test(iql_cache, a_cut_answer_is_an_error)
{
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct wcache		*wc = wcache_new();
	struct iql_cache_opts	 co = { wc, 1000 * S, 10 * S, 0 };
	struct iql_plan		*pl;
	char			 err[256];

	make_policy(&p, "id1", "cpu_ratio", "mean", "2m", "1m", "swarm");
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert_neq(fill_plan(pl, "{\"results\":[{\"statement_id\":0,"
	    "\"series\":[{\"name\":\"docker\",\"columns\":[\"time\","
	    "\"cpu_ratio\"],\"values\":[[950000000000,1]],\"partial\":true}],"
	    "\"partial\":true}]}", err, sizeof err), 0);
	cr_assert(strstr(err, "ends within statement 0's chunks") != NULL, "%s",
	    err);
	iql_plan_cache_done(pl, false);
	iql_plan_free(pl);
	/* a series' own partial is InfluxDB 1.6's merged chunks: whole */
	co.now_ns = 1010 * S;
	pl = iql_plan_build_cached(pv, 1, NULL, "docker", 0, &co);
	cr_assert_eq(fill_plan(pl, "{\"results\":[{\"statement_id\":0,"
	    "\"series\":[{\"name\":\"docker\",\"columns\":[\"time\","
	    "\"cpu_ratio\"],\"values\":[[950000000000,1]],\"partial\":true}]"
	    "}]}", err, sizeof err), 0, "%s", err);
	iql_plan_cache_done(pl, true);
	cr_assert_null(iql_plan_cache_error(pl));
	cr_assert_eq(wcache_nsamples(wc), 1);
	iql_plan_free(pl);
	policy_clear(&p);
	wcache_free(wc);
}
