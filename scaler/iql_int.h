/*
 * iql_int: the query plan's private state, shared by iql.c (quoting and
 * planning), iql_answer.c (reading the answer) and iql_obs.c (the rows
 * kept, looked up per policy). Not a public API.
 */
#ifndef DAS_IQL_INT_H
#define DAS_IQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "iql.h"
#include "policy.h"
#include "predict.h"
#include "strpool.h"
#include "wcache.h"

enum iql_kind {
	IQL_AGG,	/* aggregate, count, min, max */
	IQL_FIRST,	/* first(): time of the oldest sample */
	IQL_LAST,	/* last(): time of the newest sample */
	IQL_READY,	/* the ready containers' sum and count (iql.h) */
	IQL_PEAK,	/* a past period's peak total (predict.h) */
	IQL_RAW,	/* ds's new raw samples, for the cache (wcache.h) */
};
/* The kinds of one window's statements (IQL_PEAK is none of them). */
#define IQL_KINDS	4
/* A window's IQL_READY index when its policy needs none. */
#define IQL_NO_STMT	SIZE_MAX

struct iql_stmt {
	enum iql_kind		 kind;
	char			*field;
	enum policy_aggregate	 agg;
	double			 pct;
	int64_t			 window_ns;
	bool			 range;		/* min and max too (sustained) */
	uint64_t		 min_count;	/* IQL_READY: K (iql.h) */
	char			*measurement;	/* NULL: ds's (plan's) */
	char			*tag;		/* custom: the service's tag */
	bool			 rate;		/* of the field's derivative */
	int64_t			 back_ns;	/* IQL_PEAK: k periods back */
	int64_t			 lead_ns;	/* IQL_PEAK: its span */
	bool			 local;		/* computed from the cache */
	bool			 answered;
	char			*error;		/* owned; NULL: fine */
};

/*
 * Per policy: the statements answering its out and in windows, by enum
 * iql_kind; [IQL_READY] is IQL_NO_STMT unless its mode counts ready
 * containers.
 */
struct iql_pol {
	bool			 planned;
	bool			 custom;	/* by its own service tag */
	enum policy_backend	 backend;
	size_t			 out[IQL_KINDS];
	size_t			 in[IQL_KINDS];
	bool			 predict;
	size_t			 peak[PREDICT_PERIODS];
};

/* One series of one statement (its first row), as read. */
struct iql_row {
	int64_t		 time;
	double		 value, lo, hi;
	uint64_t	 n;
};

/*
 * What is kept of an aggregate statement's row; of a first() or last()
 * row only its time is kept (at 10,000 series that is 0.8 MB less).
 */
struct iql_agg {
	double		 value, lo, hi;
	uint64_t	 n;
};

/*
 * Open-addressing hash table keyed by (stmt, kind, name): statement
 * dedup keys at build time, (0, kind, tag) -> series entry after fill.
 * Names are copied into the map's pool (one block, not one malloc each).
 */
struct iql_slot {
	const char	*name;		/* in names; NULL: empty slot */
	size_t		 val;
	uint32_t	 stmt;
	char		 kind;
};

struct iql_map {
	struct iql_slot	*slots;
	size_t		 cap;		/* 0 or a power of two */
	size_t		 len;
	struct strpool	 names;
};

/* A series entry's row for a statement: none yet, or two series. */
#define IQL_ROW_NONE	UINT32_MAX
#define IQL_ROW_AMBIG	(UINT32_MAX - 1)

/* The statements [first, first + count) of one request. */
struct iql_span {
	size_t		 first, count;
};

