/* Unit tests for jsplit: streaming cut of a JSON document into elements. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "buf.h"
#include "jsplit.h"

static const char *const keys[] = { "results", "series" };

/* What the callback saw: "L<level>#<index>:<text>\n" per call. */
struct seen {
	struct jsplit	*js;
	struct buf	 log;
	struct buf	 open;	/* open skeletons at each level-2 call */
	int		 stop_at;	/* return -1 on this call (1-based) */
	int		 calls;
};

static int
record(void *arg, int level, size_t index, const char *text, size_t len)
{
	struct seen	*s = arg;

	buf_printf(&s->log, "L%d#%zu:%.*s\n", level, index, (int)len, text);
	if (level == 2) {
		buf_printf(&s->open, "%s|", jsplit_open_skeleton(s->js, 0));
		buf_printf(&s->open, "%s\n", jsplit_open_skeleton(s->js, 1));
	}
	return ++s->calls == s->stop_at ? -1 : 0;
}

/* Feed doc in pieces of chunk bytes; returns finish's result. */
static int
run(struct seen *s, const char *doc, size_t chunk)
{
	size_t	off, n, len = strlen(doc);
	int	rc = 0;

	buf_init(&s->log);
	buf_init(&s->open);
	s->calls = 0;
	s->js = jsplit_new(keys, 2, record, s);
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < chunk ? len - off : chunk;
		rc = jsplit_feed(s->js, doc + off, n);
	}
	rc = jsplit_finish(s->js);
	return rc;
}

static void
done(struct seen *s)
{
	jsplit_free(s->js);
	buf_free(&s->log);
	buf_free(&s->open);
}

static const char influx_answer[] =
    "{\"results\":[{\"statement_id\":0,\"series\":["
    "{\"name\":\"docker\",\"tags\":{\"service\":\"a]}\\\"\"},"
    "\"columns\":[\"time\",\"value\"],\"values\":[[1,2.5]]},\n"
    "  {\"name\":\"docker\",\"values\":[[3,4]]}]},"
    "{\"statement_id\":1,\"error\":\"bad [stmt] {x}\"}]}\n";

Test(jsplit, influx_answer_in_every_chunk_size)
{
	static const char want[] =
	    "L2#0:{\"name\":\"docker\",\"tags\":{\"service\":\"a]}\\\"\"},"
	    "\"columns\":[\"time\",\"value\"],\"values\":[[1,2.5]]}\n"
	    "L2#1:{\"name\":\"docker\",\"values\":[[3,4]]}\n"
	    "L1#0:{\"statement_id\":0,\"series\":[]}\n"
	    "L1#1:{\"statement_id\":1,\"error\":\"bad [stmt] {x}\"}\n"
	    "L0#0:{\"results\":[]}\n";
	static const char want_open[] =
	    "{\"results\":[]}|{\"statement_id\":0,\"series\":[]}\n"
	    "{\"results\":[]}|{\"statement_id\":0,\"series\":[]}\n";
	struct seen	s = { 0 };
	size_t		chunk;

	for (chunk = 1; chunk <= sizeof(influx_answer); chunk++) {
		cr_assert_eq(run(&s, influx_answer, chunk), 0, "chunk %zu: %s",
		    chunk, jsplit_error(s.js));
		cr_assert_str_eq(buf_str(&s.log), want, "chunk %zu", chunk);
		cr_assert_str_eq(buf_str(&s.open), want_open, "chunk %zu",
		    chunk);
		done(&s);
	}
}

Test(jsplit, other_arrays_and_escaped_keys_stay_inline)
{
	struct seen	s = { 0 };

	/* "series" outside a result, "results" not at the top, an escape */
	cr_assert_eq(run(&s, "{\"series\":[{}],\"x\":{\"results\":[{}]},"
	    "\"res\\u0075lts\":[{}],\"results\":[{\"messages\":[{}]}]}", 7),
	    0);
	cr_expect_str_eq(buf_str(&s.log),
	    "L1#0:{\"messages\":[{}]}\n"
	    "L0#0:{\"series\":[{}],\"x\":{\"results\":[{}]},"
	    "\"res\\u0075lts\":[{}],\"results\":[]}\n");
	done(&s);
	/* a string value "results" before a colon-less array is no key */
	cr_assert_eq(run(&s, "[\"results\",[{}]]", 3), 0);
	cr_expect_str_eq(buf_str(&s.log), "L0#0:[\"results\",[{}]]\n");
	done(&s);
}

Test(jsplit, structural_errors)
{
	static const char *const bad[] = {
		"", "   ", "{", "{\"results\":[{}]", "}", "{]", "[}",
		"\"text\"", "42", "{} {}", "{\"results\":[1]}",
		"{\"results\":[\"s\"]}", "{\"results\":[{\"series\":[null]}]}",
	};
	struct seen	s = { 0 };
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(run(&s, bad[i], 4), -EPROTO, "%s", bad[i]);
		cr_expect_neq(jsplit_error(s.js)[0], '\0', "%s", bad[i]);
		done(&s);
	}
}

Test(jsplit, nesting_is_bounded)
{
	struct seen	s = { 0 };
	struct buf	doc;
	int		i;

	buf_init(&doc);
	for (i = 0; i < JSPLIT_MAX_DEPTH + 1; i++)
		buf_addc(&doc, '[');
	for (i = 0; i < JSPLIT_MAX_DEPTH + 1; i++)
		buf_addc(&doc, ']');
	cr_expect_eq(run(&s, buf_str(&doc), 16), -EPROTO);
	done(&s);
	buf_truncate(&doc, JSPLIT_MAX_DEPTH - 1);
	for (i = 0; i < JSPLIT_MAX_DEPTH - 1; i++)
		buf_addc(&doc, ']');
	cr_expect_eq(run(&s, buf_str(&doc), 16), 0);
	done(&s);
	buf_free(&doc);
}

Test(jsplit, callback_stops_the_feed)
{
	struct seen	s = { 0 };

	s.stop_at = 2;
	cr_expect_eq(run(&s, influx_answer, 5), -1);
	cr_expect_eq(s.calls, 2);
	cr_expect_eq(jsplit_feed(s.js, "{", 1), -1);
	done(&s);
}
