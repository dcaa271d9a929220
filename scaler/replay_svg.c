/*
 * replay_svg: dasctl replay --plot, a hand-written SVG of a replay (see
 * replay.h). Two panels over one time axis: the load on top; below it
 * the demand and the replica counts of das and, with a peer, of the
 * peer. No plotting dependency: one polyline per series, downsampled to
 * the min and max of each pixel column (in the order they occur) so that
 * a burst one tick long stays visible over a week and no line holds
 * more than 3 points per column (PLOT_W columns).
 *
 * Only the structs of replay.h are used, no replay function: this file
 * links with or without the replay core.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"

#define PLOT_X		70	/* left margin: the y axis labels */
#define PLOT_W		1200	/* pixel columns of the plot */
#define SVG_W		(PLOT_X + PLOT_W + 30)
#define TOP_Y		50	/* load panel */
#define TOP_H		200
#define BOT_Y		(TOP_Y + TOP_H + 30) /* replicas panel */
#define BOT_H		300
#define AXIS_Y		(BOT_Y + BOT_H)
#define LEGEND_Y	(AXIS_Y + 55)
#define SVG_H		(LEGEND_Y + 30)
#define NS_S		1e9

enum svg_field {
	F_LOAD, F_DEMAND, F_REPLICAS, F_READY, F_PEER_REPLICAS, F_PEER_READY
};

struct svg_series {
	const char	*cls;		/* class attribute: tests find it */
	const char	*label;
	const char	*color;
	const char	*dash;		/* NULL: solid */
	enum svg_field	 field;
	bool		 bottom;	/* the replicas panel */
	bool		 peer;
	bool		 step;		/* an integer count: drawn as steps */
};

static const struct svg_series svg_series[] = {
	{ "load", "load", "#2a8c4a", NULL, F_LOAD, false, false, false },
	{ "demand", "demand (replicas)", "#444444", "2,2", F_DEMAND, true,
	    false, true },
	{ "das-replicas", "das replicas (starting too)", "#1f5fbf", "6,3",
	    F_REPLICAS, true, false, true },
	{ "das-ready", "das ready", "#1f5fbf", NULL, F_READY, true, false,
	    true },
	{ "peer-replicas", "HPA replicas (starting too)", "#e07b00", "6,3",
	    F_PEER_REPLICAS, true, true, true },
	{ "peer-ready", "HPA ready", "#e07b00", NULL, F_PEER_READY, true,
	    true, true },
};
#define NSERIES	(sizeof(svg_series) / sizeof(svg_series[0]))

/* A panel's mapping of values to y. */
struct svg_panel {
	double		 y0, h;		/* top edge, height in px */
	double		 vmax;		/* value at the top edge */
	double		 step;		/* between y ticks */
};

/* The points of one polyline being written. */
struct svg_pts {
	FILE		*f;
	bool		 step;
	size_t		 n;
	double		 lastx, lasty;
};

static double
row_value(const struct replay_row *r, enum svg_field f)
{
	switch (f) {
	case F_LOAD:
		return r->load;
	case F_DEMAND:
		return r->demand;
	case F_REPLICAS:
		return r->replicas;
	case F_READY:
		return r->ready;
	case F_PEER_REPLICAS:
		return r->peer_replicas < 0 ? NAN : r->peer_replicas;
	case F_PEER_READY:
		return r->peer_ready < 0 ? NAN : r->peer_ready;
	}
	return NAN;
}

/* The title as XML character data: markup escaped, controls dropped. */
static void
xml_escape(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* XML 1.0 allows no other C0 control, even escaped. */
			if ((unsigned char)*s < 0x20 && *s != '\t')
				fputc(' ', f);
			else
				fputc(*s, f);
		}
	}
}

/* A 1-2-5 tick step giving at most 5 ticks up to v; integral if asked. */
static void
panel_scale(struct svg_panel *pn, double v, bool integral)
{
	static const double	 m[] = { 1, 2, 5 };
	double			 p, s;
	size_t			 i;

	if (!isfinite(v) || v <= 0)
		v = 1;
	for (p = integral ? 1 : pow(10, floor(log10(v / 5))); ; p *= 10) {
		for (i = 0; i < 3; i++) {
			s = m[i] * p;
			if (v / s <= 5)
				goto found;
		}
	}
found:
	pn->step = s;
	pn->vmax = ceil(v / s - 1e-9) * s;
}

