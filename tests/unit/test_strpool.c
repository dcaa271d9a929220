/* Unit tests for strpool: stable copies, blocks, printf, clear. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strpool.h"

Test(strpool, copies_stay_where_they_are)
{
	enum { N = 5000 };
	struct strpool	 p = STRPOOL_INIT;
	const char	*s[N];
	char		 want[32];
	size_t		 i;

	/* enough strings to fill several blocks */
	for (i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "service-%zu", i);
		s[i] = strpool_add(&p, want);
	}
	for (i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "service-%zu", i);
		cr_assert_str_eq(s[i], want);
	}
	strpool_clear(&p);
}

Test(strpool, empty_null_long_and_printf)
{
	struct strpool	 p = STRPOOL_INIT;
	const char	*a, *b;
	char		*big;

	cr_expect_str_eq(strpool_add(&p, NULL), "");
	cr_expect_str_eq(strpool_add(&p, ""), "");
	cr_expect_str_eq(strpool_printf(&p, "%s", ""), "");
	a = strpool_printf(&p, "metrics unavailable: %s (%d)", "boom", 7);
	cr_expect_str_eq(a, "metrics unavailable: boom (7)");
	/* a string longer than a block gets a block of its own */
	big = malloc(100001);
	cr_assert_not_null(big);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	b = strpool_add(&p, big);
	cr_expect_str_eq(b, big);
	cr_expect_str_eq(a, "metrics unavailable: boom (7)");
	free(big);
	strpool_clear(&p);
	/* cleared: usable again */
	cr_expect_str_eq(strpool_add(&p, "again"), "again");
	strpool_clear(&p);
	strpool_clear(&p);
}
