/*
 * The no-show sweep: a timer that asks the database, through the pool, to
 * mark the confirmed bookings nobody checked in for (rb_mark_no_shows).
 * The database makes it safe for any number of daemons to sweep at once.
 */
#ifndef RIGBOOKD_SWEEP_H
#define RIGBOOKD_SWEEP_H

#include <event2/event.h>

/* Sweep every interval seconds from now on; 0: never.  Returns 0 or -1. */
int sweep_start(struct event_base *base, int interval) __attribute__((warn_unused_result));

/* A new interval (on reload); 0 stops sweeping, anything else (re)starts it. */
void sweep_set_interval(int interval);

/*
 * No further sweeps.  When one is in flight, idle (if not NULL) is called
 * once it has finished, so that a drain waiting for the pool to empty can
 * look again.
 */
void sweep_stop(void (*idle)(void));

/* Release the timer (after the pool has stopped). */
void sweep_free(void);

#endif
