/* Resources: what is on offer, when it is open and free. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rigbook/names.h"
#include "rows.h"
#include "sql.h"

#define AVAILABILITY_MAX_SPAN (31 * 86400)
#define SLOTS_MAX_DAYS 62
#define FIND_MAX_DAYS 92
#define FIND_MAX_LIMIT 100
#define MAX_LENGTH_MINUTES (366 * 1440)

/* An optional text filter: NULL when empty. */
static const char *opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static int code_ok(struct req *r, const char *code, const char *field)
{
	if (code == NULL || code[0] == '\0' || !text_ok(code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  req_missing(code, "invalid_code"),
			  "say which resource, by its code (at most 40 characters)", field, "limit",
			  "40", "what", "resource", NULL);
		return 0;
	}
	memcpy(r->subject, code, strlen(code) + 1); /* text_ok: at most 40 bytes */
	return 1;
}

/* The resource named by the request does not exist. */
static void no_such_resource(struct req *r, const char *field)
{
	char m[96];

	snprintf(m, sizeof(m), "no resource is called %s", r->subject);
	req_error(r, RIGBOOK__ERROR_CODE__NOT_FOUND, "resource_not_found", m, field, "resource",
		  r->subject, NULL);
}

/* Reply with an arena's worth of message, then free the arena. */
static void reply_and_free(struct req *r, Rigbook__Response *resp, struct arena *a)
{
	if (a->failed) {
		arena_free(a);
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	req_reply(r, resp);
	arena_free(a);
}

/* ---------------------------------------------------------------- list */

static void list_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListResourcesReply reply = RIGBOOK__LIST_RESOURCES_REPLY__INIT;
	struct arena a = { 0 };
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	reply.resources = arena_alloc(&a, (size_t)n * sizeof(*reply.resources));
	for (int i = 0; i < n && !a.failed; i++) {
		Rigbook__Resource *x = arena_alloc(&a, sizeof(*x));

		if (x == NULL)
			break;
		resource_from_row(&a, x, res, i);
		reply.resources[reply.n_resources++] = x;
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_RESOURCES;
	resp.list_resources = &reply;
	reply_and_free(r, &resp, &a);
}

void svc_list_resources(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListResourcesRequest *q = msg->list_resources;
	static const char code_rule[] = "a code filter is printable text of at most 40 bytes";
	const char *params[7];

	if (!text_ok(q->code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code", code_rule,
			  "code", "limit", "40", "what", "code_filter", NULL);
		return;
	}
	if (!text_ok(q->space_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code", code_rule,
			  "space_code", "limit", "40", "what", "code_filter", NULL);
		return;
	}
	if (!text_ok(q->institution_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code", code_rule,
			  "institution_code", "limit", "40", "what", "code_filter", NULL);
		return;
	}
	if (!text_ok(q->tag, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a tag filter is printable text of at most 40 bytes", "tag", "limit",
			  "40", "what", "tag_filter", NULL);
		return;
	}
	if (!text_ok(q->text, 200)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a text filter is printable text of at most 200 bytes", "text", "limit",
			  "200", "what", "text_filter", NULL);
		return;
	}
	if (q->kind != 0 && rb_kind_parse(rb_kind_name(q->kind)) == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_resource_kind",
			  "kind must be instrument, test_facility, machining, pilot_line or workspace",
			  "kind", "what", "kind", NULL);
		return;
	}
	params[0] = opt(q->code);
	params[1] = q->kind != 0 ? rb_kind_name(q->kind) : NULL;
	params[2] = opt(q->space_code);
	params[3] = opt(q->institution_code);
	params[4] = opt(q->text);
	params[5] = q->include_retired ? "true" : "false";
	params[6] = opt(q->tag);
	req_query(r, STMT_LIST_RESOURCES, params, 7, list_done);
}

/* ---------------------------------------------------------------- get */

static void get_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ResourceDetail d;
	Rigbook__Resource x;
	struct arena a = { 0 };

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) == 0) {
		no_such_resource(r, "code");
		return;
	}
	detail_from_rows(&a, &d, &x, res);
	resp.body_case = RIGBOOK__RESPONSE__BODY_GET_RESOURCE;
	resp.get_resource = &d;
	reply_and_free(r, &resp, &a);
}

void svc_get_resource(struct req *r, const Rigbook__Request *msg)
{
	char member[24];
	const char *params[2] = { member, msg->get_resource->code };

	if (!code_ok(r, msg->get_resource->code, "code"))
		return;
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	req_query(r, STMT_GET_RESOURCE, params, 2, get_done);
}

