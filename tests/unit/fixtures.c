/* fixtures: temporary files, directories and programs for the unit tests. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures.h"

char *
t_tmpfile(const char *text)
{
	char	*path = strdup("/tmp/das-unit-XXXXXX");
	int	 fd = mkstemp(path);

	cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

char *
t_tmpdir(void)
{
	char	*path = strdup("/tmp/das-unit-XXXXXX");

	cr_assert_not_null(mkdtemp(path), "mkdtemp: %s", strerror(errno));
	return path;
}

void
t_write(const char *root, const char *rel, const char *text)
{
	char	path[PATH_MAX], *p;
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	cr_assert_not_null(f = fopen(path, "w"), "%s", path);
	fputs(text, f);
	fclose(f);
}

static int
t_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void
t_rmtree(const char *root)
{
	nftw(root, t_rm, 16, FTW_DEPTH | FTW_PHYS);
}

char *
t_slurp(const char *path, size_t *len)
{
	char	*data;
	FILE	*f;
	long	 n;

	cr_assert_not_null(f = fopen(path, "r"), "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	data[n] = '\0';
	*len = (size_t)n;
	return data;
}

char *
t_data(const char *rel, size_t *len)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", TEST_DATA, rel);
	return t_slurp(path, len);
}

int
t_count_fds(void)
{
	DIR		*d = opendir("/proc/self/fd");
	struct dirent	*e;
	int		 n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;		/* the DIR's own fd */
}

char *
t_fake_program(const char *name, const char *body)
{
	char	*dir = t_tmpdir(), *text, *path, *oldpath, *newpath;

	cr_assert_gt(asprintf(&text, "#!/bin/sh\n%s\n", body), 0);
	t_write(dir, name, text);
	free(text);
	cr_assert_gt(asprintf(&path, "%s/%s", dir, name), 0);
	cr_assert_eq(chmod(path, 0755), 0);
	free(path);
	oldpath = getenv("PATH");
	cr_assert_gt(asprintf(&newpath, "%s:%s", dir, oldpath != NULL ?
	    oldpath : "/bin:/usr/bin"), 0);
	setenv("PATH", newpath, 1);
	free(newpath);
	return dir;
}
