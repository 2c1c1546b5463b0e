/*
 * Live events.  rb_emit_event() (0008_events.sql) announces each change in
 * the changing transaction, by the transport the database was given at
 * start-up (events_define_transport): a transactional logical decoding
 * message (prefix 'rigbook'), or NOTIFY on 'rigbook_events' as the
 * fallback.  One libpq connection of our own (not from the pool), inside
 * the event loop and never blocking, asks which, then either LISTENs or
 * becomes a replication connection streaming a temporary logical slot
 * (pgoutput, messages only).  Every payload is parsed (evparse.c) and
 * pushed, as an Event with id 0, to the connections that watch and may see
 * it.  When that connection is lost it comes back with backoff, and the
 * watchers get a 'resync' event: what was committed meanwhile was not heard.
 */
#ifndef RIGBOOKD_EVENTS_H
#define RIGBOOKD_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "evparse.h"

typedef struct pg_conn PGconn; /* libpq-fe.h's, which this header does not need */

/* Start listening (connects in the background). */
int events_start(struct event_base *base, const char *conninfo, size_t backlog)
	__attribute__((warn_unused_result));

/* The unsent bytes a watcher may hold before its events stop (SIGHUP). */
void events_set_backlog(size_t backlog);

/* Whether the transport asked for can be had here (start-up, before the schema work). */
int events_transport_possible(PGconn *pg, const char *want, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * Start-up only, blocking, inside the migration's transaction on pg (as the
 * schema's owner): choose how events leave the database, want being "auto",
 * "logical" or "notify" (NULL: auto), and (re)define rb_event_transport(),
 * which rb_emit_event() asks.  auto is logical when the database allows it
 * (wal_level = logical, wal senders and slots, a role with REPLICATION or
 * SUPERUSER), otherwise notify with a warning; logical when it does not is
 * refused with a message in err.  Creates the publication pgoutput needs.
 * When the transport changes, the daemons running on the database are told
 * (on the old transport) at commit and reconnect by the new one.
 */
int events_define_transport(PGconn *pg, const char *want, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* The configured events_transport, kept for the migration step (main.c). */
void events_set_transport_wanted(const char *want);

/* db_timeout: a connect or a command on the event connection the database
 * does not answer within this many seconds fails (and is retried); 0: no
 * deadline. */
void events_set_timeout(int seconds);
const char *events_transport_wanted(void);

/* The database is reachable again (db.c, the managed cluster): reconnect now, not after backoff. */
void events_database_back(void);

/* Whether events flow now (LISTEN in force, or the replication stream running). */
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

/*
 * The connection (slot, gen) closed (conn.c's close path): it hears no more
 * events.  Its watcher's memory stays until events_conn_reaped.
 */
void events_conn_gone(uint32_t slot, uint32_t gen);

/*
 * The connection (slot, gen) is freed (conn.c's reap step, at the end of
 * the loop turn): the watcher's memory goes with it.  This and
 * events_stop are the only places a watcher is freed, so nothing that
 * runs while events are pushed can free one under push()'s feet.
 */
void events_conn_reaped(uint32_t slot, uint32_t gen);

/* Close the listening connection and forget every watcher. */
void events_stop(void);

/* For metrics: whether events stream now and by which transport; for the
 * logical stream, the delay between the server sending its last message
 * and its arrival (seconds), and the time since anything arrived. */
void events_status(int *live, int *logical, double *lag, double *quiet);

#endif
