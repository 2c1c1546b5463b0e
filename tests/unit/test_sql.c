/*
 * The C<->SQL contract without a database: every statement's declared
 * result columns (daemon/sql.c) resolve against a result shaped like them,
 * by name whatever the order; a missing, doubled or retyped column is
 * reported naming the statement and the column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sql.h"

#define MAXF 64

/* A described result: nf columns. */
struct shape {
	int nf;
	const char *names[MAXF];
	uint32_t types[MAXF];
};

struct said {
	int n;
	char msg[32][512];
};

static void keep(void *arg, const char *msg)
{
	struct said *s = arg;

	if (s->n < 32)
		snprintf(s->msg[s->n], sizeof(s->msg[0]), "%s", msg);
	s->n++;
}

static uint32_t oid_for(enum col_type t)
{
	switch (t) {
	case CT_INT64:
		return 20;
	case CT_INT32:
		return 23;
	case CT_BOOL:
		return 16;
	case CT_TEXT:
		return 25;
	}
	return 0;
}

/* The result a statement's declaration asks for: each name once, in order. */
static void shape_of(enum stmt_id s, struct shape *sh)
{
	sh->nf = 0;
	for (const struct col_def *c = stmt_defs[s].cols; c->name != NULL; c++) {
		int seen = 0;

		for (int k = 0; k < sh->nf; k++)
			seen |= strcmp(sh->names[k], c->name) == 0;
		if (seen)
			continue;
		assert_true(sh->nf < MAXF);
		sh->names[sh->nf] = c->name;
		sh->types[sh->nf] = oid_for(c->type);
		sh->nf++;
	}
}

static int resolve(enum stmt_id s, const struct shape *sh, int16_t *pos, struct said *said)
{
	memset(said, 0, sizeof(*said));
	return sql_resolve(s, sh->nf, sh->names, sh->types, pos, keep, said);
}

static int find(const struct shape *sh, const char *name)
{
	for (int k = 0; k < sh->nf; k++)
		if (strcmp(sh->names[k], name) == 0)
			return k;
	return -1;
}

/* Every declaration is consistent: its own shape resolves, each key to its column. */
static void test_every_statement_resolves(void **state)
{
	static int16_t pos[COL__COUNT];
	struct shape sh;
	struct said said;

	for (int s = 0; s < STMT__COUNT; s++) {
		int declared = 0;

		assert_non_null(stmt_defs[s].name);
		assert_non_null(stmt_defs[s].cols);
		shape_of((enum stmt_id)s, &sh);
		if (resolve((enum stmt_id)s, &sh, pos, &said) != 0)
			fail_msg("%s: %s", stmt_defs[s].name, said.msg[0]);
		for (const struct col_def *c = stmt_defs[s].cols; c->name != NULL; c++) {
			assert_int_equal(pos[c->key], find(&sh, c->name));
			declared++;
		}
		assert_true(declared > 0);
		for (int k = 0, set = 0; k < COL__COUNT; k++) {
			set += pos[k] != COL_NONE;
			if (k == COL__COUNT - 1)
				assert_int_equal(set, declared);
		}
	}
}

/* Columns in another order, one added in front: positions follow the names. */
static void test_order_does_not_matter(void **state)
{
	static int16_t pos[COL__COUNT];
	struct shape sh, rev;
	struct said said;

	shape_of(STMT_AUTH, &sh);
	rev.nf = sh.nf + 1;
	rev.names[0] = "something_new";
	rev.types[0] = 25;
	for (int k = 0; k < sh.nf; k++) {
		rev.names[sh.nf - k] = sh.names[k];
		rev.types[sh.nf - k] = sh.types[k];
	}
	assert_int_equal(resolve(STMT_AUTH, &rev, pos, &said), 0);
	assert_int_equal(pos[AUTH_ID], find(&rev, "id"));
	assert_int_equal(pos[AUTH_ROLE], find(&rev, "role"));
	assert_int_equal(pos[AUTH_INSTITUTION_ID], find(&rev, "institution_id"));
	assert_int_equal(pos[AUTH_EXPIRES_AT], 1);
	assert_int_equal(pos[BC_ID], COL_NONE);
}

static void test_missing_column(void **state)
{
	static int16_t pos[COL__COUNT];
	struct shape sh;
	struct said said;
	int at;

	shape_of(STMT_BOOK, &sh);
	at = find(&sh, "start_epoch");
	sh.names[at] = "begins_epoch";
	assert_int_equal(resolve(STMT_BOOK, &sh, pos, &said), 1);
	assert_string_equal(said.msg[0], "statement STMT_BOOK: result has no column 'start_epoch'");
	assert_int_equal(pos[BC_START], COL_NONE);
	assert_int_equal(pos[BC_END], find(&sh, "end_epoch"));
}

