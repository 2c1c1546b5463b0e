/*
 * invoice: the month's invoices, issued once per startup (run), read
 * (list, show; --csv for spreadsheets) and corrected by credit notes
 * (credit), never changed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "billing.h"
#include "i18n.h"
#include "rigbook/money.h"
#include "rigbook/rbtime.h"

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

#define INV_LINES 1u /* the view of invoice show --csv: a row per line */

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
	{ NULL, NC_("csv", "date"), NULL, RND_DATE, 0, .view = INV_LINES, .get = get_li_date },
	{ NULL, NC_("csv", "resource"), NULL, RND_TEXT, 0, .view = INV_LINES, .get = get_li_resource },
	{ NULL, NC_("csv", "booking"), NULL, RND_UINT, 0, .view = INV_LINES, .get = get_li_booking },
	{ NULL, NC_("csv", "line_kind"), NULL, RND_TEXT, 0, .view = INV_LINES, .get = get_li_kind },
	{ NULL, NC_("csv", "description"), NULL, RND_TEXT, 0, .view = INV_LINES, .get = get_li_description },
};

/* The invoices as JSON, CSV (lines: a row per line) or a table. */
static int invoices_out(const Rigbook__ListInvoicesReply *l, enum rnd_format fmt, int lines, int local)
{
	struct rnd out;
	int bad;

	lines = lines && fmt == RND_CSV; /* JSON holds them in "lines" */
	rnd_init(&out, fmt, stdout, invoice_cols, RND_NCOLS(invoice_cols), NULL);
	out.local = local;
	out.view = lines ? ~0u : ~INV_LINES;
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
	return cmd_rows(&out, (const void *const *)l->left, l->n_left);
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
	rc = cmd_rows(&out, (const void *const *)v->lines, v->n_lines);
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
