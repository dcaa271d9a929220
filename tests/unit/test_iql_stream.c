/* Unit tests for iql: the answer read as it streams in, in one or two parts. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "decide.h"
#include "iql.h"
#include "iql_fixture.h"
#include "policy.h"

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * 10,000 policies against 10,000 series: every policy finds its series.
 * The time is logged, not asserted (make bench measures speed); the
 * timeout only catches a lookup gone quadratic, which takes minutes.
 */
Test(iql, ten_thousand_policies, .timeout = 120)
{
	enum { N = 10000 };
	static struct policy	 p[N];
	static const struct policy *pv[N];
	static const char *const cols[] = {
		"\"value\",\"n\",\"lo\",\"hi\"", "\"value\"", "\"value\""
	};
	struct iql_plan		*pl;
	struct decide_obs	 o, i;
	struct decide_in	 din;
	struct decide_out	 dout;
	struct buf		 b;
	char			 name[32];
	double			 t0, t1;
	size_t			 k, s, found = 0;

	for (k = 0; k < N; k++) {
		snprintf(name, sizeof(name), "svc%zu", k);
		make_policy(&p[k], name, "cpu_ratio", NULL, "10m", "10m", NULL);
		pv[k] = &p[k];
	}
	buf_init(&b);
	buf_adds(&b, "{\"results\":[");
	for (s = 0; s < 3; s++) {
		buf_printf(&b, "%s{\"statement_id\":%zu,\"series\":[",
		    s ? "," : "", s);
		for (k = 0; k < N; k++)
			buf_printf(&b, "%s{\"name\":\"docker\",\"tags\":"
			    "{\"service\":\"id%zu\","
			    "\"service_name\":\"svc%zu\","
			    "\"backend\":\"docker\"},\"columns\":[\"time\",%s],"
			    "\"values\":[[%zu,%s]]}", k ? "," : "", k, k,
			    cols[s], 1000 + s, s == 0 ? "50,60,1,99" : "50");
		buf_adds(&b, "]}");
	}
	buf_adds(&b, "]}");
	t0 = seconds();
	pl = iql_plan_build(pv, N, NULL, "docker");
	iql_plan_one_part(pl);
	cr_assert_eq(fill_plan(pl, buf_str(&b), NULL, 0), 0);
	for (k = 0; k < N; k++) {
		snprintf(name, sizeof(name), "id%zu", k);
		iql_plan_obs(pl, k, name, NULL, &o, &i, NULL);
		found += o.present && i.present;
		memset(&din, 0, sizeof(din));
		din.policy = &p[k];
		din.replicas = 3;
		din.now_ns = 2000;
		din.sample_interval_ns = 10;
		din.out = o;
		din.in = i;
		decide(&din, &dout);
	}
	t1 = seconds();
	cr_expect_eq(found, N);
	cr_log_info("10000 policies x 10000 series: plan+fill+obs+decide "
	    "%.3f s", t1 - t0);
	iql_plan_free(pl);
	buf_free(&b);
	for (k = 0; k < N; k++)
		policy_clear(&p[k]);
}

/* Fill f's plan by streaming text in pieces of chunk bytes. */
static int
stream_text(struct fixture *f, const char *text, size_t chunk, char *err,
    size_t errlen)
{
	struct iql_fill	*fl;
	size_t		 off, n, len = strlen(text);
	int		 rc = 0;

	fl = iql_fill_new(f->pl, 0);
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < chunk ? len - off : chunk;
		rc = iql_fill_feed(fl, text + off, n);
	}
	rc = iql_fill_finish(fl, err, errlen);
	iql_fill_free(fl);
	return rc;
}

/* The observations of the fixture's three policies, as text. */
static void
obs_text(struct fixture *f, struct buf *b)
{
	static const char *const ids[] = { "svc1", NULL, NULL };
	static const char *const names[] = { "web", "cl", "web" };
	struct decide_obs	 o, i;
	const char		*why;
	int			 k;

	for (k = 0; k < 3; k++) {
		iql_plan_obs(f->pl, (size_t)k, ids[k], names[k], &o, &i, &why);
		buf_printf(b, "%d %g %g %g %llu %lld %lld / %d %g %llu %s\n",
		    o.present, o.value, o.min, o.max,
		    (unsigned long long)o.count, (long long)o.first_ns,
		    (long long)o.last_ns, i.present, i.value,
		    (unsigned long long)i.count, why ? why : "-");
	}
}

