/*
 * watch: print live events (bookings and closures changing) as the server
 * pushes them, one line each, until interrupted or the server stops.  Times
 * in the resource's zone.  The client does not reconnect: it says so when
 * the server closes, and exits.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "refusals.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* SIGINT and SIGTERM end the watch between two events: no SA_RESTART, so poll returns. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

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
			out_put_clean(stdout, e->message);
		}
		fputc('\n', stdout);
		return;
	}
	fputs("  ", stdout);
	out_put_clean(stdout, e->resource_code);
	if (e->closure_id != 0)
		printf("  closure %" PRIu64, e->closure_id);
	else if (e->booking_id != 0)
		printf("  booking %" PRIu64, e->booking_id);
	else
		fputs("  a booking", stdout); /* its number is not the watcher's to see */
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
				fputs(" of ", stdout);
				out_put_clean(stdout, e->startup_code);
			}
		} else {
			fputs("  another startup", stdout);
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

static int cmd_watch_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__WatchRequest wr = RIGBOOK__WATCH_REQUEST__INIT;
	Rigbook__Response *resp, *r;
	char tz[128], err[512];
	int rc = CMD_OK;

	if (args->npos == 1)
		wr.resource_code = (char *)args->pos[0];
	req.body_case = RIGBOOK__REQUEST__BODY_WATCH;
	req.watch = &wr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_WATCH, &resp);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s",
		 resp->watch != NULL && resp->watch->time_zone != NULL ? resp->watch->time_zone : "");
	fprintf(stderr, "rigbook: watching %s%s; Ctrl-C stops\n",
		args->npos == 1 ? args->pos[0] : "every resource",
		resp->watch != NULL && !resp->watch->live
			? " (the server is reconnecting to its database: a resync event follows)"
			: "");
	rigbook__response__free_unpacked(resp, NULL);

	stop_signal = 0;
	catch_signals();
	for (;;) {
		if (stop_signal != 0)
			break;
		if (rbc_wait(ctx->conn, 1000) == 0)
			continue;
		if (rbc_recv(ctx->conn, &r, err, sizeof(err)) != 0) {
			if (stop_signal != 0)
				break;
			fprintf(stderr,
				"rigbook: watch: %s; events after this are not shown (run watch again)\n",
				err);
			return CMD_FAILED;
		}
		if (r->id != 0) {
			rigbook__response__free_unpacked(r, NULL);
			continue; /* not ours */
		}
		if (r->body_case == RIGBOOK__RESPONSE__BODY_ERROR && r->error != NULL) {
			fprintf(stderr,
				"rigbook: watch: the server closes the connection: %s: %s; events after this are not shown (run watch again)\n",
				rb_code_name((int)r->error->code), refusal_text(r->error));
			rigbook__response__free_unpacked(r, NULL);
			return CMD_FAILED;
		}
		if (r->body_case != RIGBOOK__RESPONSE__BODY_EVENT || r->event == NULL) {
			rigbook__response__free_unpacked(r, NULL);
			continue;
		}
		if (ctx->json)
			print_json(r->event, tz);
		else
			print_text(r->event, tz);
		fflush(stdout);
		if (r->event->kind != NULL && strcmp(r->event->kind, "dropped") == 0) {
			fprintf(stderr, "rigbook: watch: the server stopped sending events: it says this "
					"connection did not read them fast enough\n");
			rigbook__response__free_unpacked(r, NULL);
			return CMD_REFUSED;
		}
		rigbook__response__free_unpacked(r, NULL);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return CMD_OK;
}

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.usage = "[CODE]",
	.summary = "print bookings and closures as they change, until interrupted",
	.options = NULL,
	.lower = 0,
	.upper = 1,
	.exec = cmd_watch_exec,
};
