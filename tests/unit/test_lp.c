/* Unit tests for lp: per-element escaping of InfluxDB line protocol. */
#include <criterion/criterion.h>
#include <string.h>

#include "buf.h"
#include "lp.h"

static char *
esc(void (*fn)(struct buf *, const char *), const char *s)
{
	struct buf	b;

	buf_init(&b);
	fn(&b, s);
	return buf_steal(&b);
}

#define ESC_EQ(fn, in, want) do {			\
	char *got_ = esc(fn, in);			\
	cr_assert_str_eq(got_, want, "%s(%s)", #fn, in);\
	free(got_);					\
} while (0)

Test(lp, measurement_escapes_comma_and_space_only)
{
	ESC_EQ(lp_escape_measurement, "docker", "docker");
	ESC_EQ(lp_escape_measurement, "a b,c", "a\\ b\\,c");
	ESC_EQ(lp_escape_measurement, "a=b\"c", "a=b\"c");
}

Test(lp, keys_escape_comma_equals_space)
{
	ESC_EQ(lp_escape_key, "service_name", "service_name");
	ESC_EQ(lp_escape_key, "a b", "a\\ b");
	ESC_EQ(lp_escape_key, "a,b", "a\\,b");
	ESC_EQ(lp_escape_key, "a=b", "a\\=b");
	ESC_EQ(lp_escape_key, "q\"uote", "q\"uote");
	ESC_EQ(lp_escape_key, "back\\slash", "back\\slash");
}

Test(lp, newlines_never_survive)
{
	ESC_EQ(lp_escape_key, "a\nb", "a\\ b");
	ESC_EQ(lp_escape_key, "a\r\nb", "a\\ \\ b");
	ESC_EQ(lp_escape_measurement, "x\ny", "x\\ y");
	ESC_EQ(lp_escape_string, "l1\nl2", "l1 l2");
}

Test(lp, trailing_backslashes_are_dropped)
{
	ESC_EQ(lp_escape_key, "ends\\", "ends");
	ESC_EQ(lp_escape_key, "ends\\\\", "ends");
	ESC_EQ(lp_escape_key, "\\", "");
	ESC_EQ(lp_escape_measurement, "m\\", "m");
	ESC_EQ(lp_escape_string, "s\\", "s\\\\");
}

Test(lp, string_field_escapes_quote_and_backslash)
{
	ESC_EQ(lp_escape_string, "say \"hi\"", "say \\\"hi\\\"");
	ESC_EQ(lp_escape_string, "c:\\dir", "c:\\\\dir");
	ESC_EQ(lp_escape_string, "a,b=c d", "a,b=c d");
}

Test(lp, full_point)
{
	struct lp_point	pt;
	struct buf	b;

	buf_init(&b);
	lp_begin(&pt, &b, "docker");
	lp_tag(&pt, "container", "1e7563c03ae9");
	lp_tag(&pt, "service", NULL);
	lp_tag(&pt, "service_name", "we,ird name=\"x\"");
	lp_field_float(&pt, "cpu_ratio", 99.5);
	lp_field_int(&pt, "mem_usage", 1024);
	lp_field_str(&pt, "reason", "a \"b\"");
	lp_field_bool(&pt, "ok", true);
	cr_assert(lp_end(&pt, 1700000000));
	cr_assert_str_eq(buf_str(&b), "docker,container=1e7563c03ae9,"
	    "service_name=we\\,ird\\ name\\=\"x\" cpu_ratio=99.5,"
	    "mem_usage=1024i,reason=\"a \\\"b\\\"\",ok=true 1700000000\n");
	buf_free(&b);
}

Test(lp, empty_tag_value_is_left_out)
{
	struct lp_point	pt;
	struct buf	b;

	buf_init(&b);
	lp_begin(&pt, &b, "m");
	lp_tag(&pt, "t", "");
	lp_field_int(&pt, "f", -3);
	cr_assert(lp_end(&pt, 0));
	cr_assert_str_eq(buf_str(&b), "m f=-3i\n");
	buf_free(&b);
}

Test(lp, point_without_field_rolls_back)
{
	struct lp_point	pt;
	struct buf	b;

	buf_init(&b);
	buf_adds(&b, "keep\n");
	lp_begin(&pt, &b, "m");
	lp_tag(&pt, "t", "v");
	lp_field_float(&pt, "nan", 0.0 / 0.0);
	cr_assert_not(lp_end(&pt, 1));
	cr_assert_str_eq(buf_str(&b), "keep\n");
	lp_begin(&pt, &b, "");
	lp_field_int(&pt, "f", 1);
	cr_assert_not(lp_end(&pt, 1), "empty measurement is refused");
	cr_assert_str_eq(buf_str(&b), "keep\n");
	buf_free(&b);
}

Test(lp, count_lines)
{
	cr_assert_eq(lp_count_lines("a\nb\nc\n", 6), 3);
	cr_assert_eq(lp_count_lines("", 0), 0);
}

Test(lp, elements_of_backslashes_only_count_as_empty)
{
	struct lp_point	pt;
	struct buf	b;

	buf_init(&b);
	lp_begin(&pt, &b, "m");
	lp_tag(&pt, "t", "\\\\");
	lp_tag(&pt, "\\", "v");
	lp_field_int(&pt, "\\", 1);
	lp_field_int(&pt, "f", 2);
	cr_assert(lp_end(&pt, 0));
	cr_assert_str_eq(buf_str(&b), "m f=2i\n");
	buf_free(&b);
}
