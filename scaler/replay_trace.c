/*
 * replay_trace: dasctl replay --trace FILE, a CSV "time,load" resampled
 * to the model's interval (replay.h). Times are seconds from any origin
 * or RFC 3339 (a trace exported from InfluxDB or a load balancer's log).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "replay.h"
#include "xmalloc.h"

#define NS	1e9
/* Intervals at most (replay_hist.c's limit): a year at 1 s. */
#define REPLAY_TRACE_MAX	50000000

/* n decimal digits at s into *v; -1 unless all n are digits. */
static int
time_digits(const char *s, int n, int *v)
{
	for (*v = 0; n > 0; n--, s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		*v = *v * 10 + (*s - '0');
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (days_from_civil). */
static int64_t
time_days(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int
time_mdays(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/*
 * RFC 3339's date-time ("2024-05-01T12:00:00.25Z", "...+02:00"; a space
 * or t for the T, z for the Z) to seconds. Every field in its range (a
 * second of 60, a leap second, is the next minute's first): 2024-13-01
 * is refused, not read as 2025-01-01. The fraction is digits only.
 */
int
replay_parse_time(const char *s, double *sec)
{
	char	fbuf[40];
	int	y, mo, d, h, mi, se, oh = 0, om = 0, nf = 0;
	double	frac = 0;

	if (time_digits(s, 4, &y) != 0 || s[4] != '-' ||
	    time_digits(s + 5, 2, &mo) != 0 || s[7] != '-' ||
	    time_digits(s + 8, 2, &d) != 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    time_digits(s + 11, 2, &h) != 0 || s[13] != ':' ||
	    time_digits(s + 14, 2, &mi) != 0 || s[16] != ':' ||
	    time_digits(s + 17, 2, &se) != 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > time_mdays(y, mo) || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		while (isdigit((unsigned char)s[1 + nf]))
			nf++;
		if (nf == 0)
			return -1;
		snprintf(fbuf, sizeof fbuf, "0.%.*s", nf > 30 ? 30 : nf, s + 1);
		frac = strtod(fbuf, NULL);
		s += 1 + nf;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		;
	else if ((*s == '+' || *s == '-') && time_digits(s + 1, 2, &oh) == 0 &&
	    s[3] == ':' && time_digits(s + 4, 2, &om) == 0 && s[6] == '\0' &&
	    oh <= 23 && om <= 59) {
		if (*s == '-') {
			oh = -oh;
			om = -om;
		}
	} else
		return -1;
	*sec = (double)(((time_days(y, mo, d) * 24 + h) * 60 + mi) * 60 + se -
	    (oh * 3600 + om * 60)) + frac;
	return 0;
}

/* A decimal number and nothing else (blanks around allowed). */
static int
trace_number(const char *s, double *v)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' && errno == 0 && isfinite(*v) ? 0 : -1;
}

/*
 * A field in double quotes, as spreadsheets write CSV (RFC 4180; no
 * comma or quote inside: no time or number has one): its inside. Blanks
 * around the quotes are dropped; the inside is then read as it is.
 */
static char *
trace_unquote(char *field)
{
	char	*end;

	field += strspn(field, " \t");
	end = field + strlen(field);
	while (end > field && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - field >= 2 && *field == '"' && end[-1] == '"') {
		end[-1] = '\0';
		return field + 1;
	}
	return field;
}

/*
 * Cut line into exactly nf fields (in place), at f[0..nf), each without
 * its quotes; trailing CR/LF removed. -1 when it has another number of
 * fields.
 */
static int
trace_fields(char *line, char **f, size_t nf)
{
	size_t	i;
	char	*c;

	line[strcspn(line, "\r\n")] = '\0';
	for (i = 0; i < nf; i++) {
		c = strchr(line, ',');
		if ((c == NULL) != (i == nf - 1))
			return -1;
		if (c != NULL)
			*c = '\0';
		f[i] = trace_unquote(line);
		if (c != NULL)
			line = c + 1;
	}
	return 0;
}

/* The rows read: time t[i], loads v[i × nl + j]. */
struct trace_rows {
	double	*t, *v;
	size_t	 n, cap, nl;
};

static void
trace_push(struct trace_rows *r, double t, const double *v)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->t = xreallocarray(r->t, r->cap, sizeof *r->t);
		r->v = xreallocarray(r->v, r->cap, r->nl * sizeof *r->v);
	}
	r->t[r->n] = t;
	memcpy(r->v + r->n * r->nl, v, r->nl * sizeof *v);
	r->n++;
}

static int
trace_row(struct trace_rows *r, char *line, const char *name,
    unsigned long lineno, char *err, size_t errlen)
{
	char	*f[1 + REPLAY_TRACE_LOADS];
	double	 t, v[REPLAY_TRACE_LOADS];
	size_t	 j;

	if (trace_fields(line, f, 1 + r->nl) != 0) {
		if (r->nl == 1)
			errf(err, errlen, "%s:%lu: not two fields "
			    "\"time,load\"", name, lineno);
		else
			errf(err, errlen, "%s:%lu: not %zu fields as the "
			    "header's", name, lineno, 1 + r->nl);
		return -EINVAL;
	}
	if (trace_number(f[0], &t) != 0 && replay_parse_time(f[0], &t) != 0) {
		errf(err, errlen, "%s:%lu: time \"%.40s\" is neither seconds "
		    "nor RFC 3339", name, lineno, f[0]);
		return -EINVAL;
	}
	for (j = 0; j < r->nl; j++) {
		if (trace_number(f[1 + j], &v[j]) != 0 || v[j] < 0 ||
		    v[j] > REPLAY_LOAD_MAX) {
			errf(err, errlen, "%s:%lu: load \"%.40s\" is not a "
			    "number from 0 to %g", name, lineno, f[1 + j],
			    REPLAY_LOAD_MAX);
			return -EINVAL;
		}
	}
	if (r->n > 0 && t <= r->t[r->n - 1]) {
		errf(err, errlen, "%s:%lu: time %.3f is not after the line "
		    "before's (%.3f): the rows must be in increasing time",
		    name, lineno, t, r->t[r->n - 1]);
		return -EINVAL;
	}
	trace_push(r, t, v);
	return 0;
}

/*
 * The header: "time,load" for one load, "time,A,B,..." (any names) for
 * a group's r->nl loads.
 */
static int
trace_header(char *line, const struct trace_rows *r)
{
	char	*f[1 + REPLAY_TRACE_LOADS];
	size_t	 j;

	/* A UTF-8 byte order mark, as spreadsheets save CSV, is not a name. */
	if (strncmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	if (trace_fields(line, f, 1 + r->nl) != 0 || strcmp(f[0], "time") != 0)
		return -1;
	if (r->nl == 1)
		return strcmp(f[1], "load") == 0 ? 0 : -1;
	for (j = 1; j <= r->nl; j++)
		if (*f[j] == '\0')
			return -1;
	return 0;
}

/* The rows of f after its header. */
static int
trace_rows_read(FILE *f, const char *name, struct trace_rows *r, char *err,
    size_t errlen)
{
	char		*line = NULL;
	size_t		 cap = 0;
	unsigned long	 lineno = 1;
	int		 rc = 0;

	if (getline(&line, &cap, f) < 0 || trace_header(line, r) != 0) {
		if (r->nl == 1)
			errf(err, errlen, "%s:1: the header must be "
			    "\"time,load\"", name);
		else
			errf(err, errlen, "%s:1: the header must be \"time\" "
			    "and %zu load columns, one per row of the group "
			    "(\"time,cpu,rate\")", name, r->nl);
		free(line);
		return -EINVAL;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] != '\0')
			rc = trace_row(r, line, name, lineno, err, errlen);
	}
	if (rc == 0 && ferror(f)) {
		errf(err, errlen, "%s: %s", name, strerror(errno));
		rc = -EIO;
	}
	if (rc == 0 && r->n < 2) {
		errf(err, errlen, "%s: %zu sample(s); a trace needs two or "
		    "more", name, r->n);
		rc = -EINVAL;
	}
	free(line);
	return rc;
}

/*
 * Each interval's load is the mean of the rows in it; one with none (a
 * trace sparser than the interval) holds the last. The trace's last row
 * lasts one mean spacing, so n intervals cover the trace's whole span.
 */
static int
trace_resample(const struct trace_rows *r, size_t j, int64_t interval_ns,
    struct replay_load *l, const char *name, char *err, size_t errlen)
{
	double	 iv = (double)interval_ns / NS, origin = r->t[0];
	double	 spacing = (r->t[r->n - 1] - origin) / (double)(r->n - 1);
	double	 n, *sum;
	size_t	*cnt, i, k;

	n = floor((r->t[r->n - 1] - origin + spacing) / iv + 0.5);
	if (!(n <= REPLAY_TRACE_MAX)) {
		errf(err, errlen, "%s: the trace spans %.3g days, more than %d "
		    "intervals of %.3g s; replay a shorter trace or a longer "
		    "--interval", name, (r->t[r->n - 1] - origin) / 86400,
		    REPLAY_TRACE_MAX, iv);
		return -EINVAL;
	}
	l->n = (size_t)n;
	if (l->n == 0)
		l->n = 1;
	l->load = xcalloc(l->n, sizeof *l->load);
	sum = xcalloc(l->n, sizeof *sum);
	cnt = xcalloc(l->n, sizeof *cnt);
	for (i = 0; i < r->n; i++) {
		k = (size_t)floor((r->t[i] - origin) / iv + 1e-9);
		if (k >= l->n)
			k = l->n - 1;
		sum[k] += r->v[i * r->nl + j];
		cnt[k]++;
	}
	for (k = 0; k < l->n; k++)
		l->load[k] = cnt[k] ? sum[k] / (double)cnt[k] :
		    k > 0 ? l->load[k - 1] : r->v[j];
	l->interval_ns = interval_ns;
	l->origin_ns = 0;
	free(sum);
	free(cnt);
	return 0;
}

int
replay_trace_read_group(FILE *f, const char *name, int64_t interval_ns,
    struct replay_load *l, size_t nl, char *err, size_t errlen)
{
	struct trace_rows	r;
	size_t			j;
	int			rc;

	if (nl == 0 || nl > REPLAY_TRACE_LOADS) {
		errf(err, errlen, "%s: a trace holds 1 to %d loads, not %zu",
		    name, REPLAY_TRACE_LOADS, nl);
		return -EINVAL;
	}
	memset(l, 0, nl * sizeof *l);
	memset(&r, 0, sizeof r);
	r.nl = nl;
	rc = trace_rows_read(f, name, &r, err, errlen);
	for (j = 0; rc == 0 && j < nl; j++)
		rc = trace_resample(&r, j, interval_ns, &l[j], name, err,
		    errlen);
	for (j = 0; rc != 0 && j < nl; j++)
		replay_load_free(&l[j]);
	free(r.t);
	free(r.v);
	return rc;
}

int
replay_trace_read(FILE *f, const char *name, int64_t interval_ns,
    struct replay_load *l, char *err, size_t errlen)
{
	return replay_trace_read_group(f, name, interval_ns, l, 1, err,
	    errlen);
}
