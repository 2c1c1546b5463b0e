/*
 * move: move a booking to another window of the same resource, read in the
 * resource's time zone.  All of it moves, or nothing does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt move_opts[] = {
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ NULL, 0, NULL },
};

static int cmd_move_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetBookingRequest gr = RIGBOOK__GET_BOOKING_REQUEST__INIT;
	Rigbook__MoveBookingRequest mr = RIGBOOK__MOVE_BOOKING_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Booking *b;
	char tz[128], err[256], old[2 * RB_TIME_TEXT + 64];
	struct out_json j;
	int64_t t;
	int rc;

	if (cmd_booking_id(args->pos[0], &mr.booking_id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a booking id (a number, as bookings shows)"),
				       args->pos[0]);
	if (from == NULL)
		return cmd_usage_error(ctx, _("--from is required"));
	if (to == NULL)
		return cmd_usage_error(ctx, _("--to is required"));
	if (rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (rb_time_parse(to, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	/* the booking's resource says in which zone the times are meant */
	gr.booking_id = mr.booking_id;
	req.body_case = RIGBOOK__REQUEST__BODY_GET_BOOKING;
	req.get_booking = &gr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_GET_BOOKING, &resp);
	if (rc != CMD_OK)
		return rc;
	b = resp->get_booking != NULL ? resp->get_booking->booking : NULL;
	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no booking"));
	}
	snprintf(tz, sizeof(tz), "%s", b->time_zone != NULL ? b->time_zone : "");
	cmd_window_text(b->start, b->end, tz, old, sizeof(old));
	rigbook__response__free_unpacked(resp, NULL);
	if (rb_time_parse(from, tz, &mr.start, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (rb_time_parse_until(to, tz, &mr.end, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);
	if (mr.end <= mr.start)
		return cmd_bad_value(ctx, _("--to %.40s is not after --from %.40s: a window ends after it starts"), to, from);

	req = (Rigbook__Request)RIGBOOK__REQUEST__INIT;
	req.body_case = RIGBOOK__REQUEST__BODY_MOVE_BOOKING;
	req.move_booking = &mr;
	rc = cmd_mutate(ctx, &req, RIGBOOK__RESPONSE__BODY_MOVE_BOOKING, &resp,
			_("the server may have moved it; run `rigbook bookings` to check"));
	if (rc != CMD_OK)
		return rc;
	b = resp->move_booking != NULL ? resp->move_booking->booking : NULL;
	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no booking"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		cmd_json_booking(&j, b);
		out_json_finish(&j);
	} else {
		cmd_print_booking_line(stdout, N_("moved"), b);
		printf(_("  was %s\n"), old);
		if (b->state == RIGBOOK__BOOKING_STATE__REQUESTED)
			puts(_("  the new time waits for staff to approve it"));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_move_entry = {
	.name = "move",
	.usage = "ID --from TIME --to TIME",
	.summary = N_("move a booking to another time (all of it, or nothing)"),
	.options = move_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_move_exec,
};
