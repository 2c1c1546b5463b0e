/*
 * rb-badinput: malformed and hostile input on the wire.
 *
 * Every case runs on a connection of its own: oversized and garbage frames,
 * requests without a body, requests before Hello, bad Hellos, request id 0,
 * a backwards booking window, stalled and half-written frames, bursts of
 * pipelined requests, and plain HTTP at the TLS port.  Afterwards a well-formed request on a new
 * connection must still work: the daemon survives all of it.  Every Error
 * that comes back must name its rule: a reason of [a-z0-9_], arguments named
 * so too.
 *
 * With --refusals it drives a spread of ordinary refusals instead (bad
 * input, a role that may not, things that do not exist, a window another
 * startup holds: --other-token is a member of another startup) and checks
 * the code and the reason of each.
 *
 * Exit status 0 when every check holds, 1 otherwise, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "rigbook/frame.h"
#include "rigbook/names.h"

#define CLOSE_WAIT_MS 5000
#define SILENCE_MS 1500
#define PIPELINE 20
#define PIPELINE_DEEP 300

struct bad_ctx {
	struct rbc_opts bare;   /* TLS only, no Hello */
	struct rbc_opts authed; /* signed in with --token */
	struct rbc_opts other;  /* signed in with --other-token */
	const char *token;
	const char *other_token;
	const char *resource;
	int handshake_timeout; /* the server's, in seconds; 0: skip the slow cases */
	int failures;
	int cases;
};

static int case_failed;

static void fail(struct bad_ctx *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct bad_ctx *x, const char *name, const char *fmt, ...)
{
	va_list ap;

	x->failures++;
	case_failed = 1;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ------------------------------------------------------------ connections */

static struct rbc_conn *open_bare(struct bad_ctx *x, const char *name)
{
	struct rbc_conn *c = NULL;
	char err[256];
	int code = 0;

	if (rbc_connect(&x->bare, &c, &code, err, sizeof(err)) != 0) {
		fail(x, name, "cannot connect: %s", err);
		return NULL;
	}
	return c;
}

static struct rbc_conn *open_authed(struct bad_ctx *x, const char *name)
{
	struct rbc_conn *c = NULL;
	char err[256];
	int code = 0;

	if (rbc_connect(&x->authed, &c, &code, err, sizeof(err)) != 0) {
		fail(x, name, "cannot sign in with the good token: %s%s%s",
		     code != 0 ? rb_code_name(code) : "", code != 0 ? ": " : "", err);
		return NULL;
	}
	return c;
}

/* A whole frame around payload[0..len), sent as one write. */
static int send_payload(struct bad_ctx *x, const char *name, struct rbc_conn *c,
			const void *payload, size_t len)
{
	uint8_t *buf = malloc(RB_FRAME_HDR + len);
	char err[256];
	int rc;

	if (buf == NULL) {
		fail(x, name, "out of memory");
		return -1;
	}
	frame_put_header(buf, (uint32_t)len);
	if (len > 0)
		memcpy(buf + RB_FRAME_HDR, payload, len);
	rc = rbc_send_raw(c, buf, RB_FRAME_HDR + len, err, sizeof(err));
	free(buf);
	if (rc != 0)
		fail(x, name, "cannot send: %s", err);
	return rc;
}

/* A request packed as is (its id is not touched, so 0 stays 0). */
static uint8_t *pack_request(const Rigbook__Request *req, size_t *len)
{
	size_t n = rigbook__request__get_packed_size(req);
	uint8_t *buf = malloc(n > 0 ? n : 1);

	if (buf != NULL)
		rigbook__request__pack(req, buf);
	*len = n;
	return buf;
}

static int send_request_raw(struct bad_ctx *x, const char *name, struct rbc_conn *c,
			    const Rigbook__Request *req)
{
	size_t n;
	uint8_t *buf = pack_request(req, &n);
	int rc;

	if (buf == NULL) {
		fail(x, name, "out of memory");
		return -1;
	}
	rc = send_payload(x, name, c, buf, n);
	free(buf);
	return rc;
}

static void describe(const Rigbook__Response *r, char *buf, size_t len)
{
	if (r->body_case == RIGBOOK__RESPONSE__BODY_ERROR && r->error != NULL)
		snprintf(buf, len, "id %" PRIu64 " Error %s [%s] (field \"%s\"): %s", r->id,
			 rb_code_name(r->error->code), r->error->reason ? r->error->reason : "",
			 r->error->field ? r->error->field : "",
			 r->error->message ? r->error->message : "");
	else
		snprintf(buf, len, "id %" PRIu64 " body case %d", r->id, (int)r->body_case);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * rbc_recv, telling a closed connection from a silent one: on failure
 * *silent is set when the whole timeout passed without an answer.
 */
static int recv_or_close(struct bad_ctx *x, struct rbc_conn *c, Rigbook__Response **r, char *err,
			 size_t errlen, int *silent)
{
	int64_t t0 = now_ms();

	*silent = 0;
	if (rbc_recv(c, r, err, errlen) == 0)
		return 0;
	*silent = now_ms() - t0 >= x->authed.timeout_ms - 100;
	return -1;
}

/* 1 when s is 1 to max bytes of [a-z0-9_]: a reason or an argument's name. */
static int key_ok(const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * Every Error names its rule: a reason, and arguments with names and
 * values.  Returns 0 when it does.
 */
static int check_reason(struct bad_ctx *x, const char *name, const Rigbook__Error *e,
			const char *d)
{
	if (!key_ok(e->reason, 64)) {
		fail(x, name, "the Error has no reason of 1 to 64 of [a-z0-9_]: %s", d);
		return -1;
	}
	for (size_t i = 0; i < e->n_args; i++) {
		if (e->args[i] == NULL || !key_ok(e->args[i]->name, 32) || e->args[i]->value == NULL) {
			fail(x, name, "the Error's argument %zu has no name of [a-z0-9_]: %s", i, d);
			return -1;
		}
	}
	return 0;
}

/*
 * The next response must be an Error with one of the codes (0-terminated
 * list), the id (unless any_id), the field (unless NULL) and one of the
 * reasons (NULL-terminated, see REASONS; NULL: any, so long as there is one).  Returns 0 when it is; 1
 * when the connection closed instead (allowed only if may_close), -1
 * otherwise.
 */
static int expect_refusal(struct bad_ctx *x, const char *name, struct rbc_conn *c, uint64_t id,
			  int any_id, const int *codes, const char *field, int may_close,
			  const char *const *reasons)
{
	Rigbook__Response *r = NULL;
	char err[256], d[600];
	int rc = -1, code_ok = 0, silent;

	if (recv_or_close(x, c, &r, err, sizeof(err), &silent) != 0) {
		if (may_close && !silent)
			return 1;
		fail(x, name, "no Error reply: %s", err);
		return -1;
	}
	describe(r, d, sizeof(d));
	if (r->body_case != RIGBOOK__RESPONSE__BODY_ERROR || r->error == NULL) {
		fail(x, name, "expected an Error, got %s", d);
		goto out;
	}
	for (const int *p = codes; *p != 0; p++)
		if ((int)r->error->code == *p)
			code_ok = 1;
	if (!code_ok) {
		char want[120] = "";

		for (const int *p = codes; *p != 0; p++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
				 p == codes ? "" : " or ", rb_code_name(*p));
		fail(x, name, "expected Error %s, got %s", want, d);
		goto out;
	}
	if (!any_id && r->id != id) {
		fail(x, name, "expected the reply to carry id %" PRIu64 ", got %s", id, d);
		goto out;
	}
	if (field != NULL && (r->error->field == NULL || strcmp(r->error->field, field) != 0)) {
		fail(x, name, "expected the error to name field \"%s\", got %s", field, d);
		goto out;
	}
	if (r->error->message == NULL || r->error->message[0] == '\0') {
		fail(x, name, "the Error has no message for people: %s", d);
		goto out;
	}
	if (check_reason(x, name, r->error, d) != 0)
		goto out;
	if (reasons != NULL) {
		char want[200] = "";
		int found = 0;

		for (const char *const *p = reasons; *p != NULL; p++) {
			found |= strcmp(r->error->reason, *p) == 0;
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
				 p == reasons ? "" : " or ", *p);
		}
		if (!found) {
			fail(x, name, "expected the reason %s, got %s", want, d);
			goto out;
		}
	}
	rc = 0;
out:
	rigbook__response__free_unpacked(r, NULL);
	return rc;
}

/* The reasons a refusal may have, for expect_refusal. */
#define REASONS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * The server must close the connection: the socket turns readable (EOF)
 * within CLOSE_WAIT_MS and no further response comes.
 */
static void expect_closed(struct bad_ctx *x, const char *name, struct rbc_conn *c)
{
	struct pollfd pfd = { .fd = rbc_fd(c), .events = POLLIN };
	Rigbook__Response *r = NULL;
	char err[256], d[400];
	int n;

	do
		n = poll(&pfd, 1, CLOSE_WAIT_MS);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		fail(x, name, "the connection is still open %d ms after the error", CLOSE_WAIT_MS);
		return;
	}
	if (rbc_recv(c, &r, err, sizeof(err)) == 0) {
		describe(r, d, sizeof(d));
		fail(x, name, "expected the connection to be closed, got another response: %s", d);
		rigbook__response__free_unpacked(r, NULL);
	}
}

/*
 * After a refused Hello the connection is closed, or at least still not
 * signed in: then the request (a Ping) is refused with UNAUTHENTICATED.
 */
static void expect_not_signed_in(struct bad_ctx *x, const char *name, struct rbc_conn *c,
				 const Rigbook__Request *probe)
{
	struct pollfd pfd = { .fd = rbc_fd(c), .events = POLLIN };
	Rigbook__Response *r = NULL;
	size_t n;
	uint8_t *buf, *frame;
	char err[256], d[400];
	int rc;

	do
		rc = poll(&pfd, 1, 1000);
	while (rc < 0 && errno == EINTR);
	if (rc > 0) {
		/* the server is closing: nothing more may come */
		expect_closed(x, name, c);
		return;
	}
	buf = pack_request(probe, &n);
	frame = malloc(RB_FRAME_HDR + n);
	if (buf == NULL || frame == NULL) {
		free(buf);
		free(frame);
		fail(x, name, "out of memory");
		return;
	}
	frame_put_header(frame, (uint32_t)n);
	memcpy(frame + RB_FRAME_HDR, buf, n);
	rc = rbc_send_raw(c, frame, RB_FRAME_HDR + n, err, sizeof(err));
	free(frame);
	free(buf);
	if (rc != 0)
		return; /* the server closed meanwhile */
	if (recv_or_close(x, c, &r, err, sizeof(err), &rc) != 0) {
		if (rc)
			fail(x, name, "after the refused Hello a Ping got neither an answer nor a close");
		return;
	}
	describe(r, d, sizeof(d));
	if (r->body_case != RIGBOOK__RESPONSE__BODY_ERROR || r->error == NULL ||
	    r->error->code != RIGBOOK__ERROR_CODE__UNAUTHENTICATED)
		fail(x, name, "after the refused Hello a Ping got %s; expected UNAUTHENTICATED or a close",
		     d);
	else
		check_reason(x, name, r->error, d);
	rigbook__response__free_unpacked(r, NULL);
}

/* Nothing at all may arrive for ms milliseconds (and the peer must not close). */
static void expect_silence(struct bad_ctx *x, const char *name, struct rbc_conn *c, int ms)
{
	struct pollfd pfd = { .fd = rbc_fd(c), .events = POLLIN };
	int n;

	do
		n = poll(&pfd, 1, ms);
	while (n < 0 && errno == EINTR);
	if (n != 0)
		fail(x, name, "the server answered or closed while a frame was still incomplete");
}

/* A Ping on c must come back as a Pong. */
static int expect_pong(struct bad_ctx *x, const char *name, struct rbc_conn *c)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__Ping ping = RIGBOOK__PING__INIT;
	Rigbook__Response *r = NULL;
	char err[256], d[400];
	int rc = -1;

	req.body_case = RIGBOOK__REQUEST__BODY_PING;
	req.ping = &ping;
	if (rbc_call(c, &req, &r, err, sizeof(err)) != 0) {
		fail(x, name, "a Ping afterwards got no reply: %s", err);
		return -1;
	}
	if (r->body_case == RIGBOOK__RESPONSE__BODY_PONG && r->pong != NULL) {
		rc = 0;
	} else {
		describe(r, d, sizeof(d));
		fail(x, name, "a Ping afterwards got %s instead of a Pong", d);
	}
	rigbook__response__free_unpacked(r, NULL);
	return rc;
}

