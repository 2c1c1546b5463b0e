/*
 * rigbook report: the filing report of a space over whole local days.
 * Per resource and in total: hours opened, booked and used, utilisation
 * (used and booked against opened) with a bar, startups served, bookings,
 * no-shows, revenue and what vouchers paid.  A table for people, --csv
 * (RFC 4180) and --json for programs.  Every figure is the server's; this
 * file only divides and formats.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "rigbook/money.h"
#include "i18n.h"

#define BAR_CELLS 10

static const struct cmd_opt report_opts[] = {
	{ "space", 1, NULL },
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ "csv", 0, NULL },
	{ "csv-headers", 1, NULL },
	{ "ascii", 0, NULL },
	{ NULL, 0, NULL },
};

/* "33.00": seconds as hours, two decimals, half up. */
static void hours(int64_t secs, char *buf, size_t len)
{
	int64_t c = secs >= 0 ? (secs * 100 + 1800) / 3600 : -((-secs * 100 + 1800) / 3600);
	int64_t a = c < 0 ? -c : c;

	snprintf(buf, len, "%s%" PRId64 ".%02" PRId64, c < 0 ? "-" : "", a / 100, a % 100);
}

/* part / whole in hundredths of a percent, half up; -1 when whole is 0. */
static int64_t basis_points(int64_t part, int64_t whole)
{
	if (whole <= 0 || part < 0)
		return -1;
	return (part * 20000 + whole) / (2 * whole);
}

/* "15.66" (percent, two decimals), "" when nothing was open. */
static void pct_plain(int64_t bp, char *buf, size_t len)
{
	if (bp < 0)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%" PRId64 ".%02" PRId64, bp / 100, bp % 100);
}

/* "16%" (whole percent, half up), "-" when nothing was open. */
static void pct_short(int64_t bp, char *buf, size_t len)
{
	if (bp < 0)
		snprintf(buf, len, "%s", "-");
	else
		snprintf(buf, len, "%" PRId64 "%%", (bp + 50) / 100);
}

/*
 * "████▌      43%": BAR_CELLS cells filled in eighths (UTF-8 block
 * characters) or in whole cells of '#' (ASCII), then the percentage.
 */
static void bar(int64_t bp, int utf8, char *buf, size_t len)
{
	static const char *const eighths[8] = { "", "\u258f", "\u258e", "\u258d",
						"\u258c", "\u258b", "\u258a", "\u2589" };
	char p[16];
	size_t o = 0;
	int64_t fill, cells;

	pct_short(bp, p, sizeof(p));
	fill = bp < 0 ? 0 : (bp * BAR_CELLS * 8 + 5000) / 10000; /* in eighths of a cell */
	if (fill > BAR_CELLS * 8)
		fill = BAR_CELLS * 8;
	if (!utf8)
		fill = (fill + 4) / 8 * 8;
	buf[0] = '\0';
	for (cells = 0; cells < fill / 8 && o + 4 < len; cells++)
		o += (size_t)snprintf(buf + o, len - o, "%s", utf8 ? "\u2588" : "#");
	if (fill % 8 != 0 && o + 4 < len) {
		o += (size_t)snprintf(buf + o, len - o, "%s", eighths[fill % 8]);
		cells++;
	}
	for (; cells < BAR_CELLS && o + 1 < len; cells++)
		buf[o++] = ' ';
	buf[o] = '\0';
	snprintf(buf + o, len - o, " %4s", p);
}

/* Blocks only for a terminal whose locale speaks UTF-8. */
static int utf8_terminal(void)
{
	const char *vars[3] = { "LC_ALL", "LC_CTYPE", "LANG" };

	if (!isatty(STDOUT_FILENO))
		return 0;
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && v[0] != '\0')
			return strcasestr(v, "utf-8") != NULL || strcasestr(v, "utf8") != NULL;
	}
	return 0;
}

