#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "config.h"
#include "dispatch.h"
#include "events.h"
#include "log.h"
#include "metrics.h"
#include "rigbook/frame.h"
#include "rigbook/wirecheck.h"
#include "tls.h"

#define CLOSE_FLUSH_TIMEOUT 5
/* Write stalls, frame deadlines and the tallies are looked at once a second. */
#define TICK_MS 1000
#define TALLY_GC_TICKS 10
#define TALLY_BUCKETS 4096 /* a power of two */
/* Connections refused at accept are logged at most once in this long. */
#define REFUSE_LOG_MS 10000

enum conn_state {
	CS_HANDSHAKE, /* TLS handshake running */
	CS_HELLO,     /* waiting for Hello */
	CS_AUTHING,   /* Hello sent to the database; reading paused */
	CS_READY,     /* authenticated */
	CS_CLOSING,   /* flushing a last error, then closing */
	CS_DEAD,      /* on the reap list */
};

/*
 * What one source address (an IPv4 address, or an IPv6 /64) or one member
 * holds: its connections, and for an address its failed sign-ins.  An
 * entry lives while a connection counts in it or its failed sign-ins are
 * not yet forgiven.
 */
struct tally {
	struct tally *next; /* hash chain */
	uint8_t key[18];    /* kind, family, then the address or the member id */
	int conns;          /* connections open now (a member's: signed in) */
	int unauth;         /* of an address's, those not signed in */
	/*
	 * Failed sign-ins as a generic cell rate: each moves signin_tat on by
	 * failed_signin_interval; sign-ins are refused while it is more than
	 * max_failed_signins - 1 intervals ahead of now (monotonic ms).
	 */
	int64_t signin_tat;
	int throttled; /* the refusal of its sign-ins is logged */
};

enum { TALLY_ADDR = 1, TALLY_MEMBER = 2 };

struct conn {
	uint32_t slot, gen;
	enum conn_state state;
	struct bufferevent *bev;
	char peer[64];
	struct session sess;
	int inflight;
	int read_paused; /* backpressure: in-flight or output limit */
	int processing;  /* conn_process is on the stack */
	int watching;    /* events are pushed to it: never idle */
	int ever_watched; /* events.c may hold a watcher for it until it is reaped */
	int unauth;       /* counted as not signed in (on the unauth list) */
	int signin_refused; /* its Hello was answered UNAUTHENTICATED */
	int64_t stall_since; /* unsent output and no write progress since (ms); 0: none */
	int64_t frame_since; /* part of a frame waiting since (ms); 0: none */
	struct tally *addr;   /* its source address */
	struct tally *member; /* once signed in */
	struct evbuffer_cb_entry *out_cbe;
	struct event *auth_timer; /* from accept until signed in: a fixed deadline */
	int has_cert;             /* the client sent a certificate that verified */
	char cert_fpr[65];        /* its SHA-256, hex */
	int64_t cert_not_after;   /* its notAfter, epoch seconds; 0: unknown */
	TAILQ_ENTRY(conn) reap;
	TAILQ_ENTRY(conn) unauth_link; /* oldest first */
};

struct listener {
	struct evconnlistener *l;
	char name[80];
};

static struct {
	struct event_base *base;
	struct conn_limits lim;
	int max_conns;
	struct conn **slots;
	uint32_t *gens;
	uint32_t *free_slots; /* stack */
	int nfree;
	int nconns;
	struct listener *listeners;
	int nlisteners;
	struct event *reap_ev;
	struct event *accept_retry;
	struct event *tick;
	unsigned ticks;
	TAILQ_HEAD(, conn) reap_list;
	TAILQ_HEAD(, conn) unauth_list;
	int nunauth;
	struct tally *tallies[TALLY_BUCKETS];
	uint32_t tally_seed; /* random: peers cannot choose addresses that share a chain */
	int64_t refuse_logged; /* when a refusal at accept was last logged */
	unsigned refused;      /* refusals since */
	int draining;
} C;

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_write_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static void conn_process(struct conn *c);

/* ---------------------------------------------------------------- slots */

static struct conn *conn_lookup(uint32_t slot, uint32_t gen)
{
	struct conn *c;

	if (slot >= (uint32_t)C.max_conns)
		return NULL;
	c = C.slots[slot];
	if (c == NULL || c->gen != gen || c->state == CS_DEAD)
		return NULL;
	return c;
}

