/* predict: the seasonal forecast and the pre-scale rule (see predict.h). */
#include <math.h>
#include <stdlib.h>

#include "predict.h"

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* What one replica is sized to carry under p; 0: no rule. */
static double
predict_unit(const struct policy *p)
{
	switch (p->mode) {
	case POLICY_MODE_TARGET:
		return p->setpoint;
	case POLICY_MODE_CAPACITY:
		return p->capacity;
	default:
		/* a total threshold says nothing of one replica */
		if (p->of_total || !p->out.set || !p->in.set)
			return 0;
		return (p->out.value + p->in.value) / 2;
	}
}

int
predict_need(const struct policy *p, double forecast)
{
	double	unit = predict_unit(p), n;

	if (!(unit > 0) || !isfinite(forecast) || forecast < 0)
		return 0;
	/* a service that may rest at 0 needs nothing for no load */
	if (p->min_no == 0 && forecast <= p->activation)
		return 0;
	if (p->mode == POLICY_MODE_CAPACITY)
		forecast += p->min_available;
	n = ceil(forecast / unit - 1e-9);
	if (n < 1)
		n = 1;
	return n > p->max_no ? p->max_no : (int)n;
}

bool
predict_fires(const struct policy *p, int replicas, const struct predict_out *o)
{
	double	band;

	if (!o->on || o->need <= replicas)
		return false;
	if (p->mode != POLICY_MODE_TARGET || replicas <= 0)
		return true;
	band = predict_unit(p) * (1 + p->tolerance);
	return o->forecast > (double)replicas * band + 1e-9;
}

void
predict_forecast(const struct policy *p, const double *peaks, size_t n,
    struct predict_out *out)
{
	double	v[PREDICT_PERIODS];
	size_t	i, m = 0;

	out->on = false;
	out->forecast = NAN;
	out->need = 0;
	for (i = 0; i < n && i < PREDICT_PERIODS; i++) {
		if (isfinite(peaks[i]) && peaks[i] >= 0)
			v[m++] = peaks[i];
	}
	out->periods = (int)m;
	if (m < PREDICT_MIN_PERIODS)
		return;
	qsort(v, m, sizeof(v[0]), cmp_double);
	out->forecast = m % 2 == 1 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
	out->on = true;
	out->need = predict_need(p, out->forecast);
}
