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
/* Members whose change the replica may not hold yet: an open-addressed table, probed this far. */
#define FENCES 4096
#define FENCE_PROBES 32

struct sample {
	uint64_t at;       /* when the question was sent (metrics_now_usec) */
	uint64_t flushed;  /* the end of the primary's flushed WAL then: every commit (synchronous) */
	uint64_t inserted; /* ... of its inserted WAL: every commit answered, asynchronous ones too */
};

static struct {
	struct event *tick;
	int configured;
	uint64_t max_lag_us;
	int busy;          /* a round (primary, then replica) is out */
	uint64_t asked_at; /* when this round's question to the primary was sent */
	struct sample s[SAMPLES]; /* oldest first, ends increasing */
	int ns;
	uint64_t caught_at; /* the replica holds all the primary had flushed then; 0: none */
	uint64_t all_at;    /* ... and all it had inserted: every commit answered before; 0: none */
	int up;             /* the last round's replica question was answered by a standby */
	double lag;         /* when last asked; -1: not known */
	int said; /* the state last logged: 0 none, 1 in use, 2 behind, 3 down, 4 not a standby */
	struct fence {
		uint64_t member; /* 0: free */
		uint64_t at;     /* the answer to their last change */
	} f[FENCES];
	int nf;
	uint64_t fence_all; /* a change that found no room: every read waits for it; 0: none */
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

static struct fence *fence_of(uint64_t member, int add)
{
	uint32_t h = (uint32_t)((member * 0x9E3779B97F4A7C15ull) >> 52); /* 12 bits */

	for (int i = 0; i < FENCE_PROBES; i++) {
		struct fence *f = &RP.f[(h + (uint32_t)i) % FENCES];

		if (f->member == member)
			return f;
		if (f->member == 0) {
			if (!add)
				return NULL;
			f->member = member;
			RP.nf++;
			return f;
		}
	}
	return NULL;
}

void replica_wrote(uint64_t member_id, uint64_t at)
{
	struct fence *f;

	if (!RP.configured)
		return;
	f = fence_of(member_id, 1);
	if (f != NULL)
		f->at = at;
	else
		RP.fence_all = at;
}

/* Forget the fences the replica has passed: the table is rebuilt with the others. */
static void fences_passed(void)
{
	static struct fence keep[FENCES];
	int n = 0;

	if (RP.fence_all != 0 && RP.fence_all < RP.all_at)
		RP.fence_all = 0;
	if (RP.nf == 0)
		return;
	for (int i = 0; i < FENCES; i++)
		if (RP.f[i].member != 0 && RP.f[i].at >= RP.all_at)
			keep[n++] = RP.f[i];
	memset(RP.f, 0, sizeof(RP.f));
	RP.nf = 0;
	for (int i = 0; i < n; i++)
		replica_wrote(keep[i].member, keep[i].at);
}

int replica_read_ok(uint64_t member_id)
{
	const struct fence *f;

	if (!RP.configured || !fresh(metrics_now_usec()))
		return 0;
	if (RP.fence_all != 0 && RP.fence_all >= RP.all_at)
		return 0;
	f = fence_of(member_id, 0);
	return f == NULL || f->at < RP.all_at;
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
	int k = -1, all = -1;

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
	/* the newest ends it has replayed past: it holds all the primary had then */
	for (int i = 0; i < RP.ns; i++) {
		if (RP.s[i].flushed <= replayed)
			k = i;
		if (RP.s[i].inserted <= replayed)
			all = i;
	}
	if (k >= 0 && RP.s[k].at > RP.caught_at)
		RP.caught_at = RP.s[k].at;
	if (all >= 0 && RP.s[all].at > RP.all_at)
		RP.all_at = RP.s[all].at;
	RP.lag = RP.ns > 0 && RP.s[RP.ns - 1].flushed <= replayed ? 0
		 : RP.caught_at != 0 ? (double)(now - RP.caught_at) / 1e6
				     : -1;
	if (all > 0) { /* inserted >= flushed: what is before it is needed no more */
		memmove(RP.s, RP.s + all, sizeof(RP.s[0]) * (size_t)(RP.ns - all));
		RP.ns -= all;
	}
	fences_passed();
	if (fresh(now))
		say(1, "in use, %.3f s behind the primary", RP.lag);
	else
		say(2, "more than max_replica_lag (%d s) behind the primary; reads go to the primary",
		    (int)(RP.max_lag_us / 1000000));
}

static void wal_end_cb(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct sample s = { RP.asked_at, 0, 0 };
	int code;

	if (err == NULL) {
		s.flushed = lsn_parse(db_get(res, 0, WAL_LSN));
		s.inserted = lsn_parse(db_get(res, 0, WAL_INSERTED));
	}
	if (s.flushed == 0 || s.inserted < s.flushed) {
		RP.busy = 0; /* the primary's trouble is the pool's to tell */
		return;
	}
	if (RP.ns == SAMPLES) {
		memmove(RP.s, RP.s + 1, sizeof(RP.s[0]) * (SAMPLES - 1));
		RP.ns--;
	}
	RP.s[RP.ns++] = s;
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
