/*
 * runcstate: runc's containers, read from its state directory the way
 * `runc state` and `runc list` read it, without running runc.
 *
 * runc (1.1) keeps a directory per container under its root (`runc
 * --root`, /run/runc by default): <root>/<id>/state.json, replaced
 * atomically (written aside, renamed over) whenever it changes. It holds
 * the id, the init process's pid and start time (field 22 of
 * /proc/<pid>/stat, so a recycled pid is told apart), the creation time,
 * the bundle (label "bundle=<path>") and the cgroup directories.
 *
 * The status is not in the file; runc derives it on every call, and so
 * does runcstate_status():
 *   stopped  the init process is gone, a zombie, or its pid now belongs
 *            to another process (start times differ)
 *   created  <root>/<id>/exec.fifo exists (created, not yet started)
 *   paused   the freezer cgroup is frozen
 *   running  otherwise
 *
 * One small file per container costs well under a millisecond; `runc
 * list` starts a Go binary (tens of milliseconds) for the same answer.
 * The parsers are pure and exported for the tests.
 */
#ifndef DAS_RUNCSTATE_H
#define DAS_RUNCSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* runc sets no limit on ids; a directory entry does (NAME_MAX). */
#define RUNCSTATE_ID_MAX	255
/* Larger state.json files are refused (seccomp profiles make ~50 KiB). */
#define RUNCSTATE_FILE_MAX	(1024 * 1024)
/* Highest n of a <cluster>_<n> id. */
#define RUNCSTATE_INDEX_MAX	1000000

enum runcstate_status {
	RUNCSTATE_STOPPED,
	RUNCSTATE_CREATED,
	RUNCSTATE_RUNNING,
	RUNCSTATE_PAUSED,
};

struct runcstate {
	char		 id[RUNCSTATE_ID_MAX + 1];
	pid_t		 pid;		/* init process (host pid namespace) */
	uint64_t	 start;		/* its start time, ticks after boot */
	int64_t		 created_ns;	/* Unix ns; 0 when absent */
	char		*bundle;	/* owned; NULL without the label */
	char		*freezer;	/* owned: v1 freezer cgroup dir, NULL */
	char		*unified;	/* owned: v2 cgroup dir, NULL */
};

/*
 * runc's own rule for ids (^[A-Za-z0-9_+.-]+$, not "." or ".."), at most
 * RUNCSTATE_ID_MAX bytes: safe as a file name, an argv word and a tag.
 */
bool	runcstate_valid_id(const char *);

/*
 * Split an id <cluster>_<n> (n from 1 to RUNCSTATE_INDEX_MAX, decimal
 * without a leading zero): returns n and sets *cluster_len, or -1 (and
 * *cluster_len = strlen(id)) when id has no such form. The das runc
 * backend names its containers so; ds tags them with the cluster name.
 */
int	runcstate_split_id(const char *id, size_t *cluster_len);

/*
 * Parse a state.json text (borrowed) into st (release with
 * runcstate_clear). 0, or -EBADMSG with err naming what is missing: not
 * JSON, no valid "id", no positive "init_process_pid".
 */
int	runcstate_parse(const char *json, size_t len, struct runcstate *st,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/* Free st's owned strings and zero it; repeated calls are fine. */
void	runcstate_clear(struct runcstate *);

/*
 * RFC 3339 time as Go writes it ("2026-11-22T03:00:41.348948836Z", or
 * with a +hh:mm offset) into Unix ns. 0 or -EINVAL.
 */
int	runcstate_parse_time(const char *, int64_t *ns);

/*
 * A /proc/<pid>/stat line: the state letter (field 3) and the start time
 * (field 22). The command name may hold blanks and parentheses; the last
 * ')' ends it. 0 or -EINVAL.
 */
int	runcstate_parse_proc_stat(const char *, size_t, char *state,
	    uint64_t *start);

/*
 * Read and parse <root>/<id>/state.json. 0, -ENOENT (no such container,
 * or runc is still creating it), -EBADMSG, or another -errno; err says
 * which file and why.
 */
int	runcstate_read(const char *root, const char *id, struct runcstate *st,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * Whether st's init process still runs (running, created or paused):
 * <proc_root>/<pid>/stat exists, is not a zombie and has st's start time.
 */
bool	runcstate_alive(const struct runcstate *, const char *proc_root);

/* The status as runc reports it (see above). */
enum runcstate_status runcstate_status(const struct runcstate *,
	    const char *root, const char *proc_root);

#endif
