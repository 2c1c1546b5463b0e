/*
 * Length-prefixed framing shared by rigbookd, rigbook and the tests.
 *
 * A frame is a 4-byte unsigned big-endian length N followed by N bytes of
 * payload (one protobuf message).  The cap is checked on the header alone,
 * before anything is allocated for the payload.
 */
#ifndef RIGBOOK_FRAME_H
#define RIGBOOK_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define RB_FRAME_HDR 4u
#define RB_FRAME_MAX_DEFAULT (1u << 20) /* 1 MiB */

enum rb_frame_status {
	RB_FRAME_NEED_MORE = 0, /* not a whole frame yet */
	RB_FRAME_READY = 1,     /* a whole frame is available */
	RB_FRAME_TOO_BIG = -1,  /* the header announces more than the cap */
};

/* Write the header for a payload of len bytes. */
void frame_put_header(uint8_t hdr[RB_FRAME_HDR], uint32_t len);

/* Read a header. */
uint32_t frame_get_header(const uint8_t hdr[RB_FRAME_HDR]);

/*
 * Look at the first avail bytes of a stream.  Returns RB_FRAME_READY and the
 * payload length when avail holds a whole frame, RB_FRAME_NEED_MORE when it
 * does not yet (*len is set once the header is complete), RB_FRAME_TOO_BIG
 * when the header exceeds max.
 */
enum rb_frame_status frame_peek(const uint8_t *buf, size_t avail, uint32_t max,
				uint32_t *len);

/*
 * An incremental reader for blocking peers (client, tests, load generator):
 * feed it whatever read() returned, take whole frames out.
 */
struct frame_reader {
	uint32_t max;
	uint8_t hdr[RB_FRAME_HDR];
	uint32_t hdr_have;
	uint8_t *buf;  /* payload, allocated once the header is known */
	uint32_t len;  /* payload length, valid when hdr_have == 4 */
	uint32_t have; /* payload bytes received */
};

void frame_reader_init(struct frame_reader *r, uint32_t max);
void frame_reader_reset(struct frame_reader *r);

/*
 * Consume bytes from data[0..n).  *used says how many were consumed (the
 * rest belongs to later frames).  Returns RB_FRAME_READY when a frame is
 * complete: the payload is r->buf[0..r->len) until frame_reader_next().
 * Returns RB_FRAME_TOO_BIG without allocating when the header exceeds
 * r->max; the stream is then unusable.
 */
enum rb_frame_status frame_reader_feed(struct frame_reader *r, const uint8_t *data,
				       size_t n, size_t *used)
	__attribute__((warn_unused_result));

/* Drop the completed frame and get ready for the next header. */
void frame_reader_next(struct frame_reader *r);

#endif
