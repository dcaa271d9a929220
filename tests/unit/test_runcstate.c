/*
 * Unit tests for runcstate: ids, times, /proc/<pid>/stat and state.json
 * parsing, and the status derived from files recorded from runc 1.1.5
 * (tests/data/runc: root/<id>/state.json and proc/<pid>/stat of a
 * running, a created, a paused and a killed container, plus hand-made
 * cases: a recycled pid, a vanished pid, broken and missing files).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"
#include "runcstate.h"

#define ROOT	TEST_DATA "/runc/root"
#define PROC	TEST_DATA "/runc/proc"

Test(runcstate, valid_ids)
{
	char	long_id[RUNCSTATE_ID_MAX + 2];

	cr_assert(runcstate_valid_id("web_1"));
	cr_assert(runcstate_valid_id("a+b-c.d_E9"));
	cr_assert(runcstate_valid_id("..."));
	cr_assert_not(runcstate_valid_id(NULL));
	cr_assert_not(runcstate_valid_id(""));
	cr_assert_not(runcstate_valid_id("."));
	cr_assert_not(runcstate_valid_id(".."));
	cr_assert_not(runcstate_valid_id("web/1"));
	cr_assert_not(runcstate_valid_id("web 1"));
	cr_assert_not(runcstate_valid_id("web\n1"));
	cr_assert_not(runcstate_valid_id("wéb"));
	memset(long_id, 'a', sizeof long_id - 1);
	long_id[RUNCSTATE_ID_MAX] = '\0';
	cr_assert(runcstate_valid_id(long_id));
	long_id[RUNCSTATE_ID_MAX] = 'a';
	long_id[RUNCSTATE_ID_MAX + 1] = '\0';
	cr_assert_not(runcstate_valid_id(long_id));
}

Test(runcstate, times)
{
	static const struct {
		const char	*in;
		int64_t		 want;
	} ok[] = {
		{ "2026-11-22T03:00:41.348948836Z", 1795316441348948836LL },
		{ "2026-11-22T03:00:41Z", 1795316441000000000LL },
		{ "2026-11-22T03:00:41.5Z", 1795316441500000000LL },
		{ "2026-11-22T04:30:41.1+01:30", 1795316441100000000LL },
		{ "2026-11-21T23:00:41-04:00", 1795316441000000000LL },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-22t03:00:41.0000000001z", 1795316441000000000LL },
	};
	static const char *const bad[] = {
		"", "2026-11-22", "2026-11-22T03:00:41", "2026-11-22 03:00:41Z",
		"2026-13-22T03:00:41Z", "2026-11-22T25:00:41Z",
		"2026-11-22T03:00:41.Z", "2026-11-22T03:00:41Zjunk",
		"2026-11-22T03:00:41+0100", "1969-12-31T23:59:59Z",
		"26-11-22T03:00:41Z",
	};
	int64_t	ns;
	size_t	i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		cr_assert_eq(runcstate_parse_time(ok[i].in, &ns), 0, "%s",
		    ok[i].in);
		cr_assert_eq(ns, ok[i].want, "%s: %lld", ok[i].in,
		    (long long)ns);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(runcstate_parse_time(bad[i], &ns), -EINVAL, "%s",
		    bad[i]);
}

Test(runcstate, proc_stat)
{
	static const char	 runc_init[] = "9229 (runc:[2:INIT]) S 1 9229 "
	    "9229 0 -1 4194624 693 0 0 0 0 0 0 0 20 0 5 0 290201 1040629760 "
	    "2448 18446744073709551615";
	static const char	 tricky[] = "42 (a) b) (c) Z 1 2 3 4 5 6 7 8 9 "
	    "10 11 12 13 14 15 16 17 18 777 0";
	static const char *const bad[] = {
		"", "9229 (sh S 1", "9229 (sh) S 1 2 3", "9229 (sh)",
		("9229 (sh) S 1 9229 9229 0 -1 4194624 693 0 0 0 0 0 0 0 20 0 5 "
		    "0 x"),
	};
	uint64_t		 start;
	char			 state;
	size_t			 i;

	cr_assert_eq(runcstate_parse_proc_stat(runc_init, sizeof runc_init - 1,
	    &state, &start), 0);
	cr_assert_eq(state, 'S');
	cr_assert_eq(start, 290201);
	cr_assert_eq(runcstate_parse_proc_stat(tricky, sizeof tricky - 1,
	    &state, &start), 0);
	cr_assert_eq(state, 'Z');
	cr_assert_eq(start, 777);
	/* cut right after the start time: the length bounds the number */
	cr_assert_eq(runcstate_parse_proc_stat(tricky, sizeof tricky - 3,
	    &state, &start), 0);
	cr_assert_eq(start, 777);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(runcstate_parse_proc_stat(bad[i], strlen(bad[i]),
		    &state, &start), -EINVAL, "%s", bad[i]);
}

Test(runcstate, parse_recorded_state)
{
	struct runcstate	st;
	char			err[256];

	cr_assert_eq(runcstate_read(ROOT, "web_1", &st, err, sizeof err), 0,
	    "%s", err);
	cr_assert_str_eq(st.id, "web_1");
	cr_assert_eq(st.pid, 9213);
	cr_assert_eq(st.start, 290198);
	cr_assert_eq(st.created_ns, 1795316441348948836LL);
	cr_assert_str_eq(st.bundle, "/srv/bundles/web");
	cr_assert_str_eq(st.freezer, "/sys/fs/cgroup/freezer/web_1");
	cr_assert_str_eq(st.unified, "/sys/fs/cgroup/unified/web_1");
	runcstate_clear(&st);
	runcstate_clear(&st);
	cr_assert_null(st.bundle);
}

