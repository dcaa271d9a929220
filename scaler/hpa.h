/*
 * hpa: the Kubernetes HorizontalPodAutoscaler (autoscaling/v2) algorithm,
 * as a replay peer (dasctl replay --peer hpa). Pure: no I/O, no clock.
 *
 * It follows the upstream algorithm description ("Horizontal Pod
 * Autoscaling", kubernetes.io/docs/tasks/run-application/
 * horizontal-pod-autoscale/, "Algorithm details" and "Configurable scaling
 * behavior") and its implementation (pkg/controller/podautoscaler/
 * replica_calculator.go and horizontal.go), with their defaults:
 *   desired = ceil(counted × usage / target), no change while
 *   |usage/target − 1| <= tolerance; on CPU, pods not yet counted
 *   (starting, or ready for less than one metric window) count as 0 % on
 *   a scale-up and are left out on a scale-down; on other metrics only
 *   pods without a sample are not counted (0 on a scale-up, the target on
 *   a scale-down); a direction that this reverses means no change; a
 *   scale-up per sync is limited to the larger of +up_pods and
 *   +up_percent %; a scale-down goes to the highest
 *   recommendation of the last `stabilize`; bounds [min_no, max_no].
 * See hpa.c for the line-by-line correspondence.
 */
#ifndef DAS_HPA_H
#define DAS_HPA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hpa_params {
	double		 target;	/* per-pod target (70 = 70 %) */
	double		 tolerance;	/* 0.1 */
	int64_t		 sync_ns;	/* 15 s: the controller's period */
	int64_t		 window_ns;	/* 30 s: the metric's window */
	int64_t		 stabilize_ns;	/* 300 s: scale-down stabilization */
	int		 up_pods;	/* 4 */
	double		 up_percent;	/* 100 */
	int		 min_no, max_no;
	bool		 percent;	/* utilization is an integer percent
					 * (resource metrics), else a value */
	bool		 cpu;		/* the CPU resource: a pod ready for
					 * less than one window is unready */
};

/* Documented defaults; bounds 1..INT_MAX (the caller sets them). */
void	 hpa_params_default(struct hpa_params *);

/*
 * Parse "target=70,tolerance=0.1,sync=15s,window=30s,stabilize=300s,
 * up_pods=4,up_percent=100" (any subset, any order; "" keeps all
 * defaults) over *p. 0, or -EINVAL with a sentence naming the key.
 */
int	 hpa_params_parse(const char *, struct hpa_params *, char *err,
	    size_t errlen);

/*
 * What one sync sees. The pods not counted are, on CPU, unready (started,
 * or ready for less than one metric window: 0 on a scale-up, left out of
 * a scale-down) and, on any other metric, missing (no sample yet: 0 on a
 * scale-up, at the target on a scale-down; 100 % for a utilization).
 */
struct hpa_in {
	int64_t		 now_ns;
	int		 replicas;	/* the scale's spec count */
	int		 counted;	/* CPU: pods ready for >= one window;
					 * else pods with a sample */
	bool		 have_usage;	/* counted > 0 and samples exist */
	double		 usage;		/* counted pods' mean over the window */
};

struct hpa;

struct hpa *hpa_new(const struct hpa_params *);
void	 hpa_free(struct hpa *);

/* One sync: the replica count the HPA sets (== in->replicas: none). */
int	 hpa_sync(struct hpa *, const struct hpa_in *);

#endif
