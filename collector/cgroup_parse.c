/*
 * cgroup_parse: the pure parsers of cgroup.h, apart from the I/O in
 * cgroup.c so that each file reads as one topic (and the fuzzer's view of
 * the module is this file). Hand-written scanners: bounds-checked, no NUL
 * needed, no stdio, no allocation.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "scan.h"

/* ---- scanning helpers (bounds-checked, no NUL needed) ---- */

/* True when only blanks and newlines are left. */
static bool
only_space(const char *p, const char *end)
{
	while (p < end && (is_blank(*p) || *p == '\n'))
		p++;
	return p == end;
}

/* Next blank-separated token of [*pp, end): its start and length. */
static size_t
next_tok(const char **pp, const char *end, const char **tok)
{
	const char	*p = skip_blank(*pp, end), *s = p;

	while (p < end && !is_blank(*p))
		p++;
	*tok = s;
	*pp = p;
	return (size_t)(p - s);
}

static bool
tok_eq(const char *tok, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(tok, s, n) == 0;
}

/* Does the comma-separated list [p, p+n) hold name? */
static bool
list_has(const char *p, size_t n, const char *name)
{
	const char	*end = p + n, *comma;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if (tok_eq(p, (size_t)(comma - p), name))
			return true;
		p = comma + 1;
	}
	return false;
}

/* A whole token that must be a number. */
static int
tok_u64(const char *tok, size_t n, uint64_t *v)
{
	const char	*p = tok;
	int		 r;

	if ((r = scan_u64(&p, tok + n, v)) != 0)
		return r;
	return p == tok + n ? 0 : -EINVAL;
}

/* "MAJ:MIN" */
static bool
tok_is_dev(const char *tok, size_t n)
{
	const char	*p = tok, *end = tok + n;
	uint64_t	 v;

	if (scan_u64(&p, end, &v) != 0 || p == end || *p++ != ':')
		return false;
	return scan_u64(&p, end, &v) == 0 && p == end;
}

/* ---- pure parsers ---- */

int
cg_parse_u64(const char *buf, size_t len, uint64_t *v)
{
	const char	*p = buf, *end = buf + len;
	uint64_t	 x;
	int		 r;

	if (only_space(p, end))
		return -ENODATA;
	if (end - p >= 3 && memcmp(p, "max", 3) == 0) {
		x = UINT64_MAX;
		p += 3;
	} else if ((r = scan_u64(&p, end, &x)) != 0)
		return r;
	if (!only_space(p, end))
		return -EINVAL;
	*v = x;
	return 0;
}

int
cg_parse_kv(const char *buf, size_t len, const char *key, uint64_t *v)
{
	const char	*p = buf, *end = buf + len, *eol;
	size_t		 klen = strlen(key);
	uint64_t	 x;

	if (klen == 0)
		return -EINVAL;
	while (p < end) {
		eol = line_end(p, end);
		if ((size_t)(eol - p) > klen && memcmp(p, key, klen) == 0 &&
		    is_blank(p[klen])) {
			p = skip_blank(p + klen, eol);
			if (scan_u64(&p, eol, &x) != 0 || !only_space(p, eol))
				return -EINVAL;
			*v = x;
			return 0;
		}
		p = eol + (eol < end);
	}
	return -ENOENT;
}

/*
 * One line of a v1 blkio stat file: "MAJ:MIN Op N", "MAJ:MIN N" or
 * "Total N". Adds Read and Write to *rd and *wr, counts device lines in *n.
 */
static int
blkio_v1_line(const char *p, const char *eol, uint64_t *rd, uint64_t *wr,
    unsigned *n)
{
	const char	*t1, *t2, *t3, *t4;
	size_t		 l1, l2, l3, l4;
	uint64_t	 v;

	l1 = next_tok(&p, eol, &t1);
	l2 = next_tok(&p, eol, &t2);
	l3 = next_tok(&p, eol, &t3);
	l4 = next_tok(&p, eol, &t4);
	if (l1 == 0)
		return 0;			/* empty line */
	if (l4 != 0 || l2 == 0)
		return -EINVAL;
	if (l3 == 0 && tok_eq(t1, l1, "Total"))
		return tok_u64(t2, l2, &v);
	if (!tok_is_dev(t1, l1))
		return -EINVAL;
	(*n)++;
	if (l3 == 0)				/* "MAJ:MIN N": no op */
		return tok_u64(t2, l2, &v);
	if (tok_u64(t3, l3, &v) != 0)
		return -EINVAL;
	if (tok_eq(t2, l2, "Read"))
		*rd += v;
	else if (tok_eq(t2, l2, "Write"))
		*wr += v;
	return 0;
}

