/*
 * metrics: the `docker stats` maths on two cgroup samples. Pure.
 *
 * Follows the docker CLI (cli/command/container/stats_helpers.go) on the
 * figures the engine hands it (moby daemon/stats), so that cpu_ratio and
 * mem_usage mean what operators see in `docker stats`:
 *
 *   cpu_ratio = Δcontainer CPU / Δsystem CPU × online CPUs × 100
 *               (calculateCPUPercentUnix; online CPUs as dockerd counts
 *               them, len(percpu_usage) only when that count is 0)
 *   mem_usage = usage − inactive_file when inactive_file < usage
 *               (calculateMemUsageUnixNoCache, docker 20.10+)
 *   mem_limit = min(cgroup limit, host MemTotal)   (the engine's cap)
 *   mem_ratio = mem_usage / mem_limit × 100, 0 when the limit is 0
 */
#ifndef DS_METRICS_H
#define DS_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

struct metrics {
	double		cpu_ratio;	/* percent of one CPU; 0 unless cpu_valid */
	bool		cpu_valid;	/* false: no CPU point this cycle */
	uint64_t	mem_usage;	/* bytes, inactive file cache excluded */
	uint64_t	mem_limit;	/* bytes, at most INT64_MAX */
	double		mem_ratio;	/* percent */
	uint64_t	net_read, net_write;	/* cumulative bytes, lo excluded */
	uint64_t	blk_read, blk_write;	/* cumulative bytes */
};

/*
 * Compute *out from the previous and current samples of one container
 * (prev NULL on its first cycle), the system CPU time in ns at both reads
 * (procfs_sys_read), the online CPU count (procfs_online_cpus), the host
 * MemTotal in bytes (0 if unknown) and the container's network counters.
 *
 * cpu_valid is false, and cpu_ratio 0, when there is no previous sample,
 * the system CPU time did not advance, the container's CPU counter went
 * backwards (a new cgroup behind the same entry), or no CPU count is
 * known. An idle container (no CPU used) is valid with cpu_ratio 0, as
 * `docker stats` shows it: the scaler needs those zeros to scale in.
 */
void	metrics_compute(const struct cg_sample *prev,
	    const struct cg_sample *cur, uint64_t sys_prev, uint64_t sys_cur,
	    unsigned online_cpus, uint64_t mem_total, uint64_t net_rx,
	    uint64_t net_tx, struct metrics *out);

#endif
