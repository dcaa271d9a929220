/* journal: das_event statements over pgc (parameters only). */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "journal.h"
#include "pgc.h"
#include "xmalloc.h"

/*
 * A row's time as epoch microseconds, in the server's dialect: CrateDB
 * keeps (and returns) milliseconds.
 */
#define JOURNAL_TS_PG	"(extract(epoch FROM ts) * 1000000)::bigint"
/* The actions that change a replica count (a runc replace does not). */
#define JOURNAL_CHANGES	"'scale_out','scale_in','bounds','manual'"

/* The columns every read returns, in journal_row_fill's order. */
static const char *const journal_cols[] = { "ts", "seq", "service",
    "action", "before_no", "after_no", "value", "threshold", "reason",
    "detail", NULL };

/*
 * The newest row of each seq (among actions, NULL: all), its columns
 * journal_cols ("ts" the time as journal_ts_ns reads it). DISTINCT ON is
 * PostgreSQL's; CrateDB takes the max(ts) join.
 */
static int
journal_per_seq(struct pgc *pg, const char *actions, struct pgc_rows **rows,
    char *err, size_t errlen)
{
	struct buf	sql;
	bool		crate = pgc_is_crate(pg);
	size_t		i;
	int		rc;

	buf_init(&sql);
	buf_adds(&sql, crate ? "SELECT " : "SELECT DISTINCT ON (seq) ");
	for (i = 0; journal_cols[i] != NULL; i++)
		buf_printf(&sql, "%s%s%s", i ? ", " : "", crate ? "e." : "",
		    i == 0 && !crate ? JOURNAL_TS_PG : journal_cols[i]);
	if (crate)
		buf_adds(&sql, " FROM das_event e, (SELECT seq, max(ts) AS ts "
		    "FROM das_event");
	else
		buf_adds(&sql, " FROM das_event");
	if (actions != NULL)
		buf_printf(&sql, " WHERE action IN (%s)", actions);
	buf_adds(&sql, crate ? " GROUP BY seq) m WHERE e.seq = m.seq AND "
	    "e.ts = m.ts" : " ORDER BY seq, ts DESC, id DESC");
	rc = pgc_exec(pg, buf_str(&sql), 0, NULL, rows, err, errlen);
	buf_free(&sql);
	return rc;
}

static int64_t
journal_ts_ns(struct pgc *pg, const char *cell)
{
	long long	v = cell != NULL ? strtoll(cell, NULL, 10) : 0;

	return (int64_t)v * (pgc_is_crate(pg) ? 1000000 : 1000);
}

static const char *
journal_num(char *buf, size_t len, double v)
{
	if (isnan(v))
		return NULL;
	snprintf(buf, len, "%.17g", v);
	return buf;
}

static const char *
journal_int(char *buf, size_t len, long long v)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%lld", v);
	return buf;
}

int
journal_write(struct pgc *pg, const char *node,
    const struct journal_event *ev, char *err, size_t errlen)
{
	static unsigned long	 counter;
	char			 id[160], ts[48], seq[32], bf[32], af[32];
	char			 val[48], thr[48];
	const char		*params[12];

	snprintf(id, sizeof id, "%.64s-%ld-%lld-%lu", node, (long)getpid(),
	    (long long)ev->ts_ns, ++counter);
	/* microseconds, exactly what timestamptz keeps (no float on the way) */
	snprintf(ts, sizeof ts, "%lld", (long long)(ev->ts_ns / 1000));
	params[0] = id;
	params[1] = ts;
	params[2] = journal_int(seq, sizeof seq, ev->seq);
	params[3] = ev->service;
	params[4] = ev->action;
	params[5] = journal_int(bf, sizeof bf, ev->before);
	params[6] = journal_int(af, sizeof af, ev->after);
	params[7] = journal_num(val, sizeof val, ev->value);
	params[8] = journal_num(thr, sizeof thr, ev->threshold);
	params[9] = ev->reason;
	params[10] = ev->detail;
	params[11] = node;
	return pgc_exec(pg, pgc_is_crate(pg) ?
	    "INSERT INTO das_event (id, ts, seq, service, action, before_no, "
	    "after_no, value, threshold, reason, detail, node) VALUES ($1, "
	    "$2::bigint / 1000, $3::int, $4, $5, $6::int, "
	    "$7::int, $8::double precision, $9::double precision, $10, $11, "
	    "$12)" :
	    "INSERT INTO das_event (id, ts, seq, service, action, before_no, "
	    "after_no, value, threshold, reason, detail, node) VALUES ($1, "
	    "'epoch'::timestamptz + $2::bigint * interval '1 microsecond', "
	    "$3::int, $4, $5, $6::int, "
	    "$7::int, $8::double precision, $9::double precision, $10, $11, "
	    "$12)", 12, params, NULL, err, errlen);
}

