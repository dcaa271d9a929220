/*
 * tracegen: seeded synthetic load traces for dasctl replay --trace (the
 * decision-quality section of make bench, tests/bench/bench_replay.sh).
 *
 *   tracegen SHAPE [--seed N] [--days D | --hours H] [--step-s S]
 *
 * Writes CSV "time,load" to standard output: time in seconds from 0, one
 * row every S seconds (default 10); load in cpu_ratio units summed over
 * replicas (250 = two and a half cores busy). Shapes (default spans):
 *   step     (3 h) 500, a 4x step to 2000 at 1/3 of the span, back to
 *            500 at 2/3
 *   ramp     (4 h) 300 for 1/8 of the span, a linear rise to 2400 over
 *            3/8, a linear fall over 3/8, 300 for the last 1/8
 *   diurnal  (3 d) a daily sine wave between ~200 (at midnight) and
 *            ~2400 (at noon), each day's peak varying by +-10 %
 *   bursts   (1 d) a base of 400 with bursts at 15 and 45 minutes past
 *            each hour (+-90 s of jitter, 2-4 min long, 2.5-6x the base)
 *            and random ones (one every 2 h on average, 1-8 min, 2-5x)
 * Every shape carries multiplicative noise (a few percent). At
 * --demand-util 80 the load never needs more than 40 replicas (3200).
 *
 * The load is a function of time and seed alone: the noise is drawn at
 * fixed knots (every 10 s and every 60 s, interpolated between them) and
 * the bursts before the first row, each from its own stream, so that one
 * seed sampled every 1 s or every 10 s gives the same curve. The PRNG is
 * splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): same output on every libc.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S		86400.0
#define LOAD_MAX	3200.0	/* 40 replicas at 80 % of 100 */
#define NBURST_MAX	65536

struct rng {
	uint64_t	 s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t	z;

	z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1): the top 53 bits. */
static double
rng_unif(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static double
rng_range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unif(r);
}

/* Standard normal (Box-Muller; one of the pair is dropped). */
static double
rng_normal(struct rng *r)
{
	double	u1, u2;

	do
		u1 = rng_unif(r);
	while (u1 <= 0);
	u2 = rng_unif(r);
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static struct rng
rng_stream(uint64_t seed, uint64_t which)
{
	struct rng	r = { seed ^ (which * UINT64_C(0xd1b54a32d192ed03)) };

	rng_next(&r);
	return r;
}

/* Value noise: normal values at knots every `every` s, linear between. */
struct noise {
	struct rng	 r;
	double		 every;
	double		 sigma;		/* relative */
	long		 k;		/* the knot at or before t */
	double		 a, b;		/* values at knots k and k + 1 */
};

static void
noise_init(struct noise *n, uint64_t seed, uint64_t which, double every,
    double sigma)
{
	n->r = rng_stream(seed, which);
	n->every = every;
	n->sigma = sigma;
	n->k = 0;
	n->a = rng_normal(&n->r);
	n->b = rng_normal(&n->r);
}

/* The noise at t; t never decreases from one call to the next. */
static double
noise_at(struct noise *n, double t)
{
	long	k = (long)floor(t / n->every);
	double	f;

	while (n->k < k) {
		n->a = n->b;
		n->b = rng_normal(&n->r);
		n->k++;
	}
	f = t / n->every - (double)k;
	return n->sigma * (n->a + (n->b - n->a) * f);
}

struct burst {
	double		 start, len;	/* s */
	double		 extra;		/* load added on the plateau */
};

struct gen {
	const char	*shape;
	double		 span, step;
	uint64_t	 seed;
	struct noise	 fast, slow;
	double		*peaks;		/* diurnal: each day's peak */
	size_t		 npeaks;
	struct burst	*bursts;
	size_t		 nbursts;
};

static void
burst_add(struct gen *g, double start, double len, double extra)
{
	if (g->nbursts == NBURST_MAX)
		return;
	if (g->bursts == NULL &&
	    (g->bursts = calloc(NBURST_MAX, sizeof(*g->bursts))) == NULL)
		err(1, "calloc");
	g->bursts[g->nbursts++] = (struct burst){ start, len, extra };
}

/* The bursts, drawn before the first row: hourly ones, then random ones. */
static void
bursts_plan(struct gen *g, double base)
{
	static const double	 past[] = { 15 * 60.0, 45 * 60.0 };
	struct rng		 r = rng_stream(g->seed, 3);
	double			 h, t;
	size_t			 i;

	for (h = 0; h < g->span; h += 3600)
		for (i = 0; i < 2; i++)
			burst_add(g, h + past[i] + rng_range(&r, -90, 90),
			    rng_range(&r, 120, 240),
			    base * (rng_range(&r, 2.5, 6) - 1));
	r = rng_stream(g->seed, 4);
	for (t = 0; ; ) {
		t += -log(1 - rng_unif(&r)) * 7200;
		if (t >= g->span)
			break;
		burst_add(g, t, rng_range(&r, 60, 480),
		    base * (rng_range(&r, 2, 5) - 1));
	}
}

/* A burst's load at t: a 30 s rise, the plateau, a 30 s fall. */
static double
burst_at(const struct burst *b, double t)
{
	double	x = t - b->start;

	if (x < 0 || x > b->len + 30)
		return 0;
	if (x < 30)
		return b->extra * x / 30;
	if (x > b->len)
		return b->extra * (b->len + 30 - x) / 30;
	return b->extra;
}

static double
shape_step(const struct gen *g, double t)
{
	return t >= g->span / 3 && t < 2 * g->span / 3 ? 2000 : 500;
}

static double
shape_ramp(const struct gen *g, double t)
{
	double	x = t / g->span, lo = 300, hi = 2400;

	if (x < 1.0 / 8 || x >= 7.0 / 8)
		return lo;
	if (x < 0.5)
		return lo + (hi - lo) * (x - 1.0 / 8) / (3.0 / 8);
	return hi - (hi - lo) * (x - 0.5) / (3.0 / 8);
}

static double
shape_diurnal(const struct gen *g, double t)
{
	size_t	d = (size_t)(t / DAY_S);
	double	peak, phase;

	peak = g->peaks[d < g->npeaks ? d : g->npeaks - 1];
	phase = (1 - cos(2 * M_PI * fmod(t, DAY_S) / DAY_S)) / 2;
	return 200 + (peak - 200) * phase;
}

static double
shape_bursts(const struct gen *g, double t)
{
	double	l = 400;
	size_t	i;

	for (i = 0; i < g->nbursts; i++)
		l += burst_at(&g->bursts[i], t);
	return l;
}

/* L(t), noise included, within [1, LOAD_MAX]. */
static double
load_at(struct gen *g, double t)
{
	double	l;

	if (strcmp(g->shape, "step") == 0)
		l = shape_step(g, t);
	else if (strcmp(g->shape, "ramp") == 0)
		l = shape_ramp(g, t);
	else if (strcmp(g->shape, "diurnal") == 0)
		l = shape_diurnal(g, t);
	else
		l = shape_bursts(g, t);
	l *= 1 + noise_at(&g->fast, t) + noise_at(&g->slow, t);
	return l < 1 ? 1 : l > LOAD_MAX ? LOAD_MAX : l;
}

static void
gen_init(struct gen *g)
{
	struct rng	r = rng_stream(g->seed, 5);
	size_t		i;

	noise_init(&g->fast, g->seed, 1, 10, 0.03);
	noise_init(&g->slow, g->seed, 2, 60, 0.04);
	g->npeaks = (size_t)ceil(g->span / DAY_S) + 1;
	if ((g->peaks = calloc(g->npeaks, sizeof(*g->peaks))) == NULL)
		err(1, "calloc");
	for (i = 0; i < g->npeaks; i++)
		g->peaks[i] = 2400 * rng_range(&r, 0.9, 1.1);
	if (strcmp(g->shape, "bursts") == 0)
		bursts_plan(g, 400);
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: tracegen step|ramp|diurnal|bursts [--seed N] "
	    "[--days D | --hours H] [--step-s S]\n");
	exit(2);
}

