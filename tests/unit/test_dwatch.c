/*
 * Unit tests for dwatch: the events watch's reading of an answer, with a
 * local unix socket standing in for the Engine (no Docker needed).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dwatch.h"
#include "fixtures.h"

struct engine {
	char	*dir;
	char	 path[96];
	int	 lfd;	/* listening */
	int	 cfd;	/* the watch's connection */
	int	 nfds;	/* this process's descriptors with lfd, before cfd */
};

static void
engine_up(struct engine *e)
{
	struct sockaddr_un	sa;

	e->dir = t_tmpdir();
	snprintf(e->path, sizeof(e->path), "%s/docker.sock", e->dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", e->path);
	e->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(e->lfd, 0);
	cr_assert_eq(bind(e->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(e->lfd, 4), 0);
	e->cfd = -1;
	e->nfds = t_count_fds();
}

/* The descriptors the watch holds: this process's less the engine's. */
static int
watch_fds(const struct engine *e)
{
	return t_count_fds() - e->nfds - (e->cfd >= 0);
}

/* Take the watch's connection and check its request. */
static void
engine_accept(struct engine *e)
{
	char	req[512];
	ssize_t	n;

	e->cfd = accept(e->lfd, NULL, NULL);
	cr_assert_geq(e->cfd, 0);
	n = read(e->cfd, req, sizeof(req) - 1);
	cr_assert_gt(n, 0);
	req[n] = '\0';
	cr_expect(strncmp(req, "GET /v1.41/events?filters=", 26) == 0, "%s",
	    req);
	/* {"type":["container"],"event":["start","die","update"]} */
	cr_expect_not_null(strstr(req, "%22start%22%2C%22die%22%2C%22update"
	    "%22"), "%s", req);
}

static void
engine_say(struct engine *e, const char *s)
{
	cr_assert_eq(write(e->cfd, s, strlen(s)), (ssize_t)strlen(s));
	usleep(20000);	/* let it arrive: the watch never blocks */
}

static void
engine_down(struct engine *e)
{
	if (e->cfd >= 0)
		close(e->cfd);
	close(e->lfd);
	t_rmtree(e->dir);
	free(e->dir);
}

static const char ok_head[] = "HTTP/1.1 200 OK\r\nContent-Type: "
    "application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

Test(dwatch, lists_only_after_events)
{
	struct engine	 e;
	struct dwatch	*w;
	int64_t		 t = 1000;

	engine_up(&e);
	w = dwatch_new(e.path);
	/* connecting: what changed before is unknown */
	cr_expect(dwatch_should_list(w, t));
	engine_accept(&e);
	dwatch_listed(w, t, true);
	cr_expect_eq(watch_fds(&e), 1);
	/* no answer yet: the watch is not established, list every cycle */
	cr_expect(dwatch_should_list(w, t));
	dwatch_listed(w, t, true);
	engine_say(&e, ok_head);
	cr_expect(dwatch_should_list(w, t));	/* the headers, once */
	dwatch_listed(w, t, true);
	cr_expect_not(dwatch_should_list(w, t + 10));
	cr_expect_not(dwatch_should_list(w, t + 20));
	/* an event: list once */
	engine_say(&e, "9a\r\n{\"status\":\"start\",\"id\":\"abc\"}\n\r\n");
	cr_expect(dwatch_should_list(w, t + 30));
	dwatch_listed(w, t + 30, true);
	cr_expect_not(dwatch_should_list(w, t + 40));
	/* a failed list is tried again */
	engine_say(&e, "1\r\n\n\r\n");
	cr_expect(dwatch_should_list(w, t + 50));
	dwatch_listed(w, t + 50, false);
	cr_expect(dwatch_should_list(w, t + 60));
	dwatch_listed(w, t + 60, true);
	/* and whatever happens, a list every DWATCH_RELIST_MS */
	cr_expect_not(dwatch_should_list(w, t + 60 + DWATCH_RELIST_MS - 1));
	cr_expect(dwatch_should_list(w, t + 60 + DWATCH_RELIST_MS));
	dwatch_free(w);
	engine_down(&e);
}

Test(dwatch, closed_watch_lists_every_cycle_and_reconnects)
{
	struct engine	 e;
	struct dwatch	*w;

	engine_up(&e);
	w = dwatch_new(e.path);
	cr_expect(dwatch_should_list(w, 0));
	engine_accept(&e);
	engine_say(&e, ok_head);
	cr_expect(dwatch_should_list(w, 0));
	dwatch_listed(w, 0, true);
	cr_expect_not(dwatch_should_list(w, 1));
	/* the Engine goes away: every cycle lists until it is back */
	close(e.cfd);
	e.cfd = -1;
	usleep(20000);
	cr_expect(dwatch_should_list(w, 2));	/* sees the close */
	dwatch_listed(w, 2, true);
	cr_expect_eq(watch_fds(&e), 0);
	cr_expect(dwatch_should_list(w, 3));	/* connects again */
	dwatch_listed(w, 3, true);
	engine_accept(&e);
	cr_expect(dwatch_should_list(w, 3));	/* no status line yet */
	dwatch_listed(w, 3, true);
	engine_say(&e, ok_head);
	cr_expect(dwatch_should_list(w, 4));
	dwatch_listed(w, 4, true);
	cr_expect_not(dwatch_should_list(w, 5));
	dwatch_free(w);
	engine_down(&e);
}

Test(dwatch, refused_or_absent_engine_lists_every_cycle)
{
	struct engine	 e;
	struct dwatch	*w;
	int		 i;

	/* no socket at all: no engine's descriptors either */
	e.cfd = -1;
	e.nfds = t_count_fds();
	w = dwatch_new("/nonexistent/docker.sock");
	for (i = 0; i < 3; i++) {
		cr_expect(dwatch_should_list(w, i));
		dwatch_listed(w, i, true);
	}
	cr_expect_eq(watch_fds(&e), 0);
	dwatch_free(w);

	/* an Engine that answers 404: not watching */
	engine_up(&e);
	w = dwatch_new(e.path);
	cr_expect(dwatch_should_list(w, 0));
	engine_accept(&e);
	engine_say(&e, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	cr_expect(dwatch_should_list(w, 1));
	dwatch_listed(w, 1, true);
	cr_expect_eq(watch_fds(&e), 0, "the refused watch is closed");
	/* not asked again at every cycle, but after DWATCH_RELIST_MS */
	close(e.cfd);
	e.cfd = -1;
	cr_expect(dwatch_should_list(w, 2));
	cr_expect_eq(watch_fds(&e), 0, "asked again too soon");
	cr_expect(dwatch_should_list(w, 1 + DWATCH_RELIST_MS));
	cr_expect_eq(watch_fds(&e), 1, "never asked again");
	dwatch_free(w);
	engine_down(&e);
}
