/*
 * Unit tests for policy: whole rows, parsed and validated, their hash and
 * names (test_policy_syntax.c has each syntax on its own).
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

/* README's INSERT ("Register a service"), verbatim. */
static struct policy_row
seed_row(void)
{
	struct policy_row r;

	memset(&r, 0, sizeof(r));
	r.seq = "1";
	r.min_no = "1";
	r.max_no = "10";
	r.cur_no = "3";
	r.cond_item = "cpu_ratio";
	r.out_cond = "70%";
	r.in_cond = "10%";
	r.out_duration = "10m";
	r.in_duration = "10m";
	r.service_id = "6dnh8i971l5h";
	return r;
}

Test(policy, seed_row_parses_with_defaults)
{
	struct policy_row	r = seed_row();
	struct policy		p;
	char			err[256];

	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.seq, 1);
	cr_expect_eq(p.min_no, 1);
	cr_expect_eq(p.max_no, 10);
	cr_expect_eq(p.cur_no, 3);
	cr_expect_str_eq(p.field, "cpu_ratio");
	cr_expect(p.out.set && !p.out.has_op);
	cr_expect_eq(p.out.op, POLICY_OP_GT);
	cr_expect_eq(p.out.value, 70.0);
	cr_expect_eq(p.out.unit, POLICY_UNIT_PERCENT);
	cr_expect(p.in.set && !p.in.has_op);
	cr_expect_eq(p.in.op, POLICY_OP_LT);
	cr_expect_eq(p.in.value, 10.0);
	cr_expect_eq(p.out_window_ns, 600 * NS_S);
	cr_expect_eq(p.in_window_ns, 600 * NS_S);
	cr_expect_eq(p.cooldown_out_ns, 600 * NS_S);
	cr_expect_eq(p.cooldown_in_ns, 600 * NS_S);
	cr_expect_eq(p.step_out, 1);
	cr_expect_eq(p.step_in, 1);
	cr_expect(p.enabled);
	cr_expect(!p.dry_run);
	cr_expect(!p.sustained);
	cr_expect_eq(p.backend, POLICY_BACKEND_SWARM);
	cr_expect_eq(p.aggregate, POLICY_AGG_MEAN);
	cr_expect_eq(p.mode, POLICY_MODE_THRESHOLD);
	cr_expect_str_eq(p.service, "6dnh8i971l5h");
	cr_expect_null(p.target);
	cr_expect_str_eq(err, "");
	policy_clear(&p);
	cr_expect_null(p.field);
	policy_clear(&p);
	policy_clear(NULL);
}

Test(policy, optional_columns_are_read)
{
	struct policy_row	r = seed_row();
	struct policy		p;
	char			err[256];

	r.cur_no = NULL;
	r.step_out = "3";
	r.step_in = "2";
	r.cooldown_out = "15m";
	r.cooldown_in = "1h";
	r.enabled = "f";
	r.dry_run = "TRUE";
	r.sustained = "on";
	r.backend = "RunC";
	r.target = "web-bundle";
	r.aggregate = "P99.9";
	r.in_duration = "5m";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.cur_no, -1);
	cr_expect_eq(p.step_out, 3);
	cr_expect_eq(p.step_in, 2);
	cr_expect_eq(p.cooldown_out_ns, 900 * NS_S);
	cr_expect_eq(p.cooldown_in_ns, 3600 * NS_S);
	cr_expect_eq(p.in_window_ns, 300 * NS_S);
	cr_expect(!p.enabled);
	cr_expect(p.dry_run);
	cr_expect(p.sustained);
	cr_expect_eq(p.backend, POLICY_BACKEND_RUNC);
	cr_expect_str_eq(p.target, "web-bundle");
	cr_expect_eq(p.aggregate, POLICY_AGG_PERCENTILE);
	cr_expect_eq(p.percentile, 99.9);
	policy_clear(&p);
}

Test(policy, cooldown_in_defaults_to_in_window)
{
	struct policy_row	r = seed_row();
	struct policy		p;

	r.out_duration = "2m";
	r.in_duration = "1h30m";
	cr_assert_eq(policy_parse(&r, &p, NULL, 0), 0);
	cr_expect_eq(p.cooldown_out_ns, 120 * NS_S);
	cr_expect_eq(p.cooldown_in_ns, 5400 * NS_S);
	policy_clear(&p);
}

