/*
 * ctl_replay: dasctl replay — what would this policy have done on this
 * load, and the HPA algorithm beside it (README, "Replay"). Reads the
 * das table and InfluxDB, or a CSV trace; writes nothing anywhere but
 * stdout and the files it is given.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "clock.h"
#include "ctl.h"
#include "ctl_int.h"
#include "ctl_replay.h"
#include "influx.h"
#include "log.h"
#include "pgc.h"
#include "replay.h"
#include "replay_hist.h"
#include "settings.h"
#include "store.h"
#include "xmalloc.h"

#define NS	INT64_C(1000000000)

struct rp {
	struct ctl			*c;
	const struct ctl_replay_opts	*o;
	const char			*service;
	struct replay_model		 m;
	struct hpa_params		 hp;
	bool				 peer;
	int64_t				 since, until;
	struct store_policies		 sp;
	struct policy_row		*rows;	/* the service's, one group */
	size_t				 nrows;
	char				 seqs[REPLAY_TRACE_LOADS][8];
	char				*policy_text, **set_text;
	json_t				*runs;	/* --json */
	size_t				 nrun;
};

static int rp_usage(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Say what was wrong with the command line: exit status 2. */
static int
rp_usage(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "dasctl: replay: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; nothing was replayed\n");
	return CTL_EXIT_USAGE;
}

/* A duration option (10s, 1m; "0" where zero is allowed) into *ns. */
static int
rp_duration(const char *opt, const char *v, bool zero, int64_t *ns)
{
	if (v == NULL)
		return 0;
	if (zero && (strcmp(v, "0") == 0 || strcmp(v, "0s") == 0)) {
		*ns = 0;
		return 0;
	}
	if (policy_parse_duration(v, ns) == 0)
		return 0;
	return rp_usage("--%s \"%s\" is not a duration such as 10s or 1m",
	    opt, v);
}

/* A number option, with an optional '%' when pct, in (lo, hi]. */
static int
rp_number(const char *opt, const char *v, double lo, double hi, double *d)
{
	char	*end;

	if (v == NULL)
		return 0;
	*d = strtod(v, &end);
	if (end != v && *end == '%')
		end++;
	if (end == v || *end != '\0' || !(*d > lo) || *d > hi)
		return rp_usage("--%s \"%s\" is not a number in range", opt, v);
	return 0;
}

static int
rp_model(struct rp *r)
{
	const struct ctl_replay_opts	*o = r->o;
	double				 util = 80, start = -1;
	int				 rc = 0;

	memset(&r->m, 0, sizeof r->m);
	r->m.interval_ns = r->m.tick_ns = 10 * NS;
	r->m.start_delay_ns = 20 * NS;
	r->m.capacity = NAN;
	rc |= rp_duration("interval", o->interval, false, &r->m.interval_ns);
	rc |= rp_duration("tick", o->tick, false, &r->m.tick_ns);
	rc |= rp_duration("start-delay", o->start_delay, true,
	    &r->m.start_delay_ns);
	rc |= rp_number("demand-util", o->demand_util, 0, 100, &util);
	rc |= rp_number("capacity", o->capacity, 0, 1e300, &r->m.capacity);
	rc |= rp_number("start", o->start, -1, 1e6, &start);
	if (rc == 0 && o->start != NULL && start != floor(start))
		rc = rp_usage("--%s \"%s\" is not a whole number of replicas",
		    "start", o->start);
	r->m.demand_util = util / 100;
	r->m.start = (int)start;
	return rc ? CTL_EXIT_USAGE : 0;
}

static int
rp_peer(struct rp *r)
{
	const char	*p = r->o->peer;
	char		 err[256];

	hpa_params_default(&r->hp);
	if (p == NULL)
		return 0;
	if (strncmp(p, "hpa", 3) != 0 || (p[3] != '\0' && p[3] != ':'))
		return rp_usage("--%s \"%s\": the only peer is hpa "
		    "(hpa:target=70,...)", "peer", p);
	if (hpa_params_parse(p[3] ? p + 4 : "", &r->hp, err, sizeof err)) {
		fprintf(stderr, "dasctl: replay: --peer: %s; nothing was "
		    "replayed\n", err);
		return CTL_EXIT_USAGE;
	}
	r->peer = true;
	return 0;
}

/*
 * "col=value,col=value" over row (text cut in place): the das table's
 * column names; "col=" is NULL (the column's default).
 */
