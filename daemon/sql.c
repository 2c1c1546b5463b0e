#include "sql.h"

#include <stdio.h>
#include <string.h>

/*
 * Each statement lists the result columns its handler reads: RESULT(COL(key,
 * "name", TYPE), ...).  The name is the column's name in the result, the key
 * is what the C code reads it by (sql.h), TYPE how it reads it (CT_*).  A
 * shape read by several statements is written once, beside the SQL that
 * selects it.
 */
#define COL(key, name, type) { key, name, CT_##type, #key }
#define RESULT(...) ((const struct col_def[]){ __VA_ARGS__, { COL__COUNT, NULL, CT_TEXT, NULL } })

#define BOOKING_COLS                                                                   \
	"v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch, v.end_epoch, " \
	"v.state, v.member_handle, v.startup_code, v.created_epoch, v.note, "              \
	"v.cancelled_epoch, v.cancel_reason, v.unit_no, v.override_reason, v.parent_id, "   \
	"v.cancelled_by, v.cancelled_late, v.checked_in_epoch, v.checked_out_epoch, "      \
	"v.usage_note, v.series_id, v.decided_by, v.decision_reason, v.series_no, v.series_of"
#define BOOKING_RESULT                                                                       \
	COL(BC_ID, "id", INT64), COL(BC_RESOURCE_CODE, "resource_code", TEXT),               \
	COL(BC_RESOURCE_NAME, "resource_name", TEXT), COL(BC_TIME_ZONE, "time_zone", TEXT),  \
	COL(BC_START, "start_epoch", INT64), COL(BC_END, "end_epoch", INT64),                \
	COL(BC_STATE, "state", TEXT), COL(BC_MEMBER, "member_handle", TEXT),                 \
	COL(BC_STARTUP, "startup_code", TEXT), COL(BC_CREATED, "created_epoch", INT64),      \
	COL(BC_NOTE, "note", TEXT), COL(BC_CANCELLED, "cancelled_epoch", INT64),             \
	COL(BC_CANCEL_REASON, "cancel_reason", TEXT), COL(BC_UNIT, "unit_no", INT32),        \
	COL(BC_OVERRIDE, "override_reason", TEXT), COL(BC_PARENT, "parent_id", INT64),       \
	COL(BC_CANCELLED_BY, "cancelled_by", TEXT),                                          \
	COL(BC_CANCELLED_LATE, "cancelled_late", BOOL),                                      \
	COL(BC_CHECKED_IN, "checked_in_epoch", INT64),                                       \
	COL(BC_CHECKED_OUT, "checked_out_epoch", INT64), COL(BC_USAGE_NOTE, "usage_note", TEXT), \
	COL(BC_SERIES, "series_id", INT64), COL(BC_DECIDED_BY, "decided_by", TEXT),          \
	COL(BC_DECISION_REASON, "decision_reason", TEXT), COL(BC_SERIES_NO, "series_no", INT32), \
	COL(BC_SERIES_OF, "series_of", INT32)
/* the booking, then whether the answer was stored before */
#define BOOKING_REPLAYED_RESULT BOOKING_RESULT, COL(REPLAYED, "replayed", BOOL)

#define RES_COLS                                                                                \
	"v.id, v.code, v.name, v.kind, v.institution_code, v.institution_name, v.space_code, "      \
	"v.time_zone, v.description, v.location, v.retired, v.tags, v.units, v.slot_minutes, "      \
	"v.min_minutes, v.max_minutes, v.min_notice_minutes, v.max_ahead_days, v.buffer_minutes, "  \
	"v.max_active_per_member, v.weekly_minutes_per_startup, v.whole_days, v.min_gap_minutes, " \
	"v.terms_version, v.requires, v.name_zh, v.institution_name_zh, v.space_name, "             \
	"v.space_name_zh, v.max_active_per_startup, v.weekly_minutes_per_member"
/* resource_view; rb_resource_detail and rb_availability start with the same names */
#define RES_RESULT                                                                           \
	COL(RES_ID, "id", INT64), COL(RES_CODE, "code", TEXT), COL(RES_NAME, "name", TEXT),  \
	COL(RES_KIND, "kind", TEXT), COL(RES_INST_CODE, "institution_code", TEXT),           \
	COL(RES_INST_NAME, "institution_name", TEXT), COL(RES_SPACE, "space_code", TEXT),    \
	COL(RES_TZ, "time_zone", TEXT), COL(RES_DESC, "description", TEXT),                  \
	COL(RES_LOCATION, "location", TEXT), COL(RES_RETIRED, "retired", BOOL),              \
	COL(RES_TAGS, "tags", TEXT), COL(RES_UNITS, "units", INT32),                         \
	COL(RES_SLOT, "slot_minutes", INT32), COL(RES_MIN, "min_minutes", INT32),            \
	COL(RES_MAX, "max_minutes", INT32), COL(RES_NOTICE, "min_notice_minutes", INT32),    \
	COL(RES_AHEAD, "max_ahead_days", INT32), COL(RES_BUFFER, "buffer_minutes", INT32),   \
	COL(RES_ACTIVE, "max_active_per_member", INT32),                                     \
	COL(RES_WEEKLY, "weekly_minutes_per_startup", INT32),                                \
	COL(RES_WHOLE_DAYS, "whole_days", BOOL), COL(RES_GAP, "min_gap_minutes", INT32),     \
	COL(RES_TERMS_VERSION, "terms_version", INT32), COL(RES_REQUIRES, "requires", TEXT), \
	COL(RES_NAME_ZH, "name_zh", TEXT), COL(RES_INST_NAME_ZH, "institution_name_zh", TEXT), \
	COL(RES_SPACE_NAME, "space_name", TEXT), COL(RES_SPACE_NAME_ZH, "space_name_zh", TEXT), \
	COL(RES_ACTIVE_STARTUP, "max_active_per_startup", INT32),                            \
	COL(RES_WEEKLY_MEMBER, "weekly_minutes_per_member", INT32)

/*
 * The rows of rb_resource_detail and rb_availability: after the resource, a
 * tag saying what the row is, and columns that each mean one thing whatever
 * the tag (NULL where the row has no use for them).
 */
#define TAGGED_TAG COL(D_TAG, "tag", TEXT)
/* rb_resource_detail 'open' | 'offpeak': a weekly window, minutes of the day */
#define TAGGED_HOURS                                                                         \
	COL(HOURS_WEEKDAY, "weekday", INT64), COL(HOURS_OPENS, "opens", INT64),                      \
	COL(HOURS_CLOSES, "closes", INT64)
/* rb_resource_detail 'exception': a date's own hours, "540-720,780-900" */
#define TAGGED_EXCEPTION                                                                     \
	COL(EXC_DAY, "exception_day", TEXT), COL(EXC_WINDOWS, "exception_windows", TEXT), COL(EXC_REASON, "exception_reason", TEXT), \
	COL(EXC_CLOSED, "exception_closed", BOOL)
/* rb_resource_detail and rb_availability 'closure' */
#define TAGGED_CLOSURE                                                                       \
	COL(DCL_ID, "closure_id", INT64), COL(DCL_START, "closure_start", INT64), COL(DCL_END, "closure_end", INT64),    \
	COL(DCL_KIND, "closure_kind", TEXT), COL(DCL_REASON, "closure_reason", TEXT), COL(DCL_BY, "closure_by", TEXT)
