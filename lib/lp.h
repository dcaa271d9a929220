/*
 * lp: InfluxDB 1.x line-protocol writer.
 *
 * Each element is escaped by its own rule (InfluxDB 1.x line protocol
 * reference, "Special characters"):
 *   measurement          comma, space
 *   tag key, tag value   comma, equals sign, space
 *   field key            comma, equals sign, space
 *   string field value   double quote, backslash (inside double quotes)
 * Line protocol cannot carry a newline in any element, escaped or not, so
 * CR and LF become a space. No element but a string value can end in a
 * backslash (InfluxDB reads it as escaping the separator after it and
 * refuses the line), so trailing backslashes are dropped there.
 * A tag whose value is empty is left out, as InfluxDB refuses empty tags.
 *
 * Usage: lp_begin, any lp_tag, at least one lp_field_*, lp_end. The point is
 * appended to the caller's buf; lp_end returns false (and rolls the buf back
 * to where lp_begin found it) when the point had no field.
 */
#ifndef DAS_LP_H
#define DAS_LP_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct lp_point {
	struct buf	*out;
	size_t		 start;
	int		 nfields;
	bool		 valid;	/* false: empty measurement */
};

void	lp_begin(struct lp_point *, struct buf *, const char *measurement);
void	lp_tag(struct lp_point *, const char *key, const char *value);
void	lp_field_float(struct lp_point *, const char *key, double);
void	lp_field_int(struct lp_point *, const char *key, int64_t);
void	lp_field_str(struct lp_point *, const char *key, const char *);
/* ts is in the precision the batch is written with; 0 leaves it out. */
bool	lp_end(struct lp_point *, int64_t ts) __attribute__((warn_unused_result));

/* The escapers, exported for the tests. */
void	lp_escape_measurement(struct buf *, const char *);
void	lp_escape_key(struct buf *, const char *);	/* tag key/value, field key */
void	lp_escape_string(struct buf *, const char *);	/* string field value, no quotes */

/* Number of complete lines (points) in a line-protocol text. */
size_t	lp_count_lines(const char *, size_t);

#endif
