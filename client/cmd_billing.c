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
#include "rigbook/money.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

/* ------------------------------------------------------------ shared */

/* "¥1,234.50" into buf; the wire's currency, CNY when empty. */
static const char *money(int64_t v, const char *cur, char *buf)
{
	if (rb_money_format(v, cur != NULL && cur[0] != '\0' ? cur : "CNY", buf, RB_MONEY_TEXT) != 0)
		snprintf(buf, RB_MONEY_TEXT, "%" PRId64 " %.3s", v, cur != NULL ? cur : "");
	return buf;
}

static const char *plain(int64_t v, char *buf)
{
	rb_money_plain(v, buf, RB_MONEY_TEXT);
	return buf;
}

/* One CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s, int last)
{
	char *c = out_clean(s != NULL ? s : "");
	const char *p = c != NULL ? c : "";

	if (strpbrk(p, ",\"\n\r") != NULL) {
		fputc('"', f);
		for (; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		fputs(p, f);
	}
	free(c);
	fputc(last ? '\n' : ',', f);
}

static void csv_row(FILE *f, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		csv_field(f, cells[i], i + 1 == n);
}

/* JSON: an amount as minor units and as people read it. */
static void json_money(struct out_json *j, const char *key, int64_t v, const char *cur)
{
	char buf[RB_MONEY_TEXT], k[64];

	out_json_kv_int(j, key, v);
	snprintf(k, sizeof(k), "%s_text", key);
	out_json_kv_string(j, k, money(v, cur, buf));
}

static int period_ok(struct cmd_ctx *ctx, const char *p)
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

static int date_ok(struct cmd_ctx *ctx, const char *label, const char *d)
{
	if (d == NULL || strlen(d) != 10 || d[4] != '-' || d[7] != '-' || strspn(d, "0123456789-") != 10) {
		cmd_bad_value(ctx, _("%s: '%.40s' is not a date; give it as YYYY-MM-DD"), label,
			      d != NULL ? d : "");
		return 0;
	}
	return 1;
}

static int amount_arg(struct cmd_ctx *ctx, const char *label, const char *v, int64_t *out)
{
	char err[200];

	if (rb_money_parse(v, out, err, sizeof(err)) != 0) {
		cmd_bad_value(ctx, "%s: %s", label, err);
		return 0;
	}
	return 1;
}

static int pct_arg(struct cmd_ctx *ctx, const char *label, const char *v, uint32_t *out)
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

/* "1h45" */
static void hm(int64_t minutes, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRId64 "h%02" PRId64, minutes / 60, minutes % 60);
}

