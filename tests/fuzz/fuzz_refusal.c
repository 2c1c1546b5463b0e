/*
 * libFuzzer target: the HINT of an SQL refusal, its reason and arguments
 * as JSON (daemon/refusal.c).
 *
 * Input: the HINT's bytes.  A HINT that parses must give a reason and
 * argument names of [a-z0-9_] within their bounds, names each once, values
 * of valid UTF-8 without NUL or controls but tab and newline, within 512
 * bytes; written back as JSON it must parse to the same thing.  A HINT that
 * does not parse says why and leaves nothing behind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refusal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)

/* Valid UTF-8, shortest forms, no surrogates, no controls but tab and newline. */
static int text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned c = *p++, cp;
		int extra;

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return 0;
		if (c < 0x80)
			continue;
		if ((c & 0xe0) == 0xc0)
			extra = 1, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			extra = 2, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			extra = 3, cp = c & 0x07;
		else
			return 0;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

/* JSON text of a parsed refusal: strings escaped, the rest as read. */
static size_t put_json_string(char *out, const char *s)
{
	size_t o = 0;

	out[o++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (*s == '\t') {
			memcpy(out + o, "\\u0009", 6); /* another spelling of the same */
			o += 6;
		} else {
			out[o++] = *s;
		}
	}
	out[o++] = '"';
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct refusal rf, back;
	static char json[REFUSAL_ARGS_MAX * (REFUSAL_NAME_MAX + REFUSAL_VALUE_MAX * 6 + 16) + 256];
	const char *why = (const char *)1;
	size_t o = 0;

	if (refusal_parse((const char *)data, size, &rf, &why) != 0) {
		CHECK(why != NULL && why[0] != '\0');
		CHECK(rf.reason[0] == '\0' && rf.nargs == 0);
		return 0;
	}
	CHECK(why == NULL);
	CHECK(refusal_key_ok(rf.reason, REFUSAL_REASON_MAX));
	CHECK(rf.nargs >= 0 && rf.nargs <= REFUSAL_ARGS_MAX);
	for (int i = 0; i < rf.nargs; i++) {
		const struct refusal_arg *a = &rf.args[i];

		CHECK(refusal_key_ok(a->name, REFUSAL_NAME_MAX));
		CHECK(strlen(a->value) <= REFUSAL_VALUE_MAX);
		CHECK(text_ok(a->value));
		CHECK(refusal_arg(&rf, a->name) == a); /* each name once */
		if (a->type == REFUSAL_BOOL)
			CHECK(strcmp(a->value, "true") == 0 || strcmp(a->value, "false") == 0);
		if (a->type == REFUSAL_NUMBER)
			CHECK(a->value[0] == '-' || (a->value[0] >= '0' && a->value[0] <= '9'));
	}

	/* written back, it reads the same */
	o += (size_t)snprintf(json + o, sizeof(json) - o, "{\"args\": {");
	for (int i = 0; i < rf.nargs; i++) {
		const struct refusal_arg *a = &rf.args[i];

		o += (size_t)snprintf(json + o, sizeof(json) - o, "%s\"%s\": ", i ? ", " : "", a->name);
		if (a->type == REFUSAL_STRING) {
			o += put_json_string(json + o, a->value);
		} else {
			memcpy(json + o, a->value, strlen(a->value));
			o += strlen(a->value);
		}
	}
	o += (size_t)snprintf(json + o, sizeof(json) - o, "}, \"reason\": \"%s\"}", rf.reason);
	CHECK(o < sizeof(json));
	CHECK(refusal_parse(json, o, &back, &why) == 0);
	CHECK(strcmp(back.reason, rf.reason) == 0 && back.nargs == rf.nargs);
	for (int i = 0; i < rf.nargs; i++) {
		CHECK(strcmp(back.args[i].name, rf.args[i].name) == 0);
		CHECK(strcmp(back.args[i].value, rf.args[i].value) == 0);
		CHECK(back.args[i].type == rf.args[i].type);
	}
	return 0;
}
