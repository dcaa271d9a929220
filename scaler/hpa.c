/*
 * hpa: the Kubernetes HorizontalPodAutoscaler (autoscaling/v2) as a replay
 * peer. Pure: no I/O, no clock (the caller's now_ns is the only time).
 *
 * Each step and the upstream function it follows (the controller sources
 * hpa.h names; the Go names, so that the two can be read side by side):
 *
 *   hpa_sync		reconcileAutoscaler: the initial recommendation
 *			(recordInitialRecommendation), replicas 0 disables,
 *			a count outside [min, max] is brought back first, no
 *			metric means no change (the metric's error returns
 *			before any scaling), else compute, then normalize.
 *   replicas_for	GetResourceReplicas (percent) and
 *			calcPlainMetricReplicas (a raw value): tolerance,
 *			unready (CPU) or missing pods filled in, the
 *			direction check (filled_in). groupPods is the
 *			caller's: in->counted.
 *   usage_level	GetResourceUtilizationRatio's truncated integer
 *			percent, GetMetricUtilizationRatio's plain mean.
 *   normalize		normalizeDesiredReplicasWithBehaviors.
 *   stabilize		stabilizeRecommendationWithBehaviors.
 *   rate_limit		convertDesiredReplicasWithBehaviorRate, with
 *			calculateScaleUpLimitWithScalingRules (up_limit) and
 *			calculateScaleDownLimitWithBehaviors.
 *
 * The behavior is the documented default: scale-up stabilization 0 and
 * policies {100 % per 15 s, 4 pods per 15 s} with selectPolicy Max;
 * scale-down stabilization `stabilize` and policy 100 % per 15 s.
 *
 * Left out, as the model has no use for them: more than one metric,
 * configurable selectPolicy and scale-up stabilization, and earlier syncs' scale events inside a
 * policy's period: the period is one sync, so each sync may add up to
 * max(up_pods, up_percent %) of its own count.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpa.h"
#include "log.h"
#include "policy.h"
#include "xmalloc.h"

#define NS_S		INT64_C(1000000000)

/*
 * Upstream sums integer milli-units, so a utilization that is a whole
 * percent there is one exactly; the model's doubles may land a hair
 * below it (1400/18*18/20), which truncation would turn into one less.
 */
#define USAGE_EPSILON	1e-9

/* One entry of upstream's a.recommendations[key]. */
struct hpa_rec {
	int64_t		 t_ns;
	int		 replicas;
};

struct hpa {
	struct hpa_params p;
	struct hpa_rec	*recs;
	size_t		 nrecs, caprecs;
};

void
hpa_params_default(struct hpa_params *p)
{
	memset(p, 0, sizeof(*p));
	p->target = 70;
	p->tolerance = 0.1;
	p->sync_ns = 15 * NS_S;
	p->window_ns = 30 * NS_S;
	p->stabilize_ns = 300 * NS_S;
	p->up_pods = 4;
	p->up_percent = 100;
	p->min_no = 1;
	p->max_no = INT_MAX;
	/* cpu_ratio, the replay's peer's usual field (replay.c sets both) */
	p->percent = true;
	p->cpu = true;
}

struct hpa *
hpa_new(const struct hpa_params *p)
{
	struct hpa	*h;

	h = xcalloc(1, sizeof(*h));
	h->p = *p;
	return h;
}

void
hpa_free(struct hpa *h)
{
	if (h == NULL)
		return;
	free(h->recs);
	free(h);
}

/* Replace entry i (SIZE_MAX: none) or append; upstream's reuse of slots. */
static void
rec_store(struct hpa *h, size_t i, int64_t t_ns, int replicas)
{
	if (i == SIZE_MAX) {
		if (h->nrecs == h->caprecs) {
			h->caprecs = h->caprecs == 0 ? 8 : h->caprecs * 2;
			h->recs = xreallocarray(h->recs, h->caprecs,
			    sizeof(*h->recs));
		}
		i = h->nrecs++;
	}
	h->recs[i].t_ns = t_ns;
	h->recs[i].replicas = replicas;
}

/*
 * The level the ratio is taken of: a whole percent for resource metrics
 * (GetResourceUtilizationRatio truncates), else the value itself.
 */
static double
usage_level(const struct hpa_params *p, double usage)
{
	if (!p->percent)
		return usage;
	if (usage <= 0)
		return 0;
	if (usage >= (double)INT32_MAX)
		return (double)INT32_MAX;
	return floor(usage + USAGE_EPSILON);
}

