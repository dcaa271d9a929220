/* statsapi: parse the Engine's stats JSON into the collector's samples. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "docker.h"
#include "statsapi.h"

static uint64_t
statsapi_u64(const json_t *j)
{
	json_int_t	v = json_integer_value(j);

	return v > 0 ? (uint64_t)v : 0;
}

/* Sum Read and Write entries of blkio_stats.io_service_bytes_recursive. */
static void
statsapi_blkio(const json_t *arr, uint64_t *rd, uint64_t *wr)
{
	const json_t	*e;
	const char	*op;
	size_t		 i;

	*rd = *wr = 0;
	json_array_foreach(arr, i, e) {
		op = json_string_value(json_object_get(e, "op"));
		if (op == NULL)
			continue;
		if (strcasecmp(op, "read") == 0)
			*rd += statsapi_u64(json_object_get(e, "value"));
		else if (strcasecmp(op, "write") == 0)
			*wr += statsapi_u64(json_object_get(e, "value"));
	}
}

static void
statsapi_net(const json_t *nets, uint64_t *rx, uint64_t *tx)
{
	const char	*name;
	const json_t	*e;

	*rx = *tx = 0;
	json_object_foreach((json_t *)nets, name, e) {
		if (strcmp(name, "lo") == 0)
			continue;
		*rx += statsapi_u64(json_object_get(e, "rx_bytes"));
		*tx += statsapi_u64(json_object_get(e, "tx_bytes"));
	}
}

int
statsapi_parse(const json_t *j, struct statsapi_sample *s)
{
	const json_t	*cpu, *mem, *mst;
	uint64_t	 inactive;

	memset(s, 0, sizeof *s);
	cpu = json_object_get(j, "cpu_stats");
	mem = json_object_get(j, "memory_stats");
	if (!json_is_object(cpu) || !json_is_object(mem))
		return -EBADMSG;
	s->cg.cpu_ns = statsapi_u64(json_object_get(json_object_get(cpu,
	    "cpu_usage"), "total_usage"));
	s->sys_ns = statsapi_u64(json_object_get(cpu, "system_cpu_usage"));
	s->online_cpus = (unsigned)statsapi_u64(json_object_get(cpu,
	    "online_cpus"));
	s->cg.mem_usage = statsapi_u64(json_object_get(mem, "usage"));
	s->cg.mem_limit = statsapi_u64(json_object_get(mem, "limit"));
	mst = json_object_get(mem, "stats");
	/* cgroup v1 reports total_inactive_file, v2 inactive_file. */
	inactive = statsapi_u64(json_object_get(mst, "total_inactive_file"));
	if (json_object_get(mst, "total_inactive_file") == NULL)
		inactive = statsapi_u64(json_object_get(mst, "inactive_file"));
	s->cg.mem_inactive_file = inactive;
	statsapi_blkio(json_object_get(json_object_get(j, "blkio_stats"),
	    "io_service_bytes_recursive"), &s->cg.blk_read, &s->cg.blk_write);
	statsapi_net(json_object_get(j, "networks"), &s->net_rx, &s->net_tx);
	return 0;
}

int
statsapi_read(struct docker *d, const char *id, struct statsapi_sample *s,
    char *err, size_t errlen)
{
	json_t	*j = NULL;
	char	 path[160];
	int	 rc;

	snprintf(path, sizeof path,
	    "/containers/%.64s/stats?stream=false&one-shot=true", id);
	rc = docker_get(d, path, &j, err, errlen);
	if (rc != 0)
		return rc;
	rc = statsapi_parse(j, s);
	if (rc != 0)
		snprintf(err, errlen, "Docker GET %s: no cpu_stats or "
		    "memory_stats in the answer", path);
	json_decref(j);
	return rc;
}
