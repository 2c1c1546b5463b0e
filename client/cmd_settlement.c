/*
 * settlement: what host institutions earned in a month, and what
 * vouchers and startups paid of it.
 */
#include <stdio.h>

#include "billing.h"
#include "i18n.h"

static const struct cmd_opt settlement_opts[] = {
	{ "period", 1, NULL },
	{ "institution", 1, NULL },
	{ NULL, 0, NULL },
};

static const struct rnd_col settlement_cols[] = {
	{ "institution", NULL, N_("INSTITUTION"), RND_TEXT, RND_DASH,
	  RND_STR(Rigbook__SettlementLine, institution_code) },
	{ "name", NULL, N_("NAME"), RND_TEXT, 0, RND_STR(Rigbook__SettlementLine, institution_name) },
	{ "currency", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__SettlementLine, currency) },
	{ "earned", NULL, N_("EARNED"), RND_MONEY, 0, RND_I64(Rigbook__SettlementLine, earned),
	  RND_AUX(Rigbook__SettlementLine, currency) },
	{ "voucher", NULL, N_("VOUCHERS PAID"), RND_MONEY, 0, RND_I64(Rigbook__SettlementLine, voucher),
	  RND_AUX(Rigbook__SettlementLine, currency) },
	{ "startup_pays", NULL, N_("STARTUPS PAID"), RND_MONEY, 0,
	  RND_I64(Rigbook__SettlementLine, startup_pays), RND_AUX(Rigbook__SettlementLine, currency) },
};

static int cmd_settlement_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *period = cmd_arg(args, "period"), *inst = cmd_arg(args, "institution");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SettlementRequest q = RIGBOOK__SETTLEMENT_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__SettlementReply *l;
	struct rnd out;
	int rc;

	if (period == NULL)
		return cmd_usage_error(ctx, _("settlement needs --period YYYY-MM"));
	if (!bill_period_ok(ctx, period))
		return CMD_USAGE;
	q.period = (char *)period;
	q.institution_code = (char *)(inst != NULL ? inst : "");
	req.body_case = RIGBOOK__REQUEST__BODY_SETTLEMENT;
	req.settlement = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SETTLEMENT, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->settlement;
	if (!ctx->json && (l == NULL || l->n_lines == 0)) {
		printf(_("nothing invoiced for %s\n"), period);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, settlement_cols, RND_NCOLS(settlement_cols), NULL);
	rc = cmd_rows(&out, l != NULL ? (const void *const *)l->lines : NULL, l != NULL ? l->n_lines : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_settlement_entry = {
	.name = "settlement",
	.usage = "--period YYYY-MM [--institution I]",
	.summary = N_("what host institutions earned, vouchers and startups paid"),
	.options = settlement_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_settlement_exec,
};
