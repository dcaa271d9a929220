/*
 * collect: one ds collection cycle — discover (Docker and runc), read,
 * compute, format.
 *
 * The collector keeps one entry per running container: its cgroup and
 * /proc/<pid>/net/dev file descriptors and its previous sample, so each
 * cycle is a handful of pread() calls per container. An entry is made the
 * cycle a container first appears and released (fds closed) the cycle it
 * is gone.
 */
#ifndef DS_COLLECT_H
#define DS_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct docker;

struct collect_cfg {
	const char	*node;		/* host name tag */
	const char	*measurement;	/* "docker" */
	const char	*proc_root;	/* "/proc" */
	const char	*sys_root;	/* "" (prefix for /sys, tests only) */
	const char	*runc_root;	/* runc state dir, "" to skip runc */
};

struct collect_stats {
	size_t	containers;	/* tracked after this cycle */
	size_t	points;		/* points written by this cycle */
	size_t	added, removed;	/* entries made and released */
	bool	listed;		/* the Engine was asked for its list */
	size_t	api_fallback;	/* containers read through the stats API */
	size_t	open_fds;	/* fds held for all containers */
};

struct collector;

/*
 * cfg strings are copied; docker is borrowed for the collector's life
 * (NULL: no Docker on this node, runc containers only).
 */
struct collector *collector_new(const struct collect_cfg *, struct docker *);
void		  collector_free(struct collector *);

/*
 * Run one cycle at now_ns (the one clock read of the tick): append a point
 * per container to out, in line protocol with ns precision timestamps
 * converted to `precision` ("s", "ms", "u", "ns"). Docker's containers
 * come from the Engine, runc's from cfg->runc_root (see runcdisc.h).
 * Returns the number of points, or -errno when no discovery worked
 * (nothing appended; the entries are kept for the next cycle). When only
 * one fails, the other's containers are sampled and the failed one's
 * entries kept.
 */
int	collector_cycle(struct collector *, int64_t now_ns,
	    const char *precision, struct buf *out)
	    __attribute__((warn_unused_result));

void	collector_stats(const struct collector *, struct collect_stats *);

#endif
