/*
 * policy_track: the columns of target tracking and per-direction
 * anti-flapping (README, "How das decides"): setpoint, tolerance,
 * max_step_out, stabilize_in, stabilize_out, percent steps and sustained
 * per direction. A row that names none of them decides as before.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "policy.h"
#include "policy_int.h"

/* HPA's defaults: 10 % tolerance, 5 m scale-down stabilization. */
#define TRACK_TOLERANCE		0.1
#define TRACK_STABILIZE_IN_NS	(INT64_C(300) * 1000000000)
/* Target mode's scale-out per decision: the larger of 4 and 100 %. */
#define TRACK_MAX_STEP		4
#define TRACK_MAX_STEP_PCT	100.0

/* "N" (>= 1) or "P%" (0 < P <= 1000) into *n or *pct. */
static int
track_count_or_pct(const char *col, const char *s, int *n, double *pct,
    char *err, size_t errlen)
{
	char			 v[POLICY_SHOW_SIZE];
	enum policy_unit	 u;
	double			 d;

	if (strchr(s, '%') == NULL)
		return policy_col_int(col, s, 1, n, err, errlen);
	if (policy_parse_amount(col, s, &d, &u, err, errlen) != 0)
		return -EINVAL;
	if (!(d > 0) || d > 1000) {
		errf(err, errlen, "%s \"%s\" is not a percent in (0, 1000]",
		    col, policy_show(s, v));
		return -EINVAL;
	}
	*pct = d;
	*n = 0;
	return 0;
}

/* sustained: a boolean (both directions), or out / in. */
static int
track_sustained(const char *s, struct policy *p, char *err, size_t errlen)
{
	char	v[POLICY_SHOW_SIZE];
	bool	b;

	p->sustained_out = p->sustained_in = false;
	if (s != NULL && strcasecmp(s, "out") == 0)
		p->sustained_out = true;
	else if (s != NULL && strcasecmp(s, "in") == 0)
		p->sustained_in = true;
	else if (policy_col_bool("sustained", s, false, &b, NULL, 0) == 0)
		p->sustained_out = p->sustained_in = b;
	else {
		errf(err, errlen, "sustained \"%s\" is not a boolean or "
		    "out or in", policy_show(s, v));
		return -EINVAL;
	}
	p->sustained = p->sustained_out || p->sustained_in;
	return 0;
}

/* A duration that may be 0 ("0", "0s"): stabilization off. */
static int
track_duration0(const char *col, const char *s, int64_t dflt, int64_t *ns,
    char *err, size_t errlen)
{
	*ns = dflt;
	if (s == NULL)
		return 0;
	if (strcmp(s, "0") == 0 || strcmp(s, "0s") == 0) {
		*ns = 0;
		return 0;
	}
	return policy_col_duration(col, s, 0, ns, err, errlen);
}

/* setpoint (required in target mode) and tolerance (a percent). */
static int
track_setpoint(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	char			 v[POLICY_SHOW_SIZE];
	enum policy_unit	 u;
	double			 tol = TRACK_TOLERANCE * 100;

	if (r->setpoint == NULL && p->mode == POLICY_MODE_TARGET) {
		errf(err, errlen, "setpoint is missing (mode target: the "
		    "value each replica should run at, such as 70%%)");
		return -EINVAL;
	}
	if (r->setpoint != NULL && (policy_parse_amount("setpoint",
	    r->setpoint, &p->setpoint, &u, err, errlen) != 0 ||
	    policy_check_unit("setpoint", r->setpoint, u, p, err,
	    errlen) != 0))
		return -EINVAL;
	if (r->setpoint != NULL && !(p->setpoint > 0)) {
		errf(err, errlen, "setpoint \"%s\" must be greater than 0",
		    policy_show(r->setpoint, v));
		return -EINVAL;
	}
	if (r->tolerance != NULL && policy_parse_amount("tolerance",
	    r->tolerance, &tol, &u, err, errlen) != 0)
		return -EINVAL;
	/* a percent, with or without the sign: 50B is none */
	if (r->tolerance != NULL && (tol >= 100 || (u != POLICY_UNIT_NONE &&
	    u != POLICY_UNIT_PERCENT))) {
		errf(err, errlen, "tolerance \"%s\" is not a percent below 100",
		    policy_show(r->tolerance, v));
		return -EINVAL;
	}
	p->tolerance = tol / 100;
	return 0;
}

int
policy_parse_tracking(const struct policy_row *r, struct policy *p,
    char *err, size_t errlen)
{
	bool	target = p->mode == POLICY_MODE_TARGET;

	if (track_sustained(r->sustained, p, err, errlen) != 0 ||
	    (r->step_out != NULL && track_count_or_pct("step_out",
	    r->step_out, &p->step_out, &p->step_out_pct, err, errlen) != 0) ||
	    (r->step_in != NULL && track_count_or_pct("step_in", r->step_in,
	    &p->step_in, &p->step_in_pct, err, errlen) != 0) ||
	    track_setpoint(r, p, err, errlen) != 0 ||
	    track_duration0("stabilize_in", r->stabilize_in, target ?
	    TRACK_STABILIZE_IN_NS : 0, &p->stabilize_in_ns, err, errlen) ||
	    track_duration0("stabilize_out", r->stabilize_out, 0,
	    &p->stabilize_out_ns, err, errlen) != 0)
		return -EINVAL;
	p->max_step_out = 0;
	p->max_step_out_pct = 0;
	if (r->max_step_out != NULL && track_count_or_pct("max_step_out",
	    r->max_step_out, &p->max_step_out, &p->max_step_out_pct, err,
	    errlen) != 0)
		return -EINVAL;
	/*
	 * Target mode's anti-flapping is stabilization and the ready-only
	 * count (decide.h), not a cooldown: none unless the row sets one.
	 */
	if (target && r->cooldown_out == NULL)
		p->cooldown_out_ns = 0;
	if (target && r->cooldown_in == NULL)
		p->cooldown_in_ns = 0;
	return 0;
}

int
policy_step(const struct policy *p, bool out_side, int r)
{
	double	pct = out_side ? p->step_out_pct : p->step_in_pct;
	double	n;

	if (!(pct > 0))
		return out_side ? p->step_out : p->step_in;
	n = ceil((double)r * pct / 100 - 1e-9);
	return n < 1 ? 1 : n > 1e9 ? 1000000000 : (int)n;
}

int
policy_max_step_out(const struct policy *p, int r)
{
	double	n;

	if (p->max_step_out > 0)
		return p->max_step_out;
	if (p->max_step_out_pct > 0) {
		n = ceil((double)r * p->max_step_out_pct / 100 - 1e-9);
		return n < 1 ? 1 : n > 1e9 ? 1000000000 : (int)n;
	}
	n = ceil((double)r * TRACK_MAX_STEP_PCT / 100);
	return n > TRACK_MAX_STEP ? (n > 1e9 ? 1000000000 : (int)n) :
	    TRACK_MAX_STEP;
}
