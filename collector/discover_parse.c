/*
 * discover_parse: the running containers from the text of a
 * GET /containers/json answer, without building a JSON tree.
 *
 * ds lists the containers every interval, and the Engine sends about 800
 * bytes per container (mounts, networks, ports...) of which ds wants three
 * things: Id, Names[0] and two labels. Parsed into a jansson tree that was
 * 70% of ds's CPU per cycle; this scanner walks the text once, decodes only
 * those strings and skips the rest.
 *
 * It accepts exactly what json_loadb(text, len, 0) accepts (UTF-8 checked
 * everywhere, no control character or \u0000 in a string, lone surrogates
 * refused, integers within long long, reals within double, at most 2048
 * nested values, nothing after the document) and takes what the jansson
 * reading took: a duplicated key's last value wins. tests/fuzz/fuzz_discover
 * holds jansson's reading as the oracle and checks both agree.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "discover.h"
#include "xmalloc.h"

/* jansson's JSON_PARSER_MAX_DEPTH: every value counts, scalars too. */
#define SCAN_MAX_DEPTH	2048

struct scan {
	const unsigned char	*p, *end, *start;
	const char		*why;	/* the first failure */
	struct buf		 key;	/* scratch: the current decoded key */
};

/* The strings an element yields; has_* false: absent or not a string. */
struct scan_item {
	struct buf	id, name, sid, sname;
	bool		has_id, has_name, has_sid, has_sname;
};

static bool	scan_value(struct scan *, int depth);

static bool
scan_fail(struct scan *s, const char *why)
{
	if (s->why == NULL)
		s->why = why;
	return false;
}

