/* TLS for client connections.  The only daemon file that includes OpenSSL. */
#ifndef RIGBOOKD_TLS_H
#define RIGBOOKD_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

struct config;

/* Build the server context from the configured certificate and key. */
int tls_init(const struct config *c, char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * Build a new context; on success replace the current one.  Connections
 * already open keep the context they started with; new ones get the new
 * one.  On failure nothing changes.
 */
int tls_reload(const struct config *c, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * A bufferevent that runs the server side of a TLS handshake on fd.  With
 * client_certs, a client certificate is asked for as tls_client_auth says
 * (the protocol's listeners); without, never (the feed listener).
 */
struct bufferevent *tls_accept_bev(struct event_base *base, evutil_socket_t fd, int client_certs);

/* tls_client_auth of the current context. */
#define TLS_CLIENT_AUTH_OFF 0
#define TLS_CLIENT_AUTH_OPTIONAL 1
#define TLS_CLIENT_AUTH_REQUIRE 2
int tls_client_auth(void);

/*
 * Check tls_client_auth and tls_client_ca together: the mode
 * (TLS_CLIENT_AUTH_*), or -1 and a message naming the key.
 */
int tls_check_client_auth(const struct config *c, char *err, size_t errlen);

/*
 * The client certificate of a finished handshake, when the client sent one
 * and it verified against tls_client_ca: 1, its SHA-256 (of the DER
 * certificate) as 64 lowercase hex digits, and its notAfter in epoch
 * seconds (0 when unreadable).  0 when there is none.
 */
int tls_peer_cert(struct bufferevent *bev, char fingerprint[65], int64_t *not_after);

/* "TLSv1.3" and the cipher, once the handshake is done; "" before. */
void tls_describe(struct bufferevent *bev, char *buf, size_t len);

/* The last OpenSSL error on this thread as text (consumes the queue). */
void tls_last_error(char *buf, size_t len);

/* Why the TLS layer of bev failed, as text. */
void tls_bev_error(struct bufferevent *bev, char *buf, size_t len);

void tls_free(void);



/* SHA-256 of len bytes as 64 lowercase hex digits and a NUL. */
void tls_sha256_hex(const void *data, size_t len, char out[65]);

/* A new bearer token: "rbk_" and 64 hex digits of RAND_bytes (32 bytes) and a NUL. */
#define TLS_TOKEN_LEN 68
int tls_random_token(char out[TLS_TOKEN_LEN + 1]) __attribute__((warn_unused_result));
#endif
