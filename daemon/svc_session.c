/* Hello (authentication) and Ping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch.h"
#include "events.h"
#include "log.h"
#include "rigbook/names.h"
#include "session.h"
#include "tls.h"

#define MAX_TOKEN 512

/*
 * The one answer to a token that does not sign in, whatever the reason
 * (unknown, revoked, expired, its member disabled, too long): a stranger
 * learns nothing of what exists.  rb_token_invalid_message() in
 * sql/people.sql says the same; the log has the precise reason.
 */
#define TOKEN_INVALID_MSG "the token is not valid: unknown, revoked or expired"
/* The same for a client certificate: rb_cert_invalid_message() in sql/certs.sql. */
#define CERT_INVALID_MSG                                                                  \
	"the client certificate does not sign in: it is not registered, or revoked, or its " \
	"member disabled"

/* ---------------------------------------------------------------- sessions */

/* How long an access_ended event is remembered for sign-ins still under way. */
#define RECENT_SECS 10
#define RECENT_MAX 64

struct live {
	int in_use;
	int ended;
	uint32_t slot, gen;
	uint64_t member_id, token_id;
	uint64_t cert_id;   /* signed in by a client certificate (token_id 0) */
	int64_t expires_at; /* 0: never */
	struct event *expiry;
};

static struct {
	struct event_base *base;
	struct live *v; /* by slot */
	size_t n;
	/* access_ended events of the last RECENT_SECS: a Hello whose query ran
	 * before the change committed may be answered after the event came */
	struct {
		uint64_t member_id, token_id, cert_id;
		time_t at;
	} recent[RECENT_MAX];
	size_t nrecent;
} S;

int session_start(struct event_base *base)
{
	S.base = base;
	return 0;
}

static void live_clear(struct live *l)
{
	if (l->expiry != NULL)
		event_free(l->expiry);
	memset(l, 0, sizeof(*l));
}

void session_stop(void)
{
	for (size_t i = 0; i < S.n; i++)
		live_clear(&S.v[i]);
	free(S.v);
	S.v = NULL;
	S.n = 0;
}

void session_conn_gone(uint32_t slot)
{
	if (slot < S.n)
		live_clear(&S.v[slot]);
}

/* The access of l ends now: a watcher hears why and stops watching. */
static void live_end(struct live *l, const char *why)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Event ev = RIGBOOK__EVENT__INIT;

	if (l->ended)
		return;
	l->ended = 1;
	if (l->expiry != NULL) {
		event_free(l->expiry);
		l->expiry = NULL;
	}
	log_info("connection %u: access ended: %s", (unsigned)l->slot, why);
	if (events_unwatch(l->slot, l->gen)) {
		ev.kind = "access_ended";
		ev.at = (int64_t)time(NULL);
		ev.message = "your access ended (the token was revoked or expired, or the account "
			     "disabled); sign in again with a valid token";
		resp.body_case = RIGBOOK__RESPONSE__BODY_EVENT;
		resp.event = &ev;
		if (conn_push(l->slot, l->gen, &resp, SIZE_MAX) == 0)
			conn_set_watching(l->slot, l->gen, 0);
	}
}

static void expiry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct live *l = &S.v[(uintptr_t)arg];

	(void)fd;
	(void)what;
	if (l->in_use)
		live_end(l, l->cert_id != 0 ? "the client certificate expired" : "the token expired");
}

/* A token, else a certificate, else (neither) every session of the member. */
static int matches(const struct live *l, uint64_t member_id, uint64_t token_id, uint64_t cert_id)
{
	if (token_id != 0)
		return l->token_id == token_id;
	if (cert_id != 0)
		return l->cert_id == cert_id;
	return l->member_id == member_id;
}

void session_access_ended(uint64_t member_id, uint64_t token_id, uint64_t cert_id)
{
	time_t now = time(NULL);
	size_t k = 0;

	/* keep what is still recent, then add this one */
	for (size_t i = 0; i < S.nrecent; i++)
		if (now - S.recent[i].at < RECENT_SECS)
			S.recent[k++] = S.recent[i];
	S.nrecent = k;
	if (S.nrecent == RECENT_MAX) {
		memmove(&S.recent[0], &S.recent[1], sizeof(S.recent[0]) * (RECENT_MAX - 1));
		S.nrecent--;
	}
	S.recent[S.nrecent].member_id = member_id;
	S.recent[S.nrecent].token_id = token_id;
	S.recent[S.nrecent].cert_id = cert_id;
	S.recent[S.nrecent].at = now;
	S.nrecent++;

	for (size_t i = 0; i < S.n; i++)
		if (S.v[i].in_use && !S.v[i].ended && matches(&S.v[i], member_id, token_id, cert_id))
			live_end(&S.v[i], token_id != 0  ? "the token was revoked"
					  : cert_id != 0 ? "the client certificate was revoked"
							 : "the account was disabled");
}

