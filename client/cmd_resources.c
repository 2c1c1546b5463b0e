/* resources: what is on offer, filtered. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "i18n.h"

static const struct cmd_opt resources_opts[] = {
	{ "kind", 1, NULL },
	{ "space", 1, NULL },
	{ "institution", 1, NULL },
	{ "tag", 1, NULL },
	{ "search", 1, NULL },
	{ "text", 1, "search" },
	{ "all", 0, NULL },
	{ NULL, 0, NULL },
};

static void json_resource(struct out_json *j, const Rigbook__Resource *r)
{
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", r->id);
	out_json_kv_string(j, "code", r->code);
	out_json_kv_string(j, "name", r->name);
	out_json_kv_string(j, "kind", rb_kind_name(r->kind));
	out_json_kv_string(j, "institution", r->institution_code);
	out_json_kv_string(j, "institution_name", r->institution_name);
	out_json_kv_string(j, "name_zh", r->name_zh);
	out_json_kv_string(j, "institution_name_zh", r->institution_name_zh);
	out_json_kv_string(j, "space", r->space_code);
	out_json_kv_string(j, "space_name", r->space_name);
	out_json_kv_string(j, "space_name_zh", r->space_name_zh);
	out_json_kv_string(j, "time_zone", r->time_zone);
	out_json_kv_string(j, "description", r->description);
	out_json_kv_string(j, "location", r->location);
	out_json_kv_bool(j, "retired", r->retired);
	out_json_key(j, "tags");
	out_json_begin_array(j);
	for (size_t i = 0; i < r->n_tags; i++)
		out_json_string(j, r->tags[i]);
	out_json_end_array(j);
	out_json_kv_uint(j, "units", r->units > 0 ? r->units : 1);
	out_json_key(j, "requires");
	out_json_begin_array(j);
	for (size_t i = 0; i < r->n_requires; i++)
		out_json_string(j, r->requires[i]);
	out_json_end_array(j);
	out_json_kv_uint(j, "terms_version", r->terms_version);
	out_json_end_object(j);
}

static int cmd_resources_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListResourcesRequest lr = RIGBOOK__LIST_RESOURCES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListResourcesReply *reply;
	const char *kind = cmd_arg(args, "kind");
	struct out_table *t;
	struct out_json j;
	size_t i;
	int rc;

	if (kind != NULL) {
		lr.kind = rb_kind_parse(kind);
		if (lr.kind == 0)
			return cmd_usage_error(ctx,
					       _("unknown kind '%.40s'; possibilities are: instrument, test_facility, machining, pilot_line, workspace"),
					       kind);
	}
	lr.space_code = (char *)cmd_arg(args, "space");
	lr.institution_code = (char *)cmd_arg(args, "institution");
	lr.text = (char *)cmd_arg(args, "search");
	lr.tag = (char *)cmd_arg(args, "tag");
	if (lr.tag == NULL)
		lr.tag = (char *)"";
	lr.include_retired = cmd_arg(args, "all") != NULL;
	if (lr.space_code == NULL)
		lr.space_code = (char *)"";
	if (lr.institution_code == NULL)
		lr.institution_code = (char *)"";
	if (lr.text == NULL)
		lr.text = (char *)"";
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_RESOURCES;
	req.list_resources = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_RESOURCES, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_resources;

	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "resources");
		out_json_begin_array(&j);
		for (i = 0; reply != NULL && i < reply->n_resources; i++)
			json_resource(&j, reply->resources[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (reply == NULL || reply->n_resources == 0) {
		printf(_("no resources match\n"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	static const char *const head[] = { N_("CODE"), N_("NAME"), N_("KIND"), N_("INSTITUTION"), N_("TZ") };

	t = out_table_new(5, head);
	if (t == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("out of memory"));
	}
	for (i = 0; i < reply->n_resources; i++) {
		const Rigbook__Resource *r = reply->resources[i];
		char name[1024];

		snprintf(name, sizeof(name), "%s%s", i18n_name(r->name, r->name_zh),
			 r->retired ? _(" (retired)") : "");
		const char *row[] = { r->code, name, i18n_kind(rb_kind_name(r->kind)), r->institution_code,
				      r->time_zone };

		if (out_table_add(t, row) != 0) {
			out_table_free(t);
			rigbook__response__free_unpacked(resp, NULL);
			return cmd_failed(_("out of memory"));
		}
	}
	out_table_print(t, stdout);
	out_table_free(t);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_resources_entry = {
	.name = "resources",
	.usage = "[--kind KIND] [--space SPACE] [--institution INSTITUTION] [--tag TAG] [--search TEXT] [--all]",
	.summary = N_("list the resources on offer (--all: retired ones too)"),
	.options = resources_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_resources_exec,
};