static int print_table(struct out_table *t)
{
	if (t == NULL)
		return cmd_failed(_("out of memory"));
	out_table_print(t, stdout);
	out_table_free(t);
	return CMD_OK;
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

static void json_rate(struct out_json *j, const Rigbook__RateCard *c)
{
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", c->id);
	out_json_kv_string(j, "resource", c->resource_code);
	out_json_kv_string(j, "tier", c->tier);
	out_json_kv_string(j, "currency", c->currency);
	json_money(j, "hourly", c->hourly, c->currency);
	out_json_kv_uint(j, "increment_minutes", c->increment_minutes);
	json_money(j, "minimum", c->minimum, c->currency);
	if (c->day_rate >= 0) {
		json_money(j, "day_rate", c->day_rate, c->currency);
	} else {
		out_json_key(j, "day_rate");
		out_json_null(j);
	}
	out_json_kv_uint(j, "day_hours", c->day_hours);
	out_json_kv_string(j, "basis", c->basis);
	out_json_kv_uint(j, "late_fee_pct", c->late_fee_pct);
	out_json_kv_uint(j, "no_show_fee_pct", c->no_show_fee_pct);
	out_json_kv_string(j, "from", c->effective_from);
	out_json_kv_string(j, "set_by", c->set_by);
	out_json_end_object(j);
}

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
	if (!amount_arg(ctx, "--hourly", hourly, &q.hourly))
		return CMD_USAGE;
	if (cmd_minutes_arg(ctx, "--increment", inc, 1, 0, &q.increment_minutes) != CMD_OK)
		return CMD_USAGE;
	if (min != NULL && !amount_arg(ctx, "--minimum", min, &q.minimum))
		return CMD_USAGE;
	q.day_rate = -1;
	if (day != NULL && !amount_arg(ctx, "--day", day, &q.day_rate))
		return CMD_USAGE;
	if (after != NULL) {
		if (day == NULL)
			return cmd_usage_error(ctx, _("--day-after goes with --day"));
		if (cmd_minutes_arg(ctx, "--day-after", after, 60, 0, &minutes) != CMD_OK)
			return CMD_USAGE;
		q.day_hours = minutes;
	}
	if (late != NULL && !pct_arg(ctx, "--late-fee", late, &q.late_fee_pct))
		return CMD_USAGE;
	if (ns != NULL && !pct_arg(ctx, "--no-show-fee", ns, &q.no_show_fee_pct))
		return CMD_USAGE;
	if (!date_ok(ctx, "--from", from))
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
		struct out_json j;

		out_json_init(&j, stdout);
		json_rate(&j, c);
		out_json_finish(&j);
	} else {
		printf(_("rate %" PRIu64 " of "), c->id);
		out_put_clean(stdout, c->resource_code);
		printf(_(" for %s from %s: %s an hour in %" PRIu32 "-minute steps, at least %s"),
		       c->tier, c->effective_from, money(c->hourly, c->currency, a), c->increment_minutes,
		       money(c->minimum, c->currency, b));
		if (c->day_rate >= 0)
			printf(_(", %s a day from %" PRIu32 " hours"), money(c->day_rate, c->currency, d),
			       c->day_hours);
		printf(_("; charged on %s time; late cancellation %" PRIu32 "%%, no-show %" PRIu32 "%%\n"),
		       c->basis, c->late_fee_pct, c->no_show_fee_pct);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int rate_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const hdr[] = { N_("ID"), N_("TIER"), N_("FROM"), N_("HOURLY"), N_("STEP"), N_("MINIMUM"),
					   N_("DAY"), N_("BASIS"), N_("LATE"), N_("NO-SHOW") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListRatesRequest q = RIGBOOK__LIST_RATES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListRatesReply *l;
	struct out_table *t;
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
	if (ctx->json) {
		struct out_json j;

		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; l != NULL && i < l->n_rates; i++)
			json_rate(&j, l->rates[i]);
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (l == NULL || l->n_rates == 0) {
		printf(_("%s has no rates: its bookings are not charged\n"), args->pos[1]);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(10, hdr);
	for (size_t i = 0; t != NULL && i < l->n_rates; i++) {
		const Rigbook__RateCard *c = l->rates[i];
		char id[24], a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], d[RB_MONEY_TEXT + 16], step[16];
		char late[8], ns[8];
		const char *cells[10] = { id, c->tier, c->effective_from, money(c->hourly, c->currency, a),
					  step, money(c->minimum, c->currency, b), "-", c->basis, late, ns };

		snprintf(id, sizeof(id), "%" PRIu64, c->id);
		snprintf(step, sizeof(step), "%" PRIu32 "m", c->increment_minutes);
		snprintf(late, sizeof(late), "%" PRIu32 "%%", c->late_fee_pct);
		snprintf(ns, sizeof(ns), "%" PRIu32 "%%", c->no_show_fee_pct);
		if (c->day_rate >= 0) {
			char m[RB_MONEY_TEXT];

			snprintf(d, sizeof(d), _("%s from %" PRIu32 "h"), money(c->day_rate, c->currency, m),
				 c->day_hours);
			cells[6] = d;
		}
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
	return print_table(t);
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

static int cmd_rate_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (strcmp(args->pos[0], "set") == 0)
		return rate_set(ctx, args);
	if (strcmp(args->pos[0], "list") == 0)
		return rate_list(ctx, args);
	if (strcmp(args->pos[0], "tier") == 0)
		return rate_tier(ctx, args);
	return cmd_usage_error(ctx, _("'%.40s' is not a rate command (set, list or tier)"), args->pos[0]);
}

const struct cmd_entry cmd_rate_entry = {
	.name = "rate",
	.usage = "set CODE --tier T --hourly AMOUNT --increment DUR [--minimum AMOUNT]"
		 " [--day AMOUNT [--day-after DUR]] --basis booked|used|greater [--late-fee P%]"
		 " [--no-show-fee P%] --from DATE [--currency C] | list CODE | tier STARTUP TIER [--space S]",
	.summary = N_("set and read a resource's prices per tier (operators)"),
	.options = rate_opts,
	.lower = 1,
	.upper = 3,
	.exec = cmd_rate_exec,
};

/* ------------------------------------------------------------ charges */

static const struct cmd_opt charges_opts[] = {
	{ "period", 1, NULL },
	{ "startup", 1, NULL },
	{ "csv", 0, NULL },
	{ "csv-headers", 1, NULL },
	{ NULL, 0, NULL },
};

static int cmd_charges_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const hdr[] = { N_("ID"), N_("DATE"), N_("STARTUP"), N_("RESOURCE"), N_("BOOKING"), N_("KIND"),
					   N_("CHARGED"), N_("AMOUNT"), N_("INVOICE") };
	static const char *const csv_hdr[] = { NC_("csv", "id"), NC_("csv", "date"), NC_("csv", "startup"), NC_("csv", "resource"), NC_("csv", "institution"),
					       NC_("csv", "booking"), NC_("csv", "kind"), NC_("csv", "tier"), NC_("csv", "minutes"), NC_("csv", "currency"),
					       NC_("csv", "amount"), NC_("csv", "rate"), NC_("csv", "invoice"), NC_("csv", "description") };
	const char *period = cmd_arg(args, "period"), *startup = cmd_arg(args, "startup");
	int csv = cmd_arg(args, "csv") != NULL, local = cmd_csv_headers(ctx, args);
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListChargesRequest q = RIGBOOK__LIST_CHARGES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListChargesReply *l;
	struct out_table *t;
	int64_t total = 0;
	const char *cur = NULL;
	int mixed = 0, rc;

	if (local < 0 || !period_ok(ctx, period))
		return CMD_USAGE;
	q.period = (char *)(period != NULL ? period : "");
	q.startup_code = (char *)(startup != NULL ? startup : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_CHARGES;
	req.list_charges = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_CHARGES, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->list_charges;
	if (ctx->json) {
		struct out_json j;

		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; l != NULL && i < l->n_charges; i++) {
			const Rigbook__Charge *c = l->charges[i];

			out_json_begin_object(&j);
			out_json_kv_uint(&j, "id", c->id);
			out_json_kv_string(&j, "date", c->charged_on);
			out_json_kv_string(&j, "startup", c->startup_code);
			out_json_kv_string(&j, "resource", c->resource_code);
			out_json_kv_string(&j, "institution", c->institution_code);
			out_json_kv_uint(&j, "booking_id", c->booking_id);
			out_json_kv_string(&j, "kind", c->kind);
			out_json_kv_string(&j, "tier", c->tier);
			out_json_kv_int(&j, "minutes", c->minutes);
			out_json_kv_string(&j, "currency", c->currency);
			json_money(&j, "amount", c->amount, c->currency);
			out_json_kv_uint(&j, "rate_id", c->rate_id);
			out_json_kv_string(&j, "invoice", c->invoice_number);
			out_json_kv_string(&j, "description", c->description);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (csv) {
		const char *names[14];

		for (size_t i = 0; i < 14; i++)
			names[i] = cmd_csv_header(csv_hdr[i], local);
		csv_row(stdout, names, 14);
		for (size_t i = 0; l != NULL && i < l->n_charges; i++) {
			const Rigbook__Charge *c = l->charges[i];
			char id[24], bk[24], mins[24], rate[24], a[RB_MONEY_TEXT];
			const char *cells[14] = { id, c->charged_on, c->startup_code, c->resource_code,
						  c->institution_code, bk, c->kind, c->tier, mins,
						  c->currency, plain(c->amount, a), rate,
						  c->invoice_number, c->description };

			snprintf(id, sizeof(id), "%" PRIu64, c->id);
			snprintf(bk, sizeof(bk), "%" PRIu64, c->booking_id);
			snprintf(mins, sizeof(mins), "%" PRId64, c->minutes);
			snprintf(rate, sizeof(rate), "%" PRIu64, c->rate_id);
			csv_row(stdout, cells, 14);
		}
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (l == NULL || l->n_charges == 0) {
		puts(_("no charges"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(9, hdr);
	for (size_t i = 0; t != NULL && i < l->n_charges; i++) {
		const Rigbook__Charge *c = l->charges[i];
		char id[24], bk[24], mins[32], a[RB_MONEY_TEXT];
		const char *cells[9] = { id, c->charged_on, c->startup_code, c->resource_code, bk,
					 c->kind, mins, money(c->amount, c->currency, a),
					 c->invoice_number[0] != '\0' ? c->invoice_number : "-" };

		snprintf(id, sizeof(id), "%" PRIu64, c->id);
		if (c->booking_id != 0)
			snprintf(bk, sizeof(bk), "%" PRIu64, c->booking_id);
		else
			snprintf(bk, sizeof(bk), "-");
		/* credit lines and reversals charge no time */
		if (c->minutes == 0)
			snprintf(mins, sizeof(mins), "-");
		else
			hm(c->minutes, mins, sizeof(mins));
		if (cur == NULL)
			cur = c->currency;
		else if (strcmp(cur, c->currency) != 0)
			mixed = 1;
		total += c->amount;
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	rc = print_table(t);
	if (rc == CMD_OK && !mixed) {
		char a[RB_MONEY_TEXT];

		printf(_("total %s in %zu line%s\n"), money(total, cur, a), l->n_charges,
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

static void json_voucher(struct out_json *j, const Rigbook__Voucher *v,
			 Rigbook__VoucherRedemption *const *d, size_t nd)
{
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", v->id);
	out_json_kv_string(j, "startup", v->startup_code);
	out_json_kv_string(j, "issuer", v->issuer);
	out_json_kv_uint(j, "coverage_pct", v->coverage_pct);
	out_json_kv_string(j, "currency", v->currency);
	json_money(j, "cap", v->cap, v->currency);
	json_money(j, "used", v->used, v->currency);
	json_money(j, "balance", v->balance, v->currency);
	out_json_kv_string(j, "from", v->valid_from);
	out_json_kv_string(j, "to", v->valid_to);
	out_json_key(j, "institutions");
	out_json_begin_array(j);
	for (size_t i = 0; i < v->n_institutions; i++)
		out_json_string(j, v->institutions[i]);
	out_json_end_array(j);
	out_json_key(j, "kinds");
	out_json_begin_array(j);
	for (size_t i = 0; i < v->n_kinds; i++)
		out_json_string(j, v->kinds[i]);
	out_json_end_array(j);
	if (d != NULL) {
		out_json_key(j, "redemptions");
		out_json_begin_array(j);
		for (size_t i = 0; i < nd; i++) {
			out_json_begin_object(j);
			out_json_kv_string(j, "invoice", d[i]->invoice_number);
			out_json_kv_string(j, "period", d[i]->period);
			out_json_kv_string(j, "resource", d[i]->resource_code);
			out_json_kv_string(j, "date", d[i]->charged_on);
			out_json_kv_uint(j, "booking_id", d[i]->booking_id);
			json_money(j, "line", d[i]->line_amount, v->currency);
			json_money(j, "amount", d[i]->amount, v->currency);
			out_json_end_object(j);
		}
		out_json_end_array(j);
	}
	out_json_end_object(j);
}

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

static void print_voucher_head(const Rigbook__Voucher *v)
{
	char a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], c[RB_MONEY_TEXT], lim[300];

	printf(_("voucher %" PRIu64 " of "), v->id);
	out_put_clean(stdout, v->startup_code);
	fputs(_(" from "), stdout);
	out_put_clean(stdout, v->issuer);
	printf(_(": %" PRIu32 "%% of each charge up to %s, %s to %s\n"), v->coverage_pct,
	       money(v->cap, v->currency, a), v->valid_from, v->valid_to);
	limits_text(v, lim, sizeof(lim));
	fputs(_("  for: "), stdout);
	out_put_clean(stdout, lim);
	printf(_("\n  used %s, balance %s\n"), money(v->used, v->currency, b),
	       money(v->balance, v->currency, c));
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
	if (!pct_arg(ctx, "--coverage", cov, &q.coverage_pct) || !amount_arg(ctx, "--cap", cap, &q.cap) ||
	    !date_ok(ctx, "--from", from) || !date_ok(ctx, "--to", to))
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
		struct out_json j;

		out_json_init(&j, stdout);
		json_voucher(&j, r->voucher, NULL, 0);
		out_json_finish(&j);
	} else {
		print_voucher_head(r->voucher);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int voucher_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const hdr[] = { N_("ID"), N_("STARTUP"), N_("ISSUER"), N_("COVERAGE"), N_("CAP"), N_("USED"),
					   N_("BALANCE"), N_("FROM"), N_("TO"), N_("FOR") };
	const char *startup = cmd_arg(args, "startup");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListVouchersRequest q = RIGBOOK__LIST_VOUCHERS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListVouchersReply *l;
	struct out_table *t;
	int rc;

	q.startup_code = (char *)(startup != NULL ? startup : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_VOUCHERS;
	req.list_vouchers = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_VOUCHERS, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->list_vouchers;
	if (ctx->json) {
		struct out_json j;

		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; l != NULL && i < l->n_vouchers; i++)
			json_voucher(&j, l->vouchers[i], NULL, 0);
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (l == NULL || l->n_vouchers == 0) {
		puts(_("no vouchers"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(10, hdr);
	for (size_t i = 0; t != NULL && i < l->n_vouchers; i++) {
		const Rigbook__Voucher *v = l->vouchers[i];
		char id[24], pct[8], a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], c[RB_MONEY_TEXT], lim[300];
		const char *cells[10] = { id, v->startup_code, v->issuer, pct,
					  money(v->cap, v->currency, a), money(v->used, v->currency, b),
					  money(v->balance, v->currency, c), v->valid_from, v->valid_to,
					  lim };

		snprintf(id, sizeof(id), "%" PRIu64, v->id);
		snprintf(pct, sizeof(pct), "%" PRIu32 "%%", v->coverage_pct);
		limits_text(v, lim, sizeof(lim));
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
	return print_table(t);
}

static int voucher_show(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const hdr[] = { N_("INVOICE"), N_("PERIOD"), N_("DATE"), N_("RESOURCE"), N_("BOOKING"),
					   N_("LINE"), N_("PAID") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetVoucherRequest q = RIGBOOK__GET_VOUCHER_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__VoucherReply *r;
	struct out_table *t;
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
		struct out_json j;

		out_json_init(&j, stdout);
		json_voucher(&j, r->voucher, r->redemptions, r->n_redemptions);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	print_voucher_head(r->voucher);
	if (r->n_redemptions == 0) {
		puts(_("  not redeemed yet"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(7, hdr);
	for (size_t i = 0; t != NULL && i < r->n_redemptions; i++) {
		const Rigbook__VoucherRedemption *d = r->redemptions[i];
		char bk[24], a[RB_MONEY_TEXT], b[RB_MONEY_TEXT];
		const char *cells[7] = { d->invoice_number, d->period, d->charged_on, d->resource_code,
					 bk, money(d->line_amount, r->voucher->currency, a),
					 money(d->amount, r->voucher->currency, b) };

		snprintf(bk, sizeof(bk), "%" PRIu64, d->booking_id);
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
	return print_table(t);
}

static int voucher_statement(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const hdr[] = { N_("ISSUER"), N_("PERIOD"), N_("INVOICE"), N_("STARTUP"), N_("VOUCHER"), N_("AMOUNT") };
	const char *issuer = cmd_arg(args, "issuer"), *period = cmd_arg(args, "period");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__VoucherStatementRequest q = RIGBOOK__VOUCHER_STATEMENT_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__VoucherStatementReply *l;
	struct out_table *t;
	int rc;

	if (!period_ok(ctx, period))
		return CMD_USAGE;
	q.issuer = (char *)(issuer != NULL ? issuer : "");
	q.period = (char *)(period != NULL ? period : "");
	req.body_case = RIGBOOK__REQUEST__BODY_VOUCHER_STATEMENT;
	req.voucher_statement = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_VOUCHER_STATEMENT, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->voucher_statement;
	if (ctx->json) {
		struct out_json j;

		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; l != NULL && i < l->n_lines; i++) {
			const Rigbook__VoucherStatementLine *s = l->lines[i];

			out_json_begin_object(&j);
			out_json_kv_string(&j, "issuer", s->issuer);
			out_json_kv_string(&j, "period", s->period);
			out_json_kv_string(&j, "invoice", s->invoice_number);
			out_json_kv_string(&j, "startup", s->startup_code);
			out_json_kv_uint(&j, "voucher_id", s->voucher_id);
			out_json_kv_string(&j, "currency", s->currency);
			json_money(&j, "amount", s->amount, s->currency);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (l == NULL || l->n_lines == 0) {
		puts(_("no voucher has paid anything on these invoices"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(6, hdr);
	for (size_t i = 0; t != NULL && i < l->n_lines; i++) {
		const Rigbook__VoucherStatementLine *s = l->lines[i];
		char id[24], a[RB_MONEY_TEXT];
		const char *cells[6] = { s->issuer, s->period, s->invoice_number, s->startup_code, id,
					 money(s->amount, s->currency, a) };

		snprintf(id, sizeof(id), "%" PRIu64, s->voucher_id);
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	rc = print_table(t);
	/* what each issuer owes, per currency, in the order they came */
	for (size_t i = 0; rc == CMD_OK && i < l->n_lines; i++) {
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
		printf(_(" owes %s\n"), money(sum, s->currency, a));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int cmd_voucher_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (strcmp(args->pos[0], "add") == 0)
		return voucher_add(ctx, args);
	if (strcmp(args->pos[0], "list") == 0)
		return voucher_list(ctx, args);
	if (strcmp(args->pos[0], "show") == 0)
		return voucher_show(ctx, args);
	if (strcmp(args->pos[0], "statement") == 0)
		return voucher_statement(ctx, args);
	return cmd_usage_error(ctx, _("'%.40s' is not a voucher command (add, list, show or statement)"),
			       args->pos[0]);
}

const struct cmd_entry cmd_voucher_entry = {
	.name = "voucher",
	.usage = "add --startup S --issuer TEXT --coverage P% --cap AMOUNT --from DATE --to DATE"
		 " [--institution I]... [--kind K]... | list [--startup S] | show ID"
		 " | statement [--issuer TEXT] [--period YYYY-MM]",
	.summary = N_("innovation vouchers: record, balance, what issuers owe"),
	.options = voucher_opts,
	.lower = 1,
	.upper = 2,
	.exec = cmd_voucher_exec,
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

static void json_invoice(struct out_json *j, const Rigbook__Invoice *v)
{
	char d[16];

	issued_date(v->issued_at, d, sizeof(d));
	out_json_begin_object(j);
	out_json_kv_string(j, "number", v->number);
	out_json_kv_string(j, "kind", v->kind);
	out_json_kv_string(j, "space", v->space_code);
	out_json_kv_string(j, "startup", v->startup_code);
	out_json_kv_string(j, "startup_name", v->startup_name);
	out_json_kv_string(j, "legal_name", v->legal_name);
	out_json_kv_string(j, "credit_code", v->credit_code);
	out_json_kv_string(j, "address", v->address);
	out_json_kv_string(j, "period", v->period);
	out_json_kv_string(j, "currency", v->currency);
	json_money(j, "total", v->total, v->currency);
	json_money(j, "voucher", v->voucher, v->currency);
	json_money(j, "startup_pays", v->startup_pays, v->currency);
	out_json_kv_string(j, "credit_of", v->credit_of);
	out_json_kv_string(j, "reason", v->reason);
	out_json_kv_int(j, "issued_at", v->issued_at);
	out_json_kv_string(j, "issued_on", d);
	out_json_key(j, "lines");
	out_json_begin_array(j);
	for (size_t i = 0; i < v->n_lines; i++) {
		const Rigbook__InvoiceLine *l = v->lines[i];

		out_json_begin_object(j);
		out_json_kv_uint(j, "charge_id", l->charge_id);
		out_json_kv_uint(j, "booking_id", l->booking_id);
		out_json_kv_string(j, "kind", l->kind);
		out_json_kv_string(j, "resource", l->resource_code);
		out_json_kv_string(j, "date", l->charged_on);
		out_json_kv_string(j, "description", l->description);
		json_money(j, "amount", l->amount, v->currency);
		json_money(j, "voucher", l->voucher, v->currency);
		json_money(j, "startup_pays", l->startup_pays, v->currency);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	out_json_end_object(j);
}

static void invoices_json(const Rigbook__ListInvoicesReply *l)
{
	struct out_json j;

	out_json_init(&j, stdout);
	out_json_begin_array(&j);
	for (size_t i = 0; l != NULL && i < l->n_invoices; i++)
		json_invoice(&j, l->invoices[i]);
	out_json_end_array(&j);
	out_json_finish(&j);
}

static void invoices_csv(const Rigbook__ListInvoicesReply *l, int lines, int local)
{
	static const char *const hdr[] = { NC_("csv", "number"), NC_("csv", "kind"), NC_("csv", "period"), NC_("csv", "startup"), NC_("csv", "currency"),
					   NC_("csv", "total"), NC_("csv", "voucher"), NC_("csv", "startup_pays"), NC_("csv", "credit_of"),
					   NC_("csv", "date"), NC_("csv", "resource"), NC_("csv", "booking"), NC_("csv", "line_kind"), NC_("csv", "description") };
	size_t n = lines ? 14 : 9;
	const char *names[14];

	for (size_t i = 0; i < n; i++)
		names[i] = cmd_csv_header(hdr[i], local);
	csv_row(stdout, names, n);
	for (size_t i = 0; l != NULL && i < l->n_invoices; i++) {
		const Rigbook__Invoice *v = l->invoices[i];
		char a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], c[RB_MONEY_TEXT], bk[24];
		const char *cells[14] = { v->number, v->kind, v->period, v->startup_code, v->currency,
					  plain(v->total, a), plain(v->voucher, b),
					  plain(v->startup_pays, c), v->credit_of, "", "", "", "", "" };

		if (!lines) {
			csv_row(stdout, cells, n);
			continue;
		}
		for (size_t k = 0; k < v->n_lines; k++) {
			const Rigbook__InvoiceLine *li = v->lines[k];

			cells[5] = plain(li->amount, a);
			cells[6] = plain(li->voucher, b);
			cells[7] = plain(li->startup_pays, c);
			snprintf(bk, sizeof(bk), "%" PRIu64, li->booking_id);
			cells[9] = li->charged_on;
			cells[10] = li->resource_code;
			cells[11] = bk;
			cells[12] = li->kind;
			cells[13] = li->description;
			csv_row(stdout, cells, n);
		}
	}
}

static int invoices_table(const Rigbook__ListInvoicesReply *l)
{
	static const char *const hdr[] = { N_("NUMBER"), N_("KIND"), N_("PERIOD"), N_("STARTUP"), N_("TOTAL"),
					   N_("VOUCHERS"), N_("STARTUP PAYS"), N_("ISSUED") };
	struct out_table *t = out_table_new(8, hdr);

	for (size_t i = 0; t != NULL && l != NULL && i < l->n_invoices; i++) {
		const Rigbook__Invoice *v = l->invoices[i];
		char a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], c[RB_MONEY_TEXT], d[16];
		const char *cells[8] = { v->number, strcmp(v->kind, "credit_note") == 0 ? _("credit note") : _("invoice"),
					 v->period, v->startup_code, money(v->total, v->currency, a),
					 money(v->voucher, v->currency, b),
					 money(v->startup_pays, v->currency, c), d };

		issued_date(v->issued_at, d, sizeof(d));
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	return print_table(t);
}

/* The lines a run before the month's end left for the next run. */
static int left_table(const Rigbook__ListInvoicesReply *l, const char *period)
{
	static const char *const hdr[] = { N_("DATE"), N_("STARTUP"), N_("RESOURCE"), N_("BOOKING"), N_("KIND"),
					   N_("AMOUNT"), N_("DESCRIPTION") };
	struct out_table *t;

	if (l == NULL || l->n_left == 0) {
		printf(_("no line of %s is left; what is charged later in %s goes on the next run\n"),
		       period, period);
		return CMD_OK;
	}
	printf(_("left for the next run: %zu line%s of %s, and whatever is charged later in it\n"),
	       l->n_left, l->n_left == 1 ? "" : "s", period);
	t = out_table_new(7, hdr);
	for (size_t i = 0; t != NULL && i < l->n_left; i++) {
		const Rigbook__InvoiceLine *li = l->left[i];
		char a[RB_MONEY_TEXT], bk[24];
		const char *cells[7] = { li->charged_on, li->startup_code, li->resource_code, bk,
					 li->kind, money(li->amount, li->currency, a), li->description };

		if (li->booking_id != 0)
			snprintf(bk, sizeof(bk), "%" PRIu64, li->booking_id);
		else
			snprintf(bk, sizeof(bk), "-");
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	return print_table(t);
}

static void left_json(const Rigbook__ListInvoicesReply *l)
{
	struct out_json j;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_key(&j, "invoices");
	out_json_begin_array(&j);
	for (size_t i = 0; l != NULL && i < l->n_invoices; i++)
		json_invoice(&j, l->invoices[i]);
	out_json_end_array(&j);
	out_json_key(&j, "left");
	out_json_begin_array(&j);
	for (size_t i = 0; l != NULL && i < l->n_left; i++) {
		const Rigbook__InvoiceLine *li = l->left[i];

		out_json_begin_object(&j);
		out_json_kv_uint(&j, "charge", li->charge_id);
		out_json_kv_uint(&j, "booking", li->booking_id);
		out_json_kv_string(&j, "startup", li->startup_code);
		out_json_kv_string(&j, "resource", li->resource_code);
		out_json_kv_string(&j, "date", li->charged_on);
		out_json_kv_string(&j, "kind", li->kind);
		out_json_kv_string(&j, "description", li->description);
		json_money(&j, "amount", li->amount, li->currency);
		out_json_end_object(&j);
	}
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

	if (args->npos != 1)
		return cmd_usage_error(ctx, _("invoice run takes no more arguments, only options"));
	if (period == NULL)
		return cmd_usage_error(ctx, _("invoice run needs --period YYYY-MM"));
	if (!period_ok(ctx, period))
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
			invoices_json(l);
	} else {
		if (l == NULL || l->n_invoices == 0) {
			printf(_("nothing to invoice for %s: every startup's charges are invoiced\n"), period);
		} else {
			printf(_("issued %zu invoice%s for %s\n"), l->n_invoices,
			       l->n_invoices == 1 ? "" : "s", period);
			rc = invoices_table(l);
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

	if (!period_ok(ctx, period))
		return CMD_USAGE;
	q.period = (char *)(period != NULL ? period : "");
	q.startup_code = (char *)(startup != NULL ? startup : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_INVOICES;
	req.list_invoices = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_INVOICES, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->list_invoices;
	if (ctx->json)
		invoices_json(l);
	else if (cmd_arg(args, "csv") != NULL)
		invoices_csv(l, 0, cmd_csv_headers(ctx, args) == 1);
	else if (l == NULL || l->n_invoices == 0)
		puts(_("no invoices"));
	else
		rc = invoices_table(l);
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
	static const char *const hdr[] = { N_("DATE"), N_("RESOURCE"), N_("BOOKING"), N_("KIND"), N_("AMOUNT"),
					   N_("VOUCHERS"), N_("STARTUP PAYS"), N_("DESCRIPTION") };
	char a[RB_MONEY_TEXT], d[16];
	struct out_table *t;
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
	t = out_table_new(8, hdr);
	for (size_t i = 0; t != NULL && i < v->n_lines; i++) {
		const Rigbook__InvoiceLine *l = v->lines[i];
		char bk[24], x[RB_MONEY_TEXT], y[RB_MONEY_TEXT], z[RB_MONEY_TEXT];
		const char *cells[8] = { l->charged_on, l->resource_code[0] != '\0' ? l->resource_code : "-",
					 bk, l->kind, money(l->amount, v->currency, x),
					 money(l->voucher, v->currency, y),
					 money(l->startup_pays, v->currency, z), l->description };

		if (l->booking_id != 0)
			snprintf(bk, sizeof(bk), "%" PRIu64, l->booking_id);
		else
			snprintf(bk, sizeof(bk), "-");
		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	rc = print_table(t);
	printf(_("total %s\n"), money(v->total, v->currency, a));
	printf(_("vouchers pay %s\n"), money(v->voucher, v->currency, a));
	printf(_("startup pays %s\n"), money(v->startup_pays, v->currency, a));
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

	if (args->npos != 2)
		return cmd_usage_error(ctx, _("invoice %s takes the invoice's number"), args->pos[0]);
	if (credit) {
		if (amount == NULL || reason == NULL || reason[0] == '\0')
			return cmd_usage_error(ctx, _("invoice credit needs --amount and --reason (the startup sees it)"));
		if (!amount_arg(ctx, "--amount", amount, &cq.amount))
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
	if (ctx->json) {
		invoices_json(l);
	} else if (cmd_arg(args, "csv") != NULL) {
		invoices_csv(l, 1, cmd_csv_headers(ctx, args) == 1);
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

static int cmd_invoice_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (cmd_csv_headers(ctx, args) < 0)
		return CMD_USAGE;
	if (strcmp(args->pos[0], "run") == 0)
		return invoice_run(ctx, args);
	if (strcmp(args->pos[0], "list") == 0)
		return invoice_list(ctx, args);
	if (strcmp(args->pos[0], "show") == 0)
		return invoice_show(ctx, args, 0);
	if (strcmp(args->pos[0], "credit") == 0)
		return invoice_show(ctx, args, 1);
	return cmd_usage_error(ctx, _("'%.40s' is not an invoice command (run, list, show or credit)"),
			       args->pos[0]);
}

const struct cmd_entry cmd_invoice_entry = {
	.name = "invoice",
	.usage = "run --period YYYY-MM [--space S] [--before-month-end] | list [--period YYYY-MM] [--startup S]"
		 " [--csv [--csv-headers keys|local]] | show NUMBER [--csv [--csv-headers keys|local]]"
		 " | credit NUMBER --amount AMOUNT --reason TEXT",
	.summary = N_("invoice a month once, read invoices, issue credit notes"),
	.options = invoice_opts,
	.lower = 1,
	.upper = 2,
	.exec = cmd_invoice_exec,
};

/* ------------------------------------------------------------ settlement */

static const struct cmd_opt settlement_opts[] = {
	{ "period", 1, NULL },
	{ "institution", 1, NULL },
	{ NULL, 0, NULL },
};

static int cmd_settlement_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const hdr[] = { N_("INSTITUTION"), N_("NAME"), N_("EARNED"), N_("VOUCHERS PAID"),
					   N_("STARTUPS PAID") };
	const char *period = cmd_arg(args, "period"), *inst = cmd_arg(args, "institution");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SettlementRequest q = RIGBOOK__SETTLEMENT_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__SettlementReply *l;
	struct out_table *t;
	int rc;

	if (period == NULL)
		return cmd_usage_error(ctx, _("settlement needs --period YYYY-MM"));
	if (!period_ok(ctx, period))
		return CMD_USAGE;
	q.period = (char *)period;
	q.institution_code = (char *)(inst != NULL ? inst : "");
	req.body_case = RIGBOOK__REQUEST__BODY_SETTLEMENT;
	req.settlement = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SETTLEMENT, &resp);
	if (rc != CMD_OK)
		return rc;
	l = resp->settlement;
	if (ctx->json) {
		struct out_json j;

		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; l != NULL && i < l->n_lines; i++) {
			const Rigbook__SettlementLine *s = l->lines[i];

			out_json_begin_object(&j);
			out_json_kv_string(&j, "institution", s->institution_code);
			out_json_kv_string(&j, "name", s->institution_name);
			out_json_kv_string(&j, "currency", s->currency);
			json_money(&j, "earned", s->earned, s->currency);
			json_money(&j, "voucher", s->voucher, s->currency);
			json_money(&j, "startup_pays", s->startup_pays, s->currency);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (l == NULL || l->n_lines == 0) {
		printf(_("nothing invoiced for %s\n"), period);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(5, hdr);
	for (size_t i = 0; t != NULL && i < l->n_lines; i++) {
		const Rigbook__SettlementLine *s = l->lines[i];
		char a[RB_MONEY_TEXT], b[RB_MONEY_TEXT], c[RB_MONEY_TEXT];
		const char *cells[5] = { s->institution_code[0] != '\0' ? s->institution_code : "-",
					 s->institution_name, money(s->earned, s->currency, a),
					 money(s->voucher, s->currency, b),
					 money(s->startup_pays, s->currency, c) };

		if (out_table_add(t, cells) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
	return print_table(t);
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
