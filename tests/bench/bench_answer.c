/*
 * bench_answer: das's CPU and memory for reading InfluxDB's answer to one
 * tick's query, on answers InfluxDB wrote to files (tests/bench/
 * bench_das.sh asks for them).
 *
 *   bench_answer reader N PART0 [PART1]   the real reader: scaler/iql.c's
 *                              plan for N exec policies svc-00001..., each
 *                              part's answer fed to iql_fill_* in 16 KB
 *                              pieces (what curl hands over), then every
 *                              policy's observations looked up
 *   bench_answer yajl FILE...     yajl parsing alone (no callbacks), 16 KB
 *                              pieces: the floor of any yajl reader
 *   bench_answer chunked FILE...  a chunked=true answer (one JSON document
 *                              a line) parsed line by line with jansson's
 *                              json_loadb, nothing read from the trees:
 *                              the floor of a chunked reader
 *   bench_answer whole FILE...    json_loadb of each whole answer: the
 *                              document-at-once way, for its memory
 *
 * Prints "mode cpu_ms rss_kb found": CPU (user + system) of the reading
 * alone, the growth of the peak resident set over the reading (what the
 * reading added on top of the plan), and for reader the policies that got
 * both observations (N when the answer is complete).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <yajl/yajl_parse.h>

#include "buf.h"
#include "decide.h"
#include "iql.h"
#include "policy.h"

#define PIECE	16384

static double
cpu_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long
peak_kb(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int
open_or_die(const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDONLY)) < 0) {
		fprintf(stderr, "bench_answer: %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

/* Feed path to fn in PIECE-byte reads; fn's non-zero stops it. */
static int
feed_file(const char *path, int (*fn)(void *, const char *, size_t),
    void *arg)
{
	static char	piece[PIECE];
	ssize_t		n;
	int		fd = open_or_die(path), rc = 0;

	while (rc == 0 && (n = read(fd, piece, sizeof piece)) > 0)
		rc = fn(arg, piece, (size_t)n);
	close(fd);
	return rc;
}

static void
make_policy(struct policy *p, const char *service)
{
	struct policy_row	r;
	char			err[256];

	memset(&r, 0, sizeof r);
	r.seq = "1";
	r.min_no = "1";
	r.max_no = "10";
	r.cond_item = "cpu_ratio";
	r.out_cond = "70%";
	r.in_cond = "10%";
	r.out_duration = "10m";
	r.in_duration = "10m";
	r.service_id = service;
	r.backend = "exec";
	r.target = "noop";
	if (policy_parse(&r, p, err, sizeof err) != 0) {
		fprintf(stderr, "bench_answer: policy: %s\n", err);
		exit(1);
	}
}

static int
reader_feed(void *arg, const char *p, size_t len)
{
	return iql_fill_feed(arg, p, len);
}

/*
 * The reader on part answers; the number of policies with data. The plan
 * is not the reading: *t0 and *rss0 are taken once it is built.
 */
static size_t
run_reader(size_t n, char **files, int nfiles, double *t0, long *rss0)
{
	struct policy		 *p = calloc(n, sizeof *p);
	const struct policy	**pv = calloc(n, sizeof *pv);
	struct iql_plan		 *pl;
	struct iql_fill		 *f;
	struct decide_obs	  o, i;
	char			  name[32], err[256];
	size_t			  k, found = 0;

	for (k = 0; k < n; k++) {
		snprintf(name, sizeof name, "svc-%05zu", k + 1);
		make_policy(&p[k], name);
		pv[k] = &p[k];
	}
	pl = iql_plan_build(pv, n, NULL, "docker");
	if ((int)iql_plan_nparts(pl) != nfiles) {
		fprintf(stderr, "bench_answer: the plan has %zu parts, %d "
		    "answers given\n", iql_plan_nparts(pl), nfiles);
		exit(1);
	}
	*rss0 = peak_kb();
	*t0 = cpu_ms();
	for (k = 0; k < (size_t)nfiles; k++) {
		f = iql_fill_new(pl, k);
		(void)feed_file(files[k], reader_feed, f);
		if (iql_fill_finish(f, err, sizeof err) != 0) {
			fprintf(stderr, "bench_answer: %s: %s\n", files[k], err);
			exit(1);
		}
		iql_fill_free(f);
	}
	for (k = 0; k < n; k++) {
		snprintf(name, sizeof name, "svc-%05zu", k + 1);
		iql_plan_obs(pl, k, NULL, name, &o, &i, NULL);
		found += o.present && i.present;
	}
	return found;
}

