/*
 * bench_readers: CPU time of ds's per-container reads on a live container.
 *
 *   cc -O2 -D_GNU_SOURCE -Ilib -Icollector tests/bench/bench_readers.c \
 *       collector/cgroup.c collector/procfs.c lib/xmalloc.c lib/buf.c \
 *       lib/log.c -o bin/bench_readers
 *   bin/bench_readers <pid> [iterations]
 *
 * Prints the process CPU time (user + system: the kernel's work to format
 * the files is most of it) per cg_read, per procfs_net_read, per pair, and
 * per procfs_sys_read (once per cycle, not per container).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cgroup.h"
#include "procfs.h"

static double
cpu_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run one of the reads n times; microseconds of CPU per call. */
static double
bench(int which, struct cg *cg, struct procfs_net *pn,
    struct procfs_sys *ps, long n)
{
	struct cg_sample	s;
	uint64_t		a, b;
	double			t0 = cpu_now();
	long			i;
	int			r = 0;

	for (i = 0; i < n && r == 0; i++) {
		if (which & 1)
			r |= cg_read(cg, &s);
		if (which & 2)
			r |= procfs_net_read(pn, &a, &b);
		if (which & 4)
			r |= procfs_sys_read(ps, &a);
	}
	if (r != 0) {
		fprintf(stderr, "read failed: %d\n", r);
		exit(1);
	}
	return (cpu_now() - t0) / (double)n * 1e6;
}

int
main(int argc, char **argv)
{
	char			 err[512];
	struct cg		*cg;
	struct procfs_net	*pn;
	struct procfs_sys	*ps;
	pid_t			 pid;
	long			 n;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_readers pid [iterations]\n");
		return 2;
	}
	pid = (pid_t)atol(argv[1]);
	n = argc > 2 ? atol(argv[2]) : 100000;
	if ((cg = cg_open("/proc", "", pid, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if ((pn = procfs_net_open("/proc", pid)) == NULL ||
	    (ps = procfs_sys_open("/proc")) == NULL) {
		perror("procfs");
		return 1;
	}
	printf("cgroup v%d, %d fds, %s, %ld iterations\n", cg_version(cg),
	    cg_nfds(cg), cg_dir(cg), n);
	printf("cg_read               %6.2f us CPU\n", bench(1, cg, pn, ps, n));
	printf("procfs_net_read       %6.2f us CPU\n", bench(2, cg, pn, ps, n));
	printf("cg_read + net_read    %6.2f us CPU per container\n",
	    bench(3, cg, pn, ps, n));
	printf("procfs_sys_read       %6.2f us CPU per cycle\n",
	    bench(4, cg, pn, ps, n));
	cg_free(cg);
	procfs_net_free(pn);
	procfs_sys_free(ps);
	return 0;
}
