/*
 * libFuzzer target: one connection's sequence of requests through the
 * daemon's request handling, Hello first, the database stubbed at db.c's
 * boundary (dispatch_seam.c).
 *
 * Input: byte 0 picks the role the token lookup answers (or no member at
 * all), the next MODES bytes how the database answers the queries in turn
 * (dispatch_seam.h), the rest is the byte stream the client sends: frames
 * as on the wire.  Each frame goes through what conn.c does with it (decode,
 * wirecheck.c's string check, Hello before anything else, the connection
 * waiting while Hello is answered), then dispatch_request (the table, the
 * role gate, the idempotency key, the handler's checks and its query), and
 * the queued queries are answered as the event loop would.  Checked: every
 * request that reaches the dispatcher is answered exactly once, under its
 * own id, with a reply that packs; a refusal always names its reason; nothing
 * is left queued or leaked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "dispatch_seam.h"
#include "log.h"
#include "rigbook.pb-c.h"
#include "rigbook/frame.h"
#include "rigbook/wirecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)

#define MODES 8
#define FRAME_CAP 65536 /* smaller than the daemon's default: the fuzzer's inputs are small */
#define MAX_FRAMES 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_max_level = LOG_ERROR; /* the handlers' warnings about odd input are expected here */
	return 0;
}

enum state { HELLO, READY, CLOSED };

/* One frame, as conn_handle_frame takes it; returns the state after it. */
static enum state one_frame(struct seam_conn *c, enum state st, const uint8_t *p, uint32_t len)
{
	Rigbook__Request *msg;
	const char *bad;
	size_t before = c->sends;
	int rc;

	msg = rigbook__request__unpack(NULL, len, p);
	if (msg == NULL)
		return CLOSED; /* invalid_frame: the connection closes */
	if (wire_check_strings(&rigbook__request__descriptor, p, len, &bad) != 0) {
		CHECK(bad != NULL);
		rigbook__request__free_unpacked(msg, NULL);
		return st == HELLO ? CLOSED : st; /* an error reply, or a close before sign-in */
	}
	if (st == HELLO && msg->body_case != RIGBOOK__REQUEST__BODY_HELLO) {
		rigbook__request__free_unpacked(msg, NULL);
		return CLOSED; /* hello_required */
	}
	rc = dispatch_request(c->slot, c->gen, "fuzz:1", st == READY ? &c->sess : NULL, msg);
	seam_run_queries();
	CHECK(seam_pending() == 0);
	/* answered exactly once, under its own id */
	CHECK(c->sends == before + 1);
	CHECK(c->last_id == msg->id);
	rigbook__request__free_unpacked(msg, NULL);
	if (rc != 0)
		return CLOSED;
	if (st == HELLO) {
		/*
		 * No reading while Hello is answered: it was answered above.  A
		 * Hello not refused by the dispatcher itself (which closes the
		 * connection: rc above) either signs in or fails, never neither.
		 */
		CHECK(!(c->authed && c->auth_failed));
		CHECK(c->authed || c->auth_failed);
		return c->authed ? READY : CLOSED;
	}
	return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seam_conn c;
	struct frame_reader fr;
	enum state st = HELLO;
	size_t used, frames = 0;
	const uint8_t *p;
	size_t n;

	if (size < 1 + MODES)
		return 0;
	memset(&c, 0, sizeof(c));
	c.slot = 3;
	c.gen = 7;
	/* 0: no member has the token; 1-4: member, manager, operator, admin */
	c.auth_role = data[0] % 5 == 0 ? -1 : (int)(data[0] % 5);
	seam_begin(&c, data + 1, MODES);
	p = data + 1 + MODES;
	n = size - 1 - MODES;

	frame_reader_init(&fr, FRAME_CAP);
	while (n > 0 && st != CLOSED && frames < MAX_FRAMES) {
		enum rb_frame_status fs = frame_reader_feed(&fr, p, n, &used);

		CHECK(used <= n);
		p += used;
		n -= used;
		if (fs == RB_FRAME_TOO_BIG)
			break; /* an error frame, then the close */
		if (fs != RB_FRAME_READY)
			break; /* the stream ends inside a frame */
		frames++;
		st = one_frame(&c, st, fr.buf, fr.len);
		frame_reader_next(&fr);
	}
	frame_reader_reset(&fr);
	CHECK(seam_pending() == 0);
	return 0;
}
