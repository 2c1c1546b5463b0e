/* units: how many identical units a resource has. */
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "detail.h"
#include "i18n.h"

static int cmd_units_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetUnitsRequest su = RIGBOOK__SET_UNITS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	int rc;

	rc = cmd_count_arg(ctx, _("the number of units"), args->pos[1], 1, 1000, 0, &su.units);
	if (rc != CMD_OK)
		return rc;
	su.code = (char *)args->pos[0];
	req.body_case = RIGBOOK__REQUEST__BODY_SET_UNITS;
	req.set_units = &su;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_UNITS, &resp);
	if (rc != CMD_OK)
		return rc;
	d = cmd_reply_detail(resp);
	if (d == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_FAILED;
	}
	if (ctx->json) {
		detail_json_print(d);
	} else {
		uint32_t n = d->resource->units > 0 ? d->resource->units : 1;

		out_put_clean(stdout, d->resource->code);
		printf(_(" has %" PRIu32 " unit%s\n"), n, n == 1 ? "" : "s");
		detail_print_cancelled(stdout, d->cancelled, d->n_cancelled);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_units_entry = {
	.name = "units",
	.usage = "CODE N",
	.summary = N_("set how many identical units a resource has (staff)"),
	.options = NULL,
	.lower = 2,
	.upper = 2,
	.exec = cmd_units_exec,
};