int conn_count(void)
{
	return C.nconns;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_timeout(struct conn *c, int seconds)
{
	struct timeval tv = { seconds, 0 };

	bufferevent_set_timeouts(c->bev, &tv, NULL);
}

/* ---------------------------------------------------------------- tallies */

static uint32_t tally_hash(const uint8_t *key)
{
	uint32_t h = 2166136261u ^ C.tally_seed;

	for (size_t i = 0; i < sizeof(((struct tally *)0)->key); i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (TALLY_BUCKETS - 1);
}

/* The entry of key; a new one when create (NULL when out of memory). */
static struct tally *tally_get(const uint8_t *key, int create)
{
	uint32_t h = tally_hash(key);
	struct tally *t;

	for (t = C.tallies[h]; t != NULL; t = t->next)
		if (memcmp(t->key, key, sizeof(t->key)) == 0)
			return t;
	if (!create)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	memcpy(t->key, key, sizeof(t->key));
	t->next = C.tallies[h];
	C.tallies[h] = t;
	return t;
}

static int tally_unused(const struct tally *t, int64_t now)
{
	return t->conns == 0 && t->unauth == 0 && t->signin_tat <= now;
}

/* Free t if nothing counts in it any more. */
static void tally_release(struct tally *t)
{
	struct tally **pp;

	if (t == NULL || !tally_unused(t, mono_ms()))
		return;
	for (pp = &C.tallies[tally_hash(t->key)]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			free(t);
			return;
		}
	}
}

/* Addresses whose failed sign-ins are forgiven and that hold no connection. */
static void tally_gc(int64_t now)
{
	for (int i = 0; i < TALLY_BUCKETS; i++) {
		struct tally **pp = &C.tallies[i];

		while (*pp != NULL) {
			struct tally *t = *pp;

			if (tally_unused(t, now)) {
				*pp = t->next;
				free(t);
			} else {
				pp = &t->next;
			}
		}
	}
}

/* An address's key: IPv4 whole (also when mapped into IPv6), IPv6 by its /64. */
static void addr_key(const struct sockaddr *sa, uint8_t key[18])
{
	memset(key, 0, 18);
	key[0] = TALLY_ADDR;
	if (sa->sa_family == AF_INET) {
		key[1] = 4;
		memcpy(key + 2, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			key[1] = 4;
			memcpy(key + 2, a->s6_addr + 12, 4);
		} else {
			key[1] = 6;
			memcpy(key + 2, a->s6_addr, 8);
		}
	}
}

static void member_key(uint64_t member_id, uint8_t key[18])
{
	memset(key, 0, 18);
	key[0] = TALLY_MEMBER;
	memcpy(key + 2, &member_id, sizeof(member_id));
}

/* Not signed in any more (signed in, or closed). */
static void unauth_end(struct conn *c)
{
	if (!c->unauth)
		return;
	c->unauth = 0;
	TAILQ_REMOVE(&C.unauth_list, c, unauth_link);
	C.nunauth--;
	c->addr->unauth--;
}

/* ---------------------------------------------------------------- failed sign-ins */

/* How long sign-ins from a are refused still (ms); 0: they are not. */
static int64_t signin_wait(const struct tally *a, int64_t now)
{
	int64_t iv = (int64_t)C.lim.failed_signin_interval * 1000;
	int64_t ahead = a->signin_tat - now - (int64_t)(C.lim.max_failed_signins - 1) * iv;

	return ahead > 0 ? ahead : 0;
}

/* A Hello arrives: 0 when it may go on, or the seconds to wait. */
static int signin_admit(struct conn *c)
{
	int64_t wait = signin_wait(c->addr, mono_ms());

	if (wait > 0)
		return (int)((wait + 999) / 1000);
	c->addr->throttled = 0; /* a new burst is logged anew */
	return 0;
}

/*
 * A Hello was refused for its token.  Hellos already on their way to the
 * database when the burst runs out still count (at most max_per_address
 * of them): sign-ins that succeed cost nothing, however many at once.
 */
static void signin_failed(struct conn *c)
{
	int64_t now = mono_ms();

	if (c->addr->signin_tat < now)
		c->addr->signin_tat = now;
	c->addr->signin_tat += (int64_t)C.lim.failed_signin_interval * 1000;
	if (!c->addr->throttled && signin_wait(c->addr, now) > 0) {
		/* once per burst, not once per attempt */
		log_warnx("%s: %d failed sign-ins from this address: refusing its sign-ins for %d s",
			  c->peer, C.lim.max_failed_signins,
			  (int)((signin_wait(c->addr, now) + 999) / 1000));
		c->addr->throttled = 1;
	}
}

/* ---------------------------------------------------------------- accounting */

/* Refusals at accept: the first of a burst is logged, then a count now and then. */
static void accept_refused(const char *why)
{
	int64_t now = mono_ms();

	metrics_conn_refused(strstr(why, "max_per_address") != NULL   ? "max_per_address"
			     : strstr(why, "not signed in") != NULL   ? "unauthenticated_share"
			     : strstr(why, "max_connections") != NULL ? "max_connections"
								      : "other");
	C.refused++;
	if (C.refuse_logged != 0 && now - C.refuse_logged < REFUSE_LOG_MS)
		return;
	log_warnx("refusing connections: %s (%u refused since the last such message)", why,
		  C.refused);
	C.refused = 0;
	C.refuse_logged = now;
}

/*
 * The unauthenticated share is full: the oldest connection not signed in
 * of the address that holds the most such, when that address holds at
 * least two more than the newcomer's; NULL when there is none (the
 * newcomer is then refused).  A flood from a few addresses thus gives way
 * to everyone else, and never to itself.
 */
static struct conn *unauth_victim(const struct tally *newcomer)
{
	const struct tally *top = NULL;
	struct conn *c;

	TAILQ_FOREACH(c, &C.unauth_list, unauth_link)
		if (top == NULL || c->addr->unauth > top->unauth)
			top = c->addr;
	if (top == NULL || top->unauth < newcomer->unauth + 2)
		return NULL;
	TAILQ_FOREACH(c, &C.unauth_list, unauth_link)
		if (c->addr == top)
			return c;
	return NULL;
}

static int unauth_cap(void)
{
	long n = (long)C.max_conns * C.lim.unauthenticated_share / 100;

	return n < 1 ? 1 : (int)n;
}

static void auth_timer_free(struct conn *c)
{
	if (c->auth_timer != NULL) {
		event_free(c->auth_timer);
		c->auth_timer = NULL;
	}
}

/* The one close path.  The memory goes at the end of the loop turn. */
static void conn_close(struct conn *c, const char *why)
{
	if (c->state == CS_DEAD)
		return;
	log_debug("%s: closing: %s", c->peer, why);
	metrics_conn_closed(c->state == CS_READY);
	c->state = CS_DEAD;
	auth_timer_free(c);
	if (c->out_cbe != NULL) {
		evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->out_cbe);
		c->out_cbe = NULL;
	}
	if (c->watching)
		events_conn_gone(c->slot, c->gen);
	unauth_end(c);
	c->addr->conns--;
	tally_release(c->addr);
	if (c->member != NULL) {
		c->member->conns--;
		tally_release(c->member);
	}
	bufferevent_setcb(c->bev, NULL, NULL, NULL, NULL);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	C.slots[c->slot] = NULL;
	C.gens[c->slot]++;
	C.free_slots[C.nfree++] = c->slot;
	C.nconns--;
	TAILQ_INSERT_TAIL(&C.reap_list, c, reap);
	event_active(C.reap_ev, 0, 0);
}

