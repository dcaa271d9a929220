/*
 * dasctl — the operator's CLI for das. Reads the same configuration as
 * das (-c, default /etc/das/das.conf), so it talks to the same PostgreSQL,
 * InfluxDB and Docker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_replay.h"
#include "log.h"
#include "opts.h"
#include "settings.h"

#define DASCTL_JSON	0x1

static const struct opts_cli dasctl_cli[] = {
	{ "pg", true, "pg", NULL, 0 },
	{ "influx", true, "influx_url", NULL, 0 },
	{ "database", true, "database", NULL, 0 },
	{ "json", false, NULL, NULL, DASCTL_JSON },
	{ NULL, false, NULL, NULL, 0 }
};

/* The commands' options; the index is the slot in the parsed values. */
enum {
	O_SINCE, O_FORCE, O_SEQ, O_MIN, O_MAX, O_ITEM, O_OUT, O_IN,
	O_OUT_WINDOW, O_IN_WINDOW, O_STEP_OUT, O_STEP_IN, O_COOLDOWN_OUT,
	O_COOLDOWN_IN, O_AGGREGATE, O_BACKEND, O_TARGET, O_MODE, O_CAPACITY,
	O_MIN_AVAILABLE, O_SUSTAINED, O_DRY_RUN, O_PAUSED, O_TRACE, O_UNTIL,
	O_POLICY, O_SET, O_PEER, O_START, O_START_DELAY, O_INTERVAL, O_TICK,
	O_DEMAND_UTIL, O_TIMELINE, O_PLOT, O_SETPOINT, O_TOLERANCE,
	O_MAX_STEP_OUT, O_STABILIZE_IN, O_STABILIZE_OUT, O_MEASUREMENT,
	O_SERVICE_TAG, O_PER_REPLICA, O_ACTIVATION, O_PREDICT, O_LEAD, O_COUNT
};

static const struct opts_cmdopt dasctl_cmdopt[O_COUNT + 1] = {
	[O_SINCE] = { "since", true, "history replay" },
	[O_FORCE] = { "force", false, "scale" },
	[O_SEQ] = { "seq", true, "add" },
	[O_MIN] = { "min", true, "add" },
	[O_MAX] = { "max", true, "add" },
	[O_ITEM] = { "item", true, "add" },
	[O_OUT] = { "out", true, "add" },
	[O_IN] = { "in", true, "add" },
	[O_OUT_WINDOW] = { "out-window", true, "add" },
	[O_IN_WINDOW] = { "in-window", true, "add" },
	[O_STEP_OUT] = { "step-out", true, "add" },
	[O_STEP_IN] = { "step-in", true, "add" },
	[O_COOLDOWN_OUT] = { "cooldown-out", true, "add" },
	[O_COOLDOWN_IN] = { "cooldown-in", true, "add" },
	[O_AGGREGATE] = { "aggregate", true, "add" },
	[O_BACKEND] = { "backend", true, "add" },
	[O_TARGET] = { "target", true, "add" },
	[O_MODE] = { "mode", true, "add" },
	[O_CAPACITY] = { "capacity", true, "add replay" },
	[O_MIN_AVAILABLE] = { "min-available", true, "add" },
	[O_SUSTAINED] = { "sustained", false, "add" },
	[O_DRY_RUN] = { "dry-run", false, "add" },
	[O_PAUSED] = { "paused", false, "add" },
	[O_TRACE] = { "trace", true, "replay" },
	[O_UNTIL] = { "until", true, "replay" },
	[O_POLICY] = { "policy", true, "replay" },
	[O_SET] = { "set", true, "replay", true },
	[O_PEER] = { "peer", true, "replay" },
	[O_START] = { "start", true, "replay" },
	[O_START_DELAY] = { "start-delay", true, "replay" },
	[O_INTERVAL] = { "interval", true, "replay" },
	[O_TICK] = { "tick", true, "replay" },
	[O_DEMAND_UTIL] = { "demand-util", true, "replay" },
	[O_TIMELINE] = { "timeline", true, "replay" },
	[O_PLOT] = { "plot", true, "replay" },
	[O_SETPOINT] = { "setpoint", true, "add" },
	[O_TOLERANCE] = { "tolerance", true, "add" },
	[O_MAX_STEP_OUT] = { "max-step-out", true, "add" },
	[O_STABILIZE_IN] = { "stabilize-in", true, "add" },
	[O_STABILIZE_OUT] = { "stabilize-out", true, "add" },
	[O_MEASUREMENT] = { "measurement", true, "add" },
	[O_SERVICE_TAG] = { "service-tag", true, "add" },
	[O_PER_REPLICA] = { "per-replica", true, "add" },
	[O_ACTIVATION] = { "activation", true, "add" },
	[O_PREDICT] = { "predict", true, "add" },
	[O_LEAD] = { "lead", true, "add" },
	[O_COUNT] = { NULL, false, NULL }
};

