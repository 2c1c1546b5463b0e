#include "config.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TOKEN_FILE_MAX 4096

/*
 * The warning, once per file, when others may read (readable) or change the
 * file at path that holds a token or says where one is.
 */
static void warn_mode(const char *path, mode_t mode, int readable)
{
	const char *why;

	readable = readable && (mode & (S_IRGRP | S_IROTH)) != 0;
	if (readable && (mode & (S_IWGRP | S_IWOTH)) != 0)
		why = _("others can read and change it");
	else if (readable)
		why = _("others can read it");
	else if ((mode & (S_IWGRP | S_IWOTH)) != 0)
		why = _("others can change it");
	else
		return;
	fprintf(stderr,
		_("rigbook: warning: %s holds your token and %s (mode %04o); run: chmod 600 %s\n"),
		path, why, (unsigned)(mode & 07777), path);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* value, or a path relative to the directory of the file */
static char *resolve(const char *file, const char *value)
{
	const char *slash = strrchr(file, '/');
	size_t dir, n;
	char *r;

	if (value[0] == '/' || value[0] == '\0' || slash == NULL)
		return strdup(value);
	dir = (size_t)(slash - file) + 1;
	n = dir + strlen(value) + 1;
	r = malloc(n);
	if (r == NULL)
		return NULL;
	memcpy(r, file, dir);
	memcpy(r + dir, value, strlen(value) + 1);
	return r;
}

int config_load(const char *path, int must_exist, struct config *cfg, char *err, size_t errlen)
{
	FILE *f;
	char line[4096], *key, *value, *eq, **slot;
	int lineno = 0, rc = -1;
	size_t n;
	struct stat st;

	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errlen, _("cannot read the configuration file %s: %s"), path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0) {
		snprintf(err, errlen, _("cannot read the configuration file %s: %s"), path,
			 strerror(errno));
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, _("%s:%d: line too long"), path, lineno);
			goto out;
		}
		key = trim(line);
		if (key[0] == '\0' || key[0] == '#')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			snprintf(err, errlen, _("%s:%d: expected key = value"), path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		n = strlen(value);
		if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
			value[n - 1] = '\0';
			value++;
		}
		if (strcmp(key, "server") == 0)
			slot = &cfg->server;
		else if (strcmp(key, "token") == 0)
			slot = &cfg->token;
		else if (strcmp(key, "ca") == 0)
			slot = &cfg->ca;
		else if (strcmp(key, "server_name") == 0)
			slot = &cfg->server_name;
		else if (strcmp(key, "retry") == 0)
			slot = &cfg->retry;
		else if (strcmp(key, "token_file") == 0)
			slot = &cfg->token_file;
		else if (strcmp(key, "language") == 0)
			slot = &cfg->language;
		else if (strcmp(key, "tls_cert") == 0)
			slot = &cfg->tls_cert;
		else if (strcmp(key, "tls_key") == 0)
			slot = &cfg->tls_key;
		else {
			snprintf(err, errlen,
				 _("%s:%d: unknown key '%.40s' (known: server, token, token_file, ca, server_name, retry, language, tls_cert, tls_key)"),
				 path, lineno, key);
			goto out;
		}
		free(*slot);
		*slot = slot == &cfg->ca || slot == &cfg->token_file || slot == &cfg->tls_cert ||
					slot == &cfg->tls_key
				? resolve(path, value)
				: strdup(value);
		if (*slot == NULL) {
			snprintf(err, errlen, _("out of memory"));
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, _("cannot read the configuration file %s"), path);
		goto out;
	}
	if (cfg->token != NULL && cfg->token_file != NULL) {
		snprintf(err, errlen, _("%s: give token or token_file, not both"), path);
		goto out;
	}
	if ((cfg->tls_cert != NULL) != (cfg->tls_key != NULL)) {
		snprintf(err, errlen, _("%s: give tls_cert and tls_key together (the client certificate and its key)"),
			 path);
		goto out;
	}
	if (cfg->token != NULL || cfg->token_file != NULL)
		warn_mode(path, st.st_mode, cfg->token != NULL);
	rc = 0;
out:
	fclose(f);
	return rc;
}

char *config_read_token(const char *path, char *err, size_t errlen)
{
	FILE *f;
	struct stat st;
	char buf[TOKEN_FILE_MAX + 1], *tok, *end;
	size_t n;

	f = fopen(path, "re");
	if (f == NULL) {
		snprintf(err, errlen, _("cannot read the token file %s: %s"), path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, _("the token file %s is not a file"), path);
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, TOKEN_FILE_MAX, f);
	if (ferror(f)) {
		snprintf(err, errlen, _("cannot read the token file %s"), path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	warn_mode(path, st.st_mode, 1);
	tok = buf + strspn(buf, " \t\r\n");
	end = tok + strcspn(tok, "\r\n");
	*end = '\0';
	while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (tok[0] == '\0') {
		snprintf(err, errlen, _("the token file %s holds no token"), path);
		return NULL;
	}
	tok = strdup(tok);
	if (tok == NULL)
		snprintf(err, errlen, _("out of memory"));
	return tok;
}

void config_warn_key(const char *path)
{
	struct stat st;

	if (path == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
		return;
	fprintf(stderr,
		_("rigbook: warning: %s holds your private key and others can read or change it (mode %04o); run: chmod 600 %s\n"),
		path, (unsigned)(st.st_mode & 07777), path);
}

char *config_default_path(void)
{
	const char *base = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *p;
	size_t n;

	if (base != NULL && base[0] == '/') {
		n = strlen(base) + sizeof("/rigbook/config");
		p = malloc(n);
		if (p != NULL)
			snprintf(p, n, "%s/rigbook/config", base);
		return p;
	}
	if (home == NULL || home[0] == '\0')
		return NULL;
	n = strlen(home) + sizeof("/.config/rigbook/config");
	p = malloc(n);
	if (p != NULL)
		snprintf(p, n, "%s/.config/rigbook/config", home);
	return p;
}

void config_free(struct config *cfg)
{
	free(cfg->server);
	free(cfg->token);
	free(cfg->ca);
	free(cfg->server_name);
	free(cfg->retry);
	free(cfg->token_file);
	free(cfg->language);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	memset(cfg, 0, sizeof(*cfg));
}
