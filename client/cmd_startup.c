/*
 * startup add|edit|list|show: the startups of a space and the details their
 * invoices print (legal name, unified social credit code, address).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/names.h"
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

static void json_startup(struct out_json *j, const Rigbook__Startup *s)
{
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", s->id);
	out_json_kv_string(j, "code", s->code);
	out_json_kv_string(j, "name", s->name);
	out_json_kv_string(j, "space", s->space_code);
	out_json_kv_string(j, "legal_name", s->legal_name);
	out_json_kv_string(j, "credit_code", s->credit_code);
	out_json_kv_string(j, "address", s->address);
	out_json_kv_int(j, "created_at", s->created_at);
	out_json_kv_uint(j, "active_members", s->active_members);
	out_json_end_object(j);
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
	static const char *const head[] = { N_("CODE"), N_("NAME"), N_("SPACE"), N_("MEMBERS"), N_("CREDIT CODE"),
					    N_("LEGAL NAME") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListStartupsRequest lr = RIGBOOK__LIST_STARTUPS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListStartupsReply *reply;
	struct out_table *t;
	struct out_json j;
	int rc;

	req.body_case = RIGBOOK__REQUEST__BODY_LIST_STARTUPS;
	req.list_startups = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_STARTUPS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_startups;
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; reply != NULL && i < reply->n_startups; i++)
			json_startup(&j, reply->startups[i]);
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (reply == NULL || reply->n_startups == 0) {
		puts(_("no startups"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(6, head);
	for (size_t i = 0; t != NULL && i < reply->n_startups; i++) {
		const Rigbook__Startup *s = reply->startups[i];
		char n[16];

		snprintf(n, sizeof(n), "%" PRIu32, s->active_members);
		const char *row[] = { s->code, s->name, s->space_code, n, s->credit_code,
				      s->legal_name };

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

static int show(struct cmd_ctx *ctx, const char *code)
{
	static const char *const head[] = { N_("HANDLE"), N_("NAME"), N_("ROLE"), N_("EMAIL"), N_("STATUS") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetStartupRequest gr = RIGBOOK__GET_STARTUP_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__StartupDetail *d;
	const Rigbook__Startup *s;
	struct out_table *t;
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
	t = out_table_new(5, head);
	for (size_t i = 0; t != NULL && i < d->n_members; i++) {
		const Rigbook__Member *m = d->members[i];
		const char *row[] = { m->handle, m->name, i18n_role(rb_role_name(m->role)), m->email,
				      m->disabled_at != 0 ? _("disabled") : _("active") };

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

static int cmd_startup_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *action = args->pos[0];

	if (strcmp(action, "list") == 0) {
		if (args->npos != 1)
			return cmd_usage_error(ctx, _("'startup list' takes no code"));
		for (size_t i = 0; i < NDESCRIBING; i++)
			if (cmd_arg(args, describing[i]) != NULL)
				return cmd_usage_error(ctx, _("--%s goes with 'startup add' and 'startup edit'"),
						       describing[i]);
		return list(ctx);
	}
	if (strcmp(action, "add") != 0 && strcmp(action, "edit") != 0 &&
	    strcmp(action, "show") != 0)
		return cmd_usage_error(ctx,
				       _("unknown action '%.40s'; possibilities are: add, edit, list, show"),
				       action);
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say which startup, by its code"));
	if (strcmp(action, "show") == 0) {
		for (size_t i = 0; i < NDESCRIBING; i++)
			if (cmd_arg(args, describing[i]) != NULL)
				return cmd_usage_error(ctx, _("--%s goes with 'startup add' and 'startup edit'"),
						       describing[i]);
		return show(ctx, args->pos[1]);
	}
	if (strcmp(action, "edit") == 0 && cmd_arg(args, "space") != NULL)
		return cmd_usage_error(ctx, _("a startup stays in its space; --space goes with 'startup add'"));
	return put(ctx, args, args->pos[1], strcmp(action, "add") == 0);
}

const struct cmd_entry cmd_startup_entry = {
	.name = "startup",
	.usage = "add CODE --name NAME [--space S] [--legal-name TEXT] [--credit-code USCC]"
		 " [--address TEXT]\n"
		 "       rigbook startup edit CODE [--name NAME] [--legal-name TEXT]"
		 " [--credit-code USCC] [--address TEXT]\n"
		 "       rigbook startup list\n"
		 "       rigbook startup show CODE",
	.summary = N_("add, change, list or show startups and their invoice details"),
	.options = startup_opts,
	.lower = 1,
	.upper = 2,
	.exec = cmd_startup_exec,
};
