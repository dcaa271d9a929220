/* jsplit: streaming cut of a JSON document into array elements (pure). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsplit.h"
#include "xmalloc.h"

/* Longest key jsplit recognises; longer strings are never keys. */
#define JSPLIT_KEY_MAX	32

struct jsplit {
	const char *const *keys;
	int		 nkeys;
	jsplit_cb	 cb;
	void		*arg;

	char		 stack[JSPLIT_MAX_DEPTH];	/* '{' or '[' */
	int		 depth;
	bool		 in_str, esc;
	char		 str[JSPLIT_KEY_MAX + 1];	/* string being read */
	size_t		 slen;				/* > KEY_MAX: too long */
	char		 last_str[JSPLIT_KEY_MAX + 1];	/* last whole string */
	char		 last_sig;	/* last significant byte outside strings */
	bool		 done;

	int		 level;		/* elements open: 0 = only the doc */
	/* per level L: the depth inside the split array holding its
	 * elements (0: none open), the depth inside the element, its index */
	int		 arr_depth[JSPLIT_MAX_LEVELS + 1];
	int		 elem_depth[JSPLIT_MAX_LEVELS + 1];
	size_t		 count[JSPLIT_MAX_LEVELS + 1];
	struct buf	 text[JSPLIT_MAX_LEVELS + 1];
	struct buf	 tmp;

	int		 rc;
	char		 err[160];
};

