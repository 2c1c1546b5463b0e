/* Bookings: book, list, cancel.  Every rule lives in the SQL functions. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rigbook/names.h"
#include "rows.h"
#include "sql.h"

#define MAX_NOTE 2000
#define MAX_REASON 500
#define LIST_DEFAULT 200
#define LIST_MAX 1000

/* rb_book and rb_cancel answer with one booking row and a replayed flag. */
static int one_booking(struct req *r, const struct db_result *res, const struct db_error *err,
		       Rigbook__Booking *b, int *replayed)
{
	if (err != NULL) {
		req_db_error(r, err);
		return -1;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return -1;
	}
	booking_from_row(b, res, 0);
	*replayed = db_get_bool(res, 0, REPLAYED);
	return 0;
}

/* The booking (the first row), then the companions booked with it. */
static void book_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__BookReply reply = RIGBOOK__BOOK_REPLY__INIT;
	Rigbook__Booking b, *cs = NULL, **cptrs = NULL;
	void *mem = NULL;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n < 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	booking_from_row(&b, res, 0);
	if (n > 1) {
		cptrs = msg_block((size_t)n - 1, sizeof(*cptrs), sizeof(*cs), &mem);
		if (cptrs == NULL) {
			req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
				  "out of memory", "", NULL);
			return;
		}
		cs = mem;
		for (int i = 1; i < n; i++) {
			booking_from_row(&cs[i - 1], res, i);
			cptrs[i - 1] = &cs[i - 1];
		}
		reply.n_companions = (size_t)n - 1;
		reply.companions = cptrs;
	}
	reply.booking = &b;
	reply.replayed = db_get_bool(res, 0, REPLAYED);
	resp.body_case = RIGBOOK__RESPONSE__BODY_BOOK;
	resp.book = &reply;
	req_reply(r, &resp);
	free(cptrs);
}

void svc_book(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__BookRequest *q = msg->book;
	char member[24], start[24], end[24];
	const char *params[8];

	if (q->resource_code == NULL || q->resource_code[0] == '\0') {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "field_required",
			  "say which resource to book", "resource_code", "what", "book",
			  NULL);
		return;
	}
	if (!text_ok(q->resource_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code",
			  "a resource code is at most 40 printable characters", "resource_code",
			  "limit", "40", "what",
			  "code_length", NULL);
		return;
	}
	if (!req_time_in_range(r, q->start, "start"))
		return;
	if (q->start <= 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "field_required",
			  "a booking needs a start time", "start", "what", "start", NULL);
		return;
	}
	if (q->end <= q->start) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "end_before_start",
			  "the end of a booking must be after its start", "end", "start",
			  i64_param(start, q->start), "end", i64_param(end, q->end), "what", "booking",
			  NULL);
		return;
	}
	if (q->end > INT64_C(253402300799)) { /* 9999-12-31 */
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "the end of a booking is too far in the future", "end", "what",
			  "booking_end", NULL);
		return;
	}
	if (!text_ok(q->note, MAX_NOTE)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a note is printable UTF-8 text of at most 2000 bytes", "note", "limit",
			  "2000", "what", "note", NULL);
		return;
	}
	if (!text_ok(q->override_reason, MAX_REASON)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "an override reason is printable UTF-8 text of at most 500 bytes",
			  "override_reason", "limit", "500", "what",
			  "override_reason", NULL);
		return;
	}
	u64_param(member, r->sess.member_id);
	i64_param(start, q->start);
	i64_param(end, q->end);
	params[0] = member;
	params[1] = q->resource_code;
	params[2] = start;
	params[3] = end;
	params[4] = q->note != NULL ? q->note : "";
	params[5] = q->override_reason != NULL ? q->override_reason : "";
	params[6] = r->idem_key;
	params[7] = r->peer;
	req_query(r, STMT_BOOK, params, 8, book_done);
}

static void cancel_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__CancelBookingReply reply = RIGBOOK__CANCEL_BOOKING_REPLY__INIT;
	Rigbook__Booking b;
	int replayed;

	if (one_booking(r, res, err, &b, &replayed) != 0)
		return;
	reply.booking = &b;
	reply.replayed = replayed;
	reply.late_fee = db_get_int64(res, 0, CX_LATE_FEE);
	reply.late_currency = (char *)db_get(res, 0, CX_LATE_CURRENCY);
	reply.late_cancel_minutes = (uint32_t)db_get_int64(res, 0, CX_LATE_MINUTES);
	resp.body_case = RIGBOOK__RESPONSE__BODY_CANCEL_BOOKING;
	resp.cancel_booking = &reply;
	req_reply(r, &resp);
}

