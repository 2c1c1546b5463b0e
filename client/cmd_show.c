/* show: everything about one resource, times in its own zone. */
#include <stdio.h>

#include "cmd.h"
#include "i18n.h"
#include "detail.h"

static int cmd_show_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	int rc;

	rc = cmd_detail(ctx, args->pos[0], &resp, &d);
	if (rc != CMD_OK)
		return rc;
	if (ctx->json)
		detail_json_print(d);
	else
		detail_print(stdout, d);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "CODE",
	.summary = N_("show a resource: rules, hours, exceptions, closures, terms"),
	.options = NULL,
	.lower = 1,
	.upper = 1,
	.exec = cmd_show_exec,
};
