/* Unit tests for iql: quoting, the tick's query, mapping InfluxDB's answer. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "decide.h"
#include "iql.h"
#include "policy.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static char *
quoted(void (*fn)(struct buf *, const char *), const char *s)
{
	struct buf	b;

	buf_init(&b);
	fn(&b, s);
	return buf_steal(&b);
}

Test(iql, quoting_hostile_input)
{
	static const struct {
		const char	*in;
		const char	*ident;
		const char	*string;
	} cases[] = {
		{ "docker", "\"docker\"", "'docker'" },
		{ "", "\"\"", "''" },
		{ "a\"b", "\"a\\\"b\"", "'a\"b'" },
		{ "it's", "\"it's\"", "'it\\'s'" },
		{ "back\\slash", "\"back\\\\slash\"", "'back\\\\slash'" },
		{ "ends\\", "\"ends\\\\\"", "'ends\\\\'" },
		{ "\\\"", "\"\\\\\\\"\"", "'\\\\\"'" },
		{ "l1\nl2", "\"l1\\nl2\"", "'l1\\nl2'" },
		{ "tab\tcr\r", "\"tab\tcr\r\"", "'tab\tcr\r'" },
		{ "'; DROP DATABASE docker; --",
		    "\"'; DROP DATABASE docker; --\"",
		    "'\\'; DROP DATABASE docker; --'" },
		{ "\" OR 1=1 --", "\"\\\" OR 1=1 --\"", "'\" OR 1=1 --'" },
		{ "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xb3",
		    "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xb3\"",
		    "'caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xb3'" },
	};
	char	*got;
	size_t	 i;

	for (i = 0; i < NITEMS(cases); i++) {
		got = quoted(iql_quote_ident, cases[i].in);
		cr_expect_str_eq(got, cases[i].ident, "ident %zu", i);
		free(got);
		got = quoted(iql_quote_string, cases[i].in);
		cr_expect_str_eq(got, cases[i].string, "string %zu", i);
		free(got);
	}
}

/*
 * Read one quoted token the way InfluxQL's scanner does (ScanString):
 * returns the byte after the closing quote, or NULL on a scan error.
 */
static const char *
unquote(const char *s, struct buf *out)
{
	char	q = *s++, c;

	for (;;) {
		c = *s++;
		if (c == q)
			return s;
		if (c == '\0' || c == '\n')
			return NULL;
		if (c != '\\') {
			buf_addc(out, c);
			continue;
		}
		c = *s++;
		if (c == 'n')
			buf_addc(out, '\n');
		else if (c == '\\' || c == '"' || c == '\'')
			buf_addc(out, c);
		else
			return NULL;
	}
}

Test(iql, quoting_round_trips_through_the_scanner)
{
	void		(*fns[])(struct buf *, const char *) = {
		iql_quote_ident, iql_quote_string
	};
	struct buf	 out;
	char		 in[32], *q;
	const char	*end;
	uint64_t	 x = 0x2545f4914f6cdd1dULL;
	size_t		 i, n, k;

	for (i = 0; i < 50000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % sizeof(in);
		for (k = 0; k < n; k++) {
			/* bias toward the characters that matter */
			static const char hot[] = "\\\"'\n\r\t n;";
			uint64_t r = (x >> (k % 50)) * 2654435761u + k;
			in[k] = r % 3 ? hot[r % (sizeof(hot) - 1)] :
			    (char)(1 + r % 255);
		}
		in[n] = '\0';
		q = quoted(fns[i % 2], in);
		cr_assert_null(strchr(q, '\n'), "raw newline in %s", q);
		buf_init(&out);
		end = unquote(q, &out);
		cr_assert_not_null(end, "scan error on %s", q);
		cr_assert_eq(*end, '\0', "token ends early in %s", q);
		cr_assert_str_eq(buf_str(&out), in);
		buf_free(&out);
		free(q);
	}
}

