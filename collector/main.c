/*
 * ds — the das collector.
 *
 * Every interval: list this node's containers (Docker's through the Engine
 * API, runc's from its state directory), read their cgroup and /proc
 * files, compute docker-stats figures and write one point per container
 * to InfluxDB through a bounded, retrying queue. The
 * writes run beside the interval timer on the same libevent loop (one at a
 * time, lib/httpev.h): an InfluxDB that is slow, stuck or wrong delays
 * delivery, never a sample.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "clock.h"
#include "collect.h"
#include "docker.h"
#include "httpev.h"
#include "influx.h"
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "wq.h"
#include "xmalloc.h"

#define DS_DEFAULT_CONFIG	"/etc/das/ds.conf"

struct ds_settings {
	char		*influx_url;
	char		*database;
	char		*user;
	char		*password;
	char		*precision;
	bool		 gzip;
	bool		 create_database;
	char		*measurement;
	double		 interval;
	char		*docker_socket;
	char		*node;
	char		*proc_root;
	char		*runc_root;
	long long	 buffer_points;
	long long	 buffer_bytes;
	long long	 batch_bytes;
	double		 retry_min;
	double		 retry_max;
	double		 timeout;
	bool		 verbose;
};

#define S(m)	offsetof(struct ds_settings, m)
static const struct cfg_param ds_params[] = {
	{ "influx_url", CFG_STRING, S(influx_url), "http://127.0.0.1:8086",
	    0, 0, "InfluxDB base URL" },
	{ "database", CFG_STRING, S(database), "docker", 0, 0,
	    "InfluxDB database" },
	{ "user", CFG_STRING, S(user), "", 0, 0, "InfluxDB user (optional)" },
	{ "password", CFG_STRING, S(password), "", 0, 0,
	    "InfluxDB password (optional)" },
	{ "precision", CFG_STRING, S(precision), "ms", 0, 0,
	    "timestamp precision: s, ms, u or ns" },
	{ "gzip", CFG_BOOL, S(gzip), "false", 0, 0, "gzip write bodies" },
	{ "create_database", CFG_BOOL, S(create_database), "true", 0, 0,
	    "CREATE DATABASE when InfluxDB says it is missing" },
	{ "measurement", CFG_STRING, S(measurement), "docker", 0, 0,
	    "measurement name" },
	{ "interval", CFG_DOUBLE, S(interval), "10", 0.1, 86400,
	    "seconds between samples" },
	{ "docker_socket", CFG_STRING, S(docker_socket),
	    "/var/run/docker.sock", 0, 0,
	    "Docker Engine API socket (\"\" on a node without Docker)" },
	{ "node", CFG_STRING, S(node), "", 0, 0,
	    "node tag (default: the host name)" },
	{ "proc_root", CFG_STRING, S(proc_root), "/proc", 0, 0,
	    "where procfs is mounted (a host /proc inside a container)" },
	{ "runc_root", CFG_STRING, S(runc_root), "/run/runc", 0, 0,
	    "runc state directory (\"\" to ignore runc containers)" },
	{ "buffer_points", CFG_INT, S(buffer_points), "100000", 1, 1e9,
	    "most points held while InfluxDB is unreachable" },
	{ "buffer_bytes", CFG_INT, S(buffer_bytes), "33554432", 1024, 1e12,
	    "most bytes held while InfluxDB is unreachable" },
	{ "batch_bytes", CFG_INT, S(batch_bytes), "1048576", 1024, 1e9,
	    "largest single write request" },
	{ "retry_min", CFG_DOUBLE, S(retry_min), "1", 0.01, 3600,
	    "first retry delay in seconds (doubles each failure)" },
	{ "retry_max", CFG_DOUBLE, S(retry_max), "30", 0.01, 3600,
	    "longest retry delay in seconds" },
	{ "timeout", CFG_DOUBLE, S(timeout), "5", 0.1, 600,
	    "total timeout of one HTTP request, seconds" },
	{ "verbose", CFG_BOOL, S(verbose), "false", 0, 0, "debug logging" },
	{ NULL, 0, 0, NULL, 0, 0, NULL }
};
#undef S

struct ds {
	struct ds_settings	 set;
	/* the sources last said (ds_say_sources); SIZE_MAX: none yet */
	size_t			 said_files, said_api;
	struct opts		 opts;
	struct loop		*loop;
	struct httpev		*hv;		/* the writes, on loop */
	struct docker		*docker;
	struct influx		*influx;
	struct wq		*wq;
	struct collector	*col;
	struct buf		 lines;
	int			 stopping;
};

