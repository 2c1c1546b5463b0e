/*
 * UTF-8, strictly: one code point at a time, refusing what RFC 3629 does
 * (overlong forms, surrogates, past U+10FFFF, stray continuation bytes).
 */
#ifndef RIGBOOK_UTF8_H
#define RIGBOOK_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1-4) of the valid sequence at s (n bytes available), with its
 * code point in *cp; 0 when s does not start one. */
size_t rb_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