/* A parsed policy for field/aggregate/windows/backend; caller clears. */
static void
make_policy(struct policy *p, const char *service, const char *field,
    const char *agg, const char *out_w, const char *in_w, const char *backend)
{
	struct policy_row	r;
	char			err[256];
	bool			bytes = policy_field_unit(field) ==
				    POLICY_UNIT_BYTES;

	memset(&r, 0, sizeof(r));
	r.seq = "1";
	r.min_no = "1";
	r.max_no = "10";
	r.cond_item = field;
	r.out_cond = bytes ? "1GB" : "70%";
	r.in_cond = bytes ? "1MB" : "10%";
	r.out_duration = out_w;
	r.in_duration = in_w;
	r.service_id = service;
	r.aggregate = agg;
	r.backend = backend;
	if (backend != NULL && strcmp(backend, "swarm") != 0)
		r.target = "bundle";
	cr_assert_eq(policy_parse(&r, p, err, sizeof(err)), 0, "%s", err);
}

static const char seed_query[] =
    "SELECT mean(\"cpu_ratio\") AS \"value\", count(\"cpu_ratio\") AS \"n\" "
    "FROM \"docker\" WHERE time > now() - 10m "
    "GROUP BY \"service\",\"service_name\",\"backend\";"
    "SELECT first(\"cpu_ratio\") AS \"value\" FROM \"docker\" "
    "WHERE time > now() - 10m "
    "GROUP BY \"service\",\"service_name\",\"backend\";"
    "SELECT last(\"cpu_ratio\") AS \"value\" FROM \"docker\" "
    "WHERE time > now() - 10m "
    "GROUP BY \"service\",\"service_name\",\"backend\"";

Test(iql, seed_policy_query)
{
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct iql_plan		*pl;

	make_policy(&p, "6dnh8i971l5h", "cpu_ratio", NULL, "10m", "10m",
	    NULL);
	pl = iql_plan_build(pv, 1, NULL, "docker");
	cr_expect_eq(iql_plan_nstatements(pl), 3);
	cr_expect_str_eq(iql_plan_query(pl), seed_query);
	cr_expect_not_null(strstr(iql_plan_query(pl), "mean(\"cpu_ratio\")"));
	cr_expect_not_null(strstr(iql_plan_query(pl),
	    "time > now() - 10m"));
	/* the service id never appears in the query text */
	cr_expect_null(strstr(iql_plan_query(pl), "6dnh8i971l5h"));
	iql_plan_free(pl);
	policy_clear(&p);
}

Test(iql, statements_are_deduplicated)
{
	struct policy		 p[100];
	const struct policy	*pv[100];
	struct iql_plan		*pl;
	char			 name[32];
	const char		*q;
	size_t			 i, semis = 0;

	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "svc%zu", i);
		make_policy(&p[i], name, "cpu_ratio", NULL, "10m", "600s",
		    i % 3 == 0 ? "runc" : i % 3 == 1 ? "exec" : "swarm");
		pv[i] = &p[i];
	}
	pl = iql_plan_build(pv, 100, NULL, "docker");
	cr_expect_eq(iql_plan_nstatements(pl), 3);
	for (q = iql_plan_query(pl); *q != '\0'; q++)
		semis += *q == ';';
	cr_expect_eq(semis, 2);
	iql_plan_free(pl);
	for (i = 0; i < 100; i++)
		policy_clear(&p[i]);
}

