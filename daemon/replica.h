/*
 * Reads on a hot standby (read_database_url), with bounded staleness.
 *
 * A timer asks the primary for the end of its WAL and then the replica how
 * far it has replayed, from the event loop, through the pools.  The
 * primary's answers are kept with the instant each question was sent; once
 * the replica has replayed past one, it holds everything the primary had
 * committed at that instant ("caught up to" it).  A read of the dispatch
 * table's REPLICA rows goes to the replica only when
 *   - its pool has a connection up and the last question was answered,
 *   - it is caught up to an instant at most max_replica_lag ago, and
 *   - it is caught up to an instant after the answer to the connection's
 *     last request that may have changed something (conn_wrote_at): a
 *     connection reads its own writes.
 * Otherwise the primary answers, and so it does when the replica fails
 * (db_query_read).  Nothing here compares clocks of two machines.
 */
#ifndef RIGBOOKD_REPLICA_H
#define RIGBOOKD_REPLICA_H

#include <stdint.h>

struct config;
struct event_base;

/* Start the replica's pool and the timer, once the primary's pool is ready;
 * nothing when read_database_url is empty.  0, or -1. */
int replica_start(struct event_base *base, const struct config *c)
	__attribute__((warn_unused_result));
void replica_stop(void);

/* Whether a read of a connection whose last change was answered at
 * wrote_at (metrics_now_usec; 0: none) may go to the replica now. */
int replica_read_ok(uint64_t wrote_at);

/*
 * For metrics: whether a replica is configured, up (connected and
 * answering as a standby), in use (reads go there), and how far behind it
 * was when last asked, in seconds (0: it had replayed all the primary had
 * written; -1: not known).
 */
void replica_status(int *configured, int *up, int *in_use, double *lag);

#endif
