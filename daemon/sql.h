/*
 * Every SQL statement rigbookd sends, named, in one place (sql.c), with the
 * result columns the C code reads from it, by name.
 */
#ifndef RIGBOOKD_SQL_H
#define RIGBOOKD_SQL_H

#include <stddef.h>
#include <stdint.h>

enum stmt_id {
	STMT_AUTH,
	STMT_LIST_RESOURCES,
	STMT_AVAILABILITY,
	STMT_GET_RESOURCE,
	STMT_SLOTS,
	STMT_FIND,
	STMT_BOOK,
	STMT_CANCEL,
	STMT_LIST_BOOKINGS_MEMBER,
	STMT_LIST_BOOKINGS_STARTUP,
	STMT_ACCEPT_TERMS,
	STMT_PUT_RESOURCE,
	STMT_RETIRE_RESOURCE,
	STMT_SET_HOURS,
	STMT_SET_EXCEPTION,
	STMT_ADD_CLOSURE,
	STMT_REMOVE_CLOSURE,
	STMT_SET_RULES,
	STMT_SET_UNITS,
	STMT_SET_REQUIRES,
	STMT_SET_TERMS,
	STMT_LIST_APPROVALS,
	STMT_DECIDE,
	STMT_MOVE,
	STMT_HAND_OVER,
	STMT_GET_BOOKING,
	STMT_WAIT,
	STMT_LIST_WAITLIST,
	STMT_UNWAIT,
	STMT_QUALIFY,
	STMT_UNQUALIFY,
	STMT_LIST_QUALIFICATIONS,
	STMT_CHECK_IN,
	STMT_CHECK_OUT,
	STMT_MARK_NO_SHOW,
	STMT_CORRECT_USAGE,
	STMT_SWEEP_NO_SHOWS,
	STMT_BOOK_SERIES,
	STMT_CANCEL_SERIES,
	STMT_WATCH,
	STMT_PUT_STARTUP,
	STMT_LIST_STARTUPS,
	STMT_GET_STARTUP,
	STMT_ADD_MEMBER,
	STMT_LIST_MEMBERS,
	STMT_DISABLE_MEMBER,
	STMT_ISSUE_TOKEN,
	STMT_LIST_TOKENS,
	STMT_REVOKE_TOKEN,
	STMT_SET_RATE,
	STMT_LIST_RATES,
	STMT_LIST_CHARGES,
	STMT_ADD_VOUCHER,
	STMT_LIST_VOUCHERS,
	STMT_GET_VOUCHER,
	STMT_VOUCHER_STATEMENT,
	STMT_RUN_INVOICES,
	STMT_LIST_INVOICES,
	STMT_GET_INVOICE,
	STMT_CREDIT_INVOICE,
	STMT_SETTLEMENT,
	STMT_SET_TIER,
	STMT_REPORT,
	STMT_HEALTH,
	STMT_AUDIT_LOG,
	STMT_FEED_ISSUE,
	STMT_FEED_BOOKINGS,
	STMT_TOKENS_ENDED,
	STMT_AUTH_CERT,
	STMT_ADD_CLIENT_CERT,
	STMT_LIST_CLIENT_CERTS,
	STMT_REVOKE_CLIENT_CERT,
	STMT_CERTS_ENDED,
	STMT_WAL_END,
	STMT_REPLAY_LSN,
	STMT__COUNT
};

/*
 * The result columns the C code reads, by what they mean.  A key is not a
 * position: each statement's entry in sql.c names, for every key its
 * handler reads, the result column that holds it and how the code reads it.
 * When the pool has prepared the statements, db.c describes them, looks the
 * names up once (sql_resolve) and refuses to start when one is missing,
 * ambiguous or of another kind; handlers then read db_get(res, row, KEY)
 * through the position cached per statement.  Adding, removing or
 * reordering columns in SQL therefore cannot shift what a field reads.
 *
 * Keys are grouped by the rows they come from; the order here means nothing.
 */
