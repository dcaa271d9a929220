/* runcdisc: running runc containers from runc's state directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "runcdisc.h"
#include "runcstate.h"
#include "xmalloc.h"

enum rd_state {
	RD_LIVE,	/* running (or paused): listed */
	RD_CREATED,	/* init waits for `runc start`: not yet listed */
	RD_DEAD,	/* stopped, or its state.json is unusable */
};

struct rd_ent {
	char		*id;
	char		*cluster;
	pid_t		 pid;
	uint64_t	 start;		/* its start time (recycled pids) */
	int		 pidfd;		/* -1: liveness read from proc_root */
	enum rd_state	 state;
	struct stat	 sb;		/* of state.json when it was read */
	bool		 seen;		/* in this scan's readdir */
};

struct runcdisc {
	char			 *root;
	char			 *proc_root;
	bool			  use_pidfd;
	struct rd_ent		**ents;		/* sorted by id */
	size_t			  nents;
	struct runcdisc_item	 *items;
	size_t			  nitems;
};

struct runcdisc *
runcdisc_new(const char *root, const char *proc_root)
{
	struct runcdisc	*rd;

	rd = xcalloc(1, sizeof *rd);
	rd->root = xstrdup(root);
	rd->proc_root = xstrdup(proc_root);
	/* pids in state.json are the host's; a pidfd needs ours to match */
	rd->use_pidfd = strcmp(proc_root, "/proc") == 0;
	return rd;
}

static void
rd_ent_reset(struct rd_ent *e)
{
	if (e->pidfd >= 0)
		close(e->pidfd);
	e->pidfd = -1;
	e->state = RD_DEAD;
}

static void
rd_ent_free(struct rd_ent *e)
{
	if (e == NULL)
		return;
	rd_ent_reset(e);
	free(e->id);
	free(e->cluster);
	free(e);
}

void
runcdisc_free(struct runcdisc *rd)
{
	size_t	i;

	if (rd == NULL)
		return;
	for (i = 0; i < rd->nents; i++)
		rd_ent_free(rd->ents[i]);
	free(rd->ents);
	free(rd->items);
	free(rd->root);
	free(rd->proc_root);
	free(rd);
}

static int
rd_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Mark the containers whose init process ended: one poll() over every
 * pidfd (readable once the process has exited), a /proc read for those
 * without one.
 */
static void
rd_reap(struct runcdisc *rd)
{
	struct pollfd	 *pf;
	struct rd_ent	**who;
	struct runcstate  st;
	size_t		  i, k = 0;

	pf = xcalloc(rd->nents + 1, sizeof *pf);
	who = xcalloc(rd->nents + 1, sizeof *who);
	for (i = 0; i < rd->nents; i++) {
		if (rd->ents[i]->state == RD_DEAD)
			continue;
		if (rd->ents[i]->pidfd >= 0) {
			pf[k].fd = rd->ents[i]->pidfd;
			pf[k].events = POLLIN;
			who[k++] = rd->ents[i];
			continue;
		}
		memset(&st, 0, sizeof st);
		st.pid = rd->ents[i]->pid;
		st.start = rd->ents[i]->start;
		if (!runcstate_alive(&st, rd->proc_root))
			rd_ent_reset(rd->ents[i]);
	}
	if (k > 0 && poll(pf, k, 0) > 0) {
		for (i = 0; i < k; i++) {
			if (pf[i].revents != 0) {
				log_debug("runc container %s: init process "
				    "%d ended", who[i]->id, (int)who[i]->pid);
				rd_ent_reset(who[i]);
			}
		}
	}
	free(pf);
	free(who);
}

/* Whether <id>/<file> exists under the root (dfd). */
static bool
rd_has(int dfd, const char *id, const char *file, struct stat *sb)
{
	char		path[RUNCSTATE_ID_MAX + 32];
	struct stat	tmp;

	snprintf(path, sizeof path, "%s/%s", id, file);
	return fstatat(dfd, path, sb != NULL ? sb : &tmp, 0) == 0;
}

/*
 * (Re)read e's state.json and tell whether its init process lives. The
 * pidfd is opened before the start time is checked, so it cannot belong
 * to a process that took over a recycled pid.
 */
static void
rd_load(struct runcdisc *rd, int dfd, struct rd_ent *e)
{
	struct runcstate	st;
	char			err[512];
	int			rc;

	rd_ent_reset(e);
	if ((rc = runcstate_read(rd->root, e->id, &st, err, sizeof err)) != 0) {
		if (rc != -ENOENT)
			log_warnx("runc container %s: %s; not collected until "
			    "the file changes", e->id, err);
		return;
	}
	e->pid = st.pid;
	e->start = st.start;
	if (rd->use_pidfd)
		e->pidfd = rd_pidfd_open(st.pid);
	if (!runcstate_alive(&st, rd->proc_root)) {
		rd_ent_reset(e);
		log_debug("runc container %s: stopped", e->id);
	} else {
		e->state = rd_has(dfd, e->id, "exec.fifo", NULL) ? RD_CREATED :
		    RD_LIVE;
		log_debug("runc container %s: init pid %d, %s", e->id,
		    (int)e->pid, e->state == RD_LIVE ? "running" : "created");
	}
	runcstate_clear(&st);
}

