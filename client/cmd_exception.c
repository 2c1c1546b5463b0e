/* exception: a date that does not follow the weekly hours. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "detail.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

#define MAX_WINDOWS 100

static const struct cmd_opt exception_opts[] = {
	{ "closed", 0, NULL, 0 },
	{ "open", 1, NULL, 0 },
	{ "remove", 0, NULL, 0 },
	{ "reason", 1, NULL, 0 },
	{ "force", 0, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static int cmd_exception_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *date = args->pos[1], *open = cmd_arg(args, "open");
	const char *reason = cmd_arg(args, "reason");
	int closed = cmd_arg(args, "closed") != NULL, remove = cmd_arg(args, "remove") != NULL;
	struct rb_day_window parsed[MAX_WINDOWS];
	Rigbook__DayWindow dw[MAX_WINDOWS], *dp[MAX_WINDOWS];
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetExceptionRequest se = RIGBOOK__SET_EXCEPTION_REQUEST__INIT;
	Rigbook__DateException ex = RIGBOOK__DATE_EXCEPTION__INIT;
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	struct rb_date day;
	char err[256];
	size_t n = 0;
	int rc;

	if (closed + (open != NULL) + remove != 1)
		return cmd_usage_error(ctx, _("give one of --closed, --open WINDOWS, --remove"));
	if (remove && reason != NULL)
		return cmd_usage_error(ctx, _("--reason goes with --closed or --open"));
	if (rb_date_parse(date, &day, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "%s", err);
	if (open != NULL && rb_day_windows_parse(open, parsed, MAX_WINDOWS, &n, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--open: %s"), err);
	for (size_t i = 0; i < n; i++) {
		rigbook__day_window__init(&dw[i]);
		dw[i].opens = (uint32_t)parsed[i].opens;
		dw[i].closes = (uint32_t)parsed[i].closes;
		dp[i] = &dw[i];
	}
	ex.date = (char *)date;
	ex.closed = closed;
	ex.n_windows = n;
	ex.windows = dp;
	ex.reason = (char *)(reason != NULL ? reason : "");
	se.code = (char *)code;
	se.exception = &ex;
	se.remove = remove;
	se.force = cmd_arg(args, "force") != NULL;
	req.body_case = RIGBOOK__REQUEST__BODY_SET_EXCEPTION;
	req.set_exception = &se;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_EXCEPTION, &resp);
	if (rc != CMD_OK)
		return rc;
	d = cmd_reply_detail(resp);
	if (d == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_FAILED;
	}
	if (ctx->json) {
		detail_json_print(d);
	} else if (remove) {
		out_put_clean(stdout, d->resource->code);
		printf(_(" follows its weekly hours on %s\n"), date);
	} else {
		char text[900];

		detail_exception_text(&ex, text, sizeof(text));
		out_put_clean(stdout, d->resource->code);
		printf(_(" on %s %s ("), i18n_weekday_lower(rb_date_weekday(&day)), date);
		out_put_clean(stdout, d->resource->time_zone);
		fputs(C_("paren", "): "), stdout);
		out_put_clean(stdout, text);
		fputc('\n', stdout);
	}
	if (!ctx->json)
		detail_print_cancelled_ids(stdout, d);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_exception_entry = {
	.name = "exception",
	.usage = "CODE DATE (--closed | --open 'HH:MM-HH:MM[,HH:MM-HH:MM...]') [--reason TEXT] [--force]\n"
		 "       rigbook exception CODE DATE --remove [--force]",
	.summary = N_("close a date, or open it in other windows (staff)"),
	.options = exception_opts,
	.lower = 2,
	.upper = 2,
	.exec = cmd_exception_exec,
};