static const char *money(int64_t v, const char *cur, char *buf)
{
	if (rb_money_format(v, cur != NULL && cur[0] != '\0' ? cur : "CNY", buf, RB_MONEY_TEXT) != 0)
		snprintf(buf, RB_MONEY_TEXT, "%" PRId64, v);
	return buf;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s, int last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', f);
		for (const char *p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static void csv_int(FILE *f, int64_t v)
{
	fprintf(f, "%" PRId64 ",", v);
}

static void csv_line(FILE *f, const Rigbook__ReportLine *l, int total)
{
	char b[64], cur[8];

	snprintf(cur, sizeof(cur), "%s", l->currency[0] != '\0' ? l->currency : "CNY");
	csv_field(f, l->space_code, 0);
	csv_field(f, l->institution_code, 0);
	csv_field(f, total ? "" : l->resource_code, 0);
	csv_field(f, total ? "total" : l->resource_name, 0);
	csv_field(f, l->time_zone, 0);
	csv_int(f, l->units);
	hours(l->open_seconds, b, sizeof(b));
	csv_field(f, b, 0);
	hours(l->booked_seconds, b, sizeof(b));
	csv_field(f, b, 0);
	hours(l->used_seconds, b, sizeof(b));
	csv_field(f, b, 0);
	pct_plain(basis_points(l->used_seconds, l->open_seconds), b, sizeof(b));
	csv_field(f, b, 0);
	pct_plain(basis_points(l->booked_seconds, l->open_seconds), b, sizeof(b));
	csv_field(f, b, 0);
	csv_int(f, l->startups_served);
	csv_int(f, l->bookings);
	csv_int(f, l->no_shows);
	csv_field(f, cur, 0);
	csv_int(f, l->revenue);
	rb_money_plain(l->revenue, b, sizeof(b));
	csv_field(f, b, 0);
	csv_int(f, l->voucher_subsidy);
	rb_money_plain(l->voucher_subsidy, b, sizeof(b));
	csv_field(f, b, 1);
}

static void print_csv(const Rigbook__ReportReply *rep, int local)
{
	static const char *const hdr[] = {
		NC_("csv", "space"), NC_("csv", "institution"), NC_("csv", "resource"), NC_("csv", "name"), NC_("csv", "time_zone"), NC_("csv", "units"), NC_("csv", "hours_open"),
		NC_("csv", "hours_booked"), NC_("csv", "hours_used"), NC_("csv", "used_pct"), NC_("csv", "booked_pct"), NC_("csv", "startups_served"), NC_("csv", "bookings"),
		NC_("csv", "no_shows"), NC_("csv", "currency"), NC_("csv", "revenue_fen"), NC_("csv", "revenue"), NC_("csv", "voucher_subsidy_fen"),
		NC_("csv", "voucher_subsidy"),
	};
	size_t n = sizeof(hdr) / sizeof(hdr[0]);

	for (size_t i = 0; i < n; i++)
		csv_field(stdout, cmd_csv_header(hdr[i], local), i + 1 == n);
	for (size_t i = 0; i < rep->n_lines; i++)
		csv_line(stdout, rep->lines[i], 0);
	if (rep->total != NULL)
		csv_line(stdout, rep->total, 1);
}

static void json_hours(struct out_json *j, const char *key, int64_t secs)
{
	char k[64];

	snprintf(k, sizeof(k), "%s_seconds", key);
	out_json_kv_int(j, k, secs);
	snprintf(k, sizeof(k), "%s_hours", key);
	out_json_key(j, k);
	out_json_fixed(j, (double)secs / 3600.0, 2);
}

static void json_line(struct out_json *j, const Rigbook__ReportLine *l)
{
	char b[RB_MONEY_TEXT];
	int64_t u = basis_points(l->used_seconds, l->open_seconds);
	int64_t k = basis_points(l->booked_seconds, l->open_seconds);

	out_json_begin_object(j);
	out_json_kv_string(j, "resource", l->resource_code);
	out_json_kv_string(j, "name", l->resource_name);
	out_json_kv_string(j, "institution", l->institution_code);
	out_json_kv_string(j, "space", l->space_code);
	out_json_kv_string(j, "time_zone", l->time_zone);
	out_json_kv_uint(j, "units", l->units);
	json_hours(j, "open", l->open_seconds);
	json_hours(j, "booked", l->booked_seconds);
	json_hours(j, "used", l->used_seconds);
	out_json_key(j, "used_pct");
	if (u < 0)
		out_json_null(j);
	else
		out_json_fixed(j, (double)u / 100.0, 2);
	out_json_key(j, "booked_pct");
	if (k < 0)
		out_json_null(j);
	else
		out_json_fixed(j, (double)k / 100.0, 2);
	out_json_kv_uint(j, "startups_served", l->startups_served);
	out_json_kv_uint(j, "bookings", l->bookings);
	out_json_kv_uint(j, "no_shows", l->no_shows);
	out_json_kv_string(j, "currency", l->currency[0] != '\0' ? l->currency : "CNY");
	out_json_kv_int(j, "revenue", l->revenue);
	out_json_kv_string(j, "revenue_text", money(l->revenue, l->currency, b));
	out_json_kv_int(j, "voucher_subsidy", l->voucher_subsidy);
	out_json_kv_string(j, "voucher_subsidy_text", money(l->voucher_subsidy, l->currency, b));
	out_json_end_object(j);
}

static void print_json(const Rigbook__ReportReply *rep, const char *space, const char *from,
		       const char *to)
{
	struct out_json j;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_string(&j, "space", space);
	out_json_kv_string(&j, "from", from);
	out_json_kv_string(&j, "to", to);
	out_json_key(&j, "resources");
	out_json_begin_array(&j);
	for (size_t i = 0; i < rep->n_lines; i++)
		json_line(&j, rep->lines[i]);
	out_json_end_array(&j);
	if (rep->total != NULL) {
		out_json_key(&j, "total");
		json_line(&j, rep->total);
	}
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int table_line(struct out_table *t, const Rigbook__ReportLine *l, int total, int utf8)
{
	char open[32], booked[32], used[32], ubar[64], bpct[16], st[16], bk[16], ns[16];
	char rev[RB_MONEY_TEXT], sub[RB_MONEY_TEXT];
	const char *cells[12];

	hours(l->open_seconds, open, sizeof(open));
	hours(l->booked_seconds, booked, sizeof(booked));
	hours(l->used_seconds, used, sizeof(used));
	bar(basis_points(l->used_seconds, l->open_seconds), utf8, ubar, sizeof(ubar));
	pct_short(basis_points(l->booked_seconds, l->open_seconds), bpct, sizeof(bpct));
	snprintf(st, sizeof(st), "%" PRIu32, l->startups_served);
	snprintf(bk, sizeof(bk), "%" PRIu32, l->bookings);
	snprintf(ns, sizeof(ns), "%" PRIu32, l->no_shows);
	cells[0] = total ? _("total") : l->resource_code;
	cells[1] = total ? "" : l->institution_code;
	cells[2] = open;
	cells[3] = booked;
	cells[4] = used;
	cells[5] = ubar;
	cells[6] = bpct;
	cells[7] = st;
	cells[8] = bk;
	cells[9] = ns;
	cells[10] = money(l->revenue, l->currency, rev);
	cells[11] = money(l->voucher_subsidy, l->currency, sub);
	return out_table_add(t, cells);
}

static int print_text(const Rigbook__ReportReply *rep, const char *space, const char *from,
		      const char *to, int utf8)
{
	static const char *const hdr[] = { N_("RESOURCE"), N_("INSTITUTION"), N_("OPEN H"), N_("BOOKED H"),
					   N_("USED H"), N_("USED/OPEN"), N_("BOOKED/OPEN"), N_("STARTUPS"),
					   N_("BOOKINGS"), N_("NO-SHOWS"), N_("REVENUE"), N_("VOUCHERS") };
	struct out_table *t;
	int bad = 0;

	printf(_("report %s to %s, %s\n"), from, to,
	       space != NULL ? space : _("every space you report on"));
	if (rep->n_lines == 0) {
		printf(_("no resources to report on\n"));
		return CMD_OK;
	}
	t = out_table_new(12, hdr);
	if (t == NULL)
		return cmd_failed(_("out of memory"));
	for (size_t i = 0; i < rep->n_lines && !bad; i++)
		bad = table_line(t, rep->lines[i], 0, utf8) != 0;
	if (!bad && rep->total != NULL)
		bad = table_line(t, rep->total, 1, utf8) != 0;
	if (bad) {
		out_table_free(t);
		return cmd_failed(_("out of memory"));
	}
	out_table_print(t, stdout);
	out_table_free(t);
	return CMD_OK;
}

static int date_ok(struct cmd_ctx *ctx, const char *label, const char *d)
{
	if (d == NULL || strlen(d) != 10 || d[4] != '-' || d[7] != '-' ||
	    strspn(d, "0123456789-") != 10) {
		cmd_bad_value(ctx, _("%s: '%.40s' is not a date; give it as YYYY-MM-DD"), label,
			      d != NULL ? d : "");
		return 0;
	}
	return 1;
}

static int cmd_report_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *space = cmd_arg(args, "space"), *from = cmd_arg(args, "from"),
		   *to = cmd_arg(args, "to");
	int csv = cmd_arg(args, "csv") != NULL, ascii = cmd_arg(args, "ascii") != NULL;
	int local = cmd_csv_headers(ctx, args);
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ReportRequest q = RIGBOOK__REPORT_REQUEST__INIT;
	Rigbook__Response *resp;
	int rc;

	if (local < 0)
		return CMD_USAGE;
	if (from == NULL || to == NULL)
		return cmd_usage_error(ctx, _("report needs --from DATE and --to DATE"));
	if (csv && ctx->json)
		return cmd_usage_error(ctx, _("--csv and --json do not go together"));
	if (!date_ok(ctx, "--from", from) || !date_ok(ctx, "--to", to))
		return CMD_USAGE;
	if (space != NULL && space[0] == '\0')
		return cmd_usage_error(ctx, _("--space needs a space code"));
	q.space_code = (char *)(space != NULL ? space : "");
	q.from = (char *)from;
	q.to = (char *)to;
	req.body_case = RIGBOOK__REQUEST__BODY_REPORT;
	req.report = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_REPORT, &resp);
	if (rc != CMD_OK)
		return rc;
	if (csv)
		print_csv(resp->report, local);
	else if (ctx->json)
		print_json(resp->report, space != NULL ? space : "", from, to);
	else
		rc = print_text(resp->report, space, from, to, !ascii && utf8_terminal());
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "[--space S] --from DATE --to DATE [--csv [--csv-headers keys|local]] [--ascii]",
	.summary = N_("hours opened, booked and used, startups, money per resource"),
	.options = report_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_report_exec,
};