/* rb_resource_detail 'terms': the text, and whether the caller accepted this version */
#define TAGGED_TERMS COL(TERMS_TEXT, "terms_text", TEXT), COL(TERMS_ACCEPTED, "terms_accepted", BOOL)
/* rb_resource_detail 'lifecycle': the rules that are not resource_view columns */
#define TAGGED_LIFECYCLE                                                                     \
	COL(LC_LATE_CANCEL, "late_cancel_minutes", INT64), COL(LC_CHECKIN_EARLY, "checkin_early_minutes", INT64),                \
	COL(LC_NO_SHOW_GRACE, "no_show_grace_minutes", INT64), COL(LC_NEEDS_QUALIFICATION, "needs_qualification", BOOL),         \
	COL(LC_NEEDS_APPROVAL, "needs_approval", BOOL)
/* rb_availability 'busy': a booking's window; its id only for the caller's startup */
#define TAGGED_BUSY                                                                          \
	COL(BUSY_START, "busy_start", INT64), COL(BUSY_END, "busy_end", INT64),                            \
	COL(BUSY_BOOKING, "busy_booking_id", INT64), COL(BUSY_STATE, "busy_state", TEXT), COL(BUSY_MINE, "busy_mine", BOOL)
/* rb_availability 'open': opening hours as instants */
#define TAGGED_OPEN COL(OPEN_START, "open_start", INT64), COL(OPEN_END, "open_end", INT64)

/* rb_resource_detail: every resource read that answers a ResourceDetail */
#define DETAIL_RESULT                                                                        \
	RES_RESULT, TAGGED_TAG, TAGGED_HOURS, TAGGED_EXCEPTION, TAGGED_CLOSURE, TAGGED_TERMS, \
	TAGGED_LIFECYCLE
/* rb_availability */
#define AVAILABILITY_RESULT RES_RESULT, TAGGED_TAG, TAGGED_BUSY, TAGGED_OPEN, TAGGED_CLOSURE
/* slots and find: the resource, then a window */
#define FREE_RESULT                                                                          \
	RES_RESULT, COL(FREE_START, "start_epoch", INT64), COL(FREE_END, "end_epoch", INT64)

#define WAITLIST_COLS                                                                  \
	"w.id, w.resource_code, w.resource_name, w.time_zone, w.start_epoch, w.end_epoch, " \
	"w.state, w.member_handle, w.startup_code, w.created_epoch, w.note, w.position, "   \
	"w.booking_id, w.promoted_epoch, w.withdrawn_epoch, w.refusal"
#define WAITLIST_RESULT                                                                      \
	COL(WL_ID, "id", INT64), COL(WL_RESOURCE_CODE, "resource_code", TEXT),               \
	COL(WL_RESOURCE_NAME, "resource_name", TEXT), COL(WL_TIME_ZONE, "time_zone", TEXT),  \
	COL(WL_START, "start_epoch", INT64), COL(WL_END, "end_epoch", INT64),                \
	COL(WL_STATE, "state", TEXT), COL(WL_MEMBER, "member_handle", TEXT),                 \
	COL(WL_STARTUP, "startup_code", TEXT), COL(WL_CREATED, "created_epoch", INT64),      \
	COL(WL_NOTE, "note", TEXT), COL(WL_POSITION, "position", INT64),                     \
	COL(WL_BOOKING, "booking_id", INT64), COL(WL_PROMOTED, "promoted_epoch", INT64),     \
	COL(WL_WITHDRAWN, "withdrawn_epoch", INT64), COL(WL_REFUSAL, "refusal", TEXT)

#define QUALIFICATION_COLS                                                             \
	"v.id, v.member_handle, v.resource_code, v.time_zone, v.granted_by, v.granted_epoch, " \
	"v.expires_epoch, v.revoked_epoch, v.revoked_by, v.valid"
#define QUALIFICATION_RESULT                                                                 \
	COL(QC_ID, "id", INT64), COL(QC_MEMBER, "member_handle", TEXT),                      \
	COL(QC_RESOURCE, "resource_code", TEXT), COL(QC_TIME_ZONE, "time_zone", TEXT),       \
	COL(QC_GRANTED_BY, "granted_by", TEXT), COL(QC_GRANTED_AT, "granted_epoch", INT64),  \
	COL(QC_EXPIRES, "expires_epoch", INT64), COL(QC_REVOKED_AT, "revoked_epoch", INT64), \
	COL(QC_REVOKED_BY, "revoked_by", TEXT), COL(QC_VALID, "valid", BOOL)

#define STARTUP_COLS                                                                    \
	"v.id, v.code, v.name, v.space_code, v.legal_name, v.credit_code, v.address, " \
	"v.created_epoch, v.active_members"
#define STARTUP_RESULT                                                                       \
	COL(SU_ID, "id", INT64), COL(SU_CODE, "code", TEXT), COL(SU_NAME, "name", TEXT),     \
	COL(SU_SPACE, "space_code", TEXT), COL(SU_LEGAL_NAME, "legal_name", TEXT),           \
	COL(SU_CREDIT_CODE, "credit_code", TEXT), COL(SU_ADDRESS, "address", TEXT),          \
	COL(SU_CREATED, "created_epoch", INT64), COL(SU_ACTIVE_MEMBERS, "active_members", INT32)

#define MEMBER_COLS                                                                      \
	"v.id, v.handle, v.name, v.email, v.role, v.startup_code, v.institution_code, " \
	"v.space_code, v.disabled_epoch, v.created_epoch, v.live_tokens"
/* member_view, its names prefixed with p (get_startup: after the startup's own) */
#define MEMBER_RESULT(p)                                                                     \
	COL(MB_ID, p "id", INT64), COL(MB_HANDLE, p "handle", TEXT),                         \
	COL(MB_NAME, p "name", TEXT), COL(MB_EMAIL, p "email", TEXT),                        \
	COL(MB_ROLE, p "role", TEXT), COL(MB_STARTUP, p "startup_code", TEXT),               \
	COL(MB_INSTITUTION, p "institution_code", TEXT), COL(MB_SPACE, p "space_code", TEXT), \
	COL(MB_DISABLED, p "disabled_epoch", INT64), COL(MB_CREATED, p "created_epoch", INT64), \
	COL(MB_LIVE_TOKENS, p "live_tokens", INT32)

#define TOKEN_COLS \
	"v.id, v.member_handle, v.label, v.created_epoch, v.expires_epoch, v.revoked_epoch, " \
	"v.issued_by, v.last_used_epoch"
#define TOKEN_RESULT                                                                         \
	COL(TK_ID, "id", INT64), COL(TK_MEMBER, "member_handle", TEXT),                      \
	COL(TK_LABEL, "label", TEXT), COL(TK_CREATED, "created_epoch", INT64),               \
	COL(TK_EXPIRES, "expires_epoch", INT64), COL(TK_REVOKED, "revoked_epoch", INT64),    \
	COL(TK_ISSUED_BY, "issued_by", TEXT), COL(TK_LAST_USED, "last_used_epoch", INT64)

#define CERT_COLS \
	"v.id, v.member_handle, v.fingerprint, v.subject, v.label, v.created_epoch, " \
	"v.created_by, v.revoked_epoch, v.revoked_by, v.last_used_epoch"
