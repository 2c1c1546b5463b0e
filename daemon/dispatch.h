/*
 * The dispatch table: request type -> handler and the roles allowed to send
 * it.  Every request passes through dispatch_request(), the one place where
 * permissions are checked.
 */
#ifndef RIGBOOKD_DISPATCH_H
#define RIGBOOKD_DISPATCH_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "db.h"
#include "refusal.h"
#include "rigbook.pb-c.h"

/* Role bits for the table. */
#define ROLE_BIT(r) (1u << (r))
#define R_MEMBER ROLE_BIT(RIGBOOK__ROLE__ROLE_MEMBER)
#define R_MANAGER ROLE_BIT(RIGBOOK__ROLE__ROLE_MANAGER)
#define R_OPERATOR ROLE_BIT(RIGBOOK__ROLE__ROLE_OPERATOR)
#define R_ADMIN ROLE_BIT(RIGBOOK__ROLE__ROLE_ADMIN)
#define R_ANY (R_MEMBER | R_MANAGER | R_OPERATOR | R_ADMIN)
#define R_STAFF (R_MANAGER | R_OPERATOR | R_ADMIN)
#define R_PEOPLE (R_OPERATOR | R_ADMIN) /* who manages startups and members */

/*
 * One request being served.  Owned by whoever holds it: the dispatcher
 * hands it to the handler, the handler to its database query, and
 * req_reply() / req_error() free it.
 */
struct req {
	uint32_t slot, gen; /* the connection */
	uint64_t id;
	struct session sess;
	char peer[64];
	char idem_key[129];
	char subject[48]; /* what the request is about (a resource code), for messages */
	uint64_t aux;     /* a handler's own number, kept until the answer (a page size) */
	const char *type; /* the dispatch table's name of the request, for metrics */
	uint64_t t0;      /* when it arrived (metrics_now_usec) */
	int replica;      /* its queries may go to the replica */
	int fence;        /* its answer fences its member's reads on the primary (replica.h) */
};

typedef void (*handler_fn)(struct req *r, const Rigbook__Request *msg);

struct dispatch_entry {
	Rigbook__Request__BodyCase body;
	const char *name;
	unsigned roles;  /* who may send it; 0: only before authentication */
	int mutation;    /* takes an idempotency key */
	handler_fn fn;
	int replica;     /* a read that may lag: may be answered by the replica (replica.h) */
};

/*
 * Route one decoded request from connection (slot, gen).  sess is NULL
 * before authentication.  Returns 0, or -1 when the connection must close
 * after the error already queued.
 */
int dispatch_request(uint32_t slot, uint32_t gen, const char *peer, const struct session *sess,
		     const Rigbook__Request *msg);

/* Answer and free r. */
void req_reply(struct req *r, Rigbook__Response *resp);

/*
 * Refuse r and free it.  code is a Rigbook__ErrorCode; reason a stable
 * snake_case key naming the rule (docs/PROTOCOL.md, "Refusals by the
 * daemon"), never empty; message the English text for people; field the
 * request field at fault, or "" (NULL is "").  Then the named arguments:
 * pairs of name and value strings (numbers in decimal, instants in epoch
 * seconds), the values the message is made of, ended by NULL.  A pair whose
 * value is NULL is left out.  At most REFUSAL_ARGS_MAX pairs.
 *
 *   req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
 *             "a note is printable UTF-8 text of at most 2000 bytes", "note",
 *             "limit", "2000", NULL);
 */
void req_error(struct req *r, int code, const char *reason, const char *message,
	       const char *field, ...) __attribute__((sentinel));
/* reason_if_given when s is given (not NULL or ""), else "field_required". */
static inline const char *req_missing(const char *s, const char *reason_if_given)
{
	return s == NULL || s[0] == '\0' ? "field_required" : reason_if_given;
}

/* Answer with a database error (its reason and arguments, refusal.h) and free r. */
void req_db_error(struct req *r, const struct db_error *e);
/*
 * Answer r with what db_query's status code means (UNAVAILABLE: the
 * database is down; RESOURCE_EXHAUSTED: its queue is full) and free r.
 */
void req_query_refused(struct req *r, int code);
/*
 * Queue a statement for r; on failure answers r with the error.  A request
 * of a REPLICA row reads from the replica when replica_read_ok() says so.
 */
void req_query(struct req *r, enum stmt_id stmt, const char *const *params, int nparams,
	       db_cb cb);

/* Error frame for a request that never became a struct req; arguments as req_error's. */
void dispatch_send_error(uint32_t slot, uint32_t gen, uint64_t id, int code, const char *reason,
			 const char *message, const char *field, ...) __attribute__((sentinel));

/*
 * Fill an Error from a code, reason, message, field and ap's name, value
 * pairs (ended by NULL), into args and argp, which hold REFUSAL_ARGS_MAX
 * each; every pointer in e refers to the caller's strings.  For conn.c's
 * own refusals.
 */
void dispatch_error_fill(Rigbook__Error *e, Rigbook__ErrorArg *args, Rigbook__ErrorArg **argp,
			 int code, const char *reason, const char *message, const char *field,
			 va_list ap);

