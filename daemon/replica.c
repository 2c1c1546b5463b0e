#include "replica.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "rigbook.pb-c.h"

/* The primary's WAL ends not yet replayed that are kept (older ones are dropped: more caution). */
#define SAMPLES 64

struct sample {
	uint64_t at;  /* when the question was sent (metrics_now_usec) */
	uint64_t lsn; /* the end of the primary's WAL then */
};

static struct {
	struct event *tick;
	int configured;
	uint64_t max_lag_us;
	int busy;          /* a round (primary, then replica) is out */
	uint64_t asked_at; /* when this round's question to the primary was sent */
	struct sample s[SAMPLES]; /* oldest first, ends increasing */
	int ns;
	uint64_t caught_at; /* the replica holds all the primary had committed then; 0: none */
	int up;             /* the last round's replica question was answered by a standby */
	double lag;         /* when last asked; -1: not known */
	int said;           /* the state last logged: 0 none, 1 in use, 2 behind, 3 down, 4 not a standby */
} RP;

/* "16/B374D848" as a number; 0 when it is not one. */
static uint64_t lsn_parse(const char *s)
{
	unsigned int hi, lo;
	char end;

	if (sscanf(s, "%X/%X%c", &hi, &lo, &end) != 2)
		return 0;
	return (uint64_t)hi << 32 | lo;
}

static void say(int state, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Log a change of state, once. */
static void say(int state, const char *fmt, ...)
{
	char m[256];
	va_list ap;

	if (state == RP.said)
		return;
	RP.said = state;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (state == 1)
		log_info("replica: %s", m);
	else
		log_warnx("replica: %s", m);
}

static int fresh(uint64_t now)
{
	return RP.up && RP.caught_at != 0 && now - RP.caught_at <= RP.max_lag_us &&
	       db_replica_live() > 0;
}

int replica_read_ok(uint64_t wrote_at)
{
	return RP.configured && wrote_at < RP.caught_at && fresh(metrics_now_usec());
}

void replica_status(int *configured, int *up, int *in_use, double *lag)
{
	*configured = RP.configured;
	*up = RP.up && db_replica_live() > 0;
	*in_use = RP.configured && fresh(metrics_now_usec());
	*lag = RP.lag;
}

static void down(const char *why)
{
	RP.up = 0;
	RP.lag = -1;
	say(3, "%s; reads go to the primary until it answers again", why);
}

static void replayed_cb(void *arg, const struct db_result *res, const struct db_error *err)
{
	uint64_t now = metrics_now_usec(), replayed;
	int k = -1;

	RP.busy = 0;
	if (!RP.configured)
		return; /* stopping */
	if (err != NULL) {
		down(err->message);
		return;
	}
	if (db_isnull(res, 0, WAL_LSN)) {
		RP.up = 0;
		RP.lag = -1;
		say(4, "read_database_url is not a standby in recovery; reads go to the primary");
		return;
	}
	replayed = lsn_parse(db_get(res, 0, WAL_LSN));
	RP.up = 1;
	/* the newest end it has replayed past: it holds all the primary had committed then */
	for (int i = 0; i < RP.ns && RP.s[i].lsn <= replayed; i++)
		k = i;
	if (k >= 0) {
		if (RP.s[k].at > RP.caught_at)
			RP.caught_at = RP.s[k].at;
		memmove(RP.s, RP.s + k, sizeof(RP.s[0]) * (size_t)(RP.ns - k));
		RP.ns -= k;
	}
	RP.lag = RP.ns > 0 && RP.s[RP.ns - 1].lsn <= replayed ? 0
		 : RP.caught_at != 0			      ? (double)(now - RP.caught_at) / 1e6
							      : -1;
	if (fresh(now))
		say(1, "in use, %.3f s behind the primary", RP.lag);
	else
		say(2, "more than max_replica_lag (%d s) behind the primary; reads go to the primary",
		    (int)(RP.max_lag_us / 1000000));
}

static void wal_end_cb(void *arg, const struct db_result *res, const struct db_error *err)
{
	uint64_t lsn;
	int code;

	if (err != NULL || (lsn = lsn_parse(db_get(res, 0, WAL_LSN))) == 0) {
		RP.busy = 0; /* the primary's trouble is the pool's to tell */
		return;
	}
	if (RP.ns == SAMPLES) {
		memmove(RP.s, RP.s + 1, sizeof(RP.s[0]) * (SAMPLES - 1));
		RP.ns--;
	}
	if (RP.ns == 0 || lsn >= RP.s[RP.ns - 1].lsn)
		RP.s[RP.ns++] = (struct sample){ RP.asked_at, lsn };
	code = db_replica_query(STMT_REPLAY_LSN, NULL, 0, replayed_cb, NULL);
	if (code != 0) {
		RP.busy = 0;
		down(code == RIGBOOK__ERROR_CODE__UNAVAILABLE ? "no connection to it"
							       : "its query queue is full");
	}
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	if (RP.busy)
		return; /* the last round has not come back: it is no fresher */
	RP.asked_at = metrics_now_usec();
	if (db_query(STMT_WAL_END, NULL, 0, wal_end_cb, NULL) == 0)
		RP.busy = 1;
}

int replica_start(struct event_base *base, const struct config *c)
{
	/* asked four times within max_replica_lag, at most twice a second */
	int ms = c->max_replica_lag * 1000 / 4 < 500 ? c->max_replica_lag * 1000 / 4 : 500;
	struct timeval every = { ms / 1000, (ms % 1000) * 1000 };

	memset(&RP, 0, sizeof(RP));
	RP.lag = -1;
	if (c->read_database_url[0] == '\0')
		return 0;
	RP.configured = 1;
	RP.max_lag_us = (uint64_t)c->max_replica_lag * 1000000u;
	if (db_replica_start(base, c->read_database_url,
			     c->read_pool_size > 0 ? c->read_pool_size : c->pool_size, c->max_queue,
			     c->db_timeout) != 0)
		return -1;
	RP.tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	if (RP.tick == NULL || event_add(RP.tick, &every) != 0)
		return -1;
	log_info("reads that may lag go to read_database_url while it is at most %d s behind",
		 c->max_replica_lag);
	return 0;
}

void replica_stop(void)
{
	if (RP.tick != NULL)
		event_free(RP.tick);
	RP.tick = NULL;
	RP.configured = 0;
}
