/* Unit tests for ds's parsing of Engine API answers (recorded files). */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The text of a recorded file; caller frees. */
static char *
load_text(const char *name, size_t *len)
{
	char	 path[512], *text;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof path, "%s/docker/%s", TEST_DATA, name);
	cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return text;
}

/* parse s; 0 or -EBADMSG, the list in *l (caller frees). */
static int
parse(const char *s, struct discover_list *l, size_t *skipped)
{
	char	err[256];

	return discover_parse_list(s, strlen(s), l, skipped, err, sizeof err);
}

Test(discover, list_with_labels_and_garbage)
{
	struct discover_list	 l;
	size_t			 skipped, len;
	char			*text = load_text("containers.json", &len), err[256];

	cr_assert_eq(discover_parse_list(text, len, &l, &skipped, err,
	    sizeof err), 0);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(skipped, 2);
	cr_assert_str_eq(l.items[0].service_name, "we,ird name=\"x\"");
	cr_assert_null(l.items[0].service_id);
	cr_assert_str_eq(l.items[1].service_id, "6dnh8i971l5hxyz");
	cr_assert_str_eq(l.items[1].service_name, "web");
	cr_assert_str_eq(l.items[1].name, "svc.1.xyz");
	discover_list_free(&l);
	free(text);
}

Test(discover, not_an_array)
{
	struct discover_list	 l;
	size_t			 skipped;
	char			 err[256];

	cr_assert_eq(discover_parse_list("{\"message\": \"boom\"}", 19, &l,
	    &skipped, err, sizeof err), -EBADMSG);
	cr_assert_str_eq(err, "answer is not a list of containers");
	cr_assert_eq(discover_parse_list("", 0, &l, &skipped, err,
	    sizeof err), -EBADMSG);
	cr_assert_eq(discover_parse_list("[", 1, &l, &skipped, err,
	    sizeof err), -EBADMSG);
	cr_assert_not_null(strstr(err, "not JSON"));
	cr_assert_eq(l.n, 0);
	cr_assert_null(l.items);
}

#define ID_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B	"0123456789ABCDEFabcdef0123456789abcdef0123456789abcdef0123456789"

/* What jansson's reading took: escapes decoded, the last duplicate wins. */
Test(discover, decoding_and_duplicates)
{
	struct discover_list	l;
	size_t			skipped;

	cr_assert_eq(parse("[{\"Id\":\"x\",\"I\\u0064\":\"" ID_A "\","
	    "\"Names\":[\"/a\\\"b\\u00e9\\ud83d\\ude00\",1],"
	    "\"Labels\":{\"com.docker.swarm.service.name\":\"s\\n\","
	    "\"com.docker.swarm.service.id\":\"\"}},"
	    "{\"Id\":\"" ID_B "\",\"Names\":\"/x\",\"Labels\":{"
	    "\"com.docker.swarm.service.id\":\"i\"},\"Labels\":[]},"
	    "{\"Id\":\"" ID_A "\",\"Id\":7},"
	    "[\"" ID_A "\"], null, {\"Id\":\"" ID_A "0\"}]", &l, &skipped), 0);
	cr_assert_eq(l.n, 2);
	cr_assert_eq(skipped, 4);
	cr_assert_str_eq(l.items[0].id, ID_A);
	cr_assert_str_eq(l.items[0].name, "a\"b\xc3\xa9\xf0\x9f\x98\x80");
	cr_assert_str_eq(l.items[0].service_name, "s\n");
	cr_assert_null(l.items[0].service_id);
	cr_assert_str_eq(l.items[1].id, ID_B);
	cr_assert_str_eq(l.items[1].name, "");
	cr_assert_null(l.items[1].service_id);
	discover_list_free(&l);
}

/* Refused as jansson refuses them, wherever in the document. */
Test(discover, not_json)
{
	static const char *const bad[] = {
		"[1,]", "[{\"a\":1,}]", "[01]", "[1.]", "[1e]", "[-]", "[.5]",
		"[tru]", "[nul]", "[\"\\ud800\"]", "[\"\\udc00\"]",
		"[\"\\u0000\"]", "[\"\\x\"]", "[\"a\nb\"]", "[\"\xc3\"]",
		"[\"\xed\xa0\x80\"]", "[\"\xc0\x80\"]", "[\"\xf4\x90\x80\x80\"]",
		"[9223372036854775808]", "[-9223372036854775809]", "[1e400]",
		"[] []", "[]x", "[\"a\"", "[{\"Id\"}]", "[{1:2}]", "1", "\"a\"",
		" ",
	};
	struct discover_list	l;
	size_t			skipped, i;
	char			err[256];

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(parse(bad[i], &l, &skipped), -EBADMSG, "%s",
		    bad[i]);
		cr_assert_eq(l.n, 0);
	}
	cr_assert_eq(discover_parse_list("[]\0", 3, &l, &skipped, err,
	    sizeof err), -EBADMSG);
	cr_assert_eq(discover_parse_list("[1\0\0]", 5, &l, &skipped, err,
	    sizeof err), -EBADMSG);
	cr_assert_eq(parse("[9223372036854775807, -9223372036854775808, "
	    "1e-400, -0, 0.5E+3, true, false, null, \"\\/\\b\\f\\r\\t\", "
	    "\"\x7f\xf4\x8f\xbf\xbf\"] \t\r\n", &l, &skipped), 0);
	cr_assert_eq(skipped, 10);
	discover_list_free(&l);
	/* jansson's quirk: one NUL right after a number or literal */
	cr_assert_eq(discover_parse_list("[1\0,true\0]", 10, &l, &skipped, err,
	    sizeof err), 0);
	discover_list_free(&l);
}

/* The error names the place, in printable text (it goes to the log). */
Test(discover, error_is_printable)
{
	struct discover_list	 l;
	size_t			 skipped;
	char			 err[256];
	const char		*p;

	cr_assert_eq(discover_parse_list("[{\"Id\":\x01\x1b]", 9, &l,
	    &skipped, err, sizeof err), -EBADMSG);
	cr_expect_not_null(strstr(err, "not JSON"), "%s", err);
	cr_expect_not_null(strstr(err, "near byte"), "%s", err);
	for (p = err; *p != '\0'; p++)
		cr_expect((unsigned char)*p >= 0x20 && *p != 0x7f, "%s", err);
}

/* jansson counts every value, scalars too, and stops past 2048. */
Test(discover, depth)
{
	struct discover_list	l;
	size_t			skipped, n;
	char			*s;

	for (n = 2047; n <= 2049; n++) {
		s = malloc(2 * n + 2);
		memset(s, '[', n);
		memset(s + n, ']', n);
		s[2 * n] = '\0';
		cr_assert_eq(parse(s, &l, &skipped), n <= 2048 ? 0 : -EBADMSG);
		discover_list_free(&l);
		memset(s, '[', n);
		s[n] = '1';
		memset(s + n + 1, ']', n);
		s[2 * n + 1] = '\0';
		cr_assert_eq(parse(s, &l, &skipped), n <= 2047 ? 0 : -EBADMSG);
		discover_list_free(&l);
		free(s);
	}
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
