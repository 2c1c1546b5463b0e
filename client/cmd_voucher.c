/*
 * voucher: innovation vouchers.  Operators record the vouchers startups
 * were granted; a voucher pays its share of each charge it covers when the
 * month is invoiced; the statement says what each issuer owes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "billing.h"
#include "i18n.h"
#include "rigbook/money.h"

static const struct cmd_opt voucher_opts[] = {
	{ "startup", 1, NULL },
	{ "issuer", 1, NULL },
	{ "coverage", 1, NULL },
	{ "cap", 1, NULL },
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ "institution", 1, NULL, 1 },
	{ "kind", 1, NULL, 1 },
	{ "currency", 1, NULL },
	{ "period", 1, NULL },
	{ NULL, 0, NULL },
};

/* "bill-univ; pilot_line" or "any" */
static void limits_text(const Rigbook__Voucher *v, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < v->n_institutions && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o > 0 ? "," : "", v->institutions[i]);
	for (size_t i = 0; i < v->n_kinds && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o > 0 ? (i == 0 ? "; " : ",") : "",
				      v->kinds[i]);
	if (o == 0)
		snprintf(buf, len, _("any"));
}

static void get_coverage(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	bill_pct(((const Rigbook__Voucher *)row)->coverage_pct, v);
}

static void get_limits(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	limits_text(row, v->buf, sizeof(v->buf));
	v->s = v->buf;
}

static void json_strings(struct out_json *j, const char *key, char *const *s, size_t n)
{
	out_json_key(j, key);
	out_json_begin_array(j);
	for (size_t i = 0; i < n; i++)
		out_json_string(j, s[i]);
	out_json_end_array(j);
}

static void json_limits(struct out_json *j, const void *row, const struct rnd *r)
{
	const Rigbook__Voucher *v = row;

	(void)r;
	json_strings(j, "institutions", v->institutions, v->n_institutions);
	json_strings(j, "kinds", v->kinds, v->n_kinds);
}

/* A redemption's amounts are in its voucher's currency (the renderer's ctx). */
static void get_line_amount(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->i = ((const Rigbook__VoucherRedemption *)row)->line_amount;
	v->s = ((const Rigbook__Voucher *)r->ctx)->currency;
}

static void get_paid(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->i = ((const Rigbook__VoucherRedemption *)row)->amount;
	v->s = ((const Rigbook__Voucher *)r->ctx)->currency;
}

static const struct rnd_col redemption_cols[] = {
	{ "invoice", NULL, N_("INVOICE"), RND_TEXT, 0, RND_STR(Rigbook__VoucherRedemption, invoice_number) },
	{ "period", NULL, N_("PERIOD"), RND_TEXT, 0, RND_STR(Rigbook__VoucherRedemption, period) },
	{ "date", NULL, N_("DATE"), RND_DATE, 0, RND_STR(Rigbook__VoucherRedemption, charged_on) },
	{ "resource", NULL, N_("RESOURCE"), RND_TEXT, 0, RND_STR(Rigbook__VoucherRedemption, resource_code) },
	{ "booking_id", NULL, N_("BOOKING"), RND_UINT, 0, RND_U64(Rigbook__VoucherRedemption, booking_id) },
	{ "line", NULL, N_("LINE"), RND_MONEY, 0, .get = get_line_amount },
	{ "amount", NULL, N_("PAID"), RND_MONEY, 0, .get = get_paid },
};

/* The redemptions of a voucher show: the reply is the renderer's ctx. */
static void json_redemptions(struct out_json *j, const void *row, const struct rnd *r)
{
	const Rigbook__VoucherReply *reply = r->ctx;
	struct rnd sub;

	rnd_init(&sub, RND_JSON, stdout, redemption_cols, RND_NCOLS(redemption_cols), row);
	out_json_key(j, "redemptions");
	out_json_begin_array(j);
	for (size_t i = 0; reply != NULL && i < reply->n_redemptions; i++)
		rnd_json_object(&sub, j, reply->redemptions[i]);
	out_json_end_array(j);
}

#define VOUCHER_SHOW 1u /* the view of voucher show: with its redemptions */

