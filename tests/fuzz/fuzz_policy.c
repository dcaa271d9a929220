/*
 * libFuzzer target for the scaler's pure parsers: durations, thresholds,
 * whole policy rows, InfluxQL quoting and InfluxDB answers. Whatever the
 * bytes, nothing crashes and these hold:
 *   - a duration that parses is > 0 and survives format -> parse unchanged;
 *   - a threshold that parses is finite, >= 0, on the right side;
 *   - a row that parses satisfies every documented invariant, and the
 *     query planned for it and a decision on it stay sane;
 *   - quoting reads back through InfluxQL's scanner rules byte for byte;
 *   - error messages carry no control characters.
 * InfluxDB's answers have a target of their own: fuzz_answer.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decide.h"
#include "iql.h"
#include "policy.h"

#define NCOLS	(sizeof(struct policy_row) / sizeof(const char *))

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_message(const char *err)
{
	for (; *err != '\0'; err++) {
		if ((unsigned char)*err < 0x20 || *err == 0x7f)
			abort();
	}
}

static void
fuzz_duration(const char *s)
{
	struct buf	b;
	int64_t		ns, back;

	if (policy_parse_duration(s, &ns) != 0)
		return;
	if (ns <= 0)
		abort();
	buf_init(&b);
	policy_format_duration(ns, &b);
	if (policy_parse_duration(buf_str(&b), &back) != 0 || back != ns)
		abort();
	buf_free(&b);
}

static void
fuzz_threshold(const char *s)
{
	struct policy_threshold	t;
	char			err[256];
	int			side;

	for (side = 0; side < 2; side++) {
		if (policy_parse_threshold(s, side, &t, err,
		    sizeof(err)) != 0) {
			if (err[0] == '\0')
				abort();
			check_message(err);
			continue;
		}
		if (!t.set || !isfinite(t.value) || t.value < 0)
			abort();
		if ((t.op == POLICY_OP_GT || t.op == POLICY_OP_GE) != side)
			abort();
	}
}

/* InfluxQL's ScanString; NULL on a scan error. */
static const char *
unquote(const char *s, struct buf *out)
{
	char	q = *s++, c;

	for (;;) {
		if ((c = *s++) == q)
			return s;
		if (c == '\0' || c == '\n')
			return NULL;
		if (c != '\\') {
			buf_addc(out, c);
			continue;
		}
		c = *s++;
		if (c == 'n')
			buf_addc(out, '\n');
		else if (c == '\\' || c == '"' || c == '\'')
			buf_addc(out, c);
		else
			return NULL;
	}
}

static void
fuzz_quote(const char *s)
{
	struct buf	 q, out;
	const char	*end;

	buf_init(&q);
	buf_init(&out);
	iql_quote_ident(&q, s);
	end = unquote(buf_str(&q), &out);
	if (end == NULL || *end != '\0' || strcmp(buf_str(&out), s) != 0)
		abort();
	buf_free(&q);
	buf_free(&out);
}

static void
check_policy(const struct policy *p)
{
	if (p->min_no < 0 || p->max_no < 1 || p->min_no > p->max_no ||
	    p->cur_no < -1 || p->step_out < 1 || p->step_in < 1 ||
	    p->out_window_ns <= 0 || p->in_window_ns <= 0 ||
	    p->cooldown_out_ns <= 0 || p->cooldown_in_ns <= 0 ||
	    !policy_field_known(p->field) || p->service == NULL ||
	    strlen(p->service) == 0 || strlen(p->service) > POLICY_NAME_MAX)
		abort();
	if (p->mode == POLICY_MODE_THRESHOLD &&
	    (!p->out.set || !p->in.set || p->in.value >= p->out.value))
		abort();
	if (p->mode == POLICY_MODE_CAPACITY && !(p->capacity > 0))
		abort();
	if (p->backend != POLICY_BACKEND_SWARM && p->target == NULL)
		abort();
}

/* Plan, fill with nothing, decide on made-up observations. */
static void
exercise_policy(const struct policy *p, uint64_t h)
{
	const struct policy	*pv[1] = { p };
	struct iql_plan		*pl;
	struct decide_in	 in;
	struct decide_out	 out;
	struct iql_fill		*f;
	static const char	 empty[] = "{\"results\":[]}";

	pl = iql_plan_build(pv, 1, "rp", "docker");
	if (iql_plan_nstatements(pl) < 3 || iql_plan_nstatements(pl) > 8)
		abort();
	f = iql_fill_new(pl, 0);
	if (iql_fill_feed(f, empty, sizeof(empty) - 1) != 0 ||
	    iql_fill_finish(f, NULL, 0) != 0)
		abort();
	iql_fill_free(f);
	memset(&in, 0, sizeof(in));
	in.policy = p;
	iql_plan_obs(pl, 0, p->service, p->service, &in.out, &in.in, NULL);
	iql_plan_free(pl);
	in.replicas = (int)(h % 40) - 5;
	in.now_ns = (int64_t)(h >> 8);
	in.last_change_ns = (int64_t)(h >> 16);
	in.sample_interval_ns = (int64_t)(h % 1000000007);
	in.out = (struct decide_obs){ .present = h & 1,
	    .value = (double)(h % 300), .min = (double)(h % 100),
	    .max = (double)(h % 500), .count = h % 7,
	    .first_ns = in.now_ns - 600, .last_ns = in.now_ns,
	    .ready_known = (h & 2) != 0, .ready_n = (int)(h % 5),
	    .ready_total = (double)(h % 400) };
	in.in = in.out;
	decide(&in, &out);
	if (out.reason == NULL || ((out.action == DECIDE_SCALE_OUT ||
	    out.action == DECIDE_SCALE_IN) && (out.after < p->min_no ||
	    out.after > p->max_no)))
		abort();
}

/* Columns separated by tabs, "\N" for NULL, in struct policy_row order. */
static void
fuzz_row(char *s)
{
	struct policy_row	 r;
	struct policy		 p;
	const char		*cols[NCOLS];
	char			 err[256], *tok;
	size_t			 i;

	memset(cols, 0, sizeof(cols));
	for (i = 0; i < NCOLS && (tok = strsep(&s, "\t")) != NULL; i++)
		cols[i] = strcmp(tok, "\\N") == 0 ? NULL : tok;
	memcpy(&r, cols, sizeof(r));
	(void)policy_row_hash(&r);
	if (policy_parse(&r, &p, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || p.field != NULL || p.service != NULL)
			abort();
		check_message(err);
		return;
	}
	check_policy(&p);
	exercise_policy(&p, policy_row_hash(&r));
	policy_clear(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_duration(s);
	fuzz_threshold(s);
	fuzz_quote(s);
	fuzz_row(s);
	free(s);
	return 0;
}
