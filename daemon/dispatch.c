#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "replica.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "rigbook/wirecheck.h"
#include "session.h"

/*
 * Every request type, the roles that may send it, and its handler.  A type
 * missing here is refused; a role missing from an entry is refused here, in
 * this one place, before any handler runs.  REPLICA marks the reads that may
 * lag: their queries go to the replica when replica.c allows; every other
 * request (it books, decides, signs in, checks a rule, or reads what must be
 * current) runs on the primary and fences its member's reads there.
 */
#define REPLICA 1
static const struct dispatch_entry table[] = {
	{ RIGBOOK__REQUEST__BODY_HELLO, "hello", 0, 0, svc_hello },
	{ RIGBOOK__REQUEST__BODY_PING, "ping", R_ANY, 0, svc_ping },
	{ RIGBOOK__REQUEST__BODY_LIST_RESOURCES, "list_resources", R_ANY, 0, svc_list_resources,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_AVAILABILITY, "availability", R_ANY, 0, svc_availability,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_GET_RESOURCE, "get_resource", R_ANY, 0, svc_get_resource },
	{ RIGBOOK__REQUEST__BODY_SLOTS, "slots", R_ANY, 0, svc_slots, REPLICA },
	{ RIGBOOK__REQUEST__BODY_FIND, "find", R_ANY, 0, svc_find, REPLICA },
	{ RIGBOOK__REQUEST__BODY_BOOK, "book", R_ANY, 1, svc_book },
	{ RIGBOOK__REQUEST__BODY_LIST_BOOKINGS, "list_bookings", R_ANY, 0, svc_list_bookings,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_CANCEL_BOOKING, "cancel_booking", R_ANY, 1, svc_cancel_booking },
	{ RIGBOOK__REQUEST__BODY_ACCEPT_TERMS, "accept_terms", R_ANY, 0, svc_accept_terms },
	/* changes to a resource: staff; which resource is checked where it changes */
	{ RIGBOOK__REQUEST__BODY_PUT_RESOURCE, "put_resource", R_STAFF, 0, svc_put_resource },
	{ RIGBOOK__REQUEST__BODY_RETIRE_RESOURCE, "retire_resource", R_STAFF, 0, svc_retire_resource },
	{ RIGBOOK__REQUEST__BODY_SET_HOURS, "set_hours", R_STAFF, 0, svc_set_hours },
	{ RIGBOOK__REQUEST__BODY_SET_EXCEPTION, "set_exception", R_STAFF, 0, svc_set_exception },
	{ RIGBOOK__REQUEST__BODY_ADD_CLOSURE, "add_closure", R_STAFF, 0, svc_add_closure },
	{ RIGBOOK__REQUEST__BODY_REMOVE_CLOSURE, "remove_closure", R_STAFF, 0, svc_remove_closure },
	{ RIGBOOK__REQUEST__BODY_SET_RULES, "set_rules", R_STAFF, 0, svc_set_rules },
	{ RIGBOOK__REQUEST__BODY_SET_UNITS, "set_units", R_STAFF, 0, svc_set_units },
	{ RIGBOOK__REQUEST__BODY_SET_REQUIRES, "set_requires", R_STAFF, 0, svc_set_requires },
	{ RIGBOOK__REQUEST__BODY_SET_TERMS, "set_terms", R_STAFF, 0, svc_set_terms },
	{ RIGBOOK__REQUEST__BODY_LIST_APPROVALS, "list_approvals", R_STAFF, 0, svc_list_approvals,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_DECIDE, "decide", R_STAFF, 0, svc_decide },
	{ RIGBOOK__REQUEST__BODY_MOVE_BOOKING, "move_booking", R_ANY, 1, svc_move_booking },
	{ RIGBOOK__REQUEST__BODY_HAND_OVER, "hand_over", R_ANY, 0, svc_hand_over },
	{ RIGBOOK__REQUEST__BODY_GET_BOOKING, "get_booking", R_ANY, 0, svc_get_booking },
	/* the waitlist: anyone queues for themselves; staff also read and thin a resource's queue */
	{ RIGBOOK__REQUEST__BODY_WAIT, "wait", R_ANY, 1, svc_wait },
	{ RIGBOOK__REQUEST__BODY_LIST_WAITLIST, "list_waitlist", R_ANY, 0, svc_list_waitlist,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_UNWAIT, "unwait", R_ANY, 0, svc_unwait },
	/* using the equipment: whose booking, which resource is checked in SQL */
	{ RIGBOOK__REQUEST__BODY_QUALIFY, "qualify", R_STAFF, 0, svc_qualify },
	{ RIGBOOK__REQUEST__BODY_UNQUALIFY, "unqualify", R_STAFF, 0, svc_unqualify },
	{ RIGBOOK__REQUEST__BODY_LIST_QUALIFICATIONS, "list_qualifications", R_ANY, 0,
	  svc_list_qualifications, REPLICA },
	{ RIGBOOK__REQUEST__BODY_CHECK_IN, "check_in", R_ANY, 0, svc_check_in },
	{ RIGBOOK__REQUEST__BODY_CHECK_OUT, "check_out", R_ANY, 0, svc_check_out },
	{ RIGBOOK__REQUEST__BODY_MARK_NO_SHOW, "mark_no_show", R_STAFF, 0, svc_mark_no_show },
	{ RIGBOOK__REQUEST__BODY_CORRECT_USAGE, "correct_usage", R_STAFF, 0, svc_correct_usage },
	/* series: whose series, and staff of its resource, are checked in SQL */
	{ RIGBOOK__REQUEST__BODY_BOOK_SERIES, "book_series", R_ANY, 1, svc_book_series },
	{ RIGBOOK__REQUEST__BODY_CANCEL_SERIES, "cancel_series", R_ANY, 1, svc_cancel_series },
	/* live events: what each role sees of them is decided in evparse.c */
	{ RIGBOOK__REQUEST__BODY_WATCH, "watch", R_ANY, 0, svc_watch },
	{ RIGBOOK__REQUEST__BODY_UNWATCH, "unwatch", R_ANY, 0, svc_unwatch },
	/* people: operators and admins add and change; who sees and acts on whom is checked in SQL */
	{ RIGBOOK__REQUEST__BODY_PUT_STARTUP, "put_startup", R_PEOPLE, 0, svc_put_startup },
	{ RIGBOOK__REQUEST__BODY_LIST_STARTUPS, "list_startups", R_ANY, 0, svc_list_startups,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_GET_STARTUP, "get_startup", R_ANY, 0, svc_get_startup },
	{ RIGBOOK__REQUEST__BODY_ADD_MEMBER, "add_member", R_PEOPLE, 0, svc_add_member },
	{ RIGBOOK__REQUEST__BODY_LIST_MEMBERS, "list_members", R_ANY, 0, svc_list_members,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_DISABLE_MEMBER, "disable_member", R_PEOPLE, 0, svc_disable_member },
	/* tokens: anyone their own; operators their space's members'; admins all */
	{ RIGBOOK__REQUEST__BODY_ISSUE_TOKEN, "issue_token", R_ANY, 0, svc_issue_token },
	{ RIGBOOK__REQUEST__BODY_LIST_TOKENS, "list_tokens", R_ANY, 0, svc_list_tokens, REPLICA },
	{ RIGBOOK__REQUEST__BODY_REVOKE_TOKEN, "revoke_token", R_ANY, 0, svc_revoke_token },
	/* client certificates: as tokens (anyone their own; operators their space's members'; admins all) */
	{ RIGBOOK__REQUEST__BODY_ADD_CLIENT_CERT, "add_client_cert", R_ANY, 0, svc_add_client_cert },
	{ RIGBOOK__REQUEST__BODY_LIST_CLIENT_CERTS, "list_client_certs", R_ANY, 0,
	  svc_list_client_certs, REPLICA },
	{ RIGBOOK__REQUEST__BODY_REVOKE_CLIENT_CERT, "revoke_client_cert", R_ANY, 0,
	  svc_revoke_client_cert },
	/* billing: prices and invoicing by operators of the space; which space, and who reads
	 * which startup's money, is checked in SQL */
	{ RIGBOOK__REQUEST__BODY_SET_RATE, "set_rate", R_OPERATOR | R_ADMIN, 0, svc_set_rate },
	{ RIGBOOK__REQUEST__BODY_LIST_RATES, "list_rates", R_STAFF, 0, svc_list_rates, REPLICA },
	{ RIGBOOK__REQUEST__BODY_LIST_CHARGES, "list_charges", R_ANY, 0, svc_list_charges,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_ADD_VOUCHER, "add_voucher", R_OPERATOR | R_ADMIN, 0, svc_add_voucher },
	{ RIGBOOK__REQUEST__BODY_LIST_VOUCHERS, "list_vouchers", R_ANY, 0, svc_list_vouchers,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_GET_VOUCHER, "get_voucher", R_ANY, 0, svc_get_voucher },
	{ RIGBOOK__REQUEST__BODY_VOUCHER_STATEMENT, "voucher_statement", R_OPERATOR | R_ADMIN, 0,
	  svc_voucher_statement },
	{ RIGBOOK__REQUEST__BODY_RUN_INVOICES, "run_invoices", R_OPERATOR | R_ADMIN, 0,
	  svc_run_invoices },
	{ RIGBOOK__REQUEST__BODY_LIST_INVOICES, "list_invoices", R_ANY, 0, svc_list_invoices,
	  REPLICA },
	{ RIGBOOK__REQUEST__BODY_GET_INVOICE, "get_invoice", R_ANY, 0, svc_get_invoice },
	{ RIGBOOK__REQUEST__BODY_CREDIT_INVOICE, "credit_invoice", R_OPERATOR | R_ADMIN, 0,
	  svc_credit_invoice },
	{ RIGBOOK__REQUEST__BODY_SETTLEMENT, "settlement", R_STAFF, 0, svc_settlement, REPLICA },
	{ RIGBOOK__REQUEST__BODY_SET_TIER, "set_tier", R_OPERATOR | R_ADMIN, 0, svc_set_tier },
	/* the filing report: which space and which resources are checked in SQL */
	{ RIGBOOK__REQUEST__BODY_REPORT, "report", R_STAFF, 0, svc_report, REPLICA },
	/* the audit log: which entries each staff role reads is decided in SQL */
	{ RIGBOOK__REQUEST__BODY_LIST_AUDIT, "list_audit", R_STAFF, 0, svc_list_audit, REPLICA },
	/* calendar feeds: anyone their own (their startup's: members of one) */
	{ RIGBOOK__REQUEST__BODY_FEED, "feed", R_ANY, 0, svc_feed },
};

