/*
 * qualify, unqualify, qualifications: who may use a resource that needs a
 * qualification.  Staff grant and revoke; members see their own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt qualify_opts[] = {
	{ "until", 1, NULL },
	{ NULL, 0, NULL },
};

static const struct cmd_opt unqualify_opts[] = {
	{ NULL, 0, NULL },
};

static const struct cmd_opt qualifications_opts[] = {
	{ "member", 1, NULL },
	{ "all", 0, NULL },
	{ NULL, 0, NULL },
};

/*
 * "the end of 2027-06-30 (Asia/Shanghai)" for an expiry at local midnight
 * (what --until DATE grants), else "2027-07-01 09:30 (Asia/Shanghai)"; or
 * "no end".
 */
static void until_text(const Rigbook__Qualification *q, int with_zone, char *buf, size_t len)
{
	char t[RB_TIME_TEXT + 16];
	struct rb_date d;
	int minute;

	if (q->expires_at == 0) {
		snprintf(buf, len, _("no end"));
		return;
	}
	if (rb_time_local(q->expires_at, q->time_zone, &d, &minute) == 0 && minute == 0 &&
	    rb_time_local(q->expires_at - 1, q->time_zone, &d, &minute) == 0)
		snprintf(t, sizeof(t), _("the end of %04d-%02d-%02d"), d.year, d.month, d.day);
	else
		cmd_time_text(q->expires_at, q->time_zone, t, sizeof(t));
	if (with_zone)
		snprintf(buf, len, "%s (%.64s)", t, q->time_zone != NULL ? q->time_zone : "UTC");
	else
		snprintf(buf, len, "%s", t);
}

static void status_text(const Rigbook__Qualification *q, char *buf, size_t len)
{
	char t[RB_TIME_TEXT + 4];

	if (q->revoked_at != 0) {
		cmd_time_text(q->revoked_at, q->time_zone, t, sizeof(t));
		snprintf(buf, len, _("revoked by %.64s %s"), q->revoked_by, t);
	} else if (!q->valid) {
		snprintf(buf, len, _("expired"));
	} else {
		snprintf(buf, len, _("valid"));
	}
}

/* UNTIL in the table; JSON's expires_local (null when none) */
static void get_until(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__Qualification *q = row;

	(void)r;
	v->i = q->expires_at;
	v->s = q->time_zone;
	until_text(q, 0, v->buf, sizeof(v->buf));
	v->table = v->buf;
}

static void get_granted(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__Qualification *q = row;

	(void)r;
	v->i = q->granted_at;
	cmd_time_text(q->granted_at, q->time_zone, v->buf, sizeof(v->buf));
	v->table = v->buf;
}

/* JSON's valid; the table's STATUS in words */
static void get_valid(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__Qualification *q = row;

	(void)r;
	v->i = q->valid;
	status_text(q, v->buf, sizeof(v->buf));
	v->table = v->buf;
}

static const struct rnd_col qualification_cols[] = {
	{ "id", NULL, NULL, RND_UINT, 0, RND_U64(Rigbook__Qualification, id) },
	{ "member", NULL, N_("MEMBER"), RND_TEXT, 0, RND_STR(Rigbook__Qualification, member_handle) },
	{ "resource", NULL, N_("RESOURCE"), RND_TEXT, 0, RND_STR(Rigbook__Qualification, resource_code) },
	{ "time_zone", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Qualification, time_zone) },
	{ "expires_at", NULL, NULL, RND_INT, RND_NULL0, RND_I64(Rigbook__Qualification, expires_at) },
	{ "expires_local", NULL, N_("UNTIL"), RND_INSTANT, RND_NULL0, .get = get_until },
	{ "granted_by", NULL, N_("GRANTED BY"), RND_TEXT, 0, RND_STR(Rigbook__Qualification, granted_by) },
	{ "granted_at", NULL, N_("GRANTED"), RND_INT, 0, .get = get_granted },
	{ "revoked_at", NULL, NULL, RND_INT, RND_NULL0, RND_I64(Rigbook__Qualification, revoked_at) },
	{ "revoked_by", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__Qualification, revoked_by) },
	{ "valid", NULL, N_("STATUS"), RND_BOOL, 0, .get = get_valid },
};

static void json_qualification(struct out_json *j, const Rigbook__Qualification *q)
{
	struct rnd r;

	rnd_init(&r, RND_JSON, stdout, qualification_cols, RND_NCOLS(qualification_cols), NULL);
	rnd_json_object(&r, j, q);
}

