#include "stream.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "refusals.h"
#include "rigbook/names.h"

/* Backoff between reconnections: doubling from the first, at most the last. */
#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 30000

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* SIGINT and SIGTERM end the stream between two events: no SA_RESTART, so
 * poll returns. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int stream_stopping(void)
{
	return stop_signal != 0;
}

void stream_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (stop_signal == 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A refusal that another try will not change: the token, the resource. */
static int final_refusal(int code)
{
	return code == RIGBOOK__ERROR_CODE__UNAUTHENTICATED ||
	       code == RIGBOOK__ERROR_CODE__PERMISSION_DENIED || code == RIGBOOK__ERROR_CODE__NOT_FOUND ||
	       code == RIGBOOK__ERROR_CODE__INVALID_ARGUMENT;
}

/* Subscribe on ctx's connection (connecting first): 0 with tz filled, or a
 * command status (the reason printed). */
static int subscribe(struct cmd_ctx *ctx, const struct stream *s, char *tz, size_t tzlen,
		     int *final)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__WatchRequest wr = RIGBOOK__WATCH_REQUEST__INIT;
	Rigbook__Response *resp;
	char err[512];
	int rc, code = 0;

	*final = 0;
	if (ctx->conn == NULL &&
	    ((ctx->opts.token != NULL && ctx->opts.token[0] != '\0') || ctx->opts.cert_file != NULL) &&
	    rbc_connect(&ctx->opts, &ctx->conn, &code, err, sizeof(err)) != 0) {
		ctx->conn = NULL;
		fprintf(stderr, "rigbook: %s: %s%s%s\n", s->who, code != 0 ? rb_code_name(code) : "",
			code != 0 ? ": " : "", err);
		*final = code != 0 && final_refusal(code);
		return code != 0 ? CMD_REFUSED : CMD_FAILED;
	}

	if (s->code != NULL)
		wr.resource_code = (char *)s->code;
	req.body_case = RIGBOOK__REQUEST__BODY_WATCH;
	req.watch = &wr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_WATCH, &resp);
	if (rc != CMD_OK) {
		/* refused: about the request itself (no such resource), which a retry
		 * does not change */
		*final = rc == CMD_REFUSED;
		return rc;
	}
	snprintf(tz, tzlen, "%s",
		 resp->watch != NULL && resp->watch->time_zone != NULL ? resp->watch->time_zone : "");
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int resync(const struct stream *s, const char *tz, const char *why)
{
	Rigbook__Event e = RIGBOOK__EVENT__INIT;

	e.kind = (char *)"resync";
	e.at = (int64_t)time(NULL);
	e.message = (char *)why;
	return s->on_event(s->arg, &e, tz);
}

/*
 * Read events until the connection ends.  Returns 0 when it ended and a
 * reconnect may help (*why says how), or a status to stop with.
 */
static int pump(struct cmd_ctx *ctx, const struct stream *s, const char *tz, char *why,
		size_t whylen)
{
	int64_t next_tick = now_ms() + s->tick_ms;
	char err[512];
	Rigbook__Response *r;
	int rc;

	for (;;) {
		if (stop_signal != 0)
			return CMD_OK;
		if (s->tick_ms > 0 && now_ms() >= next_tick) {
			next_tick = now_ms() + s->tick_ms;
			if ((rc = s->on_tick(s->arg)) != 0)
				return rc;
		}
		if (rbc_wait(ctx->conn, 500) == 0)
			continue;
		if (rbc_recv(ctx->conn, &r, err, sizeof(err)) != 0) {
			if (stop_signal != 0)
				return CMD_OK;
			snprintf(why, whylen, "%s", err);
			return 0;
		}
		if (r->id != 0) {
			rigbook__response__free_unpacked(r, NULL);
			continue; /* not ours */
		}
		if (r->body_case == RIGBOOK__RESPONSE__BODY_ERROR && r->error != NULL) {
			/* the server closes the connection after this */
			int code = (int)r->error->code;

			snprintf(why, whylen, _("the server closes the connection: %s: %s"),
				 rb_code_name(code), refusal_text(r->error));
			rigbook__response__free_unpacked(r, NULL);
			if (final_refusal(code)) {
				fprintf(stderr, "rigbook: %s: %s\n", s->who, why);
				return CMD_REFUSED;
			}
			return 0;
		}
		if (r->body_case != RIGBOOK__RESPONSE__BODY_EVENT || r->event == NULL) {
			rigbook__response__free_unpacked(r, NULL);
			continue;
		}
		rc = s->on_event(s->arg, r->event, tz);
		if (rc == 0 && r->event->kind != NULL && strcmp(r->event->kind, "access_ended") == 0) {
			/* the token was revoked or expired, or the member disabled: no
			 * reconnection will sign in again */
			rigbook__response__free_unpacked(r, NULL);
			fprintf(stderr, _("rigbook: %s: access ended: the token or client certificate was "
					  "revoked or expired, or its member disabled; sign in with a valid one\n"),
				s->who);
			return CMD_REFUSED;
		}
		if (rc == 0 && r->event->kind != NULL && strcmp(r->event->kind, "dropped") == 0) {
			/* the server stopped this connection's events: a new one starts afresh */
			snprintf(why, whylen, "%s",
				 _("the server stopped sending events: this connection did not read "
				   "them fast enough"));
			rigbook__response__free_unpacked(r, NULL);
			if (s->once) {
				fprintf(stderr, "rigbook: %s: %s\n", s->who, why);
				return CMD_REFUSED;
			}
			return 0;
		}
		rigbook__response__free_unpacked(r, NULL);
		if (rc != 0)
			return rc;
	}
}

int stream_run(struct cmd_ctx *ctx, const struct stream *s)
{
	char tz[128] = "", why[640];
	int backoff = BACKOFF_FIRST_MS, first = 1, rc, final;

	stop_signal = 0;
	catch_signals();
	for (;;) {
		rc = subscribe(ctx, s, tz, sizeof(tz), &final);
		if (rc == CMD_OK) {
			backoff = BACKOFF_FIRST_MS;
			if ((rc = s->on_watching(s->arg, tz, first)) != 0)
				break;
			if (!first && (rc = resync(s, tz, N_("reconnected: events while the connection "
							     "was down were not heard"))) != 0)
				break;
			first = 0;
			why[0] = '\0';
			rc = pump(ctx, s, tz, why, sizeof(why));
			if (rc != 0 || stop_signal != 0)
				break;
			if (s->once) {
				fprintf(stderr,
					_("rigbook: %s: %s; events after this are not shown (run %s again)\n"),
					s->who, why, s->who);
				rc = CMD_FAILED;
				break;
			}
			fprintf(stderr, _("rigbook: %s: %s; reconnecting\n"), s->who, why);
		} else if (rc == CMD_USAGE || s->once || final) {
			/* a wrong configuration, a token or resource that is not (or no longer)
			 * good, or no retries asked for */
			break;
		}
		cmd_close(ctx);
		/* full jitter keeps many agents from reconnecting in step */
		stream_sleep(backoff / 2 + (int)(random() % (backoff / 2 + 1)));
		if (stop_signal != 0) {
			rc = CMD_OK;
			break;
		}
		if (backoff < BACKOFF_MAX_MS)
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
	if (stop_signal != 0)
		rc = CMD_OK;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return rc;
}
