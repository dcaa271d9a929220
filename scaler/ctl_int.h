/* ctl_int: dasctl's shared state (ctl.c, ctl_show.c, ctl_add.c). */
#ifndef DAS_CTL_INT_H
#define DAS_CTL_INT_H

#include <stdint.h>

#include "ctl.h"
#include "engine.h"

struct ctl {
	const struct das_settings	*set;
	bool				 json;
	struct pgc			*pg;
	struct influx			*influx;
	struct docker			*docker;
	struct engine			*engine;
	const struct engine_report	*rep;
	int64_t				 now_ns;
};

int64_t	ctl_now_ns(void);
int	ctl_connect(struct ctl *);
int	ctl_eval(struct ctl *);
const struct engine_status *ctl_find(struct ctl *, const char *service);

#endif