static void reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&C.reap_list)) != NULL) {
		TAILQ_REMOVE(&C.reap_list, c, reap);
		/* the watcher's memory goes with the connection's, here and only here */
		if (c->ever_watched)
			events_conn_reaped(c->slot, c->gen);
		bufferevent_free(c->bev);
		free(c);
	}
	if (C.draining && C.nconns == 0 && db_pool_pending() == 0)
		event_base_loopexit(C.base, NULL);
}

/* Flush what is queued (an error frame), then close. */
static void conn_close_after_flush(struct conn *c, const char *why)
{
	struct timeval tv = { CLOSE_FLUSH_TIMEOUT, 0 };

	if (c->state == CS_DEAD || c->state == CS_CLOSING)
		return;
	log_debug("%s: closing after flush: %s", c->peer, why);
	c->state = CS_CLOSING;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_set_timeouts(c->bev, NULL, &tv);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_close(c, why);
}

/* ---------------------------------------------------------------- output */

static int write_frame(struct conn *c, const Rigbook__Response *resp)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer_iovec v;
	Rigbook__Response fixed;
	Rigbook__Error fixed_err;
	size_t n;

	/* every refusal names its rule: the one place all responses pass */
	if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR && resp->error != NULL &&
	    (resp->error->reason == NULL || resp->error->reason[0] == '\0')) {
		log_errorx("%s: a refusal without a reason (code %d: %s); sent as internal", c->peer,
			   (int)resp->error->code,
			   resp->error->message != NULL ? resp->error->message : "");
		fixed = *resp;
		fixed_err = *resp->error;
		fixed_err.reason = "internal";
		fixed.error = &fixed_err;
		resp = &fixed;
	}
	/* a Hello refused for its token counts against the address (conn_auth_failed) */
	if (c->state == CS_AUTHING && resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR &&
	    resp->error != NULL && resp->error->code == RIGBOOK__ERROR_CODE__UNAUTHENTICATED)
		c->signin_refused = 1;
	n = rigbook__response__get_packed_size(resp);

	if (n > UINT32_MAX - RB_FRAME_HDR)
		return -1;
	if (evbuffer_reserve_space(out, (ev_ssize_t)(n + RB_FRAME_HDR), &v, 1) < 1)
		return -1;
	frame_put_header(v.iov_base, (uint32_t)n);
	rigbook__response__pack(resp, (uint8_t *)v.iov_base + RB_FRAME_HDR);
	v.iov_len = n + RB_FRAME_HDR;
	return evbuffer_commit_space(out, &v, 1);
}

