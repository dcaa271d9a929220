/*
 * httpev: HTTP requests that run beside a libevent loop instead of in its
 * way. One curl multi handle is driven by the loop's events (libcurl's
 * multi_socket API: CURLMOPT_SOCKETFUNCTION and CURLMOPT_TIMERFUNCTION
 * become libevent events, curl_multi_socket_action runs when they fire),
 * so a server that accepts and never answers costs the loop nothing: the
 * transfer ends by its own timeout (lib/http.h's total_ms) while timers
 * keep firing.
 */
#ifndef DAS_HTTPEV_H
#define DAS_HTTPEV_H

#include "http.h"

struct event_base;
struct httpev;

/* rc is what http_do would have returned for the request. */
typedef void	(*httpev_done_fn)(void *arg, int rc);

/* base is borrowed and must outlive the httpev. Caller frees. */
struct httpev	*httpev_new(struct event_base *base);
/* Ends every running transfer without calling its done. */
void		 httpev_free(struct httpev *);

/*
 * Start req on h (a struct http of lib/http.h); done(arg, rc) is called
 * from the loop when it ends, with resp filled as http_do fills it. req's
 * strings are copied but for req->body, which, like resp, must stay valid
 * until done or httpev_cancel. done may start another request but must
 * not free the httpev. 0, or -EBUSY when h already has one running.
 */
int	httpev_start(struct httpev *, struct http *h, const struct http_req *req,
	    struct http_resp *resp, httpev_done_fn done, void *arg)
	    __attribute__((warn_unused_result));
/* End h's running request, if any, without calling its done. */
void	httpev_cancel(struct httpev *, struct http *h);

#endif
