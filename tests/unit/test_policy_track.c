/*
 * Unit tests for policy_track: the columns of issue 11 (setpoint,
 * tolerance, max_step_out, stabilize_in, stabilize_out, percent steps,
 * sustained per direction) parsed from whole rows, their defaults per
 * mode, every error sentence, and the step helpers decide uses.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "policy.h"

#define NS_S	INT64_C(1000000000)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define COL(c)	offsetof(struct policy_row, c)

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

/* The shortest target-mode row: a setpoint and an out window. */
static struct policy_row
target_row(void)
{
	struct policy_row r = seed_row();

	r.mode = "target";
	r.setpoint = "70%";
	r.out_cond = r.in_cond = NULL;
	r.in_duration = NULL;
	r.out_duration = "1m";
	return r;
}

Test(policy_track, target_row_defaults)
{
	struct policy_row	r = target_row();
	struct policy		p;
	char			err[256];

	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.mode, POLICY_MODE_TARGET);
	cr_expect_eq(p.setpoint, 70.0);
	cr_expect_eq(p.tolerance, 0.1);
	cr_expect_eq(p.max_step_out, 0);
	cr_expect_eq(p.max_step_out_pct, 0.0);
	/* HPA's 5 min scale-down stabilization, none for scale-out */
	cr_expect_eq(p.stabilize_in_ns, 300 * NS_S);
	cr_expect_eq(p.stabilize_out_ns, 0);
	/* no cooldowns: the anti-flapping is stabilization */
	cr_expect_eq(p.cooldown_out_ns, 0);
	cr_expect_eq(p.cooldown_in_ns, 0);
	/* the in window is the out window */
	cr_expect_eq(p.out_window_ns, 60 * NS_S);
	cr_expect_eq(p.in_window_ns, 60 * NS_S);
	cr_expect_eq(p.step_out, 1);
	cr_expect_eq(p.step_in, 1);
	cr_expect_eq(p.step_out_pct, 0.0);
	cr_expect_eq(p.step_in_pct, 0.0);
	cr_expect(!p.sustained && !p.sustained_out && !p.sustained_in);
	cr_expect(!p.out.set && !p.in.set);
	cr_expect_str_eq(err, "");
	cr_expect_str_eq(policy_mode_name(p.mode), "target");
	policy_clear(&p);
}

