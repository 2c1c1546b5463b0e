/*
 * fuzz_dispatch's stand-ins for db.c, conn.c, events.c and tls.c (see
 * dispatch_seam.h).  The database answers each query by the next mode in
 * turn: no rows, or one fixed error; only the token lookup of Hello answers a
 * row, for the role the input chose.  Every reply the dispatcher sends is
 * packed, as conn.c would, and checked to answer the request it was for.
 */
#include "dispatch_seam.h"
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "db.h"
#include "dispatch.h"
#include "events.h"
#include "replica.h"
#include "rigbook/names.h"
#include "tls.h"

#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)

#define MAX_QUEUED 64

struct db_result {
	enum stmt_id stmt;
	int rows;
	int role;
};

struct queued {
	enum stmt_id stmt;
	db_cb cb;
	void *arg;
	enum seam_db_mode mode;
};

static struct {
	struct seam_conn *conn;
	const uint8_t *modes;
	size_t nmodes, next_mode;
	struct queued q[MAX_QUEUED];
	size_t nq;
} S;

void seam_begin(struct seam_conn *c, const uint8_t *modes, size_t n)
{
	memset(&S, 0, sizeof(S));
	S.conn = c;
	S.modes = modes;
	S.nmodes = n;
}

size_t seam_pending(void)
{
	return S.nq;
}

static enum seam_db_mode next_mode(void)
{
	if (S.nmodes == 0)
		return SEAM_DB_EMPTY;
	return (enum seam_db_mode)(S.modes[S.next_mode++ % S.nmodes] % SEAM_DB_MODES);
}

void seam_run_queries(void)
{
	/* callbacks may queue more: take them in order until none is left */
	while (S.nq > 0) {
		struct queued q = S.q[0];
		struct db_error e;

		memmove(&S.q[0], &S.q[1], (S.nq - 1) * sizeof(S.q[0]));
		S.nq--;
		memset(&e, 0, sizeof(e));
		e.column = "";
		e.detail = "";
		e.hint = "";
		e.reason = "";
		e.sqlstate = "";
		e.stmt = "fuzz";
		switch (q.mode) {
		case SEAM_DB_REFUSAL:
			e.code = RIGBOOK__ERROR_CODE__FAILED_PRECONDITION;
			e.message = "refused by the rules";
			e.column = "start";
			e.hint = "{\"reason\": \"outside_hours\", \"args\": {\"resource\": \"dyno-1\", "
				 "\"start\": 1796263200}, \"v\": 1}";
			e.sqlstate = "RB001";
			q.cb(q.arg, NULL, &e);
			break;
		case SEAM_DB_CONFLICT:
			e.code = RIGBOOK__ERROR_CODE__CONFLICT;
			e.message = "dyno-1 is already booked";
			e.detail = "7 1796263200 1796270400";
			e.sqlstate = "23P01";
			q.cb(q.arg, NULL, &e);
			break;
		case SEAM_DB_LOST:
			e.code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
			e.message = "the database is unavailable; retry";
			e.reason = "database_unavailable";
			q.cb(q.arg, NULL, &e);
			break;
		default: {
			struct db_result r = { q.stmt, 0, -1 };

			if (q.stmt == STMT_AUTH && S.conn->auth_role >= 0) {
				r.rows = 1;
				r.role = S.conn->auth_role;
			}
			q.cb(q.arg, &r, NULL);
			break;
		}
		}
	}
}

/* ------------------------------------------------------------ db.c */

int db_query(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb, void *arg)
{
	enum seam_db_mode mode = next_mode();

	CHECK(cb != NULL);
	CHECK(nparams >= 0 && (nparams == 0 || params != NULL));
	/* parameters are copied by the real pool: each must be a string now */
	for (int i = 0; i < nparams; i++)
		if (params[i] != NULL)
			(void)strlen(params[i]);
	if (mode == SEAM_DB_DOWN)
		return RIGBOOK__ERROR_CODE__UNAVAILABLE;
	if (mode == SEAM_DB_FULL || S.nq == MAX_QUEUED)
		return RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED;
	S.q[S.nq].stmt = stmt;
	S.q[S.nq].cb = cb;
	S.q[S.nq].arg = arg;
	S.q[S.nq].mode = mode;
	S.nq++;
	return 0;
}

int db_query_read(int on_replica, enum stmt_id stmt, const char *const *params, int nparams,
		  db_cb cb, void *arg)
{
	(void)on_replica;
	return db_query(stmt, params, nparams, cb, arg);
}

/* replica.c: no replica */
int replica_read_ok(uint64_t member_id)
{
	(void)member_id;
	return 0;
}

void replica_wrote(uint64_t member_id, uint64_t at)
{
	(void)member_id;
	(void)at;
}

int db_ntuples(const struct db_result *res)
{
	return res->rows;
}

static int auth_row(const struct db_result *res, int row)
{
	CHECK(row >= 0);
	return res->stmt == STMT_AUTH && row < res->rows;
}

