#include "db.h"

#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <libpq-fe.h>

#include "log.h"
#include "rigbook.pb-c.h"

#define DB_MAX_PARAMS 24
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

enum pc_state {
	PC_DOWN,       /* waiting to reconnect */
	PC_CONNECTING, /* PQconnectPoll in progress */
	PC_PREPARING,  /* sending the prepared statements */
	PC_IDLE,
	PC_BUSY,       /* one query in flight */
	PC_BROKEN,     /* failed inside db_query; torn down by the kick */
};

struct dbq {
	TAILQ_ENTRY(dbq) link;
	enum stmt_id stmt;
	int nparams;
	const char *params[DB_MAX_PARAMS];
	db_cb cb;
	void *arg;
	char blob[]; /* parameter text */
};

TAILQ_HEAD(dbq_list, dbq);

struct pconn {
	int idx;
	enum pc_state state;
	PGconn *pg;
	evutil_socket_t fd;
	struct event *ev_io;    /* read (persistent once connected) */
	struct event *ev_write; /* one-shot, while output is pending */
	struct event *ev_timer; /* reconnect backoff */
	int backoff_ms;
	int prep_next;
	struct dbq *q;  /* in flight */
	PGresult *res;  /* first result of the command in flight */
};

static struct {
	struct event_base *base;
	char *conninfo;
	int size;
	int max_queue;
	struct pconn *conns;
	struct dbq_list queue;
	int queued;
	struct event *kick;
	db_ready_cb ready;
	void *ready_arg;
	int ready_fired;
	int stopping;
} P;

struct db_result {
	PGresult *res;
};

static void pc_io_cb(evutil_socket_t fd, short what, void *arg);
static void pc_write_cb(evutil_socket_t fd, short what, void *arg);
static void pc_next(struct pconn *pc);

/* ---------------------------------------------------------------- errors */

static int map_rb_class(const char *st)
{
	if (!strcmp(st, "RB400"))
		return RIGBOOK__ERROR_CODE__INVALID_ARGUMENT;
	if (!strcmp(st, "RB401"))
		return RIGBOOK__ERROR_CODE__UNAUTHENTICATED;
	if (!strcmp(st, "RB403"))
		return RIGBOOK__ERROR_CODE__PERMISSION_DENIED;
	if (!strcmp(st, "RB404"))
		return RIGBOOK__ERROR_CODE__NOT_FOUND;
	if (!strcmp(st, "RB409"))
		return RIGBOOK__ERROR_CODE__CONFLICT;
	if (!strcmp(st, "RB412"))
		return RIGBOOK__ERROR_CODE__FAILED_PRECONDITION;
	if (!strcmp(st, "RB429"))
		return RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED;
	return RIGBOOK__ERROR_CODE__INTERNAL;
}

static const char *field(const PGresult *r, int code)
{
	const char *s = PQresultErrorField(r, code);

	return s != NULL ? s : "";
}

static void map_error(const PGresult *r, enum stmt_id stmt, struct db_error *e)
{
	const char *st = field(r, PG_DIAG_SQLSTATE);
	const char *primary = field(r, PG_DIAG_MESSAGE_PRIMARY);

	e->message = primary;
	e->column = field(r, PG_DIAG_COLUMN_NAME);
	e->detail = field(r, PG_DIAG_MESSAGE_DETAIL);

	if (st[0] == 'R' && st[1] == 'B') {
		e->code = map_rb_class(st);
		if (e->code != RIGBOOK__ERROR_CODE__INTERNAL)
			return;
	} else if (!strcmp(st, "23P01")) {
		/* the exclusion constraint caught what the function's check did not */
		e->code = RIGBOOK__ERROR_CODE__CONFLICT;
		e->message = "that time is already booked";
		e->detail = "";
		return;
	} else if (!strcmp(st, "40001") || !strcmp(st, "40P01")) {
		e->code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
		e->message = "the database could not order this request against another; retry";
		return;
	} else if (!strncmp(st, "08", 2) || !strncmp(st, "57P", 3) || !strncmp(st, "53", 2)) {
		e->code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
		e->message = "the database is unavailable; retry";
		return;
	} else if (!strcmp(st, "57014")) {
		e->code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
		e->message = "the database took too long to answer; retry";
		return;
	} else if (!strncmp(st, "22", 2)) {
		e->code = RIGBOOK__ERROR_CODE__INVALID_ARGUMENT;
		return;
	}
	log_errorx("statement %s failed: %s %s (%s)", stmt_defs[stmt].name, st, primary,
		   field(r, PG_DIAG_CONTEXT));
	e->code = RIGBOOK__ERROR_CODE__INTERNAL;
	e->message = "internal error; the server log has the details";
	e->column = "";
	e->detail = "";
}

