/* Unit tests for iql: quoting and the tick's query. */
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

static char *
quoted(const char *s)
{
	struct buf	b;

	buf_init(&b);
	iql_quote_ident(&b, s);
	return buf_steal(&b);
}

Test(iql, quoting_hostile_input)
{
	static const struct {
		const char	*in;
		const char	*ident;
	} cases[] = {
		{ "docker", "\"docker\"" },
		{ "", "\"\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "it's", "\"it's\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "ends\\", "\"ends\\\\\"" },
		{ "\\\"", "\"\\\\\\\"\"" },
		{ "l1\nl2", "\"l1\\nl2\"" },
		{ "tab\tcr\r", "\"tab\tcr\r\"" },
		{ "'; DROP DATABASE docker; --",
		    "\"'; DROP DATABASE docker; --\"" },
		{ "\" OR 1=1 --", "\"\\\" OR 1=1 --\"" },
		{ "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xb3",
		    "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x90\xb3\"" },
	};
	char	*got;
	size_t	 i;

	for (i = 0; i < NITEMS(cases); i++) {
		got = quoted(cases[i].in);
		cr_expect_str_eq(got, cases[i].ident, "ident %zu", i);
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
		q = quoted(in);
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

/* How many statements a query text joins, less one. */
static size_t
semicolons(const char *q)
{
	size_t	n = 0;

	for (; *q != '\0'; q++)
		n += *q == ';';
	return n;
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
	cr_expect_str_eq(iql_plan_part_query(pl, 0), seed_query);
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 0),
	    "mean(\"cpu_ratio\")"));
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 0),
	    "time > now() - 10m"));
	/* the service id never appears in the query text */
	cr_expect_null(strstr(iql_plan_part_query(pl, 0), "6dnh8i971l5h"));
	iql_plan_free(pl);
	policy_clear(&p);
}

Test(iql, statements_are_deduplicated)
{
	struct policy		 p[100];
	const struct policy	*pv[100];
	struct iql_plan		*pl;
	char			 name[32];
	size_t			 i;

	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "svc%zu", i);
		make_policy(&p[i], name, "cpu_ratio", NULL, "10m", "600s",
		    i % 3 == 0 ? "runc" : i % 3 == 1 ? "exec" : "swarm");
		pv[i] = &p[i];
	}
	pl = iql_plan_build(pv, 100, NULL, "docker");
	cr_expect_eq(iql_plan_nstatements(pl), 3);
	cr_expect_eq(semicolons(iql_plan_part_query(pl, 0)), 2);
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
	q = iql_plan_part_query(pl, 0);
	cr_expect_not_null(strstr(q, "percentile(\"cpu_ratio\", 95) AS "));
	cr_expect_not_null(strstr(q, "percentile(\"cpu_ratio\", 99.9) AS "));
	cr_expect_not_null(strstr(q, "median(\"mem_usage\") AS \"value\""));
	cr_expect_not_null(strstr(q, "time > now() - 90m "));
	cr_expect_not_null(strstr(q, "FROM \"autogen\".\"do\\\"cker\" "));
	cr_expect_null(strstr(q, "1h30m"));
	iql_plan_free(pl);

	pl = iql_plan_build(pv, 1, "", NULL);
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 0),
	    "FROM \"docker\" "));
	iql_plan_free(pl);
	pl = iql_plan_build(pv, 0, NULL, NULL);
	cr_expect_eq(iql_plan_nstatements(pl), 0);
	cr_expect_str_eq(iql_plan_part_query(pl, 0), "");
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
	cr_expect_eq(semicolons(iql_plan_part_query(pl, 0)),
	    iql_plan_nstatements(pl) - 1);
	iql_plan_free(pl);

	pl = iql_plan_build(pv, N, NULL, "docker");
	cr_assert_eq(iql_plan_nparts(pl), 2);
	/* the aggregate (value and count) costs what first + last do */
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 0), "mean("));
	cr_expect_null(strstr(iql_plan_part_query(pl, 0), "first("));
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 1), "first("));
	cr_expect_not_null(strstr(iql_plan_part_query(pl, 1), "last("));
	/* influx_requests = 1: the whole query, the parts in order */
	buf_init(&q);
	buf_printf(&q, "%s;%s", iql_plan_part_query(pl, 0),
	    iql_plan_part_query(pl, 1));
	iql_plan_one_part(pl);
	cr_expect_eq(iql_plan_nparts(pl), 1);
	cr_expect_str_eq(iql_plan_part_query(pl, 0), buf_str(&q));
	buf_free(&q);
	iql_plan_free(pl);
	for (k = 0; k < N; k++)
		policy_clear(&p[k]);
}
