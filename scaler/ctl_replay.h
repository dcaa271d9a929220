/* ctl_replay: dasctl replay's options (scaler/ctl_replay.c). */
#ifndef DAS_CTL_REPLAY_H
#define DAS_CTL_REPLAY_H

struct ctl;

/* Each as given on the command line, NULL when not given. */
struct ctl_replay_opts {
	const char	*trace, *since, *until, *policy, *set, *peer;
	const char	*start, *start_delay, *interval, *tick, *demand_util;
	const char	*capacity, *timeline, *plot;
};

/* service: NULL with --trace and --policy. A CTL_EXIT_* code. */
int	ctl_replay(struct ctl *, const char *service,
	    const struct ctl_replay_opts *);

#endif
