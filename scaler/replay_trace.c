/*
 * replay_trace: dasctl replay --trace FILE, a CSV "time,load" resampled
 * to the model's interval (replay.h). Times are seconds from any origin
 * or RFC 3339 (a trace exported from InfluxDB or a load balancer's log).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "replay.h"
#include "xmalloc.h"

#define NS	1e9

/* "2024-05-01T12:00:00.25Z" or "+02:00" offsets, to seconds. */
int
replay_parse_time(const char *s, double *sec)
{
	struct tm	tm;
	int		n = 0, oh, om;
	double		frac = 0;
	char		sep;
	time_t		t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 7 ||
	    (sep != 'T' && sep != 't' && sep != ' '))
		return -1;
	s += n;
	if (*s == '.') {
		frac = strtod(s, (char **)&s);
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*sec = (double)t + frac;
	if (*s == 'Z' || *s == 'z')
		return s[1] == '\0' ? 0 : -1;
	if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d%n", &oh, &om,
	    &n) == 2 && s[1 + n] == '\0') {
		*sec -= (*s == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
		return 0;
	}
	return -1;
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

/* Cut line into its two fields (in place); trailing CR/LF removed. */
static int
trace_fields(char *line, char **a, char **b)
{
	char	*c;

	line[strcspn(line, "\r\n")] = '\0';
	if ((c = strchr(line, ',')) == NULL || strchr(c + 1, ',') != NULL)
		return -1;
	*c = '\0';
	*a = line;
	*b = c + 1;
	return 0;
}

struct trace_rows {
	double	*t, *v;
	size_t	 n, cap;
};

static void
trace_push(struct trace_rows *r, double t, double v)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->t = xreallocarray(r->t, r->cap, sizeof *r->t);
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	r->t[r->n] = t;
	r->v[r->n++] = v;
}

static int
trace_row(struct trace_rows *r, char *line, const char *name,
    unsigned long lineno, char *err, size_t errlen)
{
	char	*a, *b;
	double	 t, v;

	if (trace_fields(line, &a, &b) != 0) {
		errf(err, errlen, "%s:%lu: not two fields \"time,load\"",
		    name, lineno);
		return -EINVAL;
	}
	if (trace_number(a, &t) != 0 && replay_parse_time(a, &t) != 0) {
		errf(err, errlen, "%s:%lu: time \"%.40s\" is neither seconds "
		    "nor RFC 3339", name, lineno, a);
		return -EINVAL;
	}
	if (trace_number(b, &v) != 0 || v < 0) {
		errf(err, errlen, "%s:%lu: load \"%.40s\" is not a number "
		    ">= 0", name, lineno, b);
		return -EINVAL;
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

/* The rows of f after its header. */
static int
trace_rows_read(FILE *f, const char *name, struct trace_rows *r, char *err,
    size_t errlen)
{
	char		*line = NULL, *a, *b;
	size_t		 cap = 0;
	unsigned long	 lineno = 1;
	int		 rc = 0;

	if (getline(&line, &cap, f) < 0 || trace_fields(line, &a, &b) != 0 ||
	    strcmp(a, "time") != 0 || strcmp(b, "load") != 0) {
		errf(err, errlen, "%s:1: the header must be \"time,load\"",
		    name);
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
static void
trace_resample(const struct trace_rows *r, int64_t interval_ns,
    struct replay_load *l)
{
	double	 iv = (double)interval_ns / NS, origin = r->t[0];
	double	 spacing = (r->t[r->n - 1] - origin) / (double)(r->n - 1);
	double	*sum;
	size_t	*cnt, i, k;

	l->n = (size_t)floor((r->t[r->n - 1] - origin + spacing) / iv + 0.5);
	if (l->n == 0)
		l->n = 1;
	l->load = xcalloc(l->n, sizeof *l->load);
	sum = xcalloc(l->n, sizeof *sum);
	cnt = xcalloc(l->n, sizeof *cnt);
	for (i = 0; i < r->n; i++) {
		k = (size_t)floor((r->t[i] - origin) / iv + 1e-9);
		if (k >= l->n)
			k = l->n - 1;
		sum[k] += r->v[i];
		cnt[k]++;
	}
	for (k = 0; k < l->n; k++)
		l->load[k] = cnt[k] ? sum[k] / (double)cnt[k] :
		    k > 0 ? l->load[k - 1] : r->v[0];
	l->interval_ns = interval_ns;
	l->origin_ns = 0;
	free(sum);
	free(cnt);
}

int
replay_trace_read(FILE *f, const char *name, int64_t interval_ns,
    struct replay_load *l, char *err, size_t errlen)
{
	struct trace_rows	r;
	int			rc;

	memset(l, 0, sizeof *l);
	memset(&r, 0, sizeof r);
	rc = trace_rows_read(f, name, &r, err, errlen);
	if (rc == 0)
		trace_resample(&r, interval_ns, l);
	free(r.t);
	free(r.v);
	return rc;
}
