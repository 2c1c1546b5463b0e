/*
 * What the client prints: aligned tables and clean text for people, JSON for
 * programs.  Text from the server is never written to a terminal as is:
 * control characters and invalid UTF-8 become '?'.
 */
#ifndef RIGBOOK_CLIENT_OUTPUT_H
#define RIGBOOK_CLIENT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------ text */

/*
 * Decode one UTF-8 sequence from s (n bytes available).  Returns its length
 * (1-4) and the code point, or 0 when the bytes are not valid UTF-8
 * (overlong forms, surrogates and values above U+10FFFF included).
 */
size_t out_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Terminal columns a code point takes: 0 (combining), 1, or 2 (East Asian wide). */
int out_char_width(uint32_t cp);

/* A copy of s fit for a terminal, or NULL when out of memory; free() it. */
char *out_clean(const char *s);

/* Terminal columns of a cleaned string. */
size_t out_width(const char *s);

/* Write s cleaned. */
void out_put_clean(FILE *f, const char *s);

/* ------------------------------------------------------------ tables */

struct out_table;

struct out_table *out_table_new(size_t ncols, const char *const *headers);
/* Add a row of ncols cells (NULL is an empty cell); they are cleaned and copied. */
int out_table_add(struct out_table *t, const char *const *cells)
	__attribute__((warn_unused_result));
size_t out_table_rows(const struct out_table *t);
/* Column col (from 0) is right-aligned: numbers, amounts. */
void out_table_align_right(struct out_table *t, size_t col);
/* Headers and rows, columns two spaces apart, no blanks at the end of a line. */
void out_table_print(const struct out_table *t, FILE *f);
void out_table_free(struct out_table *t);

/* ------------------------------------------------------------ JSON */

#define OUT_JSON_DEPTH 16

struct out_json {
	FILE *f;
	int depth;
	int count[OUT_JSON_DEPTH]; /* values written at each level */
	int after_key;
};

/* Write s as a JSON string: quoted, escaped, invalid UTF-8 as U+FFFD. */
void out_json_escape(FILE *f, const char *s);

void out_json_init(struct out_json *j, FILE *f);
void out_json_begin_object(struct out_json *j);
void out_json_end_object(struct out_json *j);
void out_json_begin_array(struct out_json *j);
void out_json_end_array(struct out_json *j);
void out_json_key(struct out_json *j, const char *key);
void out_json_string(struct out_json *j, const char *s); /* NULL is "" */
void out_json_int(struct out_json *j, int64_t v);
void out_json_uint(struct out_json *j, uint64_t v);
void out_json_bool(struct out_json *j, int v);
void out_json_null(struct out_json *j);
/* A number with `decimals` digits after the point (finite values only). */
void out_json_fixed(struct out_json *j, double v, int decimals);
/* The document is complete: a newline. */
void out_json_finish(struct out_json *j);

/* key: value shorthands inside an object */
void out_json_kv_string(struct out_json *j, const char *key, const char *s);
void out_json_kv_int(struct out_json *j, const char *key, int64_t v);
void out_json_kv_uint(struct out_json *j, const char *key, uint64_t v);
void out_json_kv_bool(struct out_json *j, const char *key, int v);

/* ------------------------------------------------------------ CSV */

/*
 * One CSV row (RFC 4180), the one writer of every --csv: fields separated
 * by commas, quoted when they hold a comma, a quote, CR or LF (quotes
 * doubled), the row ended by CRLF.  A NULL cell is empty.  What a terminal
 * must not receive (other controls than TAB, CR and LF, bidirectional
 * overrides, invalid UTF-8) becomes '?', as out_clean does.
 */
void out_csv_row(FILE *f, const char *const *cells, size_t n);

#endif
