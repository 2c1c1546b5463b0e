/*
 * What lab managers change: resources, their hours, exceptions, closures,
 * rules, units, required companions and terms.  The dispatch table admits
 * staff only; whether this member may change this resource (its
 * institution, its space) is decided in the same SQL function that changes
 * it.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rigbook/names.h"
#include "rows.h"
#include "sql.h"

#define MAX_WINDOWS 100
#define MAX_TAGS 32
#define MAX_REQUIRES 16
#define MAX_TERMS 20000
#define MAX_REASON 500

struct params {
	char member[24];
	char a[24], b[24], c[24];
	char arr[3][MAX_WINDOWS * 6 + 4];
	char list[MAX_TAGS * 42 + 4];
};

static void member_param(struct params *p, const struct req *r)
{
	snprintf(p->member, sizeof(p->member), "%" PRIu64, r->sess.member_id);
}

static int code_ok(struct req *r, const char *code)
{
	if (code == NULL || code[0] == '\0' || !text_ok(code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  req_missing(code, "invalid_code"),
			  "say which resource, by its code (at most 40 characters)", "code",
			  "limit", "40", "what", "resource", NULL);
		return 0;
	}
	return 1;
}

/* Lowercase letters, digits, '.', '_', '-': safe inside an array literal. */
static int word_ok(const char *s, int dots)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!(islower(ch) || isdigit(ch) || ch == '-' || (dots && (ch == '.' || ch == '_'))))
			return 0;
	}
	return 1;
}

/* {a,b,c} from words already checked by word_ok. */
static void word_array(char *buf, size_t len, char **v, size_t n)
{
	size_t off = 0;

	off += (size_t)snprintf(buf + off, len - off, "{");
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", v[i]);
	if (off < len)
		snprintf(buf + off, len - off, "}");
}

static void detail_reply(struct req *r, const struct db_result *res, const struct db_error *err,
			 Rigbook__Response__BodyCase body)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ResourceDetail d;
	Rigbook__Resource x;
	struct arena a = { 0 };

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	detail_from_rows(&a, &d, &x, res);
	resp.body_case = body;
	/* every ResourceDetail body shares the one union slot */
	resp.put_resource = &d;
	if (a.failed) {
		arena_free(&a);
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	req_reply(r, &resp);
	arena_free(&a);
}

/*
 * A change of hours (set_hours, set_exception): the detail, and in
 * `cancelled` the bookings a forced change cancelled (their ids, from the
 * column "12,18" on every row; the client lists them).
 */
static void hours_reply(struct req *r, const struct db_result *res, const struct db_error *err,
			Rigbook__Response__BodyCase body)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ResourceDetail d;
	Rigbook__Resource x;
	struct arena a = { 0 };
	const char *ids;
	size_t n = 1;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	detail_from_rows(&a, &d, &x, res);
	ids = db_get(res, 0, HX_CANCELLED);
	for (const char *p = ids; *p != '\0'; p++)
		n += *p == ',';
	if (ids[0] != '\0')
		d.cancelled = arena_alloc(&a, n * sizeof(*d.cancelled));
	for (const char *p = ids; d.cancelled != NULL && *p != '\0' && d.n_cancelled < n;) {
		Rigbook__Booking *b;
		char *end;
		unsigned long long id = strtoull(p, &end, 10);

		if (end == p || (b = arena_alloc(&a, sizeof(*b))) == NULL)
			break;
		rigbook__booking__init(b);
		b->id = id;
		b->state = RIGBOOK__BOOKING_STATE__CANCELLED;
		d.cancelled[d.n_cancelled++] = b;
		p = *end == ',' ? end + 1 : end;
	}
	resp.body_case = body;
	resp.put_resource = &d;
	if (a.failed) {
		arena_free(&a);
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	req_reply(r, &resp);
	arena_free(&a);
}

#define DETAIL_CB(fn, body)                                                                  \
	static void fn(void *arg, const struct db_result *res, const struct db_error *err)    \
	{                                                                                     \
		detail_reply(arg, res, err, body);                                            \
	}

DETAIL_CB(put_done, RIGBOOK__RESPONSE__BODY_PUT_RESOURCE)
DETAIL_CB(retire_done, RIGBOOK__RESPONSE__BODY_RETIRE_RESOURCE)
static void hours_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	hours_reply(arg, res, err, RIGBOOK__RESPONSE__BODY_SET_HOURS);
}