static void update_read(struct conn *c)
{
	int want;

	if (c->state != CS_READY && c->state != CS_HELLO)
		return;
	if (C.draining) {
		if (c->inflight == 0 && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			conn_close(c, "shutting down");
		return;
	}
	want = c->inflight < C.lim.max_inflight &&
	       evbuffer_get_length(bufferevent_get_output(c->bev)) < (size_t)C.lim.max_output;
	if (want && c->read_paused) {
		c->read_paused = 0;
		bufferevent_enable(c->bev, EV_READ);
		/* frames that arrived while paused are already buffered */
		conn_process(c);
	} else if (!want && !c->read_paused) {
		c->read_paused = 1;
		bufferevent_disable(c->bev, EV_READ);
	}
}

int conn_send(uint32_t slot, uint32_t gen, const Rigbook__Response *resp)
{
	struct conn *c = conn_lookup(slot, gen);

	if (c == NULL)
		return -1;
	if (c->inflight > 0)
		c->inflight--;
	if (write_frame(c, resp) != 0) {
		conn_close(c, "cannot buffer a response");
		return -1;
	}
	if (c->state == CS_READY || c->state == CS_HELLO)
		update_read(c);
	return 0;
}

/* The peer has read nothing of what waits for it for write_timeout seconds. */
static int write_stalled(const struct conn *c, int64_t now)
{
	return c->stall_since != 0 && now - c->stall_since >= (int64_t)C.lim.write_timeout * 1000;
}

static void close_stalled(struct conn *c)
{
	log_info("%s: closing: the peer read nothing of %zu bytes waiting for it for %d s", c->peer,
		 evbuffer_get_length(bufferevent_get_output(c->bev)), C.lim.write_timeout);
	conn_close(c, "write timeout");
}

/*
 * The output buffer changed: anything taken out of it is progress (the
 * peer reads); output added to an empty buffer starts the clock.
 */
static void conn_output_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct conn *c = arg;

	if (info->n_deleted > 0 || info->orig_size == 0)
		c->stall_since = evbuffer_get_length(buf) > 0 ? mono_ms() : 0;
}

int conn_push(uint32_t slot, uint32_t gen, const Rigbook__Response *resp, size_t max_backlog)
{
	struct conn *c = conn_lookup(slot, gen);

	if (c == NULL || c->state != CS_READY || C.draining)
		return -1; /* a draining server sends no more events: they would hold it open */
	if (write_stalled(c, mono_ms())) {
		/* no more memory for a peer that reads nothing: it goes now */
		close_stalled(c);
		return -1;
	}
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > max_backlog)
		return 1;
	if (write_frame(c, resp) != 0) {
		conn_close(c, "cannot buffer an event");
		return -1;
	}
	/* more output can only pause reading; never process input from in here */
	if (!c->read_paused &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) >= (size_t)C.lim.max_output) {
		c->read_paused = 1;
		bufferevent_disable(c->bev, EV_READ);
	}
	return 0;
}

int conn_set_watching(uint32_t slot, uint32_t gen, int on)
{
	struct conn *c = conn_lookup(slot, gen);

	if (c == NULL || c->state != CS_READY)
		return -1;
	c->watching = on;
	if (on)
		c->ever_watched = 1;
	return 0;
}

/*
 * A connection-level error (id 0 unless the request's id is known), then
 * close.  reason and the name, value pairs ending in NULL as req_error's.
 */
static void conn_fail(struct conn *c, uint64_t id, int code, const char *reason, const char *msg,
		      ...) __attribute__((sentinel));

static void conn_fail(struct conn *c, uint64_t id, int code, const char *reason, const char *msg,
		      ...)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Error err = RIGBOOK__ERROR__INIT;
	Rigbook__ErrorArg args[REFUSAL_ARGS_MAX], *argp[REFUSAL_ARGS_MAX];
	va_list ap;

	va_start(ap, msg);
	dispatch_error_fill(&err, args, argp, code, reason, msg, "", ap);
	va_end(ap);
	resp.id = id;
	resp.body_case = RIGBOOK__RESPONSE__BODY_ERROR;
	resp.error = &err;
	if (write_frame(c, &resp) != 0) {
		conn_close(c, msg);
		return;
	}
	conn_close_after_flush(c, msg);
}

/* ---------------------------------------------------------------- auth */

int conn_auth_admit(uint32_t slot, uint32_t gen, uint64_t member_id)
{
	struct conn *c = conn_lookup(slot, gen);
	uint8_t key[18];
	const struct tally *m;

	if (c == NULL || c->state != CS_AUTHING)
		return 0; /* conn_auth_done will find nothing to do */
	member_key(member_id, key);
	m = tally_get(key, 0);
	if (m != NULL && m->conns >= C.lim.max_per_member)
		return C.lim.max_per_member;
	return 0;
}

