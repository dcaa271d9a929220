/*
 * Unit tests for procfs: the /proc/stat, net/dev and meminfo parsers on
 * recorded and hand-made input, the open-once readers on recorded files,
 * and a live read of this host's /proc.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "procfs.h"

#define S(lit)	lit, sizeof(lit) - 1

static const char t_netdev[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
    "    lo:    5120      64    0    0    0     0          0         0     5120      64    0    0    0     0       0          0\n"
    "  eth0: 1748301   12044    0    0    0     0          0         0   903118    7710    0    0    0     0       0          0\n"
    "  eth1:     100       1    0    0    0     0          0         0      200       2    0    0    0     0       0          0\n";

/* ---- procfs_parse_stat_cpu ---- */

Test(procfs_parse_stat_cpu, recorded_first_seven_fields)
{
	size_t		len;
	char		*buf = t_data("v1-cgroupfs/proc/stat", &len);
	uint64_t	ns;

	/* cpu  11992 0 2015 174357 409 0 147 319 0 0: steal not counted. */
	cr_assert_eq(procfs_parse_stat_cpu(buf, len, 100, &ns), 0);
	cr_assert_eq(ns, UINT64_C(188920) * 10000000);
	cr_assert_eq(procfs_parse_stat_cpu(buf, len, 0, &ns), 0);
	cr_assert_eq(ns, UINT64_C(188920) * 10000000);
	cr_assert_eq(procfs_parse_stat_cpu(buf, len, 250, &ns), 0);
	cr_assert_eq(ns, UINT64_C(188920) * 4000000);
	free(buf);
}

Test(procfs_parse_stat_cpu, short_lines)
{
	uint64_t	ns = 3;

	/* Old kernels print exactly seven. */
	cr_assert_eq(procfs_parse_stat_cpu(S("cpu  1 2 3 4 5 6 7\n"), 100,
	    &ns), 0);
	cr_assert_eq(ns, 28 * UINT64_C(10000000));
	cr_assert_eq(procfs_parse_stat_cpu(S("cpu  1 2 3 4 5 6 7"), 100, &ns),
	    0);
	cr_assert_eq(procfs_parse_stat_cpu(S("cpu  1 2 3 4 5 6\n"), 100, &ns),
	    -EINVAL);
	cr_assert_eq(procfs_parse_stat_cpu(S("cpu  1 2 3 4 5 6 7x\n"), 100,
	    &ns), -EINVAL);
	cr_assert_eq(procfs_parse_stat_cpu(S("cpu  1 2 x 4 5 6 7\n"), 100,
	    &ns), -EINVAL);
}

Test(procfs_parse_stat_cpu, no_cpu_line)
{
	uint64_t	ns = 3;

	cr_assert_eq(procfs_parse_stat_cpu(S(""), 100, &ns), -ENOENT);
	cr_assert_eq(procfs_parse_stat_cpu(S("cpu0 1 2 3 4 5 6 7\n"), 100,
	    &ns), -ENOENT);
	cr_assert_eq(procfs_parse_stat_cpu(S("intr 1 2\nctxt 5\n"), 100, &ns),
	    -ENOENT);
	cr_assert_eq(procfs_parse_stat_cpu(S("cpu "), 100, &ns), -ENOENT);
	cr_assert_eq(ns, 3);
	/* The "cpu " line need not be first. */
	cr_assert_eq(procfs_parse_stat_cpu(S("x\ncpu 1 1 1 1 1 1 1 1\n"), 100,
	    &ns), 0);
	cr_assert_eq(ns, 7 * UINT64_C(10000000));
}

/* ---- procfs_parse_netdev ---- */

Test(procfs_parse_netdev, all_but_lo)
{
	uint64_t	rx, tx;

	cr_assert_eq(procfs_parse_netdev(S(t_netdev), &rx, &tx), 0);
	cr_assert_eq(rx, 1748301 + 100);
	cr_assert_eq(tx, 903118 + 200);
}

Test(procfs_parse_netdev, lo_only_and_headers_only)
{
	size_t		len;
	char		*buf = t_data("v1-cgroupfs/proc/7182/net/dev", &len);
	uint64_t	rx = 1, tx = 1;

	cr_assert_eq(procfs_parse_netdev(buf, len, &rx, &tx), 0);
	cr_assert_eq(rx + tx, 0);
	free(buf);
	rx = tx = 1;
	cr_assert_eq(procfs_parse_netdev(t_netdev, 200, &rx, &tx), 0);
	cr_assert_eq(rx + tx, 0);
	cr_assert_eq(procfs_parse_netdev(S(""), &rx, &tx), 0);
}

Test(procfs_parse_netdev, no_blank_after_colon)
{
	uint64_t	rx, tx;

	cr_assert_eq(procfs_parse_netdev(S("h1\nh2\n"
	    "eth0:12345678901 1 0 0 0 0 0 0 98765432109 2 0 0 0 0 0 0\n"),
	    &rx, &tx), 0);
	cr_assert_eq(rx, UINT64_C(12345678901));
	cr_assert_eq(tx, UINT64_C(98765432109));
}

Test(procfs_parse_netdev, garbage_and_truncated)
{
	uint64_t	rx = 4, tx = 4;

	cr_assert_eq(procfs_parse_netdev(S("h1\nh2\neth0: 1 2 x\n"), &rx, &tx),
	    -EINVAL);
	cr_assert_eq(procfs_parse_netdev(S("h1\nh2\neth0 1 2 3\n"), &rx, &tx),
	    -EINVAL);
	/* Cut in the middle of the last line. */
	cr_assert_eq(procfs_parse_netdev(t_netdev, sizeof t_netdev - 40, &rx,
	    &tx), -EINVAL);
	cr_assert_eq(rx, 4);
	cr_assert_eq(tx, 4);
}

