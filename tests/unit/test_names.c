/* Enum names as users see and type them, and the wire numbers behind them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook.pb-c.h"
#include "rigbook/names.h"

static void test_codes(void **state)
{
	static const struct {
		int code;
		const char *name;
	} want[] = {
		{ RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "INVALID_ARGUMENT" },
		{ RIGBOOK__ERROR_CODE__NOT_FOUND, "NOT_FOUND" },
		{ RIGBOOK__ERROR_CODE__PERMISSION_DENIED, "PERMISSION_DENIED" },
		{ RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED" },
		{ RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, "FAILED_PRECONDITION" },
		{ RIGBOOK__ERROR_CODE__INTERNAL, "INTERNAL" },
		{ RIGBOOK__ERROR_CODE__UNAVAILABLE, "UNAVAILABLE" },
		{ RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "UNAUTHENTICATED" },
		{ RIGBOOK__ERROR_CODE__CONFLICT, "CONFLICT" },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(rb_code_name(want[i].code), want[i].name);
	/* gRPC numbering, which PROTOCOL.md documents */
	assert_int_equal(RIGBOOK__ERROR_CODE__NOT_FOUND, 5);
	assert_int_equal(RIGBOOK__ERROR_CODE__CONFLICT, 17);
	assert_string_equal(rb_code_name(4), "UNKNOWN");
	assert_string_equal(rb_code_name(-1), "UNKNOWN");
	assert_string_equal(rb_code_name(1000), "UNKNOWN");
}

/* Every name parses back to its value, and each value has its own name. */
static void check_table(const char *(*name)(int), int (*parse)(const char *), int first, int last,
			const char *const *names)
{
	for (int v = first; v <= last; v++) {
		const char *n = name(v);

		assert_string_equal(n, names[v - first]);
		assert_int_equal(parse(n), v);
		for (int w = first; w < v; w++)
			assert_string_not_equal(name(w), n);
	}
	assert_string_equal(name(0), "unknown");
	assert_string_equal(name(last + 1), "unknown");
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("unknown"), 0);
	/* exact and case-sensitive: no prefixes, no upper case */
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", names[0]);
	buf[strlen(buf) - 1] = '\0';
	assert_int_equal(parse(buf), 0);
	snprintf(buf, sizeof(buf), "%s", names[0]);
	buf[0] = (char)(buf[0] - 'a' + 'A');
	assert_int_equal(parse(buf), 0);
}

static void test_roles(void **state)
{
	static const char *const names[] = { "member", "manager", "operator", "admin" };

	check_table(rb_role_name, rb_role_parse, RIGBOOK__ROLE__ROLE_MEMBER,
		    RIGBOOK__ROLE__ROLE_ADMIN, names);
}

static void test_kinds(void **state)
{
	static const char *const names[] = { "instrument", "test_facility", "machining",
					     "pilot_line", "workspace" };

	check_table(rb_kind_name, rb_kind_parse, RIGBOOK__RESOURCE_KIND__INSTRUMENT,
		    RIGBOOK__RESOURCE_KIND__WORKSPACE, names);
	assert_int_equal(rb_kind_parse("test-facility"), 0);
}

static void test_states(void **state)
{
	static const char *const names[] = { "requested", "confirmed", "declined", "cancelled",
					     "checked_in", "completed", "no_show" };

	check_table(rb_state_name, rb_state_parse, RIGBOOK__BOOKING_STATE__REQUESTED,
		    RIGBOOK__BOOKING_STATE__NO_SHOW, names);
}

static void test_versions(void **state)
{
	assert_int_equal(RIGBOOK_PROTOCOL_VERSION, RIGBOOK__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT);
	assert_true(strlen(RIGBOOK_VERSION) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
