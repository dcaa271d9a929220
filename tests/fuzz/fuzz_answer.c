/*
 * libFuzzer target for das's reading of InfluxDB's answer as it streams in
 * (scaler/iql_answer.c over yajl, rows kept by scaler/iql_obs.c), for a
 * plan of three policies on one window: swarm service "s1" (sustained:
 * its statement asks for lo and hi), runc cluster "c1", exec "e1".
 *
 * The bytes are used twice. As the answer itself, whatever they are:
 * nothing crashes or leaks, messages are printable, and the reading does
 * not depend on how the answer is cut into pieces (one piece, or cut where
 * the bytes say: the same result, message and observations). And as the
 * recipe of a well-formed answer built here with jansson's encoder (member
 * order, extra members and columns, statement errors, missing results,
 * null values, two series with one tag; bytes run out as zeros, which
 * pick the plain answer): it must be read whole, and each policy must
 * observe what the recipe put in for it. (yajl is not
 * instrumented, so raw bytes alone seldom reach the reading of series.)
 * The raw bytes go through a target-mode plan too (its ready
 * statement). And a third time as the daemon's read of new rows (scaler/iql_cache.c,
 * asked in chunks: a stream of documents) into two window caches kept from
 * input to input, one fed the bytes whole, one cut where they say: a read
 * that fails leaves a cache empty, and both agree.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "decide.h"
#include "iql.h"
#include "policy.h"
#include "wcache.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct policy	 pols[3];
static const struct policy *pv[3] = { &pols[0], &pols[1], &pols[2] };
/* The same three in target mode: their plan has the ready statement. */
static struct policy	 tpols[3];
static const struct policy *tpv[3] = { &tpols[0], &tpols[1], &tpols[2] };
/* Each policy's key in the answer: the tags its series carries. */
static const char *const svc[3] = { "s1", "", "" };
static const char *const name[3] = { "web", "c1", "e1" };
static const char *const backend[3] = { "docker", "runc", "docker" };

static void
setup(void)
{
	static const char *const be[3] = { "swarm", "runc", "exec" };
	static const char *const id[3] = { "s1", "c1", "e1" };
	struct policy_row	r;
	int			k;

	for (k = 0; k < 3; k++) {
		memset(&r, 0, sizeof r);
		r.seq = "1";
		r.min_no = "1";
		r.max_no = "10";
		r.cond_item = "cpu_ratio";
		r.out_cond = "70%";
		r.in_cond = "10%";
		r.out_duration = "10m";
		r.in_duration = "10m";
		r.service_id = id[k];
		r.backend = be[k];
		r.target = k > 0 ? "t" : NULL;
		if (policy_parse(&r, &pols[k], NULL, 0) != 0)
			abort();
		r.mode = "target";
		r.setpoint = "70%";
		if (policy_parse(&r, &tpols[k], NULL, 0) != 0)
			abort();
	}
	pols[0].sustained = true;
}

static void
check_message(const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
	}
}

/* Read text cut at the given offsets; the outcome as text. */
static int
read_answer(struct iql_plan *pl, const char *text, size_t len,
    const size_t *cuts, size_t ncuts, struct buf *out)
{
	struct iql_fill		*f = iql_fill_new(pl, 0);
	struct decide_obs	 o, i;
	const char		*why;
	char			 err[320];
	size_t			 off = 0, k, end;
	int			 rc, r = 0;

	for (k = 0; k <= ncuts && r == 0; k++) {
		end = k < ncuts && cuts[k] > off && cuts[k] < len ? cuts[k] :
		    k == ncuts ? len : off;
		r = iql_fill_feed(f, text + off, end - off);
		off = end;
	}
	rc = iql_fill_finish(f, err, sizeof err);
	iql_fill_free(f);
	check_message(err);
	buf_printf(out, "%d %s\n", rc, err);
	for (k = 0; k < 3; k++) {
		iql_plan_obs(pl, k, svc[k], name[k], &o, &i, &why);
		check_message(why);
		buf_printf(out, "%d %a %a %a %llu %lld %lld %s\n", o.present,
		    o.value, o.min, o.max, (unsigned long long)o.count,
		    (long long)o.first_ns, (long long)o.last_ns,
		    why != NULL ? why : "-");
	}
	return rc;
}

/*
 * One read of new rows into cache wc at now, fed whole (cut == 0) or in
 * two pieces at cut; rc and the message in err.
 */
