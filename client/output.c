#include "output.h"

#include <inttypes.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "rigbook/utf8.h"
#include "i18n.h"

/* ------------------------------------------------------------ text */

size_t out_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	return rb_utf8_decode(s, n, cp);
}

/*
 * How many columns a terminal gives a character: the C library's wcwidth(),
 * asked in a UTF-8 locale of its own (C.UTF-8) whatever the reader's
 * LC_CTYPE, so that a client run under LANG=C still lines up Chinese text.
 * Characters it calls unprintable (-1) take one column, as the '?' that
 * out_clean writes for them does.
 */
static locale_t utf8_locale(void)
{
	static locale_t loc;
	static int tried;

	if (!tried) {
		tried = 1;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

int out_char_width(uint32_t cp)
{
	locale_t loc = utf8_locale(), old;
	int w;

	if (cp < 0x7f)
		return 1;
	if (loc == (locale_t)0)
		return 1;
	old = uselocale(loc);
	w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w < 0 ? 1 : w;
}

/*
 * Code points a terminal must not receive from the server: C0 and C1
 * controls, DEL, line and paragraph separators and the bidirectional
 * overrides that reorder what is shown.
 */
static int unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

char *out_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), i = 0, o = 0, len;
	uint32_t cp;
	char *r = malloc(n + 1);

	if (r == NULL)
		return NULL;
	while (i < n) {
		len = out_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			r[o++] = '?';
			i++;
		} else if (unsafe(cp)) {
			r[o++] = cp == '\t' || cp == '\n' ? ' ' : '?';
			i += len;
		} else {
			memcpy(r + o, p + i, len);
			o += len;
			i += len;
		}
	}
	r[o] = '\0';
	return r;
}

size_t out_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, w = 0, len;
	uint32_t cp;

	while (i < n) {
		len = out_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			w++;
			i++;
			continue;
		}
		w += (size_t)out_char_width(cp);
		i += len;
	}
	return w;
}

void out_put_clean(FILE *f, const char *s)
{
	char *c = out_clean(s);

	if (c == NULL) {
		fputs("?", f);
		return;
	}
	fputs(c, f);
	free(c);
}

/* ------------------------------------------------------------ tables */

struct out_table {
	size_t ncols;
	size_t nrows; /* including the header row */
	size_t cap;
	char **cells; /* nrows * ncols */
	unsigned char *right; /* ncols: right-aligned */
};

