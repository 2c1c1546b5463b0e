/*
 * Framing: frame_peek over every prefix of a stream, frame_reader fed the
 * same stream split at every point and byte by byte, the cap checked on the
 * header before anything is allocated.  malloc is wrapped (-Wl,--wrap=malloc)
 * so that a test can see whether the reader allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook/frame.h"

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);

static size_t mallocs;

void *__wrap_malloc(size_t n)
{
	mallocs++;
	return __real_malloc(n);
}

#define NFRAMES 4

static const size_t payload_len[NFRAMES] = { 5, 0, 300, 1 };

/* A stream of NFRAMES frames with payload i filled with byte 'a' + i. */
static uint8_t *make_stream(size_t *len)
{
	size_t total = 0, off = 0;
	uint8_t *s;

	for (int i = 0; i < NFRAMES; i++)
		total += RB_FRAME_HDR + payload_len[i];
	s = malloc(total);
	assert_non_null(s);
	for (int i = 0; i < NFRAMES; i++) {
		frame_put_header(s + off, (uint32_t)payload_len[i]);
		off += RB_FRAME_HDR;
		memset(s + off, 'a' + i, payload_len[i]);
		off += payload_len[i];
	}
	*len = total;
	return s;
}

static void check_payload(int i, const uint8_t *p, uint32_t len)
{
	assert_true(i < NFRAMES);
	assert_int_equal(len, payload_len[i]);
	for (uint32_t k = 0; k < len; k++)
		assert_int_equal(p[k], 'a' + i);
}

/*
 * Feed data[0..n) to the reader, taking out every completed frame; *next is
 * the index of the next frame expected.
 */
static void feed_all(struct frame_reader *r, const uint8_t *data, size_t n, int *next)
{
	size_t off = 0, used;
	enum rb_frame_status st;

	while (off < n) {
		st = frame_reader_feed(r, data + off, n - off, &used);
		assert_true(used <= n - off);
		off += used;
		if (st == RB_FRAME_READY) {
			check_payload(*next, r->buf, r->len);
			(*next)++;
			frame_reader_next(r);
		} else {
			assert_int_equal(st, RB_FRAME_NEED_MORE);
			assert_int_equal(off, n); /* NEED_MORE only when all was taken */
		}
	}
}

static void test_header_roundtrip(void **state)
{
	uint8_t h[RB_FRAME_HDR];
	const uint32_t v[] = { 0, 1, 255, 256, 65536, RB_FRAME_MAX_DEFAULT, 0x01020304u, UINT32_MAX };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		frame_put_header(h, v[i]);
		assert_int_equal(frame_get_header(h), v[i]);
	}
	frame_put_header(h, 0x01020304u);
	assert_int_equal(h[0], 1);
	assert_int_equal(h[1], 2);
	assert_int_equal(h[2], 3);
	assert_int_equal(h[3], 4); /* big-endian */
}

static void test_peek_every_prefix(void **state)
{
	size_t n, k, want;
	uint8_t *s = make_stream(&n);
	uint32_t len = 0;
	enum rb_frame_status st;

	want = RB_FRAME_HDR + payload_len[0];
	for (k = 0; k <= n; k++) {
		len = 0xdeadbeef;
		st = frame_peek(s, k, RB_FRAME_MAX_DEFAULT, &len);
		if (k < RB_FRAME_HDR) {
			assert_int_equal(st, RB_FRAME_NEED_MORE);
			assert_int_equal(len, 0xdeadbeef);
		} else if (k < want) {
			assert_int_equal(st, RB_FRAME_NEED_MORE);
			assert_int_equal(len, payload_len[0]);
		} else {
			assert_int_equal(st, RB_FRAME_READY);
			assert_int_equal(len, payload_len[0]);
		}
	}
	/* the empty second frame is whole as soon as its header is */
	st = frame_peek(s + want, RB_FRAME_HDR, RB_FRAME_MAX_DEFAULT, &len);
	assert_int_equal(st, RB_FRAME_READY);
	assert_int_equal(len, 0);
	free(s);
}

