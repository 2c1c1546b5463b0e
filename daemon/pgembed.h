/*
 * The embedded default: when no database_url is configured, rigbookd runs a
 * private PostgreSQL cluster under state_dir/pg (initdb on first run),
 * listening only on a unix socket in a directory nobody else can enter, and
 * stops it on exit.  As root, the cluster runs as the run_as user.
 * Start-up and exit only: these calls block.
 */
#ifndef RIGBOOKD_PGEMBED_H
#define RIGBOOKD_PGEMBED_H

#include <stddef.h>
#include <sys/types.h>

struct config;

/* The user to run as when started as root; 0 when not root. */
int pgembed_lookup_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Start (and first create) the cluster; fill conninfo for libpq. */
int pgembed_start(const struct config *c, char *conninfo, size_t len, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Stop the cluster if this process started it. */
void pgembed_stop(void);

#endif
