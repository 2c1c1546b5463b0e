/* Resources: the equipment a host institution opens to members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rigbook/names.h"

enum { RC_ID, RC_CODE, RC_NAME, RC_KIND, RC_INST_CODE, RC_INST_NAME, RC_SPACE, RC_TZ, RC_DESC,
       RC_LOCATION, RC_RETIRED };

static void resource_from_row(Rigbook__Resource *x, const struct db_result *res, int i)
{
	rigbook__resource__init(x);
	x->id = (uint64_t)db_get_int64(res, i, RC_ID);
	x->code = (char *)db_get(res, i, RC_CODE);
	x->name = (char *)db_get(res, i, RC_NAME);
	x->kind = rb_kind_parse(db_get(res, i, RC_KIND));
	x->institution_code = (char *)db_get(res, i, RC_INST_CODE);
	x->institution_name = (char *)db_get(res, i, RC_INST_NAME);
	x->space_code = (char *)db_get(res, i, RC_SPACE);
	x->time_zone = (char *)db_get(res, i, RC_TZ);
	x->description = (char *)db_get(res, i, RC_DESC);
	x->location = (char *)db_get(res, i, RC_LOCATION);
	x->retired = db_get_bool(res, i, RC_RETIRED);
}

static void list_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListResourcesReply reply = RIGBOOK__LIST_RESOURCES_REPLY__INIT;
	Rigbook__Resource *rows = NULL, **ptrs = NULL;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n > 0) {
		rows = calloc((size_t)n, sizeof(*rows));
		ptrs = calloc((size_t)n, sizeof(*ptrs));
		if (rows == NULL || ptrs == NULL) {
			free(rows);
			free(ptrs);
			req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out of memory", "");
			return;
		}
	}
	for (int i = 0; i < n; i++) {
		resource_from_row(&rows[i], res, i);
		ptrs[i] = &rows[i];
	}
	reply.n_resources = (size_t)n;
	reply.resources = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_RESOURCES;
	resp.list_resources = &reply;
	req_reply(r, &resp);
	free(rows);
	free(ptrs);
}

/* An optional text filter: NULL when empty. */
static const char *opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

void svc_list_resources(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListResourcesRequest *q = msg->list_resources;
	const char *params[6];

	static const char code_rule[] = "a code filter is printable text of at most 40 bytes";

	if (!text_ok(q->code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, code_rule, "code");
		return;
	}
	if (!text_ok(q->space_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, code_rule, "space_code");
		return;
	}
	if (!text_ok(q->institution_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, code_rule, "institution_code");
		return;
	}
	if (!text_ok(q->text, 200)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  "a text filter is printable text of at most 200 bytes", "text");
		return;
	}
	if (q->kind != 0 && rb_kind_parse(rb_kind_name(q->kind)) == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  "kind must be instrument, test_facility, machining, pilot_line or workspace",
			  "kind");
		return;
	}
	params[0] = opt(q->code);
	params[1] = q->kind != 0 ? rb_kind_name(q->kind) : NULL;
	params[2] = opt(q->space_code);
	params[3] = opt(q->institution_code);
	params[4] = opt(q->text);
	params[5] = q->include_retired ? "true" : "false";
	req_query(r, STMT_LIST_RESOURCES, params, 6, list_done);
}

/* ---------------------------------------------------------------- availability */

enum { AV_START = RC_RETIRED + 1, AV_END, AV_STATE, AV_BOOKING, AV_MINE };

#define AVAILABILITY_MAX_SPAN (31 * 86400)

static void availability_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__AvailabilityReply reply = RIGBOOK__AVAILABILITY_REPLY__INIT;
	Rigbook__Resource resource;
	Rigbook__Busy *rows = NULL, **ptrs = NULL;
	int n, nb = 0;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__NOT_FOUND, "no resource has that code",
			  "resource_code");
		return;
	}
	resource_from_row(&resource, res, 0);
	if (!db_isnull(res, 0, AV_START)) {
		rows = calloc((size_t)n, sizeof(*rows));
		ptrs = calloc((size_t)n, sizeof(*ptrs));
		if (rows == NULL || ptrs == NULL) {
			free(rows);
			free(ptrs);
			req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out of memory", "");
			return;
		}
		for (int i = 0; i < n; i++) {
			Rigbook__Busy *b = &rows[nb];

			rigbook__busy__init(b);
			b->start = db_get_int64(res, i, AV_START);
			b->end = db_get_int64(res, i, AV_END);
			b->state = rb_state_parse(db_get(res, i, AV_STATE));
			b->booking_id = (uint64_t)db_get_int64(res, i, AV_BOOKING);
			b->mine = db_get_bool(res, i, AV_MINE);
			ptrs[nb++] = b;
		}
	}
	reply.resource = &resource;
	reply.n_busy = (size_t)nb;
	reply.busy = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_AVAILABILITY;
	resp.availability = &reply;
	req_reply(r, &resp);
	free(rows);
	free(ptrs);
}

void svc_availability(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__AvailabilityRequest *q = msg->availability;
	char from[24], to[24], startup[24], member[24];
	const char *params[5];

	if (q->resource_code == NULL || q->resource_code[0] == '\0' || !text_ok(q->resource_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  "say which resource, by its code (at most 40 characters)", "resource_code");
		return;
	}
	if (q->from <= 0 || q->to <= q->from) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  "give a window: from, then a later to (seconds since the epoch)", "to");
		return;
	}
	if (q->to - q->from > AVAILABILITY_MAX_SPAN) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  "ask for at most 31 days of availability at a time", "to");
		return;
	}
	snprintf(from, sizeof(from), "%lld", (long long)q->from);
	snprintf(to, sizeof(to), "%lld", (long long)q->to);
	snprintf(startup, sizeof(startup), "%llu", (unsigned long long)r->sess.startup_id);
	snprintf(member, sizeof(member), "%llu", (unsigned long long)r->sess.member_id);
	params[0] = q->resource_code;
	params[1] = from;
	params[2] = to;
	params[3] = startup;
	params[4] = member;
	req_query(r, STMT_AVAILABILITY, params, 5, availability_done);
}