typedef int dasctl_fn(struct ctl *, char **arg, const char **val);

/* One command: its operands (after the name) and its usage. */
struct dasctl_cmd {
	const char	*name;
	int		 min, max;
	dasctl_fn	*run;
	const char	*synopsis;	/* what follows "dasctl NAME" */
	const char	*help;
};

static int
dasctl_list(struct ctl *c, char **arg, const char **val)
{
	return ctl_list(c);
}

static int
dasctl_explain(struct ctl *c, char **arg, const char **val)
{
	return ctl_explain(c, arg[0]);
}

static int
dasctl_history(struct ctl *c, char **arg, const char **val)
{
	return ctl_history(c, arg[0], val[O_SINCE] ? val[O_SINCE] : "1h");
}

static int
dasctl_scale(struct ctl *c, char **arg, const char **val)
{
	return ctl_scale(c, arg[0], arg[1], val[O_FORCE] != NULL);
}

static int
dasctl_pause(struct ctl *c, char **arg, const char **val)
{
	return ctl_pause(c, arg[0], true);
}

static int
dasctl_resume(struct ctl *c, char **arg, const char **val)
{
	return ctl_pause(c, arg[0], false);
}

static int
dasctl_status(struct ctl *c, char **arg, const char **val)
{
	return ctl_status(c, arg[0]);
}

static int
dasctl_add(struct ctl *c, char **arg, const char **val)
{
	struct ctl_add	a;

	memset(&a, 0, sizeof a);
	a.seq = val[O_SEQ];
	a.min_no = val[O_MIN];
	a.max_no = val[O_MAX];
	a.cond_item = val[O_ITEM];
	a.out_cond = val[O_OUT];
	a.in_cond = val[O_IN];
	a.out_duration = val[O_OUT_WINDOW];
	a.in_duration = val[O_IN_WINDOW];
	a.step_out = val[O_STEP_OUT];
	a.step_in = val[O_STEP_IN];
	a.cooldown_out = val[O_COOLDOWN_OUT];
	a.cooldown_in = val[O_COOLDOWN_IN];
	a.aggregate = val[O_AGGREGATE];
	a.backend = val[O_BACKEND];
	a.target = val[O_TARGET];
	a.mode = val[O_MODE];
	a.capacity = val[O_CAPACITY];
	a.min_available = val[O_MIN_AVAILABLE];
	a.setpoint = val[O_SETPOINT];
	a.tolerance = val[O_TOLERANCE];
	a.max_step_out = val[O_MAX_STEP_OUT];
	a.stabilize_in = val[O_STABILIZE_IN];
	a.stabilize_out = val[O_STABILIZE_OUT];
	a.measurement = val[O_MEASUREMENT];
	a.service_tag = val[O_SERVICE_TAG];
	a.per_replica = val[O_PER_REPLICA];
	a.activation = val[O_ACTIVATION];
	a.predict = val[O_PREDICT];
	a.lead = val[O_LEAD];
	a.sustained = val[O_SUSTAINED] != NULL;
	a.dry_run = val[O_DRY_RUN] != NULL;
	a.paused = val[O_PAUSED] != NULL;
	return ctl_add(c, arg[0], &a);
}

static int
dasctl_replay(struct ctl *c, char **arg, const char **val)
{
	struct ctl_replay_opts	o;

	memset(&o, 0, sizeof o);
	o.trace = val[O_TRACE];
	o.since = val[O_SINCE];
	o.until = val[O_UNTIL];
	o.policy = val[O_POLICY];
	o.set = val[O_SET];
	o.peer = val[O_PEER];
	o.start = val[O_START];
	o.start_delay = val[O_START_DELAY];
	o.interval = val[O_INTERVAL];
	o.tick = val[O_TICK];
	o.demand_util = val[O_DEMAND_UTIL];
	o.capacity = val[O_CAPACITY];
	o.timeline = val[O_TIMELINE];
	o.plot = val[O_PLOT];
	return ctl_replay(c, arg[0], &o);
}