static const struct dispatch_entry *lookup(Rigbook__Request__BodyCase body)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].body == body)
			return &table[i];
	return NULL;
}

int text_ok(const char *s, size_t max)
{
	uint32_t cp;
	long n;

	if (s == NULL)
		return 1;
	n = wire_text_chars(s, &cp);
	return n >= 0 && (size_t)n <= max;
}

/*
 * The text rules of every string field (rigbook/wirecheck.h): refuse the
 * first that breaks one.  Returns 0 when all hold.
 */
static int text_fields_ok(uint32_t slot, uint32_t gen, const Rigbook__Request *msg)
{
	struct wire_text_bad bad;
	char m[240], limit[16], ch[16];

	switch (wire_check_text(&msg->base, &bad)) {
	case WIRE_TEXT_OK:
		return 1;
	case WIRE_TEXT_BIDI:
		snprintf(ch, sizeof(ch), "U+%04X", (unsigned)bad.cp);
		snprintf(m, sizeof(m),
			 "%s holds %s, a Unicode direction control or byte-order mark, which can make "
			 "text show other than it reads; remove it",
			 bad.field, ch);
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
				    "text_direction_control", m, bad.field, "field", bad.field, "char",
				    ch, NULL);
		return 0;
	case WIRE_TEXT_CONTROL:
		snprintf(ch, sizeof(ch), "U+%04X", (unsigned)bad.cp);
		snprintf(m, sizeof(m),
			 "%s holds a control character (%s); text is printable, with tabs and line "
			 "breaks",
			 bad.field, ch);
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
				    "invalid_text", m, bad.field, "field", bad.field, "char", ch, NULL);
		return 0;
	case WIRE_TEXT_TOO_LONG:
		snprintf(limit, sizeof(limit), "%u", bad.limit);
		snprintf(m, sizeof(m), "%s is longer than %u characters", bad.field, bad.limit);
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
				    "text_too_long", m, bad.field, "field", bad.field, "limit", limit,
				    NULL);
		return 0;
	}
	return 1;
}

