/*
 * One renderer for what a command lists: the command describes its columns
 * once (struct rnd_col: the JSON key, the CSV key, the table's header, the
 * kind of value and where it is in a row) and the renderer writes the same
 * rows as a table for people (display-width aware, out_table), as JSON for
 * programs (language-neutral keys and enum names, out_json) or as CSV
 * (RFC 4180, out_csv_row, keys or the reader's words in the header line).
 *
 * A column that is in one format only leaves the others' names NULL; the
 * order of the columns is the order of the CSV, the table and the JSON.
 */
#ifndef RIGBOOK_CLIENT_RENDER_H
#define RIGBOOK_CLIENT_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"

enum rnd_format { RND_TABLE, RND_JSON, RND_CSV };

/*
 * What a value is, and so how each format writes it.  "-" in a table stands
 * for a value that is null (and, with RND_DASH, for "" and 0).
 */
enum rnd_kind {
	RND_TEXT,    /* text as it is; JSON a string */
	RND_DATE,    /* "2026-12-03" text */
	RND_INT,     /* a signed whole number */
	RND_UINT,    /* an id or a count */
	RND_MONEY,   /* minor units of .s's currency (CNY when ""): "¥1,234.50" in a table,
			"1234.50" in CSV, KEY (the minor units) and KEY_text in JSON */
	RND_INSTANT, /* seconds since the epoch shown in .s's zone (UTC with a Z when
			unknown): the same text in every format */
	RND_MINUTES, /* a duration in minutes: "1h45" in a table, the minutes elsewhere */
	RND_HOURS,   /* a duration in seconds: "33.00" hours in a table and CSV;
			KEY_seconds and KEY_hours in JSON */
	RND_PERCENT, /* hundredths of a percent, null below 0: "16%" in a table,
			"15.66" in CSV and JSON */
	RND_BOOL,    /* yes/no in a table, true/false in CSV and JSON */
	RND_ENUM,    /* a state's language-neutral name in JSON and CSV, the reader's
			word (the column's words) in a table */
	RND_CUSTOM,  /* JSON only: the column's json() writes its keys and values */
};

/* Column flags. */
#define RND_DASH 0x1u   /* "-" in a table for "" and 0 */
#define RND_NULL0 0x2u  /* 0 is no value: null in JSON, "" in CSV, "-" in a table */
#define RND_RIGHT 0x4u  /* right-aligned in a table */

/* A value, as a column's getter (or field) gives it. */
struct rnd_val {
	const char *s;     /* text, date, enum name; money's currency; an instant's zone */
	int64_t i;         /* the number (money in minor units, bool 0/1) */
	uint64_t u;        /* RND_UINT */
	int null;          /* no value */
	const char *table; /* the table's text when it is not the kind's; NULL: the kind's */
	char buf[2048];    /* room for a getter's text */
};

/* An enum name and the reader's word for it (marked N_()). */
struct rnd_word {
	const char *name, *word;
};

/* Where a field is in a row, for columns without a getter. */
enum rnd_ctype { RND_C_GET, RND_C_STR, RND_C_U64, RND_C_U32, RND_C_I64, RND_C_I32, RND_C_BOOL };

struct rnd;

struct rnd_col {
	const char *key;    /* JSON key; NULL: not in JSON */
	const char *csv;    /* CSV key, marked NC_("csv", ...); NULL: not in CSV */
	const char *header; /* table header, marked N_(); NULL: not in the table */
	enum rnd_kind kind;
	unsigned flags;
	/* the value: a field of the row (ctype, off; aux: the currency or zone), ... */
	enum rnd_ctype ctype;
	size_t off;
	int has_aux;
	size_t aux;
	/* ... or a getter, which knows the format and the renderer's ctx */
	void (*get)(const void *row, const struct rnd *r, struct rnd_val *v);
	/* RND_CUSTOM: write "key": value (or several) into j */
	void (*json)(struct out_json *j, const void *row, const struct rnd *r);
	const struct rnd_word *words; /* RND_ENUM, ended by a NULL name */
	const char *hctx;   /* the header's context, when it is marked NC_(hctx, header) */
	unsigned view;      /* the views (bits a command defines) it is in; 0: every view */
};

