/*
 * startup add|edit|list|show: the startups of a space and the details their
 * invoices print (legal name, unified social credit code, address).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"

static const struct cmd_opt startup_opts[] = {
	{ "name", 1, NULL, 0 },
	{ "space", 1, NULL, 0 },
	{ "legal-name", 1, NULL, 0 },
	{ "credit-code", 1, NULL, 0 },
	{ "address", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static const char *const describing[] = { "name", "space", "legal-name", "credit-code",
					  "address" };

#define NDESCRIBING (sizeof(describing) / sizeof(describing[0]))

static const char *opt(const struct cmd_args *args, const char *key)
{
	const char *v = cmd_arg(args, key);

	return v != NULL ? v : "";
}

static const struct rnd_col startup_cols[] = {
	{ "id", NULL, NULL, RND_UINT, 0, RND_U64(Rigbook__Startup, id) },
	{ "code", NULL, N_("CODE"), RND_TEXT, 0, RND_STR(Rigbook__Startup, code) },
	{ "name", NULL, N_("NAME"), RND_TEXT, 0, RND_STR(Rigbook__Startup, name) },
	{ "space", NULL, N_("SPACE"), RND_TEXT, 0, RND_STR(Rigbook__Startup, space_code) },
	{ "active_members", NULL, N_("MEMBERS"), RND_UINT, 0, RND_U32(Rigbook__Startup, active_members) },
	{ "credit_code", NULL, N_("CREDIT CODE"), RND_TEXT, 0, RND_STR(Rigbook__Startup, credit_code) },
	{ "legal_name", NULL, N_("LEGAL NAME"), RND_TEXT, 0, RND_STR(Rigbook__Startup, legal_name) },
	{ "address", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Startup, address) },
	{ "created_at", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Startup, created_at) },
};

static void json_startup(struct out_json *j, const Rigbook__Startup *s)
{
	struct rnd r;

	rnd_init(&r, RND_JSON, stdout, startup_cols, RND_NCOLS(startup_cols), NULL);
	rnd_json_object(&r, j, s);
}

static void json_member(struct out_json *j, const Rigbook__Member *m)
{
	struct rnd r;

	rnd_init(&r, RND_JSON, stdout, cmd_member_cols, cmd_member_ncols, NULL);
	rnd_json_object(&r, j, m);
}

static void line(const char *label, const char *value)
{
	cmd_label(stdout, label, 15);
	out_put_clean(stdout, value != NULL && value[0] != '\0' ? value : "-");
	putchar('\n');
}

static int put(struct cmd_ctx *ctx, const struct cmd_args *args, const char *code, int create)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__PutStartupRequest pr = RIGBOOK__PUT_STARTUP_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Startup *s;
	struct out_json j;
	size_t given = 0;
	int rc;

	for (size_t i = 0; i < NDESCRIBING; i++)
		given += cmd_arg(args, describing[i]) != NULL;
	if (create && cmd_arg(args, "name") == NULL)
		return cmd_usage_error(ctx, _("a new startup needs --name"));
	if (!create && given == 0)
		return cmd_usage_error(ctx, _("say what to change"));
	pr.code = (char *)code;
	pr.name = (char *)opt(args, "name");
	pr.space_code = (char *)opt(args, "space");
	pr.legal_name = (char *)opt(args, "legal-name");
	pr.credit_code = (char *)opt(args, "credit-code");
	pr.address = (char *)opt(args, "address");
	pr.create_only = create;
	req.body_case = RIGBOOK__REQUEST__BODY_PUT_STARTUP;
	req.put_startup = &pr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_PUT_STARTUP, &resp);
	if (rc != CMD_OK)
		return rc;
	s = resp->put_startup;
	if (s == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no startup"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_startup(&j, s);
		out_json_finish(&j);
	} else {
		printf(_("%s startup "), create ? _("added") : _("changed"));
		out_put_clean(stdout, s->code);
		fputs(": ", stdout);
		out_put_clean(stdout, s->name);
		fputs(_(" in "), stdout);
		out_put_clean(stdout, s->space_code);
		if (s->credit_code[0] != '\0') {
			fputs(_(", credit code "), stdout);
			out_put_clean(stdout, s->credit_code);
		}
		putchar('\n');
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int list(struct cmd_ctx *ctx)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListStartupsRequest lr = RIGBOOK__LIST_STARTUPS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListStartupsReply *reply;
	struct rnd out;
	int rc;

	req.body_case = RIGBOOK__REQUEST__BODY_LIST_STARTUPS;
	req.list_startups = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_STARTUPS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_startups;
	if (!ctx->json && (reply == NULL || reply->n_startups == 0)) {
		puts(_("no startups"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, startup_cols, RND_NCOLS(startup_cols), NULL);
	rc = cmd_rows(&out, reply != NULL ? (const void *const *)reply->startups : NULL,
		      reply != NULL ? reply->n_startups : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int show(struct cmd_ctx *ctx, const char *code)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetStartupRequest gr = RIGBOOK__GET_STARTUP_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__StartupDetail *d;
	const Rigbook__Startup *s;
	struct rnd out;
	struct out_json j;
	char created[64];
	int rc;

	gr.code = (char *)code;
	req.body_case = RIGBOOK__REQUEST__BODY_GET_STARTUP;
	req.get_startup = &gr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_GET_STARTUP, &resp);
	if (rc != CMD_OK)
		return rc;
	d = resp->get_startup;
	s = d != NULL ? d->startup : NULL;
	if (s == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no startup"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "startup");
		json_startup(&j, s);
		out_json_key(&j, "members");
		out_json_begin_array(&j);
		for (size_t i = 0; i < d->n_members; i++)
			json_member(&j, d->members[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	cmd_time_text(s->created_at, "UTC", created, sizeof(created));
	strncat(created, " UTC", sizeof(created) - strlen(created) - 1);
	out_put_clean(stdout, s->code);
	fputs(C_("paren", " ("), stdout);
	out_put_clean(stdout, s->name);
	puts(C_("paren", ")"));
	line(N_("space"), s->space_code);
	line(N_("created"), created);
	puts(_("invoice details:"));
	line(N_("  legal name"), s->legal_name);
	line(N_("  credit code"), s->credit_code);
	line(N_("  address"), s->address);
	if (d->n_members == 0) {
		puts(_("no members"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	puts(_("members:"));
	rnd_init(&out, RND_TABLE, stdout, cmd_member_cols, cmd_member_ncols, NULL);
	out.view = ~CMD_MEMBER_LIST;
	rc = cmd_rows(&out, (const void *const *)d->members, d->n_members);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

/* The options that describe a startup go with add and edit only. */
static int describing_only(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	for (size_t i = 0; i < NDESCRIBING; i++)
		if (cmd_arg(args, describing[i]) != NULL)
			return cmd_usage_error(ctx, _("--%s goes with 'startup add' and 'startup edit'"),
					       describing[i]);
	return CMD_OK;
}

