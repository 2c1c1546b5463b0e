/* Money: formatting as people read it, parsing as they type it, rounding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook/money.h"

static void test_format(void **state)
{
	static const struct {
		int64_t minor;
		const char *cur, *want;
	} cases[] = {
		{ 0, "CNY", "\xc2\xa5" "0.00" },
		{ 5, "CNY", "\xc2\xa5" "0.05" },
		{ 123450, "CNY", "\xc2\xa5" "1,234.50" },
		{ 100000, NULL, "\xc2\xa5" "1,000.00" },
		{ 99999, "", "\xc2\xa5" "999.99" },
		{ 12345678901, "CNY", "\xc2\xa5" "123,456,789.01" },
		{ -3000, "CNY", "-\xc2\xa5" "30.00" },
		{ -1, "CNY", "-\xc2\xa5" "0.01" },
		{ 123450, "USD", "USD 1,234.50" },
		{ -50, "EUR", "-EUR 0.50" },
		{ INT64_MAX, "CNY", "\xc2\xa5" "92,233,720,368,547,758.07" },
		{ INT64_MIN, "CNY", "-\xc2\xa5" "92,233,720,368,547,758.08" },
	};
	char buf[RB_MONEY_TEXT];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(rb_money_format(cases[i].minor, cases[i].cur, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].want);
	}
	assert_int_equal(rb_money_format(1, "cny", buf, sizeof(buf)), -1);
	assert_int_equal(rb_money_format(1, "CNYX", buf, sizeof(buf)), -1);
	assert_int_equal(rb_money_format(123450, "CNY", buf, 5), -1);
	assert_int_equal(rb_money_plain(123450, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1234.50");
	assert_int_equal(rb_money_plain(-5, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-0.05");
	assert_int_equal(rb_money_plain(INT64_MIN, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-92233720368547758.08");
}

static void test_parse(void **state)
{
	static const struct {
		const char *s;
		int64_t want; /* -1: refused */
	} cases[] = {
		{ "0", 0 },
		{ "120", 12000 },
		{ "120.00", 12000 },
		{ "120.5", 12050 },
		{ "0.05", 5 },
		{ "1,234.50", 123450 },
		{ "12,345,678", 1234567800 },
		{ "\xc2\xa5" "30", 3000 },
		{ "30.", -1 },
		{ ".5", -1 },
		{ "1.234", -1 },
		{ "-5", -1 },
		{ "1,23", -1 },
		{ "1234,567", -1 },
		{ ",123", -1 },
		{ "12a", -1 },
		{ "", -1 },
		{ "1e3", -1 },
		{ "99999999999999999999", -1 },
	};
	char err[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -7;
		int rc = rb_money_parse(cases[i].s, &v, err, sizeof(err));

		if (cases[i].want < 0) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "amount"));
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(v, cases[i].want);
		}
	}
}

static void test_percent(void **state)
{
	int v;
	char err[200];

	assert_int_equal(rb_percent_parse("50%", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 50);
	assert_int_equal(rb_percent_parse("100", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 100);
	assert_int_equal(rb_percent_parse("0%", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_int_equal(rb_percent_parse("101%", &v, err, sizeof(err)), -1);
	assert_int_equal(rb_percent_parse("50%%", &v, err, sizeof(err)), -1);
	assert_int_equal(rb_percent_parse("%", &v, err, sizeof(err)), -1);
	assert_int_equal(rb_percent_parse("12.5%", &v, err, sizeof(err)), -1);
}

static void test_rounding(void **state)
{
	/* usage rounds UP to the increment */
	assert_int_equal(rb_round_up_minutes(0, 15), 0);
	assert_int_equal(rb_round_up_minutes(1, 15), 15);
	assert_int_equal(rb_round_up_minutes(15 * 60, 15), 15);
	assert_int_equal(rb_round_up_minutes(15 * 60 + 1, 15), 30);
	assert_int_equal(rb_round_up_minutes(70 * 60, 15), 75);
	assert_int_equal(rb_round_up_minutes(61 * 60, 60), 120);
	/* hourly rates: half a fen rounds up */
	assert_int_equal(rb_money_for_minutes(75, 12000), 15000);
	assert_int_equal(rb_money_for_minutes(1, 100), 2);   /* 1.666.. */
	assert_int_equal(rb_money_for_minutes(1, 90), 2);    /* 1.5 */
	assert_int_equal(rb_money_for_minutes(1, 89), 1);    /* 1.483 */
	assert_int_equal(rb_money_pct(15000, 50), 7500);
	assert_int_equal(rb_money_pct(1, 50), 1);            /* 0.5 */
	assert_int_equal(rb_money_pct(3, 33), 1);            /* 0.99 */
	assert_int_equal(rb_money_pct(12345, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_rounding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