static int
rp_pairs(char *text, struct policy_row *row, const char *opt)
{
	const char	**slot;
	char		 *pair, *eq, *save = NULL;

	for (pair = strtok_r(text, ",", &save); pair != NULL;
	    pair = strtok_r(NULL, ",", &save)) {
		while (*pair == ' ')
			pair++;
		if ((eq = strchr(pair, '=')) == NULL)
			return rp_usage("--%s: \"%s\" is not col=value", opt,
			    pair);
		*eq = '\0';
		if ((slot = policy_row_column(row, pair)) == NULL)
			return rp_usage("--%s: the das table has no column "
			    "\"%s\"", opt, pair);
		*slot = eq[1] != '\0' ? eq + 1 : NULL;
	}
	return 0;
}

/* The service's rows of the das table. */
static int
rp_rows_table(struct rp *r)
{
	char	err[512];
	size_t	i;
	int	rc;

	if ((rc = ctl_connect(r->c)) != CTL_EXIT_OK)
		return rc;
	if (store_load(r->c->pg, &r->sp, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: cannot read the policy table \"das\": "
		    "%s; nothing was replayed\n", err);
		return CTL_EXIT_FAIL;
	}
	r->rows = xcalloc(r->sp.n + 1, sizeof *r->rows);
	for (i = 0; i < r->sp.n; i++)
		if (r->sp.row[i].service_id != NULL &&
		    strcmp(r->sp.row[i].service_id, r->service) == 0)
			r->rows[r->nrows++] = r->sp.row[i];
	if (r->nrows == 0 && r->o->policy == NULL) {
		fprintf(stderr, "dasctl: replay: no policy for \"%s\" in the "
		    "das table (give --policy); nothing was replayed\n",
		    r->service);
		return CTL_EXIT_UNKNOWN;
	}
	return 0;
}

/*
 * --policy "cols;cols;...": one row, or the rows of one group separated
 * by ';' (README, "Replay": several rows for one service).
 */
static int
rp_rows_policy(struct rp *r)
{
	const char	*c;
	char		*text, *save = NULL;
	size_t		 i, n = 1;
	int		 rc;

	for (c = r->o->policy; *c != '\0'; c++)
		n += *c == ';';
	r->rows = xcalloc(n, sizeof *r->rows);
	r->policy_text = xstrdup(r->o->policy);
	for (text = strtok_r(r->policy_text, ";", &save); text != NULL;
	    text = strtok_r(NULL, ";", &save)) {
		if (r->nrows == REPLAY_TRACE_LOADS)
			return rp_usage("--policy: more than %d rows; a group "
			    "replays at most %d", REPLAY_TRACE_LOADS,
			    REPLAY_TRACE_LOADS);
		i = r->nrows++;
		if ((rc = rp_pairs(text, &r->rows[i], "policy")) != 0)
			return rc;
		/* what a replay needs no row for */
		if (r->rows[i].service_id == NULL)
			r->rows[i].service_id = r->service ? r->service :
			    "replay";
		if (r->rows[i].seq == NULL) {
			snprintf(r->seqs[i], sizeof r->seqs[i], "%zu", i + 1);
			r->rows[i].seq = r->seqs[i];
		}
	}
	if (r->nrows == 0)
		return rp_usage("--policy \"%s\" names no column",
		    r->o->policy);
	return 0;
}

/* The policies under test: --policy, or the service's rows; --set over. */
static int
rp_rows(struct rp *r)
{
	size_t	i;
	int	rc;

	if (r->o->policy != NULL) {
		if ((rc = rp_rows_policy(r)) != 0)
			return rc;
	} else if ((rc = rp_rows_table(r)) != 0)
		return rc;
	/* each row its own copy: the rows point into it */
	r->set_text = xcalloc(r->nrows + 1, sizeof *r->set_text);
	for (i = 0; r->o->set != NULL && i < r->nrows; i++) {
		r->set_text[i] = xstrdup(r->o->set);
		if ((rc = rp_pairs(r->set_text[i], &r->rows[i], "set")) != 0)
			return rc;
	}
	return 0;
}

/* --since/--until: a duration before now, or an RFC 3339 time. */
static int
rp_time(const char *opt, const char *v, int64_t now, int64_t *t)
{
	int64_t	d;
	double	sec;

	if (policy_parse_duration(v, &d) == 0) {
		*t = now - d;
		return 0;
	}
	if (replay_parse_time(v, &sec) == 0) {
		*t = (int64_t)(sec * 1e9);
		return 0;
	}
	return rp_usage("--%s \"%s\" is neither a duration (7d, 90m) nor an "
	    "RFC 3339 time", opt, v);
}

