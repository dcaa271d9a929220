/*
 * statsapi: the Engine's one-shot stats API, ds's fallback.
 *
 * Used only for a container whose cgroup files cannot be read (another
 * cgroup layout, a permission problem): it costs about a second per
 * container, where the cgroup files cost microseconds.
 */
#ifndef DS_STATSAPI_H
#define DS_STATSAPI_H

#include <stdint.h>

#include <jansson.h>

#include "cgroup.h"

struct docker;

struct statsapi_sample {
	struct cg_sample cg;
	uint64_t	 sys_ns;	/* system_cpu_usage */
	unsigned	 online_cpus;
	uint64_t	 net_rx, net_tx;
};

/* Parse a /containers/{id}/stats answer (borrowed). 0 or -EBADMSG. */
int	statsapi_parse(const json_t *, struct statsapi_sample *);

/* GET /containers/{id}/stats?stream=false&one-shot=true and parse it. */
int	statsapi_read(struct docker *, const char *id,
	    struct statsapi_sample *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

#endif
