/* member add|list|disable: the people of a space, and who may sign in. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "i18n.h"

static const struct cmd_opt member_opts[] = {
	{ "name", 1, NULL, 0 },
	{ "startup", 1, NULL, 0 },
	{ "role", 1, NULL, 0 },
	{ "institution", 1, NULL, 0 },
	{ "space", 1, NULL, 0 },
	{ "email", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static const char *const adding[] = { "name", "role", "institution", "space", "email" };

#define NADDING (sizeof(adding) / sizeof(adding[0]))

static const char *opt(const struct cmd_args *args, const char *key)
{
	const char *v = cmd_arg(args, key);

	return v != NULL ? v : "";
}

static void json_member(struct out_json *j, const Rigbook__Member *m)
{
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", m->id);
	out_json_kv_string(j, "handle", m->handle);
	out_json_kv_string(j, "name", m->name);
	out_json_kv_string(j, "email", m->email);
	out_json_kv_string(j, "role", rb_role_name(m->role));
	out_json_kv_string(j, "startup", m->startup_code);
	out_json_kv_string(j, "institution", m->institution_code);
	out_json_kv_string(j, "space", m->space_code);
	out_json_kv_bool(j, "disabled", m->disabled_at != 0);
	out_json_kv_int(j, "disabled_at", m->disabled_at);
	out_json_kv_int(j, "created_at", m->created_at);
	out_json_kv_uint(j, "live_tokens", m->live_tokens);
	out_json_end_object(j);
}

/* "added member ppl-x (Name), member of ppl-a in test-space" */
static void print_member(const char *verb, const Rigbook__Member *m)
{
	printf("%s ", verb);
	out_put_clean(stdout, m->handle);
	fputs(" (", stdout);
	out_put_clean(stdout, m->name);
	printf("), %s", i18n_role(rb_role_name(m->role)));
	if (m->startup_code[0] != '\0') {
		fputs(_(" of "), stdout);
		out_put_clean(stdout, m->startup_code);
	}
	if (m->institution_code[0] != '\0') {
		fputs(_(" at "), stdout);
		out_put_clean(stdout, m->institution_code);
	}
	if (m->space_code[0] != '\0') {
		fputs(_(" in "), stdout);
		out_put_clean(stdout, m->space_code);
	}
	putchar('\n');
}

