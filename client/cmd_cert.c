/*
 * cert add|list|revoke: client certificates registered to members, a second
 * way to sign in (tls_cert and tls_key in the configuration file).  The
 * certificate is read here; only its SHA-256 fingerprint (of the DER
 * encoding) and its subject go to the server, never a key.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cmd.h"
#include "i18n.h"

#define SUBJECT_MAX 500

static const struct cmd_opt cert_opts[] = {
	{ "member", 1, NULL, 0 },
	{ "label", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

/* The key (--json's); _() of it is the reader's word. */
static const char *status(const Rigbook__ClientCert *c)
{
	return c->revoked_at != 0 ? N_("revoked") : N_("active");
}

static void json_cert(struct out_json *j, const Rigbook__ClientCert *c)
{
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", c->id);
	out_json_kv_string(j, "member", c->member_handle);
	out_json_kv_string(j, "fingerprint", c->fingerprint);
	out_json_kv_string(j, "subject", c->subject);
	out_json_kv_string(j, "label", c->label);
	out_json_kv_int(j, "created_at", c->created_at);
	out_json_kv_string(j, "created_by", c->created_by);
	out_json_kv_int(j, "revoked_at", c->revoked_at);
	out_json_kv_string(j, "revoked_by", c->revoked_by);
	out_json_kv_int(j, "last_used_at", c->last_used_at);
	out_json_kv_string(j, "status", status(c));
	out_json_end_object(j);
}

/* "2026-12-03 10:00 UTC", or "-" for 0. */
static void when(int64_t t, char *buf, size_t len)
{
	char s[64];

	if (t == 0) {
		snprintf(buf, len, "-");
		return;
	}
	cmd_time_text(t, "UTC", s, sizeof(s));
	snprintf(buf, len, _("%s UTC"), s);
}

/*
 * The certificate in the PEM file at path: its SHA-256 fingerprint (64
 * lowercase hex digits) and its subject (RFC 2253).  Returns 0, or -1 with
 * a message in err.
 */
static int read_cert(const char *path, char fp[65], char *subject, size_t sublen, char *err,
		     size_t errlen)
{
	static const char hex[] = "0123456789abcdef";
	FILE *f = fopen(path, "re");
	X509 *x;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	BIO *b;
	long got;

	if (f == NULL) {
		snprintf(err, errlen, _("cannot read the certificate %s: %s"), path, strerror(errno));
		return -1;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL) {
		ERR_clear_error();
		snprintf(err, errlen, _("%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
			 path);
		return -1;
	}
	if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n != 32) {
		X509_free(x);
		ERR_clear_error();
		snprintf(err, errlen, _("cannot compute the fingerprint of %s"), path);
		return -1;
	}
	for (unsigned int i = 0; i < n; i++) {
		fp[2 * i] = hex[md[i] >> 4];
		fp[2 * i + 1] = hex[md[i] & 15];
	}
	fp[64] = '\0';
	subject[0] = '\0';
	b = BIO_new(BIO_s_mem());
	if (b != NULL && X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
					    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		char *p;

		got = BIO_get_mem_data(b, &p);
		if (got > 0) {
			size_t k = (size_t)got < sublen - 1 ? (size_t)got : sublen - 1;

			/* cut at a character's start, never inside one */
			while (k > 0 && (size_t)got > k && ((unsigned char)p[k] & 0xc0) == 0x80)
				k--;
			memcpy(subject, p, k);
			subject[k] = '\0';
		}
	}
	BIO_free(b);
	X509_free(x);
	ERR_clear_error();
	return 0;
}