const char *conn_client_cert(uint32_t slot, uint32_t gen, int64_t *not_after)
{
	const struct conn *c = conn_lookup(slot, gen);

	if (c == NULL || !c->has_cert)
		return NULL;
	if (not_after != NULL)
		*not_after = c->cert_not_after;
	return c->cert_fpr;
}

void conn_auth_done(uint32_t slot, uint32_t gen, const struct session *s)
{
	struct conn *c = conn_lookup(slot, gen);
	uint8_t key[18];

	if (c == NULL || c->state != CS_AUTHING)
		return;
	c->sess = *s;
	c->state = CS_READY;
	auth_timer_free(c);
	unauth_end(c);
	member_key(s->member_id, key);
	c->member = tally_get(key, 1); /* NULL when out of memory: then not counted */
	if (c->member != NULL)
		c->member->conns++;
	set_timeout(c, C.lim.idle_timeout);
	metrics_conn_authenticated();
	log_debug("%s: authenticated as %s", c->peer, s->handle);
	c->read_paused = 1; /* let update_read resume and drain what is buffered */
	update_read(c);
}

void conn_auth_failed(uint32_t slot, uint32_t gen)
{
	struct conn *c = conn_lookup(slot, gen);

	if (c == NULL)
		return;
	/* refused for another reason (the database, the version): it costs nothing */
	if (c->signin_refused)
		signin_failed(c);
	conn_close_after_flush(c, "authentication failed");
}

/* ---------------------------------------------------------------- input */

static void conn_handle_frame(struct conn *c, const uint8_t *payload, uint32_t len)
{
	Rigbook__Request *msg;
	const struct session *sess;

	const char *bad;

	msg = rigbook__request__unpack(NULL, len, payload);
	if (msg == NULL) {
		conn_fail(c, 0, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_frame",
			  "the frame does not hold a valid Request message", NULL);
		return;
	}
	if (wire_check_strings(&rigbook__request__descriptor, payload, len, &bad) != 0) {
		char m[160];

		snprintf(m, sizeof(m), "text field %s is not valid UTF-8 or holds a NUL byte", bad);
		if (c->state == CS_HELLO) {
			conn_fail(c, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_utf8", m,
				  "field", bad, NULL);
		} else {
			c->inflight++;
			dispatch_send_error(c->slot, c->gen, msg->id,
					    RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_utf8", m, bad,
					    "field", bad, NULL);
		}
		rigbook__request__free_unpacked(msg, NULL);
		return;
	}
	if (c->state == CS_HELLO && msg->body_case != RIGBOOK__REQUEST__BODY_HELLO) {
		conn_fail(c, msg->id, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "hello_required",
			  "the first request on a connection must be Hello with a token", NULL);
		rigbook__request__free_unpacked(msg, NULL);
		return;
	}
	if (c->state == CS_HELLO) {
		int wait = signin_admit(c);

		if (wait > 0) {
			char m[160], secs[16];

			/* refused before the database is asked, and not logged each time */
			snprintf(m, sizeof(m),
				 "too many failed sign-ins from this address; retry in %d s", wait);
			snprintf(secs, sizeof(secs), "%d", wait);
			conn_fail(c, msg->id, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED,
				  "signin_throttled", m, "retry_after", secs, NULL);
			metrics_conn_refused("sign_in_throttled");
			rigbook__request__free_unpacked(msg, NULL);
			return;
		}
		c->state = CS_AUTHING; /* no more reading until the database answers */
		bufferevent_disable(c->bev, EV_READ);
	}
	sess = c->state == CS_READY ? &c->sess : NULL;
	c->inflight++;
	if (dispatch_request(c->slot, c->gen, c->peer, sess, msg) != 0) {
		/* an error frame is queued: the stream cannot go on */
		rigbook__request__free_unpacked(msg, NULL);
		conn_close_after_flush(c, "refused request");
		return;
	}
	rigbook__request__free_unpacked(msg, NULL);
}

