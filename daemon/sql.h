/* Every SQL statement rigbookd sends, named, in one place (sql.c). */
#ifndef RIGBOOKD_SQL_H
#define RIGBOOKD_SQL_H

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
	STMT__COUNT
};

struct stmt_def {
	const char *name;
	const char *sql;
	int nparams;
};

extern const struct stmt_def stmt_defs[STMT__COUNT];

/* The resource columns every resource read starts with (resource_view). */
enum res_col {
	RES_ID, RES_CODE, RES_NAME, RES_KIND, RES_INST_CODE, RES_INST_NAME, RES_SPACE, RES_TZ,
	RES_DESC, RES_LOCATION, RES_RETIRED, RES_TAGS, RES_UNITS, RES_SLOT, RES_MIN, RES_MAX,
	RES_NOTICE, RES_AHEAD, RES_BUFFER, RES_ACTIVE, RES_WEEKLY, RES_WHOLE_DAYS, RES_GAP,
	RES_TERMS_VERSION, RES_REQUIRES,
	RES__COUNT
};

/* Tagged rows after the resource columns (rb_res_row in the schema). */
enum detail_col { D_TAG = RES__COUNT, D_N1, D_N2, D_N3, D_T1, D_T2, D_T3, D_B1 };

/*
 * Columns of every statement that returns bookings, in this order: the
 * shape of booking_view and of rb_book / rb_cancel.
 */
enum booking_col {
	BC_ID, BC_RESOURCE_CODE, BC_RESOURCE_NAME, BC_TIME_ZONE, BC_START, BC_END, BC_STATE,
	BC_MEMBER, BC_STARTUP, BC_CREATED, BC_NOTE, BC_CANCELLED, BC_CANCEL_REASON, BC_UNIT,
	BC_OVERRIDE, BC_PARENT, BC_CANCELLED_BY, BC_CANCELLED_LATE, BC_CHECKED_IN, BC_CHECKED_OUT,
	BC_USAGE_NOTE, BC_SERIES, BC_DECIDED_BY, BC_DECISION_REASON, BC_SERIES_NO, BC_SERIES_OF,
	BC_REPLAYED /* mutations that take an idempotency key: after the booking */
};

/*
 * rb_add_closure: the closure and its resource's code, then the booking
 * columns of each cancelled booking (NULL on the closure's own row).
 */
enum closure_col { CL_ID, CL_START, CL_END, CL_KIND, CL_REASON, CL_BY, CL_CODE, CL_BOOKING };

/* Columns of every statement that returns waitlist entries (waitlist_view). */
enum waitlist_col {
	WL_ID, WL_RESOURCE_CODE, WL_RESOURCE_NAME, WL_TIME_ZONE, WL_START, WL_END, WL_STATE,
	WL_MEMBER, WL_STARTUP, WL_CREATED, WL_NOTE, WL_POSITION, WL_BOOKING, WL_PROMOTED,
	WL_WITHDRAWN, WL_REFUSAL,
	WL_REPLAYED /* rb_wait: after the entry */
};

/* Qualifications (qualification_view). */
enum qualification_col {
	QC_ID, QC_MEMBER, QC_RESOURCE, QC_TIME_ZONE, QC_GRANTED_BY, QC_GRANTED_AT, QC_EXPIRES,
	QC_REVOKED_AT, QC_REVOKED_BY, QC_VALID
};

/*
 * rb_book_series: one row per occurrence (rb_series_row), then the booking
 * columns of the booked ones (NULL on a refused occurrence's row).
 */
enum series_col {
	SR_SERIES, SR_N, SR_BOOKING, SR_START, SR_END, SR_CODE, SR_REASON, SR_REPLAYED,
	SR_OCCURRENCES, SR_BOOKING_COLS
};