static int
rp_span(struct rp *r)
{
	int64_t	now = realtime_ns();

	r->until = now;
	if (r->o->since == NULL)
		return rp_usage("%s%s", "replaying a service's history needs "
		    "--since (7d, or an RFC 3339 time)", "");
	if (rp_time("since", r->o->since, now, &r->since) != 0 ||
	    (r->o->until != NULL &&
	    rp_time("until", r->o->until, now, &r->until) != 0))
		return CTL_EXIT_USAGE;
	return 0;
}

/* The trace: n loads, one per row of the group. */
static int
rp_load_trace(struct rp *r, struct replay_load *l, size_t n)
{
	const char	*name = r->o->trace;
	FILE		*f = stdin;
	char		 err[512];
	int		 rc;

	if (strcmp(name, "-") != 0 && (f = fopen(name, "r")) == NULL) {
		fprintf(stderr, "dasctl: replay: cannot open %s: %s; nothing "
		    "was replayed\n", name, strerror(errno));
		return CTL_EXIT_USAGE;
	}
	rc = replay_trace_read_group(f, strcmp(name, "-") ? name : "stdin",
	    r->m.interval_ns, l, n, err, sizeof err);
	if (f != stdin)
		fclose(f);
	if (rc != 0) {
		fprintf(stderr, "dasctl: replay: %s; nothing was replayed\n",
		    err);
		return CTL_EXIT_USAGE;
	}
	return 0;
}

static int
rp_sink(void *arg, const char *p, size_t len)
{
	buf_add(arg, p, len);
	return 0;
}

/* The service's load of p's field from InfluxDB over the span. */
static int
rp_load_hist(struct rp *r, const struct policy *p, struct replay_load *l)
{
	struct replay_span	 s;
	struct buf		 q, ans;
	const char		*qs[1];
	void			*args[1] = { &ans };
	char			 err[512];
	int			*replicas, rc;

	if (replay_hist_span(r->since, r->until, r->m.interval_ns, &s, err,
	    sizeof err) != 0)
		return rp_usage("%s%s", err, "");
	buf_init(&q);
	buf_init(&ans);
	replay_hist_query(&q, r->c->set->measurement, p, r->service, &s);
	qs[0] = buf_str(&q);
	rc = influx_query_streams(r->c->influx, qs, 1, 0, rp_sink, args, err,
	    sizeof err);
	replicas = xcalloc(s.n + 1, sizeof *replicas);
	if (rc == 0)
		rc = replay_hist_parse(buf_str(&ans), ans.len, &s, l, replicas,
		    err, sizeof err);
	if (rc == 0 && r->m.start < 0)
		r->m.start = replicas[0];	/* what was running then */
	free(replicas);
	buf_free(&q);
	buf_free(&ans);
	if (rc != 0) {
		fprintf(stderr, "dasctl: replay: %s's history of %s: %s; "
		    "nothing was replayed\n", r->service, p->field, err);
		return rc == -ENODATA ? CTL_EXIT_UNKNOWN : CTL_EXIT_FAIL;
	}
	return 0;
}

/* The model's capacity and cap for p's field. */
static int
rp_model_for(struct rp *r, const struct policy *p, struct replay_model *m)
{
	*m = r->m;
	m->capped = policy_field_unit(p->field) == POLICY_UNIT_PERCENT;
	m->origin_ns = 1000000000 * NS;		/* any time after 0 */
	/* a replica serves 100 % of a ratio; --capacity is the others' */
	if (m->capped)
		m->capacity = 100;
	else if (!isnan(m->capacity))
		return 0;
	else if (p->mode == POLICY_MODE_CAPACITY)
		m->capacity = p->capacity;
	else
		return rp_usage("seq %lld: the field %s is not a ratio: give "
		    "--capacity (what one replica serves)", (long long)p->seq,
		    p->field);
	return 0;
}

/* The row as --policy text: its non-NULL columns, col=value,... */
static void
rp_row_text(const struct policy_row *row, struct buf *b)
{
	const char	*name, **v;
	size_t		 i;

	for (i = 0; (name = policy_column_name(i)) != NULL; i++) {
		v = policy_row_column((struct policy_row *)row, name);
		if (*v == NULL || strcmp(name, "cur_no") == 0)
			continue;
		buf_printf(b, "%s%s=%s", b->len ? "," : "", name, *v);
	}
}