/* A fresh signed-in connection still gets a Pong. */
static void expect_alive(struct bad_ctx *x, const char *name)
{
	struct rbc_conn *c = open_authed(x, name);

	if (c == NULL)
		return;
	expect_pong(x, name, c);
	rbc_close(c);
}

/* Close without a TLS goodbye: reset the TCP connection. */
static void drop_abruptly(struct rbc_conn *c)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(rbc_fd(c), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	shutdown(rbc_fd(c), SHUT_RDWR);
	rbc_close(c);
}

static Rigbook__Request *ping_request(Rigbook__Request *req, Rigbook__Ping *ping, uint64_t id)
{
	rigbook__request__init(req);
	rigbook__ping__init(ping);
	req->id = id;
	req->body_case = RIGBOOK__REQUEST__BODY_PING;
	req->ping = ping;
	return req;
}

static Rigbook__Request *hello_request(Rigbook__Request *req, Rigbook__Hello *h, uint64_t id,
				       uint32_t version, const char *token)
{
	rigbook__request__init(req);
	rigbook__hello__init(h);
	h->protocol_version = version;
	h->token = (char *)token;
	h->client = "rb-badinput/" RIGBOOK_VERSION;
	req->id = id;
	req->body_case = RIGBOOK__REQUEST__BODY_HELLO;
	req->hello = h;
	return req;
}

/* ------------------------------------------------------------ cases */

static const int c_invalid[] = { RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, 0 };
static const int c_unauth[] = { RIGBOOK__ERROR_CODE__UNAUTHENTICATED, 0 };
static const int c_precond[] = { RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, 0 };
static const int c_too_big[] = { RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED,
				 RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, 0 };

/* (a) A length header over the 1 MiB cap: Error or close, then closed. */
static void case_oversized(struct bad_ctx *x, const char *name, int signed_in)
{
	struct rbc_conn *c = signed_in ? open_authed(x, name) : open_bare(x, name);
	uint8_t hdr[RB_FRAME_HDR];
	char err[256];

	if (c == NULL)
		return;
	/* only the header: the server reads all we send, so its close is not a reset */
	frame_put_header(hdr, RB_FRAME_MAX_DEFAULT + 1);
	if (rbc_send_raw(c, hdr, sizeof(hdr), err, sizeof(err)) != 0)
		fail(x, name, "cannot send: %s", err);
	else if (expect_refusal(x, name, c, 0, 1, c_too_big, NULL, 1,
				REASONS("frame_too_large", "invalid_frame")) == 0)
		expect_closed(x, name, c);
	rbc_close(c);
}

static void case_oversized_bare(struct bad_ctx *x, const char *name)
{
	case_oversized(x, name, 0);
}

