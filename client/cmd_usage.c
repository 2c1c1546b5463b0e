/*
 * checkin, checkout, noshow, usage: the record of a booking's use.  The
 * holder (or staff on their behalf) checks in and out; staff mark no-shows
 * and correct the record, saying why.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt no_opts[] = {
	{ NULL, 0, NULL },
};

static const struct cmd_opt usage_opts[] = {
	{ "in", 1, NULL },
	{ "out", 1, NULL },
	{ "reason", 1, NULL },
	{ NULL, 0, NULL },
};

/* "  used 09:52-12:10 on 2026-12-03 (Asia/Shanghai)", "  in since ...", the usage note. */
static void print_usage_lines(const Rigbook__Booking *b)
{
	char w[RB_WINDOW_TEXT + 80];

	if (b->checked_in_at != 0 && b->checked_out_at != 0) {
		cmd_window_text(b->checked_in_at, b->checked_out_at, b->time_zone, w, sizeof(w));
		fputs(_("  used "), stdout);
		out_put_clean(stdout, w);
		fputc('\n', stdout);
	} else if (b->checked_in_at != 0) {
		cmd_time_text(b->checked_in_at, b->time_zone, w, sizeof(w));
		fputs(_("  checked in at "), stdout);
		out_put_clean(stdout, w);
		fputc('\n', stdout);
	}
	if (b->usage_note != NULL && b->usage_note[0] != '\0') {
		fputs(_("  note: "), stdout);
		out_put_clean(stdout, b->usage_note);
		fputc('\n', stdout);
	}
}

static const Rigbook__Booking *reply_booking(const Rigbook__Response *resp)
{
	const Rigbook__BookingReply *r = NULL;

	switch (resp->body_case) {
	case RIGBOOK__RESPONSE__BODY_CHECK_IN: r = resp->check_in; break;
	case RIGBOOK__RESPONSE__BODY_CHECK_OUT: r = resp->check_out; break;
	case RIGBOOK__RESPONSE__BODY_MARK_NO_SHOW: r = resp->mark_no_show; break;
	case RIGBOOK__RESPONSE__BODY_CORRECT_USAGE: r = resp->correct_usage; break;
	case RIGBOOK__RESPONSE__BODY_GET_BOOKING: r = resp->get_booking; break;
	default: break;
	}
	return r != NULL ? r->booking : NULL;
}

/* Print the booking a change answered with, and free resp. */
static int print_reply(struct cmd_ctx *ctx, Rigbook__Response *resp, const char *verb)
{
	const Rigbook__Booking *b = reply_booking(resp);
	struct out_json j;

	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no booking"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		cmd_json_booking(&j, b);
		out_json_finish(&j);
	} else {
		cmd_print_booking_line(stdout, verb, b);
		if (b->state == RIGBOOK__BOOKING_STATE__NO_SHOW)
			printf(_("  held by %s, who did not check in\n"), b->member_handle);
		else
			print_usage_lines(b);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

/* checkin, checkout, noshow: one booking id, one request. */
static int booking_request(struct cmd_ctx *ctx, const struct cmd_args *args,
			   Rigbook__Request__BodyCase body, Rigbook__Response__BodyCase expect,
			   const char *verb)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__CheckInRequest ci = RIGBOOK__CHECK_IN_REQUEST__INIT;
	Rigbook__CheckOutRequest co = RIGBOOK__CHECK_OUT_REQUEST__INIT;
	Rigbook__MarkNoShowRequest ns = RIGBOOK__MARK_NO_SHOW_REQUEST__INIT;
	Rigbook__Response *resp;
	uint64_t id;
	int rc;

	if (cmd_booking_id(args->pos[0], &id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a booking id (a number, as bookings shows)"),
				       args->pos[0]);
	req.body_case = body;
	switch (body) {
	case RIGBOOK__REQUEST__BODY_CHECK_IN:
		ci.booking_id = id;
		req.check_in = &ci;
		break;
	case RIGBOOK__REQUEST__BODY_CHECK_OUT:
		co.booking_id = id;
		req.check_out = &co;
		break;
	default:
		ns.booking_id = id;
		req.mark_no_show = &ns;
		break;
	}
	rc = cmd_call(ctx, &req, expect, &resp);
	if (rc != CMD_OK)
		return rc;
	return print_reply(ctx, resp, verb);
}

static int cmd_checkin_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return booking_request(ctx, args, RIGBOOK__REQUEST__BODY_CHECK_IN,
			       RIGBOOK__RESPONSE__BODY_CHECK_IN, N_("checked in"));
}

