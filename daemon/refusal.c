#include "refusal.h"

#include <stdint.h>
#include <string.h>

#include "rigbook.pb-c.h"

/* A cursor over the input; every read checks the end. */
struct cur {
	const char *p, *end;
	const char *why;
};

static int fail(struct cur *c, const char *why)
{
	if (c->why == NULL)
		c->why = why;
	return -1;
}

static void skip_ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* The next byte after white space is ch: consume it. */
static int eat(struct cur *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

int refusal_key_ok(const char *s, size_t max)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; s[n] != '\0'; n++)
		if (n >= max || !((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
				  s[n] == '_'))
			return 0;
	return n > 0;
}

/* Append code point cp as UTF-8 to out[*n], which holds cap bytes and a NUL. */
static int put_utf8(struct cur *c, uint32_t cp, char *out, size_t cap, size_t *n)
{
	unsigned char b[4];
	size_t k;

	if (cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f)
		return fail(c, "a text holds a control character");
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (cap - *n < k)
		return fail(c, "a text is too long");
	memcpy(out + *n, b, k);
	*n += k;
	out[*n] = '\0';
	return 0;
}

static int hex4(struct cur *c, uint32_t *v)
{
	*v = 0;
	if (c->end - c->p < 4)
		return fail(c, "a \\u escape is cut short");
	for (int i = 0; i < 4; i++) {
		char h = *c->p++;

		*v <<= 4;
		if (h >= '0' && h <= '9')
			*v |= (uint32_t)(h - '0');
		else if (h >= 'a' && h <= 'f')
			*v |= (uint32_t)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*v |= (uint32_t)(h - 'A' + 10);
		else
			return fail(c, "a \\u escape is not four hex digits");
	}
	return 0;
}

/* One UTF-8 sequence of the input, checked (shortest form, no surrogates, <= U+10FFFF). */
static int raw_utf8(struct cur *c, uint32_t *cp)
{
	unsigned char b = (unsigned char)*c->p++;
	int extra;

	if (b < 0x80) {
		*cp = b;
		return 0;
	}
	if ((b & 0xe0) == 0xc0)
		extra = 1, *cp = b & 0x1f;
	else if ((b & 0xf0) == 0xe0)
		extra = 2, *cp = b & 0x0f;
	else if ((b & 0xf8) == 0xf0)
		extra = 3, *cp = b & 0x07;
	else
		return fail(c, "a text is not UTF-8");
	if (c->end - c->p < extra)
		return fail(c, "a text is not UTF-8");
	for (int i = 0; i < extra; i++) {
		unsigned char x = (unsigned char)*c->p++;

		if ((x & 0xc0) != 0x80)
			return fail(c, "a text is not UTF-8");
		*cp = *cp << 6 | (x & 0x3f);
	}
	if ((extra == 1 && *cp < 0x80) || (extra == 2 && *cp < 0x800) ||
	    (extra == 3 && (*cp < 0x10000 || *cp > 0x10ffff)) || (*cp >= 0xd800 && *cp <= 0xdfff))
		return fail(c, "a text is not UTF-8");
	return 0;
}

/*
 * A JSON string (the cursor on its opening quote) decoded into out, which
 * holds cap bytes and a NUL.
 */
