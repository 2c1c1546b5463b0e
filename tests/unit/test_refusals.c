/*
 * The client's words for refusals (client/refusals.c): every template of
 * the table, rendered with sample arguments, is the server's English for
 * that refusal; anything short of a template is the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "refusals.h"

#define MAX_SAMPLE_ARGS 4

struct sample {
	const char *reason;
	const char *args[MAX_SAMPLE_ARGS * 2 + 1]; /* name, value, ..., NULL */
	const char *english;                        /* the server's message, word for word */
};

/* The server's messages, word for word as daemon/ and sql/ have them. */
static const struct sample samples[] = {
	{ "request_id_reserved", { NULL },
	  "request id 0 is reserved for server events; use another id" },
	{ "unknown_request", { NULL },
	  "the request has no body this server knows (is the client newer?)" },
	{ "hello_required", { NULL }, "the first request on a connection must be Hello with a token" },
	{ "already_authenticated", { NULL }, "this connection is already authenticated" },
	{ "not_allowed_for_role",
	  { "request", "set_rate", "role", "member", "allowed", "operator,admin", NULL },
	  "set_rate is for operators of the space and admins, not for a member" },
	{ "not_allowed_for_role",
	  { "request", "put_resource", "role", "member", "allowed", "manager,operator,admin", NULL },
	  "put_resource is for managers of the host institution, operators of the space and admins, "
	  "not for a member" },
	{ "not_allowed_for_role", { "request", "x", "role", "manager", "allowed", "member", NULL },
	  "x may not be sent by a manager" },
	{ "idempotency_key_unexpected", { "request", "ping", NULL },
	  "only changes take an idempotency key" },
	{ "invalid_idempotency_key", { "limit", "128", NULL },
	  "an idempotency key is 1 to 128 printable ASCII characters" },
	{ "invalid_frame", { NULL }, "the frame does not hold a valid Request message" },
	{ "invalid_utf8", { "field", "book.note", NULL },
	  "text field book.note is not valid UTF-8 or holds a NUL byte" },
	{ "frame_too_large", { "size", "2000000", "limit", "1048576", NULL },
	  "frame of 2000000 bytes is larger than the limit of 1048576" },
	{ "handshake_timeout", { NULL }, "no successful Hello within the handshake timeout" },
	{ "idle_timeout", { NULL }, "closing an idle connection" },
	{ "token_required", { NULL }, "a token is required" },
	{ "token_invalid", { NULL }, "the token is not valid: unknown, revoked or expired" },
	{ "protocol_version_unsupported", { "server_version", "1", "client_version", "7", NULL },
	  "this server speaks protocol version 1, the client version 7; upgrade the older one" },
	{ "out_of_memory", { NULL }, "out of memory" },
	{ "too_many_requests", { NULL }, "the server is overloaded; retry later" },
	{ "retry", { NULL }, "the database could not order this request against another; retry" },
	{ "database_timeout", { NULL }, "the database took too long to answer; retry" },
	{ "already_exists", { NULL }, "that already exists" },
	{ "resource_not_found", { "resource", "weichai-dyno-1", NULL },
	  "no resource is called weichai-dyno-1" },
	{ "series_count_required", { NULL },
	  "say how many times the booking repeats (a count) or until when" },
	{ "member_not_found", { "member", "li-na", NULL }, "no member is called li-na" },
	{ "startup_not_found", { "startup", "greenbolt", NULL }, "no startup is called greenbolt" },
	{ "space_not_found", { "space", "weichai", NULL }, "no space is called weichai" },
	{ "series_not_found", { "series", "42", NULL }, "there is no series 42" },
	{ "token_not_found", { "token", "7", NULL }, "there is no token 7" },
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* An Error as the server sends it, with a message that differs from any template. */
struct error_buf {
	Rigbook__Error e;
	Rigbook__ErrorArg args[MAX_SAMPLE_ARGS];
	Rigbook__ErrorArg *argp[MAX_SAMPLE_ARGS];
};

static void make_error(struct error_buf *b, const char *reason, const char *const *args,
		       const char *message)
{
	size_t n = 0;

	rigbook__error__init(&b->e);
	b->e.code = RIGBOOK__ERROR_CODE__INVALID_ARGUMENT;
	b->e.reason = (char *)reason;
	b->e.message = (char *)message;
	for (; args[2 * n] != NULL; n++) {
		assert_true(n < MAX_SAMPLE_ARGS);
		rigbook__error_arg__init(&b->args[n]);
		b->args[n].name = (char *)args[2 * n];
		b->args[n].value = (char *)args[2 * n + 1];
		b->argp[n] = &b->args[n];
	}
	b->e.n_args = n;
	b->e.args = b->argp;
}

static void test_every_sample(void **state)
{
	(void)state;
	for (size_t i = 0; i < NSAMPLES; i++) {
		struct error_buf b;
		char buf[512];

		make_error(&b, samples[i].reason, samples[i].args, "(the message)");
		if (refusal_template_for(&b.e) == NULL)
			fail_msg("no template for %s", samples[i].reason);
		assert_int_equal(refusal_render(&b.e, buf, sizeof(buf)), 0);
		assert_string_equal(buf, samples[i].english);
		assert_string_equal(refusal_text(&b.e), samples[i].english);
	}
}

/* Every row of the table has a sample that reaches it: none is untested. */
static void test_every_template(void **state)
{
	(void)state;
	assert_true(refusal_ntemplates > 0);
	for (size_t t = 0; t < refusal_ntemplates; t++) {
		int reached = 0;

		assert_non_null(refusal_templates[t].reason);
		assert_non_null(refusal_templates[t].text);
		assert_true((refusal_templates[t].when_arg == NULL) ==
			    (refusal_templates[t].when_value == NULL));
		for (size_t i = 0; i < NSAMPLES && !reached; i++) {
			struct error_buf b;

			make_error(&b, samples[i].reason, samples[i].args, "m");
			reached = refusal_template_for(&b.e) == &refusal_templates[t];
		}
		if (!reached)
			fail_msg("template %zu (%s) has no sample", t, refusal_templates[t].reason);
	}
}

static void test_falls_back_to_message(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const other[] = { "code", "dyno-1", NULL };
	struct error_buf b;
	char buf[64];

	(void)state;
	/* an older server: no reason */
	make_error(&b, "", none, "the end of a booking must be after its start");
	assert_null(refusal_template_for(&b.e));
	assert_string_equal(refusal_text(&b.e), "the end of a booking must be after its start");
	/* a reason this client has no words for */
	make_error(&b, "rule_min_notice", other, "dyno-1 needs 2 hours' notice");
	assert_int_equal(refusal_render(&b.e, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "dyno-1 needs 2 hours' notice");
	/* a known reason without the argument its template names */
	make_error(&b, "resource_not_found", other, "no resource is called dyno-1");
	assert_string_equal(refusal_text(&b.e), "no resource is called dyno-1");
	/* no message either */
	make_error(&b, "resource_not_found", none, NULL);
	assert_string_equal(refusal_text(&b.e), "");
	assert_string_equal(refusal_text(NULL), "");
}

/*
 * The reasons rigbookd gives a refusal that came without one (after its
 * code, daemon/refusal.c) stand for many messages: no words of their own.
 */
static void test_no_words_for_generic_reasons(void **state)
{
	static const char *const generic[] = {
		"invalid_argument", "permission_denied", "not_found", "conflict",
		"failed_precondition", "unauthenticated", "resource_exhausted",
		"database_unavailable", "internal",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
		for (size_t t = 0; t < refusal_ntemplates; t++)
			if (strcmp(refusal_templates[t].reason, generic[i]) == 0)
				fail_msg("a template for the generic reason %s", generic[i]);
}

static void test_too_long(void **state)
{
	static const char *const args[] = { "resource", "a-resource-code-that-is-long", NULL };
	struct error_buf b;
	char small[16], exact[sizeof("no resource is called a-resource-code-that-is-long")];

	(void)state;
	make_error(&b, "resource_not_found", args, "the message, cut to fit");
	assert_int_equal(refusal_render(&b.e, small, sizeof(small)), -1);
	assert_string_equal(small, "the message, cu");
	assert_int_equal(refusal_render(&b.e, exact, sizeof(exact)), 0);
	assert_string_equal(exact, "no resource is called a-resource-code-that-is-long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_sample),
		cmocka_unit_test(test_every_template),
		cmocka_unit_test(test_falls_back_to_message),
		cmocka_unit_test(test_no_words_for_generic_reasons),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
