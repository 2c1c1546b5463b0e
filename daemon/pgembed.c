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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "config.h"
#include "log.h"

#define DB_NAME "rigbook"
#define DB_USER "rigbook"

static struct {
	int started; /* we started it, so we stop it */
	char bindir[PATH_MAX];
	char datadir[PATH_MAX];
	uid_t uid;
	gid_t gid;
	int switch_user;
} E;

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

/* Run argv (as the cluster's user when root) and wait.  Returns the exit status. */
static int run(char *const argv[], int new_session)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (new_session)
			setsid(); /* a Ctrl-C on our terminal must not reach the postmaster */
		if (E.switch_user) {
			if (setgroups(0, NULL) != 0 || setgid(E.gid) != 0 || setuid(E.uid) != 0)
				_exit(126);
		}
		/* the cluster's user may not be able to enter our working directory */
		if (chdir("/") != 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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

static int ensure_database(const char *sockdir, char *err, size_t errlen)
{
	char ci[PATH_MAX + 64];
	PGconn *pg;
	PGresult *r;
	int rc = -1;

	snprintf(ci, sizeof(ci), "host=%s port=5432 dbname=postgres user=" DB_USER, sockdir);
	pg = PQconnectdb(ci);
	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot reach the managed cluster: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	r = PQexec(pg, "SELECT 1 FROM pg_database WHERE datname = '" DB_NAME "'");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		rc = 0;
	} else {
		PQclear(r);
		r = PQexec(pg, "CREATE DATABASE " DB_NAME " ENCODING 'UTF8' TEMPLATE template0");
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			log_info("created database " DB_NAME);
			rc = 0;
		} else {
			snprintf(err, errlen, "cannot create database " DB_NAME ": %s",
				 PQresultErrorMessage(r));
		}
	}
	PQclear(r);
	PQfinish(pg);
	return rc;
}

/*
 * The cluster's settings, in its own configuration and not only on pg_ctl's
 * command line (a cluster started by hand is then the same): a file
 * rewritten at every start, included at the end of postgresql.conf, which
 * gets that line once (a cluster made before it too).  Live events read
 * logical decoding messages over a replication connection with a temporary
 * slot per rigbookd (events.c): wal_level = logical, wal senders and slots.
 * The connecting role is the superuser initdb made (-U), so it may
 * replicate, and initdb's -A trust lets it in over the socket: a logical
 * replication connection matches pg_hba.conf's "local all" line like any
 * other connection to the database.
 */
#define SETTINGS_FILE "rigbookd.conf"
#define INCLUDE_LINE "include_if_exists = '" SETTINGS_FILE "'"

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

