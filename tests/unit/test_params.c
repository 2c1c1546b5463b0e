/* Query parameters written by the daemon: integers in decimal, as snprintf would. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dispatch.h"

static void check_u64(uint64_t v)
{
	char got[24], want[24];

	snprintf(want, sizeof(want), "%" PRIu64, v);
	assert_ptr_equal(u64_param(got, v), got);
	assert_string_equal(got, want);
}

static void check_i64(int64_t v)
{
	char got[24], want[24];

	snprintf(want, sizeof(want), "%" PRId64, v);
	assert_ptr_equal(i64_param(got, v), got);
	assert_string_equal(got, want);
}

static void test_edges(void **state)
{
	(void)state;
	check_u64(0);
	check_u64(9);
	check_u64(10);
	check_u64(UINT64_MAX);
	check_i64(0);
	check_i64(-1);
	check_i64(INT64_MAX);
	check_i64(INT64_MIN);
	check_i64(-1796263200);
}

static void test_every_digit_count(void **state)
{
	uint64_t p = 1;

	(void)state;
	for (int i = 0; i < 20; i++, p *= 10) {
		check_u64(p);
		check_u64(p - 1);
		check_u64(p + 7);
		check_i64(-(int64_t)(p % INT64_MAX));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_every_digit_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
