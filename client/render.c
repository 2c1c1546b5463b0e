/*
 * The renderer (render.h): a column's value from its field or its getter,
 * then written as the format wants it.
 */
#include "render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "rigbook/money.h"

/* C_() for a context known at run time */
static const char *i18n_pgettext_in(const char *ctx, const char *msgid)
{
	char k[160];

	snprintf(k, sizeof(k), "%s\004%s", ctx, msgid);
	return i18n_pgettext(k, msgid);
}

const char *rnd_money(int64_t v, const char *cur, char *buf)
{
	if (rb_money_format(v, cur != NULL && cur[0] != '\0' ? cur : "CNY", buf, RB_MONEY_TEXT) != 0)
		snprintf(buf, RB_MONEY_TEXT, "%" PRId64 " %.3s", v, cur != NULL ? cur : "");
	return buf;
}

const char *rnd_money_plain(int64_t v, char *buf)
{
	rb_money_plain(v, buf, RB_MONEY_TEXT);
	return buf;
}

void rnd_init(struct rnd *r, enum rnd_format fmt, FILE *f, const struct rnd_col *cols,
	      size_t ncols, const void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->fmt = fmt;
	r->f = f;
	r->cols = cols;
	r->ncols = ncols;
	r->ctx = ctx;
	r->view = ~0u;
}

/* The column is written in the renderer's format. */
static int shown(const struct rnd *r, const struct rnd_col *c)
{
	if (c->view != 0 && (c->view & r->view) == 0)
		return 0;
	switch (r->fmt) {
	case RND_TABLE: return c->header != NULL && c->kind != RND_CUSTOM;
	case RND_CSV: return c->csv != NULL && c->kind != RND_CUSTOM;
	case RND_JSON: return c->key != NULL || c->kind == RND_CUSTOM;
	}
	return 0;
}

static void get(const struct rnd *r, const struct rnd_col *c, const void *row, struct rnd_val *v)
{
	const char *p = row;

	memset(v, 0, offsetof(struct rnd_val, buf));
	v->buf[0] = '\0';
	v->s = "";
	switch (c->ctype) {
	case RND_C_GET:
		if (c->get != NULL)
			c->get(row, r, v);
		break;
	case RND_C_STR: {
		const char *s;

		memcpy(&s, p + c->off, sizeof(s));
		v->s = s != NULL ? s : "";
		break;
	}
	case RND_C_U64: memcpy(&v->u, p + c->off, sizeof(v->u)); v->i = (int64_t)v->u; break;
	case RND_C_U32: {
		uint32_t x;

		memcpy(&x, p + c->off, sizeof(x));
		v->u = x;
		v->i = x;
		break;
	}
	case RND_C_I64: memcpy(&v->i, p + c->off, sizeof(v->i)); v->u = (uint64_t)v->i; break;
	case RND_C_I32: {
		int32_t x;

		memcpy(&x, p + c->off, sizeof(x));
		v->i = x;
		v->u = (uint64_t)v->i;
		break;
	}
	case RND_C_BOOL: {
		int x; /* protobuf_c_boolean */

		memcpy(&x, p + c->off, sizeof(x));
		v->i = x != 0;
		break;
	}
	}
	if (v->s == NULL)
		v->s = "";
	if (c->has_aux) {
		const char *s;

		memcpy(&s, p + c->aux, sizeof(s));
		v->s = s != NULL ? s : "";
	}
	if ((c->flags & RND_NULL0) && v->i == 0 && v->u == 0 &&
	    (c->kind != RND_TEXT && c->kind != RND_DATE && c->kind != RND_ENUM ? 1 : v->s[0] == '\0'))
		v->null = 1;
}

/* "1h45" */
static void hm(int64_t minutes, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRId64 "h%02" PRId64, minutes / 60, minutes % 60);
}