static char *
journal_dup(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

static int
journal_cell_int(const char *s)
{
	return s != NULL ? atoi(s) : -1;
}

static double
journal_cell_num(const char *s)
{
	return s != NULL ? strtod(s, NULL) : NAN;
}

static void
journal_row_fill(struct pgc *pg, const struct pgc_rows *rows, size_t r,
    struct journal_row *j)
{
	const char	*seq = pgc_rows_get(rows, r, 1);

	j->ts_ns = journal_ts_ns(pg, pgc_rows_get(rows, r, 0));
	j->seq = seq != NULL ? strtoll(seq, NULL, 10) : -1;
	j->service = journal_dup(pgc_rows_get(rows, r, 2));
	j->action = journal_dup(pgc_rows_get(rows, r, 3));
	j->before = journal_cell_int(pgc_rows_get(rows, r, 4));
	j->after = journal_cell_int(pgc_rows_get(rows, r, 5));
	j->value = journal_cell_num(pgc_rows_get(rows, r, 6));
	j->threshold = journal_cell_num(pgc_rows_get(rows, r, 7));
	j->reason = journal_dup(pgc_rows_get(rows, r, 8));
	j->detail = journal_dup(pgc_rows_get(rows, r, 9));
}

/*
 * rows (freed here) as journal rows; keyed: only those with a seq and an
 * action (CrateDB's columns may be NULL), which a policy's state is made of.
 */
static void
journal_rows_of(struct pgc *pg, struct pgc_rows *rows, bool keyed,
    struct journal_row **out, size_t *n)
{
	size_t	r;

	*out = xcalloc(rows->nrows + 1, sizeof **out);
	for (r = 0; r < rows->nrows; r++) {
		if (keyed && (pgc_rows_get(rows, r, 1) == NULL ||
		    pgc_rows_get(rows, r, 3) == NULL))
			continue;
		journal_row_fill(pg, rows, r, &(*out)[(*n)++]);
	}
	pgc_rows_free(rows);
}

/* The newest row of each seq among actions (NULL: all). */
static int
journal_newest_of(struct pgc *pg, const char *actions,
    struct journal_row **out, size_t *n, char *err, size_t errlen)
{
	struct pgc_rows	*rows = NULL;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = journal_per_seq(pg, actions, &rows, err, errlen)) != 0)
		return rc;
	journal_rows_of(pg, rows, true, out, n);
	return 0;
}

int
journal_last_changes(struct pgc *pg, struct journal_row **out, size_t *n,
    char *err, size_t errlen)
{
	return journal_newest_of(pg, JOURNAL_CHANGES, out, n, err, errlen);
}

int
journal_newest(struct pgc *pg, struct journal_row **out, size_t *n,
    char *err, size_t errlen)
{
	return journal_newest_of(pg, NULL, out, n, err, errlen);
}

int
journal_last_actions(struct pgc *pg, struct journal_row **out, size_t *n,
    char *err, size_t errlen)
{
	return journal_newest_of(pg, JOURNAL_CHANGES
	    ",'replace','error','dry_run'", out, n, err, errlen);
}

int
journal_history(struct pgc *pg, int64_t since_ns, const char *service,
    struct journal_row **out, size_t *n, char *err, size_t errlen)
{
	struct pgc_rows	*rows = NULL;
	const char	*params[2];
	char		 since[32];
	int		 rc;

	*out = NULL;
	*n = 0;
	/* the cut-off as a number: no interval arithmetic to differ on */
	snprintf(since, sizeof since, "%lld", (long long)(since_ns /
	    (pgc_is_crate(pg) ? 1000000 : 1000)));
	params[0] = since;
	params[1] = service;
	rc = pgc_exec(pg, pgc_is_crate(pg) ?
	    "SELECT ts, seq, service, action, before_no, after_no, value, "
	    "threshold, reason, detail FROM das_event WHERE ts > $1::bigint "
	    "AND ($2 IS NULL OR service = $2) ORDER BY ts, id" :
	    "SELECT " JOURNAL_TS_PG ", seq, service, action, before_no, "
	    "after_no, value, threshold, reason, detail FROM das_event WHERE "
	    "ts > 'epoch'::timestamptz + $1::bigint * interval '1 "
	    "microsecond' AND ($2::text IS NULL OR service = $2) ORDER BY ts, "
	    "id", 2, params, &rows, err, errlen);
	if (rc != 0)
		return rc;
	journal_rows_of(pg, rows, false, out, n);
	return 0;
}

void
journal_rows_free(struct journal_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].service);
		free(v[i].action);
		free(v[i].reason);
		free(v[i].detail);
	}
	free(v);
}
