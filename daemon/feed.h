/*
 * The calendar feed: a TLS HTTP listener (feed_listen) serving each member's
 * private iCalendar address, GET /ical/SECRET.ics, with the bookings the
 * feed covers, written by the same RFC 5545 writer as the client's
 * `bookings --ics`; and the request that issues and replaces the secret.
 * Only the secret's SHA-256 is stored.  ETag and If-None-Match let calendar
 * programs poll cheaply.
 */
#ifndef RIGBOOK_FEED_H
#define RIGBOOK_FEED_H

#include <stddef.h>

struct event_base;
struct config;

/* A feed's path: FEED_PREFIX, the secret, FEED_SUFFIX. */
#define FEED_PREFIX "/ical/"
#define FEED_SUFFIX ".ics"

/* Serve on c->feed_listen (nothing when empty).  0, or -1 with err. */
int feed_start(struct event_base *base, const struct config *c, char *err, size_t errlen);
void feed_stop(void);

/* How feed addresses start ("https://host:port"), or NULL when this daemon
 * serves no feeds. */
const char *feed_base_url(void);

#endif