static void case_oversized_authed(struct bad_ctx *x, const char *name)
{
	case_oversized(x, name, 1);
}

/*
 * (a) The cap itself is allowed: a Ping padded with an unknown field to a
 * payload of exactly 1 MiB gets its Pong.
 */
static void case_max_frame(struct bad_ctx *x, const char *name)
{
	const size_t total = RB_FRAME_MAX_DEFAULT;
	/* id 61, ping {}, field 99 (length-delimited) of pad bytes */
	static const uint8_t head[] = { 0x08, 61, 0x5a, 0x00, 0x9a, 0x06 };
	size_t pad = total - sizeof(head) - 3, off = 0;
	uint8_t *p = malloc(total);
	Rigbook__Request *check;
	Rigbook__Response *r = NULL;
	struct rbc_conn *c = NULL;
	char err[256], d[400];

	if (p == NULL) {
		fail(x, name, "out of memory");
		return;
	}
	memcpy(p, head, sizeof(head));
	off = sizeof(head);
	p[off++] = (uint8_t)(0x80 | (pad & 0x7f)); /* 3-byte varint */
	p[off++] = (uint8_t)(0x80 | ((pad >> 7) & 0x7f));
	p[off++] = (uint8_t)(pad >> 14);
	memset(p + off, 'x', pad);
	check = rigbook__request__unpack(NULL, total, p);
	if (check == NULL || check->id != 61 || check->body_case != RIGBOOK__REQUEST__BODY_PING) {
		fail(x, name, "the test's 1 MiB Ping does not decode as intended");
		goto out;
	}
	if ((c = open_authed(x, name)) == NULL)
		goto out;
	if (send_payload(x, name, c, p, total) != 0)
		goto out;
	if (rbc_recv(c, &r, err, sizeof(err)) != 0) {
		fail(x, name, "no answer to a frame of exactly %zu bytes: %s", total, err);
		goto out;
	}
	describe(r, d, sizeof(d));
	if (r->id != 61 || r->body_case != RIGBOOK__RESPONSE__BODY_PONG)
		fail(x, name, "a Ping of exactly %zu bytes got %s instead of its Pong", total, d);
	rigbook__response__free_unpacked(r, NULL);
out:
	if (check != NULL)
		rigbook__request__free_unpacked(check, NULL);
	if (c != NULL)
		rbc_close(c);
	free(p);
}

/* (b) A frame whose payload is not a Request: INVALID_ARGUMENT, closed. */
static void case_garbage(struct bad_ctx *x, const char *name)
{
	/* id 5, then a tag with wire type 7 (none such), then a truncated varint */
	static const uint8_t garbage[] = { 0x08, 0x05, 0x0f, 0xff, 0xff, 0xff, 'r', 'i', 'g' };
	Rigbook__Request *check = rigbook__request__unpack(NULL, sizeof(garbage), garbage);
	struct rbc_conn *c;

	if (check != NULL) {
		rigbook__request__free_unpacked(check, NULL);
		fail(x, name, "the test's garbage decodes as a Request; it proves nothing");
		return;
	}
	if ((c = open_authed(x, name)) == NULL)
		return;
	if (send_payload(x, name, c, garbage, sizeof(garbage)) == 0 &&
	    expect_refusal(x, name, c, 0, 1, c_invalid, NULL, 0, REASONS("invalid_frame")) == 0)
		expect_closed(x, name, c);
	rbc_close(c);
}

/* (c) No body, and a body this protocol does not have: INVALID_ARGUMENT, still usable. */
static void case_no_body(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	/* id 700002, then field 99 (length-delimited, empty): a oneof member from the future */
	static const uint8_t unknown[] = { 0x08, 0xe2, 0xdc, 0x2a, 0x9a, 0x06, 0x00 };
	Rigbook__Request *check = rigbook__request__unpack(NULL, sizeof(unknown), unknown);
	struct rbc_conn *c;

	if (check == NULL || check->id != 700002 ||
	    check->body_case != RIGBOOK__REQUEST__BODY__NOT_SET) {
		if (check != NULL)
			rigbook__request__free_unpacked(check, NULL);
		fail(x, name, "the test's unknown-field request does not decode as intended");
		return;
	}
	rigbook__request__free_unpacked(check, NULL);
	if ((c = open_authed(x, name)) == NULL)
		return;
	req.id = 700001;
	if (send_request_raw(x, name, c, &req) != 0 ||
	    expect_refusal(x, name, c, 700001, 0, c_invalid, "body", 0,
			   REASONS("unknown_request")) != 0)
		goto out;
	if (send_payload(x, name, c, unknown, sizeof(unknown)) != 0 ||
	    expect_refusal(x, name, c, 700002, 0, c_invalid, "body", 0,
			   REASONS("unknown_request")) != 0)
		goto out;
	expect_pong(x, name, c);
out:
	rbc_close(c);
}

/* (d) A Ping before Hello: UNAUTHENTICATED, closed. */
static void case_no_hello(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req;
	Rigbook__Ping ping;
	struct rbc_conn *c = open_bare(x, name);

	if (c == NULL)
		return;
	if (send_request_raw(x, name, c, ping_request(&req, &ping, 41)) == 0 &&
	    expect_refusal(x, name, c, 41, 0, c_unauth, NULL, 0, REASONS("hello_required")) == 0)
		expect_closed(x, name, c);
	rbc_close(c);
}

/* (e) Hello with a token nobody has: UNAUTHENTICATED, closed. */
static void case_bad_token(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req;
	Rigbook__Hello h;
	char token[96];
	struct rbc_conn *c = open_bare(x, name);

	if (c == NULL)
		return;
	snprintf(token, sizeof(token), "%s-not-really-%ld", x->token, (long)time(NULL));
	if (send_request_raw(x, name, c, hello_request(&req, &h, 42, RIGBOOK_PROTOCOL_VERSION,
							token)) == 0 &&
	    expect_refusal(x, name, c, 42, 0, c_unauth, NULL, 0,
			   REASONS("token_invalid", "token_unknown", "unauthenticated")) == 0)
		expect_closed(x, name, c);
	rbc_close(c);
}

/*
 * (f) Hello with a protocol version this server does not speak, and a good
 * token: FAILED_PRECONDITION, and the connection does not get signed in.
 */
static void case_bad_version(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req;
	Rigbook__Hello h;
	Rigbook__Ping ping;
	struct rbc_conn *c = open_bare(x, name);

	if (c == NULL)
		return;
	if (send_request_raw(x, name, c, hello_request(&req, &h, 43, RIGBOOK_PROTOCOL_VERSION + 1,
							x->token)) != 0 ||
	    expect_refusal(x, name, c, 43, 0, c_precond, NULL, 0,
			   REASONS("protocol_version_unsupported")) != 0)
		goto out;
	expect_not_signed_in(x, name, c, ping_request(&req, &ping, 44));
out:
	rbc_close(c);
}

/* (g) Request id 0, signed in and before Hello: INVALID_ARGUMENT. */
static void case_id_zero(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req;
	Rigbook__Ping ping;
	Rigbook__Hello h;
	struct rbc_conn *c = open_authed(x, name);

	if (c != NULL) {
		if (send_request_raw(x, name, c, ping_request(&req, &ping, 0)) == 0)
			expect_refusal(x, name, c, 0, 0, c_invalid, "id", 0, REASONS("request_id_reserved"));
		rbc_close(c);
	}
	c = open_bare(x, name);
	if (c != NULL) {
		if (send_request_raw(x, name, c, hello_request(&req, &h, 0, RIGBOOK_PROTOCOL_VERSION,
								x->token)) == 0)
			expect_refusal(x, name, c, 0, 0, c_invalid, "id", 0, REASONS("request_id_reserved"));
		rbc_close(c);
	}
}

