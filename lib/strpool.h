/*
 * strpool: strings that live together and die together. Each string is
 * copied into a block of the pool and stays where it is until
 * strpool_clear, so its pointer is stable; there is no per-string free.
 * das keeps the texts of one tick's 10,000 statuses here: a few bytes
 * each, where fixed-size arrays cost hundreds.
 */
#ifndef DAS_STRPOOL_H
#define DAS_STRPOOL_H

#include <stddef.h>

struct strpool_block;

struct strpool {
	struct strpool_block	*head;	/* newest block first */
};

#define STRPOOL_INIT	{ NULL }

/* A copy of s ("" for NULL) that lives until strpool_clear. */
const char	*strpool_add(struct strpool *, const char *s);
/* The same for a printf-formatted string. */
const char	*strpool_printf(struct strpool *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Free every string; the pool can be used again. */
void		 strpool_clear(struct strpool *);

#endif
