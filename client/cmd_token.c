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

/* An instant: the number in JSON, when() in the table ("-" for a token never used). */
static void instant(int64_t t, int dash, struct rnd_val *v)
{
	v->i = t;
	if (dash && t == 0)
		snprintf(v->buf, sizeof(v->buf), "-");
	else
		when(t, v->buf, sizeof(v->buf));
	v->table = v->buf;
}

static void get_created(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	instant(((const Rigbook__Token *)row)->created_at, 0, v);
}

static void get_expires(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	instant(((const Rigbook__Token *)row)->expires_at, 0, v);
}

static void get_used(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	instant(((const Rigbook__Token *)row)->last_used_at, 1, v);
}

/* The status's key; in the table the reader's word, or when it was revoked. */
static void get_status(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__Token *t = row;
	char when_revoked[80];

	v->s = status(t, *(const int64_t *)r->ctx);
	if (t->revoked_at != 0) {
		when(t->revoked_at, when_revoked, sizeof(when_revoked));
		snprintf(v->buf, sizeof(v->buf), _("revoked %s"), when_revoked);
	} else {
		snprintf(v->buf, sizeof(v->buf), "%s", _(v->s));
	}
	v->table = v->buf;
}

/* A token's columns; the renderer's ctx is the time now (int64_t), for its status. */
static const struct rnd_col token_cols[] = {
	{ "id", NULL, N_("ID"), RND_UINT, 0, RND_U64(Rigbook__Token, id) },
	{ "member", NULL, N_("MEMBER"), RND_TEXT, 0, RND_STR(Rigbook__Token, member_handle) },
	{ "label", NULL, N_("LABEL"), RND_TEXT, 0, RND_STR(Rigbook__Token, label) },
	{ "created_at", NULL, N_("CREATED"), RND_INT, 0, .get = get_created },
	{ "expires_at", NULL, N_("EXPIRES"), RND_INT, 0, .get = get_expires },
	{ "revoked_at", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Token, revoked_at) },
	{ "last_used_at", NULL, N_("LAST USED"), RND_INT, 0, .get = get_used },
	{ "status", NULL, N_("STATUS"), RND_ENUM, 0, .get = get_status },
	{ "issued_by", NULL, N_("ISSUED BY"), RND_TEXT, 0, RND_STR(Rigbook__Token, issued_by) },
};

static void json_token(struct out_json *j, const Rigbook__Token *t, int64_t now)
{
	struct rnd r;

	rnd_init(&r, RND_JSON, stdout, token_cols, RND_NCOLS(token_cols), &now);
	rnd_json_object(&r, j, t);
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
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListTokensRequest lr = RIGBOOK__LIST_TOKENS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListTokensReply *reply;
	int64_t now = (int64_t)time(NULL);
	struct rnd out;
	int rc;

	lr.member_handle = (char *)(handle != NULL ? handle : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_TOKENS;
	req.list_tokens = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_TOKENS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_tokens;
	if (!ctx->json && (reply == NULL || reply->n_tokens == 0)) {
		puts(_("no tokens"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, token_cols, RND_NCOLS(token_cols), &now);
	rc = cmd_rows(&out, reply != NULL ? (const void *const *)reply->tokens : NULL,
		      reply != NULL ? reply->n_tokens : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
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

/* --expires and --label go with issue only. */
static int issuing_only(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (cmd_arg(args, "expires") != NULL || cmd_arg(args, "label") != NULL)
		return cmd_usage_error(ctx, _("--expires and --label go with 'token issue'"));
	return CMD_OK;
}

static int token_issue(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 2)
		return cmd_usage_error(ctx, "%s", _("say whose token, by the member's handle"));
	return issue(ctx, args, args->pos[1]);
}

static int token_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (issuing_only(ctx, args) != CMD_OK)
		return CMD_USAGE;
	return list(ctx, args->npos == 2 ? args->pos[1] : NULL);
}

static int token_revoke(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (issuing_only(ctx, args) != CMD_OK)
		return CMD_USAGE;
	if (args->npos != 2)
		return cmd_usage_error(ctx, "%s", _("say which token, by its id"));
	return revoke(ctx, args->pos[1]);
}

static const struct cmd_sub token_subs[] = {
	{ "issue", NULL, "MEMBER [--expires 90d|DATE] [--label TEXT]",
	  N_("issue a sign-in token for a member (shown once)"), token_issue },
	{ "list", NULL, "[MEMBER]", N_("tokens, without their secrets"), token_list },
	{ "revoke", NULL, "ID", N_("revoke a token: it stops working at once"), token_revoke },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_token_entry = {
	.name = "token",
	.usage = "",
	.summary = N_("issue, list or revoke sign-in tokens"),
	.options = token_opts,
	.lower = 1,
	.upper = 2,
	.subs = token_subs,
};