int
cg_parse_blkio_v1(const char *buf, size_t len, uint64_t *rd, uint64_t *wr)
{
	const char	*p = buf, *end = buf + len, *eol;
	uint64_t	 r = 0, w = 0;
	unsigned	 n = 0;

	while (p < end) {
		eol = line_end(p, end);
		if (blkio_v1_line(p, eol, &r, &w, &n) != 0)
			return -EINVAL;
		p = eol + (eol < end);
	}
	*rd = r;
	*wr = w;
	return n > 0 ? 0 : -ENODATA;
}

/* One "MAJ:MIN rbytes=N wbytes=N rios=N ..." line of io.stat. */
static int
io_stat_line(const char *p, const char *eol, uint64_t *rd, uint64_t *wr)
{
	const char	*tok;
	size_t		 n;
	uint64_t	 v;

	if ((n = next_tok(&p, eol, &tok)) == 0)
		return 0;
	if (!tok_is_dev(tok, n))
		return -EINVAL;
	while ((n = next_tok(&p, eol, &tok)) != 0) {
		if (n >= 7 && memcmp(tok, "rbytes=", 7) == 0) {
			if (tok_u64(tok + 7, n - 7, &v) != 0)
				return -EINVAL;
			*rd += v;
		} else if (n >= 7 && memcmp(tok, "wbytes=", 7) == 0) {
			if (tok_u64(tok + 7, n - 7, &v) != 0)
				return -EINVAL;
			*wr += v;
		}
	}
	return 0;
}

int
cg_parse_io_stat_v2(const char *buf, size_t len, uint64_t *rd, uint64_t *wr)
{
	const char	*p = buf, *end = buf + len, *eol;
	uint64_t	 r = 0, w = 0;

	while (p < end) {
		eol = line_end(p, end);
		if (io_stat_line(p, eol, &r, &w) != 0)
			return -EINVAL;
		p = eol + (eol < end);
	}
	*rd = r;
	*wr = w;
	return 0;
}

unsigned
cg_count_percpu(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len;
	unsigned	 count = 0;
	uint64_t	 v;

	for (;;) {
		while (p < end && (is_blank(*p) || *p == '\n'))
			p++;
		if (p == end)
			return count;
		if (scan_u64(&p, end, &v) != 0 ||
		    (p < end && !is_blank(*p) && *p != '\n'))
			return 0;
		count++;
	}
}

