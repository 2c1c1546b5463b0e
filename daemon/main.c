/* rigbookd: the rigbook booking daemon. */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "conn.h"
#include "db.h"
#include "events.h"
#include "feed.h"
#include "log.h"
#include "metrics.h"
#include "migrate.h"
#include "notify.h"
#include "pgembed.h"
#include "replica.h"
#include "rigbook/names.h"
#include "session.h"
#include "sweep.h"
#include "tls.h"

#define MAX_OVERRIDES 64

static struct {
	struct config cfg;
	const char *config_path;
	const char *overrides[MAX_OVERRIDES][2];
	int noverrides;
	struct event_base *base;
	struct event *drain_timer;
	int draining;
	int status; /* exit status: 1 when the database refused what the code reads */
} M;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rigbookd [-c FILE] [--KEY=VALUE ...] [--seed FILE] [run|migrate|check|version]\n"
		"\n"
		"  run       serve (the default)\n"
		"  migrate   apply missing schema migrations, then exit\n"
		"  check     read the configuration and the TLS certificate and key, then exit\n"
		"  version   print the version\n"
		"\n"
		"  -c, --config FILE   read KEY = VALUE lines from FILE\n"
		"  --KEY=VALUE         set any configuration key (after the file)\n"
		"  --seed FILE         after migrating, run the SQL in FILE in one transaction\n"
		"  --help-config       list the configuration keys and their defaults\n"
		"  --sample-config     print a configuration file with every key commented\n");
}

static int apply_config(struct config *c, char *err, size_t errlen)
{
	config_init(c);
	if (M.config_path != NULL && config_load_file(c, M.config_path, err, errlen) != 0)
		return -1;
	for (int i = 0; i < M.noverrides; i++)
		if (config_set(c, M.overrides[i][0], M.overrides[i][1], err, errlen) != 0)
			return -1;
	return 0;
}

static void limits_from(const struct config *c)
{
	struct conn_limits l;

	conn_limits_from_config(c, &l);
	conn_set_limits(&l);
}

static void reload(void)
{
	struct config next;
	char err[512];

	if (apply_config(&next, err, sizeof(err)) != 0 ||
	    config_check_reload(&M.cfg, &next, err, sizeof(err)) != 0 ||
	    log_set_level(next.log_level) != 0 || tls_reload(&next, err, sizeof(err)) != 0) {
		log_errorx("reload refused, keeping the running configuration: %s", err);
		config_free(&next);
		if (log_set_level(M.cfg.log_level) != 0)
			log_errorx("cannot restore log_level");
		return;
	}
	limits_from(&next);
	sweep_set_interval(next.no_show_interval);
	events_set_backlog((size_t)next.watch_backlog);
	config_free(&M.cfg);
	M.cfg = next;
	log_info("configuration and TLS certificate reloaded");
}

static void drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	log_warnx("drain timeout: closing %d connection(s) with requests outstanding",
		  conn_count());
	event_base_loopexit(M.base, NULL);
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct timeval tv = { M.cfg.drain_timeout, 0 };

	if (sig == SIGHUP) {
		notify_reloading();
		reload();
		notify_ready();
		return;
	}
	if (M.draining) {
		log_info("second signal: exiting now");
		event_base_loopexit(M.base, NULL);
		return;
	}
	M.draining = 1;
	notify_stopping();
	log_info("draining %d connection(s) (signal %d)", conn_count(), (int)sig);
	/* a sweep in flight keeps the pool busy: look again when it is done */
	sweep_stop(conn_drain);
	M.drain_timer = evtimer_new(M.base, drain_timeout_cb, NULL);
	if (M.drain_timer != NULL)
		evtimer_add(M.drain_timer, &tv);
	conn_drain();
}

static void pool_ready_cb(void *arg, const char *refusal)
{
	if (refusal != NULL) {
		log_errorx("%s", refusal);
		M.status = 1;
		event_base_loopexit(M.base, NULL);
		return;
	}
	/* the replica's statements must describe as the primary's did */
	if (replica_start(M.base, &M.cfg) != 0) {
		log_errorx("cannot start the replica's pool (read_database_url)");
		M.status = 1;
		event_base_loopexit(M.base, NULL);
		return;
	}
	conn_listen_enable();
	log_info("rigbookd %s ready", RIGBOOK_VERSION);
	notify_ready();
}