void svc_cancel_booking(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__CancelBookingRequest *q = msg->cancel_booking;
	char member[24], booking[24];
	const char *params[5];

	if (q->booking_id == 0 || q->booking_id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  q->booking_id == 0 ? "field_required" : "invalid_id",
			  "say which booking to cancel", "booking_id", "what", "cancel", NULL);
		return;
	}
	if (!text_ok(q->reason, MAX_REASON)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a reason is printable UTF-8 text of at most 500 bytes", "reason",
			  "limit", "500", "what", "reason", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(booking, sizeof(booking), "%" PRIu64, q->booking_id);
	params[0] = member;
	params[1] = booking;
	params[2] = q->reason != NULL ? q->reason : "";
	params[3] = r->idem_key;
	params[4] = r->peer;
	req_query(r, STMT_CANCEL, params, 5, cancel_done);
}

static void list_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListBookingsReply reply = RIGBOOK__LIST_BOOKINGS_REPLY__INIT;
	Rigbook__Booking *rows, **ptrs;
	void *mem;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	for (int i = 0; i < n; i++) {
		booking_from_row(&rows[i], res, i);
		ptrs[i] = &rows[i];
	}
	reply.n_bookings = (size_t)n;
	reply.bookings = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_BOOKINGS;
	resp.list_bookings = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_bookings(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListBookingsRequest *q = msg->list_bookings;
	char who[24], from[24], to[24], limit[16];
	const char *params[6];
	enum stmt_id stmt;

	if (q->scope == RIGBOOK__BOOKING_SCOPE__SCOPE_STARTUP) {
		if (r->sess.startup_id == 0) {
			req_error(r, RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, "no_startup",
				  "you belong to no startup, so there are no startup bookings to list",
				  "scope", "what", "list_bookings", NULL);
			return;
		}
		snprintf(who, sizeof(who), "%" PRIu64, r->sess.startup_id);
		stmt = STMT_LIST_BOOKINGS_STARTUP;
	} else if (q->scope == RIGBOOK__BOOKING_SCOPE__SCOPE_MINE) {
		snprintf(who, sizeof(who), "%" PRIu64, r->sess.member_id);
		stmt = STMT_LIST_BOOKINGS_MEMBER;
	} else {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_scope",
			  "scope must be SCOPE_MINE or SCOPE_STARTUP", "scope", NULL);
		return;
	}
	if (q->from < 0 || q->to < 0 || (q->to != 0 && q->to <= q->from)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "end_before_start",
			  "to must be after from (both seconds since the epoch)", "to", "start",
			  i64_param(from, q->from), "end", i64_param(to, q->to), "what",
			  "listing", NULL);
		return;
	}
	if (!text_ok(q->resource_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code",
			  "a resource code is at most 40 printable characters", "resource_code",
			  "limit", "40", "what",
			  "code_length", NULL);
		return;
	}
	snprintf(from, sizeof(from), "%" PRId64, q->from);
	snprintf(to, sizeof(to), "%" PRId64, q->to);
	snprintf(limit, sizeof(limit), "%u",
		 q->limit == 0 ? LIST_DEFAULT : q->limit > LIST_MAX ? LIST_MAX : q->limit);
	params[0] = who;
	params[1] = q->from != 0 ? from : NULL;
	params[2] = q->to != 0 ? to : NULL;
	params[3] = q->include_inactive ? "true" : "false";
	params[4] = q->resource_code != NULL && q->resource_code[0] ? q->resource_code : NULL;
	params[5] = limit;
	req_query(r, stmt, params, 6, list_done);
}

static void accept_terms_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__AcceptTermsReply reply = RIGBOOK__ACCEPT_TERMS_REPLY__INIT;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	reply.resource_code = (char *)db_get(res, 0, AT_CODE);
	reply.version = (uint32_t)db_get_int64(res, 0, AT_VERSION);
	resp.body_case = RIGBOOK__RESPONSE__BODY_ACCEPT_TERMS;
	resp.accept_terms = &reply;
	req_reply(r, &resp);
}

void svc_accept_terms(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__AcceptTermsRequest *q = msg->accept_terms;
	char member[24], version[16];
	const char *params[4] = { member, q->code, version, r->peer };

	if (q->code == NULL || q->code[0] == '\0' || !text_ok(q->code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  req_missing(q->code, "invalid_code"), "say which resource's terms",
			  "code", "limit", "40", "what", "terms", NULL);
		return;
	}
	if (q->version == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "field_required",
			  "say which version of the terms you accept", "version", "what",
			  "terms_version", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(version, sizeof(version), "%u", q->version);
	req_query(r, STMT_ACCEPT_TERMS, params, 4, accept_terms_done);
}