static int idem_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (k[i] < 0x21 || k[i] > 0x7e)
			return 0;
	return 1;
}

void dispatch_error_fill(Rigbook__Error *e, Rigbook__ErrorArg *args, Rigbook__ErrorArg **argp,
			 int code, const char *reason, const char *message, const char *field,
			 va_list ap)
{
	const char *name;
	size_t n = 0;

	e->code = code;
	e->reason = (char *)(reason != NULL ? reason : "");
	e->message = (char *)(message != NULL ? message : "");
	e->field = (char *)(field != NULL ? field : "");
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);

		if (value == NULL)
			continue;
		if (n == REFUSAL_ARGS_MAX) {
			log_errorx("refusal %s: more than %d args; %s and later left out", e->reason,
				   REFUSAL_ARGS_MAX, name);
			break;
		}
		rigbook__error_arg__init(&args[n]);
		args[n].name = (char *)name;
		args[n].value = (char *)value;
		argp[n] = &args[n];
		n++;
	}
	e->n_args = n;
	e->args = n > 0 ? argp : NULL;
}

static void send_error_v(uint32_t slot, uint32_t gen, uint64_t id, int code, const char *reason,
			 const char *message, const char *field, va_list ap)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Error err = RIGBOOK__ERROR__INIT;
	Rigbook__ErrorArg args[REFUSAL_ARGS_MAX], *argp[REFUSAL_ARGS_MAX];

	dispatch_error_fill(&err, args, argp, code, reason, message, field, ap);
	resp.id = id;
	resp.body_case = RIGBOOK__RESPONSE__BODY_ERROR;
	resp.error = &err;
	conn_send(slot, gen, &resp);
}