static int startup_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 1)
		return cmd_usage_error(ctx, _("'startup list' takes no code"));
	if (describing_only(ctx, args) != CMD_OK)
		return CMD_USAGE;
	return list(ctx);
}

static int startup_show(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say which startup, by its code"));
	if (describing_only(ctx, args) != CMD_OK)
		return CMD_USAGE;
	return show(ctx, args->pos[1]);
}

static int startup_add(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say which startup, by its code"));
	return put(ctx, args, args->pos[1], 1);
}

static int startup_edit(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say which startup, by its code"));
	if (cmd_arg(args, "space") != NULL)
		return cmd_usage_error(ctx, _("a startup stays in its space; --space goes with 'startup add'"));
	return put(ctx, args, args->pos[1], 0);
}

static const struct cmd_sub startup_subs[] = {
	{ "add", NULL, "CODE --name NAME [--space S] [--legal-name TEXT] [--credit-code USCC] [--address TEXT]",
	  N_("add a startup to a space"), startup_add },
	{ "edit", NULL, "CODE [--name NAME] [--legal-name TEXT] [--credit-code USCC] [--address TEXT]",
	  N_("change a startup's name or invoice details"), startup_edit },
	{ "list", NULL, "", N_("the startups you look after"), startup_list },
	{ "show", NULL, "CODE", N_("one startup and its invoice details"), startup_show },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_startup_entry = {
	.name = "startup",
	.usage = "",
	.summary = N_("add, change, list or show startups and their invoice details"),
	.options = startup_opts,
	.lower = 1,
	.upper = 2,
	.subs = startup_subs,
};
