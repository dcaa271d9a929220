/*
 * policy_signal: the columns of signals beyond ds's gauges (README, "Rates,
 * custom metrics, scale from zero, prediction"): measurement, service_tag,
 * per_replica, activation, predict and lead, and which fields a rate may
 * be taken of. A row that names none of them decides as before.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "policy.h"
#include "policy_int.h"
#include "xmalloc.h"

#define SIGNAL_IDENT_MAX	128
#define SIGNAL_LEAD_NS		(INT64_C(60) * 1000000000)
/* A season shorter than 5 m is noise; longer than 7 d has no history. */
#define SIGNAL_PERIOD_MIN_NS	(INT64_C(300) * 1000000000)
#define SIGNAL_PERIOD_MAX_NS	(INT64_C(7) * 86400 * 1000000000)

int
policy_col_ident(const char *col, const char *s, char *err, size_t errlen)
{
	char		 v[POLICY_SHOW_SIZE];
	const char	*c;

	if (s == NULL) {
		errf(err, errlen, "%s is missing", col);
		return -EINVAL;
	}
	for (c = s; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			break;
	}
	if (*s == '\0' || *c != '\0' || strlen(s) > SIGNAL_IDENT_MAX) {
		errf(err, errlen, "%s \"%s\" is not an InfluxDB name (1 to %d "
		    "bytes, no control characters)", col, policy_show(s, v),
		    SIGNAL_IDENT_MAX);
		return -EINVAL;
	}
	return 0;
}

int
policy_parse_source(const struct policy_row *r, struct policy *p,
    char *err, size_t errlen)
{
	const char	*m = r->measurement;

	if (m != NULL && strcmp(m, "docker") != 0) {
		if (policy_col_ident("measurement", m, err, errlen) != 0)
			return -EINVAL;
		p->measurement = xstrdup(m);
	}
	if (r->service_tag != NULL && policy_col_ident("service_tag",
	    r->service_tag, err, errlen) != 0)
		return -EINVAL;
	if (r->service_tag != NULL && p->measurement == NULL &&
	    strcmp(r->service_tag, "service_name") != 0) {
		errf(err, errlen, "service_tag applies to a measurement other "
		    "than docker (ds's points carry service and service_name)");
		return -EINVAL;
	}
	if (r->service_tag != NULL && strlen(r->service_tag) == 1 &&
	    strchr("mclhtr", r->service_tag[0]) != NULL) {
		errf(err, errlen, "service_tag \"%s\" is a name das's statements "
		    "give their own columns (m c l h t r): rename the tag",
		    r->service_tag);
		return -EINVAL;
	}
	if (p->measurement != NULL)
		p->service_tag = xstrdup(r->service_tag != NULL ?
		    r->service_tag : "service_name");
	return 0;
}

/* A rate is of a counter: ds's net_* and blk_*, or any custom field. */
static int
signal_rate(struct policy *p, char *err, size_t errlen)
{
	if (p->aggregate != POLICY_AGG_RATE || POLICY_CUSTOM(p) ||
	    strncmp(p->field, "net_", 4) == 0 ||
	    strncmp(p->field, "blk_", 4) == 0)
		return 0;
	errf(err, errlen, "aggregate rate applies to the counters net_read, "
	    "net_write, blk_read and blk_write, not to %s", p->field);
	return -EINVAL;
}

/* predict: a seasonality period, or 0 / off; lead below it. */
static int
signal_predict(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	char	v[POLICY_SHOW_SIZE];

	p->predict_ns = 0;
	p->lead_ns = SIGNAL_LEAD_NS;
	if (r->lead != NULL && policy_col_duration("lead", r->lead, 0,
	    &p->lead_ns, err, errlen) != 0)
		return -EINVAL;
	if (r->predict == NULL || strcmp(r->predict, "0") == 0 ||
	    strcasecmp(r->predict, "off") == 0)
		return 0;
	if (policy_col_duration("predict", r->predict, 0, &p->predict_ns,
	    err, errlen) != 0)
		return -EINVAL;
	if (p->predict_ns < SIGNAL_PERIOD_MIN_NS ||
	    p->predict_ns > SIGNAL_PERIOD_MAX_NS) {
		errf(err, errlen, "predict \"%s\" is not a period from 5m to "
		    "7d (the load's season, such as 1h or 1d)",
		    policy_show(r->predict, v));
		return -EINVAL;
	}
	if (p->of_total) {
		errf(err, errlen, "predict needs per_replica: a forecast load "
		    "is sized by what one replica carries");
		return -EINVAL;
	}
	if (p->lead_ns >= p->predict_ns) {
		errf(err, errlen, "lead \"%s\" is not shorter than predict "
		    "\"%s\"", policy_show(r->lead, v), r->predict);
		return -EINVAL;
	}
	return 0;
}

/*
 * activation: the load above which a service at 0 replicas starts (and
 * at or below which, over the whole in window, it may go back to 0).
 */
static int
signal_activation(const struct policy_row *r, struct policy *p, char *err,
    size_t errlen)
{
	enum policy_unit	 u;

	p->activation = 0;
	if (r->activation != NULL && (policy_parse_amount("activation",
	    r->activation, &p->activation, &u, err, errlen) != 0 ||
	    policy_check_unit("activation", r->activation, u, p, err,
	    errlen) != 0))
		return -EINVAL;
	if (p->min_no == 0 && !POLICY_CUSTOM(p) &&
	    (p->mode != POLICY_MODE_CAPACITY || !(p->min_available > 0))) {
		errf(err, errlen, "min_no 0: at 0 replicas the service's own "
		    "containers report nothing; scale from zero needs a "
		    "measurement other than docker (or capacity mode with "
		    "min_available above 0, or min_no 1)");
		return -EINVAL;
	}
	return 0;
}

int
policy_parse_signals(const struct policy_row *r, struct policy *p,
    char *err, size_t errlen)
{
	bool	per_replica;

	if (policy_col_bool("per_replica", r->per_replica, true,
	    &per_replica, err, errlen) != 0)
		return -EINVAL;
	p->of_total = !per_replica;
	if (signal_rate(p, err, errlen) != 0 ||
	    signal_activation(r, p, err, errlen) != 0 ||
	    signal_predict(r, p, err, errlen) != 0)
		return -EINVAL;
	return 0;
}
