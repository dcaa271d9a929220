/*
 * cgroup: resolve a container's cgroup once, then pread its counter files.
 *
 * What Docker reads, so that our figures are the ones `docker stats` shows
 * (containerd/cgroups v1 and v2 managers, moby daemon/stats):
 *   v1  cpuacct.usage; memory.usage_in_bytes, memory.limit_in_bytes,
 *       total_inactive_file of memory.stat; blkio.io_service_bytes_recursive
 *       (CFQ) when it has entries, else the throttle policy's counters.
 *       containerd takes blkio.throttle.io_service_bytes there; we take its
 *       _recursive twin, the same figure for a container's own cgroup and,
 *       like every v2 figure and v1 CPU and memory, inclusive of any
 *       sub-cgroups the container makes.
 *   v2  usage_usec of cpu.stat; memory.current, memory.max, inactive_file
 *       of memory.stat; rbytes/wbytes of io.stat.
 *
 * The pure parsers are in cgroup_parse.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cgroup.h"
#include "log.h"
#include "xmalloc.h"

enum cg_file {
	CG_CPU,		/* cpuacct.usage | cpu.stat */
	CG_MEM_USAGE,	/* memory.usage_in_bytes | memory.current */
	CG_MEM_LIMIT,	/* memory.limit_in_bytes | memory.max */
	CG_MEM_STAT,	/* memory.stat */
	CG_BLK,		/* blkio.throttle.io_service_bytes_recursive | io.stat */
	CG_BLK_CFQ,	/* blkio.io_service_bytes_recursive (v1, CFQ only) */
	CG_NFILES
};

/* Which controller's directory a file lives in (v1). */
enum cg_ctl {
	CTL_CPUACCT,
	CTL_MEMORY,
	CTL_BLKIO,
	CTL_N
};

struct cg_filespec {
	enum cg_file	 file;
	enum cg_ctl	 ctl;
	const char	*name;
	bool		 required;
};

static const char *const cg_ctl_names[CTL_N] = { "cpuacct", "memory", "blkio" };

static const struct cg_filespec cg_v1_files[] = {
	{ CG_CPU, CTL_CPUACCT, "cpuacct.usage", true },
	{ CG_MEM_USAGE, CTL_MEMORY, "memory.usage_in_bytes", true },
	{ CG_MEM_LIMIT, CTL_MEMORY, "memory.limit_in_bytes", true },
	{ CG_MEM_STAT, CTL_MEMORY, "memory.stat", true },
	{ CG_BLK, CTL_BLKIO, "blkio.throttle.io_service_bytes_recursive", false },
	{ CG_BLK_CFQ, CTL_BLKIO, "blkio.io_service_bytes_recursive", false },
};

