/*
 * rate, charges, voucher, invoice, settlement: billing.  Operators set
 * the rates of their space's resources, record innovation vouchers, run
 * the month's invoices and issue credit notes; members read their
 * startup's charges and invoices; managers their institution's rates and
 * settlement.  Amounts are minor units on the wire, "¥1,234.50" here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "rigbook/money.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

/* ------------------------------------------------------------ shared */

static int bill_period_ok(struct cmd_ctx *ctx, const char *p)
{
	if (p == NULL)
		return 1;
	if (strlen(p) != 7 || p[4] != '-' || strspn(p, "0123456789-") != 7 ||
	    !((p[5] == '0' && p[6] >= '1' && p[6] <= '9') || (p[5] == '1' && p[6] >= '0' && p[6] <= '2'))) {
		cmd_bad_value(ctx, _("--period: '%.40s' is not a month; give it as YYYY-MM, like 2026-11"), p);
		return 0;
	}
	return 1;
}

static int bill_amount_arg(struct cmd_ctx *ctx, const char *label, const char *v, int64_t *out)
{
	char err[200];

	if (rb_money_parse(v, out, err, sizeof(err)) != 0) {
		cmd_bad_value(ctx, "%s: %s", label, err);
		return 0;
	}
	return 1;
}

static int bill_pct_arg(struct cmd_ctx *ctx, const char *label, const char *v, uint32_t *out)
{
	char err[200];
	int p;

	if (rb_percent_parse(v, &p, err, sizeof(err)) != 0) {
		cmd_bad_value(ctx, "%s: %s", label, err);
		return 0;
	}
	*out = (uint32_t)p;
	return 1;
}

/* A percentage: the number in JSON, "25%" in a table. */
static void bill_pct(uint32_t pct, struct rnd_val *v)
{
	v->u = pct;
	snprintf(v->buf, sizeof(v->buf), "%" PRIu32 "%%", pct);
	v->table = v->buf;
}

/* A list of n rows through out, from its start to its end; a status. */
static int bill_rows(struct rnd *out, const void *const *rows, size_t n)
{
	int bad = rnd_begin(out) != 0;

	for (size_t i = 0; !bad && i < n; i++)
		bad = rnd_row(out, rows[i]) != 0;
	if (rnd_end(out) != 0 || bad)
		return cmd_failed(_("out of memory"));
	return CMD_OK;
}

/* A reply's object as JSON, alone. */
static void bill_json_one(const struct rnd_col *cols, size_t n, const void *row)
{
	struct rnd r;
	struct out_json j;

	rnd_init(&r, RND_JSON, stdout, cols, n, NULL);
	out_json_init(&j, stdout);
	rnd_json_object(&r, &j, row);
	out_json_finish(&j);
}

/* The format a list command writes: --json, --csv or a table. */
static enum rnd_format bill_format(const struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return ctx->json ? RND_JSON : cmd_arg(args, "csv") != NULL ? RND_CSV : RND_TABLE;
}

/* ------------------------------------------------------------ rate */

static const struct cmd_opt rate_opts[] = {
	{ "tier", 1, NULL },
	{ "hourly", 1, NULL },
	{ "increment", 1, NULL },
	{ "minimum", 1, NULL },
	{ "day", 1, NULL },
	{ "day-after", 1, NULL },
	{ "basis", 1, NULL },
	{ "late-fee", 1, NULL },
	{ "no-show-fee", 1, NULL },
	{ "from", 1, NULL },
	{ "currency", 1, NULL },
	{ "space", 1, NULL },
	{ NULL, 0, NULL },
};

/* STEP "60m" */
static void get_step(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__RateCard *c = row;

	(void)r;
	v->u = c->increment_minutes;
	snprintf(v->buf, sizeof(v->buf), "%" PRIu32 "m", c->increment_minutes);
	v->table = v->buf;
}

/* DAY "¥800.00 from 6h", or none */
static void get_day(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__RateCard *c = row;
	char m[RB_MONEY_TEXT];

	v->i = c->day_rate;
	v->s = c->currency;
	v->null = c->day_rate < 0;
	if (r->fmt == RND_TABLE && !v->null) {
		snprintf(v->buf, sizeof(v->buf), _("%s from %" PRIu32 "h"), rnd_money(c->day_rate, c->currency, m),
			 c->day_hours);
		v->table = v->buf;
	}
}