/* Take whole frames out of the input buffer while the connection may read. */
static void conn_process(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);

	if (c->processing)
		return; /* the loop below is already running and will see the rest */
	c->processing = 1;
	while (c->state == CS_HELLO || c->state == CS_READY) {
		uint8_t hdr[RB_FRAME_HDR];
		size_t avail = evbuffer_get_length(in);
		uint32_t len;
		uint8_t *p;

		if (avail == 0)
			c->frame_since = 0;
		else if (c->frame_since == 0)
			c->frame_since = mono_ms(); /* a frame has begun: frame_timeout runs */
		if (c->read_paused || avail < RB_FRAME_HDR)
			break;
		if (c->inflight >= C.lim.max_inflight) {
			/* backpressure: resume when answers go out */
			c->read_paused = 1;
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		evbuffer_copyout(in, hdr, RB_FRAME_HDR);
		len = frame_get_header(hdr);
		if (len > C.lim.max_frame) {
			char msg[128], size[16], limit[16];

			snprintf(msg, sizeof(msg), "frame of %u bytes is larger than the limit of %u",
				 len, C.lim.max_frame);
			snprintf(size, sizeof(size), "%u", len);
			snprintf(limit, sizeof(limit), "%u", C.lim.max_frame);
			conn_fail(c, 0, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "frame_too_large", msg,
				  "size", size, "limit", limit, NULL);
			break;
		}
		if (avail - RB_FRAME_HDR < len) {
			/* wake up only once the whole frame is here */
			bufferevent_setwatermark(c->bev, EV_READ, RB_FRAME_HDR + (size_t)len, 0);
			break;
		}
		bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
		p = evbuffer_pullup(in, (ev_ssize_t)(RB_FRAME_HDR + len));
		if (p == NULL) {
			conn_close(c, "out of memory");
			break;
		}
		conn_handle_frame(c, p + RB_FRAME_HDR, len);
		if (c->state != CS_DEAD)
			evbuffer_drain(in, RB_FRAME_HDR + (size_t)len);
		c->frame_since = 0; /* the next one's clock starts now */
	}
	c->processing = 0;
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	conn_process(arg);
}

static void conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->state == CS_CLOSING) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_close(c, "error sent");
		return;
	}
	if (C.draining && c->inflight == 0 &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		conn_close(c, "shutting down");
		return;
	}
	update_read(c);
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		char desc[96];

		metrics_tls_handshake(1);
		tls_describe(bev, desc, sizeof(desc));
		c->has_cert = tls_peer_cert(bev, c->cert_fpr, &c->cert_not_after);
		log_debug("%s: %s%s%s", c->peer, desc, c->has_cert ? ", client certificate " : "",
			  c->has_cert ? c->cert_fpr : "");
		c->state = CS_HELLO;
		conn_process(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if (c->state == CS_CLOSING) {
			conn_close(c, "peer does not read");
			return;
		}
		if (c->state != CS_READY)
			return; /* the auth timer rules until sign-in */
		if (c->inflight > 0 || c->watching) {
			/* waiting on us, not idle */
			if (!c->read_paused)
				bufferevent_enable(bev, EV_READ);
			return;
		}
		conn_fail(c, 0, RIGBOOK__ERROR_CODE__UNAVAILABLE, "idle_timeout",
			  "closing an idle connection", NULL);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		char why[256];

		if (c->state == CS_HANDSHAKE) {
			metrics_tls_handshake(0);
			tls_bev_error(bev, why, sizeof(why));
			log_info("%s: TLS handshake failed: %s", c->peer, why);
		}
		conn_close(c, "connection error");
		return;
	}
	if (what & BEV_EVENT_EOF)
		conn_close(c, "peer closed");
}

/* ---------------------------------------------------------------- accept */

static void peer_name(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
		port = ntohs(s->sin_port);
		snprintf(buf, len, "%s:%d", host, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
		port = ntohs(s->sin6_port);
		snprintf(buf, len, "[%s]:%d", host, port);
	} else {
		snprintf(buf, len, "unknown");
	}
}