static int read_string(struct cur *c, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	if (c->p >= c->end || *c->p != '"')
		return fail(c, "expected a string");
	c->p++;
	for (;;) {
		uint32_t cp;

		if (c->p >= c->end)
			return fail(c, "a string is not closed");
		if (*c->p == '"') {
			c->p++;
			return 0;
		}
		if ((unsigned char)*c->p < 0x20)
			return fail(c, "a string holds a raw control character");
		if (*c->p != '\\') {
			if (raw_utf8(c, &cp) != 0 || put_utf8(c, cp, out, cap, &n) != 0)
				return -1;
			continue;
		}
		c->p++;
		if (c->p >= c->end)
			return fail(c, "a string ends in a backslash");
		switch (*c->p++) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (hex4(c, &cp) != 0)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(c, "a lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				uint32_t lo;

				if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
					return fail(c, "a high surrogate without its low one");
				c->p += 2;
				if (hex4(c, &lo) != 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(c, "a high surrogate without its low one");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			break;
		default:
			return fail(c, "an unknown escape in a string");
		}
		if (put_utf8(c, cp, out, cap, &n) != 0)
			return -1;
	}
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* A JSON number, copied as written into out (cap bytes and a NUL). */
static int read_number(struct cur *c, char *out, size_t cap)
{
	const char *s = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p >= c->end || !is_digit(*c->p))
		return fail(c, "a number has no digits");
	if (*c->p == '0')
		c->p++;
	else
		while (c->p < c->end && is_digit(*c->p))
			c->p++;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (c->p >= c->end || !is_digit(*c->p))
			return fail(c, "a number has no digits after its point");
		while (c->p < c->end && is_digit(*c->p))
			c->p++;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (c->p >= c->end || !is_digit(*c->p))
			return fail(c, "a number has no digits in its exponent");
		while (c->p < c->end && is_digit(*c->p))
			c->p++;
	}
	if ((size_t)(c->p - s) > cap)
		return fail(c, "a number is too long");
	memcpy(out, s, (size_t)(c->p - s));
	out[c->p - s] = '\0';
	return 0;
}

