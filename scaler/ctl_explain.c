/* ctl_explain: dasctl explain, history and status. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "clock.h"
#include "ctl_int.h"
#include "decide.h"
#include "journal.h"
#include "pgc.h"
#include "policy.h"
#include "swarm.h"
#include "xmalloc.h"

static void
ctl_time(struct buf *b, int64_t ns)
{
	struct tm	tm;
	time_t		t = (time_t)(ns / 1000000000);
	char		s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M:%SZ", &tm);
	buf_adds(b, s);
}

static void
ctl_dur(struct buf *b, int64_t ns)
{
	policy_format_duration(ns > 0 ? ns : 0, b);
}

/* The default operator to show before a threshold written without one. */
static const char *
ctl_op(const char *cond, const char *def)
{
	while (*cond == ' ')
		cond++;
	return *cond == '\0' || *cond == '<' || *cond == '>' ? "" : def;
}

/* "  out      over 10m: 42 (60 samples)": a window and what it held. */
static void
ctl_explain_window(struct buf *b, const char *dir, int64_t window_ns,
    double v, uint64_t n)
{
	buf_printf(b, "  %-8s over ", dir);
	ctl_dur(b, window_ns);
	if (isnan(v))
		buf_printf(b, ": no usable data (%llu samples)",
		    (unsigned long long)n);
	else
		buf_printf(b, ": %.4g (%llu samples)", v, (unsigned long long)n);
}

void
ctl_explain_custom(const struct engine_status *s, struct buf *b)
{
	buf_printf(b, "  metric   %s(%s) of each series of measurement %s "
	    "whose %s is the service, summed: the service's total", s->aggregate,
	    s->field, s->measurement, s->service_tag);
	if (strcmp(s->mode, "target") == 0)
		buf_adds(b, s->of_total ? " (target: replicas x total / "
		    "setpoint)\n" : " (target: total / setpoint)\n");
	else
		buf_adds(b, s->of_total ? ", held as it is\n" :
		    ", per replica\n");
}

void
ctl_explain_sustained(const struct engine_status *s, struct buf *b)
{
	const char	*dirs;

	if (!s->sustained_out && !s->sustained_in)
		return;
	dirs = !s->sustained_in ? "out" : !s->sustained_out ? "in" :
	    "out and in";
	buf_printf(b, "  sustained %s: ", dirs);
	if (strcmp(s->mode, "target") != 0) {
		buf_adds(b, "every sample of the window must be past the "
		    "threshold, not only the aggregate\n");
		return;
	}
	/* min and max are of every container's samples, starting ones too */
	if (s->sustained_out)
		buf_adds(b, *s->measurement != '\0' ? "out reads the window's "
		    "lowest total" : "out reads the window's lowest sample (of "
		    "any container) as every ready container's load");
	if (s->sustained_in)
		buf_printf(b, "%sin reads the window's highest %s",
		    s->sustained_out ? ", " : "", *s->measurement != '\0' ?
		    "total" : "sample as every replica's load");
	buf_addc(b, '\n');
}

/* The window lines: what each direction compares, with the numbers. */
static void
ctl_explain_windows(const struct engine_status *s, struct buf *b)
{
	bool	target = strcmp(s->mode, "target") == 0;

	if (*s->measurement != '\0')
		ctl_explain_custom(s, b);
	else if (target)
		buf_printf(b, "  metric   %s(%s) of each ready container (one "
		    "that reported over the whole window), their mean\n",
		    s->aggregate, s->field);
	else
		buf_printf(b, "  metric   %s(%s) of the service's containers\n",
		    s->aggregate, s->field);
	ctl_explain_sustained(s, b);
	ctl_explain_window(b, "out", s->out_window_ns, s->value, s->out_count);
	if (target)
		buf_adds(b, *s->measurement != '\0' ? "; scale out to what "
		    "the total needs at the setpoint, cooldown " : "; scale out "
		    "to what the ready replicas' load needs at the setpoint, "
		    "cooldown ");
	else
		buf_printf(b, "; scale out by %d when %s%s, cooldown ",
		    s->step_out, ctl_op(s->out_cond, "> "), *s->out_cond ?
		    s->out_cond : "demand exceeds capacity");
	ctl_dur(b, s->cooldown_out_ns);
	buf_addc(b, '\n');
	ctl_explain_window(b, "in", s->in_window_ns, s->in_value, s->in_count);
	if (target)
		buf_adds(b, "; scale in to the highest count it needed over "
		    "stabilize_in, cooldown ");
	else
		buf_printf(b, "; scale in by %d when %s%s, cooldown ",
		    s->step_in, ctl_op(s->in_cond, "< "), *s->in_cond ?
		    s->in_cond : "demand fits one replica fewer");
	ctl_dur(b, s->cooldown_in_ns);
	buf_addc(b, '\n');
}

/* One sentence for decide's reason, with the numbers behind it. */
static void
ctl_explain_reason(const struct ctl *c, const struct engine_status *s,
    struct buf *b)
{
	const char	*r = s->reason;

