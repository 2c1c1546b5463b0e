/*
 * Client connections: listeners, the TLS handshake, framing, limits and the
 * one close path.  A connection is named by (slot, generation); anything
 * that outlives a callback (a database query) holds that pair, never a
 * pointer, so an answer for a connection that has gone is dropped.
 */
#ifndef RIGBOOKD_CONN_H
#define RIGBOOKD_CONN_H

#include <stdint.h>

#include <event2/event.h>

#include "rigbook.pb-c.h"

struct config;

/* Limits that SIGHUP may change. */
struct conn_limits {
	uint32_t max_frame;
	int max_inflight;
	int handshake_timeout;
	int idle_timeout;
	int write_timeout;          /* no write progress for this long: closed */
	int frame_timeout;          /* a frame's first byte to its last */
	int max_output;             /* unsent answer bytes before reading pauses */
	int unauthenticated_share;  /* percent of max_connections not yet signed in */
	int max_per_address;        /* connections from one address (IPv6: one /64) */
	int max_per_member;         /* signed-in connections of one member */
	int max_failed_signins;     /* failed Hellos from one address in a burst */
	int failed_signin_interval; /* seconds that earn one more */
};

/* Who is on a connection, once Hello succeeded. */
struct session {
	uint64_t member_id;
	uint64_t startup_id;     /* 0 when none */
	uint64_t institution_id; /* 0 when none */
	int role;                /* Rigbook__Role */
	char handle[48];
};

int conn_module_init(struct event_base *base, const struct config *c)
	__attribute__((warn_unused_result));

/* Bind every listen address (before dropping privileges). */
int conn_listen_bind(const char *listen, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Start accepting (once the database pool is ready). */
void conn_listen_enable(void);

void conn_set_limits(const struct conn_limits *l);

/* The limits as configured. */
void conn_limits_from_config(const struct config *c, struct conn_limits *l);

/*
 * Send a response on connection (slot, gen) if it is still there.  Counts
 * the request as answered.  Returns 0 when sent, -1 when the connection has
 * gone (the response is dropped).
 */
int conn_send(uint32_t slot, uint32_t gen, const Rigbook__Response *resp);

/*
 * Push a server event (the Response's id stays 0) to (slot, gen).  Returns 0
 * when queued, -1 when the connection has gone or is closing, or was closed
 * just now because its peer has read nothing for write_timeout (the close
 * path runs from in here: events_conn_gone), 1 (nothing queued) when more
 * than max_backlog bytes wait to be sent to it already.  Never processes a
 * request from in here.
 */
int conn_push(uint32_t slot, uint32_t gen, const Rigbook__Response *resp, size_t max_backlog)
	__attribute__((warn_unused_result));

/* A watching connection is never closed as idle.  -1 when it has gone. */
int conn_set_watching(uint32_t slot, uint32_t gen, int on);

/*
 * Before a Hello's reply: whether member_id may sign in on (slot, gen) too.
 * Returns 0, or max_per_member when the member holds that many signed-in
 * connections already (the Hello is then refused).
 */
int conn_auth_admit(uint32_t slot, uint32_t gen, uint64_t member_id);

/*
 * Hello succeeded or failed on (slot, gen).  A failure whose answer was
 * UNAUTHENTICATED counts against the peer's address (max_failed_signins).
 */
void conn_auth_done(uint32_t slot, uint32_t gen, const struct session *s);
void conn_auth_failed(uint32_t slot, uint32_t gen);

/* Stop accepting, let in-flight requests finish, close everything. */
void conn_drain(void);

/* Connections open now. */
int conn_count(void);

void conn_module_free(void);

#endif
