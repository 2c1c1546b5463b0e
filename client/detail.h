/*
 * A resource's detail (ResourceDetail) for people and for programs: what
 * `show` prints, and what the commands that change a resource print after
 * the change.  Times are shown in the resource's own zone.
 */
#ifndef RIGBOOK_CLIENT_DETAIL_H
#define RIGBOOK_CLIENT_DETAIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "rigbook.pb-c.h"

/* Big enough for detail_rules_text(). */
#define DETAIL_RULES_TEXT 512

/* "30 min", "1 h", "1 h 30 min", "24 h", "3 days". */
void detail_minutes_text(uint32_t minutes, char *buf, size_t len);

/*
 * The rules in words: "slot 30 min, 1 h to 8 h, book 24 h ahead, at most 30
 * days ahead, 15 min buffer, ..."; "no booking rules" when every rule is off.
 */
void detail_rules_text(const Rigbook__Rules *r, char *buf, size_t len);

/*
 * Weekly windows as a spec, "mon-fri 08:30-12:00,13:30-18:00; sat
 * 09:00-12:00" ("" for none).  Returns 0, or -1 when they do not fit or are
 * not windows.
 */
int detail_weekly_text(Rigbook__WeeklyWindow *const *w, size_t n, char *buf, size_t len);

/* An exception's windows, "09:00-12:00,13:00-15:00".  Returns 0 or -1. */
int detail_day_text(Rigbook__DayWindow *const *w, size_t n, char *buf, size_t len);

/* "closed all day" or "open 09:00-12:00,13:00-15:00", then " (reason)". */
void detail_exception_text(const Rigbook__DateException *e, char *buf, size_t len);

/*
 * "closed 10:00-12:00 on 2026-12-03: reason", "closed for maintenance ...",
 * in tz, with " (tz)" after the window when with_zone.
 */
void detail_closure_text(const Rigbook__Closure *c, const char *tz, int with_zone, char *buf,
			 size_t len);

/* Everything, as `show` prints it. */
void detail_print(FILE *f, const Rigbook__ResourceDetail *d);

/* The rules as a JSON object. */
void detail_json_rules(struct out_json *j, const Rigbook__Rules *r);

/* A closure as a JSON object, times also local to tz. */
void detail_json_closure(struct out_json *j, const Rigbook__Closure *c, const char *tz);

/* Everything, as one JSON object (the cancelled bookings included). */
void detail_json(struct out_json *j, const Rigbook__ResourceDetail *d);

/* detail_json() as a whole document on stdout. */
void detail_json_print(const Rigbook__ResourceDetail *d);

/* "cancelled 42: dyno-1 10:00-12:00 on ... (zone)" and who held it, per booking. */
/* The bookings a forced change of hours cancelled (only their ids are known). */
void detail_print_cancelled_ids(FILE *f, const Rigbook__ResourceDetail *d);
void detail_print_cancelled(FILE *f, Rigbook__Booking *const *b, size_t n);

/*
 * spec, a weekly text ("mon-fri 08:30-12:00"), with the days in the reader's
 * language, into buf; returns buf.
 */
const char *detail_weekdays_local(const char *spec, char *buf, size_t len);

#endif
