/*
 * Times in zones: Asia/Shanghai (no DST), Europe/Berlin across both 2026
 * changes, America/Santiago (the clocks skip midnight), offsets, bad input.
 * Expected instants were computed independently (Python's zoneinfo).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook/rbtime.h"

static int64_t parse_ok(const char *s, const char *tz)
{
	char err[256] = "";
	int64_t t = -1;

	if (rb_time_parse(s, tz, &t, err, sizeof(err)) != 0)
		fail_msg("'%s' in %s: %s", s, tz ? tz : "(local)", err);
	return t;
}

/* Parsing fails, and the message contains want. */
static void parse_bad(const char *s, const char *tz, const char *want)
{
	char err[256] = "";
	int64_t t = 12345;

	if (rb_time_parse(s, tz, &t, err, sizeof(err)) == 0)
		fail_msg("'%s' in %s was accepted as %lld", s, tz ? tz : "(local)", (long long)t);
	assert_int_equal(t, 12345);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': message \"%s\" lacks \"%s\"", s, err, want);
}

static void test_shanghai(void **state)
{
	assert_int_equal(parse_ok("2026-12-03 10:00", "Asia/Shanghai"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03T10:00", "Asia/Shanghai"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03 10:00:00", "Asia/Shanghai"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03 10:00:59", "Asia/Shanghai"), 1796263259);
	assert_int_equal(parse_ok("2026-12-03", "Asia/Shanghai"), 1796263200 - 10 * 3600);
	assert_int_equal(parse_ok("2026-12-03 00:00", "UTC"), 1796263200 - 2 * 3600);
}

static void test_offsets(void **state)
{
	/* the zone is ignored when an offset is given, even a bogus one */
	assert_int_equal(parse_ok("2026-12-03 10:00+08:00", "Europe/Berlin"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03 10:00+0800", "Europe/Berlin"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03 10:00+08", "Europe/Berlin"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03 10:00 +08:00", "No/Such_Zone"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03T02:00Z", "Asia/Shanghai"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03 02:00:00 Z", NULL), 1796263200);
	assert_int_equal(parse_ok("2026-12-02 21:00-05:00", "Asia/Shanghai"), 1796263200);
	assert_int_equal(parse_ok("2026-12-02 20:30-0530", "Asia/Shanghai"), 1796263200);
	assert_int_equal(parse_ok("2026-12-03 02:00-00:00", "Asia/Shanghai"), 1796263200);
	/* the later of the two 02:30s of 2026-10-25 in Berlin, named by its offset */
	assert_int_equal(parse_ok("2026-10-25 02:30+01:00", "Europe/Berlin"), 1792891800);
	assert_int_equal(parse_ok("2026-10-25 02:30+02:00", "Europe/Berlin"), 1792888200);
}

static void test_berlin_spring_gap(void **state)
{
	assert_int_equal(parse_ok("2026-03-29 01:59", "Europe/Berlin"), 1774745940);
	assert_int_equal(parse_ok("2026-03-29 01:59:59", "Europe/Berlin"), 1774745999);
	assert_int_equal(parse_ok("2026-03-29 03:00", "Europe/Berlin"), 1774746000);
	assert_int_equal(parse_ok("2026-03-29", "Europe/Berlin"), 1774738800);
	parse_bad("2026-03-29 02:00", "Europe/Berlin",
		  "2026-03-29 02:00 does not exist in Europe/Berlin (the clocks go forward)");
	parse_bad("2026-03-29 02:30", "Europe/Berlin",
		  "2026-03-29 02:30 does not exist in Europe/Berlin (the clocks go forward)");
	parse_bad("2026-03-29 02:59:59", "Europe/Berlin",
		  "2026-03-29 02:59:59 does not exist in Europe/Berlin");
	parse_bad("2027-03-28 02:30", "Europe/Berlin",
		  "2027-03-28 02:30 does not exist in Europe/Berlin (the clocks go forward)");
	/* the same wall time is fine a week earlier and in a zone without DST */
	assert_int_equal(parse_ok("2026-03-22 02:30", "Europe/Berlin"), 1774745940 - 7 * 86400 + 31 * 60);
	parse_ok("2026-03-29 02:30", "Asia/Shanghai");
}

static void test_berlin_autumn_fold(void **state)
{
	assert_int_equal(parse_ok("2026-10-25 01:59", "Europe/Berlin"), 1792886340);
	/* 02:00-02:59:59 happens twice; the earlier (CEST) instant is taken */
	assert_int_equal(parse_ok("2026-10-25 02:00", "Europe/Berlin"), 1792886400);
	assert_int_equal(parse_ok("2026-10-25 02:30", "Europe/Berlin"), 1792888200);
	assert_int_equal(parse_ok("2026-10-25 02:59:59", "Europe/Berlin"), 1792889999);
	assert_int_equal(parse_ok("2026-10-25 03:00", "Europe/Berlin"), 1792893600);
}

static void test_day_starts_after_gap(void **state)
{
	char err[256];
	int64_t t;

	/* Chile skips 2026-09-06 00:00-00:59: that day begins at 01:00 -03 */
	assert_int_equal(parse_ok("2026-09-06", "America/Santiago"), 1788667200);
	parse_bad("2026-09-06 00:30", "America/Santiago", "does not exist in America/Santiago");
	assert_int_equal(rb_time_parse_until("2026-09-05", "America/Santiago", &t, err, sizeof(err)), 0);
	assert_int_equal(t, 1788667200);
}

static void test_until(void **state)
{
	char err[256];
	int64_t t;

	/* a bare date as an end means the end of that day */
	assert_int_equal(rb_time_parse_until("2026-12-31", "Asia/Shanghai", &t, err, sizeof(err)), 0);
	assert_int_equal(t, 1798732800);
	/* Berlin's 2026-03-29 is 23 hours long, 2026-10-25 25 hours */
	assert_int_equal(rb_time_parse_until("2026-03-29", "Europe/Berlin", &t, err, sizeof(err)), 0);
	assert_int_equal(t, 1774738800 + 23 * 3600);
	assert_int_equal(rb_time_parse_until("2026-10-25", "Europe/Berlin", &t, err, sizeof(err)), 0);
	assert_int_equal(t, 1792886340 + 60 - 2 * 3600 + 25 * 3600);
	/* with a time it is the same as rb_time_parse */
	assert_int_equal(rb_time_parse_until("2026-12-03 10:00", "Asia/Shanghai", &t, err, sizeof(err)), 0);
	assert_int_equal(t, 1796263200);
}

static void test_bad_input(void **state)
{
	const char *tz = "Asia/Shanghai";

	parse_bad("2026-13-01 10:00", tz, "there is no month 13");
	parse_bad("2026-00-01 10:00", tz, "there is no month 0");
	parse_bad("2026-02-30 10:00", tz, "February 2026 has 28 days");
	parse_bad("2026-02-29", tz, "February 2026 has 28 days");
	parse_ok("2028-02-29 10:00", tz);
	parse_bad("2100-02-29 10:00", tz, "February 2100 has 28 days");
	parse_ok("2000-02-29 10:00", tz);
	parse_bad("2026-04-31 10:00", tz, "April 2026 has 30 days");
	parse_bad("2026-12-00 10:00", tz, "December 2026 has 31 days");
	parse_bad("2026-12-03 24:00", tz, "time of day");
	parse_bad("2026-12-03 10:60", tz, "time of day");
	parse_bad("2026-12-03 10:00:60", tz, "time of day");
	parse_bad("2026-12-03 10:00+24:00", tz, "offset");
	parse_bad("2026-12-03 10:00+08:60", tz, "offset");
	parse_bad("0999-12-03 10:00", tz, "0999-12-03 10:00 is before 1970");
	parse_bad("10000-01-01 10:00", tz, "");

	static const char *const garbage[] = {
		"",
		"2026-12-03 10:00x",
		"2026-12-03 10:00 ",
		" 2026-12-03 10:00",
		"2026-12-03  10:00",
		"2026-12-03 10",
		"2026-12-03 10:0",
		"2026-12-03 1:00",
		"2026-12-3 10:00",
		"2026-1-03 10:00",
		"26-12-03 10:00",
		"2026/12/03 10:00",
		"2026-12-03T",
		"2026-12-03 ",
		"2026-12-03Z",
		"2026-12-03 10:00+8",
		"2026-12-03 10:00+08:0",
		"2026-12-03 10:00+08:00:00",
		"2026-12-03 10:00ZZ",
		"2026-12-03 10:00 Z ",
		"2026-12-03 10:00:5",
		"2026-12-03 10:00:00.5",
		"２０２６-12-03 10:00",
		"tomorrow",
		"2026-12-03 10:00\n",
	};
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		parse_bad(garbage[i], tz, "is not a time");
}

/* The range both sides accept: 1970-01-01 00:00 UTC to the end of 9999, UTC. */
static void test_range(void **state)
{
	char err[256];
	int64_t t;

	parse_bad("1969-12-31 09:00", "Asia/Shanghai",
		  "1969-12-31 09:00 is before 1970: rigbook's times begin at 1970-01-01 00:00 UTC");
	parse_bad("1900-01-01", "UTC", "is before 1970");
	/* midnight in Shanghai is 16:00 the day before in UTC */
	parse_bad("1970-01-01 00:00", "Asia/Shanghai", "is before 1970");
	assert_int_equal(rb_time_parse("1970-01-01 08:00", "Asia/Shanghai", &t, err, sizeof(err)), 0);
	assert_int_equal(t, RB_TIME_MIN);
	/* a 1969 local time that is 1970 in UTC is fine */
	assert_int_equal(rb_time_parse("1969-12-31 20:00-05:00", NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t, 3600);
	assert_int_equal(rb_time_parse("9999-12-31 23:59:59Z", NULL, &t, err, sizeof(err)), 0);
	assert_int_equal(t, RB_TIME_MAX);
	parse_bad("9999-12-31 23:00-05:00", NULL, "is after 9999");
	assert_int_not_equal(rb_time_parse_until("9999-12-31", "UTC", &t, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "is after 9999"));
}

static void test_zones(void **state)
{
	char err[256];

	assert_int_equal(rb_time_zone_check("Asia/Shanghai", err, sizeof(err)), 0);
	assert_int_equal(rb_time_zone_check("Europe/Berlin", err, sizeof(err)), 0);
	assert_int_equal(rb_time_zone_check("UTC", err, sizeof(err)), 0);
	assert_int_equal(rb_time_zone_check("Mars/Olympus_Mons", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown time zone Mars/Olympus_Mons"));
	/* a directory, a non-zone file, escapes out of the zone directory */
	assert_int_equal(rb_time_zone_check("Europe", err, sizeof(err)), -1);
	assert_int_equal(rb_time_zone_check("zone.tab", err, sizeof(err)), -1);
	assert_int_equal(rb_time_zone_check("../../../etc/localtime", err, sizeof(err)), -1);
	assert_int_equal(rb_time_zone_check("Europe/../Asia/Shanghai", err, sizeof(err)), -1);
	assert_int_equal(rb_time_zone_check("/usr/share/zoneinfo/UTC", err, sizeof(err)), -1);
	assert_int_equal(rb_time_zone_check("Asia/Shanghai/", err, sizeof(err)), -1);
	assert_int_equal(rb_time_zone_check("", err, sizeof(err)), -1);
	assert_int_equal(rb_time_zone_check("Asia/Shang hai", err, sizeof(err)), -1);
	parse_bad("2026-12-03 10:00", "Mars/Olympus_Mons", "unknown time zone");
	parse_bad("2026-12-03 10:00", "../etc/passwd", "not a valid time zone name");
}

static void test_format(void **state)
{
	char buf[RB_WINDOW_TEXT];

	assert_int_equal(rb_time_format(1796263200, "Asia/Shanghai", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-12-03 10:00");
	assert_int_equal(rb_time_format(1796263259, "Asia/Shanghai", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-12-03 10:00:59");
	assert_int_equal(rb_time_format(1796263200, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-12-03 03:00");
	/* both 02:30s of the Berlin fold: told apart by their offsets */
	assert_int_equal(rb_time_format(1792888200, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-10-25 02:30+02:00");
	assert_int_equal(rb_time_format(1792891800, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-10-25 02:30+01:00");
	/* the hour before and after the fold is not ambiguous */
	assert_int_equal(rb_time_format(1792888200 - 3600, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-10-25 01:30");
	assert_int_equal(rb_time_format(1792891800 + 3600, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-10-25 03:30");
	/* too small a buffer, unknown zone */
	assert_int_equal(rb_time_format(1796263200, "Asia/Shanghai", buf, 10), -1);
	assert_int_equal(rb_time_format(1796263200, "Mars/Olympus_Mons", buf, sizeof(buf)), -1);
}

static void test_window(void **state)
{
	char buf[RB_WINDOW_TEXT];
	const int64_t t = 1796263200; /* 2026-12-03 10:00 in Shanghai */

	assert_int_equal(rb_time_window(t, t + 7200, "Asia/Shanghai", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10:00-12:00 on 2026-12-03");
	/* ending at midnight is still that day */
	assert_int_equal(rb_time_window(t + 12 * 3600, t + 14 * 3600, "Asia/Shanghai", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "22:00-00:00 on 2026-12-03");
	assert_int_equal(rb_time_window(t + 12 * 3600, t + 14 * 3600 + 60, "Asia/Shanghai", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-12-03 22:00 to 2026-12-04 00:01");
	assert_int_equal(rb_time_window(t, t + 2 * 86400 + 7200, "Asia/Shanghai", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-12-03 10:00 to 2026-12-05 12:00");
	/* over the Berlin fold: 01:30 CEST to 02:30 CET is two hours */
	assert_int_equal(rb_time_window(1792891800 - 7200, 1792891800, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "01:30-02:30+01:00 on 2026-10-25");
	/* two bookings in the repeated hour */
	assert_int_equal(rb_time_window(1792888200, 1792888200 + 900, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "02:30+02:00-02:45+02:00 on 2026-10-25");
	assert_int_equal(rb_time_window(1792891800, 1792891800 + 900, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "02:30+01:00-02:45+01:00 on 2026-10-25");
	/* one precision for both ends */
	assert_int_equal(rb_time_window(t, t + 2, "Asia/Shanghai", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10:00:00-10:00:02 on 2026-12-03");
	assert_int_equal(rb_time_window(t, t + 7200, "Asia/Shanghai", buf, 20), -1);
}

static void test_tz_restored(void **state)
{
	char buf[RB_TIME_TEXT];
	int64_t t;

	assert_int_equal(setenv("TZ", "America/New_York", 1), 0);
	assert_int_equal(parse_ok("2026-12-03 10:00", "Asia/Shanghai"), 1796263200);
	assert_int_equal(rb_time_format(1796263200, "Europe/Berlin", buf, sizeof(buf)), 0);
	assert_string_equal(getenv("TZ"), "America/New_York");
	/* NULL means the process's zone */
	t = parse_ok("2026-12-02 21:00", NULL);
	assert_int_equal(t, 1796263200);
	assert_int_equal(rb_time_format(t, "", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-12-02 21:00");

	assert_int_equal(unsetenv("TZ"), 0);
	parse_ok("2026-12-03 10:00", "Asia/Shanghai");
	assert_null(getenv("TZ"));
}

/* A catalogue of two entries, the way a client's gettext answers. */
static const char *fake_translate(const char *msgid)
{
	if (strcmp(msgid, "%.40s: %s %d has %d days") == 0)
		return "%1$.40s: %3$d/%2$s: %4$d";
	if (strcmp(msgid, "February") == 0)
		return "II";
	return msgid;
}

/* rb_time_translate: the messages and the months' names looked up; NULL is English. */
static void test_translate(void **state)
{
	char err[256];
	struct rb_date d;
	int64_t t;

	rb_time_translate = fake_translate;
	assert_int_equal(rb_date_parse("2026-02-30", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "2026-02-30: 2026/II: 28");
	assert_int_equal(rb_time_parse("x", "UTC", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "x is not a time: use YYYY-MM-DD HH:MM"));
	rb_time_translate = NULL;
	assert_int_equal(rb_date_parse("2026-02-30", &d, err, sizeof(err)), -1);
	assert_string_equal(err, "2026-02-30: February 2026 has 28 days");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shanghai),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_berlin_spring_gap),
		cmocka_unit_test(test_berlin_autumn_fold),
		cmocka_unit_test(test_day_starts_after_gap),
		cmocka_unit_test(test_until),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_tz_restored),
		cmocka_unit_test(test_translate),
	};

	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
