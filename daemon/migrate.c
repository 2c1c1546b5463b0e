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

/* The 1-based line of a byte offset in text, for an error's position. */
static int line_of(const char *text, long offset)
{
	int line = 1;

	for (long i = 0; i < offset && text[i] != '\0'; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/* Run one file of SQL; an error names the file and the line. */
static int exec_file(PGconn *pg, const char *file, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	const char *pos;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	if (pos != NULL)
		snprintf(err, errlen, "%s:%d: %s", file, line_of(sql, strtol(pos, NULL, 10) - 1),
			 PQresultErrorMessage(r));
	else
		snprintf(err, errlen, "%s: %s", file, PQresultErrorMessage(r));
	chomp(err);
	PQclear(r);
	return -1;
}

/*
 * What the database has applied must be what this rigbookd would have
 * applied: the same names, in the same order, with the same checksums.
 * A database made before the baseline is refused with what to do.
 */
static int check_applied(PGconn *pg, int *napplied, char *err, size_t errlen)
{
	PGresult *r;
	int rc = 0;

	r = PQexec(pg, "SELECT to_regclass('schema_migrations') IS NOT NULL, "
		       "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('schema_migrations') "
		       "AND attname = 'sha256' AND NOT attisdropped)");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "cannot read schema_migrations: %s", PQresultErrorMessage(r));
		chomp(err);
		PQclear(r);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		PQclear(r);
		*napplied = 0;
		return exec_ok(pg,
			       "CREATE TABLE schema_migrations ("
			       " version text PRIMARY KEY,"
			       " sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),"
			       " applied_at timestamptz NOT NULL DEFAULT now())",
			       "cannot create schema_migrations", err, errlen);
	}
	if (strcmp(PQgetvalue(r, 0, 1), "t") != 0) {
		PQclear(r);
		snprintf(err, errlen,
			 "this database was made by a rigbook older than 0.2.0, whose migrations were "
			 "folded into one baseline; it cannot be upgraded. Start afresh: with the "
			 "embedded database, stop rigbookd and remove the 'pg' directory under its "
			 "state_dir; with your own PostgreSQL, drop and recreate the database");
		return -1;
	}
	PQclear(r);

	r = PQexec(pg, "SELECT version, sha256, to_char(applied_at, 'YYYY-MM-DD HH24:MI') "
		       "FROM schema_migrations ORDER BY version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "cannot read schema_migrations: %s", PQresultErrorMessage(r));
		chomp(err);
		PQclear(r);
		return -1;
	}
	*napplied = PQntuples(r);
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		const char *v = PQgetvalue(r, i, 0), *sum = PQgetvalue(r, i, 1);

		rc = -1;
		if (i >= n_migrations)
			snprintf(err, errlen,
				 "the database has migration %s, which this rigbookd does not know; "
				 "run a newer rigbookd",
				 v);
		else if (strcmp(migrations[i].name, v) != 0)
			snprintf(err, errlen,
				 "the database's migrations are not those of this rigbookd: it has %s "
				 "where this rigbookd has migrations/%s.sql",
				 v, migrations[i].name);
		else if (strcmp(migrations[i].sha256, sum) != 0)
			snprintf(err, errlen,
				 "migrations/%s.sql is not the file that was applied to this database "
				 "on %s (sha256 %.12s..., now %.12s...): an applied migration is never "
				 "edited; restore it and put the change in a new migration",
				 v, PQgetvalue(r, i, 2), sum, migrations[i].sha256);
		else
			rc = 0;
	}
	PQclear(r);
	return rc;
}

/*
 * Views are made anew from sql/ at every start: dropping them first lets a
 * migration change the tables under them, and a view's columns change
 * freely.  CASCADE takes the functions that return a view's rows too; the
 * files make them again in the same transaction.
 */
static const char drop_views[] =
	"DO $$DECLARE v regclass; BEGIN "
	"FOR v IN SELECT c.oid FROM pg_class c WHERE c.relkind = 'v' "
	"AND c.relnamespace = current_schema()::regnamespace "
	"AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass "
	"AND d.objid = c.oid AND d.deptype = 'e') "
	"LOOP EXECUTE format('DROP VIEW IF EXISTS %s CASCADE', v); END LOOP; END $$";

