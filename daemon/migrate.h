/*
 * The schema, run at start-up with blocking libpq before the event loop,
 * under an advisory lock so that daemons starting together do not race.
 *
 * migrations/NNNN_name.sql are forward-only DDL, compiled in with their
 * SHA-256 (daemon/embed_sql.py).  Each applied one is recorded in
 * schema_migrations with its checksum.  A database whose applied list is
 * not a prefix of the compiled one, or whose recorded checksum differs from
 * the file's, is refused: a migration that has been applied never changes.
 *
 * sql/DOMAIN.sql hold every function, view and trigger, each defined once.
 * They are re-applied in a fixed order at every start, in the same
 * transaction as any missing migrations, so the live body of every function
 * is always its file's; what the files no longer define is dropped.
 */
#ifndef RIGBOOKD_MIGRATE_H
#define RIGBOOKD_MIGRATE_H

#include <stddef.h>

struct migration {
	const char *name;   /* "0001_baseline" */
	const char *sha256; /* of the file's bytes, lower-case hex */
	const char *sql;
};

struct sql_file {
	const char *path; /* "sql/booking.sql" */
	const char *sql;
};

extern const struct migration migrations[];
extern const int n_migrations;
extern const struct sql_file sql_files[];
extern const int n_sql_files;

/*
 * Apply what is missing and re-apply sql/ in one transaction, with the
 * event transport (events_set_transport_wanted) defined in it.
 */
int migrate_run(const char *conninfo, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Run an SQL file in one transaction (demo or fixture data). */
int migrate_seed(const char *conninfo, const char *path, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