/* A row that names none of the new columns parses as before. */
Test(policy_track, other_modes_keep_their_defaults)
{
	struct policy_row	r = seed_row();
	struct policy		p;
	char			err[256];

	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.mode, POLICY_MODE_THRESHOLD);
	cr_expect_eq(p.stabilize_in_ns, 0);
	cr_expect_eq(p.stabilize_out_ns, 0);
	cr_expect_eq(p.cooldown_out_ns, 600 * NS_S);
	cr_expect_eq(p.cooldown_in_ns, 600 * NS_S);
	cr_expect_eq(p.step_out_pct, 0.0);
	cr_expect_eq(p.max_step_out, 0);
	policy_clear(&p);
	r.mode = "capacity";
	r.capacity = "100%";
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.stabilize_in_ns, 0);
	cr_expect_eq(p.cooldown_out_ns, 600 * NS_S);
	policy_clear(&p);
	/* threshold mode with the new columns: read, stabilization too */
	r = seed_row();
	r.stabilize_in = "5m";
	r.step_out = "50%";
	r.sustained = "in";
	r.setpoint = "60%";	/* unused, but checked */
	cr_assert_eq(policy_parse(&r, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(p.stabilize_in_ns, 300 * NS_S);
	cr_expect_eq(p.step_out_pct, 50.0);
	cr_expect_eq(p.step_out, 0);
	cr_expect(p.sustained_in && !p.sustained_out && p.sustained);
	cr_expect_eq(p.setpoint, 60.0);
	cr_expect_eq(p.cooldown_out_ns, 600 * NS_S);
	policy_clear(&p);
}

/* What a valid column sets, one field at a time. */
enum tfield {
	F_SETPOINT, F_TOL, F_MSO, F_MSO_PCT, F_STAB_IN, F_STAB_OUT,
	F_STEP_OUT, F_STEP_OUT_PCT, F_STEP_IN, F_STEP_IN_PCT, F_SUS_OUT,
	F_SUS_IN, F_SUS, F_COOL_OUT, F_COOL_IN,
};

static double
tfield(const struct policy *p, enum tfield f)
{
	switch (f) {
	case F_SETPOINT:	return p->setpoint;
	case F_TOL:		return p->tolerance;
	case F_MSO:		return p->max_step_out;
	case F_MSO_PCT:		return p->max_step_out_pct;
	case F_STAB_IN:		return (double)p->stabilize_in_ns;
	case F_STAB_OUT:	return (double)p->stabilize_out_ns;
	case F_STEP_OUT:	return p->step_out;
	case F_STEP_OUT_PCT:	return p->step_out_pct;
	case F_STEP_IN:		return p->step_in;
	case F_STEP_IN_PCT:	return p->step_in_pct;
	case F_SUS_OUT:		return p->sustained_out;
	case F_SUS_IN:		return p->sustained_in;
	case F_SUS:		return p->sustained;
	case F_COOL_OUT:	return (double)p->cooldown_out_ns;
	case F_COOL_IN:		return (double)p->cooldown_in_ns;
	}
	return NAN;
}

Test(policy_track, valid_columns)
{
	static const struct {
		size_t		 off;
		const char	*value;
		enum tfield	 field;
		double		 want;
	} cases[] = {
		{ COL(setpoint), "80", F_SETPOINT, 80 },
		{ COL(setpoint), " 55.5 % ", F_SETPOINT, 55.5 },
		{ COL(setpoint), "0.5%", F_SETPOINT, 0.5 },
		/* tolerance: a percent, with or without the sign */
		{ COL(tolerance), "5%", F_TOL, 0.05 },
		{ COL(tolerance), "5", F_TOL, 0.05 },
		{ COL(tolerance), "0", F_TOL, 0 },
		{ COL(tolerance), "99.5%", F_TOL, 0.995 },
		/* max_step_out: a count or a percent, never both */
		{ COL(max_step_out), "3", F_MSO, 3 },
		{ COL(max_step_out), "3", F_MSO_PCT, 0 },
		{ COL(max_step_out), "50%", F_MSO_PCT, 50 },
		{ COL(max_step_out), "50%", F_MSO, 0 },
		{ COL(max_step_out), "1000%", F_MSO_PCT, 1000 },
		{ COL(max_step_out), "0.5 %", F_MSO_PCT, 0.5 },
		/* stabilization: 0 turns it off */
		{ COL(stabilize_in), "0", F_STAB_IN, 0 },
		{ COL(stabilize_in), "0s", F_STAB_IN, 0 },
		{ COL(stabilize_in), "2m", F_STAB_IN, 120e9 },
		{ COL(stabilize_in), "1h30m", F_STAB_IN, 5400e9 },
		{ COL(stabilize_in), "2m", F_STAB_OUT, 0 },
		{ COL(stabilize_out), "30s", F_STAB_OUT, 30e9 },
		{ COL(stabilize_out), "0", F_STAB_OUT, 0 },
		{ COL(stabilize_out), "30s", F_STAB_IN, 300e9 },
		/* steps: a count or a percent */
		{ COL(step_out), "50%", F_STEP_OUT_PCT, 50 },
		{ COL(step_out), "50%", F_STEP_OUT, 0 },
		{ COL(step_out), "2", F_STEP_OUT, 2 },
		{ COL(step_out), "2", F_STEP_OUT_PCT, 0 },
		{ COL(step_out), "1000%", F_STEP_OUT_PCT, 1000 },
		{ COL(step_in), "25%", F_STEP_IN_PCT, 25 },
		{ COL(step_in), "25%", F_STEP_IN, 0 },
		{ COL(step_in), "25%", F_STEP_OUT, 1 },
		/* sustained: a boolean for both, or one direction */
		{ COL(sustained), "out", F_SUS_OUT, 1 },
		{ COL(sustained), "out", F_SUS_IN, 0 },
		{ COL(sustained), "out", F_SUS, 1 },
		{ COL(sustained), "OUT", F_SUS_OUT, 1 },
		{ COL(sustained), "In", F_SUS_IN, 1 },
		{ COL(sustained), "in", F_SUS_OUT, 0 },
		{ COL(sustained), "true", F_SUS_OUT, 1 },
		{ COL(sustained), "yes", F_SUS_IN, 1 },
		{ COL(sustained), "off", F_SUS, 0 },
		{ COL(sustained), "0", F_SUS_OUT, 0 },
		/* a cooldown the row sets stays */
		{ COL(cooldown_out), "2m", F_COOL_OUT, 120e9 },
		{ COL(cooldown_out), "2m", F_COOL_IN, 0 },
		{ COL(cooldown_in), "1m", F_COOL_IN, 60e9 },
		{ COL(cooldown_in), "1m", F_COOL_OUT, 0 },
	};
	struct policy_row	r;
	struct policy		p;
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		r = target_row();
		*(const char **)((char *)&r + cases[i].off) = cases[i].value;
		cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), 0,
		    "case %zu (\"%s\"): %s", i, cases[i].value, err);
		cr_expect_eq(tfield(&p, cases[i].field), cases[i].want,
		    "case %zu (\"%s\"): %g, want %g", i, cases[i].value,
		    tfield(&p, cases[i].field), cases[i].want);
		policy_clear(&p);
	}
}

