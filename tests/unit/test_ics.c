/*
 * The iCalendar writer: TEXT escaping, folding at 75 octets (UTF-8 and
 * escapes kept whole), CRLF everywhere, status per state, and whole
 * calendars compared byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook/ics.h"

/* What ics_put_line writes for line, as a malloc'd string. */
static char *folded(const char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ics_put_line(f, line);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *calendar(Rigbook__Booking *const *b, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ics_write_calendar(f, b, n, "test-space", 1795914123), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Every line of s ends in CRLF, and there is no CR or LF anywhere else. */
static void assert_crlf_only(const char *s)
{
	size_t n = strlen(s), i;

	assert_true(n >= 2);
	assert_memory_equal(s + n - 2, "\r\n", 2);
	for (i = 0; i < n; i++) {
		if (s[i] == '\r')
			assert_int_equal(s[i + 1], '\n');
		if (s[i] == '\n')
			assert_true(i > 0 && s[i - 1] == '\r');
	}
}

/*
 * Each physical line of s is at most 75 octets, a continuation starts with
 * one space followed by no UTF-8 continuation byte, no line ends in the
 * middle of an escape, and unfolding gives back want.
 */
static void assert_folds_to(const char *s, const char *want)
{
	char *unfolded = malloc(strlen(s) + 1);
	const char *p = s;
	size_t o = 0;
	int first = 1;

	assert_non_null(unfolded);
	while (*p != '\0') {
		const char *eol = strstr(p, "\r\n");
		size_t len, backslashes = 0;

		assert_non_null(eol);
		len = (size_t)(eol - p);
		assert_true(len <= ICS_LINE_MAX);
		if (!first) {
			assert_int_equal(p[0], ' ');
			assert_true(len >= 2);
			assert_int_not_equal((unsigned char)p[1] & 0xc0, 0x80);
			p++;
			len--;
		}
		/* an odd run of backslashes at the end would split an escape */
		while (backslashes < len && p[len - 1 - backslashes] == '\\')
			backslashes++;
		if (eol[2] != '\0')
			assert_int_equal(backslashes % 2, 0);
		memcpy(unfolded + o, p, len);
		o += len;
		p = eol + 2;
		first = 0;
	}
	unfolded[o] = '\0';
	assert_string_equal(unfolded, want);
	free(unfolded);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ------------------------------------------------------------ escaping */

static void check_escape(const char *in, const char *want)
{
	char *e = ics_escape_text(in);

	assert_non_null(e);
	assert_string_equal(e, want);
	free(e);
}

static void test_escape(void **state)
{
	check_escape("plain text", "plain text");
	check_escape("a\\b", "a\\\\b");
	check_escape("a;b,c", "a\\;b\\,c");
	check_escape("one\ntwo", "one\\ntwo");
	check_escape("one\r\ntwo", "one\\ntwo");
	check_escape("one\rtwo", "one\\ntwo");
	check_escape("\n\n", "\\n\\n");
	check_escape("end\\", "end\\\\");
	/* colon and double quote need nothing in TEXT; a tab stays */
	check_escape("time: \"10:00\"\tok", "time: \"10:00\"\tok");
	/* other control characters cannot be in TEXT */
	check_escape("bell\x07" "del\x7f", "bell?del?");
	/* UTF-8 stays, invalid bytes become U+FFFD */
	check_escape("测试 café €", "测试 café €");
	check_escape("bad\xff" "byte", "bad\xef\xbf\xbd" "byte");
	check_escape("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	check_escape("", "");
	check_escape(NULL, "");
}

/* ------------------------------------------------------------ folding */

static void test_fold_ascii_at_75(void **state)
{
	char *a75 = repeat('a', 75), *a76 = repeat('a', 76), *a149 = repeat('a', 149);
	char *a150 = repeat('a', 150), *out, *want;

	out = folded(a75);
	assert_int_equal(asprintf(&want, "%s\r\n", a75), 77);
	assert_string_equal(out, want);
	free(out);
	free(want);

	/* one octet more: 75, then a space and the last one */
	out = folded(a76);
	assert_int_equal(asprintf(&want, "%s\r\n a\r\n", a75), 81);
	assert_string_equal(out, want);
	free(out);
	free(want);

	/* a continuation holds 74 octets after its space */
	out = folded(a149);
	assert_int_equal(asprintf(&want, "%s\r\n %s\r\n", a75, a75 + 1), 154);
	assert_string_equal(out, want);
	free(out);
	free(want);
	out = folded(a150);
	assert_int_equal(asprintf(&want, "%s\r\n %s\r\n a\r\n", a75, a75 + 1), 158);
	assert_string_equal(out, want);
	free(out);
	free(want);

	out = folded("");
	assert_string_equal(out, "\r\n");
	free(out);
	free(a75);
	free(a76);
	free(a149);
	free(a150);
}

static void test_fold_utf8_at_boundary(void **state)
{
	char *a73 = repeat('a', 73), *a74 = repeat('a', 74), *a72 = repeat('a', 72);
	char *line, *out, *want;

	/* a two-octet é that ends at octet 75 stays on the line */
	assert_true(asprintf(&line, "%s\xc3\xa9", a73) > 0);
	out = folded(line);
	assert_true(asprintf(&want, "%s\xc3\xa9\r\n", a73) > 0);
	assert_string_equal(out, want);
	free(line);
	free(out);
	free(want);

	/* one that would end at octet 76 goes whole to the next line */
	assert_true(asprintf(&line, "%s\xc3\xa9", a74) > 0);
	out = folded(line);
	assert_true(asprintf(&want, "%s\r\n \xc3\xa9\r\n", a74) > 0);
	assert_string_equal(out, want);
	free(line);
	free(out);
	free(want);

	/* three-octet € across 74..76: the line stops at 73 */
	assert_true(asprintf(&line, "%s\xe2\x82\xac" "b", a73) > 0);
	out = folded(line);
	assert_true(asprintf(&want, "%s\r\n \xe2\x82\xac" "b\r\n", a73) > 0);
	assert_string_equal(out, want);
	free(line);
	free(out);
	free(want);

	/* four-octet 😀 exactly filling 72..75 stays */
	assert_true(asprintf(&line, "%s\xf0\x9f\x98\x80" "b", a72 + 1) > 0);
	out = folded(line);
	assert_true(asprintf(&want, "%s\xf0\x9f\x98\x80\r\n b\r\n", a72 + 1) > 0);
	assert_string_equal(out, want);
	free(line);
	free(out);
	free(want);

	/* an escape is not split either: \n would take octets 75 and 76 */
	assert_true(asprintf(&line, "%s\\nb", a74) > 0);
	out = folded(line);
	assert_true(asprintf(&want, "%s\r\n \\nb\r\n", a74) > 0);
	assert_string_equal(out, want);
	free(line);
	free(out);
	free(want);
	free(a72);
	free(a73);
	free(a74);
}

/* Every offset of every kind of character against the boundary of every line. */
static void test_fold_any_offset(void **state)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe6\xb5\x8b", "\xf0\x9f\x98\x80",
					      "\\;", "x" };
	size_t k, c, r;

	for (k = 0; k < 80; k++) {
		for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
			char *pad = repeat('a', k), *line, *out;
			size_t len = k, cl = strlen(chars[c]);

			line = malloc(k + 60 * cl + 1);
			assert_non_null(line);
			memcpy(line, pad, k);
			for (r = 0; r < 60; r++, len += cl)
				memcpy(line + len, chars[c], cl);
			line[len] = '\0';
			out = folded(line);
			assert_crlf_only(out);
			assert_folds_to(out, line);
			free(out);
			free(line);
			free(pad);
		}
	}
}

/* ------------------------------------------------------------ values */

static void test_status_per_state(void **state)
{
	assert_string_equal(ics_status(RIGBOOK__BOOKING_STATE__REQUESTED), "TENTATIVE");
	assert_string_equal(ics_status(RIGBOOK__BOOKING_STATE__CONFIRMED), "CONFIRMED");
	assert_string_equal(ics_status(RIGBOOK__BOOKING_STATE__CHECKED_IN), "CONFIRMED");
	assert_string_equal(ics_status(RIGBOOK__BOOKING_STATE__COMPLETED), "CONFIRMED");
	assert_string_equal(ics_status(RIGBOOK__BOOKING_STATE__NO_SHOW), "CONFIRMED");
	assert_string_equal(ics_status(RIGBOOK__BOOKING_STATE__CANCELLED), "CANCELLED");
	assert_string_equal(ics_status(RIGBOOK__BOOKING_STATE__DECLINED), "CANCELLED");
}

static void test_utc_text_and_domain(void **state)
{
	char buf[64];

	ics_utc_text(1796263200, buf, sizeof(buf));
	assert_string_equal(buf, "20261203T020000Z");
	ics_utc_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "19700101T000000Z");

	assert_string_equal(ics_domain("test-space", "rig.example:4433", buf, sizeof(buf)),
			    "test-space");
	assert_string_equal(ics_domain("", "rig.example:4433", buf, sizeof(buf)), "rig.example");
	assert_string_equal(ics_domain(NULL, "[::1]:4433", buf, sizeof(buf)), "::1");
	assert_string_equal(ics_domain(NULL, "rig.example", buf, sizeof(buf)), "rig.example");
	assert_string_equal(ics_domain(NULL, NULL, buf, sizeof(buf)), "rigbook");
}

