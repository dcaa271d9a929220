/*
 * backend: what das changes replica counts through. One interface, three
 * implementations: backend_swarm.c (the Engine API), backend_exec.c (a
 * command das.conf names), backend_runc.c (a runc cluster from a bundle
 * das.conf names). The engine never asks which kind a policy has; tests
 * give it fakes (tests/unit/fake_ports.c).
 */
#ifndef DAS_BACKEND_H
#define DAS_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "policy.h"

struct docker;
struct swarm_list;

/* What observing and scaling may use this tick; borrowed. */
struct backend_env {
	struct docker		*docker;
	const struct swarm_list	*services;	/* this tick's; NULL: not read */
	const char		*services_err;	/* why services is NULL */
	const char		*runc_root;
	long			 timeout_ms;	/* exec and runc calls */
};

/* One policy as a backend sees it; borrowed. */
struct backend_target {
	const struct policy	*pol;
	const char		*command;	/* exec: das.conf's template;
						 * runc: the bundle path */
	int64_t			 seq;
};

/* What observe found. Strings borrowed from the env (or static). */
struct backend_obs {
	int		 replicas;	/* -1 unknown */
	int		 stopped;	/* runc: containers to replace */
	const char	*id;		/* Swarm: the resolved id; "" */
	const char	*name;		/* Swarm: the service's name; "" */
};

#define BACKEND_REPLACED_MAX	16

/*
 * One change, its inputs copied (backend_call_init) so that a background
 * backend's call can run on a job's thread (bjobs.h): the call touches
 * nothing else of das.
 */
struct backend_call {
	const struct backend	*be;
	struct docker		*docker;	/* Swarm: the tick's client */
	bool			 replace;	/* runc: replace stopped ones */
	char			*service;	/* exec {service}, cluster, id */
	char			*command;	/* exec template, bundle path */
	char			*target_name;	/* the row's target */
	char			*root;		/* runc root */
	int64_t			 seq;
	int			 before, to;
	long			 timeout_ms;
	/* results */
	int			 rc;
	char			 err[512];
	struct buf		 detail;	/* what the backend said */
	int64_t			 done_ns;	/* when it ended (us precision) */
	int			 replaced_n;
	struct backend_replaced {
		char		 id[256];	/* RUNCSTATE_ID_MAX + 1 */
		int		 running, rc;
		char		 err[200];
	}			 replaced[BACKEND_REPLACED_MAX];
};

struct backend {
	const char	*name;
	/* scale and replace run on a job of their own: they may be slow */
	bool		 background;
	/*
	 * The replica count now. -EINVAL: the row names nothing this
	 * backend can scale (an invalid row); other -errno: could not tell
	 * this tick. err says which.
	 */
	int		(*observe)(const struct backend_env *,
			    const struct backend_target *, struct backend_obs *,
			    char *err, size_t errlen);
	/* Set the count to call->to; fills rc, err, detail, done_ns. */
	void		(*scale)(struct backend_call *);
	/* Replace stopped members (NULL: the backend has none). */
	void		(*replace)(struct backend_call *);
};

extern const struct backend backend_swarm, backend_exec, backend_runc;

/* The backend of a parsed policy. */
const struct backend	*backend_of(const struct policy *);

/*
 * A call of be for target, from before to to. service is what the call
 * addresses: the Swarm id, the runc cluster, exec's {service}.
 */
void	backend_call_init(struct backend_call *, const struct backend *be,
	    const struct backend_env *, const struct backend_target *,
	    const char *service, int before, int to);
void	backend_call_clear(struct backend_call *);

/* Now, to the microsecond: what the journal's timestamptz keeps. */
int64_t	backend_clock_ns(void);

#endif
