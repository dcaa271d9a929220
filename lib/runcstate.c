/* runcstate: runc containers from <root>/<id>/state.json. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "runcstate.h"
#include "xmalloc.h"

bool
runcstate_valid_id(const char *id)
{
	size_t	n;

	if (id == NULL || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	n = strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_+.-");
	return n > 0 && n <= RUNCSTATE_ID_MAX && id[n] == '\0';
}

int
runcstate_split_id(const char *id, size_t *cluster_len)
{
	const char	*us = strrchr(id, '_'), *p;
	long		 n = 0;

	*cluster_len = strlen(id);
	if (us == NULL || us == id || us[1] < '1' || us[1] > '9')
		return -1;
	for (p = us + 1; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > RUNCSTATE_INDEX_MAX)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*cluster_len = (size_t)(us - id);
	return (int)n;
}

void
runcstate_clear(struct runcstate *st)
{
	free(st->bundle);
	free(st->freezer);
	free(st->unified);
	memset(st, 0, sizeof *st);
}

/* Exactly n digits at *pp into *v; advances *pp. */
static bool
runcstate_digits(const char **pp, int n, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*pp)[i] < '0' || (*pp)[i] > '9')
			return false;
		*v = *v * 10 + ((*pp)[i] - '0');
	}
	*pp += n;
	return true;
}

/* ".fraction" (up to 9 digits kept) into ns; none is 0. */
static bool
runcstate_fraction(const char **pp, int64_t *ns)
{
	const char	*p = *pp;
	int64_t		 scale = 100000000;

	*ns = 0;
	if (*p != '.')
		return true;
	if (*++p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		*ns += (*p - '0') * scale;
		scale /= 10;
	}
	*pp = p;
	return true;
}

/* "Z", "+hh:mm" or "-hh:mm", then the end, into seconds east of UTC. */
static bool
runcstate_zone(const char *p, long *off)
{
	int	h, m, sign;

	*off = 0;
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0';
	if (*p != '+' && *p != '-')
		return false;
	sign = *p++ == '-' ? -1 : 1;
	if (!runcstate_digits(&p, 2, &h) || *p++ != ':' ||
	    !runcstate_digits(&p, 2, &m) || *p != '\0' || h > 23 || m > 59)
		return false;
	*off = sign * (h * 3600L + m * 60L);
	return true;
}

int
runcstate_parse_time(const char *s, int64_t *ns)
{
	struct tm	 tm;
	const char	*p = s;
	int64_t		 frac;
	long		 off;
	time_t		 t;

	memset(&tm, 0, sizeof tm);
	if (!runcstate_digits(&p, 4, &tm.tm_year) || *p++ != '-' ||
	    !runcstate_digits(&p, 2, &tm.tm_mon) || *p++ != '-' ||
	    !runcstate_digits(&p, 2, &tm.tm_mday) ||
	    (*p != 'T' && *p != 't'))
		return -EINVAL;
	p++;
	if (!runcstate_digits(&p, 2, &tm.tm_hour) || *p++ != ':' ||
	    !runcstate_digits(&p, 2, &tm.tm_min) || *p++ != ':' ||
	    !runcstate_digits(&p, 2, &tm.tm_sec) ||
	    !runcstate_fraction(&p, &frac) || !runcstate_zone(p, &off))
		return -EINVAL;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || tm.tm_year < 1970)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	*ns = ((int64_t)t - off) * 1000000000 + frac;
	return 0;
}

/* The bundle from config.labels ["bundle=/path", ...]; NULL if absent. */
static char *
runcstate_bundle(const json_t *labels)
{
	const char	*l;
	size_t		 i;

	for (i = 0; i < json_array_size(labels); i++) {
		l = json_string_value(json_array_get(labels, i));
		if (l != NULL && strncmp(l, "bundle=", 7) == 0 && l[7] != '\0')
			return xstrdup(l + 7);
	}
	return NULL;
}