	if (strcmp(r, "above_out") == 0 || strcmp(r, "below_in") == 0 ||
	    strcmp(r, "capacity") == 0)
		buf_printf(b, "%s %d -> %d: the %s value is past its threshold",
		    s->action, s->replicas, s->after, strcmp(r, "below_in") ?
		    "out" : "in");
	else if (strcmp(r, "below_min") == 0 || strcmp(r, "above_max") == 0)
		buf_printf(b, "enforce bounds %d -> %d: %d replicas are %s "
		    "%d..%d, whatever the metrics say", s->replicas, s->after,
		    s->replicas, strcmp(r, "below_min") ? "above" : "below",
		    s->min_no, s->max_no);
	else if (strcmp(r, "in_band") == 0 && strcmp(s->mode, "target") == 0)
		buf_printf(b, "steady: the ready replicas' load needs the "
		    "count there is, or is within the setpoint's tolerance");
	else if (strcmp(r, "in_band") == 0)
		buf_printf(b, "steady: the value is between the in and out "
		    "thresholds");
	else if (strcmp(r, "no_data") == 0)
		buf_printf(b, "hold: too few samples to cover the window "
		    "(at least %d, reaching back to the window start and "
		    "forward to now within %d ds intervals); das never acts "
		    "on missing data", DECIDE_MIN_SAMPLES, DECIDE_COVER_SLACK);
	else if (strcmp(r, "window_after_change") == 0)
		buf_printf(b, "hold: the threshold is crossed, but the last "
		    "change is inside the window; das acts again once the "
		    "whole window holds data from after it");
	else if (strcmp(r, "cooldown") == 0)
		buf_printf(b, "hold: the threshold is crossed, but the "
		    "cooldown since the last change has not run out");
	else if (strcmp(r, "at_max") == 0 || strcmp(r, "at_min") == 0)
		buf_printf(b, "hold: the threshold is crossed, but the service "
		    "is already at %s (%d)", strcmp(r, "at_max") ? "min_no" :
		    "max_no", s->replicas);
	else if (strcmp(r, "above_target") == 0 ||
	    strcmp(r, "below_target") == 0)
		buf_printf(b, "%s %d -> %d: the ready replicas carry %.4g "
		    "each, off the setpoint by more than its tolerance",
		    s->action, s->replicas, s->after, s->value);
	else if (strcmp(r, "stabilizing") == 0)
		buf_printf(b, "hold: a recommendation of the stabilization "
		    "window (stabilize_in, stabilize_out) keeps the count; "
		    "das moves when it is older than the window");
	else if (strcmp(r, "paused") == 0)
		buf_printf(b, "paused: enabled is false (dasctl resume %s)",
		    s->service);
	else
		buf_printf(b, "%s (%s)", s->action, r);
	if (s->dry_run && strcmp(s->state, "dry_run") == 0)
		buf_adds(b, " — dry run: das journals it but does not act");
}

void
ctl_explain_group(const struct engine_status *s, struct buf *b)
{
	if (*s->group == '\0')
		return;
	buf_printf(b, "  group    seq %s scale this service together: ",
	    s->group);
	if (s->driver < 0)
		buf_adds(b, "no row decided this tick\n");
	else if (s->driver == s->seq)
		buf_printf(b, "this row (seq %lld) drove the decision; das "
		    "acts on it alone\n", (long long)s->seq);
	else
		buf_printf(b, "seq %lld drove the decision; this row acts on "
		    "nothing itself\n", (long long)s->driver);
}

static void
ctl_explain_one(struct ctl *c, const struct engine_status *s)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "seq %lld: service %s", (long long)s->seq, s->service);
	if (*s->service_id && strcmp(s->service_id, s->service) != 0)
		buf_printf(&b, " (%s, id %s)", s->service_name, s->service_id);
	buf_printf(&b, ", backend %s, mode %s\n", s->backend, s->mode);
	if (strcmp(s->state, "invalid") == 0 || strcmp(s->state, "error") == 0)
		buf_printf(&b, "  %s: %s\n", s->state, s->detail);
	else {
		buf_printf(&b, "  replicas %d (bounds %d..%d)\n", s->replicas,
		    s->min_no, s->max_no);
		ctl_explain_windows(s, &b);
		buf_adds(&b, "  last change ");
		if (s->last_change_ns > 0)
			ctl_time(&b, s->last_change_ns);
		else
			buf_adds(&b, "none on record");
		buf_adds(&b, "\n  decision ");
		ctl_explain_reason(c, s, &b);
		buf_addc(&b, '\n');
		ctl_explain_group(s, &b);
		if (*s->forecast)
			buf_printf(&b, "  forecast %s\n", s->forecast);
		if (*s->detail)
			buf_printf(&b, "  note     %s\n", s->detail);
	}
	fputs(buf_str(&b), stdout);
	buf_free(&b);
}