static void
rp_peer_text(const struct hpa_params *h, struct buf *b)
{
	buf_adds(b, "target=");
	policy_format_number(h->target, b);
	buf_adds(b, ",tolerance=");
	policy_format_number(h->tolerance, b);
	buf_adds(b, ",sync=");
	policy_format_duration(h->sync_ns, b);
	buf_adds(b, ",window=");
	policy_format_duration(h->window_ns, b);
	buf_adds(b, ",stabilize=");
	policy_format_duration(h->stabilize_ns, b);
	buf_printf(b, ",up_pods=%d,up_percent=", h->up_pods);
	policy_format_number(h->up_percent, b);
}

static json_t *
rp_score_json(const char *name, const char *key, const char *text,
    const struct replay_score *s)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:i, "
	    "s:f, s:i}", "name", name, key, text, "theta_u", s->theta_u,
	    "theta_o", s->theta_o, "tau_u", s->tau_u, "tau_o", s->tau_o,
	    "dropped_pct", s->dropped_pct, "replica_hours", s->replica_hours,
	    "actions", (json_int_t)s->actions, "reversals",
	    (json_int_t)s->reversals, "longest_under_s",
	    (double)s->longest_under_ns / NS, "final_replicas",
	    (json_int_t)s->final_replicas);
}

/* 750 s as "12m30s", 3700 s as "1h1m40s". */
static void
rp_hms(struct buf *b, int64_t sec)
{
	if (sec >= 3600)
		buf_printf(b, "%lldh", (long long)(sec / 3600));
	if (sec % 3600 >= 60)
		buf_printf(b, "%lldm", (long long)(sec % 3600 / 60));
	if (sec % 60 != 0 || sec == 0)
		buf_printf(b, "%llds", (long long)(sec % 60));
}

static void
rp_score_line(const char *name, const struct replay_score *s)
{
	struct buf	d;

	buf_init(&d);
	rp_hms(&d, s->longest_under_ns / NS);
	printf("%-8s %8.3f %8.3f %6.1f %6.1f %9.3f %10.2f %8u %9u  %s\n",
	    name, s->theta_u, s->theta_o, s->tau_u, s->tau_o, s->dropped_pct,
	    s->replica_hours, s->actions, s->reversals, buf_str(&d));
	buf_free(&d);
}

static void
rp_ratio(double a, double b)
{
	if (b > 0)
		printf(" %7.2fx", a / b);
	else
		printf(" %8s", a > 0 ? "inf" : "=");
}

/* " from 2026-12-01 10:00:00Z" for a history, nothing for a trace. */
static void
rp_since(int64_t origin_ns)
{
	struct tm	tm;
	time_t		t = (time_t)(origin_ns / NS);
	char		s[40];

	if (origin_ns == 0)
		return;
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, " from %Y-%m-%d %H:%M:%SZ", &tm);
	fputs(s, stdout);
}

static void
rp_table(const struct replay_result *res, const char *ptext,
    const char *peertext, const struct replay_model *m,
    const struct replay_load *l)
{
	const struct replay_score	*a = &res->das, *b = &res->peer;
	struct buf			 iv;

	buf_init(&iv);
	/* A recording of minutes reads as one ("1m32s"), not "0.0 h". */
	if (res->span_ns < 3600 * NS) {
		policy_format_duration(res->span_ns, &iv);
		printf("replayed %s", buf_str(&iv));
		buf_reset(&iv);
	} else
		printf("replayed %.1f h", (double)res->span_ns / NS / 3600);
	rp_since(l->origin_ns);
	policy_format_duration(m->interval_ns, &iv);
	printf(": %zu samples every %s, starting at %d replica%s\npolicy: "
	    "%s\n", l->n, buf_str(&iv), res->start, res->start == 1 ? "" : "s",
	    ptext);
	if (res->has_peer)
		printf("peer:   hpa %s\n", peertext);
	printf("%-8s %8s %8s %6s %6s %9s %10s %8s %9s  %s\n", "", "thetaU",
	    "thetaO", "tauU%", "tauO%", "dropped%", "replica-h", "actions",
	    "reversals", "longest under");
	rp_score_line("das", a);
	if (res->has_peer) {
		rp_score_line("hpa", b);
		printf("%-8s", "das/hpa");
		rp_ratio(a->theta_u, b->theta_u);
		rp_ratio(a->theta_o, b->theta_o);
		printf(" %6s %6s %9s", "", "", "");
		rp_ratio(a->replica_hours, b->replica_hours);
		printf(" %8s", "");
		rp_ratio(a->reversals, b->reversals);
		putchar('\n');
	}
	buf_free(&iv);
}