#define CERT_RESULT                                                                          \
	COL(CC_ID, "id", INT64), COL(CC_MEMBER, "member_handle", TEXT),                      \
	COL(CC_FINGERPRINT, "fingerprint", TEXT), COL(CC_SUBJECT, "subject", TEXT),          \
	COL(CC_LABEL, "label", TEXT), COL(CC_CREATED, "created_epoch", INT64),               \
	COL(CC_CREATED_BY, "created_by", TEXT), COL(CC_REVOKED, "revoked_epoch", INT64),     \
	COL(CC_REVOKED_BY, "revoked_by", TEXT), COL(CC_LAST_USED, "last_used_epoch", INT64)

#define RATE_COLS                                                                           \
	"v.id, v.resource_code, v.tier, v.currency, v.hourly_fen, v.increment_minutes, "      \
	"v.minimum_fen, v.day_fen, v.day_hours, v.basis, v.late_fee_pct, v.no_show_fee_pct, " \
	"v.effective_from, v.set_by"
#define RATE_RESULT                                                                          \
	COL(RT_ID, "id", INT64), COL(RT_RESOURCE, "resource_code", TEXT),                    \
	COL(RT_TIER, "tier", TEXT), COL(RT_CURRENCY, "currency", TEXT),                      \
	COL(RT_HOURLY, "hourly_fen", INT64), COL(RT_INCREMENT, "increment_minutes", INT32),  \
	COL(RT_MINIMUM, "minimum_fen", INT64), COL(RT_DAY, "day_fen", INT64),                \
	COL(RT_DAY_HOURS, "day_hours", INT32), COL(RT_BASIS, "basis", TEXT),                 \
	COL(RT_LATE, "late_fee_pct", INT32), COL(RT_NO_SHOW, "no_show_fee_pct", INT32),      \
	COL(RT_FROM, "effective_from", TEXT), COL(RT_SET_BY, "set_by", TEXT)

#define CHARGE_COLS                                                                      \
	"v.id, v.booking_id, v.kind, v.startup_code, v.resource_code, v.institution_code, " \
	"v.tier, v.currency, v.charged_on, v.minutes, v.amount_fen, v.rate_card_id, "       \
	"v.description, v.invoice_number"
#define CHARGE_RESULT                                                                        \
	COL(CH_ID, "id", INT64), COL(CH_BOOKING, "booking_id", INT64),                       \
	COL(CH_KIND, "kind", TEXT), COL(CH_STARTUP, "startup_code", TEXT),                   \
	COL(CH_RESOURCE, "resource_code", TEXT), COL(CH_INSTITUTION, "institution_code", TEXT), \
	COL(CH_TIER, "tier", TEXT), COL(CH_CURRENCY, "currency", TEXT),                      \
	COL(CH_DATE, "charged_on", TEXT), COL(CH_MINUTES, "minutes", INT64),                 \
	COL(CH_AMOUNT, "amount_fen", INT64), COL(CH_RATE, "rate_card_id", INT64),            \
	COL(CH_DESCRIPTION, "description", TEXT), COL(CH_INVOICE, "invoice_number", TEXT)

#define VOUCHER_COLS                                                                         \
	"v.id, v.startup_code, v.issuer, v.coverage_pct, v.currency, v.cap_fen, v.used_fen, "   \
	"v.balance_fen, v.valid_from, v.valid_to, v.institutions, v.kinds, "                    \
	"d.id AS redemption_id, d.invoice_number, d.period, d.resource_code, d.charged_on, "    \
	"d.line_fen, d.amount_fen, d.booking_id"
/* the voucher, then one redemption per row (NULL when none) */
#define VOUCHER_RESULT                                                                       \
	COL(VC_ID, "id", INT64), COL(VC_STARTUP, "startup_code", TEXT),                      \
	COL(VC_ISSUER, "issuer", TEXT), COL(VC_COVERAGE, "coverage_pct", INT32),             \
	COL(VC_CURRENCY, "currency", TEXT), COL(VC_CAP, "cap_fen", INT64),                   \
	COL(VC_USED, "used_fen", INT64), COL(VC_BALANCE, "balance_fen", INT64),              \
	COL(VC_FROM, "valid_from", TEXT), COL(VC_TO, "valid_to", TEXT),                      \
	COL(VC_INSTITUTIONS, "institutions", TEXT), COL(VC_KINDS, "kinds", TEXT),            \
	COL(VC_R_ID, "redemption_id", INT64), COL(VC_R_INVOICE, "invoice_number", TEXT),     \
	COL(VC_R_PERIOD, "period", TEXT), COL(VC_R_RESOURCE, "resource_code", TEXT),         \
	COL(VC_R_DATE, "charged_on", TEXT), COL(VC_R_LINE, "line_fen", INT64),               \
	COL(VC_R_AMOUNT, "amount_fen", INT64), COL(VC_R_BOOKING, "booking_id", INT64)

/* rb_invoice_rows */
#define INVOICE_RESULT                                                                       \
	COL(IV_ID, "id", INT64), COL(IV_NUMBER, "number", TEXT), COL(IV_KIND, "kind", TEXT), \
	COL(IV_SPACE, "space_code", TEXT), COL(IV_STARTUP, "startup_code", TEXT),            \
	COL(IV_STARTUP_NAME, "startup_name", TEXT), COL(IV_PERIOD, "period", TEXT),          \
	COL(IV_CURRENCY, "currency", TEXT), COL(IV_TOTAL, "total_fen", INT64),               \
	COL(IV_VOUCHER, "voucher_fen", INT64), COL(IV_STARTUP_PAYS, "startup_fen", INT64),   \
	COL(IV_CREDIT_OF, "credit_of", TEXT), COL(IV_REASON, "reason", TEXT),                \
	COL(IV_ISSUED, "issued_epoch", INT64), COL(IV_LEGAL_NAME, "legal_name", TEXT),       \
	COL(IV_CREDIT_CODE, "credit_code", TEXT), COL(IV_ADDRESS, "address", TEXT),          \
	COL(IV_L_CHARGE, "line_charge", INT64), COL(IV_L_BOOKING, "line_booking", INT64),    \
	COL(IV_L_KIND, "line_kind", TEXT), COL(IV_L_RESOURCE, "line_resource", TEXT),        \
	COL(IV_L_DATE, "line_date", TEXT), COL(IV_L_DESCRIPTION, "line_description", TEXT),  \
	COL(IV_L_AMOUNT, "line_amount", INT64), COL(IV_L_VOUCHER, "line_voucher", INT64),    \
	COL(IV_L_STARTUP, "line_startup", INT64)

/* A change to a resource answers with its detail as the caller sees it ($1 is the member). */
#define DETAIL_OF(call) "SELECT * FROM rb_resource_detail(" call ", $1::bigint)"
/* a change of hours: the detail after it (rb_resource_detail is VOLATILE: it
 * sees the change), and on every row the bookings it cancelled */
#define HOURS_DETAIL_OF(call)                                                            \
	"SELECT d.*, x.cancelled FROM " call " x"                                         \
	" CROSS JOIN LATERAL rb_resource_detail(x.resource_id, $1::bigint) d"