/* The first resource the server lists, unless --resource names one. */
static int find_resource(struct bad_ctx *x, const char *name, struct rbc_conn *c, char *code,
			 size_t len)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListResourcesRequest lr = RIGBOOK__LIST_RESOURCES_REQUEST__INIT;
	Rigbook__Response *r = NULL;
	char err[256], d[400];
	int rc = -1;

	if (x->resource != NULL) {
		snprintf(code, len, "%s", x->resource);
		return 0;
	}
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_RESOURCES;
	req.list_resources = &lr;
	if (rbc_call(c, &req, &r, err, sizeof(err)) != 0) {
		fail(x, name, "listing resources: %s", err);
		return -1;
	}
	if (r->body_case != RIGBOOK__RESPONSE__BODY_LIST_RESOURCES || r->list_resources == NULL) {
		describe(r, d, sizeof(d));
		fail(x, name, "listing resources got %s", d);
	} else if (r->list_resources->n_resources == 0) {
		fail(x, name, "the server lists no resources to try a booking on (use --resource)");
	} else {
		snprintf(code, len, "%s", r->list_resources->resources[0]->code);
		rc = 0;
	}
	rigbook__response__free_unpacked(r, NULL);
	return rc;
}

/* (h) Book with the end before (and at) the start: INVALID_ARGUMENT on "end". */
static void case_backwards(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookRequest book = RIGBOOK__BOOK_REQUEST__INIT;
	struct rbc_conn *c = open_authed(x, name);
	int64_t start = ((int64_t)time(NULL) / 3600 + 24 * 30) * 3600;
	char code[64];

	if (c == NULL)
		return;
	if (find_resource(x, name, c, code, sizeof(code)) != 0)
		goto out;
	book.resource_code = code;
	book.start = start;
	book.end = start - 3600;
	book.note = "rb-badinput: backwards";
	req.id = 801;
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &book;
	if (send_request_raw(x, name, c, &req) != 0 ||
	    expect_refusal(x, name, c, 801, 0, c_invalid, "end", 0, REASONS("end_before_start")) != 0)
		goto out;
	book.end = start; /* empty window */
	req.id = 802;
	if (send_request_raw(x, name, c, &req) == 0)
		expect_refusal(x, name, c, 802, 0, c_invalid, "end", 0, REASONS("end_before_start"));
out:
	rbc_close(c);
}

/* Replace the first occurrence of from (same length) in buf. */
static int patch_bytes(uint8_t *buf, size_t n, const char *from, const char *to, size_t len)
{
	for (size_t i = 0; i + len <= n; i++) {
		if (memcmp(buf + i, from, len) == 0) {
			memcpy(buf + i, to, len);
			return 0;
		}
	}
	return -1;
}

/* (p) Text with a NUL byte or broken UTF-8: refused naming the field, nothing booked. */
static void case_bad_text(struct bad_ctx *x, const char *name)
{
	static const struct {
		const char *code_suffix, *note, *patch_from, *patch_to, *field;
		size_t patch_len;
	} v[] = {
		{ "QQ", "rb-badinput: nul", "QQ", "\0x", "resource_code", 2 },
		{ "", "rb-badinput: utf8 QQ", "QQ", "\xff\xfe", "note", 2 },
		{ "", "rb-badinput: overlong QQ", "QQ", "\xc0\xaf", "note", 2 },
	};
	struct rbc_conn *c = open_authed(x, name);
	int64_t start = ((int64_t)time(NULL) / 3600 + 24 * 40) * 3600;
	char code[64], full[80];

	if (c == NULL)
		return;
	if (find_resource(x, name, c, code, sizeof(code)) != 0)
		goto out;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		Rigbook__Request req = RIGBOOK__REQUEST__INIT;
		Rigbook__BookRequest book = RIGBOOK__BOOK_REQUEST__INIT;
		uint8_t *buf;
		size_t n;
		int rc;

		snprintf(full, sizeof(full), "%s%s", code, v[i].code_suffix);
		book.resource_code = full;
		book.start = start + (int64_t)i * 7200;
		book.end = book.start + 3600;
		book.note = (char *)v[i].note;
		req.id = 1600 + i;
		req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
		req.book = &book;
		buf = pack_request(&req, &n);
		if (buf == NULL || patch_bytes(buf, n, v[i].patch_from, v[i].patch_to,
					       v[i].patch_len) != 0) {
			free(buf);
			fail(x, name, "cannot build the request");
			goto out;
		}
		rc = send_payload(x, name, c, buf, n);
		free(buf);
		if (rc != 0 || expect_refusal(x, name, c, req.id, 0, c_invalid, v[i].field, 0,
					      REASONS("invalid_utf8")) != 0)
			goto out;
	}
	expect_pong(x, name, c);
out:
	rbc_close(c);
}

/* (i) A header announcing 100 bytes, 10 of them, silence, close. */
static void case_stall(struct bad_ctx *x, const char *name)
{
	struct rbc_conn *c = open_authed(x, name);
	uint8_t buf[RB_FRAME_HDR + 10];
	char err[256];

	if (c == NULL)
		return;
	frame_put_header(buf, 100);
	memset(buf + RB_FRAME_HDR, 0, 10);
	buf[RB_FRAME_HDR] = 0x08; /* id ... */
	buf[RB_FRAME_HDR + 1] = 0x07;
	if (rbc_send_raw(c, buf, sizeof(buf), err, sizeof(err)) != 0)
		fail(x, name, "cannot send: %s", err);
	else
		expect_silence(x, name, c, SILENCE_MS);
	rbc_close(c);
	expect_alive(x, name);
}

/* Append one framed request to *buf. */
static int append_frame(uint8_t **buf, size_t *len, const Rigbook__Request *req)
{
	size_t n = rigbook__request__get_packed_size(req);
	uint8_t *nb = realloc(*buf, *len + RB_FRAME_HDR + n);

	if (nb == NULL)
		return -1;
	frame_put_header(nb + *len, (uint32_t)n);
	rigbook__request__pack(req, nb + *len + RB_FRAME_HDR);
	*buf = nb;
	*len += RB_FRAME_HDR + n;
	return 0;
}

/*
 * (j) count Pings in one write: count Pongs, each id once.  More than the
 * server's max_inflight (64 by default) must be answered too: it stops
 * reading for a while, it does not drop or refuse them.
 */
static void pipeline(struct bad_ctx *x, const char *name, int count)
{
	struct rbc_conn *c = open_authed(x, name);
	const uint64_t first = 9001;
	uint8_t *buf = NULL, *seen = calloc((size_t)count, 1);
	size_t len = 0;
	char err[256], d[400];

	if (c == NULL || seen == NULL) {
		if (seen == NULL)
			fail(x, name, "out of memory");
		goto out;
	}
	for (int i = 0; i < count; i++) {
		Rigbook__Request req;
		Rigbook__Ping ping;

		if (append_frame(&buf, &len, ping_request(&req, &ping, first + (uint64_t)i)) != 0) {
			fail(x, name, "out of memory");
			goto out;
		}
	}
	if (rbc_send_raw(c, buf, len, err, sizeof(err)) != 0) {
		fail(x, name, "cannot send: %s", err);
		goto out;
	}
	for (int got = 0; got < count; got++) {
		Rigbook__Response *r = NULL;

		if (rbc_recv(c, &r, err, sizeof(err)) != 0) {
			fail(x, name, "%d of %d pipelined Pings answered, then: %s", got, count, err);
			goto out;
		}
		describe(r, d, sizeof(d));
		if (r->body_case != RIGBOOK__RESPONSE__BODY_PONG)
			fail(x, name, "a pipelined Ping got %s", d);
		else if (r->id < first || r->id >= first + (uint64_t)count)
			fail(x, name, "a Pong carries id %" PRIu64 ", which was never sent", r->id);
		else if (seen[r->id - first]++)
			fail(x, name, "id %" PRIu64 " was answered twice", r->id);
		rigbook__response__free_unpacked(r, NULL);
	}
	expect_pong(x, name, c);
out:
	free(buf);
	free(seen);
	if (c != NULL)
		rbc_close(c);
}

