/* Hello (authentication) and Ping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch.h"
#include "log.h"
#include "rigbook/names.h"
#include "tls.h"

#define MAX_TOKEN 512

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

static void hello_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__HelloReply hr = RIGBOOK__HELLO_REPLY__INIT;
	struct session s;
	uint32_t slot = r->slot, gen = r->gen;

	if (err != NULL) {
		if (err->code == RIGBOOK__ERROR_CODE__UNAUTHENTICATED)
			log_info("%s: refused a token: %s", r->peer, err->message);
		/* the SQL's reason and arguments (token_revoked, account_disabled, ...) */
		req_db_error(r, err);
		conn_auth_failed(slot, gen);
		return;
	}
	if (db_ntuples(res) != 1) {
		log_info("%s: refused a token that is unknown, revoked or expired", r->peer);
		hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "token_invalid",
			      "the token is not valid: unknown, revoked or expired", NULL);
		return;
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
	log_debug("%s: %s (%s) signed in", r->peer, s.handle, rb_role_name(s.role));
	/* the reply goes out before anything pipelined behind the Hello is read */
	req_reply(r, &resp);
	conn_auth_done(slot, gen, &s);
}

void svc_hello(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__Hello *h = msg->hello;
	char hex[65], param[67];
	const char *params[1] = { param };

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
	if (h->token == NULL || h->token[0] == '\0') {
		hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "token_required",
			      "a token is required", NULL);
		return;
	}
	if (strlen(h->token) > MAX_TOKEN) {
		hello_refused(r, RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "token_invalid",
			      "the token is not valid: unknown, revoked or expired", NULL);
		return;
	}
	tls_sha256_hex(h->token, strlen(h->token), hex);
	snprintf(param, sizeof(param), "\\x%s", hex);
	int code = db_query(STMT_AUTH, params, 1, hello_done, r);

	if (code == RIGBOOK__ERROR_CODE__UNAVAILABLE)
		hello_refused(r, code, "database_unavailable", "the database is unavailable; retry",
			      NULL);
	else if (code != 0)
		hello_refused(r, code, "too_many_requests", "the server is overloaded; retry later",
			      NULL);
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