static double
arg_num(const char *opt, const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		errx(2, "%s: %s is not a number in [%g, %g]", opt, s, lo, hi);
	return v;
}

static uint64_t
arg_seed(const char *s)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-')
		errx(2, "--seed: %s is not an unsigned integer", s);
	return v;
}

static double
default_span(const char *shape)
{
	if (strcmp(shape, "step") == 0)
		return 3 * 3600.0;
	if (strcmp(shape, "ramp") == 0)
		return 4 * 3600.0;
	if (strcmp(shape, "diurnal") == 0)
		return 3 * DAY_S;
	if (strcmp(shape, "bursts") == 0)
		return DAY_S;
	return 0;
}

static void
parse_args(int argc, char **argv, struct gen *g)
{
	const char	*opt, *val;
	int		 i;

	if (argc < 2 || (g->span = default_span(argv[1])) == 0)
		usage();
	g->shape = argv[1];
	g->step = 10;
	g->seed = 1;
	for (i = 2; i + 1 < argc; i += 2) {
		opt = argv[i];
		val = argv[i + 1];
		if (strcmp(opt, "--seed") == 0)
			g->seed = arg_seed(val);
		else if (strcmp(opt, "--days") == 0)
			g->span = DAY_S * arg_num(opt, val, 1e-3, 366);
		else if (strcmp(opt, "--hours") == 0)
			g->span = 3600 * arg_num(opt, val, 0.01, 24 * 366);
		else if (strcmp(opt, "--step-s") == 0)
			g->step = arg_num(opt, val, 0.001, 3600);
		else
			usage();
	}
	if (i != argc)
		usage();
}

int
main(int argc, char **argv)
{
	struct gen	g;
	double		t;
	long		k, n;
	bool		whole;

	memset(&g, 0, sizeof(g));
	parse_args(argc, argv, &g);
	gen_init(&g);
	n = (long)floor(g.span / g.step + 1e-9);
	whole = g.step == floor(g.step);
	printf("time,load\n");
	for (k = 0; k < n; k++) {
		t = (double)k * g.step;
		if (whole)
			printf("%ld,%.2f\n", (long)t, load_at(&g, t));
		else
			printf("%.3f,%.2f\n", t, load_at(&g, t));
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	free(g.peaks);
	free(g.bursts);
	return 0;
}
