/*
 * libFuzzer target for the collector's pure parsers: the cgroup counter
 * files, /proc/<pid>/cgroup, mountinfo, /proc/stat, net/dev and meminfo.
 * Every parser sees every input; ASan catches a read past its end (the
 * input is not NUL-terminated).
 */
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "procfs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_cgroup_files(const char *p, size_t n)
{
	uint64_t	a, b;

	(void)cg_parse_u64(p, n, &a);
	(void)cg_parse_kv(p, n, "total_inactive_file", &a);
	(void)cg_parse_kv(p, n, "usage_usec", &a);
	(void)cg_parse_blkio_v1(p, n, &a, &b);
	(void)cg_parse_io_stat_v2(p, n, &a, &b);
	(void)cg_count_percpu(p, n);
}

static void
fuzz_paths(const char *p, size_t n)
{
	static const char *const ctl[] = { "", "cpuacct", "memory", "blkio" };
	char		path[4096], dir[4096], small[8];
	size_t		i;

	for (i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
		if (cg_parse_proc_cgroup(p, n, ctl[i], path, sizeof path) == 0)
			(void)cg_parse_mountinfo(p, n, ctl[i], path, "/pre",
			    dir, sizeof dir);
		(void)cg_parse_proc_cgroup(p, n, ctl[i], small, sizeof small);
		(void)cg_parse_mountinfo(p, n, ctl[i], "/docker/abc", "", dir,
		    sizeof dir);
		(void)cg_parse_mountinfo(p, n, ctl[i], "/", "", small,
		    sizeof small);
	}
}

static void
fuzz_procfs(const char *p, size_t n)
{
	uint64_t	a, b;

	(void)procfs_parse_stat_cpu(p, n, 100, &a);
	(void)procfs_parse_stat_cpu(p, n, 0, &a);
	(void)procfs_parse_netdev(p, n, &a, &b);
	(void)procfs_parse_meminfo_total(p, n, &a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data;

	fuzz_cgroup_files(p, size);
	fuzz_paths(p, size);
	fuzz_procfs(p, size);
	return 0;
}