static void exception_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	hours_reply(arg, res, err, RIGBOOK__RESPONSE__BODY_SET_EXCEPTION);
}
DETAIL_CB(rules_done, RIGBOOK__RESPONSE__BODY_SET_RULES)
DETAIL_CB(units_done, RIGBOOK__RESPONSE__BODY_SET_UNITS)
DETAIL_CB(requires_done, RIGBOOK__RESPONSE__BODY_SET_REQUIRES)
DETAIL_CB(terms_done, RIGBOOK__RESPONSE__BODY_SET_TERMS)

/* ---------------------------------------------------------------- resources */

void svc_put_resource(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__PutResourceRequest *q = msg->put_resource;
	struct params p;
	const char *params[12];

	if (!code_ok(r, q->code))
		return;
	if (!text_ok(q->name, 200) || !text_ok(q->name_zh, 200) || !text_ok(q->description, 2000) ||
	    !text_ok(q->location, 200) || !text_ok(q->time_zone, 64) ||
	    !text_ok(q->institution_code, 40)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "names, description and location are printable text (200, 2000, 200 bytes)",
			  "name", "what", "resource_text", NULL);
		return;
	}
	if (q->kind != 0 && rb_kind_parse(rb_kind_name(q->kind)) == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_resource_kind",
			  "kind must be instrument, test_facility, machining, pilot_line or workspace",
			  "kind", "what", "kind", NULL);
		return;
	}
	if (q->n_tags > MAX_TAGS) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "too_many_tags",
			  "at most 32 tags", "tags", "limit", "32", NULL);
		return;
	}
	for (size_t i = 0; i < q->n_tags; i++) {
		if (!word_ok(q->tags[i], 1)) {
			req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_tag",
				  "tags are lowercase letters, digits, '.', '_' and '-', at most 40",
				  "tags", "limit", "40", NULL);
			return;
		}
	}
	member_param(&p, r);
	word_array(p.list, sizeof(p.list), q->tags, q->n_tags);
	params[0] = p.member;
	params[1] = q->code;
	params[2] = q->name;
	params[3] = q->kind != 0 ? rb_kind_name(q->kind) : "";
	params[4] = q->institution_code;
	/* on a change, an empty description or location keeps what is there */
	params[5] = q->description != NULL && q->description[0] ? q->description : NULL;
	params[6] = q->location != NULL && q->location[0] ? q->location : NULL;
	params[7] = q->time_zone;
	params[8] = q->n_tags > 0 ? p.list : NULL;
	params[9] = q->create_only ? "true" : "false";
	params[10] = r->peer;
	/* the Chinese name: empty keeps it, "-" clears it */
	params[11] = q->name_zh != NULL && q->name_zh[0] ? q->name_zh : NULL;
	req_query(r, STMT_PUT_RESOURCE, params, 12, put_done);
}

void svc_retire_resource(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__RetireResourceRequest *q = msg->retire_resource;
	struct params p;
	const char *params[4];

	if (!code_ok(r, q->code))
		return;
	if (!text_ok(q->reason, MAX_REASON)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "a reason is printable text of at most 500 bytes", "reason", "limit",
			  "500", "what", "reason_text", NULL);
		return;
	}
	member_param(&p, r);
	params[0] = p.member;
	params[1] = q->code;
	params[2] = q->reason != NULL ? q->reason : "";
	params[3] = r->peer;
	req_query(r, STMT_RETIRE_RESOURCE, params, 4, retire_done);
}

/* ---------------------------------------------------------------- hours */

static int window_ok(uint32_t opens, uint32_t closes)
{
	return opens < closes && closes <= 1440;
}