static int
rd_ent_key_cmp(const void *key, const void *b)
{
	return strcmp(key, (*(struct rd_ent *const *)b)->id);
}

static int
rd_ent_cmp(const void *a, const void *b)
{
	return strcmp((*(struct rd_ent *const *)a)->id,
	    (*(struct rd_ent *const *)b)->id);
}

/* Bring the entry of directory name up to date; new ones are appended. */
static void
rd_visit(struct runcdisc *rd, int dfd, const char *name, size_t nold)
{
	struct rd_ent	**found, *e;
	struct stat	  sb;
	size_t		  len;

	found = nold == 0 ? NULL : bsearch(name, rd->ents, nold,
	    sizeof *rd->ents, rd_ent_key_cmp);
	if (found == NULL) {
		if (!rd_has(dfd, name, "state.json", &sb))
			return;		/* runc is creating it */
		e = xcalloc(1, sizeof *e);
		e->id = xstrdup(name);
		(void)runcstate_split_id(name, &len);
		e->cluster = xstrndup(name, len);
		e->pidfd = -1;
		e->state = RD_DEAD;
		rd->ents = xreallocarray(rd->ents, rd->nents + 1,
		    sizeof *rd->ents);
		rd->ents[rd->nents++] = e;
	} else if ((e = *found)->state == RD_CREATED) {
		if (!rd_has(dfd, name, "exec.fifo", NULL))
			e->state = RD_LIVE;
		e->seen = true;
		return;
	} else if (e->state == RD_LIVE ||
	    !rd_has(dfd, name, "state.json", &sb) ||
	    (sb.st_ino == e->sb.st_ino && sb.st_dev == e->sb.st_dev &&
	    sb.st_mtim.tv_sec == e->sb.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == e->sb.st_mtim.tv_nsec)) {
		e->seen = true;		/* unchanged */
		return;
	}
	e->seen = true;
	e->sb = sb;
	rd_load(rd, dfd, e);
}

/* Drop entries whose directory is gone; sort; list the live ones. */
static void
rd_finish(struct runcdisc *rd)
{
	size_t	i, n = 0;

	for (i = 0; i < rd->nents; i++) {
		if (rd->ents[i]->seen)
			rd->ents[n++] = rd->ents[i];
		else {
			log_debug("runc container %s: gone", rd->ents[i]->id);
			rd_ent_free(rd->ents[i]);
		}
	}
	rd->nents = n;
	if (n > 1)
		qsort(rd->ents, n, sizeof *rd->ents, rd_ent_cmp);
	free(rd->items);
	rd->items = xcalloc(rd->nents + 1, sizeof *rd->items);
	rd->nitems = 0;
	for (i = 0; i < rd->nents; i++) {
		if (rd->ents[i]->state != RD_LIVE)
			continue;
		rd->items[rd->nitems].id = rd->ents[i]->id;
		rd->items[rd->nitems].cluster = rd->ents[i]->cluster;
		rd->items[rd->nitems++].pid = rd->ents[i]->pid;
	}
}

int
runcdisc_scan(struct runcdisc *rd, const struct runcdisc_item **items,
    size_t *n, char *err, size_t errlen)
{
	struct dirent	*d;
	DIR		*dir;
	size_t		 i, nold = rd->nents;
	int		 rc;

	*items = NULL;
	*n = 0;
	if ((dir = opendir(rd->root)) == NULL && errno != ENOENT) {
		rc = -errno;
		snprintf(err, errlen, "runc root %s: %s", rd->root,
		    strerror(errno));
		return rc;
	}
	rd_reap(rd);
	for (i = 0; i < rd->nents; i++)
		rd->ents[i]->seen = false;
	while (dir != NULL && (d = readdir(dir)) != NULL) {
		if (runcstate_valid_id(d->d_name) && d->d_name[0] != '.')
			rd_visit(rd, dirfd(dir), d->d_name, nold);
	}
	if (dir != NULL)
		closedir(dir);
	rd_finish(rd);
	*items = rd->items;
	*n = rd->nitems;
	return 0;
}

size_t
runcdisc_nfds(const struct runcdisc *rd)
{
	size_t	i, n = 0;

	for (i = 0; i < rd->nents; i++)
		n += rd->ents[i]->pidfd >= 0;
	return n;
}
