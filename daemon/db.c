#include "db.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/dns.h>
#include <event2/util.h>
#include <libpq-fe.h>

#include "events.h"
#include "log.h"
#include "rigbook.pb-c.h"

#define DB_MAX_PARAMS 24
#define DBQ_READ 1         /* a read that may lag: counted in the reads of the pool that answers */
#define DBQ_REPLICA_ONLY 2 /* the replica's own question: never handed to the primary */
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define DB_MAX_KEYS 64 /* connection parameters, ours included */

enum pc_state {
	PC_DOWN,       /* waiting to reconnect */
	PC_RESOLVING,  /* the host's name, asynchronously (evdns) */
	PC_CONNECTING, /* PQconnectPoll in progress */
	PC_PREPARING,  /* sending the prepared statements */
	PC_DESCRIBING, /* describing them: their result columns against sql.c */
	PC_IDLE,
	PC_BUSY,       /* one query in flight */
	PC_BROKEN,     /* failed inside db_query; torn down by the kick */
};

struct dbq {
	TAILQ_ENTRY(dbq) link;
	enum stmt_id stmt;
	int flags; /* DBQ_* */
	int nparams;
	const char *params[DB_MAX_PARAMS];
	db_cb cb;
	void *arg;
	char blob[]; /* parameter text */
};

TAILQ_HEAD(dbq_list, dbq);

struct pconn {
	struct pool *pl;
	int idx;
	enum pc_state state;
	PGconn *pg;
	evutil_socket_t fd;
	struct event *ev_io;    /* read (persistent once connected) */
	struct event *ev_write; /* one-shot, while output is pending */
	struct event *ev_timer; /* reconnect backoff */
	struct event *ev_deadline; /* connecting, or the command in flight, must answer by then */
	struct evdns_getaddrinfo_request *dns; /* while PC_RESOLVING */
	int backoff_ms;
	int lost;      /* it failed since it was last ready */
	int timed_out; /* the deadline fired: the reason of the failure */
	size_t err_seen;  /* PQerrorMessage's length when the last command ended: older text is stale */
	char notice[256]; /* the last message the server sent outside a command (a FATAL before closing) */
	int prep_next;
	int desc_next;
	int desc_bad;               /* mismatches found while describing */
	int16_t (*pos)[COL__COUNT]; /* while describing: the positions this connection sees */
	char *problems;             /* ... and what it found wrong, a line each, said if it decides */
	size_t problems_len;
	struct dbq *q;  /* in flight */
	PGresult *res;  /* first result of the command in flight */
};

struct pool {
	const char *what; /* "database" or "replica", for logs */
	struct pool *fallback; /* the replica's: the primary, which answers what it cannot */
	uint64_t reads;        /* reads (DBQ_READ) it answered */
	struct event_base *base;
	char *conninfo;
	int size;
	int max_queue;
	struct pconn *conns;
	struct dbq_list queue;
	int queued;
	struct event *kick;
	int timeout_ms; /* connect and query deadline */
	/* the connection parameters: the configured ones, parsed once, and ours */
	char *keys[DB_MAX_KEYS + 1];
	char *vals[DB_MAX_KEYS + 1];
	int nkeys;
	const char *resolve; /* the host name to resolve before each connect, or NULL */
	struct evdns_base *dns;
	db_ready_cb ready;
	void *ready_arg;
	int ready_fired;
	int stopping;
	int refused;  /* the schema does not answer what the code reads */
	int drift_said; /* a later connection's mismatches were logged in detail */
};

/* The primary, and the hot standby that may answer reads (read_database_url). */
static struct pool P, R;

/*
 * Where each statement's declared columns are in its results (COL_NONE: not
 * declared), from the first connection that described them all.  Read on
 * every row; written once, before the first query.
 */
static int16_t col_pos[STMT__COUNT][COL__COUNT];
static int resolved; /* col_pos holds the positions of every declared column */

struct db_result {
	PGresult *res;
	enum stmt_id stmt;
	const int16_t *pos; /* col_pos[stmt] */
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
	e->hint = "";
	e->reason = "";
	e->sqlstate = st;
	e->stmt = stmt_defs[stmt].name;

