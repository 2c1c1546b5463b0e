#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <libpq-fe.h>

#include "conn.h"
#include "log.h"

#define CHANNEL "rigbook_events"
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

enum ls_state {
	LS_DOWN,       /* waiting to reconnect */
	LS_CONNECTING, /* PQconnectPoll in progress */
	LS_LISTENING,  /* LISTEN sent, not yet answered */
	LS_LIVE,       /* notifications arrive */
};

struct watcher {
	TAILQ_ENTRY(watcher) link;
	uint32_t slot, gen;
	struct ev_scope scope;
};

TAILQ_HEAD(watcher_list, watcher);

static struct {
	struct event_base *base;
	char *conninfo;
	PGconn *pg;
	enum ls_state state;
	struct event *ev_io;    /* as PQconnectPoll asks; persistent read once connected */
	struct event *ev_write; /* one-shot, while output is pending */
	struct event *ev_timer; /* reconnect backoff */
	int backoff_ms;
	int missed;   /* events may have been lost since a watcher could last hear them */
	size_t backlog;
	int nwatchers;
} E = { .backlog = 1u << 20 };

static struct watcher_list watchers = TAILQ_HEAD_INITIALIZER(watchers);

static void ls_io_cb(evutil_socket_t fd, short what, void *arg);
static void ls_write_cb(evutil_socket_t fd, short what, void *arg);

/* ---------------------------------------------------------------- watchers */

static struct watcher *find_watcher(uint32_t slot)
{
	struct watcher *w;

	TAILQ_FOREACH(w, &watchers, link)
		if (w->slot == slot)
			return w;
	return NULL;
}

static void drop_watcher(struct watcher *w)
{
	TAILQ_REMOVE(&watchers, w, link);
	E.nwatchers--;
	free(w);
}

int events_watch(uint32_t slot, uint32_t gen, const struct ev_scope *scope)
{
	struct watcher *w = find_watcher(slot);

	if (w != NULL && w->gen != gen) {
		drop_watcher(w); /* a connection that has gone */
		w = NULL;
	}
	if (w == NULL) {
		w = calloc(1, sizeof(*w));
		if (w == NULL)
			return -1;
		w->slot = slot;
		w->gen = gen;
		TAILQ_INSERT_TAIL(&watchers, w, link);
		E.nwatchers++;
	}
	w->scope = *scope;
	if (E.state != LS_LIVE)
		E.missed = 1; /* it hears a resync once events flow */
	return 0;
}

int events_unwatch(uint32_t slot, uint32_t gen)
{
	struct watcher *w = find_watcher(slot);

	if (w == NULL || w->gen != gen)
		return 0;
	drop_watcher(w);
	return 1;
}

void events_conn_gone(uint32_t slot)
{
	struct watcher *w = find_watcher(slot);

	if (w != NULL)
		drop_watcher(w);
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
		drop_watcher(w);
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
	drop_watcher(w);
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
		push(w, &resp);
	}
}