void svc_set_hours(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SetHoursRequest *q = msg->set_hours;
	struct params p;
	const char *params[8];
	size_t off[3] = { 0, 0, 0 };

	if (!code_ok(r, q->code))
		return;
	if (q->n_windows > MAX_WINDOWS) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "too_many_windows",
			  "at most 100 weekly windows", "windows", "limit", "100", "what",
			  "weekly", NULL);
		return;
	}
	if (q->kind != RIGBOOK__HOURS_KIND__OPENING && q->kind != RIGBOOK__HOURS_KIND__OFFPEAK) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_hours_kind",
			  "kind is OPENING or OFFPEAK", "kind", "what", "hours_kind", NULL);
		return;
	}
	for (int k = 0; k < 3; k++)
		off[k] = (size_t)snprintf(p.arr[k], sizeof(p.arr[k]), "{");
	for (size_t i = 0; i < q->n_windows; i++) {
		const Rigbook__WeeklyWindow *w = q->windows[i];
		uint32_t v[3] = { w->weekday, w->opens, w->closes };

		if (w->weekday < 1 || w->weekday > 7 || !window_ok(w->opens, w->closes)) {
			req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_window",
				  "a window is a weekday 1-7 (Monday-Sunday) and opens before it closes, within 00:00-24:00",
				  "windows", "which", "weekly", NULL);
			return;
		}
		for (int k = 0; k < 3; k++)
			off[k] += (size_t)snprintf(p.arr[k] + off[k], sizeof(p.arr[k]) - off[k],
						   "%s%u", i ? "," : "", v[k]);
	}
	for (int k = 0; k < 3; k++)
		snprintf(p.arr[k] + off[k], sizeof(p.arr[k]) - off[k], "}");
	member_param(&p, r);
	params[0] = p.member;
	params[1] = q->code;
	params[2] = q->kind == RIGBOOK__HOURS_KIND__OFFPEAK ? "offpeak" : "open";
	params[3] = p.arr[0];
	params[4] = p.arr[1];
	params[5] = p.arr[2];
	params[6] = q->force ? "true" : "false";
	params[7] = r->peer;
	req_query(r, STMT_SET_HOURS, params, 8, hours_done);
}

static int date_ok(const char *s)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

void svc_set_exception(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SetExceptionRequest *q = msg->set_exception;
	const Rigbook__DateException *e = q->exception;
	struct params p;
	const char *params[10];
	size_t o0, o1;

	if (!code_ok(r, q->code))
		return;
	if (e == NULL || !date_ok(e->date)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  e == NULL ? "field_required" : req_missing(e->date, "invalid_date"),
			  "say which date, as YYYY-MM-DD in the resource's time zone", "date",
			  "what", "exception_date", NULL);
		return;
	}
	if (!text_ok(e->reason, MAX_REASON) || e->n_windows > MAX_WINDOWS) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  e->n_windows > MAX_WINDOWS ? "too_many_windows" : "invalid_text",
			  "a reason is printable text of at most 500 bytes; at most 100 windows",
			  "reason", "what", "exception", NULL);
		return;
	}
	o0 = (size_t)snprintf(p.arr[0], sizeof(p.arr[0]), "{");
	o1 = (size_t)snprintf(p.arr[1], sizeof(p.arr[1]), "{");
	for (size_t i = 0; i < e->n_windows; i++) {
		if (!window_ok(e->windows[i]->opens, e->windows[i]->closes)) {
			req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_window",
				  "each window opens before it closes, within 00:00-24:00",
				  "windows", "which", "day", NULL);
			return;
		}
		o0 += (size_t)snprintf(p.arr[0] + o0, sizeof(p.arr[0]) - o0, "%s%u", i ? "," : "",
				       e->windows[i]->opens);
		o1 += (size_t)snprintf(p.arr[1] + o1, sizeof(p.arr[1]) - o1, "%s%u", i ? "," : "",
				       e->windows[i]->closes);
	}
	snprintf(p.arr[0] + o0, sizeof(p.arr[0]) - o0, "}");
	snprintf(p.arr[1] + o1, sizeof(p.arr[1]) - o1, "}");
	member_param(&p, r);
	params[0] = p.member;
	params[1] = q->code;
	params[2] = e->date;
	params[3] = e->closed ? "true" : "false";
	params[4] = p.arr[0];
	params[5] = p.arr[1];
	params[6] = e->reason != NULL ? e->reason : "";
	params[7] = q->remove ? "true" : "false";
	params[8] = q->force ? "true" : "false";
	params[9] = r->peer;
	req_query(r, STMT_SET_EXCEPTION, params, 10, exception_done);
}

/* ---------------------------------------------------------------- closures */