Test(iql, distinct_windows_fields_and_aggregates)
{
	struct policy		 p[6];
	const struct policy	*pv[7];
	struct iql_plan		*pl;
	const char		*q;

	make_policy(&p[0], "a", "cpu_ratio", "mean", "10m", "10m", NULL);
	/* another in window: +3 */
	make_policy(&p[1], "b", "cpu_ratio", "mean", "10m", "1h30m", NULL);
	/* another aggregate, same windows: +1 (+1 for the 90m window) */
	make_policy(&p[2], "c", "cpu_ratio", "p95", "10m", "90m", NULL);
	/* another percentile: +2 */
	make_policy(&p[3], "d", "cpu_ratio", "p99.9", "10m", "90m", NULL);
	/* another field: +3 */
	make_policy(&p[4], "e", "mem_usage", "median", "10m", "10m", NULL);
	/* same as p[2] */
	make_policy(&p[5], "f", "cpu_ratio", "P95", "600s", "5400s", NULL);
	pv[0] = &p[0];
	pv[1] = &p[1];
	pv[2] = &p[2];
	pv[3] = NULL;		/* skipped */
	pv[4] = &p[3];
	pv[5] = &p[4];
	pv[6] = &p[5];
	pl = iql_plan_build(pv, 7, "autogen", "do\"cker");
	cr_expect_eq(iql_plan_nstatements(pl), 3 + 3 + 2 + 2 + 3);
	q = iql_plan_query(pl);
	cr_expect_not_null(strstr(q, "percentile(\"cpu_ratio\", 95) AS "));
	cr_expect_not_null(strstr(q, "percentile(\"cpu_ratio\", 99.9) AS "));
	cr_expect_not_null(strstr(q, "median(\"mem_usage\") AS \"value\""));
	cr_expect_not_null(strstr(q, "time > now() - 90m "));
	cr_expect_not_null(strstr(q, "FROM \"autogen\".\"do\\\"cker\" "));
	cr_expect_null(strstr(q, "1h30m"));
	iql_plan_free(pl);

	pl = iql_plan_build(pv, 1, "", NULL);
	cr_expect_not_null(strstr(iql_plan_query(pl), "FROM \"docker\" "));
	iql_plan_free(pl);
	pl = iql_plan_build(pv, 0, NULL, NULL);
	cr_expect_eq(iql_plan_nstatements(pl), 0);
	cr_expect_str_eq(iql_plan_query(pl), "");
	iql_plan_free(pl);
	iql_plan_free(NULL);
	for (int i = 0; i < 6; i++)
		policy_clear(&p[i]);
}

Test(iql, unknown_field_gets_no_statement)
{
	struct policy		 p;
	const struct policy	*pv[1] = { &p };
	struct iql_plan		*pl;
	struct decide_obs	 o, i;
	const char		*why = "x";

	make_policy(&p, "a", "cpu_ratio", NULL, "10m", "10m", NULL);
	free(p.field);
	p.field = strdup("cpu_ratio\") FROM x; DROP DATABASE docker; --");
	pl = iql_plan_build(pv, 1, NULL, NULL);
	cr_expect_eq(iql_plan_nstatements(pl), 0);
	iql_plan_obs(pl, 0, "a", "a", &o, &i, &why);
	cr_expect(!o.present && !i.present);
	cr_expect_null(why);
	iql_plan_free(pl);
	policy_clear(&p);
}

/*
 * The answer InfluxDB 1.6 gave (epoch=ns) to the seed plan, trimmed: a
 * swarm service "svc1" (name "web") and a runc cluster "cl".
 */
static const char seed_answer[] =
    "{\"results\":["
    "{\"statement_id\":0,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"svc1\",\"service_name\":\"web\"},\"columns\":[\"time\",\"value\","
    "\"n\",\"lo\",\"hi\"],\"values\":[[1795314182737081195,26.5,40,2,60.5]]},"
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"runc\",\"service\":\"\","
    "\"service_name\":\"cl\"},\"columns\":[\"time\",\"value\",\"n\",\"lo\","
    "\"hi\"],\"values\":[[1795314182737081195,1,20,1,1]]}]},"
    "{\"statement_id\":1,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"svc1\",\"service_name\":\"web\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314205000000000,3.5]]},"
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"runc\",\"service\":\"\","
    "\"service_name\":\"cl\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314206000000000,1]]}]},"
    "{\"statement_id\":2,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"svc1\",\"service_name\":\"web\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314680000000000,60.5]]},"
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"runc\",\"service\":\"\","
    "\"service_name\":\"cl\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314681000000000,1]]}]}]}";

