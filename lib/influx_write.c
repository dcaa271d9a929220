/*
 * influx_write: InfluxDB 1.x /write, blocking (influx_write, for das and
 * ds --once) or beside a libevent loop (influx_write_start, for the ds
 * daemon: a server that never answers must not hold its sampling timer).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "httpev.h"
#include "influx.h"
#include "influx_priv.h"
#include "log.h"
#include "xmalloc.h"

enum influx_result
influx_write_verdict(long status, bool from_influx)
{
	/* A 200 page from a proxy or a wrong URL took nothing. */
	if (!from_influx)
		return INFLUX_RETRY;
	if (status == 204)
		return INFLUX_OK;
	/* 400: points InfluxDB cannot parse or store; 413: a batch over its
	 * max-body-size. Sending the same bytes again can never work. */
	if (status == 400 || status == 413)
		return INFLUX_REJECTED;
	return INFLUX_RETRY;
}

void
influx_write_problem(const char *url, const struct http_resp *resp,
    char *err, size_t errlen)
{
	char	detail[320], *p;

	influx_body_error(&resp->body, detail, sizeof detail);
	for (p = detail; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	if (detail[0] == '\0')
		snprintf(detail, sizeof detail, "(no text)");
	if (!resp->has_header)
		snprintf(err, errlen, "InfluxDB write to %s: HTTP %ld from a "
		    "server that is not InfluxDB (no %s header): %.120s", url,
		    resp->status, INFLUX_VERSION_HEADER, detail);
	else if (resp->status >= 200 && resp->status < 300)
		snprintf(err, errlen, "InfluxDB write to %s: HTTP %ld, not "
		    "the 204 of a stored write: %s", url, resp->status, detail);
	else
		snprintf(err, errlen, "InfluxDB write to %s: HTTP %ld: %s",
		    url, resp->status, detail);
}

/* The POST /write request for lines into req (its URL in url). */
static void
influx_write_req(struct influx *ix, const char *lines, size_t len,
    struct http_req *req, struct buf *url)
{
	buf_printf(url, "%s/write?db=", ix->url);
	http_urlencode(url, ix->database);
	buf_printf(url, "&precision=%s", ix->precision);
	memset(req, 0, sizeof *req);
	req->method = "POST";
	req->url = buf_str(url);
	req->content_type = "text/plain; charset=utf-8";
	req->body = lines;
	req->body_len = len;
	req->gzip = ix->gzip;
	req->user = ix->user;
	req->password = ix->password;
	req->header = INFLUX_VERSION_HEADER;
}

/* http_do's rc and the answer as a write's result; err "" on INFLUX_OK. */
static enum influx_result
influx_write_answer(struct influx *ix, int rc, const struct http_resp *resp,
    char *err, size_t errlen)
{
	enum influx_result	r;

	if (rc != 0) {
		snprintf(err, errlen, "InfluxDB write to %s: %s", ix->url,
		    resp->error);
		return INFLUX_RETRY;
	}
	r = influx_write_verdict(resp->status, resp->has_header);
	if (r != INFLUX_OK)
		influx_write_problem(ix->url, resp, err, errlen);
	else if (errlen > 0)
		err[0] = '\0';
	return r;
}

/* InfluxDB itself said the database is missing, and we may create it. */
static bool
influx_wants_db(const struct influx *ix, const struct http_resp *resp)
{
	return ix->create_db && resp->has_header && resp->status == 404 &&
	    strstr(buf_str(&resp->body), "database not found") != NULL;
}

static void
influx_created(const struct influx *ix)
{
	log_info("created InfluxDB database \"%s\" at %s", ix->database,
	    ix->url);
}

static int
influx_post_write(struct influx *ix, const char *lines, size_t len,
    struct http_resp *resp)
{
	struct http_req	 req;
	struct buf	 url;
	int		 rc;

	buf_init(&url);
	influx_write_req(ix, lines, len, &req, &url);
	rc = http_do(ix->http, &req, resp);
	buf_free(&url);
	return rc;
}

enum influx_result
influx_write(struct influx *ix, const char *lines, size_t len, char *err,
    size_t errlen)
{
	struct http_resp	resp;
	enum influx_result	r;
	int			rc;

	http_resp_init(&resp);
	rc = influx_post_write(ix, lines, len, &resp);
	if (rc == 0 && influx_wants_db(ix, &resp)) {
		if (influx_create_database(ix, err, errlen) != 0) {
			http_resp_free(&resp);
			return INFLUX_RETRY;
		}
		influx_created(ix);
		rc = influx_post_write(ix, lines, len, &resp);
	}
	r = influx_write_answer(ix, rc, &resp, err, errlen);
	http_resp_free(&resp);
	return r;
}

/* ------------------------------------------------ beside the loop */

enum influx_stage {
	INFLUX_POST,		/* the write */
	INFLUX_CREATE,		/* CREATE DATABASE: the first said it is missing */
	INFLUX_REPOST,		/* the write again, once */
};

/* One write running beside the loop: every byte its requests point at. */
struct influx_op {
	struct influx		*ix;
	struct httpev		*hv;
	enum influx_stage	 stage;
	struct buf		 lines;	/* the batch: a copy, stable */
	struct buf		 url, form;
	struct http_req		 req;
	struct http_resp	 resp;
	influx_done_fn		 done;
	void			*arg;
};

static void	influx_op_cb(void *, int);

static void
influx_op_free(struct influx_op *op)
{
	buf_free(&op->lines);
	buf_free(&op->url);
	buf_free(&op->form);
	http_resp_free(&op->resp);
	free(op);
}

/* Start the op's stage on the write connection. */
static void
influx_op_send(struct influx_op *op)
{
	struct influx	*ix = op->ix;
	struct buf	 q;

	buf_reset(&op->url);
	buf_reset(&op->form);
	if (op->stage == INFLUX_CREATE) {
		buf_init(&q);
		influx_create_stmt(ix, &q);
		influx_query_req(ix, buf_str(&q), false, 0, &op->req, &op->url,
		    &op->form);
		buf_free(&q);
	} else {
		influx_write_req(ix, op->lines.data, op->lines.len, &op->req,
		    &op->url);
	}
	/* whttp serves this op alone, and one op runs at a time */
	if (httpev_start(op->hv, ix->whttp, &op->req, &op->resp,
	    influx_op_cb, op) != 0)
		fatalx("InfluxDB write to %s: its connection is busy",
		    ix->url);
}

/* The op is over: forget it, then tell (done may start the next one). */
static void
influx_op_end(struct influx_op *op, enum influx_result r, const char *err)
{
	influx_done_fn	 done = op->done;
	void		*arg = op->arg;

	op->ix->op = NULL;
	influx_op_free(op);
	done(arg, r, err);
}

static void
influx_op_cb(void *arg, int rc)
{
	struct influx_op	*op = arg;
	struct influx		*ix = op->ix;
	char			 err[512];

	err[0] = '\0';
	if (op->stage == INFLUX_CREATE) {
		if (influx_query_outcome(ix, rc, &op->resp, err,
		    sizeof err) != 0) {
			influx_op_end(op, INFLUX_RETRY, err);
			return;
		}
		influx_created(ix);
		op->stage = INFLUX_REPOST;
		influx_op_send(op);
		return;
	}
	if (rc == 0 && op->stage == INFLUX_POST &&
	    influx_wants_db(ix, &op->resp)) {
		op->stage = INFLUX_CREATE;
		influx_op_send(op);
		return;
	}
	influx_op_end(op, influx_write_answer(ix, rc, &op->resp, err,
	    sizeof err), err);
}

int
influx_write_start(struct influx *ix, struct httpev *hv, const char *lines,
    size_t len, influx_done_fn done, void *arg)
{
	struct influx_op	*op;

	if (ix->op != NULL)
		return -EBUSY;
	if (ix->whttp == NULL)
		ix->whttp = http_new(NULL, ix->connect_ms, ix->timeout_ms);
	op = xcalloc(1, sizeof *op);
	op->ix = ix;
	op->hv = hv;
	op->stage = INFLUX_POST;
	buf_init(&op->lines);
	buf_add(&op->lines, lines, len);
	buf_init(&op->url);
	buf_init(&op->form);
	http_resp_init(&op->resp);
	op->done = done;
	op->arg = arg;
	ix->op = op;
	influx_op_send(op);
	return 0;
}

void
influx_write_cancel(struct influx *ix)
{
	if (ix->op == NULL)
		return;
	httpev_cancel(ix->op->hv, ix->whttp);
	influx_op_free(ix->op);
	ix->op = NULL;
}
