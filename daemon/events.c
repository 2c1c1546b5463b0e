#include "events.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "conn.h"
#include "db.h"
#include "log.h"
#include "session.h"

#define CHANNEL "rigbook_events"     /* NOTIFY channel */
#define PUBLICATION "rigbook_events" /* pgoutput wants one; it has no tables */
#define PREFIX "rigbook"             /* logical message prefix of an event */
/*
 * The transport changed (events_define_transport): a logical message with
 * this prefix, or a notification with this payload, tells the daemons
 * reading the old one to reconnect and ask again.
 */
#define SWITCH_PREFIX "rigbook.transport"
#define SWITCH_PAYLOAD "transport"
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
/* standby status updates; wal_sender_timeout (60 s by default) must not pass */
#define STATUS_INTERVAL_S 5
/* PostgreSQL counts time from 2000-01-01 00:00 UTC */
#define PG_EPOCH_UNIX 946684800

enum ls_state {
	LS_DOWN,       /* waiting to reconnect */
	LS_CONNECTING, /* PQconnectPoll in progress (either connection) */
	LS_ASKING,     /* SELECT rb_event_transport() sent */
	LS_LISTENING,  /* LISTEN and the question again sent, not yet answered */
	LS_SLOT,       /* CREATE_REPLICATION_SLOT sent */
	LS_CHECKING,   /* the question again, on the replication connection */
	LS_STARTING,   /* START_REPLICATION sent, not yet in CopyBoth */
	LS_LIVE,       /* notifications or the replication stream arrive */
};

enum transport {
	TR_NOTIFY,
	TR_LOGICAL,
};

/*
 * A connection's subscription.  Its memory has one owner, the connection:
 * created by its first Watch, stopped (live = 0) by Unwatch, by an event
 * it cannot take or by its close, and freed only when conn.c reaps the
 * connection (events_conn_reaped), never while events are being pushed.
 */
struct watcher {
	TAILQ_ENTRY(watcher) link;
	uint32_t slot, gen;
	int live; /* events go to it */
	struct ev_scope scope;
};

TAILQ_HEAD(watcher_list, watcher);

/*
 * One connection at a time: first an ordinary one that asks which
 * transport the database uses; for notify it then LISTENs, for logical it
 * is closed and a replication connection (replication=database) streams a
 * temporary slot.  E.pg is whichever is open.
 */
static struct {
	struct event_base *base;
	char *conninfo;
	PGconn *pg;
	enum ls_state state;
	int repl;               /* E.pg is the replication connection */
	enum transport answer;  /* what rb_event_transport() said */
	struct event *ev_io;    /* as PQconnectPoll asks; persistent read once connected */
	struct event *ev_write; /* one-shot, while output is pending */
	struct event *ev_timer; /* reconnect backoff */
	struct event *ev_status; /* standby status updates while streaming */
	struct event *ev_deadline; /* a connect or command the database does not answer in time */
	int timeout_s;          /* db_timeout: 0 none */
	int backoff_ms;
	int missed;   /* events may have been lost since a watcher could last hear them */
	int ever_live; /* events have flowed before: a reconnection, not the start */
	size_t backlog;
	int nwatchers;
	char slot[64];          /* the temporary slot's name */
	uint64_t received;      /* the last WAL position received (an LSN) */
	int64_t sent_at;        /* the server's send time of the last message (µs, Unix) */
	int64_t heard_at;       /* when it arrived here (µs, Unix) */
	char want[16];          /* events_transport, for the migration step */
} E = { .backlog = 1u << 20, .want = "auto" };

static struct watcher_list watchers = TAILQ_HEAD_INITIALIZER(watchers);

static void ls_io_cb(evutil_socket_t fd, short what, void *arg);
static void ls_write_cb(evutil_socket_t fd, short what, void *arg);

/* ---------------------------------------------------------------- watchers */

static struct watcher *find_watcher(uint32_t slot, uint32_t gen)
{
	struct watcher *w;

	TAILQ_FOREACH(w, &watchers, link)
		if (w->slot == slot && w->gen == gen)
			return w;
	return NULL;
}

/* No more events to w; its memory stays until its connection is reaped. */
static void stop_watcher(struct watcher *w)
{
	if (!w->live)
		return;
	w->live = 0;
	E.nwatchers--;
}

static void free_watcher(struct watcher *w)
{
	stop_watcher(w);
	TAILQ_REMOVE(&watchers, w, link);
	free(w);
}

int events_watch(uint32_t slot, uint32_t gen, const struct ev_scope *scope)
{
	struct watcher *w = find_watcher(slot, gen);

	if (w == NULL) {
		w = calloc(1, sizeof(*w));
		if (w == NULL)
			return -1;
		w->slot = slot;
		w->gen = gen;
		TAILQ_INSERT_TAIL(&watchers, w, link);
	}
	if (!w->live) {
		w->live = 1;
		E.nwatchers++;
	}
	w->scope = *scope;
	if (E.state != LS_LIVE)
		E.missed = 1; /* it hears a resync once events flow */
	return 0;
}

