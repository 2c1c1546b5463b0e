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

/*
 * One line per event: libpq's messages run over several lines (a detail,
 * a tab-indented hint); each line break, with the blanks after it, becomes
 * one space, and trailing blanks go.
 */
static void one_line(char *msg)
{
	char *w = msg;

	for (const char *r = msg; *r != '\0';) {
		if (*r == '\n' || *r == '\r') {
			while (*r == '\n' || *r == '\r' || *r == '\t' || *r == ' ')
				r++;
			if (*r != '\0' && w != msg && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = *r == '\t' ? ' ' : *r;
		r++;
	}
	while (w > msg && w[-1] == ' ')
		w--;
	*w = '\0';
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
	one_line(msg);
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
