/*
 * wait, waitlist, unwait: queue for a window that is taken, see the queue
 * (one's own entries; staff: a resource's queue in order), withdraw.  A
 * waiting entry is booked by the server as soon as its window frees up and
 * fits the rules; waitlist then shows it promoted with its booking.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt wait_opts[] = {
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ "note", 1, NULL },
	{ NULL, 0, NULL },
};

static const struct cmd_opt no_opts[] = {
	{ NULL, 0, NULL },
};

static const char *wait_state_name(Rigbook__WaitState s)
{
	switch (s) {
	case RIGBOOK__WAIT_STATE__WAIT_STATE_WAITING:
		return "waiting";
	case RIGBOOK__WAIT_STATE__WAIT_STATE_PROMOTED:
		return "promoted";
	case RIGBOOK__WAIT_STATE__WAIT_STATE_WITHDRAWN:
		return "withdrawn";
	default:
		return "unknown";
	}
}

static void json_entry(struct out_json *j, const Rigbook__WaitlistEntry *e)
{
	char s[RB_TIME_TEXT + 4];

	out_json_begin_object(j);
	out_json_kv_uint(j, "id", e->id);
	out_json_kv_string(j, "resource", e->resource_code);
	out_json_kv_string(j, "resource_name", e->resource_name);
	out_json_kv_string(j, "time_zone", e->time_zone);
	out_json_kv_int(j, "start", e->start);
	out_json_kv_int(j, "end", e->end);
	cmd_time_text(e->start, e->time_zone, s, sizeof(s));
	out_json_kv_string(j, "start_local", s);
	cmd_time_text(e->end, e->time_zone, s, sizeof(s));
	out_json_kv_string(j, "end_local", s);
	out_json_kv_string(j, "state", wait_state_name(e->state));
	out_json_kv_string(j, "member", e->member_handle);
	out_json_kv_string(j, "startup", e->startup_code);
	out_json_kv_string(j, "note", e->note);
	out_json_kv_int(j, "created_at", e->created_at);
	out_json_kv_uint(j, "position", e->position);
	out_json_key(j, "booking_id");
	if (e->booking_id != 0)
		out_json_uint(j, e->booking_id);
	else
		out_json_null(j);
	out_json_key(j, "promoted_at");
	if (e->promoted_at != 0)
		out_json_int(j, e->promoted_at);
	else
		out_json_null(j);
	out_json_key(j, "withdrawn_at");
	if (e->withdrawn_at != 0)
		out_json_int(j, e->withdrawn_at);
	else
		out_json_null(j);
	out_json_kv_string(j, "refusal", e->refusal);
	out_json_end_object(j);
}

/* "wait 12: rig-7 10:00-12:00 on 2026-12-03 (Asia/Shanghai)" */
static void print_entry_line(const char *verb, const Rigbook__WaitlistEntry *e)
{
	char w[2 * RB_TIME_TEXT + 64];

	cmd_window_text(e->start, e->end, e->time_zone, w, sizeof(w));
	printf(_("%s entry %" PRIu64 ": "), _(verb), e->id);
	out_put_clean(stdout, e->resource_code);
	printf(" %s\n", w);
}

/* ---------------------------------------------------------------- wait */