Test(policy, capacity_mode)
{
	struct policy_row	r = seed_row();
	struct policy		p;
	char			err[256];

	r.mode = "capacity";
	r.out_cond = r.in_cond = NULL;
	r.in_duration = NULL;
	r.capacity = "80%";
	r.min_available = "40";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.mode, POLICY_MODE_CAPACITY);
	cr_expect_eq(p.capacity, 80.0);
	cr_expect_eq(p.min_available, 40.0);
	cr_expect(!p.out.set && !p.in.set);
	cr_expect_eq(p.in_window_ns, p.out_window_ns);
	policy_clear(&p);

	/* capacity mode does not order thresholds that are given */
	r = seed_row();
	r.mode = "capacity";
	r.capacity = "512MiB";
	r.cond_item = "mem_usage";
	r.out_cond = "100MB";
	r.in_cond = "200MB";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.capacity, 512.0 * 1048576);
	cr_expect_eq(p.min_available, 0.0);
	policy_clear(&p);
}

Test(policy, aggregates)
{
	static const struct {
		const char		*in;
		enum policy_aggregate	 agg;
		double			 pct;
		const char		*name;
	} ok[] = {
		{ "mean", POLICY_AGG_MEAN, 0, "mean" },
		{ "MEAN", POLICY_AGG_MEAN, 0, "mean" },
		{ "min", POLICY_AGG_MIN, 0, "min" },
		{ "Max", POLICY_AGG_MAX, 0, "max" },
		{ "median", POLICY_AGG_MEDIAN, 0, "median" },
		{ "p95", POLICY_AGG_PERCENTILE, 95, "p95" },
		{ "p1", POLICY_AGG_PERCENTILE, 1, "p1" },
		{ "p99.9", POLICY_AGG_PERCENTILE, 99.9, "p99.9" },
		{ "P50", POLICY_AGG_PERCENTILE, 50, "p50" },
		{ "p100", POLICY_AGG_PERCENTILE, 100, "p100" },
		{ "p0.5", POLICY_AGG_PERCENTILE, 0.5, "p0.5" },
	};
	static const char *const bad[] = {
		"", "avg", "p", "p0", "p101", "p-5", "p9x", "p.5", "p95.",
		"p 95", "mean ", "sum", "percentile",
	};
	struct policy_row	r = seed_row();
	struct policy		p;
	struct buf		b;
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(ok); i++) {
		r.aggregate = ok[i].in;
		cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0,
		    "%s: %s", ok[i].in, err);
		cr_expect_eq(p.aggregate, ok[i].agg, "%s", ok[i].in);
		if (ok[i].agg == POLICY_AGG_PERCENTILE)
			cr_expect_eq(p.percentile, ok[i].pct, "%s", ok[i].in);
		buf_init(&b);
		policy_format_aggregate(&p, &b);
		cr_expect_str_eq(buf_str(&b), ok[i].name);
		buf_free(&b);
		policy_clear(&p);
	}
	for (i = 0; i < NITEMS(bad); i++) {
		r.aggregate = bad[i];
		cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL,
		    "aggregate \"%s\" accepted", bad[i]);
		cr_expect(strncmp(err, "aggregate \"", 11) == 0, "%s", err);
	}
}

/* A column edit and the error it must produce (prefix match). */
struct ecase {
	size_t		 off;	/* offsetof the column in struct policy_row */
	const char	*value;
	const char	*err;
};

#define COL(c)	offsetof(struct policy_row, c)

