/*
 * charges: the ledger of charged bookings and credits, a member's
 * startup's or those staff may see, as a table, --csv or --json.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "billing.h"
#include "i18n.h"
#include "rigbook/money.h"

static const struct cmd_opt charges_opts[] = {
	{ "period", 1, NULL },
	{ "startup", 1, NULL },
	{ "csv", 0, NULL },
	{ "csv-headers", 1, NULL },
	{ NULL, 0, NULL },
};

static const struct rnd_col charge_cols[] = {
	{ "id", NC_("csv", "id"), N_("ID"), RND_UINT, 0, RND_U64(Rigbook__Charge, id) },
	{ "date", NC_("csv", "date"), N_("DATE"), RND_DATE, 0, RND_STR(Rigbook__Charge, charged_on) },
	{ "startup", NC_("csv", "startup"), N_("STARTUP"), RND_TEXT, 0, RND_STR(Rigbook__Charge, startup_code) },
	{ "resource", NC_("csv", "resource"), N_("RESOURCE"), RND_TEXT, 0,
	  RND_STR(Rigbook__Charge, resource_code) },
	{ "institution", NC_("csv", "institution"), NULL, RND_TEXT, 0,
	  RND_STR(Rigbook__Charge, institution_code) },
	{ "booking_id", NC_("csv", "booking"), N_("BOOKING"), RND_UINT, RND_DASH,
	  RND_U64(Rigbook__Charge, booking_id) },
	{ "kind", NC_("csv", "kind"), N_("KIND"), RND_TEXT, 0, RND_STR(Rigbook__Charge, kind) },
	{ "tier", NC_("csv", "tier"), NULL, RND_TEXT, 0, RND_STR(Rigbook__Charge, tier) },
	/* credit lines and reversals charge no time */
	{ "minutes", NC_("csv", "minutes"), N_("CHARGED"), RND_MINUTES, RND_DASH,
	  RND_I64(Rigbook__Charge, minutes) },
	{ "currency", NC_("csv", "currency"), NULL, RND_TEXT, 0, RND_STR(Rigbook__Charge, currency) },
	{ "amount", NC_("csv", "amount"), N_("AMOUNT"), RND_MONEY, 0, RND_I64(Rigbook__Charge, amount),
	  RND_AUX(Rigbook__Charge, currency) },
	{ "rate_id", NC_("csv", "rate"), NULL, RND_UINT, 0, RND_U64(Rigbook__Charge, rate_id) },
	{ "invoice", NC_("csv", "invoice"), N_("INVOICE"), RND_TEXT, RND_DASH,
	  RND_STR(Rigbook__Charge, invoice_number) },
	{ "description", NC_("csv", "description"), NULL, RND_TEXT, 0,
	  RND_STR(Rigbook__Charge, description) },
};

static int cmd_charges_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *period = cmd_arg(args, "period"), *startup = cmd_arg(args, "startup");
	int csv = cmd_arg(args, "csv") != NULL, local = cmd_csv_headers(ctx, args);
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListChargesRequest q = RIGBOOK__LIST_CHARGES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListChargesReply *l;
	struct rnd out;
	int64_t total = 0;
	const char *cur = NULL;
	int mixed = 0, rc;

	if (local < 0 || !bill_period_ok(ctx, period))
		return CMD_USAGE;
	q.period = (char *)(period != NULL ? period : "");
	q.startup_code = (char *)(startup != NULL ? startup : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_CHARGES;
	req.list_charges = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_CHARGES, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->list_charges;
	if (!ctx->json && !csv && (l == NULL || l->n_charges == 0)) {
		puts(_("no charges"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : csv ? RND_CSV : RND_TABLE, stdout, charge_cols,
		 RND_NCOLS(charge_cols), NULL);
	out.local = local;
	rc = cmd_rows(&out, l != NULL ? (const void *const *)l->charges : NULL, l != NULL ? l->n_charges : 0);
	for (size_t i = 0; rc == CMD_OK && out.fmt == RND_TABLE && i < l->n_charges; i++) {
		const Rigbook__Charge *c = l->charges[i];

		if (cur == NULL)
			cur = c->currency;
		else if (strcmp(cur, c->currency) != 0)
			mixed = 1;
		total += c->amount;
	}
	if (rc == CMD_OK && out.fmt == RND_TABLE && !mixed) {
		char a[RB_MONEY_TEXT];

		printf(_("total %s in %zu line%s\n"), rnd_money(total, cur, a), l->n_charges,
		       l->n_charges == 1 ? "" : "s");
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_charges_entry = {
	.name = "charges",
	.usage = "[--period YYYY-MM] [--startup S] [--csv [--csv-headers keys|local]]",
	.summary = N_("the charges of bookings: a member's startup's, or those staff may see"),
	.options = charges_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_charges_exec,
};