/* Three seed-like policies: swarm svc1, runc cl, exec web. */
struct fixture {
	struct policy		 p[3];
	const struct policy	*pv[3];
	struct iql_plan		*pl;
};

static void
fixture_init(struct fixture *f)
{
	make_policy(&f->p[0], "web", "cpu_ratio", NULL, "10m", "10m", NULL);
	make_policy(&f->p[1], "cl", "cpu_ratio", NULL, "10m", "10m", "runc");
	make_policy(&f->p[2], "web", "cpu_ratio", NULL, "10m", "10m", "exec");
	/* one sustained policy: the shared statement asks for lo and hi */
	f->p[0].sustained = true;
	for (int i = 0; i < 3; i++)
		f->pv[i] = &f->p[i];
	f->pl = iql_plan_build(f->pv, 3, NULL, "docker");
	cr_assert_eq(iql_plan_nstatements(f->pl), 3);
}

static void
fixture_fini(struct fixture *f)
{
	iql_plan_free(f->pl);
	for (int i = 0; i < 3; i++)
		policy_clear(&f->p[i]);
}

/* Fill part 0 of pl from JSON text in one piece; iql_fill_finish's result. */
static int
fill_plan(struct iql_plan *pl, const char *text, char *err, size_t errlen)
{
	struct iql_fill	*fl = iql_fill_new(pl, 0);
	int		 rc;

	(void)iql_fill_feed(fl, text, strlen(text));
	rc = iql_fill_finish(fl, err, errlen);
	iql_fill_free(fl);
	return rc;
}

static int
fill_text(struct fixture *f, const char *text, char *err, size_t errlen)
{
	return fill_plan(f->pl, text, err, errlen);
}

Test(iql, extremes_only_when_a_sustained_policy_needs_them)
{
	static const char answer[] =
	    "{\"results\":["
	    "{\"statement_id\":0,\"series\":[{\"tags\":{\"service\":"
	    "\"svc1\"},\"columns\":[\"time\",\"value\",\"n\"],"
	    "\"values\":[[1,26.5,40]]}]},"
	    "{\"statement_id\":1,\"series\":[{\"tags\":{\"service\":"
	    "\"svc1\"},\"columns\":[\"time\",\"value\"],"
	    "\"values\":[[2,3.5]]}]},"
	    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":"
	    "\"svc1\"},\"columns\":[\"time\",\"value\"],"
	    "\"values\":[[3,60.5]]}]}]}";
	struct policy		 p[2];
	const struct policy	*pv[2] = { &p[0], &p[1] };
	struct iql_plan		*pl;
	struct decide_obs	 o, i;
	char			 err[256];

	make_policy(&p[0], "svc1", "cpu_ratio", NULL, "10m", "10m", NULL);
	make_policy(&p[1], "svc1", "cpu_ratio", NULL, "10m", "10m", NULL);
	pl = iql_plan_build(pv, 2, NULL, "docker");
	cr_expect_null(strstr(iql_plan_query(pl), "min("));
	cr_expect_null(strstr(iql_plan_query(pl), "max("));
	cr_assert_eq(fill_plan(pl, answer, err, sizeof(err)), 0, "%s", err);
	iql_plan_obs(pl, 0, "svc1", NULL, &o, &i, NULL);
	cr_expect(o.present && o.value == 26.5 && o.count == 40);
	cr_expect(isnan(o.min) && isnan(o.max));
	iql_plan_free(pl);
	/* the second policy sustained: the same statement, with extremes */
	p[1].sustained = true;
	pl = iql_plan_build(pv, 2, NULL, "docker");
	cr_expect_eq(iql_plan_nstatements(pl), 3);
	cr_expect_not_null(strstr(iql_plan_query(pl),
	    "count(\"cpu_ratio\") AS \"n\", min(\"cpu_ratio\") AS \"lo\", "
	    "max(\"cpu_ratio\") AS \"hi\" FROM"));
	/* an answer without them is malformed for this plan */
	cr_expect_eq(fill_plan(pl, answer, err, sizeof(err)), -EPROTO);
	iql_plan_free(pl);
	policy_clear(&p[0]);
	policy_clear(&p[1]);
}

