/*
 * Reads on a hot standby (read_database_url), with bounded staleness.
 *
 * A timer asks the primary for the ends of its WAL and then the replica how
 * far it has replayed, from the event loop, through the pools.  The
 * primary's answers are kept with the instant each question was sent; once
 * the replica has replayed past one, it holds what the primary had then:
 * past its flushed end, every commit (caught_at); past its inserted end,
 * every commit answered before, asynchronous ones too (all_at).  A read of
 * the dispatch table's REPLICA rows goes to the replica only when
 *   - its pool has a connection up and the last question was answered,
 *   - caught_at is at most max_replica_lag ago, and
 *   - all_at is after the answer to the member's last request through
 *     this daemon that may have changed something (replica_wrote): a
 *     member reads their own writes, on any of their connections.
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

/* Whether a read of member_id may go to the replica now. */
int replica_read_ok(uint64_t member_id);

/*
 * A request of member_id that may have changed something was answered at
 * at (metrics_now_usec): their reads stay on the primary until the replica
 * holds what the primary had then.
 */
void replica_wrote(uint64_t member_id, uint64_t at);

/*
 * For metrics: whether a replica is configured, up (connected and
 * answering as a standby), in use (reads go there), and how far behind it
 * was when last asked, in seconds (0: it had replayed all the primary had
 * written; -1: not known).
 */
void replica_status(int *configured, int *up, int *in_use, double *lag);

#endif
