/*
 * xmalloc: allocation that never returns NULL.
 *
 * Out of memory is fatal (as in tmux's xmalloc.c): a daemon that cannot
 * allocate a few bytes cannot do anything sensible, and no caller has to
 * carry an untested OOM path.
 */
#ifndef DAS_XMALLOC_H
#define DAS_XMALLOC_H

#include <stddef.h>

/* All return memory the caller frees with free(). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