/* Each edit turns the target row invalid, with this exact sentence. */
static const struct {
	size_t		 off;
	const char	*value;
	const char	*err;
} invalid_cases[] = {
	{ COL(setpoint), NULL, "setpoint is missing (mode target: the value "
	    "each replica should run at, such as 70%)" },
	{ COL(setpoint), "512MB", "setpoint \"512MB\": byte units apply to "
	    "mem_*, net_* and blk_* fields only, not to cpu_ratio" },
	{ COL(setpoint), "0", "setpoint \"0\" must be greater than 0" },
	{ COL(setpoint), "0.0%", "setpoint \"0.0%\" must be greater than 0" },
	{ COL(setpoint), "-5", "setpoint \"-5\": expected a number such as "
	    "70, 70% or 512MB" },
	{ COL(setpoint), "high", "setpoint \"high\": expected a number such "
	    "as 70, 70% or 512MB" },
	{ COL(setpoint), "70 cores", "setpoint \"70 cores\": unknown unit "
	    "\"cores\" (use %, B, KB, MB, GB, TB, KiB, MiB, GiB or TiB; a rate "
	    "adds /s, such as 5MB/s)" },
	{ COL(tolerance), "100", "tolerance \"100\" is not a percent below "
	    "100" },
	{ COL(tolerance), "100%", "tolerance \"100%\" is not a percent below "
	    "100" },
	{ COL(tolerance), "150%", "tolerance \"150%\" is not a percent below "
	    "100" },
	{ COL(tolerance), "50B", "tolerance \"50B\" is not a percent below "
	    "100" },
	/* the unit's message, not the range's */
	{ COL(tolerance), "150 pct", "tolerance \"150 pct\": unknown unit "
	    "\"pct\"" },
	{ COL(tolerance), "-1%", "tolerance \"-1%\": expected a number such "
	    "as 70, 70% or 512MB" },
	{ COL(tolerance), "", "tolerance \"\": expected a number such as 70, "
	    "70% or 512MB" },
	{ COL(max_step_out), "0", "max_step_out 0 is below 1" },
	{ COL(max_step_out), "-2", "max_step_out -2 is below 1" },
	{ COL(max_step_out), "four", "max_step_out \"four\" is not an "
	    "integer" },
	{ COL(max_step_out), "2147483648", "max_step_out 2147483648 is too "
	    "large" },
	{ COL(max_step_out), "0%", "max_step_out \"0%\" is not a percent in "
	    "(0, 1000]" },
	{ COL(max_step_out), "1001%", "max_step_out \"1001%\" is not a "
	    "percent in (0, 1000]" },
	{ COL(max_step_out), "-5%", "max_step_out \"-5%\": expected a number "
	    "such as 70, 70% or 512MB" },
	{ COL(max_step_out), "5%%", "max_step_out \"5%%\": unknown unit "
	    "\"%%\"" },
	{ COL(step_out), "0%", "step_out \"0%\" is not a percent in "
	    "(0, 1000]" },
	{ COL(step_out), "50MB", "step_out \"50MB\" is not an integer" },
	{ COL(step_out), "0", "step_out 0 is below 1" },
	{ COL(step_in), "2000%", "step_in \"2000%\" is not a percent in "
	    "(0, 1000]" },
	{ COL(step_in), "x%", "step_in \"x%\": expected a number" },
	{ COL(stabilize_in), "soon", "stabilize_in \"soon\" is not a positive "
	    "InfluxQL duration (such as 30s, 10m, 1h30m)" },
	{ COL(stabilize_in), "-1m", "stabilize_in \"-1m\" is not a positive "
	    "InfluxQL duration" },
	{ COL(stabilize_in), "", "stabilize_in \"\" is not a positive "
	    "InfluxQL duration" },
	{ COL(stabilize_in), "5", "stabilize_in \"5\" is not a positive "
	    "InfluxQL duration" },
	{ COL(stabilize_out), "10 minutes", "stabilize_out \"10 minutes\" is "
	    "not a positive InfluxQL duration (such as 30s, 10m, 1h30m)" },
	{ COL(stabilize_out), "0.5m", "stabilize_out \"0.5m\" is not a "
	    "positive InfluxQL duration" },
	{ COL(sustained), "sideways", "sustained \"sideways\" is not a "
	    "boolean or out or in" },
	{ COL(sustained), "", "sustained \"\" is not a boolean or out or "
	    "in" },
	{ COL(sustained), "outward", "sustained \"outward\" is not a boolean "
	    "or out or in" },
	/* control bytes are shown as '?', as in every other column */
	{ COL(sustained), "o\nut", "sustained \"o?ut\" is not a boolean or "
	    "out or in" },
	{ COL(mode), "targets", "mode \"targets\" is not one of threshold, "
	    "capacity or target" },
	{ COL(out_duration), NULL, "out_duration is missing" },
};

