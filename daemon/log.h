/* Logging to stderr.  The _x variants do not append strerror(errno). */
#ifndef RIGBOOKD_LOG_H
#define RIGBOOKD_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

extern enum log_level log_max_level;

int log_set_level(const char *name) __attribute__((warn_unused_result));

void log_msg(enum log_level lvl, int with_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_warn(...) log_msg(LOG_WARN, 1, __VA_ARGS__)
#define log_warnx(...) log_msg(LOG_WARN, 0, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, 1, __VA_ARGS__)
#define log_errorx(...) log_msg(LOG_ERROR, 0, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, 0, __VA_ARGS__)
#define log_debug(...)                                        \
	do {                                                  \
		if (log_max_level >= LOG_DEBUG)               \
			log_msg(LOG_DEBUG, 0, __VA_ARGS__);   \
	} while (0)

/* Start-up failures and broken invariants only. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