	if (st[0] == 'R' && st[1] == 'B') {
		e->code = map_rb_class(st);
		if (e->code != RIGBOOK__ERROR_CODE__INTERNAL) {
			e->hint = field(r, PG_DIAG_MESSAGE_HINT);
			return;
		}
	} else if (!strcmp(st, "23P01")) {
		/* the exclusion constraint caught what the function's check did not */
		e->code = RIGBOOK__ERROR_CODE__CONFLICT;
		e->reason = "booking_overlap";
		e->message = "that time is already booked";
		e->detail = "";
		/* the reason and what tells this wording apart, as the SQL's HINT would */
		e->hint = "{\"reason\": \"booking_overlap\", \"args\": {\"what\": \"constraint\"}}";
		return;
	} else if (!strcmp(st, "23505")) {
		/* a unique constraint caught what the function's check did not: a race */
		log_info("statement %s: %s (%s); sent as CONFLICT", stmt_defs[stmt].name, primary,
			 field(r, PG_DIAG_CONSTRAINT_NAME));
		e->code = RIGBOOK__ERROR_CODE__CONFLICT;
		e->reason = "already_exists";
		e->message = "that already exists";
		e->column = "";
		e->detail = "";
		return;
	} else if (!strcmp(st, "40001") || !strcmp(st, "40P01")) {
		e->code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
		e->reason = "retry";
		e->message = "the database could not order this request against another; retry";
		return;
	} else if (!strncmp(st, "08", 2) || !strncmp(st, "57P", 3) || !strncmp(st, "53", 2)) {
		e->code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
		e->reason = "database_unavailable";
		e->message = "the database is unavailable; retry";
		return;
	} else if (!strcmp(st, "57014")) {
		e->code = RIGBOOK__ERROR_CODE__UNAVAILABLE;
		e->reason = "database_timeout";
		e->message = "the database took too long to answer; retry";
		return;
	} else if (!strncmp(st, "22", 2)) {
		e->code = RIGBOOK__ERROR_CODE__INVALID_ARGUMENT;
		return;
	}
	log_errorx("statement %s failed: %s %s (%s)", stmt_defs[stmt].name, st, primary,
		   field(r, PG_DIAG_CONTEXT));
	e->code = RIGBOOK__ERROR_CODE__INTERNAL;
	e->reason = "internal";
	e->message = "internal error; the server log has the details";
	e->column = "";
	e->detail = "";
}

static void fail_query(struct dbq *q, int code, const char *reason, const char *msg)
{
	struct db_error e = { .code = code, .message = msg, .column = "", .detail = "", .hint = "",
			      .reason = reason, .sqlstate = "", .stmt = stmt_defs[q->stmt].name };

	q->cb(q->arg, NULL, &e);
	free(q);
}

/* ---------------------------------------------------------------- events */

static int pool_live(const struct pool *pl)
{
	int n = 0;

	for (int i = 0; i < pl->size; i++)
		if (pl->conns[i].state == PC_IDLE || pl->conns[i].state == PC_BUSY)
			n++;
	return n;
}

int db_pool_live(void)
{
	return pool_live(&P);
}

int db_replica_live(void)
{
	return pool_live(&R);
}

void db_reads(uint64_t *primary, uint64_t *replica)
{
	*primary = P.reads;
	*replica = R.reads;
}

int db_pool_pending(void)
{
	const struct pool *pl = &P;
	int n = pl->queued;

	for (int i = 0; i < pl->size; i++)
		if (pl->conns[i].q != NULL)
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
	pc->ev_io = event_new(pc->pl->base, fd, what | (persist ? EV_PERSIST : 0), pc_io_cb, pc);
	pc->ev_write = event_new(pc->pl->base, fd, EV_WRITE, pc_write_cb, pc);
	if (pc->ev_io == NULL || pc->ev_write == NULL || event_add(pc->ev_io, NULL) != 0)
		return -1;
	return 0;
}

static int pool_take(struct pool *pl, struct dbq *q);

/*
 * A query the replica cannot answer (its connection went, or it timed out,
 * or it refused for a reason of its own) goes to the primary instead; a
 * query of the primary's fails.
 */
static void fail_or_hand_over(struct pool *pl, struct dbq *q, const char *reason, const char *msg)
{
	if (pl->fallback != NULL && !(q->flags & DBQ_REPLICA_ONLY) && pool_take(pl->fallback, q) == 0)
		return;
	fail_query(q, RIGBOOK__ERROR_CODE__UNAVAILABLE, reason, msg);
}

static void fail_queue_if_down(struct pool *pl)
{
	struct dbq *q;

	if (pool_live(pl) > 0)
		return;
	while ((q = TAILQ_FIRST(&pl->queue)) != NULL) {
		TAILQ_REMOVE(&pl->queue, q, link);
		pl->queued--;
		fail_or_hand_over(pl, q, "database_unavailable", "the database is unavailable; retry");
	}
}

static void pc_schedule_reconnect(struct pconn *pc)
{
	struct timeval tv;

	if (pc->pl->stopping)
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
	struct pool *pl = pc->pl;
	struct dbq *q = pc->q;
	int timed_out = pc->timed_out;

	if (pc->state != PC_DOWN) {
		log_warnx("%s connection %d: %s", pl->what, pc->idx, why);
		pc->lost = 1;
	}
	pc->timed_out = 0;
	pc->notice[0] = '\0';
	pc->err_seen = 0;
	if (pc->ev_deadline != NULL)
		evtimer_del(pc->ev_deadline);
	if (pc->dns != NULL) {
		struct evdns_getaddrinfo_request *req = pc->dns;

		pc->dns = NULL; /* its callback, run by the cancel, sees it is not wanted */
		evdns_getaddrinfo_cancel(req);
	}
	pc->q = NULL;
	if (pc->res != NULL) {
		PQclear(pc->res);
		pc->res = NULL;
	}
	free(pc->pos);
	pc->pos = NULL;
	free(pc->problems);
	pc->problems = NULL;
	pc->problems_len = 0;
	pc_events_free(pc);
	if (pc->pg != NULL) {
		PQfinish(pc->pg);
		pc->pg = NULL;
	}
	pc->state = PC_DOWN;
	if (q != NULL && timed_out)
		fail_or_hand_over(pl, q, "database_timeout",
				  "the database took too long to answer; retry");
	else if (q != NULL)
		fail_or_hand_over(pl, q, "database_unavailable",
				  "the database connection was lost while answering; retry");
	fail_queue_if_down(pl);
	pc_schedule_reconnect(pc);
}

