/*
 * Unit tests for cgroup: every parser on good, truncated and garbage
 * input, and cg_open + cg_read on the recorded trees under tests/data
 * (v1 recorded from a live container; v1 systemd/CFQ and v2 written from
 * the kernel's documented formats).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "fixtures.h"

#define ID_V1	"2bc9f3990c1bc18b03419f3493d7d58f960eb758e97d2ea885ae34ca45ba7fd7"
#define ID_V1C	"c6a6279da4f1e2b973294e9f63692190a96d5ed070ec3ecf710b4bc3b93c5342"
#define ID_CFQ	"0e1d2c3b4a5968778695a4b3c2d1e0f0123456789abcdef0123456789abcdef0"
#define ID_V2S	"5f0c3c1e8d7b4a2f9e6d1c0b3a4958677a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3"
#define ID_V2C	"9a8b7c6d5e4f30211f2e3d4c5b6a79881726354453627180f9e8d7c6b5a49382"

#define S(lit)	lit, sizeof(lit) - 1

/* ---- helpers ---- */

/* Open pid's cgroup in the recorded tree tests/data/<tree>. */
static struct cg *
t_open(const char *tree, pid_t pid, char *err, size_t errlen)
{
	char	proc[PATH_MAX], sys[PATH_MAX];

	snprintf(proc, sizeof proc, "%s/%s/proc", TEST_DATA, tree);
	snprintf(sys, sizeof sys, "%s/%s", TEST_DATA, tree);
	return cg_open(proc, sys, pid, err, errlen);
}

/* ---- cg_parse_u64 ---- */

