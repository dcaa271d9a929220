/*
 * cache-check URL DATABASE: das's window cache (scaler/wcache.h) against
 * InfluxDB itself, on a real InfluxDB (tests/integration/test_das_cache.sh).
 *
 * Writes six services' samples (two or three containers each, one started
 * late, a counter that restarts, null fields, a sample written late) and,
 * for policies of every aggregate and mode over 1 and 2 minute windows,
 * compares each observation das computes from its cache with the one
 * InfluxDB answers to the statements das asks without a cache, at the
 * same instant (the ready containers: das's own without a cache too,
 * from one full raw read of their windows, scaler/iql.h): three reads (one full, two of new rows only, with new
 * samples written between them), the cache's answered in chunks of 100
 * rows. Exit 0 when every observation is equal,
 * 1 naming the first that differs, 2 when it could not run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "influx.h"
#include "iql.h"
#include "log.h"
#include "policy.h"
#include "wcache.h"

#define S		INT64_C(1000000000)
#define NSVC		6
#define NPOL		(NSVC * 7)

static struct influx	*ix;
static unsigned		 seed = 7;
static int		 nshown;

static double
rnd(void)
{
	return (double)rand_r(&seed) / RAND_MAX;
}

/* Samples of every container of every service at second t. */
static void
write_at(struct buf *b, int64_t t, int round)
{
	int	s, c, nc;

	for (s = 0; s < NSVC; s++) {
		nc = 2 + s % 2;
		for (c = 0; c < nc; c++) {
			/* service 1's third container starts late */
			if (s == 1 && c == 2 && round == 0 && t % 60 < 40)
				continue;
			buf_printf(b, "docker,service=cc-s%d,service_name=web%d,"
			    "backend=docker,container=c%d%d,node=n1 ", s, s,
			    s, c);
			/* a null cpu_ratio now and then */
			if ((t + c) % 7 != 0)
				buf_printf(b, "cpu_ratio=%.4f,", 100 * rnd());
			/* a counter; container 0 restarts at every 50 s */
			buf_printf(b, "net_read=%lldi %lld\n", (long long)(c == 0 ?
			    (t % 50) * 1000 : t * 3000 + s), (long long)t);
		}
	}
}

static void
write_span(int64_t from, int64_t to, int round)
{
	struct buf	b;
	char		err[512];
	int64_t		t;

	buf_init(&b);
	for (t = from; t <= to; t += 2)
		write_at(&b, t, round);
	if (influx_write(ix, b.data, b.len, err, sizeof err) != INFLUX_OK) {
		fprintf(stderr, "cache-check: write failed: %s\n", err);
		exit(2);
	}
	buf_free(&b);
}

/* Policy k: service k % NSVC, one of seven aggregates and modes. */
static void
make(struct policy *p, int k)
{
	static const char *const agg[] = { "mean", "max", "min", "median",
	    "p90", "rate", "mean" };
	struct policy_row	r = { 0 };
	char			svc[16], err[256];
	int			a = k / NSVC;

	snprintf(svc, sizeof svc, "cc-s%d", k % NSVC);
	r.seq = "1";
	r.min_no = "1";
	r.max_no = "10";
	r.service_id = svc;
	r.cond_item = a == 5 ? "net_read" : "cpu_ratio";
	r.out_cond = a == 5 ? "5KB/s" : "70%";
	r.in_cond = a == 5 ? "1KB/s" : "10%";
	r.out_duration = k % 2 ? "2m" : "1m";
	r.in_duration = "1m";
	r.aggregate = agg[a];
	r.sustained = a == 1 ? "true" : NULL;
	if (a >= 5) {		/* the ready containers too */
		r.mode = "target";
		r.setpoint = a == 5 ? "3KB/s" : "50%";
	}
	if (policy_parse(&r, p, err, sizeof err) != 0) {
		fprintf(stderr, "cache-check: policy %d: %s\n", k, err);
		exit(2);
	}
}

static int
sink(void *arg, const char *p, size_t len)
{
	return iql_fill_feed(arg, p, len);
}

/* Ask for plan pl's answer and read it; exit when it fails. */
static void
ask(struct iql_plan *pl)
{
	struct iql_fill	*f[2];
	void		*args[2];
	const char	*q[2];
	char		 err[512];
	size_t		 k, n = iql_plan_nparts(pl);
	int		 rc;

	for (k = 0; k < n; k++) {
		args[k] = f[k] = iql_fill_new(pl, k);
		q[k] = iql_plan_part_query(pl, k);
	}
	rc = influx_query_streams(ix, q, n, iql_plan_chunk_rows(pl), sink, args,
	    err, sizeof err);
	for (k = 0; k < n; k++) {
		if (iql_fill_finish(f[k], err, sizeof err) != 0)
			rc = -1;
		iql_fill_free(f[k]);
	}
	if (rc != 0) {
		fprintf(stderr, "cache-check: query failed: %s\n", err);
		exit(2);
	}
}

static bool
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b ||
	    fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* 0 when InfluxDB's observation a and the cache's b agree. */
