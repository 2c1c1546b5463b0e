/*
 * Bookings as an RFC 5545 iCalendar stream that calendar programs import:
 * one VCALENDAR (METHOD:PUBLISH) with one VEVENT per booking, times in UTC,
 * TEXT values escaped, every line ending in CRLF and folded at 75 octets
 * without splitting a UTF-8 sequence or an escape.  The client's
 * `bookings --ics` and the daemon's calendar feed write with it.
 */
#ifndef RIGBOOK_ICS_H
#define RIGBOOK_ICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rigbook.pb-c.h"

/* Longest content line, in octets, CRLF not counted (RFC 5545 3.1). */
#define ICS_LINE_MAX 75

/*
 * s as an iCalendar TEXT value: backslash, semicolon and comma escaped with a
 * backslash, a newline (LF, CRLF or a lone CR) as \n, other control
 * characters as '?', invalid UTF-8 as U+FFFD.  NULL is "".  A malloc'd
 * string (free() it), or NULL when out of memory.
 */
char *ics_escape_text(const char *s);

/*
 * Write one content line: folded into pieces of at most ICS_LINE_MAX octets
 * (a continuation starts with one space, which counts), each ending in CRLF.
 * A fold never falls inside a UTF-8 sequence nor between a backslash and the
 * character it escapes.  line holds no CR or LF.
 */
void ics_put_line(FILE *f, const char *line);

/* "20261203T100000Z": t (seconds since the epoch) in UTC, in buf (>= 17 octets). */
void ics_utc_text(int64_t t, char *buf, size_t len);

/* The STATUS of a booking in a state: TENTATIVE, CONFIRMED or CANCELLED. */
const char *ics_status(int state);

/*
 * What a booking's UID names after the @: the caller's space code when the
 * session has one, else the host part of the server address ("host:port",
 * "[::1]:port"), else "rigbook".  Written to buf, which is returned.
 */
const char *ics_domain(const char *space_code, const char *server, char *buf, size_t len);

/*
 * The whole calendar for n bookings.  domain names where the bookings live
 * (UID "booking-ID@domain", stable for a booking); now is the DTSTAMP.
 * Returns 0, or -1 when out of memory (the stream is then incomplete).
 */
int ics_write_calendar(FILE *f, Rigbook__Booking *const *bookings, size_t n, const char *domain,
		       int64_t now) __attribute__((warn_unused_result));

#endif
