/*
 * Checks on a protobuf message's raw bytes that decoding cannot make:
 * every string field, at any depth, must be valid UTF-8 without NUL bytes
 * (protobuf-c hands strings over as C strings, so a NUL would silently cut
 * one short).
 */
#ifndef RIGBOOK_WIRECHECK_H
#define RIGBOOK_WIRECHECK_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* 1 when s[0..n) is valid UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
int utf8_valid(const uint8_t *s, size_t n);

/*
 * Returns 0 when every string field of the message in buf[0..len) is valid
 * UTF-8 without NUL; -1 otherwise, with *field set to the offending field's
 * name (or "" when the bytes are not a well-formed message).
 */
int wire_check_strings(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
		       const char **field) __attribute__((warn_unused_result));

/*
 * The text rules of every request, applied to the decoded message through
 * its descriptors (so that a new field cannot be forgotten): each string
 * field, at any depth, is printable (no control characters but tab and
 * newline), holds no Unicode bidirectional control or byte-order mark
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF: they can
 * make a note or a name display other than it reads), and has at most its
 * limit of characters (code points, as PostgreSQL's length() counts).
 *
 * The limits are one table, by field name; "Message.field" (the message's
 * short name) for a field whose limit differs from others of its name.
 * schema names what the database holds to the same limit: a domain
 * ("rb_code"), a column with a CHECK on its length ("startups.address"), or
 * "" when none does; tests/integration/test_matrix.sh compares the two.
 */
struct wire_limit {
	const char *field;
	unsigned max;       /* characters */
	const char *schema; /* domain or table.column, or "" */
};

extern const struct wire_limit wire_limits[];
extern const size_t wire_nlimits;

/* The limit of field of message (its short name), or NULL when the table has none. */
const struct wire_limit *wire_limit_of(const char *message, const char *field);

enum wire_text_fault {
	WIRE_TEXT_OK = 0,
	WIRE_TEXT_CONTROL,  /* a control character, or not UTF-8 */
	WIRE_TEXT_BIDI,     /* a bidirectional control or a byte-order mark */
	WIRE_TEXT_TOO_LONG, /* more characters than the field's limit */
};

/* The character of a text fault, for messages: the code point that broke the rule. */
struct wire_text_bad {
	const char *field; /* the field's name */
	unsigned limit;    /* its limit, for WIRE_TEXT_TOO_LONG */
	uint32_t cp;       /* the character, for WIRE_TEXT_CONTROL and WIRE_TEXT_BIDI */
};

/*
 * Check every string field of m as above; the first fault is returned and
 * described in *bad.  A field missing from the table is held to 200
 * characters (tests/unit/test_wirecheck.c makes sure none is missing).
 */
enum wire_text_fault wire_check_text(const ProtobufCMessage *m, struct wire_text_bad *bad)
	__attribute__((warn_unused_result));

/* 1 when cp is a bidirectional control or the byte-order mark. */
int wire_bidi_control(uint32_t cp);

/*
 * The characters of the NUL-terminated UTF-8 string s, or -1 when it holds
 * a control character (but tab and newline), a bidi control or invalid
 * UTF-8 (*cp: the character at fault, 0 for invalid UTF-8).
 */
long wire_text_chars(const char *s, uint32_t *cp);

/*
 * Instants on the wire (int64 seconds since the epoch) by field name: every
 * int64 field of a request called one of these is 0 (not given) or an
 * instant from 1970 to the end of 9999, so that no request makes the
 * database compute past its calendar ("interval out of range").
 */
#define WIRE_TIME_MAX INT64_C(253402300799) /* 9999-12-31 23:59:59 UTC */
extern const char *const wire_instants[];

/* 1 when an int64 field called name is an instant. */
int wire_is_instant(const char *name);

/*
 * Returns 0 when every instant of m is in range; -1 otherwise with *field
 * the first that is not.
 */
int wire_check_instants(const ProtobufCMessage *m, const char **field)
	__attribute__((warn_unused_result));

#endif
