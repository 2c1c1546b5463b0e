/*
 * rate: set and read a resource's prices per tier.  Operators of the
 * resource's space (and admins) set a tier's price from a date; managers read
 * their institution's; operators set the tier a startup is charged at.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "billing.h"
#include "i18n.h"
#include "rigbook/money.h"

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
	rc = cmd_rows(&out, l != NULL ? (const void *const *)l->rates : NULL, l != NULL ? l->n_rates : 0);
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