Test(cg_parse_u64, numbers_and_max)
{
	uint64_t	v = 7;

	cr_assert_eq(cg_parse_u64(S("12345\n"), &v), 0);
	cr_assert_eq(v, 12345);
	cr_assert_eq(cg_parse_u64(S("0"), &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(cg_parse_u64(S("max\n"), &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(cg_parse_u64(S("18446744073709551615\n"), &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(cg_parse_u64(S("9223372036854771712\n"), &v), 0);
	cr_assert_eq(v, UINT64_C(9223372036854771712));
}

Test(cg_parse_u64, not_nul_terminated)
{
	const char	buf[6] = { '1', '2', '3', '4', '5', '6' };
	uint64_t	v;

	cr_assert_eq(cg_parse_u64(buf, 3, &v), 0);
	cr_assert_eq(v, 123);
}

Test(cg_parse_u64, bad_input_leaves_output)
{
	uint64_t	v = 42;

	cr_assert_eq(cg_parse_u64(S(""), &v), -ENODATA);
	cr_assert_eq(cg_parse_u64(S("\n"), &v), -ENODATA);
	cr_assert_eq(cg_parse_u64(S("12a\n"), &v), -EINVAL);
	cr_assert_eq(cg_parse_u64(S("-1\n"), &v), -EINVAL);
	cr_assert_eq(cg_parse_u64(S("maxx"), &v), -EINVAL);
	cr_assert_eq(cg_parse_u64(S("ma"), &v), -EINVAL);
	cr_assert_eq(cg_parse_u64(S("1 2\n"), &v), -EINVAL);
	cr_assert_eq(cg_parse_u64(S("18446744073709551616"), &v), -ERANGE);
	cr_assert_eq(v, 42);
}

/* ---- cg_parse_kv ---- */

Test(cg_parse_kv, memory_stat_v1_recorded)
{
	size_t		 len;
	char		*buf = t_data("v1-cgroupfs-cache/sys/fs/cgroup/memory/"
			    "docker/" ID_V1C "/memory.stat", &len);
	uint64_t	 v;

	cr_assert_eq(cg_parse_kv(buf, len, "total_inactive_file", &v), 0);
	cr_assert_eq(v, 16777216);
	cr_assert_eq(cg_parse_kv(buf, len, "cache", &v), 0);
	cr_assert_eq(v, 16789504);
	cr_assert_eq(cg_parse_kv(buf, len, "total_unevictable", &v), 0);
	cr_assert_eq(v, 0);
	free(buf);
}

Test(cg_parse_kv, whole_key_at_line_start)
{
	const char	text[] = "file 23068672\nfile_mapped 6291456\n"
			    "total_inactive_file 9\ninactive_file 20971520\n";
	uint64_t	v;

	cr_assert_eq(cg_parse_kv(S(text), "file", &v), 0);
	cr_assert_eq(v, 23068672);
	cr_assert_eq(cg_parse_kv(S(text), "inactive_file", &v), 0);
	cr_assert_eq(v, 20971520);
	cr_assert_eq(cg_parse_kv(S(text), "file_map", &v), -ENOENT);
	cr_assert_eq(cg_parse_kv(S(text), "mapped", &v), -ENOENT);
}

Test(cg_parse_kv, cpu_stat_v2)
{
	uint64_t	v;

	cr_assert_eq(cg_parse_kv(S("usage_usec 8123456\nuser_usec 1\n"),
	    "usage_usec", &v), 0);
	cr_assert_eq(v, 8123456);
	/* Last line without its newline. */
	cr_assert_eq(cg_parse_kv(S("user_usec 1\nusage_usec 77"),
	    "usage_usec", &v), 0);
	cr_assert_eq(v, 77);
}

Test(cg_parse_kv, bad_input)
{
	uint64_t	v = 5;

	cr_assert_eq(cg_parse_kv(S(""), "usage_usec", &v), -ENOENT);
	cr_assert_eq(cg_parse_kv(S("usage_usec"), "usage_usec", &v), -ENOENT);
	cr_assert_eq(cg_parse_kv(S("usage_usec \n"), "usage_usec", &v),
	    -EINVAL);
	cr_assert_eq(cg_parse_kv(S("usage_usec abc\n"), "usage_usec", &v),
	    -EINVAL);
	cr_assert_eq(cg_parse_kv(S("usage_usec 12x\n"), "usage_usec", &v),
	    -EINVAL);
	cr_assert_eq(cg_parse_kv(S("a 1\n"), "", &v), -EINVAL);
	cr_assert_eq(v, 5);
}

/* ---- cg_parse_blkio_v1 ---- */

Test(cg_parse_blkio_v1, cfq_two_devices)
{
	size_t		 len;
	char		*buf = t_data("v1-systemd-cfq/sys/fs/cgroup/blkio/"
			    "system.slice/docker-" ID_CFQ ".scope/"
			    "blkio.io_service_bytes_recursive", &len);
	uint64_t	 rd, wr;

	cr_assert_eq(cg_parse_blkio_v1(buf, len, &rd, &wr), 0);
	cr_assert_eq(rd, 2097152 + 4096);
	cr_assert_eq(wr, 1048576);
	free(buf);
}

Test(cg_parse_blkio_v1, no_devices)
{
	uint64_t	rd = 1, wr = 1;

	cr_assert_eq(cg_parse_blkio_v1(S("Total 0\n"), &rd, &wr), -ENODATA);
	cr_assert_eq(rd, 0);
	cr_assert_eq(wr, 0);
	rd = wr = 1;
	cr_assert_eq(cg_parse_blkio_v1(S(""), &rd, &wr), -ENODATA);
	cr_assert_eq(rd + wr, 0);
}

Test(cg_parse_blkio_v1, op_less_and_unknown_ops)
{
	uint64_t	rd, wr;

	/* "MAJ:MIN N" lines (blkio.sectors) count as devices, add nothing. */
	cr_assert_eq(cg_parse_blkio_v1(S("8:0 1234\nTotal 1234\n"), &rd, &wr),
	    0);
	cr_assert_eq(rd + wr, 0);
	cr_assert_eq(cg_parse_blkio_v1(S("8:0 read 5\n8:0 Discard 7\n"
	    "8:0 Write 3"), &rd, &wr), 0);
	cr_assert_eq(rd, 0);
	cr_assert_eq(wr, 3);
}

Test(cg_parse_blkio_v1, garbage_and_truncated)
{
	uint64_t	rd = 9, wr = 9;

	cr_assert_eq(cg_parse_blkio_v1(S("8:0 Read x\n"), &rd, &wr), -EINVAL);
	cr_assert_eq(cg_parse_blkio_v1(S("8:0 Read\n"), &rd, &wr), -EINVAL);
	cr_assert_eq(cg_parse_blkio_v1(S("8:0 Rea"), &rd, &wr), -EINVAL);
	cr_assert_eq(cg_parse_blkio_v1(S("8: Read 1\n"), &rd, &wr), -EINVAL);
	cr_assert_eq(cg_parse_blkio_v1(S("foo 1\n"), &rd, &wr), -EINVAL);
	cr_assert_eq(cg_parse_blkio_v1(S("8:0 Read 1 2\n"), &rd, &wr),
	    -EINVAL);
	cr_assert_eq(cg_parse_blkio_v1(S("Total\n"), &rd, &wr), -EINVAL);
	cr_assert_eq(rd, 9);
	cr_assert_eq(wr, 9);
}

/* ---- cg_parse_io_stat_v2 ---- */

Test(cg_parse_io_stat_v2, recorded)
{
	size_t		 len;
	char		*buf = t_data("v2-systemd/sys/fs/cgroup/system.slice/"
			    "docker-" ID_V2S ".scope/io.stat", &len);
	uint64_t	 rd, wr;

	cr_assert_eq(cg_parse_io_stat_v2(buf, len, &rd, &wr), 0);
	cr_assert_eq(rd, 1459200 + 4096);
	cr_assert_eq(wr, 314773504 + 8192);
	free(buf);
}

Test(cg_parse_io_stat_v2, empty_and_extra_keys)
{
	uint64_t	rd = 1, wr = 1;

	cr_assert_eq(cg_parse_io_stat_v2(S(""), &rd, &wr), 0);
	cr_assert_eq(rd + wr, 0);
	cr_assert_eq(cg_parse_io_stat_v2(S("\n"), &rd, &wr), 0);
	cr_assert_eq(cg_parse_io_stat_v2(S("8:0 cost.vrate=100.00 rbytes=5 "
	    "wbytes=6 rios=1\n"), &rd, &wr), 0);
	cr_assert_eq(rd, 5);
	cr_assert_eq(wr, 6);
	/* A device with only some keys. */
	cr_assert_eq(cg_parse_io_stat_v2(S("8:0 wbytes=6"), &rd, &wr), 0);
	cr_assert_eq(rd, 0);
	cr_assert_eq(wr, 6);
}

Test(cg_parse_io_stat_v2, garbage_and_truncated)
{
	uint64_t	rd = 3, wr = 3;

	cr_assert_eq(cg_parse_io_stat_v2(S("8:0 rbytes=\n"), &rd, &wr),
	    -EINVAL);
	cr_assert_eq(cg_parse_io_stat_v2(S("8:0 rbytes=12x"), &rd, &wr),
	    -EINVAL);
	cr_assert_eq(cg_parse_io_stat_v2(S("sda rbytes=1\n"), &rd, &wr),
	    -EINVAL);
	cr_assert_eq(cg_parse_io_stat_v2(S("8:0 rbytes=1\ngarbage\n"), &rd,
	    &wr), -EINVAL);
	cr_assert_eq(rd, 3);
	cr_assert_eq(wr, 3);
}

/* ---- cg_count_percpu ---- */

Test(cg_count_percpu, counts)
{
	cr_assert_eq(cg_count_percpu(S("19512238981 360977746 \n")), 2);
	cr_assert_eq(cg_count_percpu(S("5")), 1);
	cr_assert_eq(cg_count_percpu(S("1 2 3 4 5 6 7 8\n")), 8);
	cr_assert_eq(cg_count_percpu(S("")), 0);
	cr_assert_eq(cg_count_percpu(S("\n")), 0);
	cr_assert_eq(cg_count_percpu(S("1 x 3\n")), 0);
	cr_assert_eq(cg_count_percpu(S("1 2x\n")), 0);
}

/* ---- cg_parse_proc_cgroup ---- */

Test(cg_parse_proc_cgroup, recorded_v1_hybrid)
{
	size_t	 len;
	char	*buf = t_data("v1-cgroupfs/proc/7182/cgroup", &len);
	char	 path[PATH_MAX];

	cr_assert_eq(cg_parse_proc_cgroup(buf, len, "memory", path,
	    sizeof path), 0);
	cr_assert_str_eq(path, "/docker/" ID_V1);
	cr_assert_eq(cg_parse_proc_cgroup(buf, len, "cpuacct", path,
	    sizeof path), 0);
	cr_assert_str_eq(path, "/docker/" ID_V1);
	cr_assert_eq(cg_parse_proc_cgroup(buf, len, "", path, sizeof path), 0);
	cr_assert_str_eq(path, "/docker/" ID_V1);
	cr_assert_eq(cg_parse_proc_cgroup(buf, len, "name=systemd", path,
	    sizeof path), 0);
	cr_assert_eq(cg_parse_proc_cgroup(buf, len, "hugetlb", path,
	    sizeof path), -ENOENT);
	free(buf);
}

Test(cg_parse_proc_cgroup, joined_controllers)
{
	const char	text[] = "4:cpu,cpuacct:/system.slice/x.scope\n"
			    "2:rdma:/\n1:cpuset:/c\n";
	char		path[64];

	cr_assert_eq(cg_parse_proc_cgroup(S(text), "cpuacct", path,
	    sizeof path), 0);
	cr_assert_str_eq(path, "/system.slice/x.scope");
	cr_assert_eq(cg_parse_proc_cgroup(S(text), "cpu", path, sizeof path),
	    0);
	cr_assert_eq(cg_parse_proc_cgroup(S(text), "cpus", path, sizeof path),
	    -ENOENT);
	cr_assert_eq(cg_parse_proc_cgroup(S(text), "rdma", path, sizeof path),
	    0);
	cr_assert_str_eq(path, "/");
	/* No v2 line on a pure v1 host. */
	cr_assert_eq(cg_parse_proc_cgroup(S(text), "", path, sizeof path),
	    -ENOENT);
}

Test(cg_parse_proc_cgroup, v2_only)
{
	char	path[64];

	cr_assert_eq(cg_parse_proc_cgroup(S("0::/docker/abc\n"), "", path,
	    sizeof path), 0);
	cr_assert_str_eq(path, "/docker/abc");
	cr_assert_eq(cg_parse_proc_cgroup(S("0::/docker/abc\n"), "memory",
	    path, sizeof path), -ENOENT);
	/* A colon inside the path belongs to the path. */
	cr_assert_eq(cg_parse_proc_cgroup(S("0::/a:b"), "", path, sizeof path),
	    0);
	cr_assert_str_eq(path, "/a:b");
}

Test(cg_parse_proc_cgroup, garbage_and_long)
{
	char	path[8];

	cr_assert_eq(cg_parse_proc_cgroup(S("garbage\n"), "", path,
	    sizeof path), -EINVAL);
	cr_assert_eq(cg_parse_proc_cgroup(S("0::\n"), "", path, sizeof path),
	    -EINVAL);
	cr_assert_eq(cg_parse_proc_cgroup(S("0::rel\n"), "", path,
	    sizeof path), -EINVAL);
	cr_assert_eq(cg_parse_proc_cgroup(S("4:memory"), "memory", path,
	    sizeof path), -EINVAL);
	cr_assert_eq(cg_parse_proc_cgroup(S("0::/docker/abcdef\n"), "", path,
	    sizeof path), -ENAMETOOLONG);
	cr_assert_eq(cg_parse_proc_cgroup(S(""), "", path, sizeof path),
	    -ENOENT);
}

/* ---- cg_parse_mountinfo ---- */

Test(cg_parse_mountinfo, recorded_v1_hybrid)
{
	size_t	 len;
	char	*buf = t_data("v1-cgroupfs/proc/self/mountinfo", &len);
	char	 dir[PATH_MAX];

	cr_assert_eq(cg_parse_mountinfo(buf, len, "memory", "/docker/x", "",
	    dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/memory/docker/x");
	cr_assert_eq(cg_parse_mountinfo(buf, len, "cpuacct", "/docker/x", "",
	    dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/cpuacct/docker/x");
	cr_assert_eq(cg_parse_mountinfo(buf, len, "cpu", "/docker/x", "", dir,
	    sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/cpu/docker/x");
	cr_assert_eq(cg_parse_mountinfo(buf, len, "", "/docker/x", "/pre",
	    dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/pre/sys/fs/cgroup/unified/docker/x");
	cr_assert_eq(cg_parse_mountinfo(buf, len, "", "/", "", dir,
	    sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/unified");
	cr_assert_eq(cg_parse_mountinfo(buf, len, "hugetlb", "/docker/x", "",
	    dir, sizeof dir), -ENOENT);
	free(buf);
}

Test(cg_parse_mountinfo, joined_and_v2)
{
	size_t	 len;
	char	*buf = t_data("v1-systemd-cfq/proc/self/mountinfo", &len);
	char	 dir[PATH_MAX];

	cr_assert_eq(cg_parse_mountinfo(buf, len, "cpuacct", "/s/d.scope", "",
	    dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/cpu,cpuacct/s/d.scope");
	cr_assert_eq(cg_parse_mountinfo(buf, len, "", "/s", "", dir,
	    sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/unified/s");
	free(buf);
	buf = t_data("v2-systemd/proc/self/mountinfo", &len);
	cr_assert_eq(cg_parse_mountinfo(buf, len, "", "/system.slice/a.scope",
	    "", dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/system.slice/a.scope");
	cr_assert_eq(cg_parse_mountinfo(buf, len, "memory", "/a", "", dir,
	    sizeof dir), -ENOENT);
	free(buf);
}

/* A mount whose root is not "/" maps only the paths under that root. */
Test(cg_parse_mountinfo, mount_root)
{
	const char	text[] =
	    "40 31 0:37 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup "
	    "rw,memory\n";
	char		dir[PATH_MAX];

	cr_assert_eq(cg_parse_mountinfo(S(text), "memory", "/docker/abc", "",
	    dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/memory");
	cr_assert_eq(cg_parse_mountinfo(S(text), "memory", "/docker/abc/sub",
	    "", dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/sys/fs/cgroup/memory/sub");
	cr_assert_eq(cg_parse_mountinfo(S(text), "memory", "/docker/abcd", "",
	    dir, sizeof dir), -EXDEV);
	cr_assert_eq(cg_parse_mountinfo(S(text), "memory", "/docker/other",
	    "", dir, sizeof dir), -EXDEV);
}

/* The first mount that shows the path wins, whatever comes before it. */
Test(cg_parse_mountinfo, second_mount_covers)
{
	const char	text[] =
	    "50 31 0:37 /docker/other /x ro - cgroup cgroup rw,memory\n"
	    "51 31 0:37 / /y rw shared:3 master:1 - cgroup cgroup rw,memory\n";
	char		dir[PATH_MAX];

	cr_assert_eq(cg_parse_mountinfo(S(text), "memory", "/docker/abc", "",
	    dir, sizeof dir), 0);
	cr_assert_str_eq(dir, "/y/docker/abc");
}

Test(cg_parse_mountinfo, namespace_escape)
{
	const char	text[] = "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 "
			    "cgroup2 rw\n";
	char		dir[PATH_MAX];

	cr_assert_eq(cg_parse_mountinfo(S(text), "", "/../docker-x.scope", "",
	    dir, sizeof dir), -EXDEV);
	cr_assert_eq(cg_parse_mountinfo(S(text), "", "/a/..", "", dir,
	    sizeof dir), -EXDEV);
	cr_assert_eq(cg_parse_mountinfo(S(text), "", "/a/..b", "", dir,
	    sizeof dir), 0);
}

Test(cg_parse_mountinfo, escaped_mount_point)
{
	const char	text[] = "41 31 0:38 / /mnt/cg\\040v2 rw - cgroup2 "
			    "cgroup2 rw\n";
	char		dir[PATH_MAX];

	cr_assert_eq(cg_parse_mountinfo(S(text), "", "/d", "", dir,
	    sizeof dir), 0);
	cr_assert_str_eq(dir, "/mnt/cg v2/d");
}

Test(cg_parse_mountinfo, garbage_truncated_long)
{
	const char	good[] = "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 "
			    "cgroup2 rw\n";
	char		dir[16];

	cr_assert_eq(cg_parse_mountinfo(S("garbage\n"), "", "/d", "", dir,
	    sizeof dir), -ENOENT);
	/* Cut before the super options: not a usable line. */
	cr_assert_eq(cg_parse_mountinfo(S("41 31 0:38 / /sys/fs/cgroup rw - "
	    "cgroup2 cgroup2"), "", "/d", "", dir, sizeof dir), -ENOENT);
	cr_assert_eq(cg_parse_mountinfo(S(""), "", "/d", "", dir, sizeof dir),
	    -ENOENT);
	cr_assert_eq(cg_parse_mountinfo(S(good), "", "/docker/abcdef", "",
	    dir, sizeof dir), -ENAMETOOLONG);
}

/* ---- cg_open + cg_read on recorded trees ---- */

Test(cg_open, v1_cgroupfs_recorded)
{
	char			 err[512];
	struct cg		*cg = t_open("v1-cgroupfs", 7182, err, sizeof err);
	struct cg_sample	 s;

	cr_assert_not_null(cg, "%s", err);
	/* Hybrid host: the v1 controllers win over the cgroup2 mount. */
	cr_assert_eq(cg_version(cg), 1);
	/* cpuacct.usage, memory usage/limit/stat, blkio throttle. */
	cr_assert_eq(cg_nfds(cg), 5);
	cr_assert(strstr(cg_dir(cg), "/sys/fs/cgroup/memory/docker/" ID_V1));
	cr_assert_eq(cg_read(cg, &s), 0);
	cr_assert_eq(s.cpu_ns, UINT64_C(19865460218));
	cr_assert_eq(s.mem_usage, 544768);
	cr_assert_eq(s.mem_inactive_file, 0);
	cr_assert_eq(s.mem_limit, UINT64_MAX);
	cr_assert_eq(s.blk_read, 0);
	cr_assert_eq(s.blk_write, 0);
	cr_assert_eq(s.ncpu_percpu, 2);
	cg_free(cg);
}

Test(cg_open, v1_cgroupfs_page_cache_recorded)
{
	char			 err[512];
	struct cg		*cg = t_open("v1-cgroupfs-cache", 7308, err,
				    sizeof err);
	struct cg_sample	 s;

	cr_assert_not_null(cg, "%s", err);
	cr_assert_eq(cg_read(cg, &s), 0);
	cr_assert_eq(s.cpu_ns, 39237255);
	cr_assert_eq(s.mem_usage, 17575936);
	/* docker stats showed 780KiB = usage - total_inactive_file. */
	cr_assert_eq(s.mem_inactive_file, 16777216);
	cr_assert_eq(s.mem_usage - s.mem_inactive_file, 780 * 1024);
	cg_free(cg);
}

Test(cg_open, v1_systemd_joined_cfq)
{
	char			 err[512];
	struct cg		*cg = t_open("v1-systemd-cfq", 31337, err,
				    sizeof err);
	struct cg_sample	 s;

	cr_assert_not_null(cg, "%s", err);
	cr_assert_eq(cg_version(cg), 1);
	cr_assert_eq(cg_nfds(cg), 6);
	cr_assert_eq(cg_read(cg, &s), 0);
	cr_assert_eq(s.cpu_ns, UINT64_C(98765432100));
	cr_assert_eq(s.mem_usage, 73400320);
	cr_assert_eq(s.mem_inactive_file, 31457280);
	cr_assert_eq(s.mem_limit, 268435456);
	/* The CFQ counters win over the throttle ones, as in containerd. */
	cr_assert_eq(s.blk_read, 2097152 + 4096);
	cr_assert_eq(s.blk_write, 1048576);
	cr_assert_eq(s.ncpu_percpu, 4);
	cg_free(cg);
}

Test(cg_open, v2_systemd)
{
	char			 err[512];
	struct cg		*cg = t_open("v2-systemd", 4242, err, sizeof err);
	struct cg_sample	 s;

	cr_assert_not_null(cg, "%s", err);
	cr_assert_eq(cg_version(cg), 2);
	cr_assert_eq(cg_nfds(cg), 5);
	cr_assert(strstr(cg_dir(cg),
	    "/sys/fs/cgroup/system.slice/docker-" ID_V2S ".scope"));
	cr_assert_eq(cg_read(cg, &s), 0);
	cr_assert_eq(s.cpu_ns, UINT64_C(8123456000));
	cr_assert_eq(s.mem_usage, 52428800);
	cr_assert_eq(s.mem_inactive_file, 20971520);
	cr_assert_eq(s.mem_limit, 536870912);
	cr_assert_eq(s.blk_read, 1459200 + 4096);
	cr_assert_eq(s.blk_write, 314773504 + 8192);
	cr_assert_eq(s.ncpu_percpu, 0);
	cg_free(cg);
}

Test(cg_open, v2_cgroupfs_unlimited)
{
	char			 err[512];
	struct cg		*cg = t_open("v2-cgroupfs", 777, err, sizeof err);
	struct cg_sample	 s;

	cr_assert_not_null(cg, "%s", err);
	cr_assert_eq(cg_version(cg), 2);
	cr_assert(strstr(cg_dir(cg), "/sys/fs/cgroup/docker/" ID_V2C));
	cr_assert_eq(cg_read(cg, &s), 0);
	cr_assert_eq(s.cpu_ns, 120000000);
	cr_assert_eq(s.mem_usage, 1048576);
	cr_assert_eq(s.mem_inactive_file, 0);
	cr_assert_eq(s.mem_limit, UINT64_MAX);
	cr_assert_eq(s.blk_read + s.blk_write, 0);
	cg_free(cg);
}

Test(cg_open, mounts_reused_for_many)
{
	char			 proc[PATH_MAX], sys[PATH_MAX], err[256];
	struct cg_mounts	*cm;
	struct cg		*a, *b;

	snprintf(proc, sizeof proc, "%s/v1-cgroupfs/proc", TEST_DATA);
	snprintf(sys, sizeof sys, "%s/v1-cgroupfs", TEST_DATA);
	cr_assert_not_null(cm = cg_mounts_load(proc, sys, err, sizeof err),
	    "%s", err);
	cr_assert_not_null(a = cg_open_mounts(cm, proc, 7182, err, sizeof err),
	    "%s", err);
	cr_assert_not_null(b = cg_open_mounts(cm, proc, 7182, err, sizeof err),
	    "%s", err);
	cg_mounts_free(cm);
	cg_free(a);
	cg_free(b);
	cg_mounts_free(NULL);
}

Test(cg_open, no_fd_leak)
{
	char		 err[256];
	int		 before = t_count_fds(), i;
	struct cg	*cg;

	for (i = 0; i < 3; i++) {
		cg = t_open("v1-systemd-cfq", 31337, err, sizeof err);
		cr_assert_not_null(cg, "%s", err);
		cr_assert_eq(t_count_fds(), before + cg_nfds(cg));
		cg_free(cg);
	}
	cr_assert_null(t_open("v2-systemd", 99999, err, sizeof err));
	cr_assert_eq(t_count_fds(), before);
	cg_free(NULL);
}

Test(cg_open, missing_pid_names_pid_and_file)
{
	char	err[512] = "";

	cr_assert_null(t_open("v2-systemd", 99999, err, sizeof err));
	cr_assert(strstr(err, "pid 99999") != NULL, "%s", err);
	cr_assert(strstr(err, "/99999/cgroup") != NULL, "%s", err);
	cr_assert_null(cg_open("/nonexistent-proc", "", 1, err, sizeof err));
	cr_assert(strstr(err, "/nonexistent-proc/self/mountinfo") != NULL,
	    "%s", err);
}

/* A tree whose cgroup path no mount shows, and one missing a file. */
Test(cg_open, unresolvable_and_missing_file)
{
	char		*root = t_tmpdir(), proc[PATH_MAX], err[512];
	struct cg	*cg;

	snprintf(proc, sizeof proc, "%s/proc", root);
	t_write(root, "proc/self/mountinfo", "41 31 0:38 /docker/ds "
	    "/sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	t_write(root, "proc/5/cgroup", "0::/docker/other\n");
	cg = cg_open(proc, root, 5, err, sizeof err);
	cr_assert_null(cg);
	cr_assert(strstr(err, "pid 5") != NULL, "%s", err);
	cr_assert(strstr(err, "no mounted cgroup") != NULL, "%s", err);
	cr_assert(strstr(err, "outside every cgroup mount") != NULL, "%s",
	    err);

	t_write(root, "proc/6/cgroup", "0::/docker/ds/c\n");
	t_write(root, "sys/fs/cgroup/c/cpu.stat", "usage_usec 1\n");
	t_write(root, "sys/fs/cgroup/c/memory.current", "1\n");
	cg = cg_open(proc, root, 6, err, sizeof err);
	cr_assert_null(cg);
	cr_assert(strstr(err, "memory.max") != NULL, "%s", err);

	t_write(root, "sys/fs/cgroup/c/memory.max", "max\n");
	t_write(root, "sys/fs/cgroup/c/memory.stat", "anon 1\n");
	cr_assert_not_null(cg = cg_open(proc, root, 6, err, sizeof err), "%s",
	    err);
	cr_assert_eq(cg_nfds(cg), 4);		/* io.stat is optional */
	cg_free(cg);
	t_rmtree(root);
	free(root);
}

/* A counter file that stops parsing is -EBADMSG, and *out untouched. */
Test(cg_read, garbage_is_ebadmsg)
{
	char			*root = t_tmpdir(), proc[PATH_MAX];
	char			 err[512];
	struct cg		*cg;
	struct cg_sample	 s = { .cpu_ns = 77 };

	snprintf(proc, sizeof proc, "%s/proc", root);
	t_write(root, "proc/self/mountinfo", "41 31 0:38 / /sys/fs/cgroup rw "
	    "- cgroup2 cgroup2 rw\n");
	t_write(root, "proc/6/cgroup", "0::/c\n");
	t_write(root, "sys/fs/cgroup/c/cpu.stat", "usage_usec 1\n");
	t_write(root, "sys/fs/cgroup/c/memory.current", "12x\n");
	t_write(root, "sys/fs/cgroup/c/memory.max", "max\n");
	t_write(root, "sys/fs/cgroup/c/memory.stat", "anon 1\n");
	cr_assert_not_null(cg = cg_open(proc, root, 6, err, sizeof err), "%s",
	    err);
	cr_assert_eq(cg_read(cg, &s), -EBADMSG);
	cr_assert_eq(s.cpu_ns, 77);
	cg_free(cg);
	t_rmtree(root);
	free(root);
}

/* A memory.stat bigger than the scratch buffer is read whole. */
Test(cg_read, big_file_grows_buffer)
{
	char			*root = t_tmpdir(), proc[PATH_MAX];
	char			 err[512], *stat;
	struct cg		*cg;
	struct cg_sample	 s;
	size_t			 off = 0, i;

	snprintf(proc, sizeof proc, "%s/proc", root);
	stat = malloc(64 * 1024);
	for (i = 0; i < 2000; i++)
		off += (size_t)sprintf(stat + off, "padding_%zu 1\n", i);
	sprintf(stat + off, "inactive_file 4096\n");
	t_write(root, "proc/self/mountinfo", "41 31 0:38 / /sys/fs/cgroup rw "
	    "- cgroup2 cgroup2 rw\n");
	t_write(root, "proc/6/cgroup", "0::/c\n");
	t_write(root, "sys/fs/cgroup/c/cpu.stat", "usage_usec 1\n");
	t_write(root, "sys/fs/cgroup/c/memory.current", "8192\n");
	t_write(root, "sys/fs/cgroup/c/memory.max", "max\n");
	t_write(root, "sys/fs/cgroup/c/memory.stat", stat);
	cr_assert_not_null(cg = cg_open(proc, root, 6, err, sizeof err), "%s",
	    err);
	cr_assert_eq(cg_read(cg, &s), 0);
	cr_assert_eq(s.mem_inactive_file, 4096);
	cr_assert_eq(s.cpu_ns, 1000);
	cg_free(cg);
	free(stat);
	t_rmtree(root);
	free(root);
}

/*
 * Live: a real cgroup removed under our open fds reads as -ENOENT (the
 * kernel says ENODEV). Needs root and a v1 cpuacct+memory or a v2 mount;
 * skipped otherwise.
 */
Test(cg_read, removed_cgroup_is_enoent)
{
	char			*root, proc[PATH_MAX];
	char			 name[64], mi[65536], cgfile[256], err[512];
	char			 d1[PATH_MAX], d2[PATH_MAX];
	struct cg		*cg;
	struct cg_sample	 s;
	size_t			 len;
	int			 fd;
	ssize_t			 n;

	snprintf(name, sizeof name, "ds-unit-%ld", (long)getpid());
	snprintf(d1, sizeof d1, "/sys/fs/cgroup/cpuacct/%s", name);
	snprintf(d2, sizeof d2, "/sys/fs/cgroup/memory/%s", name);
	if (mkdir(d1, 0755) == 0 && mkdir(d2, 0755) == 0)
		snprintf(cgfile, sizeof cgfile, "2:cpuacct:/%s\n4:memory:/%s\n",
		    name, name);
	else {
		rmdir(d1);
		snprintf(d1, sizeof d1, "/sys/fs/cgroup/%s", name);
		d2[0] = '\0';
		if (mkdir(d1, 0755) != 0)
			cr_skip_test("cannot make a cgroup here: %s",
			    strerror(errno));
		snprintf(cgfile, sizeof cgfile, "0::/%s\n", name);
	}
	cr_assert((fd = open("/proc/self/mountinfo", O_RDONLY)) >= 0);
	for (len = 0; (n = read(fd, mi + len, sizeof mi - 1 - len)) > 0;)
		len += (size_t)n;
	mi[len] = '\0';
	close(fd);
	root = t_tmpdir();
	snprintf(proc, sizeof proc, "%s/proc", root);
	t_write(root, "proc/self/mountinfo", mi);
	t_write(root, "proc/9/cgroup", cgfile);
	cg = cg_open(proc, "", 9, err, sizeof err);
	if (cg != NULL) {
		cr_expect_eq(cg_read(cg, &s), 0);
		rmdir(d1);
		if (d2[0] != '\0')
			rmdir(d2);
		cr_expect_eq(cg_read(cg, &s), -ENOENT);
		cg_free(cg);
	}
	rmdir(d1);
	if (d2[0] != '\0')
		rmdir(d2);
	t_rmtree(root);
	free(root);
	if (cg == NULL)
		cr_skip_test("live cgroup not usable: %s", err);
}