int events_unwatch(uint32_t slot, uint32_t gen)
{
	struct watcher *w = find_watcher(slot, gen);

	if (w == NULL || !w->live)
		return 0;
	stop_watcher(w);
	return 1;
}

void events_conn_gone(uint32_t slot, uint32_t gen)
{
	struct watcher *w = find_watcher(slot, gen);

	if (w != NULL)
		stop_watcher(w);
	session_conn_gone(slot);
}

void events_conn_reaped(uint32_t slot, uint32_t gen)
{
	struct watcher *w = find_watcher(slot, gen);

	if (w != NULL)
		free_watcher(w);
}

int events_watchers(void)
{
	return E.nwatchers;
}

void events_set_backlog(size_t backlog)
{
	E.backlog = backlog;
}

int events_live(void)
{
	return E.state == LS_LIVE;
}

/*
 * Queue resp for w.  A watcher whose unsent output is already past the
 * backlog gets one last 'dropped' event (small, queued whatever the
 * backlog) and no more: the server's memory stays bounded however slowly
 * a peer reads.  The connection stays open for requests.
 */
static void push(struct watcher *w, const Rigbook__Response *resp)
{
	Rigbook__Response last = RIGBOOK__RESPONSE__INIT;
	Rigbook__Event ev = RIGBOOK__EVENT__INIT;
	int rc = conn_push(w->slot, w->gen, resp, E.backlog);

	if (rc == 0)
		return;
	if (rc < 0) {
		/* gone or closed just now (conn_push may close it): w stays until the reap */
		stop_watcher(w);
		return;
	}
	log_warnx("connection %u: stopping its events: more than %zu bytes of them unread",
		  (unsigned)w->slot, E.backlog);
	ev.kind = "dropped";
	ev.at = (int64_t)time(NULL);
	ev.message = "the server stopped sending events: this connection did not read them fast "
		     "enough (watch again, and re-read what you show)";
	last.body_case = RIGBOOK__RESPONSE__BODY_EVENT;
	last.event = &ev;
	if (conn_push(w->slot, w->gen, &last, SIZE_MAX) == 0)
		conn_set_watching(w->slot, w->gen, 0);
	stop_watcher(w);
}

static void broadcast_resync(const char *why)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Event ev = RIGBOOK__EVENT__INIT;
	struct watcher *w, *next;

	ev.kind = "resync";
	ev.at = (int64_t)time(NULL);
	ev.message = (char *)why;
	resp.body_case = RIGBOOK__RESPONSE__BODY_EVENT;
	resp.event = &ev;
	for (w = TAILQ_FIRST(&watchers); w != NULL; w = next) {
		next = TAILQ_NEXT(w, link);
		if (w->live)
			push(w, &resp);
	}
}

/* One payload as rb_emit_event() words it: len bytes, no NUL needed. */
static void deliver(const char *payload, size_t len)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Event wire;
	struct ev_payload ev;
	struct watcher *w, *next;
	const char *why;

	if (E.nwatchers == 0 && !ev_is_access_ended(payload, len))
		return; /* nobody to tell: not even worth reading */
	if (ev_parse(payload, len, &ev, &why) != 0) {
		log_warnx("ignoring an event the database sent: %s", why);
		return;
	}
	if (!strcmp(ev.kind, EV_KIND_ACCESS_ENDED)) {
		/* for the sessions of this daemon, not for watchers */
		session_access_ended(ev.member_id, ev.token_id, ev.cert_id);
		return;
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_EVENT;
	resp.event = &wire;
	for (w = TAILQ_FIRST(&watchers); w != NULL; w = next) {
		enum ev_view view;

		next = TAILQ_NEXT(w, link);
		if (!w->live)
			continue;
		view = ev_visible(&w->scope, &ev);
		if (view == EV_HIDE)
			continue;
		ev_to_wire(&ev, view, &wire);
		push(w, &resp);
	}
}

/* ---------------------------------------------------------------- the connection */

static void ls_events_free(void)
{
	if (E.ev_io != NULL) {
		event_free(E.ev_io);
		E.ev_io = NULL;
	}
	if (E.ev_write != NULL) {
		event_free(E.ev_write);
		E.ev_write = NULL;
	}
}

/* Wait for the socket libpq names now: it may change while connecting. */
static int ls_wait(short what, int persist)
{
	evutil_socket_t fd = PQsocket(E.pg);

	if (fd < 0)
		return -1;
	ls_events_free();
	E.ev_io = event_new(E.base, fd, what | (persist ? EV_PERSIST : 0), ls_io_cb, NULL);
	E.ev_write = event_new(E.base, fd, EV_WRITE, ls_write_cb, NULL);
	if (E.ev_io == NULL || E.ev_write == NULL || event_add(E.ev_io, NULL) != 0)
		return -1;
	return 0;
}

