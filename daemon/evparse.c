#include "evparse.h"

#include <string.h>

enum val_kind { V_KIND, V_INT, V_ID, V_CODE, V_TZ };

struct ev_key {
	const char *name;
	enum val_kind kind;
	size_t off;  /* into struct ev_payload */
	size_t size; /* text: buffer size */
};

#define K(n, k, f) { n, k, offsetof(struct ev_payload, f), sizeof(((struct ev_payload *)0)->f) }

static const struct ev_key keys[] = {
	K("kind", V_KIND, kind),
	K("at", V_INT, at),
	K("res", V_ID, resource_id),
	K("code", V_CODE, code),
	K("tz", V_TZ, tz),
	K("inst", V_ID, institution_id),
	K("space", V_ID, space_id),
	K("booking", V_ID, booking_id),
	K("member", V_ID, member_id),
	K("handle", V_CODE, handle),
	K("startup", V_ID, startup_id),
	K("scode", V_CODE, startup_code),
	K("start", V_INT, start),
	K("end", V_INT, end),
	K("closure", V_ID, closure_id),
	K("token", V_ID, token_id),
	K("cert", V_ID, cert_id),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Characters a value may hold at all: no quoting is ever needed. */
static int value_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '+' || c == '/' || c == '.' || c == '-';
}

static int key_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

