/* store: the policy table over pgc (parameters only), and the schema. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "pgc.h"
#include "schema.h"
#include "store.h"
#include "xmalloc.h"

/*
 * Two das started together on an empty database race on CREATE ... IF NOT
 * EXISTS: PostgreSQL looks for the name before it inserts it into its
 * catalog, so the loser fails with unique_violation (23505),
 * duplicate_table (42P07) or duplicate_object (42710, the table's row
 * type) once the winner commits. Run again, the statement finds the table
 * and does nothing.
 */
static bool
store_lost_create_race(struct pgc *pg)
{
	const char	*state = pgc_sqlstate(pg);

	return strcmp(state, "23505") == 0 || strcmp(state, "42P07") == 0 ||
	    strcmp(state, "42710") == 0;
}

/*
 * Both tables there already: nothing to create. Asked first because
 * CREATE ... IF NOT EXISTS needs the CREATE privilege on the schema even
 * when the table exists, which das's least-privilege role lacks
 * (schema/roles.sql).
 */
static bool
store_tables_exist(struct pgc *pg)
{
	struct pgc_rows	*rows = NULL;
	char		 err[256];
	bool		 both;

	if (pgc_exec(pg, "SELECT count(*) FROM information_schema.tables "
	    "WHERE table_schema = current_schema() AND table_name IN "
	    "('das', 'das_event')", 0, NULL, &rows, err, sizeof err) != 0)
		return false;
	both = rows->nrows == 1 && pgc_rows_get(rows, 0, 0) != NULL &&
	    strcmp(pgc_rows_get(rows, 0, 0), "2") == 0;
	pgc_rows_free(rows);
	return both;
}

/*
 * The next statement of a schema file at *p into b: comments ("--" to the
 * end of the line) dropped, up to its ";". False when none is left.
 */
static bool
store_next_statement(const char **p, struct buf *b)
{
	const char	*s = *p;

	buf_reset(b);
	while (*s != '\0' && *s != ';') {
		if (s[0] == '-' && s[1] == '-')
			s += strcspn(s, "\n");
		else
			buf_addc(b, *s++);
	}
	*p = *s == ';' ? s + 1 : s;
	return b->len > 0 && buf_str(b)[strspn(buf_str(b), " \t\n")] != '\0';
}

static int
store_run_schema(struct pgc *pg, const char *text, char *err, size_t errlen)
{
	struct buf	sql;
	int		rc = 0;

	buf_init(&sql);
	while (rc == 0 && store_next_statement(&text, &sql)) {
		rc = pgc_exec(pg, buf_str(&sql), 0, NULL, NULL, err, errlen);
		if (rc == -EINVAL && store_lost_create_race(pg))
			rc = pgc_exec(pg, buf_str(&sql), 0, NULL, NULL, err,
			    errlen);
	}
	buf_free(&sql);
	return rc;
}

int
store_ensure_schema(struct pgc *pg, char *err, size_t errlen)
{
	int	rc;

	if ((rc = pgc_connect(pg, err, errlen)) != 0)
		return rc;
	if (store_tables_exist(pg))
		return 0;
	return store_run_schema(pg, pgc_is_crate(pg) ? store_schema_crate :
	    store_schema_postgres, err, errlen);
}

/* Point each policy_row member at its column's cell (NULL when absent). */
static void
store_map_row(const struct pgc_rows *rows, size_t r, struct policy_row *pr)
{
	const char	*name;
	size_t		 i;

	for (i = 0; (name = policy_column_name(i)) != NULL; i++)
		*policy_row_column(pr, name) = pgc_rows_get(rows, r,
		    pgc_rows_col(rows, name));
}

int
store_load(struct pgc *pg, struct store_policies *sp, char *err,
    size_t errlen)
{
	size_t	r;
	int	rc;

	memset(sp, 0, sizeof *sp);
	rc = pgc_exec(pg, "SELECT * FROM das ORDER BY seq", 0, NULL,
	    &sp->rows, err, errlen);
	if (rc != 0)
		return rc;
	sp->n = sp->rows->nrows;
	sp->row = xcalloc(sp->n + 1, sizeof *sp->row);
	for (r = 0; r < sp->n; r++)
		store_map_row(sp->rows, r, &sp->row[r]);
	/* the rows point into the text; the index is not needed again */
	pgc_rows_drop_index(sp->rows);
	return 0;
}

void
store_policies_free(struct store_policies *sp)
{
	pgc_rows_free(sp->rows);
	free(sp->row);
	memset(sp, 0, sizeof *sp);
}

int
store_set_cur_no(struct pgc *pg, int64_t seq, int n, char *err,
    size_t errlen)
{
	char		 a[32], b[32];
	const char	*params[2] = { a, b };

	snprintf(a, sizeof a, "%d", n);
	snprintf(b, sizeof b, "%lld", (long long)seq);
	return pgc_exec(pg, "UPDATE das SET cur_no = $1::int WHERE seq = "
	    "$2::int", 2, params, NULL, err, errlen);
}

int
store_touch_row(struct pgc *pg, int64_t seq, char *err, size_t errlen)
{
	char		 b[32];
	const char	*params[1] = { b };

	snprintf(b, sizeof b, "%lld", (long long)seq);
	return pgc_exec(pg, "UPDATE das SET cur_no = cur_no WHERE seq = "
	    "$1::int", 1, params, NULL, err, errlen);
}

int
store_set_enabled(struct pgc *pg, int64_t seq, bool enabled, char *err,
    size_t errlen)
{
	char		 b[32];
	const char	*params[2] = { enabled ? "true" : "false", b };
	int		 rc;

	snprintf(b, sizeof b, "%lld", (long long)seq);
	rc = pgc_exec(pg, "UPDATE das SET enabled = $1::boolean WHERE seq = "
	    "$2::int", 2, params, NULL, err, errlen);
	/* 42703 undefined_column: a table with only README's ten columns;
	 * add the column once. */
	if (rc == -EINVAL && strcmp(pgc_sqlstate(pg), "42703") == 0) {
		rc = pgc_exec(pg, pgc_is_crate(pg) ?
		    "ALTER TABLE das ADD COLUMN enabled boolean" :
		    "ALTER TABLE das ADD COLUMN IF NOT EXISTS enabled boolean "
		    "DEFAULT true", 0, NULL, NULL, err, errlen);
		if (rc == 0)
			rc = pgc_exec(pg, "UPDATE das SET enabled = "
			    "$1::boolean WHERE seq = $2::int", 2, params, NULL,
			    err, errlen);
	}
	return rc;
}