/* arg is non-NULL for the certificates' recheck, NULL for the tokens'. */
static void recheck_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	int certs = arg != NULL;

	if (err != NULL) {
		log_warnx("cannot ask which sessions' %s still sign in: %s; asking again when "
			  "events next come back",
			  certs ? "client certificates" : "tokens", err->message);
		return;
	}
	for (int k = 0; k < db_ntuples(res); k++) {
		uint64_t t = (uint64_t)db_get_int64(res, k, certs ? CE_CERT_ID : TE_TOKEN_ID);

		for (size_t i = 0; i < S.n; i++)
			if (S.v[i].in_use && !S.v[i].ended &&
			    (certs ? S.v[i].cert_id : S.v[i].token_id) == t)
				live_end(&S.v[i], certs ? "its client certificate no longer signs in "
							  "(heard on a recheck)"
							: "its token no longer signs in (heard on a recheck)");
	}
}

/* Ask about the tokens (certs 0) or the client certificates of the sessions. */
static void recheck(int certs)
{
	char *arr, num[24];
	size_t len = 2, k = 0;
	const char *params[1];
	int any = 0, code;

	for (size_t i = 0; i < S.n; i++)
		if (S.v[i].in_use && !S.v[i].ended)
			len += 22;
	arr = malloc(len + 1);
	if (arr == NULL) {
		log_warnx("cannot recheck the sessions' tokens: out of memory");
		return;
	}
	arr[k++] = '{';
	for (size_t i = 0; i < S.n; i++)
		if (S.v[i].in_use && !S.v[i].ended &&
		    (certs ? S.v[i].cert_id : S.v[i].token_id) != 0) {
			size_t n = strlen(
				u64_param(num, certs ? S.v[i].cert_id : S.v[i].token_id));

			if (any)
				arr[k++] = ',';
			memcpy(arr + k, num, n);
			k += n;
			any = 1;
		}
	arr[k++] = '}';
	arr[k] = '\0';
	params[0] = arr;
	if (any) {
		code = db_query(certs ? STMT_CERTS_ENDED : STMT_TOKENS_ENDED, params, 1, recheck_done,
				certs ? (void *)&S : NULL);
		if (code != 0)
			log_warnx("cannot recheck the sessions' %s now (%s)",
				  certs ? "client certificates" : "tokens",
				  code == RIGBOOK__ERROR_CODE__UNAVAILABLE ? "the database is unavailable"
									     : "the queue is full");
	}
	free(arr); /* db_query copies its parameters */
}

void session_recheck(void)
{
	recheck(0);
	recheck(1);
}

int session_ended(uint32_t slot, uint32_t gen)
{
	const struct live *l = slot < S.n ? &S.v[slot] : NULL;

	if (l == NULL || !l->in_use || l->gen != gen)
		return 0;
	if (!l->ended && l->expires_at != 0 && (int64_t)time(NULL) >= l->expires_at)
		live_end(&S.v[slot],
			 l->cert_id != 0 ? "the client certificate expired" : "the token expired");
	return l->ended;
}

