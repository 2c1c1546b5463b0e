/*
 * Schema migrations (migrations/NNNN_name.sql, compiled in).  Run at
 * start-up with blocking libpq, before the event loop: each missing one in
 * its own transaction, under an advisory lock so that daemons starting
 * together do not race, recorded in schema_migrations.
 */
#ifndef RIGBOOKD_MIGRATE_H
#define RIGBOOKD_MIGRATE_H

#include <stddef.h>

struct migration {
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const int n_migrations;

int migrate_run(const char *conninfo, char *err, size_t errlen) __attribute__((warn_unused_result));

/* Run an SQL file in one transaction (demo or fixture data). */
int migrate_seed(const char *conninfo, const char *path, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
