/*
 * The blocking TLS connection.  The socket is non-blocking underneath so that
 * every wait goes through poll() with a deadline; OpenSSL's WANT_READ and
 * WANT_WRITE just say which way to wait.  Frames are read through a
 * frame_reader, so a response split over several TLS records, or several
 * responses in one record, come out whole and in order.
 *
 * SIGPIPE: a write to a connection the peer has reset raises SIGPIPE, which
 * would kill the process.  Around each OpenSSL call SIGPIPE is blocked for
 * the calling thread and a SIGPIPE raised meanwhile is consumed, so callers
 * (the client, multi-threaded test tools) need not change its disposition.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "rigbook/frame.h"
#include "rigbook/names.h"
#include "refusals.h"
#include "i18n.h"

#define DEFAULT_PORT "7878"
#define DEFAULT_TIMEOUT_MS 30000
#define READ_CHUNK 16384

struct rbc_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	int timeout_ms;
	uint64_t next_id;
	int broken; /* the transport failed or the server ended the stream */
	struct frame_reader fr;
	uint8_t rbuf[READ_CHUNK]; /* bytes read but not yet fed to fr */
	size_t rpos, rlen;
	Rigbook__Response *hello; /* owns the HelloReply */
	char peer[300];           /* "host:port" as given, for messages */
	char verify_name[256];    /* the name or address the certificate must carry */
};

struct sigpipe_guard {
	sigset_t old;
	int was_pending;
};

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ SIGPIPE */

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	sigemptyset(&pending);
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

static void sigpipe_restore(struct sigpipe_guard *g)
{
	sigset_t set, pending;
	struct timespec zero = { 0, 0 };

	if (!g->was_pending) {
		sigemptyset(&pending);
		if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
			sigemptyset(&set);
			sigaddset(&set, SIGPIPE);
			while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
				;
		}
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* ------------------------------------------------------------ helpers */

/* The deepest OpenSSL error as text, or "" when the queue is empty. */
static const char *ssl_reason(char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0) {
		buf[0] = '\0';
		return buf;
	}
	ERR_error_string_n(last, buf, len);
	/* "error:0A000086:SSL routines::certificate verify failed" -> the reason */
	const char *p = strrchr(buf, ':');

	return p != NULL && p[1] != '\0' ? p + 1 : buf;
}

/*
 * Split "host:port", "[v6]:port", "host" or a bare IPv6 address into host
 * and port (default 7878).
 */
static int split_server(const char *server, char *host, size_t hlen, char *port, size_t plen,
			char *err, size_t errlen)
{
	const char *p, *colon;
	size_t n;

	if (server == NULL || server[0] == '\0') {
		set_err(err, errlen, _("no server given (host:port)"));
		return -1;
	}
	if (server[0] == '[') {
		p = strchr(server, ']');
		if (p == NULL || (p[1] != '\0' && p[1] != ':'))
			goto bad;
		n = (size_t)(p - server - 1);
		if (n == 0 || n >= hlen)
			goto bad;
		memcpy(host, server + 1, n);
		host[n] = '\0';
		colon = p[1] == ':' ? p + 1 : NULL;
	} else {
		colon = strchr(server, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL; /* a bare IPv6 address */
		n = colon != NULL ? (size_t)(colon - server) : strlen(server);
		if (n == 0 || n >= hlen)
			goto bad;
		memcpy(host, server, n);
		host[n] = '\0';
	}
	if (colon == NULL) {
		snprintf(port, plen, "%s", DEFAULT_PORT);
		return 0;
	}
	p = colon + 1;
	n = strlen(p);
	if (n == 0 || n > 5 || n >= plen || strspn(p, "0123456789") != n || atoi(p) < 1 ||
	    atoi(p) > 65535)
		goto bad;
	memcpy(port, p, n + 1);
	return 0;
bad:
	set_err(err, errlen, _("'%s' is not a server address (host:port, [ipv6]:port)"), server);
	return -1;
}

static int is_ip_literal(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Wait until fd is readable (want_write 0) or writable, or the deadline. */
static int wait_fd(int fd, int want_write, int64_t deadline, const char *what, char *err,
		   size_t errlen)
{
	struct pollfd pfd;
	int64_t left;
	int rc;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			set_err(err, errlen, _("timed out %s"), what);
			return -1;
		}
		pfd.fd = fd;
		pfd.events = want_write ? POLLOUT : POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 0; /* ready, or an error the next call will report */
		if (rc < 0 && errno != EINTR) {
			set_err(err, errlen, _("poll: %s"), strerror(errno));
			return -1;
		}
	}
}

