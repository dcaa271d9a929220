/*
 * policy: parse and validate one row of the policy table (pure, no I/O).
 *
 * A row arrives as text, column by column, exactly as SQL rendered it; NULL
 * stands for SQL NULL or a column the table does not have. policy_parse
 * turns it into a typed struct policy or explains, in one sentence naming
 * the column and the bad value, why the row cannot be used.
 *
 * Accepted syntax (the README repeats it for operators):
 *   thresholds  [op] number [unit], op one of > >= < <=, number decimal with
 *               an optional fraction (no sign, exponent, hex, inf or nan),
 *               unit (case-insensitive) one of
 *                 %                               ratio fields only
 *                 B KB MB GB TB (1000^n)          byte fields only
 *                 KiB MiB GiB TiB (1024^n)        byte fields only
 *               Blanks are allowed around op, number and unit. The out
 *               threshold defaults to >, and must be > or >=; the in
 *               threshold defaults to <, and must be < or <=.
 *   durations   InfluxQL duration literals: integer + unit (ns u µ ms s m h d
 *               w), concatenated parts allowed ("1h30m"), total > 0.
 *   integers    optional '-', decimal digits, nothing else, range-checked.
 *   booleans    t f true false 1 0 yes no on off y n (case-insensitive).
 *   names       service_id: 1..128 of [A-Za-z0-9_.-].
 */
#ifndef DAS_POLICY_H
#define DAS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define POLICY_NAME_MAX		128	/* service_id length limit */
#define POLICY_TARGET_MAX	4096	/* target text max */
#define POLICY_TARGET_NAME_MAX	64	/* runc/exec target: a das.conf NAME */

/* Every column as text; NULL = SQL NULL or absent column. All borrowed. */
struct policy_row {
	const char	*seq;
	const char	*min_no;
	const char	*max_no;
	const char	*cur_no;
	const char	*cond_item;
	const char	*out_cond;
	const char	*in_cond;
	const char	*out_duration;
	const char	*in_duration;
	const char	*service_id;
	/* optional columns */
	const char	*step_out;
	const char	*step_in;
	const char	*cooldown_out;
	const char	*cooldown_in;
	const char	*enabled;
	const char	*dry_run;
	const char	*backend;
	const char	*aggregate;
	const char	*mode;
	const char	*capacity;
	const char	*min_available;
	const char	*sustained;
	const char	*target;
	/* target tracking and per-direction anti-flapping (policy_track.c) */
	const char	*setpoint;
	const char	*tolerance;
	const char	*max_step_out;
	const char	*stabilize_in;
	const char	*stabilize_out;
	/* signals beyond ds's gauges (policy_signal.c) */
	const char	*measurement;
	const char	*service_tag;
	const char	*per_replica;
	const char	*activation;
	const char	*predict;
	const char	*lead;
};

enum policy_op {
	POLICY_OP_GT,
	POLICY_OP_GE,
	POLICY_OP_LT,
	POLICY_OP_LE,
};

/* What the unit of a number said about the field it may apply to. */
enum policy_unit {
	POLICY_UNIT_NONE,	/* plain number: any field */
	POLICY_UNIT_PERCENT,	/* %: cpu_ratio, mem_ratio */
	POLICY_UNIT_BYTES,	/* B, KB, ..., TiB: mem_*, net_*, blk_* */
	POLICY_UNIT_PER_S,	/* N/s: a rate (aggregate rate) */
	POLICY_UNIT_BYTES_PER_S, /* 5MB/s: a byte counter's rate */
};

struct policy_threshold {
	bool		 set;	/* false: the column was NULL (capacity mode) */
	bool		 has_op; /* the operator was written, not defaulted */
	enum policy_op	 op;
	double		 value;	/* 1.5GiB -> 1610612736, 70% -> 70 */
	enum policy_unit unit;
};

enum policy_backend {
	POLICY_BACKEND_SWARM,	/* service = Swarm service name, ID or prefix */
	POLICY_BACKEND_RUNC,	/* service = runc cluster, target = bundle */
	POLICY_BACKEND_EXEC,	/* service = service_name, target = command */
};

enum policy_aggregate {
	POLICY_AGG_MEAN,
	POLICY_AGG_MIN,
	POLICY_AGG_MAX,
	POLICY_AGG_MEDIAN,
	POLICY_AGG_PERCENTILE,	/* pNN: policy.percentile holds NN */
	POLICY_AGG_RATE,	/* a counter's per-second rate, averaged */
};

enum policy_mode {
	POLICY_MODE_THRESHOLD,	/* out/in thresholds (README's INSERT) */
	POLICY_MODE_CAPACITY,	/* SimpleScaleVM: capacity per replica */
	POLICY_MODE_TARGET,	/* target tracking: setpoint per replica */
};

