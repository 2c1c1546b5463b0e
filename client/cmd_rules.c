/*
 * rules: a resource's booking rules.  Fetches the current rules, changes
 * only the ones named on the command line, and prints the result.
 */
#include <stddef.h>
#include <stdio.h>

#include "cmd.h"
#include "detail.h"
#include "i18n.h"

static const struct cmd_opt rules_opts[] = {
	{ "slot", 1, NULL, 0 },
	{ "min", 1, NULL, 0 },
	{ "max", 1, NULL, 0 },
	{ "notice", 1, NULL, 0 },
	{ "ahead", 1, NULL, 0 },
	{ "buffer", 1, NULL, 0 },
	{ "max-active", 1, NULL, 0 },
	{ "weekly", 1, NULL, 0 },
	{ "max-active-startup", 1, NULL, 0 },
	{ "weekly-member", 1, NULL, 0 },
	{ "whole-days", 0, NULL, 0 },
	{ "no-whole-days", 0, NULL, 0 },
	{ "min-gap", 1, NULL, 0 },
	{ "late-cancel", 1, NULL, 0 },
	{ "checkin-early", 1, NULL, 0 },
	{ "no-show-grace", 1, NULL, 0 },
	{ "approval", 0, NULL, 0 },
	{ "no-approval", 0, NULL, 0 },
	{ "qualification", 0, NULL, 0 },
	{ "no-qualification", 0, NULL, 0 },
	{ "clear", 0, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

/* The duration rules: option, field, unit in minutes. */
static const struct {
	const char *opt;
	size_t off;
	int unit;
} durations[] = {
	{ "slot", offsetof(Rigbook__Rules, slot_minutes), 1 },
	{ "min", offsetof(Rigbook__Rules, min_minutes), 1 },
	{ "max", offsetof(Rigbook__Rules, max_minutes), 1 },
	{ "notice", offsetof(Rigbook__Rules, min_notice_minutes), 1 },
	{ "ahead", offsetof(Rigbook__Rules, max_ahead_days), 1440 },
	{ "buffer", offsetof(Rigbook__Rules, buffer_minutes), 1 },
	{ "weekly", offsetof(Rigbook__Rules, weekly_minutes_per_startup), 1 },
	{ "weekly-member", offsetof(Rigbook__Rules, weekly_minutes_per_member), 1 },
	{ "min-gap", offsetof(Rigbook__Rules, min_gap_minutes), 1 },
	{ "late-cancel", offsetof(Rigbook__Rules, late_cancel_minutes), 1 },
	{ "checkin-early", offsetof(Rigbook__Rules, checkin_early_minutes), 1 },
	{ "no-show-grace", offsetof(Rigbook__Rules, no_show_grace_minutes), 1 },
};

#define NDURATIONS (sizeof(durations) / sizeof(durations[0]))

static void print_rules(const Rigbook__Resource *r)
{
	char text[DETAIL_RULES_TEXT];

	detail_rules_text(r->rules, text, sizeof(text));
	fputs(_("rules of "), stdout);
	out_put_clean(stdout, r->code);
	fputs(": ", stdout);
	fputs(text, stdout);
	fputc('\n', stdout);
}

static int cmd_rules_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *v;
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetRulesRequest sr = RIGBOOK__SET_RULES_REQUEST__INIT;
	Rigbook__Rules rules = RIGBOOK__RULES__INIT;
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	int rc, whole = cmd_arg(args, "whole-days") != NULL;
	int not_whole = cmd_arg(args, "no-whole-days") != NULL;
	int clear = cmd_arg(args, "clear") != NULL;
	uint32_t vals[NDURATIONS], active = 0, active_startup = 0;

	if (whole && not_whole)
		return cmd_usage_error(ctx, _("give --whole-days or --no-whole-days, not both"));
	if (cmd_arg(args, "approval") != NULL && cmd_arg(args, "no-approval") != NULL)
		return cmd_usage_error(ctx, _("give --approval or --no-approval, not both"));
	if (cmd_arg(args, "qualification") != NULL && cmd_arg(args, "no-qualification") != NULL)
		return cmd_usage_error(ctx, _("give --qualification or --no-qualification, not both"));
	/* check every value before asking the server anything */
	for (size_t i = 0; i < NDURATIONS; i++) {
		char label[32];

		v = cmd_arg(args, durations[i].opt);
		snprintf(label, sizeof(label), "--%s", durations[i].opt);
		if (v != NULL && (rc = cmd_minutes_arg(ctx, label, v, durations[i].unit, 1,
						       &vals[i])) != CMD_OK)
			return rc;
	}
	v = cmd_arg(args, "max-active");
	if (v != NULL && (rc = cmd_count_arg(ctx, "--max-active", v, 1, 10000, 1, &active)) != CMD_OK)
		return rc;
	v = cmd_arg(args, "max-active-startup");
	if (v != NULL && (rc = cmd_count_arg(ctx, "--max-active-startup", v, 1, 10000, 1,
					     &active_startup)) != CMD_OK)
		return rc;

	rc = cmd_detail(ctx, code, &resp, &d);
	if (rc != CMD_OK)
		return rc;
	if (args->nopt == 0) {
		/* nothing to change: show them */
		if (ctx->json)
			detail_json_print(d);
		else
			print_rules(d->resource);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (d->resource->rules != NULL) {
		const Rigbook__Rules *now = d->resource->rules;

		if (!clear) {
			rules = *now;
		} else {
			/* --clear turns the booking rules off; the lifecycle stays */
			rules.needs_approval = now->needs_approval;
			rules.needs_qualification = now->needs_qualification;
			rules.late_cancel_minutes = now->late_cancel_minutes;
			rules.checkin_early_minutes = now->checkin_early_minutes;
			rules.no_show_grace_minutes = now->no_show_grace_minutes;
		}
	}
	rules.base.unknown_fields = NULL;
	rules.base.n_unknown_fields = 0;
	rigbook__response__free_unpacked(resp, NULL);

	for (size_t i = 0; i < NDURATIONS; i++)
		if (cmd_arg(args, durations[i].opt) != NULL)
			*(uint32_t *)((char *)&rules + durations[i].off) = vals[i];
	if (cmd_arg(args, "max-active") != NULL)
		rules.max_active_per_member = active;
	if (cmd_arg(args, "max-active-startup") != NULL)
		rules.max_active_per_startup = active_startup;
	if (whole)
		rules.whole_days = 1;
	if (not_whole)
		rules.whole_days = 0;
	if (cmd_arg(args, "approval") != NULL)
		rules.needs_approval = 1;
	if (cmd_arg(args, "no-approval") != NULL)
		rules.needs_approval = 0;
	if (cmd_arg(args, "qualification") != NULL)
		rules.needs_qualification = 1;
	if (cmd_arg(args, "no-qualification") != NULL)
		rules.needs_qualification = 0;

	sr.code = (char *)code;
	sr.rules = &rules;
	req.body_case = RIGBOOK__REQUEST__BODY_SET_RULES;
	req.set_rules = &sr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_RULES, &resp);
	if (rc != CMD_OK)
		return rc;
	d = cmd_reply_detail(resp);
	if (d == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_FAILED;
	}
	if (ctx->json)
		detail_json_print(d);
	else
		print_rules(d->resource);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_rules_entry = {
	.name = "rules",
	.usage = "CODE [--slot 30m] [--min 1h] [--max 8h] [--notice 24h] [--ahead 30d] [--buffer 15m]"
		 " [--max-active 3] [--weekly 8h] [--max-active-startup 5] [--weekly-member 4h]"
		 " [--whole-days | --no-whole-days] [--min-gap 2h]"
		 " [--approval | --no-approval] [--qualification | --no-qualification] [--late-cancel 24h]"
		 " [--checkin-early 15m] [--no-show-grace 15m] [--clear]",
	.summary = N_("show or change a resource's booking rules"),
	.options = rules_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_rules_exec,
};
