/*
 * log: leveled logging to stderr (and so to the journal under systemd).
 *
 * log_warn and fatal append strerror(errno); log_warnx and fatalx do not
 * (OpenSMTPD's convention). The level is checked before formatting.
 * errf formats the other kind of message: the sentence a function that
 * fails hands back in its caller's err buffer.
 */
#ifndef DAS_LOG_H
#define DAS_LOG_H

#include <stddef.h>

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

/*
 * The sentence a failing function hands its caller: fmt into err, cut to
 * errlen; nothing when err is NULL or errlen 0 (the caller does not ask).
 */
void	errf(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