static void get_late(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	bill_pct(((const Rigbook__RateCard *)row)->late_fee_pct, v);
}

static void get_no_show(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	bill_pct(((const Rigbook__RateCard *)row)->no_show_fee_pct, v);
}

static const struct rnd_col rate_cols[] = {
	{ "id", NULL, N_("ID"), RND_UINT, 0, RND_U64(Rigbook__RateCard, id) },
	{ "resource", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__RateCard, resource_code) },
	{ "tier", NULL, N_("TIER"), RND_TEXT, 0, RND_STR(Rigbook__RateCard, tier) },
	{ "from", NULL, N_("FROM"), RND_DATE, 0, RND_STR(Rigbook__RateCard, effective_from) },
	{ "currency", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__RateCard, currency) },
	{ "hourly", NULL, N_("HOURLY"), RND_MONEY, 0, RND_I64(Rigbook__RateCard, hourly),
	  RND_AUX(Rigbook__RateCard, currency) },
	{ "increment_minutes", NULL, N_("STEP"), RND_UINT, 0, .get = get_step },
	{ "minimum", NULL, N_("MINIMUM"), RND_MONEY, 0, RND_I64(Rigbook__RateCard, minimum),
	  RND_AUX(Rigbook__RateCard, currency) },
	{ "day_rate", NULL, N_("DAY"), RND_MONEY, 0, .get = get_day },
	{ "day_hours", NULL, NULL, RND_UINT, 0, RND_U32(Rigbook__RateCard, day_hours) },
	{ "basis", NULL, N_("BASIS"), RND_TEXT, 0, RND_STR(Rigbook__RateCard, basis) },
	{ "late_fee_pct", NULL, N_("LATE"), RND_UINT, 0, .get = get_late },
	{ "no_show_fee_pct", NULL, N_("NO-SHOW"), RND_UINT, 0, .get = get_no_show },
	{ "set_by", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__RateCard, set_by) },
};

