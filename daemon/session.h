/*
 * Signed-in connections and the end of their access.  Each connection that
 * passed Hello is noted here by (slot, generation) with its member, its
 * token (or client certificate) and its expiry.  Access ends when the token
 * or certificate is revoked or the member disabled (an 'access_ended' event from the database, heard by
 * every daemon: sql/events.sql, events.c) or when the token expires (a
 * timer per connection).  A connection whose access has ended hears a last
 * event if it watches, stops watching, and its next request is answered
 * UNAUTHENTICATED and closes it (dispatch.c).  Implemented in svc_session.c.
 */
#ifndef RIGBOOKD_SESSION_H
#define RIGBOOKD_SESSION_H

#include <stdint.h>

#include <event2/event.h>

int session_start(struct event_base *base) __attribute__((warn_unused_result));
void session_stop(void);

/* Whether the access of connection (slot, gen), signed in, has ended. */
int session_ended(uint32_t slot, uint32_t gen);

/*
 * The database said: token token_id (non-zero), or client certificate
 * cert_id (non-zero), or every token and certificate of member member_id
 * (both 0), no longer signs in.
 */
void session_access_ended(uint64_t member_id, uint64_t token_id, uint64_t cert_id);

/*
 * Ask the database which tokens and client certificates of the sessions
 * held here no longer sign in, and end those sessions: for when the event stream was interrupted
 * and revocations may not have been heard.
 */
void session_recheck(void);

/* The connection in slot closed. */
void session_conn_gone(uint32_t slot);

#endif