/* Copy [p, p+n) to a NUL-terminated out. */
static int
copy_str(const char *p, size_t n, char *out, size_t outlen)
{
	if (n >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

int
cg_parse_proc_cgroup(const char *buf, size_t len, const char *controller,
    char *path, size_t pathlen)
{
	const char	*p = buf, *end = buf + len, *eol, *c1, *c2;
	bool		 v2 = controller[0] == '\0', match;

	while (p < end) {
		eol = line_end(p, end);
		if (eol == p) {
			p = eol + (eol < end);
			continue;
		}
		c1 = memchr(p, ':', (size_t)(eol - p));
		c2 = c1 != NULL ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) :
		    NULL;
		if (c2 == NULL || c2 + 1 == eol || c2[1] != '/')
			return -EINVAL;
		if (v2)
			match = c1 - p == 1 && *p == '0' && c2 == c1 + 1;
		else
			match = list_has(c1 + 1, (size_t)(c2 - c1 - 1),
			    controller);
		if (match)
			return copy_str(c2 + 1, (size_t)(eol - c2 - 1), path,
			    pathlen);
		p = eol + (eol < end);
	}
	return -ENOENT;
}

/* mountinfo escapes blanks, newline and backslash as \ooo. */
static int
unescape(const char *p, size_t n, char *out, size_t outlen)
{
	const char	*end = p + n;
	size_t		 o = 0;
	char		 c;

	while (p < end) {
		c = *p++;
		if (c == '\\' && end - p >= 3 && p[0] >= '0' && p[0] <= '3' &&
		    p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7') {
			c = (char)((p[0] - '0') << 6 | (p[1] - '0') << 3 |
			    (p[2] - '0'));
			p += 3;
		}
		if (o + 1 >= outlen)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Is this cgroup path one the cgroup namespace hides ("/../x")? */
static bool
path_escapes(const char *path)
{
	const char	*p;

	for (p = path; (p = strstr(p, "/..")) != NULL; p += 3)
		if (p[3] == '/' || p[3] == '\0')
			return true;
	return false;
}

struct mi_line {
	const char	*root, *mnt, *fstype, *super;
	size_t		 rootlen, mntlen, fstypelen, superlen;
};

/*
 * Split a mountinfo line: "id parent maj:min root mountpoint opts
 * [optional...] - fstype source superopts". false when malformed.
 */
static bool
mi_split(const char *p, const char *eol, struct mi_line *m)
{
	const char	*tok;
	size_t		 n;
	int		 i;

	for (i = 0; i < 6; i++) {
		if ((n = next_tok(&p, eol, &tok)) == 0)
			return false;
		if (i == 3) {
			m->root = tok;
			m->rootlen = n;
		} else if (i == 4) {
			m->mnt = tok;
			m->mntlen = n;
		}
	}
	while ((n = next_tok(&p, eol, &tok)) != 0 && !tok_eq(tok, n, "-"))
		;
	if (n == 0)
		return false;
	m->fstypelen = next_tok(&p, eol, &m->fstype);
	if (next_tok(&p, eol, &tok) == 0)
		return false;
	m->superlen = next_tok(&p, eol, &m->super);
	return m->fstypelen != 0 && m->superlen != 0;
}

static bool
mi_is_hierarchy(const struct mi_line *m, const char *controller)
{
	if (controller[0] == '\0')
		return tok_eq(m->fstype, m->fstypelen, "cgroup2");
	return tok_eq(m->fstype, m->fstypelen, "cgroup") &&
	    list_has(m->super, m->superlen, controller);
}

/*
 * Map cgpath through one mount of its hierarchy: -EXDEV when the mount's
 * root does not cover cgpath.
 */
static int
mi_map(const struct mi_line *m, const char *cgpath, const char *prefix,
    char *dir, size_t dirlen)
{
	char		 root[PATH_MAX], mnt[PATH_MAX];
	const char	*rel;
	size_t		 rl;
	int		 n;

	if (unescape(m->root, m->rootlen, root, sizeof root) != 0 ||
	    unescape(m->mnt, m->mntlen, mnt, sizeof mnt) != 0)
		return -ENAMETOOLONG;
	rl = strlen(root);
	if (strcmp(root, "/") == 0)
		rel = cgpath;
	else if (strncmp(cgpath, root, rl) == 0 &&
	    (cgpath[rl] == '\0' || cgpath[rl] == '/'))
		rel = cgpath + rl;
	else
		return -EXDEV;
	if (strcmp(rel, "/") == 0)
		rel = "";
	n = snprintf(dir, dirlen, "%s%s%s", prefix,
	    strcmp(mnt, "/") == 0 && rel[0] != '\0' ? "" : mnt, rel);
	return n < 0 || (size_t)n >= dirlen ? -ENAMETOOLONG : 0;
}

int
cg_parse_mountinfo(const char *buf, size_t len, const char *controller,
    const char *cgpath, const char *prefix, char *dir, size_t dirlen)
{
	const char	*p = buf, *end = buf + len, *eol;
	struct mi_line	 m;
	int		 r, ret = -ENOENT;

	if (path_escapes(cgpath))
		return -EXDEV;
	while (p < end) {
		eol = line_end(p, end);
		if (mi_split(p, eol, &m) && mi_is_hierarchy(&m, controller)) {
			r = mi_map(&m, cgpath, prefix, dir, dirlen);
			if (r != -EXDEV)
				return r;
			ret = -EXDEV;
		}
		p = eol + (eol < end);
	}
	return ret;
}