/* ------------------------------------------------------------ calendars */

static const char empty_calendar[] =
	"BEGIN:VCALENDAR\r\n"
	"VERSION:2.0\r\n"
	"PRODID:-//rigbook//rigbook 0.1.0//EN\r\n"
	"CALSCALE:GREGORIAN\r\n"
	"METHOD:PUBLISH\r\n"
	"END:VCALENDAR\r\n";

static void test_empty_calendar(void **state)
{
	char *out = calendar(NULL, 0);

	assert_string_equal(out, empty_calendar);
	assert_crlf_only(out);
	free(out);
}

static const char two_bookings[] =
	"BEGIN:VCALENDAR\r\n"
	"VERSION:2.0\r\n"
	"PRODID:-//rigbook//rigbook 0.1.0//EN\r\n"
	"CALSCALE:GREGORIAN\r\n"
	"METHOD:PUBLISH\r\n"
	"BEGIN:VEVENT\r\n"
	"UID:booking-17@test-space\r\n"
	"DTSTAMP:20261129T010203Z\r\n"
	"DTSTART:20261203T020000Z\r\n"
	"DTEND:20261203T040000Z\r\n"
	"CREATED:20261120T081500Z\r\n"
	"SUMMARY:Chassis dyno 2 (dyno-2)\r\n"
	/* 75 octets exactly, then the continuation's space before the note's own */
	"DESCRIPTION:Booking 17\\, confirmed\\nMember: alice\\nNote: cold start\\; bring\r\n"
	"  ear plugs\\, 2 people\r\n"
	"STATUS:CONFIRMED\r\n"
	"END:VEVENT\r\n"
	"BEGIN:VEVENT\r\n"
	"UID:booking-18@test-space\r\n"
	"DTSTAMP:20261129T010203Z\r\n"
	"DTSTART:20261204T013000Z\r\n"
	"DTEND:20261204T030000Z\r\n"
	"CREATED:20261120T081500Z\r\n"
	"SUMMARY:optics-1\r\n"
	/* an escape ends the first line at 75; 并 (3 octets) would end at 76 */
	"DESCRIPTION:Booking 18\\, cancelled\\nMember: bob\\nCancelled: plans changed\\n\r\n"
	" Note: 测试光电子众创空间的光学平台需要提前一天预约\r\n"
	" 并且清洁镜面\\, 第二次\r\n"
	"STATUS:CANCELLED\r\n"
	"TRANSP:TRANSPARENT\r\n"
	"END:VEVENT\r\n"
	"END:VCALENDAR\r\n";