static int
compare(int k, const char *w, const struct decide_obs *a,
    const struct decide_obs *b, const struct policy *p)
{
	const char	*what = NULL;

	if (a->present != b->present)
		what = "present";
	else if (a->present && (!same(a->value, b->value) ||
	    a->count != b->count))
		what = "value or count";
	else if (a->present && (a->first_ns != b->first_ns ||
	    a->last_ns != b->last_ns))
		what = "first or last sample";
	else if (a->present && p->sustained && (!same(a->min, b->min) ||
	    !same(a->max, b->max)))
		what = "extremes";
	else if (a->ready_known != b->ready_known || a->ready_n != b->ready_n ||
	    !same(a->ready_total, b->ready_total))
		what = "ready containers";
	if (what == NULL)
		return 0;
	if (++nshown > 5)
		return 1;	/* the first five say enough */
	fprintf(stderr, "cache-check: policy %d (%s, %s window) differs in %s:"
	    " InfluxDB present %d value %.17g n %llu first %lld last %lld "
	    "ready %d/%d %.17g; cache present %d value %.17g n %llu first "
	    "%lld last %lld ready %d/%d %.17g\n", k, p->field, w, what,
	    a->present, a->value, (unsigned long long)a->count,
	    (long long)a->first_ns, (long long)a->last_ns, a->ready_known,
	    a->ready_n, a->ready_total, b->present, b->value,
	    (unsigned long long)b->count, (long long)b->first_ns,
	    (long long)b->last_ns, b->ready_known, b->ready_n, b->ready_total);
	return 1;
}

/* Sleep to .3 s past a second: no sample is near a window's edge. */
static int64_t
at_third(void)
{
	int64_t		now = realtime_ns();
	int64_t		frac = now % S;
	struct timespec	ts;

	frac = frac <= 3 * S / 10 ? 3 * S / 10 - frac : S + 3 * S / 10 - frac;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)frac;
	nanosleep(&ts, NULL);
	return realtime_ns();
}

int
main(int argc, char **argv)
{
	static struct policy	 p[NPOL];
	const struct policy	*pv[NPOL];
	struct influx_cfg	 ic = { 0 };
	struct wcache		*wc = wcache_new();
	struct iql_cache_opts	 co = { wc, 0, 10 * S, 0 };
	struct iql_plan		*pa, *pb;
	struct decide_obs	 ao, ai, bo, bi;
	const char		*why;
	int64_t			 now;
	int			 k, round, bad = 0, compared = 0, nfull = 0;
	int			 npresent = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: cache-check URL DATABASE\n");
		return 2;
	}
	log_init("cache-check", LOG_LEVEL_WARN);
	ic.url = argv[1];
	ic.database = argv[2];
	ic.precision = "s";
	ic.create_db = true;
	ic.connect_ms = 2000;
	ic.timeout_ms = 20000;
	ix = influx_new(&ic);
	for (k = 0; k < NPOL; k++) {
		make(&p[k], k);
		pv[k] = &p[k];
	}
	now = realtime_ns() / S;
	write_span(now - 150, now - 1, 0);
	for (round = 0; round < 3; round++) {
		if (round > 0) {
			sleep(3);
			now = realtime_ns() / S;
			/*
			 * new samples, and two written after the last read
			 * for times before it (one rewrites a sample read)
			 */
			write_span(now - 5, now - 1, round);
		}
		co.now_ns = at_third();
		pa = iql_plan_build_cached(pv, NPOL, NULL, "docker", 2 * S,
		    &(struct iql_cache_opts){ .now_ns = co.now_ns });
		ask(pa);
		iql_plan_cache_done(pa, true);
		pb = iql_plan_build_cached(pv, NPOL, NULL, "docker", 2 * S,
		    &co);
		nfull += iql_plan_cache_full(pb);
		/*
		 * in chunks of 100 rows (das's are 10,000): the full read's
		 * ~2,500 rows and each later read come in several documents
		 */
		iql_plan_set_chunk_rows(pb, 100);
		ask(pb);
		iql_plan_cache_done(pb, true);
		for (k = 0; k < NPOL; k++) {
			iql_plan_obs(pa, (size_t)k, p[k].service, "", &ao, &ai,
			    &why);
			iql_plan_obs(pb, (size_t)k, p[k].service, "", &bo, &bi,
			    &why);
			npresent += ao.present + ai.present;
			bad |= compare(k, "out", &ao, &bo, &p[k]);
			bad |= compare(k, "in", &ai, &bi, &p[k]);
			compared += 2;
		}
		iql_plan_free(pa);
		iql_plan_free(pb);
		if (bad)
			break;
	}
	for (k = 0; k < NPOL; k++)
		policy_clear(&p[k]);
	/* a comparison of absent observations proves nothing */
	if (npresent * 10 < compared * 9) {
		fprintf(stderr, "cache-check: only %d of %d observations had "
		    "data\n", npresent, compared);
		bad = 1;
	}
	printf("cache-check: %d observations compared over %d reads (%d full, "
	    "%d with data, %zu samples held at the end): %s\n", compared,
	    round, nfull, npresent, wcache_nsamples(wc),
	    bad ? "DIFFERENT" : "all equal");
	wcache_free(wc);
	influx_free(ix);
	return bad ? 1 : 0;
}
