/*
 * token issue|list|revoke: bearer tokens.  The server makes the secret and
 * keeps only its SHA-256; issue prints it once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt token_opts[] = {
	{ "expires", 1, NULL, 0 },
	{ "label", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

/* The key (--json's); _() of it is the reader's word. */
static const char *status(const Rigbook__Token *t, int64_t now)
{
	if (t->revoked_at != 0)
		return N_("revoked");
	if (t->expires_at != 0 && t->expires_at <= now)
		return N_("expired");
	return N_("active");
}

static void json_token(struct out_json *j, const Rigbook__Token *t, int64_t now)
{
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", t->id);
	out_json_kv_string(j, "member", t->member_handle);
	out_json_kv_string(j, "label", t->label);
	out_json_kv_int(j, "created_at", t->created_at);
	out_json_kv_int(j, "expires_at", t->expires_at);
	out_json_kv_int(j, "revoked_at", t->revoked_at);
	out_json_kv_string(j, "issued_by", t->issued_by);
	out_json_kv_int(j, "last_used_at", t->last_used_at);
	out_json_kv_string(j, "status", status(t, now));
	out_json_end_object(j);
}

/* "2026-12-03 10:00 UTC", or "never" for 0. */
static void when(int64_t t, char *buf, size_t len)
{
	char s[64];

	if (t == 0) {
		snprintf(buf, len, _("never"));
		return;
	}
	cmd_time_text(t, "UTC", s, sizeof(s));
	snprintf(buf, len, _("%s UTC"), s);
}

/* --expires 90d (from now) or DATE (through that day, UTC) or a time. */
static int expiry(struct cmd_ctx *ctx, const char *v, int64_t now, int64_t *out)
{
	char err[160], err2[160];
	int64_t secs;

	if (rb_duration_parse(v, &secs, err, sizeof(err)) == 0) {
		if (secs <= 0)
			return cmd_bad_value(ctx, _("--expires: a token's lifetime must be longer than 0"));
		*out = now + secs;
		return CMD_OK;
	}
	if (rb_time_parse_until(v, "UTC", out, err2, sizeof(err2)) == 0) {
		if (*out <= now)
			return cmd_bad_value(ctx, _("--expires: %.40s is in the past"), v);
		return CMD_OK;
	}
	return cmd_bad_value(ctx, _("--expires: '%.40s' is neither a lifetime like 90d nor a date like 2027-06-30"),
			     v);
}