static void test_two_bookings(void **state)
{
	Rigbook__Booking a = RIGBOOK__BOOKING__INIT, b = RIGBOOK__BOOKING__INIT;
	Rigbook__Booking *list[] = { &a, &b };
	char *out;

	a.id = 17;
	a.resource_code = "dyno-2";
	a.resource_name = "Chassis dyno 2";
	a.time_zone = "Asia/Shanghai";
	a.start = 1796263200;
	a.end = 1796270400;
	a.state = RIGBOOK__BOOKING_STATE__CONFIRMED;
	a.member_handle = "alice";
	a.created_at = 1795162500;
	a.note = "cold start; bring ear plugs, 2 people";

	b.id = 18;
	b.resource_code = "optics-1";
	b.resource_name = "optics-1";
	b.start = 1796347800;
	b.end = 1796353200;
	b.state = RIGBOOK__BOOKING_STATE__CANCELLED;
	b.member_handle = "bob";
	b.created_at = 1795162500;
	b.cancel_reason = "plans changed";
	b.note = "测试光电子众创空间的光学平台需要提前一天预约并且清洁镜面, 第二次";

	out = calendar(list, 2);
	assert_string_equal(out, two_bookings);
	assert_crlf_only(out);
	free(out);
}

static void test_requested_is_tentative(void **state)
{
	Rigbook__Booking a = RIGBOOK__BOOKING__INIT;
	Rigbook__Booking *list[] = { &a };
	char *out;

	a.id = 5;
	a.resource_code = "lathe";
	a.start = 1796263200;
	a.end = 1796270400;
	a.state = RIGBOOK__BOOKING_STATE__REQUESTED;
	out = calendar(list, 1);
	assert_non_null(strstr(out, "\r\nSTATUS:TENTATIVE\r\n"));
	assert_null(strstr(out, "TRANSP:"));
	assert_null(strstr(out, "CREATED:"));
	assert_non_null(strstr(out, "\r\nSUMMARY:lathe\r\n"));
	assert_non_null(strstr(out, "\r\nDESCRIPTION:Booking 5\\, requested\r\n"));
	free(out);

	a.state = RIGBOOK__BOOKING_STATE__DECLINED;
	a.decided_by = "mgr";
	a.decision_reason = "no operator that day";
	out = calendar(list, 1);
	assert_non_null(strstr(out, "\r\nSTATUS:CANCELLED\r\nTRANSP:TRANSPARENT\r\n"));
	assert_non_null(strstr(out, "\\nDeclined by mgr: no operator that day\r\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_fold_ascii_at_75),
		cmocka_unit_test(test_fold_utf8_at_boundary),
		cmocka_unit_test(test_fold_any_offset),
		cmocka_unit_test(test_status_per_state),
		cmocka_unit_test(test_utc_text_and_domain),
		cmocka_unit_test(test_empty_calendar),
		cmocka_unit_test(test_two_bookings),
		cmocka_unit_test(test_requested_is_tentative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
