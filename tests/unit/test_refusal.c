/* The reason and arguments of an SQL refusal, read from its HINT (daemon/refusal.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "refusal.h"
#include "rigbook.pb-c.h"

static int parse(const char *s, struct refusal *rf, const char **why)
{
	return refusal_parse(s, strlen(s), rf, why);
}

/* s must be refused, with a reason said, and leave nothing behind. */
static void refused(const char *s)
{
	struct refusal rf;
	const char *why = NULL;

	if (parse(s, &rf, &why) == 0)
		fail_msg("accepted: %s", s);
	assert_non_null(why);
	assert_true(why[0] != '\0');
	assert_string_equal(rf.reason, "");
	assert_int_equal(rf.nargs, 0);
}

static void test_example(void **state)
{
	struct refusal rf;
	const char *why;

	(void)state;
	assert_int_equal(parse("{\"reason\": \"rule_min_notice\", "
			       "\"args\": {\"resource\": \"dyno-1\", \"minutes\": 120}}",
			       &rf, &why),
			 0);
	assert_null(why);
	assert_string_equal(rf.reason, "rule_min_notice");
	assert_int_equal(rf.nargs, 2);
	assert_string_equal(rf.args[0].name, "resource");
	assert_string_equal(rf.args[0].value, "dyno-1");
	assert_int_equal(rf.args[0].type, REFUSAL_STRING);
	assert_string_equal(rf.args[1].name, "minutes");
	assert_string_equal(rf.args[1].value, "120");
	assert_int_equal(rf.args[1].type, REFUSAL_NUMBER);
	assert_ptr_equal(refusal_arg(&rf, "minutes"), &rf.args[1]);
	assert_null(refusal_arg(&rf, "hours"));
}

static void test_jsonb_form(void **state)
{
	struct refusal rf;
	const char *why;

	(void)state;
	/* jsonb's text: args first, a space after ':' and ',' */
	assert_int_equal(parse("{\"args\": {\"at\": 1796263200, \"same_startup\": true, "
			       "\"member\": null, \"x\": false}, \"reason\": \"booking_over\"}",
			       &rf, &why),
			 0);
	assert_string_equal(rf.reason, "booking_over");
	assert_int_equal(rf.nargs, 3); /* null is left out */
	assert_string_equal(refusal_arg(&rf, "at")->value, "1796263200");
	assert_string_equal(refusal_arg(&rf, "same_startup")->value, "true");
	assert_int_equal(refusal_arg(&rf, "same_startup")->type, REFUSAL_BOOL);
	assert_string_equal(refusal_arg(&rf, "x")->value, "false");
	assert_null(refusal_arg(&rf, "member"));
	/* compact, no args, white space anywhere JSON allows it */
	assert_int_equal(parse("{\"reason\":\"disable_self\",\"args\":{}}", &rf, &why), 0);
	assert_int_equal(rf.nargs, 0);
	assert_int_equal(parse(" \r\n\t{ \"reason\" : \"a_1\" } \n", &rf, &why), 0);
	assert_string_equal(rf.reason, "a_1");
	/* numbers as written */
	assert_int_equal(parse("{\"reason\":\"r\",\"args\":{\"a\":-0.5e+3,\"b\":0,\"c\":-12}}", &rf,
			       &why),
			 0);
	assert_string_equal(rf.args[0].value, "-0.5e+3");
	assert_string_equal(rf.args[1].value, "0");
	assert_string_equal(rf.args[2].value, "-12");
	/* only len bytes are read */
	assert_int_equal(refusal_parse("{\"reason\":\"r\"}garbage", 14, &rf, &why), 0);
}

static void test_escapes(void **state)
{
	struct refusal rf;
	const char *why;

	(void)state;
	assert_int_equal(parse("{\"reason\":\"r\",\"args\":{\"why\":"
			       "\"a\\\"b\\\\c\\/d\\n\\te \\u00e9 \\u4e2d \\ud83d\\ude00 \xe6\x96\x87\"}}",
			       &rf, &why),
			 0);
	assert_string_equal(rf.args[0].value,
			    "a\"b\\c/d\n\te \xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \xe6\x96\x87");
	/* escapes in names are decoded too, then checked */
	assert_int_equal(parse("{\"re\\u0061son\":\"r\"}", &rf, &why), 0);
	assert_string_equal(rf.reason, "r");
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\ud83d\"}}");	      /* lone high */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\ude00\"}}");	      /* lone low */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\ud83d\\u0041\"}}");     /* high, not low */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\u00\"}}");	      /* short */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\u00zz\"}}");	      /* not hex */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\x41\"}}");	      /* unknown escape */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\u0000\"}}");	      /* NUL */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\u0007\"}}");	      /* control */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\\r\"}}");		      /* control */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\x01\"}}");	      /* raw control */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\n\"}}");		      /* raw newline */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\xff\"}}");	      /* not UTF-8 */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\xc0\xaf\"}}");	      /* overlong */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\xed\xa0\x80\"}}");      /* raw surrogate */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"\xe6\x96\"}}");	      /* cut short */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"abc}}");		      /* not closed */
	refused("{\"reason\":\"r\",\"args\":{\"a\":\"abc\\");		      /* ends in \ */
}