/* Note connection (slot, gen) as signed in; -1 when out of memory. */
static int session_add(uint32_t slot, uint32_t gen, uint64_t member_id, uint64_t token_id,
		       uint64_t cert_id, int64_t expires_at)
{
	struct live *l;
	time_t now = time(NULL);

	if (slot >= S.n) {
		size_t n = S.n == 0 ? 64 : S.n;
		struct live *v;

		while (n <= slot)
			n *= 2;
		v = realloc(S.v, n * sizeof(*v));
		if (v == NULL)
			return -1;
		memset(v + S.n, 0, (n - S.n) * sizeof(*v));
		S.v = v;
		S.n = n;
	}
	l = &S.v[slot];
	live_clear(l);
	l->in_use = 1;
	l->slot = slot;
	l->gen = gen;
	l->member_id = member_id;
	l->token_id = token_id;
	l->cert_id = cert_id;
	l->expires_at = expires_at;
	for (size_t i = 0; i < S.nrecent; i++)
		if (now - S.recent[i].at < RECENT_SECS &&
		    matches(l, S.recent[i].member_id, S.recent[i].token_id, S.recent[i].cert_id)) {
			l->ended = 1;
			return 0;
		}
	if (expires_at != 0 && S.base != NULL) {
		struct timeval tv = { 0, 0 };

		if (expires_at > (int64_t)now)
			tv.tv_sec = (time_t)(expires_at - (int64_t)now);
		l->expiry = evtimer_new(S.base, expiry_cb, (void *)(uintptr_t)slot);
		if (l->expiry == NULL || evtimer_add(l->expiry, &tv) != 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- Hello */

/*
 * Refuse the Hello and let the connection close: code, reason, message,
 * then req_error's name, value pairs ending in NULL.
 */
#define hello_refused(r, code, reason, msg, ...)                                      \
	do {                                                                          \
		uint32_t slot_ = (r)->slot, gen_ = (r)->gen;                          \
                                                                                      \
		req_error((r), (code), (reason), (msg), "", __VA_ARGS__);             \
		conn_auth_failed(slot_, gen_);                                        \
	} while (0)

/* The member holds max_per_member signed-in connections already: refuse this one. */
static int member_cap_refused(struct req *r, const struct session *s)
{
	char m[160], limit[16];
	int max = conn_auth_admit(r->slot, r->gen, s->member_id);

	if (max == 0)
		return 0;
	log_info("%s: %s holds %d connections, the most one member may", r->peer, s->handle, max);
	snprintf(m, sizeof(m), "%s holds %d signed-in connections already, the most one member may",
		 s->handle, max);
	snprintf(limit, sizeof(limit), "%d", max);
	hello_refused(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "too_many_connections", m,
		      "member", s->handle, "limit", limit, NULL);
	return 1;
}

/*
 * The database's answer to a Hello: by a token (by_cert 0, STMT_AUTH) or
 * by a client certificate (STMT_AUTH_CERT, r->aux its notAfter).
 */
static void hello_answer(struct req *r, const struct db_result *res, const struct db_error *err,
			 int by_cert)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__HelloReply hr = RIGBOOK__HELLO_REPLY__INIT;
	struct session s;
	uint32_t slot = r->slot, gen = r->gen;
	const char *reason = by_cert ? "certificate_invalid" : "token_invalid";
	const char *invalid = by_cert ? CERT_INVALID_MSG : TOKEN_INVALID_MSG;
	uint64_t token_id = 0, cert_id = 0;
	int64_t expires_at;

	if (err != NULL && err->code == RIGBOOK__ERROR_CODE__UNAUTHENTICATED) {
		/* one answer for every reason; the reason goes to the log */
		log_info("%s: sign-in refused: %s", r->peer,
			 err->detail[0] != '\0' ? err->detail : err->message);
		hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, reason, invalid, NULL);
		return;
	}
	if (err != NULL) {
		req_db_error(r, err);
		conn_auth_failed(slot, gen);
		return;
	}
	if (db_ntuples(res) != 1) {
		log_info("%s: sign-in refused: the database found no member for the %s", r->peer,
			 by_cert ? "client certificate" : "token");
		hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, reason, invalid, NULL);
		return;
	}
	if (by_cert) {
		cert_id = (uint64_t)db_get_int64(res, 0, AUTH_CERT_ID);
		expires_at = (int64_t)r->aux;
	} else {
		token_id = (uint64_t)db_get_int64(res, 0, AUTH_TOKEN_ID);
		expires_at = db_get_int64(res, 0, AUTH_EXPIRES_AT);
	}
	memset(&s, 0, sizeof(s));
	s.member_id = (uint64_t)db_get_int64(res, 0, AUTH_ID);
	s.role = rb_role_parse(db_get(res, 0, AUTH_ROLE));
	s.startup_id = (uint64_t)db_get_int64(res, 0, AUTH_STARTUP_ID);
	s.institution_id = (uint64_t)db_get_int64(res, 0, AUTH_INSTITUTION_ID);
	snprintf(s.handle, sizeof(s.handle), "%s", db_get(res, 0, AUTH_HANDLE));
	if (member_cap_refused(r, &s))
		return;

	hr.protocol_version = RIGBOOK_PROTOCOL_VERSION;
	hr.member_id = s.member_id;
	hr.member_handle = (char *)db_get(res, 0, AUTH_HANDLE);
	hr.member_name = (char *)db_get(res, 0, AUTH_NAME);
	hr.role = s.role;
	hr.startup_code = (char *)db_get(res, 0, AUTH_STARTUP);
	hr.institution_code = (char *)db_get(res, 0, AUTH_INSTITUTION);
	hr.space_code = (char *)db_get(res, 0, AUTH_SPACE);
	hr.server = "rigbookd/" RIGBOOK_VERSION;
	resp.body_case = RIGBOOK__RESPONSE__BODY_HELLO;
	resp.hello = &hr;
	log_debug("%s: %s (%s) signed in%s", r->peer, s.handle, rb_role_name(s.role),
		  by_cert ? " by a client certificate" : "");
	/* the reply goes out before anything pipelined behind the Hello is read */
	req_reply(r, &resp);
	if (session_add(slot, gen, s.member_id, token_id, cert_id, expires_at) != 0) {
		log_errorx("%s: cannot note the session (out of memory); closing", r->peer);
		conn_auth_failed(slot, gen);
		return;
	}
	conn_auth_done(slot, gen, &s);
}

