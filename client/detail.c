#include "detail.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

#define LABEL_WIDTH 13

/* ------------------------------------------------------------ words */

void detail_minutes_text(uint32_t m, char *buf, size_t len)
{
	if (m >= 2880 && m % 1440 == 0)
		snprintf(buf, len, _("%" PRIu32 " days"), m / 1440);
	else if (m >= 60 && m % 60 == 0)
		snprintf(buf, len, _("%" PRIu32 " h"), m / 60);
	else if (m > 60)
		snprintf(buf, len, _("%" PRIu32 " h %" PRIu32 " min"), m / 60, m % 60);
	else
		snprintf(buf, len, _("%" PRIu32 " min"), m);
}

__attribute__((format(printf, 4, 5)))
static void add_part(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	if (*off > 0) {
		/* TRANSLATORS: between the parts of a list */
		n = snprintf(buf + *off, len - *off, "%s", C_("list", ", "));
		*off = n < 0 ? len : *off + (size_t)n;
		if (*off >= len)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	*off = n < 0 ? len : *off + (size_t)n;
}

void detail_rules_text(const Rigbook__Rules *r, char *buf, size_t len)
{
	char a[32], b[32];
	size_t off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (r != NULL) {
		if (r->slot_minutes > 0) {
			detail_minutes_text(r->slot_minutes, a, sizeof(a));
			add_part(buf, len, &off, _("slot %s"), a);
		}
		detail_minutes_text(r->min_minutes, a, sizeof(a));
		detail_minutes_text(r->max_minutes, b, sizeof(b));
		if (r->min_minutes > 0 && r->max_minutes > 0)
			add_part(buf, len, &off, _("%s to %s"), a, b);
		else if (r->min_minutes > 0)
			add_part(buf, len, &off, _("at least %s"), a);
		else if (r->max_minutes > 0)
			add_part(buf, len, &off, _("at most %s"), b);
		if (r->whole_days)
			add_part(buf, len, &off, _("whole days"));
		if (r->min_notice_minutes > 0) {
			detail_minutes_text(r->min_notice_minutes, a, sizeof(a));
			add_part(buf, len, &off, _("book %s ahead"), a);
		}
		if (r->max_ahead_days > 0)
			add_part(buf, len, &off, _("at most %" PRIu32 " day%s ahead"), r->max_ahead_days,
				 r->max_ahead_days == 1 ? "" : "s");
		if (r->buffer_minutes > 0) {
			detail_minutes_text(r->buffer_minutes, a, sizeof(a));
			add_part(buf, len, &off, _("%s buffer"), a);
		}
		if (r->max_active_per_member > 0)
			add_part(buf, len, &off, _("at most %" PRIu32 " future booking%s per member"),
				 r->max_active_per_member, r->max_active_per_member == 1 ? "" : "s");
		if (r->weekly_minutes_per_startup > 0) {
			detail_minutes_text(r->weekly_minutes_per_startup, a, sizeof(a));
			add_part(buf, len, &off, _("%s a week per startup"), a);
		}
		if (r->max_active_per_startup > 0)
			add_part(buf, len, &off, "at most %" PRIu32 " future booking%s per startup",
				 r->max_active_per_startup, r->max_active_per_startup == 1 ? "" : "s");
		if (r->weekly_minutes_per_member > 0) {
			detail_minutes_text(r->weekly_minutes_per_member, a, sizeof(a));
			add_part(buf, len, &off, "%s a week per member", a);
		}
		if (r->min_gap_minutes > 0) {
			detail_minutes_text(r->min_gap_minutes, a, sizeof(a));
			add_part(buf, len, &off, _("%s between one member's bookings"), a);
		}
		if (r->needs_approval)
			add_part(buf, len, &off, _("staff approve each booking"));
		if (r->needs_qualification)
			add_part(buf, len, &off, _("qualified members only"));
		if (r->late_cancel_minutes > 0) {
			detail_minutes_text(r->late_cancel_minutes, a, sizeof(a));
			add_part(buf, len, &off, _("cancelling under %s before the start is late"), a);
		}
	}
	if (off == 0)
		snprintf(buf, len, _("no booking rules"));
}

int detail_weekly_text(Rigbook__WeeklyWindow *const *w, size_t n, char *buf, size_t len)
{
	struct rb_weekly_window *x;
	int rc;

	if (len > 0)
		buf[0] = '\0';
	if (n == 0)
		return 0;
	x = calloc(n, sizeof(*x));
	if (x == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		x[i].weekday = (int)w[i]->weekday;
		x[i].opens = (int)w[i]->opens;
		x[i].closes = (int)w[i]->closes;
	}
	rc = rb_weekly_format(x, n, buf, len);
	free(x);
	return rc;
}

int detail_day_text(Rigbook__DayWindow *const *w, size_t n, char *buf, size_t len)
{
	struct rb_day_window *x;
	int rc;

	if (len > 0)
		buf[0] = '\0';
	if (n == 0)
		return 0;
	x = calloc(n, sizeof(*x));
	if (x == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		x[i].opens = (int)w[i]->opens;
		x[i].closes = (int)w[i]->closes;
	}
	rc = rb_day_windows_format(x, n, buf, len);
	free(x);
	return rc;
}

void detail_exception_text(const Rigbook__DateException *e, char *buf, size_t len)
{
	char w[RB_WEEKLY_TEXT + 64], dw[RB_WEEKLY_TEXT];
	const char *reason = e->reason != NULL ? e->reason : "";

	if (e->closed || e->n_windows == 0)
		snprintf(w, sizeof(w), _("closed all day"));
	else if (detail_day_text(e->windows, e->n_windows, dw, sizeof(dw)) == 0)
		snprintf(w, sizeof(w), _("open %s"), dw);
	else
		snprintf(w, sizeof(w), _("open (windows not shown)"));
	snprintf(buf, len, "%s%s%.500s%s", w, reason[0] != '\0' ? C_("paren", " (") : "", reason,
		 reason[0] != '\0' ? C_("paren", ")") : "");
}

static const char *closure_kind(const Rigbook__Closure *c)
{
	return c->kind == RIGBOOK__CLOSURE_KIND__MAINTENANCE ? _("maintenance") : _("closure");
}

void detail_closure_text(const Rigbook__Closure *c, const char *tz, int with_zone, char *buf,
			 size_t len)
{
	char w[RB_WINDOW_TEXT + 16];

	if (cmd_window_words(c->start, c->end, tz, w, sizeof(w)) != 0)
		snprintf(w, sizeof(w), "%" PRId64 "-%" PRId64, c->start, c->end);
	snprintf(buf, len, _("closed%s %s%s%.100s%s%s%.500s"),
		 c->kind == RIGBOOK__CLOSURE_KIND__MAINTENANCE ? _(" for maintenance") : "", w,
		 with_zone ? C_("paren", " (") : "", with_zone ? tz : "", with_zone ? C_("paren", ")") : "",
		 c->reason != NULL && c->reason[0] != '\0' ? ": " : "",
		 c->reason != NULL ? c->reason : "");
}

const char *detail_weekdays_local(const char *spec, char *buf, size_t len)
{
	static const char *const days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	size_t o = 0;

	/* "mon-fri 08:30-12:00; sat 09:00-12:00" with the reader's names of the days */
	for (const char *p = spec; *p != '\0' && o + 1 < len;) {
		const char *piece = p;
		size_t n = 1;

		for (int d = 0; d < 7; d++) {
			if (strncmp(p, days[d], 3) == 0 && (p == spec || p[-1] < 'a' || p[-1] > 'z') &&
			    (p[3] < 'a' || p[3] > 'z')) {
				char key[16];

				snprintf(key, sizeof(key), "weekly\004%s", days[d]);
				piece = i18n_pgettext(key, days[d]);
				n = strlen(piece);
				p += 2;
				break;
			}
		}
		p++;
		if (o + n >= len)
			break;
		memcpy(buf + o, piece, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

/* ------------------------------------------------------------ show */

/* "label        value", the value cleaned for a terminal. */
/* The label (marked N_()) in the reader's words, padded to LABEL_WIDTH columns. */
static void put_label(FILE *f, const char *label)
{
	const char *l = label[0] != '\0' ? _(label) : "";
	size_t w = out_width(l);

	fprintf(f, "%s%*s", l, w < LABEL_WIDTH ? (int)(LABEL_WIDTH - w) : 0, "");
}

static void field(FILE *f, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0') {
		fprintf(f, "%s\n", label[0] != '\0' ? _(label) : ""); /* no blanks at the end of a line */
		return;
	}
	put_label(f, label);
	out_put_clean(f, value);
	fputc('\n', f);
}

/* A list of strings, ", " between, or "none". */
static void list_field(FILE *f, const char *label, char *const *v, size_t n)
{
	put_label(f, label);
	if (n == 0)
		fputs(_("none"), f);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(C_("list", ", "), f);
		out_put_clean(f, v[i]);
	}
	fputc('\n', f);
}

static void weekly_field(FILE *f, const char *label, Rigbook__WeeklyWindow *const *w, size_t n,
			 const char *none)
{
	char spec[RB_WEEKLY_TEXT], local[RB_WEEKLY_TEXT * 2];

	if (n == 0)
		field(f, label, _(none));
	else if (detail_weekly_text(w, n, spec, sizeof(spec)) == 0)
		field(f, label, detail_weekdays_local(spec, local, sizeof(local)));
	else
		field(f, label, _("(too many windows to show)"));
}

void detail_print(FILE *f, const Rigbook__ResourceDetail *d)
{
	const Rigbook__Resource *r = d->resource;
	const char *tz = r->time_zone;
	char buf[1200], rules[DETAIL_RULES_TEXT];
	size_t i;

	field(f, N_("code"), r->code);
	field(f, N_("name"), i18n_name(r->name, r->name_zh));
	field(f, N_("kind"), i18n_kind(rb_kind_name(r->kind)));
	snprintf(buf, sizeof(buf), "%.100s (%.500s)", r->institution_code,
		 i18n_name(r->institution_name, r->institution_name_zh));
	field(f, N_("institution"), buf);
	if (r->space_name != NULL && r->space_name[0] != '\0')
		snprintf(buf, sizeof(buf), "%.100s (%.500s)", r->space_code,
			 i18n_name(r->space_name, r->space_name_zh));
	else
		snprintf(buf, sizeof(buf), "%.100s", r->space_code);
	field(f, N_("space"), buf);
	field(f, N_("zone"), tz);
	if (r->location != NULL && r->location[0] != '\0')
		field(f, N_("location"), r->location);
	if (r->description != NULL && r->description[0] != '\0')
		field(f, N_("description"), r->description);
	list_field(f, N_("tags"), r->tags, r->n_tags);
	snprintf(buf, sizeof(buf), "%" PRIu32, r->units > 0 ? r->units : 1);
	field(f, N_("units"), buf);
	list_field(f, N_("requires"), r->requires, r->n_requires);
	field(f, N_("status"), r->retired ? _("retired") : _("in service"));
	detail_rules_text(r->rules, rules, sizeof(rules));
	field(f, N_("rules"), rules);
	if (r->rules != NULL) {
		char early[32], grace[32];

		detail_minutes_text(r->rules->checkin_early_minutes, early, sizeof(early));
		detail_minutes_text(r->rules->no_show_grace_minutes, grace, sizeof(grace));
		snprintf(buf, sizeof(buf),
			 _("from %s before the start until the end; a no-show %s after the start"),
			 early, grace);
		field(f, N_("check-in"), buf);
	}
	weekly_field(f, N_("hours"), d->hours, d->n_hours, N_("open around the clock"));
	weekly_field(f, N_("off-peak"), d->offpeak, d->n_offpeak, N_("none"));

	if (d->n_exceptions == 0)
		field(f, N_("exceptions"), _("none"));
	for (i = 0; i < d->n_exceptions; i++) {
		const Rigbook__DateException *e = d->exceptions[i];
		struct rb_date day;
		char text[900], err[128];

		detail_exception_text(e, text, sizeof(text));
		if (rb_date_parse(e->date, &day, err, sizeof(err)) == 0)
			snprintf(buf, sizeof(buf), "%s %.20s  %s", i18n_weekday_lower(rb_date_weekday(&day)),
				 e->date, text);
		else
			snprintf(buf, sizeof(buf), "%.20s  %s", e->date, text);
		field(f, i == 0 ? N_("exceptions") : "", buf);
	}
	if (d->n_closures == 0)
		field(f, N_("closures"), _("none"));
	for (i = 0; i < d->n_closures; i++) {
		const Rigbook__Closure *c = d->closures[i];
		char text[900];

		detail_closure_text(c, tz, 0, text, sizeof(text));
		snprintf(buf, sizeof(buf), "%" PRIu64 "  %s%s%.40s%s", c->id, text,
			 c->created_by != NULL && c->created_by[0] != '\0' ? _(" (by ") : "",
			 c->created_by != NULL ? c->created_by : "",
			 c->created_by != NULL && c->created_by[0] != '\0' ? C_("paren", ")") : "");
		field(f, i == 0 ? N_("closures") : "", buf);
	}
	if (r->terms_version == 0)
		snprintf(buf, sizeof(buf), _("none"));
	else if (d->terms_accepted)
		snprintf(buf, sizeof(buf), _("version %" PRIu32 ", accepted by you"), r->terms_version);
	else
		snprintf(buf, sizeof(buf),
			 _("version %" PRIu32 ", not accepted by you yet (rigbook terms accept %.40s)"),
			 r->terms_version, r->code);
	field(f, N_("terms"), buf);
	/* the text itself, line by line under the label */
	for (const char *p = r->terms_version > 0 ? d->terms_text : NULL; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);

		if (line == NULL)
			break;
		field(f, "", line);
		free(line);
		p += n + (nl != NULL);
	}
}

/* ------------------------------------------------------------ JSON */

void detail_json_rules(struct out_json *j, const Rigbook__Rules *r)
{
	static const Rigbook__Rules none = RIGBOOK__RULES__INIT;

	if (r == NULL)
		r = &none;
	out_json_begin_object(j);
	out_json_kv_uint(j, "slot_minutes", r->slot_minutes);
	out_json_kv_uint(j, "min_minutes", r->min_minutes);
	out_json_kv_uint(j, "max_minutes", r->max_minutes);
	out_json_kv_uint(j, "min_notice_minutes", r->min_notice_minutes);
	out_json_kv_uint(j, "max_ahead_days", r->max_ahead_days);
	out_json_kv_uint(j, "buffer_minutes", r->buffer_minutes);
	out_json_kv_uint(j, "max_active_per_member", r->max_active_per_member);
	out_json_kv_uint(j, "weekly_minutes_per_startup", r->weekly_minutes_per_startup);
	out_json_kv_uint(j, "max_active_per_startup", r->max_active_per_startup);
	out_json_kv_uint(j, "weekly_minutes_per_member", r->weekly_minutes_per_member);
	out_json_kv_bool(j, "whole_days", r->whole_days);
	out_json_kv_uint(j, "min_gap_minutes", r->min_gap_minutes);
	out_json_kv_bool(j, "needs_approval", r->needs_approval);
	out_json_kv_bool(j, "needs_qualification", r->needs_qualification);
	out_json_kv_uint(j, "late_cancel_minutes", r->late_cancel_minutes);
	out_json_kv_uint(j, "checkin_early_minutes", r->checkin_early_minutes);
	out_json_kv_uint(j, "no_show_grace_minutes", r->no_show_grace_minutes);
	out_json_end_object(j);
}

static void json_clock(struct out_json *j, const char *key, uint32_t minute)
{
	char t[8];

	rb_minute_format((int)minute, t, sizeof(t));
	out_json_kv_string(j, key, t);
}

static void json_weekly(struct out_json *j, const char *key, Rigbook__WeeklyWindow *const *w,
			size_t n)
{
	char spec[RB_WEEKLY_TEXT];

	out_json_key(j, key);
	out_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		out_json_begin_object(j);
		out_json_kv_string(j, "day", rb_weekday_name((int)w[i]->weekday));
		out_json_kv_uint(j, "weekday", w[i]->weekday);
		json_clock(j, "opens", w[i]->opens);
		json_clock(j, "closes", w[i]->closes);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	if (detail_weekly_text(w, n, spec, sizeof(spec)) != 0)
		spec[0] = '\0';
	out_json_kv_string(j, strcmp(key, "hours") == 0 ? "hours_spec" : "offpeak_spec", spec);
}

static void json_strings(struct out_json *j, const char *key, char *const *v, size_t n)
{
	out_json_key(j, key);
	out_json_begin_array(j);
	for (size_t i = 0; i < n; i++)
		out_json_string(j, v[i]);
	out_json_end_array(j);
}

void detail_json_closure(struct out_json *j, const Rigbook__Closure *c, const char *tz)
{
	char s[RB_TIME_TEXT + 4];

	out_json_begin_object(j);
	out_json_kv_uint(j, "id", c->id);
	out_json_kv_string(j, "resource", c->resource_code);
	out_json_kv_string(j, "kind", closure_kind(c));
	out_json_kv_int(j, "start", c->start);
	out_json_kv_int(j, "end", c->end);
	cmd_time_text(c->start, tz, s, sizeof(s));
	out_json_kv_string(j, "start_local", s);
	cmd_time_text(c->end, tz, s, sizeof(s));
	out_json_kv_string(j, "end_local", s);
	out_json_kv_string(j, "reason", c->reason);
	out_json_kv_string(j, "created_by", c->created_by);
	out_json_end_object(j);
}

void detail_json(struct out_json *j, const Rigbook__ResourceDetail *d)
{
	const Rigbook__Resource *r = d->resource;
	char rules[DETAIL_RULES_TEXT];
	size_t i;
	int was;

	out_json_begin_object(j);
	out_json_kv_uint(j, "id", r->id);
	out_json_kv_string(j, "code", r->code);
	out_json_kv_string(j, "name", r->name);
	out_json_kv_string(j, "kind", rb_kind_name(r->kind));
	out_json_kv_string(j, "institution", r->institution_code);
	out_json_kv_string(j, "institution_name", r->institution_name);
	out_json_kv_string(j, "name_zh", r->name_zh);
	out_json_kv_string(j, "institution_name_zh", r->institution_name_zh);
	out_json_kv_string(j, "space", r->space_code);
	out_json_kv_string(j, "space_name", r->space_name);
	out_json_kv_string(j, "space_name_zh", r->space_name_zh);
	out_json_kv_string(j, "time_zone", r->time_zone);
	out_json_kv_string(j, "description", r->description);
	out_json_kv_string(j, "location", r->location);
	json_strings(j, "tags", r->tags, r->n_tags);
	out_json_kv_uint(j, "units", r->units > 0 ? r->units : 1);
	json_strings(j, "requires", r->requires, r->n_requires);
	out_json_kv_bool(j, "retired", r->retired);
	out_json_key(j, "rules");
	detail_json_rules(j, r->rules);
	was = i18n_plain(1); /* JSON's words are the same in every language */
	detail_rules_text(r->rules, rules, sizeof(rules));
	i18n_plain(was);
	out_json_kv_string(j, "rules_text", rules);
	json_weekly(j, "hours", d->hours, d->n_hours);
	out_json_kv_bool(j, "open_around_the_clock", d->n_hours == 0);
	json_weekly(j, "offpeak", d->offpeak, d->n_offpeak);
	out_json_key(j, "exceptions");
	out_json_begin_array(j);
	for (i = 0; i < d->n_exceptions; i++) {
		const Rigbook__DateException *e = d->exceptions[i];

		out_json_begin_object(j);
		out_json_kv_string(j, "date", e->date);
		out_json_kv_bool(j, "closed", e->closed);
		out_json_key(j, "windows");
		out_json_begin_array(j);
		for (size_t k = 0; k < e->n_windows; k++) {
			out_json_begin_object(j);
			json_clock(j, "opens", e->windows[k]->opens);
			json_clock(j, "closes", e->windows[k]->closes);
			out_json_end_object(j);
		}
		out_json_end_array(j);
		out_json_kv_string(j, "reason", e->reason);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	out_json_key(j, "closures");
	out_json_begin_array(j);
	for (i = 0; i < d->n_closures; i++)
		detail_json_closure(j, d->closures[i], r->time_zone);
	out_json_end_array(j);
	out_json_key(j, "terms");
	out_json_begin_object(j);
	out_json_kv_uint(j, "version", r->terms_version);
	out_json_kv_bool(j, "accepted", r->terms_version > 0 && d->terms_accepted);
	out_json_kv_string(j, "text", d->terms_text);
	out_json_end_object(j);
	out_json_key(j, "cancelled");
	out_json_begin_array(j);
	for (i = 0; i < d->n_cancelled; i++)
		cmd_json_booking(j, d->cancelled[i]);
	out_json_end_array(j);
	out_json_end_object(j);
}

void detail_json_print(const Rigbook__ResourceDetail *d)
{
	struct out_json j;

	out_json_init(&j, stdout);
	detail_json(&j, d);
	out_json_finish(&j);
}

void detail_print_cancelled_ids(FILE *f, const Rigbook__ResourceDetail *d)
{
	for (size_t i = 0; i < d->n_cancelled; i++)
		fprintf(f, _("cancelled booking %" PRIu64 ": its holder sees why\n"), d->cancelled[i]->id);
}

void detail_print_cancelled(FILE *f, Rigbook__Booking *const *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cmd_print_booking_line(f, N_("cancelled"), b[i]);
		fputs(_("  held by "), f);
		out_put_clean(f, b[i]->member_handle);
		if (b[i]->startup_code != NULL && b[i]->startup_code[0] != '\0') {
			fputs(" (", f);
			out_put_clean(f, b[i]->startup_code);
			fputc(')', f);
		}
		fputc('\n', f);
	}
}