static const struct dasctl_cmd dasctl_cmds[] = {
	{ "list", 0, 0, dasctl_list, "",
"one row per policy: replicas, value against the thresholds,\n"
"steps, cooldowns, state, last action; --json for scripts\n" },
	{ "explain", 1, 1, dasctl_explain, "SERVICE",
"why it did or did not scale on the last tick, with the numbers\n" },
	{ "history", 0, 1, dasctl_history, "[SERVICE] [--since 1h]",
"the journal (das_event) of the last hour, or --since 30m, 7d\n" },
	{ "scale", 2, 2, dasctl_scale, "SERVICE up|down|N [--force]",
"scale by hand through the policy's backend (up/down by its\n"
"steps), journaled as manual; das counts it as the last change,\n"
"and dasctl says when das may move it again. A count outside\n"
"min_no..max_no is refused, as das would undo it on its next\n"
"tick, unless --force (not refused: a paused or dry-run policy,\n"
"which das does not act on)\n" },
	{ "pause", 1, 1, dasctl_pause, "SERVICE",
"das leaves the service alone (enabled = false)\n" },
	{ "resume", 1, 1, dasctl_resume, "SERVICE",
"das manages it again\n" },
	{ "status", 1, 1, dasctl_status, "SERVICE",
"the service's running containers\n" },
	{ "add", 1, 1, dasctl_add,
"SERVICE --min N --max N --out 70% --in 10% [--item cpu_ratio]\n"
"      [--out-window 10m] [--in-window 10m] [--seq N] [--step-out N]\n"
"      [--step-in N] [--cooldown-out D] [--cooldown-in D] [--aggregate A]\n"
"      [--backend swarm|runc|exec] [--target T]\n"
"      [--mode threshold|capacity|target] [--capacity X] [--min-available Y]\n"
"      [--setpoint 70%] [--tolerance 10%] [--max-step-out N|P%]\n"
"      [--stabilize-in 5m] [--stabilize-out D] [--sustained] [--dry-run]\n"
"      [--measurement M [--service-tag T]] [--per-replica true|false]\n"
"      [--activation X] [--predict 1h|1d [--lead 1m]] [--paused]",
"write the policy row an INSERT would, validated as das validates it\n" },
	{ "replay", 0, 1, dasctl_replay,
"[SERVICE] --since 7d [--until T] | --trace FILE|- --policy COLS\n"
"      [--set col=value]... [--peer hpa[:target=70,tolerance=0.1,sync=15s,\n"
"      window=30s,stabilize=300s,up_pods=4,up_percent=100]] [--start N]\n"
"      [--start-delay 20s] [--interval 10s] [--tick 10s] [--demand-util 80]\n"
"      [--capacity N] [--timeline FILE.csv] [--plot FILE.svg] [--json]",
"what the policy would have done on the service's recorded load (from\n"
"InfluxDB, the policy from the das table) or on a CSV trace\n"
"(time,load), beside the Kubernetes HPA algorithm (--peer): under-\n"
"and over-provisioning, replica-hours, actions, reversals (README,\n"
"\"Replay\"). COLS: col=value,... with the das table's column names;\n"
"several rows for one service (a group) are replayed together, as das\n"
"runs them: the table's rows, or COLS;COLS with a trace of one load\n"
"column per row (time,cpu,rate). --set overrides columns of every row.\n"
"Writes nothing but its output\n" },
	{ NULL, 0, 0, NULL, NULL, NULL }
};

static const char dasctl_common[] =
"options (before or after the command, in any order; -- ends them):\n"
"  -c FILE            configuration file (default %s)\n"
"  --pg CONNINFO      PostgreSQL (pg)\n"
"  --influx URL       InfluxDB (influx_url)\n"
"  --database NAME    InfluxDB database (database)\n"
"  -o KEY=VALUE       any das setting; the command line wins\n"
"  --json             list: JSON\n"
"  -v, --verbose      debug logging\n"
"  -h, --help         this text, or a command's: dasctl scale --help\n"
"  --version\n"
"\n"
"exit status (README, \"dasctl\"): 0 done; 1 a server or backend refused or\n"
"failed, nothing changed; 2 bad usage or a value the policy does not allow;\n"
"3 no policy (or no service) by that name; 4 PostgreSQL unreachable;\n"
"5 answered without InfluxDB or Docker (see the warning)\n";

