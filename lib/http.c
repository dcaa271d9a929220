/* http: libcurl with timeouts, keep-alive, gzip bodies and unix sockets. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <zlib.h>

#include "http.h"
#include "http_priv.h"
#include "log.h"
#include "xmalloc.h"

static void
http_global_init(void)
{
	static int	done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = 1;
	}
}

struct http *
http_new(const char *unix_socket, long connect_ms, long total_ms)
{
	struct http	*h;

	http_global_init();
	h = xcalloc(1, sizeof *h);
	h->curl = curl_easy_init();
	if (h->curl == NULL)
		fatalx("curl_easy_init failed");
	h->unix_socket = unix_socket != NULL ? xstrdup(unix_socket) : NULL;
	h->connect_ms = connect_ms > 0 ? connect_ms : 2000;
	h->total_ms = total_ms > 0 ? total_ms : 10000;
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h->unix_socket);
	free(h);
}

void
http_resp_init(struct http_resp *r)
{
	r->status = 0;
	buf_init(&r->body);
	r->error[0] = '\0';
	r->has_header = false;
	r->header[0] = '\0';
	r->sink = NULL;
	r->sink_arg = NULL;
}

void
http_resp_free(struct http_resp *r)
{
	buf_free(&r->body);
}

static size_t
http_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_wctx	*w = arg;
	struct http_resp	*r = w->resp;

	if (r->sink != NULL) {
		/* the headers are in by the first body byte */
		if (r->status == 0)
			curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE,
			    &r->status);
		if (r->status >= 200 && r->status < 300) {
			if ((w->sink_rc = r->sink(r->sink_arg, p, size * n))
			    != 0)
				return 0;	/* curl stops: write error */
			return size * n;
		}
	}
	buf_add(&r->body, p, size * n);
	return size * n;
}

/* gzip src into dst; returns false when zlib refuses (never expected). */
static bool
http_gzip(struct buf *dst, const void *src, size_t len)
{
	z_stream	zs;
	int		rc;

	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	buf_reserve(dst, deflateBound(&zs, len) + 32);
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.avail_in = len;
	zs.next_out = (Bytef *)dst->data;
	zs.avail_out = dst->cap - 1;
	rc = deflate(&zs, Z_FINISH);
	dst->len = zs.total_out;
	deflateEnd(&zs);
	return rc == Z_STREAM_END;
}

/* Set the options of one request on the reused handle. */
static struct curl_slist *
http_setup(struct http *h, const struct http_req *req, struct http_wctx *w,
    struct buf *zbody)
{
	CURL			*c = h->curl;
	struct curl_slist	*hdr = NULL;
	const void		*body = req->body;
	size_t			 len = req->body_len;
	char			 line[256];

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->total_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, w->resp->error);
	/* Never follow a proxy from the environment to loopback servers. */
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (h->unix_socket != NULL)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, h->unix_socket);
	if (req->user != NULL && *req->user != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, req->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    req->password != NULL ? req->password : "");
	}
	if (req->content_type != NULL) {
		snprintf(line, sizeof line, "Content-Type: %s",
		    req->content_type);
		hdr = curl_slist_append(hdr, line);
	}
	if (req->gzip && body != NULL && http_gzip(zbody, body, len)) {
		hdr = curl_slist_append(hdr, "Content-Encoding: gzip");
		body = zbody->data;
		len = zbody->len;
	}
	hdr = curl_slist_append(hdr, "Expect:");
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	return hdr;
}

void
http_prepare(struct http *h, const struct http_req *req,
    struct http_resp *resp, struct http_call *c)
{
	buf_init(&c->zbody);
	buf_reset(&resp->body);
	resp->status = 0;
	resp->error[0] = '\0';
	resp->has_header = false;
	resp->header[0] = '\0';
	c->header = req->header;
	c->w.curl = h->curl;
	c->w.resp = resp;
	c->w.sink_rc = 0;
	c->hdr = http_setup(h, req, &c->w, &c->zbody);
}