enum col {
	/* rb_auth */
	AUTH_ID, AUTH_HANDLE, AUTH_NAME, AUTH_ROLE, AUTH_STARTUP, AUTH_INSTITUTION, AUTH_SPACE,
	AUTH_STARTUP_ID, AUTH_INSTITUTION_ID, AUTH_TOKEN_ID, AUTH_EXPIRES_AT,
	/* rb_auth_cert: the same member columns, then the certificate's id */
	AUTH_CERT_ID,

	/* resource_view (RES_COLS), and the resource part of rb_res_row */
	RES_ID, RES_CODE, RES_NAME, RES_KIND, RES_INST_CODE, RES_INST_NAME, RES_SPACE, RES_TZ,
	RES_DESC, RES_LOCATION, RES_RETIRED, RES_TAGS, RES_UNITS, RES_SLOT, RES_MIN, RES_MAX,
	RES_NOTICE, RES_AHEAD, RES_BUFFER, RES_ACTIVE, RES_WEEKLY, RES_WHOLE_DAYS, RES_GAP,
	RES_TERMS_VERSION, RES_REQUIRES, RES_NAME_ZH, RES_INST_NAME_ZH, RES_SPACE_NAME,
	RES_SPACE_NAME_ZH, RES_ACTIVE_STARTUP, RES_WEEKLY_MEMBER,

	/*
	 * The tagged rows of rb_resource_detail and rb_availability (rb_res_row):
	 * D_TAG says which of the keys below the row carries.  Today they share
	 * the generic columns n1..n3, t1..t3, b1 (see TAGGED_* in sql.c).
	 */
	D_TAG,
	HOURS_WEEKDAY, HOURS_OPENS, HOURS_CLOSES,                   /* open, offpeak (detail) */
	EXC_DAY, EXC_WINDOWS, EXC_REASON, EXC_CLOSED,               /* exception */
	DCL_ID, DCL_START, DCL_END, DCL_KIND, DCL_REASON, DCL_BY,   /* closure (both) */
	TERMS_TEXT, TERMS_ACCEPTED,                                 /* terms */
	LC_LATE_CANCEL, LC_CHECKIN_EARLY, LC_NO_SHOW_GRACE, LC_NEEDS_QUALIFICATION,
	LC_NEEDS_APPROVAL,                                          /* lifecycle */
	BUSY_START, BUSY_END, BUSY_BOOKING, BUSY_STATE, BUSY_MINE,  /* busy (availability) */
	OPEN_START, OPEN_END,                                       /* open (availability) */

	/* slots and find: a window after the resource columns */
	FREE_START, FREE_END,

	/* booking_view (BOOKING_COLS) */
	BC_ID, BC_RESOURCE_CODE, BC_RESOURCE_NAME, BC_TIME_ZONE, BC_START, BC_END, BC_STATE,
	BC_MEMBER, BC_STARTUP, BC_CREATED, BC_NOTE, BC_CANCELLED, BC_CANCEL_REASON, BC_UNIT,
	BC_OVERRIDE, BC_PARENT, BC_CANCELLED_BY, BC_CANCELLED_LATE, BC_CHECKED_IN, BC_CHECKED_OUT,
	BC_USAGE_NOTE, BC_SERIES, BC_DECIDED_BY, BC_DECISION_REASON, BC_SERIES_NO, BC_SERIES_OF,

	/* mutations that take an idempotency key: the answer was stored before */
	REPLAYED,

	/* cancel: what a late cancellation was charged (rb_late_fee) */
	CX_LATE_FEE, CX_LATE_CURRENCY, CX_LATE_MINUTES,

	/* rb_add_closure and rb_remove_closure: the closure */
	CL_ID, CL_START, CL_END, CL_KIND, CL_REASON, CL_BY, CL_CODE,

