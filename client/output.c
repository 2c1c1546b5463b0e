#include "output.h"

#include "rigbook/utf8.h"
#include "i18n.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ text */

size_t out_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	return rb_utf8_decode(s, n, cp);
}

struct range {
	uint32_t lo, hi;
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Combining marks and zero-width characters (sorted). */
static const struct range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a },
	{ 0x064b, 0x065f }, { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e },
	{ 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f }, { 0x20d0, 0x20ff },
	{ 0x302a, 0x302f }, { 0x3099, 0x309a }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	{ 0xfeff, 0xfeff }, { 0xe0100, 0xe01ef },
};

/* East Asian Wide and Fullwidth (sorted). */
static const struct range wide[] = {
	{ 0x1100, 0x115f },   { 0x231a, 0x231b },   { 0x2329, 0x232a },   { 0x23e9, 0x23ec },
	{ 0x23f0, 0x23f0 },   { 0x23f3, 0x23f3 },   { 0x25fd, 0x25fe },   { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 },   { 0x267f, 0x267f },   { 0x2693, 0x2693 },   { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab },   { 0x26bd, 0x26be },   { 0x26c4, 0x26c5 },   { 0x26ce, 0x26ce },
	{ 0x26d4, 0x26d4 },   { 0x26ea, 0x26ea },   { 0x26f2, 0x26f3 },   { 0x26f5, 0x26f5 },
	{ 0x26fa, 0x26fa },   { 0x26fd, 0x26fd },   { 0x2705, 0x2705 },   { 0x270a, 0x270b },
	{ 0x2728, 0x2728 },   { 0x274c, 0x274c },   { 0x274e, 0x274e },   { 0x2753, 0x2755 },
	{ 0x2757, 0x2757 },   { 0x2795, 0x2797 },   { 0x27b0, 0x27b0 },   { 0x27bf, 0x27bf },
	{ 0x2b1b, 0x2b1c },   { 0x2b50, 0x2b50 },   { 0x2b55, 0x2b55 },   { 0x2e80, 0x3029 },
	{ 0x3030, 0x303e },   { 0x3041, 0x3098 },   { 0x309b, 0x33ff },   { 0x3400, 0x4dbf },
	{ 0x4e00, 0x9fff },   { 0xa000, 0xa4cf },   { 0xa960, 0xa97f },   { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff },   { 0xfe10, 0xfe19 },   { 0xfe30, 0xfe6f },   { 0xff00, 0xff60 },
	{ 0xffe0, 0xffe6 },   { 0x16fe0, 0x16fe4 }, { 0x17000, 0x18aff }, { 0x1b000, 0x1b2ff },
	{ 0x1f004, 0x1f004 }, { 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff }, { 0x1f900, 0x1f9ff },
	{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

int out_char_width(uint32_t cp)
{
	if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
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