Test(iql, answer_maps_to_policies)
{
	struct fixture		 f;
	struct decide_obs	 o, i;
	const char		*why = "x";
	char			 err[256];

	fixture_init(&f);
	cr_assert_eq(fill_text(&f, seed_answer, err, sizeof(err)), 0, "%s",
	    err);
	/* swarm: by the resolved service id */
	iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, &why);
	cr_expect_null(why);
	cr_expect(o.present && i.present);
	cr_expect_eq(o.value, 26.5);
	cr_expect_eq(o.min, 2);
	cr_expect_eq(o.max, 60.5);
	cr_expect_eq(o.count, 40);
	cr_expect_eq(o.first_ns, INT64_C(1795314205000000000));
	cr_expect_eq(o.last_ns, INT64_C(1795314680000000000));
	cr_expect_eq(memcmp(&o, &i, sizeof(o)), 0);
	/* the service name does not find a swarm policy's data */
	iql_plan_obs(f.pl, 0, "web", "web", &o, &i, &why);
	cr_expect(!o.present && !i.present);
	cr_expect(isnan(o.value));
	cr_expect_null(why);
	/* runc: by service_name with backend runc */
	iql_plan_obs(f.pl, 1, NULL, "cl", &o, &i, &why);
	cr_expect(o.present);
	cr_expect_eq(o.value, 1);
	cr_expect_eq(o.count, 20);
	cr_expect_eq(o.first_ns, INT64_C(1795314206000000000));
	cr_expect_eq(o.last_ns, INT64_C(1795314681000000000));
	/* a runc policy does not pick up a docker series of that name */
	iql_plan_obs(f.pl, 1, NULL, "web", &o, &i, &why);
	cr_expect(!o.present);
	/* exec: by service_name, any backend */
	iql_plan_obs(f.pl, 2, NULL, "web", &o, &i, &why);
	cr_expect(o.present);
	cr_expect_eq(o.value, 26.5);
	iql_plan_obs(f.pl, 2, NULL, "cl", &o, &i, NULL);
	cr_expect(o.present);
	cr_expect_eq(o.value, 1);
	/* unknown service, missing names, out-of-range index */
	iql_plan_obs(f.pl, 0, "nope", "nope", &o, &i, &why);
	cr_expect(!o.present && why == NULL);
	iql_plan_obs(f.pl, 0, NULL, NULL, &o, &i, &why);
	cr_expect(!o.present);
	iql_plan_obs(f.pl, 0, "", "", &o, &i, &why);
	cr_expect(!o.present);
	iql_plan_obs(f.pl, 3, "svc1", "web", &o, &i, &why);
	cr_expect(!o.present && why == NULL);
	fixture_fini(&f);
}

Test(iql, statement_errors_make_data_absent)
{
	static const char answer[] =
	    "{\"results\":[{\"statement_id\":0,\"series\":["
	    "{\"name\":\"docker\",\"tags\":{\"service\":\"svc1\","
	    "\"service_name\":\"web\",\"backend\":\"docker\"},"
	    "\"columns\":[\"time\",\"value\",\"n\","
	    "\"lo\",\"hi\"],\"values\":[[0,50,30,1,99]]}]},"
	    "{\"statement_id\":1,\"error\":\"shard 7 is\\nbroken\"},"
	    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":\"svc1\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[5,1]]}]}]}";
	struct fixture		 f;
	struct decide_obs	 o, i;
	const char		*why = NULL;
	char			 err[256];

	fixture_init(&f);
	cr_assert_eq(fill_text(&f, answer, err, sizeof(err)), 0, "%s", err);
	iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, &why);
	cr_expect(!o.present && !i.present);
	cr_expect_str_eq(why, "shard 7 is?broken");
	iql_plan_obs(f.pl, 1, NULL, "cl", &o, &i, &why);
	cr_expect_str_eq(why, "shard 7 is?broken");
	fixture_fini(&f);
}