static double
panel_y(const struct svg_panel *pn, double v)
{
	return pn->y0 + pn->h - v / pn->vmax * pn->h;
}

static void
pts_add(struct svg_pts *p, double x, double y)
{
	/* A count holds until the next tick: go across, then up or down. */
	if (p->step && p->n > 0 && y != p->lasty && x - p->lastx > 1.0)
		fprintf(p->f, " %.1f,%.1f", x, p->lasty);
	fprintf(p->f, "%s%.1f,%.1f", p->n == 0 ? "" : " ", x, y);
	p->n++;
	p->lastx = x;
	p->lasty = y;
}

/* Rows [a, b) share pixel column x: their min and max, in their order. */
static void
pts_column(struct svg_pts *p, const struct replay_result *r, size_t a,
    size_t b, const struct svg_series *s, const struct svg_panel *pn)
{
	double	v, lo = INFINITY, hi = -INFINITY, x;
	size_t	i, ilo = 0, ihi = 0;

	for (i = a; i < b; i++) {
		v = row_value(&r->rows[i], s->field);
		if (!isfinite(v))
			continue;
		if (v < lo) {
			lo = v;
			ilo = i;
		}
		if (v > hi) {
			hi = v;
			ihi = i;
		}
	}
	if (lo > hi)
		return;
	x = PLOT_X + r->rows[a].t_ns / (double)r->span_ns * PLOT_W;
	if (x > PLOT_X + PLOT_W)
		x = PLOT_X + PLOT_W;
	if (lo == hi)
		pts_add(p, x, panel_y(pn, lo));
	else if (ilo < ihi) {
		pts_add(p, x, panel_y(pn, lo));
		pts_add(p, x, panel_y(pn, hi));
	} else {
		pts_add(p, x, panel_y(pn, hi));
		pts_add(p, x, panel_y(pn, lo));
	}
}

static long
column_of(const struct replay_result *r, size_t i)
{
	long	c;

	c = (long)(r->rows[i].t_ns / (double)r->span_ns * PLOT_W);
	return c < 0 ? 0 : c >= PLOT_W ? PLOT_W - 1 : c;
}

static void
svg_polyline(FILE *f, const struct replay_result *r,
    const struct svg_series *s, const struct svg_panel *pn)
{
	struct svg_pts	p = { f, s->step, 0, 0, 0 };
	size_t		a, i;

	fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"1.5\"%s%s%s points=\"", s->cls, s->color,
	    s->dash != NULL ? " stroke-dasharray=\"" : "",
	    s->dash != NULL ? s->dash : "", s->dash != NULL ? "\"" : "");
	for (a = 0; a < r->nrows; a = i) {
		for (i = a + 1; i < r->nrows &&
		    column_of(r, i) == column_of(r, a); i++)
			;
		pts_column(&p, r, a, i, s, pn);
	}
	fputs("\"/>\n", f);
}

/* A panel's frame, its y grid and labels, and its name. */
static void
svg_panel_frame(FILE *f, const struct svg_panel *pn, const char *name)
{
	double	v, y;

	fprintf(f, "<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%.0f\" "
	    "fill=\"none\" stroke=\"#888888\"/>\n", PLOT_X, pn->y0, PLOT_W,
	    pn->h);
	for (v = 0; v <= pn->vmax + pn->step / 2; v += pn->step) {
		y = panel_y(pn, v);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"#e4e4e4\"/>\n", PLOT_X, y, PLOT_X + PLOT_W, y);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g"
		    "</text>\n", PLOT_X - 6, y + 4, v);
	}
	fprintf(f, "<text x=\"%d\" y=\"%.0f\" transform=\"rotate(-90 %d "
	    "%.0f)\" text-anchor=\"middle\">%s</text>\n", 16,
	    pn->y0 + pn->h / 2, 16, pn->y0 + pn->h / 2, name);
}