/* SERVICE's policy, or each row of its group. */
int
ctl_explain(struct ctl *c, const char *service)
{
	const struct engine_status	*v[CTL_GROUP_MAX];
	size_t				 i, n;
	int				 rc = CTL_EXIT_OK;

	if ((n = ctl_find_group(c, service, v, CTL_GROUP_MAX, &rc)) == 0)
		return rc;
	for (i = 0; i < n; i++)
		ctl_explain_one(c, v[i]);
	for (i = 0; i < n; i++) {
		if (!ctl_degraded(v[i]))
			continue;
		fprintf(stderr, "dasctl: warning: seq %lld explained without "
		    "its metrics or replica count (%s); das holds it until "
		    "InfluxDB or Docker answers (exit status %d)\n",
		    (long long)v[i]->seq, v[i]->detail, CTL_EXIT_PARTIAL);
		rc = CTL_EXIT_PARTIAL;
	}
	return rc;
}

/* A number (two decimals when round), or "-" for SQL NULL. */
static const char *
ctl_num(char *b, size_t len, double v, bool round)
{
	if (isnan(v))
		return "-";
	if (round)
		snprintf(b, len, "%.2f", v);
	else
		snprintf(b, len, "%g", v);
	return b;
}

static const char *
ctl_int(char *b, size_t len, long long v)
{
	if (v < 0)
		return "-";
	snprintf(b, len, "%lld", v);
	return b;
}

static void
ctl_history_print(const struct journal_row *v, size_t n)
{
	char		 t[32], seq[24], bf[16], af[16], val[32], thr[32];
	struct buf	 when;
	size_t		 i;

	printf("%-20s %6s %-20s %-10s %7s %7s %10s %10s  %s\n", "TIME",
	    "SEQ", "SERVICE", "ACTION", "BEFORE", "AFTER", "VALUE",
	    "THRESHOLD", "REASON / DETAIL");
	buf_init(&when);
	for (i = 0; i < n; i++) {
		buf_reset(&when);
		ctl_time(&when, v[i].ts_ns);
		snprintf(t, sizeof t, "%s", buf_str(&when));
		printf("%-20s %6s %-20s %-10s %7s %7s %10s %10s  %s%s%s\n", t,
		    ctl_int(seq, sizeof seq, v[i].seq), *v[i].service ?
		    v[i].service : "-", v[i].action,
		    ctl_int(bf, sizeof bf, v[i].before),
		    ctl_int(af, sizeof af, v[i].after),
		    ctl_num(val, sizeof val, v[i].value, true),
		    ctl_num(thr, sizeof thr, v[i].threshold, false),
		    *v[i].reason ? v[i].reason : "-", *v[i].detail ? ": " : "",
		    v[i].detail);
	}
	buf_free(&when);
}

int
ctl_history(struct ctl *c, const char *service, const char *since)
{
	struct journal_row	*v = NULL;
	char			 err[512];
	int64_t			 ns;
	size_t			 n = 0;
	int			 rc;

	if (policy_parse_duration(since, &ns) != 0) {
		fprintf(stderr, "dasctl: --since \"%s\" is not a duration "
		    "such as 30m, 1h or 7d\n", since);
		return CTL_EXIT_USAGE;
	}
	if ((rc = ctl_connect(c)) != CTL_EXIT_OK)
		return rc;
	if (journal_history(c->pg, realtime_ns() - ns, service, &v, &n, err,
	    sizeof err) != 0) {
		fprintf(stderr, "dasctl: journal: %s\n", err);
		return pgc_connected(c->pg) ? CTL_EXIT_FAIL : CTL_EXIT_DB;
	}
	ctl_history_print(v, n);
	journal_rows_free(v, n);
	return CTL_EXIT_OK;
}

static int
ctl_status_swarm(struct ctl *c, const struct engine_status *s)
{
	struct swarm_task	*t = NULL;
	char			 err[512];
	size_t			 n = 0, i;

	if (swarm_tasks(c->docker, s->service_id, &t, &n, err, sizeof err)
	    != 0) {
		fprintf(stderr, "dasctl: %s\n", err);
		return CTL_EXIT_FAIL;
	}
	printf("%zu task(s) of service %s (%s), %d replicas wanted:\n", n,
	    s->service_name, s->service_id, s->replicas);
	printf("  %-14s %-6s %-28s %s\n", "CONTAINER", "SLOT", "NODE",
	    "STATE");
	for (i = 0; i < n; i++)
		printf("  %-14s %-6s %-28s %s\n", *t[i].container ?
		    t[i].container : "-", t[i].slot, t[i].node, t[i].state);
	free(t);
	return CTL_EXIT_OK;
}

int
ctl_status(struct ctl *c, const char *service)
{
	const struct engine_status	*s;
	int				 rc;

	if ((s = ctl_find_lead(c, service, &rc)) == NULL)
		return rc;
	if (strcmp(s->state, "invalid") == 0 || s->replicas < 0) {
		fprintf(stderr, "dasctl: seq %lld (service %s): %s; no "
		    "containers listed\n", (long long)s->seq, s->service,
		    s->detail);
		return CTL_EXIT_FAIL;
	}
	if (strcmp(s->backend, "swarm") == 0)
		return ctl_status_swarm(c, s);
	printf("service %s (backend %s): %d replicas; das last set them "
	    "through its command, which has no containers to list\n",
	    s->service, s->backend, s->replicas);
	return CTL_EXIT_OK;
}