const struct stmt_def stmt_defs[STMT__COUNT] = {
	[STMT_AUTH] = {
		"auth",
		"SELECT * FROM rb_auth($1::bytea)",
		1,
		RESULT(COL(AUTH_ID, "id", INT64), COL(AUTH_HANDLE, "handle", TEXT),
		       COL(AUTH_NAME, "name", TEXT), COL(AUTH_ROLE, "role", TEXT),
		       COL(AUTH_STARTUP, "startup_code", TEXT),
		       COL(AUTH_INSTITUTION, "institution_code", TEXT),
		       COL(AUTH_SPACE, "space_code", TEXT), COL(AUTH_STARTUP_ID, "startup_id", INT64),
		       COL(AUTH_INSTITUTION_ID, "institution_id", INT64),
		       COL(AUTH_TOKEN_ID, "token_id", INT64), COL(AUTH_EXPIRES_AT, "expires_at", INT64)),
	},
	[STMT_LIST_RESOURCES] = {
		"list_resources",
		"SELECT " RES_COLS " FROM resource_view v"
		" WHERE ($1::text IS NULL OR v.code = $1::text)"
		" AND ($2::text IS NULL OR v.kind = $2::text)"
		" AND ($3::text IS NULL OR v.space_code = $3::text)"
		" AND ($4::text IS NULL OR v.institution_code = $4::text)"
		" AND ($5::text IS NULL OR strpos(lower(v.code || ' ' || v.name || ' ' || v.name_zh"
		" || ' ' || v.description),"
		" lower($5::text)) > 0)"
		" AND ($6::boolean OR NOT v.retired)"
		" AND ($7::text IS NULL OR v.tag_array @> ARRAY[$7::text])"
		" ORDER BY v.space_code, v.institution_code, v.code LIMIT 1000",
		7,
		RESULT(RES_RESULT),
	},
	[STMT_AVAILABILITY] = {
		"availability",
		"SELECT * FROM rb_availability($1::text, $2::bigint, $3::bigint, $4::bigint, $5::bigint)",
		5,
		RESULT(AVAILABILITY_RESULT),
	},
	[STMT_GET_RESOURCE] = {
		"get_resource",
		"SELECT d.* FROM resources r, rb_resource_detail(r.id, $1::bigint) d"
		" WHERE r.code = $2::text",
		2,
		RESULT(DETAIL_RESULT),
	},
	[STMT_SLOTS] = {
		"slots",
		"SELECT " RES_COLS ", s.start_epoch, s.end_epoch"
		" FROM resource_view v LEFT JOIN LATERAL"
		" rb_slots(v.code, $2::bigint, $3::int, $4::int) s ON true"
		" WHERE v.code = $1::text",
		4,
		RESULT(FREE_RESULT),
	},
	[STMT_FIND] = {
		"find",
		"SELECT " RES_COLS ", f.start_epoch, f.end_epoch"
		" FROM rb_find($1::text, $2::text, $3::text, $4::int, $5::bigint, $6::int, $7::int,"
		" $8::text) f"
		" JOIN resource_view v ON v.id = f.resource_id"
		" ORDER BY f.start_epoch, v.code",
		8,
		RESULT(FREE_RESULT),
	},
	[STMT_BOOK] = {
		"book",
		"SELECT " BOOKING_COLS ", x.replayed FROM rb_book($1::bigint, $2::text, $3::bigint,"
		" $4::bigint, $5::text, $6::text, $7::text, $8::text) x, LATERAL (SELECT (x.wire).*) v",
		8,
		RESULT(BOOKING_REPLAYED_RESULT),
	},
	[STMT_CANCEL] = {
		"cancel",
		"SELECT " BOOKING_COLS ", x.replayed, f.late_fee_fen, f.late_currency, f.late_minutes"
		" FROM rb_cancel($1::bigint, $2::bigint, $3::text, $4::text, $5::text) x,"
		" rb_booking_wire(x.id) v, rb_late_fee(x.id) f",
		5,
		RESULT(BOOKING_REPLAYED_RESULT, COL(CX_LATE_FEE, "late_fee_fen", INT64),
		       COL(CX_LATE_CURRENCY, "late_currency", TEXT),
		       COL(CX_LATE_MINUTES, "late_minutes", INT32)),
	},
	[STMT_LIST_BOOKINGS_MEMBER] = {
		"list_bookings_member",
		"SELECT " BOOKING_COLS " FROM booking_view v"
		" WHERE v.member_id = $1::bigint"
		" AND upper(v.during) > coalesce(rb_from_epoch($2::bigint), now())"
		" AND ($3::bigint IS NULL OR lower(v.during) < rb_from_epoch($3::bigint))"
		" AND ($4::boolean OR v.state NOT IN ('cancelled', 'declined'))"
		" AND ($5::text IS NULL OR v.resource_code = $5::text)"
		" ORDER BY lower(v.during), v.id LIMIT $6::int",
		6,
		RESULT(BOOKING_RESULT),
	},
	[STMT_LIST_BOOKINGS_STARTUP] = {
		"list_bookings_startup",
		"SELECT " BOOKING_COLS " FROM booking_view v"
		" WHERE v.startup_id = $1::bigint"
		" AND upper(v.during) > coalesce(rb_from_epoch($2::bigint), now())"
		" AND ($3::bigint IS NULL OR lower(v.during) < rb_from_epoch($3::bigint))"
		" AND ($4::boolean OR v.state NOT IN ('cancelled', 'declined'))"
		" AND ($5::text IS NULL OR v.resource_code = $5::text)"
		" ORDER BY lower(v.during), v.id LIMIT $6::int",
		6,
		RESULT(BOOKING_RESULT),
	},
	[STMT_ACCEPT_TERMS] = {
		"accept_terms",
		"SELECT * FROM rb_accept_terms($1::bigint, $2::text, $3::int, $4::text)",
		4,
		RESULT(COL(AT_CODE, "resource_code", TEXT), COL(AT_VERSION, "version", INT32)),
	},
	[STMT_PUT_RESOURCE] = {
		"put_resource",
		DETAIL_OF("rb_put_resource($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text,"
			  " $7::text, $8::text, $9::text[], $10::boolean, $11::text, $12::text)"),
		12,
		RESULT(DETAIL_RESULT),
	},
	[STMT_RETIRE_RESOURCE] = {
		"retire_resource",
		DETAIL_OF("rb_retire_resource($1::bigint, $2::text, $3::text, $4::text)"),
		4,
		RESULT(DETAIL_RESULT),
	},
	[STMT_SET_HOURS] = {
		"set_hours",
		HOURS_DETAIL_OF("rb_set_hours($1::bigint, $2::text, $3::text, $4::int[], $5::int[], $6::int[],"
				" $7::boolean, $8::text)"),
		8,
		RESULT(DETAIL_RESULT, COL(HX_CANCELLED, "cancelled", TEXT)),
	},
	[STMT_SET_EXCEPTION] = {
		"set_exception",
		HOURS_DETAIL_OF("rb_set_exception($1::bigint, $2::text, $3::date, $4::boolean, $5::int[],"
				" $6::int[], $7::text, $8::boolean, $9::boolean, $10::text)"),
		10,
		RESULT(DETAIL_RESULT, COL(HX_CANCELLED, "cancelled", TEXT)),
	},
	[STMT_ADD_CLOSURE] = {
		"add_closure",
		"SELECT x.closure_id, x.c_start, x.c_end, x.c_kind, x.c_reason, x.c_by,"
		" x.resource_code AS closure_resource_code, "
		BOOKING_COLS " FROM rb_add_closure($1::bigint, $2::text, $3::bigint, $4::bigint,"
		" $5::text, $6::text, $7::boolean, $8::text) x"
		" LEFT JOIN LATERAL rb_booking_wire(x.id) v ON true ORDER BY v.id NULLS FIRST",
		8,
		RESULT(COL(CL_ID, "closure_id", INT64), COL(CL_START, "c_start", INT64),
		       COL(CL_END, "c_end", INT64), COL(CL_KIND, "c_kind", TEXT),
		       COL(CL_REASON, "c_reason", TEXT), COL(CL_BY, "c_by", TEXT),
		       COL(CL_CODE, "closure_resource_code", TEXT), BOOKING_RESULT),
	},
	[STMT_REMOVE_CLOSURE] = {
		"remove_closure",
		"SELECT * FROM rb_remove_closure($1::bigint, $2::bigint, $3::text)",
		3,
		RESULT(COL(CL_ID, "closure_id", INT64), COL(CL_CODE, "resource_code", TEXT),
		       COL(CL_START, "c_start", INT64), COL(CL_END, "c_end", INT64),
		       COL(CL_KIND, "c_kind", TEXT), COL(CL_REASON, "c_reason", TEXT),
		       COL(CL_BY, "c_by", TEXT)),
	},
	[STMT_SET_RULES] = {
		"set_rules",
		DETAIL_OF("rb_set_rules($1::bigint, $2::text, $3::int, $4::int, $5::int, $6::int, $7::int,"
			  " $8::int, $9::int, $10::int, $11::boolean, $12::int, $13::boolean, $14::boolean,"
			  " $15::int, $16::int, $17::int, $18::int, $19::int, $20::text)"),
		20,
		RESULT(DETAIL_RESULT),
	},
	[STMT_SET_UNITS] = {
		"set_units",
		DETAIL_OF("rb_set_units($1::bigint, $2::text, $3::int, $4::text)"),
		4,
		RESULT(DETAIL_RESULT),
	},
	[STMT_SET_REQUIRES] = {
		"set_requires",
		DETAIL_OF("rb_set_requires($1::bigint, $2::text, $3::text[], $4::text)"),
		4,
		RESULT(DETAIL_RESULT),
	},
	[STMT_SET_TERMS] = {
		"set_terms",
		DETAIL_OF("rb_set_terms($1::bigint, $2::text, $3::text, $4::text)"),
		4,
		RESULT(DETAIL_RESULT),
	},
	[STMT_LIST_APPROVALS] = {
		"list_approvals",
		"SELECT " BOOKING_COLS " FROM rb_approvals($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN booking_view v ON v.id = a.id ORDER BY a.n",
		2,
		RESULT(BOOKING_RESULT),
	},
	[STMT_DECIDE] = {
		"decide",
		"SELECT " BOOKING_COLS ", false AS replayed FROM rb_decide($1::bigint, $2::bigint, $3::boolean,"
		" $4::text, $5::text) x(id), rb_booking_wire(x.id) v",
		5,
		RESULT(BOOKING_REPLAYED_RESULT),
	},
	[STMT_MOVE] = {
		"move",
		"SELECT " BOOKING_COLS ", x.replayed FROM rb_move($1::bigint, $2::bigint, $3::bigint,"
		" $4::bigint, $5::text, $6::text) x, rb_booking_wire(x.id) v",
		6,
		RESULT(BOOKING_REPLAYED_RESULT),
	},
	[STMT_HAND_OVER] = {
		"hand_over",
		"SELECT " BOOKING_COLS ", false AS replayed FROM rb_hand_over($1::bigint, $2::bigint, $3::text,"
		" $4::text) x(id), rb_booking_wire(x.id) v",
		4,
		RESULT(BOOKING_REPLAYED_RESULT),
	},
	[STMT_GET_BOOKING] = {
		"get_booking",
		"SELECT " BOOKING_COLS ", false AS replayed FROM rb_get_booking($1::bigint, $2::bigint) x(id),"
		" booking_view v WHERE v.id = x.id",
		2,
		RESULT(BOOKING_REPLAYED_RESULT),
	},
	[STMT_WAIT] = {
		"wait",
		"SELECT " WAITLIST_COLS ", x.replayed FROM rb_wait($1::bigint, $2::text, $3::bigint,"
		" $4::bigint, $5::text, $6::text, $7::text) x, rb_waitlist_wire(x.id) w",
		7,
		RESULT(WAITLIST_RESULT, COL(REPLAYED, "replayed", BOOL)),
	},
	[STMT_LIST_WAITLIST] = {
		"list_waitlist",
		"SELECT " WAITLIST_COLS " FROM rb_waitlist($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN waitlist_view w ON w.id = a.id ORDER BY a.n",
		2,
		RESULT(WAITLIST_RESULT),
	},
	[STMT_UNWAIT] = {
		"unwait",
		"SELECT " WAITLIST_COLS ", false AS replayed FROM rb_unwait($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_waitlist_wire(x.id) w",
		3,
		RESULT(WAITLIST_RESULT, COL(REPLAYED, "replayed", BOOL)),
	},
	[STMT_QUALIFY] = {
		"qualify",
		"SELECT " QUALIFICATION_COLS " FROM rb_qualify($1::bigint, $2::text, $3::text, $4::bigint,"
		" $5::text) x(id), rb_qualification_wire(x.id) v",
		5,
		RESULT(QUALIFICATION_RESULT),
	},
	[STMT_UNQUALIFY] = {
		"unqualify",
		"SELECT " QUALIFICATION_COLS " FROM rb_unqualify($1::bigint, $2::text, $3::text, $4::text)"
		" x(id), rb_qualification_wire(x.id) v",
		4,
		RESULT(QUALIFICATION_RESULT),
	},
	[STMT_LIST_QUALIFICATIONS] = {
		"list_qualifications",
		"SELECT " QUALIFICATION_COLS " FROM rb_qualifications($1::bigint, $2::text, $3::text,"
		" $4::boolean) WITH ORDINALITY a(id, n) JOIN qualification_view v ON v.id = a.id"
		" ORDER BY a.n",
		4,
		RESULT(QUALIFICATION_RESULT),
	},
	[STMT_CHECK_IN] = {
		"check_in",
		"SELECT " BOOKING_COLS " FROM rb_check_in($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_booking_wire(x.id) v",
		3,
		RESULT(BOOKING_RESULT),
	},
	[STMT_CHECK_OUT] = {
		"check_out",
		"SELECT " BOOKING_COLS " FROM rb_check_out($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_booking_wire(x.id) v",
		3,
		RESULT(BOOKING_RESULT),
	},
	[STMT_MARK_NO_SHOW] = {
		"mark_no_show",
		"SELECT " BOOKING_COLS " FROM rb_mark_no_show($1::bigint, $2::bigint, $3::text)"
		" x(id), rb_booking_wire(x.id) v",
		3,
		RESULT(BOOKING_RESULT),
	},
	[STMT_CORRECT_USAGE] = {
		"correct_usage",
		"SELECT " BOOKING_COLS " FROM rb_correct_usage($1::bigint, $2::bigint, $3::bigint,"
		" $4::bigint, $5::text, $6::text) x(id), rb_booking_wire(x.id) v",
		6,
		RESULT(BOOKING_RESULT),
	},
	[STMT_SWEEP_NO_SHOWS] = {
		"sweep_no_shows",
		"SELECT x.id FROM rb_mark_no_shows($1::int) x(id)",
		1,
		RESULT(COL(SWEEP_ID, "id", INT64)),
	},
	[STMT_BOOK_SERIES] = {
		"book_series",
		"SELECT x.series_id AS occ_series_id, x.n, x.booking_id, x.occ_start, x.occ_end, x.code, x.reason,"
		" x.replayed, x.occurrences, " BOOKING_COLS
		" FROM rb_book_series($1::bigint, $2::text, $3::bigint, $4::bigint, $5::int, $6::int,"
		" $7::bigint, $8::boolean, $9::text, $10::text, $11::text, $12::text) x"
		" LEFT JOIN LATERAL rb_booking_wire(x.booking_id) v ON true ORDER BY x.n",
		12,
		RESULT(COL(SR_SERIES, "occ_series_id", INT64), COL(SR_N, "n", INT32),
		       COL(SR_BOOKING, "booking_id", INT64), COL(SR_START, "occ_start", INT64),
		       COL(SR_END, "occ_end", INT64), COL(SR_CODE, "code", TEXT),
		       COL(SR_REASON, "reason", TEXT), COL(REPLAYED, "replayed", BOOL),
		       COL(SR_OCCURRENCES, "occurrences", INT32), BOOKING_RESULT),
	},
	[STMT_CANCEL_SERIES] = {
		"cancel_series",
		"SELECT " BOOKING_COLS ", x.replayed FROM rb_cancel_series($1::bigint, $2::bigint,"
		" $3::text, $4::text, $5::text) x, rb_booking_wire(x.id) v",
		5,
		RESULT(BOOKING_REPLAYED_RESULT),
	},
	[STMT_WATCH] = {
		"watch",
		"SELECT coalesce(m.space_id, s.space_id, i.space_id, 0) AS space_id, r.id AS resource_id,"
		" coalesce(r.code::text, '') AS resource_code, coalesce(r.time_zone, '') AS time_zone"
		" FROM members m LEFT JOIN startups s ON s.id = m.startup_id"
		" LEFT JOIN institutions i ON i.id = m.institution_id"
		" LEFT JOIN resources r ON r.code::text = $2::text"
		" WHERE m.id = $1::bigint",
		2,
		RESULT(COL(W_SPACE, "space_id", INT64), COL(W_RESOURCE, "resource_id", INT64),
		       COL(W_CODE, "resource_code", TEXT), COL(W_TZ, "time_zone", TEXT)),
	},
	[STMT_PUT_STARTUP] = {
		"put_startup",
		"SELECT " STARTUP_COLS " FROM rb_put_startup($1::bigint, $2::text, $3::text, $4::text,"
		" $5::text, $6::text, $7::text, $8::boolean, $9::text) x(id), rb_startup_wire(x.id) v",
		9,
		RESULT(STARTUP_RESULT),
	},
	[STMT_LIST_STARTUPS] = {
		"list_startups",
		"SELECT " STARTUP_COLS " FROM rb_startups($1::bigint, NULL) WITH ORDINALITY a(id, n)"
		" JOIN startup_view v ON v.id = a.id ORDER BY a.n",
		1,
		RESULT(STARTUP_RESULT),
	},
	[STMT_GET_STARTUP] = {
		/* the startup, then its members (their columns prefixed m_, NULL on none) */
		"get_startup",
		"SELECT " STARTUP_COLS ", m.* FROM rb_startups($1::bigint, $2::text) a(id)"
		" JOIN startup_view v ON v.id = a.id"
		" LEFT JOIN LATERAL (SELECT w.id AS m_id, w.handle AS m_handle, w.name AS m_name,"
		" w.email AS m_email, w.role AS m_role, w.startup_code AS m_startup_code,"
		" w.institution_code AS m_institution_code, w.space_code AS m_space_code,"
		" w.disabled_epoch AS m_disabled_epoch, w.created_epoch AS m_created_epoch,"
		" w.live_tokens AS m_live_tokens"
		" FROM member_view w WHERE w.startup_id = a.id) m ON true"
		" ORDER BY m.m_handle NULLS FIRST",
		2,
		RESULT(STARTUP_RESULT, MEMBER_RESULT("m_")),
	},
	[STMT_ADD_MEMBER] = {
		"add_member",
		"SELECT " MEMBER_COLS " FROM rb_add_member($1::bigint, $2::text, $3::text, $4::text,"
		" $5::text, $6::text, $7::text, $8::text, $9::text) x(id), rb_member_wire(x.id) v",
		9,
		RESULT(MEMBER_RESULT("")),
	},
	[STMT_LIST_MEMBERS] = {
		"list_members",
		"SELECT " MEMBER_COLS " FROM rb_members($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN member_view v ON v.id = a.id ORDER BY a.n",
		2,
		RESULT(MEMBER_RESULT("")),
	},
	[STMT_DISABLE_MEMBER] = {
		"disable_member",
		"SELECT " MEMBER_COLS " FROM rb_disable_member($1::bigint, $2::text, $3::text) x(id),"
		" rb_member_wire(x.id) v",
		3,
		RESULT(MEMBER_RESULT("")),
	},
	[STMT_ISSUE_TOKEN] = {
		"issue_token",
		"SELECT " TOKEN_COLS " FROM rb_issue_token($1::bigint, $2::text, $3::bytea, $4::bigint,"
		" $5::text, $6::text) x(id), rb_token_wire(x.id) v",
		6,
		RESULT(TOKEN_RESULT),
	},
	[STMT_LIST_TOKENS] = {
		"list_tokens",
		"SELECT " TOKEN_COLS " FROM rb_tokens($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN token_view v ON v.id = a.id ORDER BY a.n",
		2,
		RESULT(TOKEN_RESULT),
	},
	[STMT_REVOKE_TOKEN] = {
		"revoke_token",
		"SELECT " TOKEN_COLS " FROM rb_revoke_token($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_token_wire(x.id) v",
		3,
		RESULT(TOKEN_RESULT),
	},
	[STMT_SET_RATE] = {
		"set_rate",
		"SELECT " RATE_COLS " FROM rb_rate_set($1::bigint, $2::text, $3::text, $4::text,"
		" $5::bigint, $6::int, $7::bigint, $8::bigint, $9::int, $10::text, $11::int, $12::int,"
		" $13::text, $14::text) x(id), rb_rate_wire(x.id) v",
		14,
		RESULT(RATE_RESULT),
	},
	[STMT_LIST_RATES] = {
		"list_rates",
		"SELECT " RATE_COLS " FROM rb_rates($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN rate_view v ON v.id = a.id ORDER BY a.n",
		2,
		RESULT(RATE_RESULT),
	},
	[STMT_LIST_CHARGES] = {
		"list_charges",
		"SELECT " CHARGE_COLS " FROM rb_charges($1::bigint, $2::text, $3::text) v",
		3,
		RESULT(CHARGE_RESULT),
	},
	[STMT_ADD_VOUCHER] = {
		"add_voucher",
		"SELECT " VOUCHER_COLS " FROM rb_voucher_add($1::bigint, $2::text, $3::text, $4::int,"
		" $5::text, $6::bigint, $7::text, $8::text, $9::text[], $10::text[], $11::text) x(id)"
		" JOIN rb_voucher_wire(x.id) v ON true LEFT JOIN redemption_view d ON false",
		11,
		RESULT(VOUCHER_RESULT),
	},
	[STMT_LIST_VOUCHERS] = {
		"list_vouchers",
		"SELECT " VOUCHER_COLS " FROM rb_vouchers($1::bigint, $2::text, NULL) WITH ORDINALITY"
		" a(id, n) JOIN voucher_view v ON v.id = a.id LEFT JOIN redemption_view d ON false"
		" ORDER BY a.n",
		2,
		RESULT(VOUCHER_RESULT),
	},
	[STMT_GET_VOUCHER] = {
		"get_voucher",
		"SELECT " VOUCHER_COLS " FROM rb_vouchers($1::bigint, NULL, $2::bigint) a(id)"
		" JOIN voucher_view v ON v.id = a.id LEFT JOIN redemption_view d ON d.voucher_id = v.id"
		" ORDER BY d.id",
		2,
		RESULT(VOUCHER_RESULT),
	},
	[STMT_VOUCHER_STATEMENT] = {
		"voucher_statement",
		"SELECT * FROM rb_voucher_statement($1::bigint, $2::text, $3::text)",
		3,
		RESULT(COL(VS_ISSUER, "issuer", TEXT), COL(VS_VOUCHER, "voucher_id", INT64),
		       COL(VS_STARTUP, "startup_code", TEXT), COL(VS_PERIOD, "period", TEXT),
		       COL(VS_INVOICE, "invoice_number", TEXT), COL(VS_CURRENCY, "currency", TEXT),
		       COL(VS_AMOUNT, "amount_fen", INT64)),
	},
	[STMT_RUN_INVOICES] = {
		"run_invoices",
		"SELECT * FROM rb_invoice_run_rows($1::bigint, $2::text, $3::text, $4::boolean, $5::text)",
		5,
		RESULT(INVOICE_RESULT),
	},
	[STMT_LIST_INVOICES] = {
		"list_invoices",
		"SELECT * FROM rb_invoice_rows(rb_invoices($1::bigint, $2::text, $3::text, NULL), false)",
		3,
		RESULT(INVOICE_RESULT),
	},
	[STMT_GET_INVOICE] = {
		"get_invoice",
		"SELECT * FROM rb_invoice_rows(rb_invoices($1::bigint, NULL, NULL, $2::text), true)",
		2,
		RESULT(INVOICE_RESULT),
	},
	[STMT_CREDIT_INVOICE] = {
		"credit_invoice",
		"SELECT * FROM rb_invoice_rows(ARRAY[rb_invoice_credit($1::bigint, $2::text, $3::bigint,"
		" $4::text, $5::text)], true)",
		5,
		RESULT(INVOICE_RESULT),
	},
	[STMT_SETTLEMENT] = {
		"settlement",
		"SELECT * FROM rb_settlement($1::bigint, $2::text, $3::text)",
		3,
		RESULT(COL(SE_CODE, "institution_code", TEXT),
		       COL(SE_NAME, "institution_name", TEXT), COL(SE_CURRENCY, "currency", TEXT),
		       COL(SE_EARNED, "earned_fen", INT64), COL(SE_VOUCHER, "voucher_fen", INT64),
		       COL(SE_STARTUP, "startup_fen", INT64)),
	},
	[STMT_SET_TIER] = {
		"set_tier",
		"SELECT * FROM rb_set_tier($1::bigint, $2::text, $3::text, $4::text, $5::text)",
		5,
		RESULT(COL(TIER_STARTUP, "startup_code", TEXT), COL(TIER_TIER, "tier", TEXT),
		       COL(TIER_PREVIOUS, "previous", TEXT)),
	},
	[STMT_REPORT] = {
		"report",
		"SELECT * FROM rb_report($1::bigint, $2::text, $3::text, $4::text)",
		4,
		RESULT(COL(RP_CODE, "resource_code", TEXT), COL(RP_NAME, "resource_name", TEXT),
		       COL(RP_INSTITUTION, "institution_code", TEXT),
		       COL(RP_SPACE, "space_code", TEXT), COL(RP_TZ, "time_zone", TEXT),
		       COL(RP_UNITS, "units", INT32), COL(RP_OPEN, "open_secs", INT64),
		       COL(RP_BOOKED, "booked_secs", INT64), COL(RP_USED, "used_secs", INT64),
		       COL(RP_STARTUPS, "startups", INT32), COL(RP_BOOKINGS, "bookings", INT32),
		       COL(RP_NO_SHOWS, "no_shows", INT32), COL(RP_CURRENCY, "currency", TEXT),
		       COL(RP_REVENUE, "revenue_fen", INT64), COL(RP_SUBSIDY, "subsidy_fen", INT64)),
	},
	/* the metrics listener's health probe: the pool reaches a database that answers */
	[STMT_HEALTH] = {
		"health",
		"SELECT true AS ok",
		0,
		RESULT(COL(HEALTH_OK, "ok", BOOL)),
	},
	[STMT_AUDIT_LOG] = {
		"audit_log",
		"SELECT * FROM rb_audit_log($1::bigint, $2::bigint, $3::bigint, $4::text, $5::text,"
		" $6::text, $7::bigint, $8::int)",
		8,
		RESULT(COL(AU_ID, "id", INT64), COL(AU_AT, "at", INT64),
		       COL(AU_MEMBER, "member_handle", TEXT), COL(AU_ACTION, "action", TEXT),
		       COL(AU_OBJECT, "object", TEXT), COL(AU_OBJECT_ID, "object_id", INT64),
		       COL(AU_PEER, "peer", TEXT), COL(AU_DETAIL, "detail", TEXT),
		       COL(AU_RESOURCE, "resource_code", TEXT), COL(AU_SPACE, "space_code", TEXT)),
	},
	[STMT_FEED_ISSUE] = {
		"feed_issue",
		"SELECT * FROM rb_feed_issue($1::bigint, $2::boolean, $3::boolean, $4::bytea, $5::text)",
		5,
		RESULT(COL(FEED_ISSUED, "issued", BOOL), COL(FEED_CREATED, "created_at", INT64)),
	},
	/* a calendar feed's bookings (the feed listener's GET) */
	[STMT_FEED_BOOKINGS] = {
		"feed_bookings",
		"SELECT " BOOKING_COLS " FROM rb_feed_bookings($1::bytea) v",
		1,
		RESULT(BOOKING_RESULT),
	},
	[STMT_TOKENS_ENDED] = {
		"tokens_ended",
		"SELECT * FROM rb_tokens_ended($1::bigint[])",
		1,
		RESULT(COL(TE_TOKEN_ID, "token_id", INT64)),
	},
	/* sign-in by a client certificate the TLS layer verified ($1: its SHA-256) */
	[STMT_AUTH_CERT] = {
		"auth_cert",
		"SELECT * FROM rb_auth_cert($1::bytea)",
		1,
		RESULT(COL(AUTH_ID, "id", INT64), COL(AUTH_HANDLE, "handle", TEXT),
		       COL(AUTH_NAME, "name", TEXT), COL(AUTH_ROLE, "role", TEXT),
		       COL(AUTH_STARTUP, "startup_code", TEXT),
		       COL(AUTH_INSTITUTION, "institution_code", TEXT),
		       COL(AUTH_SPACE, "space_code", TEXT), COL(AUTH_STARTUP_ID, "startup_id", INT64),
		       COL(AUTH_INSTITUTION_ID, "institution_id", INT64),
		       COL(AUTH_CERT_ID, "cert_id", INT64)),
	},
	[STMT_ADD_CLIENT_CERT] = {
		"add_client_cert",
		"SELECT " CERT_COLS " FROM rb_add_client_cert($1::bigint, $2::text, $3::bytea, $4::text,"
		" $5::text, $6::text) x(id), rb_client_cert_wire(x.id) v",
		6,
		RESULT(CERT_RESULT),
	},
	[STMT_LIST_CLIENT_CERTS] = {
		"list_client_certs",
		"SELECT " CERT_COLS " FROM rb_client_certs($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN client_cert_view v ON v.id = a.id ORDER BY a.n",
		2,
		RESULT(CERT_RESULT),
	},
	[STMT_REVOKE_CLIENT_CERT] = {
		"revoke_client_cert",
		"SELECT " CERT_COLS " FROM rb_revoke_client_cert($1::bigint, $2::bigint, $3::bytea,"
		" $4::text) x(id), rb_client_cert_wire(x.id) v",
		4,
		RESULT(CERT_RESULT),
	},
	[STMT_CERTS_ENDED] = {
		"certs_ended",
		"SELECT * FROM rb_certs_ended($1::bigint[])",
		1,
		RESULT(COL(CE_CERT_ID, "cert_id", INT64)),
	},
	/*
	 * replica.c, on the primary: the end of the WAL it has flushed (all a
	 * standby can have: every commit, with synchronous_commit on), and of
	 * the WAL it has inserted (every commit answered so far, even with
	 * synchronous_commit off, and what open transactions wrote).  The
	 * insert position of an idle server sits past the header of a page
	 * nothing is on yet (24 bytes, 40 on a segment's first page), where a
	 * standby that replayed everything stops at the page's start.
	 */
	[STMT_WAL_END] = {
		"wal_end",
		"SELECT pg_current_wal_flush_lsn()::text AS lsn,"
		" (CASE WHEN o % s = 40 THEN l - 40 WHEN o % b = 24 THEN l - 24 ELSE l END)::text"
		" AS inserted FROM (SELECT l, l - '0/0'::pg_lsn AS o,"
		" current_setting('wal_block_size')::numeric AS b,"
		" pg_size_bytes(current_setting('wal_segment_size'))::numeric AS s"
		" FROM pg_current_wal_insert_lsn() l) w",
		0,
		RESULT(COL(WAL_LSN, "lsn", TEXT), COL(WAL_INSERTED, "inserted", TEXT)),
	},
	/* replica.c, on the replica: how far it has replayed; NULL when it is not a standby */
	[STMT_REPLAY_LSN] = {
		"replay_lsn",
		"SELECT pg_last_wal_replay_lsn()::text AS lsn",
		0,
		RESULT(COL(WAL_LSN, "lsn", TEXT)),
	},
};