/* ---- meminfo ---- */

Test(procfs_parse_meminfo_total, forms)
{
	uint64_t	b = 5;

	cr_assert_eq(procfs_parse_meminfo_total(S("MemTotal:       24684084 kB\n"
	    "MemFree: 1 kB\n"), &b), 0);
	cr_assert_eq(b, UINT64_C(24684084) * 1024);
	cr_assert_eq(procfs_parse_meminfo_total(S("MemTotal: 1000"), &b), 0);
	cr_assert_eq(b, 1000);
	b = 5;
	cr_assert_eq(procfs_parse_meminfo_total(S("MemFree: 1 kB\n"), &b),
	    -ENOENT);
	cr_assert_eq(procfs_parse_meminfo_total(S("MemTotal: x kB\n"), &b),
	    -EINVAL);
	cr_assert_eq(procfs_parse_meminfo_total(S("MemTotal: 1 MB\n"), &b),
	    -EINVAL);
	cr_assert_eq(procfs_parse_meminfo_total(S(""), &b), -ENOENT);
	cr_assert_eq(b, 5);
}

Test(procfs_mem_total, recorded_and_missing)
{
	char		proc[PATH_MAX];
	uint64_t	b;

	snprintf(proc, sizeof proc, "%s/v1-cgroupfs/proc", TEST_DATA);
	cr_assert_eq(procfs_mem_total(proc, &b), 0);
	cr_assert_eq(b, UINT64_C(24684084) * 1024);
	cr_assert_eq(procfs_mem_total("/nonexistent", &b), -ENOENT);
}

/* ---- open-once readers ---- */

Test(procfs_sys, recorded)
{
	char			 proc[PATH_MAX];
	struct procfs_sys	*ps;
	uint64_t		 ns;

	snprintf(proc, sizeof proc, "%s/v1-cgroupfs/proc", TEST_DATA);
	cr_assert_not_null(ps = procfs_sys_open(proc));
	cr_assert_eq(procfs_sys_read(ps, &ns), 0);
	cr_assert_eq(ns, UINT64_C(188920) * (1000000000 / procfs_user_hz()));
	cr_assert_eq(procfs_sys_read(ps, &ns), 0);	/* pread: again */
	procfs_sys_free(ps);
	procfs_sys_free(NULL);
	errno = 0;
	cr_assert_null(procfs_sys_open("/nonexistent"));
	cr_assert_eq(errno, ENOENT);
}

Test(procfs_sys, live_monotonic)
{
	struct procfs_sys	*ps;
	uint64_t		 a, b;

	cr_assert_not_null(ps = procfs_sys_open("/proc"));
	cr_assert_eq(procfs_sys_read(ps, &a), 0);
	usleep(20000);
	cr_assert_eq(procfs_sys_read(ps, &b), 0);
	cr_assert_geq(b, a);
	cr_assert_gt(a, 0);
	procfs_sys_free(ps);
}

Test(procfs_net, recorded)
{
	char			 proc[PATH_MAX];
	struct procfs_net	*pn;
	uint64_t		 rx, tx;

	snprintf(proc, sizeof proc, "%s/v2-systemd/proc", TEST_DATA);
	cr_assert_not_null(pn = procfs_net_open(proc, 4242));
	cr_assert_eq(procfs_net_read(pn, &rx, &tx), 0);
	cr_assert_eq(rx, 1748301);
	cr_assert_eq(tx, 903118);
	cr_assert_eq(procfs_net_read(pn, &rx, &tx), 0);
	cr_assert_eq(rx, 1748301);
	procfs_net_free(pn);
	procfs_net_free(NULL);
	errno = 0;
	cr_assert_null(procfs_net_open(proc, 99999));
	cr_assert_eq(errno, ENOENT);
}

/* A net/dev longer than the first buffer (many interfaces). */
Test(procfs_net, many_interfaces)
{
	char			*root = t_tmpdir(), dev[300 * 64 + 8];
	struct procfs_net	*pn;
	uint64_t		 rx, tx;
	size_t			 off;
	int			 i;

	off = (size_t)sprintf(dev, "h1\nh2\n");
	for (i = 0; i < 300; i++)
		off += (size_t)sprintf(dev + off, "veth%04d: %8d 1 0 0 0 0 0 "
		    "0 %8d 1 0 0 0 0 0 0\n", i, 10, 20);
	t_write(root, "1/net/dev", dev);
	cr_assert_not_null(pn = procfs_net_open(root, 1));
	cr_assert_eq(procfs_net_read(pn, &rx, &tx), 0);
	cr_assert_eq(rx, 3000);
	cr_assert_eq(tx, 6000);
	procfs_net_free(pn);
	t_rmtree(root);
	free(root);
}

Test(procfs_net, live_self)
{
	struct procfs_net	*pn;
	uint64_t		 rx, tx;

	cr_assert_not_null(pn = procfs_net_open("/proc", getpid()));
	cr_assert_eq(procfs_net_read(pn, &rx, &tx), 0);
	procfs_net_free(pn);
}

Test(procfs_online_cpus, matches_affinity)
{
	cpu_set_t	set;

	cr_assert_eq(sched_getaffinity(0, sizeof set, &set), 0);
	cr_assert_eq(procfs_online_cpus(), (unsigned)CPU_COUNT(&set));
	cr_assert_geq(procfs_user_hz(), 1);
}