/* The service handlers (svc_*.c). */
void svc_hello(struct req *r, const Rigbook__Request *msg);
void svc_ping(struct req *r, const Rigbook__Request *msg);
void svc_list_resources(struct req *r, const Rigbook__Request *msg);
void svc_availability(struct req *r, const Rigbook__Request *msg);
void svc_get_resource(struct req *r, const Rigbook__Request *msg);
void svc_slots(struct req *r, const Rigbook__Request *msg);
void svc_find(struct req *r, const Rigbook__Request *msg);
void svc_accept_terms(struct req *r, const Rigbook__Request *msg);
void svc_put_resource(struct req *r, const Rigbook__Request *msg);
void svc_retire_resource(struct req *r, const Rigbook__Request *msg);
void svc_set_hours(struct req *r, const Rigbook__Request *msg);
void svc_set_exception(struct req *r, const Rigbook__Request *msg);
void svc_add_closure(struct req *r, const Rigbook__Request *msg);
void svc_remove_closure(struct req *r, const Rigbook__Request *msg);
void svc_set_rules(struct req *r, const Rigbook__Request *msg);
void svc_set_units(struct req *r, const Rigbook__Request *msg);
void svc_set_requires(struct req *r, const Rigbook__Request *msg);
void svc_set_terms(struct req *r, const Rigbook__Request *msg);
void svc_list_approvals(struct req *r, const Rigbook__Request *msg);
void svc_decide(struct req *r, const Rigbook__Request *msg);
void svc_move_booking(struct req *r, const Rigbook__Request *msg);
void svc_hand_over(struct req *r, const Rigbook__Request *msg);
void svc_get_booking(struct req *r, const Rigbook__Request *msg);
void svc_qualify(struct req *r, const Rigbook__Request *msg);
void svc_unqualify(struct req *r, const Rigbook__Request *msg);
void svc_list_qualifications(struct req *r, const Rigbook__Request *msg);
void svc_check_in(struct req *r, const Rigbook__Request *msg);
void svc_check_out(struct req *r, const Rigbook__Request *msg);
void svc_mark_no_show(struct req *r, const Rigbook__Request *msg);
void svc_correct_usage(struct req *r, const Rigbook__Request *msg);
void svc_watch(struct req *r, const Rigbook__Request *msg);
void svc_unwatch(struct req *r, const Rigbook__Request *msg);
void svc_book(struct req *r, const Rigbook__Request *msg);
void svc_list_bookings(struct req *r, const Rigbook__Request *msg);
void svc_cancel_booking(struct req *r, const Rigbook__Request *msg);
void svc_wait(struct req *r, const Rigbook__Request *msg);
void svc_list_waitlist(struct req *r, const Rigbook__Request *msg);
void svc_unwait(struct req *r, const Rigbook__Request *msg);
void svc_book_series(struct req *r, const Rigbook__Request *msg);
void svc_cancel_series(struct req *r, const Rigbook__Request *msg);
void svc_put_startup(struct req *r, const Rigbook__Request *msg);
void svc_list_startups(struct req *r, const Rigbook__Request *msg);
void svc_get_startup(struct req *r, const Rigbook__Request *msg);
void svc_add_member(struct req *r, const Rigbook__Request *msg);
void svc_list_members(struct req *r, const Rigbook__Request *msg);
void svc_disable_member(struct req *r, const Rigbook__Request *msg);
void svc_issue_token(struct req *r, const Rigbook__Request *msg);
void svc_list_tokens(struct req *r, const Rigbook__Request *msg);
void svc_revoke_token(struct req *r, const Rigbook__Request *msg);
void svc_add_client_cert(struct req *r, const Rigbook__Request *msg);
void svc_list_client_certs(struct req *r, const Rigbook__Request *msg);
void svc_revoke_client_cert(struct req *r, const Rigbook__Request *msg);
void svc_set_rate(struct req *r, const Rigbook__Request *msg);
void svc_list_rates(struct req *r, const Rigbook__Request *msg);
void svc_list_charges(struct req *r, const Rigbook__Request *msg);
void svc_add_voucher(struct req *r, const Rigbook__Request *msg);
void svc_list_vouchers(struct req *r, const Rigbook__Request *msg);
void svc_get_voucher(struct req *r, const Rigbook__Request *msg);
void svc_voucher_statement(struct req *r, const Rigbook__Request *msg);
void svc_run_invoices(struct req *r, const Rigbook__Request *msg);
void svc_list_invoices(struct req *r, const Rigbook__Request *msg);
void svc_get_invoice(struct req *r, const Rigbook__Request *msg);
void svc_credit_invoice(struct req *r, const Rigbook__Request *msg);
void svc_settlement(struct req *r, const Rigbook__Request *msg);
void svc_set_tier(struct req *r, const Rigbook__Request *msg);
void svc_report(struct req *r, const Rigbook__Request *msg);
void svc_list_audit(struct req *r, const Rigbook__Request *msg);
void svc_feed(struct req *r, const Rigbook__Request *msg);

/*
 * v in decimal into buf, which holds at least 21 bytes; returns buf.  For
 * query parameters on the hot paths, where snprintf costs about a thousand
 * instructions a number.
 */
const char *u64_param(char *buf, uint64_t v);
const char *i64_param(char *buf, int64_t v);

/*
 * Shared argument checks; each answers r with INVALID_ARGUMENT and returns 0
 * when the argument is wrong.  A booking id: 1 to INT64_MAX.  A name (a
 * resource, startup, institution or space code, a member's handle): at most
 * 64 printable characters, the SQL checks its form; empty is fine unless
 * required.
 */
int req_booking_id_ok(struct req *r, uint64_t id);
/*
 * An instant in RB_TIME_MIN..RB_TIME_MAX (rbtime.h: 1970 to the end of 9999,
 * UTC), the range the clients parse; 0, "not given", is in range.  Else
 * answers time_out_of_range naming field and returns 0.
 */
int req_time_in_range(struct req *r, int64_t t, const char *field);
int req_name_ok(struct req *r, const char *s, const char *what, const char *field, int required);

/*
 * Text checks shared by handlers: at most max characters (code points, as
 * the database counts them), valid UTF-8, no control characters but tab and
 * newline, no bidi controls (rigbook/wirecheck.h).  Every request's text
 * fields have passed the same rules with their limits from wire_limits[]
 * before any handler runs.
 */
int text_ok(const char *s, size_t max);

#endif