static void
scan_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* True when the next byte (after blanks) is c, which is then consumed. */
static bool
scan_eat(struct scan *s, unsigned char c)
{
	scan_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

static bool
scan_peek(struct scan *s, unsigned char c)
{
	scan_ws(s);
	return s->p < s->end && *s->p == c;
}

/*
 * The length of the UTF-8 sequence at p, 0 when invalid (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF), as jansson checks.
 */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned	u = *p, v;
	size_t		n, i;

	if (u >= 0xC2 && u <= 0xDF)
		n = 2, v = u & 0x1F;
	else if (u >= 0xE0 && u <= 0xEF)
		n = 3, v = u & 0x0F;
	else if (u >= 0xF0 && u <= 0xF4)
		n = 4, v = u & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ||
	    (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
		return 0;
	return n;
}

static int
hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits after "\u" (p at the 'u'); -1 when malformed. */
static long
scan_u4(struct scan *s)
{
	long	v = 0;
	int	i, d;

	if (s->end - s->p < 5)
		return -1;
	for (i = 1; i <= 4; i++) {
		if ((d = hex_digit(s->p[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	s->p += 5;
	return v;
}

static void
put_utf8(struct buf *out, unsigned long v)
{
	char	u[4];
	size_t	n;

	if (v < 0x80) {
		u[0] = (char)v;
		n = 1;
	} else if (v < 0x800) {
		u[0] = (char)(0xC0 | (v >> 6));
		u[1] = (char)(0x80 | (v & 0x3F));
		n = 2;
	} else if (v < 0x10000) {
		u[0] = (char)(0xE0 | (v >> 12));
		u[1] = (char)(0x80 | ((v >> 6) & 0x3F));
		u[2] = (char)(0x80 | (v & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (v >> 18));
		u[1] = (char)(0x80 | ((v >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((v >> 6) & 0x3F));
		u[3] = (char)(0x80 | (v & 0x3F));
		n = 4;
	}
	buf_add(out, u, n);
}

/* A \uXXXX escape (p at the 'u'), with its low surrogate when paired. */
static bool
scan_unicode(struct scan *s, struct buf *out)
{
	long	v, lo;

	if ((v = scan_u4(s)) < 0)
		return scan_fail(s, "malformed \\u escape");
	if (v >= 0xD800 && v <= 0xDBFF) {
		if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
			return scan_fail(s, "lone high surrogate");
		s->p++;
		if ((lo = scan_u4(s)) < 0)
			return scan_fail(s, "malformed \\u escape");
		if (lo < 0xDC00 || lo > 0xDFFF)
			return scan_fail(s, "high surrogate without a low one");
		v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
	} else if (v >= 0xDC00 && v <= 0xDFFF)
		return scan_fail(s, "lone low surrogate");
	else if (v == 0)
		return scan_fail(s, "\\u0000 in a string");
	if (out != NULL)
		put_utf8(out, (unsigned long)v);
	return true;
}

/* One escape (p after the backslash) into out (NULL: only checked). */
static bool
scan_escape(struct scan *s, struct buf *out)
{
	static const char	from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char		*e;

	if (s->p == s->end)
		return scan_fail(s, "premature end of input");
	if (*s->p == 'u')
		return scan_unicode(s, out);
	if (*s->p == '\0' || (e = strchr(from, *s->p)) == NULL)
		return scan_fail(s, "invalid escape");
	if (out != NULL)
		buf_addc(out, to[e - from]);
	s->p++;
	return true;
}

/*
 * A string (p at its opening quote), decoded into out when out is not
 * NULL (appended: the caller resets it), else only checked.
 */
static bool
scan_string(struct scan *s, struct buf *out)
{
	const unsigned char	*run;
	size_t			 n;

	s->p++;
	for (;;) {
		run = s->p;
		while (s->p < s->end && *s->p >= 0x20 && *s->p < 0x80 &&
		    *s->p != '"' && *s->p != '\\')
			s->p++;
		if (out != NULL && s->p > run)
			buf_add(out, run, (size_t)(s->p - run));
		if (s->p == s->end)
			return scan_fail(s, "premature end of input");
		if (*s->p == '"') {
			s->p++;
			return true;
		}
		if (*s->p < 0x20)
			return scan_fail(s, "control character in a string");
		if (*s->p == '\\') {
			s->p++;
			if (!scan_escape(s, out))
				return false;
			continue;
		}
		if ((n = utf8_len(s->p, s->end)) == 0)
			return scan_fail(s, "invalid UTF-8");
		if (out != NULL)
			buf_add(out, s->p, n);
		s->p += n;
	}
}

/*
 * jansson pushes back the byte that ends a number or a literal, and its
 * stream takes a NUL there for "nothing pushed back": one NUL byte right
 * after such a token is skipped. Done here too, so both accept the same.
 */
static bool
scan_token_end(struct scan *s)
{
	if (s->p < s->end && *s->p == '\0')
		s->p++;
	return true;
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static void
scan_digits(struct scan *s)
{
	while (s->p < s->end && is_digit(*s->p))
		s->p++;
}

/* An integer token [first, p) must fit a long long, as jansson's does. */
static bool
scan_int_range(struct scan *s, const unsigned char *first)
{
	const unsigned char	*q = first;
	unsigned long long	 v = 0, lim = LLONG_MAX;

	if (*q == '-') {
		lim = (unsigned long long)LLONG_MAX + 1;
		q++;
	}
	for (; q < s->p; q++) {
		if (v > (lim - (unsigned)(*q - '0')) / 10)
			return scan_fail(s, "integer too big");
		v = v * 10 + (unsigned)(*q - '0');
	}
	return true;
}

/* A real token [first, p) must not overflow a double. */
static bool
scan_real_range(struct scan *s, const unsigned char *first)
{
	size_t	 n = (size_t)(s->p - first);
	char	*tok = xmalloc(n + 1);
	double	 d;

	memcpy(tok, first, n);
	tok[n] = '\0';
	errno = 0;
	d = strtod(tok, NULL);
	free(tok);
	if (isinf(d) && errno == ERANGE)
		return scan_fail(s, "real number overflow");
	return true;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
scan_number(struct scan *s)
{
	const unsigned char	*first = s->p;
	bool			 real = false;

	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0') {
		s->p++;
		if (s->p < s->end && is_digit(*s->p))
			return scan_fail(s, "leading zero");
	} else if (s->p < s->end && is_digit(*s->p))
		scan_digits(s);
	else
		return scan_fail(s, "invalid number");
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (s->p == s->end || !is_digit(*s->p))
			return scan_fail(s, "invalid number");
		scan_digits(s);
		real = true;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p == s->end || !is_digit(*s->p))
			return scan_fail(s, "invalid number");
		scan_digits(s);
		real = true;
	}
	if (!(real ? scan_real_range(s, first) : scan_int_range(s, first)))
		return false;
	return scan_token_end(s);
}

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* jansson reads a run of letters and wants true, false or null. */
static bool
scan_literal(struct scan *s)
{
	const unsigned char	*w = s->p;
	size_t			 n;

	while (s->p < s->end && is_alpha(*s->p))
		s->p++;
	n = (size_t)(s->p - w);
	if ((n == 4 && memcmp(w, "true", 4) == 0) ||
	    (n == 5 && memcmp(w, "false", 5) == 0) ||
	    (n == 4 && memcmp(w, "null", 4) == 0))
		return scan_token_end(s);
	return scan_fail(s, "invalid token");
}

/*
 * The members of an object (p after '{') whose values are at depth: each
 * key decoded into s->key, then on_member reads (or skips) the value.
 */
static bool
scan_members(struct scan *s, int depth,
    bool (*on_member)(struct scan *, int, void *), void *arg)
{
	if (scan_eat(s, '}'))
		return true;
	for (;;) {
		if (!scan_peek(s, '"'))
			return scan_fail(s, "string or '}' expected");
		buf_reset(&s->key);
		if (!scan_string(s, &s->key))
			return false;
		if (!scan_eat(s, ':'))
			return scan_fail(s, "':' expected");
		if (!on_member(s, depth, arg))
			return false;
		if (scan_eat(s, '}'))
			return true;
		if (!scan_eat(s, ','))
			return scan_fail(s, "',' or '}' expected");
	}
}

static bool
skip_member(struct scan *s, int depth, void *arg)
{
	return scan_value(s, depth);
}

/* The rest of an array after '[' or ',': value (',' value)* ']'. */
static bool
scan_more(struct scan *s, int depth)
{
	for (;;) {
		if (!scan_value(s, depth))
			return false;
		if (scan_eat(s, ']'))
			return true;
		if (!scan_eat(s, ','))
			return scan_fail(s, "',' or ']' expected");
	}
}

/* The elements of an array (p after '['), each a value at depth. */
static bool
scan_elements(struct scan *s, int depth)
{
	return scan_eat(s, ']') || scan_more(s, depth);
}

/* Check one value at depth (1: the document), keeping nothing. */
static bool
scan_value(struct scan *s, int depth)
{
	if (depth > SCAN_MAX_DEPTH)
		return scan_fail(s, "maximum parsing depth reached");
	scan_ws(s);
	if (s->p == s->end)
		return scan_fail(s, "premature end of input");
	switch (*s->p) {
	case '{':
		s->p++;
		return scan_members(s, depth + 1, skip_member, NULL);
	case '[':
		s->p++;
		return scan_elements(s, depth + 1);
	case '"':
		return scan_string(s, NULL);
	default:
		if (*s->p == '-' || is_digit(*s->p))
			return scan_number(s);
		if (is_alpha(*s->p))
			return scan_literal(s);
		return scan_fail(s, "invalid token");
	}
}

/*
 * A value that is kept when it is a string: decoded into out, *has true;
 * anything else is checked and *has is false.
 */
static bool
scan_string_value(struct scan *s, int depth, struct buf *out, bool *has)
{
	*has = false;
	buf_reset(out);
	if (!scan_peek(s, '"'))
		return scan_value(s, depth);
	if (depth > SCAN_MAX_DEPTH)
		return scan_fail(s, "maximum parsing depth reached");
	if (!scan_string(s, out))
		return false;
	*has = true;
	return true;
}

/* Names: the first element when it is a string. */
static bool
scan_names(struct scan *s, int depth, struct scan_item *it)
{
	it->has_name = false;
	if (!scan_peek(s, '['))
		return scan_value(s, depth);
	if (depth > SCAN_MAX_DEPTH)
		return scan_fail(s, "maximum parsing depth reached");
	s->p++;
	if (scan_eat(s, ']'))
		return true;
	if (!scan_string_value(s, depth + 1, &it->name, &it->has_name))
		return false;
	if (scan_eat(s, ']'))
		return true;
	if (!scan_eat(s, ','))
		return scan_fail(s, "',' or ']' expected");
	return scan_more(s, depth + 1);
}

static bool
key_is(const struct buf *key, const char *want)
{
	size_t	n = strlen(want);

	return key->len == n && memcmp(key->data, want, n) == 0;
}

static bool
label_member(struct scan *s, int depth, void *arg)
{
	struct scan_item	*it = arg;

	if (key_is(&s->key, DISCOVER_LABEL_SERVICE_ID))
		return scan_string_value(s, depth, &it->sid, &it->has_sid);
	if (key_is(&s->key, DISCOVER_LABEL_SERVICE_NAME))
		return scan_string_value(s, depth, &it->sname, &it->has_sname);
	return scan_value(s, depth);
}

static bool
item_member(struct scan *s, int depth, void *arg)
{
	struct scan_item	*it = arg;

	if (key_is(&s->key, "Id"))
		return scan_string_value(s, depth, &it->id, &it->has_id);
	if (key_is(&s->key, "Names"))
		return scan_names(s, depth, it);
	if (!key_is(&s->key, "Labels"))
		return scan_value(s, depth);
	it->has_sid = it->has_sname = false;
	if (!scan_peek(s, '{'))
		return scan_value(s, depth);
	if (depth > SCAN_MAX_DEPTH)
		return scan_fail(s, "maximum parsing depth reached");
	s->p++;
	return scan_members(s, depth + 1, label_member, it);
}

static bool
is_hex64(const struct buf *b)
{
	size_t	i;

	if (b->len != 64)
		return false;
	for (i = 0; i < 64; i++) {
		if (hex_digit((unsigned char)b->data[i]) < 0)
			return false;
	}
	return true;
}

static char *
label_dup(const struct buf *b, bool has)
{
	return has && b->len > 0 ? xstrdup(buf_str(b)) : NULL;
}

/* Append the element read into it to list, when it has a valid Id. */
static bool
item_keep(const struct scan_item *it, struct discover_list *list,
    size_t *cap)
{
	struct discover_item	*d;
	const char		*name;

	if (!it->has_id || !is_hex64(&it->id))
		return false;
	if (list->n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		list->items = xreallocarray(list->items, *cap,
		    sizeof *list->items);
	}
	d = &list->items[list->n++];
	memcpy(d->id, it->id.data, 64);
	d->id[64] = '\0';
	name = it->has_name ? buf_str(&it->name) : "";
	d->name = xstrdup(name + (*name == '/'));
	d->service_id = label_dup(&it->sid, it->has_sid);
	d->service_name = label_dup(&it->sname, it->has_sname);
	return true;
}

/* One element of the list (depth 2): an object is read, the rest checked. */
static bool
scan_element(struct scan *s, struct scan_item *it, struct discover_list *list,
    size_t *cap, size_t *skipped)
{
	if (!scan_peek(s, '{')) {
		(*skipped)++;
		return scan_value(s, 2);
	}
	s->p++;
	it->has_id = it->has_name = it->has_sid = it->has_sname = false;
	if (!scan_members(s, 3, item_member, it))
		return false;
	if (!item_keep(it, list, cap))
		(*skipped)++;
	return true;
}

/* The document: an array of elements, or any other checked value. */
static int
scan_document(struct scan *s, struct scan_item *it, struct discover_list *list,
    size_t *skipped)
{
	size_t	cap = 0;

	if (!scan_peek(s, '[')) {
		if (!scan_peek(s, '{'))
			return scan_fail(s, "'[' or '{' expected"), -EBADMSG;
		if (!scan_value(s, 1))
			return -EBADMSG;
		scan_ws(s);
		return s->p == s->end ? -ENOTDIR :
		    (scan_fail(s, "end of file expected"), -EBADMSG);
	}
	s->p++;
	if (!scan_eat(s, ']')) {
		for (;;) {
			if (!scan_element(s, it, list, &cap, skipped))
				return -EBADMSG;
			if (scan_eat(s, ']'))
				break;
			if (!scan_eat(s, ','))
				return scan_fail(s, "',' or ']' expected"),
				    -EBADMSG;
		}
	}
	scan_ws(s);
	if (s->p != s->end)
		return scan_fail(s, "end of file expected"), -EBADMSG;
	return 0;
}

static void
scan_item_init(struct scan_item *it)
{
	buf_init(&it->id);
	buf_init(&it->name);
	buf_init(&it->sid);
	buf_init(&it->sname);
}

static void
scan_item_free(struct scan_item *it)
{
	buf_free(&it->id);
	buf_free(&it->name);
	buf_free(&it->sid);
	buf_free(&it->sname);
}

void
discover_list_free(struct discover_list *list)
{
	size_t	i;

	for (i = 0; i < list->n; i++) {
		free(list->items[i].name);
		free(list->items[i].service_id);
		free(list->items[i].service_name);
	}
	free(list->items);
	list->items = NULL;
	list->n = 0;
}

int
discover_parse_list(const char *text, size_t len, struct discover_list *list,
    size_t *skipped, char *err, size_t errlen)
{
	struct scan		s;
	struct scan_item	it;
	int			rc;

	list->items = NULL;
	list->n = 0;
	*skipped = 0;
	if (len == 0) {
		snprintf(err, errlen, "answer is not a list of containers");
		return -EBADMSG;
	}
	memset(&s, 0, sizeof s);
	s.p = s.start = (const unsigned char *)text;
	s.end = s.p + len;
	buf_init(&s.key);
	scan_item_init(&it);
	rc = scan_document(&s, &it, list, skipped);
	if (rc == -ENOTDIR)
		snprintf(err, errlen, "answer is not a list of containers");
	else if (rc != 0)
		snprintf(err, errlen, "answer is not JSON: %s near byte %zu",
		    s.why != NULL ? s.why : "invalid", (size_t)(s.p - s.start));
	if (rc != 0) {
		discover_list_free(list);
		*skipped = 0;
		rc = -EBADMSG;
	}
	scan_item_free(&it);
	buf_free(&s.key);
	return rc;
}
