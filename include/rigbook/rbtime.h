/*
 * Wall-clock times in IANA time zones, and durations.
 *
 * On the wire a time is int64 seconds since the epoch (UTC); people read and
 * type it as local time in a resource's zone.  A zone argument of NULL or ""
 * means the process's own local zone (TZ or /etc/localtime).
 *
 * The conversions switch the process's TZ under a lock and restore it, so
 * they are safe to call from several threads of one process, but not
 * concurrently with other code that calls localtime() or mktime().
 */
#ifndef RIGBOOK_RBTIME_H
#define RIGBOOK_RBTIME_H

#include <stddef.h>
#include <stdint.h>

/* Big enough for any rb_time_format() and rb_time_window() result. */
#define RB_TIME_TEXT 32
#define RB_WINDOW_TEXT 64

/*
 * Whether tz names a zone of the system's time zone database ("Asia/Shanghai").
 * Returns 0 when it does, -1 (and a message in err) when it does not.
 */
int rb_time_zone_check(const char *tz, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * Parse a point in time:
 *   YYYY-MM-DD HH:MM[:SS]     local time in tz ('T' may replace the space)
 *   YYYY-MM-DD                midnight (the first instant of that day) in tz
 * optionally followed by an offset, Z, +HH:MM, +HHMM or +HH (a space before it
 * is allowed); tz is then ignored.  A local time the clocks skip is refused;
 * one they pass twice means the earlier instant.  Returns 0 and sets *out,
 * or -1 with a message in err.
 */
int rb_time_parse(const char *s, const char *tz, int64_t *out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * As rb_time_parse(), for the end of a range: a bare date means the end of
 * that day (the first instant of the next), so "--to 2026-12-31" includes
 * the 31st.
 */
int rb_time_parse_until(const char *s, const char *tz, int64_t *out, char *err,
			size_t errlen) __attribute__((warn_unused_result));

/* "2026-12-03 10:00" (":SS" added when the seconds are not 0) in tz. */
int rb_time_format(int64_t t, const char *tz, char *buf, size_t len)
	__attribute__((warn_unused_result));

/*
 * The half-open window [start, end) in tz: "10:00-12:00 on 2026-12-03" when
 * it lies within one day, "2026-12-03 10:00 to 2026-12-05 12:00" otherwise.
 */
int rb_time_window(int64_t start, int64_t end, const char *tz, char *buf, size_t len)
	__attribute__((warn_unused_result));

/*
 * Parse a duration: one or more <number><unit> with units w, d, h, m, s in
 * that order, each at most once: "90m", "2h", "1h30m", "3d".  Returns 0 and
 * the seconds in *out, or -1 with a message in err.
 */
int rb_duration_parse(const char *s, int64_t *out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* The shortest such text for secs >= 0: "1h30m", "3d", "0s". */
int rb_duration_format(int64_t secs, char *buf, size_t len)
	__attribute__((warn_unused_result));

#endif
