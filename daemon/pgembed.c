#include "pgembed.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "config.h"
#include "log.h"

#define DB_NAME "rigbook"
/* What rigbookd connects as: owns the database and its schema, may replicate, nothing more. */
#define APP_ROLE "rigbookd"
/* initdb's superuser: creating the role and the database, and maintenance. */
#define SUPER_ROLE "postgres"
/* The superuser (and the connecting role) of clusters made before the two were apart. */
#define OLD_SUPER_ROLE "rigbook"
/* In the data directory: the superuser's name (absent in a cluster made before). */
#define SUPER_FILE "rigbookd.superuser"
#define LOCK_FILE "rigbookd.lock"

/* Restarting a cluster that died: the first try at once, then backoff. */
#define RESTART_MIN_MS 500
#define RESTART_MAX_MS 30000
#define CHECK_INTERVAL_MS 1000

static struct {
	int started; /* we started it, so we stop it */
	char bindir[PATH_MAX];
	char datadir[PATH_MAX];
	char sockdir[PATH_MAX];
	char logfile[PATH_MAX];
	char super[64];
	uid_t uid;
	gid_t gid;
	int switch_user;
	int lock_fd;
	/* supervision, once the event loop runs */
	struct event_base *base;
	struct event *ev_check; /* is the postmaster there? */
	struct event *ev_retry; /* the next pg_ctl start */
	struct event *ev_child; /* SIGCHLD */
	pid_t child;            /* pg_ctl start in flight */
	pid_t postmaster;       /* the last one seen */
	int restarting;         /* gone, not yet back */
	int backoff_ms;
	pgembed_back_cb back;
	void *back_arg;
} E = { .lock_fd = -1 };

int pgembed_lookup_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	struct passwd *pw = getpwnam(name);

	if (pw == NULL) {
		snprintf(err, errlen,
			 "user '%s' does not exist; create it (useradd --system %s) or set run_as",
			 name, name);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int is_exec(const char *dir, const char *prog)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, prog);
	return access(p, X_OK) == 0;
}

static int find_bindir(const struct config *c, char *err, size_t errlen)
{
	FILE *f;
	glob_t g;

	if (c->pg_bindir[0] != '\0') {
		snprintf(E.bindir, sizeof(E.bindir), "%s", c->pg_bindir);
		if (!is_exec(E.bindir, "initdb") || !is_exec(E.bindir, "pg_ctl")) {
			snprintf(err, errlen, "pg_bindir %s has no initdb and pg_ctl", E.bindir);
			return -1;
		}
		return 0;
	}
	f = popen("pg_config --bindir 2>/dev/null", "r");
	if (f != NULL) {
		char line[PATH_MAX];

		if (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(E.bindir, sizeof(E.bindir), "%s", line);
		}
		pclose(f);
		if (E.bindir[0] != '\0' && is_exec(E.bindir, "initdb") && is_exec(E.bindir, "pg_ctl"))
			return 0;
	}
	/* Debian keeps the server programs per major version; take the newest. */
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		const char *best = NULL;
		long bestv = -1;

		for (size_t i = 0; i < g.gl_pathc; i++) {
			long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);

			if (v > bestv) {
				bestv = v;
				best = g.gl_pathv[i];
			}
		}
		snprintf(E.bindir, sizeof(E.bindir), "%.*s", (int)(strlen(best) - strlen("/initdb")),
			 best);
		globfree(&g);
		if (is_exec(E.bindir, "pg_ctl"))
			return 0;
	} else {
		globfree(&g);
	}
	snprintf(err, errlen,
		 "no PostgreSQL server programs found (install postgresql, or set pg_bindir or database_url)");
	return -1;
}

/*
 * In a child: become the cluster's user when root, leave our directory
 * (the cluster's user may not be able to enter it), send stdout and
 * stderr to out (when >= 0), and run argv.
 */
static void child_exec(char *const argv[], int new_session, int out)
{
	if (new_session)
		setsid(); /* a Ctrl-C on our terminal must not reach the postmaster */
	if (out >= 0 && (dup2(out, 1) < 0 || dup2(out, 2) < 0))
		_exit(126);
	if (E.switch_user && geteuid() == 0) {
		if (setgroups(0, NULL) != 0 || setgid(E.gid) != 0 || setuid(E.uid) != 0)
			_exit(126);
	}
	if (chdir("/") != 0)
		_exit(126);
	execv(argv[0], argv);
	_exit(127);
}

