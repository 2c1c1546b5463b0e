/* book: take a resource for a window, read in the resource's time zone. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"

static const struct cmd_opt book_opts[] = {
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ "note", 1, NULL },
	{ "override", 1, NULL },
	{ NULL, 0, NULL },
};

/* Refuse what cannot be a time before talking to the server. */
static int check_syntax(struct cmd_ctx *ctx, const char *opt, const char *s)
{
	char err[256];
	int64_t t;

	if (rb_time_parse(s, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "--%s: %s", opt, err);
	return CMD_OK;
}

static int cmd_book_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	const char *note = cmd_arg(args, "note"), *override = cmd_arg(args, "override");
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
		return cmd_usage_error(ctx, "--from is required");
	if (to == NULL)
		return cmd_usage_error(ctx, "--to is required");
	if (override != NULL && override[0] == '\0')
		return cmd_usage_error(ctx, "--override needs a reason; it is recorded and shown");
	if ((rc = check_syntax(ctx, "from", from)) != CMD_OK ||
	    (rc = check_syntax(ctx, "to", to)) != CMD_OK)
		return rc;

	rc = cmd_resource(ctx, code, &rresp, &res);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
	units = res->units;
	rigbook__response__free_unpacked(rresp, NULL);
	if (rb_time_parse(from, tz, &br.start, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "--from: %s", err);
	if (rb_time_parse(to, tz, &br.end, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "--to: %s", err);

	br.resource_code = (char *)code;
	br.note = (char *)(note != NULL ? note : "");
	br.override_reason = (char *)(override != NULL ? override : "");
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &br;
	rc = cmd_mutate(ctx, &req, RIGBOOK__RESPONSE__BODY_BOOK, &resp);
	if (rc != CMD_OK)
		return rc;
	b = resp->book != NULL ? resp->book->booking : NULL;
	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed("the server's answer holds no booking");
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_uint(&j, "id", b->id);
		out_json_kv_uint(&j, "unit", b->unit);
		out_json_kv_string(&j, "state", rb_state_name(b->state));
		out_json_kv_string(&j, "override_reason", b->override_reason);
		out_json_kv_bool(&j, "replayed", resp->book->replayed);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		if (b->state == RIGBOOK__BOOKING_STATE__REQUESTED) {
			cmd_print_booking_line(stdout, "requested", b);
			puts("  the time is held until staff approve or decline the booking");
		} else {
			cmd_print_booking_line(stdout, "booked", b);
		}
		if (units > 1)
			printf("  unit %" PRIu32 " of %" PRIu32 "\n", b->unit, units);
		if (b->override_reason != NULL && b->override_reason[0] != '\0') {
			fputs("  past the rules and opening hours: ", stdout);
			out_put_clean(stdout, b->override_reason);
			fputc('\n', stdout);
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_book_entry = {
	.name = "book",
	.usage = "CODE --from TIME --to TIME [--note TEXT] [--override REASON]",
	.summary = "book a resource (--override: staff, past the rules)",
	.options = book_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_book_exec,
};
