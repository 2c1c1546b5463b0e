#include "sql.h"

#define BOOKING_COLS                                                                   \
	"v.id, v.resource_code, v.resource_name, v.time_zone, v.start_epoch, v.end_epoch, " \
	"v.state, v.member_handle, v.startup_code, v.created_epoch, v.note, "              \
	"v.cancelled_epoch, v.cancel_reason, v.unit_no, v.override_reason, v.parent_id, "   \
	"v.cancelled_by, v.cancelled_late, v.checked_in_epoch, v.checked_out_epoch, "      \
	"v.usage_note, v.series_id, v.decided_by, v.decision_reason, v.series_no, v.series_of"

#define RES_COLS                                                                                \
	"v.id, v.code, v.name, v.kind, v.institution_code, v.institution_name, v.space_code, "      \
	"v.time_zone, v.description, v.location, v.retired, v.tags, v.units, v.slot_minutes, "      \
	"v.min_minutes, v.max_minutes, v.min_notice_minutes, v.max_ahead_days, v.buffer_minutes, "  \
	"v.max_active_per_member, v.weekly_minutes_per_startup, v.whole_days, v.min_gap_minutes, " \
	"v.terms_version, v.requires"

#define WAITLIST_COLS                                                                  \
	"w.id, w.resource_code, w.resource_name, w.time_zone, w.start_epoch, w.end_epoch, " \
	"w.state, w.member_handle, w.startup_code, w.created_epoch, w.note, w.position, "   \
	"w.booking_id, w.promoted_epoch, w.withdrawn_epoch, w.refusal"
#define QUALIFICATION_COLS                                                             \
	"v.id, v.member_handle, v.resource_code, v.time_zone, v.granted_by, v.granted_epoch, " \
	"v.expires_epoch, v.revoked_epoch, v.revoked_by, v.valid"

#define STARTUP_COLS                                                                    \
	"v.id, v.code, v.name, v.space_code, v.legal_name, v.credit_code, v.address, " \
	"v.created_epoch, v.active_members"

#define MEMBER_COLS                                                                      \
	"v.id, v.handle, v.name, v.email, v.role, v.startup_code, v.institution_code, " \
	"v.space_code, v.disabled_epoch, v.created_epoch, v.live_tokens"

#define TOKEN_COLS \
	"v.id, v.member_handle, v.label, v.created_epoch, v.expires_epoch, v.revoked_epoch, " \
	"v.issued_by, v.last_used_epoch"

#define RATE_COLS                                                                           \
	"v.id, v.resource_code, v.tier, v.currency, v.hourly_fen, v.increment_minutes, "      \
	"v.minimum_fen, v.day_fen, v.day_hours, v.basis, v.late_fee_pct, v.no_show_fee_pct, " \
	"v.effective_from, v.set_by"
#define CHARGE_COLS                                                                      \
	"v.id, v.booking_id, v.kind, v.startup_code, v.resource_code, v.institution_code, " \
	"v.tier, v.currency, v.charged_on, v.minutes, v.amount_fen, v.rate_card_id, "       \
	"v.description, v.invoice_number"
#define VOUCHER_COLS                                                                         \
	"v.id, v.startup_code, v.issuer, v.coverage_pct, v.currency, v.cap_fen, v.used_fen, "   \
	"v.balance_fen, v.valid_from, v.valid_to, v.institutions, v.kinds, "                    \
	"d.id, d.invoice_number, d.period, d.resource_code, d.charged_on, d.line_fen, "         \
	"d.amount_fen, d.booking_id"

/* A change to a resource answers with its detail as the caller sees it ($1 is the member). */
#define DETAIL_OF(call) "SELECT * FROM rb_resource_detail(" call ", $1::bigint)"

