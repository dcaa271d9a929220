/*
 * fixtures: what the unit tests make and throw away: temporary files and
 * directories, files written under a directory, a stand-in program first
 * in PATH, and whole files read back (the recordings under tests/data
 * too). Each helper fails the running test when the system refuses.
 */
#ifndef DAS_TEST_FIXTURES_H
#define DAS_TEST_FIXTURES_H

#include <stddef.h>

/* A new file under /tmp holding text; its path, to unlink and free. */
char	*t_tmpfile(const char *text);

/* A new empty directory under /tmp; its path, to t_rmtree and free. */
char	*t_tmpdir(void);

/* Write text to root/rel, making the directories between. */
void	 t_write(const char *root, const char *rel, const char *text);

/* Remove root and everything below it. */
void	 t_rmtree(const char *root);

/* The whole of path, NUL-terminated, its length in *len; free it. */
char	*t_slurp(const char *path, size_t *len);

/* t_slurp of tests/data/rel. */
char	*t_data(const char *rel, size_t *len);

/* How many descriptors this process has open. */
int	 t_count_fds(void);

/*
 * A directory holding an executable shell script called name, made of
 * body, and put first in PATH; its path, to t_rmtree and free.
 */
char	*t_fake_program(const char *name, const char *body);

#endif