/*
 * Run argv (as the cluster's user when root) and wait, its output to out
 * (-1: ours).  Start-up and exit only.  Returns the exit status.
 */
static int run(char *const argv[], int new_session, int out)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0)
		child_exec(argv, new_session, out);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* run(), its output appended to the cluster's start-up log. */
static int run_logged(char *const argv[], int new_session)
{
	int fd = open(E.logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600), rc;

	if (fd >= 0 && E.switch_user && fchown(fd, E.uid, E.gid) != 0)
		log_warn("cannot give %s to the cluster's user", E.logfile);
	rc = run(argv, new_session, fd);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int mkdir_owned(const char *path, mode_t mode, char *err, size_t errlen)
{
	if (mkdir(path, mode) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (E.switch_user && chown(path, E.uid, E.gid) != 0) {
		snprintf(err, errlen, "cannot give %s to the cluster's user: %s", path, strerror(errno));
		return -1;
	}
	if (chmod(path, mode) != 0) {
		snprintf(err, errlen, "cannot set the mode of %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * One rigbookd per state directory, for its lifetime: a second one is
 * refused before it touches anything (the lock goes with the process,
 * however it ends; O_CLOEXEC keeps it from the postmaster).
 */
static int take_lock(const char *state, char *err, size_t errlen)
{
	char path[PATH_MAX], pid[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/" LOCK_FILE, state);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		n = (int)read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (e == EWOULDBLOCK)
			snprintf(err, errlen,
				 "another rigbookd (pid %s) manages the PostgreSQL cluster in %s; "
				 "refusing to start (one rigbookd per state_dir)",
				 pid[0] ? pid : "unknown", state);
		else
			snprintf(err, errlen, "cannot lock %s: %s", path, strerror(e));
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("cannot write the pid into %s", path);
	E.lock_fd = fd;
	return 0;
}

/* A blocking connection to the managed cluster (start-up only). */
static PGconn *connect_as(const char *role, const char *db, char *err, size_t errlen)
{
	const char *const keys[] = { "host", "port", "dbname", "user", "application_name", NULL };
	const char *const vals[] = { E.sockdir, "5432", db, role, "rigbookd", NULL };
	PGconn *pg = PQconnectdbParams(keys, vals, 0);
	char *nl;

	if (PQstatus(pg) == CONNECTION_OK)
		return pg;
	snprintf(err, errlen, "cannot reach the managed cluster as %s: %s", role,
		 PQerrorMessage(pg));
	while ((nl = strchr(err, '\n')) != NULL)
		*nl = nl[1] != '\0' ? ' ' : '\0';
	PQfinish(pg);
	return NULL;
}

static int exec_ok(PGconn *pg, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok)
		snprintf(err, errlen, "%s: %s", what, PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
							    ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
							    : PQerrorMessage(pg));
	PQclear(r);
	return ok ? 0 : -1;
}

/*
 * The role rigbookd connects as: LOGIN and REPLICATION (live events read a
 * logical replication stream), no superuser, no CREATEDB, no CREATEROLE.
 * Expected refusals (a booking that overlaps, a wrong token) are errors to
 * PostgreSQL: the role's own settings keep them out of the cluster's log
 * (rigbookd logs the unexpected ones itself).
 */
static const char ROLE_SQL[] =
	"DO $$ BEGIN"
	" IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" APP_ROLE "') THEN"
	"  CREATE ROLE " APP_ROLE " LOGIN REPLICATION;"
	" END IF;"
	" END $$;"
	"ALTER ROLE " APP_ROLE " LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;"
	"ALTER ROLE " APP_ROLE " SET log_min_messages = log;"
	"ALTER ROLE " APP_ROLE " SET log_min_error_statement = panic;";

/*
 * In the database: everything the earlier connecting role (the old
 * superuser) owns, given to the application's role, which must own the
 * schema to re-apply sql/ at every start.  Objects of extensions stay
 * theirs; sequences of identity and serial columns follow their tables.
 */
static const char OWNERS_SQL[] =
	"DO $$ DECLARE app oid := '" APP_ROLE "'::regrole; r record; BEGIN"
	" FOR r IN"
	"  SELECT format('ALTER %s %s OWNER TO " APP_ROLE "',"
	"    CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'"
	"     WHEN 'S' THEN 'SEQUENCE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END, c.oid::regclass) AS cmd"
	"  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	"  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c') AND c.relowner <> app"
	"   AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
	"   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
	"    AND d.objid = c.oid AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))"
	"  UNION ALL"
	"  SELECT format('ALTER %s %s OWNER TO " APP_ROLE "',"
	"    CASE p.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END, p.oid::regprocedure)"
	"  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
	"  WHERE p.proowner <> app AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
	"   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
	"    AND d.objid = p.oid AND d.deptype = 'e')"
	"  UNION ALL"
	"  SELECT format('ALTER TYPE %s OWNER TO " APP_ROLE "', t.oid::regtype)"
	"  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
	"  WHERE t.typtype IN ('e', 'd', 'r') AND t.typowner <> app"
	"   AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
	"   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass"
	"    AND d.objid = t.oid AND d.deptype = 'e')"
	"  UNION ALL"
	"  SELECT format('ALTER PUBLICATION %I OWNER TO " APP_ROLE "', pubname)"
	"  FROM pg_publication WHERE pubowner <> app"
	" LOOP EXECUTE r.cmd; END LOOP;"
	" END $$";

/*
 * As the superuser: the application's role, its database, and (in a
 * cluster made by an older rigbookd, where the superuser was the
 * connecting role) the schema handed over to it.
 */
static int ensure_roles(char *err, size_t errlen)
{
	PGconn *pg = connect_as(E.super, "postgres", err, errlen);
	PGresult *r;
	int rc = -1, exists = 0, owned = 0;

	if (pg == NULL)
		return -1;
	if (exec_ok(pg, ROLE_SQL, "cannot create the role " APP_ROLE, err, errlen) != 0)
		goto out;
	r = PQexec(pg, "SELECT pg_get_userbyid(datdba) = '" APP_ROLE "' FROM pg_database"
		       " WHERE datname = '" DB_NAME "'");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		exists = 1;
		owned = PQgetvalue(r, 0, 0)[0] == 't';
	}
	PQclear(r);
	if (!exists) {
		if (exec_ok(pg, "CREATE DATABASE " DB_NAME " OWNER " APP_ROLE
				" ENCODING 'UTF8' TEMPLATE template0",
			    "cannot create database " DB_NAME, err, errlen) != 0)
			goto out;
		log_info("created database " DB_NAME " owned by role " APP_ROLE);
	} else if (!owned) {
		PGconn *db;

		log_info("giving database " DB_NAME " and its schema to role " APP_ROLE
			 " (made by an earlier rigbookd, which connected as the superuser)");
		if (exec_ok(pg, "ALTER DATABASE " DB_NAME " OWNER TO " APP_ROLE,
			    "cannot give database " DB_NAME " to " APP_ROLE, err, errlen) != 0)
			goto out;
		db = connect_as(E.super, DB_NAME, err, errlen);
		if (db == NULL)
			goto out;
		if (exec_ok(db, OWNERS_SQL, "cannot give the schema to " APP_ROLE, err, errlen) != 0) {
			PQfinish(db);
			goto out;
		}
		PQfinish(db);
	}
	rc = 0;
out:
	PQfinish(pg);
	return rc;
}

/* Write path atomically (tmp, then rename), the cluster's user's, mode 0600. */
static int write_file(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 8];
	size_t n = strlen(text);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if ((E.switch_user && chown(tmp, E.uid, E.gid) != 0) || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot put %s in place: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * Who may connect, rewritten at every start (an older rigbookd's cluster
 * trusted every local connection): over the socket only, by peer
 * authentication, and only the cluster's own system user (and root, which
 * starts rigbookd before it drops to that user), as the superuser or the
 * application's role.  TCP is rejected here too, not only by
 * listen_addresses.
 */
static int write_hba(char *err, size_t errlen)
{
	char path[PATH_MAX], text[2048], osuser[128] = "";
	struct passwd *pw = getpwuid(E.switch_user ? E.uid : geteuid());
	size_t n = 0;

	if (pw == NULL) {
		snprintf(err, errlen, "cannot find the name of user %u", (unsigned)geteuid());
		return -1;
	}
	snprintf(osuser, sizeof(osuser), "%s", pw->pw_name);
	snprintf(path, sizeof(path), "%s/pg_hba.conf", E.datadir);
	snprintf(text, sizeof(text),
		 "# Written by rigbookd at every start: change rigbookd, not this.\n"
		 "# The unix socket only, by peer authentication (pg_ident.conf, map rigbook).\n"
		 "local   all           all                 peer map=rigbook\n"
		 "local   replication   all                 peer map=rigbook\n"
		 "host    all           all     all         reject\n"
		 "host    replication   all     all         reject\n");
	if (write_file(path, text, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/pg_ident.conf", E.datadir);
	n = (size_t)snprintf(text, sizeof(text),
			     "# Written by rigbookd at every start: change rigbookd, not this.\n"
			     "# MAPNAME  SYSTEM-USER  PG-USERNAME\n"
			     "rigbook    %s  %s\nrigbook    %s  %s\n",
			     osuser, APP_ROLE, osuser, E.super);
	if (E.switch_user && n < sizeof(text))
		snprintf(text + n, sizeof(text) - n, "rigbook    root  %s\nrigbook    root  %s\n",
			 APP_ROLE, E.super);
	return write_file(path, text, err, errlen);
}

/* s as a quoted configuration value: quotes doubled. */
static void conf_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/*
 * The cluster's settings, in its own configuration and not only on pg_ctl's
 * command line (a cluster started by hand is then the same): a file
 * rewritten at every start, included at the end of postgresql.conf, which
 * gets that line once (a cluster made before it too).
 *  - No TCP, and the socket in a directory only the cluster's user enters.
 *  - Live events read logical decoding messages over a replication
 *    connection with a temporary slot per rigbookd (events.c): wal_level =
 *    logical, wal senders and slots.
 *  - The log: no statement text after an error (a refused booking is an
 *    error to PostgreSQL), and collected into a week of daily files that
 *    are overwritten, each rotated early past 10 MB.
 */
#define SETTINGS_FILE "rigbookd.conf"
#define INCLUDE_LINE "include_if_exists = '" SETTINGS_FILE "'"

static int write_settings(const char *logdir, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX], conf[PATH_MAX], line[1024];
	int fd, bad, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" SETTINGS_FILE, E.datadir);
	snprintf(tmp, sizeof(tmp), "%s/" SETTINGS_FILE ".new", E.datadir);
	snprintf(conf, sizeof(conf), "%s/postgresql.conf", E.datadir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "# Written by rigbookd at every start: change rigbookd's configuration, not this.\n"
		   "listen_addresses = ''\n"
		   "unix_socket_directories = ");
	conf_quote(f, E.sockdir);
	fprintf(f, "\nunix_socket_permissions = 0700\n"
		   "port = 5432\n"
		   "password_encryption = 'scram-sha-256'\n"
		   "# live events: logical decoding messages, a temporary slot per rigbookd\n"
		   "wal_level = logical\n"
		   "max_wal_senders = 16\n"
		   "max_replication_slots = 16\n"
		   "# the log: no statements after errors; a week of daily files, at most 10 MB each\n"
		   "log_min_error_statement = panic\n"
		   "logging_collector = on\n"
		   "log_directory = ");
	conf_quote(f, logdir);
	fprintf(f, "\nlog_filename = 'postgresql-%%a.log'\n"
		   "log_file_mode = 0600\n"
		   "log_truncate_on_rotation = on\n"
		   "log_rotation_age = '1d'\n"
		   "log_rotation_size = '10MB'\n");
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "cannot write %s", tmp);
		unlink(tmp);
		return -1;
	}
	if ((E.switch_user && chown(tmp, E.uid, E.gid) != 0) || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot put %s in place: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	f = fopen(conf, "r");
	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s: %s", conf, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, INCLUDE_LINE, strlen(INCLUDE_LINE)) == 0)
			found = 1;
	fclose(f);
	if (found)
		return 0;
	/* at the end: it overrides what postgresql.conf said before it */
	f = fopen(conf, "a");
	if (f != NULL) {
		bad = fprintf(f, "\n# rigbookd's settings\n" INCLUDE_LINE "\n") < 0;
		if (fclose(f) == 0 && !bad)
			return 0;
	}
	snprintf(err, errlen, "cannot add the include of " SETTINGS_FILE " to %s", conf);
	return -1;
}

/* A setting of the running cluster into buf ("" when it cannot be read). */
static void cluster_setting(const char *name, char *buf, size_t len)
{
	const char *params[1] = { name };
	char err[256];
	PGconn *pg = connect_as(E.super, "postgres", err, sizeof(err));
	PGresult *r;

	buf[0] = '\0';
	if (pg == NULL)
		return;
	r = PQexecParams(pg, "SELECT current_setting($1)", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(pg);
}

/* The superuser's name: written at initdb; a cluster without the file is an older rigbookd's. */
static void read_super(void)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(E.super, sizeof(E.super), OLD_SUPER_ROLE);
	snprintf(path, sizeof(path), "%s/" SUPER_FILE, E.datadir);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(E.super, sizeof(E.super), f) == NULL)
		snprintf(E.super, sizeof(E.super), OLD_SUPER_ROLE);
	E.super[strcspn(E.super, "\n")] = '\0';
	fclose(f);
}

/* The postmaster's pid from its pid file, 0 when there is none. */
static pid_t postmaster_pid(void)
{
	char path[PATH_MAX], line[32];
	FILE *f;
	long pid = 0;

	snprintf(path, sizeof(path), "%s/postmaster.pid", E.datadir);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fgets(line, sizeof(line), f) != NULL)
		pid = strtol(line, NULL, 10);
	fclose(f);
	return pid > 0 ? (pid_t)pid : 0;
}

static int postmaster_alive(void)
{
	pid_t pid = postmaster_pid();
	char path[64], line[256];
	const char *paren;
	FILE *f;
	int alive;

	if (pid <= 0)
		return 0;
	E.postmaster = pid;
	alive = kill(pid, 0) == 0 || errno == EPERM;
	if (!alive)
		return 0;
	/* a killed postmaster nobody has reaped yet is not running */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 1;
	if (fgets(line, sizeof(line), f) != NULL && (paren = strrchr(line, ')')) != NULL &&
	    paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'))
		alive = 0;
	fclose(f);
	return alive;
}

int pgembed_start(const struct config *c, char *conninfo, size_t len, char *err, size_t errlen)
{
	char state[PATH_MAX], pgdir[PATH_MAX], logdir[PATH_MAX], verfile[PATH_MAX],
		initdb[PATH_MAX], pgctl[PATH_MAX];
	struct stat st;

	if (find_bindir(c, err, errlen) != 0)
		return -1;
	if (geteuid() == 0) {
		if (pgembed_lookup_user(c->run_as, &E.uid, &E.gid, err, errlen) != 0)
			return -1;
		E.switch_user = 1;
	}
	if (mkdir(c->state_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create state_dir %s: %s", c->state_dir, strerror(errno));
		return -1;
	}
	if (realpath(c->state_dir, state) == NULL) {
		snprintf(err, errlen, "cannot resolve state_dir %s: %s", c->state_dir, strerror(errno));
		return -1;
	}
	/* before anything else: a second rigbookd here touches nothing */
	if (take_lock(state, err, errlen) != 0)
		return -1;
	if (strlen(state) + strlen("/pg/run/.s.PGSQL.5432") >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(err, errlen,
			 "state_dir %s is too long: the cluster's socket, %s/pg/run/.s.PGSQL.5432, "
			 "would not fit in a unix socket's %zu bytes; choose a shorter path",
			 state, state, sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		return -1;
	}
	snprintf(pgdir, sizeof(pgdir), "%s/pg", state);
	snprintf(E.datadir, sizeof(E.datadir), "%s/pg/data", state);
	snprintf(E.sockdir, sizeof(E.sockdir), "%s/pg/run", state);
	snprintf(logdir, sizeof(logdir), "%s/pg/log", state);
	snprintf(E.logfile, sizeof(E.logfile), "%s/pg/postgresql.log", state);
	snprintf(verfile, sizeof(verfile), "%s/PG_VERSION", E.datadir);
	snprintf(initdb, sizeof(initdb), "%s/initdb", E.bindir);
	snprintf(pgctl, sizeof(pgctl), "%s/pg_ctl", E.bindir);

	if (mkdir_owned(pgdir, 0700, err, errlen) != 0 ||
	    mkdir_owned(E.sockdir, 0700, err, errlen) != 0 ||
	    mkdir_owned(logdir, 0700, err, errlen) != 0)
		return -1;
	if (E.switch_user) {
		char *argv[] = { "/usr/bin/test", "-w", E.sockdir, NULL };

		if (run(argv, 0, -1) != 0) {
			snprintf(err, errlen,
				 "user %s cannot reach %s (is a parent directory private, like /root?); "
				 "set state_dir to a path it can reach, e.g. /var/lib/rigbook",
				 c->run_as, pgdir);
			return -1;
		}
	}

	if (stat(verfile, &st) != 0) {
		char *argv[] = { initdb, "-D", E.datadir, "-U", SUPER_ROLE, "-A", "peer", "-E", "UTF8",
				 "--locale=C", "--no-instructions", NULL };
		char path[PATH_MAX];
		int rc;

		log_info("creating a PostgreSQL cluster in %s", E.datadir);
		/* initdb chatters on stdout; keep it in the cluster's log */
		rc = run_logged(argv, 0);
		if (rc != 0) {
			snprintf(err, errlen, "initdb failed (exit %d); see %s", rc, E.logfile);
			return -1;
		}
		snprintf(path, sizeof(path), "%s/" SUPER_FILE, E.datadir);
		if (write_file(path, SUPER_ROLE "\n", err, errlen) != 0)
			return -1;
	}
	read_super();

	if (write_settings(logdir, err, errlen) != 0 || write_hba(err, errlen) != 0)
		return -1;
	if (postmaster_alive()) {
		char wal_level[32];
		char *reload[] = { pgctl, "-D", E.datadir, "-s", "reload", NULL };

		/*
		 * Nobody holds the lock, so no rigbookd runs it: an earlier one
		 * died, or it was started by hand.  Used, and left running at exit.
		 */
		log_warnx("the managed cluster in %s is already running (pid %d) and no rigbookd "
			  "manages it; using it, and leaving it running at exit",
			  E.datadir, (int)E.postmaster);
		if (run_logged(reload, 0) != 0)
			log_warnx("pg_ctl reload failed; its access rules may be an older rigbookd's");
		/* one started before its settings had logical decoding: restart it once */
		cluster_setting("wal_level", wal_level, sizeof(wal_level));
		if (wal_level[0] != '\0' && strcmp(wal_level, "logical") != 0) {
			char *argv[] = { pgctl, "-D", E.datadir, "-l", E.logfile, "-m", "fast", "-w",
					 "-t", "120", "-s", "restart", NULL };

			log_info("restarting PostgreSQL for wal_level = logical (it has %s)", wal_level);
			if (run_logged(argv, 1) != 0) {
				snprintf(err, errlen, "PostgreSQL did not restart; see %s and %s",
					 E.logfile, logdir);
				return -1;
			}
			E.started = 1;
		}
	} else {
		char *argv[] = { pgctl, "-D", E.datadir, "-l", E.logfile, "-w", "-t", "120", "-s",
				 "start", NULL };

		log_info("starting PostgreSQL (log: %s)", logdir);
		if (run_logged(argv, 1) != 0) {
			snprintf(err, errlen, "PostgreSQL did not start; see %s and %s", E.logfile,
				 logdir);
			return -1;
		}
		E.started = 1;
	}
	E.postmaster = postmaster_pid();
	if (ensure_roles(err, errlen) != 0)
		return -1;
	snprintf(conninfo, len, "host=%s port=5432 dbname=" DB_NAME " user=" APP_ROLE
		 " application_name=rigbookd", E.sockdir);
	return 0;
}

/* ---------------------------------------------------------------- supervision */

static void start_child(void);

static void retry_later(void)
{
	struct timeval tv;

	E.backoff_ms = E.backoff_ms == 0 ? RESTART_MIN_MS : E.backoff_ms * 2;
	if (E.backoff_ms > RESTART_MAX_MS)
		E.backoff_ms = RESTART_MAX_MS;
	tv.tv_sec = E.backoff_ms / 1000;
	tv.tv_usec = (E.backoff_ms % 1000) * 1000;
	evtimer_add(E.ev_retry, &tv);
}

/* pg_ctl start, as a child watched by SIGCHLD: the loop does not wait for it. */
static void start_child(void)
{
	char pgctl[PATH_MAX];
	char *argv[] = { pgctl, "-D", E.datadir, "-l", E.logfile, "-w", "-t", "60", "-s", "start",
			 NULL };
	int fd;
	pid_t pid;

	snprintf(pgctl, sizeof(pgctl), "%s/pg_ctl", E.bindir);
	fd = open(E.logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid = fork();
	if (pid == 0)
		child_exec(argv, 1, fd);
	if (fd >= 0)
		close(fd);
	if (pid < 0) {
		log_warn("cannot run pg_ctl start; trying again in %d ms", E.backoff_ms);
		retry_later();
		return;
	}
	E.child = pid;
	log_info("starting PostgreSQL again (pg_ctl pid %d)", (int)pid);
}

static void child_cb(evutil_socket_t sig, short what, void *arg)
{
	int status;
	pid_t pid;

	/* reap every child: a postmaster reparented to us (we may be pid 1) too */
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != E.child || E.child == 0)
			continue;
		E.child = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && postmaster_alive()) {
			log_info("PostgreSQL is running again (pid %d)", (int)E.postmaster);
			E.restarting = 0;
			E.backoff_ms = 0;
			E.started = 1;
			if (E.back != NULL)
				E.back(E.back_arg);
			continue;
		}
		retry_later();
		log_warnx("pg_ctl start failed (%s %d); trying again in %d ms (see %s)",
			  WIFEXITED(status) ? "exit" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), E.backoff_ms,
			  E.logfile);
	}
}

static void retry_cb(evutil_socket_t fd, short what, void *arg)
{
	if (E.child == 0)
		start_child();
}

static void check_cb(evutil_socket_t fd, short what, void *arg)
{
	if (E.restarting || postmaster_alive())
		return;
	E.restarting = 1;
	E.backoff_ms = 0;
	log_warnx("the managed PostgreSQL (pid %d) is gone; starting it again", (int)E.postmaster);
	start_child();
}

int pgembed_supervise(struct event_base *base, pgembed_back_cb back, void *arg)
{
	struct timeval tv = { CHECK_INTERVAL_MS / 1000, (CHECK_INTERVAL_MS % 1000) * 1000 };

	if (E.datadir[0] == '\0')
		return 0;
	E.base = base;
	E.back = back;
	E.back_arg = arg;
	E.ev_check = event_new(base, -1, EV_PERSIST, check_cb, NULL);
	E.ev_retry = evtimer_new(base, retry_cb, NULL);
	E.ev_child = evsignal_new(base, SIGCHLD, child_cb, NULL);
	if (E.ev_check == NULL || E.ev_retry == NULL || E.ev_child == NULL ||
	    evsignal_add(E.ev_child, NULL) != 0 || event_add(E.ev_check, &tv) != 0)
		return -1;
	return 0;
}

static void unsupervise(void)
{
	if (E.ev_check != NULL)
		event_free(E.ev_check);
	if (E.ev_retry != NULL)
		event_free(E.ev_retry);
	if (E.ev_child != NULL)
		event_free(E.ev_child);
	E.ev_check = E.ev_retry = E.ev_child = NULL;
	if (E.child > 0) {
		int status;

		/* a start in flight: let it finish, then stop what it started */
		while (waitpid(E.child, &status, 0) < 0 && errno == EINTR)
			;
		E.child = 0;
		E.started = 1;
	}
}

void pgembed_stop(void)
{
	char pgctl[PATH_MAX];

	unsupervise();
	if (E.started) {
		char *argv[] = { pgctl, "-D", E.datadir, "-m", "fast", "-w", "-s", "stop", NULL };

		snprintf(pgctl, sizeof(pgctl), "%s/pg_ctl", E.bindir);
		if (run(argv, 0, -1) != 0)
			log_warnx("pg_ctl stop failed for %s", E.datadir);
		else
			log_info("stopped PostgreSQL");
		E.started = 0;
	}
	if (E.lock_fd >= 0) {
		close(E.lock_fd);
		E.lock_fd = -1;
	}
}
