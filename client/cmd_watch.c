/*
 * watch: print live events (bookings and closures changing) as the server
 * pushes them, one line each, until interrupted or the server stops.  Times
 * in the resource's zone.  When the server goes away it reconnects with
 * backoff and prints a resync line (events in between were not heard);
 * --once ends the watch with the connection instead.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "refusals.h"
#include "stream.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static int is_booking_kind(const Rigbook__Event *e)
{
	return e->closure_id == 0 && e->resource_code != NULL && e->resource_code[0] != '\0';
}

static void print_text(const Rigbook__Event *e, const char *fallback_tz)
{
	const char *tz = e->time_zone != NULL && e->time_zone[0] != '\0' ? e->time_zone : fallback_tz;
	char at[RB_TIME_TEXT + 4], w[RB_WINDOW_TEXT + 80];

	cmd_time_text(e->at, tz, at, sizeof(at));
	out_put_clean(stdout, at);
	fputs("  ", stdout);
	out_put_clean(stdout, e->kind);
	if (e->resource_code == NULL || e->resource_code[0] == '\0') {
		/* about the stream itself: resync, dropped */
		if (e->message != NULL && e->message[0] != '\0') {
			fputs("  ", stdout);
			/* the client's words for what it knows (resync, dropped), else the server's */
			out_put_clean(stdout, _(e->message));
		}
		fputc('\n', stdout);
		return;
	}
	fputs("  ", stdout);
	out_put_clean(stdout, e->resource_code);
	if (e->closure_id != 0)
		printf(_("  closure %" PRIu64), e->closure_id);
	else if (e->booking_id != 0)
		printf(_("  booking %" PRIu64), e->booking_id);
	else
		fputs(_("  a booking"), stdout); /* its number is not the watcher's to see */
	if (e->end > e->start) {
		cmd_window_text(e->start, e->end, e->time_zone, w, sizeof(w));
		fputs("  ", stdout);
		out_put_clean(stdout, w);
	}
	if (is_booking_kind(e)) {
		if (e->member_handle != NULL && e->member_handle[0] != '\0') {
			fputs("  ", stdout);
			out_put_clean(stdout, e->member_handle);
			if (e->startup_code != NULL && e->startup_code[0] != '\0') {
				fputs(_(" of "), stdout);
				out_put_clean(stdout, e->startup_code);
			}
		} else {
			fputs(_("  another startup"), stdout);
		}
	}
	fputc('\n', stdout);
}

static void print_json(const Rigbook__Event *e, const char *fallback_tz)
{
	const char *tz = e->time_zone != NULL && e->time_zone[0] != '\0' ? e->time_zone : fallback_tz;
	char s[RB_TIME_TEXT + 4];
	struct out_json j;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_string(&j, "kind", e->kind);
	out_json_kv_int(&j, "at", e->at);
	cmd_time_text(e->at, tz, s, sizeof(s));
	out_json_kv_string(&j, "at_local", s);
	out_json_kv_string(&j, "resource", e->resource_code);
	out_json_kv_string(&j, "time_zone", e->time_zone);
	out_json_key(&j, "booking_id");
	if (e->booking_id != 0)
		out_json_uint(&j, e->booking_id);
	else
		out_json_null(&j);
	out_json_key(&j, "closure_id");
	if (e->closure_id != 0)
		out_json_uint(&j, e->closure_id);
	else
		out_json_null(&j);
	if (e->end > e->start) {
		out_json_kv_int(&j, "start", e->start);
		out_json_kv_int(&j, "end", e->end);
		cmd_time_text(e->start, e->time_zone, s, sizeof(s));
		out_json_kv_string(&j, "start_local", s);
		cmd_time_text(e->end, e->time_zone, s, sizeof(s));
		out_json_kv_string(&j, "end_local", s);
	}
	out_json_kv_string(&j, "member", e->member_handle);
	out_json_kv_string(&j, "startup", e->startup_code);
	out_json_kv_string(&j, "message", e->message);
	out_json_end_object(&j);
	out_json_finish(&j);
}

struct watch_state {
	struct cmd_ctx *ctx;
	const char *what;
};

static int watch_watching(void *arg, const char *tz, int first)
{
	const struct watch_state *w = arg;

	if (first)
		fprintf(stderr, _("rigbook: watching %s; Ctrl-C stops\n"), w->what);
	else
		fprintf(stderr, _("rigbook: watching %s again\n"), w->what);
	return 0;
}

static int watch_event(void *arg, const Rigbook__Event *e, const char *tz)
{
	const struct watch_state *w = arg;

	if (w->ctx->json)
		print_json(e, tz);
	else
		print_text(e, tz);
	fflush(stdout);
	return 0;
}

static int cmd_watch_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct watch_state w = { ctx, args->npos == 1 ? args->pos[0] : _("every resource") };
	struct stream s = {
		.code = args->npos == 1 ? args->pos[0] : NULL,
		.once = cmd_arg(args, "once") != NULL,
		.who = "watch",
		.on_watching = watch_watching,
		.on_event = watch_event,
		.arg = &w,
	};

	return stream_run(ctx, &s);
}

static const struct cmd_opt watch_opts[] = {
	{ "once", 0, NULL },
	{ NULL, 0, NULL },
};

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.usage = "[CODE] [--once]",
	.summary = N_("print bookings and closures as they change, until interrupted"),
	.options = watch_opts,
	.lower = 0,
	.upper = 1,
	.exec = cmd_watch_exec,
};
