/* Unit tests for ds's parsing of Engine API answers (recorded files). */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>

#include "discover.h"
#include "statsapi.h"

static json_t *
load(const char *name)
{
	json_error_t	 je;
	char		 path[512];
	json_t		*j;

	snprintf(path, sizeof path, "%s/docker/%s", TEST_DATA, name);
	j = json_load_file(path, 0, &je);
	cr_assert_not_null(j, "%s: %s", path, je.text);
	return j;
}

Test(discover, list_with_labels_and_garbage)
{
	struct discover_list	 l;
	size_t			 skipped;
	json_t			*j = load("containers.json");

	cr_assert_eq(discover_parse_list(j, &l, &skipped), 0);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(skipped, 2);
	cr_assert_str_eq(l.items[0].service_name, "we,ird name=\"x\"");
	cr_assert_null(l.items[0].service_id);
	cr_assert_str_eq(l.items[1].service_id, "6dnh8i971l5hxyz");
	cr_assert_str_eq(l.items[1].service_name, "web");
	cr_assert_str_eq(l.items[1].name, "svc.1.xyz");
	discover_list_free(&l);
	json_decref(j);
}

Test(discover, not_an_array)
{
	struct discover_list	 l;
	size_t			 skipped;
	json_t			*j = json_pack("{s:s}", "message", "boom");

	cr_assert_eq(discover_parse_list(j, &l, &skipped), -EBADMSG);
	discover_list_free(&l);
	json_decref(j);
}

Test(discover, pid)
{
	json_t	*j = load("inspect.json");
	json_t	*k = json_pack("{s:{s:i}}", "State", "Pid", 0);

	cr_assert_gt(discover_parse_pid(j), 0);
	cr_assert_eq(discover_parse_pid(k), -1);
	cr_assert_eq(discover_parse_pid(NULL), -1);
	json_decref(j);
	json_decref(k);
}

Test(statsapi, recorded_v1_answer)
{
	struct statsapi_sample	 s;
	json_t			*j = load("stats_v1.json");

	cr_assert_eq(statsapi_parse(j, &s), 0);
	cr_assert_gt(s.sys_ns, 0);
	cr_assert_gt(s.cg.mem_usage, 0);
	cr_assert_gt(s.cg.mem_limit, 0);
	cr_assert_eq(s.online_cpus, 2);
	json_decref(j);
}

Test(statsapi, garbage)
{
	struct statsapi_sample	 s;
	json_t			*j = json_pack("[i]", 1);

	cr_assert_eq(statsapi_parse(j, &s), -EBADMSG);
	json_decref(j);
}
