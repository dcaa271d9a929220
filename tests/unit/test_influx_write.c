/*
 * Unit tests for the reading of an InfluxDB /write answer: which answers
 * deliver a batch, which drop it and which keep it, and the sentence a
 * kept or dropped batch is logged with.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "influx.h"

Test(influx_write, only_influx_204_delivers)
{
	cr_expect_eq(influx_write_verdict(204, true), INFLUX_OK);
	cr_expect_eq(influx_write_verdict(204, false), INFLUX_RETRY,
	    "204 from something that is not InfluxDB stored nothing");
}

Test(influx_write, a_page_from_something_else_keeps_the_points)
{
	static const long	statuses[] = { 200, 201, 202, 204, 301, 400,
	    404, 413, 500, 502, 503 };
	size_t			i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		cr_expect_eq(influx_write_verdict(statuses[i], false),
		    INFLUX_RETRY, "HTTP %ld without the header",
		    statuses[i]);
}

Test(influx_write, other_2xx_from_influx_keeps_the_points)
{
	cr_expect_eq(influx_write_verdict(200, true), INFLUX_RETRY);
	cr_expect_eq(influx_write_verdict(202, true), INFLUX_RETRY);
}

Test(influx_write, bad_points_are_refused_for_good)
{
	cr_expect_eq(influx_write_verdict(400, true), INFLUX_REJECTED);
	cr_expect_eq(influx_write_verdict(413, true), INFLUX_REJECTED);
}

Test(influx_write, auth_missing_database_and_5xx_keep_the_points)
{
	cr_expect_eq(influx_write_verdict(401, true), INFLUX_RETRY);
	cr_expect_eq(influx_write_verdict(403, true), INFLUX_RETRY);
	cr_expect_eq(influx_write_verdict(404, true), INFLUX_RETRY);
	cr_expect_eq(influx_write_verdict(500, true), INFLUX_RETRY);
	cr_expect_eq(influx_write_verdict(503, true), INFLUX_RETRY);
}

/* The sentence for an answer: status, body, header present or not. */
static void
problem(long status, bool from_influx, const char *body, char *out,
    size_t outlen)
{
	struct http_resp	r;

	http_resp_init(&r);
	r.status = status;
	r.has_header = from_influx;
	buf_adds(&r.body, body);
	influx_write_problem("http://db:8086", &r, out, outlen);
	http_resp_free(&r);
}

Test(influx_write, problem_names_url_status_and_the_impostor)
{
	char	err[512];

	problem(200, false, "<html>\r\n<body>It works!</body>\n</html>", err,
	    sizeof err);
	cr_expect_str_eq(err, "InfluxDB write to http://db:8086: HTTP 200 "
	    "from a server that is not InfluxDB (no X-Influxdb-Version "
	    "header): <html>  <body>It works!</body> </html>");
}

Test(influx_write, problem_quotes_influx_error_text)
{
	char	err[512];

	problem(400, true, "{\"error\":\"unable to parse 'x': bad\"}", err,
	    sizeof err);
	cr_expect_str_eq(err, "InfluxDB write to http://db:8086: HTTP 400: "
	    "unable to parse 'x': bad");
	problem(200, true, "", err, sizeof err);
	cr_expect_str_eq(err, "InfluxDB write to http://db:8086: HTTP 200, "
	    "not the 204 of a stored write: (no text)");
}

Test(influx_write, problem_cuts_a_long_page)
{
	char	body[2000], err[512];

	memset(body, 'x', sizeof body - 1);
	body[sizeof body - 1] = '\0';
	problem(502, false, body, err, sizeof err);
	cr_expect_lt(strlen(err), 250, "%zu bytes", strlen(err));
	cr_expect_not_null(strstr(err, "HTTP 502 from a server that is not "
	    "InfluxDB"));
}
