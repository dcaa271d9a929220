/*
 * iql_answer: reading InfluxDB's answer to the tick's query as it streams
 * in (pure: the bytes come from the caller).
 *
 * yajl (a streaming JSON parser) reads the text and checks it is JSON; its
 * callbacks below follow the answer's shape,
 *
 *   {"results":[{"statement_id":N,"error":"...","series":[
 *       {"tags":{...},"columns":[...],"values":[[...],...]},...]},...]}
 *
 * and keep of each series only its tags and its first row (iql_obs.c), so
 * das holds no parsed document at all: at 10,000 services the answer is
 * megabytes (README "Performance" has the figures).
 *
 * Everything else in the answer is read past. A member given twice where
 * the reading depends on it ("results", a result's "statement_id", a
 * series' "tags", "columns", "values" or one of its tags) is malformed.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "iql.h"
#include "iql_int.h"
#include "log.h"
#include "xmalloc.h"

/* Deeper than this is not an answer to our statements. */
#define IQL_MAX_DEPTH	64

/* What an open container of the answer is. */
enum iql_ctx {
	C_TOP, C_RESULTS, C_RESULT, C_SERIES_LIST, C_SERIES, C_TAGS,
	C_COLUMNS, C_VALUES, C_ROW, C_SKIP,
};

/* The member an object's last key named. */
enum iql_member {
	M_OTHER, M_RESULTS, M_ERROR, M_SID, M_SERIES, M_TAGS, M_COLUMNS,
	M_VALUES, M_TAG0, M_TAG1, M_TAG2, M_PARTIAL,
};

/* What the next value is, from where it stands. */
enum iql_role {
	R_DOC, R_RESULTS, R_TOP_ERROR, R_RESULT, R_SID, R_RES_ERROR,
	R_SERIES_LIST, R_SERIES, R_TAGS, R_TAG, R_COLUMNS, R_COLUMN,
	R_VALUES, R_ROW, R_CELL, R_PARTIAL, R_SKIP,
};

/*
 * A row of the cache's raw read: which column is which (-1: none), and
 * the cells read so far.
 */
struct iql_raw {
	int		 time_col, field_col[WCACHE_FIELDS_MAX];
	int		 tag_col[WCACHE_TAGS];
	struct buf	 tag[WCACHE_TAGS];
	bool		 has_tag[WCACHE_TAGS], has_time;
	int64_t		 time;
	double		 value[WCACHE_FIELDS_MAX];
	size_t		 ncells;
};

struct iql_fill {
	struct iql_plan	*pl;
	struct iql_span	 sp;		/* the statements of its part */
	yajl_handle	 h;
	enum iql_ctx	 ctx[IQL_MAX_DEPTH];
	int		 depth;
	enum iql_member	 member;
	bool		 results_seen;	/* in the open document */
	size_t		 docs;		/* documents read whole */
	/*
	 * A chunked answer (iql_plan_chunk_rows): a stream of documents, a
	 * statement's results but its last with "partial": true. cont: the
	 * last result was such a chunk of statement cont_sid, so the next
	 * result must be of that statement.
	 */
	bool		 chunked, cont;
	size_t		 cont_sid;
	char		*top_error;	/* owned; the document's "error" */
	size_t		 pos;		/* results read so far */
	bool		 sid_given, sid_known;
	long long	 given;		/* the open result's statement_id */
	size_t		 sid;		/* and the statement it answers */
	char		*res_error;	/* owned; the open result's "error" */
	bool		 res_partial;	/* the open result's "partial": true */
	struct iql_series s;
	struct iql_raw	 raw;		/* the raw read's row (iql_cache.c) */
	int		 rc;
	char		 err[320];
};

static const char *const iql_cols[IQL_NCOLS] = { "time", "value", "n", "lo",
	"hi" };
static const char *const iql_tags[3] = { "service", "service_name",
	"backend" };

static const char *const iql_raw_tags[WCACHE_TAGS] = { "service",
	"service_name", "backend", "container" };