/* text's lines, each after indent. */
static void
dasctl_indent(FILE *f, const char *indent, const char *text)
{
	size_t	n;

	for (; *text != '\0'; text += n) {
		n = strcspn(text, "\n");
		fprintf(f, "%s%.*s\n", indent, (int)n, text);
		if (text[n] == '\n')
			n++;
	}
}

static void
dasctl_usage(FILE *f)
{
	const struct dasctl_cmd	*k;

	fprintf(f, "usage: dasctl [OPTIONS] COMMAND [ARGS]\n\ncommands:\n");
	for (k = dasctl_cmds; k->name != NULL; k++) {
		fprintf(f, "  %s%s%s\n", k->name, *k->synopsis ? " " : "",
		    k->synopsis);
		dasctl_indent(f, "        ", k->help);
	}
	fputc('\n', f);
	fprintf(f, dasctl_common, SETTINGS_DEFAULT_CONFIG);
}

static void
dasctl_cmd_usage(FILE *f, const struct dasctl_cmd *k)
{
	fprintf(f, "usage: dasctl [OPTIONS] %s%s%s\n\n%s\n", k->name,
	    *k->synopsis ? " " : "", k->synopsis, k->help);
	fprintf(f, dasctl_common, SETTINGS_DEFAULT_CONFIG);
}

static const struct opts_prog dasctl_prog = {
	"dasctl", DAS_VERSION, SETTINGS_DEFAULT_CONFIG, dasctl_cli,
	dasctl_usage, true
};

static const struct dasctl_cmd *
dasctl_cmd_find(const char *name)
{
	const struct dasctl_cmd	*k;

	for (k = dasctl_cmds; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/*
 * The command in argv[0..argc) and its operands: the command, or NULL
 * with *rc the exit status (help printed, or a usage error said).
 */
static const struct dasctl_cmd *
dasctl_cmdline(const struct opts_cmdline *cl, int argc, char **argv,
    int *rc)
{
	const struct dasctl_cmd	*k = NULL;

	*rc = CTL_EXIT_USAGE;
	if (argc == 0) {
		dasctl_usage(cl->help ? stdout : stderr);
		*rc = cl->help ? CTL_EXIT_OK : CTL_EXIT_USAGE;
		return NULL;
	}
	if ((k = dasctl_cmd_find(argv[0])) == NULL) {
		fprintf(stderr, "dasctl: unknown command \"%s\"; nothing was "
		    "done (dasctl --help lists the commands)\n", argv[0]);
		return NULL;
	}
	if (cl->help) {
		dasctl_cmd_usage(stdout, k);
		*rc = CTL_EXIT_OK;
		return NULL;
	}
	if (opts_cmdline_check(cl, "dasctl", k->name) != 0)
		return NULL;
	if (argc - 1 < k->min || argc - 1 > k->max) {
		fprintf(stderr, "dasctl: %s takes %s%s; got %d argument(s); "
		    "nothing was done\nusage: dasctl %s%s%s\n", k->name,
		    k->min == k->max ? "" : "at most ", k->max == 0 ?
		    "no arguments" : k->max == 1 ? "one argument" :
		    "two arguments", argc - 1, k->name, *k->synopsis ? " " :
		    "", k->synopsis);
		return NULL;
	}
	return k;
}

int
main(int argc, char **argv)
{
	const struct dasctl_cmd	*k;
	const char		*val[O_COUNT + 1];
	struct opts_cmdline	 cl = { dasctl_cmdopt, val, false, 0 };
	struct das_settings	 set;
	struct opts		 o;
	struct ctl		*c;
	char			 err[512];
	unsigned		 flags = 0;
	int			 rc;

	log_init("dasctl", LOG_LEVEL_WARN);
	opts_init(&o);
	if ((rc = opts_parse_command(&o, &dasctl_prog, &cl, argc, argv,
	    &flags)) >= 0)
		goto out;
	if ((k = dasctl_cmdline(&cl, argc - cl.first, argv + cl.first,
	    &rc)) == NULL)
		goto out;
	if (settings_load(&o, &set, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: %s; nothing was done\n", err);
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	log_set_level(set.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN);
	c = ctl_new(&set, (flags & DASCTL_JSON) != 0);
	rc = k->run(c, argv + cl.first + 1, val);
	ctl_free(c);
	settings_free(&set);
out:
	opts_free(&o);
	return rc;
}
