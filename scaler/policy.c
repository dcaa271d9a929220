/* policy: turn one policy row into a validated struct policy (pure). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fnv.h"
#include "log.h"
#include "policy.h"
#include "policy_int.h"
#include "xmalloc.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Parse column col (text s) as an int within [lo, INT_MAX] into *out.
 * Returns 0 or -EINVAL with a sentence in err.
 */
int
policy_col_int(const char *col, const char *s, int lo, int *out,
    char *err, size_t errlen)
{
	char	v[POLICY_SHOW_SIZE];
	int64_t	n = 0;
	int	rc;

	rc = policy_parse_int(s, lo, INT_MAX, &n);
	if (rc == -EINVAL) {
		errf(err, errlen, "%s \"%s\" is not an integer", col,
		    policy_show(s, v));
		return -EINVAL;
	}
	if (rc == -ERANGE && n < lo) {
		errf(err, errlen, "%s %s is %s", col, s,
		    lo == 0 ? "negative" : "below 1");
		return -EINVAL;
	}
	if (rc == -ERANGE) {
		errf(err, errlen, "%s %s is too large", col, s);
		return -EINVAL;
	}
	*out = (int)n;
	return 0;
}

/* Parse a boolean column (NULL: dflt). 0 or -EINVAL. */
int
policy_col_bool(const char *col, const char *s, bool dflt, bool *out,
    char *err, size_t errlen)
{
	char	v[POLICY_SHOW_SIZE];

	*out = dflt;
	if (s == NULL || policy_parse_bool(s, out) == 0)
		return 0;
	errf(err, errlen, "%s \"%s\" is not a boolean (true/false, t/f, "
	    "yes/no, on/off, 1/0)", col, policy_show(s, v));
	return -EINVAL;
}

/* Parse a duration column (NULL: *out = dflt, or an error if required). */
int
policy_col_duration(const char *col, const char *s, int64_t dflt,
    int64_t *out, char *err, size_t errlen)
{
	char	v[POLICY_SHOW_SIZE];

	*out = dflt;
	if (s == NULL && dflt > 0)
		return 0;
	if (s == NULL) {
		errf(err, errlen, "%s is missing", col);
		return -EINVAL;
	}
	if (policy_parse_duration(s, out) != 0) {
		errf(err, errlen, "%s \"%s\" is not a positive InfluxQL "
		    "duration (such as 30s, 10m, 1h30m)", col,
		    policy_show(s, v));
		return -EINVAL;
	}
	return 0;
}

/* True when s is 1..POLICY_NAME_MAX of [A-Za-z0-9_.-]. */
static bool
name_valid(const char *s)
{
	size_t	n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	return n > 0 && n <= POLICY_NAME_MAX && s[n] == '\0';
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	}
	return false;
}

/*
 * Match s case-insensitively against names[0..n) (indexed by the enum it
 * fills); NULL leaves *out alone. Returns 0 or -EINVAL naming the choices.
 */
int
policy_col_keyword(const char *col, const char *s, const char *const *names,
    size_t n, int *out, char *err, size_t errlen)
{
	char	v[POLICY_SHOW_SIZE];
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	errf(err, errlen, "%s \"%s\" is not one of %s%s%s%s%s", col,
	    policy_show(s, v), names[0], n > 2 ? ", " : " or ", names[1],
	    n > 2 ? " or " : "", n > 2 ? names[2] : "");
	return -EINVAL;
}

static const char *const policy_backends[] = { "swarm", "runc", "exec" };
static const char *const policy_modes[] = { "threshold", "capacity",
    "target" };
static const char *const policy_aggs[] = { "mean", "min", "max", "median" };

