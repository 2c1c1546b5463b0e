/* member add|list|disable: the people of a space, and who may sign in. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
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

static void get_role(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = rb_role_name(((const Rigbook__Member *)row)->role);
	v->table = i18n_role(v->s);
}

/* JSON's disabled (true or false); the table's STATUS in the reader's words */
static void get_disabled(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = ((const Rigbook__Member *)row)->disabled_at != 0;
	v->table = v->i ? _("disabled") : _("active");
}

/* A member's columns; startup show's table leaves out those of member list only. */
const struct rnd_col cmd_member_cols[] = {
	{ "id", NULL, NULL, RND_UINT, 0, RND_U64(Rigbook__Member, id) },
	{ "handle", NULL, N_("HANDLE"), RND_TEXT, 0, RND_STR(Rigbook__Member, handle) },
	{ "name", NULL, N_("NAME"), RND_TEXT, 0, RND_STR(Rigbook__Member, name) },
	{ "role", NULL, N_("ROLE"), RND_ENUM, 0, .get = get_role },
	{ "startup", NULL, N_("STARTUP"), RND_TEXT, 0, RND_STR(Rigbook__Member, startup_code), .view = CMD_MEMBER_LIST },
	{ "institution", NULL, N_("INSTITUTION"), RND_TEXT, 0, RND_STR(Rigbook__Member, institution_code),
	  .view = CMD_MEMBER_LIST },
	{ "email", NULL, N_("EMAIL"), RND_TEXT, 0, RND_STR(Rigbook__Member, email) },
	{ "space", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Member, space_code) },
	{ "disabled", NULL, N_("STATUS"), RND_BOOL, 0, .get = get_disabled },
	{ "disabled_at", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Member, disabled_at) },
	{ "created_at", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Member, created_at) },
	{ "live_tokens", NULL, N_("TOKENS"), RND_UINT, 0, RND_U32(Rigbook__Member, live_tokens), .view = CMD_MEMBER_LIST },
};

const size_t cmd_member_ncols = RND_NCOLS(cmd_member_cols);

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
	struct rnd r;
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
		rnd_init(&r, RND_JSON, stdout, cmd_member_cols, cmd_member_ncols, NULL);
		out_json_init(&j, stdout);
		rnd_json_object(&r, &j, m);
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
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListMembersRequest lr = RIGBOOK__LIST_MEMBERS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListMembersReply *reply;
	struct rnd out;
	int rc;

	lr.startup_code = (char *)opt(args, "startup");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_MEMBERS;
	req.list_members = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_MEMBERS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_members;
	if (!ctx->json && (reply == NULL || reply->n_members == 0)) {
		puts(_("no members"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, cmd_member_cols, cmd_member_ncols, NULL);
	rc = cmd_rows(&out, reply != NULL ? (const void *const *)reply->members : NULL,
		      reply != NULL ? reply->n_members : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
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

static int member_add(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say the new member's handle"));
	return add(ctx, args, args->pos[1]);
}

/* The options of member add go with nothing else. */
static int adding_only(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	for (size_t i = 0; i < NADDING; i++)
		if (cmd_arg(args, adding[i]) != NULL)
			return cmd_usage_error(ctx, _("--%s goes with 'member add'"), adding[i]);
	return CMD_OK;
}

static int member_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (adding_only(ctx, args) != CMD_OK)
		return CMD_USAGE;
	if (args->npos != 1)
		return cmd_usage_error(ctx, _("'member list' takes no handle; narrow it with --startup"));
	return list(ctx, args);
}

static int member_disable(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (adding_only(ctx, args) != CMD_OK)
		return CMD_USAGE;
	if (cmd_arg(args, "startup") != NULL)
		return cmd_usage_error(ctx, _("--startup goes with 'member add' and 'member list'"));
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say which member, by their handle"));
	return disable(ctx, args->pos[1]);
}

static const struct cmd_sub member_subs[] = {
	{ "add", NULL,
	  "HANDLE --name NAME --role member|manager|operator [--startup S] [--institution I] [--space S]"
	  " [--email E]",
	  N_("add a member, with a role"), member_add },
	{ "list", NULL, "[--startup S]", N_("the members you look after"), member_list },
	{ "disable", NULL, "HANDLE", N_("disable a member: their tokens stop working"), member_disable },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_member_entry = {
	.name = "member",
	.usage = "",
	.summary = N_("add members, list them, or disable one (operators, admins)"),
	.options = member_opts,
	.lower = 1,
	.upper = 2,
	.subs = member_subs,
};
