#include "rigbook/wirecheck.h"

#include <string.h>

#define MAX_DEPTH 16

int utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint32_t cp;
		int extra;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			extra = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i - 1 < (size_t)extra)
			return 0;
		for (int k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += (size_t)extra + 1;
	}
	return 1;
}

static int read_varint(const uint8_t *p, size_t n, size_t *off, uint64_t *v)
{
	uint64_t r = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (*off >= n)
			return -1;
		b = p[(*off)++];
		r |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

static int check(const ProtobufCMessageDescriptor *desc, const uint8_t *p, size_t n,
		 const char **field, int depth)
{
	size_t off = 0;

	if (depth > MAX_DEPTH) {
		*field = "";
		return -1;
	}
	while (off < n) {
		uint64_t key, len;
		const ProtobufCFieldDescriptor *fd;

		if (read_varint(p, n, &off, &key) != 0)
			goto malformed;
		switch (key & 7) {
		case 0:
			if (read_varint(p, n, &off, &len) != 0)
				goto malformed;
			break;
		case 1:
			if (n - off < 8)
				goto malformed;
			off += 8;
			break;
		case 5:
			if (n - off < 4)
				goto malformed;
			off += 4;
			break;
		case 2:
			if (read_varint(p, n, &off, &len) != 0 || len > n - off)
				goto malformed;
			fd = key >> 3 <= UINT32_MAX
				     ? protobuf_c_message_descriptor_get_field(desc, (unsigned)(key >> 3))
				     : NULL;
			if (fd != NULL && fd->type == PROTOBUF_C_TYPE_STRING) {
				if (memchr(p + off, 0, len) != NULL || !utf8_valid(p + off, len)) {
					*field = fd->name;
					return -1;
				}
			} else if (fd != NULL && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (check(fd->descriptor, p + off, len, field, depth + 1) != 0)
					return -1;
			}
			off += len;
			break;
		default:
			goto malformed;
		}
	}
	return 0;
malformed:
	*field = "";
	return -1;
}

int wire_check_strings(const ProtobufCMessageDescriptor *desc, const uint8_t *buf, size_t len,
		       const char **field)
{
	return check(desc, buf, len, field, 0);
}

/* ---------------------------------------------------------------- text rules */

#define DEFAULT_LIMIT 200

/* Sorted by nothing: looked up by name, once per string field of a request. */
const struct wire_limit wire_limits[] = {
	/* codes and handles: the domain rb_code */
	{ "code", 40, "rb_code" },
	{ "resource_code", 40, "rb_code" },
	{ "startup_code", 40, "rb_code" },
	{ "institution_code", 40, "rb_code" },
	{ "space_code", 40, "rb_code" },
	{ "member_handle", 40, "rb_code" },
	{ "handle", 40, "rb_code" },
	{ "to_member", 40, "rb_code" },
	{ "requires", 40, "rb_code" },
	{ "institutions", 40, "rb_code" },
	/* names and texts kept by the database */
	{ "name", 200, "resources.name" },
	{ "name_zh", 200, "resources.name_zh" },
	{ "PutStartupRequest.name", 200, "startups.name" },
	{ "AddMemberRequest.name", 200, "members.name" },
	{ "legal_name", 200, "startups.legal_name" },
	{ "address", 500, "startups.address" },
	{ "label", 200, "tokens.label" },
	{ "subject", 500, "client_certs.subject" },
	{ "issuer", 200, "vouchers.issuer" },
	{ "note", 2000, "waitlist.note" },
	{ "reason", 500, "closures.reason" },
	{ "SetTermsRequest.text", 20000, "resources.terms_text" },
	{ "currency", 3, "rb_currency" },
	/* the database keeps these without a limit of its own */
	{ "override_reason", 500, "" },
	{ "description", 2000, "" },
	{ "location", 200, "" },
	{ "time_zone", 64, "" },
	{ "tag", 40, "" },
	{ "tags", 40, "" },
	{ "text", 200, "" },
	{ "kinds", 40, "" },
	{ "credit_code", 40, "" },
	{ "email", 200, "" },
	/* words and dates the database parses */
	{ "tier", 64, "" },
	{ "basis", 64, "" },
	{ "effective_from", 64, "" },
	{ "period", 64, "" },
	{ "valid_from", 64, "" },
	{ "valid_to", 64, "" },
	{ "number", 64, "" },
	{ "date", 64, "" },
	{ "action", 64, "" },
	{ "from", 64, "" },
	{ "from_local", 64, "" },
	{ "to", 64, "" },
	/* the envelope and Hello */
	{ "client", 200, "" },
	{ "token", 512, "" },
	{ "fingerprint", 128, "" },
	{ "idempotency_key", 128, "" },
};

const size_t wire_nlimits = sizeof(wire_limits) / sizeof(wire_limits[0]);

const struct wire_limit *wire_limit_of(const char *message, const char *field)
{
	size_t mlen = message != NULL ? strlen(message) : 0;

	if (message != NULL)
		for (size_t i = 0; i < wire_nlimits; i++) {
			const char *f = wire_limits[i].field;

			if (strncmp(f, message, mlen) == 0 && f[mlen] == '.' &&
			    strcmp(f + mlen + 1, field) == 0)
				return &wire_limits[i];
		}
	for (size_t i = 0; i < wire_nlimits; i++)
		if (strcmp(wire_limits[i].field, field) == 0)
			return &wire_limits[i];
	return NULL;
}

int wire_bidi_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

long wire_text_chars(const char *s, uint32_t *cp_out)
{
	const uint8_t *p = (const uint8_t *)s;
	long n = 0;

	while (*p != 0) {
		uint32_t cp;
		int extra;

		if (*p < 0x80)
			extra = 0, cp = *p;
		else if ((*p & 0xe0) == 0xc0)
			extra = 1, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			extra = 2, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			extra = 3, cp = *p & 0x07;
		else
			goto invalid;
		p++;
		for (int k = 0; k < extra; k++, p++) {
			if ((*p & 0xc0) != 0x80)
				goto invalid;
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
			goto invalid;
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0) ||
		    wire_bidi_control(cp)) {
			*cp_out = cp;
			return -1;
		}
		n++;
	}
	return n;
invalid:
	*cp_out = 0;
	return -1;
}