static int
rp_files(const struct rp *r, const struct replay_result *res,
    const char *title)
{
	const char	*paths[2] = { r->o->timeline, r->o->plot }, *name;
	FILE		*f;
	int		 k, rc = 0;

	for (k = 0; k < 2 && rc == 0; k++) {
		if (paths[k] == NULL)
			continue;
		name = paths[k];
		if ((f = fopen(name, "w")) == NULL)
			rc = -errno;
		else {
			if (k == 0)
				replay_timeline_write(f, res);
			else
				rc = replay_svg_write(f, res, title);
			if (fclose(f) != 0 && rc == 0)
				rc = -errno;
		}
		if (rc != 0)
			fprintf(stderr, "dasctl: replay: cannot write %s: %s\n",
			    name, strerror(-rc));
	}
	return rc == 0 ? 0 : CTL_EXIT_FAIL;
}

/* The rows as --policy text: "cols; cols". */
static void
rp_group_text(const struct rp *r, struct buf *b)
{
	struct buf	one;
	size_t		i;

	for (i = 0; i < r->nrows; i++) {
		buf_init(&one);
		rp_row_text(&r->rows[i], &one);
		buf_printf(b, "%s%s", i > 0 ? "; " : "", buf_str(&one));
		buf_free(&one);
	}
}

static void
rp_report(struct rp *r, const struct replay_result *res,
    const struct replay_model *m, const struct replay_load *l)
{
	struct buf	ptext, peer;

	buf_init(&ptext);
	buf_init(&peer);
	rp_group_text(r, &ptext);
	rp_peer_text(&r->hp, &peer);
	if (r->runs == NULL) {
		rp_table(res, buf_str(&ptext), buf_str(&peer), m, l);
	} else {
		json_array_append_new(r->runs, rp_score_json("das", "policy",
		    buf_str(&ptext), &res->das));
		if (res->has_peer)
			json_array_append_new(r->runs, rp_score_json("hpa",
			    "peer", buf_str(&peer), &res->peer));
	}
	buf_free(&ptext);
	buf_free(&peer);
}

/* One group's parsed rows, loads and what the replay takes of them. */
struct rp_group {
	size_t			 n;
	struct policy		 p[REPLAY_TRACE_LOADS];
	struct replay_load	 l[REPLAY_TRACE_LOADS];
	struct replay_member	 mem[REPLAY_TRACE_LOADS];
	char			 name[REPLAY_TRACE_LOADS][32];
	size_t			 parsed;
};

/*
 * Whether row i may decide with the rows before it, as das would group
 * them (tick_group.c): one service, one backend, one exec/runc target,
 * distinct seqs (the timeline names rows by seq). Bounds: replay_check.
 */
static int
rp_group_same(const struct rp_group *G, size_t i)
{
	const struct policy	*a = &G->p[0], *b = &G->p[i];
	const char		*ta = a->target ? a->target : "";
	const char		*tb = b->target ? b->target : "";
	size_t			 k;

	if (strcmp(a->service, b->service) != 0)
		return rp_usage("seq %lld names service \"%s\", seq %lld \"%s\": "
		    "a group is one service's rows", (long long)a->seq,
		    a->service, (long long)b->seq, b->service);
	if (a->backend != b->backend || strcmp(ta, tb) != 0)
		return rp_usage("seq %lld (%s%s%s) and seq %lld (%s%s%s) differ: "
		    "das makes every row of such a service invalid (its rows "
		    "decide together and must have the same backend and "
		    "target)", (long long)a->seq,
		    policy_backend_name(a->backend), *ta ? " " : "", ta,
		    (long long)b->seq, policy_backend_name(b->backend),
		    *tb ? " " : "", tb);
	for (k = 0; k < i; k++) {
		if (G->p[k].seq == b->seq)
			return rp_usage("two rows have seq %lld: give each row "
			    "its own", (long long)b->seq);
	}
	return 0;
}

/* Parse the group's rows and find each one's capacity. */
static int
rp_group_parse(struct rp *r, struct rp_group *G,
    struct replay_model *m)
{
	const struct policy_row	*row;
	char			 err[512];
	size_t			 i;
	int			 rc;