static void test_peek_cap(void **state)
{
	uint8_t h[RB_FRAME_HDR];
	uint32_t len;

	frame_put_header(h, 1000);
	assert_int_equal(frame_peek(h, sizeof(h), 1000, &len), RB_FRAME_NEED_MORE);
	assert_int_equal(len, 1000);
	assert_int_equal(frame_peek(h, sizeof(h), 999, &len), RB_FRAME_TOO_BIG);
	assert_int_equal(len, 1000);
	frame_put_header(h, UINT32_MAX);
	assert_int_equal(frame_peek(h, sizeof(h), RB_FRAME_MAX_DEFAULT, &len), RB_FRAME_TOO_BIG);
}

static void test_reader_every_split(void **state)
{
	size_t n, k;
	uint8_t *s = make_stream(&n);
	struct frame_reader r;
	int next;

	for (k = 0; k <= n; k++) {
		frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
		next = 0;
		feed_all(&r, s, k, &next);
		feed_all(&r, s + k, n - k, &next);
		assert_int_equal(next, NFRAMES);
		assert_int_equal(r.hdr_have, 0);
		assert_null(r.buf);
		frame_reader_reset(&r);
	}
	free(s);
}

static void test_reader_every_two_splits(void **state)
{
	size_t n, a, b;
	uint8_t *s = make_stream(&n);
	struct frame_reader r;
	int next;

	for (a = 0; a <= n; a += 3) {
		for (b = a; b <= n; b++) {
			frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
			next = 0;
			feed_all(&r, s, a, &next);
			feed_all(&r, s + a, b - a, &next);
			feed_all(&r, s + b, n - b, &next);
			assert_int_equal(next, NFRAMES);
			frame_reader_reset(&r);
		}
	}
	free(s);
}

static void test_reader_byte_by_byte(void **state)
{
	size_t n, k;
	uint8_t *s = make_stream(&n);
	struct frame_reader r;
	int next = 0;

	frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
	for (k = 0; k < n; k++)
		feed_all(&r, s + k, 1, &next);
	assert_int_equal(next, NFRAMES);
	frame_reader_reset(&r);
	free(s);
}

static void test_reader_header_split(void **state)
{
	uint8_t f[RB_FRAME_HDR + 3] = { 0, 0, 0, 3, 'x', 'y', 'z' };
	struct frame_reader r;
	size_t used;

	for (size_t split = 1; split <= 3; split++) {
		frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
		assert_int_equal(frame_reader_feed(&r, f, split, &used), RB_FRAME_NEED_MORE);
		assert_int_equal(used, split);
		assert_int_equal(r.hdr_have, split);
		assert_null(r.buf); /* nothing allocated before the header is whole */
		assert_int_equal(frame_reader_feed(&r, f + split, sizeof(f) - split, &used),
				 RB_FRAME_READY);
		assert_int_equal(used, sizeof(f) - split);
		assert_int_equal(r.len, 3);
		assert_memory_equal(r.buf, "xyz", 3);
		frame_reader_reset(&r);
	}
}

static void test_reader_ready_until_next(void **state)
{
	uint8_t f[2 * RB_FRAME_HDR + 2] = { 0, 0, 0, 1, 'p', 0, 0, 0, 1, 'q' };
	struct frame_reader r;
	size_t used;

	frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
	assert_int_equal(frame_reader_feed(&r, f, sizeof(f), &used), RB_FRAME_READY);
	assert_int_equal(used, RB_FRAME_HDR + 1);
	/* not taken yet: feeding more consumes nothing and keeps the frame */
	assert_int_equal(frame_reader_feed(&r, f + used, sizeof(f) - used, &used), RB_FRAME_READY);
	assert_int_equal(used, 0);
	assert_int_equal(r.buf[0], 'p');
	frame_reader_next(&r);
	assert_int_equal(frame_reader_feed(&r, f + RB_FRAME_HDR + 1, RB_FRAME_HDR + 1, &used),
			 RB_FRAME_READY);
	assert_int_equal(r.buf[0], 'q');
	frame_reader_reset(&r);
}

