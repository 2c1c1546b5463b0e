/*
 * libFuzzer target: the framing reader and the Request decoder.
 *
 * Input: byte 0 seeds how the stream is split into reads, byte 1 picks the
 * frame cap, the rest is the byte stream a peer sends.  The incremental
 * frame_reader, fed in those pieces, must find exactly the frames that
 * frame_peek finds walking the whole stream at once.  Each frame is decoded
 * as a Request; what decodes must survive a pack/unpack round trip (but see
 * decode() about unknown fields).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rigbook.pb-c.h"
#include "rigbook/frame.h"
#include "rigbook/wirecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)

static uint32_t next_rand(uint32_t *s)
{
	/* xorshift32; never 0 */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Unknown fields anywhere in m (a oneof member counts when it is the one set). */
static size_t unknowns(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	size_t n = m->n_unknown_fields;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const ProtobufCMessage *sub;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED)
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
			continue;
		sub = *(ProtobufCMessage *const *)((const char *)m + f->offset);
		if (sub != NULL)
			n += unknowns(sub);
	}
	return n;
}

static void decode(const uint8_t *p, size_t n)
{
	Rigbook__Request *a, *b;
	uint8_t *ab, *bb;
	size_t an, bn;
	const char *field;

	/* the daemon's string check runs on every frame, decodable or not */
	(void)!wire_check_strings(&rigbook__request__descriptor, p, n, &field);
	a = rigbook__request__unpack(NULL, n, p);
	if (a == NULL)
		return;
	an = rigbook__request__get_packed_size(a);
	ab = malloc(an + 1);
	CHECK(ab != NULL);
	CHECK(rigbook__request__pack(a, ab) == an);
	b = rigbook__request__unpack(NULL, an, ab);
	if (b == NULL) {
		/*
		 * protobuf-c keeps unknown fields it should refuse (field number 0
		 * spelled as a two-byte varint) and packs them back in a form it
		 * then refuses; only such input may fail the round trip.
		 */
		CHECK(unknowns(&a->base) > 0);
		free(ab);
		rigbook__request__free_unpacked(a, NULL);
		return;
	}
	CHECK(b->id == a->id && b->body_case == a->body_case);
	bn = rigbook__request__get_packed_size(b);
	bb = malloc(bn + 1);
	CHECK(bb != NULL);
	CHECK(rigbook__request__pack(b, bb) == bn);
	CHECK(an == bn && memcmp(ab, bb, an) == 0);
	free(ab);
	free(bb);
	rigbook__request__free_unpacked(a, NULL);
	rigbook__request__free_unpacked(b, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t caps[4] = { 0, 16, 300, RB_FRAME_MAX_DEFAULT };
	struct frame_reader fr;
	const uint8_t *stream;
	uint32_t seed, max;
	size_t n, pos = 0, ref = 0;
	int too_big = 0;

	if (size < 2)
		return 0;
	seed = 0x9e3779b9u ^ data[0];
	max = caps[data[1] & 3];
	stream = data + 2;
	n = size - 2;

	frame_reader_init(&fr, max);
	while (pos < n && !too_big) {
		size_t chunk = 1 + next_rand(&seed) % 37;
		const uint8_t *p = stream + pos;
		size_t left;

		if (chunk > n - pos)
			chunk = n - pos;
		left = chunk;
		pos += chunk;
		while (left > 0) {
			size_t used = 0;
			enum rb_frame_status st = frame_reader_feed(&fr, p, left, &used);
			enum rb_frame_status want;
			uint32_t len = 0;

			CHECK(used <= left);
			p += used;
			left -= used;
			want = frame_peek(stream + ref, n - ref, max, &len);
			if (st == RB_FRAME_TOO_BIG) {
				CHECK(want == RB_FRAME_TOO_BIG && len == fr.len);
				too_big = 1;
				break;
			}
			if (st == RB_FRAME_NEED_MORE) {
				CHECK(left == 0);
				break;
			}
			CHECK(st == RB_FRAME_READY);
			CHECK(want == RB_FRAME_READY && len == fr.len);
			CHECK(fr.len == 0 || memcmp(fr.buf, stream + ref + RB_FRAME_HDR, fr.len) == 0);
			decode(fr.buf, fr.len);
			ref += RB_FRAME_HDR + (size_t)fr.len;
			frame_reader_next(&fr);
		}
	}
	if (!too_big) {
		/* whatever is left over is an incomplete frame, or nothing */
		uint32_t len = 0;

		CHECK(ref == n || frame_peek(stream + ref, n - ref, max, &len) == RB_FRAME_NEED_MORE);
	}
	frame_reader_reset(&fr);
	return 0;
}
