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
};

/*
 * Called exactly once per query: with res on success, err on failure.  Both
 * are valid only during the call.
 */
typedef void (*db_cb)(void *arg, const struct db_result *res, const struct db_error *err);

/* Called once, the first time a pool connection is ready for queries. */
typedef void (*db_ready_cb)(void *arg);

int db_pool_start(struct event_base *base, const char *conninfo, int size, int max_queue,
		  db_ready_cb ready, void *ready_arg) __attribute__((warn_unused_result));

/*
 * Queue a prepared statement.  Parameters are copied; NULL means SQL NULL.
 * Returns 0 when queued (cb will run later, never from inside this call), or
 * a wire error code when the query cannot be queued now: UNAVAILABLE (no
 * database connection) or RESOURCE_EXHAUSTED (queue full).
 */
int db_query(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb, void *arg)
	__attribute__((warn_unused_result));

int db_ntuples(const struct db_result *res);
const char *db_get(const struct db_result *res, int row, int col); /* "" for NULL */
int db_isnull(const struct db_result *res, int row, int col);
int64_t db_get_int64(const struct db_result *res, int row, int col);
int db_get_bool(const struct db_result *res, int row, int col);

/* Connections ready or busy, for logs and health. */
int db_pool_live(void);

/* Close every connection; queued queries get UNAVAILABLE. */
void db_pool_stop(void);

/* Queries queued plus in flight. */
int db_pool_pending(void);

#endif