/* aggregate column: mean|min|max|median|pNN, 0 < NN <= 100. */
static int
col_aggregate(const char *s, struct policy *p, char *err, size_t errlen)
{
	char		 v[POLICY_SHOW_SIZE];
	enum policy_unit u;
	int		 agg = POLICY_AGG_MEAN;
	double		 pct;

	p->aggregate = POLICY_AGG_MEAN;
	if (s == NULL)
		return 0;
	if (s[0] == 'p' || s[0] == 'P') {
		if (isdigit((unsigned char)s[1]) && policy_parse_amount(
		    "aggregate", s + 1, &pct, &u, NULL, 0) == 0 &&
		    u == POLICY_UNIT_NONE && pct > 0 && pct <= 100) {
			p->aggregate = POLICY_AGG_PERCENTILE;
			p->percentile = pct;
			return 0;
		}
	} else if (strcasecmp(s, "rate") == 0) {
		p->aggregate = POLICY_AGG_RATE;
		return 0;
	} else if (policy_col_keyword("aggregate", s, policy_aggs,
	    NITEMS(policy_aggs), &agg, NULL, 0) == 0) {
		p->aggregate = (enum policy_aggregate)agg;
		return 0;
	}
	errf(err, errlen, "aggregate \"%s\" is not mean, min, max, median, "
	    "rate or a percentile p1 .. p100 (such as p95 or p99.9)",
	    policy_show(s, v));
	return -EINVAL;
}

/* enabled, dry_run, sustained, backend, aggregate, mode. */
static int
parse_options(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	int	backend = POLICY_BACKEND_SWARM, mode = POLICY_MODE_THRESHOLD;

	if (policy_col_bool("enabled", r->enabled, true, &p->enabled, err,
	    errlen) != 0 ||
	    policy_col_bool("dry_run", r->dry_run, false, &p->dry_run, err,
	    errlen) != 0 ||
	    policy_col_keyword("backend", r->backend, policy_backends,
	    NITEMS(policy_backends), &backend, err, errlen) != 0 ||
	    policy_col_keyword("mode", r->mode, policy_modes, NITEMS(policy_modes),
	    &mode, err, errlen) != 0 ||
	    col_aggregate(r->aggregate, p, err, errlen) != 0)
		return -EINVAL;
	p->backend = (enum policy_backend)backend;
	p->mode = (enum policy_mode)mode;
	return 0;
}

/* seq and service_id (the charset keeps it safe in any language). */
static int
parse_ids(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	char	v[POLICY_SHOW_SIZE];

	if (r->seq == NULL) {
		errf(err, errlen, "seq is missing");
		return -EINVAL;
	}
	if (policy_parse_int(r->seq, INT64_MIN, INT64_MAX, &p->seq) != 0) {
		errf(err, errlen, "seq \"%s\" is not an integer",
		    policy_show(r->seq, v));
		return -EINVAL;
	}
	if (r->service_id == NULL) {
		errf(err, errlen, "service_id is missing");
		return -EINVAL;
	}
	/*
	 * Not starting with '-' or '.': an exec template's {service} and
	 * runc's container ids put it in a command's arguments, where "-x"
	 * would be an option and ".." a path (no Docker name starts so).
	 */
	if (!name_valid(r->service_id) || r->service_id[0] == '-' ||
	    r->service_id[0] == '.') {
		errf(err, errlen, "service_id \"%s\" is not a %s (1 to %d of "
		    "A-Z a-z 0-9 _ . -, not starting with - or .)",
		    policy_show(r->service_id, v),
		    p->backend == POLICY_BACKEND_SWARM ?
		    "Docker service name or ID" : "cluster name",
		    POLICY_NAME_MAX);
		return -EINVAL;
	}
	p->service = xstrdup(r->service_id);
	return 0;
}