static void test_doubled_column(void **state)
{
	static int16_t pos[COL__COUNT];
	struct shape sh;
	struct said said;

	shape_of(STMT_LIST_VOUCHERS, &sh);
	sh.names[find(&sh, "redemption_id")] = "id";
	assert_int_equal(resolve(STMT_LIST_VOUCHERS, &sh, pos, &said), 2);
	assert_string_equal(said.msg[0],
			    "statement STMT_LIST_VOUCHERS: result has 2 columns named 'id' (read as VC_ID)");
	assert_string_equal(said.msg[1],
			    "statement STMT_LIST_VOUCHERS: result has no column 'redemption_id'");
}

/* An epoch that became a timestamptz would parse as its year: refused. */
static void test_retyped_column(void **state)
{
	static int16_t pos[COL__COUNT];
	struct shape sh;
	struct said said;

	shape_of(STMT_LIST_BOOKINGS_MEMBER, &sh);
	sh.types[find(&sh, "start_epoch")] = 1184;
	sh.types[find(&sh, "unit_no")] = 20;
	assert_int_equal(resolve(STMT_LIST_BOOKINGS_MEMBER, &sh, pos, &said), 2);
	assert_string_equal(said.msg[0],
			    "statement STMT_LIST_BOOKINGS_MEMBER: column 'start_epoch' is timestamp with"
			    " time zone, but the code reads it (BC_START) as a 64-bit integer (bigint,"
			    " integer or smallint)");
	assert_string_equal(said.msg[1],
			    "statement STMT_LIST_BOOKINGS_MEMBER: column 'unit_no' is bigint, but the code"
			    " reads it (BC_UNIT) as a 32-bit integer (integer or smallint)");
}

/* A resource's rows: each meaning its own column, refused by its own name. */
static void test_resource_rows_by_name(void **state)
{
	static int16_t pos[COL__COUNT];
	struct shape sh;
	struct said said;

	shape_of(STMT_GET_RESOURCE, &sh);
	assert_int_equal(resolve(STMT_GET_RESOURCE, &sh, pos, &said), 0);
	assert_int_equal(pos[HOURS_WEEKDAY], find(&sh, "weekday"));
	assert_int_equal(pos[DCL_ID], find(&sh, "closure_id"));
	assert_int_equal(pos[LC_LATE_CANCEL], find(&sh, "late_cancel_minutes"));
	assert_int_equal(pos[LC_NEEDS_QUALIFICATION], find(&sh, "needs_qualification"));
	sh.names[find(&sh, "closure_id")] = "closure_no";
	assert_int_equal(resolve(STMT_GET_RESOURCE, &sh, pos, &said), 1);
	assert_int_equal(said.n, 1);
	assert_string_equal(said.msg[0],
			    "statement STMT_GET_RESOURCE: result has no column 'closure_id'");
}

/* needs_qualification is a boolean: the text 'true' no longer serves. */
static void test_boolean_is_boolean(void **state)
{
	static int16_t pos[COL__COUNT];
	struct shape sh;
	struct said said;

	shape_of(STMT_SET_RULES, &sh);
	assert_int_equal(resolve(STMT_SET_RULES, &sh, pos, &said), 0);
	sh.types[find(&sh, "needs_qualification")] = 25;
	assert_int_not_equal(resolve(STMT_SET_RULES, &sh, pos, &said), 0);
	assert_non_null(strstr(said.msg[0], "column 'needs_qualification' is text"));
}

static void test_labels(void **state)
{
	char b[64];

	assert_string_equal(sql_stmt_label(STMT_BOOK, b, sizeof(b)), "STMT_BOOK");
	assert_string_equal(sql_stmt_label(STMT_LIST_BOOKINGS_MEMBER, b, sizeof(b)),
			    "STMT_LIST_BOOKINGS_MEMBER");
	assert_string_equal(sql_stmt_label(STMT_SWEEP_NO_SHOWS, b, sizeof(b)), "STMT_SWEEP_NO_SHOWS");
	assert_string_equal(sql_stmt_label(STMT_BOOK, b, 6), "STMT_");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_statement_resolves),
		cmocka_unit_test(test_order_does_not_matter),
		cmocka_unit_test(test_missing_column),
		cmocka_unit_test(test_doubled_column),
		cmocka_unit_test(test_retyped_column),
		cmocka_unit_test(test_resource_rows_by_name),
		cmocka_unit_test(test_boolean_is_boolean),
		cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
