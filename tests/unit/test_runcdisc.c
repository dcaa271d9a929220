/*
 * Unit tests for runcdisc over the recorded runc root (tests/data/runc):
 * with a proc_root other than /proc, liveness comes from the recorded
 * /proc/<pid>/stat files, so the listing is deterministic.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "runcdisc.h"

#define ROOT	TEST_DATA "/runc/root"
#define PROC	TEST_DATA "/runc/proc"

/*
 * Listed: the running ones (web_3 was paused: still listed). Not listed:
 * created (web_2), a zombie (web_4), a recycled pid (web_5), a vanished
 * pid (web_6), broken JSON (web_7), no state.json (web_8), README.
 */
static void
check(const struct runcdisc_item *it, size_t n)
{
	static const char *const want[][2] = {
		{ "other_1", "other" }, { "web_01", "web_01" },
		{ "web_1", "web" }, { "web_3", "web" }, { "web_x", "web_x" },
	};
	size_t	i;

	cr_assert_eq(n, sizeof want / sizeof want[0]);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(it[i].id, want[i][0]);
		cr_assert_str_eq(it[i].cluster, want[i][1]);
	}
	cr_assert_eq(it[2].pid, 9213);
}

Test(runcdisc, lists_running_containers_with_their_cluster)
{
	const struct runcdisc_item	*it;
	struct runcdisc			*rd;
	char				 err[256];
	size_t				 n;

	rd = runcdisc_new(ROOT, PROC);
	cr_assert_eq(runcdisc_scan(rd, &it, &n, err, sizeof err), 0, "%s", err);
	check(it, n);
	/* again, from the cache */
	cr_assert_eq(runcdisc_scan(rd, &it, &n, err, sizeof err), 0, "%s", err);
	check(it, n);
	cr_assert_eq(runcdisc_nfds(rd), 0);
	runcdisc_free(rd);
	runcdisc_free(NULL);
}

Test(runcdisc, missing_and_unreadable_roots)
{
	const struct runcdisc_item	*it;
	struct runcdisc			*rd;
	char				 err[256];
	size_t				 n;

	rd = runcdisc_new("/nonexistent/das-runc", "/proc");
	cr_assert_eq(runcdisc_scan(rd, &it, &n, err, sizeof err), 0);
	cr_assert_eq(n, 0);
	runcdisc_free(rd);
	rd = runcdisc_new(ROOT "/README", "/proc");
	cr_assert_lt(runcdisc_scan(rd, &it, &n, err, sizeof err), 0);
	cr_assert(strstr(err, "README") != NULL, "%s", err);
	runcdisc_free(rd);
}
