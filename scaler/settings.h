/*
 * settings: das's configuration table, shared by das and dasctl (which
 * reads the same file so both talk to the same servers).
 */
#ifndef DAS_SETTINGS_H
#define DAS_SETTINGS_H

#include <stdbool.h>

#include "cfg.h"
#include "opts.h"

#define SETTINGS_DEFAULT_CONFIG	"/etc/das/das.conf"

struct das_settings {
	char		*pg;
	char		*influx_url;
	char		*database;
	char		*user;
	char		*password;
	char		*measurement;
	char		*event_measurement;
	double		 interval;
	double		 ds_interval;
	bool		 dry_run;
	char		*docker_socket;
	char		*node;
	char		*runc_root;
	double		 exec_timeout;
	struct cfg_map	 exec;		/* exec.NAME = argv template */
	struct cfg_map	 bundle;	/* bundle.NAME = runc bundle path */
	double		 sql_timeout;
	long long	 lock_key;
	long long	 influx_requests;
	bool		 window_cache;
	double		 cache_resync;
	bool		 single;
	double		 timeout;
	bool		 verbose;
};

extern const struct cfg_param settings_params[];

struct influx;
struct docker;
struct engine_cfg;

/* Defaults, file, overrides; node defaults to the host name. */
int	settings_load(const struct opts *, struct das_settings *, char *err,
	    size_t errlen) __attribute__((warn_unused_result));
void	settings_free(struct das_settings *);

/* Clients made from the settings; caller frees. */
struct influx	*settings_influx(const struct das_settings *);
struct docker	*settings_docker(const struct das_settings *);
/* Strings in ec are borrowed from s. act is left false. */
void		 settings_engine_cfg(const struct das_settings *,
		    struct engine_cfg *ec);

#endif