static void case_pipeline(struct bad_ctx *x, const char *name)
{
	pipeline(x, name, PIPELINE);
}

static void case_pipeline_deep(struct bad_ctx *x, const char *name)
{
	pipeline(x, name, PIPELINE_DEEP);
}

/* Hello and a Ping in one write: the HelloReply, then the Pong. */
static void case_hello_pipelined(struct bad_ctx *x, const char *name)
{
	struct rbc_conn *c = open_bare(x, name);
	Rigbook__Request req;
	Rigbook__Hello h;
	Rigbook__Ping ping;
	Rigbook__Response *r = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[256], d[400];

	if (c == NULL)
		return;
	if (append_frame(&buf, &len, hello_request(&req, &h, 51, RIGBOOK_PROTOCOL_VERSION,
						   x->token)) != 0 ||
	    append_frame(&buf, &len, ping_request(&req, &ping, 52)) != 0) {
		fail(x, name, "out of memory");
		goto out;
	}
	if (rbc_send_raw(c, buf, len, err, sizeof(err)) != 0) {
		fail(x, name, "cannot send: %s", err);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		if (rbc_recv(c, &r, err, sizeof(err)) != 0) {
			fail(x, name, "reply %d of 2 missing: %s", i + 1, err);
			goto out;
		}
		describe(r, d, sizeof(d));
		if (i == 0 && (r->id != 51 || r->body_case != RIGBOOK__RESPONSE__BODY_HELLO))
			fail(x, name, "expected the HelloReply (id 51) first, got %s", d);
		if (i == 1 && (r->id != 52 || r->body_case != RIGBOOK__RESPONSE__BODY_PONG))
			fail(x, name, "expected the Pong (id 52) after the HelloReply, got %s", d);
		rigbook__response__free_unpacked(r, NULL);
		r = NULL;
	}
out:
	free(buf);
	rbc_close(c);
}

/* (k) Half a frame, then the client vanishes without a TLS goodbye. */
static void case_half_frame(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req;
	Rigbook__Ping ping;
	struct rbc_conn *c;
	uint8_t *payload, frame[64];
	size_t n;
	char err[256];

	/* half of a Ping frame, signed in */
	if ((c = open_authed(x, name)) == NULL)
		return;
	payload = pack_request(ping_request(&req, &ping, 1001), &n);
	if (payload == NULL || n + RB_FRAME_HDR > sizeof(frame)) {
		fail(x, name, "cannot build the frame");
		free(payload);
		rbc_close(c);
		return;
	}
	frame_put_header(frame, (uint32_t)n);
	memcpy(frame + RB_FRAME_HDR, payload, n);
	free(payload);
	if (rbc_send_raw(c, frame, (RB_FRAME_HDR + n) / 2, err, sizeof(err)) != 0)
		fail(x, name, "cannot send: %s", err);
	drop_abruptly(c);

	/* half of a header, before Hello */
	if ((c = open_bare(x, name)) == NULL)
		return;
	if (rbc_send_raw(c, frame, 2, err, sizeof(err)) != 0)
		fail(x, name, "cannot send: %s", err);
	drop_abruptly(c);
	expect_alive(x, name);
}

/* A plain TCP connection to host:port or [v6]:port; -1 on failure. */
static int tcp_open(const char *server, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256];
	const char *port, *colon;
	int fd = -1, rc;

	if (server[0] == '[') {
		const char *end = strchr(server, ']');

		if (end == NULL || end[1] != ':' || (size_t)(end - server - 1) >= sizeof(host)) {
			snprintf(err, errlen, "cannot parse %s", server);
			return -1;
		}
		memcpy(host, server + 1, (size_t)(end - server - 1));
		host[end - server - 1] = '\0';
		port = end + 2;
	} else {
		colon = strrchr(server, ':');
		if (colon == NULL || (size_t)(colon - server) >= sizeof(host)) {
			snprintf(err, errlen, "cannot parse %s", server);
			return -1;
		}
		memcpy(host, server, (size_t)(colon - server));
		host[colon - server] = '\0';
		port = colon + 1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		snprintf(err, errlen, "cannot connect to %s: %s", server, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

/* (l) Plain HTTP at the TLS port: the server hangs up, and keeps serving. */
static void case_plaintext(struct bad_ctx *x, const char *name)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: rigbook\r\n\r\n";
	char err[256], buf[512];
	int64_t deadline;
	int fd = tcp_open(x->bare.server, err, sizeof(err));

	if (fd < 0) {
		fail(x, name, "%s", err);
		return;
	}
	if (write(fd, http, sizeof(http) - 1) != (ssize_t)(sizeof(http) - 1)) {
		fail(x, name, "cannot send: %s", strerror(errno));
		close(fd);
		return;
	}
	/* whatever comes back (a TLS alert), the connection must end */
	deadline = now_ms() + CLOSE_WAIT_MS;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			fail(x, name, "the connection is still open %d ms after plain HTTP",
			     CLOSE_WAIT_MS);
			break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break; /* closed or reset */
	}
	close(fd);
	expect_alive(x, name);
}

/*
 * Wait until fd is readable (the server answered or closed) or deadline
 * passes; returns 1 when readable, 0 at the deadline.
 */
static int wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return 1;
	}
}

