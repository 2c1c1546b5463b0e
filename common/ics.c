/* Bookings as iCalendar (RFC 5545): escaping, folding, one VEVENT per booking. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rigbook/ics.h"
#include "rigbook/names.h"
#include "rigbook/utf8.h"

char *ics_escape_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), i = 0, o = 0;
	char *out = malloc(3 * n + 1); /* at worst an invalid byte becomes U+FFFD */

	if (out == NULL)
		return NULL;
	while (i < n) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t k;

		if (c == '\\' || c == ';' || c == ',') {
			out[o++] = '\\';
			out[o++] = (char)c;
			i++;
		} else if (c == '\n' || c == '\r') {
			out[o++] = '\\';
			out[o++] = 'n';
			i += (c == '\r' && p[i + 1] == '\n') ? 2 : 1;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			out[o++] = '?';
			i++;
		} else if (c < 0x80) {
			out[o++] = (char)c;
			i++;
		} else if ((k = rb_utf8_decode(p + i, n - i, &cp)) > 0) {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

/* Octets from s that must stay on one line: an escape, a UTF-8 sequence, or one byte. */
static size_t atom_len(const unsigned char *s, size_t n)
{
	size_t k = 1;

	if (s[0] == '\\')
		return n >= 2 ? 2 : 1;
	if (s[0] < 0xc0)
		return 1;
	while (k < n && k < 4 && (s[k] & 0xc0) == 0x80)
		k++;
	return k;
}

void ics_put_line(FILE *f, const char *line)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t n = strlen(line), i = 0, room = ICS_LINE_MAX;

	do {
		size_t start = i, used = 0;

		while (i < n) {
			size_t k = atom_len(p + i, n - i);

			if (used + k > room)
				break;
			used += k;
			i += k;
		}
		fwrite(p + start, 1, i - start, f);
		fputs("\r\n", f);
		if (i < n) {
			fputc(' ', f);
			room = ICS_LINE_MAX - 1;
		}
	} while (i < n);
}

void ics_utc_text(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(buf, len, "19700101T000000Z");
}

const char *ics_status(int state)
{
	switch (state) {
	case RIGBOOK__BOOKING_STATE__REQUESTED:
		return "TENTATIVE";
	case RIGBOOK__BOOKING_STATE__CANCELLED:
	case RIGBOOK__BOOKING_STATE__DECLINED:
		return "CANCELLED";
	default:
		return "CONFIRMED";
	}
}

/* NAME:value, value already in its iCalendar form. */
static int put_raw(FILE *f, const char *name, const char *value)
{
	char *line;

	if (asprintf(&line, "%s:%s", name, value) < 0)
		return -1;
	ics_put_line(f, line);
	free(line);
	return 0;
}

/* NAME:value, value escaped as TEXT. */
static int put_text(FILE *f, const char *name, const char *value)
{
	char *e = ics_escape_text(value);
	int rc;

	if (e == NULL)
		return -1;
	rc = put_raw(f, name, e);
	free(e);
	return rc;
}

static int put_time(FILE *f, const char *name, int64_t t)
{
	char buf[32];

	ics_utc_text(t, buf, sizeof(buf));
	return put_raw(f, name, buf);
}

static int empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* The booking in words, lines apart: what it is, whose, why it ended, its note. */
static char *description(const Rigbook__Booking *b)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (m == NULL)
		return NULL;
	fprintf(m, "Booking %" PRIu64 ", %s", b->id, rb_state_name(b->state));
	if (!empty(b->member_handle))
		fprintf(m, "\nMember: %s", b->member_handle);
	if (!empty(b->cancel_reason))
		fprintf(m, "\nCancelled: %s", b->cancel_reason);
	if (!empty(b->decision_reason))
		fprintf(m, "\n%s by %s: %s",
			b->state == RIGBOOK__BOOKING_STATE__DECLINED ? "Declined" : "Approved",
			empty(b->decided_by) ? "staff" : b->decided_by, b->decision_reason);
	if (!empty(b->note))
		fprintf(m, "\nNote: %s", b->note);
	if (fclose(m) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int put_event(FILE *f, const Rigbook__Booking *b, const char *domain, const char *stamp)
{
	const char *code = b->resource_code != NULL ? b->resource_code : "";
	char uid[256], *summary = NULL, *desc;
	int rc = 0;

	snprintf(uid, sizeof(uid), "booking-%" PRIu64 "@%.200s", b->id,
		 empty(domain) ? "rigbook" : domain);
	if (empty(b->resource_name) || strcmp(b->resource_name, code) == 0)
		summary = strdup(code);
	else if (asprintf(&summary, "%s (%s)", b->resource_name, code) < 0)
		summary = NULL;
	desc = description(b);
	if (summary == NULL || desc == NULL) {
		free(summary);
		free(desc);
		return -1;
	}
	ics_put_line(f, "BEGIN:VEVENT");
	rc |= put_text(f, "UID", uid);
	rc |= put_raw(f, "DTSTAMP", stamp);
	rc |= put_time(f, "DTSTART", b->start);
	rc |= put_time(f, "DTEND", b->end);
	if (b->created_at != 0)
		rc |= put_time(f, "CREATED", b->created_at);
	rc |= put_text(f, "SUMMARY", summary);
	rc |= put_text(f, "DESCRIPTION", desc);
	rc |= put_raw(f, "STATUS", ics_status(b->state));
	/* a cancelled or declined booking leaves the time free */
	if (strcmp(ics_status(b->state), "CANCELLED") == 0)
		ics_put_line(f, "TRANSP:TRANSPARENT");
	ics_put_line(f, "END:VEVENT");
	free(summary);
	free(desc);
	return rc != 0 ? -1 : 0;
}

const char *ics_domain(const char *space_code, const char *server, char *buf, size_t len)
{
	const char *colon, *close;

	if (!empty(space_code)) {
		snprintf(buf, len, "%s", space_code);
	} else if (empty(server)) {
		snprintf(buf, len, "rigbook");
	} else if (server[0] == '[' && (close = strchr(server, ']')) != NULL) {
		snprintf(buf, len, "%.*s", (int)(close - server - 1), server + 1);
	} else if ((colon = strchr(server, ':')) != NULL && colon == strrchr(server, ':')) {
		snprintf(buf, len, "%.*s", (int)(colon - server), server);
	} else {
		snprintf(buf, len, "%s", server);
	}
	return buf;
}

int ics_write_calendar(FILE *f, Rigbook__Booking *const *bookings, size_t n, const char *domain,
		       int64_t now)
{
	char stamp[32];
	size_t i;

	ics_utc_text(now, stamp, sizeof(stamp));
	ics_put_line(f, "BEGIN:VCALENDAR");
	ics_put_line(f, "VERSION:2.0");
	ics_put_line(f, "PRODID:-//rigbook//rigbook " RIGBOOK_VERSION "//EN");
	ics_put_line(f, "CALSCALE:GREGORIAN");
	ics_put_line(f, "METHOD:PUBLISH");
	for (i = 0; i < n; i++)
		if (put_event(f, bookings[i], domain, stamp) != 0)
			return -1;
	ics_put_line(f, "END:VCALENDAR");
	return 0;
}