static void test_reader_too_big_allocates_nothing(void **state)
{
	uint8_t h[RB_FRAME_HDR];
	struct frame_reader r;
	size_t used, before;

	frame_put_header(h, RB_FRAME_MAX_DEFAULT + 1);
	frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
	before = mallocs;
	assert_int_equal(frame_reader_feed(&r, h, sizeof(h), &used), RB_FRAME_TOO_BIG);
	assert_int_equal(mallocs, before);
	assert_null(r.buf);
	assert_int_equal(used, RB_FRAME_HDR);

	/* 4 GiB announced, byte by byte */
	frame_put_header(h, UINT32_MAX);
	frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
	for (int i = 0; i < 3; i++)
		assert_int_equal(frame_reader_feed(&r, h + i, 1, &used), RB_FRAME_NEED_MORE);
	assert_int_equal(frame_reader_feed(&r, h + 3, 1, &used), RB_FRAME_TOO_BIG);
	assert_int_equal(mallocs, before);
	assert_null(r.buf);
	frame_reader_reset(&r);

	/* the counter does see the reader's allocation when the frame is allowed */
	frame_put_header(h, RB_FRAME_MAX_DEFAULT);
	frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
	assert_int_equal(frame_reader_feed(&r, h, sizeof(h), &used), RB_FRAME_NEED_MORE);
	assert_int_equal(mallocs, before + 1);
	frame_reader_reset(&r);
}

static void test_reader_exactly_at_cap(void **state)
{
	const uint32_t cap = 4096;
	uint8_t *f = calloc(1, RB_FRAME_HDR + cap);
	struct frame_reader r;
	size_t used;

	assert_non_null(f);
	frame_put_header(f, cap);
	f[RB_FRAME_HDR + cap - 1] = 0x7f;
	frame_reader_init(&r, cap);
	assert_int_equal(frame_reader_feed(&r, f, RB_FRAME_HDR + cap, &used), RB_FRAME_READY);
	assert_int_equal(used, RB_FRAME_HDR + cap);
	assert_int_equal(r.len, cap);
	assert_int_equal(r.buf[cap - 1], 0x7f);
	frame_reader_next(&r);

	/* one byte more is refused */
	frame_put_header(f, cap + 1);
	assert_int_equal(frame_reader_feed(&r, f, RB_FRAME_HDR, &used), RB_FRAME_TOO_BIG);
	frame_reader_reset(&r);

	/* the default cap itself is accepted */
	uint8_t h[RB_FRAME_HDR];
	uint32_t len;

	frame_put_header(h, RB_FRAME_MAX_DEFAULT);
	assert_int_equal(frame_peek(h, sizeof(h), RB_FRAME_MAX_DEFAULT, &len), RB_FRAME_NEED_MORE);
	frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
	assert_int_equal(frame_reader_feed(&r, h, sizeof(h), &used), RB_FRAME_NEED_MORE);
	assert_non_null(r.buf);
	frame_reader_reset(&r);
	free(f);
}

static void test_reader_empty_payload(void **state)
{
	uint8_t h[RB_FRAME_HDR] = { 0, 0, 0, 0 };
	struct frame_reader r;
	size_t used;

	frame_reader_init(&r, RB_FRAME_MAX_DEFAULT);
	assert_int_equal(frame_reader_feed(&r, h, sizeof(h), &used), RB_FRAME_READY);
	assert_int_equal(r.len, 0);
	assert_non_null(r.buf);
	frame_reader_next(&r);
	/* and again: an empty frame must not look "still ready" */
	assert_int_equal(frame_reader_feed(&r, h, 2, &used), RB_FRAME_NEED_MORE);
	assert_int_equal(frame_reader_feed(&r, h + 2, 2, &used), RB_FRAME_READY);
	frame_reader_reset(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_roundtrip),
		cmocka_unit_test(test_peek_every_prefix),
		cmocka_unit_test(test_peek_cap),
		cmocka_unit_test(test_reader_every_split),
		cmocka_unit_test(test_reader_every_two_splits),
		cmocka_unit_test(test_reader_byte_by_byte),
		cmocka_unit_test(test_reader_header_split),
		cmocka_unit_test(test_reader_ready_until_next),
		cmocka_unit_test(test_reader_too_big_allocates_nothing),
		cmocka_unit_test(test_reader_exactly_at_cap),
		cmocka_unit_test(test_reader_empty_payload),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
