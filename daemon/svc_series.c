/*
 * Recurring bookings: book a series, cancel what is left of one.  Each
 * occurrence goes through the booking path itself, all in one transaction
 * (rb_book_series and rb_cancel_series in 0007_series.sql).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rows.h"
#include "sql.h"

#define MAX_NOTE 2000
#define MAX_REASON 500
#define MAX_TIME INT64_C(253402300799) /* 9999-12-31 */
#define MAX_EVERY 366

/* The refusals an occurrence can meet (the rest stop the whole request). */
static int refusal_code(const char *st)
{
	if (strcmp(st, "RB409") == 0)
		return RIGBOOK__ERROR_CODE__CONFLICT;
	return RIGBOOK__ERROR_CODE__FAILED_PRECONDITION;
}

/* ---------------------------------------------------------------- book */

static void book_series_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__BookSeriesReply reply = RIGBOOK__BOOK_SERIES_REPLY__INIT;
	Rigbook__Booking *books = NULL, **bptrs = NULL;
	Rigbook__SeriesRefusal *refs = NULL, **rptrs = NULL;
	size_t nb = 0, nr = 0;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	books = calloc((size_t)n, sizeof(*books));
	bptrs = calloc((size_t)n, sizeof(*bptrs));
	refs = calloc((size_t)n, sizeof(*refs));
	rptrs = calloc((size_t)n, sizeof(*rptrs));
	if (books == NULL || bptrs == NULL || refs == NULL || rptrs == NULL) {
		free(books);
		free(bptrs);
		free(refs);
		free(rptrs);
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!db_isnull(res, i, SR_BOOKING)) {
			booking_from_row(&books[nb], res, i);
			bptrs[nb] = &books[nb];
			nb++;
		} else {
			Rigbook__SeriesRefusal *f = &refs[nr];

			rigbook__series_refusal__init(f);
			f->occurrence = (uint32_t)db_get_int64(res, i, SR_N);
			f->start = db_get_int64(res, i, SR_START);
			f->end = db_get_int64(res, i, SR_END);
			f->code = refusal_code(db_get(res, i, SR_CODE));
			f->reason = (char *)db_get(res, i, SR_REASON);
			rptrs[nr++] = f;
		}
	}
	reply.series_id = (uint64_t)db_get_int64(res, 0, SR_SERIES);
	reply.occurrences = (uint32_t)db_get_int64(res, 0, SR_OCCURRENCES);
	reply.replayed = db_get_bool(res, 0, REPLAYED);
	reply.n_bookings = nb;
	reply.bookings = bptrs;
	reply.n_refused = nr;
	reply.refused = rptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_BOOK_SERIES;
	resp.book_series = &reply;
	req_reply(r, &resp);
	free(books);
	free(bptrs);
	free(refs);
	free(rptrs);
}

void svc_book_series(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__BookSeriesRequest *q = msg->book_series;
	char member[24], start[24], end[24], every[16], count[16], until[24];
	const char *params[12];

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
	if (q->end > MAX_TIME || q->until > MAX_TIME || q->until < 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "the series reaches too far into the future",
			  q->until != 0 ? "until" : "end", "what", "series_end", NULL);
		return;
	}
	if (q->every_days < 1 || q->every_days > MAX_EVERY) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_every",
			  "a series repeats every 1 to 366 days", "every_days", "every_days",
			  u64_param(every, q->every_days), "limit", "366", NULL);
		return;
	}
	if (q->count == 0 && q->until == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "series_count_required",
			  "say how many times the booking repeats (a count) or until when", "count",
			  NULL);
		return;
	}
	if (q->count > 1000000) { /* the exact cap is the database's; this keeps the number an int */
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "series_too_many",
			  "that is far more bookings than a series may have", "count", "count",
			  u64_param(count, q->count), "what", "count", NULL);
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
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(start, sizeof(start), "%" PRId64, q->start);
	snprintf(end, sizeof(end), "%" PRId64, q->end);
	snprintf(every, sizeof(every), "%" PRIu32, q->every_days);
	snprintf(count, sizeof(count), "%" PRIu32, q->count);
	snprintf(until, sizeof(until), "%" PRId64, q->until);
	params[0] = member;
	params[1] = q->resource_code;
	params[2] = start;
	params[3] = end;
	params[4] = every;
	params[5] = count;
	params[6] = until;
	params[7] = q->skip_conflicts ? "true" : "false";
	params[8] = q->note != NULL ? q->note : "";
	params[9] = q->override_reason != NULL ? q->override_reason : "";
	params[10] = r->idem_key;
	params[11] = r->peer;
	req_query(r, STMT_BOOK_SERIES, params, 12, book_series_done);
}

/* ---------------------------------------------------------------- cancel */

static void cancel_series_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__CancelSeriesReply reply = RIGBOOK__CANCEL_SERIES_REPLY__INIT;
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
	reply.series_id = n > 0 ? rows[0].series_id : 0;
	reply.replayed = n > 0 && db_get_bool(res, 0, REPLAYED);
	reply.n_cancelled = (size_t)n;
	reply.cancelled = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_CANCEL_SERIES;
	resp.cancel_series = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_cancel_series(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__CancelSeriesRequest *q = msg->cancel_series;
	char member[24], series[24];
	const char *params[5] = { member, series, q->reason != NULL ? q->reason : "", r->idem_key,
				  r->peer };

	if (q->series_id == 0 || q->series_id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  q->series_id == 0 ? "field_required" : "invalid_id",
			  "say which series to cancel, by its id", "series_id", "what",
			  "series", NULL);
		return;
	}
	if (!text_ok(q->reason, MAX_REASON)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a reason is printable UTF-8 text of at most 500 bytes", "reason",
			  "limit", "500", "what", "reason", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(series, sizeof(series), "%" PRIu64, q->series_id);
	req_query(r, STMT_CANCEL_SERIES, params, 5, cancel_series_done);
}
