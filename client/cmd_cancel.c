/* cancel: cancel a booking by id, or what is left of a series. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "detail.h"
#include "rigbook/money.h"
#include "rigbook/names.h"
#include "i18n.h"

static const struct cmd_opt cancel_opts[] = {
	{ "reason", 1, NULL },
	{ "series", 1, NULL },
	{ NULL, 0, NULL },
};

int cmd_booking_id(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0' || strlen(s) > 20)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

/* cancel --series ID: every occurrence still to come, in one transaction. */
static int cancel_series(struct cmd_ctx *ctx, const char *id, const char *reason)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__CancelSeriesRequest cr = RIGBOOK__CANCEL_SERIES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__CancelSeriesReply *s;
	struct out_json j;
	int rc;

	if (cmd_booking_id(id, &cr.series_id) != 0)
		return cmd_usage_error(ctx, _("--series: '%.40s' is not a series id (a number, as book and bookings show)"),
				       id);
	cr.reason = (char *)(reason != NULL ? reason : "");
	req.body_case = RIGBOOK__REQUEST__BODY_CANCEL_SERIES;
	req.cancel_series = &cr;
	rc = cmd_mutate(ctx, &req, RIGBOOK__RESPONSE__BODY_CANCEL_SERIES, &resp,
			_("the server may have cancelled the series; run `rigbook bookings` to check"));
	if (rc != CMD_OK)
		return rc;
	s = resp->cancel_series;
	if (s == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no series"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_uint(&j, "series_id", cr.series_id);
		out_json_kv_bool(&j, "replayed", s->replayed);
		out_json_key(&j, "cancelled");
		out_json_begin_array(&j);
		for (size_t i = 0; i < s->n_cancelled; i++)
			cmd_json_booking(&j, s->cancelled[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		printf(_("cancelled series %" PRIu64 ": %zu booking%s\n"), cr.series_id, s->n_cancelled,
		       s->n_cancelled == 1 ? "" : "s");
		for (size_t i = 0; i < s->n_cancelled; i++) {
			cmd_print_booking_line(stdout, N_("  booking"), s->cancelled[i]);
			if (s->cancelled[i]->cancelled_late)
				puts(_("    cancelled late"));
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

/* A late cancellation: that it was late, and what it costs. */
static void print_late(const Rigbook__CancelBookingReply *c)
{
	char window[64], fee[RB_MONEY_TEXT];

	detail_minutes_text(c->late_cancel_minutes, window, sizeof(window));
	printf(_("  cancelled late: less than %s before its start"), window);
	if (c->late_fee != 0 &&
	    rb_money_format(c->late_fee, c->late_currency != NULL && c->late_currency[0] != '\0'
					       ? c->late_currency : "CNY", fee, sizeof(fee)) == 0)
		printf(_("; a late-cancellation fee of %s is charged to the startup\n"), fee);
	else
		puts(_("; no fee is charged (the rate has none for it)"));
}

static int cmd_cancel_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *reason = cmd_arg(args, "reason"), *series = cmd_arg(args, "series");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__CancelBookingRequest cr = RIGBOOK__CANCEL_BOOKING_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Booking *b;
	struct out_json j;
	int rc;

	if (series != NULL) {
		if (args->npos > 0)
			return cmd_usage_error(ctx, _("give a booking id or --series, not both"));
		return cancel_series(ctx, series, reason);
	}
	if (args->npos == 0)
		return cmd_usage_error(ctx, _("say which booking to cancel (or --series SERIES_ID)"));
	if (cmd_booking_id(args->pos[0], &cr.booking_id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a booking id (a number, as book and bookings show)"),
				       args->pos[0]);
	cr.reason = (char *)(reason != NULL ? reason : "");
	req.body_case = RIGBOOK__REQUEST__BODY_CANCEL_BOOKING;
	req.cancel_booking = &cr;
	rc = cmd_mutate(ctx, &req, RIGBOOK__RESPONSE__BODY_CANCEL_BOOKING, &resp,
			_("the server may have cancelled it; run `rigbook bookings` to check"));
	if (rc != CMD_OK)
		return rc;
	b = resp->cancel_booking != NULL ? resp->cancel_booking->booking : NULL;
	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no booking"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_uint(&j, "id", b->id);
		out_json_kv_string(&j, "state", rb_state_name(b->state));
		out_json_kv_bool(&j, "cancelled_late", b->cancelled_late);
		out_json_kv_int(&j, "late_fee", resp->cancel_booking->late_fee);
		out_json_kv_string(&j, "late_currency", resp->cancel_booking->late_currency);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		cmd_print_booking_line(stdout, N_("cancelled"), b);
		if (b->cancelled_late)
			print_late(resp->cancel_booking);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_cancel_entry = {
	.name = "cancel",
	.usage = "ID [--reason TEXT] | --series SERIES_ID [--reason TEXT]",
	.summary = N_("cancel a booking, or what is left of a series"),
	.options = cancel_opts,
	.lower = 0,
	.upper = 1,
	.exec = cmd_cancel_exec,
};