/* ------------------------------------------------------------ TCP */

static int tcp_connect(const char *host, const char *port, int64_t deadline, char *err,
		       size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char why[256];
	int fd = -1, rc, soerr, one = 1;
	socklen_t sl;

	snprintf(why, sizeof(why), "%s", _("no address"));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_ADDRFAMILY || rc == EAI_FAMILY) {
		/* AI_ADDRCONFIG hides ::1 on hosts without a global IPv6 address */
		hints.ai_flags = AI_NUMERICSERV;
		rc = getaddrinfo(host, port, &hints, &res);
	}
	if (rc != 0) {
		set_err(err, errlen, _("cannot resolve %s: %s"), host,
			rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			snprintf(why, sizeof(why), _("socket: %s"), strerror(errno));
			continue;
		}
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc != 0 && errno == EINPROGRESS) {
			if (wait_fd(fd, 1, deadline, _("connecting"), why, sizeof(why)) != 0) {
				close(fd);
				fd = -1;
				break; /* the deadline covers all addresses */
			}
			soerr = 0;
			sl = sizeof(soerr);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
				soerr = errno;
			rc = soerr == 0 ? 0 : -1;
			errno = soerr;
		}
		if (rc == 0)
			break;
		snprintf(why, sizeof(why), "%s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		set_err(err, errlen, "%s", why);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* ------------------------------------------------------------ TLS */

static int tls_setup(struct rbc_conn *c, const struct rbc_opts *o, const char *host, char *err,
		     size_t errlen)
{
	const char *name = o->server_name != NULL && o->server_name[0] != '\0' ? o->server_name
										: host;
	char why[256];

	snprintf(c->verify_name, sizeof(c->verify_name), "%s", name);
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL) {
		set_err(err, errlen, _("cannot create a TLS context: %s"), ssl_reason(why, sizeof(why)));
		return -1;
	}
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (o->ca_file != NULL && o->ca_file[0] != '\0') {
		if (access(o->ca_file, R_OK) != 0) {
			set_err(err, errlen, _("cannot read the CA file %s: %s"), o->ca_file,
				strerror(errno));
			return -1;
		}
		if (SSL_CTX_load_verify_locations(c->ctx, o->ca_file, NULL) != 1) {
			set_err(err, errlen, _("cannot load the CA file %s: %s"), o->ca_file,
				ssl_reason(why, sizeof(why)));
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
		set_err(err, errlen, _("cannot load the system's CA certificates: %s"),
			ssl_reason(why, sizeof(why)));
		return -1;
	}

	if (o->cert_file != NULL && o->cert_file[0] != '\0') {
		const char *key = o->key_file != NULL && o->key_file[0] != '\0' ? o->key_file
									      : o->cert_file;

		if (SSL_CTX_use_certificate_chain_file(c->ctx, o->cert_file) != 1) {
			set_err(err, errlen, _("cannot load the client certificate %s: %s"), o->cert_file,
				ssl_reason(why, sizeof(why)));
			return -1;
		}
		if (SSL_CTX_use_PrivateKey_file(c->ctx, key, SSL_FILETYPE_PEM) != 1) {
			set_err(err, errlen, _("cannot load the client key %s: %s"), key,
				ssl_reason(why, sizeof(why)));
			return -1;
		}
		if (SSL_CTX_check_private_key(c->ctx) != 1) {
			ERR_clear_error();
			set_err(err, errlen, _("the client key %s does not match the certificate %s"), key,
				o->cert_file);
			return -1;
		}
	}

	c->ssl = SSL_new(c->ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		set_err(err, errlen, _("cannot create a TLS connection: %s"),
			ssl_reason(why, sizeof(why)));
		return -1;
	}
	if (is_ip_literal(name)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), name) != 1) {
			set_err(err, errlen, _("cannot verify against address %s"), name);
			return -1;
		}
	} else {
		SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (SSL_set1_host(c->ssl, name) != 1 || SSL_set_tlsext_host_name(c->ssl, name) != 1) {
			set_err(err, errlen, _("cannot verify against host name %s"), name);
			return -1;
		}
	}
	return 0;
}

