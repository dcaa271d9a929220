/* influx: InfluxDB 1.x /write and /query over libcurl. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "influx.h"
#include "influx_priv.h"
#include "log.h"
#include "xmalloc.h"

_Static_assert(INFLUX_STREAMS_MAX <= HTTP_MANY_MAX,
    "influx_query_streams runs its requests through http_do_many");

static char *
influx_dup(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

struct influx *
influx_new(const struct influx_cfg *cfg)
{
	struct influx	*ix;
	size_t		 n;

	ix = xcalloc(1, sizeof *ix);
	ix->http = http_new(NULL, cfg->connect_ms, cfg->timeout_ms);
	ix->connect_ms = cfg->connect_ms;
	ix->timeout_ms = cfg->timeout_ms;
	ix->url = xstrdup(cfg->url);
	n = strlen(ix->url);
	while (n > 0 && ix->url[n - 1] == '/')
		ix->url[--n] = '\0';
	ix->database = xstrdup(cfg->database);
	ix->user = influx_dup(cfg->user);
	ix->password = influx_dup(cfg->password);
	ix->precision = xstrdup(cfg->precision != NULL ? cfg->precision : "s");
	ix->gzip = cfg->gzip;
	ix->create_db = cfg->create_db;
	return ix;
}

void
influx_free(struct influx *ix)
{
	size_t	i;

	if (ix == NULL)
		return;
	influx_write_cancel(ix);
	http_free(ix->http);
	http_free(ix->whttp);
	for (i = 0; i < INFLUX_STREAMS_MAX - 1; i++)
		http_free(ix->more[i]);
	free(ix->url);
	free(ix->database);
	free(ix->user);
	free(ix->password);
	free(ix->precision);
	free(ix);
}

const char *
influx_url(const struct influx *ix)
{
	return ix->url;
}

void
influx_body_error(const struct buf *body, char *out, size_t outlen)
{
	json_t		*j;
	json_error_t	 je;
	const char	*s;

	j = json_loadb(body->data != NULL ? body->data : "", body->len, 0, &je);
	s = j != NULL ? json_string_value(json_object_get(j, "error")) : NULL;
	snprintf(out, outlen, "%.300s", s != NULL ? s : buf_str(body));
	json_decref(j);
}

void
influx_query_req(struct influx *ix, const char *q, bool with_db,
    unsigned chunk_rows, struct http_req *req, struct buf *url,
    struct buf *body)
{
	buf_printf(url, "%s/query?epoch=ns", ix->url);
	if (chunk_rows > 0)
		buf_printf(url, "&chunked=true&chunk_size=%u", chunk_rows);
	if (with_db) {
		buf_adds(url, "&db=");
		http_urlencode(url, ix->database);
	}
	buf_adds(body, "q=");
	http_urlencode(body, q);
	memset(req, 0, sizeof *req);
	req->method = "POST";
	req->url = buf_str(url);
	req->content_type = "application/x-www-form-urlencoded";
	req->body = body->data;
	req->body_len = body->len;
	req->user = ix->user;
	req->password = ix->password;
}

int
influx_query_outcome(struct influx *ix, int rc, struct http_resp *resp,
    char *err, size_t errlen)
{
	if (rc != 0 && rc != -EIO)
		return rc;	/* the sink stopped it: the sink says why */
	if (rc != 0) {
		snprintf(err, errlen, "InfluxDB query at %s: %s", ix->url,
		    resp->error);
		return -EIO;
	}
	if (resp->status < 200 || resp->status >= 300) {
		char	detail[320];

		influx_body_error(&resp->body, detail, sizeof detail);
		snprintf(err, errlen, "InfluxDB query at %s: HTTP %ld: %s",
		    ix->url, resp->status, detail);
		return -EIO;
	}
	return 0;
}

static int
influx_post_query(struct influx *ix, const char *q, bool with_db,
    struct http_resp *resp, char *err, size_t errlen)
{
	struct http_req	 req;
	struct buf	 url, body;
	int		 rc;

	buf_init(&url);
	buf_init(&body);
	influx_query_req(ix, q, with_db, 0, &req, &url, &body);
	rc = http_do(ix->http, &req, resp);
	buf_free(&url);
	buf_free(&body);
	return influx_query_outcome(ix, rc, resp, err, errlen);
}

int
influx_query_streams(struct influx *ix, const char *const *qs, size_t n,
    unsigned chunk_rows,
    int (*sink)(void *, const char *, size_t), void *const *args,
    char *err, size_t errlen)
{
	struct http		*hs[INFLUX_STREAMS_MAX];
	struct http_req		 req[INFLUX_STREAMS_MAX];
	struct http_resp	 resp[INFLUX_STREAMS_MAX];
	struct buf		 url[INFLUX_STREAMS_MAX], body[INFLUX_STREAMS_MAX];
	int			 rcs[INFLUX_STREAMS_MAX], rc, first = 0;
	size_t			 i;

	if (n == 0 || n > INFLUX_STREAMS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (i > 0 && ix->more[i - 1] == NULL)
			ix->more[i - 1] = http_new(NULL, ix->connect_ms,
			    ix->timeout_ms);
		hs[i] = i == 0 ? ix->http : ix->more[i - 1];
		buf_init(&url[i]);
		buf_init(&body[i]);
		influx_query_req(ix, qs[i], true, chunk_rows, &req[i], &url[i],
		    &body[i]);
		http_resp_init(&resp[i]);
		resp[i].sink = sink;
		resp[i].sink_arg = args[i];
	}
	rc = n == 1 ? http_do(hs[0], &req[0], &resp[0]) :
	    http_do_many(hs, req, resp, rcs, n);
	for (i = 0; i < n; i++) {
		/* the first failure is the one reported */
		rc = influx_query_outcome(ix, n == 1 ? rc : rcs[i], &resp[i],
		    first == 0 ? err : NULL, first == 0 ? errlen : 0);
		if (first == 0)
			first = rc;
		http_resp_free(&resp[i]);
		buf_free(&url[i]);
		buf_free(&body[i]);
	}
	return first;
}

void
influx_create_stmt(struct influx *ix, struct buf *q)
{
	const char	*p;

	buf_adds(q, "CREATE DATABASE \"");
	for (p = ix->database; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(q, '\\');
		buf_addc(q, *p == '\n' ? ' ' : *p);
	}
	buf_addc(q, '"');
}

int
influx_create_database(struct influx *ix, char *err, size_t errlen)
{
	struct http_resp	 resp;
	struct buf		 q;
	int			 rc;

	buf_init(&q);
	influx_create_stmt(ix, &q);
	http_resp_init(&resp);
	rc = influx_post_query(ix, buf_str(&q), false, &resp, err, errlen);
	http_resp_free(&resp);
	buf_free(&q);
	return rc;
}