static void test_nesting_and_shape(void **state)
{
	(void)state;
	refused("");
	refused("null");
	refused("[]");
	refused("\"reason\"");
	refused("{}");
	refused("{\"args\":{}}");				   /* no reason */
	refused("{\"reason\":\"\"}");				   /* empty */
	refused("{\"reason\":\"Rule\"}");			   /* capitals */
	refused("{\"reason\":\"rule-x\"}");			   /* '-' */
	refused("{\"reason\":\"r\\u00e9\"}");			   /* not ASCII */
	refused("{\"reason\":1}");
	refused("{\"reason\":null}");
	refused("{\"reason\":\"r\",\"reason\":\"s\"}");		   /* twice */
	refused("{\"reason\":\"r\",\"args\":{},\"args\":{}}");	   /* twice */
	refused("{\"reason\":\"r\",\"args\":[]}");		   /* args a list */
	refused("{\"reason\":\"r\",\"args\":null}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":[1]}}");	   /* nesting */
	refused("{\"reason\":\"r\",\"args\":{\"a\":{\"b\":1}}}");  /* nesting */
	refused("{\"reason\":\"r\",\"x\":{}}");			   /* nesting elsewhere */
	refused("{\"reason\":\"r\",\"x\":[]}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":1,\"a\":2}}");  /* an arg twice */
	refused("{\"reason\":\"r\",\"args\":{\"a\":null,\"a\":2}}"); /* twice, once null */
	refused("{\"reason\":\"r\",\"args\":{\"A\":1}}");	   /* name */
	refused("{\"reason\":\"r\",\"args\":{\"\":1}}");	   /* empty name */
	refused("{\"reason\":\"r\",\"args\":{\"a b\":1}}");
	refused("{\"reason\":\"r\"} x");			   /* trailing */
	refused("{\"reason\":\"r\"}{}");
	refused("{\"reason\":\"r\",}");				   /* trailing comma */
	refused("{\"reason\":\"r\",\"args\":{\"a\":1,}}");
	refused("{\"reason\":\"r\" \"args\":{}}");		   /* no comma */
	refused("{\"reason\" \"r\"}");				   /* no colon */
	refused("{\"reason\":\"r\"");				   /* not closed */
	refused("{\"reason\":\"r\",\"args\":{\"a\":1");
	refused("{'reason':'r'}");
	refused("{reason:\"r\"}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":tru}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":True}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":nan}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":01}}");	   /* leading zero */
	refused("{\"reason\":\"r\",\"args\":{\"a\":1.}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":.5}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":+1}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":1e}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":-}}");
	refused("{\"reason\":\"r\",\"args\":{\"a\":0x10}}");
}

static void test_unknown_members(void **state)
{
	struct refusal rf;
	const char *why;

	(void)state;
	/* a newer schema may add scalar members beside reason and args */
	assert_int_equal(parse("{\"v\":2,\"reason\":\"r\",\"note\":\"x\",\"ok\":true,\"n\":null,"
			       "\"args\":{\"a\":\"b\"}}",
			       &rf, &why),
			 0);
	assert_string_equal(rf.reason, "r");
	assert_int_equal(rf.nargs, 1);
}