static void fail_query(struct dbq *q, int code, const char *msg)
{
	struct db_error e = { code, msg, "", "" };

	q->cb(q->arg, NULL, &e);
	free(q);
}

/* ---------------------------------------------------------------- events */

static int pool_live(void)
{
	int n = 0;

	for (int i = 0; i < P.size; i++)
		if (P.conns[i].state == PC_IDLE || P.conns[i].state == PC_BUSY)
			n++;
	return n;
}

int db_pool_live(void)
{
	return pool_live();
}

int db_pool_pending(void)
{
	int n = P.queued;

	for (int i = 0; i < P.size; i++)
		if (P.conns[i].q != NULL)
			n++;
	return n;
}

static void pc_events_free(struct pconn *pc)
{
	if (pc->ev_io != NULL) {
		event_free(pc->ev_io);
		pc->ev_io = NULL;
	}
	if (pc->ev_write != NULL) {
		event_free(pc->ev_write);
		pc->ev_write = NULL;
	}
	pc->fd = -1;
}

/* Wait for the socket libpq names now: it may change while connecting. */
static int pc_wait(struct pconn *pc, short what, int persist)
{
	evutil_socket_t fd = PQsocket(pc->pg);

	if (fd < 0)
		return -1;
	pc_events_free(pc);
	pc->fd = fd;
	pc->ev_io = event_new(P.base, fd, what | (persist ? EV_PERSIST : 0), pc_io_cb, pc);
	pc->ev_write = event_new(P.base, fd, EV_WRITE, pc_write_cb, pc);
	if (pc->ev_io == NULL || pc->ev_write == NULL || event_add(pc->ev_io, NULL) != 0)
		return -1;
	return 0;
}

static void fail_queue_if_down(void)
{
	struct dbq *q;

	if (pool_live() > 0)
		return;
	while ((q = TAILQ_FIRST(&P.queue)) != NULL) {
		TAILQ_REMOVE(&P.queue, q, link);
		P.queued--;
		fail_query(q, RIGBOOK__ERROR_CODE__UNAVAILABLE, "the database is unavailable; retry");
	}
}

static void pc_schedule_reconnect(struct pconn *pc)
{
	struct timeval tv;

	if (P.stopping)
		return;
	pc->backoff_ms = pc->backoff_ms == 0 ? BACKOFF_MIN_MS : pc->backoff_ms * 2;
	if (pc->backoff_ms > BACKOFF_MAX_MS)
		pc->backoff_ms = BACKOFF_MAX_MS;
	tv.tv_sec = pc->backoff_ms / 1000;
	tv.tv_usec = (pc->backoff_ms % 1000) * 1000;
	evtimer_add(pc->ev_timer, &tv);
}

/* Tear a connection down; its query in flight fails with UNAVAILABLE. */
static void pc_fail(struct pconn *pc, const char *why)
{
	struct dbq *q = pc->q;

	if (pc->state != PC_DOWN)
		log_warnx("database connection %d: %s", pc->idx, why);
	pc->q = NULL;
	if (pc->res != NULL) {
		PQclear(pc->res);
		pc->res = NULL;
	}
	pc_events_free(pc);
	if (pc->pg != NULL) {
		PQfinish(pc->pg);
		pc->pg = NULL;
	}
	pc->state = PC_DOWN;
	if (q != NULL)
		fail_query(q, RIGBOOK__ERROR_CODE__UNAVAILABLE,
			   "the database connection was lost while answering; retry");
	fail_queue_if_down();
	pc_schedule_reconnect(pc);
}

static void pc_fail_libpq(struct pconn *pc)
{
	char why[256];
	const char *m = pc->pg != NULL ? PQerrorMessage(pc->pg) : "out of memory";
	size_t n;

	snprintf(why, sizeof(why), "%s", m);
	n = strlen(why);
	while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
	pc_fail(pc, why[0] ? why : "connection failed");
}

static void pc_flush(struct pconn *pc)
{
	int r = PQflush(pc->pg);

	if (r < 0)
		pc_fail_libpq(pc);
	else if (r == 1)
		event_add(pc->ev_write, NULL);
}

static void pc_prepare_next(struct pconn *pc)
{
	const struct stmt_def *d = &stmt_defs[pc->prep_next];

	if (!PQsendPrepare(pc->pg, d->name, d->sql, d->nparams, NULL)) {
		pc_fail_libpq(pc);
		return;
	}
	pc_flush(pc);
}

static void pc_connected(struct pconn *pc)
{
	if (PQsetnonblocking(pc->pg, 1) != 0 || pc_wait(pc, EV_READ, 1) != 0) {
		pc_fail_libpq(pc);
		return;
	}
	pc->state = PC_PREPARING;
	pc->prep_next = 0;
	pc_prepare_next(pc);
}

