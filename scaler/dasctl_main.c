/*
 * dasctl — the operator's CLI for das. Reads the same configuration as
 * das (-c, default /etc/das/das.conf), so it talks to the same PostgreSQL,
 * InfluxDB and Docker.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "log.h"
#include "opts.h"
#include "settings.h"

static void
dasctl_usage(FILE *f)
{
	fprintf(f,
"usage: dasctl [-c FILE] [--pg CONNINFO] [--influx URL] [--database NAME]\n"
"              [-o KEY=VALUE] [--json] [-v] COMMAND [ARGS]\n"
"\n"
"commands:\n"
"  list                     one row per policy: replicas, value against the\n"
"                           thresholds, steps, cooldowns, state, last action\n"
"  explain SERVICE          why it did or did not scale on the last tick\n"
"  history [SERVICE] [--since 1h]   the journal\n"
"  scale SERVICE up|down|N  scale by hand (journaled as manual; das keeps it)\n"
"  pause SERVICE            das leaves the service alone (enabled = false)\n"
"  resume SERVICE           das manages it again\n"
"  status SERVICE           the service's running containers\n"
"  add SERVICE --min N --max N --out 70%% --in 10%% [--item cpu_ratio]\n"
"      [--out-window 10m] [--in-window 10m] [--seq N] [--step-out N]\n"
"      [--step-in N] [--cooldown-out D] [--cooldown-in D] [--aggregate A]\n"
"      [--backend swarm|runc|exec] [--target T] [--mode threshold|capacity]\n"
"      [--capacity X] [--min-available Y] [--sustained] [--dry-run] [--paused]\n"
"\n"
"exit status: 0 ok, 1 a server or backend refused, 2 bad usage or invalid\n"
"value, 3 no policy (or no service) by that name, 4 database unreachable\n");
}

#define DASCTL_JSON	0x1

static const struct opts_cli dasctl_cli[] = {
	{ "pg", true, "pg", NULL, 0 },
	{ "influx", true, "influx_url", NULL, 0 },
	{ "database", true, "database", NULL, 0 },
	{ "json", false, NULL, NULL, DASCTL_JSON },
	{ NULL, false, NULL, NULL, 0 }
};

static const struct opts_prog dasctl_prog = {
	"dasctl", DAS_VERSION, SETTINGS_DEFAULT_CONFIG, dasctl_cli,
	dasctl_usage, true
};

/* dasctl add's options into a; returns -1 to go on, else exit code. */
static int
dasctl_add_args(int argc, char **argv, struct ctl_add *a)
{
	static const struct option lo[] = {
		{ "seq", 1, NULL, 'S' }, { "min", 1, NULL, 'm' },
		{ "max", 1, NULL, 'M' }, { "item", 1, NULL, 'i' },
		{ "out", 1, NULL, 'O' }, { "in", 1, NULL, 'I' },
		{ "out-window", 1, NULL, 'w' }, { "in-window", 1, NULL, 'W' },
		{ "step-out", 1, NULL, 's' }, { "step-in", 1, NULL, 't' },
		{ "cooldown-out", 1, NULL, 'k' }, { "cooldown-in", 1, NULL, 'K' },
		{ "aggregate", 1, NULL, 'a' }, { "backend", 1, NULL, 'b' },
		{ "target", 1, NULL, 'T' }, { "mode", 1, NULL, 'x' },
		{ "capacity", 1, NULL, 'C' }, { "min-available", 1, NULL, 'A' },
		{ "sustained", 0, NULL, 'u' }, { "dry-run", 0, NULL, 'd' },
		{ "paused", 0, NULL, 'p' }, { NULL, 0, NULL, 0 }
	};
	int	c;

	memset(a, 0, sizeof *a);
	optind = 0;	/* glibc: 0 restarts the scan from scratch */
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'S': a->seq = optarg; break;
		case 'm': a->min_no = optarg; break;
		case 'M': a->max_no = optarg; break;
		case 'i': a->cond_item = optarg; break;
		case 'O': a->out_cond = optarg; break;
		case 'I': a->in_cond = optarg; break;
		case 'w': a->out_duration = optarg; break;
		case 'W': a->in_duration = optarg; break;
		case 's': a->step_out = optarg; break;
		case 't': a->step_in = optarg; break;
		case 'k': a->cooldown_out = optarg; break;
		case 'K': a->cooldown_in = optarg; break;
		case 'a': a->aggregate = optarg; break;
		case 'b': a->backend = optarg; break;
		case 'T': a->target = optarg; break;
		case 'x': a->mode = optarg; break;
		case 'C': a->capacity = optarg; break;
		case 'A': a->min_available = optarg; break;
		case 'u': a->sustained = true; break;
		case 'd': a->dry_run = true; break;
		case 'p': a->paused = true; break;
		default: return 2;
		}
	}
	return optind == argc ? -1 : 2;
}

static int
dasctl_bad(const char *cmd)
{
	fprintf(stderr, "dasctl: wrong arguments for \"%s\"; see dasctl "
	    "--help\n", cmd);
	return CTL_EXIT_USAGE;
}

/* Run the command in argv[0..argc). */
static int
dasctl_run(struct ctl *c, int argc, char **argv)
{
	const char	*cmd = argv[0], *since = "1h", *svc = NULL;
	struct ctl_add	 a;
	int		 i;

	if (strcmp(cmd, "list") == 0 && argc == 1)
		return ctl_list(c);
	if (strcmp(cmd, "history") == 0) {
		for (i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--since") == 0 && i + 1 < argc)
				since = argv[++i];
			else if (svc == NULL && argv[i][0] != '-')
				svc = argv[i];
			else
				return dasctl_bad(cmd);
		}
		return ctl_history(c, svc, since);
	}
	if (argc < 2)
		return dasctl_bad(cmd);
	if (strcmp(cmd, "explain") == 0 && argc == 2)
		return ctl_explain(c, argv[1]);
	if (strcmp(cmd, "scale") == 0 && argc == 3)
		return ctl_scale(c, argv[1], argv[2]);
	if ((strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0) &&
	    argc == 2)
		return ctl_pause(c, argv[1], cmd[0] == 'p');
	if (strcmp(cmd, "status") == 0 && argc == 2)
		return ctl_status(c, argv[1]);
	if (strcmp(cmd, "add") == 0) {
		if (dasctl_add_args(argc - 1, argv + 1, &a) >= 0)
			return dasctl_bad(cmd);
		return ctl_add(c, argv[1], &a);
	}
	return dasctl_bad(cmd);
}

int
main(int argc, char **argv)
{
	struct das_settings	 set;
	struct opts		 o;
	struct ctl		*c;
	char			 err[512];
	unsigned		 flags = 0;
	bool			 json;
	int			 rc;

	log_init("dasctl", LOG_LEVEL_WARN);
	opts_init(&o);
	if ((rc = opts_parse(&o, &dasctl_prog, argc, argv, &flags)) >= 0)
		goto out;
	json = (flags & DASCTL_JSON) != 0;
	if (optind >= argc) {
		dasctl_usage(stderr);
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	if (settings_load(&o, &set, err, sizeof err) != 0) {
		fprintf(stderr, "dasctl: %s\n", err);
		rc = CTL_EXIT_USAGE;
		goto out;
	}
	log_set_level(set.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN);
	c = ctl_new(&set, json);
	rc = dasctl_run(c, argc - optind, argv + optind);
	ctl_free(c);
	settings_free(&set);
out:
	opts_free(&o);
	return rc;
}
