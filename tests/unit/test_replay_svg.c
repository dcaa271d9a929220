/* Unit tests for replay_svg: the plot of dasctl replay --plot. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

#define NS_S	INT64_C(1000000000)

/* n ticks of 10 s: load 100 then 400, das and the peer following. */
static struct replay_result
result(size_t n, bool has_peer)
{
	struct replay_result	r;
	size_t			i;

	memset(&r, 0, sizeof(r));
	r.rows = calloc(n, sizeof(*r.rows));
	cr_assert_not_null(r.rows);
	r.nrows = n;
	r.has_peer = has_peer;
	r.start = 2;
	r.span_ns = (int64_t)n * 10 * NS_S;
	for (i = 0; i < n; i++) {
		r.rows[i].t_ns = (int64_t)(i + 1) * 10 * NS_S;
		r.rows[i].load = i < n / 2 ? 100 : 400;
		r.rows[i].demand = i < n / 2 ? 2 : 5;
		r.rows[i].replicas = i < n / 2 + 3 ? 2 : 6;
		r.rows[i].ready = i < n / 2 + 5 ? 2 : 6;
		r.rows[i].value = NAN;
		r.rows[i].action = "steady";
		r.rows[i].reason = "in_band";
		r.rows[i].peer_ready = has_peer ? (i < n / 2 + 4 ? 2 : 8) : -1;
		r.rows[i].peer_replicas = has_peer ? (i < n / 2 + 2 ? 2 : 8) :
		    -1;
	}
	return r;
}

/* The plot of r as a string (free it). */
static char *
plot(const struct replay_result *r, const char *title)
{
	char	*s = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&s, &len);
	cr_assert_not_null(f);
	cr_assert_eq(replay_svg_write(f, r, title), 0);
	cr_assert_eq(fclose(f), 0);
	return s;
}

static size_t
count(const char *s, const char *what)
{
	size_t	n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* The points attribute of the polyline of class cls: how many points. */
static size_t
points_of(const char *s, const char *cls)
{
	char		 key[64];
	const char	*p, *e;
	size_t		 n = 0;

	snprintf(key, sizeof(key), "<polyline class=\"%s\"", cls);
	p = strstr(s, key);
	cr_assert_not_null(p, "no polyline %s", cls);
	p = strstr(p, "points=\"");
	cr_assert_not_null(p);
	p += strlen("points=\"");
	e = strchr(p, '"');
	cr_assert_not_null(e);
	if (e > p)
		n = 1;
	for (; p < e; p++)
		n += *p == ' ';
	return n;
}

/* The y range of the points of polyline cls (y grows downwards). */
static void
y_range(const char *s, const char *cls, double *lo, double *hi)
{
	char		 key[64], *end;
	const char	*p;
	double		 y;

	snprintf(key, sizeof(key), "<polyline class=\"%s\"", cls);
	p = strstr(strstr(s, key), "points=\"") + strlen("points=\"");
	*lo = INFINITY;
	*hi = -INFINITY;
	while (*p != '"') {
		strtod(p, &end);
		cr_assert_eq(*end, ',');
		y = strtod(end + 1, &end);
		*lo = fmin(*lo, y);
		*hi = fmax(*hi, y);
		p = end;
		while (*p == ' ')
			p++;
	}
}

Test(replay_svg, document_with_peer)
{
	struct replay_result	 r = result(60, true);
	char			*s;

	s = plot(&r, "web <1h> & \"peer\" 'hpa'");
	cr_expect_eq(strncmp(s, "<svg ", 5), 0, "starts: %.20s", s);
	cr_expect(strlen(s) > 7 && strcmp(s + strlen(s) - 7, "</svg>\n") == 0);
	cr_expect_eq(count(s, "<svg"), 1);
	cr_expect_eq(count(s, "</svg>"), 1);
	cr_expect_not_null(strstr(s, "web &lt;1h&gt; &amp; &quot;peer&quot; "
	    "&apos;hpa&apos;"));
	cr_expect_null(strstr(s, "<1h>"));
	cr_expect_eq(count(s, "<polyline "), 6);
	cr_expect_not_null(strstr(s, "class=\"peer-ready\""));
	cr_expect_not_null(strstr(s, "class=\"peer-replicas\""));
	cr_expect_not_null(strstr(s, "HPA ready"));
	cr_expect_eq(count(s, "<"), count(s, ">"));
	cr_expect_not_null(strstr(s, "time (minutes)"));
	free(s);
	free(r.rows);
}

Test(replay_svg, no_peer_no_peer_lines)
{
	struct replay_result	 r = result(60, false);
	char			*s;

	s = plot(&r, "web");
	cr_expect_eq(count(s, "<polyline "), 4);
	cr_expect_null(strstr(s, "peer"));
	cr_expect_null(strstr(s, "HPA"));
	cr_expect_not_null(strstr(s, "class=\"load\""));
	cr_expect_not_null(strstr(s, "class=\"demand\""));
	cr_expect_not_null(strstr(s, "class=\"das-ready\""));
	cr_expect_not_null(strstr(s, "class=\"das-replicas\""));
	free(s);
	free(r.rows);
}

Test(replay_svg, control_characters_and_null_title)
{
	struct replay_result	 r = result(6, false);
	char			*s;

	s = plot(&r, "a\001b\nc");
	cr_expect_not_null(strstr(s, ">a b c</text>"));
	free(s);
	s = plot(&r, NULL);
	cr_expect_not_null(strstr(s, "das replay"));
	free(s);
	free(r.rows);
}

/*
 * A week at 1 s: each line keeps at most ~4000 points, and a burst one
 * tick long still reaches the top of its panel (y 50, the load panel's
 * top edge in replay_svg.c) while the calm load, 1/40 of it, stays near
 * the bottom (y 250).
 */
Test(replay_svg, downsampled_bursts_stay)
{
	struct replay_result	 r = result(604800, true);
	static const char	*cls[] = { "load", "demand", "das-ready",
	    "das-replicas", "peer-ready", "peer-replicas" };
	char			*s;
	double			 lo, hi;
	size_t			 i;

	for (i = 0; i < r.nrows; i++) {
		r.rows[i].t_ns = (int64_t)(i + 1) * NS_S;
		r.rows[i].load = 100;
	}
	r.span_ns = (int64_t)r.nrows * NS_S;
	r.rows[333333].load = 4000;
	s = plot(&r, "week");
	for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
		cr_expect_leq(points_of(s, cls[i]), 4000, "%s: %zu points",
		    cls[i], points_of(s, cls[i]));
	y_range(s, "load", &lo, &hi);
	cr_expect_float_eq(lo, 50, 0.01, "the burst is drawn: top y %g", lo);
	cr_expect_float_eq(hi, 245, 0.01, "the calm load: y %g", hi);
	cr_expect_not_null(strstr(s, "time (hours)"));
	free(s);
	free(r.rows);
}

Test(replay_svg, empty_result)
{
	struct replay_result	 r;
	char			*s;

	memset(&r, 0, sizeof(r));
	s = plot(&r, "");
	cr_expect_eq(strncmp(s, "<svg ", 5), 0);
	cr_expect_eq(count(s, "<polyline "), 4);
	cr_expect_eq(count(s, "points=\"\""), 4);
	free(s);
}

Test(replay_svg, write_error_is_reported)
{
	struct replay_result	 r = result(60, true);
	FILE			*f;

	f = fopen("/dev/full", "w");
	if (f == NULL)
		cr_skip_test("no /dev/full");
	cr_expect_eq(replay_svg_write(f, &r, "web"), -ENOSPC);
	fclose(f);
	free(r.rows);
}