/* ceil(x) as a replica count, kept within int. */
static int
ceil_count(double x)
{
	x = ceil(x);
	if (x <= 0)
		return 0;
	if (x >= (double)INT_MAX)
		return INT_MAX;
	return (int)x;
}

/*
 * The direction check after the pods not counted are filled in: no
 * change within the tolerance or when the direction reversed, nor when
 * the new count goes against it.
 */
static int
filled_in(const struct hpa_params *p, const struct hpa_in *in, double ratio,
    double new_ratio, int considered)
{
	int	n;

	if (fabs(1.0 - new_ratio) <= p->tolerance ||
	    (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0))
		return in->replicas;
	n = ceil_count(new_ratio * considered);
	if ((new_ratio < 1.0 && n > in->replicas) ||
	    (new_ratio > 1.0 && n < in->replicas))
		return in->replicas;
	return n;
}

/*
 * GetResourceReplicas / calcPlainMetricReplicas. On CPU the pods not
 * counted are groupPods' unready ones (every counted pod has samples, so
 * none is missing): 0 on a scale-up (rebalanceIgnored), left out of a
 * scale-down. On any other metric groupPods has no unready pods, and the
 * ones not counted are missing: 0 on a scale-up, at the target on a
 * scale-down (100 % for a resource utilization).
 */
static int
replicas_for(const struct hpa_params *p, const struct hpa_in *in)
{
	double	ratio, fill;
	int	rest, considered;

	rest = in->replicas > in->counted ? in->replicas - in->counted : 0;
	ratio = usage_level(p, in->usage) / p->target;
	if (rest == 0 || (p->cpu && ratio <= 1.0)) {
		if (fabs(1.0 - ratio) <= p->tolerance)
			return in->replicas;
		return ceil_count(ratio * in->counted);
	}
	/*
	 * At exactly 1.0 GetResourceReplicas fills in nothing ("else if
	 * usageRatio > 1.0"); calcPlainMetricReplicas's bare else fills 0.
	 */
	if (ratio == 1.0 && p->percent)
		return in->replicas;
	considered = in->counted + rest;
	fill = ratio >= 1.0 ? 0 : p->percent ? 100 : p->target;
	return filled_in(p, in, ratio, usage_level(p, (in->usage *
	    in->counted + fill * rest) / considered) / p->target, considered);
}

/*
 * stabilizeRecommendationWithBehaviors: the recommendation is kept within
 * [lowest of the scale-up window, highest of the scale-down window], both
 * windows (now - w, now], and this sync's unstabilized one is recorded in
 * the slot of a sample older than both windows, else appended.
 */
static int
stabilize(struct hpa *h, int64_t now, int current, int desired)
{
	int64_t	 up_cut = now;	/* scale-up stabilization window 0 */
	int64_t	 down_cut = now - h->p.stabilize_ns;
	int	 up = desired, down = desired, r;
	size_t	 i, old = SIZE_MAX;

	for (i = 0; i < h->nrecs; i++) {
		if (h->recs[i].t_ns > up_cut && h->recs[i].replicas < up)
			up = h->recs[i].replicas;
		if (h->recs[i].t_ns > down_cut && h->recs[i].replicas > down)
			down = h->recs[i].replicas;
		if (h->recs[i].t_ns < up_cut && h->recs[i].t_ns < down_cut)
			old = i;
	}
	r = current;
	if (r < up)
		r = up;
	if (r > down)
		r = down;
	rec_store(h, old, now, desired);
	return r;
}

/*
 * calculateScaleUpLimitWithScalingRules, selectPolicy Max over a Pods and
 * a Percent policy. periodStartReplicas is current: the period is one
 * sync, so no earlier scale event falls inside it.
 */
static int
up_limit(const struct hpa_params *p, int current)
{
	int64_t	pods;
	int	pct;

	pods = (int64_t)current + p->up_pods;
	if (pods > INT_MAX)
		pods = INT_MAX;
	/* Rounded up, or 10 % of 3 pods would add none. */
	pct = ceil_count((double)current * (1 + p->up_percent / 100));
	return (int)pods > pct ? (int)pods : pct;
}

/*
 * convertDesiredReplicasWithBehaviorRate: the rate limits, and the bounds
 * [min, max] with them. The scale-down policy, 100 % per period, allows
 * int32(current × 0) = 0: only min_no limits a scale-down.
 */
