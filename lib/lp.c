/* lp: InfluxDB 1.x line-protocol writer with per-element escaping. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lp.h"

/*
 * Append s, putting a backslash before every character in specials and
 * turning CR/LF into spaces (escaped too when space is special). Where a
 * backslash is not itself escapable (every element but string values),
 * InfluxDB 1.x reads a backslash before the separator as an escape, so no
 * spelling lets such an element end in one (the line is refused, HTTP
 * 400): trailing backslashes are dropped.
 */
static void
lp_escape(struct buf *b, const char *s, const char *specials)
{
	const char	*p, *end = s + strlen(s), *run;
	char		 c;

	if (strchr(specials, '\\') == NULL) {
		while (end > s && end[-1] == '\\')
			end--;
	}
	for (p = s; p < end; p++) {
		/* Most elements have nothing to escape: copy runs whole. */
		for (run = p; p < end && *p != '\n' && *p != '\r' &&
		    strchr(specials, *p) == NULL; p++)
			;
		buf_add(b, run, (size_t)(p - run));
		if (p == end)
			break;
		c = *p;
		if (c == '\n' || c == '\r')
			c = ' ';
		if (strchr(specials, c) != NULL)
			buf_addc(b, '\\');
		buf_addc(b, c);
	}
}

/* True when s escapes to nothing: empty, or only backslashes. */
static bool
lp_blank(const char *s)
{
	while (*s == '\\')
		s++;
	return *s == '\0';
}

void
lp_escape_measurement(struct buf *b, const char *s)
{
	lp_escape(b, s, ", ");
}

void
lp_escape_key(struct buf *b, const char *s)
{
	lp_escape(b, s, ",= ");
}

void
lp_escape_string(struct buf *b, const char *s)
{
	lp_escape(b, s, "\"\\");
}

void
lp_begin(struct lp_point *pt, struct buf *out, const char *measurement)
{
	pt->out = out;
	pt->start = out->len;
	pt->nfields = 0;
	pt->valid = !lp_blank(measurement);
	lp_escape_measurement(out, measurement);
}

void
lp_tag(struct lp_point *pt, const char *key, const char *value)
{
	if (value == NULL || lp_blank(value) || lp_blank(key))
		return;
	buf_addc(pt->out, ',');
	lp_escape_key(pt->out, key);
	buf_addc(pt->out, '=');
	lp_escape_key(pt->out, value);
}

static void
lp_field_key(struct lp_point *pt, const char *key)
{
	buf_addc(pt->out, pt->nfields == 0 ? ' ' : ',');
	lp_escape_key(pt->out, key);
	buf_addc(pt->out, '=');
	pt->nfields++;
}

/*
 * Decimal digits of v, as "%" PRId64 writes them. Every point has seven
 * integers: printf (which buf_printf calls twice, to size then to write)
 * was a tenth of ds's cycle.
 */
static void
lp_add_int(struct buf *b, int64_t v)
{
	char		 d[24], *p = d + sizeof d;
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(d + sizeof d - p));
}

/* "%.17g" of a finite v, formatted once (at most 24 characters). */
static void
lp_add_float(struct buf *b, double v)
{
	char	d[32];
	int	n;

	n = snprintf(d, sizeof d, "%.17g", v);
	buf_add(b, d, (size_t)n);
}

void
lp_field_float(struct lp_point *pt, const char *key, double v)
{
	/* InfluxDB has no NaN or infinity: such a field is left out. */
	if (!isfinite(v) || lp_blank(key))
		return;
	lp_field_key(pt, key);
	lp_add_float(pt->out, v);
}

void
lp_field_int(struct lp_point *pt, const char *key, int64_t v)
{
	if (lp_blank(key))
		return;
	lp_field_key(pt, key);
	lp_add_int(pt->out, v);
	buf_addc(pt->out, 'i');
}

void
lp_field_str(struct lp_point *pt, const char *key, const char *v)
{
	if (lp_blank(key) || v == NULL)
		return;
	lp_field_key(pt, key);
	buf_addc(pt->out, '"');
	lp_escape_string(pt->out, v);
	buf_addc(pt->out, '"');
}

bool
lp_end(struct lp_point *pt, int64_t ts)
{
	if (pt->nfields == 0 || !pt->valid) {
		buf_truncate(pt->out, pt->start);
		return false;
	}
	if (ts != 0) {
		buf_addc(pt->out, ' ');
		lp_add_int(pt->out, ts);
	}
	buf_addc(pt->out, '\n');
	return true;
}

size_t
lp_count_lines(const char *s, size_t len)
{
	const char	*p = s, *end = s + len;
	size_t		 n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}
