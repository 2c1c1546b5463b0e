#include "rigbook/names.h"

#include <stddef.h>
#include <string.h>

#include "rigbook.pb-c.h"

struct name {
	int value;
	const char *name;
};

static const struct name codes[] = {
	{ RIGBOOK__ERROR_CODE__OK, "OK" },
	{ RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "INVALID_ARGUMENT" },
	{ RIGBOOK__ERROR_CODE__NOT_FOUND, "NOT_FOUND" },
	{ RIGBOOK__ERROR_CODE__PERMISSION_DENIED, "PERMISSION_DENIED" },
	{ RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED" },
	{ RIGBOOK__ERROR_CODE__FAILED_PRECONDITION, "FAILED_PRECONDITION" },
	{ RIGBOOK__ERROR_CODE__INTERNAL, "INTERNAL" },
	{ RIGBOOK__ERROR_CODE__UNAVAILABLE, "UNAVAILABLE" },
	{ RIGBOOK__ERROR_CODE__UNAUTHENTICATED, "UNAUTHENTICATED" },
	{ RIGBOOK__ERROR_CODE__CONFLICT, "CONFLICT" },
	{ 0, NULL },
};

static const struct name roles[] = {
	{ RIGBOOK__ROLE__ROLE_MEMBER, "member" },
	{ RIGBOOK__ROLE__ROLE_MANAGER, "manager" },
	{ RIGBOOK__ROLE__ROLE_OPERATOR, "operator" },
	{ RIGBOOK__ROLE__ROLE_ADMIN, "admin" },
	{ 0, NULL },
};

static const struct name kinds[] = {
	{ RIGBOOK__RESOURCE_KIND__INSTRUMENT, "instrument" },
	{ RIGBOOK__RESOURCE_KIND__TEST_FACILITY, "test_facility" },
	{ RIGBOOK__RESOURCE_KIND__MACHINING, "machining" },
	{ RIGBOOK__RESOURCE_KIND__PILOT_LINE, "pilot_line" },
	{ RIGBOOK__RESOURCE_KIND__WORKSPACE, "workspace" },
	{ 0, NULL },
};

static const struct name states[] = {
	{ RIGBOOK__BOOKING_STATE__REQUESTED, "requested" },
	{ RIGBOOK__BOOKING_STATE__CONFIRMED, "confirmed" },
	{ RIGBOOK__BOOKING_STATE__DECLINED, "declined" },
	{ RIGBOOK__BOOKING_STATE__CANCELLED, "cancelled" },
	{ RIGBOOK__BOOKING_STATE__CHECKED_IN, "checked_in" },
	{ RIGBOOK__BOOKING_STATE__COMPLETED, "completed" },
	{ RIGBOOK__BOOKING_STATE__NO_SHOW, "no_show" },
	{ 0, NULL },
};

static const char *lookup(const struct name *t, int v, const char *dflt)
{
	for (; t->name != NULL; t++)
		if (t->value == v)
			return t->name;
	return dflt;
}

static int parse(const struct name *t, const char *s)
{
	if (s == NULL)
		return 0;
	for (; t->name != NULL; t++)
		if (strcmp(t->name, s) == 0)
			return t->value;
	return 0;
}

const char *rb_code_name(int code) { return lookup(codes, code, "UNKNOWN"); }
const char *rb_role_name(int role) { return lookup(roles, role, "unknown"); }
int rb_role_parse(const char *s) { return parse(roles, s); }
const char *rb_kind_name(int kind) { return lookup(kinds, kind, "unknown"); }
int rb_kind_parse(const char *s) { return parse(kinds, s); }
const char *rb_state_name(int state) { return lookup(states, state, "unknown"); }
int rb_state_parse(const char *s) { return parse(states, s); }