/* (m) TCP, never a TLS handshake: closed once the handshake timeout passes. */
static void case_no_tls(struct bad_ctx *x, const char *name)
{
	int64_t t0 = now_ms(), limit = (int64_t)x->handshake_timeout * 1000 + 2000;
	char err[256], buf[256];
	int fd = tcp_open(x->bare.server, err, sizeof(err));

	if (fd < 0) {
		fail(x, name, "%s", err);
		return;
	}
	for (;;) {
		ssize_t n;

		if (!wait_readable(fd, t0 + limit)) {
			fail(x, name, "still open %" PRId64 " ms after connecting (handshake_timeout %d s)",
			     limit, x->handshake_timeout);
			break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	close(fd);
}

/* A bare connection whose every wait ends after ms. */
static struct rbc_conn *open_bare_timeout(struct bad_ctx *x, const char *name, int64_t ms)
{
	struct rbc_opts o = x->bare;
	struct rbc_conn *c = NULL;
	char err[256];
	int code = 0;

	o.timeout_ms = (int)ms;
	if (rbc_connect(&o, &c, &code, err, sizeof(err)) != 0) {
		fail(x, name, "cannot connect: %s", err);
		return NULL;
	}
	return c;
}

/*
 * The server must have ended the session by deadline: an UNAUTHENTICATED
 * Error (id 0) and a close, or just a close.
 */
static void expect_ended_by(struct bad_ctx *x, const char *name, struct rbc_conn *c,
			    int64_t deadline, int64_t limit)
{
	Rigbook__Response *r = NULL;
	char err[256], d[400];

	if (rbc_recv(c, &r, err, sizeof(err)) != 0) {
		if (now_ms() > deadline)
			fail(x, name, "neither an answer nor a close %" PRId64
			     " ms after connecting (handshake_timeout %d s)",
			     limit, x->handshake_timeout);
		return; /* closed */
	}
	describe(r, d, sizeof(d));
	if (now_ms() > deadline)
		fail(x, name, "the server ended the session only after %" PRId64
		     " ms (handshake_timeout %d s): %s",
		     limit, x->handshake_timeout, d);
	else if (r->body_case != RIGBOOK__RESPONSE__BODY_ERROR || r->error == NULL ||
		 r->error->code != RIGBOOK__ERROR_CODE__UNAUTHENTICATED)
		fail(x, name, "expected Error UNAUTHENTICATED, got %s", d);
	else
		expect_closed(x, name, c);
	rigbook__response__free_unpacked(r, NULL);
}

/* (n) TLS, never a Hello: UNAUTHENTICATED once the handshake timeout passes, closed. */
static void case_no_hello_timeout(struct bad_ctx *x, const char *name)
{
	int64_t limit = (int64_t)x->handshake_timeout * 1000 + 2000;
	int64_t t0 = now_ms();
	struct rbc_conn *c = open_bare_timeout(x, name, limit + 1000);

	if (c == NULL)
		return;
	expect_ended_by(x, name, c, t0 + limit, limit);
	rbc_close(c);
}

/*
 * (o) A Hello trickled in one byte at a time: each byte must not buy more
 * time, the session ends by the handshake timeout all the same.
 */
static void case_slow_hello(struct bad_ctx *x, const char *name)
{
	int64_t t0, limit = (int64_t)x->handshake_timeout * 1000 + 2000;
	int interval = x->handshake_timeout * 1000 / 3;
	Rigbook__Request req;
	Rigbook__Hello h;
	struct rbc_conn *c;
	uint8_t *frame = NULL;
	size_t len = 0, sent = 0;
	char err[256], client[300];

	if (interval > 1000)
		interval = 1000;
	memset(client, 'x', sizeof(client) - 1);
	client[sizeof(client) - 1] = '\0';
	hello_request(&req, &h, 71, RIGBOOK_PROTOCOL_VERSION, x->token);
	h.client = client; /* long, so that it cannot all arrive in time */
	if (append_frame(&frame, &len, &req) != 0) {
		fail(x, name, "out of memory");
		return;
	}
	t0 = now_ms();
	if ((c = open_bare_timeout(x, name, limit + 1000)) == NULL) {
		free(frame);
		return;
	}
	while (now_ms() - t0 < limit) {
		struct timespec ts = { interval / 1000, (long)(interval % 1000) * 1000000 };

		if (sent == len) {
			fail(x, name, "the whole trickled Hello went out within the handshake timeout");
			goto out;
		}
		if (rbc_send_raw(c, frame + sent, 1, err, sizeof(err)) != 0)
			goto out; /* closed by the server: in time */
		sent++;
		nanosleep(&ts, NULL);
	}
	/* by now the answer (or the close) must be waiting */
	expect_ended_by(x, name, c, now_ms() + 500, limit);
out:
	rbc_close(c);
	free(frame);
}

/* After everything: a normal signed-in connection works. */
static void case_final(struct bad_ctx *x, const char *name)
{
	struct rbc_conn *c = open_authed(x, name);
	const Rigbook__HelloReply *hr;
	char code[64];

	if (c == NULL)
		return;
	hr = rbc_session(c);
	if (hr == NULL || hr->member_id == 0 || hr->member_handle == NULL ||
	    hr->member_handle[0] == '\0')
		fail(x, name, "the HelloReply does not say who signed in");
	if (expect_pong(x, name, c) == 0)
		find_resource(x, name, c, code, sizeof(code));
	rbc_close(c);
}

/* ------------------------------------------------------------ refusals */

/*
 * Ordinary refusals (--refusals), each on a connection that stays open: req
 * with id must be refused with code, the field (unless NULL) and one of the
 * reasons.  Where the SQL raises the refusal, the reason it names is given
 * beside the daemon's generic one for a database function without reasons.
 */
static void refuse(struct bad_ctx *x, const char *name, struct rbc_conn *c,
		   Rigbook__Request *req, uint64_t id, int code, const char *field,
		   const char *const *reasons)
{
	int codes[2] = { code, 0 };

	req->id = id;
	if (send_request_raw(x, name, c, req) == 0)
		expect_refusal(x, name, c, id, 0, codes, field, 0, reasons);
}

/* A whole hour some 500 days ahead, different on each run and for each n. */
static int64_t far_hour(int n)
{
	return ((int64_t)time(NULL) / 3600 + 24 * 500 + (int64_t)(getpid() % 500) * 24 + n) * 3600;
}

/* Bad input: the daemon's own checks, before the database. */
static void case_refuse_input(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookRequest book = RIGBOOK__BOOK_REQUEST__INIT;
	Rigbook__ListBookingsRequest lb = RIGBOOK__LIST_BOOKINGS_REQUEST__INIT;
	Rigbook__AvailabilityRequest av = RIGBOOK__AVAILABILITY_REQUEST__INIT;
	Rigbook__SlotsRequest sl = RIGBOOK__SLOTS_REQUEST__INIT;
	Rigbook__GetBookingRequest gb = RIGBOOK__GET_BOOKING_REQUEST__INIT;
	Rigbook__Ping ping = RIGBOOK__PING__INIT;
	Rigbook__Hello h;
	struct rbc_conn *c = open_authed(x, name);
	static char note[2100];
	int64_t start = far_hour(0);

	if (c == NULL)
		return;
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &book;
	book.resource_code = "";
	book.start = start;
	book.end = start + 3600;
	refuse(x, name, c, &req, 901, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "resource_code",
	       REASONS("field_required"));
	book.resource_code = "a-resource-code-far-longer-than-forty-bytes-x";
	refuse(x, name, c, &req, 902, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "resource_code",
	       REASONS("invalid_code", "text_too_long"));
	book.resource_code = (char *)x->resource;
	book.end = start - 3600;
	refuse(x, name, c, &req, 903, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "end",
	       REASONS("end_before_start"));
	book.end = start + 3600;
	memset(note, 'n', sizeof(note) - 1);
	book.note = note;
	refuse(x, name, c, &req, 904, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "note",
	       REASONS("invalid_text", "text_too_long"));
	book.note = "";
	req.idempotency_key = "has a space";
	refuse(x, name, c, &req, 905, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "idempotency_key",
	       REASONS("invalid_idempotency_key"));

	req.body_case = RIGBOOK__REQUEST__BODY_PING;
	req.ping = &ping;
	req.idempotency_key = "rb-badinput-key";
	refuse(x, name, c, &req, 906, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "idempotency_key",
	       REASONS("idempotency_key_unexpected"));
	req.idempotency_key = "";

	req.body_case = RIGBOOK__REQUEST__BODY_LIST_BOOKINGS;
	req.list_bookings = &lb;
	lb.scope = (Rigbook__BookingScope)77;
	refuse(x, name, c, &req, 907, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "scope",
	       REASONS("invalid_scope"));

	req.body_case = RIGBOOK__REQUEST__BODY_AVAILABILITY;
	req.availability = &av;
	av.resource_code = (char *)x->resource;
	av.from = start;
	av.to = start + 40 * 86400;
	refuse(x, name, c, &req, 908, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "to",
	       REASONS("range_too_long"));

	req.body_case = RIGBOOK__REQUEST__BODY_SLOTS;
	req.slots = &sl;
	sl.code = (char *)x->resource;
	refuse(x, name, c, &req, 909, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "length_minutes",
	       REASONS("length_required"));

	req.body_case = RIGBOOK__REQUEST__BODY_GET_BOOKING;
	req.get_booking = &gb;
	refuse(x, name, c, &req, 910, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "booking_id",
	       REASONS("field_required"));

	/* signed in already */
	refuse(x, name, c, hello_request(&req, &h, 0, RIGBOOK_PROTOCOL_VERSION, x->token), 911,
	       RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, NULL, REASONS("already_authenticated"));
	expect_pong(x, name, c);
	rbc_close(c);
}

/* A member asks for what only staff may: the dispatcher's role check, and the SQL's. */
static void case_refuse_role(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__SetRateRequest sr = RIGBOOK__SET_RATE_REQUEST__INIT;
	Rigbook__PutResourceRequest pr = RIGBOOK__PUT_RESOURCE_REQUEST__INIT;
	Rigbook__ReportRequest rp = RIGBOOK__REPORT_REQUEST__INIT;
	Rigbook__GetStartupRequest gs = RIGBOOK__GET_STARTUP_REQUEST__INIT;
	const Rigbook__HelloReply *me;
	struct rbc_conn *c = open_authed(x, name), *o = NULL;
	char err[256];

	if (c == NULL)
		return;
	me = rbc_session(c);
	if (me == NULL || me->role != RIGBOOK__ROLE__ROLE_MEMBER) {
		fail(x, name, "--token must be a member's");
		rbc_close(c);
		return;
	}
	req.body_case = RIGBOOK__REQUEST__BODY_SET_RATE;
	req.set_rate = &sr;
	refuse(x, name, c, &req, 921, RIGBOOK__ERROR_CODE__PERMISSION_DENIED, NULL,
	       REASONS("not_allowed_for_role"));
	req.body_case = RIGBOOK__REQUEST__BODY_PUT_RESOURCE;
	req.put_resource = &pr;
	refuse(x, name, c, &req, 922, RIGBOOK__ERROR_CODE__PERMISSION_DENIED, NULL,
	       REASONS("not_allowed_for_role"));
	req.body_case = RIGBOOK__REQUEST__BODY_REPORT;
	req.report = &rp;
	refuse(x, name, c, &req, 923, RIGBOOK__ERROR_CODE__PERMISSION_DENIED, NULL,
	       REASONS("not_allowed_for_role"));
	/* the other member's startup is not this member's: the SQL refuses */
	if (rbc_connect(&x->other, &o, NULL, err, sizeof(err)) != 0) {
		fail(x, name, "cannot sign in with --other-token: %s", err);
	} else {
		const Rigbook__HelloReply *them = rbc_session(o);

		if (them == NULL || them->startup_code == NULL || them->startup_code[0] == '\0' ||
		    me->startup_code == NULL || strcmp(them->startup_code, me->startup_code) == 0) {
			fail(x, name, "--other-token must be a member of another startup");
		} else {
			req.body_case = RIGBOOK__REQUEST__BODY_GET_STARTUP;
			req.get_startup = &gs;
			gs.code = them->startup_code;
			/* not theirs to see: answered as a startup that does not exist */
			refuse(x, name, c, &req, 924, RIGBOOK__ERROR_CODE__NOT_FOUND, "code",
			       REASONS("startup_not_found"));
		}
		rbc_close(o);
	}
	expect_pong(x, name, c);
	rbc_close(c);
}

/* Things that do not exist: the daemon's lookups and the SQL's. */
static void case_refuse_not_found(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__GetResourceRequest gr = RIGBOOK__GET_RESOURCE_REQUEST__INIT;
	Rigbook__WatchRequest wr = RIGBOOK__WATCH_REQUEST__INIT;
	Rigbook__GetBookingRequest gb = RIGBOOK__GET_BOOKING_REQUEST__INIT;
	Rigbook__CancelBookingRequest cb = RIGBOOK__CANCEL_BOOKING_REQUEST__INIT;
	Rigbook__GetStartupRequest gs = RIGBOOK__GET_STARTUP_REQUEST__INIT;
	Rigbook__BookRequest book = RIGBOOK__BOOK_REQUEST__INIT;
	struct rbc_conn *c = open_authed(x, name);
	int64_t start = far_hour(2);

	if (c == NULL)
		return;
	req.body_case = RIGBOOK__REQUEST__BODY_GET_RESOURCE;
	req.get_resource = &gr;
	gr.code = "rb-no-such-rig";
	refuse(x, name, c, &req, 931, RIGBOOK__ERROR_CODE__NOT_FOUND, "code",
	       REASONS("resource_not_found"));
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &book;
	book.resource_code = "rb-no-such-rig";
	book.start = start;
	book.end = start + 3600;
	req.idempotency_key = "rb-badinput-not-found";
	refuse(x, name, c, &req, 932, RIGBOOK__ERROR_CODE__NOT_FOUND, "resource_code",
	       REASONS("resource_not_found", "not_found"));
	req.idempotency_key = "";
	req.body_case = RIGBOOK__REQUEST__BODY_GET_BOOKING;
	req.get_booking = &gb;
	gb.booking_id = INT64_C(9000000000000);
	refuse(x, name, c, &req, 933, RIGBOOK__ERROR_CODE__NOT_FOUND, NULL,
	       REASONS("booking_not_found", "not_found"));
	req.body_case = RIGBOOK__REQUEST__BODY_CANCEL_BOOKING;
	req.cancel_booking = &cb;
	cb.booking_id = INT64_C(9000000000000);
	refuse(x, name, c, &req, 934, RIGBOOK__ERROR_CODE__NOT_FOUND, NULL,
	       REASONS("booking_not_found", "not_found"));
	req.body_case = RIGBOOK__REQUEST__BODY_GET_STARTUP;
	req.get_startup = &gs;
	gs.code = "rb-no-such-startup";
	refuse(x, name, c, &req, 935, RIGBOOK__ERROR_CODE__NOT_FOUND, "code",
	       REASONS("startup_not_found", "not_found"));
	/* last: a watch that is refused leaves the connection as it was */
	req.body_case = RIGBOOK__REQUEST__BODY_WATCH;
	req.watch = &wr;
	wr.resource_code = "rb-no-such-rig";
	refuse(x, name, c, &req, 936, RIGBOOK__ERROR_CODE__NOT_FOUND, "resource_code",
	       REASONS("resource_not_found"));
	expect_pong(x, name, c);
	rbc_close(c);
}

/*
 * The time is taken: a member books a window, a member of another startup
 * asks for it (CONFLICT); a window in the past is refused too.  The booking
 * is cancelled afterwards.
 */
static void case_refuse_conflict(struct bad_ctx *x, const char *name)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookRequest book = RIGBOOK__BOOK_REQUEST__INIT;
	Rigbook__CancelBookingRequest cb = RIGBOOK__CANCEL_BOOKING_REQUEST__INIT;
	Rigbook__Response *r = NULL;
	struct rbc_conn *c = open_authed(x, name), *o = NULL;
	static const int c_taken[] = { RIGBOOK__ERROR_CODE__CONFLICT, 0 };
	static const int c_past[] = { RIGBOOK__ERROR_CODE__FAILED_PRECONDITION,
				      RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, 0 };
	int64_t start = far_hour(4);
	uint64_t held = 0;
	char err[256], d[400];

	if (c == NULL)
		return;
	if (rbc_connect(&x->other, &o, NULL, err, sizeof(err)) != 0) {
		fail(x, name, "cannot sign in with --other-token: %s", err);
		rbc_close(c);
		return;
	}
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &book;
	book.resource_code = (char *)x->resource;
	book.start = start;
	book.end = start + 3600;
	book.note = "rb-badinput: a window to refuse";
	if (rbc_call(c, &req, &r, err, sizeof(err)) != 0) {
		fail(x, name, "booking the window: %s", err);
		goto out;
	}
	if (r->body_case != RIGBOOK__RESPONSE__BODY_BOOK || r->book == NULL ||
	    r->book->booking == NULL) {
		describe(r, d, sizeof(d));
		fail(x, name, "booking %s for the window got %s", x->resource, d);
		goto out;
	}
	held = r->book->booking->id;
	rigbook__response__free_unpacked(r, NULL);
	r = NULL;

	book.start = start + 1800; /* overlapping half of it */
	book.end = start + 5400;
	req.id = 941;
	if (send_request_raw(x, name, o, &req) == 0)
		expect_refusal(x, name, o, 941, 0, c_taken, NULL, 0,
			       REASONS("booking_overlap", "conflict"));
	book.start = ((int64_t)time(NULL) / 3600 - 48) * 3600;
	book.end = book.start + 3600;
	req.id = 942;
	if (send_request_raw(x, name, o, &req) == 0)
		expect_refusal(x, name, o, 942, 0, c_past, NULL, 0, NULL);
	expect_pong(x, name, o);
out:
	if (r != NULL)
		rigbook__response__free_unpacked(r, NULL);
	if (held != 0) {
		rigbook__request__init(&req);
		req.body_case = RIGBOOK__REQUEST__BODY_CANCEL_BOOKING;
		req.cancel_booking = &cb;
		cb.booking_id = held;
		cb.reason = "rb-badinput: done";
		if (rbc_call(c, &req, &r, err, sizeof(err)) != 0)
			fail(x, name, "cancelling booking %" PRIu64 ": %s", held, err);
		else if (r->body_case != RIGBOOK__RESPONSE__BODY_CANCEL_BOOKING)
			fail(x, name, "cancelling booking %" PRIu64 " was refused", held);
		if (r != NULL)
			rigbook__response__free_unpacked(r, NULL);
	}
	rbc_close(o);
	rbc_close(c);
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rb-badinput --server HOST:PORT --ca FILE --token TOKEN [--resource CODE]\n"
		"                   [--server-name NAME] [--timeout SECONDS]\n"
		"                   [--handshake-timeout SECONDS]\n"
		"       rb-badinput --refusals --server HOST:PORT --ca FILE --token TOKEN\n"
		"                   --other-token TOKEN --resource CODE\n"
		"\n"
		"--handshake-timeout gives the server's handshake_timeout and adds the cases\n"
		"that wait for it (keep it small on the server: they take about 3 times as long).\n"
		"--refusals drives ordinary refusals instead: --token a member's, --other-token\n"
		"a member of another startup, --resource one both may book (a booking is made\n"
		"on it some 500 days ahead and cancelled).\n");
}

