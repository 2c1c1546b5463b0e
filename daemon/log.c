#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum log_level log_max_level = LOG_INFO;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int log_set_level(const char *name)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(name, level_names[i]) == 0) {
			log_max_level = (enum log_level)i;
			return 0;
		}
	}
	if (strcmp(name, "warn") == 0) {
		log_max_level = LOG_WARN;
		return 0;
	}
	return -1;
}

static void log_v(enum log_level lvl, int err, const char *fmt, va_list ap)
{
	char msg[1024], ts[32];
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (err != 0 && n < sizeof(msg) - 2)
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(err));
	fprintf(stderr, "%s.%03dZ rigbookd[%d] %s: %s\n", ts, (int)(tv.tv_usec / 1000),
		(int)getpid(), level_names[lvl], msg);
}

void log_msg(enum log_level lvl, int with_errno, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (lvl > log_max_level)
		return;
	va_start(ap, fmt);
	log_v(lvl, with_errno ? saved : 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERROR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