static enum wire_text_fault check_string(const ProtobufCMessageDescriptor *d,
					 const ProtobufCFieldDescriptor *fd, const char *s,
					 struct wire_text_bad *bad)
{
	const struct wire_limit *l;
	uint32_t cp = 0;
	long n;

	if (s == NULL || s[0] == '\0')
		return WIRE_TEXT_OK;
	bad->field = fd->name;
	n = wire_text_chars(s, &cp);
	if (n < 0) {
		bad->cp = cp;
		return wire_bidi_control(cp) ? WIRE_TEXT_BIDI : WIRE_TEXT_CONTROL;
	}
	l = wire_limit_of(d->short_name, fd->name);
	bad->limit = l != NULL ? l->max : DEFAULT_LIMIT;
	if ((unsigned long)n > bad->limit)
		return WIRE_TEXT_TOO_LONG;
	return WIRE_TEXT_OK;
}

static enum wire_text_fault check_text(const ProtobufCMessage *m, struct wire_text_bad *bad,
				       int depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;

	if (depth > MAX_DEPTH)
		return WIRE_TEXT_OK; /* unpack allows no deeper */
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		enum wire_text_fault f = WIRE_TEXT_OK;

		if (fd->type != PROTOBUF_C_TYPE_STRING && fd->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + fd->quantifier_offset) != fd->id)
			continue;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + fd->quantifier_offset);
			void *const *v = *(void *const *const *)(base + fd->offset);

			for (size_t k = 0; k < n && f == WIRE_TEXT_OK; k++)
				f = fd->type == PROTOBUF_C_TYPE_STRING
					    ? check_string(d, fd, v[k], bad)
					    : check_text(v[k], bad, depth + 1);
		} else {
			const void *v = *(const void *const *)(base + fd->offset);

			if (fd->type == PROTOBUF_C_TYPE_STRING)
				f = check_string(d, fd, v, bad);
			else if (v != NULL)
				f = check_text(v, bad, depth + 1);
		}
		if (f != WIRE_TEXT_OK)
			return f;
	}
	return WIRE_TEXT_OK;
}

enum wire_text_fault wire_check_text(const ProtobufCMessage *m, struct wire_text_bad *bad)
{
	memset(bad, 0, sizeof(*bad));
	return check_text(m, bad, 0);
}

/* ---------------------------------------------------------------- instants */

const char *const wire_instants[] = {
	"start", "end", "from", "to", "until", "expires_at", "checked_in_at", "checked_out_at", NULL,
};

int wire_is_instant(const char *name)
{
	for (int i = 0; wire_instants[i] != NULL; i++)
		if (strcmp(wire_instants[i], name) == 0)
			return 1;
	return 0;
}

static int check_instants(const ProtobufCMessage *m, const char **field, int depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;

	if (depth > MAX_DEPTH)
		return 0;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];

		if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + fd->quantifier_offset) != fd->id)
			continue;
		if (fd->type == PROTOBUF_C_TYPE_INT64 && fd->label != PROTOBUF_C_LABEL_REPEATED &&
		    wire_is_instant(fd->name)) {
			int64_t v = *(const int64_t *)(base + fd->offset);

			if (v < 0 || v > WIRE_TIME_MAX) {
				*field = fd->name;
				return -1;
			}
		} else if (fd->type == PROTOBUF_C_TYPE_MESSAGE) {
			if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
				size_t n = *(const size_t *)(base + fd->quantifier_offset);
				void *const *v = *(void *const *const *)(base + fd->offset);

				for (size_t k = 0; k < n; k++)
					if (check_instants(v[k], field, depth + 1) != 0)
						return -1;
			} else {
				const ProtobufCMessage *v = *(const void *const *)(base + fd->offset);

				if (v != NULL && check_instants(v, field, depth + 1) != 0)
					return -1;
			}
		}
	}
	return 0;
}

int wire_check_instants(const ProtobufCMessage *m, const char **field)
{
	return check_instants(m, field, 0);
}