static void run_case(struct bad_ctx *x, const char *name,
		     void (*fn)(struct bad_ctx *x, const char *name))
{
	case_failed = 0;
	x->cases++;
	fn(x, name);
	if (!case_failed)
		printf("ok - %s\n", name);
}

int main(int argc, char **argv)
{
	enum {
		O_SERVER = 1, O_CA, O_NAME, O_TOKEN, O_RESOURCE, O_TIMEOUT, O_HANDSHAKE, O_HELP,
		O_REFUSALS, O_OTHER
	};
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, O_SERVER },
		{ "ca", required_argument, NULL, O_CA },
		{ "server-name", required_argument, NULL, O_NAME },
		{ "token", required_argument, NULL, O_TOKEN },
		{ "resource", required_argument, NULL, O_RESOURCE },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "handshake-timeout", required_argument, NULL, O_HANDSHAKE },
		{ "help", no_argument, NULL, O_HELP },
		{ "refusals", no_argument, NULL, O_REFUSALS },
		{ "other-token", required_argument, NULL, O_OTHER },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		void (*fn)(struct bad_ctx *x, const char *name);
	} cases[] = {
		{ "a: frame header over 1 MiB, before Hello", case_oversized_bare },
		{ "a: frame header over 1 MiB, signed in", case_oversized_authed },
		{ "a: a frame of exactly 1 MiB is still accepted", case_max_frame },
		{ "b: garbage instead of a Request", case_garbage },
		{ "c: Request without a body, and with an unknown body", case_no_body },
		{ "d: Ping before Hello", case_no_hello },
		{ "e: Hello with a wrong token", case_bad_token },
		{ "f: Hello with a wrong protocol version", case_bad_version },
		{ "g: request id 0", case_id_zero },
		{ "h: Book with the end before the start", case_backwards },
		{ "p: text with a NUL byte or broken UTF-8", case_bad_text },
		{ "i: announced 100 bytes, sent 10, went silent", case_stall },
		{ "j: 20 Pings pipelined in one write", case_pipeline },
		{ "j: 300 Pings pipelined, more than max_inflight", case_pipeline_deep },
		{ "j: Hello and a Ping in one write", case_hello_pipelined },
		{ "k: half a frame, then a dropped connection", case_half_frame },
		{ "l: plain HTTP at the TLS port", case_plaintext },
		{ "final: a well-formed request still works", case_final },
	};
	/* only with --handshake-timeout: they wait for it */
	static const struct {
		const char *name;
		void (*fn)(struct bad_ctx *x, const char *name);
	} slow_cases[] = {
		{ "m: TCP without a TLS handshake", case_no_tls },
		{ "n: TLS without a Hello", case_no_hello_timeout },
		{ "o: a Hello trickled in byte by byte", case_slow_hello },
		{ "final: a well-formed request still works", case_final },
	};
	/* --refusals */
	static const struct {
		const char *name;
		void (*fn)(struct bad_ctx *x, const char *name);
	} refusal_cases[] = {
		{ "r: bad input, refused before the database", case_refuse_input },
		{ "r: a role that may not", case_refuse_role },
		{ "r: what does not exist", case_refuse_not_found },
		{ "r: a window another startup holds, and one in the past", case_refuse_conflict },
		{ "final: a well-formed request still works", case_final },
	};
	struct bad_ctx x;
	int refusals = 0;
	const char *server = NULL, *ca = NULL, *server_name = NULL;
	long timeout = 10;
	int ch;

	memset(&x, 0, sizeof(x));
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case O_SERVER: server = optarg; break;
		case O_CA: ca = optarg; break;
		case O_NAME: server_name = optarg; break;
		case O_TOKEN: x.token = optarg; break;
		case O_RESOURCE: x.resource = optarg; break;
		case O_REFUSALS: refusals = 1; break;
		case O_OTHER: x.other_token = optarg; break;
		case O_TIMEOUT: {
			char *end;

			timeout = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || timeout < 1 || timeout > 3600) {
				fprintf(stderr, "rb-badinput: --timeout is 1 to 3600 seconds\n");
				return 2;
			}
			break;
		}
		case O_HANDSHAKE: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end != '\0' || v < 1 || v > 60) {
				fprintf(stderr, "rb-badinput: --handshake-timeout is 1 to 60 seconds\n");
				return 2;
			}
			x.handshake_timeout = (int)v;
			break;
		}
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || server == NULL || x.token == NULL ||
	    (refusals && (x.other_token == NULL || x.resource == NULL))) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	x.bare.server = server;
	x.bare.ca_file = ca;
	x.bare.server_name = server_name;
	x.bare.client_name = "rb-badinput/" RIGBOOK_VERSION;
	x.bare.timeout_ms = (int)timeout * 1000;
	x.authed = x.bare;
	x.authed.token = x.token;
	x.other = x.bare;
	x.other.token = x.other_token;

	if (refusals) {
		for (size_t i = 0; i < sizeof(refusal_cases) / sizeof(refusal_cases[0]); i++)
			run_case(&x, refusal_cases[i].name, refusal_cases[i].fn);
		goto done;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&x, cases[i].name, cases[i].fn);
	for (size_t i = 0; x.handshake_timeout > 0 && i < sizeof(slow_cases) / sizeof(slow_cases[0]);
	     i++)
		run_case(&x, slow_cases[i].name, slow_cases[i].fn);
done:
	if (x.failures > 0) {
		printf("rb-badinput: FAILED (%d failed checks in %d cases)\n", x.failures, x.cases);
		return 1;
	}
	printf("rb-badinput: ok (%d cases)\n", x.cases);
	return 0;
}