Test(iql, streamed_answer_reads_as_the_whole_document)
{
	static const char *const docs[] = {
		seed_answer,
		/* a statement error and a statement with no series */
		"{\"results\":[{\"statement_id\":0,\"error\":\"boom\"},"
		"{\"statement_id\":1},{\"statement_id\":2,\"series\":[]}]}",
		/* statement_id absent: results by position */
		"{\"results\":[{\"series\":[{\"tags\":{\"service\":\"svc1\"},"
		"\"columns\":[\"time\",\"value\",\"n\",\"lo\",\"hi\"],"
		"\"values\":[[5,1,2,0,3]]}]},{},{}]}",
	};
	struct fixture	 f;
	struct buf	 whole, streamed;
	char		 err[256];
	size_t		 d, chunk;

	for (d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		fixture_init(&f);
		buf_init(&whole);
		cr_assert_eq(fill_text(&f, docs[d], err, sizeof(err)), 0,
		    "%s", err);
		obs_text(&f, &whole);
		for (chunk = 1; chunk <= strlen(docs[d]); chunk += 7) {
			buf_init(&streamed);
			cr_assert_eq(stream_text(&f, docs[d], chunk, err,
			    sizeof(err)), 0, "doc %zu chunk %zu: %s", d, chunk,
			    err);
			obs_text(&f, &streamed);
			cr_expect_str_eq(buf_str(&streamed), buf_str(&whole),
			    "doc %zu chunk %zu", d, chunk);
			buf_free(&streamed);
		}
		buf_free(&whole);
		fixture_fini(&f);
	}
}

Test(iql, streamed_answer_failures)
{
	static const struct {
		const char	*doc;
		int		 rc;
		const char	*msg;
	} cases[] = {
		{ "{\"error\":\"database not found: x\"}", -EIO,
		    "database not found" },
		{ "<html>bad gateway</html>", -EPROTO, "not JSON" },
		{ "{\"results\":[{\"statement_id\":0,\"series\":[{]}]}",
		    -EPROTO, "not JSON" },
		{ "{\"results\":[{\"statement_id\":0,\"series\":[{\"tags\":1}]}"
		    "]}", -EPROTO, "malformed series" },
		{ "{\"results\":[{\"series\":[{\"tags\":{\"service\":\"svc1\"},"
		    "\"columns\":[\"time\",\"value\",\"n\",\"lo\",\"hi\"],"
		    "\"values\":[[5,1,2,0,3]]}],\"statement_id\":2}]}", -EPROTO,
		    "statement_id after its series" },
		{ "{\"results\":[{\"statement_id\":7,\"series\":[{}]}]}",
		    -EPROTO, "no valid statement_id" },
		{ "{\"results\":[{\"statement_id\":0}", -EPROTO, "ends early" },
	};
	struct fixture		 f;
	struct decide_obs	 o, i;
	char			 err[256];
	size_t			 k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		fixture_init(&f);
		cr_expect_eq(stream_text(&f, seed_answer, 9, err, sizeof(err)),
		    0);
		cr_expect_eq(stream_text(&f, cases[k].doc, 5, err,
		    sizeof(err)), cases[k].rc, "%s: %s", cases[k].doc, err);
		cr_expect_not_null(strstr(err, cases[k].msg), "%s: %s",
		    cases[k].doc, err);
		/* nothing of the earlier answer is left */
		iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, NULL);
		cr_expect(!o.present && !i.present, "%s", cases[k].doc);
		fixture_fini(&f);
	}
}

/*
 * InfluxDB's answer to statements [first, first + count) of a plan of
 * three (aggregate, first, last) over services svc0..svc{n-1}, asked as
 * one request: statement ids count from 0.
 */
static void
part_answer(struct buf *b, size_t first, size_t count, size_t n)
{
	static const char *const cols[] = {
		"\"value\",\"n\",\"lo\",\"hi\"", "\"value\"", "\"value\""
	};
	size_t	s, k;

	buf_adds(b, "{\"results\":[");
	for (s = first; s < first + count; s++) {
		buf_printf(b, "%s{\"statement_id\":%zu,\"series\":[",
		    s > first ? "," : "", s - first);
		for (k = 0; k < n; k++)
			buf_printf(b, "%s{\"name\":\"docker\",\"tags\":"
			    "{\"service\":\"\",\"service_name\":\"svc%zu\","
			    "\"backend\":\"docker\"},\"columns\":[\"time\",%s],"
			    "\"values\":[[%zu,%s]]}", k ? "," : "", k, cols[s],
			    1000 + s * 10 + k % 7,
			    s == 0 ? "50,60,1,99" : "50");
		buf_adds(b, "]}");
	}
	buf_adds(b, "]}");
}