static int fail(struct iql_fill *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first failure; 0, for a callback to stop yajl. */
static int
fail(struct iql_fill *f, int rc, const char *fmt, ...)
{
	va_list	ap;

	if (f->rc == 0) {
		va_start(ap, fmt);
		vsnprintf(f->err, sizeof f->err, fmt, ap);
		va_end(ap);
		f->rc = rc;
	}
	return 0;
}

static int
malformed(struct iql_fill *f)
{
	return fail(f, -EPROTO, "InfluxDB answer: statement %zu: malformed "
	    "series", f->sid);
}

/* Control characters (NUL too) in text from InfluxDB become '?'. */
static char *
sanitized(const char *s, size_t len)
{
	char	*c = xmalloc(len + 1);
	size_t	 i;

	for (i = 0; i < len; i++)
		c[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	c[len] = '\0';
	return c;
}

static bool
is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(s, want, len) == 0;
}

/* Whether the open result answers the cache's raw read. */
static bool
is_raw(const struct iql_fill *f)
{
	return f->sid_known && f->pl->cache != NULL && f->sid == f->pl->raw;
}

/* A series of the raw read begins: no column known yet. */
static void
raw_begin(struct iql_raw *r)
{
	int	k;

	r->time_col = -1;
	for (k = 0; k < WCACHE_FIELDS_MAX; k++)
		r->field_col[k] = -1;
	for (k = 0; k < WCACHE_TAGS; k++)
		r->tag_col[k] = -1;
}

/* A raw read's column name: the time, a field or a tag. */
static void
raw_column(struct iql_fill *f, const struct iql_cell *c, int col)
{
	struct iql_raw	*r = &f->raw;
	size_t		 k;

	if (c == NULL || c->kind != 's')
		return;
	if (is(c->s, c->len, "time"))
		r->time_col = col;
	for (k = 0; k < f->pl->ncache_fields; k++) {
		if (is(c->s, c->len, f->pl->cache_fields[k]))
			r->field_col[k] = col;
	}
	for (k = 0; k < WCACHE_TAGS; k++) {
		if (is(c->s, c->len, iql_raw_tags[k]))
			r->tag_col[k] = col;
	}
}

/* A raw read's row begins. */
static void
raw_row_begin(struct iql_raw *r)
{
	int	k;

	r->ncells = 0;
	r->has_time = false;
	for (k = 0; k < WCACHE_TAGS; k++)
		r->has_tag[k] = false;
	for (k = 0; k < WCACHE_FIELDS_MAX; k++)
		r->value[k] = NAN;
}

/* A cell of a raw read's row: its time, a field's number or a tag. */
static int
raw_cell(struct iql_fill *f, const struct iql_cell *c)
{
	struct iql_raw	*r = &f->raw;
	int		 col = (int)r->ncells++, k;

	if (col == r->time_col) {
		if (c->kind != 'i')
			return malformed(f);
		r->time = (int64_t)c->i;
		r->has_time = true;
	}
	for (k = 0; k < (int)f->pl->ncache_fields; k++) {
		if (col != r->field_col[k])
			continue;
		if (c->kind != 'z' && c->kind != 'i' && c->kind != 'd')
			return malformed(f);
		r->value[k] = c->kind == 'i' ? (double)c->i : c->kind == 'd' ?
		    c->d : NAN;
	}
	for (k = 0; k < WCACHE_TAGS; k++) {
		if (col != r->tag_col[k])
			continue;
		if ((c->kind != 's' && c->kind != 'z') || (c->kind == 's' &&
		    memchr(c->s, '\0', c->len) != NULL))
			return malformed(f);
		r->has_tag[k] = c->kind == 's';
		buf_reset(&r->tag[k]);
		if (c->kind == 's')
			buf_add(&r->tag[k], c->s, c->len);
	}
	return 1;
}

/* A raw read's row has closed: into the cache. */
static int
raw_row_end(struct iql_fill *f)
{
	struct iql_raw	*r = &f->raw;
	const char	*tag[WCACHE_TAGS];
	int		 k;

	if (!r->has_time)
		return malformed(f);
	for (k = 0; k < WCACHE_TAGS; k++)
		tag[k] = r->has_tag[k] ? buf_str(&r->tag[k]) : NULL;
	if (wcache_add(f->pl->cache, tag, r->time, r->value) != 0)
		return malformed(f);
	return 1;
}

/* A series has closed: keep its first row, by its tags. */
static int
series_end(struct iql_fill *f)
{
	struct iql_series	*s = &f->s;

	if (!s->has_cols || !s->has_vals)
		return malformed(f);
	if (s->nvals == 0 || is_raw(f))
		return 1;
	if (iql_keep_series(f->pl, f->sid, s) != 0)
		return malformed(f);
	return 1;
}

static void
series_begin(struct iql_series *s)
{
	int	k;

	s->has_tags = s->has_cols = s->has_vals = false;
	for (k = 0; k < 3; k++)
		s->has_tag[k] = false;
	for (k = 0; k < IQL_NCOLS; k++)
		s->col[k] = -1;
	s->ncols = s->nvals = s->ncells = 0;
}

/* The open result's statement_id as given, else its position. */
static long long
result_raw_id(const struct iql_fill *f)
{
	return f->sid_given ? f->given : (long long)f->pos;
}

/*
 * The statement the open result answers: its statement_id (else its
 * position) counts from the first statement of the request's part.
 * Decided once, at its first series or at its end.
 */
static int
result_sid(struct iql_fill *f)
{
	long long	raw = result_raw_id(f);

	if (f->sid_known)
		return 1;
	if (f->cont) {
		if (raw != (long long)(f->cont_sid - f->sp.first))
			return fail(f, -EPROTO, "InfluxDB answer: statement "
			    "%zu's chunks end early (a chunk of statement %lld "
			    "follows)", f->cont_sid - f->sp.first, raw);
		f->cont = false;
		f->sid = f->cont_sid;
		f->sid_known = true;
		return 1;
	}
	if (raw < 0 || (unsigned long long)raw >= f->sp.count ||
	    f->pl->stmts[f->sp.first + (size_t)raw].answered)
		return fail(f, -EPROTO, "InfluxDB answer: result %zu has no "
		    "valid statement_id (%zu statements asked)", f->pos,
		    f->sp.count);
	f->sid = f->sp.first + (size_t)raw;
	f->pl->stmts[f->sid].answered = true;
	f->sid_known = true;
	return 1;
}

/*
 * InfluxDB 1.x chunked (to 1.8.9, its issue 23843): after a statement
 * fails, one result "not executed" for each statement it did not run,
 * all numbered as the failed one. They answer nothing: the statements
 * they stand for are left without a result, which fill_end names.
 */
static bool
result_not_executed_again(const struct iql_fill *f)
{
	long long	raw = result_raw_id(f);

	return f->chunked && !f->sid_known && !f->cont &&
	    f->res_error != NULL && strcmp(f->res_error, "not executed") == 0 &&
	    raw >= 0 && (unsigned long long)raw < f->sp.count &&
	    f->pl->stmts[f->sp.first + (size_t)raw].answered;
}

/*
 * A result's "partial": true is, in a chunked answer, a chunk with more
 * of its statement to come (fill_end fails an answer that ends after
 * one). In a plain one it is InfluxDB's max-row-limit cutting the
 * answer, which a plan asks only when it reads no raw rows (the raw read
 * is always chunked, iql_plan_chunk_rows), so that every statement reads
 * one row per series: the series before the cut are whole. A series' own
 * "partial" is neither: InfluxDB 1.6 leaves it on a series merged whole
 * from its chunks.
 */
static int
result_end(struct iql_fill *f)
{
	if (result_not_executed_again(f)) {
		free(f->res_error);
		f->res_error = NULL;
		f->res_partial = f->sid_given = false;
		return 1;
	}
	if (!result_sid(f))
		return 0;
	if (f->res_partial && f->chunked) {
		f->cont = true;
		f->cont_sid = f->sid;
	}
	if (f->res_error != NULL) {
		free(f->pl->stmts[f->sid].error);
		f->pl->stmts[f->sid].error = f->res_error;
		f->res_error = NULL;
	}
	if (!f->cont)
		f->pos++;
	f->res_partial = false;
	f->sid_given = f->sid_known = false;
	return 1;
}

/* The open result's statement_id (a series may have come first). */
static int
result_given(struct iql_fill *f, const struct iql_cell *c)
{
	if (c->kind != 'i' || c->i < 0 || f->sid_given)
		return fail(f, -EPROTO, "InfluxDB answer: result %zu has no "
		    "valid statement_id (%zu statements asked)", f->pos,
		    f->sp.count);
	if (f->sid_known && (unsigned long long)c->i != f->sid - f->sp.first)
		return fail(f, -EPROTO, "InfluxDB answer: result %zu: "
		    "statement_id after its series", f->pos);
	f->sid_given = true;
	f->given = c->i;
	return 1;
}

/* An "error" member: its text, or words for one that has none. */
static char *
error_text(const struct iql_cell *c, const char *none)
{
	return c != NULL && c->kind == 's' ? sanitized(c->s, c->len) :
	    xstrdup(none);
}

static void
set_text(char **dst, char *text)
{
	free(*dst);
	*dst = text;
}

/* A column name: where time, value, n, lo and hi are. */
static int
column(struct iql_fill *f, const struct iql_cell *c)
{
	struct iql_series	*s = &f->s;
	int			 k;

	if (s->ncols == IQL_MAX_COLS)
		return malformed(f);
	if (is_raw(f))
		raw_column(f, c, (int)s->ncols);
	for (k = 0; c != NULL && c->kind == 's' && k < IQL_NCOLS; k++) {
		if (s->col[k] < 0 && is(c->s, c->len, iql_cols[k]))
			s->col[k] = (int)s->ncols;
	}
	s->ncols++;
	return 1;
}

/*
 * A cell of the first row. A string's text is yajl's, gone after the
 * callback; only its kind is kept (no cell we read may be a string).
 */
static int
cell(struct iql_fill *f, const struct iql_cell *c)
{
	struct iql_series	*s = &f->s;
	struct iql_cell		*d;

	if (s->ncells == IQL_MAX_COLS)
		return malformed(f);
	d = &s->cells[s->ncells++];
	*d = *c;
	d->s = NULL;
	return 1;
}

/* A tag's value: a string without NUL. */
static int
tag(struct iql_fill *f, const struct iql_cell *c)
{
	struct iql_series	*s = &f->s;
	int			 k = f->member - M_TAG0;

	if (c->kind != 's' || memchr(c->s, '\0', c->len) != NULL ||
	    s->has_tag[k])
		return malformed(f);
	s->has_tag[k] = true;
	buf_reset(&s->tag[k]);
	buf_add(&s->tag[k], c->s, c->len);
	return 1;
}

static enum iql_role
role_in_object(enum iql_ctx ctx, enum iql_member m)
{
	switch (ctx) {
	case C_TOP:
		return m == M_RESULTS ? R_RESULTS : m == M_ERROR ?
		    R_TOP_ERROR : R_SKIP;
	case C_RESULT:
		return m == M_SID ? R_SID : m == M_ERROR ? R_RES_ERROR :
		    m == M_SERIES ? R_SERIES_LIST : m == M_PARTIAL ? R_PARTIAL :
		    R_SKIP;
	case C_SERIES:
		return m == M_TAGS ? R_TAGS : m == M_COLUMNS ? R_COLUMNS :
		    m == M_VALUES ? R_VALUES : R_SKIP;
	case C_TAGS:
		return m >= M_TAG0 ? R_TAG : R_SKIP;
	default:
		return R_SKIP;
	}
}

/* The role of the value that starts now; counts the values' rows. */
static enum iql_role
role(struct iql_fill *f)
{
	if (f->depth == 0)
		return R_DOC;
	switch (f->ctx[f->depth - 1]) {
	case C_RESULTS:
		return R_RESULT;
	case C_SERIES_LIST:
		return R_SERIES;
	case C_COLUMNS:
		return R_COLUMN;
	case C_VALUES:
		return f->s.nvals++ == 0 || is_raw(f) ? R_ROW : R_SKIP;
	case C_ROW:
		return R_CELL;
	case C_SKIP:
		return R_SKIP;
	default:
		return role_in_object(f->ctx[f->depth - 1], f->member);
	}
}

static int
no_results(struct iql_fill *f)
{
	return fail(f, -EPROTO, "InfluxDB answer has no \"results\" array");
}

/* A scalar value. */
static int
scalar(struct iql_fill *f, const struct iql_cell *c)
{
	switch (role(f)) {
	case R_DOC:
	case R_RESULTS:
		return no_results(f);
	case R_TOP_ERROR:
		set_text(&f->top_error, error_text(c, "(no message)"));
		return 1;
	case R_RESULT:
		return fail(f, -EPROTO, "InfluxDB answer: result %zu has no "
		    "valid statement_id (%zu statements asked)", f->pos,
		    f->sp.count);
	case R_SID:
		return result_given(f, c);
	case R_RES_ERROR:
		set_text(&f->res_error, error_text(c,
		    "statement failed (no message)"));
		return 1;
	case R_SERIES_LIST:
		return result_sid(f) && malformed(f);
	case R_COLUMN:
		return column(f, c);
	case R_CELL:
		return is_raw(f) ? raw_cell(f, c) : cell(f, c);
	case R_PARTIAL:
		f->res_partial = c->kind == 'b' && c->i != 0;
		return 1;
	case R_TAG:
		return tag(f, c);
	case R_SKIP:
		return 1;
	default:	/* a series, its tags, columns, values or first row */
		return malformed(f);
	}
}

static int
push(struct iql_fill *f, enum iql_ctx ctx)
{
	if (f->depth == IQL_MAX_DEPTH)
		return fail(f, -EPROTO, "InfluxDB answer: nested deeper than "
		    "%d levels", IQL_MAX_DEPTH);
	f->ctx[f->depth++] = ctx;
	return 1;
}

/* The start of an object (map) or an array. */
static int
open_value(struct iql_fill *f, bool map)
{
	static const struct iql_cell other = { .kind = 'x' };

	switch (role(f)) {
	case R_DOC:
		f->results_seen = false;
		set_text(&f->top_error, NULL);
		return map ? push(f, C_TOP) : no_results(f);
	case R_RESULTS:
		if (map)
			return no_results(f);
		f->results_seen = true;
		return push(f, C_RESULTS);
	case R_RESULT:
		return map ? push(f, C_RESULT) : scalar(f, &other);
	case R_SID:
		return result_given(f, &other);
	case R_SERIES_LIST:
		if (!result_sid(f))
			return 0;
		return map ? malformed(f) : push(f, C_SERIES_LIST);
	case R_SERIES:
		series_begin(&f->s);
		raw_begin(&f->raw);
		return map ? push(f, C_SERIES) : malformed(f);
	case R_TAGS:
		return map ? push(f, C_TAGS) : malformed(f);
	case R_COLUMNS:
		return map ? malformed(f) : push(f, C_COLUMNS);
	case R_VALUES:
		return map ? malformed(f) : push(f, C_VALUES);
	case R_ROW:
		raw_row_begin(&f->raw);
		return map ? malformed(f) : push(f, C_ROW);
	case R_TAG:
		return malformed(f);
	case R_TOP_ERROR:
	case R_RES_ERROR:
	case R_COLUMN:
	case R_CELL:
		/* read as a scalar of no use, its contents skipped */
		return scalar(f, &other) && push(f, C_SKIP);
	default:
		return push(f, C_SKIP);
	}
}

/* A series' member: tags, columns and values are read, once each. */
static int
series_key(struct iql_fill *f, const char *k, size_t len)
{
	struct iql_series	*s = &f->s;
	bool			*seen;

	if (is(k, len, "tags")) {
		f->member = M_TAGS;
		seen = &s->has_tags;
	} else if (is(k, len, "columns")) {
		f->member = M_COLUMNS;
		seen = &s->has_cols;
	} else if (is(k, len, "values")) {
		f->member = M_VALUES;
		seen = &s->has_vals;
	} else
		return 1;
	if (*seen)
		return malformed(f);
	*seen = true;
	return 1;
}

/* The key of a member: which member, and is it given twice? */
static int
key_of(struct iql_fill *f, const char *k, size_t len)
{
	int	i;

	f->member = M_OTHER;
	switch (f->ctx[f->depth - 1]) {
	case C_TOP:
		if (is(k, len, "results")) {
			f->member = M_RESULTS;
			if (f->results_seen)
				return fail(f, -EPROTO, "InfluxDB answer has "
				    "more than one \"results\" array");
		} else if (is(k, len, "error"))
			f->member = M_ERROR;
		return 1;
	case C_RESULT:
		f->member = is(k, len, "statement_id") ? M_SID :
		    is(k, len, "error") ? M_ERROR :
		    is(k, len, "series") ? M_SERIES :
		    is(k, len, "partial") ? M_PARTIAL : M_OTHER;
		return 1;
	case C_SERIES:
		return series_key(f, k, len);
	case C_TAGS:
		/* a custom measurement's service tag reads as service_name */
		if (f->pl->stmts[f->sid].tag != NULL) {
			if (is(k, len, f->pl->stmts[f->sid].tag))
				f->member = M_TAG0 + 1;
			return 1;
		}
		for (i = 0; i < 3; i++) {
			if (is(k, len, iql_tags[i]))
				f->member = (enum iql_member)(M_TAG0 + i);
		}
		return 1;
	default:
		return 1;
	}
}

/*
 * A document has closed: one without "results" is InfluxDB refusing the
 * query (its top-level "error"; in a chunked answer, also after other
 * documents) or not InfluxDB's answer.
 */
static int
doc_end(struct iql_fill *f)
{
	f->docs++;
	if (f->results_seen)
		return 1;
	if (f->top_error != NULL)
		return fail(f, -EIO, "InfluxDB refused the query: %s",
		    f->top_error);
	return no_results(f);
}

/* The end of an object or array. */
static int
close_value(struct iql_fill *f)
{
	switch (f->ctx[--f->depth]) {
	case C_TOP:
		return doc_end(f);
	case C_RESULT:
		return result_end(f);
	case C_SERIES:
		return series_end(f);
	case C_ROW:
		return is_raw(f) ? raw_row_end(f) : 1;
	default:
		return 1;
	}
}

static int
cb_null(void *arg)
{
	static const struct iql_cell c = { .kind = 'z' };

	return scalar(arg, &c);
}

static int
cb_boolean(void *arg, int v)
{
	struct iql_cell	c = { .kind = 'b', .i = v };

	return scalar(arg, &c);
}

static int
cb_integer(void *arg, long long v)
{
	struct iql_cell	c = { .kind = 'i', .i = v };

	return scalar(arg, &c);
}

static int
cb_double(void *arg, double v)
{
	struct iql_cell	c = { .kind = 'd', .d = v };

	return scalar(arg, &c);
}

static int
cb_string(void *arg, const unsigned char *s, size_t len)
{
	struct iql_cell	c = { .kind = 's', .s = (const char *)s, .len = len };

	return scalar(arg, &c);
}

static int
cb_start_map(void *arg)
{
	return open_value(arg, true);
}

static int
cb_map_key(void *arg, const unsigned char *k, size_t len)
{
	return key_of(arg, (const char *)k, len);
}

static int
cb_start_array(void *arg)
{
	return open_value(arg, false);
}

static int
cb_end(void *arg)
{
	return close_value(arg);
}

static const yajl_callbacks iql_callbacks = {
	cb_null, cb_boolean, cb_integer, cb_double, NULL, cb_string,
	cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end,
};

/* yajl allocates through xmalloc: out of memory is fatal, as elsewhere. */
static void *
ya_malloc(void *ctx, size_t n)
{
	return xmalloc(n);
}

static void *
ya_realloc(void *ctx, void *p, size_t n)
{
	return xrealloc(p, n);
}

static void
ya_free(void *ctx, void *p)
{
	free(p);
}

static yajl_alloc_funcs iql_alloc = { ya_malloc, ya_realloc, ya_free, NULL };

struct iql_fill *
iql_fill_new(struct iql_plan *pl, size_t part)
{
	struct iql_fill	*f;
	int		 k;

	if (part >= pl->nparts)
		fatalx("iql_fill_new: part %zu of a %zu-part plan", part,
		    pl->nparts);
	if (part == 0)
		iql_plan_reset(pl);
	f = xcalloc(1, sizeof(*f));
	f->pl = pl;
	f->sp = pl->parts[part];
	for (k = 0; k < 3; k++)
		buf_init(&f->s.tag[k]);
	for (k = 0; k < WCACHE_TAGS; k++)
		buf_init(&f->raw.tag[k]);
	if ((f->h = yajl_alloc(&iql_callbacks, &iql_alloc, f)) == NULL)
		fatalx("iql_fill_new: yajl_alloc failed");
	f->chunked = iql_plan_chunk_rows(pl) > 0;
	if (f->chunked)
		yajl_config(f->h, yajl_allow_multiple_values, 1);
	return f;
}

/* yajl's words for why the text is not JSON, on one line. */
static void
yajl_fail(struct iql_fill *f)
{
	unsigned char	*msg = yajl_get_error(f->h, 0, NULL, 0);
	char		*line;
	size_t		 n = strlen((const char *)msg);

	while (n > 0 && isspace(msg[n - 1]))
		n--;
	line = sanitized((const char *)msg, n);
	fail(f, -EPROTO, "InfluxDB answer is not JSON: %s", line);
	free(line);
	yajl_free_error(f->h, msg);
}

int
iql_fill_feed(struct iql_fill *f, const char *p, size_t len)
{
	if (f->rc == 0 && yajl_parse(f->h, (const unsigned char *)p, len) ==
	    yajl_status_error)
		yajl_fail(f);
	return f->rc;
}

/*
 * A statement without a result: InfluxDB runs a request's statements in
 * order and stops at the first that fails, so name that one when there is.
 */
static char *
unanswered_text(const struct iql_fill *f)
{
	const struct iql_stmt	*st;
	struct buf		 b;
	size_t			 i;

	for (i = f->sp.first; i < f->sp.first + f->sp.count; i++) {
		st = &f->pl->stmts[i];
		if (st->answered && st->error != NULL) {
			buf_init(&b);
			buf_printf(&b, "not executed: InfluxDB stopped at "
			    "statement %zu of the request (%s)", i - f->sp.first,
			    st->error);
			return b.data;
		}
	}
	return xstrdup("InfluxDB returned no result for this statement");
}

/* The whole answer is in: what it said as a whole. */
static void
fill_end(struct iql_fill *f)
{
	struct iql_plan	*pl = f->pl;
	size_t		 i;

	if (f->rc == 0 && (f->docs == 0 || f->depth > 0))
		fail(f, -EPROTO, "InfluxDB answer ends early (%zu results "
		    "read)", f->pos);
	if (f->rc == 0 && f->cont)
		fail(f, -EPROTO, "InfluxDB answer ends within statement %zu's "
		    "chunks (its last has \"partial\": true)",
		    f->cont_sid - f->sp.first);
	if (f->rc == 0 && yajl_complete_parse(f->h) == yajl_status_error)
		yajl_fail(f);
	if (f->rc != 0)
		return;
	for (i = f->sp.first; i < f->sp.first + f->sp.count; i++) {
		if (!pl->stmts[i].answered)
			pl->stmts[i].error = unanswered_text(f);
	}
}

int
iql_fill_finish(struct iql_fill *f, char *err, size_t errlen)
{
	fill_end(f);
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", f->rc != 0 ? f->err : "");
	if (f->rc != 0)
		iql_plan_reset(f->pl);
	return f->rc;
}

void
iql_fill_free(struct iql_fill *f)
{
	int	k;

	if (f == NULL)
		return;
	yajl_free(f->h);
	for (k = 0; k < 3; k++)
		buf_free(&f->s.tag[k]);
	for (k = 0; k < WCACHE_TAGS; k++)
		buf_free(&f->raw.tag[k]);
	free(f->top_error);
	free(f->res_error);
	free(f);
}
