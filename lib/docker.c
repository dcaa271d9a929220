/* docker: Engine API over /var/run/docker.sock with libcurl. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker.h"
#include "http.h"
#include "xmalloc.h"

struct docker {
	struct http	*http;
	char		*socket;
};

struct docker *
docker_new(const char *socket, long connect_ms, long total_ms)
{
	struct docker	*d;

	d = xcalloc(1, sizeof *d);
	d->socket = xstrdup(socket);
	d->http = http_new(socket, connect_ms, total_ms);
	return d;
}

void
docker_free(struct docker *d)
{
	if (d == NULL)
		return;
	http_free(d->http);
	free(d->socket);
	free(d);
}

const char *
docker_socket(const struct docker *d)
{
	return d->socket;
}

int
docker_id_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 128)
		return 0;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr("_.-", *s) == NULL)
			return 0;
	}
	return 1;
}

/* The Engine's {"message": "..."} or the raw body, cut short. */
static void
docker_message(const struct buf *body, char *out, size_t len)
{
	json_t		*j;
	json_error_t	 je;
	const char	*m;

	j = json_loadb(buf_str(body), body->len, 0, &je);
	m = json_string_value(json_object_get(j, "message"));
	snprintf(out, len, "%.300s", m != NULL ? m : buf_str(body));
	json_decref(j);
}

/* http sink: a 2xx answer's bytes straight into the caller's buffer. */
static int
docker_text_sink(void *arg, const char *p, size_t len)
{
	buf_add(arg, p, len);
	return 0;
}

/*
 * One request. The answer is decoded into *out (when out is not NULL), or
 * its text appended to raw (when raw is not NULL).
 */
static int
docker_do(struct docker *d, const char *method, const char *path,
    const json_t *body, json_t **out, struct buf *raw, char *err,
    size_t errlen)
{
	struct http_req		 req;
	struct http_resp	 resp;
	json_error_t		 je;
	char			*url, *text = NULL, msg[320];
	int			 rc = 0;

	if (out != NULL)
		*out = NULL;
	memset(&req, 0, sizeof req);
	url = xasprintf("http://localhost/%s%s", DOCKER_API_VERSION, path);
	req.method = method;
	req.url = url;
	if (body != NULL) {
		text = json_dumps(body, JSON_COMPACT);
		req.body = text;
		req.body_len = strlen(text);
		req.content_type = "application/json";
	}
	http_resp_init(&resp);
	if (raw != NULL) {
		buf_reset(raw);
		resp.sink = docker_text_sink;
		resp.sink_arg = raw;
	}
	if (http_do(d->http, &req, &resp) != 0) {
		snprintf(err, errlen, "Docker %s %s via %s: %s", method, path,
		    d->socket, resp.error);
		rc = -EIO;
	} else if (resp.status < 200 || resp.status >= 300) {
		docker_message(&resp.body, msg, sizeof msg);
		snprintf(err, errlen, "Docker %s %s: HTTP %ld: %s", method,
		    path, resp.status, msg);
		rc = resp.status == 404 ? -ENOENT : -EIO;
	} else if (out != NULL && resp.body.len > 0) {
		*out = json_loadb(buf_str(&resp.body), resp.body.len, 0, &je);
		if (*out == NULL) {
			snprintf(err, errlen, "Docker %s %s: answer is not "
			    "JSON: %s", method, path, je.text);
			rc = -EBADMSG;
		}
	}
	http_resp_free(&resp);
	free(text);
	free(url);
	return rc;
}

int
docker_get(struct docker *d, const char *path, json_t **out, char *err,
    size_t errlen)
{
	return docker_do(d, "GET", path, NULL, out, NULL, err, errlen);
}

int
docker_get_text(struct docker *d, const char *path, struct buf *text,
    char *err, size_t errlen)
{
	return docker_do(d, "GET", path, NULL, NULL, text, err, errlen);
}

int
docker_post(struct docker *d, const char *path, const json_t *body,
    json_t **out, char *err, size_t errlen)
{
	return docker_do(d, "POST", path, body, out, NULL, err, errlen);
}
