/*
 * rb-badinput: malformed and hostile input on the wire.
 *
 * Every case runs on a connection of its own: oversized and garbage frames,
 * requests without a body, requests before Hello, bad Hellos, request id 0,
 * a backwards booking window, stalled and half-written frames, and a burst
 * of pipelined requests.  Afterwards a well-formed request on a new
 * connection must still work: the daemon survives all of it.
 *
 * Exit status 0 when every check holds, 1 otherwise, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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

struct bad_ctx {
	struct rbc_opts bare;   /* TLS only, no Hello */
	struct rbc_opts authed; /* signed in with --token */
	const char *token;
	const char *resource;
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
		snprintf(buf, len, "id %" PRIu64 " Error %s (field \"%s\"): %s", r->id,
			 rb_code_name(r->error->code), r->error->field ? r->error->field : "",
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

/*
 * The next response must be an Error with one of the codes (0-terminated
 * list), the id (unless any_id) and the field (unless NULL).  Returns 0 when
 * it is; 1 when the connection closed instead (allowed only if may_close),
 * -1 otherwise.
 */
static int expect_error(struct bad_ctx *x, const char *name, struct rbc_conn *c, uint64_t id,
			int any_id, const int *codes, const char *field, int may_close)
{
	Rigbook__Response *r = NULL;
	char err[256], d[400];
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
	rc = 0;
out:
	rigbook__response__free_unpacked(r, NULL);
	return rc;
}

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
	else if (expect_error(x, name, c, 0, 1, c_too_big, NULL, 1) == 0)
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
	    expect_error(x, name, c, 0, 1, c_invalid, NULL, 0) == 0)
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
	    expect_error(x, name, c, 700001, 0, c_invalid, NULL, 0) != 0)
		goto out;
	if (send_payload(x, name, c, unknown, sizeof(unknown)) != 0 ||
	    expect_error(x, name, c, 700002, 0, c_invalid, NULL, 0) != 0)
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
	    expect_error(x, name, c, 41, 0, c_unauth, NULL, 0) == 0)
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
	    expect_error(x, name, c, 42, 0, c_unauth, NULL, 0) == 0)
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
	    expect_error(x, name, c, 43, 0, c_precond, NULL, 0) != 0)
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
			expect_error(x, name, c, 0, 0, c_invalid, NULL, 0);
		rbc_close(c);
	}
	c = open_bare(x, name);
	if (c != NULL) {
		if (send_request_raw(x, name, c, hello_request(&req, &h, 0, RIGBOOK_PROTOCOL_VERSION,
								x->token)) == 0)
			expect_error(x, name, c, 0, 0, c_invalid, NULL, 0);
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
	    expect_error(x, name, c, 801, 0, c_invalid, "end", 0) != 0)
		goto out;
	book.end = start; /* empty window */
	req.id = 802;
	if (send_request_raw(x, name, c, &req) == 0)
		expect_error(x, name, c, 802, 0, c_invalid, "end", 0);
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

/* (j) 20 Pings in one write: 20 Pongs, each id once. */
static void case_pipeline(struct bad_ctx *x, const char *name)
{
	struct rbc_conn *c = open_authed(x, name);
	uint8_t *buf = NULL;
	size_t off = 0, cap = 0;
	int seen[PIPELINE] = { 0 };
	char err[256], d[400];

	if (c == NULL)
		return;
	for (int i = 0; i < PIPELINE; i++) {
		Rigbook__Request req;
		Rigbook__Ping ping;
		size_t n = rigbook__request__get_packed_size(ping_request(&req, &ping, 9001 + i));
		uint8_t *nb = realloc(buf, cap + RB_FRAME_HDR + n);

		if (nb == NULL) {
			fail(x, name, "out of memory");
			goto out;
		}
		buf = nb;
		cap += RB_FRAME_HDR + n;
		frame_put_header(buf + off, (uint32_t)n);
		rigbook__request__pack(&req, buf + off + RB_FRAME_HDR);
		off += RB_FRAME_HDR + n;
	}
	if (rbc_send_raw(c, buf, off, err, sizeof(err)) != 0) {
		fail(x, name, "cannot send: %s", err);
		goto out;
	}
	for (int got = 0; got < PIPELINE; got++) {
		Rigbook__Response *r = NULL;

		if (rbc_recv(c, &r, err, sizeof(err)) != 0) {
			fail(x, name, "%d of %d pipelined Pings answered, then: %s", got, PIPELINE, err);
			goto out;
		}
		describe(r, d, sizeof(d));
		if (r->body_case != RIGBOOK__RESPONSE__BODY_PONG)
			fail(x, name, "a pipelined Ping got %s", d);
		else if (r->id < 9001 || r->id >= 9001 + PIPELINE)
			fail(x, name, "a Pong carries id %" PRIu64 ", which was never sent", r->id);
		else if (seen[r->id - 9001]++)
			fail(x, name, "id %" PRIu64 " was answered twice", r->id);
		rigbook__response__free_unpacked(r, NULL);
	}
	expect_pong(x, name, c);
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

/* ------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rb-badinput --server HOST:PORT --ca FILE --token TOKEN [--resource CODE]\n"
		"                   [--server-name NAME] [--timeout SECONDS]\n");
}

int main(int argc, char **argv)
{
	enum { O_SERVER = 1, O_CA, O_NAME, O_TOKEN, O_RESOURCE, O_TIMEOUT, O_HELP };
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, O_SERVER },
		{ "ca", required_argument, NULL, O_CA },
		{ "server-name", required_argument, NULL, O_NAME },
		{ "token", required_argument, NULL, O_TOKEN },
		{ "resource", required_argument, NULL, O_RESOURCE },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		void (*fn)(struct bad_ctx *x, const char *name);
	} cases[] = {
		{ "a: frame header over 1 MiB, before Hello", case_oversized_bare },
		{ "a: frame header over 1 MiB, signed in", case_oversized_authed },
		{ "b: garbage instead of a Request", case_garbage },
		{ "c: Request without a body, and with an unknown body", case_no_body },
		{ "d: Ping before Hello", case_no_hello },
		{ "e: Hello with a wrong token", case_bad_token },
		{ "f: Hello with a wrong protocol version", case_bad_version },
		{ "g: request id 0", case_id_zero },
		{ "h: Book with the end before the start", case_backwards },
		{ "i: announced 100 bytes, sent 10, went silent", case_stall },
		{ "j: 20 Pings pipelined in one write", case_pipeline },
		{ "k: half a frame, then a dropped connection", case_half_frame },
		{ "final: a well-formed request still works", case_final },
	};
	struct bad_ctx x;
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
		case O_TIMEOUT: {
			char *end;

			timeout = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || timeout < 1 || timeout > 3600) {
				fprintf(stderr, "rb-badinput: --timeout is 1 to 3600 seconds\n");
				return 2;
			}
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
	if (optind != argc || server == NULL || x.token == NULL) {
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

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		case_failed = 0;
		x.cases++;
		cases[i].fn(&x, cases[i].name);
		if (!case_failed)
			printf("ok - %s\n", cases[i].name);
	}
	if (x.failures > 0) {
		printf("rb-badinput: FAILED (%d failed checks in %d cases)\n", x.failures, x.cases);
		return 1;
	}
	printf("rb-badinput: ok (%d cases)\n", x.cases);
	return 0;
}
