/* The policies, plans and answers the iql tests share. */
#include <criterion/criterion.h>
#include <string.h>

#include "iql_fixture.h"

/* A parsed policy for field/aggregate/windows/backend; caller clears. */
void
make_policy(struct policy *p, const char *service, const char *field,
    const char *agg, const char *out_w, const char *in_w, const char *backend)
{
	struct policy_row	r;
	char			err[256];
	bool			bytes = policy_field_unit(field) ==
				    POLICY_UNIT_BYTES;

	memset(&r, 0, sizeof(r));
	r.seq = "1";
	r.min_no = "1";
	r.max_no = "10";
	r.cond_item = field;
	r.out_cond = bytes ? "1GB" : "70%";
	r.in_cond = bytes ? "1MB" : "10%";
	r.out_duration = out_w;
	r.in_duration = in_w;
	r.service_id = service;
	r.aggregate = agg;
	r.backend = backend;
	if (backend != NULL && strcmp(backend, "swarm") != 0)
		r.target = "bundle";
	cr_assert_eq(policy_parse(&r, p, err, sizeof(err)), 0, "%s", err);
}

/*
 * The answer InfluxDB 1.6 gave (epoch=ns) to the seed plan, trimmed: a
 * swarm service "svc1" (name "web") and a runc cluster "cl".
 */
const char seed_answer[] =
    "{\"results\":["
    "{\"statement_id\":0,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"svc1\",\"service_name\":\"web\"},\"columns\":[\"time\",\"value\","
    "\"n\",\"lo\",\"hi\"],\"values\":[[1795314182737081195,26.5,40,2,60.5]]},"
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"runc\",\"service\":\"\","
    "\"service_name\":\"cl\"},\"columns\":[\"time\",\"value\",\"n\",\"lo\","
    "\"hi\"],\"values\":[[1795314182737081195,1,20,1,1]]}]},"
    "{\"statement_id\":1,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"svc1\",\"service_name\":\"web\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314205000000000,3.5]]},"
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"runc\",\"service\":\"\","
    "\"service_name\":\"cl\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314206000000000,1]]}]},"
    "{\"statement_id\":2,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"docker\",\"service\":"
    "\"svc1\",\"service_name\":\"web\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314680000000000,60.5]]},"
    "{\"name\":\"docker\",\"tags\":{\"backend\":\"runc\",\"service\":\"\","
    "\"service_name\":\"cl\"},\"columns\":[\"time\",\"value\"],"
    "\"values\":[[1795314681000000000,1]]}]}]}";

void
fixture_init(struct fixture *f)
{
	make_policy(&f->p[0], "web", "cpu_ratio", NULL, "10m", "10m", NULL);
	make_policy(&f->p[1], "cl", "cpu_ratio", NULL, "10m", "10m", "runc");
	make_policy(&f->p[2], "web", "cpu_ratio", NULL, "10m", "10m", "exec");
	/* one sustained policy: the shared statement asks for lo and hi */
	f->p[0].sustained = true;
	for (int i = 0; i < 3; i++)
		f->pv[i] = &f->p[i];
	f->pl = iql_plan_build(f->pv, 3, NULL, "docker");
	cr_assert_eq(iql_plan_nstatements(f->pl), 3);
}

void
fixture_fini(struct fixture *f)
{
	iql_plan_free(f->pl);
	for (int i = 0; i < 3; i++)
		policy_clear(&f->p[i]);
}

/* Fill part 0 of pl from JSON text in one piece; iql_fill_finish's result. */
int
fill_plan(struct iql_plan *pl, const char *text, char *err, size_t errlen)
{
	struct iql_fill	*fl = iql_fill_new(pl, 0);
	int		 rc;

	(void)iql_fill_feed(fl, text, strlen(text));
	rc = iql_fill_finish(fl, err, errlen);
	iql_fill_free(fl);
	return rc;
}

int
fill_text(struct fixture *f, const char *text, char *err, size_t errlen)
{
	return fill_plan(f->pl, text, err, errlen);
}
