/*
 * das — the scaler.
 *
 * Every interval: read the policy table, ask InfluxDB for each service's
 * aggregate over its windows, decide, change replica counts (Docker Swarm
 * services, runc clusters or an exec command), journal.
 * Two instances may run: the one holding the PostgreSQL advisory lock
 * acts, the other waits.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "clock.h"
#include "docker.h"
#include "engine.h"
#include "influx.h"
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "pgc.h"
#include "settings.h"
#include "store.h"
#include "xmalloc.h"

/* SIGTERM to exit: what das started is killed within this. */
#define DAS_STOP_MS	1500

struct das {
	struct das_settings	 set;
	struct opts		 opts;
	struct loop		*loop;
	struct pgc		*pg;
	struct influx		*influx;
	struct docker		*docker;
	struct engine		*engine;
	bool			 schema_ok;
	bool			 once;		/* --once: no next tick */
	int			 stopping;
};

/* (Re)make the clients and the engine from the settings. */
static void
das_apply(struct das *das)
{
	struct engine_cfg	ec;

	log_set_level(das->set.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	if (das->engine != NULL && engine_drain(das->engine, 2000) > 0)
		engine_stop(das->engine, DAS_STOP_MS);
	engine_free(das->engine);
	pgc_free(das->pg);
	influx_free(das->influx);
	docker_free(das->docker);
	das->pg = pgc_new(das->set.pg);
	pgc_set_statement_timeout(das->pg, (long)(das->set.sql_timeout * 1000));
	das->influx = settings_influx(&das->set);
	das->docker = settings_docker(&das->set);
	settings_engine_cfg(&das->set, &ec);
	ec.act = true;
	ec.background = true;
	ec.window_cache = ec.window_cache && !das->once;
	das->engine = engine_new(&ec, das->pg, das->influx, das->docker);
	das->schema_ok = false;
}

/* One tick; returns 0 when the policy table was read. */
static int
das_tick(struct das *das)
{
	const struct engine_report	*rep;
	int64_t				 t0, t1;
	char				 err[512];
	int				 rc;

	if (!das->schema_ok) {
		if (store_ensure_schema(das->pg, err, sizeof err) != 0) {
			/* What happens next differs: say which. */
			log_warnx("%s; %s", err, das->once ? "nothing done, "
			    "exiting (--once)" : "trying again next tick");
			return -EIO;
		}
		das->schema_ok = true;
	}
	/* The tick's own duration, for tuning and tests/bench/bench_das.sh. */
	t0 = clock_ns(CLOCK_MONOTONIC);
	rc = engine_tick(das->engine, realtime_ns(), &rep);
	t1 = clock_ns(CLOCK_MONOTONIC);
	log_debug("tick: %zu policies (%zu valid), %zu actions, %zu InfluxDB "
	    "requests, %zu journal rows%s, %.1f ms", rep->policies, rep->valid,
	    rep->actions, rep->influx_requests, rep->journal_rows,
	    rep->leader ? "" : ", standby", (double)(t1 - t0) / 1e6);
	return rc;
}

static void
das_tick_cb(void *arg)
{
	(void)das_tick(arg);
}

static void
das_reload(struct das *das)
{
	struct das_settings	next;
	char			err[512];

	if (settings_load(&das->opts, &next, err, sizeof err) != 0) {
		log_warnx("reload: %s; keeping the running configuration",
		    err);
		return;
	}
	settings_free(&das->set);
	das->set = next;
	das_apply(das);
	loop_set_interval(das->loop, das->set.interval);
	log_info("reload: configuration applied; every %.3g s", das->set.interval);
}

/*
 * Signals arrive through libevent, so a tick in progress always finishes
 * before this runs: SIGTERM therefore "finishes the tick and exits". A
 * tick never waits for an exec or runc call (they run on jobs); those
 * still running are killed and journaled on the way out (das_cleanup).
 */
static void
das_signal_cb(int sig, void *arg)
{
	struct das	*das = arg;

	if (sig == SIGHUP) {
		das_reload(das);
		return;
	}
	if (das->stopping++ > 0)
		exit(1);
	log_info("signal %d: exiting after the current tick", (int)sig);
	loop_stop(das->loop);
}

static void
das_usage(FILE *f)
{
	fprintf(f,
"usage: das [-c FILE] [--pg CONNINFO] [--influx URL] [--database NAME]\n"
"           [--interval SECONDS] [--once] [--dry-run] [-o KEY=VALUE] [-v]\n"
"\n"
"Scales Docker Swarm services (and runc clusters) by the policies in the\n"
"SQL table \"das\", from the metrics ds writes to InfluxDB.\n"
"\n"
"  -c, --config FILE     settings file (default %s when it exists)\n"
"      --pg CONNINFO     PostgreSQL/CrateDB connection (pg)\n"
"      --influx URL      InfluxDB base URL (influx_url)\n"
"      --database NAME   InfluxDB database (database)\n"
"      --interval SECS   seconds between ticks (interval)\n"
"      --once            run one tick and exit\n"
"      --dry-run         decide and journal, never change a replica count\n"
"  -o  KEY=VALUE         any setting below; the command line wins\n"
"  -v, --verbose         debug logging\n"
"      --help, --version\n"
"\nSettings (file keys):\n", SETTINGS_DEFAULT_CONFIG);
	opts_print_table(settings_params, f);
}

#define DAS_ONCE	0x1

static const struct opts_cli das_cli[] = {
	{ "pg", true, "pg", NULL, 0 },
	{ "influx", true, "influx_url", NULL, 0 },
	{ "database", true, "database", NULL, 0 },
	{ "interval", true, "interval", NULL, 0 },
	{ "dry-run", false, "dry_run", "true", 0 },
	{ "once", false, NULL, NULL, DAS_ONCE },
	{ NULL, false, NULL, NULL, 0 }
};

static const struct opts_prog das_prog = {
	"das", DAS_VERSION, SETTINGS_DEFAULT_CONFIG, das_cli, das_usage, false
};

static void
das_cleanup(struct das *das)
{
	if (das->engine != NULL)
		engine_stop(das->engine, DAS_STOP_MS);
	loop_free(das->loop);
	engine_free(das->engine);
	pgc_free(das->pg);
	influx_free(das->influx);
	docker_free(das->docker);
	settings_free(&das->set);
	opts_free(&das->opts);
}

int
main(int argc, char **argv)
{
	struct das	das;
	char		err[512];
	bool		once;
	unsigned	flags = 0;
	int		rc;

	memset(&das, 0, sizeof das);
	opts_init(&das.opts);
	log_init("das", LOG_LEVEL_INFO);
	rc = opts_parse(&das.opts, &das_prog, argc, argv, &flags);
	if (rc >= 0)
		goto done;
	once = (flags & DAS_ONCE) != 0;
	if (settings_load(&das.opts, &das.set, err, sizeof err) != 0) {
		log_error("%s; not starting", err);
		rc = 2;
		goto done;
	}
	das.once = once;
	das_apply(&das);
	log_info("das %s: every %.3g s, InfluxDB %s database %s, Docker %s%s",
	    DAS_VERSION, das.set.interval, das.set.influx_url,
	    das.set.database, das.set.docker_socket,
	    das.set.dry_run ? ", dry run" : "");
	if (once) {
		rc = das_tick(&das) == 0 ? 0 : 1;
		/* the backend calls it started end (or time out) first */
		(void)engine_drain(das.engine, (long)(das.set.exec_timeout *
		    1000) + 1000);
		goto done;
	}
	das.loop = loop_new(das_tick_cb, das_signal_cb, &das);
	loop_set_interval(das.loop, das.set.interval);
	das_tick(&das);
	loop_run(das.loop);
	rc = 0;
done:
	das_cleanup(&das);
	return rc;
}
