/*
 * Weekly opening-hours specs ("mon-fri 08:30-12:00,13:30-18:00; sat
 * 09:00-12:00"), one day's windows, dates, ISO weeks and local minutes.
 * Expected instants and weeks were computed independently (Python's
 * zoneinfo and date.isocalendar()).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook/rbtime.h"

#define MAXW 100

/* Parse spec, then format it back: the result must be want. */
static void round_trip(const char *spec, const char *want)
{
	struct rb_weekly_window w[MAXW];
	char err[256] = "", out[RB_WEEKLY_TEXT];
	size_t n = 0;

	if (rb_weekly_parse(spec, w, MAXW, &n, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", spec, err);
	assert_int_equal(rb_weekly_format(w, n, out, sizeof(out)), 0);
	if (strcmp(out, want) != 0)
		fail_msg("'%s' formats as '%s', not '%s'", spec, out, want);
	/* and the formatted text parses to the same windows */
	struct rb_weekly_window w2[MAXW];
	size_t n2 = 0;

	if (rb_weekly_parse(out, w2, MAXW, &n2, err, sizeof(err)) != 0)
		fail_msg("'%s' (formatted) refused: %s", out, err);
	assert_int_equal(n2, n);
	assert_memory_equal(w2, w, n * sizeof(w[0]));
}

/* The spec is refused, and the message contains want. */
static void weekly_bad(const char *spec, const char *want)
{
	struct rb_weekly_window w[MAXW];
	char err[256] = "";
	size_t n = 99;

	if (rb_weekly_parse(spec, w, MAXW, &n, err, sizeof(err)) == 0)
		fail_msg("'%s' was accepted (%zu windows)", spec, n);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': message \"%s\" lacks \"%s\"", spec, err, want);
}

static void test_weekly_parse(void **state)
{
	struct rb_weekly_window w[MAXW];
	char err[256];
	size_t n;

	assert_int_equal(rb_weekly_parse("mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00", w, MAXW,
					 &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 11);
	assert_int_equal(w[0].weekday, 1);
	assert_int_equal(w[0].opens, 510);
	assert_int_equal(w[0].closes, 720);
	assert_int_equal(w[1].weekday, 1);
	assert_int_equal(w[1].opens, 810);
	assert_int_equal(w[1].closes, 1080);
	assert_int_equal(w[9].weekday, 5);
	assert_int_equal(w[10].weekday, 6);
	assert_int_equal(w[10].opens, 540);
	assert_int_equal(w[10].closes, 720);

	/* 24:00 as an end, a whole day */
	assert_int_equal(rb_weekly_parse("sun 00:00-24:00", w, MAXW, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].weekday, 7);
	assert_int_equal(w[0].opens, 0);
	assert_int_equal(w[0].closes, 1440);

	/* the limit on windows */
	assert_int_equal(rb_weekly_parse("mon-sun 08:00-09:00,10:00-11:00", w, 13, &n, err,
					 sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "more than 13 windows"));
}

static void test_weekly_round_trip(void **state)
{
	round_trip("mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00",
		   "mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00");
	/* order, case, blanks and a trailing ';' do not matter */
	round_trip("  SAT 09:00-12:00 ;Mon - Fri  13:30-18:00 , 08:30 - 12:00; ",
		   "mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00");
	/* comma lists of days, and equal days grouped even when apart */
	round_trip("mon,wed 09:00-12:00", "mon,wed 09:00-12:00");
	round_trip("mon 09:00-12:00; wed 09:00-12:00; fri 09:00-12:00; tue 10:00-11:00",
		   "mon,wed,fri 09:00-12:00; tue 10:00-11:00");
	round_trip("mon-wed,fri 09:00-17:00; sat-sun 10:00-14:00",
		   "mon-wed,fri 09:00-17:00; sat-sun 10:00-14:00");
	/* one day's windows given in two groups */
	round_trip("mon-fri 08:30-12:00; mon-fri 13:30-18:00", "mon-fri 08:30-12:00,13:30-18:00");
	round_trip("mon-fri 18:00-24:00; sat-sun 00:00-24:00",
		   "mon-fri 18:00-24:00; sat-sun 00:00-24:00");
	round_trip("mon-sun 00:00-24:00", "mon-sun 00:00-24:00");
	/* touching windows stay as given */
	round_trip("thu 08:00-12:00,12:00-13:00", "thu 08:00-12:00,12:00-13:00");
}

static void test_weekly_bad(void **state)
{
	weekly_bad("", "no opening hours given");
	weekly_bad(" ; ", "no opening hours given");
	weekly_bad("monday 09:00-12:00", "'monday' is not a day");
	weekly_bad("mon-fry 09:00-12:00", "'fry' is not a day");
	weekly_bad("09:00-12:00", "say which days first");
	weekly_bad("mon-fri", "no times given");
	weekly_bad("mon-fri 08:30-12:00; sat", "in 'sat': no times given");
	weekly_bad("mon-fri 8:30-12:00", "'8:30' is not a time of day");
	weekly_bad("mon-fri 08:30-25:00", "'25:00' is not a time of day");
	weekly_bad("mon-fri 08:60-12:00", "'08:60' is not a time of day");
	weekly_bad("mon-fri 24:00-24:00", "'24:00' is not a time of day: use HH:MM from 00:00 to 23:59");
	weekly_bad("mon-fri 24:30", "'24:30' is not a window");
	weekly_bad("mon-fri 12:00-08:30", "12:00-08:30 closes before it opens");
	weekly_bad("mon-fri 09:00-09:00", "closes before it opens");
	weekly_bad("mon-fri 08:30-12:00,", "an empty window");
	weekly_bad("mon,,fri 08:30-12:00", "an empty day");
	weekly_bad("sat-mon 09:00-12:00", "write sat-sun,mon instead of sat-mon");
	weekly_bad("fri-tue 09:00-12:00", "write fri-sun,mon-tue instead of fri-tue");
	weekly_bad("mon-mon 09:00-12:00", "is one day: write mon");
	weekly_bad("mon-fri,wed 09:00-12:00", "wed is named twice");
	weekly_bad("mon-fri 08:00-12:00; mon 11:00-13:00", "mon: 08:00-12:00 and 11:00-13:00 overlap");
	weekly_bad("tue 08:00-12:00,08:00-12:00", "tue: 08:00-12:00 and 08:00-12:00 overlap");
	weekly_bad("mon-fri 08:30-12:00 13:30-18:00", "'12:00 13:30-18:00' is not a time of day");
	weekly_bad("mon-fri 08:30-12:00; sat 0900-1200", "in 'sat 0900-1200': '0900'");
}

static void test_day_windows(void **state)
{
	struct rb_day_window w[8];
	char err[256], out[128];
	size_t n;

	assert_int_equal(rb_day_windows_parse("13:00-15:00, 09:00-12:00", w, 8, &n, err, sizeof(err)),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].opens, 540);
	assert_int_equal(w[1].closes, 900);
	assert_int_equal(rb_day_windows_format(w, n, out, sizeof(out)), 0);
	assert_string_equal(out, "09:00-12:00,13:00-15:00");
	assert_int_equal(rb_day_windows_parse("00:00-24:00", w, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(w[0].closes, 1440);

	assert_int_equal(rb_day_windows_parse("", w, 8, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no windows given"));
	assert_int_equal(rb_day_windows_parse("09:00-12:00,11:00-13:00", w, 8, &n, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "09:00-12:00 and 11:00-13:00 overlap");
	assert_int_equal(rb_day_windows_parse("mon 09:00-12:00", w, 8, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'mon 09:00' is not a time of day"));
	assert_int_equal(rb_day_windows_parse("09:00-12:00,13:00-14:00", w, 1, &n, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "more than 1 windows"));

	/* formatting refuses what is not a window */
	w[0].opens = 600;
	w[0].closes = 600;
	assert_int_equal(rb_day_windows_format(w, 1, out, sizeof(out)), -1);
	assert_int_equal(rb_day_windows_format(w, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_weekly_format_limits(void **state)
{
	struct rb_weekly_window w[2] = { { 1, 540, 720 }, { 8, 540, 720 } };
	char small[8];

	assert_int_equal(rb_weekly_format(w, 2, small, sizeof(small)), -1);
	assert_int_equal(rb_weekly_format(w, 1, small, sizeof(small)), -1); /* too small */
	assert_int_equal(rb_weekly_format(w, 0, small, sizeof(small)), 0);
	assert_string_equal(small, "");
}

static void test_dates(void **state)
{
	struct rb_date d, e;
	char err[256], buf[RB_DATE_TEXT];

	assert_int_equal(rb_date_parse("2026-12-03", &d, err, sizeof(err)), 0);
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.month, 12);
	assert_int_equal(d.day, 3);
	assert_int_equal(rb_date_weekday(&d), 4);
	e = rb_date_add(&d, 29);
	rb_date_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "2027-01-01");
	assert_int_equal(rb_date_weekday(&e), 5);
	assert_int_equal(rb_date_diff(&d, &e), 29);
	e = rb_date_add(&d, -3);
	rb_date_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-30");

	assert_int_equal(rb_date_parse("2026-02-29", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "February 2026 has 28 days"));
	assert_int_equal(rb_date_parse("2026-12-03 10:00", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a date"));
	assert_int_equal(rb_date_parse("2026-13-01", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no month 13"));
}

static void week_is(const char *date, const char *want)
{
	struct rb_date d;
	char err[128], buf[RB_DATE_TEXT];

	assert_int_equal(rb_date_parse(date, &d, err, sizeof(err)), 0);
	rb_iso_week_format(&d, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("%s lies in %s, not %s", date, buf, want);
}

static void monday_is(const char *week, const char *want)
{
	struct rb_date d;
	char err[128], buf[RB_DATE_TEXT];

	if (rb_iso_week_parse(week, &d, err, sizeof(err)) != 0)
		fail_msg("%s refused: %s", week, err);
	rb_date_format(&d, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("%s starts on %s, not %s", week, buf, want);
}

static void test_iso_weeks(void **state)
{
	struct rb_date d;
	char err[128];

	week_is("2026-12-03", "2026-W49");
	week_is("2026-01-01", "2026-W01");
	week_is("2027-01-01", "2026-W53");
	week_is("2020-12-31", "2020-W53");
	week_is("2021-01-03", "2020-W53");
	week_is("2024-12-30", "2025-W01");
	week_is("2026-12-28", "2026-W53");
	monday_is("2026-W49", "2026-11-30");
	monday_is("2026-w49", "2026-11-30");
	monday_is("2026-W01", "2025-12-29");
	monday_is("2020-W53", "2020-12-28");
	monday_is("2026-W53", "2026-12-28");

	assert_int_equal(rb_iso_week_parse("2021-W53", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "2021 has weeks W01 to W52"));
	assert_int_equal(rb_iso_week_parse("2026-W00", &d, err, sizeof(err)), -1);
	assert_int_equal(rb_iso_week_parse("2026-W9", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "use YYYY-Www"));
	assert_int_equal(rb_iso_week_parse("2026-49", &d, err, sizeof(err)), -1);
	assert_int_equal(rb_iso_week_parse("2026-W49x", &d, err, sizeof(err)), -1);
}

static void test_local_minutes(void **state)
{
	struct rb_date d = { 2026, 12, 3 }, back;
	int64_t t;
	int minute;

	/* 24:00 is the next midnight */
	assert_int_equal(rb_time_at(&d, 1440, "Asia/Shanghai", &t), 0);
	assert_int_equal(t, 1796313600);
	assert_int_equal(rb_time_local(t - 60, "Asia/Shanghai", &back, &minute), 0);
	assert_int_equal(back.day, 3);
	assert_int_equal(minute, 1439);
	assert_int_equal(rb_time_local(t, "Asia/Shanghai", &back, &minute), 0);
	assert_int_equal(back.day, 4);
	assert_int_equal(minute, 0);

	/* Berlin skips 02:00-03:00 on 2026-03-29: 02:00 and 02:30 become 03:00 */
	d = (struct rb_date){ 2026, 3, 29 };
	assert_int_equal(rb_time_at(&d, 0, "Europe/Berlin", &t), 0);
	assert_int_equal(t, 1774738800);
	assert_int_equal(rb_time_at(&d, 120, "Europe/Berlin", &t), 0);
	assert_int_equal(t, 1774746000);
	assert_int_equal(rb_time_at(&d, 150, "Europe/Berlin", &t), 0);
	assert_int_equal(t, 1774746000);
	assert_int_equal(rb_time_at(&d, 180, "Europe/Berlin", &t), 0);
	assert_int_equal(t, 1774746000);

	/* and passes 02:00-03:00 twice on 2026-10-25: the earlier instant */
	d = (struct rb_date){ 2026, 10, 25 };
	assert_int_equal(rb_time_at(&d, 120, "Europe/Berlin", &t), 0);
	assert_int_equal(t, 1792886400);
	assert_int_equal(rb_time_at(&d, 180, "Europe/Berlin", &t), 0);
	assert_int_equal(t, 1792893600);

	assert_int_equal(rb_time_at(&d, 1441, "Europe/Berlin", &t), -1);
	assert_int_equal(rb_time_at(&d, 60, "No/Such_Zone", &t), -1);
	assert_int_equal(rb_time_local(0, "No/Such_Zone", &back, &minute), -1);
}

static void test_names(void **state)
{
	char buf[8];

	assert_string_equal(rb_weekday_name(1), "mon");
	assert_string_equal(rb_weekday_name(7), "sun");
	assert_string_equal(rb_weekday_name(0), "?");
	rb_minute_format(1440, buf, sizeof(buf));
	assert_string_equal(buf, "24:00");
	rb_minute_format(510, buf, sizeof(buf));
	assert_string_equal(buf, "08:30");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekly_parse),
		cmocka_unit_test(test_weekly_round_trip),
		cmocka_unit_test(test_weekly_bad),
		cmocka_unit_test(test_day_windows),
		cmocka_unit_test(test_weekly_format_limits),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_iso_weeks),
		cmocka_unit_test(test_local_minutes),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
