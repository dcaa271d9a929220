/* pgc: libpq wrapper with lazy reconnect, parameters and copied results. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"
#include "pgc.h"
#include "xmalloc.h"

struct pgc {
	char	*conninfo;
	PGconn	*conn;
	bool	 crate;
	unsigned long	 generation;
	char	 sqlstate[6];
	long	 stmt_timeout_ms;	/* 0: the server's */
};

struct pgc *
pgc_new(const char *conninfo)
{
	struct pgc	*pg;

	pg = xcalloc(1, sizeof *pg);
	pg->conninfo = xstrdup(conninfo);
	return pg;
}

void
pgc_free(struct pgc *pg)
{
	if (pg == NULL)
		return;
	pgc_disconnect(pg);
	free(pg->conninfo);
	free(pg);
}

void
pgc_disconnect(struct pgc *pg)
{
	if (pg->conn != NULL)
		PQfinish(pg->conn);
	pg->conn = NULL;
}

void
pgc_set_statement_timeout(struct pgc *pg, long ms)
{
	pg->stmt_timeout_ms = ms > 0 ? ms : 0;
	pgc_disconnect(pg);	/* the next connect sends it */
}

bool
pgc_connected(const struct pgc *pg)
{
	return pg->conn != NULL && PQstatus(pg->conn) == CONNECTION_OK;
}

unsigned long
pgc_generation(const struct pgc *pg)
{
	return pg->generation;
}

bool
pgc_is_crate(const struct pgc *pg)
{
	return pg->crate;
}

/* One line of libpq's message, without its trailing newline. */
static void
pgc_errmsg(const char *what, const char *msg, char *err, size_t errlen)
{
	size_t	n;

	char	*p;

	snprintf(err, errlen, "%s: %s", what, msg != NULL ? msg : "?");
	/* libpq's messages span lines; a log line must not. */
	for (p = err; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	}
	n = strlen(err);
	while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
}

/* Server NOTICEs ("relation already exists, skipping") are debug noise. */
static void
pgc_notice(void *arg, const char *msg)
{
	log_debug("PostgreSQL notice: %s", msg);
}

int
pgc_connect(struct pgc *pg, char *err, size_t errlen)
{
	/*
	 * Keepalives on both ends: ours let das notice a lost server; the
	 * server's (tcp_keepalives_* sent as options) let PostgreSQL notice
	 * a dead das and free its advisory lock, so a standby takes over in
	 * under a minute (10 s idle + 5 probes 5 s apart) instead of the
	 * kernel default of about two hours.
	 */
	static const char *const keys[] = { "connect_timeout", "keepalives",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "application_name", "options", "dbname", NULL };
	const char	*vals[9];
	const char	*crate;
	char		 options[160];
	int		 n;

	if (pgc_connected(pg))
		return 0;
	pgc_disconnect(pg);
	vals[0] = "5";
	vals[1] = "1";
	vals[2] = "10";
	vals[3] = "5";
	vals[4] = "5";
	vals[5] = "das";
	/*
	 * statement_timeout bounds every statement, waiting for a lock
	 * included: a locked table costs a tick that long, not for ever.
	 */
	n = snprintf(options, sizeof options, "-c tcp_keepalives_idle=10 "
	    "-c tcp_keepalives_interval=5 -c tcp_keepalives_count=5");
	if (pg->stmt_timeout_ms > 0)
		snprintf(options + n, sizeof options - (size_t)n,
		    " -c statement_timeout=%ld", pg->stmt_timeout_ms);
	vals[6] = options;
	/* Last, so whatever the operator's conninfo sets wins (libpq:
	 * entries after an expanded dbname would override it). */
	vals[7] = pg->conninfo;
	vals[8] = NULL;
	pg->conn = PQconnectdbParams(keys, vals, 1);
	if (pg->conn == NULL || PQstatus(pg->conn) != CONNECTION_OK) {
		pgc_errmsg("PostgreSQL connect", pg->conn ?
		    PQerrorMessage(pg->conn) : "out of memory", err, errlen);
		pgc_disconnect(pg);
		return -EIO;
	}
	PQsetNoticeProcessor(pg->conn, pgc_notice, NULL);
	pg->generation++;
	crate = PQparameterStatus(pg->conn, "crate_version");
	pg->crate = crate != NULL;
	return 0;
}

/*
 * Copy a PGresult into rows; the PGresult stays with the caller. The
 * cells' text goes into one block: 10,000 policies are 200,000 cells,
 * whose separate allocations would cost more than their text.
 */