static int print_one(struct cmd_ctx *ctx, const Rigbook__QualificationReply *reply, int granted)
{
	const Rigbook__Qualification *q = reply != NULL ? reply->qualification : NULL;
	struct out_json j;
	char until[RB_TIME_TEXT + 80];

	if (q == NULL)
		return cmd_failed(_("the server's answer holds no qualification"));
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_qualification(&j, q);
		out_json_finish(&j);
		return CMD_OK;
	}
	out_put_clean(stdout, q->member_handle);
	if (granted) {
		until_text(q, 1, until, sizeof(until));
		fputs(_(" is qualified on "), stdout);
		out_put_clean(stdout, q->resource_code);
		fputs(q->expires_at != 0 ? _(" until ") : _(" with "), stdout);
		out_put_clean(stdout, until);
	} else {
		fputs(_(" is no longer qualified on "), stdout);
		out_put_clean(stdout, q->resource_code);
	}
	fputc('\n', stdout);
	return CMD_OK;
}

static int cmd_qualify_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *until = cmd_arg(args, "until");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__QualifyRequest qr = RIGBOOK__QUALIFY_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Resource *res;
	char tz[128], err[256];
	int64_t t;
	int rc;

	if (until != NULL) {
		/* refuse what cannot be a time before asking for the resource's zone */
		if (rb_time_parse_until(until, "UTC", &t, err, sizeof(err)) != 0)
			return cmd_bad_value(ctx, _("--until: %s"), err);
		rc = cmd_resource(ctx, args->pos[1], &resp, &res);
		if (rc != CMD_OK)
			return rc;
		snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
		rigbook__response__free_unpacked(resp, NULL);
		if (rb_time_parse_until(until, tz, &qr.expires_at, err, sizeof(err)) != 0)
			return cmd_bad_value(ctx, _("--until: %s"), err);
	}
	qr.member_handle = (char *)args->pos[0];
	qr.resource_code = (char *)args->pos[1];
	req.body_case = RIGBOOK__REQUEST__BODY_QUALIFY;
	req.qualify = &qr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_QUALIFY, &resp);
	if (rc != CMD_OK)
		return rc;
	rc = print_one(ctx, resp->qualify, 1);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int cmd_unqualify_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__UnqualifyRequest ur = RIGBOOK__UNQUALIFY_REQUEST__INIT;
	Rigbook__Response *resp;
	int rc;

	ur.member_handle = (char *)args->pos[0];
	ur.resource_code = (char *)args->pos[1];
	req.body_case = RIGBOOK__REQUEST__BODY_UNQUALIFY;
	req.unqualify = &ur;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_UNQUALIFY, &resp);
	if (rc != CMD_OK)
		return rc;
	rc = print_one(ctx, resp->unqualify, 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

static int cmd_qualifications_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListQualificationsRequest lq = RIGBOOK__LIST_QUALIFICATIONS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListQualificationsReply *reply;
	struct rnd out;
	const char *member = cmd_arg(args, "member");
	int rc;

	lq.resource_code = (char *)(args->npos > 0 ? args->pos[0] : "");
	lq.member_handle = (char *)(member != NULL ? member : "");
	lq.include_inactive = cmd_arg(args, "all") != NULL;
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_QUALIFICATIONS;
	req.list_qualifications = &lq;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_QUALIFICATIONS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_qualifications;
	if (!ctx->json && (reply == NULL || reply->n_qualifications == 0)) {
		puts(_("no qualifications"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, qualification_cols,
		 RND_NCOLS(qualification_cols), NULL);
	rc = cmd_rows(&out, reply != NULL ? (const void *const *)reply->qualifications : NULL,
		      reply != NULL ? reply->n_qualifications : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_qualify_entry = {
	.name = "qualify",
	.usage = "MEMBER CODE [--until DATE]",
	.summary = N_("qualify a member on a resource, --until a date (staff)"),
	.options = qualify_opts,
	.lower = 2,
	.upper = 2,
	.exec = cmd_qualify_exec,
};

const struct cmd_entry cmd_unqualify_entry = {
	.name = "unqualify",
	.usage = "MEMBER CODE",
	.summary = N_("revoke a member's qualification on a resource (staff)"),
	.options = unqualify_opts,
	.lower = 2,
	.upper = 2,
	.exec = cmd_unqualify_exec,
};

const struct cmd_entry cmd_qualifications_entry = {
	.name = "qualifications",
	.usage = "[CODE] [--member HANDLE] [--all]",
	.summary = N_("list your qualifications (staff: those on your resources)"),
	.options = qualifications_opts,
	.lower = 0,
	.upper = 1,
	.exec = cmd_qualifications_exec,
};
