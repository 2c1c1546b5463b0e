/* Durations: "90m", "2h", "1h30m", "3d", and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook/rbtime.h"

static int64_t dur_ok(const char *s)
{
	char err[256] = "";
	int64_t v = -1;

	if (rb_duration_parse(s, &v, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", s, err);
	return v;
}

static void dur_bad(const char *s, const char *want)
{
	char err[256] = "";
	int64_t v = 777;

	if (rb_duration_parse(s, &v, err, sizeof(err)) == 0)
		fail_msg("'%s' was accepted as %lld", s, (long long)v);
	assert_int_equal(v, 777);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': message \"%s\" lacks \"%s\"", s, err, want);
}

static void test_parse(void **state)
{
	assert_int_equal(dur_ok("2h"), 7200);
	assert_int_equal(dur_ok("90m"), 5400);
	assert_int_equal(dur_ok("3d"), 3 * 86400);
	assert_int_equal(dur_ok("1w"), 7 * 86400);
	assert_int_equal(dur_ok("45s"), 45);
	assert_int_equal(dur_ok("1h30m"), 5400);
	assert_int_equal(dur_ok("1d2h3m4s"), 86400 + 7200 + 180 + 4);
	assert_int_equal(dur_ok("0m"), 0);
	assert_int_equal(dur_ok("007m"), 420);
	assert_int_equal(dur_ok("1500m"), 90000);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", "2", "h", "2x", "2H", "1.5h", "-1h", "+1h", " 2h", "2h ", "2 h",
		"30m1h", /* units out of order */
		"1h1h",  /* a unit twice */
		"1h30",  /* a number without a unit */
		"2hh",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		dur_bad(bad[i], "is not a duration");
	dur_bad("99999999999999999999999h", "too long");
	dur_bad("1000000w", "too long");
	dur_bad("36601d", "too long");
}

static void test_format(void **state)
{
	char buf[32];
	static const struct {
		int64_t secs;
		const char *text;
	} cases[] = {
		{ 0, "0s" }, { 45, "45s" }, { 60, "1m" }, { 5400, "1h30m" }, { 7200, "2h" },
		{ 86400, "1d" }, { 3 * 86400 + 60, "3d1m" }, { 86400 + 7200 + 180 + 4, "1d2h3m4s" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t back;

		assert_int_equal(rb_duration_format(cases[i].secs, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].text);
		back = dur_ok(buf);
		assert_int_equal(back, cases[i].secs);
	}
	assert_int_equal(rb_duration_format(-1, buf, sizeof(buf)), -1);
	assert_int_equal(rb_duration_format(5400, buf, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}
