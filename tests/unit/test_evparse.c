/* Event payloads from the database: what is read, what is refused, who sees what. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evparse.h"

#define FULL                                                                                    \
	"v1 kind=booked at=1796263000 res=12 code=dyno-1 tz=Asia/Shanghai inst=3 space=1 "      \
	"booking=45 member=7 handle=alice startup=2 scode=acme start=1796263200 end=1796270400"

static int parse(const char *s, struct ev_payload *ev, const char **why)
{
	return ev_parse(s, strlen(s), ev, why);
}

static void test_full(void **state)
{
	struct ev_payload ev;
	const char *why;

	assert_int_equal(parse(FULL, &ev, &why), 0);
	assert_string_equal(ev.kind, "booked");
	assert_int_equal(ev.at, 1796263000);
	assert_int_equal(ev.resource_id, 12);
	assert_string_equal(ev.code, "dyno-1");
	assert_string_equal(ev.tz, "Asia/Shanghai");
	assert_int_equal(ev.institution_id, 3);
	assert_int_equal(ev.space_id, 1);
	assert_int_equal(ev.booking_id, 45);
	assert_int_equal(ev.member_id, 7);
	assert_string_equal(ev.handle, "alice");
	assert_int_equal(ev.startup_id, 2);
	assert_string_equal(ev.startup_code, "acme");
	assert_true(ev.has_window);
	assert_int_equal(ev.start, 1796263200);
	assert_int_equal(ev.end, 1796270400);
	/* no NUL needed: only len bytes are read */
	assert_int_equal(ev_parse(FULL "xyz", strlen(FULL), &ev, &why), 0);
	assert_int_equal(ev.end, 1796270400);
}

static void test_minimal_and_closure(void **state)
{
	struct ev_payload ev;
	const char *why;

	assert_int_equal(parse("v1 kind=closure_added res=4", &ev, &why), 0);
	assert_false(ev.has_window);
	assert_int_equal(ev.booking_id, 0);
	assert_string_equal(ev.code, "");
	assert_int_equal(parse("v1 kind=closure_lifted res=4 closure=9 start=-5 end=10 tz=UTC", &ev, &why), 0);
	assert_int_equal(ev.closure_id, 9);
	assert_int_equal(ev.start, -5);
	/* a word a newer schema adds is skipped */
	assert_int_equal(parse("v1 kind=promoted res=4 waitlist=17", &ev, &why), 0);
	assert_string_equal(ev.kind, "promoted");
}

/* The end of a session's access: by token, by client certificate, by member. */
static void test_access_ended(void **state)
{
	struct ev_payload ev;
	const char *why;

	(void)state;
	assert_int_equal(parse("v1 kind=access_ended at=5 member=7 token=3", &ev, &why), 0);
	assert_int_equal(ev.member_id, 7);
	assert_int_equal(ev.token_id, 3);
	assert_int_equal(ev.cert_id, 0);
	assert_true(ev_is_access_ended("v1 kind=access_ended at=5 member=7 cert=4", 41));
	assert_int_equal(parse("v1 kind=access_ended at=5 member=7 cert=4", &ev, &why), 0);
	assert_int_equal(ev.token_id, 0);
	assert_int_equal(ev.cert_id, 4);
	assert_int_equal(parse("v1 kind=access_ended at=5 member=7", &ev, &why), 0);
	assert_int_equal(ev.token_id, 0);
	assert_int_equal(ev.cert_id, 0);
	assert_int_equal(parse("v1 kind=access_ended at=5 cert=4", &ev, &why), -1);
	assert_int_equal(parse("v1 kind=access_ended at=5 member=7 cert=4 cert=5", &ev, &why), -1);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"v1",                                   /* no kind, no resource */
		"v2 kind=booked res=1",                 /* another version */
		"v1x kind=booked res=1",
		"v1 kind=booked",                       /* no resource */
		"v1 res=1",                             /* no kind */
		"v1  kind=booked res=1",                /* two spaces */
		"v1 kind=booked res=1 ",                /* a space at the end */
		"v1 kind=booked res=1\n",
		"v1 kind=Booked res=1",                 /* kinds are lower case */
		"v1 kind=_x res=1",
		"v1 kind=booked res=0",                 /* ids are positive */
		"v1 kind=booked res=-1",
		"v1 kind=booked res=01",                /* one spelling per number */
		"v1 kind=booked res=9223372036854775808", /* past int64 */
		"v1 kind=booked res=99999999999999999999",
		"v1 kind=booked res=1 res=2",           /* repeated */
		"v1 kind=booked res=1 code=Dyno",       /* codes are rb_code */
		"v1 kind=booked res=1 code=-dyno",
		"v1 kind=booked res=1 code=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 41 */
		"v1 kind=booked res=1 tz=../../etc",
		"v1 kind=booked res=1 tz=/UTC",
		"v1 kind=booked res=1 handle=a\"b",
		"v1 kind=booked res=1 start=10",        /* half a window */
		"v1 kind=booked res=1 start=10 end=10", /* empty window */
		"v1 kind=booked res=1 start=10 end=5",
		"v1 kind=booked res=1 =x",
		"v1 kind=booked res=1 x=",
		"v1 kind=booked res=1 x",
		"v1 kind=booked res=1 K=1",
		"v1 kind=booked res=1 at=1.5",
		"v1 kind=booked res=1 at=-",
	};
	struct ev_payload ev;
	const char *why;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (parse(bad[i], &ev, &why) != -1)
			fail_msg("accepted: '%s'", bad[i]);
		assert_non_null(why);
		assert_true(why[0] != '\0');
	}
	/* a NUL inside the length */
	assert_int_equal(ev_parse("v1 kind=booked res=1\0x", 22, &ev, &why), -1);
}