Test(runcstate, parse_errors)
{
	static const char *const bad[] = {
		"", "[]", "{\"id\":\"x\"}", "{\"id\":\"a/b\",\"init_process_pid\":1}",
		"{\"id\":\"x\",\"init_process_pid\":0}",
		"{\"id\":\"x\",\"init_process_pid\":-5}",
		"{\"id\":\"x\",\"init_process_pid\":\"12\"}",
		"{\"id\":\"x\",\"init_process_pid\":99999999999}",
	};
	static const char	 minimal[] = "{\"id\":\"x\",\"init_process_pid\":7,"
	    "\"created\":\"junk\",\"config\":{\"labels\":[\"a=b\",3,"
	    "\"bundle=\"]}}";
	struct runcstate	 st;
	char			 err[256];
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(runcstate_parse(bad[i], strlen(bad[i]), &st, err,
		    sizeof err), -EBADMSG, "%s", bad[i]);
		cr_assert_null(st.bundle);
	}
	/* only id and pid are needed; the rest is optional */
	cr_assert_eq(runcstate_parse(minimal, sizeof minimal - 1, &st, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(st.pid, 7);
	cr_assert_eq(st.created_ns, 0);
	cr_assert_null(st.bundle);
	cr_assert_null(st.freezer);
	runcstate_clear(&st);
}

Test(runcstate, read_errors)
{
	struct runcstate	st;
	char			err[256];

	cr_assert_eq(runcstate_read(ROOT, "web_7", &st, err, sizeof err),
	    -EBADMSG);
	cr_assert(strstr(err, "web_7/state.json: not JSON") != NULL, "%s",
	    err);
	cr_assert_eq(runcstate_read(ROOT, "web_8", &st, err, sizeof err),
	    -ENOENT);
	cr_assert_eq(runcstate_read(ROOT, "nope", &st, err, sizeof err),
	    -ENOENT);
	cr_assert_eq(runcstate_read(ROOT, "../runc", &st, err, sizeof err),
	    -EINVAL);
	cr_assert_eq(runcstate_read(ROOT, "README", &st, err, sizeof err),
	    -ENOTDIR);
}

static enum runcstate_status
status_of(const char *id)
{
	struct runcstate	st;
	enum runcstate_status	s;
	char			err[256];

	cr_assert_eq(runcstate_read(ROOT, id, &st, err, sizeof err), 0, "%s",
	    err);
	s = runcstate_status(&st, ROOT, PROC);
	runcstate_clear(&st);
	return s;
}

Test(runcstate, status_from_recorded_files)
{
	cr_assert_eq(status_of("web_1"), RUNCSTATE_RUNNING);
	cr_assert_eq(status_of("web_2"), RUNCSTATE_CREATED);
	/* the freezer of the recording is gone: not paused here */
	cr_assert_eq(status_of("web_3"), RUNCSTATE_RUNNING);
	/* killed: a zombie */
	cr_assert_eq(status_of("web_4"), RUNCSTATE_STOPPED);
	/* pid recycled by another process (start time differs) */
	cr_assert_eq(status_of("web_5"), RUNCSTATE_STOPPED);
	/* pid gone */
	cr_assert_eq(status_of("web_6"), RUNCSTATE_STOPPED);
}

/* A container whose init is this test, with a freezer dir we control. */
Test(runcstate, paused_v1_and_v2)
{
	char			*dir = t_tmpdir(), err[512], json[1024];
	struct runcstate	 st;

	t_write(dir, "freezer.state", "FROZEN\n");
	snprintf(json, sizeof json, "{\"id\":\"p_1\",\"init_process_pid\":%d,"
	    "\"cgroup_paths\":{\"freezer\":\"%s\",\"\":\"%s\"}}",
	    (int)getpid(), dir, dir);
	cr_assert_eq(runcstate_parse(json, strlen(json), &st, err,
	    sizeof err), 0, "%s", err);
	cr_assert(runcstate_alive(&st, "/proc"));
	cr_assert_eq(runcstate_status(&st, dir, "/proc"), RUNCSTATE_PAUSED);
	t_write(dir, "freezer.state", "THAWED\n");
	cr_assert_eq(runcstate_status(&st, dir, "/proc"), RUNCSTATE_RUNNING);
	/* v2: no freezer entry, cgroup.freeze of the unified dir */
	free(st.freezer);
	st.freezer = NULL;
	t_write(dir, "cgroup.freeze", "1\n");
	cr_assert_eq(runcstate_status(&st, dir, "/proc"), RUNCSTATE_PAUSED);
	runcstate_clear(&st);
	t_rmtree(dir);
	free(dir);
}

Test(runcstate, split_id)
{
	static const struct {
		const char	*id;
		int		 n;
		size_t		 len;
	} cases[] = {
		{ "web_1", 1, 3 },
		{ "my_redis_cluster_12", 12, 16 },
		{ "a_b_1000000", 1000000, 3 },
		{ "web_1000001", -1, 11 },
		{ "web_0", -1, 5 },
		{ "web_01", -1, 6 },
		{ "web_", -1, 4 },
		{ "web_1x", -1, 6 },
		{ "_1", -1, 2 },
		{ "web", -1, 3 },
		{ "web-1", -1, 5 },
		{ "web_1_", -1, 6 },
	};
	size_t	i, len;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(runcstate_split_id(cases[i].id, &len), cases[i].n,
		    "%s", cases[i].id);
		cr_assert_eq(len, cases[i].len, "%s: %zu", cases[i].id, len);
	}
}