	/* waitlist_view (WAITLIST_COLS) */
	WL_ID, WL_RESOURCE_CODE, WL_RESOURCE_NAME, WL_TIME_ZONE, WL_START, WL_END, WL_STATE,
	WL_MEMBER, WL_STARTUP, WL_CREATED, WL_NOTE, WL_POSITION, WL_BOOKING, WL_PROMOTED,
	WL_WITHDRAWN, WL_REFUSAL,

	/* qualification_view */
	QC_ID, QC_MEMBER, QC_RESOURCE, QC_TIME_ZONE, QC_GRANTED_BY, QC_GRANTED_AT, QC_EXPIRES,
	QC_REVOKED_AT, QC_REVOKED_BY, QC_VALID,

	/* rb_book_series: one row per occurrence (rb_series_row), booking columns when booked */
	SR_SERIES, SR_N, SR_BOOKING, SR_START, SR_END, SR_CODE, SR_REASON, SR_OCCURRENCES,

	/* rb_mark_no_shows: the bookings marked */
	SWEEP_ID,

	/* STMT_WATCH: the watcher's space, and the resource it names (NULL: none or unknown) */
	W_SPACE, W_RESOURCE, W_CODE, W_TZ,

	/* rb_accept_terms */
	AT_CODE, AT_VERSION,

	/* startup_view */
	SU_ID, SU_CODE, SU_NAME, SU_SPACE, SU_LEGAL_NAME, SU_CREDIT_CODE, SU_ADDRESS, SU_CREATED,
	SU_ACTIVE_MEMBERS,

	/* member_view */
	MB_ID, MB_HANDLE, MB_NAME, MB_EMAIL, MB_ROLE, MB_STARTUP, MB_INSTITUTION, MB_SPACE,
	MB_DISABLED, MB_CREATED, MB_LIVE_TOKENS,

	/* token_view: never the hash */
	TK_ID, TK_MEMBER, TK_LABEL, TK_CREATED, TK_EXPIRES, TK_REVOKED, TK_ISSUED_BY, TK_LAST_USED,

	/* rate_view */
	RT_ID, RT_RESOURCE, RT_TIER, RT_CURRENCY, RT_HOURLY, RT_INCREMENT, RT_MINIMUM, RT_DAY,
	RT_DAY_HOURS, RT_BASIS, RT_LATE, RT_NO_SHOW, RT_FROM, RT_SET_BY,

	/* charge_view */
	CH_ID, CH_BOOKING, CH_KIND, CH_STARTUP, CH_RESOURCE, CH_INSTITUTION, CH_TIER, CH_CURRENCY,
	CH_DATE, CH_MINUTES, CH_AMOUNT, CH_RATE, CH_DESCRIPTION, CH_INVOICE,

	/* voucher_view, then redemption_view (NULL when none) */
	VC_ID, VC_STARTUP, VC_ISSUER, VC_COVERAGE, VC_CURRENCY, VC_CAP, VC_USED, VC_BALANCE,
	VC_FROM, VC_TO, VC_INSTITUTIONS, VC_KINDS,
	VC_R_ID, VC_R_INVOICE, VC_R_PERIOD, VC_R_RESOURCE, VC_R_DATE, VC_R_LINE, VC_R_AMOUNT,
	VC_R_BOOKING,

	/* rb_voucher_statement */
	VS_ISSUER, VS_VOUCHER, VS_STARTUP, VS_PERIOD, VS_INVOICE, VS_CURRENCY, VS_AMOUNT,

	/* rb_invoice_rows: the invoice, then one line per row (NULL when not asked for) */
	IV_ID, IV_NUMBER, IV_KIND, IV_SPACE, IV_STARTUP, IV_STARTUP_NAME, IV_PERIOD, IV_CURRENCY,
	IV_TOTAL, IV_VOUCHER, IV_STARTUP_PAYS, IV_CREDIT_OF, IV_REASON, IV_ISSUED, IV_LEGAL_NAME,
	IV_CREDIT_CODE, IV_ADDRESS,
	IV_L_CHARGE, IV_L_BOOKING, IV_L_KIND, IV_L_RESOURCE, IV_L_DATE, IV_L_DESCRIPTION,
	IV_L_AMOUNT, IV_L_VOUCHER, IV_L_STARTUP,

