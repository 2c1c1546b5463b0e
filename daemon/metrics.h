/*
 * What an operator watches: counters kept by the event loop and served as
 * Prometheus text on a second, plain-HTTP listener (metrics_listen), with
 * GET /healthz answering 200 while the database answers.  Label values are
 * bounded: request types and codes from the wire's tables, refusal reasons
 * from the documented set (others are counted as "other"); never an id or a
 * name.  Counting costs a few additions; with no listener nothing is served
 * but the counts are kept.
 */
#ifndef RIGBOOK_METRICS_H
#define RIGBOOK_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct event_base;

/* Serve on LISTEN (comma-separated host:port, IPv6 as [::1]:port); empty:
 * no listener.  0, or -1 with err filled. */
int metrics_start(struct event_base *base, const char *listen, char *err, size_t errlen);
void metrics_stop(void);

/* One answer to a request of TYPE (the dispatch table's name), with wire
 * CODE (0: OK), REASON ("" or NULL when none), after USEC microseconds. */
void metrics_answer(const char *type, int code, const char *reason, uint64_t usec);

/* Connections: accepted, signed in, closed (was it signed in), refused
 * before or at accept by CAUSE (a fixed word: "max_connections", ...). */
void metrics_conn_opened(void);
void metrics_conn_authenticated(void);
void metrics_conn_closed(int authenticated);
void metrics_conn_refused(const char *cause);

/* A TLS handshake that completed (ok) or failed. */
void metrics_tls_handshake(int ok);

/* A no-show sweep that ran, and how many bookings it marked. */
void metrics_sweep(int marked);

/* Microseconds on a monotonic clock, for latencies. */
uint64_t metrics_now_usec(void);

#endif