Test(policy_track, invalid_columns_say_why)
{
	struct policy_row	r;
	struct policy		p;
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(invalid_cases); i++) {
		r = target_row();
		*(const char **)((char *)&r + invalid_cases[i].off) =
		    invalid_cases[i].value;
		cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL,
		    "case %zu (%s) accepted", i, invalid_cases[i].err);
		cr_expect(strncmp(err, invalid_cases[i].err,
		    strlen(invalid_cases[i].err)) == 0,
		    "case %zu: got \"%s\", want \"%s\"", i, err,
		    invalid_cases[i].err);
		cr_expect_null(p.field);
		cr_expect_null(p.service);
		policy_clear(&p);	/* (when wrongly accepted) */
	}
}

/* The setpoint's unit must suit the field, as a threshold's does. */
Test(policy_track, setpoint_units)
{
	static const struct {
		const char	*field;
		const char	*setpoint;
		double		 want;		/* NAN: invalid */
		const char	*err;
	} cases[] = {
		{ "mem_usage", "512MiB", 536870912, NULL },
		{ "mem_usage", "1GB", 1e9, NULL },
		{ "net_read", "10MB", 1e7, NULL },
		{ "net_read", "2500", 2500, NULL },
		{ "mem_ratio", "80%", 80, NULL },
		{ "mem_usage", "70%", NAN, "setpoint \"70%\": % applies to "
		    "cpu_ratio and mem_ratio only, not to mem_usage" },
		{ "mem_ratio", "1GiB", NAN, "setpoint \"1GiB\": byte units "
		    "apply to mem_*, net_* and blk_* fields only, not to "
		    "mem_ratio" },
	};
	struct policy_row	r;
	struct policy		p;
	char			err[256];
	size_t			i;

	for (i = 0; i < NITEMS(cases); i++) {
		r = target_row();
		r.cond_item = cases[i].field;
		r.setpoint = cases[i].setpoint;
		if (cases[i].err == NULL) {
			cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), 0,
			    "%zu: %s", i, err);
			cr_expect_eq(p.setpoint, cases[i].want, "%zu: %g", i,
			    p.setpoint);
		} else {
			cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)),
			    -EINVAL, "%zu accepted", i);
			cr_expect_str_eq(err, cases[i].err, "%zu", i);
		}
		policy_clear(&p);
	}
	/* threshold mode checks a setpoint it does not use */
	r = seed_row();
	r.setpoint = "512MB";
	cr_expect_eq(policy_parse(&r, &p, err, sizeof(err)), -EINVAL);
	cr_expect(strncmp(err, "setpoint \"512MB\": byte units", 28) == 0,
	    "%s", err);
}

