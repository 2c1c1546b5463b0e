/*
 * Billing: rate cards, the charge ledger, innovation vouchers, invoices and
 * credit notes, the settlement.  Charges are written by triggers on
 * bookings; the rules, the locking and the numbering live in the SQL
 * functions (0010_billing.sql).  Money travels as int64 minor units.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "log.h"
#include "rows.h"
#include "sql.h"

#define MAX_MONEY INT64_C(100000000000000) /* 1e12 yuan: more is a typo */
#define MAX_LIST 32

static void oom(struct req *r)
{
	req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory", "out of memory", "",
		  NULL);
}

/* Optional text: NULL when empty. */
static const char *opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static int money_ok(struct req *r, int64_t v, const char *field)
{
	char amount[24];

	if (v < 0 || v > MAX_MONEY) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_amount",
			  "an amount is 0 or more and at most 1,000,000,000,000.00", field,
			  "amount", i64_param(amount, v), "what", "range", NULL);
		return 0;
	}
	return 1;
}

static int short_text_ok(struct req *r, const char *s, size_t max, const char *field)
{
	char m[120], limit[24];

	if (s != NULL && !text_ok(s, max)) {
		snprintf(m, sizeof(m), "%s is at most %zu bytes of printable text", field, max);
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_text", m, field,
			  "limit", u64_param(limit, max), "what", "short_text", "field", field, NULL);
		return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- rates */

static void rate_from_row(Rigbook__RateCard *c, const struct db_result *res, int i)
{
	rigbook__rate_card__init(c);
	c->id = (uint64_t)db_get_int64(res, i, RT_ID);
	c->resource_code = (char *)db_get(res, i, RT_RESOURCE);
	c->tier = (char *)db_get(res, i, RT_TIER);
	c->currency = (char *)db_get(res, i, RT_CURRENCY);
	c->hourly = db_get_int64(res, i, RT_HOURLY);
	c->increment_minutes = (uint32_t)db_get_int64(res, i, RT_INCREMENT);
	c->minimum = db_get_int64(res, i, RT_MINIMUM);
	c->day_rate = db_get_int64(res, i, RT_DAY);
	c->day_hours = (uint32_t)db_get_int64(res, i, RT_DAY_HOURS);
	c->basis = (char *)db_get(res, i, RT_BASIS);
	c->late_fee_pct = (uint32_t)db_get_int64(res, i, RT_LATE);
	c->no_show_fee_pct = (uint32_t)db_get_int64(res, i, RT_NO_SHOW);
	c->effective_from = (char *)db_get(res, i, RT_FROM);
	c->set_by = (char *)db_get(res, i, RT_SET_BY);
}

static void set_rate_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__RateReply reply = RIGBOOK__RATE_REPLY__INIT;
	Rigbook__RateCard c;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	rate_from_row(&c, res, 0);
	reply.rate = &c;
	resp.body_case = RIGBOOK__RESPONSE__BODY_SET_RATE;
	resp.set_rate = &reply;
	req_reply(r, &resp);
}

