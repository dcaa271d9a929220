/*
 * discover: which containers run on this node, from the Docker Engine API.
 *
 * GET /containers/json lists the running containers with their labels in
 * one request; the init pid is only in GET /containers/{id}/json, so the
 * collector inspects a container once, when it first sees it. The
 * requests are discover.c's; reading their answers (pure) is
 * discover_list.c's.
 */
#ifndef DS_DISCOVER_H
#define DS_DISCOVER_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct buf;
struct docker;

#define DISCOVER_LABEL_SERVICE_ID	"com.docker.swarm.service.id"
#define DISCOVER_LABEL_SERVICE_NAME	"com.docker.swarm.service.name"

struct discover_item {
	char	 id[65];	/* full 64-hex id */
	char	*name;		/* without the leading '/', owned */
	char	*service_id;	/* NULL for non-Swarm containers, owned */
	char	*service_name;	/* NULL for non-Swarm containers, owned */
};

struct discover_list {
	struct discover_item	*items;
	size_t			 n;
};

/*
 * Parse the text of a /containers/json answer (borrowed; len bytes, need
 * not end in NUL) into list (caller frees with discover_list_free) with
 * jansson. Entries that are not objects with a valid 64-hex Id are
 * skipped and counted in *skipped. Returns 0, or -EBADMSG with err filled
 * when the text is not JSON or not an array.
 */
int	discover_parse_list(const char *text, size_t len,
	    struct discover_list *list, size_t *skipped, char *err,
	    size_t errlen) __attribute__((warn_unused_result));
void	discover_list_free(struct discover_list *);

/* The State.Pid of a /containers/{id}/json answer; -1 when absent or 0. */
pid_t	discover_parse_pid(const json_t *inspect);

/*
 * GET and parse the running containers. text is the caller's scratch for
 * the answer (reset here; kept between calls so its memory is reused).
 * 0 or -errno with err filled.
 */
int	discover_docker(struct docker *, struct buf *text,
	    struct discover_list *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* Inspect one container for its init pid. 0 or -errno with err filled. */
int	discover_pid(struct docker *, const char *id, pid_t *pid, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

#endif