/* "33.00": seconds as hours, two decimals, half up. */
static void hours(int64_t secs, char *buf, size_t len)
{
	int64_t c = secs >= 0 ? (secs * 100 + 1800) / 3600 : -((-secs * 100 + 1800) / 3600);
	int64_t a = c < 0 ? -c : c;

	snprintf(buf, len, "%s%" PRId64 ".%02" PRId64, c < 0 ? "-" : "", a / 100, a % 100);
}

static const char *word(const struct rnd_col *c, const char *name)
{
	for (const struct rnd_word *w = c->words; w != NULL && w->name != NULL; w++)
		if (strcmp(w->name, name) == 0)
			return _(w->word);
	return name;
}

/* Whether the value is empty or zero, for RND_DASH. */
static int blank(const struct rnd_col *c, const struct rnd_val *v)
{
	switch (c->kind) {
	case RND_TEXT:
	case RND_DATE:
	case RND_ENUM:
	case RND_INSTANT: return c->kind == RND_INSTANT ? v->i == 0 : v->s[0] == '\0';
	case RND_UINT: return v->u == 0;
	default: return v->i == 0;
	}
}

const char *rnd_cell(const struct rnd *r, const struct rnd_col *c, const void *row,
		     struct rnd_val *v)
{
	char *b = v->buf;
	size_t n = sizeof(v->buf);
	int table = r->fmt == RND_TABLE;

	get(r, c, row, v);
	if (table && v->table != NULL)
		return v->table;
	if (v->null)
		return table ? "-" : "";
	if (table && (c->flags & RND_DASH) && blank(c, v))
		return "-";
	switch (c->kind) {
	case RND_TEXT:
	case RND_DATE:
	case RND_CUSTOM: return v->s;
	case RND_ENUM: return table ? word(c, v->s) : v->s;
	case RND_INT: snprintf(b, n, "%" PRId64, v->i); return b;
	case RND_UINT: snprintf(b, n, "%" PRIu64, v->u); return b;
	case RND_MONEY:
		return table ? rnd_money(v->i, v->s, b) : rnd_money_plain(v->i, b);
	case RND_INSTANT: cmd_time_text(v->i, v->s, b, n); return b;
	case RND_MINUTES:
		if (table)
			hm(v->i, b, n);
		else
			snprintf(b, n, "%" PRId64, v->i);
		return b;
	case RND_HOURS: hours(v->i, b, n); return b;
	case RND_PERCENT:
		if (v->i < 0)
			return table ? "-" : "";
		if (table)
			snprintf(b, n, "%" PRId64 "%%", (v->i + 50) / 100);
		else
			snprintf(b, n, "%" PRId64 ".%02" PRId64, v->i / 100, v->i % 100);
		return b;
	case RND_BOOL: return table ? (v->i ? _("yes") : _("no")) : (v->i ? "true" : "false");
	}
	return "";
}

static void json_value(const struct rnd *r, struct out_json *j, const struct rnd_col *c,
		       const void *row)
{
	struct rnd_val v;
	char k[96];

	if (c->kind == RND_CUSTOM) {
		c->json(j, row, r);
		return;
	}
	get(r, c, row, &v);
	if (c->kind == RND_HOURS) {
		snprintf(k, sizeof(k), "%s_seconds", c->key);
		out_json_kv_int(j, k, v.i);
		snprintf(k, sizeof(k), "%s_hours", c->key);
		out_json_key(j, k);
		out_json_fixed(j, (double)v.i / 3600.0, 2);
		return;
	}
	out_json_key(j, c->key);
	if (v.null || (c->kind == RND_PERCENT && v.i < 0)) {
		out_json_null(j);
		return;
	}
	switch (c->kind) {
	case RND_TEXT:
	case RND_DATE:
	case RND_ENUM: out_json_string(j, v.s); break;
	case RND_INSTANT: cmd_time_text(v.i, v.s, v.buf, sizeof(v.buf)); out_json_string(j, v.buf); break;
	case RND_INT:
	case RND_MINUTES: out_json_int(j, v.i); break;
	case RND_UINT: out_json_uint(j, v.u); break;
	case RND_BOOL: out_json_bool(j, v.i != 0); break;
	case RND_PERCENT: out_json_fixed(j, (double)v.i / 100.0, 2); break;
	case RND_MONEY:
		out_json_int(j, v.i);
		snprintf(k, sizeof(k), "%s_text", c->key);
		out_json_kv_string(j, k, rnd_money(v.i, v.s, v.buf));
		break;
	case RND_HOURS:
	case RND_CUSTOM: break;
	}
}

