/* httpev: curl's multi_socket interface on a libevent loop. */
#include <errno.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "http_priv.h"
#include "httpev.h"
#include "log.h"
#include "xmalloc.h"

/* One socket curl asked us to watch; kept in a list so that httpev_free
 * frees every event even when curl does not say goodbye to a socket. */
struct httpev_sock {
	struct httpev		*hv;
	struct event		*ev;
	curl_socket_t		 fd;
	struct httpev_sock	*next;
};

/* One running request: what http_prepare made, and whom to tell. */
struct http_xfer {
	struct http		*h;
	struct http_call	 call;
	httpev_done_fn		 done;
	void			*arg;
	struct http_xfer	*next;
};

struct httpev {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	struct httpev_sock	*socks;
	struct http_xfer	*xfers;
};

/* Hand every finished transfer to its done callback. */
static void
httpev_reap(struct httpev *hv)
{
	struct http_xfer	*x, **pp;
	CURLMsg			*msg;
	httpev_done_fn		 done;
	void			*arg;
	int			 left, rc;

	while ((msg = curl_multi_info_read(hv->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		for (pp = &hv->xfers; *pp != NULL; pp = &(*pp)->next)
			if ((*pp)->h->curl == msg->easy_handle)
				break;
		if ((x = *pp) == NULL)
			continue;
		*pp = x->next;
		curl_multi_remove_handle(hv->multi, x->h->curl);
		rc = http_outcome(x->h, &x->call, msg->data.result);
		x->h->xfer = NULL;
		done = x->done;
		arg = x->arg;
		free(x);
		done(arg, rc);
	}
}

static void
httpev_action(struct httpev *hv, curl_socket_t fd, int flags)
{
	CURLMcode	mc;
	int		running;

	mc = curl_multi_socket_action(hv->multi, fd, flags, &running);
	if (mc != CURLM_OK)
		log_warnx("HTTP requests: curl_multi_socket_action: %s",
		    curl_multi_strerror(mc));
	httpev_reap(hv);
}

static void
httpev_sock_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpev_sock	*s = arg;

	httpev_action(s->hv, fd, ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
	    ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0));
}

static void
httpev_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	httpev_action(arg, CURL_SOCKET_TIMEOUT, 0);
}

static void
httpev_sock_drop(struct httpev *hv, struct httpev_sock *s)
{
	struct httpev_sock	**pp;

	for (pp = &hv->socks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	event_free(s->ev);
	free(s);
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for what curl waits on. */
static int
httpev_socket_fn(CURL *e, curl_socket_t fd, int what, void *userp,
    void *sockp)
{
	struct httpev		*hv = userp;
	struct httpev_sock	*s = sockp;
	short			 kind = EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL)
			httpev_sock_drop(hv, s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->hv = hv;
		s->fd = fd;
		s->next = hv->socks;
		hv->socks = s;
		curl_multi_assign(hv->multi, fd, s);
	} else {
		event_free(s->ev);
	}
	s->ev = event_new(hv->base, fd, kind, httpev_sock_cb, s);
	event_add(s->ev, NULL);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: call curl back after timeout_ms (-1: never). */
static int
httpev_timer_fn(CURLM *m, long timeout_ms, void *userp)
{
	struct httpev	*hv = userp;
	struct timeval	 tv;

	if (timeout_ms < 0) {
		evtimer_del(hv->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(hv->timer, &tv);
	return 0;
}

struct httpev *
httpev_new(struct event_base *base)
{
	struct httpev	*hv;

	hv = xcalloc(1, sizeof *hv);
	hv->base = base;
	/* the easy handles come from http_new, which initialises curl */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((hv->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	hv->timer = evtimer_new(base, httpev_timer_cb, hv);
	curl_multi_setopt(hv->multi, CURLMOPT_SOCKETFUNCTION,
	    httpev_socket_fn);
	curl_multi_setopt(hv->multi, CURLMOPT_SOCKETDATA, hv);
	curl_multi_setopt(hv->multi, CURLMOPT_TIMERFUNCTION, httpev_timer_fn);
	curl_multi_setopt(hv->multi, CURLMOPT_TIMERDATA, hv);
	return hv;
}

void
httpev_free(struct httpev *hv)
{
	if (hv == NULL)
		return;
	while (hv->xfers != NULL)
		httpev_cancel(hv, hv->xfers->h);
	curl_multi_cleanup(hv->multi);
	while (hv->socks != NULL)
		httpev_sock_drop(hv, hv->socks);
	event_free(hv->timer);
	curl_global_cleanup();
	free(hv);
}

int
httpev_start(struct httpev *hv, struct http *h, const struct http_req *req,
    struct http_resp *resp, httpev_done_fn done, void *arg)
{
	struct http_xfer	*x;
	CURLMcode		 mc;

	if (h->xfer != NULL)
		return -EBUSY;
	x = xcalloc(1, sizeof *x);
	x->h = h;
	x->done = done;
	x->arg = arg;
	http_prepare(h, req, resp, &x->call);
	if ((mc = curl_multi_add_handle(hv->multi, h->curl)) != CURLM_OK)
		fatalx("curl_multi_add_handle: %s", curl_multi_strerror(mc));
	h->xfer = x;
	x->next = hv->xfers;
	hv->xfers = x;
	return 0;
}

void
httpev_cancel(struct httpev *hv, struct http *h)
{
	struct http_xfer	**pp, *x;

	for (pp = &hv->xfers; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->h == h)
			break;
	if ((x = *pp) == NULL)
		return;
	*pp = x->next;
	curl_multi_remove_handle(hv->multi, h->curl);
	(void)http_outcome(h, &x->call, CURLE_ABORTED_BY_CALLBACK);
	h->xfer = NULL;
	free(x);
}
