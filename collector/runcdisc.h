/*
 * runcdisc: which runc containers run on this node, from runc's state
 * directory (ds setting runc_root, /run/runc by default).
 *
 * A scan is one readdir of the root plus, for all known containers
 * together, one poll() of a pidfd per container (is its init process
 * still there?). A container's state.json is read only when it is new,
 * or when its init process died and the file changed since (replaced
 * under the same id). Stopped containers (dead init, not yet deleted)
 * and created ones (not yet started) are not listed: they have no
 * workload to measure. With a proc_root other than /proc (ds in a
 * container, the host's /proc mounted elsewhere) pids are of another
 * namespace: each scan then reads <proc_root>/<pid>/stat instead.
 *
 * Docker's own runc containers live under another root
 * (/run/docker/runtime-runc/moby, /run/containerd/runc/moby) and are
 * collected through the Engine API; the collector also skips any runc id
 * the Engine lists, so no container is counted twice.
 */
#ifndef DS_RUNCDISC_H
#define DS_RUNCDISC_H

#include <stddef.h>
#include <sys/types.h>

struct runcdisc_item {
	const char	*id;		/* runc id: the container tag */
	const char	*cluster;	/* id without "_<n>": service_name */
	pid_t		 pid;		/* init process, in proc_root's view */
};

struct runcdisc;

/* root and proc_root are copied. */
struct runcdisc	*runcdisc_new(const char *root, const char *proc_root);
void		 runcdisc_free(struct runcdisc *);

/*
 * List the running containers, sorted by id; *items is borrowed until
 * the next scan or runcdisc_free. A root that does not exist holds none.
 * 0, or -errno with err filled (the root cannot be read): *items is then
 * empty and the caller keeps what it knew.
 */
int	runcdisc_scan(struct runcdisc *, const struct runcdisc_item **items,
	    size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* Descriptors held (a pidfd per live container). */
size_t	runcdisc_nfds(const struct runcdisc *);

#endif