/*
 * Build settings: defaults, then the file (when one is named or the
 * default exists), then the command line. 0 or -errno with err filled;
 * on error set is left empty.
 */
static int
ds_settings_load(struct ds *ds, struct ds_settings *set, char *err,
    size_t errlen)
{
	char	host[HOST_NAME_MAX + 1];
	int	rc;

	if ((rc = opts_load(&ds->opts, ds_params, set, err, errlen)) != 0)
		return rc;
	if (strcmp(set->precision, "s") != 0 &&
	    strcmp(set->precision, "ms") != 0 &&
	    strcmp(set->precision, "u") != 0 &&
	    strcmp(set->precision, "ns") != 0) {
		snprintf(err, errlen, "precision: \"%s\" is not s, ms, u or "
		    "ns", set->precision);
		cfg_free(ds_params, set);
		return -EINVAL;
	}
	if (*set->node == '\0') {
		if (gethostname(host, sizeof host) != 0)
			snprintf(host, sizeof host, "unknown");
		host[sizeof host - 1] = '\0';
		free(set->node);
		set->node = xstrdup(host);
	}
	return 0;
}

/* End the write in flight, if any; its batch stays queued, unsent. */
static void
ds_cancel_write(struct ds *ds)
{
	if (ds->wq == NULL || !wq_busy(ds->wq))
		return;
	influx_write_cancel(ds->influx);
	wq_requeue(ds->wq);
}

