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

/* NAME: in the reader's language, said when retired */
static void get_name(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__Resource *res = row;

	(void)r;
	v->s = res->name;
	snprintf(v->buf, sizeof(v->buf), "%s%s", i18n_name(res->name, res->name_zh),
		 res->retired ? _(" (retired)") : "");
	v->table = v->buf;
}

static void get_kind(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = rb_kind_name(((const Rigbook__Resource *)row)->kind);
	v->table = i18n_kind(v->s);
}

static void get_units(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__Resource *res = row;

	(void)r;
	v->u = res->units > 0 ? res->units : 1;
}

static void json_list(struct out_json *j, const char *key, char *const *s, size_t n)
{
	out_json_key(j, key);
	out_json_begin_array(j);
	for (size_t i = 0; i < n; i++)
		out_json_string(j, s[i]);
	out_json_end_array(j);
}

static void json_tags(struct out_json *j, const void *row, const struct rnd *r)
{
	(void)r;
	json_list(j, "tags", ((const Rigbook__Resource *)row)->tags, ((const Rigbook__Resource *)row)->n_tags);
}

static void json_requires(struct out_json *j, const void *row, const struct rnd *r)
{
	(void)r;
	json_list(j, "requires", ((const Rigbook__Resource *)row)->requires,
		  ((const Rigbook__Resource *)row)->n_requires);
}

static const struct rnd_col resource_cols[] = {
	{ "id", NULL, NULL, RND_UINT, 0, RND_U64(Rigbook__Resource, id) },
	{ "code", NULL, N_("CODE"), RND_TEXT, 0, RND_STR(Rigbook__Resource, code) },
	{ "name", NULL, N_("NAME"), RND_TEXT, 0, .get = get_name },
	{ "kind", NULL, N_("KIND"), RND_ENUM, 0, .get = get_kind },
	{ "institution", NULL, N_("INSTITUTION"), RND_TEXT, 0, RND_STR(Rigbook__Resource, institution_code) },
	{ "institution_name", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, institution_name) },
	{ "name_zh", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, name_zh) },
	{ "institution_name_zh", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, institution_name_zh) },
	{ "space", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, space_code) },
	{ "space_name", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, space_name) },
	{ "space_name_zh", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, space_name_zh) },
	{ "time_zone", NULL, N_("TZ"), RND_TEXT, 0, RND_STR(Rigbook__Resource, time_zone) },
	{ "description", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, description) },
	{ "location", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Resource, location) },
	{ "retired", NULL, NULL, RND_BOOL, 0, RND_BOOLF(Rigbook__Resource, retired) },
	{ NULL, NULL, NULL, RND_CUSTOM, 0, .json = json_tags },
	{ "units", NULL, NULL, RND_UINT, 0, .get = get_units },
	{ NULL, NULL, NULL, RND_CUSTOM, 0, .json = json_requires },
	{ "terms_version", NULL, NULL, RND_UINT, 0, RND_U32(Rigbook__Resource, terms_version) },
};

static int cmd_resources_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListResourcesRequest lr = RIGBOOK__LIST_RESOURCES_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListResourcesReply *reply;
	const char *kind = cmd_arg(args, "kind");
	struct rnd out;
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
		struct rnd r;

		rnd_init(&r, RND_JSON, stdout, resource_cols, RND_NCOLS(resource_cols), NULL);
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "resources");
		out_json_begin_array(&j);
		for (i = 0; reply != NULL && i < reply->n_resources; i++)
			rnd_json_object(&r, &j, reply->resources[i]);
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
	rnd_init(&out, RND_TABLE, stdout, resource_cols, RND_NCOLS(resource_cols), NULL);
	rc = cmd_rows(&out, (const void *const *)reply->resources, reply->n_resources);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
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
