/* log: leveled logging to stderr with a timestamp and the program name. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static const char	*log_name = "das";
static int		 log_level = LOG_LEVEL_INFO;

void
log_init(const char *name, int level)
{
	log_name = name;
	log_level = level;
}

void
log_set_level(int level)
{
	log_level = level;
}

static bool
log_enabled(int level)
{
	return level <= log_level;
}

/*
 * Write one line: time, program, level, message and, when errnum is not
 * zero, its strerror. Newlines inside the message are replaced so a hostile
 * name can never forge a log line.
 */
static void __attribute__((format(printf, 3, 0)))
log_vwrite(const char *tag, int errnum, const char *fmt, va_list ap)
{
	char		 msg[4096], stamp[32];
	struct timespec	 ts;
	struct tm	 tm;
	char		*p;

	vsnprintf(msg, sizeof msg, fmt, ap);
	for (p = msg; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	if (errnum != 0)
		fprintf(stderr, "%s.%03ldZ %s %s: %s: %s\n", stamp,
		    ts.tv_nsec / 1000000, log_name, tag, msg, strerror(errnum));
	else
		fprintf(stderr, "%s.%03ldZ %s %s: %s\n", stamp,
		    ts.tv_nsec / 1000000, log_name, tag, msg);
	fflush(stderr);
}

#define LOG_BODY(level, tag, errnum) do {		\
	va_list	ap;					\
	int	saved = errno;				\
	if (!log_enabled(level))			\
		return;					\
	va_start(ap, fmt);				\
	log_vwrite(tag, errnum, fmt, ap);		\
	va_end(ap);					\
	errno = saved;					\
} while (0)

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_DEBUG, "debug", 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_INFO, "info", 0);
}

void
log_warn(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_WARN, "warning", saved);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_WARN, "warning", 0);
}

void
log_error(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERROR, "error", 0);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite("fatal", saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite("fatal", 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