static int literal(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

enum scalar { S_STRING, S_NUMBER, S_TRUE, S_FALSE, S_NULL };

/* A string, number, true, false or null; anything else (an array, an object) is refused. */
static int read_scalar(struct cur *c, char *out, size_t cap, enum scalar *kind)
{
	skip_ws(c);
	out[0] = '\0';
	if (c->p >= c->end)
		return fail(c, "a value is missing");
	if (*c->p == '"') {
		*kind = S_STRING;
		return read_string(c, out, cap);
	}
	if (*c->p == '-' || is_digit(*c->p)) {
		*kind = S_NUMBER;
		return read_number(c, out, cap);
	}
	if (literal(c, "true")) {
		*kind = S_TRUE;
		return 0;
	}
	if (literal(c, "false")) {
		*kind = S_FALSE;
		return 0;
	}
	if (literal(c, "null")) {
		*kind = S_NULL;
		return 0;
	}
	if (*c->p == '{' || *c->p == '[')
		return fail(c, "a value is an object or an array: nothing may nest");
	return fail(c, "a value is not JSON");
}

/* A member name of an object: a string, then ':'. */
static int read_name(struct cur *c, char *out, size_t cap)
{
	skip_ws(c);
	if (read_string(c, out, cap) != 0)
		return -1;
	if (!eat(c, ':'))
		return fail(c, "a member name without ':'");
	return 0;
}

static int read_args(struct cur *c, struct refusal *out)
{
	char seen[REFUSAL_ARGS_MAX][REFUSAL_NAME_MAX + 1]; /* every name, nulls too */
	int nseen = 0;

	if (!eat(c, '{'))
		return fail(c, "args is not an object");
	if (eat(c, '}'))
		return 0;
	for (;;) {
		struct refusal_arg *a = &out->args[out->nargs];
		char *name = seen[nseen];
		enum scalar kind;

		if (nseen == REFUSAL_ARGS_MAX)
			return fail(c, "more than 16 args");
		if (read_name(c, name, REFUSAL_NAME_MAX) != 0 ||
		    !refusal_key_ok(name, REFUSAL_NAME_MAX)) {
			c->why = NULL;
			return fail(c, "an arg name is not 1 to 32 of [a-z0-9_]");
		}
		for (int i = 0; i < nseen; i++)
			if (strcmp(seen[i], name) == 0)
				return fail(c, "an arg is named twice");
		nseen++;
		if (read_scalar(c, a->value, REFUSAL_VALUE_MAX, &kind) != 0)
			return -1;
		if (kind != S_NULL) {
			memcpy(a->name, name, REFUSAL_NAME_MAX + 1);
			a->type = kind == S_STRING   ? REFUSAL_STRING
				  : kind == S_NUMBER ? REFUSAL_NUMBER
						     : REFUSAL_BOOL;
			if (kind == S_TRUE)
				memcpy(a->value, "true", 5);
			else if (kind == S_FALSE)
				memcpy(a->value, "false", 6);
			out->nargs++;
		}
		if (eat(c, '}'))
			return 0;
		if (!eat(c, ','))
			return fail(c, "args members are not separated by ','");
	}
}

int refusal_parse(const char *p, size_t len, struct refusal *out, const char **why)
{
	struct cur c = { p, p + len, NULL };
	int have_reason = 0, have_args = 0;

	memset(out, 0, sizeof(*out));
	if (len > REFUSAL_HINT_MAX) {
		c.why = "longer than 32 KiB";
		goto bad;
	}
	if (!eat(&c, '{')) {
		fail(&c, "not a JSON object");
		goto bad;
	}
	if (eat(&c, '}')) {
		fail(&c, "no reason");
		goto bad;
	}
	for (;;) {
		char name[REFUSAL_NAME_MAX + 1];
		char scratch[REFUSAL_VALUE_MAX + 1];
		enum scalar kind;

		if (read_name(&c, name, REFUSAL_NAME_MAX) != 0) {
			c.why = NULL;
			fail(&c, "a member name is not a string of at most 32 bytes");
			goto bad;
		}
		if (strcmp(name, "reason") == 0) {
			if (have_reason++) {
				fail(&c, "reason is given twice");
				goto bad;
			}
			skip_ws(&c);
			if (c.p >= c.end || *c.p != '"') {
				fail(&c, "reason is not a string");
				goto bad;
			}
			if (read_string(&c, out->reason, REFUSAL_REASON_MAX) != 0 ||
			    !refusal_key_ok(out->reason, REFUSAL_REASON_MAX)) {
				c.why = NULL;
				fail(&c, "reason is not 1 to 64 of [a-z0-9_]");
				goto bad;
			}
		} else if (strcmp(name, "args") == 0) {
			if (have_args++) {
				fail(&c, "args is given twice");
				goto bad;
			}
			if (read_args(&c, out) != 0)
				goto bad;
		} else if (read_scalar(&c, scratch, REFUSAL_VALUE_MAX, &kind) != 0) {
			goto bad; /* another member: skipped if it is a scalar */
		}
		if (eat(&c, '}'))
			break;
		if (!eat(&c, ',')) {
			fail(&c, "members are not separated by ','");
			goto bad;
		}
	}
	skip_ws(&c);
	if (c.p != c.end) {
		fail(&c, "bytes after the object");
		goto bad;
	}
	if (!have_reason) {
		fail(&c, "no reason");
		goto bad;
	}
	*why = NULL;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	*why = c.why != NULL ? c.why : "malformed";
	return -1;
}

const char *refusal_generic_reason(int code)
{
	switch (code) {
	case RIGBOOK__ERROR_CODE__INVALID_ARGUMENT:
		return "invalid_argument";
	case RIGBOOK__ERROR_CODE__NOT_FOUND:
		return "not_found";
	case RIGBOOK__ERROR_CODE__PERMISSION_DENIED:
		return "permission_denied";
	case RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED:
		return "resource_exhausted";
	case RIGBOOK__ERROR_CODE__FAILED_PRECONDITION:
		return "failed_precondition";
	case RIGBOOK__ERROR_CODE__UNAVAILABLE:
		return "database_unavailable";
	case RIGBOOK__ERROR_CODE__UNAUTHENTICATED:
		return "unauthenticated";
	case RIGBOOK__ERROR_CODE__CONFLICT:
		return "conflict";
	default:
		return "internal";
	}
}

const struct refusal_arg *refusal_arg(const struct refusal *r, const char *name)
{
	for (int i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].name, name) == 0)
			return &r->args[i];
	return NULL;
}
