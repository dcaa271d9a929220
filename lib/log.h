/*
 * log: leveled logging to stderr (and so to the journal under systemd).
 *
 * log_warn and fatal append strerror(errno); log_warnx and fatalx do not
 * (OpenSMTPD's convention). The level is checked before formatting.
 */
#ifndef DAS_LOG_H
#define DAS_LOG_H

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* name is borrowed for the life of the program. */
void	log_init(const char *name, int level);
void	log_set_level(int level);

void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void
	fatal(const char *, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void
	fatalx(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