static void ls_schedule_reconnect(void)
{
	struct timeval tv;

	E.backoff_ms = E.backoff_ms == 0 ? BACKOFF_MIN_MS : E.backoff_ms * 2;
	if (E.backoff_ms > BACKOFF_MAX_MS)
		E.backoff_ms = BACKOFF_MAX_MS;
	tv.tv_sec = E.backoff_ms / 1000;
	tv.tv_usec = (E.backoff_ms % 1000) * 1000;
	evtimer_add(E.ev_timer, &tv);
}

/* Close the connection, whatever it was doing (a temporary slot goes with it). */
static void ls_close(void)
{
	ls_events_free();
	if (E.ev_status != NULL)
		evtimer_del(E.ev_status);
	if (E.ev_deadline != NULL)
		evtimer_del(E.ev_deadline);
	if (E.pg != NULL) {
		PQfinish(E.pg);
		E.pg = NULL;
	}
	E.state = LS_DOWN;
}

/*
 * The connection broke, or a command on it failed (why; NULL: libpq's
 * message): reconnect with backoff.  Events committed until the next one
 * flows may be missed.
 */
static void ls_fail(const char *why)
{
	char msg[512];
	size_t n;

	snprintf(msg, sizeof(msg), "%s",
		 why != NULL ? why : E.pg != NULL ? PQerrorMessage(E.pg) : "out of memory");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (E.state == LS_LIVE || E.backoff_ms == 0)
		log_warnx("event connection lost, reconnecting: %s", msg[0] ? msg : "connection failed");
	else
		log_debug("event connection: %s", msg);
	if (E.state == LS_LIVE)
		E.missed = 1;
	ls_close();
	ls_schedule_reconnect();
}

/* The same, for a failed command: what failed and the server's word. */
static void ls_fail_result(const char *what, PGresult *r)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: %s", what,
		 r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(E.pg));
	PQclear(r);
	ls_fail(msg);
}

/* Start again at once, not as a failure: the transport changed. */
static void ls_restart(const char *why)
{
	log_info("%s: reconnecting", why);
	if (E.state == LS_LIVE)
		E.missed = 1;
	ls_close();
	E.backoff_ms = 0;
	ls_schedule_reconnect();
}

static void ls_flush(void)
{
	int r = PQflush(E.pg);

	if (r < 0)
		ls_fail(NULL);
	else if (r == 1)
		event_add(E.ev_write, NULL);
}

/* Send a command (simple query protocol: replication commands need it). */
/* Until the database answers what was just sent, at most db_timeout. */
static void ls_arm_deadline(void)
{
	struct timeval tv = { E.timeout_s, 0 };

	if (E.ev_deadline != NULL && E.timeout_s > 0)
		evtimer_add(E.ev_deadline, &tv);
}

static void ls_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	char why[96];

	snprintf(why, sizeof(why), "the database did not answer within %d s (db_timeout)", E.timeout_s);
	ls_fail(why);
}

/* A notice on the event connection (the server going away, say): one line in the log. */
static void ls_notice(void *arg, const char *message)
{
	char line[512];
	size_t n;

	snprintf(line, sizeof(line), "%s", message);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
		line[--n] = '\0';
	log_info("event connection: %s", line);
}

static void ls_send(const char *sql, enum ls_state next)
{
	if (!PQsendQuery(E.pg, sql)) {
		ls_fail(NULL);
		return;
	}
	E.state = next;
	ls_arm_deadline();
	ls_flush();
}

/* A slot name no other daemon on the cluster has: our pid and 64 random bits. */
static void ls_name_slot(void)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		r = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	}
	snprintf(E.slot, sizeof(E.slot), "rigbookd_%x_%016" PRIx64, (unsigned)getpid(), r);
}

static void ls_connected(void)
{
	char sql[160];

	if (PQsetnonblocking(E.pg, 1) != 0 || ls_wait(EV_READ, 1) != 0) {
		ls_fail(NULL);
		return;
	}
	if (!E.repl) {
		E.answer = TR_NOTIFY;
		ls_send("SELECT rb_event_transport()", LS_ASKING);
		return;
	}
	/*
	 * Temporary: dropped when this connection ends, however it ends, so a
	 * daemon that dies leaves no slot holding WAL back.  No snapshot: we
	 * read nothing as of the slot's start, only what commits after it.
	 */
	ls_name_slot();
	snprintf(sql, sizeof(sql),
		 "CREATE_REPLICATION_SLOT %s TEMPORARY LOGICAL pgoutput (SNAPSHOT 'nothing')", E.slot);
	ls_send(sql, LS_SLOT);
}