void svc_set_rate(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SetRateRequest *q = msg->set_rate;
	char member[24], hourly[24], inc[16], min[24], day[24], dayh[16], late[16], ns[16];
	const char *params[14] = { member, q->resource_code, q->tier,
				   opt(q->currency) != NULL ? q->currency : "CNY", hourly, inc, min,
				   NULL, dayh, q->basis, late, ns, q->effective_from, r->peer };

	if (!req_name_ok(r, q->resource_code, "resource, by its code", "resource_code", 1) ||
	    !req_name_ok(r, q->tier, "price tier", "tier", 1) ||
	    !req_name_ok(r, q->basis, "charge basis (booked, used or greater)", "basis", 1) ||
	    !req_name_ok(r, q->effective_from, "date the rate applies from (YYYY-MM-DD)", "effective_from", 1) ||
	    !short_text_ok(r, q->currency, 3, "currency") || !money_ok(r, q->hourly, "hourly") ||
	    !money_ok(r, q->minimum, "minimum"))
		return;
	if (q->day_rate != -1 && !money_ok(r, q->day_rate, "day_rate"))
		return;
	if (q->increment_minutes > 1440) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_increment",
			  "the billing increment is 1 minute to 1 day", "increment_minutes", "minutes",
			  u64_param(inc, q->increment_minutes), NULL);
		return;
	}
	if (q->day_hours > 24) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_day_hours",
			  "the day rate starts at 1 to 24 hours", "day_hours", "hours",
			  u64_param(dayh, q->day_hours), NULL);
		return;
	}
	if (q->late_fee_pct > 100 || q->no_show_fee_pct > 100) {
		int late_bad = q->late_fee_pct > 100;

		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_fee_pct",
			  "fees are 0% to 100% of the booked charge",
			  late_bad ? "late_fee_pct" : "no_show_fee_pct", "pct",
			  u64_param(late, late_bad ? q->late_fee_pct : q->no_show_fee_pct), NULL);
		return;
	}
	u64_param(member, r->sess.member_id);
	snprintf(hourly, sizeof(hourly), "%" PRId64, q->hourly);
	snprintf(inc, sizeof(inc), "%" PRIu32, q->increment_minutes);
	snprintf(min, sizeof(min), "%" PRId64, q->minimum);
	if (q->day_rate != -1) {
		snprintf(day, sizeof(day), "%" PRId64, q->day_rate);
		params[7] = day;
	}
	snprintf(dayh, sizeof(dayh), "%" PRIu32, q->day_hours != 0 ? q->day_hours : 8);
	snprintf(late, sizeof(late), "%" PRIu32, q->late_fee_pct);
	snprintf(ns, sizeof(ns), "%" PRIu32, q->no_show_fee_pct);
	req_query(r, STMT_SET_RATE, params, 14, set_rate_done);
}

static void list_rates_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListRatesReply reply = RIGBOOK__LIST_RATES_REPLY__INIT;
	Rigbook__RateCard *rows, **ptrs;
	void *mem;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		oom(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		rate_from_row(&rows[i], res, i);
		ptrs[i] = &rows[i];
	}
	reply.n_rates = (size_t)n;
	reply.rates = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_RATES;
	resp.list_rates = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_rates(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListRatesRequest *q = msg->list_rates;
	char member[24];
	const char *params[2] = { member, q->resource_code };

	if (!req_name_ok(r, q->resource_code, "resource, by its code", "resource_code", 1))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_RATES, params, 2, list_rates_done);
}

/* ---------------------------------------------------------------- charges */

static void list_charges_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListChargesReply reply = RIGBOOK__LIST_CHARGES_REPLY__INIT;
	Rigbook__Charge *rows, **ptrs;
	void *mem;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		oom(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		Rigbook__Charge *c = &rows[i];

		rigbook__charge__init(c);
		c->id = (uint64_t)db_get_int64(res, i, CH_ID);
		c->booking_id = (uint64_t)db_get_int64(res, i, CH_BOOKING);
		c->kind = (char *)db_get(res, i, CH_KIND);
		c->startup_code = (char *)db_get(res, i, CH_STARTUP);
		c->resource_code = (char *)db_get(res, i, CH_RESOURCE);
		c->institution_code = (char *)db_get(res, i, CH_INSTITUTION);
		c->tier = (char *)db_get(res, i, CH_TIER);
		c->currency = (char *)db_get(res, i, CH_CURRENCY);
		c->charged_on = (char *)db_get(res, i, CH_DATE);
		c->minutes = db_get_int64(res, i, CH_MINUTES);
		c->amount = db_get_int64(res, i, CH_AMOUNT);
		c->rate_id = (uint64_t)db_get_int64(res, i, CH_RATE);
		c->description = (char *)db_get(res, i, CH_DESCRIPTION);
		c->invoice_number = (char *)db_get(res, i, CH_INVOICE);
		ptrs[i] = c;
	}
	reply.n_charges = (size_t)n;
	reply.charges = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_CHARGES;
	resp.list_charges = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_charges(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListChargesRequest *q = msg->list_charges;
	char member[24];
	const char *params[3] = { member, opt(q->period), opt(q->startup_code) };

	if (!req_name_ok(r, q->period, "month (YYYY-MM)", "period", 0) ||
	    !req_name_ok(r, q->startup_code, "startup, by its code", "startup_code", 0))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_CHARGES, params, 3, list_charges_done);
}

