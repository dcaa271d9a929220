/* collect: the ds cycle over the tracked containers. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cgroup.h"
#include "clock.h"
#include "collect.h"
#include "discover.h"
#include "docker.h"
#include "dwatch.h"
#include "log.h"
#include "lp.h"
#include "metrics.h"
#include "procfs.h"
#include "runcdisc.h"
#include "statsapi.h"
#include "xmalloc.h"

struct ctr {
	char			 id[65];	/* Docker's full id; runc: "" */
	char			*name;		/* container tag: short id, runc id */
	char			*service_id;
	char			*service_name;
	const char		*backend;	/* "docker" or "runc" */
	pid_t			 pid;
	struct cg		*cg;		/* NULL: stats API fallback */
	struct procfs_net	*net;
	struct cg_sample	 prev;
	uint64_t		 prev_sys;
	bool			 have_prev;
	bool			 seen;		/* listed this cycle */
};

struct collector {
	char			*node;
	char			*measurement;
	char			*proc_root;
	char			*sys_root;
	struct docker		*docker;
	struct dwatch		*watch;		/* NULL: no Docker */
	struct buf		 listing;	/* scratch: /containers/json */
	struct procfs_sys	*sys;
	uint64_t		 mem_total;
	unsigned		 online_cpus;
	struct ctr		**ctrs;		/* Docker's, sorted by id */
	size_t			 nctrs;
	struct runcdisc		*runc;		/* NULL: runc_root "" */
	struct ctr		**rctrs;	/* runc's, sorted by name */
	size_t			 nrctrs;
	struct collect_stats	 last;
};

struct collector *
collector_new(const struct collect_cfg *cfg, struct docker *docker)
{
	struct collector	*c;

	c = xcalloc(1, sizeof *c);
	c->node = xstrdup(cfg->node);
	c->measurement = xstrdup(cfg->measurement);
	c->proc_root = xstrdup(cfg->proc_root);
	c->sys_root = xstrdup(cfg->sys_root != NULL ? cfg->sys_root : "");
	c->docker = docker;
	if (docker != NULL)
		c->watch = dwatch_new(docker_socket(docker));
	buf_init(&c->listing);
	c->sys = procfs_sys_open(c->proc_root);
	if (c->sys == NULL)
		log_warn("%s/stat: cannot open; cpu_ratio will be missing",
		    c->proc_root);
	if (procfs_mem_total(c->proc_root, &c->mem_total) != 0)
		c->mem_total = 0;
	c->online_cpus = procfs_online_cpus();
	if (cfg->runc_root != NULL && *cfg->runc_root != '\0')
		c->runc = runcdisc_new(cfg->runc_root, c->proc_root);
	return c;
}

static void
ctr_free(struct ctr *e)
{
	if (e == NULL)
		return;
	cg_free(e->cg);
	procfs_net_free(e->net);
	free(e->name);
	free(e->service_id);
	free(e->service_name);
	free(e);
}

void
collector_free(struct collector *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nctrs; i++)
		ctr_free(c->ctrs[i]);
	free(c->ctrs);
	for (i = 0; i < c->nrctrs; i++)
		ctr_free(c->rctrs[i]);
	free(c->rctrs);
	runcdisc_free(c->runc);
	dwatch_free(c->watch);
	buf_free(&c->listing);
	procfs_sys_free(c->sys);
	free(c->node);
	free(c->measurement);
	free(c->proc_root);
	free(c->sys_root);
	free(c);
}

static int
ctr_cmp(const void *a, const void *b)
{
	return strcmp((*(struct ctr *const *)a)->id,
	    (*(struct ctr *const *)b)->id);
}

static int
ctr_key_cmp(const void *key, const void *b)
{
	return strcmp(key, (*(struct ctr *const *)b)->id);
}

static int
ctr_name_key_cmp(const void *key, const void *b)
{
	return strcmp(key, (*(struct ctr *const *)b)->name);
}

/*
 * Open a new entry's cgroup and net files from its pid. mountinfo is
 * read once per cycle, and only when a container is new. false with err
 * filled when the cgroup is unreadable.
 */
static bool
ctr_open(struct collector *c, struct ctr *e, struct cg_mounts **mounts,
    char *err, size_t errlen)
{
	if (*mounts == NULL)
		*mounts = cg_mounts_load(c->proc_root, c->sys_root, err,
		    errlen);
	if (*mounts != NULL)
		e->cg = cg_open_mounts(*mounts, c->proc_root, e->pid, err,
		    errlen);
	e->net = procfs_net_open(c->proc_root, e->pid);
	return e->cg != NULL;
}

