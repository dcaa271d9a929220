/*
 * scan: what the /proc and cgroup parsers (procfs.c, cgroup_parse.c)
 * share to read text in [p, end): bounds-checked, no NUL needed, no
 * allocation. In this header alone so that the fuzz targets, which link
 * a chosen list of sources (Makefile, FUZZ_cgroup), need no other file.
 */
#ifndef DS_SCAN_H
#define DS_SCAN_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* The newline ending the line at p, or end. */
static inline const char *
line_end(const char *p, const char *end)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl : end;
}

/*
 * Decimal digits at *pp into *v, advancing *pp past them. 0, -EINVAL when
 * there is no digit, -ERANGE on overflow.
 */
static inline int
scan_u64(const char **pp, const char *end, uint64_t *v)
{
	const char	*p = *pp;
	uint64_t	 x = 0, d;

	if (p == end || !is_digit(*p))
		return -EINVAL;
	for (; p < end && is_digit(*p); p++) {
		d = (uint64_t)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -ERANGE;
		x = x * 10 + d;
	}
	*pp = p;
	*v = x;
	return 0;
}

#endif