/*
 * Fail with what libpq says went wrong now: its error text grows until the
 * next command starts, so what was there when the last command ended (a
 * refusal of that statement) is not the cause; a message the server sent
 * outside a command (terminating the connection) is.
 */
static void pc_fail_libpq(struct pconn *pc)
{
	char why[512];
	const char *m = "out of memory";
	size_t n;

	if (pc->pg != NULL) {
		m = PQerrorMessage(pc->pg);
		n = strlen(m);
		m += pc->err_seen <= n ? pc->err_seen : n;
	}
	while (*m == '\n' || *m == ' ')
		m++;
	snprintf(why, sizeof(why), "%s%s%s", pc->notice, pc->notice[0] && m[0] ? "; " : "", m);
	n = strlen(why);
	while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
	pc_fail(pc, why[0] ? why : "connection failed");
}

/* The server's messages outside a command, one line each in our log, the last kept. */
static void pc_notice_cb(void *arg, const char *message)
{
	struct pconn *pc = arg;
	size_t n;

	snprintf(pc->notice, sizeof(pc->notice), "%s", message);
	n = strlen(pc->notice);
	while (n > 0 && (pc->notice[n - 1] == '\n' || pc->notice[n - 1] == ' '))
		pc->notice[--n] = '\0';
	log_debug("%s connection %d: the server says: %s", pc->pl->what, pc->idx, pc->notice);
}

/* Connecting, or the command in flight, must answer by pl->timeout_ms. */
static void pc_arm_deadline(struct pconn *pc)
{
	struct timeval tv = { pc->pl->timeout_ms / 1000, (pc->pl->timeout_ms % 1000) * 1000 };

	evtimer_add(pc->ev_deadline, &tv);
}

static void pc_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pconn *pc = arg;
	char why[128];

	pc->timed_out = 1;
	snprintf(why, sizeof(why), "no answer from the database within %d ms while %s; dropped",
		 pc->pl->timeout_ms,
		 pc->state == PC_RESOLVING ? "resolving its host name" :
		 pc->state == PC_CONNECTING ? "connecting" :
		 pc->state == PC_BUSY ? "a query was in flight" : "preparing statements");
	pc_fail(pc, why);
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

	pc_arm_deadline(pc);
	if (!PQsendPrepare(pc->pg, d->name, d->sql, d->nparams, NULL)) {
		pc_fail_libpq(pc);
		return;
	}
	pc_flush(pc);
}