static int cmd_wait_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	const char *note = cmd_arg(args, "note");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__WaitRequest wr = RIGBOOK__WAIT_REQUEST__INIT;
	Rigbook__Response *rresp = NULL, *resp = NULL;
	const Rigbook__Resource *res;
	const Rigbook__WaitlistEntry *e;
	char tz[128], err[256];
	struct out_json j;
	int64_t t;
	int rc;

	if (from == NULL)
		return cmd_usage_error(ctx, _("--from is required"));
	if (to == NULL)
		return cmd_usage_error(ctx, _("--to is required"));
	if (rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (rb_time_parse(to, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	rc = cmd_resource(ctx, code, &rresp, &res);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
	rigbook__response__free_unpacked(rresp, NULL);
	if (rb_time_parse(from, tz, &wr.start, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (rb_time_parse(to, tz, &wr.end, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);
	if (wr.end <= wr.start)
		return cmd_bad_value(ctx, _("--to %.40s is not after --from %.40s: a window ends after it starts"), to, from);

	wr.resource_code = (char *)code;
	wr.note = (char *)(note != NULL ? note : "");
	req.body_case = RIGBOOK__REQUEST__BODY_WAIT;
	req.wait = &wr;
	rc = cmd_mutate(ctx, &req, RIGBOOK__RESPONSE__BODY_WAIT, &resp,
			_("the server may have put you on the waitlist; run `rigbook waitlist` to check"));
	if (rc != CMD_OK)
		return rc;
	e = resp->wait != NULL ? resp->wait->entry : NULL;
	if (e == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no waitlist entry"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_entry(&j, e);
		out_json_finish(&j);
	} else {
		print_entry_line(N_("waiting:"), e);
		printf(_("  place %" PRIu32 " in the queue of "), e->position);
		out_put_clean(stdout, e->resource_code);
		fputc('\n', stdout);
		if (e->refusal != NULL && e->refusal[0] != '\0') {
			fputs(_("  now: "), stdout);
			out_put_clean(stdout, e->refusal);
			fputc('\n', stdout);
		}
		puts(_("  it is booked for you as soon as the window frees up and fits the rules"));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

/* ---------------------------------------------------------------- waitlist */

static int cmd_waitlist_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	static const char *const head[] = { N_("ID"), N_("RESOURCE"), N_("START"), N_("END"), N_("STATE"), N_("PLACE"),
					    N_("MEMBER"), N_("STARTUP"), N_("DETAILS") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListWaitlistRequest lr = RIGBOOK__LIST_WAITLIST_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListWaitlistReply *reply;
	struct out_table *t;
	struct out_json j;
	int rc;

	lr.resource_code = (char *)(args->npos > 0 ? args->pos[0] : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_WAITLIST;
	req.list_waitlist = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_WAITLIST, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_waitlist;
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; reply != NULL && i < reply->n_entries; i++)
			json_entry(&j, reply->entries[i]);
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (reply == NULL || reply->n_entries == 0) {
		puts(_("nobody waits"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(9, head);
	if (t == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("out of memory"));
	}
	for (size_t i = 0; i < reply->n_entries; i++) {
		const Rigbook__WaitlistEntry *e = reply->entries[i];
		char id[24], place[24], start[RB_TIME_TEXT + 2], end[RB_TIME_TEXT + 2], det[600];

		snprintf(id, sizeof(id), "%" PRIu64, e->id);
		if (e->position > 0)
			snprintf(place, sizeof(place), "%" PRIu32, e->position);
		else
			snprintf(place, sizeof(place), "-");
		cmd_time_text(e->start, e->time_zone, start, sizeof(start));
		cmd_time_text(e->end, e->time_zone, end, sizeof(end));
		if (e->state == RIGBOOK__WAIT_STATE__WAIT_STATE_PROMOTED)
			snprintf(det, sizeof(det), _("booked: booking %" PRIu64), e->booking_id);
		else if (e->state == RIGBOOK__WAIT_STATE__WAIT_STATE_WAITING && e->refusal != NULL &&
			 e->refusal[0] != '\0')
			snprintf(det, sizeof(det), "%s", e->refusal);
		else
			det[0] = '\0';
		const char *row[] = { id, e->resource_code, start, end, i18n_state(wait_state_name(e->state)),
				      place, e->member_handle, e->startup_code, det };

		if (out_table_add(t, row) != 0) {
			out_table_free(t);
			rigbook__response__free_unpacked(resp, NULL);
			return cmd_failed(_("out of memory"));
		}
	}
	out_table_print(t, stdout);
	out_table_free(t);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

/* ---------------------------------------------------------------- unwait */

static int cmd_unwait_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__UnwaitRequest ur = RIGBOOK__UNWAIT_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__WaitlistEntry *e;
	struct out_json j;
	int rc;

	if (cmd_booking_id(args->pos[0], &ur.entry_id) != 0)
		return cmd_usage_error(ctx, _("'%.40s' is not a waitlist entry id (a number, as waitlist shows)"),
				       args->pos[0]);
	req.body_case = RIGBOOK__REQUEST__BODY_UNWAIT;
	req.unwait = &ur;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_UNWAIT, &resp);
	if (rc != CMD_OK)
		return rc;
	e = resp->unwait != NULL ? resp->unwait->entry : NULL;
	if (e == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no waitlist entry"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_entry(&j, e);
		out_json_finish(&j);
	} else {
		print_entry_line(N_("withdrawn:"), e);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.usage = "CODE --from TIME --to TIME [--note TEXT]",
	.summary = N_("queue for a taken window; booked for you when it frees up"),
	.options = wait_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_wait_exec,
};

const struct cmd_entry cmd_waitlist_entry = {
	.name = "waitlist",
	.usage = "[CODE]",
	.summary = N_("list your waitlist entries (staff: a resource's queue)"),
	.options = no_opts,
	.lower = 0,
	.upper = 1,
	.exec = cmd_waitlist_exec,
};

const struct cmd_entry cmd_unwait_entry = {
	.name = "unwait",
	.usage = "ID",
	.summary = N_("leave a waitlist"),
	.options = no_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_unwait_exec,
};
