/*
 * libFuzzer target for dasctl replay's CSV trace reader (scaler/replay_trace.c,
 * a hand-written parser of a file the operator hands in) and its RFC 3339
 * times: whatever bytes come in, the reader answers 0 with a resampled load
 * of at least one interval, every value finite and >= 0, or an error with a
 * sentence; it never reads past the input.
 *
 * The first byte picks the group's width (1 to 3 loads) and the interval
 * (10 s to 1 h, so that a trace's span in intervals, which the reader
 * bounds, stays small enough to fuzz); the rest is the file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_loads(const struct replay_load *l, size_t nl, int64_t interval_ns)
{
	size_t	i, k;

	for (i = 0; i < nl; i++) {
		if (l[i].n == 0 || l[i].n != l[0].n ||
		    l[i].interval_ns != interval_ns)
			abort();
		for (k = 0; k < l[i].n; k++)
			if (!isfinite(l[i].load[k]) || l[i].load[k] < 0)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t	 ivs[] = { 10, 60, 600, 3600 };
	struct replay_load	 l[3];
	int64_t			 iv;
	size_t			 nl, i;
	double			 sec;
	char			*s, *file, err[512];
	FILE			*f;

	if (size < 2 || size > 4096)
		return 0;
	nl = 1 + data[0] % 3;
	iv = ivs[(data[0] / 3) % 4] * 1000000000LL;
	/* the file: exactly the bytes, no terminator to lean on */
	file = malloc(size - 1);
	memcpy(file, data + 1, size - 1);
	if ((f = fmemopen(file, size - 1, "r")) == NULL)
		abort();
	err[0] = '\0';
	if (replay_trace_read_group(f, "fuzz.csv", iv, l, nl, err,
	    sizeof err) == 0) {
		check_loads(l, nl, iv);
		for (i = 0; i < nl; i++)
			replay_load_free(&l[i]);
	} else if (err[0] == '\0')
		abort();		/* an error says why */
	fclose(f);
	free(file);
	/* the same bytes as one RFC 3339 time */
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	(void)replay_parse_time(s, &sec);
	free(s);
	return 0;
}
