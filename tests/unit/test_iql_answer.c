/* Unit tests for iql: InfluxDB's answer mapped to the policies. */
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
	cr_expect_null(strstr(iql_plan_part_query(pl, 0), "min("));
	cr_expect_null(strstr(iql_plan_part_query(pl, 0), "max("));
	cr_assert_eq(fill_plan(pl, answer, err, sizeof(err)), 0, "%s", err);
	iql_plan_obs(pl, 0, "svc1", NULL, &o, &i, NULL);
	cr_expect(o.present && o.value == 26.5 && o.count == 40);
	cr_expect(isnan(o.min) && isnan(o.max));
	iql_plan_free(pl);
	/* the second policy sustained: the same statement, with extremes */
	p[1].sustained = true;
	pl = iql_plan_build(pv, 2, NULL, "docker");
	cr_expect_eq(iql_plan_nstatements(pl), 3);
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 0),
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
		/* RFC 3339: the answer to a query without epoch=ns */
		"{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[\"2024-01-01T00:00:00Z\",1,2,3,4]]}]}]}",
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

/*
 * What the streaming reader takes from a JSON object is what a tree would
 * give: members in any order, members it does not use (InfluxDB's
 * "partial", "messages", "name") read past, rows after the first left.
 */
Test(iql, members_in_any_order)
{
	static const char answer[] =
	    "{\"x\":[{\"results\":1}],\"results\":["
	    "{\"messages\":[{\"level\":\"warning\",\"text\":\"x\"}],"
	    "\"statement_id\":0,\"series\":[{\"values\":[[7,26.5,40,2,60.5],"
	    "[\"not\",\"read\"]],\"columns\":[\"time\",\"value\",\"n\",\"lo\","
	    "\"hi\"],\"partial\":true,\"tags\":{\"x\":{\"service\":\"no\"},"
	    "\"service\":\"svc1\"},\"name\":\"docker\"}]},"
	    "{\"series\":[{\"columns\":[\"value\",\"time\"],\"values\":"
	    "[[3.5,8]],\"tags\":{\"service\":\"svc1\"}}],\"statement_id\":1},"
	    "{\"statement_id\":2,\"series\":[{\"tags\":{\"service\":\"svc1\"},"
	    "\"columns\":[\"time\",\"value\",\"value\"],\"values\":[[9,1,2]]}],"
	    "\"partial\":false}],\"error\":\"ignored beside results\"}";
	struct fixture		 f;
	struct decide_obs	 o, i;
	const char		*why = "x";
	char			 err[256];

	fixture_init(&f);
	cr_assert_eq(fill_text(&f, answer, err, sizeof(err)), 0, "%s", err);
	iql_plan_obs(f.pl, 0, "svc1", NULL, &o, &i, &why);
	cr_expect(o.present && why == NULL);
	cr_expect_eq(o.value, 26.5);
	cr_expect_eq(o.count, 40);
	cr_expect_eq(o.max, 60.5);
	cr_expect_eq(o.first_ns, 8);
	cr_expect_eq(o.last_ns, 9);
	fixture_fini(&f);
}

/* What a tree would hide but a stream sees: refused, with a reason. */
Test(iql, members_twice_and_odd_strings)
{
	static const struct {
		const char	*doc;
		const char	*msg;
	} cases[] = {
		{ "{\"results\":[],\"results\":[]}", "more than one" },
		{ "{\"results\":[{\"statement_id\":0,\"statement_id\":0}]}",
		    "no valid statement_id" },
		{ "{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\"],\"columns\":[\"time\"],\"values\":[]}]}]}",
		    "malformed series" },
		{ "{\"results\":[{\"statement_id\":0,\"series\":[{\"tags\":"
		    "{\"service\":\"a\",\"service\":\"b\"},\"columns\":[],"
		    "\"values\":[]}]}]}", "malformed series" },
		{ "{\"results\":[{\"statement_id\":0,\"series\":[{\"tags\":"
		    "{\"service\":\"a\\u0000b\"},\"columns\":[],\"values\":[]}]}]}",
		    "malformed series" },
		{ "{\"results\":[{\"statement_id\":0,\"series\":[{\"columns\":"
		    "[\"time\",\"value\",\"n\",\"lo\",\"hi\"],\"values\":"
		    "[[0,1,2,3,4,5]]}]}]}", "malformed series" },
		{ "{\"results\":[]} {}", "not JSON" },
		{ "{\"results\":[{\"statement_id\":9223372036854775808}]}",
		    "not JSON" },
		{ "", "ends early" },
	};
	struct fixture	f;
	char		err[256];
	size_t		k;

	for (k = 0; k < NITEMS(cases); k++) {
		fixture_init(&f);
		cr_expect_eq(fill_text(&f, cases[k].doc, err, sizeof(err)),
		    -EPROTO, "%s", cases[k].doc);
		cr_expect_not_null(strstr(err, cases[k].msg), "%s: %s",
		    cases[k].doc, err);
		fixture_fini(&f);
	}
}

/* Nesting deeper than any answer has is refused, not followed. */
Test(iql, deep_nesting)
{
	struct fixture	f;
	struct buf	b;
	char		err[256];
	int		k;

	buf_init(&b);
	buf_adds(&b, "{\"results\":[],\"x\":");
	for (k = 0; k < 100000; k++)
		buf_addc(&b, '[');
	fixture_init(&f);
	cr_expect_eq(fill_text(&f, buf_str(&b), err, sizeof(err)), -EPROTO);
	cr_expect_not_null(strstr(err, "nested deeper"), "%s", err);
	fixture_fini(&f);
	buf_free(&b);
}

/* InfluxDB's words reach the log without control characters. */
Test(iql, messages_are_printable)
{
	struct fixture		 f;
	struct decide_obs	 o, i;
	const char		*why = NULL;
	char			 err[256];

	fixture_init(&f);
	cr_assert_eq(fill_text(&f, "{\"results\":[{\"statement_id\":0,"
	    "\"error\":\"a\\u0000b\\tc\\u001bd\"}]}", err, sizeof(err)), 0);
	iql_plan_obs(f.pl, 0, "svc1", "web", &o, &i, &why);
	cr_expect_str_eq(why, "a?b?c?d");
	cr_expect_eq(fill_text(&f, "{\"error\":\"no\\nway\"}", err,
	    sizeof(err)), -EIO);
	cr_expect_str_eq(err, "InfluxDB refused the query: no?way");
	cr_expect_eq(fill_text(&f, "{\"results\":\x01}", err, sizeof(err)),
	    -EPROTO);
	for (const char *p = err; *p != '\0'; p++)
		cr_expect((unsigned char)*p >= 0x20 && *p != 0x7f, "%s", err);
	fixture_fini(&f);
}
