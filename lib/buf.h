/*
 * buf: a growable byte buffer, always NUL-terminated.
 *
 * A value type: embed a struct buf, buf_init() it, buf_free() it. data is
 * owned by the buf; buf_steal() hands it to the caller.
 */
#ifndef DAS_BUF_H
#define DAS_BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_reserve(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_truncate(struct buf *, size_t);
/* Remove the first n bytes. */
void	 buf_consume(struct buf *, size_t);
/* Caller frees the returned string; the buf is left empty. */
char	*buf_steal(struct buf *);
/* Borrowed until the next change to the buf; never NULL. */
const char *buf_str(const struct buf *);

#endif