static int rate_set(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *tier = cmd_arg(args, "tier"), *hourly = cmd_arg(args, "hourly");
	const char *inc = cmd_arg(args, "increment"), *min = cmd_arg(args, "minimum");
	const char *day = cmd_arg(args, "day"), *after = cmd_arg(args, "day-after");
	const char *basis = cmd_arg(args, "basis"), *late = cmd_arg(args, "late-fee");
	const char *ns = cmd_arg(args, "no-show-fee"), *from = cmd_arg(args, "from");
	const char *cur = cmd_arg(args, "currency");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetRateRequest q = RIGBOOK__SET_RATE_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__RateCard *c;
	char a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], d[RB_MONEY_TEXT];
	uint32_t minutes;
	int rc;

	if (args->npos != 2)
		return cmd_usage_error(ctx, _("rate set takes the resource's code"));
	if (tier == NULL || hourly == NULL || inc == NULL || basis == NULL || from == NULL)
		return cmd_usage_error(ctx, _("rate set needs --tier, --hourly, --increment, --basis and --from"));
	if (!bill_amount_arg(ctx, "--hourly", hourly, &q.hourly))
		return CMD_USAGE;
	if (cmd_minutes_arg(ctx, "--increment", inc, 1, 0, &q.increment_minutes) != CMD_OK)
		return CMD_USAGE;
	if (min != NULL && !bill_amount_arg(ctx, "--minimum", min, &q.minimum))
		return CMD_USAGE;
	q.day_rate = -1;
	if (day != NULL && !bill_amount_arg(ctx, "--day", day, &q.day_rate))
		return CMD_USAGE;
	if (after != NULL) {
		if (day == NULL)
			return cmd_usage_error(ctx, _("--day-after goes with --day"));
		if (cmd_minutes_arg(ctx, "--day-after", after, 60, 0, &minutes) != CMD_OK)
			return CMD_USAGE;
		q.day_hours = minutes;
	}
	if (late != NULL && !bill_pct_arg(ctx, "--late-fee", late, &q.late_fee_pct))
		return CMD_USAGE;
	if (ns != NULL && !bill_pct_arg(ctx, "--no-show-fee", ns, &q.no_show_fee_pct))
		return CMD_USAGE;
	if (!cmd_date_arg(ctx, "--from", from))
		return CMD_USAGE;
	q.resource_code = (char *)args->pos[1];
	q.tier = (char *)tier;
	q.basis = (char *)basis;
	q.currency = (char *)(cur != NULL ? cur : "");
	q.effective_from = (char *)from;
	req.body_case = RIGBOOK__REQUEST__BODY_SET_RATE;
	req.set_rate = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_RATE, &resp);
	if (rc != CMD_OK)
		return rc;
	c = resp->set_rate != NULL ? resp->set_rate->rate : NULL;
	if (c == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no rate"));
	}
	if (ctx->json) {
		bill_json_one(rate_cols, RND_NCOLS(rate_cols), c);
	} else {
		printf(_("rate %" PRIu64 " of "), c->id);
		out_put_clean(stdout, c->resource_code);
		printf(_(" for %s from %s: %s an hour in %" PRIu32 "-minute steps, at least %s"),
		       c->tier, c->effective_from, rnd_money(c->hourly, c->currency, a), c->increment_minutes,
		       rnd_money(c->minimum, c->currency, b));
		if (c->day_rate >= 0)
			printf(_(", %s a day from %" PRIu32 " hours"), rnd_money(c->day_rate, c->currency, d),
			       c->day_hours);
		printf(_("; charged on %s time; late cancellation %" PRIu32 "%%, no-show %" PRIu32 "%%\n"),
		       c->basis, c->late_fee_pct, c->no_show_fee_pct);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int rate_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListRatesRequest q = RIGBOOK__LIST_RATES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListRatesReply *l;
	struct rnd out;
	int rc;

	if (args->npos != 2)
		return cmd_usage_error(ctx, _("rate list takes the resource's code"));
	q.resource_code = (char *)args->pos[1];
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_RATES;
	req.list_rates = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_RATES, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->list_rates;
	if (!ctx->json && (l == NULL || l->n_rates == 0)) {
		printf(_("%s has no rates: its bookings are not charged\n"), args->pos[1]);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, rate_cols, RND_NCOLS(rate_cols), NULL);
	rc = bill_rows(&out, l != NULL ? (const void *const *)l->rates : NULL, l != NULL ? l->n_rates : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int rate_tier(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetTierRequest q = RIGBOOK__SET_TIER_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__SetTierReply *r;
	int rc;

	if (args->npos != 3)
		return cmd_usage_error(ctx, _("rate tier takes the startup's code and its tier"));
	q.startup_code = (char *)args->pos[1];
	q.tier = (char *)args->pos[2];
	q.space_code = (char *)(cmd_arg(args, "space") != NULL ? cmd_arg(args, "space") : "");
	req.body_case = RIGBOOK__REQUEST__BODY_SET_TIER;
	req.set_tier = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_TIER, &resp);
	if (rc != CMD_OK)
		return rc;
	r = resp->set_tier;
	if (r == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no tier"));
	}
	if (ctx->json) {
		struct out_json j;

		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_string(&j, "startup", r->startup_code);
		out_json_kv_string(&j, "tier", r->tier);
		out_json_kv_string(&j, "previous", r->previous);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		out_put_clean(stdout, r->startup_code);
		fputs(_(" is charged at "), stdout);
		out_put_clean(stdout, r->tier);
		if (q.space_code[0] != '\0') {
			fputs(_(" rates in "), stdout);
			out_put_clean(stdout, q.space_code);
			fputs(_(" (was "), stdout);
		} else {
			fputs(_(" rates (was "), stdout);
		}
		out_put_clean(stdout, r->previous);
		fputs(C_("paren", ")\n"), stdout);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static const struct cmd_sub rate_subs[] = {
	{ "set", NULL,
	  "CODE --tier T --hourly AMOUNT --increment DUR [--minimum AMOUNT] [--day AMOUNT [--day-after DUR]]"
	  " --basis booked|used|greater [--late-fee P%] [--no-show-fee P%] --from DATE [--currency C]",
	  N_("set a resource's price for a tier from a date"), rate_set },
	{ "list", NULL, "CODE", N_("a resource's prices, tier by tier"), rate_list },
	{ "tier", NULL, "STARTUP TIER [--space S]", N_("the tier a startup is charged at"), rate_tier },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_rate_entry = {
	.name = "rate",
	.usage = "",
	.summary = N_("set and read a resource's prices per tier (operators)"),
	.options = rate_opts,
	.lower = 1,
	.upper = 3,
	.subs = rate_subs,
};

/* ------------------------------------------------------------ charges */

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
	rc = bill_rows(&out, l != NULL ? (const void *const *)l->charges : NULL, l != NULL ? l->n_charges : 0);
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

/* ------------------------------------------------------------ voucher */

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
	{ NULL, NULL, NULL, RND_CUSTOM, RND_OPT, .json = json_redemptions },
};

/* One voucher as JSON; with its redemptions when reply (voucher show's) is given. */
static void voucher_json(const Rigbook__Voucher *v, const Rigbook__VoucherReply *reply)
{
	struct rnd r;
	struct out_json j;

	rnd_init(&r, RND_JSON, stdout, voucher_cols, RND_NCOLS(voucher_cols), reply);
	r.optional = reply != NULL;
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
	out.optional = 0;
	rc = bill_rows(&out, l != NULL ? (const void *const *)l->vouchers : NULL, l != NULL ? l->n_vouchers : 0);
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
	rc = bill_rows(&out, (const void *const *)r->redemptions, r->n_redemptions);
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
	rc = bill_rows(&out, l != NULL ? (const void *const *)l->lines : NULL, l != NULL ? l->n_lines : 0);
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

/* ------------------------------------------------------------ invoice */

static const struct cmd_opt invoice_opts[] = {
	{ "period", 1, NULL },
	{ "space", 1, NULL },
	{ "startup", 1, NULL },
	{ "amount", 1, NULL },
	{ "reason", 1, NULL },
	{ "csv", 0, NULL },
	{ "csv-headers", 1, NULL },
	{ "before-month-end", 0, NULL },
	{ NULL, 0, NULL },
};

static void issued_date(int64_t t, char *buf, size_t len)
{
	char s[RB_TIME_TEXT + 4];

	cmd_time_text(t, "Asia/Shanghai", s, sizeof(s));
	snprintf(buf, len, "%.10s", s);
}

/* ---- an invoice's lines: the renderer's ctx is the invoice (its currency) */

static void get_li_amount(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->i = ((const Rigbook__InvoiceLine *)row)->amount;
	v->s = ((const Rigbook__Invoice *)r->ctx)->currency;
}

static void get_li_voucher(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->i = ((const Rigbook__InvoiceLine *)row)->voucher;
	v->s = ((const Rigbook__Invoice *)r->ctx)->currency;
}

static void get_li_pays(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->i = ((const Rigbook__InvoiceLine *)row)->startup_pays;
	v->s = ((const Rigbook__Invoice *)r->ctx)->currency;
}

static const struct rnd_col line_cols[] = {
	{ "charge_id", NULL, NULL, RND_UINT, 0, RND_U64(Rigbook__InvoiceLine, charge_id) },
	{ "date", NULL, N_("DATE"), RND_DATE, 0, RND_STR(Rigbook__InvoiceLine, charged_on) },
	{ "resource", NULL, N_("RESOURCE"), RND_TEXT, RND_DASH, RND_STR(Rigbook__InvoiceLine, resource_code) },
	{ "booking_id", NULL, N_("BOOKING"), RND_UINT, RND_DASH, RND_U64(Rigbook__InvoiceLine, booking_id) },
	{ "kind", NULL, N_("KIND"), RND_TEXT, 0, RND_STR(Rigbook__InvoiceLine, kind) },
	{ "amount", NULL, N_("AMOUNT"), RND_MONEY, 0, .get = get_li_amount },
	{ "voucher", NULL, N_("VOUCHERS"), RND_MONEY, 0, .get = get_li_voucher },
	{ "startup_pays", NULL, N_("STARTUP PAYS"), RND_MONEY, 0, .get = get_li_pays },
	{ "description", NULL, N_("DESCRIPTION"), RND_TEXT, 0, RND_STR(Rigbook__InvoiceLine, description) },
};

/* ---- invoices, and with --csv on invoice show one row per line */

struct inv_row {
	const Rigbook__Invoice *v;
	const Rigbook__InvoiceLine *li; /* the line of a CSV row, or NULL */
};

#define INV(row) (((const struct inv_row *)(row))->v)
#define LI(row) (((const struct inv_row *)(row))->li)

static const struct rnd_word invoice_kinds[] = {
	{ "invoice", N_("invoice") },
	{ "credit_note", N_("credit note") },
	{ NULL, NULL },
};

static void get_number(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->number; }
static void get_kind(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->kind; }
static void get_space(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->space_code; }
static void get_period(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->period; }
static void get_startup(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->startup_code; }
static void get_startup_name(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->startup_name; }
static void get_legal_name(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->legal_name; }
static void get_credit_code(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->credit_code; }
static void get_address(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->address; }
static void get_currency(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->currency; }
static void get_credit_of(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->credit_of; }
static void get_reason(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = INV(row)->reason; }
static void get_issued_at(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->i = INV(row)->issued_at; }

/* The invoice's amounts, or its line's on a CSV row of lines. */
static void get_total(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LI(row) != NULL ? LI(row)->amount : INV(row)->total;
	v->s = INV(row)->currency;
}

static void get_voucher(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LI(row) != NULL ? LI(row)->voucher : INV(row)->voucher;
	v->s = INV(row)->currency;
}

static void get_pays(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LI(row) != NULL ? LI(row)->startup_pays : INV(row)->startup_pays;
	v->s = INV(row)->currency;
}

static void get_issued_on(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	issued_date(INV(row)->issued_at, v->buf, sizeof(v->buf));
	v->s = v->buf;
}

static void get_li_date(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = LI(row)->charged_on; }
static void get_li_resource(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = LI(row)->resource_code; }
static void get_li_booking(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->u = LI(row)->booking_id; }
static void get_li_kind(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = LI(row)->kind; }
static void get_li_description(const void *row, const struct rnd *r, struct rnd_val *v) { (void)r; v->s = LI(row)->description; }

static void json_lines(struct out_json *j, const void *row, const struct rnd *r)
{
	const Rigbook__Invoice *v = INV(row);
	struct rnd sub;

	(void)r;
	rnd_init(&sub, RND_JSON, stdout, line_cols, RND_NCOLS(line_cols), v);
	out_json_key(j, "lines");
	out_json_begin_array(j);
	for (size_t i = 0; i < v->n_lines; i++)
		rnd_json_object(&sub, j, v->lines[i]);
	out_json_end_array(j);
}

static const struct rnd_col invoice_cols[] = {
	{ "number", NC_("csv", "number"), N_("NUMBER"), RND_TEXT, 0, .get = get_number },
	{ "kind", NC_("csv", "kind"), N_("KIND"), RND_ENUM, 0, .get = get_kind, .words = invoice_kinds },
	{ "space", NULL, NULL, RND_TEXT, 0, .get = get_space },
	{ "period", NC_("csv", "period"), N_("PERIOD"), RND_TEXT, 0, .get = get_period },
	{ "startup", NC_("csv", "startup"), N_("STARTUP"), RND_TEXT, 0, .get = get_startup },
	{ "startup_name", NULL, NULL, RND_TEXT, 0, .get = get_startup_name },
	{ "legal_name", NULL, NULL, RND_TEXT, 0, .get = get_legal_name },
	{ "credit_code", NULL, NULL, RND_TEXT, 0, .get = get_credit_code },
	{ "address", NULL, NULL, RND_TEXT, 0, .get = get_address },
	{ "currency", NC_("csv", "currency"), NULL, RND_TEXT, 0, .get = get_currency },
	{ "total", NC_("csv", "total"), N_("TOTAL"), RND_MONEY, 0, .get = get_total },
	{ "voucher", NC_("csv", "voucher"), N_("VOUCHERS"), RND_MONEY, 0, .get = get_voucher },
	{ "startup_pays", NC_("csv", "startup_pays"), N_("STARTUP PAYS"), RND_MONEY, 0, .get = get_pays },
	{ "credit_of", NC_("csv", "credit_of"), NULL, RND_TEXT, 0, .get = get_credit_of },
	{ "reason", NULL, NULL, RND_TEXT, 0, .get = get_reason },
	{ "issued_at", NULL, NULL, RND_INT, 0, .get = get_issued_at },
	{ "issued_on", NULL, N_("ISSUED"), RND_DATE, 0, .get = get_issued_on },
	{ NULL, NULL, NULL, RND_CUSTOM, 0, .json = json_lines },
	/* invoice show --csv: a row per line */
	{ NULL, NC_("csv", "date"), NULL, RND_DATE, RND_OPT, .get = get_li_date },
	{ NULL, NC_("csv", "resource"), NULL, RND_TEXT, RND_OPT, .get = get_li_resource },
	{ NULL, NC_("csv", "booking"), NULL, RND_UINT, RND_OPT, .get = get_li_booking },
	{ NULL, NC_("csv", "line_kind"), NULL, RND_TEXT, RND_OPT, .get = get_li_kind },
	{ NULL, NC_("csv", "description"), NULL, RND_TEXT, RND_OPT, .get = get_li_description },
};

/* The invoices as JSON, CSV (lines: a row per line) or a table. */
static int invoices_out(const Rigbook__ListInvoicesReply *l, enum rnd_format fmt, int lines, int local)
{
	struct rnd out;
	int bad;

	lines = lines && fmt == RND_CSV; /* JSON holds them in "lines" */
	rnd_init(&out, fmt, stdout, invoice_cols, RND_NCOLS(invoice_cols), NULL);
	out.local = local;
	out.optional = lines;
	bad = rnd_begin(&out) != 0;
	for (size_t i = 0; !bad && l != NULL && i < l->n_invoices; i++) {
		const Rigbook__Invoice *v = l->invoices[i];

		if (!lines) {
			bad = rnd_row(&out, &(struct inv_row){ v, NULL }) != 0;
			continue;
		}
		for (size_t k = 0; !bad && k < v->n_lines; k++)
			bad = rnd_row(&out, &(struct inv_row){ v, v->lines[k] }) != 0;
	}
	if (rnd_end(&out) != 0 || bad)
		return cmd_failed(_("out of memory"));
	return CMD_OK;
}

/* ---- the lines a run before the month's end left for the next run */

static const struct rnd_col left_cols[] = {
	{ "charge", NULL, NULL, RND_UINT, 0, RND_U64(Rigbook__InvoiceLine, charge_id) },
	{ "date", NULL, N_("DATE"), RND_DATE, 0, RND_STR(Rigbook__InvoiceLine, charged_on) },
	{ "startup", NULL, N_("STARTUP"), RND_TEXT, 0, RND_STR(Rigbook__InvoiceLine, startup_code) },
	{ "resource", NULL, N_("RESOURCE"), RND_TEXT, 0, RND_STR(Rigbook__InvoiceLine, resource_code) },
	{ "booking", NULL, N_("BOOKING"), RND_UINT, RND_DASH, RND_U64(Rigbook__InvoiceLine, booking_id) },
	{ "kind", NULL, N_("KIND"), RND_TEXT, 0, RND_STR(Rigbook__InvoiceLine, kind) },
	{ "amount", NULL, N_("AMOUNT"), RND_MONEY, 0, RND_I64(Rigbook__InvoiceLine, amount),
	  RND_AUX(Rigbook__InvoiceLine, currency) },
	{ "description", NULL, N_("DESCRIPTION"), RND_TEXT, 0, RND_STR(Rigbook__InvoiceLine, description) },
};

static int left_table(const Rigbook__ListInvoicesReply *l, const char *period)
{
	struct rnd out;

	if (l == NULL || l->n_left == 0) {
		printf(_("no line of %s is left; what is charged later in %s goes on the next run\n"),
		       period, period);
		return CMD_OK;
	}
	printf(_("left for the next run: %zu line%s of %s, and whatever is charged later in it\n"),
	       l->n_left, l->n_left == 1 ? "" : "s", period);
	rnd_init(&out, RND_TABLE, stdout, left_cols, RND_NCOLS(left_cols), NULL);
	return bill_rows(&out, (const void *const *)l->left, l->n_left);
}

static void left_json(const Rigbook__ListInvoicesReply *l)
{
	struct rnd inv, left;
	struct out_json j;

	rnd_init(&inv, RND_JSON, stdout, invoice_cols, RND_NCOLS(invoice_cols), NULL);
	rnd_init(&left, RND_JSON, stdout, left_cols, RND_NCOLS(left_cols), NULL);
	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_key(&j, "invoices");
	out_json_begin_array(&j);
	for (size_t i = 0; l != NULL && i < l->n_invoices; i++)
		rnd_json_object(&inv, &j, &(struct inv_row){ l->invoices[i], NULL });
	out_json_end_array(&j);
	out_json_key(&j, "left");
	out_json_begin_array(&j);
	for (size_t i = 0; l != NULL && i < l->n_left; i++)
		rnd_json_object(&left, &j, l->left[i]);
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int invoice_run(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *period = cmd_arg(args, "period"), *space = cmd_arg(args, "space");
	int early = cmd_arg(args, "before-month-end") != NULL;
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__RunInvoicesRequest q = RIGBOOK__RUN_INVOICES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListInvoicesReply *l;
	int rc;

	if (cmd_csv_headers(ctx, args) < 0)
		return CMD_USAGE;
	if (args->npos != 1)
		return cmd_usage_error(ctx, _("invoice run takes no more arguments, only options"));
	if (period == NULL)
		return cmd_usage_error(ctx, _("invoice run needs --period YYYY-MM"));
	if (!bill_period_ok(ctx, period))
		return CMD_USAGE;
	q.period = (char *)period;
	q.space_code = (char *)(space != NULL ? space : "");
	q.before_month_end = early;
	req.body_case = RIGBOOK__REQUEST__BODY_RUN_INVOICES;
	req.run_invoices = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_RUN_INVOICES, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->run_invoices;
	if (ctx->json) {
		if (early)
			left_json(l);
		else
			rc = invoices_out(l, RND_JSON, 0, 0);
	} else {
		if (l == NULL || l->n_invoices == 0) {
			printf(_("nothing to invoice for %s: every startup's charges are invoiced\n"), period);
		} else {
			printf(_("issued %zu invoice%s for %s\n"), l->n_invoices,
			       l->n_invoices == 1 ? "" : "s", period);
			rc = invoices_out(l, RND_TABLE, 0, 0);
		}
		if (early && rc == CMD_OK)
			rc = left_table(l, period);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int invoice_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *period = cmd_arg(args, "period"), *startup = cmd_arg(args, "startup");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListInvoicesRequest q = RIGBOOK__LIST_INVOICES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListInvoicesReply *l;
	int rc;

	if (cmd_csv_headers(ctx, args) < 0 || !bill_period_ok(ctx, period))
		return CMD_USAGE;
	q.period = (char *)(period != NULL ? period : "");
	q.startup_code = (char *)(startup != NULL ? startup : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_INVOICES;
	req.list_invoices = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_INVOICES, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->list_invoices;
	if (bill_format(ctx, args) == RND_TABLE && (l == NULL || l->n_invoices == 0))
		puts(_("no invoices"));
	else
		rc = invoices_out(l, bill_format(ctx, args), 0, cmd_csv_headers(ctx, args) == 1);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static void detail_line(const char *label, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	printf(_("  %s: "), _(label));
	out_put_clean(stdout, v);
	fputc('\n', stdout);
}

/* One invoice (or credit note) as a person reads it. */
static int print_invoice(const Rigbook__Invoice *v)
{
	char a[RB_MONEY_TEXT], d[16];
	struct rnd out;
	int rc;

	issued_date(v->issued_at, d, sizeof(d));
	printf(_("%s %s for %s, issued %s\n"),
	       strcmp(v->kind, "credit_note") == 0 ? _("Credit note") : _("Invoice"), v->number, v->period, d);
	if (v->credit_of[0] != '\0') {
		printf(_("  credits invoice %s: "), v->credit_of);
		out_put_clean(stdout, v->reason);
		fputc('\n', stdout);
	}
	fputs(_("  to: "), stdout);
	out_put_clean(stdout, v->startup_name);
	printf(" (%s)\n", v->startup_code);
	detail_line(N_("legal name"), v->legal_name);
	detail_line(N_("unified social credit code"), v->credit_code);
	detail_line(N_("address"), v->address);
	rnd_init(&out, RND_TABLE, stdout, line_cols, RND_NCOLS(line_cols), v);
	rc = bill_rows(&out, (const void *const *)v->lines, v->n_lines);
	printf(_("total %s\n"), rnd_money(v->total, v->currency, a));
	printf(_("vouchers pay %s\n"), rnd_money(v->voucher, v->currency, a));
	printf(_("startup pays %s\n"), rnd_money(v->startup_pays, v->currency, a));
	return rc;
}

static int invoice_show(struct cmd_ctx *ctx, const struct cmd_args *args, int credit)
{
	const char *amount = cmd_arg(args, "amount"), *reason = cmd_arg(args, "reason");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetInvoiceRequest q = RIGBOOK__GET_INVOICE_REQUEST__INIT;
	Rigbook__CreditInvoiceRequest cq = RIGBOOK__CREDIT_INVOICE_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListInvoicesReply *l;
	int rc;

	if (cmd_csv_headers(ctx, args) < 0)
		return CMD_USAGE;
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("invoice %s takes the invoice's number"), args->pos[0]);
	if (credit) {
		if (amount == NULL || reason == NULL || reason[0] == '\0')
			return cmd_usage_error(ctx, _("invoice credit needs --amount and --reason (the startup sees it)"));
		if (!bill_amount_arg(ctx, "--amount", amount, &cq.amount))
			return CMD_USAGE;
		cq.number = (char *)args->pos[1];
		cq.reason = (char *)reason;
		req.body_case = RIGBOOK__REQUEST__BODY_CREDIT_INVOICE;
		req.credit_invoice = &cq;
		rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_CREDIT_INVOICE, &resp);
	} else {
		q.number = (char *)args->pos[1];
		req.body_case = RIGBOOK__REQUEST__BODY_GET_INVOICE;
		req.get_invoice = &q;
		rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_GET_INVOICE, &resp);
	}
	if (rc != CMD_OK)
		return rc;
	l = credit ? resp->credit_invoice : resp->get_invoice;
	if (bill_format(ctx, args) != RND_TABLE) {
		rc = invoices_out(l, bill_format(ctx, args), 1, cmd_csv_headers(ctx, args) == 1);
	} else {
		for (size_t i = 0; l != NULL && i < l->n_invoices && rc == CMD_OK; i++) {
			if (i > 0)
				fputc('\n', stdout);
			rc = print_invoice(l->invoices[i]);
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int invoice_get(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return invoice_show(ctx, args, 0);
}

static int invoice_credit(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return invoice_show(ctx, args, 1);
}

static const struct cmd_sub invoice_subs[] = {
	{ "run", NULL, "--period YYYY-MM [--space S] [--before-month-end]",
	  N_("invoice a month's charges, once per startup"), invoice_run },
	{ "list", NULL, "[--period YYYY-MM] [--startup S] [--csv [--csv-headers keys|local]]",
	  N_("the invoices and credit notes you may read"), invoice_list },
	{ "show", NULL, "NUMBER [--csv [--csv-headers keys|local]]", N_("one invoice, line by line"),
	  invoice_get },
	{ "credit", NULL, "NUMBER --amount AMOUNT --reason TEXT",
	  N_("issue a credit note against an invoice"), invoice_credit },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_invoice_entry = {
	.name = "invoice",
	.usage = "",
	.summary = N_("invoice a month once, read invoices, issue credit notes"),
	.options = invoice_opts,
	.lower = 1,
	.upper = 2,
	.subs = invoice_subs,
};

/* ------------------------------------------------------------ settlement */

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
	rc = bill_rows(&out, l != NULL ? (const void *const *)l->lines : NULL, l != NULL ? l->n_lines : 0);
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