/* Each turns README's row invalid, and says so. */
static char long_name[POLICY_NAME_MAX + 2];
static char long_target[POLICY_TARGET_MAX + 2];
static const struct ecase invalid_cases[] = {
	{ COL(seq), NULL, "seq is missing" },
	{ COL(seq), "one", "seq \"one\" is not an integer" },
	{ COL(min_no), NULL, "min_no is missing" },
	{ COL(max_no), NULL, "max_no is missing" },
	{ COL(min_no), "20", "min_no 20 is greater than max_no 10" },
	{ COL(min_no), "-1", "min_no -1 is negative" },
	{ COL(min_no), "1x", "min_no \"1x\" is not an integer" },
	{ COL(min_no), "2147483648", "min_no 2147483648 is too large" },
	{ COL(max_no), "0", "max_no 0 is below 1" },
	{ COL(max_no), "ten", "max_no \"ten\" is not an integer" },
	{ COL(cur_no), "-3", "cur_no -3 is negative" },
	{ COL(cur_no), "", "cur_no \"\" is not an integer" },
	{ COL(step_out), "0", "step_out 0 is below 1" },
	{ COL(step_in), "-2", "step_in -2 is below 1" },
	{ COL(cond_item), NULL, "cond_item NULL is not one of" },
	{ COL(cond_item), "cpu", "cond_item \"cpu\" is not one of" },
	{ COL(cond_item), "CPU_RATIO",
	    "cond_item \"CPU_RATIO\" is not" },
	{ COL(cond_item), "cpu_ratio\") FROM x; --",
	    "cond_item \"cpu_ratio\") FROM x; --\" is not one of" },
	{ COL(out_cond), NULL, "out_cond is missing" },
	{ COL(in_cond), NULL, "in_cond is missing" },
	{ COL(out_cond), "70 %%%", "out_cond \"70 %%%\": unknown unit "
	    "\"%%%\"" },
	{ COL(in_cond), "80%", "in_cond \"80%\" is not below out_cond "
	    "\"70%\"" },
	{ COL(in_cond), "70", "in_cond \"70\" is not below out_cond" },
	{ COL(out_cond), "512MB",
	    "out_cond \"512MB\": byte units apply to mem_*, net_* "
	    "and blk_* fields only, not to cpu_ratio" },
	{ COL(out_duration), NULL, "out_duration is missing" },
	{ COL(in_duration), NULL, "in_duration is missing" },
	{ COL(out_duration), "10", "out_duration \"10\" is not a "
	    "positive InfluxQL duration" },
	{ COL(in_duration), "0s",
	    "in_duration \"0s\" is not a positive" },
	{ COL(in_duration), "10 minutes",
	    "in_duration \"10 minutes\"" },
	{ COL(cooldown_out), "soon", "cooldown_out \"soon\" is not a" },
	{ COL(cooldown_in), "-1m", "cooldown_in \"-1m\" is not a" },
	{ COL(service_id), NULL, "service_id is missing" },
	{ COL(service_id), "", "service_id \"\" is not a Docker" },
	{ COL(service_id), "my web", "service_id \"my web\" is not a "
	    "Docker service name or ID "
	    "(1 to 128 of A-Z a-z 0-9 _ . -, not starting with - or .)" },
	/* {service} in an exec template, runc's ids: never an option or
	 * a path */
	{ COL(service_id), "-rf", "service_id \"-rf\" is not a Docker" },
	{ COL(service_id), "..", "service_id \"..\" is not a Docker" },
	{ COL(service_id), ".hidden", "service_id \".hidden\" is not" },
	{ COL(service_id), "x';DROP", "service_id \"x';DROP\" is not" },
	{ COL(service_id), "a\nb", "service_id \"a?b\" is not" },
	{ COL(service_id), "caf\xc3\xa9",
	    "service_id \"caf\xc3\xa9\"" },
	{ COL(service_id), long_name, "service_id \"xxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" is not" },
	{ COL(enabled), "maybe", "enabled \"maybe\" is not a boolean" },
	{ COL(dry_run), "2", "dry_run \"2\" is not a boolean" },
	{ COL(sustained), "", "sustained \"\" is not a boolean" },
	{ COL(backend), "k8s", "backend \"k8s\" is not one of swarm, "
	    "runc or exec" },
	{ COL(mode), "auto", "mode \"auto\" is not one of threshold, "
	    "capacity" },
	{ COL(target), "a\tb", "target \"a?b\" contains control" },
	{ COL(target), long_target, "target \"/xxxx" },
};

Test(policy, invalid_rows_say_why)
{
	const struct ecase	*c;
	struct policy_row	 r;
	struct policy		 p;
	char			 err[256];
	size_t			 i;

	memset(long_name, 'x', POLICY_NAME_MAX + 1);
	long_target[0] = '/';
	memset(long_target + 1, 'x', POLICY_TARGET_MAX);
	for (i = 0; i < NITEMS(invalid_cases); i++) {
		c = &invalid_cases[i];
		r = seed_row();
		*(const char **)((char *)&r + c->off) = c->value;
		cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL,
		    "case %zu (%s) accepted", i, c->err);
		cr_expect(strncmp(err, c->err, strlen(c->err)) == 0,
		    "case %zu: got \"%s\", want \"%s...\"", i, err, c->err);
		cr_expect_null(p.field);
		cr_expect_null(p.service);
	}
}