static int jsplit_fail(struct jsplit *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
jsplit_fail(struct jsplit *js, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(js->err, sizeof js->err, fmt, ap);
	va_end(ap);
	js->rc = -EPROTO;
	return js->rc;
}

struct jsplit *
jsplit_new(const char *const *keys, int nkeys, jsplit_cb cb, void *arg)
{
	struct jsplit	*js;
	int		 i;

	js = xcalloc(1, sizeof *js);
	js->keys = keys;
	js->nkeys = nkeys < 0 ? 0 : nkeys > JSPLIT_MAX_LEVELS ?
	    JSPLIT_MAX_LEVELS : nkeys;
	js->cb = cb;
	js->arg = arg;
	js->elem_depth[0] = 1;
	for (i = 0; i <= JSPLIT_MAX_LEVELS; i++)
		buf_init(&js->text[i]);
	buf_init(&js->tmp);
	return js;
}

void
jsplit_free(struct jsplit *js)
{
	int	i;

	if (js == NULL)
		return;
	for (i = 0; i <= JSPLIT_MAX_LEVELS; i++)
		buf_free(&js->text[i]);
	buf_free(&js->tmp);
	free(js);
}

/* Directly inside the array whose elements are the next level. */
static bool
in_split_array(const struct jsplit *js)
{
	return js->level < js->nkeys &&
	    js->arr_depth[js->level + 1] == js->depth && js->depth > 0;
}

/*
 * An array opening here is a split point: it is the value of the level's
 * key in the object that is the current element (or the document).
 */
static bool
opens_split_array(const struct jsplit *js)
{
	return js->level < js->nkeys && js->depth == js->elem_depth[js->level] &&
	    js->stack[js->depth - 1] == '{' && js->last_sig == ':' &&
	    strcmp(js->last_str, js->keys[js->level]) == 0;
}

static int
jsplit_open(struct jsplit *js, char c)
{
	if (js->depth == 0 && c != '{' && c != '[')
		return jsplit_fail(js, "the document is not an object or "
		    "array");
	if (js->depth == JSPLIT_MAX_DEPTH)
		return jsplit_fail(js, "nested deeper than %d",
		    JSPLIT_MAX_DEPTH);
	if (in_split_array(js)) {
		js->level++;
		buf_reset(&js->text[js->level]);
		js->elem_depth[js->level] = js->depth + 1;
	} else if (c == '[' && opens_split_array(js)) {
		js->arr_depth[js->level + 1] = js->depth + 1;
		js->count[js->level + 1] = 0;
	}
	js->stack[js->depth++] = c;
	buf_addc(&js->text[js->level], c);
	return 0;
}

static int
jsplit_close(struct jsplit *js, char c)
{
	struct buf	*t;
	int		 rc, lv = js->level;

	if (js->depth == 0 || js->stack[js->depth - 1] != (c == '}' ? '{' :
	    '['))
		return jsplit_fail(js, "unbalanced '%c'", c);
	js->depth--;
	if (c == ']' && lv < js->nkeys && js->arr_depth[lv + 1] ==
	    js->depth + 1)
		js->arr_depth[lv + 1] = 0;
	t = &js->text[lv];
	buf_addc(t, c);
	if (lv > 0 && js->depth + 1 == js->elem_depth[lv]) {
		/* still at lv during the call: open skeletons are readable */
		rc = js->cb(js->arg, lv, js->count[lv]++, t->data, t->len);
		js->level--;
		buf_reset(t);
		if (rc != 0)
			js->rc = rc;
		return rc;
	}
	if (js->depth == 0) {
		js->done = true;
		if ((rc = js->cb(js->arg, 0, 0, t->data, t->len)) != 0)
			js->rc = rc;
		return rc;
	}
	return 0;
}

/* One byte inside a string: kept, and remembered while it may be a key. */
static void
jsplit_string_byte(struct jsplit *js, char c)
{
	buf_addc(&js->text[js->level], c);
	if (js->esc) {
		js->esc = false;
		js->slen = JSPLIT_KEY_MAX + 1;	/* escaped: never a key */
		return;
	}
	if (c == '\\') {
		js->esc = true;
		return;
	}
	if (c == '"') {
		js->in_str = false;
		js->last_sig = '"';
		if (js->slen <= JSPLIT_KEY_MAX) {
			js->str[js->slen] = '\0';
			memcpy(js->last_str, js->str, js->slen + 1);
		} else
			js->last_str[0] = '\0';
		return;
	}
	if (js->slen < JSPLIT_KEY_MAX)
		js->str[js->slen] = c;
	js->slen++;
}

static int
jsplit_byte(struct jsplit *js, char c)
{
	int	rc;

	if (js->in_str) {
		jsplit_string_byte(js, c);
		return 0;
	}
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return 0;	/* insignificant outside strings */
	if (js->done)
		return jsplit_fail(js, "bytes after the end of the document");
	if (c == '{' || c == '[') {
		rc = jsplit_open(js, c);
		js->last_sig = c;
		return rc;
	}
	if (c == '}' || c == ']') {
		js->last_sig = c;
		return jsplit_close(js, c);
	}
	if (js->depth == 0)
		return jsplit_fail(js, "the document is not an object or "
		    "array");
	if (in_split_array(js)) {
		if (c == ',')
			return 0;	/* between elements handed out */
		return jsplit_fail(js, "a \"%s\" element is not an object or "
		    "array", js->keys[js->level]);
	}
	if (c == '"') {
		js->in_str = true;
		js->slen = 0;
	}
	js->last_sig = c;
	buf_addc(&js->text[js->level], c);
	return 0;
}

int
jsplit_feed(struct jsplit *js, const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len && js->rc == 0; i++)
		(void)jsplit_byte(js, p[i]);
	return js->rc;
}

int
jsplit_finish(struct jsplit *js)
{
	if (js->rc == 0 && !js->done)
		return jsplit_fail(js, "the document ends early (%s)",
		    js->depth > 0 ? "unclosed brackets" : "empty");
	return js->rc;
}

const char *
jsplit_open_skeleton(struct jsplit *js, int level)
{
	int	i, from, to;

	buf_reset(&js->tmp);
	if (level < 0 || level >= js->level)
		return buf_str(&js->tmp);
	buf_add(&js->tmp, js->text[level].data, js->text[level].len);
	/* this level's open brackets: from its own to the next element's */
	from = level == 0 ? 0 : js->elem_depth[level] - 1;
	to = js->elem_depth[level + 1] - 1;
	for (i = to - 1; i >= from; i--)
		buf_addc(&js->tmp, js->stack[i] == '{' ? '}' : ']');
	return buf_str(&js->tmp);
}

const char *
jsplit_error(const struct jsplit *js)
{
	return js->err;
}
