/*
 * swarm: Docker Swarm services through the Engine API — list them,
 * resolve a policy's service_id, list a service's tasks, and set the
 * replica count (what `docker service update --replicas` does). The
 * backend over it is backend_swarm.c; dasctl status lists tasks.
 */
#ifndef DAS_SWARM_H
#define DAS_SWARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct docker;

struct swarm_service {
	char		*id;		/* full id, owned */
	char		*name;		/* owned */
	uint64_t	 version;	/* Version.Index */
	int		 replicas;	/* Spec.Mode.Replicated.Replicas */
	bool		 global;	/* global mode: cannot be scaled */
};

struct swarm_list {
	struct swarm_service	*svc;
	size_t			 n;
};

/* Parse a GET /services answer (borrowed). 0 or -EBADMSG. */
int	swarm_parse_list(const json_t *, struct swarm_list *);
void	swarm_list_free(struct swarm_list *);

/* GET /services once and parse it. 0 or -errno with err filled. */
int	swarm_list(struct docker *, struct swarm_list *, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/*
 * Resolve ref as the docker CLI does: full id, then exact name, then a
 * unique id prefix. Returns the service (borrowed from list), or NULL with
 * err saying "unknown" or "ambiguous (N services)".
 */
const struct swarm_service *swarm_resolve(const struct swarm_list *,
	    const char *ref, char *err, size_t errlen);

/*
 * Set the replica count of service id: read the service, change
 * Spec.Mode.Replicated.Replicas, POST /services/{id}/update?version=N with
 * the full spec; an "update out of sequence" answer is retried (re-read,
 * at most 5 tries). *before gets the count read just before the update.
 */
int	swarm_scale(struct docker *, const char *id, int replicas,
	    int *before, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * Running tasks of a service: their container ids (12 chars) and nodes
 * (a node id is 25 characters, a state one word). Caller frees *out.
 */
struct swarm_task {
	char	container[13];
	char	slot[16];
	char	node[64];
	char	state[24];
};
int	swarm_tasks(struct docker *, const char *id, struct swarm_task **out,
	    size_t *n, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

#endif
