/*
 * rigbook: the command-line client.  Global options, configuration (flags
 * over environment over file), then one command from the table in cmd.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "rigbook/names.h"
#include "i18n.h"

#define DEFAULT_SERVER "127.0.0.1:7878"

struct globals {
	const char *config, *server, *token, *token_file, *ca, *server_name, *timeout, *retry;
	int json;
};

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(_("rigbook: "), stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_main_usage(stderr);
	return CMD_USAGE;
}

/* Global options up to the command; returns the command's index, or -status. */
static int parse_globals(int argc, char **argv, struct globals *g)
{
	static const struct {
		const char *name;
		size_t off;
	} valued[] = {
		{ "config", offsetof(struct globals, config) },
		{ "server", offsetof(struct globals, server) },
		{ "token", offsetof(struct globals, token) },
		{ "token-file", offsetof(struct globals, token_file) },
		{ "ca", offsetof(struct globals, ca) },
		{ "server-name", offsetof(struct globals, server_name) },
		{ "timeout", offsetof(struct globals, timeout) },
		{ "retry", offsetof(struct globals, retry) },
	};
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i], *eq, *value;
		size_t n, k;

		if (strcmp(s, "--") == 0)
			return i + 1;
		if (s[0] != '-' || s[1] == '\0')
			return i;
		if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			cmd_main_usage(stdout);
			return -CMD_OK - 100;
		}
		if (strcmp(s, "-V") == 0 || strcmp(s, "--version") == 0) {
			printf(_("rigbook %s (protocol %u)\n"), RIGBOOK_VERSION, RIGBOOK_PROTOCOL_VERSION);
			return -CMD_OK - 100;
		}
		if (strcmp(s, "--json") == 0) {
			g->json = 1;
			continue;
		}
		if (s[1] != '-')
			return -usage_error(_("unknown option %s"), s);
		eq = strchr(s + 2, '=');
		n = eq != NULL ? (size_t)(eq - s - 2) : strlen(s + 2);
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (strlen(valued[k].name) == n && strncmp(valued[k].name, s + 2, n) == 0)
				break;
		if (k == sizeof(valued) / sizeof(valued[0]))
			return -usage_error(_("unknown option %s"), s);
		if (eq != NULL)
			value = eq + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return -usage_error(_("%s needs a value"), s);
		*(const char **)((char *)g + valued[k].off) = value;
	}
	return i;
}

/* flag, else environment, else file, else dflt */
static const char *pick(const char *flag, const char *env, const char *file, const char *dflt)
{
	const char *e = env != NULL ? getenv(env) : NULL;

	if (flag != NULL)
		return flag;
	if (e != NULL && e[0] != '\0')
		return e;
	if (file != NULL && file[0] != '\0')
		return file;
	return dflt;
}

/* Whole seconds, lo to hi (at most 3600), as milliseconds. */
static int parse_seconds(const char *s, int lo, int hi, int *ms)
{
	int v = 0;

	if (*s == '\0' || strlen(s) > 4)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*ms = v * 1000;
	return 0;
}

