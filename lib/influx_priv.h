/*
 * influx_priv: what lib/influx.c (queries) shares with lib/influx_write.c
 * (writes, blocking or beside the loop). Not for callers: see influx.h.
 */
#ifndef DAS_INFLUX_PRIV_H
#define DAS_INFLUX_PRIV_H

#include <stdbool.h>

#include "buf.h"
#include "http.h"
#include "influx.h"

struct influx_op;

struct influx {
	struct http	*http;
	/* more connections for influx_query_streams, made on first use */
	struct http	*more[INFLUX_STREAMS_MAX - 1];
	/* the connection of writes beside the loop, made on first use */
	struct http	*whttp;
	struct influx_op *op;		/* the write running beside the loop */
	long		 connect_ms, timeout_ms;
	char		*url;
	char		*database;
	char		*user;
	char		*password;
	char		*precision;
	bool		 gzip;
	bool		 create_db;
};

/*
 * The POST /query request for q (form-encoded) into req, url and body;
 * chunk_rows > 0: chunked (influx_query_streams).
 */
void	influx_query_req(struct influx *, const char *q, bool with_db,
	    unsigned chunk_rows, struct http_req *req, struct buf *url,
	    struct buf *body);
/* http_do's rc and the answer, as a query's outcome (0 or -EIO). */
int	influx_query_outcome(struct influx *, int rc, struct http_resp *resp,
	    char *err, size_t errlen);
/* The statement CREATE DATABASE "<database>", quoted, into q. */
void	influx_create_stmt(struct influx *, struct buf *q);
/* InfluxDB's {"error":"..."} text from a body, or the body, cut short. */
void	influx_body_error(const struct buf *body, char *out, size_t outlen);

#endif
