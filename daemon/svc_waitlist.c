/*
 * The waitlist: queueing for a taken window, reading the queue, withdrawing.
 * Promotion, when time frees up, happens inside the database in the
 * transaction that freed it (0006_waitlist.sql); nothing here drives it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rows.h"
#include "sql.h"

#define MAX_NOTE 2000
#define MAX_TIME INT64_C(253402300799) /* 9999-12-31 */

static Rigbook__WaitState wait_state(const char *s)
{
	if (strcmp(s, "waiting") == 0)
		return RIGBOOK__WAIT_STATE__WAIT_STATE_WAITING;
	if (strcmp(s, "promoted") == 0)
		return RIGBOOK__WAIT_STATE__WAIT_STATE_PROMOTED;
	if (strcmp(s, "withdrawn") == 0)
		return RIGBOOK__WAIT_STATE__WAIT_STATE_WITHDRAWN;
	return RIGBOOK__WAIT_STATE__WAIT_STATE_UNSPECIFIED;
}

/* A waitlist_view row; strings point into res. */
static void entry_from_row(Rigbook__WaitlistEntry *e, const struct db_result *res, int i)
{
	int64_t pos = db_get_int64(res, i, WL_POSITION);

	rigbook__waitlist_entry__init(e);
	e->id = (uint64_t)db_get_int64(res, i, WL_ID);
	e->resource_code = (char *)db_get(res, i, WL_RESOURCE_CODE);
	e->resource_name = (char *)db_get(res, i, WL_RESOURCE_NAME);
	e->time_zone = (char *)db_get(res, i, WL_TIME_ZONE);
	e->start = db_get_int64(res, i, WL_START);
	e->end = db_get_int64(res, i, WL_END);
	e->state = wait_state(db_get(res, i, WL_STATE));
	e->member_handle = (char *)db_get(res, i, WL_MEMBER);
	e->startup_code = (char *)db_get(res, i, WL_STARTUP);
	e->created_at = db_get_int64(res, i, WL_CREATED);
	e->note = (char *)db_get(res, i, WL_NOTE);
	e->position = pos < 0 || pos > UINT32_MAX ? 0 : (uint32_t)pos;
	e->booking_id = (uint64_t)db_get_int64(res, i, WL_BOOKING);
	e->promoted_at = db_get_int64(res, i, WL_PROMOTED);
	e->withdrawn_at = db_get_int64(res, i, WL_WITHDRAWN);
	e->refusal = (char *)db_get(res, i, WL_REFUSAL);
}

/* wait and unwait answer one entry row and a replayed flag. */
static void entry_reply_done(struct req *r, const struct db_result *res,
			     const struct db_error *err, Rigbook__Response__BodyCase body)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__WaitReply reply = RIGBOOK__WAIT_REPLY__INIT;
	Rigbook__WaitlistEntry e;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	entry_from_row(&e, res, 0);
	reply.entry = &e;
	reply.replayed = db_get_bool(res, 0, REPLAYED);
	resp.body_case = body;
	if (body == RIGBOOK__RESPONSE__BODY_WAIT)
		resp.wait = &reply;
	else
		resp.unwait = &reply;
	req_reply(r, &resp);
}

/* ---------------------------------------------------------------- wait */

static void wait_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	entry_reply_done(arg, res, err, RIGBOOK__RESPONSE__BODY_WAIT);
}

void svc_wait(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__WaitRequest *q = msg->wait;
	char member[24], start[24], end[24];
	const char *params[7] = { member, q->resource_code, start, end,
				  q->note != NULL ? q->note : "", r->idem_key, r->peer };

	if (q->resource_code == NULL || q->resource_code[0] == '\0') {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "field_required",
			  "say which resource to wait for", "resource_code", "what",
			  "wait_resource", NULL);
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
			  "say which window to wait for", "start", "what", "wait_window",
			  NULL);
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
	if (!text_ok(q->note, MAX_NOTE)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a note is printable UTF-8 text of at most 2000 bytes", "note", "limit",
			  "2000", "what", "note", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(start, sizeof(start), "%" PRId64, q->start);
	snprintf(end, sizeof(end), "%" PRId64, q->end);
	req_query(r, STMT_WAIT, params, 7, wait_done);
}

/* ---------------------------------------------------------------- list */

static void list_waitlist_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListWaitlistReply reply = RIGBOOK__LIST_WAITLIST_REPLY__INIT;
	Rigbook__WaitlistEntry *rows, **ptrs;
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
		entry_from_row(&rows[i], res, i);
		ptrs[i] = &rows[i];
	}
	reply.n_entries = (size_t)n;
	reply.entries = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_WAITLIST;
	resp.list_waitlist = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_waitlist(struct req *r, const Rigbook__Request *msg)
{
	const char *code = msg->list_waitlist->resource_code;
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
	req_query(r, STMT_LIST_WAITLIST, params, 2, list_waitlist_done);
}

/* ---------------------------------------------------------------- unwait */

static void unwait_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	entry_reply_done(arg, res, err, RIGBOOK__RESPONSE__BODY_UNWAIT);
}

void svc_unwait(struct req *r, const Rigbook__Request *msg)
{
	char member[24], entry[24];
	const char *params[3] = { member, entry, r->peer };
	uint64_t id = msg->unwait->entry_id;

	if (id == 0 || id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  id == 0 ? "field_required" : "invalid_id",
			  "say which waitlist entry, by its id", "entry_id", "what", "entry", NULL);
		return;
	}
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	snprintf(entry, sizeof(entry), "%" PRIu64, id);
	req_query(r, STMT_UNWAIT, params, 3, unwait_done);
}