static struct pgc_rows *
pgc_copy(PGresult *res)
{
	struct pgc_rows	*rows;
	size_t		 r, c, len, total = 0;
	char		*p;

	rows = xcalloc(1, sizeof *rows);
	rows->nrows = (size_t)PQntuples(res);
	rows->ncols = (size_t)PQnfields(res);
	rows->cols = xcalloc(rows->ncols + 1, sizeof *rows->cols);
	rows->cells = xcalloc(rows->nrows * rows->ncols + 1,
	    sizeof *rows->cells);
	for (c = 0; c < rows->ncols; c++)
		rows->cols[c] = xstrdup(PQfname(res, (int)c));
	for (r = 0; r < rows->nrows; r++)
		for (c = 0; c < rows->ncols; c++)
			total += (size_t)PQgetlength(res, (int)r, (int)c) + 1;
	p = rows->text = xmalloc(total + 1);
	for (r = 0; r < rows->nrows; r++) {
		for (c = 0; c < rows->ncols; c++) {
			if (PQgetisnull(res, (int)r, (int)c))
				continue;
			/* text format: the value is NUL-terminated text */
			len = strlen(PQgetvalue(res, (int)r, (int)c));
			memcpy(p, PQgetvalue(res, (int)r, (int)c), len + 1);
			rows->cells[r * rows->ncols + c] = p;
			p += len + 1;
		}
	}
	rows->affected = (size_t)strtoul(PQcmdTuples(res), NULL, 10);
	return rows;
}

int
pgc_exec(struct pgc *pg, const char *sql, int nparams,
    const char *const *params, struct pgc_rows **out, char *err,
    size_t errlen)
{
	PGresult	*res;
	const char	*state;
	int		 rc = 0;

	if (out != NULL)
		*out = NULL;
	pg->sqlstate[0] = '\0';
	if ((rc = pgc_connect(pg, err, errlen)) != 0)
		return rc;
	res = PQexecParams(pg->conn, sql, nparams, NULL, params, NULL, NULL,
	    0);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		if (out != NULL)
			*out = pgc_copy(res);
		break;
	default:
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		snprintf(pg->sqlstate, sizeof pg->sqlstate, "%s",
		    state != NULL ? state : "");
		pgc_errmsg("PostgreSQL", PQerrorMessage(pg->conn), err,
		    errlen);
		rc = PQstatus(pg->conn) == CONNECTION_OK ? -EINVAL : -EIO;
		if (rc == -EIO)
			pgc_disconnect(pg);
		break;
	}
	PQclear(res);
	return rc;
}

const char *
pgc_sqlstate(const struct pgc *pg)
{
	return pg->sqlstate;
}

void
pgc_rows_free(struct pgc_rows *rows)
{
	size_t	i;

	if (rows == NULL)
		return;
	for (i = 0; i < rows->ncols; i++)
		free(rows->cols[i]);
	free(rows->text);
	free(rows->cols);
	free(rows->cells);
	free(rows);
}

int
pgc_rows_col(const struct pgc_rows *rows, const char *name)
{
	size_t	c;

	for (c = 0; c < rows->ncols; c++) {
		if (strcmp(rows->cols[c], name) == 0)
			return (int)c;
	}
	return -1;
}

const char *
pgc_rows_get(const struct pgc_rows *rows, size_t r, int c)
{
	if (c < 0 || (size_t)c >= rows->ncols || r >= rows->nrows ||
	    rows->cells == NULL)
		return NULL;
	return rows->cells[r * rows->ncols + (size_t)c];
}

void
pgc_rows_drop_index(struct pgc_rows *rows)
{
	free(rows->cells);
	rows->cells = NULL;
}

int
pgc_try_lock(struct pgc *pg, long long key, bool *held, char *err,
    size_t errlen)
{
	struct pgc_rows	*rows = NULL;
	const char	*params[1];
	char		 k[32];
	int		 rc;

	*held = false;
	snprintf(k, sizeof k, "%lld", key);
	params[0] = k;
	rc = pgc_exec(pg, "SELECT pg_try_advisory_lock($1::bigint)", 1,
	    params, &rows, err, errlen);
	if (rc == 0) {
		const char *v = pgc_rows_get(rows, 0, 0);

		*held = v != NULL && strcmp(v, "t") == 0;
	}
	pgc_rows_free(rows);
	return rc;
}