static void add_closure_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__AddClosureReply reply = RIGBOOK__ADD_CLOSURE_REPLY__INIT;
	Rigbook__Closure c = RIGBOOK__CLOSURE__INIT;
	struct arena a = { 0 };
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
	c.id = (uint64_t)db_get_int64(res, 0, CL_ID);
	c.start = db_get_int64(res, 0, CL_START);
	c.end = db_get_int64(res, 0, CL_END);
	c.kind = strcmp(db_get(res, 0, CL_KIND), "maintenance") == 0
			 ? RIGBOOK__CLOSURE_KIND__MAINTENANCE
			 : RIGBOOK__CLOSURE_KIND__CLOSURE;
	c.reason = (char *)db_get(res, 0, CL_REASON);
	c.created_by = (char *)db_get(res, 0, CL_BY);
	/* row 0 is the closure alone, with the resource's code; one more row per cancelled booking */
	c.resource_code = (char *)db_get(res, 0, CL_CODE);
	reply.closure = &c;
	reply.cancelled = arena_alloc(&a, (size_t)n * sizeof(*reply.cancelled));
	for (int i = 0; i < n && !a.failed; i++) {
		Rigbook__Booking *b;

		if (db_isnull(res, i, BC_ID))
			continue;
		b = arena_alloc(&a, sizeof(*b));
		if (b == NULL)
			break;
		booking_from_row(b, res, i);
		reply.cancelled[reply.n_cancelled++] = b;
	}
	resp.body_case = RIGBOOK__RESPONSE__BODY_ADD_CLOSURE;
	resp.add_closure = &reply;
	if (a.failed) {
		arena_free(&a);
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	req_reply(r, &resp);
	arena_free(&a);
}

void svc_add_closure(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__AddClosureRequest *q = msg->add_closure;
	struct params p;
	const char *params[8];

	if (!code_ok(r, q->code))
		return;
	if (!req_time_in_range(r, q->start, "start"))
		return;
	if (q->start <= 0 || q->end <= q->start) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "end_before_start",
			  "the end of a closure must be after its start", "end", "start",
			  i64_param(p.a, q->start), "end", i64_param(p.b, q->end), "what", "closure",
			  NULL);
		return;
	}
	if (q->reason == NULL || q->reason[0] == '\0' || !text_ok(q->reason, MAX_REASON)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  req_missing(q->reason, "invalid_text"),
			  "say why (printable text, at most 500 bytes); members see the reason",
			  "reason", "limit", "500", "what", "closure_reason", NULL);
		return;
	}
	member_param(&p, r);
	snprintf(p.a, sizeof(p.a), "%" PRId64, q->start);
	snprintf(p.b, sizeof(p.b), "%" PRId64, q->end);
	params[0] = p.member;
	params[1] = q->code;
	params[2] = p.a;
	params[3] = p.b;
	params[4] = q->kind == RIGBOOK__CLOSURE_KIND__MAINTENANCE ? "maintenance" : "closure";
	params[5] = q->reason;
	params[6] = q->force ? "true" : "false";
	params[7] = r->peer;
	req_query(r, STMT_ADD_CLOSURE, params, 8, add_closure_done);
}

static void remove_closure_done(void *arg, const struct db_result *res,
				const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__Closure c = RIGBOOK__CLOSURE__INIT;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	c.id = (uint64_t)db_get_int64(res, 0, CL_ID);
	c.resource_code = (char *)db_get(res, 0, CL_CODE);
	c.start = db_get_int64(res, 0, CL_START);
	c.end = db_get_int64(res, 0, CL_END);
	c.kind = strcmp(db_get(res, 0, CL_KIND), "maintenance") == 0
			 ? RIGBOOK__CLOSURE_KIND__MAINTENANCE
			 : RIGBOOK__CLOSURE_KIND__CLOSURE;
	c.reason = (char *)db_get(res, 0, CL_REASON);
	c.created_by = (char *)db_get(res, 0, CL_BY);
	resp.body_case = RIGBOOK__RESPONSE__BODY_REMOVE_CLOSURE;
	resp.remove_closure = &c;
	req_reply(r, &resp);
}

void svc_remove_closure(struct req *r, const Rigbook__Request *msg)
{
	struct params p;
	const char *params[3] = { p.member, p.a, r->peer };

	if (msg->remove_closure->closure_id == 0 || msg->remove_closure->closure_id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  msg->remove_closure->closure_id == 0 ? "field_required" : "invalid_id",
			  "say which closure", "closure_id", "what", "closure", NULL);
		return;
	}
	member_param(&p, r);
	snprintf(p.a, sizeof(p.a), "%" PRIu64, msg->remove_closure->closure_id);
	req_query(r, STMT_REMOVE_CLOSURE, params, 3, remove_closure_done);
}

/* ---------------------------------------------------------------- rules */

