#include "rigbook/frame.h"

#include <stdlib.h>
#include <string.h>

void frame_put_header(uint8_t hdr[RB_FRAME_HDR], uint32_t len)
{
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
}

uint32_t frame_get_header(const uint8_t hdr[RB_FRAME_HDR])
{
	return (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 |
	       (uint32_t)hdr[3];
}

enum rb_frame_status frame_peek(const uint8_t *buf, size_t avail, uint32_t max,
				uint32_t *len)
{
	uint32_t n;

	if (avail < RB_FRAME_HDR)
		return RB_FRAME_NEED_MORE;
	n = frame_get_header(buf);
	*len = n;
	if (n > max)
		return RB_FRAME_TOO_BIG;
	if (avail - RB_FRAME_HDR < n)
		return RB_FRAME_NEED_MORE;
	return RB_FRAME_READY;
}

void frame_reader_init(struct frame_reader *r, uint32_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void frame_reader_reset(struct frame_reader *r)
{
	free(r->buf);
	frame_reader_init(r, r->max);
}

void frame_reader_next(struct frame_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->hdr_have = 0;
	r->len = 0;
	r->have = 0;
}

enum rb_frame_status frame_reader_feed(struct frame_reader *r, const uint8_t *data,
				       size_t n, size_t *used)
{
	size_t off = 0, take;

	*used = 0;
	if (r->hdr_have == RB_FRAME_HDR && r->have == r->len && r->buf != NULL)
		return RB_FRAME_READY; /* caller has not taken the last frame */

	if (r->hdr_have < RB_FRAME_HDR) {
		take = RB_FRAME_HDR - r->hdr_have;
		if (take > n)
			take = n;
		memcpy(r->hdr + r->hdr_have, data, take);
		r->hdr_have += (uint32_t)take;
		off += take;
		if (r->hdr_have < RB_FRAME_HDR) {
			*used = off;
			return RB_FRAME_NEED_MORE;
		}
		r->len = frame_get_header(r->hdr);
		if (r->len > r->max) {
			*used = off;
			return RB_FRAME_TOO_BIG;
		}
		/* one byte more than needed so that an empty payload still has a buffer */
		r->buf = malloc((size_t)r->len + 1);
		if (r->buf == NULL) {
			*used = off;
			return RB_FRAME_TOO_BIG;
		}
		r->have = 0;
	}

	take = r->len - r->have;
	if (take > n - off)
		take = n - off;
	if (take > 0)
		memcpy(r->buf + r->have, data + off, take);
	r->have += (uint32_t)take;
	off += take;
	*used = off;
	return r->have == r->len ? RB_FRAME_READY : RB_FRAME_NEED_MORE;
}
