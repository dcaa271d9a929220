/*
 * runcb: the runc backend — a cluster of runc containers from one bundle,
 * what runc-scale promised ("runc scale up --target=/home/redis").
 *
 * A cluster is the containers named <cluster>_<n> (n = 1, 2, ..., no
 * leading zero) under a runc root (`runc --root`, das setting runc_root).
 * Their state is read from <root>/<id>/state.json (see runcstate.h), not
 * by running `runc list`; changes run runc itself, never a shell:
 *
 *   scale out   runc run -d --bundle B <cluster>_<n>, the lowest free n
 *   scale in    runc kill <id> KILL; runc delete --force <id>, the newest
 *               running container first (latest created, then highest n)
 *   replace     a stopped container (its init died): runc delete --force,
 *               then run again with the same id (microscaler's health
 *               manager)
 *
 * runc runs through proc.h's runner with stdin, stdout and stderr on
 * /dev/null (a detached container inherits them; it must hold neither
 * das's descriptors nor a pipe das waits on) and no other descriptor:
 * runc's error messages come back through `--log`, a memory file of
 * das's that runc opens by its /proc path. Each run is killed (its
 * process group) after timeout_ms.
 *
 * The replica count of a cluster is its number of running containers.
 */
#ifndef DAS_RUNCB_H
#define DAS_RUNCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "runcstate.h"

/* Room for "_<n>" after the cluster name in a runc id. */
#define RUNCB_CLUSTER_MAX	(RUNCSTATE_ID_MAX - 11)

/* A member of a cluster, as its state.json says. */
struct runcb_ctr {
	char			 id[RUNCSTATE_ID_MAX + 1];
	int			 index;		/* n of <cluster>_<n> */
	enum runcstate_status	 status;
	int64_t			 created_ns;	/* 0 when unknown */
};

/* 1 to RUNCB_CLUSTER_MAX of A-Z a-z 0-9 _ . - (not "." or ".."). */
bool	runcb_valid_cluster(const char *);

/*
 * The n of an id <cluster>_<n> (n >= 1, decimal without a leading zero,
 * at most RUNCSTATE_INDEX_MAX), or -1 when id is not a member of cluster.
 */
int	runcb_index(const char *id, const char *cluster);

/*
 * The number of running containers of cluster under root, and (stopped
 * not NULL) adds the number of stopped ones to *stopped. A root that does
 * not exist holds none. Members whose state.json cannot be read are left
 * out, as `runc list` does. 0 or -errno with err filled.
 */
int	runcb_observe(const char *root, const char *cluster, int *running,
	    int *stopped, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * Start or remove containers until `to` run (see above). detail receives
 * what was done ("started web_2, web_3"). 0, or -errno with err saying
 * which runc call failed and what it said; what was done before the
 * failure stays done and is in detail.
 */
int	runcb_scale(const char *root, const char *cluster, const char *bundle,
	    int to, long timeout_ms, struct buf *detail, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/*
 * Told about each stopped container replace_dead tried: how many ran just
 * before the attempt, and its outcome (rc 0, or -errno with err).
 */
struct runcb_replace_cb {
	void	(*fn)(void *arg, const struct runcb_ctr *dead, int running,
		    int rc, const char *err);
	void	*arg;
};

/*
 * Replace every stopped container of cluster by a new one with the same
 * id from bundle; *replaced counts the successes. cb (may be NULL) hears
 * of each attempt. 0, or the first failure's -errno with err filled.
 */
int	runcb_replace_dead(const char *root, const char *cluster,
	    const char *bundle, long timeout_ms,
	    const struct runcb_replace_cb *cb, int *replaced, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/*
 * Run `runc --root root ARGS...` (args NULL-terminated) as described
 * above. 0, -ECHILD (runc failed: err has its message), -ETIMEDOUT or
 * -errno (could not start runc).
 */
int	runcb_runc(const char *root, const char *const *args, long timeout_ms,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