/* ---------------------------------------------------------------- the contract */

const char *sql_stmt_label(enum stmt_id s, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "STMT_");

	for (const char *p = stmt_defs[s].name; *p != '\0' && o + 1 < len; p++)
		buf[o++] = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
	if (o < len)
		buf[o] = '\0';
	return buf;
}

/* Type OIDs (pg_type.h is a server header) */
enum {
	OID_BOOL = 16, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
	OID_TEXT = 25, OID_BPCHAR = 1042, OID_VARCHAR = 1043,
};

static const char *type_name(uint32_t oid, char *buf, size_t len)
{
	static const struct {
		uint32_t oid;
		const char *name;
	} known[] = {
		{ 16, "boolean" }, { 17, "bytea" }, { 19, "name" }, { 20, "bigint" },
		{ 21, "smallint" }, { 23, "integer" }, { 25, "text" }, { 114, "json" },
		{ 700, "real" }, { 701, "double precision" }, { 1042, "character" },
		{ 1043, "character varying" }, { 1082, "date" }, { 1083, "time" },
		{ 1114, "timestamp" }, { 1184, "timestamp with time zone" }, { 1186, "interval" },
		{ 1700, "numeric" }, { 2950, "uuid" }, { 3802, "jsonb" }, { 3904, "int4range" },
		{ 3910, "tstzrange" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].oid == oid)
			return known[i].name;
	snprintf(buf, len, "of type oid %u", oid);
	return buf;
}

