/*
 * procfs: /proc/stat, /proc/<pid>/net/dev and /proc/meminfo, read the way
 * dockerd reads them for `docker stats`.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "scan.h"
#include "xmalloc.h"

#define PROCFS_BUF_MIN	4096
#define PROCFS_BUF_MAX	(4 * 1024 * 1024)

/*
 * A seq_file read stops early only when the next record would overflow
 * the kernel's buffer (at least a page); net/dev records are under 400
 * bytes, so a read shorter than this ended because the records did.
 */
#define SEQ_SURE_EOF	2048

/* A growable read buffer. */
struct rbuf {
	char	*data;
	size_t	 size;
};

struct procfs_sys {
	int		fd;
	unsigned	hz;
	struct rbuf	b;
};

struct procfs_net {
	int		fd;
};

/*
 * One read buffer for every open net/dev (one per container; read one at
 * a time): allocated with the first, freed with the last.
 */
static struct {
	struct rbuf	b;
	unsigned	users;
} net_scratch;

/* ---- scanning helpers ---- */

/* Blanks, then digits into *v (scan.h's scan_u64). */
static int
field_u64(const char **pp, const char *end, uint64_t *v)
{
	*pp = skip_blank(*pp, end);
	return scan_u64(pp, end, v);
}

/* ---- pure parsers ---- */

/* Sum of the first seven numbers of a "cpu " line body. */
static int
stat_cpu_ticks(const char *p, const char *eol, uint64_t *ticks)
{
	uint64_t	sum = 0, v;
	int		i;

	for (i = 0; i < 7; i++) {
		if (field_u64(&p, eol, &v) != 0)
			return -EINVAL;
		sum += v;
	}
	if (p < eol && *p != ' ' && *p != '\t')
		return -EINVAL;
	*ticks = sum;
	return 0;
}

int
procfs_parse_stat_cpu(const char *buf, size_t len, unsigned hz,
    uint64_t *total_ns)
{
	const char	*p = buf, *end = buf + len, *eol;
	uint64_t	 ticks;

	if (hz == 0)
		hz = 100;
	while (p < end) {
		eol = line_end(p, end);
		if (eol - p > 4 && memcmp(p, "cpu ", 4) == 0) {
			if (stat_cpu_ticks(p + 4, eol, &ticks) != 0)
				return -EINVAL;
			*total_ns = ticks * (1000000000U / hz);
			return 0;
		}
		p = eol + (eol < end);
	}
	return -ENOENT;
}

/*
 * One interface line "  name: rx_bytes rx_packets ... (8 rx) tx_bytes
 * ... (8 tx)". Adds to *rx and *tx unless it is lo; -EINVAL when malformed.
 */
static int
netdev_line(const char *p, const char *eol, uint64_t *rx, uint64_t *tx)
{
	const char	*colon, *name;
	uint64_t	 v[16];
	int		 i;

	if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL)
		return -EINVAL;
	name = skip_blank(p, colon);
	for (p = colon + 1, i = 0; i < 16; i++)
		if (field_u64(&p, eol, &v[i]) != 0)
			return -EINVAL;
	if (colon - name == 2 && memcmp(name, "lo", 2) == 0)
		return 0;
	*rx += v[0];
	*tx += v[8];
	return 0;
}

int
procfs_parse_netdev(const char *buf, size_t len, uint64_t *rx, uint64_t *tx)
{
	const char	*p = buf, *end = buf + len, *eol;
	uint64_t	 r = 0, t = 0;
	int		 line;

	for (line = 0; p < end; line++) {
		eol = line_end(p, end);
		/* Two header lines ("Inter-|", " face |"), then interfaces. */
		if (line >= 2 && skip_blank(p, eol) != eol &&
		    netdev_line(p, eol, &r, &t) != 0)
			return -EINVAL;
		p = eol + (eol < end);
	}
	*rx = r;
	*tx = t;
	return 0;
}

int
procfs_parse_meminfo_total(const char *buf, size_t len, uint64_t *bytes)
{
	const char	*p = buf, *end = buf + len, *eol;
	uint64_t	 v;

	while (p < end) {
		eol = line_end(p, end);
		if (eol - p > 9 && memcmp(p, "MemTotal:", 9) == 0) {
			p += 9;
			if (field_u64(&p, eol, &v) != 0)
				return -EINVAL;
			p = skip_blank(p, eol);
			if (eol - p == 2 && memcmp(p, "kB", 2) == 0) {
				if (v > UINT64_MAX / 1024)
					return -ERANGE;
				v *= 1024;
			} else if (p != eol)
				return -EINVAL;
			*bytes = v;
			return 0;
		}
		p = eol + (eol < end);
	}
	return -ENOENT;
}

/* ---- system facts ---- */

