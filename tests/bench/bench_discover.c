/*
 * bench_discover: the CPU ds spends reading one GET /containers/json
 * answer (collector/discover.c), on an answer the Engine wrote to a file
 * (tests/bench/bench_ds.sh asks for it at each N).
 *
 *   bench_discover FILE [ITERATIONS]
 *
 * Prints "containers cpu_us_per_listing": the process CPU time (user +
 * system) of discover_parse_list over ITERATIONS readings (default 2000),
 * per reading. ds reads one such answer on the cycles that list (after a
 * Docker event, and every 60 s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "discover.h"

static double
cpu_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*text;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(f);
	if ((text = malloc((size_t)n + 1)) == NULL ||
	    fread(text, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return text;
}

int
main(int argc, char **argv)
{
	struct discover_list	 l;
	size_t			 len, skipped, n = 0;
	long			 iters, i;
	char			*text, err[256];
	double			 t0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_discover FILE [ITERATIONS]\n");
		return 2;
	}
	text = slurp(argv[1], &len);
	iters = argc > 2 ? atol(argv[2]) : 2000;
	t0 = cpu_us();
	for (i = 0; i < iters; i++) {
		if (discover_parse_list(text, len, &l, &skipped, err,
		    sizeof err) != 0) {
			fprintf(stderr, "bench_discover: %s: %s\n", argv[1],
			    err);
			return 1;
		}
		n = l.n;
		discover_list_free(&l);
	}
	printf("%zu %.1f\n", n, (cpu_us() - t0) / (double)iters);
	free(text);
	return 0;
}
