/* closure add|rm: time a resource cannot be booked (maintenance, closures). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "detail.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt closure_opts[] = {
	{ "from", 1, NULL, 0 },
	{ "to", 1, NULL, 0 },
	{ "maintenance", 0, NULL, 0 },
	{ "reason", 1, NULL, 0 },
	{ "force", 0, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static void print_closure(const char *verb, const Rigbook__Closure *c, const char *code,
			  const char *tz)
{
	char text[900];

	detail_closure_text(c, tz, 1, text, sizeof(text));
	printf(_("%s %" PRIu64 ": "), _(verb), c->id);
	out_put_clean(stdout, code);
	fputc(' ', stdout);
	out_put_clean(stdout, text);
	fputc('\n', stdout);
}

static int add(struct cmd_ctx *ctx, const struct cmd_args *args, const char *code)
{
	const char *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	const char *reason = cmd_arg(args, "reason");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AddClosureRequest ac = RIGBOOK__ADD_CLOSURE_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Resource *res;
	const Rigbook__AddClosureReply *reply;
	Rigbook__Closure closure;
	char tz[128], err[256];
	struct out_json j;
	int64_t t;
	int rc;

	if (from == NULL)
		return cmd_usage_error(ctx, _("--from is required"));
	if (to == NULL)
		return cmd_usage_error(ctx, _("--to is required"));
	if (reason == NULL || reason[0] == '\0')
		return cmd_usage_error(ctx, _("--reason is required: members see it"));
	if (rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (rb_time_parse(to, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);
	rc = cmd_resource(ctx, code, &resp, &res);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
	rigbook__response__free_unpacked(resp, NULL);
	if (rb_time_parse(from, tz, &ac.start, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (rb_time_parse_until(to, tz, &ac.end, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	ac.code = (char *)code;
	ac.kind = cmd_arg(args, "maintenance") != NULL ? RIGBOOK__CLOSURE_KIND__MAINTENANCE
						       : RIGBOOK__CLOSURE_KIND__CLOSURE;
	ac.reason = (char *)reason;
	ac.force = cmd_arg(args, "force") != NULL;
	req.body_case = RIGBOOK__REQUEST__BODY_ADD_CLOSURE;
	req.add_closure = &ac;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_ADD_CLOSURE, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->add_closure;
	if (reply == NULL || reply->closure == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no closure"));
	}
	closure = *reply->closure;
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "closure");
		detail_json_closure(&j, &closure, tz);
		out_json_key(&j, "cancelled");
		out_json_begin_array(&j);
		for (size_t i = 0; i < reply->n_cancelled; i++)
			cmd_json_booking(&j, reply->cancelled[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		print_closure(N_("closure"), &closure, code, tz);
		detail_print_cancelled(stdout, reply->cancelled, reply->n_cancelled);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int rm(struct cmd_ctx *ctx, const struct cmd_args *args, const char *id)
{
	static const char *const add_only[] = { "from", "to", "maintenance", "reason", "force" };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__RemoveClosureRequest rq = RIGBOOK__REMOVE_CLOSURE_REQUEST__INIT;
	Rigbook__Response *resp, *rresp = NULL;
	const Rigbook__Resource *res = NULL;
	const Rigbook__Closure *c;
	char tz[128] = "";
	struct out_json j;
	const char *p;
	int rc;

	for (size_t i = 0; i < sizeof(add_only) / sizeof(add_only[0]); i++)
		if (cmd_arg(args, add_only[i]) != NULL)
			return cmd_usage_error(ctx, _("--%s goes with 'closure add'"), add_only[i]);
	for (p = id; *p >= '0' && *p <= '9' && rq.closure_id <= INT64_MAX / 10; p++)
		rq.closure_id = rq.closure_id * 10 + (uint64_t)(*p - '0');
	if (p == id || *p != '\0' || rq.closure_id == 0)
		return cmd_usage_error(ctx, _("a closure is named by its number, not '%.40s'"), id);
	req.body_case = RIGBOOK__REQUEST__BODY_REMOVE_CLOSURE;
	req.remove_closure = &rq;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_REMOVE_CLOSURE, &resp);
	if (rc != CMD_OK)
		return rc;
	c = resp->remove_closure;
	if (c == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no closure"));
	}
	/* the closure is gone; its resource's zone is for showing the times */
	if (c->resource_code != NULL && c->resource_code[0] != '\0' &&
	    cmd_resource(ctx, c->resource_code, &rresp, &res) == CMD_OK) {
		snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
		rigbook__response__free_unpacked(rresp, NULL);
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "removed");
		detail_json_closure(&j, c, tz);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		print_closure(N_("removed closure"), c, c->resource_code, tz[0] != '\0' ? tz : "UTC");
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int closure_add(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return add(ctx, args, args->pos[1]);
}

static int closure_rm(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return rm(ctx, args, args->pos[1]);
}

static const struct cmd_sub closure_subs[] = {
	{ "add", NULL, "CODE --from TIME --to TIME [--maintenance] --reason TEXT [--force]",
	  N_("close a resource from one time to another"), closure_add },
	{ "rm", "remove", "ID", N_("lift a closure"), closure_rm },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_closure_entry = {
	.name = "closure",
	.usage = "",
	.summary = N_("close a resource for a while, or lift a closure (staff)"),
	.options = closure_opts,
	.lower = 2,
	.upper = 2,
	.subs = closure_subs,
};