static int type_ok(enum col_type t, uint32_t oid)
{
	switch (t) {
	case CT_INT64:
		return oid == OID_INT8 || oid == OID_INT4 || oid == OID_INT2;
	case CT_INT32:
		return oid == OID_INT4 || oid == OID_INT2;
	case CT_TEXT:
		return oid == OID_TEXT || oid == OID_VARCHAR || oid == OID_BPCHAR || oid == OID_NAME;
	case CT_BOOL:
		return oid == OID_BOOL;
	}
	return 0;
}

static const char *const reads_as[] = {
	[CT_INT64] = "a 64-bit integer (bigint, integer or smallint)",
	[CT_INT32] = "a 32-bit integer (integer or smallint)",
	[CT_TEXT] = "text",
	[CT_BOOL] = "a boolean",
};

/* An earlier declaration of s that reads the same column name. */
static int name_seen(const struct col_def *first, const struct col_def *c)
{
	for (const struct col_def *p = first; p < c; p++)
		if (strcmp(p->name, c->name) == 0)
			return 1;
	return 0;
}

int sql_resolve(enum stmt_id s, int nfields, const char *const *names, const uint32_t *types,
		int16_t *pos, void (*problem)(void *arg, const char *msg), void *arg)
{
	const struct col_def *first = stmt_defs[s].cols;
	char label[64], msg[512], tn[32];
	int bad = 0;

	for (int k = 0; k < COL__COUNT; k++)
		pos[k] = COL_NONE;
	sql_stmt_label(s, label, sizeof(label));
	if (nfields < 0 || nfields > SQL_MAX_FIELDS) {
		snprintf(msg, sizeof(msg), "statement %s: result has %d columns, more than %d", label,
			 nfields, SQL_MAX_FIELDS);
		problem(arg, msg);
		return 1;
	}
	for (const struct col_def *c = first; c != NULL && c->name != NULL; c++) {
		int at = -1, n = 0;

		if ((unsigned)c->key >= COL__COUNT || pos[c->key] != COL_NONE) {
			/* a slip in sql.c: one key, two columns */
			snprintf(msg, sizeof(msg), "statement %s: sql.c declares %s twice", label,
				 c->key_name);
			problem(arg, msg);
			bad++;
			continue;
		}
		for (int k = 0; k < nfields; k++)
			if (strcmp(names[k], c->name) == 0 && n++ == 0)
				at = k;
		if (n == 1 && type_ok(c->type, types[at])) {
			pos[c->key] = (int16_t)at;
			continue;
		}
		if (n != 1 && name_seen(first, c))
			continue; /* said once per column name */
		bad++;
		if (n == 0)
			snprintf(msg, sizeof(msg), "statement %s: result has no column '%s'", label,
				 c->name);
		else if (n > 1)
			snprintf(msg, sizeof(msg),
				 "statement %s: result has %d columns named '%s' (read as %s)", label, n,
				 c->name, c->key_name);
		else
			snprintf(msg, sizeof(msg),
				 "statement %s: column '%s' is %s, but the code reads it (%s) as %s",
				 label, c->name, type_name(types[at], tn, sizeof(tn)), c->key_name,
				 reads_as[c->type]);
		problem(arg, msg);
	}
	return bad;
}
