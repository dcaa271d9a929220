/* dwatch: Docker's container events as a "list again" flag. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "docker.h"
#include "dwatch.h"
#include "log.h"
#include "xmalloc.h"

/*
 * filters={"type":["container"],"event":["start","die","update"]},
 * URL-encoded: a container that starts or stops changes the list, an
 * update its limits (read again on the cycles that list).
 */
#define DWATCH_REQUEST							\
	"GET /" DOCKER_API_VERSION "/events?filters=%7B%22type%22%3A%5B"	\
	"%22container%22%5D%2C%22event%22%3A%5B%22start%22%2C%22die%22"	\
	"%2C%22update%22%5D%7D HTTP/1.1\r\nHost: docker\r\n\r\n"

struct dwatch {
	char	*socket;
	int	 fd;		/* -1: not watching */
	char	 status[16];	/* the answer's first bytes, until checked */
	size_t	 nstatus;
	bool	 checked;	/* the status line said 200 */
	bool	 dirty;		/* list at the next chance */
	bool	 said_down;	/* "not watching" logged once per outage */
	bool	 refused;	/* the Engine refused the last watch */
	int64_t	 retry_ms;	/* after a refusal: not before then */
	int64_t	 listed_ms;	/* the last good list; -1: none */
};

struct dwatch *
dwatch_new(const char *socket)
{
	struct dwatch	*w;

	w = xcalloc(1, sizeof *w);
	w->socket = xstrdup(socket);
	w->fd = -1;
	w->dirty = true;
	w->listed_ms = -1;
	return w;
}

static void
dwatch_close(struct dwatch *w, const char *why)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->dirty = true;
	if (!w->said_down)
		log_info("Docker events at %s: %s; listing containers every "
		    "cycle until the watch is back", w->socket, why);
	w->said_down = true;
}

void
dwatch_free(struct dwatch *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w->socket);
	free(w);
}

/* Connect and send the request; the answer is read by dwatch_drain. */
static void
dwatch_open(struct dwatch *w)
{
	static const char	req[] = DWATCH_REQUEST;
	struct sockaddr_un	sa;
	int			fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(w->socket) >= sizeof sa.sun_path)
		return;
	memcpy(sa.sun_path, w->socket, strlen(w->socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return;
	/* a unix-socket connect and a short send complete at once */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    send(fd, req, sizeof req - 1, MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof req - 1)) {
		close(fd);
		return;
	}
	w->fd = fd;
	w->nstatus = 0;
	w->checked = false;
	w->dirty = true;	/* what changed before the watch is unknown */
}

/* The status line's first bytes: "HTTP/1.x 200" or the watch is off. */
static bool
dwatch_status(struct dwatch *w, const char *p, size_t n)
{
	size_t	take = sizeof w->status - 1 - w->nstatus;

	if (take > n)
		take = n;
	memcpy(w->status + w->nstatus, p, take);
	w->nstatus += take;
	w->status[w->nstatus] = '\0';
	if (w->nstatus < 12)
		return true;	/* not enough yet */
	if (strncmp(w->status, "HTTP/1.", 7) != 0 ||
	    strncmp(w->status + 8, " 200", 4) != 0) {
		/* an Engine without /events: try again after a while */
		dwatch_close(w, "the Engine refused GET /events");
		w->refused = true;
		return false;
	}
	w->checked = true;
	if (w->said_down)
		log_info("Docker events at %s: watching again", w->socket);
	w->said_down = false;
	return true;
}

/* Read what arrived without blocking; any of it marks the list dirty. */
static void
dwatch_drain(struct dwatch *w)
{
	char	b[4096];
	ssize_t	n;

	while (w->fd >= 0) {
		n = recv(w->fd, b, sizeof b, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			dwatch_close(w, n == 0 ? "the Engine closed the "
			    "watch" : strerror(errno));
			return;
		}
		w->dirty = true;
		if (!w->checked && !dwatch_status(w, b, (size_t)n))
			return;
	}
}

bool
dwatch_should_list(struct dwatch *w, int64_t now_ms)
{
	if (w->fd < 0 && (!w->refused || now_ms >= w->retry_ms)) {
		w->refused = false;
		dwatch_open(w);
	}
	dwatch_drain(w);
	if (w->refused && w->retry_ms <= now_ms)
		w->retry_ms = now_ms + DWATCH_RELIST_MS;
	if (w->fd < 0 || !w->checked)
		return true;
	return w->dirty || w->listed_ms < 0 ||
	    now_ms - w->listed_ms >= DWATCH_RELIST_MS;
}

void
dwatch_listed(struct dwatch *w, int64_t now_ms, bool ok)
{
	w->dirty = !ok;
	if (ok)
		w->listed_ms = now_ms;
}
