/* settings: das.conf keys, shared by das and dasctl. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docker.h"
#include "engine.h"
#include "influx.h"
#include "settings.h"
#include "xmalloc.h"

#define S(m)	offsetof(struct das_settings, m)
const struct cfg_param settings_params[] = {
	{ "pg", CFG_STRING, S(pg), "host=127.0.0.1 port=5432 dbname=das", 0, 0,
	    "PostgreSQL (or CrateDB) connection string" },
	{ "influx_url", CFG_STRING, S(influx_url), "http://127.0.0.1:8086",
	    0, 0, "InfluxDB base URL" },
	{ "database", CFG_STRING, S(database), "docker", 0, 0,
	    "InfluxDB database ds writes to" },
	{ "user", CFG_STRING, S(user), "", 0, 0, "InfluxDB user (optional)" },
	{ "password", CFG_STRING, S(password), "", 0, 0,
	    "InfluxDB password (optional)" },
	{ "measurement", CFG_STRING, S(measurement), "docker", 0, 0,
	    "measurement ds writes" },
	{ "event_measurement", CFG_STRING, S(event_measurement), "das_event",
	    0, 0, "measurement das writes its decisions to (annotations)" },
	{ "interval", CFG_DOUBLE, S(interval), "10", 0.1, 86400,
	    "seconds between ticks" },
	{ "ds_interval", CFG_DOUBLE, S(ds_interval), "10", 0.1, 86400,
	    "ds's interval, for the data coverage rule" },
	{ "dry_run", CFG_BOOL, S(dry_run), "false", 0, 0,
	    "decide and journal, never act" },
	{ "docker_socket", CFG_STRING, S(docker_socket),
	    "/var/run/docker.sock", 0, 0, "Docker Engine API socket" },
	{ "node", CFG_STRING, S(node), "", 0, 0,
	    "name in the journal (default: the host name)" },
	{ "runc_root", CFG_STRING, S(runc_root), "/run/runc", 0, 0,
	    "runc state directory (runc backend)" },
	{ "exec_timeout", CFG_DOUBLE, S(exec_timeout), "60", 0.1, 3600,
	    "seconds an exec backend command or a runc call may run" },
	{ "exec.", CFG_MAP, S(exec), NULL, 0, 0,
	    "exec.NAME = COMMAND {replicas} ...: an exec backend command a "
	    "row may name in its target (repeatable)" },
	{ "bundle.", CFG_MAP, S(bundle), NULL, 0, 0,
	    "bundle.NAME = /path: a runc bundle a row may name in its target "
	    "(repeatable)" },
	{ "sql_timeout", CFG_DOUBLE, S(sql_timeout), "5", 0.1, 600,
	    "seconds one SQL statement may take (a locked table)" },
	{ "lock_key", CFG_INT, S(lock_key), "7561647", 0, 0,
	    "PostgreSQL advisory lock key for leader election" },
	{ "single", CFG_BOOL, S(single), "false", 0, 0,
	    "skip leader election (one das only)" },
	{ "influx_requests", CFG_INT, S(influx_requests), "2", 1, 2,
	    "InfluxDB requests per tick at most (2: two side by side from "
	    "256 policies on)" },
	{ "window_cache", CFG_BOOL, S(window_cache), "true", 0, 0,
	    "keep ds's samples between ticks and ask only for new ones "
	    "(the daemon; README \"Cost at scale\")" },
	{ "cache_resync", CFG_DOUBLE, S(cache_resync), "3600", 0, 86400 * 7,
	    "seconds between full reads of the windows anyway (0: never)" },
	{ "timeout", CFG_DOUBLE, S(timeout), "5", 0.1, 600,
	    "total timeout of one HTTP request, seconds" },
	{ "verbose", CFG_BOOL, S(verbose), "false", 0, 0, "debug logging" },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};
#undef S

int
settings_load(const struct opts *o, struct das_settings *s, char *err,
    size_t errlen)
{
	char	host[HOST_NAME_MAX + 1];
	int	rc;

	if ((rc = opts_load(o, settings_params, s, err, errlen)) != 0)
		return rc;
	if (*s->node == '\0') {
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "unknown");
		host[sizeof host - 1] = '\0';
		free(s->node);
		s->node = xstrdup(host);
	}
	return 0;
}

void
settings_free(struct das_settings *s)
{
	cfg_free(settings_params, s);
}

struct influx *
settings_influx(const struct das_settings *s)
{
	struct influx_cfg	ic;
	long			tmo = (long)(s->timeout * 1000);

	memset(&ic, 0, sizeof ic);
	ic.url = s->influx_url;
	ic.database = s->database;
	ic.user = s->user;
	ic.password = s->password;
	ic.precision = "ns";
	ic.create_db = true;
	ic.connect_ms = tmo < 2000 ? tmo : 2000;
	ic.timeout_ms = tmo;
	return influx_new(&ic);
}

struct docker *
settings_docker(const struct das_settings *s)
{
	long	tmo = (long)(s->timeout * 1000);

	return docker_new(s->docker_socket, tmo < 2000 ? tmo : 2000, tmo);
}

void
settings_engine_cfg(const struct das_settings *s, struct engine_cfg *ec)
{
	memset(ec, 0, sizeof *ec);
	ec->node = s->node;
	ec->measurement = s->measurement;
	ec->event_measurement = s->event_measurement;
	ec->database = s->database;
	ec->sample_interval_ns = (int64_t)(s->ds_interval * 1e9);
	ec->dry_run = s->dry_run;
	ec->single = s->single;
	ec->lock_key = s->lock_key;
	ec->one_request = s->influx_requests == 1;
	ec->window_cache = s->window_cache;
	ec->cache_resync_ns = (int64_t)(s->cache_resync * 1e9);
	ec->runc_root = s->runc_root;
	ec->exec_timeout_ms = (long)(s->exec_timeout * 1000);
	ec->exec_cmds = &s->exec;
	ec->bundles = &s->bundle;
}
