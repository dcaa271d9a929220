/*
 * Unit tests for policy_syntax: booleans, integers, InfluxQL durations and
 * thresholds, each on its own (test_policy.c has the whole rows).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "policy.h"

#define NS_S	INT64_C(1000000000)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

Test(policy_syntax, booleans)
{
	static const char *const yes[] = {
		"t", "T", "true", "True", "TRUE", "1", "yes", "YES", "y", "on",
		"ON",
	};
	static const char *const no[] = {
		"f", "F", "false", "False", "0", "no", "n", "off", "OFF",
	};
	static const char *const bad[] = {
		"", "2", "tru", "ye", "nope", " true", "true ", "-1", "00",
	};
	bool	v;
	size_t	i;

	for (i = 0; i < NITEMS(yes); i++) {
		v = false;
		cr_expect_eq(policy_parse_bool(yes[i], &v), 0, "%s", yes[i]);
		cr_expect(v, "%s", yes[i]);
	}
	for (i = 0; i < NITEMS(no); i++) {
		v = true;
		cr_expect_eq(policy_parse_bool(no[i], &v), 0, "%s", no[i]);
		cr_expect(!v, "%s", no[i]);
	}
	for (i = 0; i < NITEMS(bad); i++)
		cr_expect_eq(policy_parse_bool(bad[i], &v), -EINVAL, "%s",
		    bad[i]);
}

Test(policy_syntax, integers_are_strict)
{
	static const struct {
		const char	*in;
		int		 rc;
		int64_t		 v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "42", 0, 42 },
		{ "-7", 0, -7 },
		{ "007", 0, 7 },
		{ "9223372036854775807", 0, INT64_MAX },
		{ "-9223372036854775808", 0, INT64_MIN },
		{ "9223372036854775808", -EINVAL, 0 },
		{ "-9223372036854775809", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "-", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1x", -EINVAL, 0 },
		{ "1.0", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
	};
	int64_t	v;
	size_t	i;

	for (i = 0; i < NITEMS(cases); i++) {
		v = 0;
		cr_expect_eq(policy_parse_int(cases[i].in, INT64_MIN, INT64_MAX,
		    &v), cases[i].rc, "%s", cases[i].in);
		if (cases[i].rc == 0)
			cr_expect_eq(v, cases[i].v, "%s", cases[i].in);
	}
	cr_expect_eq(policy_parse_int("11", 0, 10, &v), -ERANGE);
	cr_expect_eq(v, 11);
	cr_expect_eq(policy_parse_int("-1", 0, 10, &v), -ERANGE);
	cr_expect_eq(policy_parse_int("10", 0, 10, &v), 0);
}

Test(policy_syntax, durations_parse)
{
	static const struct {
		const char	*in;
		int64_t		 ns;
	} ok[] = {
		{ "1ns", 1 },
		{ "1u", 1000 },
		{ "1\xc2\xb5", 1000 },
		{ "5ms", 5000000 },
		{ "30s", 30 * NS_S },
		{ "10m", 600 * NS_S },
		{ "1h", 3600 * NS_S },
		{ "2d", 2 * 86400 * NS_S },
		{ "1w", 7 * 86400 * NS_S },
		{ "1h30m", 5400 * NS_S },
		{ "1m30s500ms", 90 * NS_S + 500000000 },
		{ "0s1m", 60 * NS_S },
		{ "0010s", 10 * NS_S },
		{ "9223372036854775807ns", INT64_MAX },
		{ "15250w", INT64_C(15250) * 604800 * NS_S },
	};
	static const char *const bad[] = {
		"", "10", "m", "s10", "1x", "1us", "1M", "1S", "1H", "-1m",
		"+1m", "1.5m", "0s", "0m0s", " 1m", "1m ", "1 m", "1m-1s",
		"9223372036854775808ns", "99999999999999999999s", "15251w",
		"9223372036854775807ns1ns", "1y", "1mo", "\xc2", "1\xb5",
		"1ms5", "10m;DROP",
	};
	int64_t	ns;
	size_t	i;

	for (i = 0; i < NITEMS(ok); i++) {
		ns = 0;
		cr_expect_eq(policy_parse_duration(ok[i].in, &ns), 0, "%s",
		    ok[i].in);
		cr_expect_eq(ns, ok[i].ns, "%s: %lld", ok[i].in, (long long)ns);
	}
	for (i = 0; i < NITEMS(bad); i++)
		cr_expect_eq(policy_parse_duration(bad[i], &ns), -EINVAL,
		    "\"%s\" accepted", bad[i]);
}

Test(policy_syntax, durations_format_canonically)
{
	static const struct {
		int64_t		 ns;
		const char	*out;
	} cases[] = {
		{ 0, "0s" },
		{ 1, "1ns" },
		{ 1500, "1500ns" },
		{ 1000, "1u" },
		{ 2000000, "2ms" },
		{ 1500000000, "1500ms" },
		{ 30 * NS_S, "30s" },
		{ 600 * NS_S, "10m" },
		{ 5400 * NS_S, "90m" },
		{ 3600 * NS_S, "1h" },
		{ 86400 * NS_S, "1d" },
		{ 7 * 86400 * NS_S, "1w" },
		{ 8 * 86400 * NS_S, "8d" },
		{ -600 * NS_S, "-10m" },
		{ INT64_MAX, "9223372036854775807ns" },
		{ INT64_MIN, "-9223372036854775808ns" },
	};
	struct buf	b;
	size_t		i;

	for (i = 0; i < NITEMS(cases); i++) {
		buf_init(&b);
		policy_format_duration(cases[i].ns, &b);
		cr_expect_str_eq(buf_str(&b), cases[i].out);
		buf_free(&b);
	}
}

Test(policy_syntax, durations_round_trip)
{
	struct buf	b;
	int64_t		ns, back;
	uint64_t	x = 88172645463325252ULL;
	int		i;

	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* mix of round and ragged values, all > 0 */
		ns = (int64_t)(x % (UINT64_C(1) << (i % 62 + 1))) + 1;
		if (i % 3 == 0)
			ns = (ns % 100000 + 1) * 60 * NS_S;
		buf_init(&b);
		policy_format_duration(ns, &b);
		cr_assert_eq(policy_parse_duration(buf_str(&b), &back), 0,
		    "%s", buf_str(&b));
		cr_assert_eq(back, ns, "%s", buf_str(&b));
		buf_free(&b);
	}
}

