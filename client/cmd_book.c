/*
 * book: take a resource for a window, read in the resource's time zone;
 * with --every, a series of such windows at the same local times.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt book_opts[] = {
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ "note", 1, NULL },
	{ "override", 1, NULL },
	{ "every", 1, NULL },
	{ "count", 1, NULL },
	{ "until", 1, NULL },
	{ "skip-conflicts", 0, NULL },
	{ NULL, 0, NULL },
};

/* The most days between two bookings of a series (the server's limit too). */
#define EVERY_MAX_DAYS 366

/*
 * --every: "day", "week", "N days", "N weeks" (singular or plural, N from
 * 1).  Returns the days between occurrences, or 0 when s is none of those.
 */
static uint32_t parse_every(const char *s)
{
	unsigned long n = 1;
	const char *p = s;
	char *end;

	if (*p >= '0' && *p <= '9') {
		if (strlen(p) > 16)
			return 0;
		n = strtoul(p, &end, 10);
		if (end == p || *end != ' ' || n < 1 || n > EVERY_MAX_DAYS)
			return 0;
		p = end;
		while (*p == ' ')
			p++;
		if (strcmp(p, "day") == 0 || strcmp(p, "days") == 0)
			return (uint32_t)n;
		if (strcmp(p, "week") == 0 || strcmp(p, "weeks") == 0)
			return n * 7 <= EVERY_MAX_DAYS ? (uint32_t)(n * 7) : 0;
		return 0;
	}
	if (strcmp(p, "day") == 0)
		return 1;
	if (strcmp(p, "week") == 0)
		return 7;
	return 0;
}

/* "every week", "every 3 days" */
static void every_text(uint32_t days, char *buf, size_t len)
{
	if (days == 1)
		snprintf(buf, len, _("every day"));
	else if (days == 7)
		snprintf(buf, len, _("every week"));
	else if (days % 7 == 0)
		snprintf(buf, len, _("every %" PRIu32 " weeks"), days / 7);
	else
		snprintf(buf, len, _("every %" PRIu32 " days"), days);
}

/* "2026-12-08 10:00-12:00", the end's date added when it differs. */
static void occurrence_text(int64_t start, int64_t end, const char *tz, char *buf, size_t len)
{
	char a[RB_TIME_TEXT + 4], b[RB_TIME_TEXT + 4];
	const char *e = b;

	cmd_time_text(start, tz, a, sizeof(a));
	cmd_time_text(end, tz, b, sizeof(b));
	if (strncmp(a, b, 11) == 0)
		e = b + 11;
	snprintf(buf, len, "%s-%s", a, e);
}

static void print_refusals(FILE *f, const Rigbook__BookSeriesReply *s, const char *tz)
{
	for (size_t i = 0; i < s->n_refused; i++) {
		const Rigbook__SeriesRefusal *x = s->refused[i];
		char w[2 * RB_TIME_TEXT + 8];

		occurrence_text(x->start, x->end, tz, w, sizeof(w));
		fprintf(f, "  %2" PRIu32 "  %s: ", x->occurrence, w);
		out_put_clean(f, x->reason);
		fputc('\n', f);
	}
}

