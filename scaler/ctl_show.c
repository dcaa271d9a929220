/* ctl_show: dasctl list, as a table or as JSON (--json). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "ctl_int.h"
#include "journal.h"
#include "pgc.h"
#include "policy.h"
#include "swarm.h"
#include "xmalloc.h"

/*
 * The journal's newest action of each policy, for `list`; NULL (said) on
 * failure.
 */
static struct journal_row *
ctl_last_actions(struct ctl *c, size_t *n)
{
	struct journal_row	*v = NULL;
	char			 err[512];

	if (journal_last_actions(c->pg, &v, n, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: journal: %s; last actions not shown\n",
		    err);
		return NULL;
	}
	return v;
}

static const struct journal_row *
ctl_last_find(const struct journal_row *v, size_t n, int64_t seq)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (v[i].seq == seq)
			return &v[i];
	}
	return NULL;
}

/* "42s", "5m", "3h", "2d" ago. */
static void
ctl_ago(struct buf *b, int64_t now_ns, int64_t then_ns)
{
	int64_t	s = (now_ns - then_ns) / 1000000000;

	if (then_ns <= 0)
		buf_adds(b, "-");
	else if (s < 120)
		buf_printf(b, "%llds ago", (long long)s);
	else if (s < 7200)
		buf_printf(b, "%lldm ago", (long long)s / 60);
	else if (s < 172800)
		buf_printf(b, "%lldh ago", (long long)s / 3600);
	else
		buf_printf(b, "%lldd ago", (long long)s / 86400);
}

static void
ctl_num(struct buf *b, double v)
{
	if (isnan(v))
		buf_adds(b, "-");
	else
		buf_printf(b, "%.4g", v);
}

static void
ctl_dur(struct buf *b, int64_t ns)
{
	if (ns <= 0)
		buf_adds(b, "-");
	else
		policy_format_duration(ns, b);
}

void
ctl_group(struct buf *b, const struct engine_status *s)
{
	if (*s->group == '\0')
		buf_adds(b, "-");
	else if (s->driver < 0)
		buf_adds(b, s->group);
	else
		buf_printf(b, "%s by %lld", s->group, (long long)s->driver);
}

/* The cells of one `list` row, in column order. */
#define CTL_NCOLS	13
static void
ctl_row(struct ctl *c, const struct engine_status *s,
    const struct journal_row *last, struct buf cell[CTL_NCOLS])
{
	int	i;

	for (i = 0; i < CTL_NCOLS; i++)
		buf_init(&cell[i]);
	buf_printf(&cell[0], "%lld", (long long)s->seq);
	buf_adds(&cell[1], s->service);
	buf_adds(&cell[2], *s->backend ? s->backend : "-");
	buf_printf(&cell[3], "%d/%d", s->min_no, s->max_no);
	if (s->replicas >= 0)
		buf_printf(&cell[4], "%d", s->replicas);
	else
		buf_adds(&cell[4], "-");
	ctl_num(&cell[5], s->value);
	buf_printf(&cell[6], "%s", *s->out_cond ? s->out_cond : "-");
	buf_printf(&cell[7], "%s", *s->in_cond ? s->in_cond : "-");
	buf_printf(&cell[8], "%d/%d", s->step_out, s->step_in);
	ctl_dur(&cell[9], s->cooldown_out_ns);
	buf_addc(&cell[9], '/');
	ctl_dur(&cell[9], s->cooldown_in_ns);
	buf_adds(&cell[10], s->state);
	ctl_group(&cell[11], s);
	if (last != NULL) {
		buf_printf(&cell[12], "%s ", last->action);
		ctl_ago(&cell[12], c->now_ns, last->ts_ns);
	} else
		buf_adds(&cell[12], "-");
}

