/*
 * jsplit: cut a JSON document into the elements of nested arrays while it
 * streams in, so a reader holds one element at a time instead of the whole
 * document and its parsed tree. Pure: no I/O.
 *
 * keys names the arrays: level 1 is each element of the array under
 * keys[0] in the top-level object, level 2 each element of the array under
 * keys[1] in a level-1 element, and so on (at most JSPLIT_MAX_LEVELS). For
 * InfluxDB's /query answer, { "results", "series" } gives each series as
 * it arrives, then its result, then the rest of the document.
 *
 * The callback gets, in document order, each element of the deepest level
 * when it closes, and each shallower element (level 0 is the document) when
 * it closes, minus the elements already handed out: its "skeleton", with
 * the split arrays left empty ({"statement_id":0,"series":[]}). Each text
 * is borrowed for the call. The skeleton of an element still open is
 * available as a closed, parseable text through jsplit_open_skeleton.
 *
 * jsplit checks structure only (brackets, strings, nesting depth); the
 * texts it hands out are for a real JSON parser. An array it does not
 * recognise as a split point (another key, an escaped spelling of the key,
 * a different shape) is simply left inside its enclosing text, so a reader
 * that can handle the whole document handles such a text too. Split
 * elements must be objects or arrays; a scalar is a structural error.
 */
#ifndef DAS_JSPLIT_H
#define DAS_JSPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define JSPLIT_MAX_LEVELS	4
#define JSPLIT_MAX_DEPTH	64

struct jsplit;

/*
 * Called with level (0 = the document) and the element's text, borrowed
 * for the call. Return 0 to go on, non-zero to stop: jsplit_feed then
 * returns that value and every later feed returns it too.
 */
typedef int (*jsplit_cb)(void *arg, int level, size_t index,
    const char *text, size_t len);

/* keys (nkeys <= JSPLIT_MAX_LEVELS) are borrowed until jsplit_free. */
struct jsplit	*jsplit_new(const char *const *keys, int nkeys, jsplit_cb cb,
		    void *arg);
void		 jsplit_free(struct jsplit *);

/*
 * Feed the next len bytes. Returns 0, the callback's non-zero value, or
 * -EPROTO on a structural error (jsplit_error says which).
 */
int		 jsplit_feed(struct jsplit *, const char *p, size_t len);

/*
 * The input has ended: returns 0 when the document closed (the level-0
 * callback has run), else -EPROTO (or the earlier error).
 */
int		 jsplit_finish(struct jsplit *);

/*
 * The skeleton of the open element at level (0 <= level < the current
 * one) so far, with its open brackets closed: parseable when the element's
 * text so far ended at a value boundary, as it does while a deeper element
 * is being read. Borrowed until the next call on the jsplit.
 */
const char	*jsplit_open_skeleton(struct jsplit *, int level);

/* One sentence on the structural error, "" when none. Borrowed. */
const char	*jsplit_error(const struct jsplit *);

#endif