/* Decimal digits, optionally after '-' when sign; fits int64 (or uint64 > 0 as an id). */
static int parse_number(const char *v, size_t n, int sign, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t x = 0;

	if (sign && n > 0 && v[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n || n - i > 19)
		return -1;
	if (v[i] == '0' && n - i > 1)
		return -1; /* no leading zeros: one spelling per number */
	for (; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (x > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

/* ^[a-z0-9][a-z0-9-]{0,39}$, as rb_code */
static int code_ok(const char *v, size_t n)
{
	if (n == 0 || n > EV_CODE_MAX || v[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return 0;
	return 1;
}

/* ^[a-z][a-z_]{0,31}$ */
static int kind_ok(const char *v, size_t n)
{
	if (n == 0 || n > EV_KIND_MAX || v[0] < 'a' || v[0] > 'z')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!key_char((unsigned char)v[i]))
			return 0;
	return 1;
}

/* An IANA zone name: letters, digits, _ + - and / between parts. */
static int tz_ok(const char *v, size_t n)
{
	if (n == 0 || n > EV_TZ_MAX || v[0] == '/' || v[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '.')
			return 0;
		if (v[i] == '/' && v[i + 1] == '/')
			return 0;
	}
	return 1;
}

static int set_value(struct ev_payload *ev, const struct ev_key *k, const char *v, size_t n)
{
	char *base = (char *)ev + k->off;
	int64_t x;

	switch (k->kind) {
	case V_KIND:
		if (!kind_ok(v, n))
			return -1;
		break;
	case V_CODE:
		if (!code_ok(v, n))
			return -1;
		break;
	case V_TZ:
		if (!tz_ok(v, n))
			return -1;
		break;
	case V_INT:
		if (parse_number(v, n, 1, &x) != 0)
			return -1;
		memcpy(base, &x, sizeof(x));
		return 0;
	case V_ID:
		if (parse_number(v, n, 0, &x) != 0 || x == 0)
			return -1;
		{
			uint64_t u = (uint64_t)x;

			memcpy(base, &u, sizeof(u));
		}
		return 0;
	}
	if (n >= k->size)
		return -1;
	memcpy(base, v, n);
	base[n] = '\0';
	return 0;
}

int ev_parse(const char *p, size_t len, struct ev_payload *ev, const char **why)
{
	unsigned seen = 0;
	size_t i = 0;
	int have_start = 0, have_end = 0;

	memset(ev, 0, sizeof(*ev));
	*why = "";
	if (len > EV_PAYLOAD_MAX) {
		*why = "longer than a payload can be";
		return -1;
	}
	if (len < 2 || p[0] != 'v' || p[1] != '1' || (len > 2 && p[2] != ' ')) {
		*why = "does not start with the version word v1";
		return -1;
	}
	i = 2;
	while (i < len) {
		const struct ev_key *k = NULL;
		size_t ks, ke, vs, ve;

		/* exactly one space before each word, none at the end */
		if (p[i] != ' ' || i + 1 >= len || p[i + 1] == ' ') {
			*why = "words are not separated by single spaces";
			return -1;
		}
		ks = ++i;
		while (i < len && key_char((unsigned char)p[i]))
			i++;
		ke = i;
		if (ke == ks || ke - ks > 16 || i >= len || p[i] != '=') {
			*why = "a word is not key=value";
			return -1;
		}
		vs = ++i;
		while (i < len && value_char((unsigned char)p[i]))
			i++;
		ve = i;
		if (ve == vs || (i < len && p[i] != ' ')) {
			*why = "a value is empty or holds a character it may not";
			return -1;
		}
		for (size_t j = 0; j < NKEYS; j++) {
			if (strlen(keys[j].name) == ke - ks && memcmp(keys[j].name, p + ks, ke - ks) == 0) {
				k = &keys[j];
				if (seen & (1u << j)) {
					*why = "a key is repeated";
					return -1;
				}
				seen |= 1u << j;
				break;
			}
		}
		if (k == NULL)
			continue; /* a word a newer schema added */
		if (set_value(ev, k, p + vs, ve - vs) != 0) {
			*why = "a value does not fit its key";
			return -1;
		}
		if (!strcmp(k->name, "start"))
			have_start = 1;
		else if (!strcmp(k->name, "end"))
			have_end = 1;
	}
	if (ev->kind[0] == '\0') {
		*why = "no kind";
		return -1;
	}
	if (!strcmp(ev->kind, EV_KIND_ACCESS_ENDED)) {
		if (ev->member_id == 0) {
			*why = "access_ended without a member";
			return -1;
		}
	} else if (ev->resource_id == 0) {
		*why = "no resource";
		return -1;
	}
	if (have_start != have_end || (have_start && ev->end <= ev->start)) {
		*why = "the window is incomplete or ends before it starts";
		return -1;
	}
	ev->has_window = have_start;
	return 0;
}

int ev_is_access_ended(const char *p, size_t len)
{
	static const char head[] = "v1 kind=" EV_KIND_ACCESS_ENDED " ";

	return len >= sizeof(head) - 1 && memcmp(p, head, sizeof(head) - 1) == 0;
}

static int staff_of(const struct ev_scope *s, const struct ev_payload *ev)
{
	switch (s->role) {
	case RIGBOOK__ROLE__ROLE_ADMIN:
		return 1;
	case RIGBOOK__ROLE__ROLE_OPERATOR:
		return s->space_id != 0 && s->space_id == ev->space_id;
	case RIGBOOK__ROLE__ROLE_MANAGER:
		return s->institution_id != 0 && s->institution_id == ev->institution_id;
	default:
		return 0;
	}
}

enum ev_view ev_visible(const struct ev_scope *s, const struct ev_payload *ev)
{
	if (!strcmp(ev->kind, EV_KIND_ACCESS_ENDED))
		return EV_HIDE; /* for the daemon's sessions only */
	if (s->resource_id != 0 && s->resource_id != ev->resource_id)
		return EV_HIDE;
	if (staff_of(s, ev))
		return EV_FULL;
	if (s->startup_id != 0 && s->startup_id == ev->startup_id)
		return EV_FULL;
	return EV_ANON;
}

void ev_to_wire(const struct ev_payload *ev, enum ev_view view, Rigbook__Event *out)
{
	rigbook__event__init(out);
	out->kind = (char *)ev->kind;
	out->at = ev->at;
	out->resource_code = (char *)ev->code;
	out->time_zone = (char *)ev->tz;
	out->closure_id = ev->closure_id;
	if (ev->has_window) {
		out->start = ev->start;
		out->end = ev->end;
	}
	if (view == EV_FULL) {
		out->booking_id = ev->booking_id;
		out->member_handle = (char *)ev->handle;
		out->startup_code = (char *)ev->startup_code;
	}
}
