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

static int print_table(const Rigbook__FindReply *r)
{
	static const char *const head[] = { N_("CODE"), N_("NAME"), N_("FROM"), N_("FREE UNTIL"), N_("TZ") };
	struct out_table *t = out_table_new(5, head);

	if (t == NULL)
		return cmd_failed(_("out of memory"));
	for (size_t i = 0; i < r->n_fits; i++) {
		const Rigbook__Fit *f = r->fits[i];
		const Rigbook__Resource *x = f->resource;
		char a[RB_TIME_TEXT + 2], b[RB_TIME_TEXT + 2];
		const char *row[] = { x != NULL ? x->code : "?", x != NULL ? i18n_name(x->name, x->name_zh) : "", a, b,
				      x != NULL ? x->time_zone : "" };

		cmd_time_text(f->start, x != NULL ? x->time_zone : NULL, a, sizeof(a));
		cmd_time_text(f->end, x != NULL ? x->time_zone : NULL, b, sizeof(b));
		if (out_table_add(t, row) != 0) {
			out_table_free(t);
			return cmd_failed(_("out of memory"));
		}
	}
	out_table_print(t, stdout);
	out_table_free(t);
	return CMD_OK;
}

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
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "fits");
		out_json_begin_array(&j);
		for (size_t i = 0; reply != NULL && i < reply->n_fits; i++) {
			const Rigbook__Fit *f = reply->fits[i];
			const char *tz = f->resource != NULL ? f->resource->time_zone : NULL;
			char s[RB_TIME_TEXT + 4];

			out_json_begin_object(&j);
			out_json_kv_string(&j, "resource", f->resource != NULL ? f->resource->code : "");
			out_json_kv_string(&j, "name", f->resource != NULL ? f->resource->name : "");
			out_json_kv_string(&j, "kind",
					   f->resource != NULL ? rb_kind_name(f->resource->kind) : "");
			out_json_kv_string(&j, "time_zone", tz);
			out_json_kv_int(&j, "start", f->start);
			out_json_kv_int(&j, "end", f->end);
			cmd_time_text(f->start, tz, s, sizeof(s));
			out_json_kv_string(&j, "start_local", s);
			cmd_time_text(f->end, tz, s, sizeof(s));
			out_json_kv_string(&j, "end_local", s);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else if (reply == NULL || reply->n_fits == 0) {
		printf(_("nothing matching is free for %s in that span\n"), length);
	} else {
		rc = print_table(reply);
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
