/*
 * The embedded default: when no database_url is configured, rigbookd runs a
 * private PostgreSQL cluster under state_dir/pg (initdb on first run),
 * listening only on a unix socket in a directory nobody else can enter,
 * letting in only its own system user by peer authentication, and stops it
 * on exit if it started it.  rigbookd connects as the role rigbookd, which
 * owns the database and may replicate but is no superuser; initdb's
 * superuser (postgres) is for creating them and for maintenance.  As root,
 * the cluster runs as the run_as user.
 *
 * state_dir/rigbookd.lock is held (flock) for the daemon's lifetime: a
 * second rigbookd on the same state_dir refuses before it touches anything.
 *
 * pgembed_start and pgembed_stop block (start-up and exit); once the loop
 * runs, pgembed_supervise watches the postmaster and starts it again, with
 * backoff, when it dies, running pg_ctl as a child watched by SIGCHLD.
 */
#ifndef RIGBOOKD_PGEMBED_H
#define RIGBOOKD_PGEMBED_H

#include <stddef.h>
#include <sys/types.h>

struct config;
struct event_base;

/* The user to run as when started as root. */
int pgembed_lookup_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Lock state_dir, start (and first create) the cluster; fill conninfo for libpq. */
int pgembed_start(const struct config *c, char *conninfo, size_t len, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Called when a cluster that died is running again. */
typedef void (*pgembed_back_cb)(void *arg);

/* Watch the managed cluster from the loop (a no-op without one). */
int pgembed_supervise(struct event_base *base, pgembed_back_cb back, void *arg)
	__attribute__((warn_unused_result));

/* Stop watching; stop the cluster if this process started it; release the lock. */
void pgembed_stop(void);

#endif