struct tcase {
	const char		*in;
	bool			 out_side;
	int			 rc;
	enum policy_op		 op;
	double			 value;
	enum policy_unit	 unit;
	bool			 has_op;
};

/* Each text, out side or in, and what it parses to (or its error). */
static const struct tcase threshold_cases[] = {
	{ "70%", true, 0, POLICY_OP_GT, 70, POLICY_UNIT_PERCENT, 0 },
	{ "70", true, 0, POLICY_OP_GT, 70, POLICY_UNIT_NONE, 0 },
	{ "0.5", true, 0, POLICY_OP_GT, 0.5, POLICY_UNIT_NONE, 0 },
	{ ">70%", true, 0, POLICY_OP_GT, 70, POLICY_UNIT_PERCENT, 1 },
	{ ">=70%", true, 0, POLICY_OP_GE, 70, POLICY_UNIT_PERCENT, 1 },
	{ " >= 70 % ", true, 0, POLICY_OP_GE, 70, POLICY_UNIT_PERCENT,
	    1 },
	{ "10%", false, 0, POLICY_OP_LT, 10, POLICY_UNIT_PERCENT, 0 },
	{ "<10", false, 0, POLICY_OP_LT, 10, POLICY_UNIT_NONE, 1 },
	{ "<=10.25%", false, 0, POLICY_OP_LE, 10.25,
	    POLICY_UNIT_PERCENT, 1 },
	{ "512MB", true, 0, POLICY_OP_GT, 512e6, POLICY_UNIT_BYTES, 0 },
	{ "512 mb", true, 0, POLICY_OP_GT, 512e6, POLICY_UNIT_BYTES,
	    0 },
	{ "1.5GiB", true, 0, POLICY_OP_GT, 1.5 * 1073741824.0,
	    POLICY_UNIT_BYTES, 0 },
	{ "1kib", true, 0, POLICY_OP_GT, 1024, POLICY_UNIT_BYTES, 0 },
	{ "2KB", true, 0, POLICY_OP_GT, 2000, POLICY_UNIT_BYTES, 0 },
	{ "3GB", true, 0, POLICY_OP_GT, 3e9, POLICY_UNIT_BYTES, 0 },
	{ "1TB", true, 0, POLICY_OP_GT, 1e12, POLICY_UNIT_BYTES, 0 },
	{ "1TiB", true, 0, POLICY_OP_GT, 1099511627776.0,
	    POLICY_UNIT_BYTES, 0 },
	{ "4MiB", true, 0, POLICY_OP_GT, 4194304, POLICY_UNIT_BYTES,
	    0 },
	{ "100B", true, 0, POLICY_OP_GT, 100, POLICY_UNIT_BYTES, 0 },
	{ "0", false, 0, POLICY_OP_LT, 0, POLICY_UNIT_NONE, 0 },
	{ "", true, -EINVAL, 0, 0, 0, 0 },
	{ "%", true, -EINVAL, 0, 0, 0, 0 },
	{ ">", true, -EINVAL, 0, 0, 0, 0 },
	{ "abc", true, -EINVAL, 0, 0, 0, 0 },
	{ "70 %%%", true, -EINVAL, 0, 0, 0, 0 },
	{ "70%%", true, -EINVAL, 0, 0, 0, 0 },
	{ "0x10", true, -EINVAL, 0, 0, 0, 0 },
	{ "inf", true, -EINVAL, 0, 0, 0, 0 },
	{ "nan", true, -EINVAL, 0, 0, 0, 0 },
	{ "1e3", true, -EINVAL, 0, 0, 0, 0 },
	{ "-5", true, -EINVAL, 0, 0, 0, 0 },
	{ "+5", true, -EINVAL, 0, 0, 0, 0 },
	{ ".5", true, -EINVAL, 0, 0, 0, 0 },
	{ "5.", true, -EINVAL, 0, 0, 0, 0 },
	{ "1,5", true, -EINVAL, 0, 0, 0, 0 },
	{ "=70", true, -EINVAL, 0, 0, 0, 0 },
	{ ">>70", true, -EINVAL, 0, 0, 0, 0 },
	{ "=>70", true, -EINVAL, 0, 0, 0, 0 },
	{ "<70%", true, -EINVAL, 0, 0, 0, 0 },
	{ "<=70%", true, -EINVAL, 0, 0, 0, 0 },
	{ ">10%", false, -EINVAL, 0, 0, 0, 0 },
	{ ">=10%", false, -EINVAL, 0, 0, 0, 0 },
	{ "10 k", true, -EINVAL, 0, 0, 0, 0 },
	{ "10K", true, -EINVAL, 0, 0, 0, 0 },
	{ "10 MB extra", true, -EINVAL, 0, 0, 0, 0 },
	{ "70%'; DROP TABLE das; --", true, -EINVAL, 0, 0, 0, 0 },
	{ "1111111111111111111111111111111111111111111", true,
	    -EINVAL, 0, 0, 0, 0 },
};