static int
cached_read(struct wcache *wc, int64_t now, const uint8_t *data, size_t size,
    size_t cut, char *err, size_t errlen)
{
	struct iql_cache_opts	 co;
	struct iql_plan		*pl;
	struct iql_fill		*f;
	struct decide_obs	 o, i;
	const char		*why;
	int			 rc, k;

	co = (struct iql_cache_opts){ wc, now, INT64_C(10000000000), 0 };
	pl = iql_plan_build_cached(pv, 3, NULL, "docker", 0, &co);
	if (iql_plan_nstatements(pl) != 1 || iql_plan_chunk_rows(pl) == 0)
		abort();
	f = iql_fill_new(pl, 0);
	(void)iql_fill_feed(f, (const char *)data, cut);
	(void)iql_fill_feed(f, (const char *)data + cut, size - cut);
	rc = iql_fill_finish(f, err, errlen);
	iql_fill_free(f);
	check_message(err);
	iql_plan_cache_done(pl, rc == 0);
	if ((rc != 0 || iql_plan_cache_error(pl) != NULL) &&
	    wcache_nsamples(wc) != 0)
		abort();
	for (k = 0; k < 3; k++) {
		iql_plan_obs(pl, (size_t)k, svc[k], name[k], &o, &i, &why);
		check_message(why);
	}
	iql_plan_free(pl);
	return rc;
}

/*
 * The daemon's read of new rows (asked in chunks: a stream of documents)
 * into two caches kept from input to input, one fed whole and one cut
 * where the bytes say: the same result, message and samples held.
 */
static void
check_cached(const uint8_t *data, size_t size)
{
	static struct wcache	*wc, *wc_cut;
	static int64_t		 now = INT64_C(1796274800000000000);
	char			 err[320], err_cut[320];
	size_t			 cut = size > 0 ? (data[size / 2] * 13u) % size : 0;

	if (wc == NULL) {
		wc = wcache_new();
		wc_cut = wcache_new();
	}
	now += INT64_C(10000000000);
	if (cached_read(wc, now, data, size, 0, err, sizeof err) !=
	    cached_read(wc_cut, now, data, size, cut, err_cut,
	    sizeof err_cut) || strcmp(err, err_cut) != 0 ||
	    wcache_nsamples(wc) != wcache_nsamples(wc_cut))
		abort();
}

static void
check_bytes(struct iql_plan *pl, const uint8_t *data, size_t size)
{
	struct buf	whole, cut;
	size_t		cuts[4], k;

	for (k = 0; k < 4; k++)
		cuts[k] = size > 0 ? (data[k % size] * (k + 1) * 7) % size : 0;
	buf_init(&whole);
	buf_init(&cut);
	(void)read_answer(pl, (const char *)data, size, NULL, 0, &whole);
	(void)read_answer(pl, (const char *)data, size, cuts, 4, &cut);
	if (strcmp(buf_str(&whole), buf_str(&cut)) != 0)
		abort();
	buf_free(&whole);
	buf_free(&cut);
}

struct recipe {
	const uint8_t	*p;
	size_t		 n;
};

