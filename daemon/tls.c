#include "tls.h"

#include <stdio.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <time.h>

#include "config.h"
#include "log.h"

static SSL_CTX *server_ctx;
static int client_auth; /* TLS_CLIENT_AUTH_*: of server_ctx */

/* tls_client_auth's word as TLS_CLIENT_AUTH_*; -1 for another. */
static int client_auth_parse(const char *v)
{
	if (v == NULL || v[0] == '\0' || strcmp(v, "off") == 0)
		return TLS_CLIENT_AUTH_OFF;
	if (strcmp(v, "optional") == 0)
		return TLS_CLIENT_AUTH_OPTIONAL;
	if (strcmp(v, "require") == 0)
		return TLS_CLIENT_AUTH_REQUIRE;
	return -1;
}

int tls_check_client_auth(const struct config *c, char *err, size_t errlen)
{
	int mode = client_auth_parse(c->tls_client_auth);

	if (mode < 0) {
		snprintf(err, errlen, "tls_client_auth must be one of off optional require, not '%s'",
			 c->tls_client_auth);
		return -1;
	}
	if (mode != TLS_CLIENT_AUTH_OFF && (c->tls_client_ca == NULL || c->tls_client_ca[0] == '\0')) {
		snprintf(err, errlen,
			 "tls_client_auth = %s needs tls_client_ca, the CA bundle (PEM) that signs the "
			 "members' client certificates",
			 c->tls_client_auth);
		return -1;
	}
	return mode;
}

/*
 * Ask clients for a certificate that chains to tls_client_ca.  A client
 * that sends none still finishes the handshake (its Hello decides, in
 * svc_session.c: a clear refusal rather than a TLS alert); one that sends
 * a certificate that does not verify fails the handshake.
 */
static int setup_client_auth(SSL_CTX *ctx, const struct config *c, int mode, char *err,
			     size_t errlen)
{
	STACK_OF(X509_NAME) *names;
	char why[256];

	if (mode == TLS_CLIENT_AUTH_OFF)
		return 0;
	if (SSL_CTX_load_verify_locations(ctx, c->tls_client_ca, NULL) != 1) {
		tls_last_error(why, sizeof(why));
		snprintf(err, errlen, "cannot load tls_client_ca %s: %s", c->tls_client_ca, why);
		return -1;
	}
	names = SSL_load_client_CA_file(c->tls_client_ca);
	if (names == NULL) {
		tls_last_error(why, sizeof(why));
		snprintf(err, errlen, "tls_client_ca %s holds no CA certificate: %s", c->tls_client_ca,
			 why);
		return -1;
	}
	SSL_CTX_set_client_CA_list(ctx, names); /* takes names */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return 0;
}

void tls_last_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "no details");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

static SSL_CTX *build_ctx(const struct config *c, char *err, size_t errlen)
{
	SSL_CTX *ctx;
	int minv, mode;
	char why[256];

	if (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0') {
		snprintf(err, errlen, "tls_cert and tls_key must be set (rigbook speaks only TLS)");
		return NULL;
	}
	mode = tls_check_client_auth(c, err, errlen);
	if (mode < 0)
		return NULL;
	if (strcmp(c->tls_min_version, "1.3") == 0)
		minv = TLS1_3_VERSION;
	else if (strcmp(c->tls_min_version, "1.2") == 0)
		minv = TLS1_2_VERSION;
	else {
		snprintf(err, errlen, "tls_min_version must be 1.2 or 1.3, not '%s'",
			 c->tls_min_version);
		return NULL;
	}

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		tls_last_error(why, sizeof(why));
		snprintf(err, errlen, "cannot create a TLS context: %s", why);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, minv);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
					 SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections hold no read/write buffers: memory per idle client stays small. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"rigbookd", 8);

	if (SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1) {
		tls_last_error(why, sizeof(why));
		snprintf(err, errlen, "cannot load certificate %s: %s", c->tls_cert, why);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, c->tls_key, SSL_FILETYPE_PEM) != 1) {
		tls_last_error(why, sizeof(why));
		snprintf(err, errlen, "cannot load private key %s: %s", c->tls_key, why);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "private key %s does not match certificate %s", c->tls_key,
			 c->tls_cert);
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (setup_client_auth(ctx, c, mode, err, errlen) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int tls_init(const struct config *c, char *err, size_t errlen)
{
	SSL_CTX *ctx = build_ctx(c, err, errlen);

	if (ctx == NULL)
		return -1;
	SSL_CTX_free(server_ctx);
	server_ctx = ctx;
	client_auth = tls_check_client_auth(c, err, errlen); /* checked in build_ctx */
	return 0;
}

int tls_client_auth(void)
{
	return client_auth;
}

int tls_reload(const struct config *c, char *err, size_t errlen)
{
	return tls_init(c, err, errlen);
}

struct bufferevent *tls_accept_bev(struct event_base *base, evutil_socket_t fd, int client_certs)
{
	struct bufferevent *bev;
	SSL *ssl = SSL_new(server_ctx); /* holds its own reference to the context */

	if (ssl == NULL)
		return NULL;
	if (!client_certs)
		SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
	bev = bufferevent_openssl_socket_new(base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	/* A peer that closes without close_notify is a plain EOF, not an error. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

void tls_describe(struct bufferevent *bev, char *buf, size_t len)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);

	if (ssl == NULL || !SSL_is_init_finished(ssl)) {
		snprintf(buf, len, "%s", "");
		return;
	}
	snprintf(buf, len, "%s %s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
}

int tls_peer_cert(struct bufferevent *bev, char fingerprint[65], int64_t *not_after)
{
	static const char hex[] = "0123456789abcdef";
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	X509 *cert;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	struct tm tm;

	fingerprint[0] = '\0';
	*not_after = 0;
	if (ssl == NULL || !SSL_is_init_finished(ssl))
		return 0;
	cert = SSL_get_peer_certificate(ssl); /* a reference of our own */
	if (cert == NULL)
		return 0;
	if (SSL_get_verify_result(ssl) != X509_V_OK || X509_digest(cert, EVP_sha256(), md, &n) != 1 ||
	    n != 32) {
		X509_free(cert);
		ERR_clear_error();
		return 0;
	}
	for (unsigned int i = 0; i < n; i++) {
		fingerprint[2 * i] = hex[md[i] >> 4];
		fingerprint[2 * i + 1] = hex[md[i] & 15];
	}
	fingerprint[64] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
		*not_after = (int64_t)timegm(&tm);
	X509_free(cert);
	return 1;
}

void tls_free(void)
{
	SSL_CTX_free(server_ctx);
	server_ctx = NULL;
}

void tls_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];

	SHA256(data, len, md);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void tls_bev_error(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = bufferevent_get_openssl_error(bev)) != 0)
		last = e;
	if (last == 0 || ERR_GET_LIB(last) == 0) {
		/* libevent's own codes: the socket failed or the peer spoke no TLS */
		snprintf(buf, len, "the peer does not speak TLS or closed during the handshake");
		ERR_clear_error();
		return;
	}
	ERR_error_string_n(last, buf, len);
}

int tls_random_token(char out[TLS_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	memcpy(out, "rbk_", 4);
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[4 + 2 * i] = hex[raw[i] >> 4];
		out[4 + 2 * i + 1] = hex[raw[i] & 15];
	}
	out[TLS_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}