unsigned
procfs_online_cpus(void)
{
	cpu_set_t	*set;
	size_t		 ncpu, size;
	long		 n;
	int		 r, saved, count = 0;

	/* Grow the set while the kernel says it is too small. */
	for (ncpu = 1024; ncpu <= 65536; ncpu *= 2) {
		if ((set = CPU_ALLOC(ncpu)) == NULL)
			break;
		size = CPU_ALLOC_SIZE(ncpu);
		CPU_ZERO_S(size, set);
		r = sched_getaffinity(0, size, set);
		saved = errno;
		if (r == 0)
			count = CPU_COUNT_S(size, set);
		CPU_FREE(set);
		if (r == 0 || saved != EINVAL)
			break;
	}
	if (count > 0)
		return (unsigned)count;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

unsigned
procfs_user_hz(void)
{
	long	hz = sysconf(_SC_CLK_TCK);

	return hz > 0 ? (unsigned)hz : 100;
}

/* ---- I/O ---- */

static void
rbuf_init(struct rbuf *b)
{
	b->size = PROCFS_BUF_MIN;
	b->data = xmalloc(b->size);
}

/* Double the buffer; -EFBIG past the cap. */
static int
rbuf_grow(struct rbuf *b)
{
	if (b->size >= PROCFS_BUF_MAX)
		return -EFBIG;
	b->size *= 2;
	b->data = xrealloc(b->data, b->size);
	return 0;
}

/*
 * Read fd from offset 0 into b until end of file, with pread so the fd
 * needs no lseek. A short read well under a page is the end (see
 * SEQ_SURE_EOF), which saves the final empty read. *lenp is the length.
 */
static int
pread_all(int fd, struct rbuf *b, size_t *lenp)
{
	size_t	len = 0;
	ssize_t	n;
	int	r;

	for (;;) {
		if (len == b->size && (r = rbuf_grow(b)) != 0)
			return r;
		n = pread(fd, b->data + len, b->size - len, (off_t)len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -errno;
		len += (size_t)n;
		if (n == 0 || (n < SEQ_SURE_EOF && len < b->size))
			break;
	}
	*lenp = len;
	return 0;
}

/* Read a whole file once (open, read, close) into b. */
static int
read_path(const char *path, struct rbuf *b, size_t *lenp)
{
	int	fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	r = pread_all(fd, b, lenp);
	close(fd);
	return r;
}

int
procfs_mem_total(const char *proc_root, uint64_t *bytes)
{
	struct rbuf	 b;
	char		*path;
	size_t		 len;
	int		 r;

	rbuf_init(&b);
	path = xasprintf("%s/meminfo", proc_root);
	if ((r = read_path(path, &b, &len)) == 0 &&
	    procfs_parse_meminfo_total(b.data, len, bytes) != 0)
		r = -EBADMSG;
	free(path);
	free(b.data);
	return r;
}

/* Open <proc_root>/<rel>; -1 with errno set. */
static int
open_rel(const char *proc_root, const char *rel)
{
	char	*path = xasprintf("%s/%s", proc_root, rel);
	int	 fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	saved = errno;
	free(path);
	errno = saved;
	return fd;
}

struct procfs_sys *
procfs_sys_open(const char *proc_root)
{
	struct procfs_sys	*ps;
	int			 fd;

	if ((fd = open_rel(proc_root, "stat")) == -1)
		return NULL;
	ps = xcalloc(1, sizeof *ps);
	ps->fd = fd;
	ps->hz = procfs_user_hz();
	rbuf_init(&ps->b);
	return ps;
}

/*
 * Only the first line matters, and /proc/stat is one seq_file record, so
 * one pread of the first 4 KiB is enough (the kernel formats the whole
 * file either way; the intr line can be long on big machines).
 */
int
procfs_sys_read(struct procfs_sys *ps, uint64_t *total_ns)
{
	ssize_t	n;

	do
		n = pread(ps->fd, ps->b.data, ps->b.size, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -errno;
	if (memchr(ps->b.data, '\n', (size_t)n) == NULL)
		return -EBADMSG;
	return procfs_parse_stat_cpu(ps->b.data, (size_t)n, ps->hz,
	    total_ns) == 0 ? 0 : -EBADMSG;
}

void
procfs_sys_free(struct procfs_sys *ps)
{
	if (ps == NULL)
		return;
	close(ps->fd);
	free(ps->b.data);
	free(ps);
}

struct procfs_net *
procfs_net_open(const char *proc_root, pid_t pid)
{
	struct procfs_net	*pn;
	char			 rel[64];
	int			 fd;

	snprintf(rel, sizeof rel, "%ld/net/dev", (long)pid);
	if ((fd = open_rel(proc_root, rel)) == -1)
		return NULL;
	pn = xcalloc(1, sizeof *pn);
	pn->fd = fd;
	if (net_scratch.users++ == 0)
		rbuf_init(&net_scratch.b);
	return pn;
}

int
procfs_net_read(struct procfs_net *pn, uint64_t *rx, uint64_t *tx)
{
	size_t	len;
	int	r;

	if ((r = pread_all(pn->fd, &net_scratch.b, &len)) != 0)
		return r;
	return procfs_parse_netdev(net_scratch.b.data, len, rx, tx) == 0 ? 0 :
	    -EBADMSG;
}

void
procfs_net_free(struct procfs_net *pn)
{
	if (pn == NULL)
		return;
	close(pn->fd);
	if (--net_scratch.users == 0) {
		free(net_scratch.b.data);
		net_scratch.b.data = NULL;
	}
	free(pn);
}
