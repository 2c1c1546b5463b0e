/* handover: give a booking to another member of the same startup. */
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "i18n.h"

static const struct cmd_opt handover_opts[] = {
	{ NULL, 0, NULL },
};

static int cmd_handover_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__HandOverRequest hr = RIGBOOK__HAND_OVER_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Booking *b;
	struct out_json j;
	int rc;

	if (cmd_booking_id(args->pos[0], &hr.booking_id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a booking id (a number, as bookings shows)"),
				       args->pos[0]);
	hr.to_member = (char *)args->pos[1];
	req.body_case = RIGBOOK__REQUEST__BODY_HAND_OVER;
	req.hand_over = &hr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_HAND_OVER, &resp);
	if (rc != CMD_OK)
		return rc;
	b = resp->hand_over != NULL ? resp->hand_over->booking : NULL;
	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no booking"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		cmd_json_booking(&j, b);
		out_json_finish(&j);
	} else {
		cmd_print_booking_line(stdout, N_("handed over"), b);
		printf(_("  now held by %s\n"), b->member_handle);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_handover_entry = {
	.name = "handover",
	.usage = "ID MEMBER",
	.summary = N_("give a booking to another member of your startup"),
	.options = handover_opts,
	.lower = 2,
	.upper = 2,
	.exec = cmd_handover_exec,
};
