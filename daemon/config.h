/* rigbookd configuration: one table of keys, file + command-line overrides. */
#ifndef RIGBOOKD_CONFIG_H
#define RIGBOOKD_CONFIG_H

#include <stddef.h>

struct config {
	char *listen;
	char *state_dir;
	char *database_url;
	char *pg_bindir;
	char *run_as;
	char *tls_cert;
	char *tls_key;
	char *tls_min_version;
	char *tls_client_ca;   /* "": client certificates are not asked for */
	char *tls_client_auth; /* off, optional or require */
	char *log_level;
	int max_frame;
	int max_connections;
	int max_inflight;
	int max_queue;
	int handshake_timeout;
	int idle_timeout;
	int write_timeout;
	int frame_timeout;
	int max_output;
	int unauthenticated_share;
	int max_per_address;
	int max_per_member;
	int max_failed_signins;
	int failed_signin_interval;
	int drain_timeout;
	int watch_backlog;
	int pool_size;
	int migrate;
	int no_show_interval;
	char *events_transport; /* auto, logical or notify */
	char *metrics_listen;   /* "": no metrics listener */
	char *feed_listen;      /* "": no calendar feeds */
	char *feed_url;         /* "": https://FIRST-FEED-LISTEN */
	/* the database connection */
	int db_timeout;
	/* reads that may lag, on a hot standby */
	char *read_database_url; /* "": none */
	int read_pool_size;      /* 0: pool_size */
	int max_replica_lag;
};

/* Fill c with the defaults. */
void config_init(struct config *c);
void config_free(struct config *c);

/* Set one key from text.  Returns -1 and a message for an unknown key or bad value. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Read a file of `key = value` lines. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * Check that a reloaded configuration changes only keys that may change
 * while running.  Returns -1 naming the first key that may not.
 */
int config_check_reload(const struct config *old, const struct config *new, char *err,
			size_t errlen) __attribute__((warn_unused_result));

/* Print every key with its default and description (for --help-config). */
void config_print_keys(void);

/* Print a configuration file with every key commented out at its default,
 * its description above it (for --sample-config and the installed sample). */
void config_print_sample(void);

#endif