/* ---------------------------------------------------------------- vouchers */

/* "{a,b}" from codes already checked to be printable; escaped for an array literal. */
static int array_param(struct req *r, char *const *items, size_t n, const char *field, char *buf,
		       size_t len)
{
	size_t o = 0;

	if (n > MAX_LIST) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "list_too_long",
			  "at most 32 of them", field, "limit", "32", "what", "count", NULL);
		return 0;
	}
	buf[o++] = '{';
	for (size_t i = 0; i < n; i++) {
		const char *s = items[i];

		if (s == NULL || s[0] == '\0' || !text_ok(s, 64)) {
			req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
				  req_missing(s, "invalid_code"),
				  "each is a code of at most 64 printable characters", field,
				  "limit", "64", "what", "list_item", NULL);
			return 0;
		}
		if (i > 0)
			buf[o++] = ',';
		buf[o++] = '"';
		for (; *s != '\0'; s++) {
			if (o + 4 >= len)
				goto full;
			if (*s == '"' || *s == '\\')
				buf[o++] = '\\';
			buf[o++] = *s;
		}
		buf[o++] = '"';
		if (o + 2 >= len)
			goto full;
	}
	buf[o++] = '}';
	buf[o] = '\0';
	return 1;
full:
	req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "list_too_long", "too many or too long",
		  field, "what", "size", NULL);
	return 0;
}

/* Split "a,b" (from the view) into a NULL-terminated array of pointers into a copy. */
static char **split_list(const char *s, size_t *n, char **copy)
{
	char **v;
	size_t k = 1;

	*n = 0;
	*copy = NULL;
	if (s == NULL || s[0] == '\0')
		return NULL;
	for (const char *p = s; *p != '\0'; p++)
		k += *p == ',';
	*copy = strdup(s);
	v = calloc(k, sizeof(*v));
	if (*copy == NULL || v == NULL) {
		free(*copy);
		free(v);
		*copy = NULL;
		return NULL;
	}
	for (char *p = *copy, *save = NULL, *t; (t = strtok_r(p, ",", &save)) != NULL; p = NULL)
		v[(*n)++] = t;
	return v;
}

struct voucher_buf {
	Rigbook__Voucher v;
	char *inst_copy, *kind_copy;
};

static void voucher_from_row(struct voucher_buf *b, const struct db_result *res, int i)
{
	Rigbook__Voucher *v = &b->v;

	rigbook__voucher__init(v);
	v->id = (uint64_t)db_get_int64(res, i, VC_ID);
	v->startup_code = (char *)db_get(res, i, VC_STARTUP);
	v->issuer = (char *)db_get(res, i, VC_ISSUER);
	v->coverage_pct = (uint32_t)db_get_int64(res, i, VC_COVERAGE);
	v->currency = (char *)db_get(res, i, VC_CURRENCY);
	v->cap = db_get_int64(res, i, VC_CAP);
	v->used = db_get_int64(res, i, VC_USED);
	v->balance = db_get_int64(res, i, VC_BALANCE);
	v->valid_from = (char *)db_get(res, i, VC_FROM);
	v->valid_to = (char *)db_get(res, i, VC_TO);
	v->institutions = split_list(db_get(res, i, VC_INSTITUTIONS), &v->n_institutions, &b->inst_copy);
	v->kinds = split_list(db_get(res, i, VC_KINDS), &v->n_kinds, &b->kind_copy);
}

static void voucher_buf_free(struct voucher_buf *b)
{
	free(b->v.institutions);
	free(b->v.kinds);
	free(b->inst_copy);
	free(b->kind_copy);
}

