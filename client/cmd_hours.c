/*
 * hours: a resource's weekly opening hours (or off-peak hours), written as
 * 'mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00' in its own zone.
 */
#include <stdio.h>

#include "cmd.h"
#include "detail.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

#define MAX_WINDOWS 100

static const struct cmd_opt hours_opts[] = {
	{ "offpeak", 0, NULL, 0 },
	{ "always", 0, NULL, 0 },
	{ "force", 0, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static void print_hours(const Rigbook__ResourceDetail *d, int offpeak)
{
	Rigbook__WeeklyWindow *const *w = offpeak ? d->offpeak : d->hours;
	size_t n = offpeak ? d->n_offpeak : d->n_hours;
	char spec[RB_WEEKLY_TEXT], local[RB_WEEKLY_TEXT * 2];

	out_put_clean(stdout, d->resource->code);
	if (n == 0) {
		fputs(offpeak ? _(" has no off-peak hours\n") : _(" is open around the clock\n"), stdout);
		return;
	}
	if (detail_weekly_text(w, n, spec, sizeof(spec)) != 0)
		snprintf(spec, sizeof(spec), _("(%zu windows)"), n);
	fputs(offpeak ? _(" is off-peak ") : _(" opens "), stdout);
	fputs(detail_weekdays_local(spec, local, sizeof(local)), stdout);
	fputs(C_("paren", " ("), stdout);
	out_put_clean(stdout, d->resource->time_zone);
	fputs(C_("paren", ")\n"), stdout);
}

static int cmd_hours_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *spec = args->npos > 1 ? args->pos[1] : NULL;
	int offpeak = cmd_arg(args, "offpeak") != NULL, always = cmd_arg(args, "always") != NULL;
	struct rb_weekly_window parsed[MAX_WINDOWS];
	Rigbook__WeeklyWindow ww[MAX_WINDOWS], *wp[MAX_WINDOWS];
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetHoursRequest sh = RIGBOOK__SET_HOURS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	char err[256];
	size_t n = 0;
	int rc;

	if (spec != NULL && always)
		return cmd_usage_error(ctx, _("give either the hours or --always"));
	if (spec == NULL && !always) {
		/* no change asked for: say what the hours are */
		rc = cmd_detail(ctx, code, &resp, &d);
		if (rc != CMD_OK)
			return rc;
		if (ctx->json)
			detail_json_print(d);
		else
			print_hours(d, offpeak);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (spec != NULL && rb_weekly_parse(spec, parsed, MAX_WINDOWS, &n, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "%s", err);
	for (size_t i = 0; i < n; i++) {
		rigbook__weekly_window__init(&ww[i]);
		ww[i].weekday = (uint32_t)parsed[i].weekday;
		ww[i].opens = (uint32_t)parsed[i].opens;
		ww[i].closes = (uint32_t)parsed[i].closes;
		wp[i] = &ww[i];
	}
	sh.code = (char *)code;
	sh.kind = offpeak ? RIGBOOK__HOURS_KIND__OFFPEAK : RIGBOOK__HOURS_KIND__OPENING;
	sh.n_windows = n;
	sh.windows = wp;
	sh.force = cmd_arg(args, "force") != NULL;
	req.body_case = RIGBOOK__REQUEST__BODY_SET_HOURS;
	req.set_hours = &sh;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_HOURS, &resp);
	if (rc != CMD_OK)
		return rc;
	d = cmd_reply_detail(resp);
	if (d == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_FAILED;
	}
	if (ctx->json) {
		detail_json_print(d);
	} else {
		print_hours(d, offpeak);
		detail_print_cancelled_ids(stdout, d);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_hours_entry = {
	.name = "hours",
	.usage = "CODE [--offpeak] ['mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00' | --always] [--force]",
	.summary = N_("show or set the weekly opening or off-peak hours"),
	.options = hours_opts,
	.lower = 1,
	.upper = 2,
	.exec = cmd_hours_exec,
};