const char *db_get(const struct db_result *res, int row, enum col col)
{
	if (!auth_row(res, row))
		return "";
	switch (col) {
	case AUTH_ROLE: return rb_role_name(res->role);
	case AUTH_HANDLE: return "fuzz";
	case AUTH_NAME: return "Fuzz Member";
	case AUTH_STARTUP: return "acme";
	default: return "";
	}
}

int db_isnull(const struct db_result *res, int row, enum col col)
{
	(void)col;
	return !auth_row(res, row);
}

int64_t db_get_int64(const struct db_result *res, int row, enum col col)
{
	if (!auth_row(res, row))
		return 0;
	return col == AUTH_ID || col == AUTH_STARTUP_ID ? 1 : 0;
}

int db_get_bool(const struct db_result *res, int row, enum col col)
{
	(void)res;
	(void)row;
	(void)col;
	return 0;
}

/* ------------------------------------------------------------ conn.c */

int conn_send(uint32_t slot, uint32_t gen, const Rigbook__Response *resp)
{
	size_t n;
	uint8_t *buf;
	Rigbook__Response *back;

	CHECK(slot == S.conn->slot && gen == S.conn->gen);
	CHECK(resp->body_case != RIGBOOK__RESPONSE__BODY__NOT_SET);
	if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR) {
		/* every refusal names its rule */
		CHECK(resp->error != NULL && resp->error->reason != NULL &&
		      resp->error->reason[0] != '\0');
		CHECK(resp->error->code != 0);
	}
	/* what conn.c sends must pack and read back */
	n = rigbook__response__get_packed_size(resp);
	buf = malloc(n + 1);
	CHECK(buf != NULL);
	CHECK(rigbook__response__pack(resp, buf) == n);
	back = rigbook__response__unpack(NULL, n, buf);
	CHECK(back != NULL);
	CHECK(back->id == resp->id && back->body_case == resp->body_case);
	rigbook__response__free_unpacked(back, NULL);
	free(buf);
	S.conn->sends++;
	S.conn->last_id = resp->id;
	return 0;
}

int conn_push(uint32_t slot, uint32_t gen, const Rigbook__Response *resp, size_t max_backlog)
{
	(void)max_backlog;
	CHECK(resp->id == 0);
	return conn_send(slot, gen, resp) == 0 ? 0 : -1;
}

int conn_set_watching(uint32_t slot, uint32_t gen, int on)
{
	(void)on;
	return slot == S.conn->slot && gen == S.conn->gen ? 0 : -1;
}

void conn_auth_done(uint32_t slot, uint32_t gen, const struct session *s)
{
	CHECK(slot == S.conn->slot && gen == S.conn->gen);
	CHECK(!S.conn->authed && !S.conn->auth_failed);
	S.conn->authed = 1;
	S.conn->sess = *s;
}

void conn_auth_failed(uint32_t slot, uint32_t gen)
{
	CHECK(slot == S.conn->slot && gen == S.conn->gen);
	S.conn->auth_failed = 1;
}

/* No client certificate on the fuzzed connection. */
const char *conn_client_cert(uint32_t slot, uint32_t gen, int64_t *not_after)
{
	(void)slot;
	(void)gen;
	if (not_after != NULL)
		*not_after = 0;
	return NULL;
}

/* ------------------------------------------------------------ events.c */

int events_live(void)
{
	return 1;
}

int events_watch(uint32_t slot, uint32_t gen, const struct ev_scope *scope)
{
	CHECK(scope != NULL);
	return slot == S.conn->slot && gen == S.conn->gen ? 0 : -1;
}

int events_unwatch(uint32_t slot, uint32_t gen)
{
	(void)slot;
	(void)gen;
	return 0;
}

/* ------------------------------------------------------------ tls.c */

void tls_sha256_hex(const void *data, size_t len, char out[65])
{
	/* not a hash: a fixed digest of the right form is all the handlers need */
	(void)data;
	(void)len;
	memset(out, 'a', 64);
	out[64] = '\0';
}

int tls_client_auth(void)
{
	return TLS_CLIENT_AUTH_OFF;
}

int tls_random_token(char out[TLS_TOKEN_LEN + 1])
{
	memcpy(out, "rbk_", 4);
	memset(out + 4, '0', TLS_TOKEN_LEN - 4);
	out[TLS_TOKEN_LEN] = '\0';
	return 0;
}

/* ------------------------------------------------------------ metrics.c */

void metrics_answer(const char *type, int code, const char *reason, uint64_t usec)
{
	(void)type;
	(void)code;
	(void)reason;
	(void)usec;
}

uint64_t metrics_now_usec(void)
{
	return 0;
}

/* ------------------------------------------------------------ feed.c */

/* A daemon serving feeds, so that the feed request reaches the database. */
const char *feed_base_url(void)
{
	return "https://127.0.0.1:7443";
}

/* ------------------------------------------------------------ conn.c: the per-member cap */

/* No member holds connections here: every sign-in is admitted. */
int conn_auth_admit(uint32_t slot, uint32_t gen, uint64_t member_id)
{
	(void)slot;
	(void)gen;
	(void)member_id;
	return 0;
}