/* add_voucher and get_voucher: one voucher, its redemptions on the rows. */
static void voucher_done(void *arg, const struct db_result *res, const struct db_error *err,
			 Rigbook__Response__BodyCase body)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__VoucherReply reply = RIGBOOK__VOUCHER_REPLY__INIT;
	Rigbook__VoucherRedemption *rows, **ptrs;
	struct voucher_buf b = { 0 };
	void *mem;
	int n, k = 0;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n < 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (ptrs == NULL) {
		oom(r);
		return;
	}
	voucher_from_row(&b, res, 0);
	for (int i = 0; i < n; i++) {
		Rigbook__VoucherRedemption *d = &rows[k];

		if (db_isnull(res, i, VC_R_ID))
			continue;
		rigbook__voucher_redemption__init(d);
		d->invoice_number = (char *)db_get(res, i, VC_R_INVOICE);
		d->period = (char *)db_get(res, i, VC_R_PERIOD);
		d->resource_code = (char *)db_get(res, i, VC_R_RESOURCE);
		d->charged_on = (char *)db_get(res, i, VC_R_DATE);
		d->line_amount = db_get_int64(res, i, VC_R_LINE);
		d->amount = db_get_int64(res, i, VC_R_AMOUNT);
		d->booking_id = (uint64_t)db_get_int64(res, i, VC_R_BOOKING);
		ptrs[k++] = d;
	}
	reply.voucher = &b.v;
	reply.n_redemptions = (size_t)k;
	reply.redemptions = ptrs;
	resp.body_case = body;
	if (body == RIGBOOK__RESPONSE__BODY_ADD_VOUCHER)
		resp.add_voucher = &reply;
	else
		resp.get_voucher = &reply;
	req_reply(r, &resp);
	voucher_buf_free(&b);
	free(ptrs);
}

static void add_voucher_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	voucher_done(arg, res, err, RIGBOOK__RESPONSE__BODY_ADD_VOUCHER);
}

static void get_voucher_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	voucher_done(arg, res, err, RIGBOOK__RESPONSE__BODY_GET_VOUCHER);
}

void svc_add_voucher(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__AddVoucherRequest *q = msg->add_voucher;
	char member[24], pct[16], cap[24], insts[MAX_LIST * 70 + 4], kinds[MAX_LIST * 70 + 4];
	const char *params[11] = { member, q->startup_code, q->issuer, pct,
				   opt(q->currency) != NULL ? q->currency : "CNY", cap, q->valid_from,
				   q->valid_to, insts, kinds, r->peer };

	if (!req_name_ok(r, q->startup_code, "startup, by its code", "startup_code", 1) ||
	    !short_text_ok(r, q->issuer, 200, "issuer") ||
	    !short_text_ok(r, q->currency, 3, "currency") ||
	    !req_name_ok(r, q->valid_from, "first day of the voucher (YYYY-MM-DD)", "valid_from", 1) ||
	    !req_name_ok(r, q->valid_to, "last day of the voucher (YYYY-MM-DD)", "valid_to", 1) ||
	    !money_ok(r, q->cap, "cap") ||
	    !array_param(r, q->institutions, q->n_institutions, "institutions", insts, sizeof(insts)) ||
	    !array_param(r, q->kinds, q->n_kinds, "kinds", kinds, sizeof(kinds)))
		return;
	if (q->coverage_pct > 100) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_coverage_pct",
			  "a voucher covers 1% to 100% of a charge", "coverage_pct", "pct",
			  u64_param(pct, q->coverage_pct), NULL);
		return;
	}
	u64_param(member, r->sess.member_id);
	snprintf(pct, sizeof(pct), "%" PRIu32, q->coverage_pct);
	snprintf(cap, sizeof(cap), "%" PRId64, q->cap);
	req_query(r, STMT_ADD_VOUCHER, params, 11, add_voucher_done);
}

void svc_get_voucher(struct req *r, const Rigbook__Request *msg)
{
	char member[24], id[24];
	const char *params[2] = { member, id };

	if (msg->get_voucher->voucher_id == 0 || msg->get_voucher->voucher_id > INT64_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  msg->get_voucher->voucher_id == 0 ? "field_required" : "invalid_id",
			  "say which voucher, by its id", "voucher_id", "what", "voucher", NULL);
		return;
	}
	u64_param(member, r->sess.member_id);
	snprintf(id, sizeof(id), "%" PRIu64, msg->get_voucher->voucher_id);
	req_query(r, STMT_GET_VOUCHER, params, 2, get_voucher_done);
}

static void list_vouchers_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListVouchersReply reply = RIGBOOK__LIST_VOUCHERS_REPLY__INIT;
	struct voucher_buf *rows;
	Rigbook__Voucher **ptrs;
	void *mem;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		oom(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		voucher_from_row(&rows[i], res, i);
		ptrs[i] = &rows[i].v;
	}
	reply.n_vouchers = (size_t)n;
	reply.vouchers = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_VOUCHERS;
	resp.list_vouchers = &reply;
	req_reply(r, &resp);
	for (int i = 0; i < n; i++)
		voucher_buf_free(&rows[i]);
	free(ptrs);
}

