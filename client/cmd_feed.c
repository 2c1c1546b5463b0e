/*
 * feed: the caller's private calendar address, for a calendar program to
 * subscribe to (their bookings; --startup: their startup's).  The server
 * keeps only a hash of it, so it is shown once, when it is made; --revoke
 * replaces it (the old address stops working) and shows the new one.
 */
#include <stdio.h>

#include "cmd.h"
#include "i18n.h"

static const struct cmd_opt feed_opts[] = {
	{ "startup", 0, NULL },
	{ "revoke", 0, NULL },
	{ NULL, 0, NULL },
};

static int cmd_feed_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__FeedRequest q = RIGBOOK__FEED_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__FeedReply *f;
	char since[64];
	int rc;

	q.startup = cmd_arg(args, "startup") != NULL;
	q.replace = cmd_arg(args, "revoke") != NULL;
	req.body_case = RIGBOOK__REQUEST__BODY_FEED;
	req.feed = &q;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_FEED, &resp);
	if (rc != CMD_OK)
		return rc;
	f = resp->feed;
	cmd_time_text(f->created_at, NULL, since, sizeof(since));
	if (ctx->json) {
		struct out_json j;

		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_bool(&j, "issued", f->issued);
		out_json_kv_string(&j, "url", f->url);
		out_json_kv_int(&j, "created_at", f->created_at);
		out_json_kv_bool(&j, "startup", f->startup);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else if (f->issued) {
		printf("%s\n", f->url);
		fprintf(stderr,
			f->startup ? _("rigbook: your startup's calendar: subscribe to this address in your "
				       "calendar program; keep it private (anyone with it sees these "
				       "bookings)%s\n")
				   : _("rigbook: your calendar: subscribe to this address in your calendar "
				       "program; keep it private (anyone with it sees these bookings)%s\n"),
			q.replace ? _("; the old address no longer works") : "");
	} else if (f->startup) {
		fprintf(stderr,
			_("rigbook: you have a calendar feed of your startup's bookings since %s; its "
			  "address was shown when it was made. `rigbook feed --startup --revoke` replaces "
			  "it with a new one.\n"),
			since);
	} else {
		fprintf(stderr,
			_("rigbook: you have a calendar feed since %s; its address was shown when it was "
			  "made. `rigbook feed --revoke` replaces it with a new one.\n"),
			since);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

const struct cmd_entry cmd_feed_entry = {
	.name = "feed",
	.usage = "[--startup] [--revoke]",
	.summary = N_("your private calendar address for calendar programs (--revoke: a new one)"),
	.options = feed_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_feed_exec,
};
