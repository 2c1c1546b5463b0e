/* TLS for client connections.  The only daemon file that includes OpenSSL. */
#ifndef RIGBOOKD_TLS_H
#define RIGBOOKD_TLS_H

#include <stddef.h>

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

/* A bufferevent that runs the server side of a TLS handshake on fd. */
struct bufferevent *tls_accept_bev(struct event_base *base, evutil_socket_t fd);

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