void dispatch_send_error(uint32_t slot, uint32_t gen, uint64_t id, int code, const char *reason,
			 const char *message, const char *field, ...)
{
	va_list ap;

	va_start(ap, field);
	send_error_v(slot, gen, id, code, reason, message, field, ap);
	va_end(ap);
}

int dispatch_request(uint32_t slot, uint32_t gen, const char *peer, const struct session *sess,
		     const Rigbook__Request *msg)
{
	const struct dispatch_entry *e = lookup(msg->body_case);
	const char *bad_time;
	struct req *r;

	if (msg->id == 0) {
		dispatch_send_error(slot, gen, 0, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
				    "request_id_reserved",
				    "request id 0 is reserved for server events; use another id", "id",
				    NULL);
		return sess == NULL ? -1 : 0;
	}
	if (e == NULL) {
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
				    "unknown_request",
				    "the request has no body this server knows (is the client newer?)",
				    "body", NULL);
		return sess == NULL ? -1 : 0;
	}
	if (!text_fields_ok(slot, gen, msg))
		return sess == NULL ? -1 : 0;
	if (wire_check_instants(&msg->base, &bad_time) != 0) {
		char m[200];

		snprintf(m, sizeof(m),
			 "%s is not an instant from 1970 to 9999 (seconds since the epoch, 0 to %lld)",
			 bad_time, (long long)WIRE_TIME_MAX);
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
				    "time_out_of_range", m, bad_time, "field", bad_time, NULL);
		return sess == NULL ? -1 : 0;
	}
	if (sess == NULL && e->roles != 0) {
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__UNAUTHENTICATED,
				    "hello_required",
				    "the first request on a connection must be Hello with a token", "",
				    NULL);
		return -1;
	}
	if (sess != NULL && session_ended(slot, gen)) {
		/* the token was revoked or expired, or the member disabled, since Hello */
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__UNAUTHENTICATED,
				    "access_ended",
				    "your access ended (the token was revoked or expired, or the account "
				    "disabled); sign in again with a valid token",
				    "", NULL);
		return -1;
	}
	if (sess != NULL && e->roles == 0) {
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__FAILED_PRECONDITION,
				    "already_authenticated", "this connection is already authenticated",
				    "", NULL);
		return 0;
	}
	if (sess != NULL && !(e->roles & ROLE_BIT(sess->role))) {
		char m[200], allowed[40] = "";

		/* the roles that may, in the table's order: "operator,admin" */
		for (int role = RIGBOOK__ROLE__ROLE_MEMBER; role <= RIGBOOK__ROLE__ROLE_ADMIN; role++)
			if (e->roles & ROLE_BIT(role))
				snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
					 "%s%s", allowed[0] != '\0' ? "," : "", rb_role_name(role));

		if (e->roles == (R_OPERATOR | R_ADMIN))
			snprintf(m, sizeof(m), "%s is for operators of the space and admins, not for a %s",
				 e->name, rb_role_name(sess->role));
		else if (e->roles == R_STAFF)
			snprintf(m, sizeof(m),
				 "%s is for managers of the host institution, operators of the space and admins, not for a %s",
				 e->name, rb_role_name(sess->role));
		else
			snprintf(m, sizeof(m), "%s may not be sent by a %s", e->name, rb_role_name(sess->role));
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__PERMISSION_DENIED,
				    "not_allowed_for_role", m, "", "request", e->name, "role",
				    rb_role_name(sess->role), "allowed", allowed, NULL);
		return 0;
	}
	if (msg->idempotency_key != NULL && msg->idempotency_key[0] != '\0') {
		if (!e->mutation) {
			dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
					    "idempotency_key_unexpected",
					    "only changes take an idempotency key", "idempotency_key",
					    "request", e->name, NULL);
			/* a Hello refused here signs nobody in: the connection closes */
			return sess == NULL ? -1 : 0;
		}
		if (!idem_key_ok(msg->idempotency_key)) {
			dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
					    "invalid_idempotency_key",
					    "an idempotency key is 1 to 128 printable ASCII characters",
					    "idempotency_key", "limit", "128", NULL);
			return 0;
		}
	}

	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		dispatch_send_error(slot, gen, msg->id, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED,
				    "out_of_memory", "out of memory", "", NULL);
		return 0;
	}
	r->slot = slot;
	r->gen = gen;
	r->id = msg->id;
	r->type = e->name;
	r->t0 = metrics_now_usec();
	r->replica = e->replica;
	r->fence = !e->replica && e->roles != 0;
	if (sess != NULL)
		r->sess = *sess;
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	if (msg->idempotency_key != NULL)
		snprintf(r->idem_key, sizeof(r->idem_key), "%s", msg->idempotency_key);
	log_debug("%s: %s id=%llu", peer, e->name, (unsigned long long)msg->id);
	e->fn(r, msg);
	return 0;
}