/*
 * What sql/ no longer defines goes: a trigger or function that the files
 * did not (re)write in this transaction is from an older rigbookd.  Before
 * the files run, the identity (oid) and version (xmin) of every trigger
 * and function of the schema is noted; those still at the noted version
 * afterwards were not written.  Functions that the schema itself depends
 * on (a CHECK constraint's) are the migrations' and stay, as do an
 * extension's and rb_event_transport(), which events.c defines (and
 * rewrites only when the transport changes).
 */
static const char note_code[] =
	"CREATE TEMP TABLE rb_code_before ON COMMIT DROP AS "
	"SELECT 'pg_proc'::regclass AS cls, p.oid, p.xmin AS ver FROM pg_proc p "
	"WHERE p.pronamespace = current_schema()::regnamespace "
	"UNION ALL SELECT 'pg_trigger'::regclass, t.oid, t.xmin FROM pg_trigger t "
	"JOIN pg_class c ON c.oid = t.tgrelid "
	"WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace";

static const char drop_stale[] =
	"DO $$DECLARE x record; BEGIN "
	"FOR x IN SELECT t.tgname, t.tgrelid::regclass AS rel FROM pg_trigger t "
	"JOIN rb_code_before b ON b.cls = 'pg_trigger'::regclass AND b.oid = t.oid AND b.ver = t.xmin "
	"LOOP RAISE NOTICE 'dropping trigger % on %: no file defines it', x.tgname, x.rel; "
	"EXECUTE format('DROP TRIGGER %I ON %s', x.tgname, x.rel); END LOOP; "
	"FOR x IN SELECT p.oid::regprocedure AS fn FROM pg_proc p "
	"JOIN rb_code_before b ON b.cls = 'pg_proc'::regclass AND b.oid = p.oid AND b.ver = p.xmin "
	"WHERE p.proname <> 'rb_event_transport' "
	"AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
	"AND d.objid = p.oid AND d.deptype = 'e') "
	"AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_proc'::regclass "
	"AND d.refobjid = p.oid) "
	"LOOP RAISE NOTICE 'dropping function %: no file defines it', x.fn; "
	"EXECUTE format('DROP FUNCTION %s', x.fn); END LOOP; END $$";

/*
 * A function whose file now gives it another result type, other parameter
 * names or fewer defaults cannot be replaced in place: PostgreSQL refuses
 * with a hint "Use DROP FUNCTION f(args) first."  Such a function is
 * dropped (with what depends on it, a trigger say) and the files are run
 * again from the first, until one pass runs clean.  Every other function is
 * replaced in place, keeping its identity, so the sessions of other daemons
 * running it meanwhile never lose it.
 */
static int drop_hinted(PGconn *pg, const PGresult *r, char *err, size_t errlen)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
	static const char pre[] = "Use DROP FUNCTION ", post[] = " first.";
	char sql[600];
	size_t n;

	if (state == NULL || strcmp(state, "42P13") != 0 || hint == NULL ||
	    strncmp(hint, pre, sizeof(pre) - 1) != 0)
		return -1;
	hint += sizeof(pre) - 1;
	n = strlen(hint);
	if (n <= sizeof(post) - 1 || strcmp(hint + n - (sizeof(post) - 1), post) != 0)
		return -1;
	n -= sizeof(post) - 1;
	/* a signature as PostgreSQL prints one: name(type, ...) */
	if (n == 0 || n > 400 || strspn(hint, "abcdefghijklmnopqrstuvwxyz0123456789_(), .[]\"") < n)
		return -1;
	snprintf(sql, sizeof(sql), "DROP FUNCTION %.*s CASCADE", (int)n, hint);
	log_info("%.*s: its file changed its shape; dropping it to make it anew", (int)n, hint);
	return exec_ok(pg, sql, "cannot drop a function to make it anew", err, errlen);
}

