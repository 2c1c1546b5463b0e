/*
 * interlock: run beside an instrument and switch it with the bookings.
 * When someone checks in to a booking of CODE, run --on-start; when the
 * last one checked in checks out (or the booking ends otherwise), run
 * --on-stop.  The commands run under /bin/sh with the booking in the
 * environment (RIGBOOK_ACTION, RIGBOOK_RESOURCE, RIGBOOK_BOOKING,
 * RIGBOOK_MEMBER, RIGBOOK_STARTUP, RIGBOOK_START, RIGBOOK_END, RIGBOOK_REASON).
 *
 * What the instrument should be is always asked of the server (is a booking
 * of CODE checked in now?), on every event about CODE, after every
 * reconnection and every --reconcile period; events only prompt the
 * question, so one missed while disconnected changes nothing.  The state
 * file remembers what was last switched, so a restart of the agent runs a
 * command only when the instrument's state must change.  It reconnects with
 * backoff when the server goes away, logs each action on stderr, and exits
 * non-zero only on a usage error (a wrong command line, token or resource).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "i18n.h"
#include "rigbook/names.h"
#include "stream.h"

/* How far back a checked-in booking may have started (an overrun included). */
#define LOOKBACK_SECONDS (2 * 86400)

struct interlock {
	struct cmd_ctx *ctx;   /* the event stream */
	struct cmd_ctx query;  /* a second connection for the questions */
	const char *code;
	const char *on_start, *on_stop;
	const char *state_file;
	int timeout_s;         /* a command that runs longer is killed */
	/* what the instrument is switched to: -1 unknown, 0 off, 1 on (for booking) */
	int on;
	uint64_t booking;
	/* the last checked_in event, for the commands' environment */
	uint64_t ev_booking;
	char ev_member[64], ev_startup[64];
};

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logf_(const char *fmt, ...)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s rigbook interlock: ", ts);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void iso(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		buf[0] = '\0';
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ------------------------------------------------------------ state file */

static void state_load(struct interlock *il)
{
	FILE *f;
	char word[8];
	uint64_t id = 0;

	il->on = -1;
	if (il->state_file == NULL)
		return;
	f = fopen(il->state_file, "r");
	if (f == NULL) {
		if (errno != ENOENT)
			logf_(_("cannot read %s: %s; the instrument's state is taken as unknown"),
			      il->state_file, strerror(errno));
		return;
	}
	if (fscanf(f, "%7s %" SCNu64, word, &id) >= 1) {
		if (strcmp(word, "on") == 0) {
			il->on = 1;
			il->booking = id;
		} else if (strcmp(word, "off") == 0) {
			il->on = 0;
			il->booking = 0;
		}
	}
	fclose(f);
	if (il->on < 0)
		logf_(_("%s does not say on or off; the instrument's state is taken as unknown"),
		      il->state_file);
}

/* Written whole or not at all: a temporary file renamed over the old one. */
static void state_save(const struct interlock *il)
{
	char tmp[4096];
	FILE *f;

	if (il->state_file == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", il->state_file);
	f = fopen(tmp, "w");
	if (f == NULL) {
		logf_(_("cannot write %s: %s"), tmp, strerror(errno));
		return;
	}
	if (il->on)
		fprintf(f, "on %" PRIu64 "\n", il->booking);
	else
		fprintf(f, "off\n");
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, il->state_file) != 0)
		logf_(_("cannot write %s: %s"), il->state_file, strerror(errno));
}

/* ------------------------------------------------------------ commands */

/* Run cmd under /bin/sh with the booking in the environment; its exit status
 * (0 done), or -1 when it could not run or was killed. */
