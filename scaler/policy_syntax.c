/*
 * policy_syntax: the lexical layer of the policy parser -- integers,
 * booleans, numbers with units, thresholds, InfluxQL durations -- and the
 * helper that quotes a bad value safely in an error message. Pure, no I/O.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "policy.h"

#define NUMBER_MAX	40	/* digits and point in a threshold number */
#define SHOW_MAX	(POLICY_SHOW_SIZE - 4)	/* bytes of a bad value shown */

static const struct {
	const char		*name;
	enum policy_unit	 unit;
} policy_fields[] = {
	{ "cpu_ratio",	POLICY_UNIT_PERCENT },
	{ "mem_usage",	POLICY_UNIT_BYTES },
	{ "mem_limit",	POLICY_UNIT_BYTES },
	{ "mem_ratio",	POLICY_UNIT_PERCENT },
	{ "net_read",	POLICY_UNIT_BYTES },
	{ "net_write",	POLICY_UNIT_BYTES },
	{ "blk_read",	POLICY_UNIT_BYTES },
	{ "blk_write",	POLICY_UNIT_BYTES },
};

static const struct {
	const char		*name;
	double			 factor;
	enum policy_unit	 unit;
} policy_units[] = {
	{ "%",		1.0,			POLICY_UNIT_PERCENT },
	{ "B",		1.0,			POLICY_UNIT_BYTES },
	{ "KB",		1e3,			POLICY_UNIT_BYTES },
	{ "MB",		1e6,			POLICY_UNIT_BYTES },
	{ "GB",		1e9,			POLICY_UNIT_BYTES },
	{ "TB",		1e12,			POLICY_UNIT_BYTES },
	{ "KiB",	1024.0,			POLICY_UNIT_BYTES },
	{ "MiB",	1048576.0,		POLICY_UNIT_BYTES },
	{ "GiB",	1073741824.0,		POLICY_UNIT_BYTES },
	{ "TiB",	1099511627776.0,	POLICY_UNIT_BYTES },
};