/* min_no, max_no, cur_no, step_out, step_in. */
static int
parse_counts(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	if (r->min_no == NULL || r->max_no == NULL) {
		errf(err, errlen, "%s is missing",
		    r->min_no == NULL ? "min_no" : "max_no");
		return -EINVAL;
	}
	if (policy_col_int("min_no", r->min_no, 0, &p->min_no, err, errlen) != 0 ||
	    policy_col_int("max_no", r->max_no, 1, &p->max_no, err, errlen) != 0)
		return -EINVAL;
	if (p->min_no > p->max_no) {
		errf(err, errlen, "min_no %d is greater than max_no %d",
		    p->min_no, p->max_no);
		return -EINVAL;
	}
	p->cur_no = -1;
	p->step_out = p->step_in = 1;
	if (r->cur_no != NULL && policy_col_int("cur_no", r->cur_no, 0, &p->cur_no,
	    err, errlen) != 0)
		return -EINVAL;
	return 0;
}

/*
 * A unit written in column col must suit the policy's field: % the
 * ratios, bytes the byte fields, /s a rate (aggregate rate). A custom
 * measurement's field takes any unit its user writes.
 */
int
policy_check_unit(const char *col, const char *s, enum policy_unit u,
    const struct policy *p, char *err, size_t errlen)
{
	char			 v[POLICY_SHOW_SIZE];
	enum policy_unit	 base = u;
	bool			 rate = p->aggregate == POLICY_AGG_RATE;

	if ((u == POLICY_UNIT_PER_S || u == POLICY_UNIT_BYTES_PER_S) &&
	    !rate) {
		errf(err, errlen, "%s \"%s\": a per-second unit needs "
		    "aggregate rate", col, policy_show(s, v));
		return -EINVAL;
	}
	if (u == POLICY_UNIT_PER_S)
		base = POLICY_UNIT_NONE;
	else if (u == POLICY_UNIT_BYTES_PER_S)
		base = POLICY_UNIT_BYTES;
	if (base == POLICY_UNIT_NONE || POLICY_CUSTOM(p) ||
	    base == policy_field_unit(p->field))
		return 0;
	if (base == POLICY_UNIT_PERCENT)
		errf(err, errlen, "%s \"%s\": %% applies to cpu_ratio and "
		    "mem_ratio only, not to %s", col, policy_show(s, v),
		    p->field);
	else
		errf(err, errlen, "%s \"%s\": byte units apply to mem_*, net_* "
		    "and blk_* fields only, not to %s", col, policy_show(s, v),
		    p->field);
	return -EINVAL;
}

/* One threshold column: required in threshold mode, optional otherwise. */
static int
parse_cond(const struct policy *p, const char *s, bool out_side,
    struct policy_threshold *t, char *err, size_t errlen)
{
	const char	*col = out_side ? "out_cond" : "in_cond";

	if (s == NULL && p->mode == POLICY_MODE_THRESHOLD) {
		errf(err, errlen, "%s is missing", col);
		return -EINVAL;
	}
	if (s == NULL)
		return 0;
	if (policy_parse_threshold(s, out_side, t, err, errlen) != 0)
		return -EINVAL;
	return policy_check_unit(col, s, t->unit, p, err, errlen);
}

/* capacity or min_available: "number [unit]" for the policy's field. */
static int
parse_amount(const struct policy *p, const char *col, const char *s,
    double *v, char *err, size_t errlen)
{
	enum policy_unit	u;

	if (policy_parse_amount(col, s, v, &u, err, errlen) != 0)
		return -EINVAL;
	return policy_check_unit(col, s, u, p, err, errlen);
}

