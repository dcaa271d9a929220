/* strpool: block-allocated strings freed all at once. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strpool.h"
#include "xmalloc.h"

/* Large enough that a tick's strings take few blocks, small enough to
 * cost nothing when a tick has one policy. */
#define STRPOOL_BLOCK	(16 * 1024)

struct strpool_block {
	struct strpool_block	*next;
	size_t			 used, cap;
	char			 data[];
};

/* Room for len bytes: in the head block, else in a new one. */
static char *
strpool_room(struct strpool *p, size_t len)
{
	struct strpool_block	*b = p->head;
	size_t			 cap;

	if (b == NULL || b->cap - b->used < len) {
		cap = len > STRPOOL_BLOCK ? len : STRPOOL_BLOCK;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = p->head;
		p->head = b;
	}
	b->used += len;
	return b->data + b->used - len;
}

const char *
strpool_add(struct strpool *p, const char *s)
{
	size_t	 len;
	char	*d;

	if (s == NULL || *s == '\0')
		return "";
	len = strlen(s) + 1;
	d = strpool_room(p, len);
	memcpy(d, s, len);
	return d;
}

const char *
strpool_printf(struct strpool *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*d;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return "";
	d = strpool_room(p, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

void
strpool_clear(struct strpool *p)
{
	struct strpool_block	*b, *next;

	for (b = p->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	p->head = NULL;
}