static int
rate_limit(const struct hpa_params *p, int current, int desired)
{
	int	limit, max_allowed, min_allowed;

	if (desired > current) {
		limit = up_limit(p, current);
		if (limit < current)
			limit = current;
		max_allowed = p->max_no > limit ? limit : p->max_no;
		return desired > max_allowed ? max_allowed : desired;
	}
	if (desired < current) {
		min_allowed = p->min_no > 0 ? p->min_no : 0;
		return desired < min_allowed ? min_allowed : desired;
	}
	return desired;
}

/* normalizeDesiredReplicasWithBehaviors: stabilize, then limit. */
static int
normalize(struct hpa *h, const struct hpa_in *in, int desired)
{
	int	stabilized;

	stabilized = stabilize(h, in->now_ns, in->replicas, desired);
	return rate_limit(&h->p, in->replicas, stabilized);
}

int
hpa_sync(struct hpa *h, const struct hpa_in *in)
{
	/* recordInitialRecommendation: the count the HPA first saw. */
	if (h->nrecs == 0)
		rec_store(h, SIZE_MAX, in->now_ns, in->replicas);
	if (in->replicas <= 0)
		return 0;		/* autoscaling disabled */
	if (in->replicas > h->p.max_no)
		return h->p.max_no;
	if (in->replicas < h->p.min_no)
		return h->p.min_no;
	/* computeReplicasForMetrics failed: no status change, no scale. */
	if (!in->have_usage || in->counted <= 0)
		return in->replicas;
	return normalize(h, in, replicas_for(&h->p, in));
}

/* Parsing "key=value,...": each value on its own, against its range. */

enum hpa_key {
	KEY_TARGET,
	KEY_TOLERANCE,
	KEY_SYNC,
	KEY_WINDOW,
	KEY_STABILIZE,
	KEY_UP_PODS,
	KEY_UP_PERCENT,
	KEY_COUNT
};

static const char *const hpa_keys[KEY_COUNT] = {
	"target", "tolerance", "sync", "window", "stabilize", "up_pods",
	"up_percent",
};

/* A decimal number: optional '-', digits, optional fraction. 0/-EINVAL. */
static int
parse_number(const char *s, double *v)
{
	const char	*p = s;
	char		*end;

	if (*p == '-')
		p++;
	if (strspn(p, "0123456789") == 0)
		return -EINVAL;
	p += strspn(p, "0123456789");
	if (*p == '.') {
		if (strspn(p + 1, "0123456789") == 0)
			return -EINVAL;
		p += 1 + strspn(p + 1, "0123456789");
	}
	if (*p != '\0')
		return -EINVAL;
	errno = 0;
	*v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(*v))
		return -EINVAL;
	return 0;
}

/*
 * A duration >= 0: an InfluxQL literal (policy_parse_duration), or "0",
 * or a literal whose every number is 0 ("0s"), which that parser refuses
 * as not positive: it is one when its zeros read as ones is one.
 */
static int
parse_duration0(const char *s, int64_t *ns)
{
	char	tmp[64];
	size_t	i, n = strlen(s);

	if (policy_parse_duration(s, ns) == 0)
		return 0;
	if (strcmp(s, "0") != 0 && (n >= sizeof(tmp) ||
	    strpbrk(s, "123456789") != NULL))
		return -EINVAL;
	memcpy(tmp, s, n + 1);
	for (i = 0; i < n; i++) {
		if (tmp[i] == '0')
			tmp[i] = '1';
	}
	if (strcmp(s, "0") != 0 && policy_parse_duration(tmp, ns) != 0)
		return -EINVAL;
	*ns = 0;
	return 0;
}

static int
set_number(enum hpa_key k, const char *v, struct hpa_params *p,
    char *err, size_t errlen)
{
	char	show[POLICY_SHOW_SIZE];
	double	d;

	if (parse_number(v, &d) != 0) {
		errf(err, errlen, "%s \"%s\" is not a decimal number",
		    hpa_keys[k], policy_show(v, show));
		return -EINVAL;
	}
	switch (k) {
	case KEY_TARGET:
		if (d <= 0)
			goto range;
		p->target = d;
		return 0;
	case KEY_TOLERANCE:
		if (d < 0 || d >= 1)
			goto range;
		p->tolerance = d;
		return 0;
	default:			/* KEY_UP_PERCENT */
		if (d < 0)
			goto range;
		p->up_percent = d;
		return 0;
	}
range:
	errf(err, errlen, "%s %s is out of range (%s)", hpa_keys[k], v,
	    k == KEY_TARGET ? "it must be above 0" :
	    k == KEY_TOLERANCE ? "it must be in [0, 1)" :
	    "it must be 0 or more");
	return -EINVAL;
}