static int cmd_checkout_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return booking_request(ctx, args, RIGBOOK__REQUEST__BODY_CHECK_OUT,
			       RIGBOOK__RESPONSE__BODY_CHECK_OUT, N_("checked out"));
}

static int cmd_noshow_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return booking_request(ctx, args, RIGBOOK__REQUEST__BODY_MARK_NO_SHOW,
			       RIGBOOK__RESPONSE__BODY_MARK_NO_SHOW, N_("no-show"));
}

static int cmd_usage_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *in = cmd_arg(args, "in"), *out = cmd_arg(args, "out");
	const char *reason = cmd_arg(args, "reason");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetBookingRequest gr = RIGBOOK__GET_BOOKING_REQUEST__INIT;
	Rigbook__CorrectUsageRequest cu = RIGBOOK__CORRECT_USAGE_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Booking *b;
	char tz[128], err[256];
	int64_t t;
	int rc;

	if (cmd_booking_id(args->pos[0], &cu.booking_id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a booking id (a number, as bookings shows)"),
				       args->pos[0]);
	if (in == NULL && out == NULL)
		return cmd_usage_error(ctx, _("give --in, --out or both"));
	if (reason == NULL || reason[0] == '\0')
		return cmd_usage_error(ctx, _("--reason is required: the member sees why"));
	if (in != NULL && rb_time_parse(in, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--in: %s"), err);
	if (out != NULL && rb_time_parse(out, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--out: %s"), err);

	/* the booking's resource says in which zone the times are meant */
	gr.booking_id = cu.booking_id;
	req.body_case = RIGBOOK__REQUEST__BODY_GET_BOOKING;
	req.get_booking = &gr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_GET_BOOKING, &resp);
	if (rc != CMD_OK)
		return rc;
	b = reply_booking(resp);
	snprintf(tz, sizeof(tz), "%s", b != NULL && b->time_zone != NULL ? b->time_zone : "");
	rigbook__response__free_unpacked(resp, NULL);
	if (in != NULL && rb_time_parse(in, tz, &cu.checked_in_at, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--in: %s"), err);
	if (out != NULL && rb_time_parse(out, tz, &cu.checked_out_at, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--out: %s"), err);
	cu.reason = (char *)reason;

	req = (Rigbook__Request)RIGBOOK__REQUEST__INIT;
	req.body_case = RIGBOOK__REQUEST__BODY_CORRECT_USAGE;
	req.correct_usage = &cu;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_CORRECT_USAGE, &resp);
	if (rc != CMD_OK)
		return rc;
	return print_reply(ctx, resp, N_("corrected"));
}

const struct cmd_entry cmd_checkin_entry = {
	.name = "checkin",
	.usage = "ID",
	.summary = N_("check in to a booking (from shortly before its start)"),
	.options = no_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_checkin_exec,
};

const struct cmd_entry cmd_checkout_entry = {
	.name = "checkout",
	.usage = "ID",
	.summary = N_("check out of a booking you checked in to"),
	.options = no_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_checkout_exec,
};

const struct cmd_entry cmd_noshow_entry = {
	.name = "noshow",
	.usage = "ID",
	.summary = N_("mark a booking nobody checked in for a no-show (staff)"),
	.options = no_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_noshow_exec,
};

const struct cmd_entry cmd_usage_entry = {
	.name = "usage",
	.usage = "ID [--in TIME] [--out TIME] --reason TEXT",
	.summary = N_("correct when a booking's use began and ended (staff)"),
	.options = usage_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_usage_exec,
};
