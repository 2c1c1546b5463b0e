/*
 * The text rules of every request (rigbook/wirecheck.h): each string field
 * has a limit in the one table, and bidi controls, byte-order marks,
 * control characters and overlong texts are refused wherever they sit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rigbook.pb-c.h"
#include "rigbook/wirecheck.h"

#define MAX_SEEN 512

struct walk {
	const ProtobufCMessageDescriptor *seen[MAX_SEEN];
	int nseen;
	int used[256];
	int missing;
};

static void walk(struct walk *w, const ProtobufCMessageDescriptor *d)
{
	for (int i = 0; i < w->nseen; i++)
		if (w->seen[i] == d)
			return;
	assert_true(w->nseen < MAX_SEEN);
	w->seen[w->nseen++] = d;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];

		if (fd->type == PROTOBUF_C_TYPE_STRING) {
			const struct wire_limit *l = wire_limit_of(d->short_name, fd->name);

			if (l == NULL) {
				printf("%s.%s has no limit in wire_limits[]\n", d->short_name, fd->name);
				w->missing++;
			} else {
				w->used[l - wire_limits] = 1;
			}
		} else if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
			walk(w, fd->descriptor);
		}
	}
}

/* Every string field a request can carry has its row; every row is some field's. */
static void test_every_field_has_a_limit(void **state)
{
	static struct walk w;

	(void)state;
	assert_true(wire_nlimits <= 256);
	walk(&w, &rigbook__request__descriptor);
	assert_int_equal(w.missing, 0);
	for (size_t i = 0; i < wire_nlimits; i++) {
		if (!w.used[i])
			printf("wire_limits[] row %s is no request field's\n", wire_limits[i].field);
		assert_true(w.used[i]);
	}
}

static enum wire_text_fault book_note(const char *note, struct wire_text_bad *bad)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__BookRequest b = RIGBOOK__BOOK_REQUEST__INIT;

	b.resource_code = "dyno-1";
	b.note = (char *)note;
	req.body_case = RIGBOOK__REQUEST__BODY_BOOK;
	req.book = &b;
	return wire_check_text(&req.base, bad);
}

static void test_bidi_refused(void **state)
{
	static const uint32_t bidi[] = { 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d,
					 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff };
	struct wire_text_bad bad;
	char s[32];

	(void)state;
	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		uint32_t c = bidi[i];

		if (c < 0x800)
			snprintf(s, sizeof(s), "ok %c%c txt", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
		else
			snprintf(s, sizeof(s), "ok %c%c%c txt", 0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f),
				 0x80 | (c & 0x3f));
		assert_int_equal(book_note(s, &bad), WIRE_TEXT_BIDI);
		assert_string_equal(bad.field, "note");
		assert_int_equal(bad.cp, c);
	}
	/* the marks that are letters' own (U+200D ZWJ in emoji) pass */
	assert_int_equal(book_note("a\xe2\x80\x8d" "b", &bad), WIRE_TEXT_OK);
}

static void test_control_and_length(void **state)
{
	struct wire_text_bad bad;
	char *s;

	(void)state;
	assert_int_equal(book_note("line one\nline\ttwo", &bad), WIRE_TEXT_OK);
	assert_int_equal(book_note("bell\x07", &bad), WIRE_TEXT_CONTROL);
	assert_int_equal(bad.cp, 7);
	assert_int_equal(book_note("c1 \xc2\x85", &bad), WIRE_TEXT_CONTROL);
	/* 2000 characters of Chinese (6000 bytes) are a note; 2001 are not */
	s = malloc(2001 * 3 + 1);
	assert_non_null(s);
	for (int i = 0; i < 2001; i++)
		memcpy(s + i * 3, "\xe6\xb5\x8b", 3);
	s[2000 * 3] = '\0';
	assert_int_equal(book_note(s, &bad), WIRE_TEXT_OK);
	s[2000 * 3] = '\xe6';
	s[2001 * 3] = '\0';
	assert_int_equal(book_note(s, &bad), WIRE_TEXT_TOO_LONG);
	assert_int_equal(bad.limit, 2000);
	free(s);
}

/* A limit by message: the terms' text is longer than other texts. */
static void test_limit_by_message(void **state)
{
	(void)state;
	assert_int_equal(wire_limit_of("SetTermsRequest", "text")->max, 20000);
	assert_int_equal(wire_limit_of("FindRequest", "text")->max, 200);
	assert_int_equal(wire_limit_of(NULL, "resource_code")->max, 40);
	assert_null(wire_limit_of(NULL, "no_such_field"));
}

/* Nested and repeated: a tag of put_resource. */
static void test_repeated(void **state)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__PutResourceRequest p = RIGBOOK__PUT_RESOURCE_REQUEST__INIT;
	char *tags[] = { "fine", "bad\xe2\x80\xae" };
	struct wire_text_bad bad;

	(void)state;
	p.code = "rig";
	p.n_tags = 2;
	p.tags = tags;
	req.body_case = RIGBOOK__REQUEST__BODY_PUT_RESOURCE;
	req.put_resource = &p;
	assert_int_equal(wire_check_text(&req.base, &bad), WIRE_TEXT_BIDI);
	assert_string_equal(bad.field, "tags");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_has_a_limit),
		cmocka_unit_test(test_bidi_refused),
		cmocka_unit_test(test_control_and_length),
		cmocka_unit_test(test_limit_by_message),
		cmocka_unit_test(test_repeated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