/* Largest first: policy_format_duration picks the first that divides. */
static const struct {
	const char	*name;
	int64_t		 ns;
} policy_dunits[] = {
	{ "w",	INT64_C(604800000000000) },
	{ "d",	INT64_C(86400000000000) },
	{ "h",	INT64_C(3600000000000) },
	{ "m",	INT64_C(60000000000) },
	{ "s",	INT64_C(1000000000) },
	{ "ms",	INT64_C(1000000) },
	{ "u",	INT64_C(1000) },
	{ "ns",	INT64_C(1) },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

const char *
policy_show(const char *s, char *out)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (s[i] != '\0') {
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
skip_blanks(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/* Length of s without trailing blanks. */
static size_t
trimmed_len(const char *s)
{
	size_t	n = strlen(s);

	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return n;
}

bool
policy_field_known(const char *name)
{
	return policy_field_unit(name) != POLICY_UNIT_NONE;
}

enum policy_unit
policy_field_unit(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < NITEMS(policy_fields); i++) {
		if (strcmp(name, policy_fields[i].name) == 0)
			return policy_fields[i].unit;
	}
	return POLICY_UNIT_NONE;
}

int
policy_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
	const char	*p = s;
	bool		 neg = false;
	uint64_t	 n = 0, lim;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (lim - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0')
		return -EINVAL;
	*v = neg ? (int64_t)(0 - n) : (int64_t)n;
	if (*v < lo || *v > hi)
		return -ERANGE;
	return 0;
}

/*
 * Parse an unsigned decimal (digits, optional '.' and digits) at *pp,
 * advancing *pp past it. Returns 0 or -EINVAL.
 */
static int
parse_decimal(const char **pp, double *v)
{
	char		 tmp[NUMBER_MAX + 1];
	const char	*p = *pp;
	size_t		 n;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -EINVAL;
		for (p++; isdigit((unsigned char)*p); p++)
			;
	}
	n = (size_t)(p - *pp);
	if (n > NUMBER_MAX)
		return -EINVAL;
	memcpy(tmp, *pp, n);
	tmp[n] = '\0';
	*v = strtod(tmp, NULL);
	*pp = p;
	return isfinite(*v) ? 0 : -EINVAL;
}

/*
 * Parse "number [unit]" at p for column col (whole text s, for messages).
 * Stores the value with the unit applied and the unit family.
 * Returns 0 or -EINVAL with a sentence in err.
 */
/* A trailing "/s" (a rate) cut from p[0..*n), blanks before it too. */
static bool
cut_per_second(const char *p, size_t *n)
{
	if (*n < 2 || p[*n - 2] != '/' || (p[*n - 1] != 's' &&
	    p[*n - 1] != 'S'))
		return false;
	*n -= 2;
	while (*n > 0 && (p[*n - 1] == ' ' || p[*n - 1] == '\t'))
		(*n)--;
	return true;
}

/* The unit family of a rate: N/s, 5MB/s; -1 for %/s. */
static int
per_second(enum policy_unit u)
{
	return u == POLICY_UNIT_NONE ? POLICY_UNIT_PER_S :
	    u == POLICY_UNIT_BYTES ? POLICY_UNIT_BYTES_PER_S : -1;
}

/*
 * Parse "number [unit][/s]" at p for column col (whole text s, for
 * messages). Stores the value with the unit applied and the unit family.
 * Returns 0 or -EINVAL with a sentence in err.
 */
static int
parse_quantity(const char *col, const char *s, const char *p, double *v,
    enum policy_unit *unit, char *err, size_t errlen)
{
	char	 vs[POLICY_SHOW_SIZE], us[POLICY_SHOW_SIZE], u[SHOW_MAX + 1];
	size_t	 i, n;
	bool	 rate;
	int	 f;

	if (parse_decimal(&p, v) != 0) {
		errf(err, errlen, "%s \"%s\": expected a number such as 70, "
		    "70%% or 512MB", col, policy_show(s, vs));
		return -EINVAL;
	}
	p = skip_blanks(p);
	n = trimmed_len(p);
	rate = cut_per_second(p, &n);
	*unit = POLICY_UNIT_NONE;
	for (i = 0; n > 0 && i < NITEMS(policy_units); i++) {
		if (strlen(policy_units[i].name) == n &&
		    strncasecmp(p, policy_units[i].name, n) == 0) {
			*v *= policy_units[i].factor;
			*unit = policy_units[i].unit;
			break;
		}
	}
	if (n == 0 || i < NITEMS(policy_units)) {
		if (!rate)
			return 0;
		if ((f = per_second(*unit)) >= 0) {
			*unit = (enum policy_unit)f;
			return 0;
		}
	}
	n = trimmed_len(p);
	n = n < SHOW_MAX ? n : SHOW_MAX;
	memcpy(u, p, n);
	u[n] = '\0';
	errf(err, errlen, "%s \"%s\": unknown unit \"%s\" (use %%, B, KB, MB, "
	    "GB, TB, KiB, MiB, GiB or TiB; a rate adds /s, such as 5MB/s)",
	    col, policy_show(s, vs), policy_show(u, us));
	return -EINVAL;
}

/* Parse an optional leading operator at *pp; true when one was there. */
static bool
parse_op(const char **pp, enum policy_op *op)
{
	const char	*p = *pp;

	if (*p != '>' && *p != '<')
		return false;
	if (p[1] == '=')
		*op = *p == '>' ? POLICY_OP_GE : POLICY_OP_LE;
	else
		*op = *p == '>' ? POLICY_OP_GT : POLICY_OP_LT;
	*pp = p + (p[1] == '=' ? 2 : 1);
	return true;
}

int
policy_parse_threshold(const char *s, bool out_side,
    struct policy_threshold *t, char *err, size_t errlen)
{
	const char	*col = out_side ? "out_cond" : "in_cond";
	const char	*p;
	char		 vs[POLICY_SHOW_SIZE];
	bool		 greater;

	memset(t, 0, sizeof(*t));
	p = skip_blanks(s);
	t->op = out_side ? POLICY_OP_GT : POLICY_OP_LT;
	t->has_op = parse_op(&p, &t->op);
	greater = t->op == POLICY_OP_GT || t->op == POLICY_OP_GE;
	if (greater != out_side) {
		errf(err, errlen, "%s \"%s\": the scale-%s threshold must use "
		    "%s", col, policy_show(s, vs), out_side ? "out" : "in",
		    out_side ? "> or >=" : "< or <=");
		return -EINVAL;
	}
	p = skip_blanks(p);
	if (parse_quantity(col, s, p, &t->value, &t->unit, err, errlen) != 0)
		return -EINVAL;
	t->set = true;
	return 0;
}

/* Match one duration unit at p; returns its length (0: none). */
static size_t
match_dunit(const char *p, int64_t *ns)
{
	static const struct { const char *s; int64_t ns; } u[] = {
		{ "ns", 1 }, { "u", 1000 }, { "\xc2\xb5", 1000 },
		{ "ms", 1000000 }, { "s", INT64_C(1000000000) },
		{ "m", INT64_C(60000000000) }, { "h", INT64_C(3600000000000) },
		{ "d", INT64_C(86400000000000) },
		{ "w", INT64_C(604800000000000) },
	};
	size_t	i, n;

	for (i = 0; i < NITEMS(u); i++) {
		n = strlen(u[i].s);
		if (strncmp(p, u[i].s, n) == 0) {
			*ns = u[i].ns;
			return n;
		}
	}
	return 0;
}

int
policy_parse_duration(const char *s, int64_t *ns)
{
	const char	*p = s;
	int64_t		 total = 0, n, unit;
	size_t		 ulen;

	if (*p == '\0')
		return -EINVAL;
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (n = 0; isdigit((unsigned char)*p); p++) {
			if (n > (INT64_MAX - (*p - '0')) / 10)
				return -EINVAL;
			n = n * 10 + (*p - '0');
		}
		/* "ms" must win over "m": the table lists it first. */
		if ((ulen = match_dunit(p, &unit)) == 0)
			return -EINVAL;
		p += ulen;
		if (n > INT64_MAX / unit || total > INT64_MAX - n * unit)
			return -EINVAL;
		total += n * unit;
	}
	if (total <= 0)
		return -EINVAL;
	*ns = total;
	return 0;
}