static int tls_handshake(struct rbc_conn *c, int64_t deadline, char *err, size_t errlen)
{
	struct sigpipe_guard g;
	char why[256], tmo[128];
	const char *reason;
	int rc, e, saved_errno;
	long vr;

	for (;;) {
		ERR_clear_error();
		sigpipe_block(&g);
		errno = 0;
		rc = SSL_connect(c->ssl);
		saved_errno = errno;
		sigpipe_restore(&g);
		if (rc == 1)
			return 0;
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_fd(c->fd, e == SSL_ERROR_WANT_WRITE, deadline, _("in the TLS handshake"),
				    tmo, sizeof(tmo)) != 0) {
				set_err(err, errlen, _("TLS handshake with %s failed: %s"), c->peer, tmo);
				return -1;
			}
			continue;
		}
		break;
	}
	vr = SSL_get_verify_result(c->ssl);
	if (vr != X509_V_OK) {
		ERR_clear_error();
		if (vr == X509_V_ERR_HOSTNAME_MISMATCH || vr == X509_V_ERR_IP_ADDRESS_MISMATCH)
			set_err(err, errlen,
				_("TLS handshake with %s failed: certificate verify failed: %s (the certificate does not name %s; see --server-name)"),
				c->peer, X509_verify_cert_error_string(vr), c->verify_name);
		else
			set_err(err, errlen,
				_("TLS handshake with %s failed: certificate verify failed: %s (is --ca the CA that signed the server's certificate?)"),
				c->peer, X509_verify_cert_error_string(vr));
		return -1;
	}
	reason = ssl_reason(why, sizeof(why));
	if (reason[0] != '\0')
		set_err(err, errlen, _("TLS handshake with %s failed: %s"), c->peer, reason);
	else if (e == SSL_ERROR_SYSCALL && saved_errno != 0)
		set_err(err, errlen, _("TLS handshake with %s failed: %s"), c->peer,
			strerror(saved_errno));
	else
		set_err(err, errlen,
			_("TLS handshake with %s failed: the server closed the connection (is it a rigbook server speaking TLS?)"),
			c->peer);
	return -1;
}

/* Write all of buf, or fail and mark the connection broken. */
static int tls_write_all(struct rbc_conn *c, const uint8_t *buf, size_t len, int64_t deadline,
			 char *err, size_t errlen)
{
	struct sigpipe_guard g;
	char why[256], tmo[128];
	const char *reason;
	int rc, e, saved_errno;

	while (len > 0) {
		int chunk = len > INT32_MAX ? INT32_MAX : (int)len;

		ERR_clear_error();
		sigpipe_block(&g);
		errno = 0;
		rc = SSL_write(c->ssl, buf, chunk);
		saved_errno = errno;
		sigpipe_restore(&g);
		if (rc > 0) {
			buf += rc;
			len -= (size_t)rc;
			continue;
		}
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_fd(c->fd, e == SSL_ERROR_WANT_WRITE, deadline, _("sending"), tmo,
				    sizeof(tmo)) != 0) {
				c->broken = 1;
				set_err(err, errlen, "%s: %s", c->peer, tmo);
				return -1;
			}
			continue;
		}
		c->broken = 1;
		reason = ssl_reason(why, sizeof(why));
		if (e == SSL_ERROR_SYSCALL && saved_errno != 0)
			set_err(err, errlen, _("sending to %s failed: %s"), c->peer, strerror(saved_errno));
		else if (reason[0] != '\0')
			set_err(err, errlen, _("sending to %s failed: %s"), c->peer, reason);
		else
			set_err(err, errlen, _("sending to %s failed: the server closed the connection"),
				c->peer);
		return -1;
	}
	return 0;
}

/* Read what is there (at least one byte) into c->rbuf. */
static int tls_read_some(struct rbc_conn *c, int64_t deadline, char *err, size_t errlen)
{
	struct sigpipe_guard g;
	char why[256], tmo[128];
	const char *reason;
	int rc, e, saved_errno, eof;

	for (;;) {
		ERR_clear_error();
		sigpipe_block(&g);
		errno = 0;
		rc = SSL_read(c->ssl, c->rbuf, (int)sizeof(c->rbuf));
		saved_errno = errno;
		sigpipe_restore(&g);
		if (rc > 0) {
			c->rpos = 0;
			c->rlen = (size_t)rc;
			return 0;
		}
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_fd(c->fd, e == SSL_ERROR_WANT_WRITE, deadline,
				    _("waiting for the server's answer"), tmo, sizeof(tmo)) != 0) {
				c->broken = 1;
				set_err(err, errlen, "%s: %s", c->peer, tmo);
				return -1;
			}
			continue;
		}
		c->broken = 1;
		eof = e == SSL_ERROR_SSL &&
		      ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
		reason = ssl_reason(why, sizeof(why));
		if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && saved_errno == 0))
			set_err(err, errlen, _("%s closed the connection"), c->peer);
		else if (eof)
			set_err(err, errlen, _("%s closed the connection without a TLS close_notify"),
				c->peer);
		else if (e == SSL_ERROR_SYSCALL)
			set_err(err, errlen, _("reading from %s failed: %s"), c->peer,
				strerror(saved_errno));
		else
			set_err(err, errlen, _("reading from %s failed: %s"), c->peer,
				reason[0] != '\0' ? reason : _("TLS error"));
		return -1;
	}
}