static int write_settings(const char *sockdir, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX], conf[PATH_MAX], line[1024];
	int fd, bad, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" SETTINGS_FILE, E.datadir);
	snprintf(tmp, sizeof(tmp), "%s/" SETTINGS_FILE ".new", E.datadir);
	snprintf(conf, sizeof(conf), "%s/postgresql.conf", E.datadir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
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
	conf_quote(f, sockdir);
	fprintf(f, "\nport = 5432\n"
		   "# live events: logical decoding messages, a temporary slot per rigbookd\n"
		   "wal_level = logical\n"
		   "max_wal_senders = 16\n"
		   "max_replication_slots = 16\n");
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
static void cluster_setting(const char *sockdir, const char *name, char *buf, size_t len)
{
	char ci[PATH_MAX + 64];
	const char *params[1] = { name };
	PGconn *pg;
	PGresult *r;

	buf[0] = '\0';
	snprintf(ci, sizeof(ci), "host=%s port=5432 dbname=postgres user=" DB_USER, sockdir);
	pg = PQconnectdb(ci);
	if (PQstatus(pg) == CONNECTION_OK) {
		r = PQexecParams(pg, "SELECT current_setting($1)", 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			snprintf(buf, len, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	PQfinish(pg);
}

int pgembed_start(const struct config *c, char *conninfo, size_t len, char *err, size_t errlen)
{
	char state[PATH_MAX], pgdir[PATH_MAX], sockdir[PATH_MAX], logfile[PATH_MAX],
		verfile[PATH_MAX], opts[PATH_MAX + 128], initdb[PATH_MAX], pgctl[PATH_MAX];
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
	if (strlen(state) > 60) {
		/* unix socket paths are limited to 107 bytes; keep well inside */
		log_warnx("state_dir %s is long; the socket path may not fit", state);
	}
	snprintf(pgdir, sizeof(pgdir), "%s/pg", state);
	snprintf(E.datadir, sizeof(E.datadir), "%s/pg/data", state);
	snprintf(sockdir, sizeof(sockdir), "%s/pg/run", state);
	snprintf(logfile, sizeof(logfile), "%s/pg/postgresql.log", state);
	snprintf(verfile, sizeof(verfile), "%s/PG_VERSION", E.datadir);
	snprintf(initdb, sizeof(initdb), "%s/initdb", E.bindir);
	snprintf(pgctl, sizeof(pgctl), "%s/pg_ctl", E.bindir);

	if (mkdir_owned(pgdir, 0700, err, errlen) != 0 || mkdir_owned(sockdir, 0700, err, errlen) != 0)
		return -1;
	if (E.switch_user) {
		char *argv[] = { "/usr/bin/test", "-w", sockdir, NULL };

		if (run(argv, 0) != 0) {
			snprintf(err, errlen,
				 "user %s cannot reach %s (is a parent directory private, like /root?); "
				 "set state_dir to a path it can reach, e.g. /var/lib/rigbook",
				 c->run_as, pgdir);
			return -1;
		}
	}

	if (stat(verfile, &st) != 0) {
		char *argv[] = { initdb, "-D", E.datadir, "-U", DB_USER, "-A", "trust", "-E", "UTF8",
				 "--locale=C", "--no-instructions", NULL };
		int fd;

		log_info("creating a PostgreSQL cluster in %s", E.datadir);
		/* initdb chatters on stdout; keep it in the cluster's log */
		fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			if (E.switch_user && fchown(fd, E.uid, E.gid) != 0)
				log_warn("cannot give %s to the cluster's user", logfile);
			fflush(stdout);
			int saved = dup(1);
			dup2(fd, 1);
			int rc = run(argv, 0);
			dup2(saved, 1);
			close(saved);
			close(fd);
			if (rc != 0) {
				snprintf(err, errlen, "initdb failed (exit %d); see %s", rc, logfile);
				return -1;
			}
		} else {
			snprintf(err, errlen, "cannot open %s: %s", logfile, strerror(errno));
			return -1;
		}
	}

	if (write_settings(sockdir, err, errlen) != 0)
		return -1;
	snprintf(opts, sizeof(opts), "-c listen_addresses='' -c unix_socket_directories='%s' -p 5432",
		 sockdir);
	{
		char *status_argv[] = { pgctl, "-D", E.datadir, "status", NULL };
		int fd = open("/dev/null", O_WRONLY), saved = dup(1);

		dup2(fd, 1);
		int rc = run(status_argv, 0);
		dup2(saved, 1);
		close(saved);
		close(fd);
		if (rc == 0) {
			char wal_level[32];

			log_warnx("the managed cluster in %s is already running; using it", E.datadir);
			/* one started before its settings had logical decoding: restart it once */
			cluster_setting(sockdir, "wal_level", wal_level, sizeof(wal_level));
			if (wal_level[0] != '\0' && strcmp(wal_level, "logical") != 0) {
				char *argv[] = { pgctl, "-D", E.datadir, "-l", logfile, "-m", "fast", "-w",
						 "-t", "120", "-s", "-o", opts, "restart", NULL };

				log_info("restarting PostgreSQL for wal_level = logical (it has %s)",
					 wal_level);
				if (run(argv, 1) != 0) {
					snprintf(err, errlen, "PostgreSQL did not restart; see %s", logfile);
					return -1;
				}
			}
		} else {
			char *argv[] = { pgctl, "-D", E.datadir, "-l", logfile, "-w", "-t", "120", "-s",
					 "-o", opts, "start", NULL };

			log_info("starting PostgreSQL (log: %s)", logfile);
			if (run(argv, 1) != 0) {
				snprintf(err, errlen, "PostgreSQL did not start; see %s", logfile);
				return -1;
			}
		}
		E.started = 1;
	}

	if (ensure_database(sockdir, err, errlen) != 0)
		return -1;
	snprintf(conninfo, len, "host=%s port=5432 dbname=" DB_NAME " user=" DB_USER
		 " application_name=rigbookd", sockdir);
	return 0;
}

void pgembed_stop(void)
{
	char pgctl[PATH_MAX];

	if (!E.started)
		return;
	snprintf(pgctl, sizeof(pgctl), "%s/pg_ctl", E.bindir);
	{
		char *argv[] = { pgctl, "-D", E.datadir, "-m", "fast", "-w", "-s", "stop", NULL };

		/* after dropping privileges this process is already the cluster's user */
		if (geteuid() != 0)
			E.switch_user = 0;
		if (run(argv, 0) != 0)
			log_warnx("pg_ctl stop failed for %s", E.datadir);
		else
			log_info("stopped PostgreSQL");
	}
	E.started = 0;
}