void
policy_format_duration(int64_t ns, struct buf *b)
{
	uint64_t	mag;
	size_t		i;

	if (ns == 0) {
		buf_adds(b, "0s");
		return;
	}
	mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	if (ns < 0)
		buf_addc(b, '-');
	for (i = 0; i < NITEMS(policy_dunits); i++) {
		if (mag % (uint64_t)policy_dunits[i].ns == 0) {
			buf_printf(b, "%llu%s", (unsigned long long)
			    (mag / (uint64_t)policy_dunits[i].ns),
			    policy_dunits[i].name);
			return;
		}
	}
}

/*
 * Fixed-point text, never an exponent (InfluxQL numbers have none), with
 * the fewest decimals that read back as d.
 */
void
policy_format_number(double d, struct buf *b)
{
	char	tmp[64];
	int	prec;

	for (prec = 0; prec <= 20; prec++) {
		if (snprintf(tmp, sizeof(tmp), "%.*f", prec, d) <
		    (int)sizeof(tmp) && strtod(tmp, NULL) == d) {
			buf_adds(b, tmp);
			return;
		}
	}
	buf_printf(b, "%.17g", d);
}

int
policy_parse_bool(const char *s, bool *v)
{
	static const char *const yes[] = { "t", "true", "1", "yes", "y", "on" };
	static const char *const no[] = { "f", "false", "0", "no", "n", "off" };
	size_t	i;

	for (i = 0; i < NITEMS(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
			*v = strcasecmp(s, yes[i]) == 0;
			return 0;
		}
	}
	return -EINVAL;
}

int
policy_parse_amount(const char *col, const char *s, double *v,
    enum policy_unit *unit, char *err, size_t errlen)
{
	return parse_quantity(col, s, skip_blanks(s), v, unit, err, errlen);
}
