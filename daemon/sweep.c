#include "sweep.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "metrics.h"

/* Bookings marked per round; a full round is followed by another at once. */
#define SWEEP_BATCH 500
#define SWEEP_BATCH_TEXT "500"

static struct {
	struct event *timer;
	int interval;
	int busy;    /* a round is in flight */
	int stopped;
	void (*idle)(void);
} S;

static void arm(int seconds)
{
	struct timeval tv = { seconds, 0 };

	if (S.timer != NULL && !S.stopped && S.interval > 0)
		evtimer_add(S.timer, &tv);
}

static void sweep_done_cb(void *arg, const struct db_result *res, const struct db_error *err)
{
	char ids[256];
	size_t off = 0;
	int n = 0;

	S.busy = 0;
	if (err != NULL) {
		if (!S.stopped)
			log_warnx("no-show sweep: %s", err->message);
	} else {
		n = db_ntuples(res);
		metrics_sweep(n);
		ids[0] = '\0';
		for (int i = 0; i < n && off < sizeof(ids) - 24; i++) {
			int w = snprintf(ids + off, sizeof(ids) - off, "%s%s", i > 0 ? " " : "",
					 db_get(res, i, SWEEP_ID));

			if (w < 0)
				break;
			off += (size_t)w;
		}
		if (n > 0)
			log_info("no-show sweep: marked %d booking(s) as no-shows: %s%s", n, ids,
				 off >= sizeof(ids) - 24 ? " ..." : "");
	}
	if (S.stopped) {
		void (*idle)(void) = S.idle;

		S.idle = NULL;
		if (idle != NULL)
			idle();
		return;
	}
	arm(n == SWEEP_BATCH ? 0 : S.interval);
}

static void sweep_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	static const char *const params[1] = { SWEEP_BATCH_TEXT };
	int code;

	if (S.busy || S.stopped || S.interval == 0)
		return;
	code = db_query(STMT_SWEEP_NO_SHOWS, params, 1, sweep_done_cb, NULL);
	if (code != 0) {
		log_debug("no-show sweep: the database is not reachable now; next try in %d s",
			  S.interval);
		arm(S.interval);
		return;
	}
	S.busy = 1;
}

int sweep_start(struct event_base *base, int interval)
{
	memset(&S, 0, sizeof(S));
	S.timer = evtimer_new(base, sweep_timer_cb, NULL);
	if (S.timer == NULL)
		return -1;
	S.interval = interval;
	arm(interval);
	if (interval > 0)
		log_info("marking no-shows every %d s", interval);
	return 0;
}

void sweep_set_interval(int interval)
{
	if (S.timer == NULL || S.stopped || interval == S.interval)
		return;
	S.interval = interval;
	evtimer_del(S.timer);
	if (interval > 0 && !S.busy)
		arm(interval);
	if (interval > 0)
		log_info("marking no-shows every %d s", interval);
	else
		log_info("no longer marking no-shows");
}

void sweep_stop(void (*idle)(void))
{
	S.stopped = 1;
	S.idle = S.busy ? idle : NULL;
	if (S.timer != NULL)
		evtimer_del(S.timer);
}

void sweep_free(void)
{
	if (S.timer != NULL)
		event_free(S.timer);
	memset(&S, 0, sizeof(S));
}