/* cond_item, out_cond, in_cond, capacity, min_available. */
static int
parse_metric(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	char	v[POLICY_SHOW_SIZE], w[POLICY_SHOW_SIZE];

	if (POLICY_CUSTOM(p)) {
		if (policy_col_ident("cond_item", r->cond_item, err,
		    errlen) != 0)
			return -EINVAL;
	} else if (r->cond_item == NULL ||
	    !policy_field_known(r->cond_item)) {
		errf(err, errlen, "cond_item %s%s%s is not one of cpu_ratio, "
		    "mem_usage, mem_limit, mem_ratio, net_read, net_write, "
		    "blk_read, blk_write", r->cond_item ? "\"" : "",
		    r->cond_item ? policy_show(r->cond_item, v) : "NULL",
		    r->cond_item ? "\"" : "");
		return -EINVAL;
	}
	p->field = xstrdup(r->cond_item);
	if (parse_cond(p, r->out_cond, true, &p->out, err, errlen) != 0 ||
	    parse_cond(p, r->in_cond, false, &p->in, err, errlen) != 0)
		return -EINVAL;
	if (p->mode == POLICY_MODE_THRESHOLD && p->in.value >= p->out.value) {
		errf(err, errlen, "in_cond \"%s\" is not below out_cond \"%s\"",
		    policy_show(r->in_cond, v), policy_show(r->out_cond, w));
		return -EINVAL;
	}
	if (r->capacity != NULL && parse_amount(p, "capacity", r->capacity,
	    &p->capacity, err, errlen) != 0)
		return -EINVAL;
	if (r->min_available != NULL && parse_amount(p, "min_available",
	    r->min_available, &p->min_available, err, errlen) != 0)
		return -EINVAL;
	if (p->mode == POLICY_MODE_CAPACITY && !(p->capacity > 0)) {
		if (r->capacity == NULL)
			errf(err, errlen, "capacity is missing "
			    "(mode capacity)");
		else
			errf(err, errlen, "capacity \"%s\" must be greater "
			    "than 0", policy_show(r->capacity, v));
		return -EINVAL;
	}
	return 0;
}

/* out/in windows and cooldowns; in_duration defaults in capacity mode. */
static int
parse_windows(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	int64_t	in_dflt = 0;

	if (policy_col_duration("out_duration", r->out_duration, 0,
	    &p->out_window_ns, err, errlen) != 0)
		return -EINVAL;
	if (p->mode != POLICY_MODE_THRESHOLD)
		in_dflt = p->out_window_ns;
	if (policy_col_duration("in_duration", r->in_duration, in_dflt,
	    &p->in_window_ns, err, errlen) != 0 ||
	    policy_col_duration("cooldown_out", r->cooldown_out, p->out_window_ns,
	    &p->cooldown_out_ns, err, errlen) != 0 ||
	    policy_col_duration("cooldown_in", r->cooldown_in, p->in_window_ns,
	    &p->cooldown_in_ns, err, errlen) != 0)
		return -EINVAL;
	return 0;
}

/*
 * target: for runc and exec, the NAME of a das.conf line (bundle.NAME,
 * exec.NAME) that the engine looks up: a row chooses among what das's
 * operator allowed and never carries a command or a path itself. Swarm
 * keeps whatever clean text is there.
 */
static int
parse_target(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	static const char	 name_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-.";
	const char		*s = r->target;
	const char		*why = NULL;
	char			 v[POLICY_SHOW_SIZE];

	if (s == NULL && p->backend != POLICY_BACKEND_SWARM) {
		errf(err, errlen, "target is missing (backend %s needs the "
		    "name of a das.conf %s.NAME line)",
		    policy_backend_name(p->backend),
		    p->backend == POLICY_BACKEND_RUNC ? "bundle" : "exec");
		return -EINVAL;
	}
	if (s == NULL)
		return 0;
	if (strlen(s) > POLICY_TARGET_MAX)
		why = "is too long";
	else if (has_control(s))
		why = "contains control characters";
	else if (p->backend != POLICY_BACKEND_SWARM &&
	    (s[0] == '\0' || strlen(s) > POLICY_TARGET_NAME_MAX ||
	    strspn(s, name_chars) != strlen(s)))
		why = "is not a name (1 to 64 of A-Z a-z 0-9 _ - .): the "
		    "command or bundle it names is in das.conf, never in the "
		    "table";
	if (why != NULL) {
		errf(err, errlen, "target \"%s\" %s", policy_show(s, v), why);
		return -EINVAL;
	}
	p->target = xstrdup(s);
	return 0;
}