Test(iql, statements_not_executed)
{
	/* what InfluxDB says when the database is missing */
	static const char answer[] =
	    "{\"results\":[{\"statement_id\":0,\"error\":\"not executed\"}]}";
	struct fixture		 f;
	struct decide_obs	 o, i;
	const char		*why = NULL;

	fixture_init(&f);
	cr_assert_eq(fill_text(&f, answer, NULL, 0), 0);
	iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, &why);
	cr_expect(!o.present);
	cr_expect_str_eq(why, "not executed");
	/* a statement left out of the answer counts as failed */
	cr_assert_eq(fill_text(&f, "{\"results\":[{\"statement_id\":0},"
	    "{\"statement_id\":2}]}", NULL, 0), 0);
	iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, &why);
	cr_expect(!o.present);
	cr_expect_str_eq(why, "InfluxDB returned no result for this "
	    "statement");
	fixture_fini(&f);
}

Test(iql, whole_query_refused)
{
	struct fixture		 f;
	struct decide_obs	 o, i;
	char			 err[256];

	fixture_init(&f);
	cr_expect_eq(fill_text(&f, seed_answer, err, sizeof(err)), 0);
	cr_expect_eq(fill_text(&f, "{\"error\":\"error parsing query: found "
	    "EOF\"}", err, sizeof(err)), -EIO);
	cr_expect_str_eq(err, "InfluxDB refused the query: error parsing "
	    "query: found EOF");
	/* the earlier answer is gone */
	iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, NULL);
	cr_expect(!o.present);
	cr_expect_eq(fill_text(&f, "{\"error\":{}}", err, sizeof(err)), -EIO);
	fixture_fini(&f);
}

Test(iql, rfc3339_times)
{
	static const struct {
		const char	*t;
		int64_t		 ns;
	} cases[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01T00:00:01.5Z", 1500000000 },
		{ "2026-11-22T02:23:25Z", INT64_C(1795314205000000000) },
		{ "2024-02-29T12:00:00.000000001Z",
		    INT64_C(1709208000000000001) },
		{ "1969-12-31T23:59:59Z", -INT64_C(1000000000) },
		{ "2000-03-01T00:00:00.123456789Z",
		    INT64_C(951868800123456789) },
	};
	struct fixture		 f;
	struct decide_obs	 o, i;
	char			 text[1024], err[256];
	size_t			 k;

	fixture_init(&f);
	for (k = 0; k < NITEMS(cases); k++) {
		snprintf(text, sizeof(text), "{\"results\":["
		    "{\"statement_id\":0,\"series\":[{\"tags\":{\"service\":"
		    "\"s\"},\"columns\":[\"time\",\"value\",\"n\",\"lo\","
		    "\"hi\"],\"values\":[[\"%s\",1,2,0,2]]}]},"
		    "{\"statement_id\":1,\"series\":[{\"tags\":{\"service\":"
		    "\"s\"},\"columns\":[\"time\",\"value\"],"
		    "\"values\":[[\"%s\",1]]}]},"
		    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":"
		    "\"s\"},\"columns\":[\"time\",\"value\"],"
		    "\"values\":[[\"%s\",1]]}]}]}", cases[k].t, cases[k].t,
		    cases[k].t);
		cr_assert_eq(fill_text(&f, text, err, sizeof(err)), 0, "%s: %s",
		    cases[k].t, err);
		iql_plan_obs(f.pl, 0, "s", NULL, &o, &i, NULL);
		cr_expect(o.present, "%s", cases[k].t);
		cr_expect_eq(o.first_ns, cases[k].ns, "%s: %lld", cases[k].t,
		    (long long)o.first_ns);
	}
	fixture_fini(&f);
}

