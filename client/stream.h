/*
 * A watch that lasts: subscribe to a resource's (or every) live events and
 * hand each to a callback, reconnecting with backoff when the server goes
 * away, until a signal (SIGINT, SIGTERM) or the callback says stop.  After a
 * reconnect, and whenever the server says events were lost, the callback
 * gets a "resync" event (no resource): re-read whatever it shows.  Used by
 * `watch` and `interlock`.
 */
#ifndef RIGBOOK_CLIENT_STREAM_H
#define RIGBOOK_CLIENT_STREAM_H

#include "cmd.h"

struct stream {
	const char *code; /* NULL: every resource */
	int once;         /* do not reconnect: end when the connection does (watch --once) */
	int tick_ms;      /* on_tick about this often; 0: never */
	const char *who;  /* for messages: "watch", "interlock" */
	/* Each call returns 0 to go on, or a command status to stop with it. */
	int (*on_watching)(void *arg, const char *time_zone, int first);
	int (*on_event)(void *arg, const Rigbook__Event *e, const char *time_zone);
	int (*on_tick)(void *arg);
	void *arg;
};

/* CMD_OK when stopped by a signal; else the status that ended it. */
int stream_run(struct cmd_ctx *ctx, const struct stream *s);

/* Whether a signal asked the stream to stop (for callbacks that wait). */
int stream_stopping(void);

/* Sleep ms milliseconds, or less when a signal asks to stop. */
void stream_sleep(int ms);

#endif