/* The time axis, in seconds, minutes or hours as the span fits. */
static void
svg_time_axis(FILE *f, int64_t span_ns)
{
	static const double	 steps[] = { 1, 2, 3, 5, 6, 10, 12, 15, 20,
	    24, 30, 48, 60, 72, 120, 168, 336, 720 };
	double			 span = span_ns / NS_S, unit, t, x;
	const char		*name;
	size_t			 i;

	if (span > 3 * 3600.0) {
		unit = 3600;
		name = "hours";
	} else if (span > 180) {
		unit = 60;
		name = "minutes";
	} else {
		unit = 1;
		name = "seconds";
	}
	for (i = 0; i + 1 < sizeof(steps) / sizeof(steps[0]) &&
	    span / unit / steps[i] > 10; i++)
		;
	for (t = 0; t <= span / unit + 1e-9; t += steps[i]) {
		x = PLOT_X + t * unit / span * PLOT_W;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#888888\"/>\n", x, AXIS_Y, x, AXIS_Y + 5);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%g</text>\n", x, AXIS_Y + 18, t);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time "
	    "(%s)</text>\n", PLOT_X + PLOT_W / 2, AXIS_Y + 36, name);
}

static void
svg_legend(FILE *f, bool has_peer)
{
	size_t	i;
	int	x = PLOT_X;

	for (i = 0; i < NSERIES; i++) {
		if (svg_series[i].peer && !has_peer)
			continue;
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"%s\" stroke-width=\"2\"%s%s%s/>\n", x,
		    LEGEND_Y - 4, x + 24, LEGEND_Y - 4, svg_series[i].color,
		    svg_series[i].dash ? " stroke-dasharray=\"" : "",
		    svg_series[i].dash ? svg_series[i].dash : "",
		    svg_series[i].dash ? "\"" : "");
		fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 30,
		    LEGEND_Y, svg_series[i].label);
		x += 40 + 7 * (int)strlen(svg_series[i].label);
	}
}

/* The panels' scales: the largest value each shows. */
static void
svg_scales(const struct replay_result *r, struct svg_panel *top,
    struct svg_panel *bot)
{
	double	lmax = 0, rmax = 1, v;
	size_t	i, k;

	for (i = 0; i < r->nrows; i++) {
		if (isfinite(r->rows[i].load) && r->rows[i].load > lmax)
			lmax = r->rows[i].load;
		for (k = 1; k < NSERIES; k++) {
			v = row_value(&r->rows[i], svg_series[k].field);
			if (isfinite(v) && v > rmax)
				rmax = v;
		}
	}
	top->y0 = TOP_Y;
	top->h = TOP_H;
	panel_scale(top, lmax, false);
	bot->y0 = BOT_Y;
	bot->h = BOT_H;
	panel_scale(bot, rmax, true);
}

int
replay_svg_write(FILE *f, const struct replay_result *r, const char *title)
{
	struct replay_result	 rr = *r;
	struct svg_panel	 top, bot;
	size_t			 k;

	if (rr.span_ns <= 0)
		rr.span_ns = 1;
	svg_scales(&rr, &top, &bot);
	errno = 0;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
	    "font-size=\"12\">\n", SVG_W, SVG_H, SVG_W, SVG_H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	    "<text x=\"%d\" y=\"28\" font-size=\"16\">", PLOT_X);
	xml_escape(f, title != NULL ? title : "das replay");
	fputs("</text>\n", f);
	svg_panel_frame(f, &top, "load");
	svg_panel_frame(f, &bot, "replicas");
	svg_time_axis(f, rr.span_ns);
	for (k = 0; k < NSERIES; k++) {
		if (svg_series[k].peer && !rr.has_peer)
			continue;
		svg_polyline(f, &rr, &svg_series[k],
		    svg_series[k].bottom ? &bot : &top);
	}
	svg_legend(f, rr.has_peer);
	fputs("</svg>\n", f);
	if (fflush(f) == EOF || ferror(f))
		return errno != 0 ? -errno : -EIO;
	return 0;
}
