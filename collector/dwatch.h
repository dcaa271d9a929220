/*
 * dwatch: tell ds when Docker's container list may have changed, so that
 * it asks GET /containers/json only then. At 100 containers one listing
 * costs dockerd about 20 ms of CPU, several times ds's own cycle, and
 * almost every cycle it answers the same list.
 *
 * The watch is one long GET /events (container start, die and update
 * events only: an update may change a memory limit, which ds reads only
 * on the cycles that list) on a connection of its own. Nothing of the
 * answer is parsed but its status line: any byte after it means an
 * event, and the next cycle lists. Whenever the watch is not established
 * (Docker down or restarting, an Engine without /events), every cycle
 * lists, as without a watch (a refused watch is asked again after
 * DWATCH_RELIST_MS, a closed one at the next cycle); and a list is made
 * at least every DWATCH_RELIST_MS whatever happens, so a lost event
 * costs at most that.
 */
#ifndef DS_DWATCH_H
#define DS_DWATCH_H

#include <stdbool.h>
#include <stdint.h>

#define DWATCH_RELIST_MS	60000

struct dwatch;

/* socket is copied. Does not connect yet. */
struct dwatch	*dwatch_new(const char *socket);
void		 dwatch_free(struct dwatch *);

/*
 * Whether the containers must be listed at monotonic time now_ms: the
 * watch is not (yet) established, something changed since the last
 * list, the last list failed, or the relist period has passed. Reads
 * what the Engine sent without blocking.
 */
bool		 dwatch_should_list(struct dwatch *, int64_t now_ms);
/* The caller listed at now_ms; ok false: it failed, list again. */
void		 dwatch_listed(struct dwatch *, int64_t now_ms, bool ok);

#endif
