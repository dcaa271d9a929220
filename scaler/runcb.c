/* runcb: scale a cluster of runc containers <cluster>_<n>. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "runcb.h"
#include "xmalloc.h"

#define RUNCB_PROC		"/proc"

/* What one pass over the root found for a cluster. */
struct runcb_scan {
	struct runcb_ctr	*ctrs;		/* readable, sorted by index */
	size_t			 n;
	int			*taken;		/* index of every member dir */
	size_t			 ntaken;
};

bool
runcb_valid_cluster(const char *c)
{
	return c != NULL && strlen(c) <= RUNCB_CLUSTER_MAX &&
	    strchr(c, '+') == NULL && runcstate_valid_id(c);
}

int
runcb_index(const char *id, const char *cluster)
{
	size_t	len;
	int	n;

	n = runcstate_split_id(id, &len);
	return n > 0 && len == strlen(cluster) &&
	    strncmp(id, cluster, len) == 0 ? n : -1;
}

static void
runcb_scan_free(struct runcb_scan *s)
{
	free(s->ctrs);
	free(s->taken);
	memset(s, 0, sizeof *s);
}

static int
runcb_ctr_cmp(const void *a, const void *b)
{
	const struct runcb_ctr	*x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Add the container id (index idx) when its state.json reads. */
static void
runcb_scan_one(struct runcb_scan *s, const char *root, const char *id,
    int idx)
{
	struct runcstate	 st;
	struct runcb_ctr	*c;
	char			 err[512];
	int			 rc;

	s->taken = xreallocarray(s->taken, s->ntaken + 1, sizeof *s->taken);
	s->taken[s->ntaken++] = idx;
	if ((rc = runcstate_read(root, id, &st, err, sizeof err)) != 0) {
		/* ENOENT: runc is creating it, or died doing so */
		if (rc != -ENOENT)
			log_warnx("runc container %s: %s; leaving it alone",
			    id, err);
		return;
	}
	s->ctrs = xreallocarray(s->ctrs, s->n + 1, sizeof *s->ctrs);
	c = &s->ctrs[s->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", id);
	c->index = idx;
	c->status = runcstate_status(&st, root, RUNCB_PROC);
	c->created_ns = st.created_ns;
	runcstate_clear(&st);
}

/* Read every member of cluster under root. 0 or -errno with err. */
static int
runcb_scan(const char *root, const char *cluster, struct runcb_scan *s,
    char *err, size_t errlen)
{
	struct dirent	*d;
	DIR		*dir;
	int		 idx, rc;

	memset(s, 0, sizeof *s);
	if (root == NULL || *root == '\0' || !runcb_valid_cluster(cluster)) {
		snprintf(err, errlen, "runc: %s", root == NULL ||
		    *root == '\0' ? "runc_root is empty" :
		    "cluster name is not valid");
		return -EINVAL;
	}
	if ((dir = opendir(root)) == NULL) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		snprintf(err, errlen, "runc root %s: %s", root,
		    strerror(errno));
		return rc;
	}
	while ((d = readdir(dir)) != NULL) {
		if ((idx = runcb_index(d->d_name, cluster)) > 0)
			runcb_scan_one(s, root, d->d_name, idx);
	}
	closedir(dir);
	if (s->n > 1)
		qsort(s->ctrs, s->n, sizeof *s->ctrs, runcb_ctr_cmp);
	return 0;
}

static int
runcb_count_running(const struct runcb_scan *s)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < s->n; i++)
		n += s->ctrs[i].status == RUNCSTATE_RUNNING;
	return n;
}

int
runcb_observe(const char *root, const char *cluster, int *running,
    int *stopped, char *err, size_t errlen)
{
	struct runcb_scan	s;
	size_t			i;
	int			rc;

	*running = -1;
	if ((rc = runcb_scan(root, cluster, &s, err, errlen)) != 0)
		return rc;
	*running = runcb_count_running(&s);
	for (i = 0; stopped != NULL && i < s.n; i++)
		*stopped += s.ctrs[i].status == RUNCSTATE_STOPPED;
	runcb_scan_free(&s);
	return 0;
}

/* The lowest n >= 1 no member directory uses; it is then marked taken. */
static int
runcb_next_free(struct runcb_scan *s)
{
	size_t	i;
	int	n;

	for (n = 1;; n++) {
		for (i = 0; i < s->ntaken && s->taken[i] != n; i++)
			;
		if (i == s->ntaken)
			break;
	}
	s->taken = xreallocarray(s->taken, s->ntaken + 1, sizeof *s->taken);
	s->taken[s->ntaken++] = n;
	return n;
}

/* runc run -d; a failed run's leftovers are deleted. 0 or -errno. */
static int
runcb_start(const char *root, const char *bundle, const char *id,
    long timeout_ms, char *err, size_t errlen)
{
	const char	*run[] = { "run", "-d", "--bundle", bundle, id, NULL };
	const char	*del[] = { "delete", "--force", id, NULL };
	char		 ignored[256];
	int		 rc;

	if ((rc = runcb_runc(root, run, timeout_ms, err, errlen)) != 0 &&
	    runcb_runc(root, del, timeout_ms, ignored, sizeof ignored) != 0)
		log_debug("%s (after a failed run)", ignored);
	return rc;
}

