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

#define ENTRY(row) ((const Rigbook__WaitlistEntry *)(row))

static void get_start(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = ENTRY(row)->start;
	v->s = ENTRY(row)->time_zone;
}

static void get_end(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = ENTRY(row)->end;
	v->s = ENTRY(row)->time_zone;
}

static void get_state(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->s = wait_state_name(ENTRY(row)->state);
	v->table = i18n_state(v->s);
}

/* the place in the queue, "-" once out of it */
static void get_position(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->u = ENTRY(row)->position;
	if (v->u == 0)
		v->table = "-";
}

/* DETAILS: the booking it became, or why it could not be booked yet */
static void get_details(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__WaitlistEntry *e = row;

	(void)r;
	if (e->state == RIGBOOK__WAIT_STATE__WAIT_STATE_PROMOTED)
		snprintf(v->buf, sizeof(v->buf), _("booked: booking %" PRIu64), e->booking_id);
	else if (e->state == RIGBOOK__WAIT_STATE__WAIT_STATE_WAITING && e->refusal != NULL &&
		 e->refusal[0] != '\0')
		snprintf(v->buf, sizeof(v->buf), "%s", e->refusal);
	v->s = v->buf;
}

static const struct rnd_col entry_cols[] = {
	{ "id", NULL, N_("ID"), RND_UINT, 0, RND_U64(Rigbook__WaitlistEntry, id) },
	{ "resource", NULL, N_("RESOURCE"), RND_TEXT, 0, RND_STR(Rigbook__WaitlistEntry, resource_code) },
	{ "resource_name", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__WaitlistEntry, resource_name) },
	{ "time_zone", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__WaitlistEntry, time_zone) },
	{ "start", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__WaitlistEntry, start) },
	{ "end", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__WaitlistEntry, end) },
	{ "start_local", NULL, N_("START"), RND_INSTANT, 0, .get = get_start },
	{ "end_local", NULL, N_("END"), RND_INSTANT, 0, .get = get_end },
	{ "state", NULL, N_("STATE"), RND_ENUM, 0, .get = get_state },
	{ "position", NULL, N_("PLACE"), RND_UINT, 0, .get = get_position },
	{ "member", NULL, N_("MEMBER"), RND_TEXT, 0, RND_STR(Rigbook__WaitlistEntry, member_handle) },
	{ "startup", NULL, N_("STARTUP"), RND_TEXT, 0, RND_STR(Rigbook__WaitlistEntry, startup_code) },
	{ NULL, NULL, N_("DETAILS"), RND_TEXT, 0, .get = get_details },
	{ "note", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__WaitlistEntry, note) },
	{ "created_at", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__WaitlistEntry, created_at) },
	{ "booking_id", NULL, NULL, RND_UINT, RND_NULL0, RND_U64(Rigbook__WaitlistEntry, booking_id) },
	{ "promoted_at", NULL, NULL, RND_INT, RND_NULL0, RND_I64(Rigbook__WaitlistEntry, promoted_at) },
	{ "withdrawn_at", NULL, NULL, RND_INT, RND_NULL0, RND_I64(Rigbook__WaitlistEntry, withdrawn_at) },
	{ "refusal", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__WaitlistEntry, refusal) },
};

static void json_entry(struct out_json *j, const Rigbook__WaitlistEntry *e)
{
	struct rnd r;

	rnd_init(&r, RND_JSON, j->f, entry_cols, RND_NCOLS(entry_cols), NULL);
	rnd_json_object(&r, j, e);
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
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListWaitlistRequest lr = RIGBOOK__LIST_WAITLIST_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListWaitlistReply *reply;
	struct rnd out;
	int rc;

	lr.resource_code = (char *)(args->npos > 0 ? args->pos[0] : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_WAITLIST;
	req.list_waitlist = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_WAITLIST, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_waitlist;
	if (!ctx->json && (reply == NULL || reply->n_entries == 0)) {
		puts(_("nobody waits"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	rnd_init(&out, ctx->json ? RND_JSON : RND_TABLE, stdout, entry_cols, RND_NCOLS(entry_cols), NULL);
	rc = cmd_rows(&out, reply != NULL ? (const void *const *)reply->entries : NULL,
		      reply != NULL ? reply->n_entries : 0);
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
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