static const struct cg_filespec cg_v2_files[] = {
	{ CG_CPU, CTL_CPUACCT, "cpu.stat", true },
	{ CG_MEM_USAGE, CTL_CPUACCT, "memory.current", true },
	{ CG_MEM_LIMIT, CTL_CPUACCT, "memory.max", true },
	{ CG_MEM_STAT, CTL_CPUACCT, "memory.stat", true },
	{ CG_BLK, CTL_CPUACCT, "io.stat", false },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define CG_BUF_MIN	4096
#define CG_BUF_MAX	(1024 * 1024)

struct cg {
	int		 version;
	int		 fd[CG_NFILES];
	uint64_t	 limit;		/* the memory limit last read */
	bool		 limit_known;	/* false: read it at the next sample */
	unsigned	 ncpu_percpu;
	char		*dir[CTL_N];	/* v2: all three are the same path */
};

/*
 * One pread scratch for every open cgroup: ds reads one file at a time,
 * and a buffer per container was 4 KiB of resident memory each. Allocated
 * with the first struct cg, freed with the last.
 */
static struct {
	char		*buf;
	size_t		 size;
	unsigned	 users;
} cg_scratch;

struct cg_mounts {
	struct buf	 lines;		/* cgroup/cgroup2 lines of mountinfo */
	char		*prefix;	/* sys_root */
};
/* ---- I/O ---- */

/* Read a whole (small, open-once) file into b. 0 or -errno. */
static int
read_path(const char *path, struct buf *b)
{
	ssize_t	n;
	int	fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	for (;;) {
		buf_reserve(b, 4096);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n == 0 ? 0 : -errno;
			break;
		}
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
	close(fd);
	return r;
}

/* Keep only the lines whose filesystem is cgroup or cgroup2. */
static void
keep_cgroup_lines(const struct buf *in, struct buf *out)
{
	const char	*p = in->data, *end = in->data + in->len, *eol;

	while (p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (memmem(p, (size_t)(eol - p), " - cgroup ", 10) != NULL ||
		    memmem(p, (size_t)(eol - p), " - cgroup2 ", 11) != NULL)
			buf_add(out, p, (size_t)(eol - p) + (eol < end));
		p = eol + (eol < end);
	}
}

struct cg_mounts *
cg_mounts_load(const char *proc_root, const char *sys_root, char *err,
    size_t errlen)
{
	struct cg_mounts	*cm;
	struct buf		 all;
	char			*path;
	int			 r;

	buf_init(&all);
	path = xasprintf("%s/self/mountinfo", proc_root);
	if ((r = read_path(path, &all)) != 0) {
		errf(err, errlen, "%s: %s", path, strerror(-r));
		buf_free(&all);
		free(path);
		return NULL;
	}
	cm = xcalloc(1, sizeof *cm);
	buf_init(&cm->lines);
	keep_cgroup_lines(&all, &cm->lines);
	cm->prefix = xstrdup(sys_root);
	buf_free(&all);
	free(path);
	return cm;
}

void
cg_mounts_free(struct cg_mounts *cm)
{
	if (cm == NULL)
		return;
	buf_free(&cm->lines);
	free(cm->prefix);
	free(cm);
}

static struct cg *
cg_alloc(void)
{
	struct cg	*cg = xcalloc(1, sizeof *cg);
	int		 i;

	for (i = 0; i < CG_NFILES; i++)
		cg->fd[i] = -1;
	if (cg_scratch.users++ == 0) {
		cg_scratch.size = CG_BUF_MIN;
		cg_scratch.buf = xmalloc(cg_scratch.size);
	}
	return cg;
}

void
cg_free(struct cg *cg)
{
	int	i;

	if (cg == NULL)
		return;
	for (i = 0; i < CG_NFILES; i++)
		if (cg->fd[i] != -1)
			close(cg->fd[i]);
	for (i = 0; i < CTL_N; i++)
		free(cg->dir[i]);
	if (--cg_scratch.users == 0) {
		free(cg_scratch.buf);
		cg_scratch.buf = NULL;
	}
	free(cg);
}

/*
 * The directory of one hierarchy (controller "" for v2) for the
 * /proc/<pid>/cgroup text in pc. Caller frees; NULL with *rp set.
 */
static char *
resolve_dir(const struct cg_mounts *cm, const struct buf *pc,
    const char *controller, int *rp)
{
	char	path[PATH_MAX], dir[PATH_MAX];

	*rp = cg_parse_proc_cgroup(pc->data, pc->len, controller, path,
	    sizeof path);
	if (*rp == 0)
		*rp = cg_parse_mountinfo(cm->lines.data, cm->lines.len,
		    controller, path, cm->prefix, dir, sizeof dir);
	return *rp == 0 ? xstrdup(dir) : NULL;
}

/* v1 when cpuacct and memory are both mounted (blkio is optional). */
static bool
resolve_v1(struct cg *cg, const struct cg_mounts *cm, const struct buf *pc)
{
	int	r, i;

	for (i = 0; i < CTL_N; i++) {
		cg->dir[i] = resolve_dir(cm, pc, cg_ctl_names[i], &r);
		if (cg->dir[i] == NULL && i != CTL_BLKIO)
			return false;
	}
	cg->version = 1;
	return true;
}

static bool
resolve_v2(struct cg *cg, const struct cg_mounts *cm, const struct buf *pc,
    int *rp)
{
	int	i;

	for (i = 0; i < CTL_N; i++) {
		free(cg->dir[i]);
		cg->dir[i] = NULL;
	}
	if ((cg->dir[0] = resolve_dir(cm, pc, "", rp)) == NULL)
		return false;
	cg->dir[1] = xstrdup(cg->dir[0]);
	cg->dir[2] = xstrdup(cg->dir[0]);
	cg->version = 2;
	return true;
}

/* Why the v2 hierarchy (tried last) did not resolve, for the log. */
static const char *
resolve_why(int r)
{
	switch (r) {
	case -ENOENT:
		return "no cgroup2 line, or cgroup2 not mounted";
	case -EXDEV:
		return "its path is outside every cgroup mount's root (is ds in "
		    "its own cgroup namespace? give it the host's)";
	case -EINVAL:
		return "malformed line";
	default:
		return strerror(-r);
	}
}

/* Open the files of a spec table. 0, or -errno with err filled. */
static int
open_files(struct cg *cg, const struct cg_filespec *spec, size_t n,
    pid_t pid, char *err, size_t errlen)
{
	char	*path;
	size_t	 i;
	int	 fd, r;

	for (i = 0; i < n; i++) {
		if (cg->dir[spec[i].ctl] == NULL)
			continue;
		path = xasprintf("%s/%s", cg->dir[spec[i].ctl], spec[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		r = -errno;
		if (fd == -1 && spec[i].required) {
			errf(err, errlen, "pid %ld: %s: %s", (long)pid, path,
			    strerror(-r));
			free(path);
			return r;
		}
		free(path);
		cg->fd[spec[i].file] = fd;
	}
	return 0;
}

/*
 * pread a whole counter file into cg_scratch.buf, growing it when the file
 * fills it. A cgroup file is one seq_file record, so one read returns all
 * of it. *lenp is the length; 0 or -errno (-ENOENT for a removed cgroup).
 */
static int
cg_pread(struct cg *cg, int fd, size_t *lenp)
{
	ssize_t	n;

	for (;;) {
		n = pread(fd, cg_scratch.buf, cg_scratch.size, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == ENODEV ? -ENOENT : -errno;
		if ((size_t)n < cg_scratch.size)
			break;
		if (cg_scratch.size >= CG_BUF_MAX)
			return -EFBIG;
		cg_scratch.size *= 2;
		cg_scratch.buf = xrealloc(cg_scratch.buf, cg_scratch.size);
	}
	*lenp = (size_t)n;
	return 0;
}

/* Count usage_percpu once: the possible CPUs do not change. */
static void
count_percpu(struct cg *cg)
{
	char	*path;
	size_t	 len;
	int	 fd;

	path = xasprintf("%s/cpuacct.usage_percpu", cg->dir[CTL_CPUACCT]);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (cg_pread(cg, fd, &len) == 0)
			cg->ncpu_percpu = cg_count_percpu(cg_scratch.buf, len);
		close(fd);
	}
	free(path);
}

struct cg *
cg_open_mounts(const struct cg_mounts *cm, const char *proc_root, pid_t pid,
    char *err, size_t errlen)
{
	struct cg	*cg = NULL;
	struct buf	 pc;
	char		*path;
	int		 r;

	buf_init(&pc);
	path = xasprintf("%s/%ld/cgroup", proc_root, (long)pid);
	if ((r = read_path(path, &pc)) != 0) {
		errf(err, errlen, "pid %ld: %s: %s", (long)pid, path,
		    strerror(-r));
		goto fail;
	}
	cg = cg_alloc();
	if (resolve_v1(cg, cm, &pc))
		r = open_files(cg, cg_v1_files, NITEMS(cg_v1_files), pid, err,
		    errlen);
	else if (resolve_v2(cg, cm, &pc, &r))
		r = open_files(cg, cg_v2_files, NITEMS(cg_v2_files), pid, err,
		    errlen);
	else {
		errf(err, errlen, "pid %ld: %s: no mounted cgroup v1 "
		    "(cpuacct, memory) or v2 hierarchy shows its cgroup: %s",
		    (long)pid, path, resolve_why(r));
		r = r != 0 ? r : -ENOENT;
	}
	if (r != 0)
		goto fail;
	if (cg->version == 1)
		count_percpu(cg);
	buf_free(&pc);
	free(path);
	return cg;
fail:
	cg_free(cg);
	buf_free(&pc);
	free(path);
	return NULL;
}

struct cg *
cg_open(const char *proc_root, const char *sys_root, pid_t pid, char *err,
    size_t errlen)
{
	struct cg_mounts	*cm;
	struct cg		*cg;

	if ((cm = cg_mounts_load(proc_root, sys_root, err, errlen)) == NULL)
		return NULL;
	cg = cg_open_mounts(cm, proc_root, pid, err, errlen);
	cg_mounts_free(cm);
	return cg;
}

/* pread file f and parse it as one number. */
static int
read_u64(struct cg *cg, enum cg_file f, uint64_t *v)
{
	size_t	len;
	int	r;

	if ((r = cg_pread(cg, cg->fd[f], &len)) != 0)
		return r;
	return cg_parse_u64(cg_scratch.buf, len, v) == 0 ? 0 : -EBADMSG;
}

/* pread file f and take the value of key; absent is *v = 0. */
static int
read_kv(struct cg *cg, enum cg_file f, const char *key, uint64_t *v)
{
	size_t	len;
	int	r;

	if ((r = cg_pread(cg, cg->fd[f], &len)) != 0)
		return r;
	r = cg_parse_kv(cg_scratch.buf, len, key, v);
	if (r == -ENOENT)
		*v = 0;
	return r == 0 || r == -ENOENT ? 0 : -EBADMSG;
}

/*
 * v1 block I/O as containerd reads it: the CFQ counters when the device
 * has them, else the throttle policy's (which see every device).
 */
static int
read_blkio_v1(struct cg *cg, struct cg_sample *s)
{
	size_t	len;
	int	r;

	if (cg->fd[CG_BLK_CFQ] != -1) {
		if ((r = cg_pread(cg, cg->fd[CG_BLK_CFQ], &len)) != 0)
			return r;
		r = cg_parse_blkio_v1(cg_scratch.buf, len, &s->blk_read,
		    &s->blk_write);
		if (r != -ENODATA)
			return r == 0 ? 0 : -EBADMSG;
	}
	if (cg->fd[CG_BLK] == -1)
		return 0;
	if ((r = cg_pread(cg, cg->fd[CG_BLK], &len)) != 0)
		return r;
	r = cg_parse_blkio_v1(cg_scratch.buf, len, &s->blk_read,
	    &s->blk_write);
	return r == 0 || r == -ENODATA ? 0 : -EBADMSG;
}

/*
 * The memory limit, read only when not known: it changes only when
 * someone updates the container, and the caller says when that may have
 * happened (cg_forget_limit). One pread of six per container saved.
 */
static int
read_limit(struct cg *cg, struct cg_sample *s)
{
	int	r;

	if (!cg->limit_known) {
		if ((r = read_u64(cg, CG_MEM_LIMIT, &cg->limit)) != 0)
			return r;
		if (cg->version == 1 && cg->limit >= CG_V1_UNLIMITED)
			cg->limit = UINT64_MAX;
		cg->limit_known = true;
	}
	s->mem_limit = cg->limit;
	return 0;
}

void
cg_forget_limit(struct cg *cg)
{
	cg->limit_known = false;
}

static int
read_v1(struct cg *cg, struct cg_sample *s)
{
	int	r;

	if ((r = read_u64(cg, CG_CPU, &s->cpu_ns)) != 0 ||
	    (r = read_u64(cg, CG_MEM_USAGE, &s->mem_usage)) != 0 ||
	    (r = read_limit(cg, s)) != 0 ||
	    (r = read_kv(cg, CG_MEM_STAT, "total_inactive_file",
	    &s->mem_inactive_file)) != 0)
		return r;
	s->ncpu_percpu = cg->ncpu_percpu;
	return read_blkio_v1(cg, s);
}

static int
read_v2(struct cg *cg, struct cg_sample *s)
{
	uint64_t	usec;
	size_t		len;
	int		r;

	if ((r = cg_pread(cg, cg->fd[CG_CPU], &len)) != 0)
		return r;
	if (cg_parse_kv(cg_scratch.buf, len, "usage_usec", &usec) != 0)
		return -EBADMSG;
	s->cpu_ns = usec * 1000;
	if ((r = read_u64(cg, CG_MEM_USAGE, &s->mem_usage)) != 0 ||
	    (r = read_limit(cg, s)) != 0 ||
	    (r = read_kv(cg, CG_MEM_STAT, "inactive_file",
	    &s->mem_inactive_file)) != 0)
		return r;
	if (cg->fd[CG_BLK] == -1)
		return 0;
	if ((r = cg_pread(cg, cg->fd[CG_BLK], &len)) != 0)
		return r;
	return cg_parse_io_stat_v2(cg_scratch.buf, len, &s->blk_read,
	    &s->blk_write) == 0 ? 0 : -EBADMSG;
}

int
cg_read(struct cg *cg, struct cg_sample *out)
{
	struct cg_sample	s;
	int			r;

	memset(&s, 0, sizeof s);
	r = cg->version == 1 ? read_v1(cg, &s) : read_v2(cg, &s);
	if (r == 0)
		*out = s;
	return r;
}

int
cg_version(const struct cg *cg)
{
	return cg->version;
}

int
cg_nfds(const struct cg *cg)
{
	int	i, n = 0;

	for (i = 0; i < CG_NFILES; i++)
		n += cg->fd[i] != -1;
	return n;
}

const char *
cg_dir(const struct cg *cg)
{
	return cg->dir[CTL_MEMORY];
}