static int add(struct cmd_ctx *ctx, const struct cmd_args *args, const char *path)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AddClientCertRequest ar = RIGBOOK__ADD_CLIENT_CERT_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ClientCert *c;
	const char *member = cmd_arg(args, "member"), *label = cmd_arg(args, "label");
	char fp[65], subject[SUBJECT_MAX + 1], err[512];
	struct out_json j;
	int rc;

	if (read_cert(path, fp, subject, sizeof(subject), err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, "%s", err);
	ar.member_handle = (char *)(member != NULL ? member : "");
	ar.fingerprint = fp;
	ar.subject = subject;
	ar.label = (char *)(label != NULL ? label : "");
	req.body_case = RIGBOOK__REQUEST__BODY_ADD_CLIENT_CERT;
	req.add_client_cert = &ar;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_ADD_CLIENT_CERT, &resp);
	if (rc != CMD_OK)
		return rc;
	c = resp->add_client_cert;
	if (c == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no certificate"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_cert(&j, c);
		out_json_finish(&j);
	} else {
		printf(_("registered client certificate %" PRIu64 " to "), c->id);
		out_put_clean(stdout, c->member_handle);
		printf(_(", fingerprint (SHA-256) %s\n"), c->fingerprint);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int list(struct cmd_ctx *ctx, const char *member)
{
	static const char *const head[] = { N_("ID"),      N_("MEMBER"),    N_("FINGERPRINT"),
					    N_("LABEL"),   N_("SUBJECT"),   N_("CREATED"),
					    N_("LAST USED"), N_("STATUS") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListClientCertsRequest lr = RIGBOOK__LIST_CLIENT_CERTS_REQUEST__INIT;
	Rigbook__Response *resp;
	const Rigbook__ListClientCertsReply *reply;
	struct out_table *t;
	struct out_json j;
	int rc;

	lr.member_handle = (char *)(member != NULL ? member : "");
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_CLIENT_CERTS;
	req.list_client_certs = &lr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_CLIENT_CERTS, &resp);
	if (rc != CMD_OK)
		return rc;
	reply = resp->list_client_certs;
	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_array(&j);
		for (size_t i = 0; reply != NULL && i < reply->n_certs; i++)
			json_cert(&j, reply->certs[i]);
		out_json_end_array(&j);
		out_json_finish(&j);
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	if (reply == NULL || reply->n_certs == 0) {
		puts(_("no client certificates"));
		rigbook__response__free_unpacked(resp, NULL);
		return CMD_OK;
	}
	t = out_table_new(8, head);
	for (size_t i = 0; t != NULL && i < reply->n_certs; i++) {
		const Rigbook__ClientCert *c = reply->certs[i];
		char id[24], made[80], used[80], st[100];

		snprintf(id, sizeof(id), "%" PRIu64, c->id);
		when(c->created_at, made, sizeof(made));
		when(c->last_used_at, used, sizeof(used));
		if (c->revoked_at != 0) {
			char r[80];

			when(c->revoked_at, r, sizeof(r));
			snprintf(st, sizeof(st), _("revoked %s"), r);
		} else {
			snprintf(st, sizeof(st), "%s", _(status(c)));
		}
		const char *row[] = { id, c->member_handle, c->fingerprint, c->label, c->subject,
				      made, used, st };

		if (out_table_add(t, row) != 0) {
			out_table_free(t);
			t = NULL;
		}
	}
	if (t == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("out of memory"));
	}
	out_table_print(t, stdout);
	out_table_free(t);
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

/* 64 hex digits, with or without colons between the pairs. */
static int is_fingerprint(const char *s)
{
	size_t digits = 0;

	for (; *s != '\0'; s++) {
		if (*s == ':')
			continue;
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return 0;
		digits++;
	}
	return digits == 64;
}

static int revoke(struct cmd_ctx *ctx, const char *arg)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__RevokeClientCertRequest rr = RIGBOOK__REVOKE_CLIENT_CERT_REQUEST__INIT;
	Rigbook__Response *resp;
	struct out_json j;
	int rc;

	if (is_fingerprint(arg))
		rr.fingerprint = (char *)arg;
	else if (cmd_booking_id(arg, &rr.cert_id) != 0)
		return cmd_usage_error(ctx, _("'%.70s' is neither a certificate id (a number, as 'cert list' shows) nor a SHA-256 fingerprint (64 hex digits)"),
				       arg);
	req.body_case = RIGBOOK__REQUEST__BODY_REVOKE_CLIENT_CERT;
	req.revoke_client_cert = &rr;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_REVOKE_CLIENT_CERT, &resp);
	if (rc != CMD_OK)
		return rc;
	if (resp->revoke_client_cert == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer holds no certificate"));
	}
	if (ctx->json) {
		out_json_init(&j, stdout);
		json_cert(&j, resp->revoke_client_cert);
		out_json_finish(&j);
	} else {
		printf(_("revoked client certificate %" PRIu64 " of "), resp->revoke_client_cert->id);
		out_put_clean(stdout, resp->revoke_client_cert->member_handle);
		puts(_("; it no longer signs in"));
	}
	rigbook__response__free_unpacked(resp, NULL);
	return CMD_OK;
}

static int cert_add(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (args->npos != 2)
		return cmd_usage_error(ctx, "%s", _("say which certificate, by its PEM file"));
	return add(ctx, args, args->pos[1]);
}

static int cert_list(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (cmd_arg(args, "label") != NULL)
		return cmd_usage_error(ctx, _("--label goes with 'cert add'"));
	if (args->npos != 1)
		return cmd_usage_error(ctx, _("say whose certificates with --member HANDLE"));
	return list(ctx, cmd_arg(args, "member"));
}

static int cert_revoke(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	if (cmd_arg(args, "label") != NULL)
		return cmd_usage_error(ctx, _("--label goes with 'cert add'"));
	if (cmd_arg(args, "member") != NULL)
		return cmd_usage_error(ctx, _("--member goes with 'cert add' and 'cert list'"));
	if (args->npos != 2)
		return cmd_usage_error(ctx, "%s", _("say which certificate, by its id or fingerprint"));
	return revoke(ctx, args->pos[1]);
}

static const struct cmd_sub cert_subs[] = {
	{ "add", NULL, "FILE [--member HANDLE] [--label TEXT]",
	  N_("register a client certificate (its SHA-256 fingerprint) to sign in with"), cert_add },
	{ "list", NULL, "[--member HANDLE]", N_("registered client certificates"), cert_list },
	{ "revoke", NULL, "ID|FINGERPRINT", N_("revoke a client certificate: it stops signing in at once"),
	  cert_revoke },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct cmd_entry cmd_cert_entry = {
	.name = "cert",
	.usage = "",
	.summary = N_("register, list or revoke client certificates to sign in with"),
	.options = cert_opts,
	.lower = 1,
	.upper = 2,
	.subs = cert_subs,
};
