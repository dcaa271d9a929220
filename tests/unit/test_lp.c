/* Unit tests for lp: per-element escaping of InfluxDB line protocol. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
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
	cr_assert(lp_end(&pt, 1700000000));
	cr_assert_str_eq(buf_str(&b), "docker,container=1e7563c03ae9,"
	    "service_name=we\\,ird\\ name\\=\"x\" cpu_ratio=99.5,"
	    "mem_usage=1024i,reason=\"a \\\"b\\\"\" 1700000000\n");
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

/* Numbers are formatted without printf but must read as printf wrote them. */
Test(lp, numbers_as_printf_writes_them)
{
	static const int64_t	ints[] = { 0, 1, -1, 9, 10, -10, 1234567890123,
	    INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	static const double	floats[] = { 0, -0.0, 1, 0.1, -2.5, 1e-300,
	    1.7976931348623157e308, 100.0 / 3, 5e-324 };
	struct lp_point		pt;
	struct buf		b, want;
	size_t			i;

	buf_init(&b);
	buf_init(&want);
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		buf_reset(&b);
		buf_reset(&want);
		lp_begin(&pt, &b, "m");
		lp_field_int(&pt, "f", ints[i]);
		cr_assert(lp_end(&pt, ints[i]));
		buf_printf(&want, "m f=%" PRId64 "i", ints[i]);
		if (ints[i] != 0)
			buf_printf(&want, " %" PRId64, ints[i]);
		buf_addc(&want, '\n');
		cr_assert_str_eq(buf_str(&b), buf_str(&want));
	}
	for (i = 0; i < sizeof floats / sizeof floats[0]; i++) {
		buf_reset(&b);
		buf_reset(&want);
		lp_begin(&pt, &b, "m");
		lp_field_float(&pt, "f", floats[i]);
		cr_assert(lp_end(&pt, 0));
		buf_printf(&want, "m f=%.17g\n", floats[i]);
		cr_assert_str_eq(buf_str(&b), buf_str(&want));
	}
	cr_assert_eq(lp_count_lines("a\n\nb", 4), 2);
	cr_assert_eq(lp_count_lines("no newline", 10), 0);
	buf_free(&b);
	buf_free(&want);
}

/* Runs between escapes are copied whole; the escapes land where they were. */
Test(lp, escapes_between_runs)
{
	ESC_EQ(lp_escape_key, ",lead", "\\,lead");
	ESC_EQ(lp_escape_key, "trail ", "trail\\ ");
	ESC_EQ(lp_escape_key, "a,,b==c  d", "a\\,\\,b\\=\\=c\\ \\ d");
	ESC_EQ(lp_escape_measurement, "plain", "plain");
	ESC_EQ(lp_escape_string, "\"\\\"", "\\\"\\\\\\\"");
}
