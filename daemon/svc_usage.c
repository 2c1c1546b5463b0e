/*
 * Using the equipment: qualifications, check-in and check-out, no-shows
 * marked by staff, corrections of the usage record.  The rules and the
 * locking live in the SQL functions (0005_usage.sql); the timer that marks
 * no-shows is sweep.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "log.h"
#include "rows.h"
#include "sql.h"

#define MAX_REASON 500
#define MAX_TIME INT64_C(253402300799) /* 9999-12-31 */

static void qualification_from_row(Rigbook__Qualification *q, const struct db_result *res, int i)
{
	rigbook__qualification__init(q);
	q->id = (uint64_t)db_get_int64(res, i, QC_ID);
	q->member_handle = (char *)db_get(res, i, QC_MEMBER);
	q->resource_code = (char *)db_get(res, i, QC_RESOURCE);
	q->time_zone = (char *)db_get(res, i, QC_TIME_ZONE);
	q->granted_by = (char *)db_get(res, i, QC_GRANTED_BY);
	q->granted_at = db_get_int64(res, i, QC_GRANTED_AT);
	q->expires_at = db_get_int64(res, i, QC_EXPIRES);
	q->revoked_at = db_get_int64(res, i, QC_REVOKED_AT);
	q->revoked_by = (char *)db_get(res, i, QC_REVOKED_BY);
	q->valid = db_get_bool(res, i, QC_VALID);
}

static void internal(struct req *r, int n)
{
	log_errorx("%s: expected one row, got %d", r->peer, n);
	req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
		  "internal error; the server log has the details", "", NULL);
}

/* ---------------------------------------------------------------- qualify */

static void qualification_done(struct req *r, const struct db_result *res,
			       const struct db_error *err, Rigbook__Response__BodyCase body)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__QualificationReply reply = RIGBOOK__QUALIFICATION_REPLY__INIT;
	Rigbook__Qualification q;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		internal(r, db_ntuples(res));
		return;
	}
	qualification_from_row(&q, res, 0);
	reply.qualification = &q;
	resp.body_case = body;
	if (body == RIGBOOK__RESPONSE__BODY_QUALIFY)
		resp.qualify = &reply;
	else
		resp.unqualify = &reply;
	req_reply(r, &resp);
}

static void qualify_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	qualification_done(arg, res, err, RIGBOOK__RESPONSE__BODY_QUALIFY);
}

void svc_qualify(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__QualifyRequest *q = msg->qualify;
	char member[24], until[24];
	const char *params[5] = { member, q->member_handle, q->resource_code, NULL, r->peer };

	if (!req_name_ok(r, q->member_handle, "member, by their handle", "member_handle", 1) ||
	    !req_name_ok(r, q->resource_code, "resource, by its code", "resource_code", 1))
		return;
	if (q->expires_at < 0 || q->expires_at > MAX_TIME) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "the end of a qualification is out of range", "expires_at", "what",
			  "qualification_end", NULL);
		return;
	}
	if (q->expires_at != 0) {
		snprintf(until, sizeof(until), "%" PRId64, q->expires_at);
		params[3] = until;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	req_query(r, STMT_QUALIFY, params, 5, qualify_done);
}

static void unqualify_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	qualification_done(arg, res, err, RIGBOOK__RESPONSE__BODY_UNQUALIFY);
}

void svc_unqualify(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__UnqualifyRequest *q = msg->unqualify;
	char member[24];
	const char *params[4] = { member, q->member_handle, q->resource_code, r->peer };

	if (!req_name_ok(r, q->member_handle, "member, by their handle", "member_handle", 1) ||
	    !req_name_ok(r, q->resource_code, "resource, by its code", "resource_code", 1))
		return;
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	req_query(r, STMT_UNQUALIFY, params, 4, unqualify_done);
}