/* ------------------------------------------------------------ frames */

static int send_request(struct rbc_conn *c, Rigbook__Request *req, int64_t deadline, char *err,
			size_t errlen)
{
	size_t n;
	uint8_t *buf;
	int rc;

	if (c->broken) {
		set_err(err, errlen, _("the connection to %s is closed"), c->peer);
		return -1;
	}
	if (req->id == 0)
		req->id = c->next_id++;
	else if (req->id >= c->next_id)
		c->next_id = req->id + 1;
	n = rigbook__request__get_packed_size(req);
	if (n > UINT32_MAX) {
		set_err(err, errlen, _("the request is too large (%zu bytes)"), n);
		return -1;
	}
	buf = malloc(RB_FRAME_HDR + n);
	if (buf == NULL) {
		set_err(err, errlen, _("out of memory"));
		return -1;
	}
	frame_put_header(buf, (uint32_t)n);
	rigbook__request__pack(req, buf + RB_FRAME_HDR);
	rc = tls_write_all(c, buf, RB_FRAME_HDR + n, deadline, err, errlen);
	free(buf);
	return rc;
}

static int recv_response(struct rbc_conn *c, Rigbook__Response **out, int64_t deadline, char *err,
			 size_t errlen)
{
	enum rb_frame_status st;
	size_t used;

	*out = NULL;
	if (c->broken) {
		set_err(err, errlen, _("the connection to %s is closed"), c->peer);
		return -1;
	}
	for (;;) {
		if (c->rpos < c->rlen) {
			st = frame_reader_feed(&c->fr, c->rbuf + c->rpos, c->rlen - c->rpos, &used);
			c->rpos += used;
			if (st == RB_FRAME_READY) {
				*out = rigbook__response__unpack(NULL, c->fr.len, c->fr.buf);
				frame_reader_next(&c->fr);
				if (*out == NULL) {
					c->broken = 1;
					set_err(err, errlen, _("%s sent a response that is not valid protobuf"),
						c->peer);
					return -1;
				}
				return 0;
			}
			if (st == RB_FRAME_TOO_BIG) {
				c->broken = 1;
				set_err(err, errlen,
					_("%s sent a frame of %u bytes, more than the limit of %u"), c->peer,
					c->fr.len, c->fr.max);
				return -1;
			}
			continue;
		}
		if (tls_read_some(c, deadline, err, errlen) != 0)
			return -1;
	}
}

/* Send req and wait for its answer; an error about the whole connection (id 0) answers too. */
static int call(struct rbc_conn *c, Rigbook__Request *req, Rigbook__Response **out, char *err,
		size_t errlen)
{
	int64_t deadline = now_ms() + c->timeout_ms;
	Rigbook__Response *r;

	*out = NULL;
	if (send_request(c, req, deadline, err, errlen) != 0)
		return -1;
	for (;;) {
		if (recv_response(c, &r, deadline, err, errlen) != 0)
			return -1;
		if (r->id == req->id) {
			*out = r;
			return 0;
		}
		if (r->id == 0 && r->body_case == RIGBOOK__RESPONSE__BODY_ERROR) {
			c->broken = 1; /* the server closes after these */
			*out = r;
			return 0;
		}
		rigbook__response__free_unpacked(r, NULL);
	}
}

/* ------------------------------------------------------------ API */

static void conn_free(struct rbc_conn *c)
{
	struct sigpipe_guard g;

	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		if (!c->broken && SSL_is_init_finished(c->ssl)) {
			/* one close_notify, without waiting for the peer's */
			ERR_clear_error();
			sigpipe_block(&g);
			SSL_shutdown(c->ssl);
			sigpipe_restore(&g);
		}
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	frame_reader_reset(&c->fr);
	if (c->hello != NULL)
		rigbook__response__free_unpacked(c->hello, NULL);
	ERR_clear_error();
	free(c);
}

