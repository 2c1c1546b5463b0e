/*
 * Live events.  One libpq connection of its own (not from the pool) LISTENs
 * on 'rigbook_events', inside the event loop and never blocking; every
 * notification is parsed (evparse.c) and pushed, as an Event with id 0, to
 * the connections that watch and may see it.  When that connection is lost
 * it comes back with backoff, and the watchers get a 'resync' event: what
 * was committed meanwhile was not heard.
 */
#ifndef RIGBOOKD_EVENTS_H
#define RIGBOOKD_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "evparse.h"

/*
 * At start-up, inside the migration transaction: decide how events travel
 * (want: auto, logical, notify) and define rb_event_transport() to say so.
 */
int events_define_transport(PGconn *pg, const char *want, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Start listening (connects in the background). */
int events_start(struct event_base *base, const char *conninfo, size_t backlog)
	__attribute__((warn_unused_result));

/* The unsent bytes a watcher may hold before its events stop (SIGHUP). */
void events_set_backlog(size_t backlog);

/* Whether LISTEN is in force now. */
int events_live(void);

/* Watchers now. */
int events_watchers(void);

/*
 * Connection (slot, gen) watches with scope (a second call replaces its
 * filter).  The caller has checked that the connection is there.
 */
int events_watch(uint32_t slot, uint32_t gen, const struct ev_scope *scope)
	__attribute__((warn_unused_result));

/* Stop watching; returns whether it was. */
int events_unwatch(uint32_t slot, uint32_t gen);

/* The connection in slot closed (conn.c's close path). */
void events_conn_gone(uint32_t slot);

/* Close the listening connection and forget every watcher. */
void events_stop(void);

#endif
