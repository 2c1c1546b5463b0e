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