Test(policy, units_must_suit_the_field)
{
	static const struct {
		const char	*field;
		const char	*out;
		const char	*in;
		bool		 ok;
	} cases[] = {
		{ "cpu_ratio", "70%", "10%", true },
		{ "mem_ratio", "90%", "20", true },
		{ "cpu_ratio", "1GB", "10", false },
		{ "mem_usage", "1GiB", "100MB", true },
		{ "mem_usage", "70%", "10%", false },
		{ "mem_limit", "2GB", "1GB", true },
		{ "net_read", "10MB", "1KB", true },
		{ "net_write", "1000000", "10", true },
		{ "blk_read", "1TiB", "1MiB", true },
		{ "blk_write", "50%", "1B", false },
		{ "mem_ratio", "50%", "1MB", false },
	};
	struct policy_row	r;
	struct policy		p;
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		r = seed_row();
		r.cond_item = cases[i].field;
		r.out_cond = cases[i].out;
		r.in_cond = cases[i].in;
		cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)) == 0,
		    cases[i].ok, "%s %s %s: %s", cases[i].field, cases[i].out,
		    cases[i].in, err);
		policy_clear(&p);
	}
	r = seed_row();
	r.cond_item = "mem_usage";
	r.out_cond = "70%";
	r.in_cond = "10";
	policy_parse(&r, &p, err, sizeof(err));
	cr_expect_str_eq(err, "out_cond \"70%\": % applies to cpu_ratio and "
	    "mem_ratio only, not to mem_usage");
	cr_expect(policy_field_known("blk_write"));
	cr_expect(!policy_field_known("time"));
	cr_expect(!policy_field_known(NULL));
	cr_expect_eq(policy_field_unit("mem_limit"), POLICY_UNIT_BYTES);
	cr_expect_eq(policy_field_unit("cpu_ratio"), POLICY_UNIT_PERCENT);
}

/* Each backend with its target: NULL err means valid. */
static const struct target_case {
	const char	*backend;
	const char	*target;
	const char	*err;	/* NULL: valid */
} target_cases[] = {
	{ "swarm", NULL, NULL },
	{ "swarm", "ignored but clean", NULL },
	{ "runc", "web", NULL },
	{ "runc", "web-1.prod_x", NULL },
	{ "runc", NULL, "target is missing (backend runc needs the "
	    "name of a das.conf bundle.NAME line)" },
	{ "runc", "/srv/bundles/web", "target \"/srv/bundles/web\" is "
	    "not a name" },
	{ "runc", "../etc", "target \"../etc\" is not a name" },
	{ "runc", "", "target \"\" is not a name" },
	{ "runc", "w\neb", "target \"w?eb\" contains control" },
	{ "exec", "scale-web", NULL },
	{ "exec", NULL, "target is missing (backend exec needs the "
	    "name of a das.conf exec.NAME line)" },
	{ "exec", "/bin/touch /tmp/x", "target \"/bin/touch /tmp/x\" "
	    "is not a name" },
	{ "exec", "scale {replicas}", "target \"scale {replicas}\" is "
	    "not a name" },
	{ "exec", "   ", "target \"   \" is not a name" },
	{ "exec", "a\x7f", "target \"a?\" contains control" },
	{ "exec", "x234567890123456789012345678901234567890123456789"
	    "012345678901234", NULL },
	{ "exec", "x234567890123456789012345678901234567890123456789"
	    "0123456789012345", "target \"x2345" },
};

Test(policy, backends_and_targets)
{
	const struct target_case	*c;
	struct policy_row		 r;
	struct policy			 p;
	char				 err[256];
	size_t				 i;
	int				 rc;

	for (i = 0; i < NITEMS(target_cases); i++) {
		c = &target_cases[i];
		r = seed_row();
		r.service_id = "web-cluster_1.a";
		r.backend = c->backend;
		r.target = c->target;
		rc = policy_parse(&r, &p, err, sizeof(err));
		if (c->err == NULL) {
			cr_expect_eq(rc, 0, "%zu: %s", i, err);
			if (c->target != NULL)
				cr_expect_str_eq(p.target, c->target);
		} else {
			cr_expect_eq(rc, -EINVAL, "%zu accepted", i);
			cr_expect(strncmp(err, c->err, strlen(c->err)) == 0,
			    "%zu: got \"%s\"", i, err);
		}
		policy_clear(&p);
	}
	r = seed_row();
	r.backend = "runc";
	r.service_id = "bad/name";
	r.target = "b";
	policy_parse(&r, &p, err, sizeof(err));
	cr_expect(strncmp(err, "service_id \"bad/name\" is not a cluster name",
	    42) == 0, "%s", err);
}