Test(policy_syntax, thresholds_parse)
{
	const struct tcase	*c;
	struct policy_threshold	 t;
	char			 err[256];
	size_t			 i;
	int			 rc;

	for (i = 0; i < NITEMS(threshold_cases); i++) {
		c = &threshold_cases[i];
		rc = policy_parse_threshold(c->in, c->out_side, &t, err,
		    sizeof(err));
		cr_expect_eq(rc, c->rc, "\"%s\" (%s): %d %s", c->in,
		    c->out_side ? "out" : "in", rc, err);
		if (rc != 0 || c->rc != 0)
			continue;
		cr_expect(t.set);
		cr_expect_eq(t.op, c->op, "%s", c->in);
		cr_expect_eq(t.value, c->value, "%s: %g", c->in, t.value);
		cr_expect_eq(t.unit, c->unit, "%s", c->in);
		cr_expect_eq(t.has_op, c->has_op, "%s", c->in);
	}
}

Test(policy_syntax, threshold_messages)
{
	struct policy_threshold	t;
	char			err[256];

	policy_parse_threshold("70 %%%", true, &t, err, sizeof(err));
	cr_expect(strncmp(err, "out_cond \"70 %%%\": unknown unit \"%%%\"",
	    36) == 0, "%s", err);
	policy_parse_threshold("<70%", true, &t, err, sizeof(err));
	cr_expect_str_eq(err, "out_cond \"<70%\": the scale-out threshold "
	    "must use > or >=");
	policy_parse_threshold(">10", false, &t, err, sizeof(err));
	cr_expect_str_eq(err, "in_cond \">10\": the scale-in threshold must "
	    "use < or <=");
	policy_parse_threshold("lots", false, &t, err, sizeof(err));
	cr_expect(strncmp(err, "in_cond \"lots\": expected a number", 33) == 0,
	    "%s", err);
}