	G->n = r->nrows;
	if (G->n > REPLAY_TRACE_LOADS)
		return rp_usage("the service has %zu rows; a group replays at "
		    "most %d", G->n, REPLAY_TRACE_LOADS);
	for (i = 0; i < G->n; i++) {
		row = &r->rows[i];
		if (policy_parse(row, &G->p[i], err, sizeof err) != 0) {
			fprintf(stderr, "dasctl: replay: invalid policy%s%s (das "
			    "would journal: %s); nothing was replayed\n",
			    G->n > 1 ? " seq " : "", G->n > 1 ? row->seq : "",
			    err);
			return CTL_EXIT_USAGE;
		}
		G->parsed++;
		if ((rc = rp_group_same(G, i)) != 0)
			return rc;
		if ((rc = rp_model_for(r, &G->p[i], m)) != 0)
			return rc;
		snprintf(G->name[i], sizeof G->name[i], "seq %s", row->seq);
		G->mem[i] = (struct replay_member){ &G->p[i], &G->l[i],
		    m->capacity, m->capped, G->name[i] };
	}
	return 0;
}

static void
rp_group_free(struct rp_group *G)
{
	size_t	i;

	for (i = 0; i < G->parsed; i++) {
		replay_load_free(&G->l[i]);
		policy_clear(&G->p[i]);
	}
}

/* Parse, load, replay and report the rows (a row alone, or a group). */
static int
rp_one(struct rp *r, json_t *top)
{
	struct rp_group		*G = xcalloc(1, sizeof *G);
	struct replay_model	 m;
	struct replay_result	 res;
	char			 err[512];
	size_t			 i;
	int			 rc;

	memset(&res, 0, sizeof res);
	rc = rp_group_parse(r, G, &m);
	if (rc == 0 && r->o->trace)
		rc = rp_load_trace(r, G->l, G->n);
	for (i = 0; rc == 0 && !r->o->trace && i < G->n; i++)
		rc = rp_load_hist(r, &G->p[i], &G->l[i]);
	if (rc == 0) {
		m.start = r->m.start;
		if (replay_run_group(&m, G->mem, G->n, r->peer ? &r->hp : NULL,
		    &res, err, sizeof err) != 0)
			rc = rp_usage("%s%s", err, "");
	}
	if (rc == 0) {
		rp_report(r, &res, &m, &G->l[0]);
		json_object_set_new(top, "span_s",
		    json_real((double)res.span_ns / NS));
		json_object_set_new(top, "interval_s",
		    json_real((double)m.interval_ns / NS));
		json_object_set_new(top, "samples",
		    json_integer((json_int_t)G->l[0].n));
		json_object_set_new(top, "start", json_integer(res.start));
		if (G->l[0].origin_ns != 0)	/* the history's: times are from it */
			json_object_set_new(top, "origin_ns",
			    json_integer((json_int_t)G->l[0].origin_ns));
		rc = rp_files(r, &res, r->service != NULL ? G->p[0].service :
		    strcmp(r->o->trace, "-") == 0 ? "stdin" : r->o->trace);
	}
	replay_result_free(&res);
	rp_group_free(G);
	free(G);
	return rc;
}

static void
rp_free(struct rp *r)
{
	size_t	i;

	if (r->sp.rows != NULL)
		store_policies_free(&r->sp);
	for (i = 0; r->set_text != NULL && i < r->nrows; i++)
		free(r->set_text[i]);
	free(r->set_text);
	free(r->rows);
	free(r->policy_text);
}

int
ctl_replay(struct ctl *c, const char *service,
    const struct ctl_replay_opts *o)
{
	struct rp	 r;
	json_t		*top = json_object();
	int		 rc;

	memset(&r, 0, sizeof r);
	r.c = c;
	r.o = o;
	r.service = service;
	if (service == NULL && (o->trace == NULL || o->policy == NULL))
		rc = rp_usage("%s%s", "give a SERVICE (its history and policy), "
		    "or --trace FILE with --policy", "");
	else if ((rc = rp_model(&r)) == 0 && (rc = rp_peer(&r)) == 0 &&
	    (rc = rp_rows(&r)) == 0 && (o->trace || (rc = rp_span(&r)) == 0)) {
		if (c->json)
			r.runs = json_array();
		rc = rp_one(&r, top);
	}
	if (rc == 0 && r.runs != NULL) {
		json_object_set_new(top, "runs", r.runs);
		r.runs = NULL;
		json_dumpf(top, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(6));
		putchar('\n');
	}
	json_decref(r.runs);
	json_decref(top);
	rp_free(&r);
	return rc;
}
