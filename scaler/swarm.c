/* swarm: Docker Swarm services through the Engine API 1.41. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "docker.h"
#include "http.h"
#include "log.h"
#include "swarm.h"
#include "xmalloc.h"

#define SWARM_UPDATE_TRIES	5

/* Fill s from one element of GET /services; false when unusable. */
static bool
swarm_parse_one(const json_t *e, struct swarm_service *s)
{
	const json_t	*spec, *mode, *rep;
	const char	*id, *name;

	id = json_string_value(json_object_get(e, "ID"));
	spec = json_object_get(e, "Spec");
	name = json_string_value(json_object_get(spec, "Name"));
	if (id == NULL || name == NULL)
		return false;
	mode = json_object_get(spec, "Mode");
	rep = json_object_get(json_object_get(mode, "Replicated"), "Replicas");
	s->id = xstrdup(id);
	s->name = xstrdup(name);
	s->version = (uint64_t)json_integer_value(json_object_get(
	    json_object_get(e, "Version"), "Index"));
	s->global = json_object_get(mode, "Global") != NULL ||
	    json_object_get(mode, "GlobalJob") != NULL;
	/* Replicated with the field omitted means 0 replicas. */
	s->replicas = (int)json_integer_value(rep);
	return true;
}

int
swarm_parse_list(const json_t *j, struct swarm_list *l)
{
	size_t	i;

	l->svc = NULL;
	l->n = 0;
	if (!json_is_array(j))
		return -EBADMSG;
	l->svc = xcalloc(json_array_size(j) + 1, sizeof *l->svc);
	for (i = 0; i < json_array_size(j); i++) {
		if (swarm_parse_one(json_array_get(j, i), &l->svc[l->n]))
			l->n++;
	}
	return 0;
}

void
swarm_list_free(struct swarm_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->svc[i].id);
		free(l->svc[i].name);
	}
	free(l->svc);
	l->svc = NULL;
	l->n = 0;
}

int
swarm_list(struct docker *d, struct swarm_list *l, char *err, size_t errlen)
{
	json_t	*j = NULL;
	int	 rc;

	l->svc = NULL;
	l->n = 0;
	rc = docker_get(d, "/services", &j, err, errlen);
	if (rc == 0 && (rc = swarm_parse_list(j, l)) != 0)
		snprintf(err, errlen, "Docker GET /services: answer is not a "
		    "list of services");
	json_decref(j);
	return rc;
}

const struct swarm_service *
swarm_resolve(const struct swarm_list *l, const char *ref, char *err,
    size_t errlen)
{
	const struct swarm_service	*hit = NULL;
	size_t				 i, n = 0, len = strlen(ref);

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->svc[i].id, ref) == 0)
			return &l->svc[i];
	}
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->svc[i].name, ref) == 0)
			return &l->svc[i];
	}
	for (i = 0; len > 0 && i < l->n; i++) {
		if (strncmp(l->svc[i].id, ref, len) == 0) {
			hit = &l->svc[i];
			n++;
		}
	}
	if (n == 1)
		return hit;
	if (n == 0)
		snprintf(err, errlen, "no Swarm service has the name, id or id "
		    "prefix \"%.128s\"", ref);
	else
		snprintf(err, errlen, "service id prefix \"%.128s\" is "
		    "ambiguous (%zu services)", ref, n);
	return NULL;
}

/* One read-modify-write of the service; -EAGAIN when out of sequence. */
static int
swarm_update_once(struct docker *d, const char *id, int replicas,
    int *before, char *err, size_t errlen)
{
	json_t		*svc = NULL, *spec, *rep;
	char		 path[256];
	json_int_t	 version;
	int		 rc;

	snprintf(path, sizeof path, "/services/%s", id);
	if ((rc = docker_get(d, path, &svc, err, errlen)) != 0)
		return rc;
	spec = json_object_get(svc, "Spec");
	rep = json_object_get(json_object_get(spec, "Mode"), "Replicated");
	version = json_integer_value(json_object_get(json_object_get(svc,
	    "Version"), "Index"));
	if (!json_is_object(rep)) {
		snprintf(err, errlen, "service %s is not in replicated mode",
		    id);
		json_decref(svc);
		return -EINVAL;
	}
	*before = (int)json_integer_value(json_object_get(rep, "Replicas"));
	json_object_set_new(rep, "Replicas", json_integer(replicas));
	snprintf(path, sizeof path, "/services/%s/update?version=%lld", id,
	    (long long)version);
	rc = docker_post(d, path, spec, NULL, err, errlen);
	if (rc != 0 && strstr(err, "out of sequence") != NULL)
		rc = -EAGAIN;
	json_decref(svc);
	return rc;
}

int
swarm_scale(struct docker *d, const char *id, int replicas, int *before,
    char *err, size_t errlen)
{
	int	rc = -EINVAL, i;

	if (!docker_id_ok(id)) {
		snprintf(err, errlen, "service id \"%.128s\" has characters "
		    "an id never has", id);
		return -EINVAL;
	}
	for (i = 0; i < SWARM_UPDATE_TRIES; i++) {
		rc = swarm_update_once(d, id, replicas, before, err, errlen);
		if (rc != -EAGAIN)
			break;
		log_debug("service %s: update out of sequence; reading it "
		    "again (try %d)", id, i + 2);
	}
	return rc;
}

static void
swarm_task_fill(const json_t *t, struct swarm_task *out)
{
	const char	*cid, *node, *state;
	json_int_t	 slot;

	cid = json_string_value(json_object_get(json_object_get(json_object_get(
	    t, "Status"), "ContainerStatus"), "ContainerID"));
	node = json_string_value(json_object_get(t, "NodeID"));
	state = json_string_value(json_object_get(json_object_get(t, "Status"),
	    "State"));
	slot = json_integer_value(json_object_get(t, "Slot"));
	snprintf(out->container, sizeof out->container, "%.12s",
	    cid != NULL ? cid : "");
	snprintf(out->slot, sizeof out->slot, "%lld", (long long)slot);
	snprintf(out->node, sizeof out->node, "%s", node != NULL ? node : "");
	snprintf(out->state, sizeof out->state, "%s",
	    state != NULL ? state : "");
}

int
swarm_tasks(struct docker *d, const char *id, struct swarm_task **out,
    size_t *n, char *err, size_t errlen)
{
	struct buf	 path, filt;
	json_t		*j = NULL;
	size_t		 i;
	int		 rc;

	*out = NULL;
	*n = 0;
	buf_init(&path);
	buf_init(&filt);
	buf_printf(&filt, "{\"service\":[\"%s\"],\"desired-state\":"
	    "[\"running\"]}", docker_id_ok(id) ? id : "");
	buf_adds(&path, "/tasks?filters=");
	http_urlencode(&path, buf_str(&filt));
	rc = docker_get(d, buf_str(&path), &j, err, errlen);
	if (rc == 0 && !json_is_array(j)) {
		snprintf(err, errlen, "Docker GET /tasks: not a list");
		rc = -EBADMSG;
	}
	if (rc == 0) {
		*out = xcalloc(json_array_size(j) + 1, sizeof **out);
		for (i = 0; i < json_array_size(j); i++)
			swarm_task_fill(json_array_get(j, i), &(*out)[(*n)++]);
	}
	json_decref(j);
	buf_free(&path);
	buf_free(&filt);
	return rc;
}