static int
set_duration(enum hpa_key k, const char *v, struct hpa_params *p,
    char *err, size_t errlen)
{
	char	show[POLICY_SHOW_SIZE];
	int64_t	ns;

	if (parse_duration0(v, &ns) != 0) {
		errf(err, errlen, "%s \"%s\" is not a duration (such as 15s, "
		    "5m, 1h)", hpa_keys[k], policy_show(v, show));
		return -EINVAL;
	}
	/* the controller's sync period is seconds; a finer one would only
	 * make the replay crawl (one sync per period of the whole span) */
	if (k == KEY_SYNC && ns < NS_S) {
		errf(err, errlen, "%s %s is out of range (it must be 1s or "
		    "more)", hpa_keys[k], v);
		return -EINVAL;
	}
	if (ns == 0 && k != KEY_STABILIZE) {
		errf(err, errlen, "%s %s is out of range (it must be above 0)",
		    hpa_keys[k], v);
		return -EINVAL;
	}
	if (k == KEY_SYNC)
		p->sync_ns = ns;
	else if (k == KEY_WINDOW)
		p->window_ns = ns;
	else
		p->stabilize_ns = ns;
	return 0;
}

static int
set_pods(const char *v, struct hpa_params *p, char *err, size_t errlen)
{
	char	show[POLICY_SHOW_SIZE];
	int64_t	n = 0;
	int	rc;

	rc = policy_parse_int(v, 0, INT_MAX, &n);
	if (rc == -EINVAL) {
		errf(err, errlen, "up_pods \"%s\" is not an integer",
		    policy_show(v, show));
		return -EINVAL;
	}
	if (rc == -ERANGE) {
		errf(err, errlen, "up_pods %s is out of range (it must be "
		    "0 to %d)", v, INT_MAX);
		return -EINVAL;
	}
	p->up_pods = (int)n;
	return 0;
}

/* One "key=value" (modified in place) over *p, keys seen in *seen. */
static int
parse_item(char *item, struct hpa_params *p, unsigned *seen, char *err,
    size_t errlen)
{
	char	 show[POLICY_SHOW_SIZE];
	char	*v;
	int	 k;

	if ((v = strchr(item, '=')) == NULL) {
		errf(err, errlen, "\"%s\" is not key=value", policy_show(item,
		    show));
		return -EINVAL;
	}
	*v++ = '\0';
	for (k = 0; k < KEY_COUNT; k++)
		if (strcmp(item, hpa_keys[k]) == 0)
			break;
	if (k == KEY_COUNT) {
		errf(err, errlen, "unknown key \"%s\" (known: target, "
		    "tolerance, sync, window, stabilize, up_pods, up_percent)",
		    policy_show(item, show));
		return -EINVAL;
	}
	if (*seen & (1u << k)) {
		errf(err, errlen, "%s is given twice", hpa_keys[k]);
		return -EINVAL;
	}
	*seen |= 1u << k;
	if (k == KEY_SYNC || k == KEY_WINDOW || k == KEY_STABILIZE)
		return set_duration(k, v, p, err, errlen);
	if (k == KEY_UP_PODS)
		return set_pods(v, p, err, errlen);
	return set_number(k, v, p, err, errlen);
}

int
hpa_params_parse(const char *s, struct hpa_params *p, char *err,
    size_t errlen)
{
	struct hpa_params	 tmp = *p;
	char			 show[POLICY_SHOW_SIZE];
	char			*copy, *cur, *item;
	unsigned		 seen = 0;
	int			 rc = 0;

	if (*s == '\0')
		return 0;
	cur = copy = xstrdup(s);
	while (rc == 0 && (item = strsep(&cur, ",")) != NULL) {
		if (*item == '\0') {
			errf(err, errlen, "an empty item in \"%s\" (items "
			    "are key=value, separated by commas)",
			    policy_show(s, show));
			rc = -EINVAL;
		} else
			rc = parse_item(item, &tmp, &seen, err, errlen);
	}
	free(copy);
	if (rc == 0)
		*p = tmp;
	return rc;
}