static int one_member(struct cmd_ctx *ctx, Rigbook__Request *req,
		      Rigbook__Response__BodyCase body, const char *verb)
{
	Rigbook__Response *resp;
	const Rigbook__Member *m;
	struct out_json j;
	int rc;

	rc = cmd_call(ctx, req, body, &resp);
	if (rc != CMD_OK)
		return rc;
	m = body == RIGBOOK__RESPONSE__BODY_ADD_MEMBER ? resp->add_member : resp->disable_member;
	if (m == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no member"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_member(&j, m);
		out_json_finish(&j);
	} else {
		print_member(verb, m);
		if (body == RIGBOOK__RESPONSE__BODY_DISABLE_MEMBER)
			puts(_("their tokens no longer sign in"));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int add(struct cmd_ctx *ctx, const struct cmd_args *args, const char *handle)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AddMemberRequest ar = RIGBOOK__ADD_MEMBER_REQUEST__INIT;
	const char *role = cmd_arg(args, "role");

	if (cmd_arg(args, "name") == NULL)
		return cmd_usage_error(ctx, _("a new member needs --name"));
	if (role == NULL)
		return cmd_usage_error(ctx, _("a new member needs --role (member, manager or operator)"));
	ar.role = rb_role_parse(role);
	if (ar.role != RIGBOOK__ROLE__ROLE_MEMBER && ar.role != RIGBOOK__ROLE__ROLE_MANAGER &&
	    ar.role != RIGBOOK__ROLE__ROLE_OPERATOR)
		return cmd_usage_error(ctx, _("unknown role '%.40s'; possibilities are: member, manager, operator"),
				       role);
	if (ar.role == RIGBOOK__ROLE__ROLE_MEMBER && cmd_arg(args, "startup") == NULL)
		return cmd_usage_error(ctx, _("a member needs --startup: members book for one"));
	if (ar.role == RIGBOOK__ROLE__ROLE_MANAGER && cmd_arg(args, "institution") == NULL)
		return cmd_usage_error(ctx, _("a manager needs --institution: managers look after its resources"));
	ar.handle = (char *)handle;
	ar.name = (char *)opt(args, "name");
	ar.email = (char *)opt(args, "email");
	ar.startup_code = (char *)opt(args, "startup");
	ar.institution_code = (char *)opt(args, "institution");
	ar.space_code = (char *)opt(args, "space");
	req.body_case = RIGBOOK__REQUEST__BODY_ADD_MEMBER;
	req.add_member = &ar;
	return one_member(ctx, &req, RIGBOOK__RESPONSE__BODY_ADD_MEMBER, N_("added member"));
}

static int list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const head[] = { N_("HANDLE"), N_("NAME"), N_("ROLE"), N_("STARTUP"), N_("INSTITUTION"),
					    N_("EMAIL"), N_("STATUS"), N_("TOKENS") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListMembersRequest lr = RIGBOOK__LIST_MEMBERS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListMembersReply *reply;
	struct out_table *t;
	struct out_json j;
	int rc;

	lr.startup_code = (char *)opt(args, "startup");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_MEMBERS;
	req.list_members = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_MEMBERS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_members;
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; reply != NULL && i < reply->n_members; i++)
			json_member(&j, reply->members[i]);
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (reply == NULL || reply->n_members == 0) {
		puts(_("no members"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(8, head);
	for (size_t i = 0; t != NULL && i < reply->n_members; i++) {
		const Rigbook__Member *m = reply->members[i];
		char n[16];

		snprintf(n, sizeof(n), "%" PRIu32, m->live_tokens);
		const char *row[] = { m->handle,	   m->name,  i18n_role(rb_role_name(m->role)),
				      m->startup_code, m->institution_code, m->email,
				      m->disabled_at != 0 ? _("disabled") : _("active"), n };

		if (out_table_add(t, row) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	if (t == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("out of memory"));
	}
	out_table_print(t, stdout);
	out_table_free(t);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int disable(struct cmd_ctx *ctx, const char *handle)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__DisableMemberRequest dr = RIGBOOK__DISABLE_MEMBER_REQUEST__INIT;

	dr.handle = (char *)handle;
	req.body_case = RIGBOOK__REQUEST__BODY_DISABLE_MEMBER;
	req.disable_member = &dr;
	return one_member(ctx, &req, RIGBOOK__RESPONSE__BODY_DISABLE_MEMBER, N_("disabled"));
}

static int cmd_member_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *action = args->pos[0];

	if (strcmp(action, "add") == 0) {
		if (args->npos != 2)
			return cmd_usage_error(ctx, _("say the new member's handle"));
		return add(ctx, args, args->pos[1]);
	}
	if (strcmp(action, "list") != 0 && strcmp(action, "disable") != 0)
		return cmd_usage_error(ctx, _("unknown action '%.40s'; possibilities are: add, disable, list"),
				       action);
	for (size_t i = 0; i < NADDING; i++)
		if (cmd_arg(args, adding[i]) != NULL)
			return cmd_usage_error(ctx, _("--%s goes with 'member add'"), adding[i]);
	if (strcmp(action, "list") == 0) {
		if (args->npos != 1)
			return cmd_usage_error(ctx, _("'member list' takes no handle; narrow it with --startup"));
		return list(ctx, args);
	}
	if (cmd_arg(args, "startup") != NULL)
		return cmd_usage_error(ctx, _("--startup goes with 'member add' and 'member list'"));
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say which member, by their handle"));
	return disable(ctx, args->pos[1]);
}

const struct cmd_entry cmd_member_entry = {
	.name = "member",
	.usage = "add HANDLE --name NAME --role member|manager|operator [--startup S]"
		 " [--institution I] [--space S] [--email E]\n"
		 "       rigbook member list [--startup S]\n"
		 "       rigbook member disable HANDLE",
	.summary = N_("add members, list them, or disable one (operators, admins)"),
	.options = member_opts,
	.lower = 1,
	.upper = 2,
	.exec = cmd_member_exec,
};
