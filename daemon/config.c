#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cf_type { CF_STR, CF_INT, CF_BOOL };

struct cf_key {
	const char *name;
	enum cf_type type;
	size_t off;
	const char *dflt;
	int reloadable; /* may change on SIGHUP */
	long min, max;
	const char *doc;
	const char *oneof; /* CF_STR: the values allowed, space-separated; NULL: any */
};

#define STR(f) CF_STR, offsetof(struct config, f)
#define INT(f) CF_INT, offsetof(struct config, f)
#define BOOL(f) CF_BOOL, offsetof(struct config, f)

static const struct cf_key keys[] = {
	{ "listen", STR(listen), "127.0.0.1:7878", 0, 0, 0,
	  "addresses to listen on, comma-separated host:port; IPv6 as [::1]:7878" },
	{ "state_dir", STR(state_dir), "var", 0, 0, 0,
	  "directory for the managed PostgreSQL cluster and other state" },
	{ "database_url", STR(database_url), "", 0, 0, 0,
	  "libpq connection string; empty: run a private PostgreSQL under state_dir/pg" },
	{ "pg_bindir", STR(pg_bindir), "", 0, 0, 0,
	  "where initdb and pg_ctl are; empty: pg_config --bindir, then /usr/lib/postgresql/*/bin" },
	{ "run_as", STR(run_as), "rigbook", 0, 0, 0,
	  "when started as root: the unprivileged user that runs the managed cluster and to which rigbookd drops" },
	{ "tls_cert", STR(tls_cert), "", 1, 0, 0, "server certificate chain (PEM)" },
	{ "tls_key", STR(tls_key), "", 1, 0, 0, "server private key (PEM)" },
	{ "tls_min_version", STR(tls_min_version), "1.3", 1, 0, 0, "lowest TLS version accepted: 1.2 or 1.3" },
	{ "tls_client_ca", STR(tls_client_ca), "", 1, 0, 0,
	  "CA bundle (PEM) that client certificates must chain to; empty: none are asked for" },
	{ "tls_client_auth", STR(tls_client_auth), "off", 1, 0, 0,
	  "sign-in by client certificates registered to members (rigbook cert add): off; optional "
	  "(a Hello without a token signs in by the certificate); require (every Hello signs in by "
	  "a registered certificate, a token is not looked at). optional and require need "
	  "tls_client_ca",
	  "off optional require" },
	{ "log_level", STR(log_level), "info", 1, 0, 0, "error, warning, info or debug" },
	{ "max_frame", INT(max_frame), "1048576", 1, 64, 64 << 20, "largest frame accepted, bytes" },
	{ "max_connections", INT(max_connections), "10000", 0, 1, 1000000,
	  "client connections held at once; more are refused" },
	{ "max_inflight", INT(max_inflight), "64", 1, 1, 65536,
	  "requests one connection may have outstanding" },
	{ "max_queue", INT(max_queue), "10000", 1, 1, 10000000,
	  "requests waiting for a database connection before RESOURCE_EXHAUSTED" },
	{ "handshake_timeout", INT(handshake_timeout), "10", 1, 1, 3600,
	  "seconds to finish TLS and authenticate" },
	{ "idle_timeout", INT(idle_timeout), "300", 1, 1, 86400 * 7,
	  "seconds a connection may stay silent with nothing outstanding" },
	{ "write_timeout", INT(write_timeout), "30", 1, 1, 3600,
	  "seconds a connection may hold unsent answers or events without the peer reading any; "
	  "then it is closed" },
	{ "frame_timeout", INT(frame_timeout), "30", 1, 1, 3600,
	  "seconds a signed-in peer has to send the rest of a frame once its first byte arrived" },
	{ "max_output", INT(max_output), "262144", 1, 4096, 1 << 30,
	  "unsent answer bytes one connection may hold before its requests stop being read" },
	{ "unauthenticated_share", INT(unauthenticated_share), "20", 1, 1, 100,
	  "percent of max_connections that connections not yet signed in may hold" },
	{ "max_per_address", INT(max_per_address), "256", 1, 1, 1000000,
	  "connections one source address (an IPv6 /64) may hold" },
	{ "max_per_member", INT(max_per_member), "64", 1, 1, 1000000,
	  "signed-in connections one member may hold" },
	{ "max_failed_signins", INT(max_failed_signins), "10", 1, 1, 1000000,
	  "failed sign-ins one source address may make in a burst before its sign-ins are refused" },
	{ "failed_signin_interval", INT(failed_signin_interval), "6", 1, 1, 86400,
	  "seconds after which an address may fail one more sign-in" },
	{ "drain_timeout", INT(drain_timeout), "10", 1, 0, 3600,
	  "seconds SIGTERM waits for outstanding requests" },
	{ "watch_backlog", INT(watch_backlog), "1048576", 1, 4096, 1 << 30,
	  "unsent event bytes a watching connection may hold before its events stop" },
	{ "pool_size", INT(pool_size), "8", 0, 1, 1000, "database connections" },
	{ "migrate", BOOL(migrate), "on", 0, 0, 0, "apply missing migrations at start-up" },
	{ "no_show_interval", INT(no_show_interval), "30", 1, 0, 86400,
	  "seconds between sweeps that mark confirmed bookings nobody checked in for as no-shows; 0: none" },
	{ "metrics_listen", STR(metrics_listen), "", 0, 0, 0,
	  "plain-HTTP addresses (host:port, comma-separated) serving GET /metrics (Prometheus) "
	  "and GET /healthz; empty: none. Keep it on a private address" },
	{ "feed_listen", STR(feed_listen), "", 0, 0, 0,
	  "TLS (HTTPS) addresses (host:port, comma-separated) serving members' private calendar "
	  "feeds, GET /ical/SECRET.ics, with the server certificate; empty: no feeds" },
	{ "feed_url", STR(feed_url), "", 0, 0, 0,
	  "how feed addresses start for calendar programs (https://rig.example:7443, behind a proxy "
	  "say); empty: https:// and the first feed_listen address" },
	{ "events_transport", STR(events_transport), "auto", 0, 0, 0,
	  "how live events leave the database: logical (decoding messages), notify (NOTIFY, "
	  "serialises commits) or auto (logical when the database allows it)",
	  "auto logical notify" },

	/* the database connection: deadlines */
	{ "db_timeout", INT(db_timeout), "10", 0, 2, 3600,
	  "seconds to connect to the database, and for it to answer a query, before the connection "
	  "is dropped and the request answered UNAVAILABLE; statement_timeout is a second less" },

	/* reads that may lag, on a hot standby */
	{ "read_database_url", STR(read_database_url), "", 0, 0, 0,
	  "libpq connection string of a hot standby streaming from the primary; the reads that may "
	  "lag (free time, lists, reports) go there while it is no more than max_replica_lag behind; "
	  "empty: everything on the primary" },
	{ "read_pool_size", INT(read_pool_size), "0", 0, 0, 1000,
	  "connections to read_database_url; 0: as many as pool_size" },
	{ "max_replica_lag", INT(max_replica_lag), "2", 0, 1, 3600,
	  "seconds the replica may be behind the primary and still answer reads" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct cf_key *find_key(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Whether v is one of the space-separated words of list. */
static int one_of(const char *list, const char *v)
{
	size_t n = strlen(v);

	while (*list != '\0') {
		size_t w = strcspn(list, " ");

		if (n > 0 && w == n && strncmp(list, v, n) == 0)
			return 1;
		list += w;
		list += strspn(list, " ");
	}
	return 0;
}

static int set_key(struct config *c, const struct cf_key *k, const char *v, char *err,
		   size_t errlen)
{
	void *p = (char *)c + k->off;
	char *end, *dup;
	long n;

	switch (k->type) {
	case CF_STR:
		if (k->oneof != NULL && !one_of(k->oneof, v)) {
			snprintf(err, errlen, "%s must be one of %s, not '%s'", k->name, k->oneof, v);
			return -1;
		}
		dup = strdup(v);
		if (dup == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		free(*(char **)p);
		*(char **)p = dup;
		return 0;
	case CF_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || n < k->min || n > k->max) {
			snprintf(err, errlen, "%s must be a whole number from %ld to %ld, not '%s'",
				 k->name, k->min, k->max, v);
			return -1;
		}
		*(int *)p = (int)n;
		return 0;
	case CF_BOOL:
		if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
			*(int *)p = 1;
		else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
			*(int *)p = 0;
		else {
			snprintf(err, errlen, "%s must be on or off, not '%s'", k->name, v);
			return -1;
		}
		return 0;
	}
	return -1;
}

void config_init(struct config *c)
{
	char err[128];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NKEYS; i++)
		if (set_key(c, &keys[i], keys[i].dflt, err, sizeof(err)) != 0)
			abort(); /* a default that does not parse is a bug */
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (keys[i].type == CF_STR) {
			char **p = (char **)((char *)c + keys[i].off);
			free(*p);
			*p = NULL;
		}
	}
}

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const struct cf_key *k = find_key(key);

	if (k == NULL) {
		snprintf(err, errlen, "unknown configuration key '%s' (rigbookd --help-config lists them)",
			 key);
		return -1;
	}
	return set_key(c, k, value, err, errlen);
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	char line[4096], msg[512];
	FILE *f = fopen(path, "r");
	int lineno = 0;

	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s, *eq, *key, *val;
		size_t vl;

		lineno++;
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		vl = strlen(val);
		if (vl >= 2 && ((val[0] == '"' && val[vl - 1] == '"') ||
				(val[0] == '\'' && val[vl - 1] == '\''))) {
			val[vl - 1] = '\0';
			val++;
		}
		if (config_set(c, key, val, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int config_check_reload(const struct config *old, const struct config *new, char *err,
			size_t errlen)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const void *a = (const char *)old + keys[i].off;
		const void *b = (const char *)new + keys[i].off;
		int same;

		if (keys[i].reloadable)
			continue;
		if (keys[i].type == CF_STR)
			same = strcmp(*(char *const *)a, *(char *const *)b) == 0;
		else
			same = *(const int *)a == *(const int *)b;
		if (!same) {
			snprintf(err, errlen, "%s cannot change while running; restart rigbookd",
				 keys[i].name);
			return -1;
		}
	}
	return 0;
}

/* Print doc as "# " comment lines of at most 78 columns. */
static void print_comment(const char *doc)
{
	const char *p = doc;

	while (*p != '\0') {
		size_t n = strlen(p), cut = n;

		if (n > 76) {
			cut = 76;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = n;
		}
		printf("# %.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

void config_print_sample(void)
{
	printf("# rigbookd.conf: the configuration of rigbookd(8), one \"key = value\" a line.\n"
	       "# Every key is shown commented out at its default; a key set here is\n"
	       "# overridden by --key=value on the command line.  Keys marked \"restart\"\n"
	       "# take effect at the next start; the others also on SIGHUP (systemctl reload).\n");
	for (size_t i = 0; i < NKEYS; i++) {
		printf("\n");
		print_comment(keys[i].doc);
		if (keys[i].oneof != NULL)
			printf("# one of: %s\n", keys[i].oneof);
		if (keys[i].type == CF_INT)
			printf("# from %ld to %ld\n", keys[i].min, keys[i].max);
		if (!keys[i].reloadable)
			printf("# (restart)\n");
		printf("#%s =%s%s\n", keys[i].name, keys[i].dflt[0] ? " " : "", keys[i].dflt);
	}
}

void config_print_keys(void)
{
	for (size_t i = 0; i < NKEYS; i++)
		printf("%-18s %-16s %s%s\n", keys[i].name,
		       keys[i].dflt[0] ? keys[i].dflt : "(empty)", keys[i].doc,
		       keys[i].reloadable ? "" : " [restart]");
}