static void pc_describe_next(struct pconn *pc)
{
	pc_arm_deadline(pc);
	if (!PQsendDescribePrepared(pc->pg, stmt_defs[pc->desc_next].name)) {
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

/*
 * Connect; when the host's name was resolved, to its addresses (hostaddr,
 * comma-separated, each with the name as its host, tried in turn as
 * libpq tries a name's addresses).
 */
static void pc_connect_to(struct pconn *pc, const char *hosts, const char *hostaddrs)
{
	const struct pool *pl = pc->pl;
	const char *keys[DB_MAX_KEYS + 2];
	const char *vals[DB_MAX_KEYS + 2];
	int n = 0;

	for (int i = 0; i < pl->nkeys; i++) {
		if (hosts != NULL && strcmp(pl->keys[i], "host") == 0)
			continue;
		keys[n] = pl->keys[i];
		vals[n++] = pl->vals[i];
	}
	if (hosts != NULL) {
		keys[n] = "host";
		vals[n++] = hosts;
		keys[n] = "hostaddr";
		vals[n++] = hostaddrs;
	}
	keys[n] = NULL;
	vals[n] = NULL;
	pc->err_seen = 0;
	pc->notice[0] = '\0';
	pc->pg = PQconnectStartParams(keys, vals, 0);
	pc->state = PC_CONNECTING;
	if (pc->pg == NULL || PQstatus(pc->pg) == CONNECTION_BAD) {
		pc_fail_libpq(pc);
		return;
	}
	PQsetNoticeProcessor(pc->pg, pc_notice_cb, pc);
	/* libpq: start as if PQconnectPoll had asked to write */
	if (pc_wait(pc, EV_WRITE, 0) != 0)
		pc_fail_libpq(pc);
}

#define DB_MAX_ADDRS 8

/* The last addresses the host's name resolved to, for the events
 * connection (db_host_addresses). */
static char last_hosts[DB_MAX_ADDRS * 256], last_addrs[DB_MAX_ADDRS * (INET6_ADDRSTRLEN + 1)];

int db_host_addresses(const char **hosts, const char **addrs)
{
	const struct pool *pl = &P;

	*hosts = NULL;
	*addrs = NULL;
	if (pl->resolve == NULL)
		return 0;
	if (last_addrs[0] == '\0')
		return -1;
	*hosts = last_hosts;
	*addrs = last_addrs;
	return 1;
}

static void pc_resolved_cb(int result, struct evutil_addrinfo *ai, void *arg)
{
	struct pconn *pc = arg;
	const struct pool *pl = pc->pl;
	char addrs[DB_MAX_ADDRS * (INET6_ADDRSTRLEN + 1)] = "", hosts[DB_MAX_ADDRS * 256] = "";
	char addr[INET6_ADDRSTRLEN], why[256];
	size_t al = 0, hl = 0;
	int naddr = 0;

	if (result == EVUTIL_EAI_CANCEL || pc->state != PC_RESOLVING) {
		if (ai != NULL)
			evutil_freeaddrinfo(ai);
		return;
	}
	pc->dns = NULL;
	for (struct evutil_addrinfo *a = ai; a != NULL && naddr < DB_MAX_ADDRS; a = a->ai_next) {
		const void *in = a->ai_family == AF_INET
					 ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
				 : a->ai_family == AF_INET6
					 ? (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr
					 : NULL;

		if (in == NULL || inet_ntop(a->ai_family, in, addr, sizeof(addr)) == NULL ||
		    strstr(addrs, addr) != NULL)
			continue;
		al += (size_t)snprintf(addrs + al, sizeof(addrs) - al, "%s%s", naddr ? "," : "", addr);
		hl += (size_t)snprintf(hosts + hl, sizeof(hosts) - hl, "%s%.200s", naddr ? "," : "",
				       pl->resolve);
		naddr++;
	}
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	if (result != 0 || naddr == 0) {
		snprintf(why, sizeof(why), "cannot resolve %s: %s", pl->resolve,
			 result != 0 ? evutil_gai_strerror(result) : "no address");
		pc_fail(pc, why);
		return;
	}
	if (pl == &P) {
		snprintf(last_hosts, sizeof(last_hosts), "%s", hosts);
		snprintf(last_addrs, sizeof(last_addrs), "%s", addrs);
	}
	pc_connect_to(pc, hosts, addrs);
}

static void pc_connect(struct pconn *pc)
{
	struct evutil_addrinfo hints;
	struct evdns_getaddrinfo_request *req;
	const struct pool *pl = pc->pl;

	if (pl->stopping)
		return;
	pc_arm_deadline(pc);
	if (pl->resolve == NULL || pl->dns == NULL) {
		pc_connect_to(pc, NULL, NULL);
		return;
	}
	/* libpq would call getaddrinfo inside the loop: resolve first, then connect to the address */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	pc->state = PC_RESOLVING;
	req = evdns_getaddrinfo(pl->dns, pl->resolve, NULL, &hints, pc_resolved_cb, pc);
	if (req != NULL && pc->state == PC_RESOLVING)
		pc->dns = req; /* not answered at once (from the hosts file, say) */
}

static void pc_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	pc_connect(arg);
}

static void pool_back(struct pool *pl)
{
	if (pl->stopping || pl->conns == NULL)
		return;
	for (int i = 0; i < pl->size; i++) {
		struct pconn *pc = &pl->conns[i];

		if (pc->state != PC_DOWN || pc->pg != NULL)
			continue;
		evtimer_del(pc->ev_timer);
		pc->backoff_ms = 0;
		pc_connect(pc);
	}
}

void db_database_back(void)
{
	pool_back(&P);
}

/* ---------------------------------------------------------------- the contract */

/*
 * The schema does not answer what the code reads: no queries, no reconnects,
 * and the caller is told to stop.
 */
static void pool_refuse(struct pconn *pc, const char *why)
{
	struct pool *pl = pc->pl;

	pl->refused = 1;
	pl->stopping = 1;
	pc->state = PC_DOWN; /* quietly */
	pc_fail(pc, "");
	if (!pl->ready_fired && pl->ready != NULL) {
		pl->ready_fired = 1;
		pl->ready(pl->ready_arg, why);
	}
}

/*
 * A mismatch, kept until the connection has described every statement: the
 * connections describe at once, and only the one that decides is heard.
 */
static void note_problem(void *arg, const char *msg)
{
	struct pconn *pc = arg;
	size_t n = strlen(msg);
	char *p = realloc(pc->problems, pc->problems_len + n + 2);

	if (p == NULL) {
		log_errorx("%s", msg); /* better twice than not at all */
		return;
	}
	memcpy(p + pc->problems_len, msg, n);
	p[pc->problems_len + n] = '\n';
	p[pc->problems_len + n + 1] = '\0';
	pc->problems = p;
	pc->problems_len += n + 1;
}

static void say_problems(const struct pconn *pc)
{
	const char *line = pc->problems;

	while (line != NULL && *line != '\0') {
		const char *nl = strchr(line, '\n');
		int len = nl != NULL ? (int)(nl - line) : (int)strlen(line);

		if (resolved)
			log_errorx("%s connection %d: %.*s", pc->pl->what, pc->idx, len, line);
		else
			log_errorx("%.*s", len, line);
		line = nl != NULL ? nl + 1 : NULL;
	}
}

/* A statement failed to prepare: before start-up is over, a schema error is a refusal. */
static int prepare_refused(struct pconn *pc, const PGresult *res)
{
	const char *st = res != NULL ? field(res, PG_DIAG_SQLSTATE) : "";
	char label[64], why[512];

	if (resolved || pc->pl->refused || strncmp(st, "42", 2) != 0)
		return 0;
	sql_stmt_label((enum stmt_id)pc->prep_next, label, sizeof(label));
	log_errorx("statement %s: cannot prepare: %s", label, field(res, PG_DIAG_MESSAGE_PRIMARY));
	snprintf(why, sizeof(why),
		 "refusing to start: statement %s cannot be prepared against this database's schema"
		 " (see above); is it migrated by this version of rigbookd?",
		 label);
	pool_refuse(pc, why);
	return 1;
}

/* Match one described statement against its declaration in sql.c. */
static int pc_described(struct pconn *pc, const PGresult *res)
{
	int n = PQnfields(res);
	const char **names;
	uint32_t *types;

	if (n > SQL_MAX_FIELDS)
		n = SQL_MAX_FIELDS + 1; /* sql_resolve refuses it without reading the arrays */
	names = calloc((size_t)n + 1, sizeof(*names));
	types = calloc((size_t)n + 1, sizeof(*types));
	if (names == NULL || types == NULL) {
		free(names);
		free(types);
		return -1;
	}
	for (int k = 0; k < n && k < SQL_MAX_FIELDS; k++) {
		names[k] = PQfname(res, k);
		types[k] = (uint32_t)PQftype(res, k);
	}
	pc->desc_bad += sql_resolve((enum stmt_id)pc->desc_next, n, names, types,
				    pc->pos[pc->desc_next], note_problem, pc);
	free(names);
	free(types);
	return 0;
}

/* Every statement described: the first connection decides; later ones must agree. */
static void pc_describe_done(struct pconn *pc)
{
	struct pool *pl = pc->pl;
	char why[256];

	if (pl->refused) {
		pc->state = PC_DOWN; /* quietly */
		pc_fail(pc, "");
		return;
	}
	if (!resolved) {
		if (pc->desc_bad > 0) {
			say_problems(pc);
			snprintf(why, sizeof(why),
				 "refusing to start: this database's results lack what rigbookd reads"
				 " (%d problem%s above); is it migrated by this version of rigbookd?",
				 pc->desc_bad, pc->desc_bad == 1 ? "" : "s");
			pool_refuse(pc, why);
			return;
		}
		memcpy(col_pos, pc->pos, sizeof(col_pos));
		resolved = 1;
		log_debug("database connection %d: the result columns of %d statements are as sql.c"
			  " declares them", pc->idx, STMT__COUNT);
	} else if (pc->desc_bad > 0 || memcmp(col_pos, pc->pos, sizeof(col_pos)) != 0) {
		/* the schema changed under the daemon: do not read these results by the old positions */
		if (!pl->drift_said) {
			pl->drift_said = 1; /* in detail once; the connections retry with backoff */
			say_problems(pc);
		}
		pc_fail(pc, pc->desc_bad > 0
				    ? "its statements' results lack columns that rigbookd reads; not used"
				    : "its statements' results have their columns elsewhere than at start-up"
				      " (the schema changed under rigbookd); not used");
		return;
	}
	free(pc->pos);
	pc->pos = NULL;
	free(pc->problems);
	pc->problems = NULL;
	pc->problems_len = 0;
	pl->drift_said = 0;
	pc->state = PC_IDLE;
	pc->backoff_ms = 0;
	log_debug("%s connection %d ready", pl->what, pc->idx);
	if (pc->lost) {
		/* the database is back: the others need not wait out their backoff */
		pc->lost = 0;
		log_info("%s connection %d: connected again", pl->what, pc->idx);
		pool_back(pl);
		if (pl == &P)
			events_database_back();
	}
	if (!pl->ready_fired && pl->ready != NULL) {
		pl->ready_fired = 1;
		pl->ready(pl->ready_arg, NULL);
	}
	pc_next(pc);
}

/*
 * Whether the replica's answer to q is its own failure rather than the
 * answer: anything but a result, a refusal of our SQL (RB) or of the
 * request's data (22, 23).  A conflict with recovery (40001), a statement
 * that tried to write (25006), a server going down: the primary answers.
 */
static int replica_declines(const struct dbq *q, const PGresult *res)
{
	ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	const char *state = res != NULL ? field(res, PG_DIAG_SQLSTATE) : "";

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || !strncmp(state, "RB", 2) ||
	    !strncmp(state, "22", 2) || !strncmp(state, "23", 2))
		return 0;
	if (!strcmp(state, "25006"))
		log_errorx("statement %s writes, so the replica cannot run it; the primary answered",
			   stmt_defs[q->stmt].name);
	else
		log_info("replica: statement %s failed (%s %s); the primary answers it",
			 stmt_defs[q->stmt].name, state[0] ? state : "no SQLSTATE",
			 res != NULL ? field(res, PG_DIAG_MESSAGE_PRIMARY) : "no result");
	return 1;
}

/* One command finished (PQgetResult returned NULL). */
static void pc_command_done(struct pconn *pc)
{
	struct pool *pl = pc->pl;
	PGresult *res = pc->res;
	struct dbq *q;

	pc->res = NULL;
	evtimer_del(pc->ev_deadline);
	if (pc->pg != NULL)
		pc->err_seen = strlen(PQerrorMessage(pc->pg));
	if (pc->state == PC_PREPARING) {
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (pl->refused || prepare_refused(pc, res)) {
				PQclear(res);
				if (pc->pg != NULL) {
					pc->state = PC_DOWN; /* refused already: quietly */
					pc_fail(pc, "");
				}
				return;
			}
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
		pc->pos = malloc(sizeof(*pc->pos) * STMT__COUNT);
		if (pc->pos == NULL) {
			pc_fail(pc, "out of memory");
			return;
		}
		pc->state = PC_DESCRIBING;
		pc->desc_next = 0;
		pc->desc_bad = 0;
		pc->problems_len = 0;
		pc_describe_next(pc);
		return;
	}
	if (pc->state == PC_DESCRIBING) {
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
			log_errorx("cannot describe statement %s: %s", stmt_defs[pc->desc_next].name,
				   res != NULL ? PQresultErrorMessage(res) : "no result");
			PQclear(res);
			pc_fail(pc, "statement description failed");
			return;
		}
		if (pc_described(pc, res) != 0) {
			PQclear(res);
			pc_fail(pc, "out of memory");
			return;
		}
		PQclear(res);
		if (++pc->desc_next < STMT__COUNT) {
			pc_describe_next(pc);
			return;
		}
		pc_describe_done(pc);
		return;
	}

	q = pc->q;
	pc->q = NULL;
	pc->state = PC_IDLE;
	if (q != NULL && pl->fallback != NULL && !(q->flags & DBQ_REPLICA_ONLY) &&
	    replica_declines(q, res)) {
		if (pool_take(pl->fallback, q) != 0)
			fail_query(q, RIGBOOK__ERROR_CODE__UNAVAILABLE, "database_unavailable",
				   "the database is unavailable; retry");
		q = NULL;
	}
	if (q != NULL) {
		ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;

		if (q->flags & DBQ_READ)
			pl->reads++;
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			struct db_result r = { res, q->stmt, col_pos[q->stmt] };

			q->cb(q->arg, &r, NULL);
		} else if (res != NULL) {
			struct db_error e;

			map_error(res, q->stmt, &e);
			q->cb(q->arg, NULL, &e);
		} else {
			struct db_error e = {
				.code = RIGBOOK__ERROR_CODE__INTERNAL,
				.message = "internal error; the server log has the details",
				.column = "", .detail = "", .hint = "", .reason = "internal",
				.sqlstate = "", .stmt = stmt_defs[q->stmt].name
			};

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
	while ((pc->state == PC_PREPARING || pc->state == PC_DESCRIBING || pc->state == PC_BUSY) &&
	       !PQisBusy(pc->pg)) {
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
	pc->err_seen = 0; /* libpq starts a command with no error text */
	pc->q = q;
	pc->state = PC_BUSY;
	pc_arm_deadline(pc);
	return 0;
}

/* Give an idle connection the next queued query. */
static void pc_next(struct pconn *pc)
{
	struct pool *pl = pc->pl;
	struct dbq *q;

	if (pc->state != PC_IDLE || (q = TAILQ_FIRST(&pl->queue)) == NULL)
		return;
	TAILQ_REMOVE(&pl->queue, q, link);
	pl->queued--;
	if (pc_send(pc, q) != 0) {
		TAILQ_INSERT_HEAD(&pl->queue, q, link);
		pl->queued++;
		pc_fail_libpq(pc);
		return;
	}
	pc_flush(pc);
}

static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pool *pl = arg;

	for (int i = 0; i < pl->size; i++) {
		struct pconn *pc = &pl->conns[i];

		if (pc->state == PC_BROKEN) {
			pc->state = PC_IDLE; /* not DOWN: pc_fail logs it */
			pc_fail_libpq(pc);
		}
	}
	for (int i = 0; i < pl->size && pl->queued > 0; i++)
		pc_next(&pl->conns[i]);
}

/*
 * Send q on an idle connection of pl, or queue it.  Returns 0, or the wire
 * error code when pl cannot take it now (q is then still the caller's).
 */
static int pool_take(struct pool *pl, struct dbq *q)
{
	int i;

	if (pl->stopping || pool_live(pl) == 0)
		return RIGBOOK__ERROR_CODE__UNAVAILABLE;
	if (pl->queued >= pl->max_queue)
		return RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED;
	for (i = 0; i < pl->size; i++) {
		struct pconn *pc = &pl->conns[i];

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
	TAILQ_INSERT_TAIL(&pl->queue, q, link);
	pl->queued++;
	if (i < pl->size)
		event_active(pl->kick, 0, 0);
	return 0;
}

static struct dbq *query_new(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb,
			     void *arg, int flags)
{
	size_t total = 0, off = 0;
	struct dbq *q;
	int i;

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
		return NULL;
	q->stmt = stmt;
	q->flags = flags;
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
	return q;
}

static int query_on(struct pool *pl, enum stmt_id stmt, const char *const *params, int nparams,
		    db_cb cb, void *arg, int flags)
{
	struct dbq *q;
	int code;

	if (pl->stopping || pool_live(pl) == 0)
		return RIGBOOK__ERROR_CODE__UNAVAILABLE;
	if (pl->queued >= pl->max_queue)
		return RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED;
	q = query_new(stmt, params, nparams, cb, arg, flags);
	if (q == NULL)
		return RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED;
	code = pool_take(pl, q);
	if (code != 0)
		free(q);
	return code;
}

int db_query(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb, void *arg)
{
	return query_on(&P, stmt, params, nparams, cb, arg, 0);
}

int db_query_read(int on_replica, enum stmt_id stmt, const char *const *params, int nparams,
		  db_cb cb, void *arg)
{
	if (on_replica && query_on(&R, stmt, params, nparams, cb, arg, DBQ_READ) == 0)
		return 0;
	return query_on(&P, stmt, params, nparams, cb, arg, DBQ_READ);
}

int db_replica_query(enum stmt_id stmt, const char *const *params, int nparams, db_cb cb,
		     void *arg)
{
	return query_on(&R, stmt, params, nparams, cb, arg, DBQ_REPLICA_ONLY);
}

/* ---------------------------------------------------------------- results */

int db_ntuples(const struct db_result *r)
{
	return PQntuples(r->res);
}

/*
 * The position of key col in r, or -1 when r's statement does not declare it
 * in sql.c: a slip in the code, said once per statement; the value reads as
 * NULL.
 */
static int col_at(const struct db_result *r, enum col col)
{
	static unsigned char said[STMT__COUNT];
	int at = (unsigned)col < COL__COUNT ? r->pos[col] : COL_NONE;

	if (at < 0 && !said[r->stmt]) {
		char label[64];

		said[r->stmt] = 1;
		log_errorx("statement %s: the code reads column key %d, which sql.c does not declare"
			   " for it", sql_stmt_label(r->stmt, label, sizeof(label)), (int)col);
	}
	return at;
}

const char *db_get(const struct db_result *r, int row, enum col col)
{
	int at = col_at(r, col);

	return at >= 0 ? PQgetvalue(r->res, row, at) : "";
}

int db_isnull(const struct db_result *r, int row, enum col col)
{
	int at = col_at(r, col);

	return at >= 0 ? PQgetisnull(r->res, row, at) : 1;
}

int64_t db_get_int64(const struct db_result *r, int row, enum col col)
{
	int at = col_at(r, col);

	return at >= 0 ? strtoll(PQgetvalue(r->res, row, at), NULL, 10) : 0;
}

int db_get_bool(const struct db_result *r, int row, enum col col)
{
	int at = col_at(r, col);

	return at >= 0 && PQgetvalue(r->res, row, at)[0] == 't';
}

/* ---------------------------------------------------------------- pool */

static int add_param(struct pool *pl, const char *key, const char *val)
{
	char *v;

	for (int i = 0; i < pl->nkeys; i++) {
		if (strcmp(pl->keys[i], key) == 0) {
			if ((v = strdup(val)) == NULL)
				return -1;
			free(pl->vals[i]);
			pl->vals[i] = v;
			return 0;
		}
	}
	if (pl->nkeys == DB_MAX_KEYS || (v = strdup(val)) == NULL)
		return -1;
	if ((pl->keys[pl->nkeys] = strdup(key)) == NULL) {
		free(v);
		return -1;
	}
	pl->vals[pl->nkeys++] = v;
	return 0;
}

static const char *get_param(const struct pool *pl, const char *key)
{
	for (int i = 0; i < pl->nkeys; i++)
		if (strcmp(pl->keys[i], key) == 0)
			return pl->vals[i];
	return NULL;
}

/* A host that getaddrinfo would look up: one name, not a socket directory or an address. */
static int needs_lookup(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return host != NULL && host[0] != '\0' && host[0] != '/' && host[0] != '@' &&
	       strchr(host, ',') == NULL && inet_pton(AF_INET, host, buf) != 1 &&
	       inet_pton(AF_INET6, host, buf) != 1;
}

/*
 * The configured connection string, parsed once into parameters, with
 * ours: TCP keepalives (a peer that vanished is noticed), statement_timeout
 * as the server's own backstop to our deadline, and the host's name
 * resolved by evdns before each connect (hostaddr), never by libpq inside
 * the loop.
 */
static int pool_params(struct pool *pl, const char *conninfo)
{
	/* ours, unless the connection string says otherwise; NULL: the deadline, ms */
	static const char *const ours[][2] = {
		{ "application_name", "rigbookd" }, { "keepalives", "1" },
		{ "keepalives_idle", "10" },        { "keepalives_interval", "5" },
		{ "keepalives_count", "3" },        { "tcp_user_timeout", NULL },
	};
	PQconninfoOption *opts;
	char *errmsg = NULL, options[1024], ms[32];
	const char *old;

	opts = PQconninfoParse(conninfo, &errmsg);
	if (opts == NULL) {
		log_errorx("%s: %s", pl == &P ? "database_url" : "read_database_url",
			   errmsg != NULL ? errmsg : "out of memory");
		PQfreemem(errmsg);
		return -1;
	}
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		if (add_param(pl, o->keyword, o->val) != 0) {
			PQconninfoFree(opts);
			return -1;
		}
	}
	PQconninfoFree(opts);
	old = get_param(pl, "options");
	snprintf(ms, sizeof(ms), "%d", pl->timeout_ms);
	snprintf(options, sizeof(options), "%s%s-c statement_timeout=%d", old != NULL ? old : "",
		 old != NULL ? " " : "", pl->timeout_ms - 1000 > 1000 ? pl->timeout_ms - 1000 : 1000);
	if (add_param(pl, "options", options) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (get_param(pl, ours[i][0]) == NULL &&
		    add_param(pl, ours[i][0], ours[i][1] != NULL ? ours[i][1] : ms) != 0)
			return -1;
	if (get_param(pl, "hostaddr") == NULL && needs_lookup(get_param(pl, "host"))) {
		pl->resolve = get_param(pl, "host");
		pl->dns = evdns_base_new(pl->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
						       EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		if (pl->dns == NULL)
			log_warnx("no resolver configuration: %s is looked up by libpq, which blocks",
				  pl->resolve);
	}
	return 0;
}

static int pool_start(struct pool *pl, struct event_base *base, const char *conninfo, int size,
		      int max_queue, int timeout_s)
{
	pl->base = base;
	pl->conninfo = strdup(conninfo);
	pl->size = size;
	pl->max_queue = max_queue;
	pl->timeout_ms = timeout_s * 1000;
	TAILQ_INIT(&pl->queue);
	pl->conns = calloc((size_t)size, sizeof(*pl->conns));
	pl->kick = event_new(base, -1, 0, kick_cb, pl);
	if (pl->conninfo == NULL || pl->conns == NULL || pl->kick == NULL ||
	    pool_params(pl, conninfo) != 0)
		return -1;
	for (int i = 0; i < size; i++) {
		struct pconn *pc = &pl->conns[i];

		pc->pl = pl;
		pc->idx = i;
		pc->fd = -1;
		pc->state = PC_DOWN;
		pc->ev_timer = evtimer_new(base, pc_timer_cb, pc);
		pc->ev_deadline = evtimer_new(base, pc_deadline_cb, pc);
		if (pc->ev_timer == NULL || pc->ev_deadline == NULL)
			return -1;
	}
	for (int i = 0; i < size; i++)
		pc_connect(&pl->conns[i]);
	return 0;
}

int db_pool_start(struct event_base *base, const char *conninfo, int size, int max_queue,
		  int timeout_s, db_ready_cb ready, void *ready_arg)
{
	memset(&P, 0, sizeof(P));
	P.what = "database";
	P.ready = ready;
	P.ready_arg = ready_arg;
	return pool_start(&P, base, conninfo, size, max_queue, timeout_s);
}

int db_replica_start(struct event_base *base, const char *conninfo, int size, int max_queue,
		     int timeout_s)
{
	if (!resolved)
		fatalx("the replica's pool started before the primary's columns were known");
	memset(&R, 0, sizeof(R));
	R.what = "replica";
	R.fallback = &P;
	return pool_start(&R, base, conninfo, size, max_queue, timeout_s);
}

static void pool_stop(struct pool *pl)
{
	struct dbq *q;

	pl->stopping = 1;
	for (int i = 0; i < pl->size; i++) {
		struct pconn *pc = &pl->conns[i];

		pc->state = PC_DOWN; /* quietly */
		pc_fail(pc, "closing");
		if (pc->ev_timer != NULL)
			event_free(pc->ev_timer);
		if (pc->ev_deadline != NULL)
			event_free(pc->ev_deadline);
	}
	while ((q = TAILQ_FIRST(&pl->queue)) != NULL) {
		TAILQ_REMOVE(&pl->queue, q, link);
		pl->queued--;
		fail_query(q, RIGBOOK__ERROR_CODE__UNAVAILABLE, "server_draining",
			   "rigbookd is shutting down");
	}
	if (pl->kick != NULL)
		event_free(pl->kick);
	free(pl->conns);
	free(pl->conninfo);
	for (int i = 0; i < pl->nkeys; i++) {
		free(pl->keys[i]);
		free(pl->vals[i]);
	}
	if (pl->dns != NULL)
		evdns_base_free(pl->dns, 0);
	memset(pl, 0, sizeof(*pl));
}

void db_pool_stop(void)
{
	P.stopping = 1; /* the replica hands nothing over now */
	pool_stop(&R);
	pool_stop(&P);
}
