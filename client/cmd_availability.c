/* availability: when one resource is taken and when it is free. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"

#define DEFAULT_SPAN (7 * 86400)

static const struct cmd_opt availability_opts[] = {
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ NULL, 0, NULL },
};

static int add_row(struct out_table *t, int64_t start, int64_t end, const char *tz,
		   const char *status)
{
	char w[RB_WINDOW_TEXT];
	const char *row[2] = { w, status };

	if (rb_time_window(start, end, tz, w, sizeof(w)) != 0)
		snprintf(w, sizeof(w), "%" PRId64 "-%" PRId64, start, end);
	return out_table_add(t, row);
}

static int print_timeline(const Rigbook__AvailabilityReply *a, int64_t from, int64_t to,
			  const char *tz)
{
	static const char *const head[] = { "WHEN", "STATUS" };
	struct out_table *t = out_table_new(2, head);
	int64_t cursor = from;
	size_t i;
	int rc = 0;

	if (t == NULL)
		return cmd_failed("out of memory");
	for (i = 0; i < a->n_busy && rc == 0; i++) {
		const Rigbook__Busy *b = a->busy[i];
		char status[96];

		if (b->start > cursor)
			rc |= add_row(t, cursor, b->start < to ? b->start : to, tz, "free");
		if (b->mine)
			snprintf(status, sizeof(status), "%s: your booking %" PRIu64,
				 rb_state_name(b->state), b->booking_id);
		else if (b->booking_id != 0)
			snprintf(status, sizeof(status), "%s: booking %" PRIu64 " of your startup",
				 rb_state_name(b->state), b->booking_id);
		else
			snprintf(status, sizeof(status), "%s", rb_state_name(b->state));
		rc |= add_row(t, b->start, b->end, tz, status);
		if (b->end > cursor)
			cursor = b->end;
	}
	if (rc == 0 && cursor < to)
		rc |= add_row(t, cursor, to, tz, "free");
	if (rc != 0) {
		out_table_free(t);
		return cmd_failed("out of memory");
	}
	out_table_print(t, stdout);
	out_table_free(t);
	return CMD_OK;
}

static void print_json(const Rigbook__AvailabilityReply *a, const char *code, int64_t from,
		       int64_t to, const char *tz)
{
	struct out_json j;
	char s[RB_TIME_TEXT + 4];

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_string(&j, "resource", code);
	out_json_kv_string(&j, "time_zone", tz);
	out_json_kv_int(&j, "from", from);
	out_json_kv_int(&j, "to", to);
	out_json_key(&j, "busy");
	out_json_begin_array(&j);
	for (size_t i = 0; i < a->n_busy; i++) {
		const Rigbook__Busy *b = a->busy[i];

		out_json_begin_object(&j);
		out_json_kv_int(&j, "start", b->start);
		out_json_kv_int(&j, "end", b->end);
		cmd_time_text(b->start, tz, s, sizeof(s));
		out_json_kv_string(&j, "start_local", s);
		cmd_time_text(b->end, tz, s, sizeof(s));
		out_json_kv_string(&j, "end_local", s);
		out_json_kv_string(&j, "state", rb_state_name(b->state));
		out_json_key(&j, "booking_id");
		if (b->booking_id != 0)
			out_json_uint(&j, b->booking_id);
		else
			out_json_null(&j);
		out_json_kv_bool(&j, "mine", b->mine);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int cmd_availability_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AvailabilityRequest ar = RIGBOOK__AVAILABILITY_REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	const Rigbook__Resource *res;
	char tz[128], err[256];
	int64_t t;
	int rc;

	if (from != NULL && rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "--from: %s", err);
	if (to != NULL && rb_time_parse(to, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "--to: %s", err);

	rc = cmd_resource(ctx, code, &resp, &res);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
	rigbook__response__free_unpacked(resp, NULL);
	resp = NULL;

	if (from == NULL) {
		ar.from = (int64_t)time(NULL);
		ar.from -= ar.from % 60;
	} else if (rb_time_parse(from, tz, &ar.from, err, sizeof(err)) != 0) {
		return cmd_bad_value(ctx, "--from: %s", err);
	}
	if (to == NULL)
		ar.to = ar.from + DEFAULT_SPAN;
	else if (rb_time_parse_until(to, tz, &ar.to, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "--to: %s", err);

	ar.resource_code = (char *)code;
	req.body_case = RIGBOOK__REQUEST__BODY_AVAILABILITY;
	req.availability = &ar;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_AVAILABILITY, &resp);
	if (rc != CMD_OK)
		return rc;
	if (resp->availability == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed("the server's answer is empty");
	}
	if (ctx->json) {
		print_json(resp->availability, code, ar.from, ar.to, tz);
	} else {
		out_put_clean(stdout, code);
		fputs(" (", stdout);
		out_put_clean(stdout, tz);
		fputs(")\n", stdout);
		rc = print_timeline(resp->availability, ar.from, ar.to, tz);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_availability_entry = {
	.name = "availability",
	.usage = "CODE [--from TIME] [--to TIME]",
	.summary = "show when a resource is taken and free (default: the next 7 days)",
	.options = availability_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_availability_exec,
};
