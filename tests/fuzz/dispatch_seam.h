/*
 * The link-time seam of fuzz_dispatch: fuzz-only implementations of what the
 * dispatcher and the handlers call outside themselves (db.c's queries and
 * result readers, conn.c's replies and sign-in, events.c's watch list,
 * tls.c's two helpers), so that a sequence of requests runs through
 * dispatch.c, the svc_*.c handlers and rows.c for real, with the database
 * answering by a fixed rule.
 */
#ifndef RIGBOOK_FUZZ_DISPATCH_SEAM_H
#define RIGBOOK_FUZZ_DISPATCH_SEAM_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"

/* How the stubbed database answers the next queries (one mode a query, in turn). */
enum seam_db_mode {
	SEAM_DB_EMPTY,       /* no rows */
	SEAM_DB_REFUSAL,     /* an RB refusal with a reason and arguments in its HINT */
	SEAM_DB_CONFLICT,    /* CONFLICT naming a booking */
	SEAM_DB_LOST,        /* UNAVAILABLE: the connection was lost while answering */
	SEAM_DB_DOWN,        /* db_query refuses at once: no connection */
	SEAM_DB_FULL,        /* db_query refuses at once: the queue is full */
	SEAM_DB_MODES
};

/* What one connection went through. */
struct seam_conn {
	uint32_t slot, gen;
	int authed, auth_failed; /* conn_auth_done / conn_auth_failed called */
	struct session sess;
	size_t sends;            /* conn_send calls */
	uint64_t last_id;        /* the id of the last response sent */
	int auth_role;           /* the role the token lookup answers; -1: no such token */
};

/* Start a connection's run: modes (n of them, used in turn) steer the database. */
void seam_begin(struct seam_conn *c, const uint8_t *modes, size_t n);

/*
 * Run the callbacks of the queries queued so far, as the event loop would
 * after the handler returned (and those that they queue).
 */
void seam_run_queries(void);

/* Queries queued and not yet answered. */
size_t seam_pending(void);

#endif