void req_reply(struct req *r, Rigbook__Response *resp)
{
	const Rigbook__Error *e = resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR ? resp->error : NULL;
	uint64_t now = metrics_now_usec();

	metrics_answer(r->type, e != NULL ? (int)e->code : 0, e != NULL ? e->reason : NULL,
		       now - r->t0);
	if (r->fence)
		replica_wrote(r->sess.member_id, now);
	resp->id = r->id;
	conn_send(r->slot, r->gen, resp);
	free(r);
}

void req_error(struct req *r, int code, const char *reason, const char *message,
	       const char *field, ...)
{
	uint64_t now = metrics_now_usec();
	va_list ap;

	metrics_answer(r->type, code, reason, now - r->t0);
	if (r->fence)
		replica_wrote(r->sess.member_id, now);
	va_start(ap, field);
	send_error_v(r->slot, r->gen, r->id, code, reason, message, field, ap);
	va_end(ap);
	free(r);
}

void req_db_error(struct req *r, const struct db_error *e)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Error err = RIGBOOK__ERROR__INIT;
	Rigbook__ErrorArg args[REFUSAL_ARGS_MAX], *argp[REFUSAL_ARGS_MAX];
	struct refusal rf;
	const char *why = NULL;

	err.code = e->code;
	err.message = (char *)e->message;
	err.field = (char *)e->column;
	if (e->hint != NULL && e->hint[0] != '\0' &&
	    refusal_parse(e->hint, strlen(e->hint), &rf, &why) == 0) {
		err.reason = rf.reason;
		for (int i = 0; i < rf.nargs; i++) {
			rigbook__error_arg__init(&args[i]);
			args[i].name = rf.args[i].name;
			args[i].value = rf.args[i].value;
			argp[i] = &args[i];
		}
		err.n_args = (size_t)rf.nargs;
		err.args = rf.nargs > 0 ? argp : NULL;
	} else {
		/* older SQL, or an error the SQL did not raise itself: the daemon names it */
		err.reason = (char *)(e->reason != NULL && e->reason[0] != '\0'
					      ? e->reason
					      : refusal_generic_reason(e->code));
		if (why != NULL)
			log_warnx("%s: %s refused with a HINT that is not a reason (%s): %s; sent as %s",
				  r->peer, e->stmt != NULL ? e->stmt : "?", why, e->hint, err.reason);
		else
			log_debug("%s: %s refused without a reason (SQLSTATE %s: %s); sent as %s",
				  r->peer, e->stmt != NULL ? e->stmt : "?",
				  e->sqlstate != NULL && e->sqlstate[0] != '\0' ? e->sqlstate : "none",
				  e->message, err.reason);
	}
	if (e->code == RIGBOOK__ERROR_CODE__CONFLICT && e->detail[0] != '\0') {
		unsigned long long id;
		long long s, t;

		if (sscanf(e->detail, "%llu %lld %lld", &id, &s, &t) == 3) {
			err.conflict_booking_id = id;
			err.conflict_start = s;
			err.conflict_end = t;
		}
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_ERROR;
	resp.error = &err;
	req_reply(r, &resp);
}