/*
 * Make the entry of a container seen for the first time: its pid, its
 * cgroup and net files. A container whose cgroup cannot be read is still
 * tracked, through the stats API. Returns NULL when it is already gone.
 */
static struct ctr *
ctr_new(struct collector *c, const struct discover_item *it,
    struct cg_mounts **mounts)
{
	struct ctr	*e;
	char		 err[512];
	bool		 files;

	e = xcalloc(1, sizeof *e);
	memcpy(e->id, it->id, sizeof e->id);
	e->name = xstrndup(it->id, 12);
	e->service_id = it->service_id ? xstrdup(it->service_id) : NULL;
	e->service_name = it->service_name ? xstrdup(it->service_name) : NULL;
	e->backend = "docker";
	if (discover_pid(c->docker, it->id, &e->pid, err, sizeof err) != 0) {
		log_debug("container %s: %s; skipping it this cycle",
		    e->name, err);
		ctr_free(e);
		return NULL;
	}
	files = ctr_open(c, e, mounts, err, sizeof err);
	if (!files) {
		log_warnx("container %s (%s): cgroup files unreadable: %s; "
		    "reading it through the Engine stats API instead (slow)",
		    e->name, it->name, err);
	}
	log_debug("container %s (%s): tracking, pid %d, %s", e->name,
	    it->name, (int)e->pid, files ? "from its cgroup and /proc files" :
	    "through the Engine stats API");
	return e;
}

/*
 * Bring the entries in line with the listed containers: keep those still
 * running, make entries for new ones, release the rest.
 */
static void
collector_sync(struct collector *c, const struct discover_list *list,
    struct cg_mounts **mounts)
{
	struct ctr	**next, **found;
	size_t		  i, n = 0;

	next = xcalloc(list->n + 1, sizeof *next);
	for (i = 0; i < c->nctrs; i++)
		c->ctrs[i]->seen = false;
	for (i = 0; i < list->n; i++) {
		found = c->nctrs == 0 ? NULL : bsearch(list->items[i].id,
		    c->ctrs, c->nctrs, sizeof *c->ctrs, ctr_key_cmp);
		if (found != NULL) {
			if (!(*found)->seen)
				next[n++] = *found;
			(*found)->seen = true;
		} else if ((next[n] = ctr_new(c, &list->items[i], mounts)) !=
		    NULL) {
			next[n++]->seen = true;
			c->last.added++;
		}
	}
	for (i = 0; i < c->nctrs; i++) {
		if (!c->ctrs[i]->seen) {
			log_debug("container %s: gone; released",
			    c->ctrs[i]->name);
			ctr_free(c->ctrs[i]);
			c->last.removed++;
		}
	}
	free(c->ctrs);
	qsort(next, n, sizeof *next, ctr_cmp);
	c->ctrs = next;
	c->nctrs = n;
}

/*
 * The entry of a runc container seen for the first time (or again with
 * another init process: replaced under the same id). There is no Engine
 * to fall back on: a container whose cgroup is unreadable is tracked
 * without points, said once.
 */
static struct ctr *
ctr_new_runc(struct collector *c, const struct runcdisc_item *it,
    struct cg_mounts **mounts)
{
	struct ctr	*e;
	char		 err[512];

	e = xcalloc(1, sizeof *e);
	e->name = xstrdup(it->id);
	e->service_name = xstrdup(it->cluster);
	e->backend = "runc";
	e->pid = it->pid;
	if (!ctr_open(c, e, mounts, err, sizeof err))
		log_warnx("runc container %s: cgroup files unreadable: %s; "
		    "no points for it", e->name, err);
	log_debug("runc container %s (cluster %s): tracking, pid %d",
	    e->name, e->service_name, (int)e->pid);
	return e;
}

/*
 * The runc entries after a scan (items sorted by id). A runc id the
 * Engine lists is Docker's own container (runc_root pointed at Docker's
 * runc root): it is collected once, as Docker's.
 */
