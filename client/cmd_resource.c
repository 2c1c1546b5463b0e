/* resource add|edit|retire: lab managers describe what they offer. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "detail.h"
#include "rigbook/names.h"
#include "i18n.h"

#define MAX_TAGS 32

static const struct cmd_opt resource_opts[] = {
	{ "name", 1, NULL, 0 },
	{ "name-zh", 1, NULL, 0 },
	{ "kind", 1, NULL, 0 },
	{ "institution", 1, NULL, 0 },
	{ "tz", 1, NULL, 0 },
	{ "description", 1, NULL, 0 },
	{ "location", 1, NULL, 0 },
	{ "tag", 1, NULL, 1 },
	{ "reason", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static const char *const describing[] = { "name",	 "name-zh",  "kind",     "institution", "tz",
					  "description", "location", "tag" };

#define NDESCRIBING (sizeof(describing) / sizeof(describing[0]))

/* "dyno-3: Engine dynamometer cell 3 (test_facility) at test-works, Asia/Shanghai" */
static void print_summary(const char *verb, const Rigbook__Resource *r)
{
	printf("%s ", _(verb));
	out_put_clean(stdout, r->code);
	fputs(": ", stdout);
	out_put_clean(stdout, i18n_name(r->name, r->name_zh));
	printf(_(" (%s) at "), i18n_kind(rb_kind_name(r->kind)));
	out_put_clean(stdout, r->institution_code);
	fputs(", ", stdout);
	out_put_clean(stdout, r->time_zone);
	if (r->n_tags > 0) {
		fputs(_("; tags "), stdout);
		for (size_t i = 0; i < r->n_tags; i++) {
			if (i > 0)
				fputs(", ", stdout);
			out_put_clean(stdout, r->tags[i]);
		}
	}
	fputc('\n', stdout);
}

static int finish(struct cmd_ctx *ctx, Rigbook__Response *resp, const char *verb)
{
	const Rigbook__ResourceDetail *d = cmd_reply_detail(resp);

	if (d == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_FAILED;
	}
	if (ctx->json)
		detail_json_print(d);
	else
		print_summary(verb, d->resource);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int put(struct cmd_ctx *ctx, const struct cmd_args *args, const char *code, int create)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__PutResourceRequest pr = RIGBOOK__PUT_RESOURCE_REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	const Rigbook__ResourceDetail *d;
	const char *tags[MAX_TAGS + 1], *kind = cmd_arg(args, "kind");
	size_t ntags, i;
	int rc, given = 0;

	if (cmd_arg(args, "reason") != NULL)
		return cmd_usage_error(ctx, _("--reason goes with 'resource retire'"));
	for (i = 0; i < NDESCRIBING; i++)
		given += cmd_arg(args, describing[i]) != NULL;
	if (create && cmd_arg(args, "name") == NULL)
		return cmd_usage_error(ctx, _("a new resource needs --name"));
	if (create && kind == NULL)
		return cmd_usage_error(ctx, _("a new resource needs --kind"));
	if (!create && given == 0)
		return cmd_usage_error(ctx, _("say what to change"));
	if (kind != NULL) {
		pr.kind = rb_kind_parse(kind);
		if (pr.kind == 0)
			return cmd_usage_error(ctx,
					       _("unknown kind '%.40s'; possibilities are: instrument, test_facility, machining, pilot_line, workspace"),
					       kind);
	}
	ntags = cmd_arg_all(args, "tag", tags, MAX_TAGS + 1);
	if (ntags > MAX_TAGS)
		return cmd_bad_value(ctx, _("at most %d tags"), MAX_TAGS);
	for (i = 0; i < ntags; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(tags[i], tags[k]) == 0)
				return cmd_bad_value(ctx, _("tag %.40s is given twice"), tags[i]);

	if (!create) {
		/* an edit must not create: the resource has to exist */
		rc = cmd_detail(ctx, code, &resp, &d);
		if (rc != CMD_OK)
			return rc;
		rigbook__response__free_unpacked(resp, NULL);
		resp = NULL;
	}
	pr.code = (char *)code;
	pr.name = (char *)(cmd_arg(args, "name") != NULL ? cmd_arg(args, "name") : "");
	pr.name_zh = (char *)(cmd_arg(args, "name-zh") != NULL ? cmd_arg(args, "name-zh") : "");
	pr.institution_code =
		(char *)(cmd_arg(args, "institution") != NULL ? cmd_arg(args, "institution") : "");
	pr.description =
		(char *)(cmd_arg(args, "description") != NULL ? cmd_arg(args, "description") : "");
	pr.location = (char *)(cmd_arg(args, "location") != NULL ? cmd_arg(args, "location") : "");
	pr.time_zone = (char *)(cmd_arg(args, "tz") != NULL ? cmd_arg(args, "tz") : "");
	pr.n_tags = ntags;
	pr.tags = (char **)tags;
	pr.create_only = create;
	req.body_case = RIGBOOK__REQUEST__BODY_PUT_RESOURCE;
	req.put_resource = &pr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_PUT_RESOURCE, &resp);
	if (rc != CMD_OK)
		return rc;
	return finish(ctx, resp, create ? N_("added") : N_("changed"));
}

static int retire(struct cmd_ctx *ctx, const struct cmd_args *args, const char *code)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__RetireResourceRequest rr = RIGBOOK__RETIRE_RESOURCE_REQUEST__INIT;
	Rigbook__Response *resp;
	int rc;

	for (size_t i = 0; i < NDESCRIBING; i++)
		if (cmd_arg(args, describing[i]) != NULL)
			return cmd_usage_error(ctx, _("--%s goes with 'resource add' and 'resource edit'"),
					       describing[i]);
	rr.code = (char *)code;
	rr.reason = (char *)(cmd_arg(args, "reason") != NULL ? cmd_arg(args, "reason") : "");
	req.body_case = RIGBOOK__REQUEST__BODY_RETIRE_RESOURCE;
	req.retire_resource = &rr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_RETIRE_RESOURCE, &resp);
	if (rc != CMD_OK)
		return rc;
	return finish(ctx, resp, N_("retired"));
}

static int resource_add(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return put(ctx, args, args->pos[1], 1);
}

static int resource_edit(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return put(ctx, args, args->pos[1], 0);
}

static int resource_retire(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return retire(ctx, args, args->pos[1]);
}

static const struct cmd_sub resource_subs[] = {
	{ "add", NULL,
	  "CODE --name NAME [--name-zh NAME] --kind KIND [--institution CODE] [--tz ZONE]"
	  " [--description TEXT] [--location TEXT] [--tag TAG]...",
	  N_("add a resource to your space"), resource_add },
	{ "edit", NULL,
	  "CODE [--name NAME] [--name-zh NAME|-] [--kind KIND] [--tz ZONE]"
	  " [--description TEXT] [--location TEXT] [--tag TAG]...",
	  N_("change what is said about a resource"), resource_edit },
	{ "retire", NULL, "CODE [--reason TEXT]", N_("retire a resource: no new bookings"), resource_retire },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_resource_entry = {
	.name = "resource",
	.usage = "",
	.summary = N_("add, change or retire a resource (staff)"),
	.options = resource_opts,
	.lower = 2,
	.upper = 2,
	.subs = resource_subs,
};