static const struct rnd_col voucher_cols[] = {
	{ "id", NULL, N_("ID"), RND_UINT, 0, RND_U64(Rigbook__Voucher, id) },
	{ "startup", NULL, N_("STARTUP"), RND_TEXT, 0, RND_STR(Rigbook__Voucher, startup_code) },
	{ "issuer", NULL, N_("ISSUER"), RND_TEXT, 0, RND_STR(Rigbook__Voucher, issuer) },
	{ "coverage_pct", NULL, N_("COVERAGE"), RND_UINT, 0, .get = get_coverage },
	{ "currency", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Voucher, currency) },
	{ "cap", NULL, N_("CAP"), RND_MONEY, 0, RND_I64(Rigbook__Voucher, cap), RND_AUX(Rigbook__Voucher, currency) },
	{ "used", NULL, N_("USED"), RND_MONEY, 0, RND_I64(Rigbook__Voucher, used),
	  RND_AUX(Rigbook__Voucher, currency) },
	{ "balance", NULL, N_("BALANCE"), RND_MONEY, 0, RND_I64(Rigbook__Voucher, balance),
	  RND_AUX(Rigbook__Voucher, currency) },
	{ "from", NULL, N_("FROM"), RND_DATE, 0, RND_STR(Rigbook__Voucher, valid_from) },
	{ "to", NULL, N_("TO"), RND_DATE, 0, RND_STR(Rigbook__Voucher, valid_to) },
	{ NULL, NULL, N_("FOR"), RND_TEXT, 0, .get = get_limits },
	{ NULL, NULL, NULL, RND_CUSTOM, 0, .json = json_limits },
	/* voucher show's: the renderer's ctx is the reply */
	{ NULL, NULL, NULL, RND_CUSTOM, 0, .json = json_redemptions, .view = VOUCHER_SHOW },
};

/* One voucher as JSON; with its redemptions when reply (voucher show's) is given. */
static void voucher_json(const Rigbook__Voucher *v, const Rigbook__VoucherReply *reply)
{
	struct rnd r;
	struct out_json j;

	rnd_init(&r, RND_JSON, stdout, voucher_cols, RND_NCOLS(voucher_cols), reply);
	r.view = reply != NULL ? ~0u : ~VOUCHER_SHOW;
	out_json_init(&j, stdout);
	rnd_json_object(&r, &j, v);
	out_json_finish(&j);
}

static void print_voucher_head(const Rigbook__Voucher *v)
{
	char a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], c[RB_MONEY_TEXT], lim[300];

	printf(_("voucher %" PRIu64 " of "), v->id);
	out_put_clean(stdout, v->startup_code);
	fputs(_(" from "), stdout);
	out_put_clean(stdout, v->issuer);
	printf(_(": %" PRIu32 "%% of each charge up to %s, %s to %s\n"), v->coverage_pct,
	       rnd_money(v->cap, v->currency, a), v->valid_from, v->valid_to);
	limits_text(v, lim, sizeof(lim));
	fputs(_("  for: "), stdout);
	out_put_clean(stdout, lim);
	printf(_("\n  used %s, balance %s\n"), rnd_money(v->used, v->currency, b),
	       rnd_money(v->balance, v->currency, c));
}