/* policy_step: step_out/step_in, or ceil(r x pct / 100), at least 1. */
Test(policy_track, steps)
{
	static const struct {
		int	 step;
		double	 pct;
		int	 r;
		int	 want;
	} cases[] = {
		{ 1, 0, 5, 1 },
		{ 3, 0, 5, 3 },
		{ 3, 0, 0, 3 },
		/* ceil(0) = 0: at least 1 */
		{ 0, 50, 0, 1 },
		/* ceil(0.5) */
		{ 0, 50, 1, 1 },
		/* ceil(1.5) */
		{ 0, 50, 3, 2 },
		/* exactly 2, not 3 */
		{ 0, 50, 4, 2 },
		/* 10 x 10 / 100 = 1 exactly */
		{ 0, 10, 10, 1 },
		/* ceil(0.00005) */
		{ 0, 0.001, 5, 1 },
		/* ceil(1.125) */
		{ 0, 12.5, 9, 2 },
		{ 0, 12.5, 8, 1 },
		{ 0, 100, 7, 7 },
		{ 0, 1000, 3, 30 },
		{ 0, 33, 100, 33 },
		/* no overflow: at most 10^9 */
		{ 0, 1000, INT_MAX, 1000000000 },
	};
	struct policy	p;
	size_t		i;

	for (i = 0; i < NITEMS(cases); i++) {
		memset(&p, 0, sizeof(p));
		p.step_out = p.step_in = cases[i].step;
		p.step_out_pct = p.step_in_pct = cases[i].pct;
		cr_expect_eq(policy_step(&p, true, cases[i].r), cases[i].want,
		    "%zu: out %d", i, policy_step(&p, true, cases[i].r));
		cr_expect_eq(policy_step(&p, false, cases[i].r), cases[i].want,
		    "%zu: in %d", i, policy_step(&p, false, cases[i].r));
	}
	/* each direction its own */
	memset(&p, 0, sizeof(p));
	p.step_out_pct = 50;
	p.step_in = 2;
	cr_expect_eq(policy_step(&p, true, 10), 5);
	cr_expect_eq(policy_step(&p, false, 10), 2);
}

/* policy_max_step_out: max_step_out, its percent, or max(4, 100 %). */
Test(policy_track, max_step_out)
{
	static const struct {
		int	 n;
		double	 pct;
		int	 r;
		int	 want;
	} cases[] = {
		{ 0, 0, 0, 4 },
		{ 0, 0, 1, 4 },
		{ 0, 0, 3, 4 },
		{ 0, 0, 4, 4 },
		{ 0, 0, 5, 5 },
		{ 0, 0, 10, 10 },
		{ 0, 0, INT_MAX, 1000000000 },
		{ 2, 0, 10, 2 },
		{ 2, 0, 1, 2 },
		/* ceil(0.5) */
		{ 0, 50, 1, 1 },
		/* ceil(1.5) */
		{ 0, 50, 3, 2 },
		{ 0, 50, 10, 5 },
		/* ceil(5) */
		{ 0, 250, 2, 5 },
		/* at least 1 */
		{ 0, 50, 0, 1 },
	};
	struct policy	p;
	size_t		i;

	for (i = 0; i < NITEMS(cases); i++) {
		memset(&p, 0, sizeof(p));
		p.max_step_out = cases[i].n;
		p.max_step_out_pct = cases[i].pct;
		cr_expect_eq(policy_max_step_out(&p, cases[i].r), cases[i].want,
		    "%zu: %d", i, policy_max_step_out(&p, cases[i].r));
	}
}

/* The new columns are table columns: named, hashed. */
Test(policy_track, columns_are_named_and_hashed)
{
	static const char *const names[] = { "setpoint", "tolerance",
	    "max_step_out", "stabilize_in", "stabilize_out" };
	struct policy_row	a = target_row(), b;
	const char		**col;
	size_t			i;

	for (i = 0; i < NITEMS(names); i++) {
		b = a;
		col = policy_row_column(&b, names[i]);
		cr_assert_not_null(col, "%s", names[i]);
		*col = "1";
		cr_expect_neq(policy_row_hash(&b), policy_row_hash(&a), "%s",
		    names[i]);
	}
	cr_expect_eq(policy_row_column(&b, "setpoint"), &b.setpoint);
	cr_expect_eq(policy_row_column(&b, "stabilize_out"),
	    &b.stabilize_out);
}
