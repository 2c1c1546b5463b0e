/* Every SQL statement rigbookd sends, named, in one place (sql.c). */
#ifndef RIGBOOKD_SQL_H
#define RIGBOOKD_SQL_H

enum stmt_id {
	STMT_AUTH,
	STMT_LIST_RESOURCES,
	STMT_AVAILABILITY,
	STMT_BOOK,
	STMT_CANCEL,
	STMT_LIST_BOOKINGS_MEMBER,
	STMT_LIST_BOOKINGS_STARTUP,
	STMT__COUNT
};

struct stmt_def {
	const char *name;
	const char *sql;
	int nparams;
};

extern const struct stmt_def stmt_defs[STMT__COUNT];

/*
 * Columns of every statement that returns bookings, in this order: the
 * shape of booking_view and of rb_book / rb_cancel.
 */
enum booking_col {
	BC_ID, BC_RESOURCE_CODE, BC_RESOURCE_NAME, BC_TIME_ZONE, BC_START, BC_END, BC_STATE,
	BC_MEMBER, BC_STARTUP, BC_CREATED, BC_NOTE, BC_CANCELLED, BC_CANCEL_REASON,
	BC_REPLAYED /* rb_book / rb_cancel only */
};

#endif
