/*
 * http: a small libcurl wrapper for InfluxDB (TCP) and the Docker Engine
 * (unix socket). One struct http holds one curl easy handle so connections
 * are kept alive between http_do requests (http_do_many connects anew).
 *
 * Every request has a connect and a total timeout (http_new: 2 s and 10 s
 * unless told), so that a server that stops answering never holds the
 * caller.
 */
#ifndef DAS_HTTP_H
#define DAS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct http;

struct http_req {
	const char	*method;	/* "GET", "POST", ... */
	const char	*url;
	const char	*content_type;	/* NULL: none */
	const void	*body;		/* NULL: no body */
	size_t		 body_len;
	bool		 gzip;		/* compress the body, Content-Encoding: gzip */
	const char	*user;		/* basic auth, NULL: none */
	const char	*password;
	/* NULL, or the name of an answer header to keep in resp->header */
	const char	*header;
};

struct http_resp {
	long		 status;	/* 0 when no HTTP answer came */
	struct buf	 body;
	char		 error[256];	/* transport error, "" when status != 0 */
	/* req->header's value (cut at 63 bytes); has_header false: absent */
	bool		 has_header;
	char		 header[64];
	/*
	 * Optional, set after http_resp_init: a 2xx answer's body is handed
	 * to sink as it arrives instead of being kept in body (any other
	 * status still fills body, for its error text). A non-zero return
	 * stops the transfer; http_do then returns it.
	 */
	int		(*sink)(void *arg, const char *p, size_t len);
	void		*sink_arg;
};

/* unix_socket may be NULL (TCP). Strings are copied. Caller frees. */
struct http	*http_new(const char *unix_socket, long connect_ms, long total_ms);
void		 http_free(struct http *);

void		 http_resp_init(struct http_resp *);
void		 http_resp_free(struct http_resp *);

/*
 * Perform req; resp must be initialised and is reset first (but its sink).
 * Returns 0 when an HTTP answer (any status) arrived, -EIO with resp->error
 * filled when the transport failed (refused, timed out, ...), or the
 * sink's non-zero return when it stopped the transfer.
 */
int	http_do(struct http *, const struct http_req *, struct http_resp *)
	    __attribute__((warn_unused_result));

/*
 * Perform reqs[0..n) side by side (n <= HTTP_MANY_MAX), request i on its
 * own handle hs[i] (distinct handles: one connection each), into
 * resps[i]. rcs[i] is what http_do would have returned for request i.
 * Returns 0 when every rcs[i] is 0, else the first non-zero one; -EINVAL
 * when n is out of range.
 */
#define HTTP_MANY_MAX	4
int	http_do_many(struct http *const *hs, const struct http_req *reqs,
	    struct http_resp *resps, int *rcs, size_t n)
	    __attribute__((warn_unused_result));

/* URL-encode s into b (RFC 3986 unreserved characters pass through). */
void	http_urlencode(struct buf *b, const char *s);

#endif
