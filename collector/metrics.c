/*
 * metrics: docker stats maths, checked against docker/cli's
 * calculateCPUPercentUnix, calculateMemUsageUnixNoCache and
 * calculateMemPercentUnixNoCache, and moby's mem limit cap.
 */
#include <stdint.h>
#include <string.h>

#include "metrics.h"

/*
 * Percent of one CPU, or false when the deltas do not allow one. The
 * deltas are taken in integers (docker subtracts float64s, which only
 * differs past 2^53 ns).
 */
static bool
cpu_ratio(const struct cg_sample *prev, const struct cg_sample *cur,
    uint64_t sys_prev, uint64_t sys_cur, unsigned online_cpus, double *ratio)
{
	unsigned	ncpu = online_cpus != 0 ? online_cpus : cur->ncpu_percpu;

	if (prev == NULL || sys_cur <= sys_prev || cur->cpu_ns < prev->cpu_ns ||
	    ncpu == 0)
		return false;
	*ratio = (double)(cur->cpu_ns - prev->cpu_ns) /
	    (double)(sys_cur - sys_prev) * (double)ncpu * 100.0;
	return true;
}

void
metrics_compute(const struct cg_sample *prev, const struct cg_sample *cur,
    uint64_t sys_prev, uint64_t sys_cur, unsigned online_cpus,
    uint64_t mem_total, uint64_t net_rx, uint64_t net_tx, struct metrics *out)
{
	uint64_t	limit = cur->mem_limit;

	memset(out, 0, sizeof *out);
	out->cpu_valid = cpu_ratio(prev, cur, sys_prev, sys_cur, online_cpus,
	    &out->cpu_ratio);

	out->mem_usage = cur->mem_usage;
	if (cur->mem_inactive_file < cur->mem_usage)
		out->mem_usage -= cur->mem_inactive_file;
	if (mem_total > 0 && limit > mem_total)
		limit = mem_total;
	if (limit > INT64_MAX)		/* InfluxDB integers are signed */
		limit = INT64_MAX;
	out->mem_limit = limit;
	if (limit != 0)
		out->mem_ratio = (double)out->mem_usage / (double)limit * 100.0;

	out->net_read = net_rx;
	out->net_write = net_tx;
	out->blk_read = cur->blk_read;
	out->blk_write = cur->blk_write;
}