static void
collector_sync_runc(struct collector *c, const struct runcdisc_item *items,
    size_t nitems, struct cg_mounts **mounts)
{
	struct ctr	**next, **found;
	size_t		  i, n = 0;

	next = xcalloc(nitems + 1, sizeof *next);
	for (i = 0; i < c->nrctrs; i++)
		c->rctrs[i]->seen = false;
	for (i = 0; i < nitems; i++) {
		if (c->nctrs > 0 && bsearch(items[i].id, c->ctrs, c->nctrs,
		    sizeof *c->ctrs, ctr_key_cmp) != NULL)
			continue;
		found = c->nrctrs == 0 ? NULL : bsearch(items[i].id, c->rctrs,
		    c->nrctrs, sizeof *c->rctrs, ctr_name_key_cmp);
		if (found != NULL && (*found)->pid == items[i].pid) {
			next[n++] = *found;
			(*found)->seen = true;
		} else {
			next[n] = ctr_new_runc(c, &items[i], mounts);
			next[n++]->seen = true;
			c->last.added++;
		}
	}
	for (i = 0; i < c->nrctrs; i++) {
		if (!c->rctrs[i]->seen) {
			log_debug("runc container %s: gone; released",
			    c->rctrs[i]->name);
			ctr_free(c->rctrs[i]);
			c->last.removed++;
		}
	}
	free(c->rctrs);
	c->rctrs = next;
	c->nrctrs = n;
}

/* Read one container through the stats API (fallback). 0 or -errno. */
static int
ctr_read_api(struct collector *c, struct ctr *e, struct cg_sample *s,
    uint64_t *sys, unsigned *ncpu, uint64_t *rx, uint64_t *tx)
{
	struct statsapi_sample	sa;
	char			err[512];
	int			rc;

	rc = statsapi_read(c->docker, e->id, &sa, err, sizeof err);
	if (rc != 0) {
		log_warnx("container %s: %s; no point this cycle", e->name,
		    err);
		return rc;
	}
	*s = sa.cg;
	*sys = sa.sys_ns;
	*ncpu = sa.online_cpus;
	*rx = sa.net_rx;
	*tx = sa.net_tx;
	c->last.api_fallback++;
	return 0;
}

/* Read one container from its files. 0 or -errno (gone). */
static int
ctr_read_files(struct collector *c, struct ctr *e, struct cg_sample *s,
    uint64_t sys_now, uint64_t *sys, unsigned *ncpu, uint64_t *rx,
    uint64_t *tx)
{
	int	rc;

	rc = cg_read(e->cg, s);
	if (rc != 0)
		return rc;
	*sys = sys_now;
	*ncpu = s->ncpu_percpu != 0 ? s->ncpu_percpu : c->online_cpus;
	*rx = *tx = 0;
	if (e->net != NULL && procfs_net_read(e->net, rx, tx) != 0)
		*rx = *tx = 0;
	return 0;
}

static void
ctr_point(struct collector *c, struct ctr *e, const struct metrics *m,
    int64_t ts, struct buf *out)
{
	struct lp_point	pt;

	lp_begin(&pt, out, c->measurement);
	lp_tag(&pt, "backend", e->backend);
	lp_tag(&pt, "container", e->name);
	lp_tag(&pt, "node", c->node);
	lp_tag(&pt, "service", e->service_id);
	lp_tag(&pt, "service_name", e->service_name);
	if (m->cpu_valid)
		lp_field_float(&pt, "cpu_ratio", m->cpu_ratio);
	lp_field_int(&pt, "mem_usage", (int64_t)m->mem_usage);
	lp_field_int(&pt, "mem_limit", (int64_t)m->mem_limit);
	lp_field_float(&pt, "mem_ratio", m->mem_ratio);
	lp_field_int(&pt, "net_read", (int64_t)m->net_read);
	lp_field_int(&pt, "net_write", (int64_t)m->net_write);
	lp_field_int(&pt, "blk_read", (int64_t)m->blk_read);
	lp_field_int(&pt, "blk_write", (int64_t)m->blk_write);
	if (!lp_end(&pt, ts))
		log_warnx("container %s: point had no field; skipped",
		    e->name);
}

/* Sample one container and append its point. false when it is gone. */
static bool
ctr_sample(struct collector *c, struct ctr *e, uint64_t sys_now, int64_t ts,
    struct buf *out)
{
	struct cg_sample	s;
	struct metrics		m;
	uint64_t		sys, rx, tx;
	unsigned		ncpu;
	int			rc;

	if (e->cg != NULL)
		rc = ctr_read_files(c, e, &s, sys_now, &sys, &ncpu, &rx, &tx);
	else if (e->id[0] != '\0')
		rc = ctr_read_api(c, e, &s, &sys, &ncpu, &rx, &tx);
	else
		return false;	/* runc, cgroup unreadable: said once */
	if (rc != 0) {
		log_debug("container %s: read failed (%s); it exited",
		    e->name, strerror(-rc));
		return false;
	}
	metrics_compute(e->have_prev ? &e->prev : NULL, &s, e->prev_sys, sys,
	    ncpu, c->mem_total, rx, tx, &m);
	e->prev = s;
	e->prev_sys = sys;
	e->have_prev = true;
	ctr_point(c, e, &m, ts, out);
	return true;
}

