/* discover: running containers and their Swarm labels from the Engine API. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "docker.h"
#include "log.h"
#include "xmalloc.h"

static int
discover_hex64(const char *s)
{
	size_t	i;

	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return s[64] == '\0';
}

static char *
discover_label(const json_t *labels, const char *key)
{
	const char	*v;

	v = json_string_value(json_object_get(labels, key));
	return v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

/* Fill one item from one array element; false when it has no usable Id. */
static int
discover_item_parse(const json_t *e, struct discover_item *it)
{
	const char	*id, *name;
	const json_t	*labels;

	id = json_string_value(json_object_get(e, "Id"));
	if (id == NULL || !discover_hex64(id))
		return 0;
	memcpy(it->id, id, 65);
	name = json_string_value(json_array_get(json_object_get(e, "Names"),
	    0));
	if (name != NULL && *name == '/')
		name++;
	it->name = xstrdup(name != NULL ? name : "");
	labels = json_object_get(e, "Labels");
	it->service_id = discover_label(labels, DISCOVER_LABEL_SERVICE_ID);
	it->service_name = discover_label(labels, DISCOVER_LABEL_SERVICE_NAME);
	return 1;
}

int
discover_parse_list(const json_t *j, struct discover_list *list,
    size_t *skipped)
{
	size_t	i;

	list->items = NULL;
	list->n = 0;
	*skipped = 0;
	if (!json_is_array(j))
		return -EBADMSG;
	list->items = xcalloc(json_array_size(j) + 1, sizeof *list->items);
	for (i = 0; i < json_array_size(j); i++) {
		if (discover_item_parse(json_array_get(j, i),
		    &list->items[list->n]))
			list->n++;
		else
			(*skipped)++;
	}
	return 0;
}

void
discover_list_free(struct discover_list *list)
{
	size_t	i;

	for (i = 0; i < list->n; i++) {
		free(list->items[i].name);
		free(list->items[i].service_id);
		free(list->items[i].service_name);
	}
	free(list->items);
	list->items = NULL;
	list->n = 0;
}

pid_t
discover_parse_pid(const json_t *inspect)
{
	json_int_t	pid;

	pid = json_integer_value(json_object_get(json_object_get(inspect,
	    "State"), "Pid"));
	return pid > 0 && pid < 1 << 30 ? (pid_t)pid : -1;
}

int
discover_docker(struct docker *d, struct discover_list *list, char *err,
    size_t errlen)
{
	json_t	*j = NULL;
	size_t	 skipped;
	int	 rc;

	list->items = NULL;
	list->n = 0;
	rc = docker_get(d, "/containers/json", &j, err, errlen);
	if (rc != 0)
		return rc;
	rc = discover_parse_list(j, list, &skipped);
	if (rc != 0)
		snprintf(err, errlen, "Docker GET /containers/json: answer is "
		    "not a list of containers");
	else if (skipped > 0)
		log_warnx("Docker GET /containers/json: skipped %zu entries "
		    "without a valid Id", skipped);
	json_decref(j);
	return rc;
}

int
discover_pid(struct docker *d, const char *id, pid_t *pid, char *err,
    size_t errlen)
{
	json_t	*j = NULL;
	char	 path[128];
	int	 rc;

	snprintf(path, sizeof path, "/containers/%.64s/json", id);
	rc = docker_get(d, path, &j, err, errlen);
	if (rc != 0)
		return rc;
	*pid = discover_parse_pid(j);
	json_decref(j);
	if (*pid < 0) {
		snprintf(err, errlen, "container %.12s has no running process",
		    id);
		return -ESRCH;
	}
	return 0;
}