/* (Re)make the clients from the settings; the queue keeps its points. */
static void
ds_apply(struct ds *ds)
{
	struct influx_cfg	ic;
	struct wq_cfg		wc;
	struct collect_cfg	cc;
	long			tmo = (long)(ds->set.timeout * 1000);

	log_set_level(ds->set.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	memset(&ic, 0, sizeof ic);
	ic.url = ds->set.influx_url;
	ic.database = ds->set.database;
	ic.user = ds->set.user;
	ic.password = ds->set.password;
	ic.precision = ds->set.precision;
	ic.gzip = ds->set.gzip;
	ic.create_db = ds->set.create_database;
	ic.connect_ms = tmo < 2000 ? tmo : 2000;
	ic.timeout_ms = tmo;
	ds_cancel_write(ds);
	influx_free(ds->influx);
	ds->influx = influx_new(&ic);
	wc.max_points = (size_t)ds->set.buffer_points;
	wc.max_bytes = (size_t)ds->set.buffer_bytes;
	wc.batch_bytes = (size_t)ds->set.batch_bytes;
	wc.backoff_min_ms = (long)(ds->set.retry_min * 1000);
	wc.backoff_max_ms = (long)(ds->set.retry_max * 1000);
	if (ds->wq == NULL)
		ds->wq = wq_new(&wc);
	else
		wq_set_cfg(ds->wq, &wc);
	collector_free(ds->col);
	docker_free(ds->docker);
	/* "": a node without Docker (runc containers only) */
	ds->docker = *ds->set.docker_socket == '\0' ? NULL :
	    docker_new(ds->set.docker_socket, ic.connect_ms, tmo);
	cc.node = ds->set.node;
	cc.measurement = ds->set.measurement;
	cc.proc_root = ds->set.proc_root;
	cc.sys_root = "";
	cc.runc_root = ds->set.runc_root;
	ds->col = collector_new(&cc, ds->docker);
}

static void	ds_retry_cb(void *);
static void	ds_sent_cb(void *, enum influx_result, const char *);

/*
 * Start the next write unless one is in flight or a backoff runs. It runs
 * beside the timer, so a stuck InfluxDB costs no sample; after a failure,
 * come back when the backoff ends rather than at the next tick.
 */
static void
ds_send(struct ds *ds)
{
	const char	*p;
	size_t		 n;
	long		 ms;

	if (wq_busy(ds->wq))
		return;
	if ((n = wq_take(ds->wq, monotonic_ms(), 0, &p)) > 0) {
		if (influx_write_start(ds->influx, ds->hv, p, n, ds_sent_cb,
		    ds) != 0)
			fatalx("InfluxDB write: one already runs");
		return;
	}
	if ((ms = wq_retry_in(ds->wq, monotonic_ms())) > 0)
		loop_once_after(ds->loop, ms, ds_retry_cb);
}

/* A write ended: the queue learns how, and the next one starts. */
static void
ds_sent_cb(void *arg, enum influx_result r, const char *err)
{
	struct ds	*ds = arg;

	(void)wq_done(ds->wq, r, err, monotonic_ms());
	ds_send(ds);
}

/* One collection: sample every container, queue the points, send. */
/*
 * Say, at info level, where the containers' figures come from, each time
 * that changes: the mounted cgroup and /proc files, or (slow, and a sign
 * of a missing mount or a private cgroup namespace) the Engine stats API.
 */
static void
ds_say_sources(struct ds *ds, const struct collect_stats *st)
{
	size_t	files = st->containers - st->api_fallback;

	if (files == ds->said_files && st->api_fallback == ds->said_api)
		return;
	ds->said_files = files;
	ds->said_api = st->api_fallback;
	log_info("reading %zu containers from their cgroup and /proc files, "
	    "%zu through the Engine stats API", files, st->api_fallback);
}

static int
ds_collect(struct ds *ds, bool push)
{
	struct collect_stats	st;
	int			n;

	buf_reset(&ds->lines);
	n = collector_cycle(ds->col, realtime_ns(), ds->set.precision,
	    &ds->lines);
	if (n > 0 && push)
		wq_push(ds->wq, ds->lines.data, ds->lines.len);
	collector_stats(ds->col, &st);
	ds_say_sources(ds, &st);
	log_debug("cycle: %zu containers (+%zu -%zu%s), %d points, %zu fds",
	    st.containers, st.added, st.removed, st.listed ? ", listed" : "",
	    n, st.open_fds);
	return n;
}

static void
ds_tick_cb(void *arg)
{
	struct ds	*ds = arg;

	(void)ds_collect(ds, true);
	ds_send(ds);
}

static void
ds_retry_cb(void *arg)
{
	ds_send(arg);
}

/* SIGHUP: read the config again; a bad one is reported and the old kept. */
static void
ds_reload(struct ds *ds)
{
	struct ds_settings	next;
	char			err[512];

	if (ds_settings_load(ds, &next, err, sizeof err) != 0) {
		log_warnx("reload: %s; keeping the running configuration",
		    err);
		return;
	}
	cfg_free(ds_params, &ds->set);
	ds->set = next;
	ds_apply(ds);
	loop_set_interval(ds->loop, ds->set.interval);
	ds_send(ds);
	log_info("reload: configuration %s applied; interval %.3g s, "
	    "InfluxDB %s database %s", ds->opts.config_path ? ds->opts.config_path :
	    "(defaults)", ds->set.interval, ds->set.influx_url,
	    ds->set.database);
}

static void
ds_signal_cb(int sig, void *arg)
{
	struct ds	*ds = arg;
	struct wq_stats	 st;

	if (sig == SIGHUP) {
		ds_reload(ds);
		return;
	}
	if (ds->stopping++ > 0) {
		log_info("second signal: exiting now");
		exit(1);
	}
	/* The flush is the loop's work, not the handler's: libevent calls us
	 * from the loop, so a blocking final write is fine here. A write in
	 * flight is ended and its batch sent again with the rest (InfluxDB
	 * keeps one point per series and time, so a batch it had already
	 * stored is not doubled). */
	ds_cancel_write(ds);
	(void)wq_flush(ds->wq, ds->influx, monotonic_ms(), 1);
	wq_stats(ds->wq, &st);
	log_info("signal %d: flushed; %zu points could not be delivered",
	    (int)sig, st.held_points);
	loop_stop(ds->loop);
}

/* --once: two reads an interval apart, a flush, exit status from it. */
static int
ds_once(struct ds *ds)
{
	struct timespec	ts;
	struct wq_stats	st;
	int		rc;

	/* The first read only primes the CPU counters. */
	if (ds_collect(ds, false) < 0)
		return 1;
	ts.tv_sec = (time_t)ds->set.interval;
	ts.tv_nsec = (long)((ds->set.interval - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	if (ds_collect(ds, true) < 0)
		return 1;
	rc = wq_flush(ds->wq, ds->influx, monotonic_ms(), 1);
	wq_stats(ds->wq, &st);
	log_info("once: %llu points written, %zu not delivered, %llu refused",
	    (unsigned long long)st.sent_points, st.held_points,
	    (unsigned long long)st.rejected_points);
	return rc == 0 ? 0 : 1;
}

static void
ds_usage(FILE *f)
{
	fprintf(f,
"usage: ds [-c FILE] [--influx URL] [--database NAME] [--interval SECONDS]\n"
"          [--once] [--docker-socket PATH] [-o KEY=VALUE] [-v]\n"
"\n"
"Collects per-container CPU, memory, network and block I/O figures from\n"
"cgroup and /proc files and writes them to InfluxDB (measurement \"docker\").\n"
"\n"
"  -c, --config FILE       settings file (default %s when it exists)\n"
"      --influx URL        InfluxDB base URL (influx_url)\n"
"      --database NAME     InfluxDB database (database)\n"
"      --interval SECONDS  seconds between samples (interval)\n"
"      --once              one sample (two reads an interval apart), flush,\n"
"                          exit non-zero when the points were not delivered\n"
"      --docker-socket P   Docker Engine API socket (docker_socket)\n"
"  -o  KEY=VALUE           any setting below; the command line wins\n"
"  -v, --verbose           debug logging\n"
"      --help, --version\n"
"\nSettings (file keys):\n", DS_DEFAULT_CONFIG);
	opts_print_table(ds_params, f);
}

#define DS_ONCE	0x1

static const struct opts_cli ds_cli[] = {
	{ "influx", true, "influx_url", NULL, 0 },
	{ "database", true, "database", NULL, 0 },
	{ "interval", true, "interval", NULL, 0 },
	{ "docker-socket", true, "docker_socket", NULL, 0 },
	{ "once", false, NULL, NULL, DS_ONCE },
	{ NULL, false, NULL, NULL, 0 }
};

static const struct opts_prog ds_prog = {
	"ds", DAS_VERSION, DS_DEFAULT_CONFIG, ds_cli, ds_usage, false
};

/*
 * Each container holds about seven fds (cgroup files, net/dev): raise the
 * soft limit to the hard one so a node with a thousand containers works.
 */
static void
ds_raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("raising the open files limit");
	}
}

static void
ds_cleanup(struct ds *ds)
{
	/* the write in flight lives on hv, which lives on the loop */
	influx_free(ds->influx);
	httpev_free(ds->hv);
	loop_free(ds->loop);
	collector_free(ds->col);
	docker_free(ds->docker);
	wq_free(ds->wq);
	buf_free(&ds->lines);
	cfg_free(ds_params, &ds->set);
	opts_free(&ds->opts);
}

int
main(int argc, char **argv)
{
	struct ds	ds;
	char		err[512];
	bool		once;
	unsigned	flags = 0;
	int		rc;

	memset(&ds, 0, sizeof ds);
	ds.said_files = ds.said_api = SIZE_MAX;
	buf_init(&ds.lines);
	log_init("ds", LOG_LEVEL_INFO);
	rc = opts_parse(&ds.opts, &ds_prog, argc, argv, &flags);
	if (rc >= 0)
		goto done;
	once = (flags & DS_ONCE) != 0;
	if (ds_settings_load(&ds, &ds.set, err, sizeof err) != 0) {
		log_error("%s; not starting", err);
		rc = 2;
		goto done;
	}
	ds_raise_nofile();
	ds_apply(&ds);
	log_info("ds %s: node %s, every %.3g s, InfluxDB %s database %s, "
	    "Docker %s", DAS_VERSION, ds.set.node, ds.set.interval,
	    ds.set.influx_url, ds.set.database, ds.set.docker_socket);
	if (once) {
		rc = ds_once(&ds);
		goto done;
	}
	ds.loop = loop_new(ds_tick_cb, ds_signal_cb, &ds);
	ds.hv = httpev_new(loop_base(ds.loop));
	loop_set_interval(ds.loop, ds.set.interval);
	ds_tick_cb(&ds);
	loop_run(ds.loop);
	rc = 0;
done:
	ds_cleanup(&ds);
	return rc;
}
