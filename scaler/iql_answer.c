/* iql_answer: reading InfluxDB's answer to the tick's query (pure). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iql.h"
#include "iql_int.h"
#include "jsplit.h"
#include "log.h"
#include "xmalloc.h"

static const char iql_ambiguous[] =
    "several series carry this service's tag; no data used";

static void perr(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Control characters in text from InfluxDB become '?' (log safety). */
static char *
sanitize(char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return s;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Exactly n digits at s, as a number; false otherwise. */
static bool
digits(const char *s, int n, int *v)
{
	int	i;

	for (*v = 0, i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/*
 * An RFC 3339 UTC time as InfluxDB writes it without epoch=
 * ("2024-05-01T10:00:00.5Z") into ns since the epoch. 0 or -EINVAL.
 */
static int
parse_rfc3339(const char *s, int64_t *ns)
{
	const char	*p;
	int		 y, mo, d, h, mi, sec, i;
	int64_t		 frac = 0, scale = 1000000000, t;

	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec) || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	p = s + 19;
	if (*p == '.') {
		for (p++, i = 0; isdigit((unsigned char)*p); p++, i++) {
			if (i == 9)
				return -EINVAL;
			frac = frac * 10 + (*p - '0');
			scale /= 10;
		}
		if (i == 0)
			return -EINVAL;
		frac *= scale;
	}
	if ((*p != 'Z' && *p != 'z') || p[1] != '\0')
		return -EINVAL;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	if (__builtin_mul_overflow(t, 1000000000, &t) ||
	    __builtin_add_overflow(t, frac, &t))
		return -EINVAL;
	*ns = t;
	return 0;
}

/* A number cell: JSON number, or null as NAN. 0 or -EPROTO. */
static int
cell_number(const json_t *v, double *d)
{
	if (json_is_null(v)) {
		*d = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return -EPROTO;
	*d = json_number_value(v);
	return 0;
}

/* A time cell: integer ns (epoch=ns) or an RFC 3339 string. */
static int
cell_time(const json_t *v, int64_t *ns)
{
	if (json_is_integer(v)) {
		*ns = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && parse_rfc3339(json_string_value(v), ns) == 0)
		return 0;
	return -EPROTO;
}

/* Index of the column called name, or -1. */
static int
column_index(const json_t *cols, const char *name)
{
	const json_t	*c;
	size_t		 i;

	json_array_foreach(cols, i, c) {
		if (json_is_string(c) &&
		    strcmp(json_string_value(c), name) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * The cells of a statement's row we use: time and value always, n for an
 * aggregate, lo and hi when the statement asked for them (else NAN).
 * 0 or -EPROTO.
 */
static int
read_row(const struct iql_stmt *st, const json_t *cols, const json_t *row,
    struct iql_row *r)
{
	static const char *const want[] = { "time", "value", "n", "lo", "hi" };
	int	 ix[5], k, need;
	double	 n;

	need = st->kind != IQL_AGG ? 2 : st->range ? 5 : 3;
	for (k = 0; k < need; k++) {
		if ((ix[k] = column_index(cols, want[k])) < 0)
			return -EPROTO;
	}
	r->lo = r->hi = NAN;
	if (cell_time(json_array_get(row, (size_t)ix[0]), &r->time) != 0 ||
	    cell_number(json_array_get(row, (size_t)ix[1]), &r->value) != 0)
		return -EPROTO;
	if (st->kind != IQL_AGG)
		return 0;
	if (cell_number(json_array_get(row, (size_t)ix[2]), &n) != 0 ||
	    (st->range &&
	    (cell_number(json_array_get(row, (size_t)ix[3]), &r->lo) != 0 ||
	    cell_number(json_array_get(row, (size_t)ix[4]), &r->hi) != 0)))
		return -EPROTO;
	r->n = n >= 1 && n < 1.8e19 ? (uint64_t)n : 0;
	return 0;
}

/* service, service_name, backend tags ("" when absent). 0 or -EPROTO. */
static int
read_tags(const json_t *series, const char *tag[3])
{
	static const char *const names[] = {
		"service", "service_name", "backend"
	};
	const json_t	*tags, *v;
	int		 i;

	tags = json_object_get(series, "tags");
	for (i = 0; i < 3; i++)
		tag[i] = "";
	if (tags == NULL)
		return 0;
	if (!json_is_object(tags))
		return -EPROTO;
	for (i = 0; i < 3; i++) {
		if ((v = json_object_get(tags, names[i])) == NULL)
			continue;
		if (!json_is_string(v))
			return -EPROTO;
		tag[i] = json_string_value(v);
	}
	return 0;
}

/* A new series entry, with no row for any statement yet. */
static size_t
new_entry(struct iql_plan *pl)
{
	size_t	i, n = pl->nstmts;

	if (pl->nentries == pl->entcap) {
		pl->entcap = pl->entcap == 0 ? 64 : pl->entcap * 2;
		pl->entries = xreallocarray(pl->entries, pl->entcap,
		    n * sizeof(*pl->entries));
	}
	for (i = 0; i < n; i++)
		pl->entries[pl->nentries * n + i] = IQL_ROW_NONE;
	return pl->nentries++;
}

/* Map (statement, kind, name) to row ri; a second series poisons it. */
static void
index_key(struct iql_plan *pl, size_t sid, char kind, const char *name,
    size_t ri)
{
	struct iql_slot	*slot;
	uint32_t	*row;
	bool		 added;

	if (*name == '\0')
		return;
	slot = iql_map_put(&pl->series, 0, kind, name, &added);
	if (added)
		slot->val = new_entry(pl);
	row = &pl->entries[slot->val * pl->nstmts + sid];
	*row = *row == IQL_ROW_NONE ? (uint32_t)ri : IQL_ROW_AMBIG;
}

/* One series of statement sid: keep its first row, index it by tag. */
static int
fill_series(struct iql_plan *pl, size_t sid, const json_t *s)
{
	const json_t	*cols, *vals, *row;
	const char	*tag[3];
	struct iql_row	 r;

	if (!json_is_object(s))
		return -EPROTO;
	cols = json_object_get(s, "columns");
	vals = json_object_get(s, "values");
	if (!json_is_array(cols) || !json_is_array(vals) ||
	    read_tags(s, tag) != 0)
		return -EPROTO;
	if (json_array_size(vals) == 0)
		return 0;
	row = json_array_get(vals, 0);
	memset(&r, 0, sizeof(r));
	if (!json_is_array(row) || json_array_size(row) !=
	    json_array_size(cols) || read_row(&pl->stmts[sid], cols, row,
	    &r) != 0 || pl->nrows >= IQL_ROW_AMBIG)
		return -EPROTO;
	if (pl->nrows == pl->rowcap) {
		pl->rowcap = pl->rowcap == 0 ? 64 : pl->rowcap * 2;
		pl->rows = xreallocarray(pl->rows, pl->rowcap, sizeof(r));
	}
	pl->rows[pl->nrows] = r;
	index_key(pl, sid, 's', tag[0], pl->nrows);
	if (strcmp(tag[2], "runc") == 0)
		index_key(pl, sid, 'r', tag[1], pl->nrows);
	index_key(pl, sid, 'n', tag[1], pl->nrows);
	pl->nrows++;
	return 0;
}

/*
 * The statement a result answers: its statement_id (else its position)
 * counts from the first statement of the request's part.
 */
static int
result_id(const struct iql_plan *pl, const struct iql_span *sp,
    const json_t *res, size_t pos, size_t *sid)
{
	const json_t	*id = json_object_get(res, "statement_id");

	*sid = pos;
	if (id != NULL) {
		if (!json_is_integer(id) || json_integer_value(id) < 0)
			return -EPROTO;
		*sid = (size_t)json_integer_value(id);
	}
	if (*sid >= sp->count)
		return -EPROTO;
	*sid += sp->first;
	if (pl->stmts[*sid].answered)
		return -EPROTO;
	return 0;
}

/* One element of "results" (its statement in *sidp). 0 or -EPROTO. */
static int
fill_result(struct iql_plan *pl, const struct iql_span *sp, size_t pos,
    const json_t *res, char *err, size_t errlen, size_t *sidp)
{
	const json_t	*e, *series, *s;
	size_t		 sid, i;

	if (!json_is_object(res) || result_id(pl, sp, res, pos, &sid) != 0) {
		perr(err, errlen, "InfluxDB answer: result %zu has no valid "
		    "statement_id (%zu statements asked)", pos, sp->count);
		return -EPROTO;
	}
	pl->stmts[sid].answered = true;
	*sidp = sid;
	if ((e = json_object_get(res, "error")) != NULL) {
		pl->stmts[sid].error = sanitize(xstrdup(json_is_string(e) ?
		    json_string_value(e) : "statement failed (no message)"));
		return 0;
	}
	series = json_object_get(res, "series");
	if (series != NULL && !json_is_array(series))
		goto bad;
	json_array_foreach(series, i, s) {
		if (fill_series(pl, sid, s) != 0)
			goto bad;
	}
	return 0;
bad:
	perr(err, errlen, "InfluxDB answer: statement %zu: malformed series",
	    sid);
	return -EPROTO;
}

/*
 * The document around the results: a top-level "error" or no "results"
 * array fails the whole answer; results still in it (not streamed) are
 * read as from pos; statements left without a result count as errored.
 */
static int
fill_top(struct iql_plan *pl, const struct iql_span *sp, const json_t *resp,
    size_t pos, char *err, size_t errlen)
{
	const json_t	*e, *results, *res;
	size_t		 i, sid;
	int		 rc;

	if (!json_is_object(resp) ||
	    !json_is_array(results = json_object_get(resp, "results"))) {
		e = json_is_object(resp) ?
		    json_object_get(resp, "error") : NULL;
		perr(err, errlen, "InfluxDB %s: %s", e != NULL ? "refused the "
		    "query" : "answer has no \"results\" array",
		    json_is_string(e) ? json_string_value(e) : "(no message)");
		if (err != NULL)
			sanitize(err);
		return e != NULL ? -EIO : -EPROTO;
	}
	json_array_foreach(results, i, res) {
		rc = fill_result(pl, sp, pos + i, res, err, errlen, &sid);
		if (rc != 0)
			return rc;
	}
	for (i = sp->first; i < sp->first + sp->count; i++) {
		if (!pl->stmts[i].answered)
			pl->stmts[i].error = xstrdup("InfluxDB returned no "
			    "result for this statement");
	}
	return 0;
}

int
iql_plan_fill(struct iql_plan *pl, const json_t *resp, char *err,
    size_t errlen)
{
	struct iql_span	all = { 0, pl->nstmts };
	int		rc;

	iql_plan_reset(pl);
	perr(err, errlen, "%s", "");
	if ((rc = fill_top(pl, &all, resp, 0, err, errlen)) != 0)
		iql_plan_reset(pl);
	return rc;
}

/*
 * The streaming reader: jsplit hands over each series, then its result's
 * skeleton, then the document's; each is parsed alone, so das holds one
 * series' tree at a time, never the whole answer.
 */
struct iql_fill {
	struct iql_plan	*pl;
	struct iql_span	 sp;		/* the statements of its part */
	struct jsplit	*js;
	size_t		 pos;		/* results read so far */
	size_t		 sid;		/* statement of the open result */
	bool		 sid_known;
	int		 rc;
	char		 err[320];
};

static const char *const iql_split_keys[] = { "results", "series" };

/* The statement the open result answers, from its skeleton so far. */
static int
stream_sid(struct iql_fill *f)
{
	json_t	*res;
	int	 rc;

	if (f->sid_known)
		return 0;
	res = json_loads(jsplit_open_skeleton(f->js, 1), 0, NULL);
	rc = json_is_object(res) ? result_id(f->pl, &f->sp, res, f->pos,
	    &f->sid) : -EPROTO;
	json_decref(res);
	if (rc != 0) {
		perr(f->err, sizeof f->err, "InfluxDB answer: result %zu has "
		    "no valid statement_id (%zu statements asked)", f->pos,
		    f->sp.count);
		return rc;
	}
	f->sid_known = true;
	return 0;
}

/* One text from jsplit, parsed and read at its level. */
static int
stream_text(struct iql_fill *f, int level, json_t *doc)
{
	size_t	sid;
	int	rc;

	switch (level) {
	case 2:
		if ((rc = stream_sid(f)) != 0)
			return rc;
		if (fill_series(f->pl, f->sid, doc) != 0) {
			perr(f->err, sizeof f->err, "InfluxDB answer: "
			    "statement %zu: malformed series", f->sid);
			return -EPROTO;
		}
		return 0;
	case 1:
		rc = fill_result(f->pl, &f->sp, f->pos, doc, f->err,
		    sizeof f->err, &sid);
		if (rc == 0 && f->sid_known && sid != f->sid) {
			perr(f->err, sizeof f->err, "InfluxDB answer: result "
			    "%zu: statement_id after its series", f->pos);
			rc = -EPROTO;
		}
		f->pos++;
		f->sid_known = false;
		return rc;
	default:
		return fill_top(f->pl, &f->sp, doc, f->pos, f->err,
		    sizeof f->err);
	}
}

static int
stream_cb(void *arg, int level, size_t index, const char *text, size_t len)
{
	struct iql_fill	*f = arg;
	json_error_t	 je;
	json_t		*doc;
	int		 rc;

	if ((doc = json_loadb(text, len, 0, &je)) == NULL) {
		perr(f->err, sizeof f->err, "InfluxDB answer is not JSON: %s",
		    je.text);
		return -EBADMSG;
	}
	rc = stream_text(f, level, doc);
	json_decref(doc);
	return rc;
}

struct iql_fill *
iql_fill_new(struct iql_plan *pl, size_t part)
{
	struct iql_fill	*f;

	if (part >= pl->nparts)
		fatalx("iql_fill_new: part %zu of a %zu-part plan", part,
		    pl->nparts);
	if (part == 0)
		iql_plan_reset(pl);
	f = xcalloc(1, sizeof(*f));
	f->pl = pl;
	f->sp = pl->parts[part];
	f->js = jsplit_new(iql_split_keys, 2, stream_cb, f);
	return f;
}

int
iql_fill_feed(struct iql_fill *f, const char *p, size_t len)
{
	int	rc;

	if (f->rc != 0)
		return f->rc;
	if ((rc = jsplit_feed(f->js, p, len)) == -EPROTO && f->err[0] == '\0')
		perr(f->err, sizeof f->err, "InfluxDB answer is not JSON: %s",
		    jsplit_error(f->js));
	return f->rc = rc;
}

int
iql_fill_finish(struct iql_fill *f, char *err, size_t errlen)
{
	if (f->rc == 0 && (f->rc = jsplit_finish(f->js)) != 0)
		perr(f->err, sizeof f->err, "InfluxDB answer is not JSON: %s",
		    jsplit_error(f->js));
	if (f->rc != 0) {
		perr(err, errlen, "%s", f->err);
		if (err != NULL)
			sanitize(err);
		iql_plan_reset(f->pl);
	}
	return f->rc;
}

void
iql_fill_free(struct iql_fill *f)
{
	if (f == NULL)
		return;
	jsplit_free(f->js);
	free(f);
}

/* The row of (statement, kind, name); NULL when none or ambiguous. */
static const struct iql_row *
find_row(const struct iql_plan *pl, size_t sid, char kind, const char *name,
    bool *ambiguous)
{
	const struct iql_slot	*slot;
	uint32_t		 ri;

	slot = iql_map_get(&pl->series, 0, kind, name);
	if (slot == NULL)
		return NULL;
	ri = pl->entries[slot->val * pl->nstmts + sid];
	if (ri == IQL_ROW_NONE)
		return NULL;
	if (ri == IQL_ROW_AMBIG) {
		*ambiguous = true;
		return NULL;
	}
	return &pl->rows[ri];
}

/* One window's observation from its three statements. */
static void
window_obs(const struct iql_plan *pl, const size_t idx[3], char kind,
    const char *name, struct decide_obs *o, const char **why)
{
	const struct iql_row	*r[3];
	bool			 ambiguous = false;
	int			 k;

	for (k = 0; k < 3; k++) {
		if (pl->stmts[idx[k]].error != NULL) {
			*why = pl->stmts[idx[k]].error;
			return;
		}
	}
	for (k = 0; k < 3; k++)
		r[k] = find_row(pl, idx[k], kind, name, &ambiguous);
	if (ambiguous) {
		*why = iql_ambiguous;
		return;
	}
	if (r[IQL_AGG] == NULL || r[IQL_FIRST] == NULL || r[IQL_LAST] == NULL)
		return;
	o->present = true;
	o->value = r[IQL_AGG]->value;
	o->min = r[IQL_AGG]->lo;
	o->max = r[IQL_AGG]->hi;
	o->count = r[IQL_AGG]->n;
	o->first_ns = r[IQL_FIRST]->time;
	o->last_ns = r[IQL_LAST]->time;
}

static void
obs_absent(struct decide_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->value = o->min = o->max = NAN;
}

void
iql_plan_obs(const struct iql_plan *pl, size_t i, const char *service_id,
    const char *service_name, struct decide_obs *out_obs,
    struct decide_obs *in_obs, const char **stmt_error)
{
	const struct iql_pol	*pol;
	const char		*why = NULL, *name;
	char			 kind;

	obs_absent(out_obs);
	obs_absent(in_obs);
	if (i < pl->npols && pl->pols[i].planned) {
		pol = &pl->pols[i];
		kind = pol->backend == POLICY_BACKEND_SWARM ? 's' :
		    pol->backend == POLICY_BACKEND_RUNC ? 'r' : 'n';
		name = kind == 's' ? service_id : service_name;
		if (name != NULL && *name != '\0') {
			window_obs(pl, pol->out, kind, name, out_obs, &why);
			window_obs(pl, pol->in, kind, name, in_obs, &why);
		}
	}
	if (stmt_error != NULL)
		*stmt_error = why;
}