int rbc_connect(const struct rbc_opts *o, struct rbc_conn **out, int *code, char *err,
		size_t errlen)
{
	struct rbc_conn *c;
	char host[256], port[8], why[300];
	int64_t deadline;
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__Hello hello = RIGBOOK__HELLO__INIT;
	Rigbook__Response *resp = NULL;

	*out = NULL;
	if (code != NULL)
		*code = 0;
	if (split_server(o->server, host, sizeof(host), port, sizeof(port), err, errlen) != 0)
		return -1;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		set_err(err, errlen, _("out of memory"));
		return -1;
	}
	c->fd = -1;
	c->next_id = 1;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	frame_reader_init(&c->fr, o->max_frame != 0 ? o->max_frame : RB_FRAME_MAX_DEFAULT);
	snprintf(c->peer, sizeof(c->peer), "%s", o->server);

	deadline = now_ms() + c->timeout_ms;
	c->fd = tcp_connect(host, port, deadline, why, sizeof(why));
	if (c->fd < 0) {
		set_err(err, errlen, _("cannot connect to %s: %s"), c->peer, why);
		goto fail;
	}
	if (tls_setup(c, o, host, err, errlen) != 0 || tls_handshake(c, deadline, err, errlen) != 0)
		goto fail;

	if (o->token == NULL && (o->cert_file == NULL || o->cert_file[0] == '\0')) {
		*out = c;
		return 0;
	}
	hello.protocol_version = RIGBOOK_PROTOCOL_VERSION;
	/* with a client certificate and no token, the certificate signs in */
	hello.token = (char *)(o->token != NULL ? o->token : "");
	hello.client = (char *)(o->client_name != NULL ? o->client_name : "rigbook/" RIGBOOK_VERSION);
	req.body_case = RIGBOOK__REQUEST__BODY_HELLO;
	req.hello = &hello;
	if (call(c, &req, &resp, err, errlen) != 0) {
		/*
		 * In TLS 1.3 the server judges the client certificate after the
		 * client's handshake is done: a certificate it does not accept
		 * shows as an alert, or a reset, on the first request.
		 */
		if (o->cert_file != NULL && o->cert_file[0] != '\0' && err != NULL) {
			size_t n = strlen(err);

			set_err(err + n, errlen - n,
				_(" (the server may have refused the client certificate %s: is it signed by a CA the server trusts, its tls_client_ca?)"),
				o->cert_file);
		}
		goto fail;
	}
	if (resp->body_case == RIGBOOK__RESPONSE__BODY_ERROR && resp->error != NULL) {
		const char *words = refusal_text(resp->error);

		if (code != NULL)
			*code = resp->error->code != 0 ? (int)resp->error->code
						       : RIGBOOK__ERROR_CODE__INTERNAL;
		set_err(err, errlen, "%s",
			words[0] != '\0' ? words : _("the server refused the session"));
		goto fail;
	}
	if (resp->body_case != RIGBOOK__RESPONSE__BODY_HELLO || resp->hello == NULL) {
		set_err(err, errlen, _("%s answered Hello with something else (body %d)"), c->peer,
			(int)resp->body_case);
		goto fail;
	}
	c->hello = resp;
	*out = c;
	return 0;
fail:
	if (resp != NULL)
		rigbook__response__free_unpacked(resp, NULL);
	conn_free(c);
	return -1;
}

const Rigbook__HelloReply *rbc_session(const struct rbc_conn *c)
{
	return c != NULL && c->hello != NULL ? c->hello->hello : NULL;
}

int rbc_send(struct rbc_conn *c, Rigbook__Request *req, char *err, size_t errlen)
{
	return send_request(c, req, now_ms() + c->timeout_ms, err, errlen);
}

int rbc_recv(struct rbc_conn *c, Rigbook__Response **resp, char *err, size_t errlen)
{
	return recv_response(c, resp, now_ms() + c->timeout_ms, err, errlen);
}

int rbc_call(struct rbc_conn *c, Rigbook__Request *req, Rigbook__Response **resp, char *err,
	     size_t errlen)
{
	return call(c, req, resp, err, errlen);
}

int rbc_send_raw(struct rbc_conn *c, const void *buf, size_t len, char *err, size_t errlen)
{
	if (c->broken) {
		set_err(err, errlen, _("the connection to %s is closed"), c->peer);
		return -1;
	}
	return tls_write_all(c, buf, len, now_ms() + c->timeout_ms, err, errlen);
}

int rbc_wait(struct rbc_conn *c, int timeout_ms)
{
	struct pollfd pfd;

	if (c->broken || c->rpos < c->rlen || SSL_pending(c->ssl) > 0)
		return 1;
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, timeout_ms) > 0 ? 1 : 0;
}

int rbc_broken(const struct rbc_conn *c)
{
	return c->broken;
}

const char *rbc_peer(const struct rbc_conn *c)
{
	return c->peer;
}

int rbc_fd(const struct rbc_conn *c)
{
	return c->fd;
}

void rbc_close(struct rbc_conn *c)
{
	conn_free(c);
}