static int table_push(struct out_table *t, const char *const *cells)
{
	size_t i;
	char **row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **grown = realloc(t->cells, cap * t->ncols * sizeof(*grown));

		if (grown == NULL)
			return -1;
		t->cells = grown;
		t->cap = cap;
	}
	row = t->cells + t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		row[i] = out_clean(cells[i]);
		if (row[i] == NULL) {
			while (i-- > 0)
				free(row[i]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

struct out_table *out_table_new(size_t ncols, const char *const *headers)
{
	struct out_table *t = calloc(1, sizeof(*t));

	if (t == NULL || ncols == 0) {
		free(t);
		return NULL;
	}
	t->ncols = ncols;
	t->right = calloc(ncols, 1);
	if (t->right == NULL) {
		free(t);
		return NULL;
	}
	/* the headers are marked N_() where they are written: the reader's words */
	const char *local[ncols];

	for (size_t i = 0; i < ncols; i++)
		local[i] = headers[i] != NULL && headers[i][0] != '\0' ? _(headers[i]) : headers[i];
	if (table_push(t, local) != 0) {
		out_table_free(t);
		return NULL;
	}
	return t;
}

void out_table_align_right(struct out_table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = 1;
}

int out_table_add(struct out_table *t, const char *const *cells)
{
	return table_push(t, cells);
}

size_t out_table_rows(const struct out_table *t)
{
	return t->nrows - 1;
}

void out_table_print(const struct out_table *t, FILE *f)
{
	size_t *w = calloc(t->ncols, sizeof(*w)), r, c, cw;

	if (w == NULL)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			cw = out_width(t->cells[r * t->ncols + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (r = 0; r < t->nrows; r++) {
		size_t last = 0; /* the last cell with text: no blanks after it */

		for (c = 0; c < t->ncols; c++)
			if (t->cells[r * t->ncols + c][0] != '\0')
				last = c;
		for (c = 0; c <= last; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			int pad = (int)(w[c] - out_width(cell));

			if (t->right[c]) {
				fprintf(f, "%*s%s", pad, "", cell);
				if (c < last)
					fputs("  ", f);
				continue;
			}
			fputs(cell, f);
			if (c < last)
				fprintf(f, "%*s", pad + 2, "");
		}
		fputc('\n', f);
	}
	free(w);
}

void out_table_free(struct out_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->right);
	free(t);
}

/* ------------------------------------------------------------ JSON */

void out_json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n = strlen((const char *)p), i = 0, len;
	uint32_t cp;

	fputc('"', f);
	while (i < n) {
		unsigned char b = p[i];

		if (b < 0x80) {
			switch (b) {
			case '"': fputs("\\\"", f); break;
			case '\\': fputs("\\\\", f); break;
			case '\b': fputs("\\b", f); break;
			case '\f': fputs("\\f", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default:
				if (b < 0x20 || b == 0x7f)
					fprintf(f, "\\u%04x", b);
				else
					fputc(b, f);
			}
			i++;
			continue;
		}
		len = out_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			fputs("\\ufffd", f);
			i++;
		} else if (cp == 0x2028 || cp == 0x2029) {
			fprintf(f, "\\u%04" PRIx32, cp); /* valid JSON, but not valid JavaScript */
			i += len;
		} else {
			fwrite(p + i, 1, len, f);
			i += len;
		}
	}
	fputc('"', f);
}

void out_json_init(struct out_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void before_value(struct out_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->count[j->depth]++ > 0)
		fputc(',', j->f);
}

static void open_level(struct out_json *j, int ch)
{
	before_value(j);
	fputc(ch, j->f);
	if (j->depth + 1 < OUT_JSON_DEPTH)
		j->depth++;
	j->count[j->depth] = 0;
}

static void close_level(struct out_json *j, int ch)
{
	fputc(ch, j->f);
	if (j->depth > 0)
		j->depth--;
}

void out_json_begin_object(struct out_json *j) { open_level(j, '{'); }
void out_json_end_object(struct out_json *j) { close_level(j, '}'); }
void out_json_begin_array(struct out_json *j) { open_level(j, '['); }
void out_json_end_array(struct out_json *j) { close_level(j, ']'); }

void out_json_key(struct out_json *j, const char *key)
{
	if (j->count[j->depth]++ > 0)
		fputc(',', j->f);
	out_json_escape(j->f, key);
	fputc(':', j->f);
	j->after_key = 1;
}

void out_json_string(struct out_json *j, const char *s)
{
	before_value(j);
	out_json_escape(j->f, s);
}

void out_json_int(struct out_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void out_json_uint(struct out_json *j, uint64_t v)
{
	before_value(j);
	fprintf(j->f, "%" PRIu64, v);
}

void out_json_bool(struct out_json *j, int v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void out_json_null(struct out_json *j)
{
	before_value(j);
	fputs("null", j->f);
}

void out_json_fixed(struct out_json *j, double v, int decimals)
{
	before_value(j);
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", j->f);
	else
		fprintf(j->f, "%.*f", decimals, v);
}

void out_json_finish(struct out_json *j)
{
	fputc('\n', j->f);
}

void out_json_kv_string(struct out_json *j, const char *key, const char *s)
{
	out_json_key(j, key);
	out_json_string(j, s);
}

void out_json_kv_int(struct out_json *j, const char *key, int64_t v)
{
	out_json_key(j, key);
	out_json_int(j, v);
}

void out_json_kv_uint(struct out_json *j, const char *key, uint64_t v)
{
	out_json_key(j, key);
	out_json_uint(j, v);
}

void out_json_kv_bool(struct out_json *j, const char *key, int v)
{
	out_json_key(j, key);
	out_json_bool(j, v);
}

/* ------------------------------------------------------------ CSV */

/*
 * A field as out_clean would show it, but for TAB, CR and LF, which a
 * quoted field holds as they are.
 */
static void csv_text(FILE *f, const char *s, int quoted)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = out_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			fputc('?', f);
			i++;
			continue;
		}
		if (cp == '"' && quoted)
			fputc('"', f);
		if (unsafe(cp) && cp != '\t' && cp != '\r' && cp != '\n')
			fputc('?', f);
		else
			fwrite(p + i, 1, len, f);
		i += len;
	}
}

static void csv_cell(FILE *f, const char *s)
{
	int quoted;

	if (s == NULL)
		return;
	quoted = strpbrk(s, ",\"\r\n") != NULL;
	if (quoted)
		fputc('"', f);
	csv_text(f, s, quoted);
	if (quoted)
		fputc('"', f);
}

void out_csv_row(FILE *f, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		csv_cell(f, cells[i]);
	}
	fputs("\r\n", f);
}