/* ---------------------------------------------------------------- availability */

static void availability_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__AvailabilityReply reply = RIGBOOK__AVAILABILITY_REPLY__INIT;
	Rigbook__Resource resource;
	struct arena a = { 0 };
	size_t n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = (size_t)db_ntuples(res);
	if (n == 0) {
		no_such_resource(r, "resource_code");
		return;
	}
	resource_from_row(&a, &resource, res, 0);
	reply.resource = &resource;
	reply.busy = arena_alloc(&a, n * sizeof(*reply.busy));
	reply.open = arena_alloc(&a, n * sizeof(*reply.open));
	reply.closures = arena_alloc(&a, n * sizeof(*reply.closures));
	for (int i = 0; i < (int)n && !a.failed; i++) {
		const char *tag = db_get(res, i, D_TAG);

		if (!strcmp(tag, "busy")) {
			Rigbook__Busy *b = arena_alloc(&a, sizeof(*b));

			if (b == NULL)
				break;
			rigbook__busy__init(b);
			b->start = db_get_int64(res, i, BUSY_START);
			b->end = db_get_int64(res, i, BUSY_END);
			b->booking_id = (uint64_t)db_get_int64(res, i, BUSY_BOOKING);
			b->state = rb_state_parse(db_get(res, i, BUSY_STATE));
			b->mine = db_get_bool(res, i, BUSY_MINE);
			reply.busy[reply.n_busy++] = b;
		} else if (!strcmp(tag, "open")) {
			Rigbook__Window *w = arena_alloc(&a, sizeof(*w));

			if (w == NULL)
				break;
			rigbook__window__init(w);
			w->start = db_get_int64(res, i, OPEN_START);
			w->end = db_get_int64(res, i, OPEN_END);
			reply.open[reply.n_open++] = w;
		} else if (!strcmp(tag, "closure")) {
			Rigbook__Closure *c = arena_alloc(&a, sizeof(*c));

			if (c == NULL)
				break;
			closure_from_detail_row(c, res, i);
			reply.closures[reply.n_closures++] = c;
		}
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_AVAILABILITY;
	resp.availability = &reply;
	reply_and_free(r, &resp, &a);
}

void svc_availability(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__AvailabilityRequest *q = msg->availability;
	char from[24], to[24], startup[24], member[24];
	const char *params[5];

	if (!code_ok(r, q->resource_code, "resource_code"))
		return;
	if (!req_time_in_range(r, q->from, "from"))
		return;
	if (q->from <= 0 || q->to <= q->from) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  q->from <= 0 ? "field_required" : "end_before_start",
			  "give a window: from, then a later to (seconds since the epoch)", "to",
			  "start", i64_param(from, q->from), "end", i64_param(to, q->to), "what",
			  "availability", NULL);
		return;
	}
	if (q->to - q->from > AVAILABILITY_MAX_SPAN) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "range_too_long",
			  "ask for at most 31 days of availability at a time", "to", "limit", "31",
			  "what", "availability", NULL);
		return;
	}
	i64_param(from, q->from);
	i64_param(to, q->to);
	u64_param(startup, r->sess.startup_id);
	u64_param(member, r->sess.member_id);
	params[0] = q->resource_code;
	params[1] = from;
	params[2] = to;
	params[3] = startup;
	params[4] = member;
	req_query(r, STMT_AVAILABILITY, params, 5, availability_done);
}

/* ---------------------------------------------------------------- slots */

static void slots_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__SlotsReply reply = RIGBOOK__SLOTS_REPLY__INIT;
	Rigbook__Resource resource;
	struct arena a = { 0 };
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n == 0) {
		no_such_resource(r, "code");
		return;
	}
	resource_from_row(&a, &resource, res, 0);
	reply.resource = &resource;
	reply.free = arena_alloc(&a, (size_t)n * sizeof(*reply.free));
	for (int i = 0; i < n && !a.failed; i++) {
		Rigbook__Window *w;

		if (db_isnull(res, i, FREE_START))
			continue;
		w = arena_alloc(&a, sizeof(*w));
		if (w == NULL)
			break;
		rigbook__window__init(w);
		w->start = db_get_int64(res, i, FREE_START);
		w->end = db_get_int64(res, i, FREE_END);
		reply.free[reply.n_free++] = w;
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_SLOTS;
	resp.slots = &reply;
	reply_and_free(r, &resp, &a);
}

