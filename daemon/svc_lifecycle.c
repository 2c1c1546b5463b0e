/*
 * The booking lifecycle: the approval queue, approving and declining,
 * moving a booking, handing it to another member of the startup.  The
 * rules and the locking live in the SQL functions (0004_lifecycle.sql).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rows.h"
#include "sql.h"

#define MAX_REASON 500
#define MAX_TIME INT64_C(253402300799) /* 9999-12-31 */

/* Every answer here is one booking row and a replayed flag. */
static void booking_reply_done(struct req *r, const struct db_result *res,
			       const struct db_error *err, Rigbook__Response__BodyCase body)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__BookingReply reply = RIGBOOK__BOOKING_REPLY__INIT;
	Rigbook__Booking b;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	booking_from_row(&b, res, 0);
	reply.booking = &b;
	reply.replayed = db_get_bool(res, 0, REPLAYED);
	resp.body_case = body;
	switch (body) {
	case RIGBOOK__RESPONSE__BODY_DECIDE:
		resp.decide = &reply;
		break;
	case RIGBOOK__RESPONSE__BODY_MOVE_BOOKING:
		resp.move_booking = &reply;
		break;
	case RIGBOOK__RESPONSE__BODY_GET_BOOKING:
		resp.get_booking = &reply;
		break;
	default:
		resp.hand_over = &reply;
		break;
	}
	req_reply(r, &resp);
}

/* ---------------------------------------------------------------- approvals */

static void approvals_done(void *arg, const struct db_result *res, const struct db_error *err)
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
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_APPROVALS;
	resp.list_approvals = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_approvals(struct req *r, const Rigbook__Request *msg)
{
	const char *code = msg->list_approvals->resource_code;
	char member[24];
	const char *params[2] = { member, NULL };

	if (code != NULL && code[0] != '\0') {
		if (!text_ok(code, 40)) {
			req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code",
				  "a resource code is at most 40 printable characters",
				  "resource_code", "limit", "40", "what",
			  "code_length", NULL);
			return;
		}
		params[1] = code;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	req_query(r, STMT_LIST_APPROVALS, params, 2, approvals_done);
}

/* ---------------------------------------------------------------- decide */

static void decide_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	booking_reply_done(arg, res, err, RIGBOOK__RESPONSE__BODY_DECIDE);
}

void svc_decide(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__DecideRequest *q = msg->decide;
	char member[24], booking[24];
	const char *params[5] = { member, booking, q->approve ? "true" : "false",
				  q->reason != NULL ? q->reason : "", r->peer };

	if (!req_booking_id_ok(r, q->booking_id))
		return;
	if (!text_ok(q->reason, MAX_REASON)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a reason is printable UTF-8 text of at most 500 bytes", "reason",
			  "limit", "500", "what", "reason", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(booking, sizeof(booking), "%" PRIu64, q->booking_id);
	req_query(r, STMT_DECIDE, params, 5, decide_done);
}

/* ---------------------------------------------------------------- move */

static void move_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	booking_reply_done(arg, res, err, RIGBOOK__RESPONSE__BODY_MOVE_BOOKING);
}

void svc_move_booking(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__MoveBookingRequest *q = msg->move_booking;
	char member[24], booking[24], start[24], end[24];
	const char *params[6] = { member, booking, start, end, r->idem_key, r->peer };

	if (!req_booking_id_ok(r, q->booking_id))
		return;
	if (!req_time_in_range(r, q->start, "start"))
		return;
	if (q->start <= 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "field_required",
			  "say where the booking moves to", "start", "what", "move", NULL);
		return;
	}
	if (q->end <= q->start) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "end_before_start",
			  "the end of a booking must be after its start", "end", "start",
			  i64_param(start, q->start), "end", i64_param(end, q->end), "what", "booking",
			  NULL);
		return;
	}
	if (q->end > MAX_TIME) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "the end of a booking is too far in the future", "end", "what",
			  "booking_end", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(booking, sizeof(booking), "%" PRIu64, q->booking_id);
	snprintf(start, sizeof(start), "%" PRId64, q->start);
	snprintf(end, sizeof(end), "%" PRId64, q->end);
	req_query(r, STMT_MOVE, params, 6, move_done);
}

/* ---------------------------------------------------------------- hand over */

static void hand_over_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	booking_reply_done(arg, res, err, RIGBOOK__RESPONSE__BODY_HAND_OVER);
}

void svc_hand_over(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__HandOverRequest *q = msg->hand_over;
	char member[24], booking[24];
	const char *params[4] = { member, booking, q->to_member, r->peer };

	if (!req_booking_id_ok(r, q->booking_id))
		return;
	if (q->to_member == NULL || q->to_member[0] == '\0' || !text_ok(q->to_member, 64)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  req_missing(q->to_member, "invalid_code"),
			  "say which member of your startup takes the booking, by their handle",
			  "to_member", "limit", "64", "what", "hand_over", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(booking, sizeof(booking), "%" PRIu64, q->booking_id);
	req_query(r, STMT_HAND_OVER, params, 4, hand_over_done);
}

/* ---------------------------------------------------------------- get */

static void get_booking_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	booking_reply_done(arg, res, err, RIGBOOK__RESPONSE__BODY_GET_BOOKING);
}

void svc_get_booking(struct req *r, const Rigbook__Request *msg)
{
	char member[24], booking[24];
	const char *params[2] = { member, booking };

	if (!req_booking_id_ok(r, msg->get_booking->booking_id))
		return;
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(booking, sizeof(booking), "%" PRIu64, msg->get_booking->booking_id);
	req_query(r, STMT_GET_BOOKING, params, 2, get_booking_done);
}