int
policy_parse(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	memset(p, 0, sizeof(*p));
	errf(err, errlen, "%s", "");
	if (parse_options(r, p, err, errlen) != 0 ||
	    parse_ids(r, p, err, errlen) != 0 ||
	    parse_counts(r, p, err, errlen) != 0 ||
	    policy_parse_source(r, p, err, errlen) != 0 ||
	    parse_metric(r, p, err, errlen) != 0 ||
	    parse_windows(r, p, err, errlen) != 0 ||
	    parse_target(r, p, err, errlen) != 0 ||
	    policy_parse_tracking(r, p, err, errlen) != 0 ||
	    policy_parse_signals(r, p, err, errlen) != 0) {
		policy_clear(p);
		return -EINVAL;
	}
	return 0;
}

void
policy_clear(struct policy *p)
{
	if (p == NULL)
		return;
	free(p->field);
	free(p->service);
	free(p->target);
	free(p->measurement);
	free(p->service_tag);
	memset(p, 0, sizeof(*p));
}

/* The table's columns, in policy_row's order. */
#define PC(name)	{ #name, offsetof(struct policy_row, name) }
static const struct {
	const char	*name;
	size_t		 off;
} policy_cols[] = {
	PC(seq), PC(min_no), PC(max_no), PC(cur_no), PC(cond_item),
	PC(out_cond), PC(in_cond), PC(out_duration), PC(in_duration),
	PC(service_id), PC(step_out), PC(step_in), PC(cooldown_out),
	PC(cooldown_in), PC(enabled), PC(dry_run), PC(backend),
	PC(aggregate), PC(mode), PC(capacity), PC(min_available),
	PC(sustained), PC(target), PC(setpoint), PC(tolerance),
	PC(max_step_out), PC(stabilize_in), PC(stabilize_out),
	PC(measurement), PC(service_tag), PC(per_replica), PC(activation),
	PC(predict), PC(lead),
};
#undef PC

const char **
policy_row_column(struct policy_row *r, const char *name)
{
	size_t	i;

	for (i = 0; i < NITEMS(policy_cols); i++)
		if (strcmp(policy_cols[i].name, name) == 0)
			return (const char **)((char *)r + policy_cols[i].off);
	return NULL;
}

const char *
policy_column_name(size_t i)
{
	return i < NITEMS(policy_cols) ? policy_cols[i].name : NULL;
}

uint64_t
policy_row_hash(const struct policy_row *r)
{
	const char	*col;
	uint64_t	 h = FNV1A64_INIT;
	size_t		 i;

	/* NULL hashes as one 0 byte; text as 1, the bytes, then 0. */
	for (i = 0; i < NITEMS(policy_cols); i++) {
		col = *(const char *const *)((const char *)r +
		    policy_cols[i].off);
		h = fnv1a64_add(h, col == NULL ? "" : "\1", 1);
		if (col != NULL)
			h = fnv1a64_add(h, col, strlen(col) + 1);
	}
	return h;
}

const char *
policy_backend_name(enum policy_backend b)
{
	return (unsigned)b < NITEMS(policy_backends) ?
	    policy_backends[b] : "?";
}

const char *
policy_mode_name(enum policy_mode m)
{
	return (unsigned)m < NITEMS(policy_modes) ? policy_modes[m] : "?";
}

void
policy_format_aggregate(const struct policy *p, struct buf *b)
{
	if (p->aggregate == POLICY_AGG_RATE) {
		buf_adds(b, "rate");
		return;
	}
	if (p->aggregate != POLICY_AGG_PERCENTILE) {
		buf_adds(b, (unsigned)p->aggregate < NITEMS(policy_aggs) ?
		    policy_aggs[p->aggregate] : "?");
		return;
	}
	buf_addc(b, 'p');
	policy_format_number(p->percentile, b);
}