static void test_bounds(void **state)
{
	struct refusal rf;
	const char *why;
	char buf[REFUSAL_VALUE_MAX * 8 + 256];
	char reason[REFUSAL_REASON_MAX + 2];
	char name[REFUSAL_NAME_MAX + 2];
	size_t o;

	(void)state;
	/* reason: 64 bytes, not 65 */
	memset(reason, 'r', REFUSAL_REASON_MAX);
	reason[REFUSAL_REASON_MAX] = '\0';
	snprintf(buf, sizeof(buf), "{\"reason\":\"%s\"}", reason);
	assert_int_equal(parse(buf, &rf, &why), 0);
	assert_int_equal(strlen(rf.reason), REFUSAL_REASON_MAX);
	snprintf(buf, sizeof(buf), "{\"reason\":\"%sr\"}", reason);
	refused(buf);

	/* an arg name: 32 bytes, not 33 */
	memset(name, 'n', REFUSAL_NAME_MAX);
	name[REFUSAL_NAME_MAX] = '\0';
	snprintf(buf, sizeof(buf), "{\"reason\":\"r\",\"args\":{\"%s\":1}}", name);
	assert_int_equal(parse(buf, &rf, &why), 0);
	assert_string_equal(rf.args[0].name, name);
	snprintf(buf, sizeof(buf), "{\"reason\":\"r\",\"args\":{\"%sn\":1}}", name);
	refused(buf);

	/* a value: 512 bytes, not 513; counted after decoding (é is 2 bytes, its escape 6) */
	o = (size_t)snprintf(buf, sizeof(buf), "{\"reason\":\"r\",\"args\":{\"a\":\"");
	for (int i = 0; i < REFUSAL_VALUE_MAX / 2; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\u00e9");
	snprintf(buf + o, sizeof(buf) - o, "\"}}");
	assert_int_equal(parse(buf, &rf, &why), 0);
	assert_int_equal(strlen(rf.args[0].value), REFUSAL_VALUE_MAX);
	snprintf(buf + o, sizeof(buf) - o, "x\"}}");
	refused(buf);
	/* a 4-byte character that would straddle the end */
	o = (size_t)snprintf(buf, sizeof(buf), "{\"reason\":\"r\",\"args\":{\"a\":\"");
	memset(buf + o, 'x', REFUSAL_VALUE_MAX - 2);
	o += REFUSAL_VALUE_MAX - 2;
	snprintf(buf + o, sizeof(buf) - o, "\\ud83d\\ude00\"}}");
	refused(buf);
	/* a number longer than 512 bytes */
	o = (size_t)snprintf(buf, sizeof(buf), "{\"reason\":\"r\",\"args\":{\"a\":");
	memset(buf + o, '7', REFUSAL_VALUE_MAX + 1);
	o += REFUSAL_VALUE_MAX + 1;
	snprintf(buf + o, sizeof(buf) - o, "}}");
	refused(buf);

	/* 16 args, not 17; a null one counts */
	o = (size_t)snprintf(buf, sizeof(buf), "{\"reason\":\"r\",\"args\":{");
	for (int i = 0; i < REFUSAL_ARGS_MAX; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s\"a%d\":%d", i ? "," : "", i, i);
	snprintf(buf + o, sizeof(buf) - o, "}}");
	assert_int_equal(parse(buf, &rf, &why), 0);
	assert_int_equal(rf.nargs, REFUSAL_ARGS_MAX);
	assert_string_equal(rf.args[15].name, "a15");
	assert_string_equal(rf.args[15].value, "15");
	snprintf(buf + o, sizeof(buf) - o, ",\"b\":null}}");
	refused(buf);

	/* the whole HINT */
	assert_int_equal(refusal_parse("{}", REFUSAL_HINT_MAX + 1, &rf, &why), -1);
}

static void test_key_ok(void **state)
{
	(void)state;
	assert_true(refusal_key_ok("booking_overlap", 64));
	assert_true(refusal_key_ok("a1_", 3));
	assert_false(refusal_key_ok("a1_b", 3));
	assert_false(refusal_key_ok("", 64));
	assert_false(refusal_key_ok(NULL, 64));
	assert_false(refusal_key_ok("Booking", 64));
	assert_false(refusal_key_ok("a-b", 64));
}

static void test_generic(void **state)
{
	(void)state;
	assert_string_equal(refusal_generic_reason(RIGBOOK__ERROR_CODE__INVALID_ARGUMENT),
			    "invalid_argument");
	assert_string_equal(refusal_generic_reason(RIGBOOK__ERROR_CODE__PERMISSION_DENIED),
			    "permission_denied");
	assert_string_equal(refusal_generic_reason(RIGBOOK__ERROR_CODE__NOT_FOUND), "not_found");
	assert_string_equal(refusal_generic_reason(RIGBOOK__ERROR_CODE__CONFLICT), "conflict");
	assert_string_equal(refusal_generic_reason(RIGBOOK__ERROR_CODE__FAILED_PRECONDITION),
			    "failed_precondition");
	assert_string_equal(refusal_generic_reason(RIGBOOK__ERROR_CODE__INTERNAL), "internal");
	assert_string_equal(refusal_generic_reason(12345), "internal");
	for (int code = 0; code < 40; code++)
		assert_true(refusal_key_ok(refusal_generic_reason(code), REFUSAL_REASON_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_jsonb_form),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_nesting_and_shape),
		cmocka_unit_test(test_unknown_members),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_key_ok),
		cmocka_unit_test(test_generic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
