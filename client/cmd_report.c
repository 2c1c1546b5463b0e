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
#include "render.h"
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

/* part / whole in hundredths of a percent, half up; -1 when whole is 0. */
static int64_t basis_points(int64_t part, int64_t whole)
{
	if (whole <= 0 || part < 0)
		return -1;
	return (part * 20000 + whole) / (2 * whole);
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

/* A line of the report, and whether it is the total. */
struct rep_row {
	const Rigbook__ReportLine *l;
	int total;
	int utf8; /* the table's bar in block characters */
};

#define LINE(row) (((const struct rep_row *)(row))->l)

static void get_resource_words(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const struct rep_row *x = row;

	(void)r;
	v->s = x->total ? _("total") : x->l->resource_code;
}

static void get_space(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = LINE(row)->space_code;
}

static void get_institution(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const struct rep_row *x = row;

	v->s = x->total && r->fmt == RND_TABLE ? "" : x->l->institution_code;
}

static void get_resource(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const struct rep_row *x = row;

	v->s = x->total && r->fmt == RND_CSV ? "" : x->l->resource_code;
}

static void get_name(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const struct rep_row *x = row;

	v->s = x->total && r->fmt == RND_CSV ? "total" : x->l->resource_name;
}

static void get_zone(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = LINE(row)->time_zone;
}

static void get_units(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->u = LINE(row)->units;
}

static void get_open(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LINE(row)->open_seconds;
}

static void get_booked(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LINE(row)->booked_seconds;
}

static void get_used(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LINE(row)->used_seconds;
}

static void get_used_pct(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const struct rep_row *x = row;

	v->i = basis_points(x->l->used_seconds, x->l->open_seconds);
	if (r->fmt == RND_TABLE) {
		bar(v->i, x->utf8, v->buf, sizeof(v->buf));
		v->table = v->buf;
	}
}

static void get_booked_pct(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = basis_points(LINE(row)->booked_seconds, LINE(row)->open_seconds);
}

static void get_served(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->u = LINE(row)->startups_served;
}

static void get_bookings(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->u = LINE(row)->bookings;
}

static void get_no_shows(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->u = LINE(row)->no_shows;
}

static void get_currency(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = LINE(row)->currency[0] != '\0' ? LINE(row)->currency : "CNY";
}

static void get_revenue(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LINE(row)->revenue;
	v->s = LINE(row)->currency;
}

static void get_subsidy(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = LINE(row)->voucher_subsidy;
	v->s = LINE(row)->currency;
}

/*
 * The report's columns, in the CSV's order (the filing format), which the
 * table and JSON follow.
 */
static const struct rnd_col report_cols[] = {
	{ "space", NC_("csv", "space"), NULL, RND_TEXT, 0, .get = get_space },
	{ NULL, NULL, N_("RESOURCE"), RND_TEXT, 0, .get = get_resource_words },
	{ "institution", NC_("csv", "institution"), N_("INSTITUTION"), RND_TEXT, 0, .get = get_institution },
	{ "resource", NC_("csv", "resource"), NULL, RND_TEXT, 0, .get = get_resource },
	{ "name", NC_("csv", "name"), NULL, RND_TEXT, 0, .get = get_name },
	{ "time_zone", NC_("csv", "time_zone"), NULL, RND_TEXT, 0, .get = get_zone },
	{ "units", NC_("csv", "units"), NULL, RND_UINT, 0, .get = get_units },
	{ "open", NC_("csv", "hours_open"), N_("OPEN H"), RND_HOURS, 0, .get = get_open },
	{ "booked", NC_("csv", "hours_booked"), N_("BOOKED H"), RND_HOURS, 0, .get = get_booked },
	{ "used", NC_("csv", "hours_used"), N_("USED H"), RND_HOURS, 0, .get = get_used },
	{ "used_pct", NC_("csv", "used_pct"), N_("USED/OPEN"), RND_PERCENT, 0, .get = get_used_pct },
	{ "booked_pct", NC_("csv", "booked_pct"), N_("BOOKED/OPEN"), RND_PERCENT, 0, .get = get_booked_pct },
	{ "startups_served", NC_("csv", "startups_served"), N_("STARTUPS"), RND_UINT, 0, .get = get_served },
	{ "bookings", NC_("csv", "bookings"), N_("BOOKINGS"), RND_UINT, 0, .get = get_bookings },
	{ "no_shows", NC_("csv", "no_shows"), N_("NO-SHOWS"), RND_UINT, 0, .get = get_no_shows },
	{ "currency", NC_("csv", "currency"), NULL, RND_TEXT, 0, .get = get_currency },
	{ NULL, NC_("csv", "revenue_fen"), NULL, RND_INT, 0, .get = get_revenue },
	{ "revenue", NC_("csv", "revenue"), N_("REVENUE"), RND_MONEY, 0, .get = get_revenue },
	{ NULL, NC_("csv", "voucher_subsidy_fen"), NULL, RND_INT, 0, .get = get_subsidy },
	{ "voucher_subsidy", NC_("csv", "voucher_subsidy"), N_("VOUCHERS"), RND_MONEY, 0, .get = get_subsidy },
};

static void print_json(const Rigbook__ReportReply *rep, const char *space, const char *from,
		       const char *to)
{
	struct rnd r;
	struct out_json j;

	rnd_init(&r, RND_JSON, stdout, report_cols, RND_NCOLS(report_cols), NULL);
	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_string(&j, "space", space);
	out_json_kv_string(&j, "from", from);
	out_json_kv_string(&j, "to", to);
	out_json_key(&j, "resources");
	out_json_begin_array(&j);
	for (size_t i = 0; i < rep->n_lines; i++)
		rnd_json_object(&r, &j, &(struct rep_row){ rep->lines[i], 0, 0 });
	out_json_end_array(&j);
	if (rep->total != NULL) {
		out_json_key(&j, "total");
		rnd_json_object(&r, &j, &(struct rep_row){ rep->total, 1, 0 });
	}
	out_json_end_object(&j);
	out_json_finish(&j);
}

/* The table or the CSV: the lines, then the total. */
static int print_rows(const Rigbook__ReportReply *rep, enum rnd_format fmt, int local, int utf8)
{
	struct rnd r;
	int bad;

	rnd_init(&r, fmt, stdout, report_cols, RND_NCOLS(report_cols), NULL);
	r.local = local;
	bad = rnd_begin(&r) != 0;
	for (size_t i = 0; i < rep->n_lines && !bad; i++)
		bad = rnd_row(&r, &(struct rep_row){ rep->lines[i], 0, utf8 }) != 0;
	if (!bad && rep->total != NULL)
		bad = rnd_row(&r, &(struct rep_row){ rep->total, 1, utf8 }) != 0;
	if (rnd_end(&r) != 0 || bad)
		return cmd_failed(_("out of memory"));
	return CMD_OK;
}

static int print_text(const Rigbook__ReportReply *rep, const char *space, const char *from,
		      const char *to, int utf8)
{
	printf(_("report %s to %s, %s\n"), from, to,
	       space != NULL ? space : _("every space you report on"));
	if (rep->n_lines == 0) {
		printf(_("no resources to report on\n"));
		return CMD_OK;
	}
	return print_rows(rep, RND_TABLE, 0, utf8);
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
	if (!cmd_date_arg(ctx, "--from", from) || !cmd_date_arg(ctx, "--to", to))
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
		rc = print_rows(resp->report, RND_CSV, local, 0);
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
