/* requires: the resources booked along with one (none: clears). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "detail.h"
#include "i18n.h"

static int cmd_requires_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetRequiresRequest sr = RIGBOOK__SET_REQUIRES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	const Rigbook__Resource *r;
	int rc;

	for (int i = 1; i < args->npos; i++)
		for (int k = 1; k < i; k++)
			if (strcmp(args->pos[i], args->pos[k]) == 0)
				return cmd_bad_value(ctx, _("%.40s is named twice"), args->pos[i]);
	sr.code = (char *)args->pos[0];
	sr.n_requires = (size_t)(args->npos - 1);
	sr.requires = (char **)(args->pos + 1);
	req.body_case = RIGBOOK__REQUEST__BODY_SET_REQUIRES;
	req.set_requires = &sr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_REQUIRES, &resp);
	if (rc != CMD_OK)
		return rc;
	d = cmd_reply_detail(resp);
	if (d == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_FAILED;
	}
	r = d->resource;
	if (ctx->json) {
		detail_json_print(d);
	} else if (r->n_requires == 0) {
		out_put_clean(stdout, r->code);
		fputs(_(" is booked on its own\n"), stdout);
	} else {
		fputs(_("booking "), stdout);
		out_put_clean(stdout, r->code);
		fputs(_(" also books "), stdout);
		for (size_t i = 0; i < r->n_requires; i++) {
			if (i > 0)
				fputs(", ", stdout);
			out_put_clean(stdout, r->requires[i]);
		}
		fputs(_(" for the same time\n"), stdout);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_requires_entry = {
	.name = "requires",
	.usage = "CODE [REQUIRED-CODE ...]",
	.summary = N_("set the resources booked along with a resource (staff)"),
	.options = NULL,
	.lower = 1,
	.upper = 17,
	.exec = cmd_requires_exec,
};
