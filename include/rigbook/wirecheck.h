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

#endif