static void ls_poll_connect(void)
{
	switch (PQconnectPoll(E.pg)) {
	case PGRES_POLLING_READING:
		if (ls_wait(EV_READ, 0) != 0)
			ls_fail(NULL);
		return;
	case PGRES_POLLING_WRITING:
		if (ls_wait(EV_WRITE, 0) != 0)
			ls_fail(NULL);
		return;
	case PGRES_POLLING_OK:
		ls_connected();
		return;
	default:
		ls_fail(NULL);
		return;
	}
}

/* An ordinary connection (repl 0) or a logical replication one (repl 1). */
static void ls_connect(int repl)
{
	const char *keys[6], *vals[6], *hosts, *addrs;
	int n = 0;

	/* the configured string (a URI or key=value words) with our words after it, which win */
	keys[n] = "dbname", vals[n++] = E.conninfo;
	keys[n] = "application_name", vals[n++] = "rigbookd-events";
	if (repl)
		keys[n] = "replication", vals[n++] = "database";
	/* a host name is resolved by the pool (evdns), never by libpq in the event loop */
	switch (db_host_addresses(&hosts, &addrs)) {
	case 1:
		keys[n] = "host", vals[n++] = hosts;
		keys[n] = "hostaddr", vals[n++] = addrs;
		break;
	case -1:
		E.repl = repl;
		ls_fail("waiting for the database's host name to resolve");
		return;
	default:
		break;
	}
	keys[n] = NULL, vals[n] = NULL;
	E.repl = repl;
	E.received = 0;
	E.pg = PQconnectStartParams(keys, vals, 1);
	if (E.pg == NULL || PQstatus(E.pg) == CONNECTION_BAD) {
		ls_fail(NULL);
		return;
	}
	PQsetNoticeProcessor(E.pg, ls_notice, NULL);
	E.state = LS_CONNECTING;
	ls_arm_deadline();
	if (ls_wait(EV_WRITE, 0) != 0)
		ls_fail(NULL);
}

static void ls_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	ls_connect(0);
}

void events_database_back(void)
{
	if (E.conninfo == NULL || E.state != LS_DOWN || E.pg != NULL ||
	    !evtimer_pending(E.ev_timer, NULL))
		return;
	evtimer_del(E.ev_timer);
	ls_connect(0);
}

static void ls_live(void)
{
	struct timeval tv = { STATUS_INTERVAL_S, 0 };
	int was_failing = E.backoff_ms > 0;

	E.state = LS_LIVE;
	E.backoff_ms = 0;
	if (E.ev_deadline != NULL)
		evtimer_del(E.ev_deadline);
	if (was_failing)
		db_database_back(); /* the pool need not wait out its backoff */
	if (E.repl) {
		log_info("reading events from logical decoding messages (slot %s)", E.slot);
		evtimer_add(E.ev_status, &tv);
	} else {
		log_info("listening for events");
	}
	/* revocations committed while the stream was down were not heard */
	if (E.ever_live)
		session_recheck();
	E.ever_live = 1;
	if (E.missed) {
		E.missed = 0;
		broadcast_resync("the server's database connection was interrupted and is "
				 "back: events may have been missed; re-read what you show");
	}
}

/*
 * rb_event_transport() has answered: LISTEN here, or stream on a
 * replication connection.  Either way the question is asked again once
 * what would announce a change of transport is in force (LISTEN, or the
 * slot, which sees what commits after it): a change committed in between
 * would otherwise go unheard, and events with it.
 */
static void ls_transport_known(void)
{
	if (E.answer == TR_NOTIFY) {
		ls_send("LISTEN " CHANNEL "; SELECT rb_event_transport()", LS_LISTENING);
		return;
	}
	ls_close();
	ls_connect(1);
}

/*
 * An answer to SELECT rb_event_transport() into E.answer: 0, or -1 for
 * anything else.  A database that has no such function (no rigbookd of
 * this kind migrated it) NOTIFYs, as before.
 */
static int ls_take_answer(PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *v;

	if (PQresultStatus(r) == PGRES_FATAL_ERROR && state != NULL && strcmp(state, "42883") == 0) {
		log_debug("the database has no rb_event_transport(): listening");
		E.answer = TR_NOTIFY;
		return 0;
	}
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) != 1 ||
	    PQgetisnull(r, 0, 0))
		return -1;
	v = PQgetvalue(r, 0, 0);
	if (strcmp(v, "logical") == 0)
		E.answer = TR_LOGICAL;
	else if (strcmp(v, "notify") == 0)
		E.answer = TR_NOTIFY;
	else
		return -1;
	return 0;
}

static void ls_start_replication(void)
{
	char sql[256];

	/*
	 * From the slot's own start (0/0: where it became consistent).  Only
	 * messages: the publication has no tables, so pgoutput sends a
	 * transaction's BEGIN, its messages and COMMIT, and nothing at all for
	 * the transactions that announced nothing.
	 */
	snprintf(sql, sizeof(sql),
		 "START_REPLICATION SLOT %s LOGICAL 0/0 (proto_version '1', publication_names '"
		 PUBLICATION "', messages 'true')", E.slot);
	ls_send(sql, LS_STARTING);
}

