/*
 * http_priv: what lib/http.c shares with lib/httpev.c, which runs the same
 * requests on a curl multi handle beside a libevent loop. Not for callers:
 * they use lib/http.h and lib/httpev.h.
 */
#ifndef DAS_HTTP_PRIV_H
#define DAS_HTTP_PRIV_H

#include <curl/curl.h>

#include "buf.h"
#include "http.h"

struct http_xfer;

struct http {
	CURL			*curl;
	char			*unix_socket;
	long			 connect_ms;
	long			 total_ms;
	struct http_xfer	*xfer;	/* lib/httpev.c's transfer, or NULL */
};

/* What the write callback needs: the handle (for the status) and resp. */
struct http_wctx {
	CURL		*curl;
	struct http_resp *resp;
	int		 sink_rc;
};

/* One request in flight: what http_setup made and the outcome needs. */
struct http_call {
	struct curl_slist	*hdr;
	struct buf		 zbody;
	struct http_wctx	 w;
	const char		*header;	/* req->header */
};

/* Set h's handle up for req (resp reset but for its sink), into c. */
void	http_prepare(struct http *h, const struct http_req *req,
	    struct http_resp *resp, struct http_call *c);
/* Free what c holds and turn curl's result into http_do's return. */
int	http_outcome(struct http *h, struct http_call *c, CURLcode rc);

#endif
