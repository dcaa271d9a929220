/*
 * cgroup: one container's resource counters, read straight from its cgroup.
 *
 * ds does not use the Engine's stats API for this (about a second per
 * container): cg_open resolves the container's cgroup directories once,
 * from /proc/<pid>/cgroup and the cgroup mounts in /proc/self/mountinfo,
 * and keeps one file descriptor per counter file open; cg_read then costs
 * one pread() per file and a hand-written scan of the text.
 *
 * Handles cgroup v1 (cpuacct, memory and blkio, joined or separate
 * mounts), v2 (the unified hierarchy) and hybrid hosts (v1 controllers
 * preferred when mounted, as Docker does), with the cgroupfs
 * (/docker/<id>) and systemd (/system.slice/docker-<id>.scope) drivers.
 *
 * The values are those `docker stats` starts from; metrics.h does the
 * maths. The parsers are pure (buffer and length, no NUL needed) and
 * exported for the unit tests and the fuzzer.
 */
#ifndef DS_CGROUP_H
#define DS_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cg_sample {
	uint64_t	cpu_ns;		/* cumulative CPU time, ns */
	uint64_t	mem_usage;	/* v1 memory.usage_in_bytes, v2 memory.current */
	uint64_t	mem_inactive_file; /* v1 total_inactive_file, v2 inactive_file */
	uint64_t	mem_limit;	/* bytes; UINT64_MAX when unlimited */
	uint64_t	blk_read;	/* cumulative bytes over all devices */
	uint64_t	blk_write;
	unsigned	ncpu_percpu;	/* v1: entries in cpuacct.usage_percpu; v2: 0 */
};

/* A v1 memory limit at or above this is the kernel's "no limit". */
#define CG_V1_UNLIMITED	(UINT64_C(1) << 62)

struct cg;		/* one container's cgroup: open fds, scratch buffer */
struct cg_mounts;	/* the cgroup lines of a mountinfo, for many cg_open */

/*
 * Read the cgroup mounts of <proc_root>/self/mountinfo (ds's own mount
 * namespace: the one the cgroup files are opened in). sys_root (normally
 * "") is put in front of every mount point, so that tests can point at a
 * recorded tree. Returns NULL with err filled on failure; caller frees
 * with cg_mounts_free. Keep one for a cycle so that resolving many new
 * containers reads mountinfo once.
 */
struct cg_mounts *cg_mounts_load(const char *proc_root, const char *sys_root,
	    char *err, size_t errlen);
void	cg_mounts_free(struct cg_mounts *);

/*
 * Resolve the cgroup of pid from <proc_root>/<pid>/cgroup and the mounts
 * and open its counter files. Returns NULL with err filled (naming the pid
 * and the file or hierarchy that failed) when the cgroup cannot be
 * resolved or a required file cannot be opened. mounts is borrowed for
 * the call only. Caller frees with cg_free.
 */
struct cg *cg_open_mounts(const struct cg_mounts *, const char *proc_root,
	    pid_t pid, char *err, size_t errlen);

/* cg_mounts_load + cg_open_mounts + cg_mounts_free. */
struct cg *cg_open(const char *proc_root, const char *sys_root, pid_t pid,
	    char *err, size_t errlen);

/*
 * One sample: a pread of each open file. Returns 0, -ENOENT when the
 * cgroup is gone (container stopped: the kernel answers ENODEV on a
 * removed cgroup's files), -EBADMSG when a file does not parse, or another
 * -errno. *out is only written on success.
 */
int	cg_read(struct cg *, struct cg_sample *out)
	    __attribute__((warn_unused_result));

/*
 * The memory limit is read at the first cg_read and kept: call this when
 * it may have changed (the container was updated), and the next cg_read
 * reads it again.
 */
void	cg_forget_limit(struct cg *);

/* Closes every fd. cg_free(NULL) is a no-op. */
void	cg_free(struct cg *);

int	cg_version(const struct cg *);	/* 1 or 2 */
int	cg_nfds(const struct cg *);	/* fds held, for leak checks */
/* The directory of the memory controller, borrowed until cg_free. */
const char *cg_dir(const struct cg *);

/*
 * Pure parsers. Each takes a buffer and its length (no NUL needed) and
 * returns 0 or a negative errno; outputs are written only on success.
 */

/* "12345\n" → 12345, "max\n" → UINT64_MAX. -ENODATA when empty,
 * -EINVAL on anything else, -ERANGE past 2^64-1. */
int	cg_parse_u64(const char *, size_t, uint64_t *);

/* The value of the "key value" line for key (memory.stat, cpu.stat).
 * -ENOENT when no line has that key, -EINVAL when its value is bad. */
int	cg_parse_kv(const char *, size_t, const char *key, uint64_t *);

/*
 * v1 blkio.*io_service_bytes*: the sums of the "MAJ:MIN Read N" and
 * "MAJ:MIN Write N" lines. 0 when at least one device line was seen,
 * -ENODATA (and 0, 0) when the file holds none ("Total 0" only, or
 * empty), -EINVAL on a malformed line.
 */
int	cg_parse_blkio_v1(const char *, size_t, uint64_t *rd, uint64_t *wr);

/* v2 io.stat: sums of rbytes= and wbytes= over the device lines. Empty
 * is 0, 0. -EINVAL on a malformed line. */
int	cg_parse_io_stat_v2(const char *, size_t, uint64_t *rd, uint64_t *wr);

/* Number of values in cpuacct.usage_percpu; 0 on malformed input. */
unsigned cg_count_percpu(const char *, size_t);

/*
 * From a /proc/<pid>/cgroup file, the path of the v1 hierarchy whose
 * controller list holds controller, or with controller "" the v2 line
 * "0::<path>". Writes a NUL-terminated path. -ENOENT when there is no
 * such line, -EINVAL on a malformed line, -ENAMETOOLONG.
 */
int	cg_parse_proc_cgroup(const char *, size_t, const char *controller,
	    char *path, size_t pathlen);

/*
 * From mountinfo text, map cgroup path cgpath of a hierarchy to a
 * directory: the mount is a "cgroup" filesystem whose super options list
 * controller (v1), or with controller "" the "cgroup2" filesystem. The
 * path is relative to the hierarchy's root, so a mount whose root is R
 * maps R/x to <mount point>/x. Writes prefix + that directory,
 * NUL-terminated. -ENOENT when the hierarchy is not mounted, -EXDEV when
 * it is but no mount shows cgpath (outside its root, or a "/.." path from
 * another cgroup namespace), -ENAMETOOLONG.
 */
int	cg_parse_mountinfo(const char *, size_t, const char *controller,
	    const char *cgpath, const char *prefix, char *dir, size_t dirlen);

#endif