static int
yajl_feed(void *arg, const char *p, size_t len)
{
	return yajl_parse(arg, (const unsigned char *)p, len) != yajl_status_ok;
}

static void
run_yajl(const char *path)
{
	static const yajl_callbacks	none;
	yajl_handle			h = yajl_alloc(&none, NULL, NULL);

	if (feed_file(path, yajl_feed, h) != 0 ||
	    yajl_complete_parse(h) != yajl_status_ok) {
		fprintf(stderr, "bench_answer: %s: not JSON for yajl\n", path);
		exit(1);
	}
	yajl_free(h);
}

/* A line at a time: the documents of a chunked=true answer. */
struct lines {
	struct buf	pending;
	size_t		docs;
};

static int
lines_feed(void *arg, const char *p, size_t len)
{
	struct lines	*l = arg;
	json_t		*j;
	const char	*nl, *s;
	size_t		 used = 0;

	buf_add(&l->pending, p, len);
	s = l->pending.data;
	while ((nl = memchr(s + used, '\n', l->pending.len - used)) != NULL) {
		if ((j = json_loadb(s + used, (size_t)(nl - s) - used, 0,
		    NULL)) == NULL)
			return 1;
		json_decref(j);
		l->docs++;
		used = (size_t)(nl - s) + 1;
	}
	memmove(l->pending.data, s + used, l->pending.len - used);
	l->pending.len -= used;
	return 0;
}

static void
run_chunked(const char *path)
{
	struct lines	l;

	memset(&l, 0, sizeof l);
	buf_init(&l.pending);
	if (feed_file(path, lines_feed, &l) != 0 || l.pending.len != 0) {
		fprintf(stderr, "bench_answer: %s: not line-separated JSON "
		    "documents\n", path);
		exit(1);
	}
	buf_free(&l.pending);
}

static int
whole_feed(void *arg, const char *p, size_t len)
{
	buf_add(arg, p, len);
	return 0;
}

static void
run_whole(const char *path)
{
	struct buf	b;
	json_t		*j;

	buf_init(&b);
	(void)feed_file(path, whole_feed, &b);
	if ((j = json_loadb(b.data, b.len, 0, NULL)) == NULL) {
		fprintf(stderr, "bench_answer: %s: not JSON\n", path);
		exit(1);
	}
	buf_free(&b);
	json_decref(j);
}

int
main(int argc, char **argv)
{
	double	t0;
	long	rss0;
	size_t	found = 0, n = 0;
	int	k, first = 2;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_answer reader N PART0 [PART1] | "
		    "yajl|chunked|whole FILE...\n");
		return 2;
	}
	if (strcmp(argv[1], "reader") == 0) {
		n = strtoul(argv[2], NULL, 10);
		first = 3;
	}
	rss0 = peak_kb();
	t0 = cpu_ms();
	if (n > 0)
		found = run_reader(n, argv + first, argc - first, &t0, &rss0);
	else {
		for (k = first; k < argc; k++) {
			if (strcmp(argv[1], "yajl") == 0)
				run_yajl(argv[k]);
			else if (strcmp(argv[1], "chunked") == 0)
				run_chunked(argv[k]);
			else
				run_whole(argv[k]);
		}
	}
	printf("%s %.1f %ld %zu\n", argv[1], cpu_ms() - t0, peak_kb() - rss0,
	    found);
	return 0;
}