void svc_list_vouchers(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListVouchersRequest *q = msg->list_vouchers;
	char member[24];
	const char *params[2] = { member, opt(q->startup_code) };

	if (!req_name_ok(r, q->startup_code, "startup, by its code", "startup_code", 0))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_VOUCHERS, params, 2, list_vouchers_done);
}

static void statement_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__VoucherStatementReply reply = RIGBOOK__VOUCHER_STATEMENT_REPLY__INIT;
	Rigbook__VoucherStatementLine *rows, **ptrs;
	void *mem;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		oom(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		Rigbook__VoucherStatementLine *l = &rows[i];

		rigbook__voucher_statement_line__init(l);
		l->issuer = (char *)db_get(res, i, VS_ISSUER);
		l->voucher_id = (uint64_t)db_get_int64(res, i, VS_VOUCHER);
		l->startup_code = (char *)db_get(res, i, VS_STARTUP);
		l->period = (char *)db_get(res, i, VS_PERIOD);
		l->invoice_number = (char *)db_get(res, i, VS_INVOICE);
		l->currency = (char *)db_get(res, i, VS_CURRENCY);
		l->amount = db_get_int64(res, i, VS_AMOUNT);
		ptrs[i] = l;
	}
	reply.n_lines = (size_t)n;
	reply.lines = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_VOUCHER_STATEMENT;
	resp.voucher_statement = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_voucher_statement(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__VoucherStatementRequest *q = msg->voucher_statement;
	char member[24];
	const char *params[3] = { member, opt(q->issuer), opt(q->period) };

	if (!short_text_ok(r, q->issuer, 200, "issuer") ||
	    !req_name_ok(r, q->period, "month (YYYY-MM)", "period", 0))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_VOUCHER_STATEMENT, params, 3, statement_done);
}

/* ---------------------------------------------------------------- invoices */