Test(iql, ambiguous_names_are_not_guessed)
{
	/* a runc cluster and a swarm service both called "web" */
	static const char *const kinds[] = { "value\",\"n\",\"lo\",\"hi",
	    "value", "value" };
	static const char *const rows[] = { "[0,50,30,1,99]", "[1,1]",
	    "[2,1]" };
	struct fixture		 f;
	struct decide_obs	 o, i;
	struct buf		 b;
	const char		*why;
	int			 k;

	buf_init(&b);
	buf_adds(&b, "{\"results\":[");
	for (k = 0; k < 3; k++)
		buf_printf(&b, "%s{\"statement_id\":%d,\"series\":["
		    "{\"tags\":{\"service\":\"svc1\",\"service_name\":\"web\","
		    "\"backend\":\"docker\"},\"columns\":[\"time\",\"%s\"],"
		    "\"values\":[%s]},"
		    "{\"tags\":{\"service\":\"\",\"service_name\":\"web\","
		    "\"backend\":\"runc\"},\"columns\":[\"time\",\"%s\"],"
		    "\"values\":[%s]}]}", k ? "," : "", k, kinds[k], rows[k],
		    kinds[k], rows[k]);
	buf_adds(&b, "]}");
	fixture_init(&f);
	cr_assert_eq(fill_text(&f, buf_str(&b), NULL, 0), 0);
	/* swarm by id and runc by runc series are unambiguous */
	iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, &why);
	cr_expect(o.present && why == NULL);
	iql_plan_obs(f.pl, 1, NULL, "web", &o, &i, &why);
	cr_expect(o.present && why == NULL);
	/* exec by name matches both: no data, and a message */
	iql_plan_obs(f.pl, 2, NULL, "web", &o, &i, &why);
	cr_expect(!o.present);
	cr_expect_not_null(why);
	fixture_fini(&f);
	buf_free(&b);
}

Test(iql, nulls_and_empty_series)
{
	static const char answer[] =
	    "{\"results\":[{\"statement_id\":0,\"series\":["
	    "{\"tags\":{\"service\":\"a\"},\"columns\":[\"time\",\"value\","
	    "\"n\",\"lo\",\"hi\"],\"values\":[[0,null,null,null,null]]},"
	    "{\"tags\":{\"service\":\"b\"},\"columns\":[\"time\",\"value\","
	    "\"n\",\"lo\",\"hi\"],\"values\":[]}]},"
	    "{\"statement_id\":1,\"series\":[{\"tags\":{\"service\":\"a\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[1,2]]}]},"
	    "{\"statement_id\":2,\"series\":[{\"columns\":[\"time\",\"value\"],"
	    "\"values\":[[1,2]]}]}]}";
	struct fixture		 f;
	struct decide_obs	 o, i;

	fixture_init(&f);
	cr_assert_eq(fill_text(&f, answer, NULL, 0), 0);
	/* a's last() series carries no tag: a has no complete window */
	iql_plan_obs(f.pl, 0, "a", NULL, &o, &i, NULL);
	cr_expect(!o.present);
	iql_plan_obs(f.pl, 0, "b", NULL, &o, &i, NULL);
	cr_expect(!o.present);
	fixture_fini(&f);
}

