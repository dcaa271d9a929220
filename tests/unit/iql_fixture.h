/* The policies, plans and answers the iql tests share (iql_fixture.c). */
#ifndef DAS_TEST_IQL_FIXTURE_H
#define DAS_TEST_IQL_FIXTURE_H

#include <stddef.h>

#include "iql.h"
#include "policy.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* A parsed policy for field/aggregate/windows/backend; caller clears. */
void	make_policy(struct policy *, const char *service, const char *field,
	    const char *agg, const char *out_w, const char *in_w,
	    const char *backend);

/*
 * The answer InfluxDB 1.6 gave (epoch=ns) to the seed plan, trimmed: a
 * swarm service "svc1" (name "web") and a runc cluster "cl".
 */
extern const char seed_answer[];

/* Three seed-like policies: swarm svc1, runc cl, exec web. */
struct fixture {
	struct policy		 p[3];
	const struct policy	*pv[3];
	struct iql_plan		*pl;
};

void	fixture_init(struct fixture *);
void	fixture_fini(struct fixture *);

/* Fill part 0 of pl from JSON text in one piece; iql_fill_finish's result. */
int	fill_plan(struct iql_plan *, const char *text, char *err,
	    size_t errlen);
int	fill_text(struct fixture *, const char *text, char *err,
	    size_t errlen);

#endif
