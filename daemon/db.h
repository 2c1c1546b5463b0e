/*
 * The asynchronous PostgreSQL pool.  Runs inside the event loop: queries are
 * sent with PQsendQueryPrepared on nonblocking connections whose sockets are
 * registered with libevent; nothing here ever waits.  The only daemon file
 * that includes libpq-fe.h.
 */
#ifndef RIGBOOKD_DB_H
#define RIGBOOKD_DB_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "sql.h"

struct db_result;

/* A failed query, mapped to a wire error code (Rigbook__ErrorCode). */
struct db_error {
	int code;
	const char *message; /* for the user */
	const char *column;  /* the request field at fault, or "" */
	const char *detail;  /* machine detail (CONFLICT: "<id> <start> <end>"), or "" */
	/*
	 * A refusal of the SQL (SQLSTATE class RB): its HINT, the reason and
	 * arguments as JSON (refusal.h), or "".  PostgreSQL's own hints, on
	 * other SQLSTATEs, are never passed on.
	 */
	const char *hint;
	/* The reason when this file mapped the error itself (deadlock, lost connection), or "" */
	const char *reason;
	const char *sqlstate; /* for logs: the SQLSTATE, or "" when there was none */
	const char *stmt;     /* for logs: the statement's name, or "" */
};

/*
 * Called exactly once per query: with res on success, err on failure.  Both
 * are valid only during the call.
 */
typedef void (*db_cb)(void *arg, const struct db_result *res, const struct db_error *err);

/*
 * Called once: when the first pool connection is ready for queries (refusal
 * NULL), or when the database does not answer what the code reads (refusal
 * says so; each mismatch, naming the statement and the column, was logged
 * before).  After a refusal the pool takes no queries and the caller should
 * stop.
 *
 * Before the first connection is ready, it prepares every statement of
 * sql.c and describes it (PQsendDescribePrepared); the result columns each
 * statement's entry declares are looked up by name, once, and their
 * positions kept for db_get() and the others.  A missing, ambiguous or
 * differently typed column, or a statement the schema cannot prepare, is a
 * refusal.  Later connections describe too and are dropped (and retried)
 * if their results differ from the first's.
 */
typedef void (*db_ready_cb)(void *arg, const char *refusal);

/*
 * timeout_s bounds connecting and every command: past it the connection is
 * dropped and its query answered UNAVAILABLE (database_timeout); the server
 * gets statement_timeout a second shorter, TCP keepalives, and a host name
 * resolved asynchronously (evdns) and passed as hostaddr.
 */
int db_pool_start(struct event_base *base, const char *conninfo, int size, int max_queue,
		  int timeout_s, db_ready_cb ready, void *ready_arg) __attribute__((warn_unused_result));

/*
 * The pool of a hot standby (read_database_url): the same statements,
 * prepared and described on each connection, which must agree with the
 * primary's columns (so start it once the primary's pool is ready); its
 * connections reconnect with backoff as the primary's do.
 */
int db_replica_start(struct event_base *base, const char *conninfo, int size, int max_queue,
		     int timeout_s) __attribute__((warn_unused_result));

/*
 * Queue a prepared statement.  Parameters are copied; NULL means SQL NULL.
 * Returns 0 when queued (cb will run later, never from inside this call), or
 * a wire error code when the query cannot be queued now: UNAVAILABLE (no
 * database connection) or RESOURCE_EXHAUSTED (queue full).
 */
int db_query(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb, void *arg)
	__attribute__((warn_unused_result));

/*
 * A read that may lag (the dispatch table's replica rows): on the replica
 * when on_replica (replica.c decides), else, or when the replica cannot take
 * it, on the primary.  A replica that fails to answer it (its connection
 * lost, a timeout, a conflict with recovery: anything but a result or a
 * refusal of the request's data) hands it to the primary, so no read fails
 * because the replica did.  Returns as db_query.
 */
int db_query_read(int on_replica, enum stmt_id stmt, const char *const *params, int nparams,
		  db_cb cb, void *arg) __attribute__((warn_unused_result));

/* A question for the replica itself (its replay position): never the primary's. */
int db_replica_query(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb,
		     void *arg) __attribute__((warn_unused_result));

/*
 * Reading a result: col is a key of sql.h (what the column means), not a
 * position; the statement's declaration in sql.c says which column holds
 * it.  A key the statement does not declare reads as NULL (and is logged:
 * a slip in sql.c).
 */
int db_ntuples(const struct db_result *res);
const char *db_get(const struct db_result *res, int row, enum col col); /* "" for NULL */
int db_isnull(const struct db_result *res, int row, enum col col);
int64_t db_get_int64(const struct db_result *res, int row, enum col col);
int db_get_bool(const struct db_result *res, int row, enum col col); /* 't...' is true */

/*
 * The database is reachable again (another connection got through, or the
 * managed cluster was restarted): connections waiting out their backoff
 * connect now.
 */
void db_database_back(void);

/*
 * Where the database's host name last resolved to, for a connection made
 * outside the pool (events.c) that must not resolve it in the event loop:
 * 0 when the configuration needs no lookup (an address, a socket), 1 with
 * the host list and its addresses (libpq's host and hostaddr), -1 while no
 * lookup has succeeded yet.
 */
int db_host_addresses(const char **hosts, const char **addrs);

/* Connections ready or busy, for logs and health: the primary's, the replica's. */
int db_pool_live(void);
int db_replica_live(void);

/* Reads (db_query_read) answered by the primary and by the replica. */
void db_reads(uint64_t *primary, uint64_t *replica);

/* Close every connection; queued queries get UNAVAILABLE. */
void db_pool_stop(void);

/* Queries queued plus in flight. */
int db_pool_pending(void);

#endif