static char *
runcstate_str(const json_t *o, const char *key)
{
	const char	*v = json_string_value(json_object_get(o, key));

	return v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

/* Fill st from a parsed state.json; false with err when unusable. */
static bool
runcstate_fill(const json_t *j, struct runcstate *st, char *err,
    size_t errlen)
{
	const char	*id, *created;
	const json_t	*cg;
	json_int_t	 pid, start;

	id = json_string_value(json_object_get(j, "id"));
	if (!runcstate_valid_id(id)) {
		snprintf(err, errlen, "no valid \"id\"");
		return false;
	}
	pid = json_integer_value(json_object_get(j, "init_process_pid"));
	if (pid <= 0 || pid > INT_MAX) {
		snprintf(err, errlen, "container %s: no \"init_process_pid\"",
		    id);
		return false;
	}
	start = json_integer_value(json_object_get(j, "init_process_start"));
	snprintf(st->id, sizeof st->id, "%s", id);
	st->pid = (pid_t)pid;
	st->start = start > 0 ? (uint64_t)start : 0;
	created = json_string_value(json_object_get(j, "created"));
	if (created == NULL ||
	    runcstate_parse_time(created, &st->created_ns) != 0)
		st->created_ns = 0;
	st->bundle = runcstate_bundle(json_object_get(json_object_get(j,
	    "config"), "labels"));
	cg = json_object_get(j, "cgroup_paths");
	st->freezer = runcstate_str(cg, "freezer");
	st->unified = runcstate_str(cg, "");
	return true;
}

int
runcstate_parse(const char *text, size_t len, struct runcstate *st,
    char *err, size_t errlen)
{
	json_error_t	 jerr;
	json_t		*j;
	bool		 ok;

	memset(st, 0, sizeof *st);
	j = json_loadb(text, len, 0, &jerr);
	if (j == NULL) {
		snprintf(err, errlen, "not JSON: %s", jerr.text);
		return -EBADMSG;
	}
	ok = runcstate_fill(j, st, err, errlen);
	json_decref(j);
	if (!ok) {
		runcstate_clear(st);
		return -EBADMSG;
	}
	return 0;
}

int
runcstate_parse_proc_stat(const char *s, size_t len, char *state,
    uint64_t *start)
{
	const char	*p, *end = s + len;
	uint64_t	 v;
	int		 field;

	p = memrchr(s, ')', len);
	/* after ") ": field 3 is the state, then fields 4 .. 22 */
	if (p == NULL || end - p < 4 || p[1] != ' ')
		return -EINVAL;
	p += 2;
	*state = *p;
	for (field = 3; field < 22; field++) {
		p = memchr(p, ' ', (size_t)(end - p));
		if (p == NULL || ++p >= end)
			return -EINVAL;
	}
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (v = 0; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*start = v;
	return 0;
}

/*
 * Read a whole small file into a fresh NUL-terminated string (caller
 * frees). 0 or -errno; -EFBIG past max bytes.
 */
static int
runcstate_slurp(const char *path, size_t max, char **out, size_t *len)
{
	char	*b = NULL;
	size_t	 cap = 8192, n = 0;
	ssize_t	 r;
	int	 fd, rc = 0;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	b = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				rc = -EFBIG;
				break;
			}
			cap *= 2;
			b = xrealloc(b, cap + 1);
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (rc != 0) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return 0;
}

int
runcstate_read(const char *root, const char *id, struct runcstate *st,
    char *err, size_t errlen)
{
	char	 path[PATH_MAX], why[256];
	char	*text = NULL;
	size_t	 len = 0;
	int	 rc;

	memset(st, 0, sizeof *st);
	if (!runcstate_valid_id(id)) {
		snprintf(err, errlen, "runc container id \"%.64s\" is not "
		    "valid", id);
		return -EINVAL;
	}
	if (snprintf(path, sizeof path, "%s/%s/state.json", root, id) >=
	    (int)sizeof path) {
		snprintf(err, errlen, "%s/%s: path too long", root, id);
		return -ENAMETOOLONG;
	}
	rc = runcstate_slurp(path, RUNCSTATE_FILE_MAX, &text, &len);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = runcstate_parse(text, len, st, why, sizeof why);
	free(text);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	else if (strcmp(st->id, id) != 0) {
		snprintf(err, errlen, "%s: holds id \"%s\"", path, st->id);
		runcstate_clear(st);
		rc = -EBADMSG;
	}
	return rc;
}

bool
runcstate_alive(const struct runcstate *st, const char *proc_root)
{
	char	path[PATH_MAX], buf[1024], state;
	uint64_t start;
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s/%d/stat", proc_root, (int)st->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n <= 0 || runcstate_parse_proc_stat(buf, (size_t)n, &state,
	    &start) != 0)
		return false;
	return state != 'Z' && state != 'X' && state != 'x' &&
	    (st->start == 0 || start == st->start);
}

/* Whether the first line of dir/file is want. */
static bool
runcstate_file_is(const char *dir, const char *file, const char *want)
{
	char	path[PATH_MAX], buf[64];
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, want) == 0;
}

enum runcstate_status
runcstate_status(const struct runcstate *st, const char *root,
    const char *proc_root)
{
	struct stat	sb;
	char		path[PATH_MAX];

	if (!runcstate_alive(st, proc_root))
		return RUNCSTATE_STOPPED;
	snprintf(path, sizeof path, "%s/%s/exec.fifo", root, st->id);
	if (stat(path, &sb) == 0)
		return RUNCSTATE_CREATED;
	/* v1 freezer when the container has one, else v2's cgroup.freeze */
	if (st->freezer != NULL ? runcstate_file_is(st->freezer,
	    "freezer.state", "FROZEN") : st->unified != NULL &&
	    runcstate_file_is(st->unified, "cgroup.freeze", "1"))
		return RUNCSTATE_PAUSED;
	return RUNCSTATE_RUNNING;
}
