/* bookings: the caller's (or their startup's) bookings. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rigbook/ics.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt bookings_opts[] = {
	{ "startup", 0, NULL },
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ "resource", 1, NULL },
	{ "all-states", 0, NULL },
	{ "limit", 1, NULL },
	{ "ics", 0, NULL },
	{ NULL, 0, NULL },
};

static int parse_limit(const char *s, uint32_t *out)
{
	unsigned long v = 0;

	if (*s == '\0' || strlen(s) > 4)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 1000)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

__attribute__((format(printf, 4, 5)))
static void add_detail(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	if (*off > 0) {
		n = snprintf(buf + *off, len - *off, "; ");
		*off = n < 0 ? len : *off + (size_t)n;
		if (*off >= len)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	*off = n < 0 ? len : *off + (size_t)n;
}

/*
 * Why it was cancelled, whether staff booked it past the rules, what it came
 * with, when it was used (and why that was corrected), its note.
 */
static void booking_details(const Rigbook__Booking *b, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (b->cancel_reason != NULL && b->cancel_reason[0] != '\0')
		add_detail(buf, len, &off, "%s: %.500s", i18n_state(rb_state_name(b->state)), b->cancel_reason);
	if (b->cancelled_late)
		add_detail(buf, len, &off, _("cancelled late"));
	if (b->cancelled_by != NULL && b->cancelled_by[0] != '\0' &&
	    strcmp(b->cancelled_by, b->member_handle) != 0)
		add_detail(buf, len, &off, _("cancelled by %.64s"), b->cancelled_by);
	if (b->decision_reason != NULL && b->decision_reason[0] != '\0')
		add_detail(buf, len, &off, _("%s by %.64s: %.500s"), i18n_state(rb_state_name(b->state)),
			   b->decided_by, b->decision_reason);
	if (b->override_reason != NULL && b->override_reason[0] != '\0')
		add_detail(buf, len, &off, _("past the rules: %.500s"), b->override_reason);
	if (b->parent_id != 0)
		add_detail(buf, len, &off, _("with booking %" PRIu64), b->parent_id);
	if (b->checked_in_at != 0) {
		char w[RB_WINDOW_TEXT + 16];

		if (b->checked_out_at != 0 &&
		    cmd_window_words(b->checked_in_at, b->checked_out_at, b->time_zone, w, sizeof(w)) == 0)
			add_detail(buf, len, &off, _("used %s"), w);
		else if (b->checked_out_at == 0 &&
			 rb_time_format(b->checked_in_at, b->time_zone, w, sizeof(w)) == 0)
			add_detail(buf, len, &off, _("in since %s"), w);
	}
	if (b->usage_note != NULL && b->usage_note[0] != '\0')
		add_detail(buf, len, &off, _("usage: %.500s"), b->usage_note);
	if (b->series_id != 0)
		add_detail(buf, len, &off, _("series %" PRIu64 ", %" PRIu32 " of %" PRIu32), b->series_id,
			   b->series_no, b->series_of);
	if (b->note != NULL && b->note[0] != '\0')
		add_detail(buf, len, &off, _("note: %.500s"), b->note);
}

static int print_table(const Rigbook__ListBookingsReply *reply)
{
	static const char *const head[] = { N_("ID"), N_("RESOURCE"), N_("START"), N_("END"), N_("STATE"), N_("MEMBER"),
					    N_("DETAILS") };
	struct out_table *t = out_table_new(7, head);
	size_t i;

	if (t == NULL)
		return cmd_failed(_("out of memory"));
	for (i = 0; i < reply->n_bookings; i++) {
		const Rigbook__Booking *b = reply->bookings[i];
		char id[24], start[RB_TIME_TEXT + 2], end[RB_TIME_TEXT + 2];

		char details[1600];

		snprintf(id, sizeof(id), "%" PRIu64, b->id);
		cmd_time_text(b->start, b->time_zone, start, sizeof(start));
		cmd_time_text(b->end, b->time_zone, end, sizeof(end));
		booking_details(b, details, sizeof(details));
		const char *row[] = { id, b->resource_code, start, end, i18n_state(rb_state_name(b->state)),
				      b->member_handle, details };

		if (out_table_add(t, row) != 0) {
			out_table_free(t);
			return cmd_failed(_("out of memory"));
		}
	}
	out_table_print(t, stdout);
	out_table_free(t);
	return CMD_OK;
}

static int cmd_bookings_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	const char *code = cmd_arg(args, "resource"), *limit = cmd_arg(args, "limit");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListBookingsRequest lb = RIGBOOK__LIST_BOOKINGS_REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	const Rigbook__Resource *res;
	const char *tz = NULL; /* the local zone unless one resource is asked for */
	char zone[128], err[256];
	struct out_json j;
	int64_t t;
	size_t i;
	int rc, ics = cmd_arg(args, "ics") != NULL;

	if (ics && ctx->json)
		return cmd_usage_error(ctx, _("--ics and --json do not go together"));
	if (limit != NULL && parse_limit(limit, &lb.limit) != 0)
		return cmd_usage_error(ctx, _("--limit takes a number from 1 to 1000"));
	/* refuse what cannot be a time before talking to the server */
	if (from != NULL && rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (to != NULL && rb_time_parse(to, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	if (code != NULL) {
		rc = cmd_resource(ctx, code, &resp, &res);
		if (rc != CMD_OK)
			return rc;
		snprintf(zone, sizeof(zone), "%s", res->time_zone != NULL ? res->time_zone : "");
		rigbook__response__free_unpacked(resp, NULL);
		tz = zone;
		lb.resource_code = (char *)code;
	}
	if (from != NULL && rb_time_parse(from, tz, &lb.from, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (to != NULL && rb_time_parse_until(to, tz, &lb.to, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	lb.scope = cmd_arg(args, "startup") != NULL ? RIGBOOK__BOOKING_SCOPE__SCOPE_STARTUP
						    : RIGBOOK__BOOKING_SCOPE__SCOPE_MINE;
	lb.include_inactive = cmd_arg(args, "all-states") != NULL;
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_BOOKINGS;
	req.list_bookings = &lb;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_BOOKINGS, &resp);
	if (rc != CMD_OK)
		return rc;

	const Rigbook__ListBookingsReply *reply = resp->list_bookings;

	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "bookings");
		out_json_begin_array(&j);
		for (i = 0; reply != NULL && i < reply->n_bookings; i++)
			cmd_json_booking(&j, reply->bookings[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CMD_OK;
	} else if (ics) {
		const Rigbook__HelloReply *session = rbc_session(ctx->conn);
		char domain[256];

		ics_domain(session != NULL ? session->space_code : NULL, ctx->opts.server, domain,
			   sizeof(domain));
		rc = CMD_OK;
		if (ics_write_calendar(stdout, reply != NULL ? reply->bookings : NULL,
				       reply != NULL ? reply->n_bookings : 0, domain,
				       (int64_t)time(NULL)) != 0)
			rc = cmd_failed(_("out of memory"));
	} else if (reply == NULL || reply->n_bookings == 0) {
		printf(_("no bookings\n"));
		rc = CMD_OK;
	} else {
		rc = print_table(reply);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_bookings_entry = {
	.name = "bookings",
	.usage = "[--startup] [--from TIME] [--to TIME] [--resource CODE] [--all-states] [--limit N] [--ics]",
	.summary = N_("list your (--startup: your startup's) bookings not yet ended"),
	.options = bookings_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_bookings_exec,
};