/*
 * Take the results of the command in flight while they are complete.
 * Returns -1 when the connection was closed or replaced by another (stop
 * reading it), else 0.
 */
static int ls_results(void)
{
	while (E.state != LS_LIVE && !PQisBusy(E.pg)) {
		PGresult *r = PQgetResult(E.pg);
		ExecStatusType st;

		if (r == NULL) {
			/* the command is complete */
			switch (E.state) {
			case LS_ASKING:
				ls_transport_known();
				break;
			case LS_LISTENING:
				if (E.answer == TR_NOTIFY)
					ls_live();
				else
					ls_restart("the database's event transport changed");
				break;
			case LS_SLOT:
				ls_send("SELECT rb_event_transport()", LS_CHECKING);
				break;
			case LS_CHECKING:
				if (E.answer == TR_LOGICAL)
					ls_start_replication();
				else
					ls_restart("the database's event transport changed");
				break;
			default:
				ls_fail("START_REPLICATION ended without streaming");
				break;
			}
			if (E.pg == NULL || E.state == LS_DOWN || E.state == LS_CONNECTING)
				return -1;
			continue;
		}
		st = PQresultStatus(r);
		switch (E.state) {
		case LS_ASKING:
		case LS_CHECKING:
			if (ls_take_answer(r) == 0)
				break;
			ls_fail_result("cannot ask the database for its event transport", r);
			return -1;
		case LS_LISTENING:
			if (st == PGRES_COMMAND_OK || ls_take_answer(r) == 0)
				break;
			ls_fail_result("LISTEN " CHANNEL " failed", r);
			return -1;
		case LS_SLOT:
			if (st == PGRES_TUPLES_OK)
				break;
			ls_fail_result("cannot create a replication slot for events", r);
			return -1;
		case LS_STARTING:
			if (st == PGRES_COPY_BOTH) {
				/* streaming: no more results until the stream ends */
				PQclear(r);
				ls_live();
				return 0;
			}
			ls_fail_result("cannot start streaming events", r);
			return -1;
		default:
			break;
		}
		PQclear(r);
	}
	return 0;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/*
 * One pgoutput message (proto.c), the payload of an XLogData.  Only a
 * Message matters: 'M', flags (1 byte), its LSN (8), the prefix (a C
 * string), the content's length (int32), the content.  (No xid before the
 * flags: that is there only when streaming, which we do not ask for.)
 * Begin, Commit and everything a publication with tables would add (R, I,
 * U, D, T, Y, O, ...) are skipped unread.  Returns 0, 1 when the transport
 * changed, or -1 with *why for a message that does not hold together.
 */
static int ls_pgoutput(const unsigned char *p, size_t len, const char **why)
{
	const unsigned char *prefix, *nul;
	size_t off;
	uint32_t n;

	if (len < 1) {
		*why = "an empty XLogData message";
		return -1;
	}
	if (p[0] != 'M')
		return 0;
	if (len < 1 + 1 + 8 + 1) {
		*why = "a logical message shorter than its header";
		return -1;
	}
	prefix = p + 1 + 1 + 8;
	nul = memchr(prefix, '\0', len - (size_t)(prefix - p));
	if (nul == NULL) {
		*why = "a logical message whose prefix does not end";
		return -1;
	}
	off = (size_t)(nul - p) + 1;
	if (len - off < 4) {
		*why = "a logical message without the length of its content";
		return -1;
	}
	n = get32(p + off);
	off += 4;
	if ((size_t)n != len - off) {
		*why = "a logical message whose content is not as long as it says";
		return -1;
	}
	if (strcmp((const char *)prefix, PREFIX) == 0)
		deliver((const char *)p + off, n);
	else if (strcmp((const char *)prefix, SWITCH_PREFIX) == 0)
		return 1;
	return 0;
}

static int64_t unix_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* A message the server sent at SENT (µs since 2000-01-01) arrived now. */
static void ls_heard(uint64_t sent)
{
	E.sent_at = (int64_t)sent + (int64_t)PG_EPOCH_UNIX * 1000000;
	E.heard_at = unix_usec();
}

void events_status(int *live, int *logical, double *lag, double *quiet)
{
	*live = E.state == LS_LIVE;
	*logical = E.repl;
	*lag = 0;
	*quiet = 0;
	if (E.repl && E.heard_at != 0) {
		*lag = E.heard_at > E.sent_at ? (double)(E.heard_at - E.sent_at) / 1e6 : 0;
		*quiet = (double)(unix_usec() - E.heard_at) / 1e6;
	}
}

/*
 * One CopyData message of the stream (walsender.c): XLogData, 'w', the
 * start and end of its WAL (8 + 8), the send time (8), then pgoutput's
 * message; or a keepalive, 'k', the server's WAL end (8), the send time
 * (8), whether it wants a reply (1).  Sets *reply when one is wanted.
 * Returns as ls_pgoutput.
 */
static int ls_copydata(const unsigned char *p, size_t len, int *reply, const char **why)
{
	uint64_t end;
	int rc;

	if (len < 1) {
		*why = "an empty message";
		return -1;
	}
	switch (p[0]) {
	case 'w':
		if (len < 1 + 8 + 8 + 8) {
			*why = "an XLogData message shorter than its header";
			return -1;
		}
		end = get64(p + 1 + 8);
		ls_heard(get64(p + 1 + 8 + 8));
		rc = ls_pgoutput(p + 25, len - 25, why);
		if (rc >= 0 && end > E.received)
			E.received = end;
		return rc;
	case 'k':
		if (len < 1 + 8 + 8 + 1) {
			*why = "a keepalive shorter than it is";
			return -1;
		}
		end = get64(p + 1);
		ls_heard(get64(p + 1 + 8));
		if (end > E.received)
			E.received = end;
		if (p[1 + 8 + 8] != 0)
			*reply = 1;
		return 0;
	default:
		return 0; /* nothing else is sent; not ours if a newer server adds something */
	}
}

/*
 * A standby status update: everything received so far is written, flushed
 * and applied, so the slot lets go of the WAL before it (a watcher never
 * needs it again: a new connection means a new slot and a resync).
 */
static void ls_send_status(void)
{
	unsigned char b[1 + 8 + 8 + 8 + 8 + 1];
	struct timeval tv;

	gettimeofday(&tv, NULL);
	b[0] = 'r';
	put64(b + 1, E.received);
	put64(b + 9, E.received);
	put64(b + 17, E.received);
	put64(b + 25, (uint64_t)(((int64_t)tv.tv_sec - PG_EPOCH_UNIX) * 1000000 + tv.tv_usec));
	b[33] = 0; /* no reply wanted */
	/* 0: libpq's buffer is full (the server is not reading); the next tick tries again */
	if (PQputCopyData(E.pg, (const char *)b, (int)sizeof(b)) < 0) {
		ls_fail(NULL);
		return;
	}
	ls_flush();
}

static void ls_status_cb(evutil_socket_t fd, short what, void *arg)
{
	if (E.pg != NULL && E.state == LS_LIVE && E.repl)
		ls_send_status();
}

/* Everything the stream has delivered whole. */
static void ls_stream_read(void)
{
	int reply = 0;

	for (;;) {
		char *buf = NULL;
		const char *why = "";
		int n = PQgetCopyData(E.pg, &buf, 1);
		int rc;

		if (n == 0)
			break; /* the rest has not arrived yet */
		if (n == -1) {
			/* the server ended the stream; its result says why */
			ls_fail_result("the replication stream ended", PQgetResult(E.pg));
			return;
		}
		if (n < 0) {
			ls_fail(NULL);
			return;
		}
		rc = ls_copydata((const unsigned char *)buf, (size_t)n, &reply, &why);
		PQfreemem(buf);
		if (rc < 0) {
			char msg[160];

			snprintf(msg, sizeof(msg), "the replication stream sent %s", why);
			ls_fail(msg);
			return;
		}
		if (rc > 0) {
			ls_restart("the database's event transport changed");
			return;
		}
	}
	if (reply)
		ls_send_status();
}

static void ls_read(void)
{
	PGnotify *n;

	if (!PQconsumeInput(E.pg)) {
		ls_fail(NULL);
		return;
	}
	if (E.state != LS_LIVE && ls_results() != 0)
		return;
	if (E.state != LS_LIVE)
		return; /* the command's result is not complete yet */
	if (E.repl) {
		ls_stream_read();
		return;
	}
	while ((n = PQnotifies(E.pg)) != NULL) {
		int ours = strcmp(n->relname, CHANNEL) == 0;
		int sw = ours && strcmp(n->extra, SWITCH_PAYLOAD) == 0;

		if (ours && !sw)
			deliver(n->extra, strlen(n->extra));
		PQfreemem(n);
		if (sw) {
			ls_restart("the database's event transport changed");
			return;
		}
	}
	/* nothing else is ever sent: anything more is the server going away */
	while (!PQisBusy(E.pg)) {
		PGresult *r = PQgetResult(E.pg);

		if (r == NULL)
			break;
		PQclear(r);
	}
	if (PQstatus(E.pg) == CONNECTION_BAD)
		ls_fail(NULL);
}

static void ls_io_cb(evutil_socket_t fd, short what, void *arg)
{
	if (E.state == LS_CONNECTING) {
		ls_poll_connect();
		return;
	}
	if (E.pg == NULL)
		return;
	ls_read();
	if (E.pg != NULL && E.state != LS_DOWN && E.state != LS_CONNECTING)
		ls_flush();
}

static void ls_write_cb(evutil_socket_t fd, short what, void *arg)
{
	if (E.pg != NULL && E.state != LS_CONNECTING)
		ls_flush();
}

/* ---------------------------------------------------------------- module */

int events_start(struct event_base *base, const char *conninfo, size_t backlog)
{
	E.base = base;
	E.backlog = backlog;
	E.conninfo = strdup(conninfo);
	E.ev_timer = evtimer_new(base, ls_timer_cb, NULL);
	E.ev_status = event_new(base, -1, EV_PERSIST, ls_status_cb, NULL);
	E.ev_deadline = evtimer_new(base, ls_deadline_cb, NULL);
	if (E.conninfo == NULL || E.ev_timer == NULL || E.ev_status == NULL || E.ev_deadline == NULL)
		return -1;
	ls_connect(0);
	return 0;
}

void events_stop(void)
{
	struct watcher *w;

	while ((w = TAILQ_FIRST(&watchers)) != NULL)
		free_watcher(w);
	ls_close();
	if (E.ev_timer != NULL) {
		event_free(E.ev_timer);
		E.ev_timer = NULL;
	}
	if (E.ev_status != NULL) {
		event_free(E.ev_status);
		E.ev_status = NULL;
	}
	if (E.ev_deadline != NULL) {
		event_free(E.ev_deadline);
		E.ev_deadline = NULL;
	}
	free(E.conninfo);
	E.conninfo = NULL;
}

/* ---------------------------------------------------------------- start-up */

void events_set_timeout(int seconds)
{
	E.timeout_s = seconds;
}

void events_set_transport_wanted(const char *want)
{
	snprintf(E.want, sizeof(E.want), "%s", want != NULL ? want : "auto");
}

const char *events_transport_wanted(void)
{
	return E.want;
}

static int exec_ok(PGconn *pg, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	size_t n;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	snprintf(err, errlen, "%s: %s", what, PQresultErrorMessage(r));
	PQclear(r);
	n = strlen(err);
	while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = '\0';
	return -1;
}

/*
 * What the database allows, in one row: wal_level; wal senders and slots
 * to be had; whether the role may open a replication connection; a server
 * whose replication protocol we speak (CREATE_REPLICATION_SLOT's option
 * list is 15's); whether rb_emit_event() knows rb_event_transport(), itself
 * or through rb_send_event() (0008 as it was before only NOTIFYs: a database
 * migrated by an older rigbookd keeps that body); the transport defined now; whether the publication is
 * there.
 */
static const char probe_sql[] =
	"SELECT current_setting('wal_level'),"
	" current_setting('max_wal_senders')::int > 0"
	"  AND current_setting('max_replication_slots')::int > 0,"
	" (SELECT r.rolreplication OR r.rolsuper FROM pg_roles r WHERE r.rolname = current_user),"
	" current_user,"
	" current_setting('server_version_num')::int >= 150000,"
	" NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.proname = 'rb_emit_event'"
	"  AND p.prosrc NOT LIKE '%rb_event_transport()%' AND p.prosrc NOT LIKE '%rb_send_event(%'),"
	" (SELECT p.prosrc FROM pg_proc p WHERE p.oid = to_regprocedure('rb_event_transport()')),"
	" EXISTS (SELECT 1 FROM pg_publication WHERE pubname = '" PUBLICATION "')";

#define TRANSPORT_FN(t)                                                                  \
	"CREATE OR REPLACE FUNCTION rb_event_transport() RETURNS text LANGUAGE sql IMMUTABLE " \
	"PARALLEL SAFE AS $$SELECT '" t "'$$"

/*
 * Before the schema work of a start: a transport asked for (logical) that
 * this database or role cannot give is refused at once, saying why, rather
 * than after whatever else the role may not do.  What rb_emit_event() says
 * is not looked at: the schema work may be about to make it anew.
 */
int events_transport_possible(PGconn *pg, const char *want, char *err, size_t errlen)
{
	char why[256] = "";
	PGresult *r;

	if (want == NULL || strcmp(want, "logical") != 0)
		return 0;
	r = PQexec(pg, probe_sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) != 8) {
		snprintf(err, errlen, "cannot read how the database may send events: %s",
			 PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "logical") != 0)
		snprintf(why, sizeof(why), "wal_level is %s, not logical", PQgetvalue(r, 0, 0));
	else if (strcmp(PQgetvalue(r, 0, 1), "t") != 0)
		snprintf(why, sizeof(why), "max_wal_senders or max_replication_slots is 0");
	else if (strcmp(PQgetvalue(r, 0, 2), "t") != 0)
		snprintf(why, sizeof(why), "role %s has neither REPLICATION nor SUPERUSER",
			 PQgetvalue(r, 0, 3));
	else if (strcmp(PQgetvalue(r, 0, 4), "t") != 0)
		snprintf(why, sizeof(why), "the server is older than PostgreSQL 15");
	PQclear(r);
	if (why[0] == '\0')
		return 0;
	snprintf(err, errlen,
		 "events_transport is logical, but %s (logical decoding messages need "
		 "wal_level = logical, max_wal_senders and max_replication_slots above 0 and a "
		 "role with REPLICATION); set events_transport to notify to use NOTIFY",
		 why);
	return -1;
}

