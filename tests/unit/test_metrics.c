/*
 * Unit tests for metrics: the docker stats maths, table-driven. Expected
 * values are worked by hand from docker CLI's formulas.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "metrics.h"

#define SEC	UINT64_C(1000000000)
#define GIB	(UINT64_C(1) << 30)

struct cpu_case {
	const char	*name;
	bool		 has_prev;
	uint64_t	 prev_ns, cur_ns, sys_prev, sys_cur;
	unsigned	 online, percpu;
	bool		 valid;
	double		 ratio;
};

static const struct cpu_case cpu_cases[] = {
	/* 2-CPU host: 1 s of wall time is 2 s of system CPU time. */
	{ "busy one core", true, 10 * SEC, 11 * SEC, 100 * SEC, 102 * SEC,
	    2, 0, true, 100.0 },
	{ "idle", true, 10 * SEC, 10 * SEC, 100 * SEC, 102 * SEC,
	    2, 0, true, 0.0 },
	{ "two cores of four", true, 0, 2 * SEC, 0, 4 * SEC,
	    4, 0, true, 200.0 },
	{ "half a core", true, 0, SEC / 2, 0, 2 * SEC, 2, 0, true, 50.0 },
	{ "no previous sample", false, 0, 5 * SEC, 100 * SEC, 102 * SEC,
	    2, 0, false, 0.0 },
	{ "counter backwards", true, 11 * SEC, 10 * SEC, 100 * SEC, 102 * SEC,
	    2, 0, false, 0.0 },
	{ "system time still", true, 10 * SEC, 11 * SEC, 100 * SEC, 100 * SEC,
	    2, 0, false, 0.0 },
	{ "system time backwards", true, 10 * SEC, 11 * SEC, 100 * SEC,
	    99 * SEC, 2, 0, false, 0.0 },
	/* docker CLI: len(percpu_usage) only when online_cpus is 0. */
	{ "percpu fallback", true, 0, SEC, 0, 4 * SEC, 0, 4, true, 100.0 },
	{ "online wins over percpu", true, 0, SEC, 0, 4 * SEC, 2, 4, true,
	    50.0 },
	{ "no cpu count", true, 0, SEC, 0, 4 * SEC, 0, 0, false, 0.0 },
};

Test(metrics_compute, cpu_table)
{
	struct cg_sample	prev, cur;
	struct metrics		m;
	size_t			i;

	for (i = 0; i < sizeof cpu_cases / sizeof cpu_cases[0]; i++) {
		const struct cpu_case *c = &cpu_cases[i];

		memset(&prev, 0, sizeof prev);
		memset(&cur, 0, sizeof cur);
		prev.cpu_ns = c->prev_ns;
		cur.cpu_ns = c->cur_ns;
		cur.ncpu_percpu = c->percpu;
		metrics_compute(c->has_prev ? &prev : NULL, &cur, c->sys_prev,
		    c->sys_cur, c->online, 0, 0, 0, &m);
		cr_expect_eq(m.cpu_valid, c->valid, "%s: valid", c->name);
		cr_expect_float_eq(m.cpu_ratio, c->ratio, 1e-9, "%s: %f != %f",
		    c->name, m.cpu_ratio, c->ratio);
		cr_expect_geq(m.cpu_ratio, 0.0, "%s: negative", c->name);
	}
}

struct mem_case {
	const char	*name;
	uint64_t	 usage, inactive, limit, mem_total;
	uint64_t	 want_usage, want_limit;
	double		 want_ratio;
};

static const struct mem_case mem_cases[] = {
	/* Recorded: docker stats showed 780KiB / 23.54GiB, 0.00%. */
	{ "page cache subtracted", 17575936, 16777216, UINT64_MAX,
	    UINT64_C(25276502016), 798720, UINT64_C(25276502016),
	    798720.0 / 25276502016.0 * 100.0 },
	{ "no cache", 544768, 0, UINT64_MAX, 4 * GIB, 544768, 4 * GIB,
	    544768.0 / (4.0 * GIB) * 100.0 },
	{ "inactive above usage kept", 1000, 4096, UINT64_MAX, 4 * GIB,
	    1000, 4 * GIB, 1000.0 / (4.0 * GIB) * 100.0 },
	{ "inactive equal to usage kept", 4096, 4096, 8192, 4 * GIB,
	    4096, 8192, 50.0 },
	{ "limit below host memory", 73400320, 31457280, 268435456, 4 * GIB,
	    41943040, 268435456, 15.625 },
	{ "limit above host memory capped", GIB, 0, 64 * GIB, 4 * GIB,
	    GIB, 4 * GIB, 25.0 },
	{ "unknown host memory", GIB, 0, 2 * GIB, 0, GIB, 2 * GIB, 50.0 },
	{ "unlimited, host unknown", 0, 0, UINT64_MAX, 0, 0, INT64_MAX,
	    0.0 },
	{ "limit zero", 5, 0, 0, 4 * GIB, 5, 0, 0.0 },
};

Test(metrics_compute, memory_table)
{
	struct cg_sample	cur;
	struct metrics		m;
	size_t			i;

	for (i = 0; i < sizeof mem_cases / sizeof mem_cases[0]; i++) {
		const struct mem_case *c = &mem_cases[i];

		memset(&cur, 0, sizeof cur);
		cur.mem_usage = c->usage;
		cur.mem_inactive_file = c->inactive;
		cur.mem_limit = c->limit;
		metrics_compute(NULL, &cur, 0, 0, 2, c->mem_total, 0, 0, &m);
		cr_expect_eq(m.mem_usage, c->want_usage, "%s: usage", c->name);
		cr_expect_eq(m.mem_limit, c->want_limit, "%s: limit", c->name);
		cr_expect_float_eq(m.mem_ratio, c->want_ratio, 1e-9,
		    "%s: ratio %f != %f", c->name, m.mem_ratio, c->want_ratio);
	}
}

Test(metrics_compute, io_passes_through)
{
	struct cg_sample	prev = { 0 }, cur = { 0 };
	struct metrics		m;

	cur.blk_read = 2101248;
	cur.blk_write = 1048576;
	memset(&m, 0xff, sizeof m);
	metrics_compute(&prev, &cur, 0, 10, 2, GIB, 1748301, 903118, &m);
	cr_assert_eq(m.net_read, 1748301);
	cr_assert_eq(m.net_write, 903118);
	cr_assert_eq(m.blk_read, 2101248);
	cr_assert_eq(m.blk_write, 1048576);
	cr_assert(m.cpu_valid);
	cr_assert_float_eq(m.cpu_ratio, 0.0, 1e-12);
}