void svc_set_rules(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SetRulesRequest *q = msg->set_rules;
	const Rigbook__Rules *ru = q->rules;
	static const Rigbook__Rules none = RIGBOOK__RULES__INIT;
	char v[14][16];
	struct params p;
	const char *params[20];
	uint32_t n[14];

	if (!code_ok(r, q->code))
		return;
	if (ru == NULL)
		ru = &none;
	n[0] = ru->slot_minutes;
	n[1] = ru->min_minutes;
	n[2] = ru->max_minutes;
	n[3] = ru->min_notice_minutes;
	n[4] = ru->max_ahead_days;
	n[5] = ru->buffer_minutes;
	n[6] = ru->max_active_per_member;
	n[7] = ru->weekly_minutes_per_startup;
	n[8] = ru->min_gap_minutes;
	n[9] = ru->late_cancel_minutes;
	n[10] = ru->checkin_early_minutes;
	n[11] = ru->no_show_grace_minutes;
	n[12] = ru->max_active_per_startup;
	n[13] = ru->weekly_minutes_per_member;
	if (n[0] > 1440 || n[1] > 527040 || n[2] > 527040 || n[3] > 527040 || n[4] > 3660 ||
	    n[5] > 10080 || n[6] > 10000 || n[7] > 10080 || n[8] > 527040 || n[9] > 43200 ||
	    n[10] > 1440 || n[11] > 1440 || n[12] > 10000 || n[13] > 10080) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "rule_out_of_range",
			  "a rule is out of range (slot <= 1 day, lengths and notice <= 366 days, ahead <= 3660 days, buffer and weekly <= 1 week, active <= 10000, late cancellation <= 30 days, check-in and no-show grace <= 1 day)",
			  "rules", NULL);
		return;
	}
	for (int i = 0; i < 14; i++)
		snprintf(v[i], sizeof(v[i]), "%u", n[i]);
	member_param(&p, r);
	params[0] = p.member;
	params[1] = q->code;
	params[2] = v[0];
	params[3] = v[1];
	params[4] = v[2];
	params[5] = v[3];
	params[6] = v[4];
	params[7] = v[5];
	params[8] = v[6];
	params[9] = v[7];
	params[10] = ru->whole_days ? "true" : "false";
	params[11] = v[8];
	params[12] = ru->needs_approval ? "true" : "false";
	params[13] = ru->needs_qualification ? "true" : "false";
	params[14] = v[9];
	params[15] = v[10];
	params[16] = v[11];
	params[17] = v[12];
	params[18] = v[13];
	params[19] = r->peer;
	req_query(r, STMT_SET_RULES, params, 20, rules_done);
}

void svc_set_units(struct req *r, const Rigbook__Request *msg)
{
	struct params p;
	const char *params[4] = { p.member, msg->set_units->code, p.a, r->peer };

	if (!code_ok(r, msg->set_units->code))
		return;
	if (msg->set_units->units < 1 || msg->set_units->units > 1000) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_units",
			  "a resource has 1 to 1000 units", "units", "units",
			  u64_param(p.a, msg->set_units->units), "limit", "1000", NULL);
		return;
	}
	member_param(&p, r);
	snprintf(p.a, sizeof(p.a), "%u", msg->set_units->units);
	req_query(r, STMT_SET_UNITS, params, 4, units_done);
}

void svc_set_requires(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SetRequiresRequest *q = msg->set_requires;
	struct params p;
	const char *params[4] = { p.member, q->code, p.list, r->peer };

	if (!code_ok(r, q->code))
		return;
	if (q->n_requires > MAX_REQUIRES) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "too_many_requires",
			  "at most 16 required resources", "requires", "limit", "16", NULL);
		return;
	}
	for (size_t i = 0; i < q->n_requires; i++) {
		if (!word_ok(q->requires[i], 0)) {
			req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code",
				  "required resources are named by their codes", "requires",
				  "limit", "40", "what", "requires", NULL);
			return;
		}
	}
	member_param(&p, r);
	word_array(p.list, sizeof(p.list), q->requires, q->n_requires);
	req_query(r, STMT_SET_REQUIRES, params, 4, requires_done);
}

void svc_set_terms(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SetTermsRequest *q = msg->set_terms;
	struct params p;
	const char *params[4] = { p.member, q->code, q->text != NULL ? q->text : "", r->peer };

	if (!code_ok(r, q->code))
		return;
	if (!text_ok(q->text, MAX_TERMS)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text",
			  "terms are printable text of at most 20000 bytes", "text", "limit",
			  "20000", "what", "terms_text", NULL);
		return;
	}
	member_param(&p, r);
	req_query(r, STMT_SET_TERMS, params, 4, terms_done);
}
