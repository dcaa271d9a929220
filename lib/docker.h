/*
 * docker: Docker Engine API 1.41 client over the unix socket.
 *
 * Requests go to http://localhost/v1.41<path>; bodies are JSON (jansson).
 */
#ifndef DAS_DOCKER_H
#define DAS_DOCKER_H

#include <jansson.h>

#include "buf.h"

#define DOCKER_API_VERSION	"v1.41"

struct docker;

/* socket path is copied. Caller frees with docker_free. */
struct docker	*docker_new(const char *socket, long connect_ms, long total_ms);
void		 docker_free(struct docker *);
const char	*docker_socket(const struct docker *);

/*
 * GET path (must start with '/'; query strings already URL-encoded).
 * *out: the decoded JSON (caller decrefs). Returns 0, -ENOENT on 404,
 * -EIO on transport errors and other statuses, -EBADMSG when the answer is
 * not JSON; err names the path and what went wrong.
 */
int	docker_get(struct docker *, const char *path, json_t **out,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * GET path with the answer's text appended to text (reset first; the
 * caller's buffer, so a path read every interval reuses its memory) and
 * not decoded. Same returns as docker_get but -EBADMSG.
 */
int	docker_get_text(struct docker *, const char *path, struct buf *text,
	    char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * POST body (may be NULL) as JSON to path. *out (may be NULL) receives the
 * decoded answer when there is one. Same returns as docker_get; the
 * Engine's own message is in err on failure.
 */
int	docker_post(struct docker *, const char *path, const json_t *body,
	    json_t **out, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* True when the path component s is safe to put in a URL path as is. */
int	docker_id_ok(const char *s);

#endif