static void json_series(const Rigbook__BookSeriesReply *s, const char *tz)
{
	struct out_json j;
	char t[RB_TIME_TEXT + 4];

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_key(&j, "series_id");
	if (s->series_id != 0)
		out_json_uint(&j, s->series_id);
	else
		out_json_null(&j);
	out_json_kv_uint(&j, "occurrences", s->occurrences);
	out_json_kv_bool(&j, "replayed", s->replayed);
	out_json_key(&j, "bookings");
	out_json_begin_array(&j);
	for (size_t i = 0; i < s->n_bookings; i++)
		cmd_json_booking(&j, s->bookings[i]);
	out_json_end_array(&j);
	out_json_key(&j, s->series_id != 0 ? "skipped" : "refused");
	out_json_begin_array(&j);
	for (size_t i = 0; i < s->n_refused; i++) {
		const Rigbook__SeriesRefusal *x = s->refused[i];

		out_json_begin_object(&j);
		out_json_kv_uint(&j, "occurrence", x->occurrence);
		out_json_kv_int(&j, "start", x->start);
		out_json_kv_int(&j, "end", x->end);
		cmd_time_text(x->start, tz, t, sizeof(t));
		out_json_kv_string(&j, "start_local", t);
		cmd_time_text(x->end, tz, t, sizeof(t));
		out_json_kv_string(&j, "end_local", t);
		out_json_kv_string(&j, "code", rb_code_name((int)x->code));
		out_json_kv_string(&j, "reason", x->reason);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int print_series(const Rigbook__BookSeriesReply *s, const char *code, const char *tz,
			uint32_t days)
{
	static const char *const head[] = { "#", N_("ID"), N_("START"), N_("END"), N_("STATE") };
	struct out_table *t = out_table_new(5, head);
	char every[48];

	if (t == NULL)
		return cmd_failed(_("out of memory"));
	every_text(days, every, sizeof(every));
	printf(_("%s series %" PRIu64 " of %s, %s: %zu of %" PRIu32 " bookings (%s)\n"),
	       s->replayed ? _("already booked") : _("booked"), s->series_id, code, every, s->n_bookings,
	       s->occurrences, tz);
	for (size_t i = 0; i < s->n_bookings; i++) {
		const Rigbook__Booking *b = s->bookings[i];
		char n[16], id[24], start[RB_TIME_TEXT + 4], end[RB_TIME_TEXT + 4];
		const char *row[5] = { n, id, start, end, i18n_state(rb_state_name(b->state)) };

		snprintf(n, sizeof(n), "%" PRIu32, b->series_no);
		snprintf(id, sizeof(id), "%" PRIu64, b->id);
		cmd_time_text(b->start, b->time_zone, start, sizeof(start));
		cmd_time_text(b->end, b->time_zone, end, sizeof(end));
		if (out_table_add(t, row) != 0) {
			out_table_free(t);
			return cmd_failed(_("out of memory"));
		}
	}
	out_table_print(t, stdout);
	out_table_free(t);
	if (s->n_refused > 0) {
		printf(_("skipped %zu:\n"), s->n_refused);
		print_refusals(stdout, s, tz);
	}
	for (size_t i = 0; i < s->n_bookings; i++)
		if (s->bookings[i]->state == RIGBOOK__BOOKING_STATE__REQUESTED) {
			puts(_("requested bookings hold their time until staff approve or decline them"));
			break;
		}
	return CMD_OK;
}

/* The series form of book: --every with --count and/or --until. */
static int book_series(struct cmd_ctx *ctx, const struct cmd_args *args, const char *code,
		       const char *tz, int64_t start, int64_t end, uint32_t every)
{
	const char *note = cmd_arg(args, "note"), *override = cmd_arg(args, "override");
	const char *count = cmd_arg(args, "count"), *until = cmd_arg(args, "until");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookSeriesRequest sr = RIGBOOK__BOOK_SERIES_REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	const Rigbook__BookSeriesReply *s;
	char err[256], every_s[48];
	int rc, conflict = 0;

	if (count != NULL && (rc = cmd_count_arg(ctx, "--count", count, 1, 100000, 0, &sr.count)) != CMD_OK)
		return rc;
	if (until != NULL && rb_time_parse_until(until, tz, &sr.until, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--until: %s"), err);
	sr.resource_code = (char *)code;
	sr.start = start;
	sr.end = end;
	sr.every_days = every;
	sr.skip_conflicts = cmd_arg(args, "skip-conflicts") != NULL;
	sr.note = (char *)(note != NULL ? note : "");
	sr.override_reason = (char *)(override != NULL ? override : "");
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK_SERIES;
	req.book_series = &sr;
	rc = cmd_mutate(ctx, &req, RIGBOOK__RESPONSE__BODY_BOOK_SERIES, &resp,
			_("the server may have booked the series; run `rigbook bookings` to check"));
	if (rc != CMD_OK)
		return rc;
	s = resp->book_series;
	if (s == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no series"));
	}
	if (ctx->json) {
		json_series(s, tz);
		rc = s->series_id != 0 ? CMD_OK : CMD_REFUSED;
	} else if (s->series_id != 0) {
		rc = print_series(s, code, tz, every);
	} else {
		/* all or nothing: every refused occurrence, and nothing booked */
		for (size_t i = 0; i < s->n_refused; i++)
			if (s->refused[i]->code == RIGBOOK__ERROR_CODE__CONFLICT)
				conflict = 1;
		every_text(every, every_s, sizeof(every_s));
		fprintf(stderr, _("rigbook: %s: nothing was booked: %zu of the %" PRIu32
			" bookings of %s %s %s refused (--skip-conflicts books the rest):\n"),
			rb_code_name(conflict ? RIGBOOK__ERROR_CODE__CONFLICT
					      : RIGBOOK__ERROR_CODE__FAILED_PRECONDITION),
			s->n_refused, s->occurrences, code, every_s, s->n_refused == 1 ? _("is") : _("are"));
		print_refusals(stderr, s, tz);
		rc = CMD_REFUSED;
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

/* Refuse what cannot be a time before talking to the server. */
static int check_syntax(struct cmd_ctx *ctx, const char *opt, const char *s)
{
	char err[256];
	int64_t t;

	if (rb_time_parse(s, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--%s: %s"), opt, err);
	return CMD_OK;
}

static int cmd_book_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	const char *note = cmd_arg(args, "note"), *override = cmd_arg(args, "override");
	const char *every_arg = cmd_arg(args, "every");
	uint32_t every = 0;
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookRequest br = RIGBOOK__BOOK_REQUEST__INIT;
	Rigbook__Response *rresp = NULL, *resp = NULL;
	const Rigbook__Resource *res;
	const Rigbook__Booking *b;
	char tz[128], err[256];
	struct out_json j;
	uint32_t units;
	int rc;

	if (from == NULL)
		return cmd_usage_error(ctx, _("--from is required"));
	if (to == NULL)
		return cmd_usage_error(ctx, _("--to is required"));
	if (override != NULL && override[0] == '\0')
		return cmd_usage_error(ctx, _("--override needs a reason; it is recorded and shown"));
	if ((rc = check_syntax(ctx, "from", from)) != CMD_OK ||
	    (rc = check_syntax(ctx, "to", to)) != CMD_OK)
		return rc;
	if (every_arg != NULL) {
		every = parse_every(every_arg);
		if (every == 0)
			return cmd_usage_error(ctx, _("--every takes day, week, 'N days' or 'N weeks' "
					       "(at most %d days apart), not '%.40s'"), EVERY_MAX_DAYS, every_arg);
		if (cmd_arg(args, "count") == NULL && cmd_arg(args, "until") == NULL)
			return cmd_usage_error(ctx, _("--every needs --count N or --until DATE"));
		if (cmd_arg(args, "until") != NULL &&
		    (rc = check_syntax(ctx, "until", cmd_arg(args, "until"))) != CMD_OK)
			return rc;
	} else if (cmd_arg(args, "count") != NULL || cmd_arg(args, "until") != NULL ||
		   cmd_arg(args, "skip-conflicts") != NULL) {
		return cmd_usage_error(ctx, _("--count, --until and --skip-conflicts go with --every"));
	}

	rc = cmd_resource(ctx, code, &rresp, &res);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
	units = res->units;
	rigbook__response__free_unpacked(rresp, NULL);
	if (rb_time_parse(from, tz, &br.start, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (rb_time_parse(to, tz, &br.end, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);
	if (br.end <= br.start)
		return cmd_bad_value(ctx, _("--to %.40s is not after --from %.40s: a window ends after it starts"), to, from);
	if (every != 0)
		return book_series(ctx, args, code, tz, br.start, br.end, every);

	br.resource_code = (char *)code;
	br.note = (char *)(note != NULL ? note : "");
	br.override_reason = (char *)(override != NULL ? override : "");
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &br;
	rc = cmd_mutate(ctx, &req, RIGBOOK__RESPONSE__BODY_BOOK, &resp,
			_("the server may have booked it; run `rigbook bookings` to check"));
	if (rc != CMD_OK)
		return rc;
	b = resp->book != NULL ? resp->book->booking : NULL;
	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no booking"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		/* the booking as every command shows one, with the answer's own keys */
		out_json_begin_object(&j);
		cmd_json_booking_fields(&j, b);
		out_json_kv_bool(&j, "replayed", resp->book->replayed);
		out_json_key(&j, "companions");
		out_json_begin_array(&j);
		for (size_t i = 0; i < resp->book->n_companions; i++)
			cmd_json_booking(&j, resp->book->companions[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		if (b->state == RIGBOOK__BOOKING_STATE__REQUESTED) {
			cmd_print_booking_line(stdout, N_("requested"), b);
			puts(_("  the time is held until staff approve or decline the booking"));
		} else {
			cmd_print_booking_line(stdout, N_("booked"), b);
		}
		if (units > 1)
			printf(_("  unit %" PRIu32 " of %" PRIu32 "\n"), b->unit, units);
		if (b->override_reason != NULL && b->override_reason[0] != '\0') {
			fputs(_("  past the rules and opening hours: "), stdout);
			out_put_clean(stdout, b->override_reason);
			fputc('\n', stdout);
		}
		/* what it requires was booked with it */
		for (size_t i = 0; i < resp->book->n_companions; i++)
			cmd_print_booking_line(stdout, N_("  with companion booking"), resp->book->companions[i]);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_book_entry = {
	.name = "book",
	.usage = "CODE --from TIME --to TIME [--note TEXT] [--override REASON]"
		 " [--every day|week|'N days'|'N weeks' (--count N | --until DATE | --count N --until DATE)"
		 " [--skip-conflicts]]",
	.summary = N_("book a resource, or a weekly/daily series of it (--every)"),
	.options = book_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_book_exec,
};