static void list_qualifications_done(void *arg, const struct db_result *res,
				     const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListQualificationsReply reply = RIGBOOK__LIST_QUALIFICATIONS_REPLY__INIT;
	Rigbook__Qualification *rows, **ptrs;
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
		qualification_from_row(&rows[i], res, i);
		ptrs[i] = &rows[i];
	}
	reply.n_qualifications = (size_t)n;
	reply.qualifications = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_QUALIFICATIONS;
	resp.list_qualifications = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_qualifications(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListQualificationsRequest *q = msg->list_qualifications;
	char member[24];
	const char *params[4] = { member, NULL, NULL, q->include_inactive ? "true" : "false" };

	if (q->resource_code != NULL && q->resource_code[0] != '\0') {
		if (!req_name_ok(r, q->resource_code, "resource, by its code", "resource_code", 1))
			return;
		params[1] = q->resource_code;
	}
	if (q->member_handle != NULL && q->member_handle[0] != '\0') {
		if (!req_name_ok(r, q->member_handle, "member, by their handle", "member_handle", 1))
			return;
		params[2] = q->member_handle;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	req_query(r, STMT_LIST_QUALIFICATIONS, params, 4, list_qualifications_done);
}

/* ---------------------------------------------------------------- bookings */

/* Every change of usage answers with the booking. */
static void usage_booking_done(struct req *r, const struct db_result *res,
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
		internal(r, db_ntuples(res));
		return;
	}
	booking_from_row(&b, res, 0);
	reply.booking = &b;
	resp.body_case = body;
	switch (body) {
	case RIGBOOK__RESPONSE__BODY_CHECK_IN:
		resp.check_in = &reply;
		break;
	case RIGBOOK__RESPONSE__BODY_CHECK_OUT:
		resp.check_out = &reply;
		break;
	case RIGBOOK__RESPONSE__BODY_MARK_NO_SHOW:
		resp.mark_no_show = &reply;
		break;
	default:
		resp.correct_usage = &reply;
		break;
	}
	req_reply(r, &resp);
}

static void check_in_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	usage_booking_done(arg, res, err, RIGBOOK__RESPONSE__BODY_CHECK_IN);
}

static void check_out_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	usage_booking_done(arg, res, err, RIGBOOK__RESPONSE__BODY_CHECK_OUT);
}

static void no_show_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	usage_booking_done(arg, res, err, RIGBOOK__RESPONSE__BODY_MARK_NO_SHOW);
}

static void correct_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	usage_booking_done(arg, res, err, RIGBOOK__RESPONSE__BODY_CORRECT_USAGE);
}

/* The statements that take (member, booking, peer). */
static void booking_call(struct req *r, uint64_t booking_id, enum stmt_id stmt, db_cb cb)
{
	char member[24], booking[24];
	const char *params[3] = { member, booking, r->peer };

	if (!req_booking_id_ok(r, booking_id))
		return;
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(booking, sizeof(booking), "%" PRIu64, booking_id);
	req_query(r, stmt, params, 3, cb);
}

void svc_check_in(struct req *r, const Rigbook__Request *msg)
{
	booking_call(r, msg->check_in->booking_id, STMT_CHECK_IN, check_in_done);
}

void svc_check_out(struct req *r, const Rigbook__Request *msg)
{
	booking_call(r, msg->check_out->booking_id, STMT_CHECK_OUT, check_out_done);
}

void svc_mark_no_show(struct req *r, const Rigbook__Request *msg)
{
	booking_call(r, msg->mark_no_show->booking_id, STMT_MARK_NO_SHOW, no_show_done);
}

void svc_correct_usage(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__CorrectUsageRequest *q = msg->correct_usage;
	char member[24], booking[24], in[24], out[24];
	const char *params[6] = { member, booking, NULL, NULL, q->reason, r->peer };

	if (!req_booking_id_ok(r, q->booking_id))
		return;
	if (q->checked_in_at < 0 || q->checked_in_at > MAX_TIME) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "the check-in time is out of range", "checked_in_at", "what",
			  "checked_in_at", NULL);
		return;
	}
	if (q->checked_out_at < 0 || q->checked_out_at > MAX_TIME) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "the check-out time is out of range", "checked_out_at", "what",
			  "checked_out_at", NULL);
		return;
	}
	if (!text_ok(q->reason, MAX_REASON)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a reason is printable UTF-8 text of at most 500 bytes", "reason",
			  "limit", "500", "what", "reason", NULL);
		return;
	}
	if (q->checked_in_at != 0) {
		snprintf(in, sizeof(in), "%" PRId64, q->checked_in_at);
		params[2] = in;
	}
	if (q->checked_out_at != 0) {
		snprintf(out, sizeof(out), "%" PRId64, q->checked_out_at);
		params[3] = out;
	}
	if (params[4] == NULL)
		params[4] = "";
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(booking, sizeof(booking), "%" PRIu64, q->booking_id);
	req_query(r, STMT_CORRECT_USAGE, params, 6, correct_done);
}