/*
 * Started as root: drop to run_as after binding, or refuse to run.  Serving
 * as root is never the fallback.
 */
static void drop_privileges(void)
{
	uid_t uid;
	gid_t gid;
	char err[256];

	if (geteuid() != 0)
		return;
	if (M.cfg.run_as[0] == '\0')
		fatalx("refusing to run as root: run_as is empty");
	if (pgembed_lookup_user(M.cfg.run_as, &uid, &gid, err, sizeof(err)) != 0)
		fatalx("refusing to run as root: %s", err);
	if (uid == 0)
		fatalx("refusing to run as root: run_as %s is root", M.cfg.run_as);
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		fatal("cannot drop privileges to %s", M.cfg.run_as);
	if (setuid(0) == 0 || geteuid() == 0)
		fatalx("privileges were not dropped");
	log_info("running as %s", M.cfg.run_as);
}

/* The managed cluster is running again after it died. */
static void cluster_back_cb(void *arg)
{
	db_database_back();
	events_database_back();
}

static int parse_args(int argc, char **argv, const char **cmd, const char **seed)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--sample-config")) {
			config_print_sample();
			exit(0);
		} else if (!strcmp(a, "--help-config")) {
			config_print_keys();
			exit(0);
		} else if (!strcmp(a, "--version")) {
			*cmd = "version";
		} else if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			if (++i >= argc)
				return -1;
			M.config_path = argv[i];
		} else if (!strncmp(a, "--config=", 9)) {
			M.config_path = a + 9;
		} else if (!strcmp(a, "--seed")) {
			if (++i >= argc)
				return -1;
			*seed = argv[i];
		} else if (!strncmp(a, "--seed=", 7)) {
			*seed = a + 7;
		} else if (!strncmp(a, "--", 2) && a[2] != '\0') {
			const char *eq = strchr(a, '=');
			char *key;

			if (M.noverrides == MAX_OVERRIDES)
				return -1;
			if (eq != NULL) {
				key = strndup(a + 2, (size_t)(eq - a - 2));
				M.overrides[M.noverrides][1] = eq + 1;
			} else {
				if (++i >= argc)
					return -1;
				key = strdup(a + 2);
				M.overrides[M.noverrides][1] = argv[i];
			}
			if (key == NULL)
				return -1;
			for (char *p = key; *p; p++)
				if (*p == '-')
					*p = '_';
			M.overrides[M.noverrides++][0] = key;
		} else if (a[0] != '-' && *cmd == NULL) {
			*cmd = a;
		} else {
			return -1;
		}
	}
	if (*cmd == NULL)
		*cmd = "run";
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = NULL, *seed = NULL;
	char err[1024], conninfo[4096];
	struct event *sigs[4];
	const int signums[4] = { SIGTERM, SIGINT, SIGHUP, 0 };
	int nsig = 0;

	if (parse_args(argc, argv, &cmd, &seed) != 0) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(cmd, "version")) {
		printf("rigbookd %s (protocol %u)\n", RIGBOOK_VERSION, RIGBOOK_PROTOCOL_VERSION);
		return 0;
	}
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "migrate") != 0 && strcmp(cmd, "check") != 0) {
		fprintf(stderr,
			"rigbookd: unknown command '%s'; possibilities are: run, migrate, check, version\n",
			cmd);
		return 2;
	}
	if (apply_config(&M.cfg, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (log_set_level(M.cfg.log_level) != 0)
		fatalx("log_level must be error, warning, info or debug, not '%s'", M.cfg.log_level);
	if (!strcmp(cmd, "check")) {
		if (tls_init(&M.cfg, err, sizeof(err)) != 0)
			fatalx("%s", err);
		tls_free();
		config_free(&M.cfg);
		printf("configuration %s: OK\n", M.config_path != NULL ? M.config_path : "(defaults)");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "run") && geteuid() == 0) {
		uid_t uid;
		gid_t gid;

		/* before any work: the drop after binding must not be the first to find out */
		if (pgembed_lookup_user(M.cfg.run_as, &uid, &gid, err, sizeof(err)) != 0)
			fatalx("refusing to run as root: %s", err);
	}

	if (M.cfg.database_url[0] == '\0') {
		if (pgembed_start(&M.cfg, conninfo, sizeof(conninfo), err, sizeof(err)) != 0) {
			pgembed_stop();
			fatalx("%s", err);
		}
	} else {
		snprintf(conninfo, sizeof(conninfo), "%s", M.cfg.database_url);
	}
	events_set_transport_wanted(M.cfg.events_transport);
	if ((M.cfg.migrate || !strcmp(cmd, "migrate")) &&
	    migrate_run(conninfo, err, sizeof(err)) != 0) {
		pgembed_stop();
		fatalx("%s", err);
	}
	if (seed != NULL && migrate_seed(conninfo, seed, err, sizeof(err)) != 0) {
		pgembed_stop();
		fatalx("%s", err);
	}
	if (!strcmp(cmd, "migrate")) {
		pgembed_stop();
		config_free(&M.cfg);
		return 0;
	}

	M.base = event_base_new();
	if (M.base == NULL)
		fatalx("cannot create the event loop");
	if (tls_init(&M.cfg, err, sizeof(err)) != 0 || conn_module_init(M.base, &M.cfg) != 0 ||
	    conn_listen_bind(M.cfg.listen, err, sizeof(err)) != 0) {
		pgembed_stop();
		fatalx("%s", err);
	}
	drop_privileges();
	if (pgembed_supervise(M.base, cluster_back_cb, NULL) != 0) {
		pgembed_stop();
		fatalx("cannot watch the managed PostgreSQL");
	}
	if (db_pool_start(M.base, conninfo, M.cfg.pool_size, M.cfg.max_queue, M.cfg.db_timeout,
			  pool_ready_cb, NULL) !=
	    0) {
		pgembed_stop();
		fatalx("cannot start the database pool");
	}
	if (sweep_start(M.base, M.cfg.no_show_interval) != 0) {
		pgembed_stop();
		fatalx("cannot start the no-show sweep");
	}
	if (session_start(M.base) != 0) {
		pgembed_stop();
		fatalx("cannot start the session registry");
	}
	events_set_timeout(M.cfg.db_timeout);
	if (events_start(M.base, conninfo, (size_t)M.cfg.watch_backlog) != 0) {
		pgembed_stop();
		fatalx("cannot start listening for events");
	}
	for (nsig = 0; signums[nsig] != 0; nsig++) {
		sigs[nsig] = evsignal_new(M.base, signums[nsig], signal_cb, NULL);
		if (sigs[nsig] == NULL || evsignal_add(sigs[nsig], NULL) != 0)
			fatalx("cannot watch signal %d", signums[nsig]);
	}

	if (notify_start(M.base) != 0)
		fatalx("cannot start the watchdog timer");
	if (metrics_start(M.base, M.cfg.metrics_listen, err, sizeof(err)) != 0 ||
	    feed_start(M.base, &M.cfg, err, sizeof(err)) != 0) {
		pgembed_stop();
		fatalx("%s", err);
	}

	event_base_dispatch(M.base);

	log_info("shutting down");
	metrics_stop();
	feed_stop();
	sweep_stop(NULL);
	conn_module_free();
	events_stop();
	session_stop();
	replica_stop();
	db_pool_stop();
	sweep_free();
	notify_stop();
	for (int i = 0; i < nsig; i++)
		event_free(sigs[i]);
	if (M.drain_timer != NULL)
		event_free(M.drain_timer);
	tls_free();
	pgembed_stop();
	event_base_free(M.base);
	config_free(&M.cfg);
	for (int i = 0; i < M.noverrides; i++)
		free((char *)M.overrides[i][0]);
	log_info("bye");
	return M.status;
}