/* STMT_WATCH: the watcher's space, and the resource it names (NULL: none or unknown). */
enum watch_col { W_SPACE, W_RESOURCE, W_CODE, W_TZ };
/* Columns of statements that return startups (startup_view). */
enum startup_col {
	SU_ID, SU_CODE, SU_NAME, SU_SPACE, SU_LEGAL_NAME, SU_CREDIT_CODE, SU_ADDRESS, SU_CREATED,
	SU_ACTIVE_MEMBERS,
	SU__COUNT
};

/* Columns of statements that return members (member_view). */
enum member_col {
	MB_ID, MB_HANDLE, MB_NAME, MB_EMAIL, MB_ROLE, MB_STARTUP, MB_INSTITUTION, MB_SPACE,
	MB_DISABLED, MB_CREATED, MB_LIVE_TOKENS,
	MB__COUNT
};

/* Columns of statements that return tokens (token_view): never the hash. */
enum token_col {
	TK_ID, TK_MEMBER, TK_LABEL, TK_CREATED, TK_EXPIRES, TK_REVOKED, TK_ISSUED_BY, TK_LAST_USED
};

/* Rate cards (rate_view). */
enum rate_col {
	RT_ID, RT_RESOURCE, RT_TIER, RT_CURRENCY, RT_HOURLY, RT_INCREMENT, RT_MINIMUM, RT_DAY,
	RT_DAY_HOURS, RT_BASIS, RT_LATE, RT_NO_SHOW, RT_FROM, RT_SET_BY
};

/* Ledger lines (charge_view). */
enum charge_col {
	CH_ID, CH_BOOKING, CH_KIND, CH_STARTUP, CH_RESOURCE, CH_INSTITUTION, CH_TIER, CH_CURRENCY,
	CH_DATE, CH_MINUTES, CH_AMOUNT, CH_RATE, CH_DESCRIPTION, CH_INVOICE
};

/* Vouchers (voucher_view), then one redemption per row (NULL when none). */
enum voucher_col {
	VC_ID, VC_STARTUP, VC_ISSUER, VC_COVERAGE, VC_CURRENCY, VC_CAP, VC_USED, VC_BALANCE,
	VC_FROM, VC_TO, VC_INSTITUTIONS, VC_KINDS,
	VC_R_ID, VC_R_INVOICE, VC_R_PERIOD, VC_R_RESOURCE, VC_R_DATE, VC_R_LINE, VC_R_AMOUNT,
	VC_R_BOOKING
};

/* rb_voucher_statement. */
enum statement_col { VS_ISSUER, VS_VOUCHER, VS_STARTUP, VS_PERIOD, VS_INVOICE, VS_CURRENCY, VS_AMOUNT };

/* rb_invoice_rows: the invoice, then one line per row (NULL when not asked for). */
enum invoice_col {
	IV_ID, IV_NUMBER, IV_KIND, IV_SPACE, IV_STARTUP, IV_STARTUP_NAME, IV_PERIOD, IV_CURRENCY,
	IV_TOTAL, IV_VOUCHER, IV_STARTUP_PAYS, IV_CREDIT_OF, IV_REASON, IV_ISSUED, IV_LEGAL_NAME,
	IV_CREDIT_CODE, IV_ADDRESS,
	IV_L_CHARGE, IV_L_BOOKING, IV_L_KIND, IV_L_RESOURCE, IV_L_DATE, IV_L_DESCRIPTION,
	IV_L_AMOUNT, IV_L_VOUCHER, IV_L_STARTUP
};

/* rb_settlement. */
enum settlement_col { SE_CODE, SE_NAME, SE_CURRENCY, SE_EARNED, SE_VOUCHER, SE_STARTUP };

/* rb_report: a row per resource, then the total (RP_CODE empty). */
enum report_col {
	RP_CODE, RP_NAME, RP_INSTITUTION, RP_SPACE, RP_TZ, RP_UNITS, RP_OPEN, RP_BOOKED, RP_USED,
	RP_STARTUPS, RP_BOOKINGS, RP_NO_SHOWS, RP_CURRENCY, RP_REVENUE, RP_SUBSIDY
};

#endif