static void hello_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	hello_answer(arg, res, err, 0);
}

static void hello_cert_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	hello_answer(arg, res, err, 1);
}

/* The query of a Hello went out (code 0), or refuse it. */
static void hello_queued(struct req *r, int code)
{
	if (code == RIGBOOK__ERROR_CODE__UNAVAILABLE)
		hello_refused(r, code, "database_unavailable", "the database is unavailable; retry",
			      NULL);
	else if (code != 0)
		hello_refused(r, code, "too_many_requests", "the server is overloaded; retry later",
			      NULL);
}

/*
 * Whether this Hello signs in by the connection's client certificate:
 * always when tls_client_auth is require, when it is optional only for a
 * Hello without a token.  *fpr is the certificate's SHA-256 (NULL: none).
 */
static int hello_by_cert(const struct req *r, const Rigbook__Hello *h, const char **fpr,
			 int64_t *not_after)
{
	int mode = tls_client_auth();

	*fpr = NULL;
	*not_after = 0;
	if (mode == TLS_CLIENT_AUTH_OFF)
		return 0;
	*fpr = conn_client_cert(r->slot, r->gen, not_after);
	if (mode == TLS_CLIENT_AUTH_REQUIRE)
		return 1;
	return *fpr != NULL && (h->token == NULL || h->token[0] == '\0');
}

void svc_hello(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__Hello *h = msg->hello;
	char hex[65], param[67];
	const char *params[1] = { param };
	const char *fpr;
	int64_t not_after;

	if (h->protocol_version != RIGBOOK_PROTOCOL_VERSION) {
		char m[160], server[16], client[16];

		snprintf(m, sizeof(m),
			 "this server speaks protocol version %u, the client version %u; upgrade the older one",
			 RIGBOOK_PROTOCOL_VERSION, h->protocol_version);
		snprintf(server, sizeof(server), "%u", RIGBOOK_PROTOCOL_VERSION);
		snprintf(client, sizeof(client), "%u", h->protocol_version);
		hello_refused(r, RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, "protocol_version_unsupported",
			      m, "server_version", server, "client_version", client, NULL);
		return;
	}
	if (!text_ok(h->client, 200)) {
		hello_refused(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			      "Hello.client is printable text of at most 200 bytes", "limit", "200",
			      NULL);
		return;
	}
	if (hello_by_cert(r, h, &fpr, &not_after)) {
		if (fpr == NULL) {
			log_info("%s: sign-in refused: no client certificate (tls_client_auth = require)",
				 r->peer);
			hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED,
				      "client_certificate_required",
				      "this server signs in only with a client certificate registered to a "
				      "member; a token alone is not enough (set tls_cert and tls_key in the "
				      "client's configuration)",
				      NULL);
			return;
		}
		snprintf(param, sizeof(param), "\\x%s", fpr);
		r->aux = not_after > 0 ? (uint64_t)not_after : 0;
		hello_queued(r, db_query(STMT_AUTH_CERT, params, 1, hello_cert_done, r));
		return;
	}
	if (h->token == NULL || h->token[0] == '\0') {
		hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "token_required",
			      "a token is required", NULL);
		return;
	}
	if (strlen(h->token) > MAX_TOKEN) {
		log_info("%s: sign-in refused: a token of %zu bytes (at most %d)", r->peer,
			 strlen(h->token), MAX_TOKEN);
		hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "token_invalid",
			      TOKEN_INVALID_MSG, NULL);
		return;
	}
	tls_sha256_hex(h->token, strlen(h->token), hex);
	snprintf(param, sizeof(param), "\\x%s", hex);
	hello_queued(r, db_query(STMT_AUTH, params, 1, hello_done, r));
}

void svc_ping(struct req *r, const Rigbook__Request *msg)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Pong pong = RIGBOOK__PONG__INIT;

	pong.server_time = (int64_t)time(NULL);
	resp.body_case = RIGBOOK__RESPONSE__BODY_PONG;
	resp.pong = &pong;
	req_reply(r, &resp);
}