static void deliver(const char *payload)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Event wire;
	struct ev_payload ev;
	struct watcher *w, *next;
	const char *why;

	if (TAILQ_EMPTY(&watchers))
		return; /* nobody to tell: not even worth reading */
	if (ev_parse(payload, strlen(payload), &ev, &why) != 0) {
		log_warnx("ignoring an event the database sent: %s", why);
		return;
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_EVENT;
	resp.event = &wire;
	for (w = TAILQ_FIRST(&watchers); w != NULL; w = next) {
		enum ev_view view = ev_visible(&w->scope, &ev);

		next = TAILQ_NEXT(w, link);
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

static void ls_fail(void)
{
	char why[256];
	size_t n;

	snprintf(why, sizeof(why), "%s", E.pg != NULL ? PQerrorMessage(E.pg) : "out of memory");
	n = strlen(why);
	while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
	if (E.state == LS_LIVE || E.backoff_ms == 0)
		log_warnx("event connection lost, reconnecting: %s", why[0] ? why : "connection failed");
	if (E.state == LS_LIVE)
		E.missed = 1;
	ls_events_free();
	if (E.pg != NULL) {
		PQfinish(E.pg);
		E.pg = NULL;
	}
	E.state = LS_DOWN;
	ls_schedule_reconnect();
}

static void ls_flush(void)
{
	int r = PQflush(E.pg);

	if (r < 0)
		ls_fail();
	else if (r == 1)
		event_add(E.ev_write, NULL);
}

static void ls_connected(void)
{
	if (PQsetnonblocking(E.pg, 1) != 0 || ls_wait(EV_READ, 1) != 0 ||
	    !PQsendQuery(E.pg, "LISTEN " CHANNEL)) {
		ls_fail();
		return;
	}
	E.state = LS_LISTENING;
	ls_flush();
}

static void ls_poll_connect(void)
{
	switch (PQconnectPoll(E.pg)) {
	case PGRES_POLLING_READING:
		if (ls_wait(EV_READ, 0) != 0)
			ls_fail();
		return;
	case PGRES_POLLING_WRITING:
		if (ls_wait(EV_WRITE, 0) != 0)
			ls_fail();
		return;
	case PGRES_POLLING_OK:
		ls_connected();
		return;
	default:
		ls_fail();
		return;
	}
}

static void ls_connect(void)
{
	const char *const keys[] = { "dbname", "application_name", NULL };
	const char *const vals[] = { E.conninfo, "rigbookd-events", NULL };

	/* the configured string (a URI or key=value words) with our name added */
	E.pg = PQconnectStartParams(keys, vals, 1);
	if (E.pg == NULL || PQstatus(E.pg) == CONNECTION_BAD) {
		ls_fail();
		return;
	}
	E.state = LS_CONNECTING;
	if (ls_wait(EV_WRITE, 0) != 0)
		ls_fail();
}

static void ls_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	ls_connect();
}

static void ls_read(void)
{
	PGnotify *n;

	if (!PQconsumeInput(E.pg)) {
		ls_fail();
		return;
	}
	while (E.state == LS_LISTENING && !PQisBusy(E.pg)) {
		PGresult *r = PQgetResult(E.pg);

		if (r == NULL) {
			E.state = LS_LIVE;
			E.backoff_ms = 0;
			log_info("listening for events");
			if (E.missed) {
				E.missed = 0;
				broadcast_resync("the server's database connection was interrupted and is "
						 "back: events may have been missed; re-read what you show");
			}
			break;
		}
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			log_errorx("LISTEN %s failed: %s", CHANNEL, PQresultErrorMessage(r));
			PQclear(r);
			ls_fail();
			return;
		}
		PQclear(r);
	}
	while ((n = PQnotifies(E.pg)) != NULL) {
		if (strcmp(n->relname, CHANNEL) == 0)
			deliver(n->extra);
		PQfreemem(n);
	}
	if (E.state == LS_LIVE) {
		/* nothing else is ever sent: anything more is the server going away */
		while (!PQisBusy(E.pg)) {
			PGresult *r = PQgetResult(E.pg);

			if (r == NULL)
				break;
			PQclear(r);
		}
	}
	if (PQstatus(E.pg) == CONNECTION_BAD)
		ls_fail();
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
	if (E.pg != NULL && E.state != LS_DOWN)
		ls_flush();
}

static void ls_write_cb(evutil_socket_t fd, short what, void *arg)
{
	if (E.pg != NULL)
		ls_flush();
}

/* ---------------------------------------------------------------- module */

int events_start(struct event_base *base, const char *conninfo, size_t backlog)
{
	E.base = base;
	E.backlog = backlog;
	E.conninfo = strdup(conninfo);
	E.ev_timer = evtimer_new(base, ls_timer_cb, NULL);
	if (E.conninfo == NULL || E.ev_timer == NULL)
		return -1;
	ls_connect();
	return 0;
}

void events_stop(void)
{
	struct watcher *w;

	while ((w = TAILQ_FIRST(&watchers)) != NULL)
		drop_watcher(w);
	ls_events_free();
	if (E.pg != NULL) {
		PQfinish(E.pg);
		E.pg = NULL;
	}
	if (E.ev_timer != NULL) {
		event_free(E.ev_timer);
		E.ev_timer = NULL;
	}
	free(E.conninfo);
	E.conninfo = NULL;
	E.state = LS_DOWN;
}

int events_define_transport(PGconn *pg, const char *want, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, "CREATE OR REPLACE FUNCTION rb_event_transport() RETURNS text "
				 "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$SELECT 'notify'$$");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	(void)want;
	if (!ok)
		snprintf(err, errlen, "cannot define rb_event_transport: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}