int events_define_transport(PGconn *pg, const char *want, char *err, size_t errlen)
{
	const char *body, *old;
	char why[256] = "";
	int logical, changed, existed, has_pub, wal_logical;
	PGresult *r;

	if (want == NULL)
		want = "auto";
	if (strcmp(want, "auto") != 0 && strcmp(want, "logical") != 0 && strcmp(want, "notify") != 0) {
		snprintf(err, errlen, "events_transport must be auto, logical or notify, not '%s'", want);
		return -1;
	}
	r = PQexec(pg, probe_sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) != 8) {
		snprintf(err, errlen, "cannot read how the database may send events: %s",
			 PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	wal_logical = strcmp(PQgetvalue(r, 0, 0), "logical") == 0;
	if (!wal_logical)
		snprintf(why, sizeof(why), "wal_level is %s, not logical", PQgetvalue(r, 0, 0));
	else if (strcmp(PQgetvalue(r, 0, 1), "t") != 0)
		snprintf(why, sizeof(why), "max_wal_senders or max_replication_slots is 0");
	else if (strcmp(PQgetvalue(r, 0, 2), "t") != 0)
		snprintf(why, sizeof(why), "role %s has neither REPLICATION nor SUPERUSER",
			 PQgetvalue(r, 0, 3));
	else if (strcmp(PQgetvalue(r, 0, 4), "t") != 0)
		snprintf(why, sizeof(why), "the server is older than PostgreSQL 15");
	else if (strcmp(PQgetvalue(r, 0, 5), "t") != 0)
		snprintf(why, sizeof(why),
			 "this database's rb_emit_event() predates the logical transport");

	if (strcmp(want, "notify") == 0) {
		logical = 0;
	} else if (why[0] == '\0') {
		logical = 1;
	} else if (strcmp(want, "logical") == 0) {
		snprintf(err, errlen,
			 "events_transport is logical, but %s (logical decoding messages need "
			 "wal_level = logical, max_wal_senders and max_replication_slots above 0 and a "
			 "role with REPLICATION); set events_transport to notify to use NOTIFY",
			 why);
		PQclear(r);
		return -1;
	} else {
		log_warnx("live events go by NOTIFY, since %s: every commit that announces an event "
			  "(every booking) then holds PostgreSQL's one notification lock until its WAL "
			  "is flushed, so those commits are serialised across the whole database and "
			  "cannot share a flush; give the database wal_level = logical and the role "
			  "REPLICATION for logical decoding messages instead",
			  why);
		logical = 0;
	}
	body = logical ? "SELECT 'logical'" : "SELECT 'notify'";
	existed = !PQgetisnull(r, 0, 6);
	old = existed ? PQgetvalue(r, 0, 6) : "";
	changed = !existed || strcmp(old, body) != 0;
	has_pub = strcmp(PQgetvalue(r, 0, 7), "t") == 0;
	PQclear(r);

	/* unchanged: not even replaced, so no plan anywhere is invalidated */
	if (changed && exec_ok(pg, logical ? TRANSPORT_FN("logical") : TRANSPORT_FN("notify"),
			       "cannot define rb_event_transport()", err, errlen) != 0)
		return -1;
	/* pgoutput wants a publication to exist; ours publishes no table */
	if (logical && !has_pub &&
	    exec_ok(pg, "CREATE PUBLICATION " PUBLICATION, "cannot create the publication " PUBLICATION,
		    err, errlen) != 0)
		return -1;
	/*
	 * Daemons already running read the old transport and would hear
	 * nothing more: tell them on both (sent when this transaction commits,
	 * after the new definition), and they reconnect and ask again.
	 */
	if (changed && existed) {
		if (exec_ok(pg, "SELECT pg_notify('" CHANNEL "', '" SWITCH_PAYLOAD "')",
			    "cannot announce the new event transport", err, errlen) != 0)
			return -1;
		if (wal_logical &&
		    exec_ok(pg, "SELECT pg_logical_emit_message(true, '" SWITCH_PREFIX "', 'changed')",
			    "cannot announce the new event transport", err, errlen) != 0)
			return -1;
		log_info("live events: the database's transport changes to %s",
			 logical ? "logical" : "notify");
	}
	log_info("live events: %s", logical ? "logical decoding messages" : "NOTIFY");
	return 0;
}
