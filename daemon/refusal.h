/*
 * The reason and the named arguments of a refusal raised by the SQL
 * functions: their HINT holds a small JSON object,
 *
 *   {"reason": "rule_min_notice", "args": {"resource": "dyno-1", "minutes": 120}}
 *
 * read here strictly into bounded buffers.  Pure code: no libevent, no
 * libpq; the fuzzer and the unit tests link it.
 */
#ifndef RIGBOOKD_REFUSAL_H
#define RIGBOOKD_REFUSAL_H

#include <stddef.h>

#define REFUSAL_REASON_MAX 64 /* bytes of [a-z0-9_] */
#define REFUSAL_ARGS_MAX 16
#define REFUSAL_NAME_MAX 32   /* bytes of [a-z0-9_] */
#define REFUSAL_VALUE_MAX 512 /* bytes of UTF-8 */
#define REFUSAL_HINT_MAX 32768 /* a longer HINT is refused without reading it */

enum refusal_type { REFUSAL_STRING, REFUSAL_NUMBER, REFUSAL_BOOL };

struct refusal_arg {
	char name[REFUSAL_NAME_MAX + 1];
	enum refusal_type type;
	/* a string's text; a number as written (JSON grammar); "true" or "false" */
	char value[REFUSAL_VALUE_MAX + 1];
};

struct refusal {
	char reason[REFUSAL_REASON_MAX + 1];
	int nargs;
	struct refusal_arg args[REFUSAL_ARGS_MAX];
};

/*
 * Parse len bytes (no NUL needed) of JSON: one object with a string
 * "reason" (1 to 64 of [a-z0-9_]) and an optional object "args" whose
 * members are named by 1 to 32 of [a-z0-9_], each once, and are strings,
 * numbers, booleans or null (null means "not known" and is left out; it
 * still counts towards the 16).  String escapes are decoded, \uXXXX with
 * surrogate pairs to UTF-8; a value holding U+0000, a control character
 * other than tab and newline, or more than 512 bytes is refused.  Other
 * top-level members with a scalar value are skipped, so that a newer schema
 * can add some; arrays and objects anywhere but "args", a repeated member,
 * trailing bytes and anything that is not JSON are refused.  Returns 0, or
 * -1 with *why saying what is wrong (a static string) and *out emptied.
 */
int refusal_parse(const char *p, size_t len, struct refusal *out, const char **why)
	__attribute__((warn_unused_result));

/* 1 when s is 1 to max bytes of [a-z0-9_]: a reason key or an argument name. */
int refusal_key_ok(const char *s, size_t max);

/*
 * The reason for a refusal with a wire code (Rigbook__ErrorCode) that came
 * without one of its own: "invalid_argument", "not_found", ... ("internal"
 * for a code that is not a refusal's).
 */
const char *refusal_generic_reason(int code);

/* The argument called name, or NULL. */
const struct refusal_arg *refusal_arg(const struct refusal *r, const char *name);

#endif