static int issue(struct cmd_ctx *ctx, const struct cmd_args *args, const char *handle)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__IssueTokenRequest ir = RIGBOOK__ISSUE_TOKEN_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__IssueTokenReply *reply;
	const char *exp = cmd_arg(args, "expires"), *label = cmd_arg(args, "label");
	int64_t now = (int64_t)time(NULL);
	struct out_json j;
	char until[80];
	int rc;

	if (exp != NULL) {
		rc = expiry(ctx, exp, now, &ir.expires_at);
		if (rc != CMD_OK)
			return rc;
	}
	ir.member_handle = (char *)handle;
	ir.label = (char *)(label != NULL ? label : "");
	req.body_case = RIGBOOK__REQUEST__BODY_ISSUE_TOKEN;
	req.issue_token = &ir;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_ISSUE_TOKEN, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->issue_token;
	if (reply == NULL || reply->token == NULL || reply->secret == NULL ||
	    reply->secret[0] == '\0') {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no token"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "token");
		json_token(&j, reply->token, now);
		out_json_kv_string(&j, "secret", reply->secret);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		when(reply->token->expires_at, until, sizeof(until));
		printf(_("issued token %" PRIu64 " for "), reply->token->id);
		out_put_clean(stdout, reply->token->member_handle);
		if (reply->token->label[0] != '\0') {
			fputs(" (", stdout);
			out_put_clean(stdout, reply->token->label);
			putchar(')');
		}
		printf(_(", expires %s:\n"), until);
		out_put_clean(stdout, reply->secret);
		putchar('\n');
		puts(_("This secret will not be shown again: store it now (token = ... in the configuration file, or RIGBOOK_TOKEN)."));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int list(struct cmd_ctx *ctx, const char *handle)
{
	static const char *const head[] = { N_("ID"),     N_("MEMBER"),    N_("LABEL"),    N_("CREATED"),
					    N_("EXPIRES"), N_("LAST USED"), N_("STATUS"), N_("ISSUED BY") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListTokensRequest lr = RIGBOOK__LIST_TOKENS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListTokensReply *reply;
	int64_t now = (int64_t)time(NULL);
	struct out_table *t;
	struct out_json j;
	int rc;

	lr.member_handle = (char *)(handle != NULL ? handle : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_TOKENS;
	req.list_tokens = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_TOKENS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_tokens;
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; reply != NULL && i < reply->n_tokens; i++)
			json_token(&j, reply->tokens[i], now);
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (reply == NULL || reply->n_tokens == 0) {
		puts(_("no tokens"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(8, head);
	for (size_t i = 0; t != NULL && i < reply->n_tokens; i++) {
		const Rigbook__Token *k = reply->tokens[i];
		char id[24], made[80], until[80], used[80], st[100];

		snprintf(id, sizeof(id), "%" PRIu64, k->id);
		when(k->created_at, made, sizeof(made));
		when(k->expires_at, until, sizeof(until));
		if (k->last_used_at != 0)
			when(k->last_used_at, used, sizeof(used));
		else
			snprintf(used, sizeof(used), "-");
		if (k->revoked_at != 0) {
			char r[80];

			when(k->revoked_at, r, sizeof(r));
			snprintf(st, sizeof(st), _("revoked %s"), r);
		} else {
			snprintf(st, sizeof(st), "%s", _(status(k, now)));
		}
		const char *row[] = { id, k->member_handle, k->label, made, until, used, st,
				      k->issued_by };

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

static int revoke(struct cmd_ctx *ctx, const char *arg)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__RevokeTokenRequest rr = RIGBOOK__REVOKE_TOKEN_REQUEST__INIT;
	Rigbook__Response *resp;
	struct out_json j;
	int rc;

	if (cmd_booking_id(arg, &rr.token_id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a token id (a number, as 'token list' shows)"),
				       arg);
	req.body_case = RIGBOOK__REQUEST__BODY_REVOKE_TOKEN;
	req.revoke_token = &rr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_REVOKE_TOKEN, &resp);
	if (rc != CMD_OK)
		return rc;
	if (resp->revoke_token == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no token"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_token(&j, resp->revoke_token, (int64_t)time(NULL));
		out_json_finish(&j);
	} else {
		printf(_("revoked token %" PRIu64 " of "), resp->revoke_token->id);
		out_put_clean(stdout, resp->revoke_token->member_handle);
		puts(_("; it no longer signs in"));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int cmd_token_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *action = args->pos[0];
	int issuing = strcmp(action, "issue") == 0;

	if (!issuing && strcmp(action, "list") != 0 && strcmp(action, "revoke") != 0)
		return cmd_usage_error(ctx, _("unknown action '%.40s'; possibilities are: issue, list, revoke"),
				       action);
	if (!issuing && (cmd_arg(args, "expires") != NULL || cmd_arg(args, "label") != NULL))
		return cmd_usage_error(ctx, _("--expires and --label go with 'token issue'"));
	if (strcmp(action, "list") == 0)
		return list(ctx, args->npos == 2 ? args->pos[1] : NULL);
	if (args->npos != 2)
		return cmd_usage_error(ctx, "%s", issuing ? _("say whose token, by the member's handle")
							  : _("say which token, by its id"));
	return issuing ? issue(ctx, args, args->pos[1]) : revoke(ctx, args->pos[1]);
}

const struct cmd_entry cmd_token_entry = {
	.name = "token",
	.usage = "issue MEMBER [--expires 90d|DATE] [--label TEXT]\n"
		 "       rigbook token list [MEMBER]\n"
		 "       rigbook token revoke ID",
	.summary = N_("issue, list or revoke sign-in tokens"),
	.options = token_opts,
	.lower = 1,
	.upper = 2,
	.exec = cmd_token_exec,
};