static void
ctl_list_text(struct ctl *c, const struct journal_row *last, size_t nlast)
{
	static const char	*head[CTL_NCOLS] = { "SEQ", "SERVICE",
	    "BACKEND", "MIN/MAX", "REPLICAS", "VALUE", "OUT", "IN",
	    "STEP OUT/IN", "COOLDOWN OUT/IN", "STATE", "GROUP",
	    "LAST ACTION" };
	struct buf		(*cells)[CTL_NCOLS];
	size_t			 w[CTL_NCOLS], r, i, n = c->rep->nstatus;

	cells = xcalloc(n + 1, sizeof *cells);
	for (i = 0; i < CTL_NCOLS; i++)
		w[i] = strlen(head[i]);
	for (r = 0; r < n; r++) {
		ctl_row(c, &c->rep->status[r], ctl_last_find(last, nlast,
		    c->rep->status[r].seq), cells[r]);
		for (i = 0; i < CTL_NCOLS; i++)
			if (cells[r][i].len > w[i])
				w[i] = cells[r][i].len;
	}
	w[CTL_NCOLS - 1] = 0;	/* no padding after the last column */
	for (i = 0; i < CTL_NCOLS; i++)
		printf("%-*s%s", (int)w[i], head[i], i + 1 < CTL_NCOLS ?
		    "   " : "\n");
	for (r = 0; r < n; r++) {
		for (i = 0; i < CTL_NCOLS; i++) {
			printf("%-*s%s", (int)w[i], buf_str(&cells[r][i]),
			    i + 1 < CTL_NCOLS ? "   " : "\n");
			buf_free(&cells[r][i]);
		}
	}
	free(cells);
}

static json_t *
ctl_num_json(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *
ctl_status_json(const struct engine_status *s, const struct journal_row *last)
{
	json_t	*o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o, s:s, "
	    "s:s, s:o, s:o, s:i, s:i, s:I, s:I, s:s, s:s, s:s}",
	    "seq", (json_int_t)s->seq, "service", s->service,
	    "service_id", s->service_id, "backend", s->backend,
	    "min_no", s->min_no, "max_no", s->max_no,
	    "replicas", s->replicas, "value", ctl_num_json(s->value),
	    "in_value", ctl_num_json(s->in_value), "out_cond", s->out_cond,
	    "in_cond", s->in_cond, "out_threshold",
	    ctl_num_json(s->out_threshold), "in_threshold",
	    ctl_num_json(s->in_threshold), "step_out", s->step_out,
	    "step_in", s->step_in, "cooldown_out_s",
	    (json_int_t)(s->cooldown_out_ns / 1000000000), "cooldown_in_s",
	    (json_int_t)(s->cooldown_in_ns / 1000000000), "state", s->state,
	    "reason", s->reason, "detail", s->detail);
	if (o == NULL)
		return json_object();
	json_object_set_new(o, "group", *s->group ?
	    json_string(s->group) : json_null());
	json_object_set_new(o, "driver", s->driver >= 0 ?
	    json_integer(s->driver) : json_null());
	json_object_set_new(o, "last_action", last != NULL ?
	    json_string(last->action) : json_null());
	json_object_set_new(o, "last_action_ts", last != NULL ?
	    json_integer(last->ts_ns / 1000000000) : json_null());
	return o;
}

/*
 * Rows answered without InfluxDB's metrics or without their replica
 * count: they are shown as das's next tick would have them (held, or in
 * error), and the exit status says the answer is partial.
 */
static int
ctl_list_degraded(struct ctl *c)
{
	const struct engine_status	*first = NULL;
	size_t				 i, n = 0;

	for (i = 0; i < c->rep->nstatus; i++) {
		if (!ctl_degraded(&c->rep->status[i]))
			continue;
		if (n++ == 0)
			first = &c->rep->status[i];
	}
	if (first == NULL)
		return CTL_EXIT_OK;
	fprintf(stderr, "dasctl: warning: %zu of %zu policies shown without "
	    "their metrics or replica count (seq %lld: %s); das holds them "
	    "until InfluxDB or Docker answers (exit status %d)\n", n,
	    c->rep->nstatus, (long long)first->seq, first->detail,
	    CTL_EXIT_PARTIAL);
	return CTL_EXIT_PARTIAL;
}

int
ctl_list(struct ctl *c)
{
	struct journal_row	*last;
	json_t		*arr;
	size_t		 nlast, i;
	int		 rc;

	if ((rc = ctl_eval(c)) != CTL_EXIT_OK)
		return rc;
	last = ctl_last_actions(c, &nlast);
	if (c->json) {
		arr = json_array();
		for (i = 0; i < c->rep->nstatus; i++)
			json_array_append_new(arr, ctl_status_json(
			    &c->rep->status[i], ctl_last_find(last, nlast,
			    c->rep->status[i].seq)));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(arr);
	} else
		ctl_list_text(c, last, nlast);
	journal_rows_free(last, nlast);
	return ctl_list_degraded(c);
}