	/* rb_settlement */
	SE_CODE, SE_NAME, SE_CURRENCY, SE_EARNED, SE_VOUCHER, SE_STARTUP,

	/* rb_set_tier */
	TIER_STARTUP, TIER_TIER, TIER_PREVIOUS,

	/* rb_set_hours and rb_set_exception: the bookings a forced change cancelled, "12,18" */
	HX_CANCELLED,

	/* rb_report: a row per resource, then the total (RP_CODE empty) */
	RP_CODE, RP_NAME, RP_INSTITUTION, RP_SPACE, RP_TZ, RP_UNITS, RP_OPEN, RP_BOOKED, RP_USED,
	RP_STARTUPS, RP_BOOKINGS, RP_NO_SHOWS, RP_CURRENCY, RP_REVENUE, RP_SUBSIDY,

	/* STMT_HEALTH */
	HEALTH_OK,

	/* rb_feed_issue */
	FEED_ISSUED, FEED_CREATED,

	/* rb_audit_log */
	AU_ID, AU_AT, AU_MEMBER, AU_ACTION, AU_OBJECT, AU_OBJECT_ID, AU_PEER, AU_DETAIL, AU_RESOURCE,
	AU_SPACE,
	/* rb_tokens_ended */
	TE_TOKEN_ID,
	/* client_cert_view: never a key */
	CC_ID, CC_MEMBER, CC_FINGERPRINT, CC_SUBJECT, CC_LABEL, CC_CREATED, CC_CREATED_BY,
	CC_REVOKED, CC_REVOKED_BY, CC_LAST_USED,
	/* rb_certs_ended */
	CE_CERT_ID,
	/* STMT_WAL_END, STMT_REPLAY_LSN: WAL positions, "16/B374D848" */
	WAL_LSN, WAL_INSERTED,

	COL__COUNT
};

/* How the code reads a column, so which types the column may have. */
enum col_type {
	CT_INT64, /* db_get_int64 into 64 bits: smallint, integer or bigint */
	CT_INT32, /* db_get_int64 into 32 bits: smallint or integer */
	CT_TEXT,  /* db_get, the text as is: text, varchar, char, name */
	CT_BOOL,  /* db_get_bool: boolean */
};

/* One result column the code reads: the key it reads it by, its name, its kind. */
struct col_def {
	enum col key;
	const char *name;
	enum col_type type;
	const char *key_name; /* "BC_ID", for messages */
};

struct stmt_def {
	const char *name;
	const char *sql;
	int nparams;
	const struct col_def *cols; /* ended by an entry whose name is NULL */
};

extern const struct stmt_def stmt_defs[STMT__COUNT];

/* "STMT_BOOK" for STMT_BOOK (from the statement's name), for messages. */
const char *sql_stmt_label(enum stmt_id s, char *buf, size_t len);

/* Where a key is not read from a statement's result. */
#define COL_NONE ((int16_t)-1)

/* The most result columns a statement may have (positions fit an int16_t). */
#define SQL_MAX_FIELDS 1600

/*
 * Match the declaration of statement s against its described result:
 * nfields columns named names[] of type OIDs types[].  Fills pos[COL__COUNT]
 * (COL_NONE for keys s does not declare) and calls problem() with one
 * message per mismatch ("statement STMT_BOOK: result has no column
 * 'booking_id'"; a column that several keys read is reported once).
 * Returns the number of messages: 0 when every declared column is there,
 * once, of a type the code can read.  Pure code: no libpq.
 */
int sql_resolve(enum stmt_id s, int nfields, const char *const *names, const uint32_t *types,
		int16_t *pos, void (*problem)(void *arg, const char *msg), void *arg);

#endif