void rnd_json_fields(const struct rnd *r, struct out_json *j, const void *row)
{
	struct rnd jr = *r;

	jr.fmt = RND_JSON;
	for (size_t i = 0; i < r->ncols; i++)
		if (shown(&jr, &r->cols[i]))
			json_value(&jr, j, &r->cols[i], row);
}

void rnd_json_object(const struct rnd *r, struct out_json *j, const void *row)
{
	out_json_begin_object(j);
	rnd_json_fields(r, j, row);
	out_json_end_object(j);
}

int rnd_begin(struct rnd *r)
{
	const char *names[r->ncols + 1];
	size_t n = 0;

	r->rows = 0;
	switch (r->fmt) {
	case RND_JSON:
		out_json_init(&r->j, r->f);
		out_json_begin_array(&r->j);
		return 0;
	case RND_CSV:
		for (size_t i = 0; i < r->ncols; i++)
			if (shown(r, &r->cols[i]))
				names[n++] = cmd_csv_header(r->cols[i].csv, r->local);
		out_csv_row(r->f, names, n);
		return 0;
	case RND_TABLE:
		for (size_t i = 0; i < r->ncols; i++)
			if (shown(r, &r->cols[i]))
				names[n++] = r->cols[i].hctx != NULL ? i18n_pgettext_in(r->cols[i].hctx, r->cols[i].header)
							       : r->cols[i].header; /* translated by out_table_new */
		r->t = out_table_new(n, names);
		if (r->t == NULL) {
			r->failed = 1;
			return -1;
		}
		for (size_t i = 0, k = 0; i < r->ncols; i++)
			if (shown(r, &r->cols[i]) && (r->cols[i].flags & RND_RIGHT))
				out_table_align_right(r->t, k++);
			else if (shown(r, &r->cols[i]))
				k++;
		return 0;
	}
	return -1;
}

int rnd_row(struct rnd *r, const void *row)
{
	const char *cells[r->ncols + 1];
	struct rnd_val *v;
	size_t n = 0;
	int rc = 0;

	if (r->fmt == RND_JSON) {
		rnd_json_object(r, &r->j, row);
		r->rows++;
		return 0;
	}
	if (r->failed)
		return -1;
	v = calloc(r->ncols + 1, sizeof(*v));
	if (v == NULL) {
		r->failed = 1;
		return -1;
	}
	for (size_t i = 0; i < r->ncols; i++)
		if (shown(r, &r->cols[i])) {
			cells[n] = rnd_cell(r, &r->cols[i], row, &v[n]);
			n++;
		}
	if (r->fmt == RND_CSV)
		out_csv_row(r->f, cells, n);
	else if (out_table_add(r->t, cells) != 0)
		rc = -1;
	free(v);
	if (rc != 0)
		r->failed = 1;
	else
		r->rows++;
	return rc;
}

int rnd_end(struct rnd *r)
{
	int rc = r->failed ? -1 : 0;

	switch (r->fmt) {
	case RND_JSON:
		out_json_end_array(&r->j);
		out_json_finish(&r->j);
		break;
	case RND_CSV: break;
	case RND_TABLE:
		if (r->t != NULL && rc == 0 && r->rows > 0)
			out_table_print(r->t, r->f);
		out_table_free(r->t);
		r->t = NULL;
		break;
	}
	return rc;
}
