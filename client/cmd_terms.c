/*
 * terms: the terms a member accepts once before first booking a resource.
 * Show them, set them (staff), or accept the current version.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "detail.h"
#include "i18n.h"

#define MAX_TERMS 20000

static const struct cmd_opt terms_opts[] = {
	{ "set", 1, NULL, 0 },
	{ "file", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

/* Text from the server, line by line, each line cleaned for a terminal. */
static void put_lines(FILE *f, const char *s)
{
	while (s != NULL && *s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		char *line = malloc(n + 1);

		if (line == NULL)
			return;
		memcpy(line, s, n);
		line[n] = '\0';
		out_put_clean(f, line);
		fputc('\n', f);
		free(line);
		s += n + (nl != NULL);
	}
}

static void print_terms(const Rigbook__ResourceDetail *d)
{
	const Rigbook__Resource *r = d->resource;

	if (r->terms_version == 0) {
		out_put_clean(stdout, r->code);
		fputs(_(" has no terms to accept\n"), stdout);
		return;
	}
	fputs(_("terms of "), stdout);
	out_put_clean(stdout, r->code);
	printf(_(", version %" PRIu32 ": "), r->terms_version);
	if (d->terms_accepted) {
		fputs(_("accepted by you\n"), stdout);
	} else {
		fputs(_("not accepted by you yet (rigbook terms accept "), stdout);
		out_put_clean(stdout, r->code);
		fputs(C_("paren", ")\n"), stdout);
	}
	fputc('\n', stdout);
	put_lines(stdout, d->terms_text);
}

/* The file's text: CRLF as LF, trailing blank lines and spaces dropped. */
static int read_terms(struct cmd_ctx *ctx, const char *path, char **out)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char *buf;
	size_t n = 0, o = 0;

	if (f == NULL)
		return cmd_bad_value(ctx, _("--file: cannot open %s: %s"), path, strerror(errno));
	buf = malloc(MAX_TERMS + 2);
	if (buf == NULL) {
		if (!is_stdin)
			fclose(f);
		return cmd_failed(_("out of memory"));
	}
	n = fread(buf, 1, MAX_TERMS + 1, f);
	if (ferror(f)) {
		if (!is_stdin)
			fclose(f);
		free(buf);
		return cmd_bad_value(ctx, _("--file: cannot read %s"), path);
	}
	if (!is_stdin)
		fclose(f);
	if (n > MAX_TERMS) {
		free(buf);
		return cmd_bad_value(ctx, _("--file: %s is longer than %d bytes"), path, MAX_TERMS);
	}
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\0') {
			free(buf);
			return cmd_bad_value(ctx, _("--file: %s is not text (it holds a NUL byte)"), path);
		}
		if (buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n')
			continue;
		buf[o++] = buf[i];
	}
	while (o > 0 && (buf[o - 1] == '\n' || buf[o - 1] == ' ' || buf[o - 1] == '\t'))
		o--;
	buf[o] = '\0';
	*out = buf;
	return CMD_OK;
}

static int show(struct cmd_ctx *ctx, const char *code)
{
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	int rc = cmd_detail(ctx, code, &resp, &d);

	if (rc != CMD_OK)
		return rc;
	if (ctx->json)
		detail_json_print(d);
	else
		print_terms(d);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int set(struct cmd_ctx *ctx, const char *code, const char *text)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetTermsRequest st = RIGBOOK__SET_TERMS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	int rc;

	st.code = (char *)code;
	st.text = (char *)text;
	req.body_case = RIGBOOK__REQUEST__BODY_SET_TERMS;
	req.set_terms = &st;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_SET_TERMS, &resp);
	if (rc != CMD_OK)
		return rc;
	d = cmd_reply_detail(resp);
	if (d == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_FAILED;
	}
	if (ctx->json) {
		detail_json_print(d);
	} else if (d->resource->terms_version == 0) {
		out_put_clean(stdout, d->resource->code);
		fputs(_(" has no terms to accept\n"), stdout);
	} else {
		fputs(_("terms of "), stdout);
		out_put_clean(stdout, d->resource->code);
		printf(_(" are version %" PRIu32 "; members accept them with: rigbook terms accept "),
		       d->resource->terms_version);
		out_put_clean(stdout, d->resource->code);
		fputc('\n', stdout);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int accept(struct cmd_ctx *ctx, const char *code)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AcceptTermsRequest at = RIGBOOK__ACCEPT_TERMS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ResourceDetail *d;
	struct out_json j;
	char msg[200];
	int rc;

	/* accept what is current now, as read */
	rc = cmd_detail(ctx, code, &resp, &d);
	if (rc != CMD_OK)
		return rc;
	at.version = d->resource->terms_version;
	rigbook__response__free_unpacked(resp, NULL);
	if (at.version == 0) {
		snprintf(msg, sizeof(msg), _("%.40s has no terms to accept"), code);
		return cmd_refused(RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, msg);
	}
	at.code = (char *)code;
	req.body_case = RIGBOOK__REQUEST__BODY_ACCEPT_TERMS;
	req.accept_terms = &at;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_ACCEPT_TERMS, &resp);
	if (rc != CMD_OK)
		return rc;
	if (resp->accept_terms == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer is empty"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_string(&j, "resource", resp->accept_terms->resource_code);
		out_json_kv_uint(&j, "version", resp->accept_terms->version);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		fputs(_("accepted the terms of "), stdout);
		out_put_clean(stdout, resp->accept_terms->resource_code);
		printf(_(" (version %" PRIu32 ")\n"), resp->accept_terms->version);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int terms_accept(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 2)
		return cmd_usage_error(ctx, _("say which resource's terms you accept, by its code"));
	if (cmd_arg(args, "set") != NULL || cmd_arg(args, "file") != NULL)
		return cmd_usage_error(ctx, _("--set and --file do not go with accept"));
	return accept(ctx, args->pos[1]);
}

/* terms CODE: show them, or set them with --set or --file. */
static int cmd_terms_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *text = cmd_arg(args, "set"), *file = cmd_arg(args, "file");
	char *buf = NULL;
	int rc;

	if (args->npos == 2)
		return cmd_usage_error(ctx, _("unknown action '%.40s'; did you mean: terms accept %.40s"),
				       args->pos[0], args->pos[1]);
	if (text != NULL && file != NULL)
		return cmd_usage_error(ctx, _("give --set TEXT or --file FILE, not both"));
	if (text == NULL && file == NULL)
		return show(ctx, args->pos[0]);
	if (file != NULL) {
		rc = read_terms(ctx, file, &buf);
		if (rc != CMD_OK)
			return rc;
		text = buf;
	}
	if (strlen(text) > MAX_TERMS) {
		free(buf);
		return cmd_bad_value(ctx, _("terms are at most %d bytes"), MAX_TERMS);
	}
	rc = set(ctx, args->pos[0], text);
	free(buf);
	return rc;
}

static const struct cmd_sub terms_subs[] = {
	{ "accept", NULL, "CODE", N_("accept a resource's terms, as its bookings need"), terms_accept },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_terms_entry = {
	.name = "terms",
	.usage = "CODE [--set TEXT | --file FILE]",
	.summary = N_("show, set (staff) or accept a resource's terms"),
	.options = terms_opts,
	.lower = 1,
	.upper = 2,
	.exec = cmd_terms_exec,
	.subs = terms_subs,
};
