/*
 * The filing report: per resource and in total, hours opened, booked and
 * used, startups served, bookings, no-shows, revenue and voucher subsidy
 * over whole local days.  Who reports on which resources, the dates and
 * every figure are rb_report()'s (0011_report.sql); this file carries the
 * request there and the rows back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rows.h"
#include "sql.h"

static void line_from_row(Rigbook__ReportLine *l, const struct db_result *res, int i)
{
	rigbook__report_line__init(l);
	l->resource_code = (char *)db_get(res, i, RP_CODE);
	l->resource_name = (char *)db_get(res, i, RP_NAME);
	l->institution_code = (char *)db_get(res, i, RP_INSTITUTION);
	l->space_code = (char *)db_get(res, i, RP_SPACE);
	l->time_zone = (char *)db_get(res, i, RP_TZ);
	l->units = (uint32_t)db_get_int64(res, i, RP_UNITS);
	l->open_seconds = db_get_int64(res, i, RP_OPEN);
	l->booked_seconds = db_get_int64(res, i, RP_BOOKED);
	l->used_seconds = db_get_int64(res, i, RP_USED);
	l->startups_served = (uint32_t)db_get_int64(res, i, RP_STARTUPS);
	l->bookings = (uint32_t)db_get_int64(res, i, RP_BOOKINGS);
	l->no_shows = (uint32_t)db_get_int64(res, i, RP_NO_SHOWS);
	l->currency = (char *)db_get(res, i, RP_CURRENCY);
	l->revenue = db_get_int64(res, i, RP_REVENUE);
	l->voucher_subsidy = db_get_int64(res, i, RP_SUBSIDY);
}

static void report_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ReportReply reply = RIGBOOK__REPORT_REPLY__INIT;
	Rigbook__ReportLine *rows, **ptrs = NULL, total;
	void *mem = NULL;
	int n, k = 0;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n < 1) {
		/* rb_report always answers with the total */
		req_error(r, RIGBOOK__ERROR_CODE__INTERNAL, "internal",
			  "the report came back without its total", "", NULL);
		return;
	}
	if (n > 1) {
		ptrs = msg_block((size_t)n - 1, sizeof(*ptrs), sizeof(*rows), &mem);
		if (ptrs == NULL) {
			req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
				  "out of memory", "", NULL);
			return;
		}
	}
	rows = mem;
	rigbook__report_line__init(&total);
	for (int i = 0; i < n; i++) {
		if (db_get(res, i, RP_CODE)[0] == '\0') {
			line_from_row(&total, res, i);
			continue;
		}
		if (k == n - 1)
			break; /* two totals cannot happen; never write past the block */
		line_from_row(&rows[k], res, i);
		ptrs[k] = &rows[k];
		k++;
	}
	reply.n_lines = (size_t)k;
	reply.lines = ptrs;
	reply.total = &total;
	resp.body_case = RIGBOOK__RESPONSE__BODY_REPORT;
	resp.report = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

/* A date as typed: YYYY-MM-DD (the calendar is checked in SQL). */
static int date_ok(struct req *r, const char *s, const char *field)
{
	char m[120];

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789-") != 10) {
		snprintf(m, sizeof(m), "%s is not a date; give it as YYYY-MM-DD", field);
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, req_missing(s, "invalid_date"),
			  m, field, "what", "date", "field", field, NULL);
		return 0;
	}
	return 1;
}

void svc_report(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ReportRequest *q = msg->report;
	char member[24];
	const char *space = q->space_code != NULL && q->space_code[0] != '\0' ? q->space_code : NULL;
	const char *params[4] = { member, space, q->from, q->to };

	if (space != NULL && !text_ok(space, 64)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code",
			  "say which space, by its code (at most 64 printable characters)",
			  "space_code", "limit", "64", "what", "report_space", NULL);
		return;
	}
	if (!date_ok(r, q->from, "from") || !date_ok(r, q->to, "to"))
		return;
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	req_query(r, STMT_REPORT, params, 4, report_done);
}
