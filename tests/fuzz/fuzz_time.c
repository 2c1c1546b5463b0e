/*
 * libFuzzer target: parsing times and durations as people type them.
 *
 * Input: byte 0 picks a zone and what to parse, the rest is the text.  A
 * time that parses must format, and the formatted text must parse back to a
 * time that formats the same; a duration that parses must round-trip
 * exactly.  A time that parses lies in RB_TIME_MIN..RB_TIME_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rigbook/rbtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)

static const char *const zones[8] = {
	"UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York",
	"Australia/Lord_Howe", "Pacific/Chatham", "", "No/Such_Zone",
};

static void time_round_trip(const char *s, const char *tz, int until)
{
	char err[256], a[RB_TIME_TEXT], b[RB_TIME_TEXT], w[RB_WINDOW_TEXT];
	int64_t t, t2;
	int rc;

	err[0] = '\0';
	rc = until ? rb_time_parse_until(s, tz, &t, err, sizeof(err))
		   : rb_time_parse(s, tz, &t, err, sizeof(err));
	if (rc != 0) {
		CHECK(rc == -1 && err[0] != '\0');
		return;
	}
	/* the range the server accepts too */
	CHECK(t >= RB_TIME_MIN && t <= RB_TIME_MAX);
	if (rb_time_format(t, tz, a, sizeof(a)) != 0)
		return; /* outside what can be shown */
	CHECK(rb_time_parse(a, tz, &t2, err, sizeof(err)) == 0);
	CHECK(rb_time_format(t2, tz, b, sizeof(b)) == 0);
	CHECK(strcmp(a, b) == 0);
	if (strcmp(tz, "UTC") == 0)
		CHECK(t == t2);
	if (t <= INT64_MAX - 3600 && rb_time_window(t, t + 3600, tz, w, sizeof(w)) == 0)
		CHECK(w[0] != '\0');
}

static void duration_round_trip(const char *s)
{
	char err[256], a[64];
	int64_t d, d2;

	err[0] = '\0';
	if (rb_duration_parse(s, &d, err, sizeof(err)) != 0) {
		CHECK(err[0] != '\0');
		return;
	}
	CHECK(d >= 0);
	CHECK(rb_duration_format(d, a, sizeof(a)) == 0);
	CHECK(rb_duration_parse(a, &d2, err, sizeof(err)) == 0);
	CHECK(d == d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tz;
	char *s, err[256];

	if (size < 1 || size > 256)
		return 0;
	tz = zones[data[0] & 7];
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch ((data[0] >> 3) & 3) {
	case 0:
		time_round_trip(s, tz, 0);
		break;
	case 1:
		time_round_trip(s, tz, 1);
		break;
	case 2:
		duration_round_trip(s);
		break;
	default:
		if (rb_time_zone_check(s, err, sizeof(err)) != 0)
			CHECK(err[0] != '\0');
		break;
	}
	free(s);
	return 0;
}