static void pc_poll_connect(struct pconn *pc)
{
	switch (PQconnectPoll(pc->pg)) {
	case PGRES_POLLING_READING:
		if (pc_wait(pc, EV_READ, 0) != 0)
			pc_fail_libpq(pc);
		return;
	case PGRES_POLLING_WRITING:
		if (pc_wait(pc, EV_WRITE, 0) != 0)
			pc_fail_libpq(pc);
		return;
	case PGRES_POLLING_OK:
		pc_connected(pc);
		return;
	default:
		pc_fail_libpq(pc);
		return;
	}
}

static void pc_connect(struct pconn *pc)
{
	pc->pg = PQconnectStart(P.conninfo);
	if (pc->pg == NULL || PQstatus(pc->pg) == CONNECTION_BAD) {
		pc_fail_libpq(pc);
		return;
	}
	pc->state = PC_CONNECTING;
	/* libpq: start as if PQconnectPoll had asked to write */
	if (pc_wait(pc, EV_WRITE, 0) != 0)
		pc_fail_libpq(pc);
}

static void pc_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	pc_connect(arg);
}

/* One command finished (PQgetResult returned NULL). */
static void pc_command_done(struct pconn *pc)
{
	PGresult *res = pc->res;
	struct dbq *q;

	pc->res = NULL;
	if (pc->state == PC_PREPARING) {
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
			log_errorx("cannot prepare statement %s: %s", stmt_defs[pc->prep_next].name,
				   res != NULL ? PQresultErrorMessage(res) : "no result");
			PQclear(res);
			pc_fail(pc, "statement preparation failed (is the schema migrated?)");
			return;
		}
		PQclear(res);
		if (++pc->prep_next < STMT__COUNT) {
			pc_prepare_next(pc);
			return;
		}
		pc->state = PC_IDLE;
		pc->backoff_ms = 0;
		log_debug("database connection %d ready", pc->idx);
		if (!P.ready_fired && P.ready != NULL) {
			P.ready_fired = 1;
			P.ready(P.ready_arg);
		}
		pc_next(pc);
		return;
	}

	q = pc->q;
	pc->q = NULL;
	pc->state = PC_IDLE;
	if (q != NULL) {
		ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;

		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			struct db_result r = { res };

			q->cb(q->arg, &r, NULL);
		} else if (res != NULL) {
			struct db_error e;

			map_error(res, q->stmt, &e);
			q->cb(q->arg, NULL, &e);
		} else {
			struct db_error e = { RIGBOOK__ERROR_CODE__INTERNAL,
					      "internal error; the server log has the details", "", "" };

			log_errorx("statement %s returned no result", stmt_defs[q->stmt].name);
			q->cb(q->arg, NULL, &e);
		}
		free(q);
	}
	PQclear(res);
	pc_next(pc);
}

static void pc_read(struct pconn *pc)
{
	PGnotify *n;

	if (!PQconsumeInput(pc->pg)) {
		pc_fail_libpq(pc);
		return;
	}
	while ((n = PQnotifies(pc->pg)) != NULL)
		PQfreemem(n);
	while ((pc->state == PC_PREPARING || pc->state == PC_BUSY) && !PQisBusy(pc->pg)) {
		PGresult *r = PQgetResult(pc->pg);

		if (r == NULL) {
			pc_command_done(pc);
			continue;
		}
		if (pc->res == NULL)
			pc->res = r;
		else
			PQclear(r);
	}
	if (pc->state == PC_IDLE && PQstatus(pc->pg) == CONNECTION_BAD)
		pc_fail_libpq(pc);
}

static void pc_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pconn *pc = arg;

	if (pc->state == PC_CONNECTING) {
		pc_poll_connect(pc);
		return;
	}
	if (pc->pg == NULL)
		return;
	pc_read(pc);
	if (pc->pg != NULL && pc->state != PC_DOWN)
		pc_flush(pc);
}

static void pc_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pconn *pc = arg;

	if (pc->pg != NULL)
		pc_flush(pc);
}

/* ---------------------------------------------------------------- queries */

static int pc_send(struct pconn *pc, struct dbq *q)
{
	if (!PQsendQueryPrepared(pc->pg, stmt_defs[q->stmt].name, q->nparams, q->params, NULL,
				 NULL, 0))
		return -1;
	pc->q = q;
	pc->state = PC_BUSY;
	return 0;
}

/* Give an idle connection the next queued query. */
static void pc_next(struct pconn *pc)
{
	struct dbq *q;

	if (pc->state != PC_IDLE || (q = TAILQ_FIRST(&P.queue)) == NULL)
		return;
	TAILQ_REMOVE(&P.queue, q, link);
	P.queued--;
	if (pc_send(pc, q) != 0) {
		TAILQ_INSERT_HEAD(&P.queue, q, link);
		P.queued++;
		pc_fail_libpq(pc);
		return;
	}
	pc_flush(pc);
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
	for (int i = 0; i < P.size; i++) {
		struct pconn *pc = &P.conns[i];

		if (pc->state == PC_BROKEN) {
			pc->state = PC_IDLE; /* not DOWN: pc_fail logs it */
			pc_fail_libpq(pc);
		}
	}
	for (int i = 0; i < P.size && P.queued > 0; i++)
		pc_next(&P.conns[i]);
}