/* runc kill KILL, then delete --force (which alone decides). */
static int
runcb_remove(const char *root, const char *id, long timeout_ms, char *err,
    size_t errlen)
{
	const char	*kill[] = { "kill", id, "KILL", NULL };
	const char	*del[] = { "delete", "--force", id, NULL };

	if (runcb_runc(root, kill, timeout_ms, err, errlen) != 0)
		log_debug("%s; deleting it anyway", err);
	return runcb_runc(root, del, timeout_ms, err, errlen);
}

/* Newest first: latest created, then highest index. */
static int
runcb_newest_cmp(const void *a, const void *b)
{
	const struct runcb_ctr	*x = *(struct runcb_ctr *const *)a;
	const struct runcb_ctr	*y = *(struct runcb_ctr *const *)b;

	if (x->created_ns != y->created_ns)
		return x->created_ns < y->created_ns ? 1 : -1;
	return (x->index < y->index) - (x->index > y->index);
}

static void
runcb_note(struct buf *detail, const char *verb, const char *id)
{
	if (detail->len == 0 || strncmp(detail->data, verb, strlen(verb)) != 0)
		buf_printf(detail, "%s%s %s", detail->len ? "; " : "", verb,
		    id);
	else
		buf_printf(detail, ", %s", id);
}

/* Start k containers at the lowest free indexes. */
static int
runcb_grow(struct runcb_scan *s, const char *root, const char *cluster,
    const char *bundle, int k, long timeout_ms, struct buf *detail,
    char *err, size_t errlen)
{
	char	id[RUNCSTATE_ID_MAX + 1];
	int	rc;

	for (; k > 0; k--) {
		snprintf(id, sizeof id, "%s_%d", cluster, runcb_next_free(s));
		if ((rc = runcb_start(root, bundle, id, timeout_ms, err,
		    errlen)) != 0)
			return rc;
		runcb_note(detail, "started", id);
	}
	return 0;
}

/* Remove the k newest running containers. */
static int
runcb_shrink(struct runcb_scan *s, const char *root, int k, long timeout_ms,
    struct buf *detail, char *err, size_t errlen)
{
	struct runcb_ctr	**run;
	size_t			  i, n = 0;
	int			  rc = 0;

	run = xcalloc(s->n + 1, sizeof *run);
	for (i = 0; i < s->n; i++) {
		if (s->ctrs[i].status == RUNCSTATE_RUNNING)
			run[n++] = &s->ctrs[i];
	}
	qsort(run, n, sizeof *run, runcb_newest_cmp);
	for (i = 0; i < n && k > 0 && rc == 0; i++, k--) {
		if ((rc = runcb_remove(root, run[i]->id, timeout_ms, err,
		    errlen)) == 0)
			runcb_note(detail, "removed", run[i]->id);
	}
	free(run);
	return rc;
}

int
runcb_scale(const char *root, const char *cluster, const char *bundle,
    int to, long timeout_ms, struct buf *detail, char *err, size_t errlen)
{
	struct runcb_scan	s;
	int			rc, running;

	if (bundle == NULL || bundle[0] != '/' || to < 0) {
		snprintf(err, errlen, "runc cluster %s: %s", cluster,
		    to < 0 ? "negative replica count" :
		    "the bundle is not an absolute path");
		return -EINVAL;
	}
	if ((rc = runcb_scan(root, cluster, &s, err, errlen)) != 0)
		return rc;
	running = runcb_count_running(&s);
	if (to > running)
		rc = runcb_grow(&s, root, cluster, bundle, to - running,
		    timeout_ms, detail, err, errlen);
	else if (to < running)
		rc = runcb_shrink(&s, root, running - to, timeout_ms, detail,
		    err, errlen);
	runcb_scan_free(&s);
	return rc;
}

/* Delete one stopped container and run it again from bundle. */
static int
runcb_replace(const char *root, const char *bundle, const char *id,
    long timeout_ms, char *err, size_t errlen)
{
	const char	*del[] = { "delete", "--force", id, NULL };
	int		 rc;

	if ((rc = runcb_runc(root, del, timeout_ms, err, errlen)) != 0)
		return rc;
	return runcb_start(root, bundle, id, timeout_ms, err, errlen);
}

int
runcb_replace_dead(const char *root, const char *cluster, const char *bundle,
    long timeout_ms, const struct runcb_replace_cb *cb, int *replaced,
    char *err, size_t errlen)
{
	struct runcb_scan	 s;
	char			 one[512];
	size_t			 i;
	int			 rc, first = 0, running;

	*replaced = 0;
	if (bundle == NULL || bundle[0] != '/') {
		snprintf(err, errlen, "runc cluster %s: the bundle is not an "
		    "absolute path", cluster);
		return -EINVAL;
	}
	if ((rc = runcb_scan(root, cluster, &s, err, errlen)) != 0)
		return rc;
	running = runcb_count_running(&s);
	for (i = 0; i < s.n; i++) {
		if (s.ctrs[i].status != RUNCSTATE_STOPPED)
			continue;
		rc = runcb_replace(root, bundle, s.ctrs[i].id, timeout_ms, one,
		    sizeof one);
		if (cb != NULL && cb->fn != NULL)
			cb->fn(cb->arg, &s.ctrs[i], running, rc,
			    rc != 0 ? one : NULL);
		if (rc == 0) {
			(*replaced)++;
			running++;
		} else if (first == 0) {
			first = rc;
			snprintf(err, errlen, "%s", one);
		}
	}
	runcb_scan_free(&s);
	return first;
}