void svc_slots(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SlotsRequest *q = msg->slots;
	char from[24], days[16], len[16];
	const char *params[4];

	if (!code_ok(r, q->code, "code"))
		return;
	if (q->length_minutes == 0 || q->length_minutes > MAX_LENGTH_MINUTES) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  q->length_minutes == 0 ? "length_required" : "invalid_length",
			  "say how long the booking would be (1 minute to 366 days)",
			  "length_minutes", "what", "length", NULL);
		return;
	}
	if (q->days > SLOTS_MAX_DAYS || q->from < 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  q->from < 0 ? "time_out_of_range" : "range_too_long",
			  "ask for free time over at most 62 days", "days", "limit", "62", "what",
			  "slots", NULL);
		return;
	}
	snprintf(from, sizeof(from), "%" PRId64, q->from);
	snprintf(days, sizeof(days), "%u", q->days == 0 ? 7 : q->days);
	snprintf(len, sizeof(len), "%u", q->length_minutes);
	params[0] = q->code;
	params[1] = from;
	params[2] = days;
	params[3] = len;
	req_query(r, STMT_SLOTS, params, 4, slots_done);
}

/* ---------------------------------------------------------------- find */

static void find_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__FindReply reply = RIGBOOK__FIND_REPLY__INIT;
	struct arena a = { 0 };
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	reply.fits = arena_alloc(&a, (size_t)n * sizeof(*reply.fits));
	for (int i = 0; i < n && !a.failed; i++) {
		Rigbook__Fit *f = arena_alloc(&a, sizeof(*f));
		Rigbook__Resource *x = arena_alloc(&a, sizeof(*x));

		if (f == NULL || x == NULL)
			break;
		rigbook__fit__init(f);
		resource_from_row(&a, x, res, i);
		f->resource = x;
		f->start = db_get_int64(res, i, FREE_START);
		f->end = db_get_int64(res, i, FREE_END);
		reply.fits[reply.n_fits++] = f;
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_FIND;
	resp.find = &reply;
	reply_and_free(r, &resp, &a);
}

void svc_find(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__FindRequest *q = msg->find;
	char len[16], from[24], days[16], limit[16];
	const char *params[8];

	if (q->length_minutes == 0 || q->length_minutes > MAX_LENGTH_MINUTES) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  q->length_minutes == 0 ? "length_required" : "invalid_length",
			  "say how long the booking would be (1 minute to 366 days)",
			  "length_minutes", "what", "length", NULL);
		return;
	}
	if (q->kind != 0 && rb_kind_parse(rb_kind_name(q->kind)) == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_resource_kind",
			  "kind must be instrument, test_facility, machining, pilot_line or workspace",
			  "kind", "what", "kind", NULL);
		return;
	}
	if (!text_ok(q->tag, 40) || !text_ok(q->text, 200)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "tag and text are printable text (40 and 200 bytes at most)", "tag",
			  "what", "find_text", NULL);
		return;
	}
	if (q->within_days > FIND_MAX_DAYS) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "range_too_long",
			  "find searches at most 92 days ahead", "within_days", "limit", "92",
			  "what", "find_days", NULL);
		return;
	}
	if (q->limit > FIND_MAX_LIMIT) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "range_too_long",
			  "find gives at most 100 fits", "limit", "limit", "100", "what",
			  "find_limit", NULL);
		return;
	}
	if (q->from < 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "time_out_of_range",
			  "from is an instant after 1970", "from", "what", "find_from", NULL);
		return;
	}
	if (!text_ok(q->from_local, 16)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_time",
			  "from_local is a wall-clock time, YYYY-MM-DD HH:MM", "from_local",
			  "what", "from_local", NULL);
		return;
	}
	snprintf(len, sizeof(len), "%u", q->length_minutes);
	snprintf(from, sizeof(from), "%" PRId64, q->from);
	snprintf(days, sizeof(days), "%u", q->within_days == 0 ? 30 : q->within_days);
	snprintf(limit, sizeof(limit), "%u", q->limit == 0 ? 10 : q->limit);
	params[0] = q->kind != 0 ? rb_kind_name(q->kind) : NULL;
	params[1] = opt(q->tag);
	params[2] = opt(q->text);
	params[3] = len;
	params[4] = from;
	params[5] = days;
	params[6] = limit;
	params[7] = opt(q->from_local);
	req_query(r, STMT_FIND, params, 8, find_done);
}