static int apply_code(PGconn *pg, char *err, size_t errlen)
{
	int drops = 0;

	for (int i = 0; i < n_sql_files; i++) {
		PGresult *r;
		ExecStatusType st;

		if (exec_ok(pg, "SAVEPOINT sql_file", "cannot apply sql/", err, errlen) != 0)
			return -1;
		r = PQexec(pg, sql_files[i].sql);
		st = PQresultStatus(r);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
			PQclear(r);
			if (exec_ok(pg, "RELEASE SAVEPOINT sql_file", "cannot apply sql/", err, errlen) != 0)
				return -1;
			continue;
		}
		if (exec_ok(pg, "ROLLBACK TO SAVEPOINT sql_file", "cannot apply sql/", err, errlen) != 0) {
			PQclear(r);
			return -1;
		}
		if (drops < 1000 && drop_hinted(pg, r, err, errlen) == 0) {
			PQclear(r);
			drops++;
			i = -1; /* from the first file again */
			continue;
		}
		PQclear(r);
		/* run it again outside the savepoint for the error with its line */
		if (exec_file(pg, sql_files[i].path, sql_files[i].sql, err, errlen) == 0) {
			snprintf(err, errlen, "%s failed once and then not", sql_files[i].path);
		}
		return -1;
	}
	return 0;
}

static int apply(PGconn *pg, int napplied, char *err, size_t errlen)
{
	int count = 0;

	if (events_transport_possible(pg, events_transport_wanted(), err, errlen) != 0 ||
	    exec_ok(pg, "SET LOCAL check_function_bodies = off", "cannot prepare the schema", err,
		    errlen) != 0 ||
	    exec_ok(pg, drop_views, "cannot drop the views to make them anew", err, errlen) != 0)
		return -1;
	for (int i = napplied; i < n_migrations; i++) {
		const struct migration *m = &migrations[i];
		const char *params[2] = { m->name, m->sha256 };
		char file[128];
		PGresult *r;

		snprintf(file, sizeof(file), "migrations/%s.sql", m->name);
		if (exec_file(pg, file, m->sql, err, errlen) != 0)
			return -1;
		r = PQexecParams(pg, "INSERT INTO schema_migrations (version, sha256) VALUES ($1, $2)",
				 2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			snprintf(err, errlen, "cannot record %s: %s", file, PQresultErrorMessage(r));
			chomp(err);
			PQclear(r);
			return -1;
		}
		PQclear(r);
		log_info("applying migration %s", m->name);
		count++;
	}
	if (exec_ok(pg, note_code, "cannot note the functions there are", err, errlen) != 0 ||
	    apply_code(pg, err, errlen) != 0)
		return -1;
	if (events_define_transport(pg, events_transport_wanted(), err, errlen) != 0)
		return -1;
	if (exec_ok(pg, drop_stale, "cannot drop what sql/ no longer defines", err, errlen) != 0)
		return -1;
	if (count == 0)
		log_info("schema is up to date (%d migrations); %d sql files applied", n_migrations,
			 n_sql_files);
	return 0;
}

static void notice(void *arg, const PGresult *r)
{
	const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

	/* "already exists, skipping" is not news; what drop_stale drops is */
	if (sev != NULL && msg != NULL && strcmp(sev, "NOTICE") == 0 && strncmp(msg, "dropping ", 9) == 0)
		log_info("%s", msg);
}

int migrate_run(const char *conninfo, char *err, size_t errlen)
{
	PGconn *pg = connect_db(conninfo, err, errlen);
	int rc = -1, napplied = 0;

	if (pg == NULL)
		return -1;
	PQsetNoticeReceiver(pg, notice, NULL);
	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", "cannot take the migration lock",
		    err, errlen) != 0)
		goto out;
	if (exec_ok(pg, "BEGIN", "cannot begin the migration", err, errlen) != 0)
		goto unlock;
	if (check_applied(pg, &napplied, err, errlen) != 0 ||
	    apply(pg, napplied, err, errlen) != 0) {
		PQclear(PQexec(pg, "ROLLBACK"));
		goto unlock;
	}
	if (exec_ok(pg, "COMMIT", "cannot commit the migration", err, errlen) != 0)
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