static unsigned
take(struct recipe *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

/* What the recipe put in for one policy and statement. */
struct cellv {
	bool	 has;		/* a series for it */
	bool	 twice;		/* two series with its tag */
	double	 v[5];		/* time, value, n, lo, hi */
};

/* A series of statement s for policy k, columns in a shuffled order. */
static json_t *
recipe_series(struct recipe *r, int s, int k, struct cellv *c)
{
	static const char *const cols[] = { "time", "value", "n", "lo", "hi",
	    "extra" };
	json_t		*ser, *cl = json_array(), *row = json_array();
	int		 ncols = s == 0 ? 6 : 2, i, j, t, order[6];

	for (i = 0; i < ncols; i++)
		order[i] = i == ncols - 1 && s != 0 ? 1 : i;
	for (i = ncols - 1; i > 0; i--) {
		j = (int)(take(r) % (unsigned)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	c->v[0] = (double)(1000 + take(r));
	c->v[1] = take(r) % 7 == 6 ? NAN : (double)take(r) / 4;
	c->v[2] = 2 + take(r) % 50;
	c->v[3] = take(r);
	c->v[4] = c->v[3] + take(r);
	for (i = 0; i < ncols; i++) {
		j = order[i];
		json_array_append_new(cl, json_string(cols[j]));
		json_array_append_new(row, j == 0 ?
		    json_integer((json_int_t)c->v[0]) : j == 5 ?
		    json_string("x") : isnan(c->v[j]) ? json_null() :
		    json_real(c->v[j]));
	}
	ser = json_pack("{s:s,s:{s:s,s:s,s:s},s:o,s:[o,[i]]}", "name",
	    "docker", "tags", "service", svc[k], "service_name", name[k],
	    "backend", backend[k], "columns", cl, "values", row, 5);
	if (take(r) % 3 == 2)
		json_object_set_new(ser, "partial", json_true());
	return ser;
}

/* One statement's result; *failed when it carries an error. */
static json_t *
recipe_result(struct recipe *r, int s, struct cellv c[3], bool *failed)
{
	json_t	*res = json_pack("{s:i}", "statement_id", s), *list;
	int	 k;

	*failed = take(r) % 6 == 5;
	/* InfluxDB's words may hold anything: NUL, control characters */
	if (*failed)
		json_object_set_new(res, "error", take(r) % 2 ?
		    json_stringn("sh\0ard\x1b", 7) : json_string("a\nb"));
	list = json_array();
	for (k = 0; k < 3; k++) {
		memset(&c[k], 0, sizeof c[k]);
		if (take(r) % 5 == 4)
			continue;
		c[k].has = true;
		json_array_append_new(list, recipe_series(r, s, k, &c[k]));
		if (take(r) % 9 == 8) {
			c[k].twice = true;
			json_array_append_new(list,
			    recipe_series(r, s, k, &c[k]));
		}
	}
	json_object_set_new(res, "series", list);
	return res;
}

/* What policy k must observe, from what the recipe put in. */
static void
expect(struct buf *b, int k, struct cellv c[3][3], bool failed[3])
{
	bool	twice = false;
	int	s;

	for (s = 0; s < 3; s++)
		twice |= c[s][k].twice;
	if (failed[0] || failed[1] || failed[2] || twice ||
	    !c[0][k].has || !c[1][k].has || !c[2][k].has)
		buf_printf(b, "0 ");
	else
		/* the aggregate statement asks lo and hi for everyone */
		buf_printf(b, "1 %a %a %a %llu %lld %lld ", c[0][k].v[1],
		    c[0][k].v[3], c[0][k].v[4],
		    (unsigned long long)c[0][k].v[2],
		    (long long)c[1][k].v[0], (long long)c[2][k].v[0]);
}

/* The observations as read, in expect's form. */
static void
observed(struct buf *b, const struct iql_plan *pl, int k)
{
	struct decide_obs	o, i;

	iql_plan_obs(pl, (size_t)k, svc[k], name[k], &o, &i, NULL);
	if (!o.present)
		buf_printf(b, "0 ");
	else
		buf_printf(b, "1 %a %a %a %llu %lld %lld ", o.value, o.min,
		    o.max, (unsigned long long)o.count, (long long)o.first_ns,
		    (long long)o.last_ns);
}

static void
check_recipe(struct iql_plan *pl, const uint8_t *data, size_t size)
{
	struct recipe	 r = { data, size };
	struct cellv	 c[3][3];
	struct buf	 want, got, out;
	bool		 failed[3];
	json_t		*doc = json_pack("{s:[]}", "results");
	char		*text;
	size_t		 cuts[3];
	int		 s, k;

	for (s = 0; s < 3; s++) {
		if (take(&r) % 8 == 7) {	/* no result: an error */
			memset(c[s], 0, sizeof c[s]);
			failed[s] = true;
			continue;
		}
		json_array_append_new(json_object_get(doc, "results"),
		    recipe_result(&r, s, c[s], &failed[s]));
	}
	text = json_dumps(doc, take(&r) % 2 ? JSON_INDENT(1) : 0);
	for (s = 0; s < 3; s++)
		cuts[s] = take(&r) * 37;
	buf_init(&want);
	buf_init(&got);
	buf_init(&out);
	if (read_answer(pl, text, strlen(text), cuts, 3, &out) != 0)
		abort();
	for (k = 0; k < 3; k++) {
		expect(&want, k, c, failed);
		observed(&got, pl, k);
	}
	if (strcmp(buf_str(&want), buf_str(&got)) != 0)
		abort();
	buf_free(&want);
	buf_free(&got);
	buf_free(&out);
	free(text);
	json_decref(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool	 ready;
	struct iql_plan	*pl;

	if (!ready) {
		setup();
		ready = true;
	}
	pl = iql_plan_build(pv, 3, NULL, "docker");
	if (iql_plan_nstatements(pl) != 3)
		abort();
	check_bytes(pl, data, size);
	check_recipe(pl, data, size);
	iql_plan_free(pl);
	pl = iql_plan_build(tpv, 3, NULL, "docker");
	if (iql_plan_nstatements(pl) != 4)
		abort();
	check_bytes(pl, data, size);
	iql_plan_free(pl);
	check_cached(data, size);
	return 0;
}
