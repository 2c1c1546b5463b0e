/* whoami: who the token belongs to (the Hello reply). */
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "i18n.h"

static void line(const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	cmd_label(stdout, label, 13);
	out_put_clean(stdout, value);
	putchar('\n');
}

static int cmd_whoami_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const Rigbook__HelloReply *h;
	struct out_json j;
	int rc;

	rc = cmd_connect(ctx);
	if (rc != CMD_OK)
		return rc;
	h = rbc_session(ctx->conn);
	if (h == NULL)
		return cmd_failed(_("the server did not say who you are"));
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_uint(&j, "member_id", h->member_id);
		out_json_kv_string(&j, "handle", h->member_handle);
		out_json_kv_string(&j, "name", h->member_name);
		out_json_kv_string(&j, "role", rb_role_name(h->role));
		out_json_kv_string(&j, "startup", h->startup_code);
		out_json_kv_string(&j, "institution", h->institution_code);
		out_json_kv_string(&j, "space", h->space_code);
		out_json_kv_string(&j, "server", h->server);
		out_json_kv_uint(&j, "protocol_version", h->protocol_version);
		out_json_end_object(&j);
		out_json_finish(&j);
		return CMD_OK;
	}
	out_put_clean(stdout, h->member_handle);
	if (h->member_name != NULL && h->member_name[0] != '\0') {
		fputs(" (", stdout);
		out_put_clean(stdout, h->member_name);
		putchar(')');
	}
	putchar('\n');
	line(N_("role"), i18n_role(rb_role_name(h->role)));
	line(N_("startup"), h->startup_code);
	line(N_("institution"), h->institution_code);
	line(N_("space"), h->space_code);
	cmd_label(stdout, N_("server"), 13);
	out_put_clean(stdout, h->server);
	printf(_(" at %s, protocol %" PRIu32 "\n"), rbc_peer(ctx->conn), h->protocol_version);
	return CMD_OK;
}

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.usage = "",
	.summary = N_("show who the token belongs to"),
	.options = NULL,
	.lower = 0,
	.upper = 0,
	.exec = cmd_whoami_exec,
};
