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

/*
 * The instants rigbook handles, the clients and the server alike: from
 * 1970-01-01 00:00:00 UTC to 9999-12-31 23:59:59 UTC.  rb_time_parse()
 * refuses a time outside, rigbookd a request that carries one.
 */
#define RB_TIME_MIN INT64_C(0)
#define RB_TIME_MAX INT64_C(253402300799)

/*
 * The messages left in err are English.  A program that shows them in the
 * reader's language sets this once, before the first call, to its
 * catalogue's lookup (gettext): each message's English format is looked up
 * before it is filled in; a day's name is looked up as "weekly\004mon"
 * (pgettext's key) and stays "mon" when that comes back unchanged.  NULL,
 * the default, keeps the English.
 */
extern const char *(*rb_time_translate)(const char *msgid);

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
 * one they pass twice means the earlier instant.  A time outside
 * RB_TIME_MIN..RB_TIME_MAX is refused ("... is before 1970: ...").  Returns
 * 0 and sets *out, or -1 with a message in err.
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

/* ------------------------------------------------------------ dates */

/* A calendar date (proleptic Gregorian). */
struct rb_date {
	int year, month, day;
};

/* Big enough for "2026-12-03" and "2026-W49". */
#define RB_DATE_TEXT 16

/* Parse "YYYY-MM-DD" strictly.  Returns 0, or -1 with a message in err. */
int rb_date_parse(const char *s, struct rb_date *d, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* "2026-12-03" */
void rb_date_format(const struct rb_date *d, char *buf, size_t len);

/* The weekday of d: 1 (Monday) to 7 (Sunday). */
int rb_date_weekday(const struct rb_date *d);

/* d moved by n days (n may be negative). */
struct rb_date rb_date_add(const struct rb_date *d, int n);

/* Days from a to b (b - a). */
int64_t rb_date_diff(const struct rb_date *a, const struct rb_date *b);

/*
 * Parse an ISO 8601 week, "2026-W49" ('w' also accepted): sets *monday to its
 * first day.  Week 53 exists only in years that have one.  Returns 0, or -1
 * with a message in err.
 */
int rb_iso_week_parse(const char *s, struct rb_date *monday, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* The ISO week a date lies in: its year (which may differ from d's) and number. */
void rb_iso_week(const struct rb_date *d, int *year, int *week);

/* "2026-W49" for the week d lies in. */
void rb_iso_week_format(const struct rb_date *d, char *buf, size_t len);

/*
 * The local date and the minutes since local midnight (0-1439) of instant t
 * in tz.  Returns 0, or -1 when the zone is unknown.
 */
int rb_time_local(int64_t t, const char *tz, struct rb_date *d, int *minute)
	__attribute__((warn_unused_result));

/*
 * The instant of `minute` (0-1440; 1440 is the next midnight) on local date d
 * in tz.  A local time the clocks skip becomes the first instant after the
 * jump; one they pass twice means the earlier instant.  Returns 0, or -1 when
 * the zone is unknown or the minute out of range.
 */
int rb_time_at(const struct rb_date *d, int minute, const char *tz, int64_t *out)
	__attribute__((warn_unused_result));

/* ------------------------------------------------------------ weekly hours */

/* Minutes after local midnight: opens < closes <= 1440. */
struct rb_day_window {
	int opens, closes;
};

/* The same on a weekday, 1 (Monday) to 7 (Sunday). */
struct rb_weekly_window {
	int weekday;
	int opens, closes;
};

/* Big enough for any rb_weekly_format() of up to 100 windows. */
#define RB_WEEKLY_TEXT 2048

/*
 * Parse a weekly spec such as
 *     mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00
 * Groups are separated by ';'.  Each is a comma list of days and day ranges
 * (mon, tue, wed, thu, fri, sat, sun; "mon-fri", "mon,wed", "mon-wed,fri"),
 * then a comma list of windows HH:MM-HH:MM (24:00 allowed as an end).  Upper
 * case is accepted; spaces around ',' and '-' are not significant.  Windows of
 * one day must not overlap (touching is fine).  Writes at most max windows to
 * out, sorted by weekday and opening time, and their count to *n.  Returns 0,
 * or -1 with a message in err naming the part that is wrong.
 */
int rb_weekly_parse(const char *spec, struct rb_weekly_window *out, size_t max, size_t *n,
		    char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * Parse the windows of one day, "09:00-12:00,13:00-15:00", as above: sorted,
 * not overlapping.  Returns 0, or -1 with a message in err.
 */
int rb_day_windows_parse(const char *s, struct rb_day_window *out, size_t max, size_t *n,
			 char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * The spec for a set of weekly windows (any order), days with the same windows
 * grouped, groups ordered by their first day:
 *     mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00
 * "" for none.  Returns 0, or -1 when buf is too small or a window is invalid.
 */
int rb_weekly_format(const struct rb_weekly_window *w, size_t n, char *buf, size_t len)
	__attribute__((warn_unused_result));

/* "09:00-12:00,13:00-15:00" (any order in, sorted out).  Returns 0 or -1. */
int rb_day_windows_format(const struct rb_day_window *w, size_t n, char *buf, size_t len)
	__attribute__((warn_unused_result));

/* "08:30", "24:00" for minutes 0-1440. */
void rb_minute_format(int minute, char *buf, size_t len);

/* "mon" .. "sun" for 1-7; "?" otherwise. */
const char *rb_weekday_name(int weekday);

#endif