struct policy {
	int64_t		 seq;
	int		 min_no;
	int		 max_no;
	int		 cur_no;	/* -1 when NULL */
	char		*field;		/* owned; a field of the contract */
	struct policy_threshold out;	/* op GT or GE */
	struct policy_threshold in;	/* op LT or LE */
	int64_t		 out_window_ns;
	int64_t		 in_window_ns;
	int64_t		 cooldown_out_ns;
	int64_t		 cooldown_in_ns;
	int		 step_out;
	int		 step_in;
	double		 step_out_pct;	/* > 0: the step is this % of the
					 * count, rounded up, at least 1 */
	double		 step_in_pct;
	bool		 enabled;
	bool		 dry_run;
	bool		 sustained;	/* either direction is */
	bool		 sustained_out;	/* out: every sample past (its min) */
	bool		 sustained_in;	/* in: every sample past (its max) */
	enum policy_backend backend;
	enum policy_aggregate aggregate;
	double		 percentile;	/* (0, 100], POLICY_AGG_PERCENTILE */
	enum policy_mode mode;
	double		 capacity;	/* capacity mode: units per replica */
	double		 min_available;	/* capacity mode: spare units wanted */
	char		*service;	/* owned */
	char		*target;	/* owned, NULL when absent */
	/* target mode (policy_track.c) */
	double		 setpoint;	/* per ready replica, field's units */
	double		 tolerance;	/* fraction: 0.1 = 10 % */
	int		 max_step_out;	/* replicas per decision (0: by pct) */
	double		 max_step_out_pct; /* % of the count (0: by count) */
	int64_t		 stabilize_in_ns;  /* 0: none */
	int64_t		 stabilize_out_ns; /* 0: none */
	/* signals (policy_signal.c) */
	char		*measurement;	/* owned; NULL: ds's "docker" */
	char		*service_tag;	/* owned; NULL unless measurement */
	bool		 of_total;	/* per_replica false: of the total */
	double		 activation;	/* from/to 0 replicas: load above it */
	int64_t		 predict_ns;	/* seasonality period; 0: off */
	int64_t		 lead_ns;	/* pre-scale this far ahead */
};

/* A custom measurement: the value is the service's total (decide.h). */
#define POLICY_CUSTOM(p)	((p)->measurement != NULL)

/*
 * Parse and validate row into p. On success returns 0 and p owns its
 * strings (release with policy_clear). On failure returns -EINVAL, writes one
 * sentence naming the column and the bad value into err (when errlen > 0)
 * and leaves p cleared (policy_clear on it is harmless).
 *
 * Defaults for NULL optional columns: step_out = step_in = 1, cooldown_out =
 * out window, cooldown_in = in window, enabled, not dry run, backend swarm,
 * aggregate mean, mode threshold, not sustained, min_available 0; no
 * stabilization (policy_track.c has target mode's own defaults).
 * Threshold mode needs out_cond, in_cond, out_duration and in_duration, with
 * in below out. Capacity mode needs capacity > 0 and out_duration;
 * in_duration defaults to out_duration and out_cond/in_cond may be NULL.
 */
int	 policy_parse(const struct policy_row *, struct policy *,
	    char *err, size_t errlen);

/*
 * Replicas one step moves from count r: step_out / step_in, or its
 * percent of r rounded up, at least 1 (AWS's PercentChangeInCapacity).
 */
int	 policy_step(const struct policy *, bool out_side, int r);
/* Target mode: the most replicas one decision adds to count r. */
int	 policy_max_step_out(const struct policy *, int r);

/* Free p's owned strings and zero it. NULL and repeated calls are fine. */
void	 policy_clear(struct policy *);

/*
 * FNV-1a (64-bit) over every column, NULL distinguished from "", so the
 * caller can tell when a row changed (journal "invalid" once per change).
 */
uint64_t policy_row_hash(const struct policy_row *);

/*
 * The member of r that holds column `name` (a pointer to its text
 * pointer), or NULL when the table has no such column.
 */
const char **policy_row_column(struct policy_row *r, const char *name);
/* The i-th column's name, or NULL past the last. */
const char *policy_column_name(size_t i);

/* Parse an InfluxQL duration literal into ns (> 0). 0 or -EINVAL. */
int	 policy_parse_duration(const char *, int64_t *ns);

/*
 * Render ns as the InfluxQL literal with the largest unit that divides it
 * exactly (600 s -> "10m", 5400 s -> "90m", 0 -> "0s"), appended to b.
 * Negative values render with a leading '-' (never produced by the parser).
 */
void	 policy_format_duration(int64_t ns, struct buf *b);

/*
 * Parse a threshold for the out side (out_side true: default >, must be
 * > or >=) or the in side (default <, must be < or <=). Does not check the
 * unit against a field (policy_parse does). Returns 0 or -EINVAL with a
 * sentence in err naming out_cond or in_cond.
 */
int	 policy_parse_threshold(const char *, bool out_side,
	    struct policy_threshold *, char *err, size_t errlen);

/* True when name is one of the contract's fields (the InfluxQL whitelist). */
bool	 policy_field_known(const char *name);
/* The unit family a field's values are in: PERCENT, BYTES (NONE: unknown). */
enum policy_unit policy_field_unit(const char *name);

/*
 * The lexical layer (policy_syntax.c), exported for reuse and for tests.
 */

/* Strict integer: optional '-', digits only, within [lo, hi]. Returns 0,
 * -EINVAL (not an integer) or -ERANGE (outside; *v then holds the value). */
int	 policy_parse_int(const char *, int64_t lo, int64_t hi, int64_t *v);
/* t f true false 1 0 yes no y n on off, any case. 0 or -EINVAL. */
int	 policy_parse_bool(const char *, bool *v);
/*
 * "number [unit]" (no operator) for column col, unit applied to *v.
 * Returns 0 or -EINVAL with a sentence in err naming col.
 */
int	 policy_parse_amount(const char *col, const char *s, double *v,
	    enum policy_unit *unit, char *err, size_t errlen);
/* Fewest-decimals fixed-point text that reads back as d ("99.9", "70"). */
void	 policy_format_number(double d, struct buf *b);

/*
 * Copy s into out (POLICY_SHOW_SIZE bytes) fit to quote in a log line:
 * control bytes become '?', a long value is cut with "...". Returns out.
 */
#define POLICY_SHOW_SIZE	52
const char *policy_show(const char *s, char *out);

/* Stable lower-case names, for logs, the journal and dasctl. */
const char *policy_backend_name(enum policy_backend);
const char *policy_mode_name(enum policy_mode);
/* "mean", "min", "max", "median", "p95", "p99.9", ... into b. */
void	 policy_format_aggregate(const struct policy *, struct buf *b);

#endif