static int voucher_add(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *startup = cmd_arg(args, "startup"), *issuer = cmd_arg(args, "issuer");
	const char *cov = cmd_arg(args, "coverage"), *cap = cmd_arg(args, "cap");
	const char *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	const char *cur = cmd_arg(args, "currency");
	const char *insts[32], *kinds[32];
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AddVoucherRequest q = RIGBOOK__ADD_VOUCHER_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__VoucherReply *r;
	int rc;

	if (args->npos != 1)
		return cmd_usage_error(ctx, _("voucher add takes no more arguments, only options"));
	if (startup == NULL || issuer == NULL || cov == NULL || cap == NULL || from == NULL || to == NULL)
		return cmd_usage_error(ctx, _("voucher add needs --startup, --issuer, --coverage, --cap, --from and --to"));
	if (!bill_pct_arg(ctx, "--coverage", cov, &q.coverage_pct) || !bill_amount_arg(ctx, "--cap", cap, &q.cap) ||
	    !cmd_date_arg(ctx, "--from", from) || !cmd_date_arg(ctx, "--to", to))
		return CMD_USAGE;
	q.startup_code = (char *)startup;
	q.issuer = (char *)issuer;
	q.currency = (char *)(cur != NULL ? cur : "");
	q.valid_from = (char *)from;
	q.valid_to = (char *)to;
	q.n_institutions = cmd_arg_all(args, "institution", insts, 32);
	q.institutions = (char **)insts;
	q.n_kinds = cmd_arg_all(args, "kind", kinds, 32);
	q.kinds = (char **)kinds;
	req.body_case = RIGBOOK__REQUEST__BODY_ADD_VOUCHER;
	req.add_voucher = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_ADD_VOUCHER, &resp);
	if (rc != CMD_OK)
		return rc;
	r = resp->add_voucher;
	if (r == NULL || r->voucher == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no voucher"));
	}
	if (ctx->json) {
		voucher_json(r->voucher, NULL);
	} else {
		print_voucher_head(r->voucher);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int voucher_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *startup = cmd_arg(args, "startup");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListVouchersRequest q = RIGBOOK__LIST_VOUCHERS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListVouchersReply *l;
	struct rnd out;
	int rc;

	q.startup_code = (char *)(startup != NULL ? startup : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_VOUCHERS;
	req.list_vouchers = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_VOUCHERS, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->list_vouchers;
	if (!ctx->json && (l == NULL || l->n_vouchers == 0)) {
		puts(_("no vouchers"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, voucher_cols, RND_NCOLS(voucher_cols), NULL);
	out.view = ~VOUCHER_SHOW;
	rc = cmd_rows(&out, l != NULL ? (const void *const *)l->vouchers : NULL, l != NULL ? l->n_vouchers : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int voucher_show(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetVoucherRequest q = RIGBOOK__GET_VOUCHER_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__VoucherReply *r;
	struct rnd out;
	int rc;

	if (args->npos != 2 || cmd_booking_id(args->pos[1], &q.voucher_id) != 0)
		return cmd_usage_error(ctx, _("voucher show takes the voucher's id (a number, as voucher list shows)"));
	req.body_case = RIGBOOK__REQUEST__BODY_GET_VOUCHER;
	req.get_voucher = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_GET_VOUCHER, &resp);
	if (rc != CMD_OK)
		return rc;
	r = resp->get_voucher;
	if (r == NULL || r->voucher == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no voucher"));
	}
	if (ctx->json) {
		voucher_json(r->voucher, r);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	print_voucher_head(r->voucher);
	if (r->n_redemptions == 0) {
		puts(_("  not redeemed yet"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, RND_TABLE, stdout, redemption_cols, RND_NCOLS(redemption_cols), r->voucher);
	rc = cmd_rows(&out, (const void *const *)r->redemptions, r->n_redemptions);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static const struct rnd_col statement_cols[] = {
	{ "issuer", NULL, N_("ISSUER"), RND_TEXT, 0, RND_STR(Rigbook__VoucherStatementLine, issuer) },
	{ "period", NULL, N_("PERIOD"), RND_TEXT, 0, RND_STR(Rigbook__VoucherStatementLine, period) },
	{ "invoice", NULL, N_("INVOICE"), RND_TEXT, 0, RND_STR(Rigbook__VoucherStatementLine, invoice_number) },
	{ "startup", NULL, N_("STARTUP"), RND_TEXT, 0, RND_STR(Rigbook__VoucherStatementLine, startup_code) },
	{ "voucher_id", NULL, N_("VOUCHER"), RND_UINT, 0, RND_U64(Rigbook__VoucherStatementLine, voucher_id) },
	{ "currency", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__VoucherStatementLine, currency) },
	{ "amount", NULL, N_("AMOUNT"), RND_MONEY, 0, RND_I64(Rigbook__VoucherStatementLine, amount),
	  RND_AUX(Rigbook__VoucherStatementLine, currency) },
};

static int voucher_statement(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *issuer = cmd_arg(args, "issuer"), *period = cmd_arg(args, "period");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__VoucherStatementRequest q = RIGBOOK__VOUCHER_STATEMENT_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__VoucherStatementReply *l;
	struct rnd out;
	int rc;

	if (!bill_period_ok(ctx, period))
		return CMD_USAGE;
	q.issuer = (char *)(issuer != NULL ? issuer : "");
	q.period = (char *)(period != NULL ? period : "");
	req.body_case = RIGBOOK__REQUEST__BODY_VOUCHER_STATEMENT;
	req.voucher_statement = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_VOUCHER_STATEMENT, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->voucher_statement;
	if (!ctx->json && (l == NULL || l->n_lines == 0)) {
		puts(_("no voucher has paid anything on these invoices"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, statement_cols, RND_NCOLS(statement_cols), NULL);
	rc = cmd_rows(&out, l != NULL ? (const void *const *)l->lines : NULL, l != NULL ? l->n_lines : 0);
	/* what each issuer owes, per currency, in the order they came */
	for (size_t i = 0; rc == CMD_OK && !ctx->json && i < l->n_lines; i++) {
		const Rigbook__VoucherStatementLine *s = l->lines[i];
		int64_t sum = 0;
		int seen = 0;
		char a[RB_MONEY_TEXT];

		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(l->lines[k]->issuer, s->issuer) == 0 &&
			       strcmp(l->lines[k]->currency, s->currency) == 0;
		if (seen)
			continue;
		for (size_t k = i; k < l->n_lines; k++)
			if (strcmp(l->lines[k]->issuer, s->issuer) == 0 &&
			    strcmp(l->lines[k]->currency, s->currency) == 0)
				sum += l->lines[k]->amount;
		out_put_clean(stdout, s->issuer);
		printf(_(" owes %s\n"), rnd_money(sum, s->currency, a));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static const struct cmd_sub voucher_subs[] = {
	{ "add", NULL,
	  "--startup S --issuer TEXT --coverage P% --cap AMOUNT --from DATE --to DATE [--institution I]..."
	  " [--kind K]...",
	  N_("record a voucher a startup was granted"), voucher_add },
	{ "list", NULL, "[--startup S]", N_("vouchers with what is used and left"), voucher_list },
	{ "show", NULL, "ID", N_("one voucher and what it paid, line by line"), voucher_show },
	{ "statement", NULL, "[--issuer TEXT] [--period YYYY-MM]", N_("what each issuer owes, invoice by invoice"),
	  voucher_statement },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_voucher_entry = {
	.name = "voucher",
	.usage = "",
	.summary = N_("innovation vouchers: record, balance, what issuers owe"),
	.options = voucher_opts,
	.lower = 1,
	.upper = 2,
	.subs = voucher_subs,
};