/* Rows of rb_invoice_rows grouped into invoices, in order; one reply body. */
static void invoices_done(struct req *r, const struct db_result *res, const struct db_error *err,
			  Rigbook__Response__BodyCase body)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListInvoicesReply reply = RIGBOOK__LIST_INVOICES_REPLY__INIT;
	Rigbook__Invoice *inv, **iptrs;
	Rigbook__InvoiceLine *lines, **lptrs;
	void *imem, *lmem;
	int n, ni = 0, nl = 0;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	/* at most one invoice and one line per row */
	n = db_ntuples(res);
	iptrs = msg_block((size_t)n, sizeof(*iptrs), sizeof(*inv), &imem);
	lptrs = msg_block((size_t)n, sizeof(*lptrs), sizeof(*lines), &lmem);
	inv = imem;
	lines = lmem;
	if (n > 0 && (iptrs == NULL || lptrs == NULL)) {
		free(iptrs);
		free(lptrs);
		oom(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		Rigbook__Invoice *v;

		if (db_get_int64(res, i, IV_ID) == 0 && !db_isnull(res, i, IV_L_CHARGE)) {
			/* a line a run before the month's end left for the next run;
			 * these rows come after every invoice's */
			Rigbook__InvoiceLine *l = &lines[nl];

			rigbook__invoice_line__init(l);
			l->charge_id = (uint64_t)db_get_int64(res, i, IV_L_CHARGE);
			l->booking_id = (uint64_t)db_get_int64(res, i, IV_L_BOOKING);
			l->kind = (char *)db_get(res, i, IV_L_KIND);
			l->resource_code = (char *)db_get(res, i, IV_L_RESOURCE);
			l->charged_on = (char *)db_get(res, i, IV_L_DATE);
			l->description = (char *)db_get(res, i, IV_L_DESCRIPTION);
			l->amount = db_get_int64(res, i, IV_L_AMOUNT);
			l->startup_pays = db_get_int64(res, i, IV_L_STARTUP);
			l->startup_code = (char *)db_get(res, i, IV_STARTUP);
			l->currency = (char *)db_get(res, i, IV_CURRENCY);
			lptrs[nl++] = l;
			if (reply.left == NULL)
				reply.left = &lptrs[nl - 1];
			reply.n_left++;
			continue;
		}
		if (ni == 0 || (uint64_t)db_get_int64(res, i, IV_ID) != iptrs[ni - 1]->id) {
			v = &inv[ni];
			rigbook__invoice__init(v);
			v->id = (uint64_t)db_get_int64(res, i, IV_ID);
			v->number = (char *)db_get(res, i, IV_NUMBER);
			v->kind = (char *)db_get(res, i, IV_KIND);
			v->space_code = (char *)db_get(res, i, IV_SPACE);
			v->startup_code = (char *)db_get(res, i, IV_STARTUP);
			v->startup_name = (char *)db_get(res, i, IV_STARTUP_NAME);
			v->period = (char *)db_get(res, i, IV_PERIOD);
			v->currency = (char *)db_get(res, i, IV_CURRENCY);
			v->total = db_get_int64(res, i, IV_TOTAL);
			v->voucher = db_get_int64(res, i, IV_VOUCHER);
			v->startup_pays = db_get_int64(res, i, IV_STARTUP_PAYS);
			v->credit_of = (char *)db_get(res, i, IV_CREDIT_OF);
			v->reason = (char *)db_get(res, i, IV_REASON);
			v->issued_at = db_get_int64(res, i, IV_ISSUED);
			v->legal_name = (char *)db_get(res, i, IV_LEGAL_NAME);
			v->credit_code = (char *)db_get(res, i, IV_CREDIT_CODE);
			v->address = (char *)db_get(res, i, IV_ADDRESS);
			v->lines = &lptrs[nl];
			iptrs[ni++] = v;
		}
		v = iptrs[ni - 1];
		if (!db_isnull(res, i, IV_L_CHARGE)) {
			Rigbook__InvoiceLine *l = &lines[nl];

			rigbook__invoice_line__init(l);
			l->charge_id = (uint64_t)db_get_int64(res, i, IV_L_CHARGE);
			l->booking_id = (uint64_t)db_get_int64(res, i, IV_L_BOOKING);
			l->kind = (char *)db_get(res, i, IV_L_KIND);
			l->resource_code = (char *)db_get(res, i, IV_L_RESOURCE);
			l->charged_on = (char *)db_get(res, i, IV_L_DATE);
			l->description = (char *)db_get(res, i, IV_L_DESCRIPTION);
			l->amount = db_get_int64(res, i, IV_L_AMOUNT);
			l->voucher = db_get_int64(res, i, IV_L_VOUCHER);
			l->startup_pays = db_get_int64(res, i, IV_L_STARTUP);
			lptrs[nl++] = l;
			v->n_lines++;
		}
	}
	reply.n_invoices = (size_t)ni;
	reply.invoices = iptrs;
	resp.body_case = body;
	switch (body) {
	case RIGBOOK__RESPONSE__BODY_RUN_INVOICES: resp.run_invoices = &reply; break;
	case RIGBOOK__RESPONSE__BODY_GET_INVOICE: resp.get_invoice = &reply; break;
	case RIGBOOK__RESPONSE__BODY_CREDIT_INVOICE: resp.credit_invoice = &reply; break;
	default: resp.list_invoices = &reply; break;
	}
	req_reply(r, &resp);
	free(iptrs);
	free(lptrs);
}

static void run_invoices_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	invoices_done(arg, res, err, RIGBOOK__RESPONSE__BODY_RUN_INVOICES);
}

static void list_invoices_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	invoices_done(arg, res, err, RIGBOOK__RESPONSE__BODY_LIST_INVOICES);
}

static void get_invoice_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	invoices_done(arg, res, err, RIGBOOK__RESPONSE__BODY_GET_INVOICE);
}

static void credit_invoice_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	invoices_done(arg, res, err, RIGBOOK__RESPONSE__BODY_CREDIT_INVOICE);
}

void svc_run_invoices(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__RunInvoicesRequest *q = msg->run_invoices;
	char member[24];
	const char *params[5] = { member, q->period, opt(q->space_code),
				  q->before_month_end ? "true" : "false", r->peer };

	if (!req_name_ok(r, q->period, "month to invoice (YYYY-MM)", "period", 1) ||
	    !req_name_ok(r, q->space_code, "space, by its code", "space_code", 0))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_RUN_INVOICES, params, 5, run_invoices_done);
}