int db_query(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb, void *arg)
{
	size_t total = 0, off = 0;
	struct dbq *q;
	int i;

	if (P.stopping || pool_live() == 0)
		return RIGBOOK__ERROR_CODE__UNAVAILABLE;
	if (P.queued >= P.max_queue)
		return RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED;
	if (nparams > DB_MAX_PARAMS)
		fatalx("statement %s: %d parameters, DB_MAX_PARAMS is %d", stmt_defs[stmt].name,
		       nparams, DB_MAX_PARAMS);
	if (nparams != stmt_defs[stmt].nparams)
		fatalx("statement %s takes %d parameters, not %d", stmt_defs[stmt].name,
		       stmt_defs[stmt].nparams, nparams);

	for (i = 0; i < nparams; i++)
		if (params[i] != NULL)
			total += strlen(params[i]) + 1;
	q = malloc(sizeof(*q) + total);
	if (q == NULL)
		return RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED;
	q->stmt = stmt;
	q->nparams = nparams;
	q->cb = cb;
	q->arg = arg;
	for (i = 0; i < nparams; i++) {
		if (params[i] == NULL) {
			q->params[i] = NULL;
			continue;
		}
		size_t l = strlen(params[i]) + 1;
		memcpy(q->blob + off, params[i], l);
		q->params[i] = q->blob + off;
		off += l;
	}

	for (i = 0; i < P.size; i++) {
		struct pconn *pc = &P.conns[i];

		if (pc->state != PC_IDLE)
			continue;
		if (pc_send(pc, q) == 0) {
			pc_flush(pc);
			return 0;
		}
		/* Broken: tear it down from the kick so that no callback runs in here. */
		pc->state = PC_BROKEN;
		break;
	}
	TAILQ_INSERT_TAIL(&P.queue, q, link);
	P.queued++;
	if (i < P.size)
		event_active(P.kick, 0, 0);
	return 0;
}

/* ---------------------------------------------------------------- results */

int db_ntuples(const struct db_result *r)
{
	return PQntuples(r->res);
}

const char *db_get(const struct db_result *r, int row, int col)
{
	return PQgetvalue(r->res, row, col);
}

int db_isnull(const struct db_result *r, int row, int col)
{
	return PQgetisnull(r->res, row, col);
}

int64_t db_get_int64(const struct db_result *r, int row, int col)
{
	return strtoll(PQgetvalue(r->res, row, col), NULL, 10);
}

int db_get_bool(const struct db_result *r, int row, int col)
{
	return PQgetvalue(r->res, row, col)[0] == 't';
}

/* ---------------------------------------------------------------- pool */

int db_pool_start(struct event_base *base, const char *conninfo, int size, int max_queue,
		  db_ready_cb ready, void *ready_arg)
{
	memset(&P, 0, sizeof(P));
	P.base = base;
	P.conninfo = strdup(conninfo);
	P.size = size;
	P.max_queue = max_queue;
	P.ready = ready;
	P.ready_arg = ready_arg;
	TAILQ_INIT(&P.queue);
	P.conns = calloc((size_t)size, sizeof(*P.conns));
	P.kick = event_new(base, -1, 0, kick_cb, NULL);
	if (P.conninfo == NULL || P.conns == NULL || P.kick == NULL)
		return -1;
	for (int i = 0; i < size; i++) {
		struct pconn *pc = &P.conns[i];

		pc->idx = i;
		pc->fd = -1;
		pc->state = PC_DOWN;
		pc->ev_timer = evtimer_new(base, pc_timer_cb, pc);
		if (pc->ev_timer == NULL)
			return -1;
		pc_connect(pc);
	}
	return 0;
}

void db_pool_stop(void)
{
	struct dbq *q;

	P.stopping = 1;
	for (int i = 0; i < P.size; i++) {
		struct pconn *pc = &P.conns[i];

		pc->state = PC_DOWN; /* quietly */
		pc_fail(pc, "closing");
		if (pc->ev_timer != NULL)
			event_free(pc->ev_timer);
	}
	while ((q = TAILQ_FIRST(&P.queue)) != NULL) {
		TAILQ_REMOVE(&P.queue, q, link);
		P.queued--;
		fail_query(q, RIGBOOK__ERROR_CODE__UNAVAILABLE, "rigbookd is shutting down");
	}
	if (P.kick != NULL)
		event_free(P.kick);
	free(P.conns);
	free(P.conninfo);
	memset(&P, 0, sizeof(P));
}