Test(policy, capacity_mode_errors)
{
	static const struct {
		const char	*capacity;
		const char	*min_available;
		const char	*err;
	} cases[] = {
		{ NULL, NULL, "capacity is missing (mode capacity)" },
		{ "0", NULL, "capacity \"0\" must be greater than 0" },
		{ "0.0%", NULL, "capacity \"0.0%\" must be greater than 0" },
		{ "-5", NULL, "capacity \"-5\": expected a number" },
		{ "lots", NULL, "capacity \"lots\": expected a number" },
		{ "1GB", NULL, "capacity \"1GB\": byte units apply" },
		{ "100", "-1", "min_available \"-1\": expected a number" },
		{ "100", "5 cores", "min_available \"5 cores\": unknown unit" },
	};
	struct policy_row	r;
	struct policy		p;
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		r = seed_row();
		r.mode = "capacity";
		r.capacity = cases[i].capacity;
		r.min_available = cases[i].min_available;
		cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
		cr_expect(strncmp(err, cases[i].err, strlen(cases[i].err)) ==
		    0, "%zu: got \"%s\"", i, err);
	}
	/* capacity mode still needs an out window */
	r = seed_row();
	r.mode = "capacity";
	r.capacity = "100";
	r.out_duration = NULL;
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "out_duration is missing");
	/* a capacity column in threshold mode must still be valid */
	r = seed_row();
	r.capacity = "x";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
}

Test(policy, error_buffer_is_respected)
{
	struct policy_row	r = seed_row();
	struct policy		p;
	char			err[9];

	r.min_no = "20";
	memset(err, 'Z', sizeof(err));
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "min_no 2");
	cr_expect_eq(policy_parse(&r, &p, NULL, 0), -EINVAL);
	cr_expect_eq(policy_parse(&r, &p, err, 0), -EINVAL);
}

Test(policy, show_is_safe)
{
	char	out[POLICY_SHOW_SIZE];
	char	in[200];

	cr_expect_str_eq(policy_show("a\r\nb\x1b[31m", out), "a??b?[31m");
	memset(in, 'y', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	policy_show(in, out);
	cr_expect_eq(strlen(out), POLICY_SHOW_SIZE - 1);
	cr_expect_str_eq(out + POLICY_SHOW_SIZE - 4, "...");
	/* a multi-byte character is never cut in half */
	memset(in, 'y', 47);
	memcpy(in + 47, "\xc3\xa9zzzz", 7);
	policy_show(in, out);
	cr_expect_str_eq(out + 47, "...");
}

Test(policy, row_hash_tracks_every_column)
{
	struct policy_row	a = seed_row(), b;
	uint64_t		h = policy_row_hash(&a);
	const char		**col;
	size_t			i;

	b = seed_row();
	cr_expect_eq(policy_row_hash(&b), h);
	for (i = 0; i < sizeof(b) / sizeof(char *); i++) {
		b = seed_row();
		col = (const char **)&b + i;
		*col = *col == NULL ? "" : NULL;
		cr_expect_neq(policy_row_hash(&b), h, "column %zu", i);
		b = seed_row();
		*col = "changed";
		cr_expect_neq(policy_row_hash(&b), h, "column %zu", i);
	}
	/* NULL differs from "", and text cannot slide between columns */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.seq = "";
	cr_expect_neq(policy_row_hash(&a), policy_row_hash(&b));
	a.seq = "ab";
	b.seq = "a";
	b.min_no = "b";
	cr_expect_neq(policy_row_hash(&a), policy_row_hash(&b));
	memset(&a, 0, sizeof(a));
	cr_expect_eq(policy_row_hash(&a), policy_row_hash(&a));
}

Test(policy, names)
{
	cr_expect_str_eq(policy_backend_name(POLICY_BACKEND_EXEC), "exec");
	cr_expect_str_eq(policy_mode_name(POLICY_MODE_CAPACITY), "capacity");
	cr_expect_str_eq(policy_backend_name((enum policy_backend)9), "?");
}

Test(policy, amounts_and_numbers)
{
	enum policy_unit	u;
	struct buf		b;
	double			v;

	cr_expect_eq(policy_parse_amount("capacity", " 2 GiB ", &v, &u, NULL,
	    0), 0);
	cr_expect_eq(v, 2.0 * 1073741824);
	cr_expect_eq(u, POLICY_UNIT_BYTES);
	buf_init(&b);
	policy_format_number(99.9, &b);
	buf_addc(&b, ' ');
	policy_format_number(70, &b);
	buf_addc(&b, ' ');
	policy_format_number(0.1, &b);
	buf_addc(&b, ' ');
	policy_format_number(1.0 / 3, &b);
	cr_expect_str_eq(buf_str(&b), "99.9 70 0.1 0.3333333333333333");
	buf_free(&b);
}
