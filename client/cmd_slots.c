/* slots: the free windows of one resource, every rule applied for the caller. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

#define DEFAULT_LENGTH 60

static const struct cmd_opt slots_opts[] = {
	{ "from", 1, NULL, 0 },
	{ "days", 1, NULL, 0 },
	{ "length", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

/* "Tue 2026-12-01 08:30" in tz. */
static void day_time(int64_t t, const char *tz, char *buf, size_t len)
{
	char s[RB_TIME_TEXT];
	struct rb_date d;

	if (rb_time_format(t, tz, s, sizeof(s)) != 0 || rb_time_local(t, tz, &d, NULL) != 0) {
		snprintf(buf, len, "%" PRId64, t);
		return;
	}
	snprintf(buf, len, "%s %s", i18n_weekday(rb_date_weekday(&d)), s);
}

/* A free window's columns; the renderer's ctx is the resource's time zone. */
static void get_from(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->i = ((const Rigbook__Window *)row)->start;
	v->s = r->ctx;
	day_time(v->i, r->ctx, v->buf, sizeof(v->buf));
	v->table = v->buf;
}

static void get_to(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->i = ((const Rigbook__Window *)row)->end;
	v->s = r->ctx;
	day_time(v->i, r->ctx, v->buf, sizeof(v->buf));
	v->table = v->buf;
}

/* FREE FOR: "2h30m" */
static void get_length(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__Window *w = row;

	(void)r;
	if (rb_duration_format(w->end - w->start, v->buf, sizeof(v->buf)) != 0)
		snprintf(v->buf, sizeof(v->buf), "?");
	v->s = v->buf;
}

static const struct rnd_col window_cols[] = {
	{ "start", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Window, start) },
	{ "end", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Window, end) },
	{ "start_local", NULL, N_("FROM"), RND_INSTANT, 0, .get = get_from },
	{ "end_local", NULL, N_("TO"), RND_INSTANT, 0, .get = get_to },
	{ NULL, NULL, N_("FREE FOR"), RND_TEXT, 0, .get = get_length },
};

static int cmd_slots_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *from = cmd_arg(args, "from");
	const char *days = cmd_arg(args, "days"), *length = cmd_arg(args, "length");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SlotsRequest sr = RIGBOOK__SLOTS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Resource *res;
	const Rigbook__SlotsReply *reply;
	char tz[128], err[256], lentext[32];
	struct out_json j;
	struct rnd r;
	int64_t t;
	int rc;

	sr.length_minutes = DEFAULT_LENGTH;
	if (length != NULL &&
	    (rc = cmd_minutes_arg(ctx, "--length", length, 1, 0, &sr.length_minutes)) != CMD_OK)
		return rc;
	sr.days = 7;
	if (days != NULL && (rc = cmd_count_arg(ctx, "--days", days, 1, 62, 0, &sr.days)) != CMD_OK)
		return rc;
	if (from != NULL && rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);

	rc = cmd_resource(ctx, code, &resp, &res);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
	rigbook__response__free_unpacked(resp, NULL);
	if (from != NULL && rb_time_parse(from, tz, &sr.from, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (from == NULL)
		sr.from = ((int64_t)time(NULL) + 59) / 60 * 60; /* now, to the next whole minute */

	sr.code = (char *)code;
	req.body_case = RIGBOOK__REQUEST__BODY_SLOTS;
	req.slots = &sr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SLOTS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->slots;
	if (reply == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer is empty"));
	}
	if (rb_duration_format((int64_t)sr.length_minutes * 60, lentext, sizeof(lentext)) != 0)
		snprintf(lentext, sizeof(lentext), "%" PRIu32 "m", sr.length_minutes);
	rnd_init(&r, ctx->json ? RND_JSON : RND_TABLE, stdout, window_cols, RND_NCOLS(window_cols), tz);
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_string(&j, "resource", code);
		out_json_kv_string(&j, "time_zone", tz);
		out_json_kv_uint(&j, "length_minutes", sr.length_minutes);
		out_json_key(&j, "free");
		out_json_begin_array(&j);
		for (size_t i = 0; i < reply->n_free; i++)
			rnd_json_object(&r, &j, reply->free[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else if (reply->n_free == 0) {
		out_put_clean(stdout, code);
		printf(_(" has no free time for %s in the %" PRIu32 " day%s asked about\n"), lentext,
		       sr.days, sr.days == 1 ? "" : "s");
	} else {
		out_put_clean(stdout, code);
		printf(_(" is free for %s ("), lentext);
		out_put_clean(stdout, tz);
		fputs(C_("paren", "):\n"), stdout);
		rc = cmd_rows(&r, (const void *const *)reply->free, reply->n_free);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_slots_entry = {
	.name = "slots",
	.usage = "CODE [--from TIME] [--days N] [--length 2h]",
	.summary = N_("list the free windows of a resource long enough for a booking"),
	.options = slots_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_slots_exec,
};
