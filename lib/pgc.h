/*
 * pgc: a small libpq wrapper (PostgreSQL, and CrateDB over its PostgreSQL
 * wire protocol).
 *
 * Statements are single autocommit statements with parameters ($1...), so
 * nothing read from anywhere is pasted into SQL. Results are copied into a
 * struct pgc_rows: no PGresult leaves this module. The connection is made
 * lazily and re-made after it drops; libpq keepalives are on so a dead peer
 * is noticed within a minute.
 */
#ifndef DAS_PGC_H
#define DAS_PGC_H

#include <stdbool.h>
#include <stddef.h>

struct pgc;

struct pgc_rows {
	size_t	  nrows;
	size_t	  ncols;
	char	**cols;		/* column names */
	char	**cells;	/* nrows * ncols, NULL for SQL NULL */
	char	 *text;		/* every cell's text, one block */
	size_t	  affected;	/* rows affected by INSERT/UPDATE/DELETE */
};

/* conninfo is copied. Caller frees with pgc_free. Does not connect. */
struct pgc	*pgc_new(const char *conninfo);
void		 pgc_free(struct pgc *);

/* Connect when not connected (or the connection broke). 0 or -EIO. */
int	pgc_connect(struct pgc *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));
bool	pgc_connected(const struct pgc *);
/*
 * Every statement of later connections may take at most ms (the
 * server's statement_timeout, which counts waiting for a lock); 0 leaves
 * the server's default. Drops the current connection.
 */
void	pgc_set_statement_timeout(struct pgc *, long ms);
/* Drop the connection (and any session state such as advisory locks). */
void	pgc_disconnect(struct pgc *);
/* Counts successful connects: a session-level lock taken under an older
 * generation is gone. */
unsigned long pgc_generation(const struct pgc *);
/* True when the server is CrateDB (no advisory locks, no ON CONFLICT...). */
bool	pgc_is_crate(const struct pgc *);

/*
 * Run one statement with text parameters (NULL entries are SQL NULL).
 * *out (may be NULL when the caller wants no rows) receives the rows,
 * caller frees with pgc_rows_free. Returns 0, -EIO when the connection
 * failed (it will be re-made on the next call), -EINVAL when the server
 * refused the statement; err holds the server's message and SQLSTATE.
 */
int	pgc_exec(struct pgc *, const char *sql, int nparams,
	    const char *const *params, struct pgc_rows **out, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/* The SQLSTATE of the last failed statement ("" when none). Borrowed. */
const char *pgc_sqlstate(const struct pgc *);

void		 pgc_rows_free(struct pgc_rows *);
/* Column index by name, or -1. */
int		 pgc_rows_col(const struct pgc_rows *, const char *name);
/* Cell (r, c); NULL for SQL NULL or c < 0. Borrowed from rows. */
const char	*pgc_rows_get(const struct pgc_rows *, size_t r, int c);
/*
 * Free the cell index but keep the cells' text, for a caller that has
 * taken every pointer it needs: pgc_rows_get returns NULL afterwards.
 * 10,000 policies x 23 columns are 1.8 MB of index.
 */
void		 pgc_rows_drop_index(struct pgc_rows *);

/*
 * Session-level advisory lock: true when this connection holds (or just
 * took) pg_try_advisory_lock(key). Lost with the connection.
 */
int	pgc_try_lock(struct pgc *, long long key, bool *held, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

#endif
