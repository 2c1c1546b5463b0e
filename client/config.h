/* The client's configuration file: "key = value" lines, '#' comments. */
#ifndef RIGBOOK_CLIENT_CONFIG_H
#define RIGBOOK_CLIENT_CONFIG_H

#include <stddef.h>

struct config {
	char *server;      /* host:port */
	char *token;
	char *ca;          /* made absolute relative to the file's directory */
	char *server_name; /* the name the certificate must carry, when not the host */
	char *retry;       /* seconds a change whose answer was lost is retried */
	char *token_file;  /* a file holding the token; made absolute like ca */
	char *language;    /* the language of messages: zh_CN, en (over LANG and LC_MESSAGES) */
	char *tls_cert;    /* a client certificate (PEM) to sign in with; made absolute like ca */
	char *tls_key;     /* its private key (PEM); made absolute like ca */
};

/*
 * Read path into cfg (which must start zeroed).  A missing file is an error
 * only when must_exist.  When the file holds a token (or names a token
 * file) and others may read or change it, warns once on stderr, as ssh does.
 * Returns 0, or -1 with a message in err.
 */
int config_load(const char *path, int must_exist, struct config *cfg, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * The token in the file at path: its first line, without surrounding
 * blanks.  Warns once on stderr when others may read or change the file.
 * Returns a string to free, or NULL with a message in err.
 */
char *config_read_token(const char *path, char *err, size_t errlen);

/* Warn once on stderr when others may read or change the private key at path. */
void config_warn_key(const char *path);

/* The file to read when none is named: $XDG_CONFIG_HOME/rigbook/config or ~/.config/rigbook/config. */
char *config_default_path(void);

void config_free(struct config *cfg);

#endif