/*
 * Field shorthands for a column of a row of type T; a field of another type
 * than the shorthand's does not compile.
 */
#define RND_IS(T, f, type) __builtin_types_compatible_p(__typeof__(((T *)0)->f), type)
#define RND_OFF(T, f, ok) (offsetof(T, f) + 0 * sizeof(char[(ok) ? 1 : -1]))
#define RND_STR(T, f) .ctype = RND_C_STR, .off = RND_OFF(T, f, RND_IS(T, f, char *) || RND_IS(T, f, const char *))
#define RND_U64(T, f) .ctype = RND_C_U64, .off = RND_OFF(T, f, RND_IS(T, f, uint64_t))
#define RND_U32(T, f) .ctype = RND_C_U32, .off = RND_OFF(T, f, RND_IS(T, f, uint32_t))
#define RND_I64(T, f) .ctype = RND_C_I64, .off = RND_OFF(T, f, RND_IS(T, f, int64_t))
#define RND_I32(T, f) .ctype = RND_C_I32, .off = RND_OFF(T, f, RND_IS(T, f, int32_t))
#define RND_BOOLF(T, f) .ctype = RND_C_BOOL, .off = RND_OFF(T, f, RND_IS(T, f, int))
/* money's currency, an instant's time zone: a string field of the row */
#define RND_AUX(T, f) .has_aux = 1, .aux = RND_OFF(T, f, RND_IS(T, f, char *) || RND_IS(T, f, const char *))

#define RND_NCOLS(a) (sizeof(a) / sizeof((a)[0]))

struct rnd {
	enum rnd_format fmt;
	FILE *f;
	const struct rnd_col *cols;
	size_t ncols;
	const void *ctx;   /* the command's, for its getters */
	int local;         /* CSV: the header line in the reader's words */
	unsigned view;     /* the columns of these views are written (rnd_init: every view) */
	struct out_table *t;
	struct out_json j;
	size_t rows;
	int failed;        /* out of memory, or set: the table is not printed */
};

/* Ready to render cols in fmt to f; nothing is written yet. */
void rnd_init(struct rnd *r, enum rnd_format fmt, FILE *f, const struct rnd_col *cols,
	      size_t ncols, const void *ctx);
/*
 * Start a list: the table's header, the CSV header line, or JSON's "[".
 * Returns -1 when out of memory.
 */
int rnd_begin(struct rnd *r) __attribute__((warn_unused_result));
/* One row: a table row, a CSV line, or a JSON object in the list. */
int rnd_row(struct rnd *r, const void *row) __attribute__((warn_unused_result));
/*
 * The end of the list: the table printed (when it has rows: the command
 * says in its words that there are none) and freed, JSON's "]" and the
 * newline.  Returns -1 when a row could not be added (out of memory).
 */
int rnd_end(struct rnd *r);

/*
 * One row as a JSON object into j (inside a document the caller writes;
 * r gives the columns, ctx and view).
 */
/* One row's keys and values into an object the caller has begun (and ends). */
void rnd_json_fields(const struct rnd *r, struct out_json *j, const void *row);
void rnd_json_object(const struct rnd *r, struct out_json *j, const void *row);

/* A column's cell text for fmt (RND_TABLE or RND_CSV) into v; returns it. */
const char *rnd_cell(const struct rnd *r, const struct rnd_col *c, const void *row,
		     struct rnd_val *v);

/* "¥1,234.50" into buf (RB_MONEY_TEXT bytes); the currency CNY when "". */
const char *rnd_money(int64_t v, const char *cur, char *buf);
/* "1234.50" into buf (RB_MONEY_TEXT bytes). */
const char *rnd_money_plain(int64_t v, char *buf);

#endif