static int run(const struct interlock *il, const char *action, const char *cmd,
	       const Rigbook__Busy *b, const char *reason)
{
	char id[24] = "", start[32] = "", end[32] = "";
	pid_t pid;
	int status = 0, waited;

	if (b != NULL) {
		if (b->booking_id != 0)
			snprintf(id, sizeof(id), "%" PRIu64, b->booking_id);
		iso(b->start, start, sizeof(start));
		iso(b->end, end, sizeof(end));
	} else if (il->booking != 0) {
		snprintf(id, sizeof(id), "%" PRIu64, il->booking);
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int same = b != NULL && b->booking_id != 0 && b->booking_id == il->ev_booking;

		setenv("RIGBOOK_ACTION", action, 1);
		setenv("RIGBOOK_RESOURCE", il->code, 1);
		setenv("RIGBOOK_BOOKING", id, 1);
		setenv("RIGBOOK_MEMBER", same ? il->ev_member : "", 1);
		setenv("RIGBOOK_STARTUP", same ? il->ev_startup : "", 1);
		setenv("RIGBOOK_START", start, 1);
		setenv("RIGBOOK_END", end, 1);
		setenv("RIGBOOK_REASON", reason, 1);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (int ms = 0;; ms += 50) {
		waited = waitpid(pid, &status, WNOHANG);
		if (waited == pid)
			break;
		if (waited < 0 && errno != EINTR)
			return -1;
		if (ms >= il->timeout_s * 1000) {
			logf_(_("--on-%s ran longer than %d s: killing it"), action, il->timeout_s);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

/* ------------------------------------------------------------ the question */

/*
 * Ask the server whether a booking of the resource is checked in now, and
 * switch the instrument when it must change.  Trouble reaching the server
 * changes nothing (the next period asks again).
 */
static void reconcile(struct interlock *il, const char *reason)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AvailabilityRequest ar = RIGBOOK__AVAILABILITY_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__Busy *in = NULL;
	int64_t now = (int64_t)time(NULL);
	int want, rc;

	ar.resource_code = (char *)il->code;
	ar.from = now - LOOKBACK_SECONDS;
	ar.to = now + 60;
	req.body_case = RIGBOOK__REQUEST__BODY_AVAILABILITY;
	req.availability = &ar;
	rc = cmd_call(&il->query, &req, RIGBOOK__RESPONSE__BODY_AVAILABILITY, &resp);
	if (rc != CMD_OK) {
		cmd_close(&il->query);
		logf_(_("cannot ask whether %s is in use; keeping the instrument %s"), il->code,
		      il->on == 1   ? C_("instrument", "on")
		      : il->on == 0 ? C_("instrument", "off")
				    : C_("instrument", "as it is"));
		return;
	}
	for (size_t i = 0; resp->availability != NULL && i < resp->availability->n_busy; i++) {
		const Rigbook__Busy *b = resp->availability->busy[i];

		if (b->state == RIGBOOK__BOOKING_STATE__CHECKED_IN && b->start <= now + 60) {
			/* the one switched on for stays the one, while it lasts */
			if (in == NULL || b->booking_id == il->booking)
				in = b;
		}
	}
	want = in != NULL;
	if (want && il->on == 1) {
		if (in->booking_id != 0 && in->booking_id != il->booking) {
			il->booking = in->booking_id; /* another booking carries on: no switching */
			state_save(il);
		}
	} else if (want != il->on) {
		const char *action = want ? "start" : "stop";

		if (want)
			logf_(_("%s: booking %" PRIu64 " is checked in (%s): running --on-start"), il->code,
			      in->booking_id, reason);
		else
			logf_(_("%s: nobody is checked in (%s): running --on-stop"), il->code, reason);
		rc = run(il, action, want ? il->on_start : il->on_stop, in, reason);
		if (rc == 0) {
			il->on = want;
			il->booking = want ? in->booking_id : 0;
			state_save(il);
			logf_(_("%s: --on-%s done; the instrument is %s"), il->code, action,
			      want ? C_("instrument", "on") : C_("instrument", "off"));
		} else {
			logf_(_("%s: --on-%s failed (%s %d); trying again at the next event or period"),
			      il->code, action,
			      rc < 0 ? C_("interlock", "status") : C_("interlock", "exit"), rc);
		}
	}
	rigbook__response__free_unpacked(resp, NULL);
}

static int il_watching(void *arg, const char *tz, int first)
{
	struct interlock *il = arg;

	if (first)
		logf_(_("watching %s"), il->code);
	else
		logf_(_("watching %s again"), il->code);
	if (first)
		reconcile(il, "start");
	return 0;
}

static int il_event(void *arg, const Rigbook__Event *e, const char *tz)
{
	struct interlock *il = arg;
	const char *kind = e->kind != NULL ? e->kind : "";

	if (strcmp(kind, "resync") == 0) {
		reconcile(il, "resync");
		return 0;
	}
	if (e->resource_code == NULL || strcmp(e->resource_code, il->code) != 0 || e->closure_id != 0)
		return 0;
	if (strcmp(kind, "checked_in") == 0) {
		il->ev_booking = e->booking_id;
		snprintf(il->ev_member, sizeof(il->ev_member), "%s", e->member_handle ? e->member_handle : "");
		snprintf(il->ev_startup, sizeof(il->ev_startup), "%s",
			 e->startup_code ? e->startup_code : "");
	}
	if (strcmp(kind, "checked_in") == 0 || strcmp(kind, "completed") == 0 ||
	    strcmp(kind, "no_show") == 0 || strcmp(kind, "cancelled") == 0 ||
	    strcmp(kind, "moved") == 0 || strcmp(kind, "handed_over") == 0)
		reconcile(il, kind);
	return 0;
}

static int il_tick(void *arg)
{
	reconcile(arg, "period");
	return 0;
}

static const struct cmd_opt interlock_opts[] = {
	{ "on-start", 1, NULL },
	{ "on-stop", 1, NULL },
	{ "state-file", 1, NULL },
	{ "reconcile", 1, NULL },
	{ "command-timeout", 1, NULL },
	{ NULL, 0, NULL },
};

static int cmd_interlock_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct interlock il = {
		.ctx = ctx,
		.code = args->pos[0],
		.on_start = cmd_arg(args, "on-start"),
		.on_stop = cmd_arg(args, "on-stop"),
		.state_file = cmd_arg(args, "state-file"),
		.timeout_s = 60,
	};
	uint32_t period = 60, timeout = 60;
	struct stream s = {
		.code = args->pos[0],
		.who = "interlock",
		.on_watching = il_watching,
		.on_event = il_event,
		.on_tick = il_tick,
		.arg = &il,
	};
	int rc;

	if (il.on_start == NULL || il.on_start[0] == '\0' || il.on_stop == NULL || il.on_stop[0] == '\0')
		return cmd_usage_error(ctx, _("give both --on-start and --on-stop"));
	if (cmd_arg(args, "reconcile") != NULL &&
	    cmd_count_arg(ctx, "--reconcile", cmd_arg(args, "reconcile"), 1, 86400, 0, &period) != CMD_OK)
		return CMD_USAGE;
	if (cmd_arg(args, "command-timeout") != NULL &&
	    cmd_count_arg(ctx, "--command-timeout", cmd_arg(args, "command-timeout"), 1, 3600, 0,
			  &timeout) != CMD_OK)
		return CMD_USAGE;
	il.timeout_s = (int)timeout;
	s.tick_ms = (int)period * 1000;
	il.query.opts = ctx->opts;
	il.query.config_path = ctx->config_path;
	il.query.entry = ctx->entry;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	state_load(&il);
	if (il.on >= 0)
		logf_(_("%s: the state file says the instrument is %s"), il.code,
		      il.on ? C_("instrument", "on") : C_("instrument", "off"));

	rc = stream_run(ctx, &s);
	cmd_close(&il.query);
	if (rc == CMD_OK)
		logf_("%s", _("stopped"));
	/* only a usage error is an error: a token or resource the server refuses is one */
	return rc == CMD_OK ? CMD_OK : CMD_USAGE;
}

const struct cmd_entry cmd_interlock_entry = {
	.name = "interlock",
	.usage = "CODE --on-start CMD --on-stop CMD [--state-file FILE] [--reconcile SECONDS] "
		 "[--command-timeout SECONDS]",
	.summary = N_("switch an instrument on at check-in and off at check-out (an agent; staff)"),
	.options = interlock_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_interlock_exec,
};
