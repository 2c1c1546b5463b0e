#include "migrate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "events.h"
#include "log.h"

/* pg_advisory_lock key: "rigbook" */
#define MIGRATE_LOCK "7526067011264099"

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static int exec_ok(PGconn *pg, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s: %s", what, PQresultErrorMessage(r));
		chomp(err);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

static void quiet(void *arg, const char *message)
{
}

static PGconn *connect_db(const char *conninfo, char *err, size_t errlen)
{
	PGconn *pg = PQconnectdb(conninfo);

	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s", PQerrorMessage(pg));
		chomp(err);
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, quiet, NULL); /* "already exists, skipping" is not news */
	return pg;
}

static int applied(PGconn *pg, const char *name, int *yes, char *err, size_t errlen)
{
	const char *params[1] = { name };
	PGresult *r = PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
				   NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "cannot read schema_migrations: %s", PQresultErrorMessage(r));
		chomp(err);
		PQclear(r);
		return -1;
	}
	*yes = PQntuples(r) > 0;
	PQclear(r);
	return 0;
}

static int check_unknown(PGconn *pg, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, "SELECT version FROM schema_migrations ORDER BY version");
	int rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "cannot read schema_migrations: %s", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		const char *v = PQgetvalue(r, i, 0);
		int known = 0;

		for (int j = 0; j < n_migrations; j++)
			if (strcmp(migrations[j].name, v) == 0)
				known = 1;
		if (!known) {
			snprintf(err, errlen,
				 "the database has migration %s, which this rigbookd does not know; run a newer rigbookd",
				 v);
			rc = -1;
		}
	}
	PQclear(r);
	return rc;
}

int migrate_run(const char *conninfo, char *err, size_t errlen)
{
	PGconn *pg = connect_db(conninfo, err, errlen);
	int rc = -1, count = 0;

	if (pg == NULL)
		return -1;
	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", "cannot take the migration lock",
		    err, errlen) != 0)
		goto out;
	if (exec_ok(pg,
		    "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
		    "cannot create schema_migrations", err, errlen) != 0)
		goto unlock;
	if (check_unknown(pg, err, errlen) != 0)
		goto unlock;

	for (int i = 0; i < n_migrations; i++) {
		const struct migration *m = &migrations[i];
		const char *params[1] = { m->name };
		char what[160];
		PGresult *r;
		int yes;

		if (applied(pg, m->name, &yes, err, errlen) != 0)
			goto unlock;
		if (yes)
			continue;
		snprintf(what, sizeof(what), "migration %s failed", m->name);
		if (exec_ok(pg, "BEGIN", what, err, errlen) != 0)
			goto unlock;
		if (exec_ok(pg, m->sql, what, err, errlen) != 0) {
			PQclear(PQexec(pg, "ROLLBACK"));
			goto unlock;
		}
		r = PQexecParams(pg, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, NULL,
				 params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			snprintf(err, errlen, "%s: %s", what, PQresultErrorMessage(r));
			chomp(err);
			PQclear(r);
			PQclear(PQexec(pg, "ROLLBACK"));
			goto unlock;
		}
		PQclear(r);
		if (exec_ok(pg, "COMMIT", what, err, errlen) != 0)
			goto unlock;
		log_info("applied migration %s", m->name);
		count++;
	}
	if (count == 0)
		log_info("schema is up to date (%d migrations)", n_migrations);
	/* how rb_emit_event() announces changes (events.c), in a transaction of its own */
	if (exec_ok(pg, "BEGIN", "cannot define the event transport", err, errlen) != 0)
		goto unlock;
	if (events_define_transport(pg, events_transport_wanted(), err, errlen) != 0) {
		PQclear(PQexec(pg, "ROLLBACK"));
		goto unlock;
	}
	if (exec_ok(pg, "COMMIT", "cannot define the event transport", err, errlen) != 0)
		goto unlock;
	rc = 0;
unlock:
	PQclear(PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")"));
out:
	PQfinish(pg);
	return rc;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "out of memory reading %s", path);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int migrate_seed(const char *conninfo, const char *path, char *err, size_t errlen)
{
	char what[300];
	char *sql = slurp(path, err, errlen);
	PGconn *pg;
	int rc = -1;

	if (sql == NULL)
		return -1;
	pg = connect_db(conninfo, err, errlen);
	if (pg == NULL) {
		free(sql);
		return -1;
	}
	snprintf(what, sizeof(what), "loading %s", path);
	if (exec_ok(pg, "BEGIN", what, err, errlen) == 0) {
		if (exec_ok(pg, sql, what, err, errlen) == 0 &&
		    exec_ok(pg, "COMMIT", what, err, errlen) == 0) {
			log_info("loaded %s", path);
			rc = 0;
		} else {
			PQclear(PQexec(pg, "ROLLBACK"));
		}
	}
	PQfinish(pg);
	free(sql);
	return rc;
}