/* The value of the answer header c asked for, into resp. */
static void
http_keep_header(struct http *h, struct http_call *c,
    struct http_resp *resp)
{
	struct curl_header	*hh;

	if (c->header == NULL || curl_easy_header(h->curl, c->header, 0,
	    CURLH_HEADER, -1, &hh) != CURLHE_OK)
		return;
	resp->has_header = true;
	snprintf(resp->header, sizeof resp->header, "%s", hh->value);
}

int
http_outcome(struct http *h, struct http_call *c, CURLcode rc)
{
	struct http_resp	*resp = c->w.resp;

	curl_slist_free_all(c->hdr);
	buf_free(&c->zbody);
	if (c->w.sink_rc != 0) {
		snprintf(resp->error, sizeof resp->error, "the reader stopped "
		    "the transfer");
		return c->w.sink_rc;
	}
	if (rc != CURLE_OK) {
		if (resp->error[0] == '\0')
			snprintf(resp->error, sizeof resp->error, "%s",
			    curl_easy_strerror(rc));
		return -EIO;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	http_keep_header(h, c, resp);
	return 0;
}

int
http_do(struct http *h, const struct http_req *req, struct http_resp *resp)
{
	struct http_call	c;

	http_prepare(h, req, resp, &c);
	return http_outcome(h, &c, curl_easy_perform(h->curl));
}

/* Run the multi handle until every transfer is done or it fails. */
static CURLMcode
http_multi_run(CURLM *m)
{
	CURLMcode	mc;
	int		running = 1;

	while ((mc = curl_multi_perform(m, &running)) == CURLM_OK &&
	    running > 0) {
		/* each handle's own timeouts end a stuck transfer */
		if ((mc = curl_multi_poll(m, NULL, 0, 1000, NULL)) != CURLM_OK)
			break;
	}
	return mc;
}

int
http_do_many(struct http *const *hs, const struct http_req *reqs,
    struct http_resp *resps, int *rcs, size_t n)
{
	struct http_call	 c[HTTP_MANY_MAX];
	CURLcode		 res[HTTP_MANY_MAX];
	CURLMcode		 mc;
	CURLMsg			*msg;
	CURLM			*m;
	size_t			 i;
	int			 left, first = 0;

	if (n == 0 || n > HTTP_MANY_MAX)
		return -EINVAL;
	/*
	 * When one request fails the others still run to their end, bounded
	 * by their own timeouts: a failed call takes no longer than a good
	 * one. A multi handle per call: its connections close with it, so each
	 * call connects anew (a loopback connect is a fraction of a
	 * millisecond against a request that takes long enough to be
	 * worth splitting).
	 */
	if ((m = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	for (i = 0; i < n; i++) {
		http_prepare(hs[i], &reqs[i], &resps[i], &c[i]);
		res[i] = CURLE_RECV_ERROR;	/* unless curl says done */
		if ((mc = curl_multi_add_handle(m, hs[i]->curl)) != CURLM_OK)
			snprintf(resps[i].error, sizeof resps[i].error,
			    "%s", curl_multi_strerror(mc));
	}
	mc = http_multi_run(m);
	while ((msg = curl_multi_info_read(m, &left)) != NULL) {
		for (i = 0; i < n && msg->msg == CURLMSG_DONE; i++)
			if (msg->easy_handle == hs[i]->curl)
				res[i] = msg->data.result;
	}
	for (i = 0; i < n; i++) {
		curl_multi_remove_handle(m, hs[i]->curl);
		if (mc != CURLM_OK && resps[i].error[0] == '\0')
			snprintf(resps[i].error, sizeof resps[i].error, "%s",
			    curl_multi_strerror(mc));
		rcs[i] = http_outcome(hs[i], &c[i], res[i]);
		if (first == 0)
			first = rcs[i];
	}
	curl_multi_cleanup(m);
	return first;
}

void
http_urlencode(struct buf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			buf_addc(b, (char)*p);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}
