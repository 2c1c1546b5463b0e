#include "tls.h"

#include <stdio.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "config.h"
#include "log.h"

static SSL_CTX *server_ctx;

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
	int minv;
	char why[256];

	if (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0') {
		snprintf(err, errlen, "tls_cert and tls_key must be set (rigbook speaks only TLS)");
		return NULL;
	}
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
	return ctx;
}

int tls_init(const struct config *c, char *err, size_t errlen)
{
	SSL_CTX *ctx = build_ctx(c, err, errlen);

	if (ctx == NULL)
		return -1;
	SSL_CTX_free(server_ctx);
	server_ctx = ctx;
	return 0;
}

int tls_reload(const struct config *c, char *err, size_t errlen)
{
	return tls_init(c, err, errlen);
}

struct bufferevent *tls_accept_bev(struct event_base *base, evutil_socket_t fd)
{
	struct bufferevent *bev;
	SSL *ssl = SSL_new(server_ctx); /* holds its own reference to the context */

	if (ssl == NULL)
		return NULL;
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
