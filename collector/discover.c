/*
 * discover: running containers and their Swarm labels from the Engine API
 * (the answers are read by discover_list.c).
 */
#include <errno.h>
#include <stdio.h>

#include "buf.h"
#include "discover.h"
#include "docker.h"
#include "log.h"

int
discover_docker(struct docker *d, struct buf *text, struct discover_list *list,
    char *err, size_t errlen)
{
	char	why[256];
	size_t	skipped;
	int	rc;

	list->items = NULL;
	list->n = 0;
	rc = docker_get_text(d, "/containers/json", text, err, errlen);
	if (rc != 0)
		return rc;
	rc = discover_parse_list(buf_str(text), text->len, list, &skipped, why,
	    sizeof why);
	if (rc != 0)
		snprintf(err, errlen, "Docker GET /containers/json: %s", why);
	else if (skipped > 0)
		log_warnx("Docker GET /containers/json: skipped %zu entries "
		    "without a valid Id", skipped);
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