void svc_list_invoices(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListInvoicesRequest *q = msg->list_invoices;
	char member[24];
	const char *params[3] = { member, opt(q->period), opt(q->startup_code) };

	if (!req_name_ok(r, q->period, "month (YYYY-MM)", "period", 0) ||
	    !req_name_ok(r, q->startup_code, "startup, by its code", "startup_code", 0))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_LIST_INVOICES, params, 3, list_invoices_done);
}

void svc_get_invoice(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__GetInvoiceRequest *q = msg->get_invoice;
	char member[24];
	const char *params[2] = { member, q->number };

	if (!req_name_ok(r, q->number, "invoice, by its number", "number", 1))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_GET_INVOICE, params, 2, get_invoice_done);
}

void svc_credit_invoice(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__CreditInvoiceRequest *q = msg->credit_invoice;
	char member[24], amount[24];
	const char *params[5] = { member, q->number, amount, q->reason, r->peer };

	if (!req_name_ok(r, q->number, "invoice, by its number", "number", 1) ||
	    !short_text_ok(r, q->reason, 500, "reason") || !money_ok(r, q->amount, "amount"))
		return;
	u64_param(member, r->sess.member_id);
	snprintf(amount, sizeof(amount), "%" PRId64, q->amount);
	req_query(r, STMT_CREDIT_INVOICE, params, 5, credit_invoice_done);
}

/* ---------------------------------------------------------------- settlement */

static void settlement_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__SettlementReply reply = RIGBOOK__SETTLEMENT_REPLY__INIT;
	Rigbook__SettlementLine *rows, **ptrs;
	void *mem;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
	rows = mem;
	if (n > 0 && ptrs == NULL) {
		oom(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		Rigbook__SettlementLine *l = &rows[i];

		rigbook__settlement_line__init(l);
		l->institution_code = (char *)db_get(res, i, SE_CODE);
		l->institution_name = (char *)db_get(res, i, SE_NAME);
		l->currency = (char *)db_get(res, i, SE_CURRENCY);
		l->earned = db_get_int64(res, i, SE_EARNED);
		l->voucher = db_get_int64(res, i, SE_VOUCHER);
		l->startup_pays = db_get_int64(res, i, SE_STARTUP);
		ptrs[i] = l;
	}
	reply.n_lines = (size_t)n;
	reply.lines = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_SETTLEMENT;
	resp.settlement = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_settlement(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SettlementRequest *q = msg->settlement;
	char member[24];
	const char *params[3] = { member, q->period, opt(q->institution_code) };

	if (!req_name_ok(r, q->period, "month (YYYY-MM)", "period", 1) ||
	    !req_name_ok(r, q->institution_code, "institution, by its code", "institution_code", 0))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_SETTLEMENT, params, 3, settlement_done);
}

/* ---------------------------------------------------------------- tiers */

static void set_tier_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__SetTierReply reply = RIGBOOK__SET_TIER_REPLY__INIT;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "internal error; the server log has the details", "", NULL);
		return;
	}
	reply.startup_code = (char *)db_get(res, 0, TIER_STARTUP);
	reply.tier = (char *)db_get(res, 0, TIER_TIER);
	reply.previous = (char *)db_get(res, 0, TIER_PREVIOUS);
	resp.body_case = RIGBOOK__RESPONSE__BODY_SET_TIER;
	resp.set_tier = &reply;
	req_reply(r, &resp);
}

void svc_set_tier(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__SetTierRequest *q = msg->set_tier;
	char member[24];
	const char *params[5] = { member, q->startup_code, q->tier, opt(q->space_code), r->peer };

	if (!req_name_ok(r, q->startup_code, "startup, by its code", "startup_code", 1) ||
	    !req_name_ok(r, q->tier, "price tier", "tier", 1) ||
	    !req_name_ok(r, q->space_code, "space, by its code", "space_code", 0))
		return;
	u64_param(member, r->sess.member_id);
	req_query(r, STMT_SET_TIER, params, 5, set_tier_done);
}