/* Every policy's observations, as text. */
static void
all_obs(const struct iql_plan *pl, size_t n, struct buf *b)
{
	struct decide_obs	 o, i;
	const char		*why;
	char			 name[32];
	size_t			 k;

	for (k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "svc%zu", k);
		iql_plan_obs(pl, k, NULL, name, &o, &i, &why);
		buf_printf(b, "%d %g %g %g %llu %lld %lld / %d %s\n",
		    o.present, o.value, o.min, o.max,
		    (unsigned long long)o.count, (long long)o.first_ns,
		    (long long)o.last_ns, i.present, why ? why : "-");
	}
}

/* Feed both parts' answers in small interleaved pieces. */
static int
fill_parts(struct iql_plan *pl, const struct buf a[2], size_t chunk,
    char *err, size_t errlen)
{
	struct iql_fill	*f[2];
	size_t		 off[2] = { 0, 0 }, k, n;
	int		 rc = 0, frc;

	f[0] = iql_fill_new(pl, 0);
	f[1] = iql_fill_new(pl, 1);
	while (off[0] < a[0].len || off[1] < a[1].len) {
		for (k = 0; k < 2; k++) {
			n = a[k].len - off[k] < chunk ? a[k].len - off[k] :
			    chunk;
			if (n > 0)
				(void)iql_fill_feed(f[k], a[k].data + off[k],
				    n);
			off[k] += n;
		}
	}
	for (k = 0; k < 2; k++) {
		if ((frc = iql_fill_finish(f[k], err, errlen)) != 0 && rc == 0)
			rc = frc;
		iql_fill_free(f[k]);
	}
	return rc;
}

Test(iql, two_parts_read_as_one_answer)
{
	enum { N = IQL_SPLIT_MIN + 44 };
	static struct policy	 p[N];
	static const struct policy *pv[N];
	struct iql_plan		*pl, *one;
	struct buf		 whole, a[2], want, got;
	char			 name[32], err[256];
	size_t			 k, cut;

	for (k = 0; k < N; k++) {
		snprintf(name, sizeof(name), "svc%zu", k);
		make_policy(&p[k], name, "cpu_ratio", NULL, "10m", "10m",
		    "exec");
		pv[k] = &p[k];
	}
	pl = iql_plan_build(pv, N, NULL, "docker");
	cr_assert_eq(iql_plan_nparts(pl), 2);
	cr_assert_eq(iql_plan_nstatements(pl), 3);
	cut = strstr(iql_plan_part_query(pl, 1), "first(") != NULL ? 1 : 2;

	/* the same plan asked in one request reads the whole answer */
	one = iql_plan_build(pv, N, NULL, "docker");
	iql_plan_one_part(one);
	buf_init(&whole);
	part_answer(&whole, 0, 3, N);
	cr_assert_eq(fill_plan(one, buf_str(&whole), err, sizeof(err)), 0,
	    "%s", err);
	buf_init(&want);
	all_obs(one, N, &want);
	iql_plan_free(one);
	cr_expect_not_null(strstr(buf_str(&want), "1 50 nan nan 60 1010 1020"),
	    "%.300s", buf_str(&want));

	buf_init(&a[0]);
	buf_init(&a[1]);
	part_answer(&a[0], 0, cut, N);
	part_answer(&a[1], cut, 3 - cut, N);
	cr_assert_eq(fill_parts(pl, a, 13, err, sizeof(err)), 0, "%s", err);
	buf_init(&got);
	all_obs(pl, N, &got);
	cr_expect_str_eq(buf_str(&got), buf_str(&want));

	/* one part refused: the whole answer is dropped, with the reason */
	buf_reset(&a[1]);
	buf_adds(&a[1], "{\"error\":\"timeout\"}");
	cr_expect_eq(fill_parts(pl, a, 13, err, sizeof(err)), -EIO);
	cr_expect_not_null(strstr(err, "timeout"), "%s", err);
	buf_reset(&got);
	all_obs(pl, N, &got);
	cr_expect_null(strstr(buf_str(&got), "1 50"), "data kept");

	/* a part that answers more statements than it asked is malformed */
	buf_reset(&a[1]);
	part_answer(&a[1], 0, 3, N);
	cr_expect_eq(fill_parts(pl, a, 13, err, sizeof(err)), -EPROTO);
	cr_expect_not_null(strstr(err, "statement_id"), "%s", err);

	buf_free(&whole);
	buf_free(&a[0]);
	buf_free(&a[1]);
	buf_free(&want);
	buf_free(&got);
	iql_plan_free(pl);
	for (k = 0; k < N; k++)
		policy_clear(&p[k]);
}