/* TLS and Hello must be done by a fixed deadline, however slowly bytes trickle in. */
static void auth_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	auth_timer_free(c);
	if (c->state == CS_HANDSHAKE)
		conn_close(c, "TLS handshake timed out");
	else if (c->state == CS_HELLO || c->state == CS_AUTHING)
		conn_fail(c, 0, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "handshake_timeout",
			  "no successful Hello within the handshake timeout", NULL);
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		      void *arg)
{
	struct conn *c, *victim;
	struct tally *a;
	uint8_t key[18];
	int one = 1;

	if (C.draining) {
		evutil_closesocket(fd);
		return;
	}
	addr_key(sa, key);
	a = tally_get(key, 1);
	if (a == NULL) {
		evutil_closesocket(fd);
		return;
	}
	if (a->conns >= C.lim.max_per_address) {
		accept_refused("an address holds max_per_address connections");
		evutil_closesocket(fd);
		tally_release(a);
		return;
	}
	if (C.nunauth >= unauth_cap()) {
		victim = unauth_victim(a);
		if (victim == NULL) {
			accept_refused("connections not signed in hold their share of max_connections");
			evutil_closesocket(fd);
			tally_release(a);
			return;
		}
		metrics_conn_refused("evicted_unauthenticated");
		conn_close(victim, "making room: its address holds the most connections not signed in");
	}
	if (C.nfree == 0) {
		accept_refused("max_connections reached");
		evutil_closesocket(fd);
		tally_release(a);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		evutil_closesocket(fd);
		tally_release(a);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->bev = tls_accept_bev(C.base, fd, 1);
	if (c->bev == NULL) {
		log_warnx("cannot set up TLS for a new connection");
		evutil_closesocket(fd);
		free(c);
		tally_release(a);
		return;
	}
	metrics_conn_opened();
	peer_name(sa, c->peer, sizeof(c->peer));
	c->slot = C.free_slots[--C.nfree];
	c->gen = C.gens[c->slot];
	C.slots[c->slot] = c;
	C.nconns++;
	c->addr = a;
	a->conns++;
	a->unauth++;
	c->unauth = 1;
	TAILQ_INSERT_TAIL(&C.unauth_list, c, unauth_link);
	C.nunauth++;
	c->state = CS_HANDSHAKE;
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	c->out_cbe = evbuffer_add_cb(bufferevent_get_output(c->bev), conn_output_cb, c);
	if (c->out_cbe == NULL) {
		conn_close(c, "out of memory");
		return;
	}
	c->auth_timer = evtimer_new(C.base, auth_timeout_cb, c);
	if (c->auth_timer == NULL) {
		conn_close(c, "out of memory");
		return;
	}
	{
		struct timeval tv = { C.lim.handshake_timeout, 0 };

		evtimer_add(c->auth_timer, &tv);
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void accept_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	if (!C.draining)
		conn_listen_enable();
}

/* Out of descriptors: stop accepting for a second instead of spinning. */
static void accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct timeval tv = { 1, 0 };
	int err = EVUTIL_SOCKET_ERROR();

	log_warnx("accept failed: %s; pausing accepts for a second",
		  evutil_socket_error_to_string(err));
	for (int i = 0; i < C.nlisteners; i++)
		evconnlistener_disable(C.listeners[i].l);
	evtimer_add(C.accept_retry, &tv);
}

static int parse_listen(const char *spec, struct sockaddr_storage *ss, int *sslen)
{
	*sslen = (int)sizeof(*ss);
	memset(ss, 0, sizeof(*ss));
	return evutil_parse_sockaddr_port(spec, (struct sockaddr *)ss, sslen);
}

int conn_listen_bind(const char *listen, char *err, size_t errlen)
{
	char *copy = strdup(listen), *save = NULL, *tok;

	if (copy == NULL)
		return -1;
	for (tok = strtok_r(copy, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
		struct sockaddr_storage ss;
		struct evconnlistener *l;
		struct listener *nl;
		int sslen;

		if (parse_listen(tok, &ss, &sslen) != 0) {
			snprintf(err, errlen, "cannot parse listen address '%s' (want host:port)", tok);
			free(copy);
			return -1;
		}
		l = evconnlistener_new_bind(C.base, accept_cb, NULL,
					    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
						    LEV_OPT_DISABLED,
					    1024, (struct sockaddr *)&ss, sslen);
		if (l == NULL) {
			snprintf(err, errlen, "cannot listen on %s: %s", tok, strerror(errno));
			free(copy);
			return -1;
		}
		evconnlistener_set_error_cb(l, accept_error_cb);
		nl = realloc(C.listeners, sizeof(*nl) * (size_t)(C.nlisteners + 1));
		if (nl == NULL) {
			evconnlistener_free(l);
			free(copy);
			return -1;
		}
		C.listeners = nl;
		C.listeners[C.nlisteners].l = l;
		snprintf(C.listeners[C.nlisteners].name, sizeof(C.listeners[0].name), "%s", tok);
		C.nlisteners++;
	}
	free(copy);
	if (C.nlisteners == 0) {
		snprintf(err, errlen, "listen names no address");
		return -1;
	}
	return 0;
}

void conn_listen_enable(void)
{
	for (int i = 0; i < C.nlisteners; i++) {
		if (evconnlistener_enable(C.listeners[i].l) == 0)
			log_info("listening on %s", C.listeners[i].name);
	}
}

/* ---------------------------------------------------------------- tick */

/* Once a second: peers that read nothing, frames that do not arrive whole. */
static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = mono_ms();

	for (int i = 0; i < C.max_conns; i++) {
		struct conn *c = C.slots[i];

		if (c == NULL || c->state == CS_DEAD)
			continue;
		if (write_stalled(c, now)) {
			close_stalled(c);
			continue;
		}
		if (c->frame_since == 0 || c->state != CS_READY)
			continue;
		if (c->read_paused) {
			c->frame_since = now; /* it is us who do not read: the clock stops */
		} else if (now - c->frame_since >= (int64_t)C.lim.frame_timeout * 1000) {
			char m[128], limit[16];

			snprintf(m, sizeof(m), "a frame did not arrive whole within %d s of its first byte",
				 C.lim.frame_timeout);
			snprintf(limit, sizeof(limit), "%d", C.lim.frame_timeout);
			log_info("%s: closing: %s", c->peer, m);
			conn_fail(c, 0, RIGBOOK__ERROR_CODE__UNAVAILABLE, "frame_timeout", m, "limit",
				  limit, NULL);
		}
	}
	if (++C.ticks % TALLY_GC_TICKS == 0)
		tally_gc(now);
}

/* ---------------------------------------------------------------- module */

void conn_set_limits(const struct conn_limits *l)
{
	C.lim = *l;
}

void conn_limits_from_config(const struct config *c, struct conn_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_frame = (uint32_t)c->max_frame;
	l->max_inflight = c->max_inflight;
	l->handshake_timeout = c->handshake_timeout;
	l->idle_timeout = c->idle_timeout;
	l->write_timeout = c->write_timeout;
	l->frame_timeout = c->frame_timeout;
	l->max_output = c->max_output;
	l->unauthenticated_share = c->unauthenticated_share;
	l->max_per_address = c->max_per_address;
	l->max_per_member = c->max_per_member;
	l->max_failed_signins = c->max_failed_signins;
	l->failed_signin_interval = c->failed_signin_interval;
}

int conn_module_init(struct event_base *base, const struct config *c)
{
	struct conn_limits lim;
	struct timeval tick = { TICK_MS / 1000, (TICK_MS % 1000) * 1000 };

	conn_limits_from_config(c, &lim);
	memset(&C, 0, sizeof(C));
	C.base = base;
	C.lim = lim;
	if (getrandom(&C.tally_seed, sizeof(C.tally_seed), GRND_NONBLOCK) != sizeof(C.tally_seed))
		C.tally_seed = (uint32_t)mono_ms() ^ (uint32_t)getpid();
	C.max_conns = c->max_connections;
	C.slots = calloc((size_t)C.max_conns, sizeof(*C.slots));
	C.gens = calloc((size_t)C.max_conns, sizeof(*C.gens));
	C.free_slots = calloc((size_t)C.max_conns, sizeof(*C.free_slots));
	C.reap_ev = event_new(base, -1, 0, reap_cb, NULL);
	C.accept_retry = evtimer_new(base, accept_retry_cb, NULL);
	C.tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	TAILQ_INIT(&C.reap_list);
	TAILQ_INIT(&C.unauth_list);
	if (C.slots == NULL || C.gens == NULL || C.free_slots == NULL || C.reap_ev == NULL ||
	    C.accept_retry == NULL || C.tick == NULL || event_add(C.tick, &tick) != 0)
		return -1;
	/* hand out low slots first */
	for (int i = 0; i < C.max_conns; i++)
		C.free_slots[i] = (uint32_t)(C.max_conns - 1 - i);
	C.nfree = C.max_conns;
	return 0;
}

void conn_drain(void)
{
	C.draining = 1;
	for (int i = 0; i < C.nlisteners; i++)
		evconnlistener_disable(C.listeners[i].l);
	for (int i = 0; i < C.max_conns; i++) {
		struct conn *c = C.slots[i];

		if (c == NULL || c->state == CS_DEAD || c->state == CS_CLOSING)
			continue;
		if (c->watching && c->inflight == 0) {
			/* it waits for events that will not come: say so */
			conn_fail(c, 0, RIGBOOK__ERROR_CODE__UNAVAILABLE, "server_draining",
				  "the server is shutting down", "what", "watch", NULL);
			continue;
		}
		if (c->inflight == 0 &&
		    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
			conn_close(c, "shutting down");
			continue;
		}
		/* finish what was asked, take nothing new */
		bufferevent_disable(c->bev, EV_READ);
		c->read_paused = 1;
	}
	event_active(C.reap_ev, 0, 0);
}

void conn_module_free(void)
{
	for (int i = 0; i < C.max_conns; i++)
		if (C.slots[i] != NULL)
			conn_close(C.slots[i], "exit");
	reap_cb(-1, 0, NULL);
	for (int i = 0; i < C.nlisteners; i++)
		evconnlistener_free(C.listeners[i].l);
	free(C.listeners);
	if (C.reap_ev != NULL)
		event_free(C.reap_ev);
	if (C.accept_retry != NULL)
		event_free(C.accept_retry);
	if (C.tick != NULL)
		event_free(C.tick);
	for (int i = 0; i < TALLY_BUCKETS; i++) {
		while (C.tallies[i] != NULL) {
			struct tally *t = C.tallies[i];

			C.tallies[i] = t->next;
			free(t);
		}
	}
	free(C.slots);
	free(C.gens);
	free(C.free_slots);
	memset(&C, 0, sizeof(C));
}
