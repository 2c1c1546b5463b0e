/*
 * A blocking TLS connection to rigbookd: the client's only way to talk to the
 * server, also linked by the integration tests and the load generator.
 */
#ifndef RIGBOOK_CLIENT_NET_H
#define RIGBOOK_CLIENT_NET_H

#include <stddef.h>
#include <stdint.h>

#include "rigbook.pb-c.h"

struct rbc_conn;

struct rbc_opts {
	const char *server;      /* "host:port", "[::1]:port" */
	const char *ca_file;     /* PEM bundle that signs the server certificate; NULL: system store */
	const char *server_name; /* name to verify; NULL: the host part of server */
	const char *token;       /* bearer token sent in Hello; NULL: connect without Hello, unless cert_file */
	const char *cert_file;   /* client certificate chain (PEM) offered to the server; NULL: none */
	const char *key_file;    /* its private key (PEM); with cert_file, Hello is sent (token or "") */
	const char *client_name; /* Hello.client, e.g. "rigbook/0.1.0" */
	uint32_t max_frame;      /* 0: RB_FRAME_MAX_DEFAULT */
	int timeout_ms;          /* connect, handshake and each call; 0: 30000 */
};

/*
 * Connect (TCP, TLS 1.2+ with certificate and host verification, offering
 * o->cert_file when set), then, when o->token or o->cert_file is set, send
 * Hello (the token, or "" to sign in by the certificate) and wait for its
 * reply.  On failure returns -1
 * and writes a human message to err.  When the server refuses the Hello,
 * *code is set to its ErrorCode (otherwise 0).
 */
int rbc_connect(const struct rbc_opts *o, struct rbc_conn **out, int *code, char *err,
		size_t errlen) __attribute__((warn_unused_result));

/* The HelloReply of an authenticated connection, NULL before. */
const Rigbook__HelloReply *rbc_session(const struct rbc_conn *c);

/* Send one request.  A request id of 0 is replaced by the next free id. */
int rbc_send(struct rbc_conn *c, Rigbook__Request *req, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Receive one response; free it with rigbook__response__free_unpacked(r, NULL). */
int rbc_recv(struct rbc_conn *c, Rigbook__Response **resp, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * Send and wait for the response with the same id (others are discarded).
 * An Error with id 0 (the server ends the connection: malformed frame, idle
 * timeout, shutdown) is returned as the answer too, and the connection is
 * then broken.
 */
int rbc_call(struct rbc_conn *c, Rigbook__Request *req, Rigbook__Response **resp, char *err,
	     size_t errlen) __attribute__((warn_unused_result));

/*
 * Wait up to timeout_ms (-1: no limit) for something to read: 1 when
 * rbc_recv has bytes to start on (or a failure to report), 0 after the
 * timeout or a signal.  For connections that wait for server events.
 */
int rbc_wait(struct rbc_conn *c, int timeout_ms);

/* Send raw bytes (tests of malformed input). */
int rbc_send_raw(struct rbc_conn *c, const void *buf, size_t len, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * Whether the transport failed (timeout, reset, closed, malformed frame) or
 * the server announced that it closes: the connection can carry nothing more.
 * A request sent on it may or may not have been carried out; retry it on a
 * new connection only with the same idempotency key.
 */
int rbc_broken(const struct rbc_conn *c);

/* The server as given in rbc_opts.server, for messages. */
const char *rbc_peer(const struct rbc_conn *c);

int rbc_fd(const struct rbc_conn *c);
void rbc_close(struct rbc_conn *c);

#endif