int main(int argc, char **argv)
{
	struct globals g;
	struct config cfg;
	struct cmd_ctx ctx;
	struct cmd_args args;
	const struct cmd_entry *e;
	char err[512], *dflt_path = NULL, *file_token = NULL;
	const char *path, *timeout, *retry;
	int first, rc, must_exist;

	memset(&g, 0, sizeof(g));
	memset(&cfg, 0, sizeof(cfg));
	memset(&ctx, 0, sizeof(ctx));
	i18n_init();

	first = parse_globals(argc, argv, &g);
	if (first == -CMD_OK - 100)
		return CMD_OK;
	if (first < 0)
		return -first;
	if (first >= argc) {
		fputs(_("rigbook: no command given\n"), stderr);
		cmd_main_usage(stderr);
		return CMD_USAGE;
	}
	e = cmd_find(argv[first], err, sizeof(err));
	if (e == NULL) {
		fprintf(stderr, _("rigbook: %s\n"), err);
		return CMD_USAGE;
	}
	ctx.entry = e;
	ctx.json = g.json;
	rc = cmd_parse_args(e, argc - first - 1, argv + first + 1, &args, &ctx.json, err,
			    sizeof(err));
	if (rc == 1) {
		cmd_print_help(stdout, e);
		return CMD_OK;
	}
	if (rc != 0)
		return cmd_usage_error(&ctx, "%s", err);

	/* the configuration file: --config, RIGBOOK_CONFIG, or the default if present */
	path = g.config;
	if (path == NULL && getenv("RIGBOOK_CONFIG") != NULL && getenv("RIGBOOK_CONFIG")[0] != '\0')
		path = getenv("RIGBOOK_CONFIG");
	must_exist = path != NULL;
	if (path == NULL)
		path = dflt_path = config_default_path();
	if (path != NULL) {
		if (config_load(path, must_exist, &cfg, err, sizeof(err)) != 0) {
			fprintf(stderr, _("rigbook: %s\n"), err);
			config_free(&cfg);
			free(dflt_path);
			return CMD_USAGE;
		}
		ctx.config_path = path;
		i18n_set_language(cfg.language);
	}

	ctx.opts.server = pick(g.server, "RIGBOOK_SERVER", cfg.server, DEFAULT_SERVER);
	if (g.token != NULL && g.token_file != NULL) {
		rc = usage_error(_("give --token or --token-file, not both"));
		goto out;
	}
	/* --token or --token-file, else RIGBOOK_TOKEN, else the file's token or token_file */
	ctx.opts.token = pick(g.token, "RIGBOOK_TOKEN", cfg.token, NULL);
	if (g.token == NULL) {
		const char *tf = g.token_file;

		if (tf == NULL && ctx.opts.token == NULL)
			tf = cfg.token_file;
		if (tf != NULL) {
			file_token = config_read_token(tf, err, sizeof(err));
			if (file_token == NULL) {
				fprintf(stderr, _("rigbook: %s\n"), err);
				rc = CMD_USAGE;
				goto out;
			}
			ctx.opts.token = file_token;
		}
	}
	ctx.opts.ca_file = pick(g.ca, "RIGBOOK_CA", cfg.ca, NULL);
	ctx.opts.cert_file = cfg.tls_cert;
	ctx.opts.key_file = cfg.tls_key;
	config_warn_key(cfg.tls_key);
	ctx.opts.server_name = pick(g.server_name, "RIGBOOK_SERVER_NAME", cfg.server_name, NULL);
	ctx.opts.client_name = "rigbook/" RIGBOOK_VERSION;
	timeout = pick(g.timeout, "RIGBOOK_TIMEOUT", NULL, NULL);
	if (timeout != NULL && parse_seconds(timeout, 1, 3600, &ctx.opts.timeout_ms) != 0) {
		fprintf(stderr, _("rigbook: the timeout must be a number of seconds from 1 to 3600, not '%.40s'\n"),
			timeout);
		rc = CMD_USAGE;
		goto out;
	}
	ctx.retry_ms = CMD_RETRY_DEFAULT_MS;
	retry = pick(g.retry, "RIGBOOK_RETRY", cfg.retry, NULL);
	if (retry != NULL && parse_seconds(retry, 0, 600, &ctx.retry_ms) != 0) {
		fprintf(stderr, _("rigbook: the retry time must be a number of seconds from 0 to 600, not '%.40s'\n"),
			retry);
		rc = CMD_USAGE;
		goto out;
	}

	rc = cmd_exec(&ctx, &args);
	cmd_close(&ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror(_("rigbook: writing the output"));
		if (rc == CMD_OK)
			rc = CMD_FAILED;
	}
out:
	config_free(&cfg);
	free(dflt_path);
	free(file_token);
	return rc;
}
