/* find: the earliest free window of a given length across resources. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt find_opts[] = {
	{ "kind", 1, NULL, 0 },
	{ "tag", 1, NULL, 0 },
	{ "search", 1, NULL, 0 },
	{ "text", 1, "search", 0 },
	{ "length", 1, NULL, 0 },
	{ "within", 1, NULL, 0 },
	{ "from", 1, NULL, 0 },
	{ "limit", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

#define FIT(row) ((const Rigbook__Fit *)(row))
#define RES(row) (FIT(row)->resource)

static void get_code(const void *row, const struct rnd *r, struct rnd_val *v)
{
	v->s = RES(row) != NULL ? RES(row)->code : r->fmt == RND_TABLE ? "?" : "";
}

/* the resource's name; in the table in the reader's language */
static void get_name(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	if (RES(row) == NULL)
		return;
	v->s = RES(row)->name;
	v->table = i18n_name(RES(row)->name, RES(row)->name_zh);
}

static void get_kind(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = RES(row) != NULL ? rb_kind_name(RES(row)->kind) : "";
}

static void get_zone(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = RES(row) != NULL ? RES(row)->time_zone : "";
}

static void get_from(const void *row, const struct rnd *r, struct rnd_val *v)
{
	get_zone(row, r, v);
	v->i = FIT(row)->start;
}

static void get_until(const void *row, const struct rnd *r, struct rnd_val *v)
{
	get_zone(row, r, v);
	v->i = FIT(row)->end;
}

static const struct rnd_col fit_cols[] = {
	{ "resource", NULL, N_("CODE"), RND_TEXT, 0, .get = get_code },
	{ "name", NULL, N_("NAME"), RND_TEXT, 0, .get = get_name },
	{ "kind", NULL, NULL, RND_TEXT, 0, .get = get_kind },
	{ "start", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Fit, start) },
	{ "end", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__Fit, end) },
	{ "start_local", NULL, N_("FROM"), RND_INSTANT, 0, .get = get_from },
	{ "end_local", NULL, N_("FREE UNTIL"), RND_INSTANT, 0, .get = get_until },
	{ "time_zone", NULL, N_("TZ"), RND_TEXT, 0, .get = get_zone },
};

static int cmd_find_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *kind = cmd_arg(args, "kind"), *length = cmd_arg(args, "length");
	const char *within = cmd_arg(args, "within"), *from = cmd_arg(args, "from");
	const char *limit = cmd_arg(args, "limit");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__FindRequest fr = RIGBOOK__FIND_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__FindReply *reply;
	char err[256], from_local[32];
	struct out_json j;
	int rc;

	if (length == NULL)
		return cmd_usage_error(ctx, _("--length is required (e.g. --length 3d)"));
	if ((rc = cmd_minutes_arg(ctx, "--length", length, 1, 0, &fr.length_minutes)) != CMD_OK)
		return rc;
	if (within != NULL &&
	    (rc = cmd_minutes_arg(ctx, "--within", within, 1440, 0, &fr.within_days)) != CMD_OK)
		return rc;
	if (fr.within_days > 92)
		return cmd_bad_value(ctx, _("--within: find searches at most 92 days ahead, not %.40s"), within);
	if (limit != NULL && (rc = cmd_count_arg(ctx, "--limit", limit, 1, 100, 0, &fr.limit)) != CMD_OK)
		return rc;
	if (kind != NULL) {
		fr.kind = rb_kind_parse(kind);
		if (fr.kind == 0)
			return cmd_usage_error(ctx,
					       _("unknown kind '%.40s'; possibilities are: instrument, test_facility, machining, pilot_line, workspace"),
					       kind);
	}
	/* --from is read in each resource's own zone, as every other time
	 * (the server does it: across resources there is no one zone), unless
	 * it carries an offset */
	if (from != NULL) {
		int64_t utc, other;
		struct tm tm;
		time_t t;

		if (rb_time_parse(from, "UTC", &utc, err, sizeof(err)) != 0 ||
		    rb_time_parse(from, "Asia/Tokyo", &other, err, sizeof(err)) != 0)
			return cmd_bad_value(ctx, _("--from: %s"), err);
		if (utc == other) {
			fr.from = utc;
		} else {
			t = (time_t)utc;
			if (gmtime_r(&t, &tm) == NULL ||
			    strftime(from_local, sizeof(from_local), "%Y-%m-%d %H:%M", &tm) == 0)
				return cmd_bad_value(ctx, _("--from: '%.40s' is out of range"), from);
			fr.from_local = from_local;
		}
	} else {
		fr.from = ((int64_t)time(NULL) + 59) / 60 * 60; /* now, to the next whole minute */
	}
	fr.tag = (char *)(cmd_arg(args, "tag") != NULL ? cmd_arg(args, "tag") : "");
	fr.text = (char *)(cmd_arg(args, "search") != NULL ? cmd_arg(args, "search") : "");
	req.body_case = RIGBOOK__REQUEST__BODY_FIND;
	req.find = &fr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_FIND, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->find;
	if (ctx->json) {
		struct rnd r;

		rnd_init(&r, RND_JSON, stdout, fit_cols, RND_NCOLS(fit_cols), NULL);
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "fits");
		out_json_begin_array(&j);
		for (size_t i = 0; reply != NULL && i < reply->n_fits; i++)
			rnd_json_object(&r, &j, reply->fits[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else if (reply == NULL || reply->n_fits == 0) {
		printf(_("nothing matching is free for %s in that span\n"), length);
	} else {
		struct rnd out;

		rnd_init(&out, RND_TABLE, stdout, fit_cols, RND_NCOLS(fit_cols), NULL);
		rc = cmd_rows(&out, (const void *const *)reply->fits, reply->n_fits);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_find_entry = {
	.name = "find",
	.usage = "--length 3d [--kind KIND] [--tag TAG] [--search TEXT] [--within 30d] [--from TIME] [--limit N]",
	.summary = N_("find the resources free soonest for a given length"),
	.options = find_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_find_exec,
};
