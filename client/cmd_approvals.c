/*
 * approvals, approve, decline: the queue of requested bookings of the
 * resources a manager looks after, and the decision on each.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt approvals_opts[] = {
	{ NULL, 0, NULL },
};

static const struct cmd_opt decide_opts[] = {
	{ "reason", 1, NULL },
	{ NULL, 0, NULL },
};

static int cmd_approvals_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListApprovalsRequest lr = RIGBOOK__LIST_APPROVALS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListBookingsReply *reply;
	struct rnd out;
	int rc;

	lr.resource_code = (char *)(args->npos > 0 ? args->pos[0] : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_APPROVALS;
	req.list_approvals = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_APPROVALS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_approvals;
	if (!ctx->json && (reply == NULL || reply->n_bookings == 0)) {
		puts(_("no bookings wait for your approval"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, cmd_booking_cols, cmd_booking_ncols, NULL);
	if (!ctx->json)
		out.view = CMD_APPROVALS;
	rc = cmd_rows(&out, reply != NULL ? (const void *const *)reply->bookings : NULL,
		      reply != NULL ? reply->n_bookings : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int decide(struct cmd_ctx *ctx, const struct cmd_args *args, int approve)
{
	const char *reason = cmd_arg(args, "reason");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__DecideRequest dr = RIGBOOK__DECIDE_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Booking *b;
	struct out_json j;
	int rc;

	if (cmd_booking_id(args->pos[0], &dr.booking_id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a booking id (a number, as approvals shows)"),
				       args->pos[0]);
	if (!approve && (reason == NULL || reason[0] == '\0'))
		return cmd_usage_error(ctx, _("--reason is required: the member sees why"));
	dr.approve = approve;
	dr.reason = (char *)(reason != NULL ? reason : "");
	req.body_case = RIGBOOK__REQUEST__BODY_DECIDE;
	req.decide = &dr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_DECIDE, &resp);
	if (rc != CMD_OK)
		return rc;
	b = resp->decide != NULL ? resp->decide->booking : NULL;
	if (b == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no booking"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		cmd_json_booking(&j, b);
		out_json_finish(&j);
	} else {
		cmd_print_booking_line(stdout, approve ? N_("approved") : N_("declined"), b);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int cmd_approve_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return decide(ctx, args, 1);
}

static int cmd_decline_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return decide(ctx, args, 0);
}

const struct cmd_entry cmd_approvals_entry = {
	.name = "approvals",
	.usage = "[CODE]",
	.summary = N_("list the booking requests waiting for your approval (staff)"),
	.options = approvals_opts,
	.lower = 0,
	.upper = 1,
	.exec = cmd_approvals_exec,
};

const struct cmd_entry cmd_approve_entry = {
	.name = "approve",
	.usage = "ID [--reason TEXT]",
	.summary = N_("approve a requested booking (staff)"),
	.options = decide_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_approve_exec,
};

const struct cmd_entry cmd_decline_entry = {
	.name = "decline",
	.usage = "ID --reason TEXT",
	.summary = N_("decline a requested booking, saying why (staff)"),
	.options = decide_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_decline_exec,
};