static int64_t
collector_ts(int64_t now_ns, const char *precision)
{
	if (strcmp(precision, "ns") == 0)
		return now_ns;
	if (strcmp(precision, "u") == 0)
		return now_ns / 1000;
	if (strcmp(precision, "ms") == 0)
		return now_ns / 1000000;
	return now_ns / 1000000000;
}

/*
 * Docker's containers into the entries; false when the Engine failed.
 * Listed only when the events watch says something may have changed
 * (dwatch.h): otherwise the entries stand as they are.
 */
static bool
collector_docker(struct collector *c, struct cg_mounts **mounts, int *rc)
{
	struct discover_list	list;
	char			err[512];
	int64_t			now = monotonic_ms();

	if (c->docker == NULL)
		return true;	/* docker_socket "": a runc-only node */
	if (!dwatch_should_list(c->watch, now))
		return true;
	*rc = discover_docker(c->docker, &c->listing, &list, err, sizeof err);
	dwatch_listed(c->watch, now, *rc == 0);
	c->last.listed = true;
	if (*rc != 0) {
		log_warnx("%s; keeping %zu known containers, trying again "
		    "next cycle", err, c->nctrs);
		return false;
	}
	collector_sync(c, &list, mounts);
	discover_list_free(&list);
	return true;
}

/* runc's containers into the entries; false when off or failed. */
static bool
collector_runc(struct collector *c, struct cg_mounts **mounts, int *rc)
{
	const struct runcdisc_item	*items;
	char				 err[512];
	size_t				 n;

	if (c->runc == NULL)
		return false;
	if ((*rc = runcdisc_scan(c->runc, &items, &n, err, sizeof err)) != 0) {
		log_warnx("%s; keeping %zu known runc containers, trying "
		    "again next cycle", err, c->nrctrs);
		return false;
	}
	collector_sync_runc(c, items, n, mounts);
	return true;
}

/*
 * Sample the entries. forget_limits: their memory limits may have
 * changed and are read again (cg_forget_limit).
 */
static void
collector_sample(struct collector *c, struct ctr **v, size_t n,
    uint64_t sys_now, int64_t ts, bool forget_limits, struct buf *out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (forget_limits && v[i]->cg != NULL)
			cg_forget_limit(v[i]->cg);
		if (ctr_sample(c, v[i], sys_now, ts, out))
			c->last.points++;
	}
}

int
collector_cycle(struct collector *c, int64_t now_ns, const char *precision,
    struct buf *out)
{
	struct cg_mounts	*mounts = NULL;
	uint64_t		 sys_now = 0;
	int64_t			 ts = collector_ts(now_ns, precision);
	int			 rc_docker = 0, rc_runc = 0;
	bool			 docker_ok, runc_ok;

	c->last.added = c->last.removed = 0;
	c->last.listed = false;
	docker_ok = collector_docker(c, &mounts, &rc_docker);
	runc_ok = collector_runc(c, &mounts, &rc_runc);
	cg_mounts_free(mounts);
	if (!docker_ok && !runc_ok)
		return rc_docker != 0 ? rc_docker : rc_runc;
	if (c->sys == NULL || procfs_sys_read(c->sys, &sys_now) != 0)
		sys_now = 0;
	c->last.points = c->last.api_fallback = 0;
	/*
	 * A docker update is an event, so a Docker container's limit is
	 * read again on the cycles that list; runc has no events to tell.
	 */
	if (docker_ok)
		collector_sample(c, c->ctrs, c->nctrs, sys_now, ts,
		    c->last.listed, out);
	if (runc_ok)
		collector_sample(c, c->rctrs, c->nrctrs, sys_now, ts, true,
		    out);
	return (int)c->last.points;
}

void
collector_stats(const struct collector *c, struct collect_stats *st)
{
	const struct ctr	*e;
	size_t			 i;

	*st = c->last;
	st->containers = c->nctrs + c->nrctrs;
	st->open_fds = 0;
	for (i = 0; i < c->nctrs + c->nrctrs; i++) {
		e = i < c->nctrs ? c->ctrs[i] : c->rctrs[i - c->nctrs];
		if (e->cg != NULL)
			st->open_fds += (size_t)cg_nfds(e->cg);
		if (e->net != NULL)
			st->open_fds++;
	}
	if (c->runc != NULL)
		st->open_fds += runcdisc_nfds(c->runc);
}