Test(iql, garbage_is_an_error_not_a_crash)
{
	static const char *const garbage[] = {
		"null", "[]", "42", "\"results\"", "{}",
		"{\"results\":{}}",
		"{\"results\":null}",
		"{\"results\":[1]}",
		"{\"results\":[null]}",
		"{\"results\":[{\"statement_id\":\"0\"}]}",
		"{\"results\":[{\"statement_id\":3}]}",
		"{\"results\":[{\"statement_id\":-1}]}",
		"{\"results\":[{\"statement_id\":0.5}]}",
		"{\"results\":[{\"statement_id\":99999999999999}]}",
		"{\"results\":[{\"statement_id\":0},{\"statement_id\":0}]}",
		"{\"results\":[{},{},{},{}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":{}}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[1]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "\"x\",\"values\":[]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[0,1,2,3]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],"
		    "\"values\":[7]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[0,1,2,3,4]],\"tags\":[]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[0,1,2,3,4]],\"tags\":{\"service\":1}}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[\"yesterday\",1,2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[\"2024-13-01T00:00:00Z\",1,2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[\"2024-01-01T00:00:00+01:00\",1,2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[\"2024-01-01T00:00:00.1234567891Z\",1,2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[\"99999-01-01T00:00:00Z\",1,2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[1.5,1,2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[0,\"12\",2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[0,true,2,3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[0,1,[2],3,4]]}]}]}",
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\"],\"values\":[[0,1]]}]}]}",
		"{\"results\":[{\"statement_id\":1,\"series\":[{\"columns\":"
		    "[\"value\"],\"values\":[[1]]}]}]}",
		"{\"results\":[{\"statement_id\":1,\"series\":[{\"columns\":"
		    "[1,2],\"values\":[[1,2]]}]}]}",
	};
	struct fixture		 f;
	struct decide_obs	 o, i;
	const char		*why;
	char			 err[256];
	size_t			 k;
	int			 rc;

	fixture_init(&f);
	cr_expect_eq(fill_text(&f, "", err, sizeof(err)), -EPROTO);
	for (k = 0; k < NITEMS(garbage); k++) {
		/* a good answer first: a failed fill must drop it */
		cr_assert_eq(fill_text(&f, seed_answer, NULL, 0), 0);
		err[0] = '\0';
		rc = fill_text(&f, garbage[k], err, sizeof(err));
		cr_expect_eq(rc, -EPROTO, "%zu: %s -> %d", k, garbage[k], rc);
		cr_expect_neq(err[0], '\0', "%zu: no message", k);
		iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, &why);
		cr_expect(!o.present && !i.present, "%zu: data kept", k);
	}
	fixture_fini(&f);
}

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

Test(iql, many_policies_split_in_two_parts)
{
	enum { N = IQL_SPLIT_MIN };
	static struct policy	 p[N];
	static const struct policy *pv[N];
	struct iql_plan		*pl;
	struct buf		 q;
	char			 name[32];
	size_t			 k;

	for (k = 0; k < N; k++) {
		snprintf(name, sizeof(name), "svc%zu", k);
		make_policy(&p[k], name, "cpu_ratio", NULL, "10m", "10m",
		    "exec");
		pv[k] = &p[k];
	}
	/* one policy short of the threshold: the whole query, one part */
	pl = iql_plan_build(pv, N - 1, NULL, "docker");
	cr_expect_eq(iql_plan_nparts(pl), 1);
	cr_expect_str_eq(iql_plan_part_query(pl, 0), iql_plan_query(pl));
	iql_plan_free(pl);

	pl = iql_plan_build(pv, N, NULL, "docker");
	cr_assert_eq(iql_plan_nparts(pl), 2);
	/* the aggregate (value and count) costs what first + last do */
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 0), "mean("));
	cr_expect_null(strstr(iql_plan_part_query(pl, 0), "first("));
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 1), "first("));
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 1), "last("));
	/* together, the parts are the whole query, in order */
	buf_init(&q);
	buf_printf(&q, "%s;%s", iql_plan_part_query(pl, 0),
	    iql_plan_part_query(pl, 1));
	cr_expect_str_eq(buf_str(&q), iql_plan_query(pl));
	buf_free(&q);
	/* influx_requests = 1: the whole query again */
	iql_plan_one_part(pl);
	cr_expect_eq(iql_plan_nparts(pl), 1);
	cr_expect_str_eq(iql_plan_part_query(pl, 0), iql_plan_query(pl));
	iql_plan_free(pl);
	for (k = 0; k < N; k++)
		policy_clear(&p[k]);
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