void req_query_refused(struct req *r, int code)
{
	if (code == RIGBOOK__ERROR_CODE__UNAVAILABLE)
		req_error(r, code, "database_unavailable", "the database is unavailable; retry", "",
			  NULL);
	else
		req_error(r, code, "too_many_requests", "the server is overloaded; retry later", "",
			  NULL);
}

void req_query(struct req *r, enum stmt_id stmt, const char *const *params, int nparams,
	       db_cb cb)
{
	int code = r->replica ? db_query_read(replica_read_ok(r->sess.member_id), stmt, params,
					      nparams, cb, r)
			      : db_query(stmt, params, nparams, cb, r);

	if (code != 0)
		req_query_refused(r, code);
}

const char *u64_param(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

const char *i64_param(char *buf, int64_t v)
{
	if (v >= 0)
		return u64_param(buf, (uint64_t)v);
	buf[0] = '-';
	u64_param(buf + 1, (uint64_t)0 - (uint64_t)v);
	return buf;
}

int req_booking_id_ok(struct req *r, uint64_t id)
{
	if (id == 0 || id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  id == 0 ? "field_required" : "invalid_id", "say which booking, by its id",
			  "booking_id", "what", "booking", NULL);
		return 0;
	}
	return 1;
}

int req_time_in_range(struct req *r, int64_t t, const char *field)
{
	char v[24];

	if (t < RB_TIME_MIN) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "times before 1970 are not supported: they begin at 1970-01-01 00:00 UTC",
			  field, "time", i64_param(v, t), "what", "before_1970", NULL);
		return 0;
	}
	if (t > RB_TIME_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "times after 9999 are not supported: they end with 9999-12-31 UTC", field,
			  "time", i64_param(v, t), "what", "after_9999", NULL);
		return 0;
	}
	return 1;
}

int req_name_ok(struct req *r, const char *s, const char *what, const char *field, int required)
{
	const struct wire_limit *l = wire_limit_of(NULL, field);
	unsigned max = l != NULL ? l->max : 64;
	char m[160], limit[16];

	if ((s == NULL || s[0] == '\0') && !required)
		return 1;
	if (s == NULL || s[0] == '\0' || !text_ok(s, max)) {
		snprintf(m, sizeof(m), "say which %s (at most %u printable characters)", what, max);
		snprintf(limit, sizeof(limit), "%u", max);
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  s == NULL || s[0] == '\0' ? "field_required" : "invalid_name", m, field,
			  "limit", limit, "what", "name", "thing", what, NULL);
		return 0;
	}
	return 1;
}