struct iql_plan {
	int64_t		 interval_ns;	/* ds's sample interval (K) */
	char		*rp;		/* retention policy; NULL: default */
	char		*measurement;	/* ds's, "docker" */
	struct buf	 query;		/* every statement */
	struct iql_span	 parts[IQL_PARTS_MAX];
	struct buf	 part_query[IQL_PARTS_MAX];	/* when nparts > 1 */
	size_t		 nparts;
	struct iql_stmt	*stmts;
	size_t		 nstmts;
	/*
	 * Statements [0, nsent) are asked; with a cache (iql_cache.c) the
	 * last of them is the raw read (raw) and those after it local.
	 */
	size_t		 nsent, raw;
	unsigned	 chunk_rows;	/* 0: IQL_CHUNK_ROWS */
	struct wcache	*cache;
	struct wcache	*own_cache;	/* without das's: the plan's own */
	const char	*cache_fields[WCACHE_FIELDS_MAX];
	size_t		 ncache_fields;
	int64_t		 cache_now, cache_from;
	bool		 cache_full;
	struct iql_pol	*pols;
	size_t		 npols;
	/*
	 * An answer's series are indexed once per tag, not once per
	 * statement: (0, 's'|'r'|'n', tag) -> entry e, whose rows are
	 * entries[e * nstmts + stmt]: IQL_ROW_*, or an index into aggs
	 * (an aggregate statement) or times (first, last).
	 */
	struct iql_map	 series;
	uint32_t	*entries;
	size_t		 nentries, entcap;
	struct iql_agg	*aggs;
	size_t		 naggs, aggcap;
	int64_t		*times;
	size_t		 ntimes, timecap;
};

/* (stmt, kind, name) lookup; NULL when absent. */
const struct iql_slot *iql_map_get(const struct iql_map *, size_t stmt,
	    char kind, const char *name);
/*
 * Find or add the key. *added says which; a new slot's val is the
 * caller's to set. The returned slot is valid until the next put.
 */
struct iql_slot	*iql_map_put(struct iql_map *, size_t stmt, char kind,
	    const char *name, bool *added);
void		 iql_map_free(struct iql_map *);
/* Our statements have 2 to 5 columns. */
#define IQL_MAX_COLS	64

/* The columns read, by name, in iql_answer.c's iql_cols order. */
enum iql_col {
	IQL_COL_TIME, IQL_COL_VALUE, IQL_COL_N, IQL_COL_LO, IQL_COL_HI,
	IQL_NCOLS
};

/* A scalar from yajl: 'i' integer, 'd' real, 'z' null, 's' string, 'b'. */
struct iql_cell {
	char		 kind;
	long long	 i;
	double		 d;
	const char	*s;		/* 's': borrowed for the callback */
	size_t		 len;
};

/* The series being read (iql_answer.c). */
struct iql_series {
	bool		 has_tags, has_cols, has_vals, has_tag[3];
	struct buf	 tag[3];
	/* time, value, n, lo, hi (IQL_COL_*); -1: none */
	int		 col[IQL_NCOLS];
	size_t		 ncols, nvals, ncells;
	struct iql_cell	 cells[IQL_MAX_COLS];
};

/*
 * Keep the first row of series s (its cells as many as its columns) of
 * statement sid under the series' service, service_name and backend tags
 * ("" when absent). 0, or -EPROTO when the row lacks a column the
 * statement asked for or a cell of the wrong type, or the answer holds
 * more rows than a plan can index.
 */
int		 iql_keep_series(struct iql_plan *, size_t sid,
		    const struct iql_series *s);
/* Keep r under the tags service, service_name, backend (iql_obs.c). */
int		 iql_keep_row(struct iql_plan *, size_t sid,
		    const struct iql_row *r, const char *const tag[3]);
/* Plan the cache's raw read and local statements (iql_cache.c). */
void		 iql_cache_plan(struct iql_plan *,
		    const struct iql_cache_opts *);
/*
 * Without das's cache: the ready containers' statements computed from
 * a raw read of their windows ending at now, into the plan's own cache
 * (iql_cache.c). Nothing when the plan has none.
 */
void		 iql_cache_plan_ready(struct iql_plan *, int64_t now_ns);
/* Empty the plan's own cache for another fill of the same raw read. */
void		 iql_cache_restart(struct iql_plan *);
/* Render the raw read (iql_cache.c). */
void		 iql_cache_render(struct buf *, const struct iql_plan *);
/* Forget the answer of an earlier fill. */
void		 iql_plan_reset(struct iql_plan *);

#endif