static void test_too_long(void **state)
{
	static char buf[EV_PAYLOAD_MAX + 64];
	struct ev_payload ev;
	const char *why;
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "v1 kind=booked res=1");
	while (n + 6 < EV_PAYLOAD_MAX)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " x=1");
	assert_int_equal(ev_parse(buf, n, &ev, &why), 0);
	while (n <= EV_PAYLOAD_MAX)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " x=1");
	assert_int_equal(ev_parse(buf, n, &ev, &why), -1);
}

static void test_visible(void **state)
{
	struct ev_payload ev;
	const char *why;
	struct ev_scope alice = { RIGBOOK__ROLE__ROLE_MEMBER, 7, 2, 0, 1, 0 };
	struct ev_scope carol = { RIGBOOK__ROLE__ROLE_MEMBER, 8, 5, 0, 1, 0 };
	struct ev_scope mgr = { RIGBOOK__ROLE__ROLE_MANAGER, 9, 0, 3, 1, 0 };
	struct ev_scope mgr_other = { RIGBOOK__ROLE__ROLE_MANAGER, 10, 0, 4, 2, 0 };
	struct ev_scope oper = { RIGBOOK__ROLE__ROLE_OPERATOR, 11, 0, 0, 1, 0 };
	struct ev_scope oper_other = { RIGBOOK__ROLE__ROLE_OPERATOR, 12, 0, 0, 2, 0 };
	struct ev_scope adm = { RIGBOOK__ROLE__ROLE_ADMIN, 13, 0, 0, 0, 0 };
	struct ev_scope carol_dyno2 = { RIGBOOK__ROLE__ROLE_MEMBER, 8, 5, 0, 1, 13 };
	struct ev_scope carol_dyno1 = { RIGBOOK__ROLE__ROLE_MEMBER, 8, 5, 0, 1, 12 };
	Rigbook__Event w;

	assert_int_equal(parse(FULL, &ev, &why), 0);
	assert_int_equal(ev_visible(&alice, &ev), EV_FULL);
	assert_int_equal(ev_visible(&carol, &ev), EV_ANON);
	assert_int_equal(ev_visible(&mgr, &ev), EV_FULL);
	assert_int_equal(ev_visible(&mgr_other, &ev), EV_ANON);
	assert_int_equal(ev_visible(&oper, &ev), EV_FULL);
	assert_int_equal(ev_visible(&oper_other, &ev), EV_ANON);
	assert_int_equal(ev_visible(&adm, &ev), EV_FULL);
	assert_int_equal(ev_visible(&carol_dyno2, &ev), EV_HIDE);
	assert_int_equal(ev_visible(&carol_dyno1, &ev), EV_ANON);

	ev_to_wire(&ev, EV_ANON, &w);
	assert_string_equal(w.kind, "booked");
	assert_string_equal(w.resource_code, "dyno-1");
	assert_string_equal(w.time_zone, "Asia/Shanghai");
	assert_int_equal(w.start, 1796263200);
	assert_int_equal(w.booking_id, 0);
	assert_string_equal(w.member_handle, "");
	assert_string_equal(w.startup_code, "");
	ev_to_wire(&ev, EV_FULL, &w);
	assert_int_equal(w.booking_id, 45);
	assert_string_equal(w.member_handle, "alice");
	assert_string_equal(w.startup_code, "acme");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_minimal_and_closure),
		cmocka_unit_test(test_access_ended),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_visible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