const struct stmt_def stmt_defs[STMT__COUNT] = {
	[STMT_AUTH] = {
		"auth",
		"SELECT * FROM rb_auth($1::bytea)",
		1,
	},
	[STMT_LIST_RESOURCES] = {
		"list_resources",
		"SELECT " RES_COLS " FROM resource_view v"
		" WHERE ($1::text IS NULL OR v.code = $1::text)"
		" AND ($2::text IS NULL OR v.kind = $2::text)"
		" AND ($3::text IS NULL OR v.space_code = $3::text)"
		" AND ($4::text IS NULL OR v.institution_code = $4::text)"
		" AND ($5::text IS NULL OR strpos(lower(v.code || ' ' || v.name || ' ' || v.description),"
		" lower($5::text)) > 0)"
		" AND ($6::boolean OR NOT v.retired)"
		" AND ($7::text IS NULL OR v.tag_array @> ARRAY[$7::text])"
		" ORDER BY v.space_code, v.institution_code, v.code LIMIT 1000",
		7,
	},
	[STMT_AVAILABILITY] = {
		"availability",
		"SELECT * FROM rb_availability($1::text, $2::bigint, $3::bigint, $4::bigint, $5::bigint)",
		5,
	},
	[STMT_GET_RESOURCE] = {
		"get_resource",
		"SELECT d.* FROM resources r, rb_resource_detail(r.id, $1::bigint) d"
		" WHERE r.code = $2::text",
		2,
	},
	[STMT_SLOTS] = {
		"slots",
		"SELECT " RES_COLS ", 'free', s.start_epoch, s.end_epoch"
		" FROM resource_view v LEFT JOIN LATERAL"
		" rb_slots(v.code, $2::bigint, $3::int, $4::int) s ON true"
		" WHERE v.code = $1::text",
		4,
	},
	[STMT_FIND] = {
		"find",
		"SELECT " RES_COLS ", 'fit', f.start_epoch, f.end_epoch"
		" FROM rb_find($1::text, $2::text, $3::text, $4::int, $5::bigint, $6::int, $7::int) f"
		" JOIN resource_view v ON v.id = f.resource_id"
		" ORDER BY f.start_epoch, v.code",
		7,
	},
	[STMT_BOOK] = {
		"book",
		"SELECT " BOOKING_COLS ", x.replayed FROM rb_book($1::bigint, $2::text, $3::bigint,"
		" $4::bigint, $5::text, $6::text, $7::text, $8::text) x, rb_booking_wire(x.id) v",
		8,
	},
	[STMT_CANCEL] = {
		"cancel",
		"SELECT " BOOKING_COLS ", x.replayed FROM rb_cancel($1::bigint, $2::bigint, $3::text,"
		" $4::text, $5::text) x, rb_booking_wire(x.id) v",
		5,
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
	},
	[STMT_ACCEPT_TERMS] = {
		"accept_terms",
		"SELECT * FROM rb_accept_terms($1::bigint, $2::text, $3::int, $4::text)",
		4,
	},
	[STMT_PUT_RESOURCE] = {
		"put_resource",
		DETAIL_OF("rb_put_resource($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text,"
			  " $7::text, $8::text, $9::text[], $10::boolean, $11::text)"),
		11,
	},
	[STMT_RETIRE_RESOURCE] = {
		"retire_resource",
		DETAIL_OF("rb_retire_resource($1::bigint, $2::text, $3::text, $4::text)"),
		4,
	},
	[STMT_SET_HOURS] = {
		"set_hours",
		DETAIL_OF("rb_set_hours($1::bigint, $2::text, $3::text, $4::int[], $5::int[], $6::int[],"
			  " $7::text)"),
		7,
	},
	[STMT_SET_EXCEPTION] = {
		"set_exception",
		DETAIL_OF("rb_set_exception($1::bigint, $2::text, $3::date, $4::boolean, $5::int[],"
			  " $6::int[], $7::text, $8::boolean, $9::text)"),
		9,
	},
	[STMT_ADD_CLOSURE] = {
		"add_closure",
		"SELECT x.closure_id, x.c_start, x.c_end, x.c_kind, x.c_reason, x.c_by, x.resource_code, "
		BOOKING_COLS " FROM rb_add_closure($1::bigint, $2::text, $3::bigint, $4::bigint,"
		" $5::text, $6::text, $7::boolean, $8::text) x"
		" LEFT JOIN LATERAL rb_booking_wire(x.id) v ON true ORDER BY v.id NULLS FIRST",
		8,
	},
	[STMT_REMOVE_CLOSURE] = {
		"remove_closure",
		"SELECT * FROM rb_remove_closure($1::bigint, $2::bigint, $3::text)",
		3,
	},
	[STMT_SET_RULES] = {
		"set_rules",
		DETAIL_OF("rb_set_rules($1::bigint, $2::text, $3::int, $4::int, $5::int, $6::int, $7::int,"
			  " $8::int, $9::int, $10::int, $11::boolean, $12::int, $13::boolean, $14::boolean,"
			  " $15::int, $16::int, $17::int, $18::text)"),
		18,
	},
	[STMT_SET_UNITS] = {
		"set_units",
		DETAIL_OF("rb_set_units($1::bigint, $2::text, $3::int, $4::text)"),
		4,
	},
	[STMT_SET_REQUIRES] = {
		"set_requires",
		DETAIL_OF("rb_set_requires($1::bigint, $2::text, $3::text[], $4::text)"),
		4,
	},
	[STMT_SET_TERMS] = {
		"set_terms",
		DETAIL_OF("rb_set_terms($1::bigint, $2::text, $3::text, $4::text)"),
		4,
	},
	[STMT_LIST_APPROVALS] = {
		"list_approvals",
		"SELECT " BOOKING_COLS " FROM rb_approvals($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN booking_view v ON v.id = a.id ORDER BY a.n",
		2,
	},
	[STMT_DECIDE] = {
		"decide",
		"SELECT " BOOKING_COLS ", false FROM rb_decide($1::bigint, $2::bigint, $3::boolean,"
		" $4::text, $5::text) x(id), rb_booking_wire(x.id) v",
		5,
	},
	[STMT_MOVE] = {
		"move",
		"SELECT " BOOKING_COLS ", x.replayed FROM rb_move($1::bigint, $2::bigint, $3::bigint,"
		" $4::bigint, $5::text, $6::text) x, rb_booking_wire(x.id) v",
		6,
	},
	[STMT_HAND_OVER] = {
		"hand_over",
		"SELECT " BOOKING_COLS ", false FROM rb_hand_over($1::bigint, $2::bigint, $3::text,"
		" $4::text) x(id), rb_booking_wire(x.id) v",
		4,
	},
	[STMT_GET_BOOKING] = {
		"get_booking",
		"SELECT " BOOKING_COLS ", false FROM rb_get_booking($1::bigint, $2::bigint) x(id),"
		" booking_view v WHERE v.id = x.id",
		2,
	},
	[STMT_WAIT] = {
		"wait",
		"SELECT " WAITLIST_COLS ", x.replayed FROM rb_wait($1::bigint, $2::text, $3::bigint,"
		" $4::bigint, $5::text, $6::text, $7::text) x, rb_waitlist_wire(x.id) w",
		7,
	},
	[STMT_LIST_WAITLIST] = {
		"list_waitlist",
		"SELECT " WAITLIST_COLS " FROM rb_waitlist($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN waitlist_view w ON w.id = a.id ORDER BY a.n",
		2,
	},
	[STMT_UNWAIT] = {
		"unwait",
		"SELECT " WAITLIST_COLS ", false FROM rb_unwait($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_waitlist_wire(x.id) w",
		3,
	},
	[STMT_QUALIFY] = {
		"qualify",
		"SELECT " QUALIFICATION_COLS " FROM rb_qualify($1::bigint, $2::text, $3::text, $4::bigint,"
		" $5::text) x(id), rb_qualification_wire(x.id) v",
		5,
	},
	[STMT_UNQUALIFY] = {
		"unqualify",
		"SELECT " QUALIFICATION_COLS " FROM rb_unqualify($1::bigint, $2::text, $3::text, $4::text)"
		" x(id), rb_qualification_wire(x.id) v",
		4,
	},
	[STMT_LIST_QUALIFICATIONS] = {
		"list_qualifications",
		"SELECT " QUALIFICATION_COLS " FROM rb_qualifications($1::bigint, $2::text, $3::text,"
		" $4::boolean) WITH ORDINALITY a(id, n) JOIN qualification_view v ON v.id = a.id"
		" ORDER BY a.n",
		4,
	},
	[STMT_CHECK_IN] = {
		"check_in",
		"SELECT " BOOKING_COLS ", false FROM rb_check_in($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_booking_wire(x.id) v",
		3,
	},
	[STMT_CHECK_OUT] = {
		"check_out",
		"SELECT " BOOKING_COLS ", false FROM rb_check_out($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_booking_wire(x.id) v",
		3,
	},
	[STMT_MARK_NO_SHOW] = {
		"mark_no_show",
		"SELECT " BOOKING_COLS ", false FROM rb_mark_no_show($1::bigint, $2::bigint, $3::text)"
		" x(id), rb_booking_wire(x.id) v",
		3,
	},
	[STMT_CORRECT_USAGE] = {
		"correct_usage",
		"SELECT " BOOKING_COLS ", false FROM rb_correct_usage($1::bigint, $2::bigint, $3::bigint,"
		" $4::bigint, $5::text, $6::text) x(id), rb_booking_wire(x.id) v",
		6,
	},
	[STMT_SWEEP_NO_SHOWS] = {
		"sweep_no_shows",
		"SELECT x.id FROM rb_mark_no_shows($1::int) x(id)",
		1,
	},
	[STMT_BOOK_SERIES] = {
		"book_series",
		"SELECT x.series_id, x.n, x.booking_id, x.occ_start, x.occ_end, x.code, x.reason,"
		" x.replayed, x.occurrences, " BOOKING_COLS
		" FROM rb_book_series($1::bigint, $2::text, $3::bigint, $4::bigint, $5::int, $6::int,"
		" $7::bigint, $8::boolean, $9::text, $10::text, $11::text, $12::text) x"
		" LEFT JOIN LATERAL rb_booking_wire(x.booking_id) v ON true ORDER BY x.n",
		12,
	},
	[STMT_CANCEL_SERIES] = {
		"cancel_series",
		"SELECT " BOOKING_COLS ", x.replayed FROM rb_cancel_series($1::bigint, $2::bigint,"
		" $3::text, $4::text, $5::text) x, rb_booking_wire(x.id) v",
		5,
	},
	[STMT_WATCH] = {
		"watch",
		"SELECT coalesce(m.space_id, s.space_id, i.space_id, 0), r.id,"
		" coalesce(r.code::text, ''), coalesce(r.time_zone, '')"
		" FROM members m LEFT JOIN startups s ON s.id = m.startup_id"
		" LEFT JOIN institutions i ON i.id = m.institution_id"
		" LEFT JOIN resources r ON r.code::text = $2::text"
		" WHERE m.id = $1::bigint",
		2,
	},
	[STMT_PUT_STARTUP] = {
		"put_startup",
		"SELECT " STARTUP_COLS " FROM rb_put_startup($1::bigint, $2::text, $3::text, $4::text,"
		" $5::text, $6::text, $7::text, $8::boolean, $9::text) x(id), rb_startup_wire(x.id) v",
		9,
	},
	[STMT_LIST_STARTUPS] = {
		"list_startups",
		"SELECT " STARTUP_COLS " FROM rb_startups($1::bigint, NULL) WITH ORDINALITY a(id, n)"
		" JOIN startup_view v ON v.id = a.id ORDER BY a.n",
		1,
	},
	[STMT_GET_STARTUP] = {
		/* the startup, then its members (member columns after the startup's, NULL on none) */
		"get_startup",
		"SELECT " STARTUP_COLS ", m.* FROM rb_startups($1::bigint, $2::text) a(id)"
		" JOIN startup_view v ON v.id = a.id"
		" LEFT JOIN LATERAL (SELECT w.id, w.handle, w.name, w.email, w.role, w.startup_code,"
		" w.institution_code, w.space_code, w.disabled_epoch, w.created_epoch, w.live_tokens"
		" FROM member_view w WHERE w.startup_id = a.id) m ON true ORDER BY m.handle NULLS FIRST",
		2,
	},
	[STMT_ADD_MEMBER] = {
		"add_member",
		"SELECT " MEMBER_COLS " FROM rb_add_member($1::bigint, $2::text, $3::text, $4::text,"
		" $5::text, $6::text, $7::text, $8::text, $9::text) x(id), rb_member_wire(x.id) v",
		9,
	},
	[STMT_LIST_MEMBERS] = {
		"list_members",
		"SELECT " MEMBER_COLS " FROM rb_members($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN member_view v ON v.id = a.id ORDER BY a.n",
		2,
	},
	[STMT_DISABLE_MEMBER] = {
		"disable_member",
		"SELECT " MEMBER_COLS " FROM rb_disable_member($1::bigint, $2::text, $3::text) x(id),"
		" rb_member_wire(x.id) v",
		3,
	},
	[STMT_ISSUE_TOKEN] = {
		"issue_token",
		"SELECT " TOKEN_COLS " FROM rb_issue_token($1::bigint, $2::text, $3::bytea, $4::bigint,"
		" $5::text, $6::text) x(id), rb_token_wire(x.id) v",
		6,
	},
	[STMT_LIST_TOKENS] = {
		"list_tokens",
		"SELECT " TOKEN_COLS " FROM rb_tokens($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN token_view v ON v.id = a.id ORDER BY a.n",
		2,
	},
	[STMT_REVOKE_TOKEN] = {
		"revoke_token",
		"SELECT " TOKEN_COLS " FROM rb_revoke_token($1::bigint, $2::bigint, $3::text) x(id),"
		" rb_token_wire(x.id) v",
		3,
	},
	[STMT_SET_RATE] = {
		"set_rate",
		"SELECT " RATE_COLS " FROM rb_rate_set($1::bigint, $2::text, $3::text, $4::text,"
		" $5::bigint, $6::int, $7::bigint, $8::bigint, $9::int, $10::text, $11::int, $12::int,"
		" $13::text, $14::text) x(id), rb_rate_wire(x.id) v",
		14,
	},
	[STMT_LIST_RATES] = {
		"list_rates",
		"SELECT " RATE_COLS " FROM rb_rates($1::bigint, $2::text) WITH ORDINALITY a(id, n)"
		" JOIN rate_view v ON v.id = a.id ORDER BY a.n",
		2,
	},
	[STMT_LIST_CHARGES] = {
		"list_charges",
		"SELECT " CHARGE_COLS " FROM rb_charges($1::bigint, $2::text, $3::text) v",
		3,
	},
	[STMT_ADD_VOUCHER] = {
		"add_voucher",
		"SELECT " VOUCHER_COLS " FROM rb_voucher_add($1::bigint, $2::text, $3::text, $4::int,"
		" $5::text, $6::bigint, $7::text, $8::text, $9::text[], $10::text[], $11::text) x(id)"
		" JOIN rb_voucher_wire(x.id) v ON true LEFT JOIN redemption_view d ON false",
		11,
	},
	[STMT_LIST_VOUCHERS] = {
		"list_vouchers",
		"SELECT " VOUCHER_COLS " FROM rb_vouchers($1::bigint, $2::text, NULL) WITH ORDINALITY"
		" a(id, n) JOIN voucher_view v ON v.id = a.id LEFT JOIN redemption_view d ON false"
		" ORDER BY a.n",
		2,
	},
	[STMT_GET_VOUCHER] = {
		"get_voucher",
		"SELECT " VOUCHER_COLS " FROM rb_vouchers($1::bigint, NULL, $2::bigint) a(id)"
		" JOIN voucher_view v ON v.id = a.id LEFT JOIN redemption_view d ON d.voucher_id = v.id"
		" ORDER BY d.id",
		2,
	},
	[STMT_VOUCHER_STATEMENT] = {
		"voucher_statement",
		"SELECT * FROM rb_voucher_statement($1::bigint, $2::text, $3::text)",
		3,
	},
	[STMT_RUN_INVOICES] = {
		"run_invoices",
		"SELECT * FROM rb_invoice_rows(ARRAY(SELECT rb_invoice_run($1::bigint, $2::text,"
		" $3::text, $4::text)), false)",
		4,
	},
	[STMT_LIST_INVOICES] = {
		"list_invoices",
		"SELECT * FROM rb_invoice_rows(rb_invoices($1::bigint, $2::text, $3::text, NULL), false)",
		3,
	},
	[STMT_GET_INVOICE] = {
		"get_invoice",
		"SELECT * FROM rb_invoice_rows(rb_invoices($1::bigint, NULL, NULL, $2::text), true)",
		2,
	},
	[STMT_CREDIT_INVOICE] = {
		"credit_invoice",
		"SELECT * FROM rb_invoice_rows(ARRAY[rb_invoice_credit($1::bigint, $2::text, $3::bigint,"
		" $4::text, $5::text)], true)",
		5,
	},
	[STMT_SETTLEMENT] = {
		"settlement",
		"SELECT * FROM rb_settlement($1::bigint, $2::text, $3::text)",
		3,
	},
	[STMT_SET_TIER] = {
		"set_tier",
		"SELECT * FROM rb_set_tier($1::bigint, $2::text, $3::text, $4::text)",
		4,
	},
	[STMT_REPORT] = {
		"report",
		"SELECT * FROM rb_report($1::bigint, $2::text, $3::text, $4::text)",
		4,
	},
};
