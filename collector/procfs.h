/*
 * procfs: the host-wide and per-network-namespace counters ds needs next
 * to the cgroup ones.
 *
 *  - system CPU time from /proc/stat, as dockerd computes it for
 *    system_cpu_usage (moby daemon/stats: the first seven fields of the
 *    "cpu" line, user..softirq, in clock ticks × 1e9 / USER_HZ);
 *  - a container's network bytes from /proc/<pid>/net/dev, all interfaces
 *    but lo (the interfaces Docker reports are the sandbox's, never lo);
 *  - MemTotal from /proc/meminfo (the engine's cap on mem_limit);
 *  - the online CPU count as dockerd takes it (sched_getaffinity).
 *
 * The hot files stay open and are pread each cycle; the parsers are pure
 * and exported for the tests and the fuzzer.
 */
#ifndef DS_PROCFS_H
#define DS_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The first "cpu " line of /proc/stat: user+nice+system+idle+iowait+irq+
 * softirq ticks × (1e9 / hz) ns; hz 0 means 100 (Linux's USER_HZ).
 * 0, -ENOENT when there is no "cpu " line, -EINVAL when it has fewer than
 * seven numbers or is cut short.
 */
int	procfs_parse_stat_cpu(const char *, size_t, unsigned hz,
	    uint64_t *total_ns);

/*
 * /proc/<pid>/net/dev: received and transmitted bytes summed over every
 * interface but lo. 0 (also for lo only: 0, 0), -EINVAL on a malformed
 * interface line.
 */
int	procfs_parse_netdev(const char *, size_t, uint64_t *rx, uint64_t *tx);

/* MemTotal of /proc/meminfo in bytes. 0, -ENOENT, -EINVAL. */
int	procfs_parse_meminfo_total(const char *, size_t, uint64_t *bytes);

/* CPUs this process may run on (what dockerd reports as online_cpus);
 * sysconf(_SC_NPROCESSORS_ONLN) if that fails; at least 1. */
unsigned procfs_online_cpus(void);

/* sysconf(_SC_CLK_TCK), 100 when unknown. */
unsigned procfs_user_hz(void);

/* MemTotal of <proc_root>/meminfo (opened and closed). 0 or -errno. */
int	procfs_mem_total(const char *proc_root, uint64_t *bytes)
	    __attribute__((warn_unused_result));

/* <proc_root>/stat kept open. NULL with errno set; caller frees. */
struct procfs_sys;
struct procfs_sys *procfs_sys_open(const char *proc_root);
/* System CPU time in ns. 0 or -errno (-EBADMSG when it does not parse). */
int	procfs_sys_read(struct procfs_sys *, uint64_t *total_ns)
	    __attribute__((warn_unused_result));
void	procfs_sys_free(struct procfs_sys *);	/* NULL is a no-op */

/*
 * <proc_root>/<pid>/net/dev kept open: the fd stays bound to the
 * container's network namespace even if the pid is reused later, and holds
 * that namespace, so reads go on succeeding after the container exits;
 * cg_read's -ENOENT is what tells the container is gone. NULL with errno
 * set (ENOENT: no such pid); caller frees.
 */
struct procfs_net;
struct procfs_net *procfs_net_open(const char *proc_root, pid_t pid);
/* 0 or -errno (-EBADMSG when it does not parse). */
int	procfs_net_read(struct procfs_net *, uint64_t *rx, uint64_t *tx)
	    __attribute__((warn_unused_result));
void	procfs_net_free(struct procfs_net *);	/* NULL is a no-op */

#endif
