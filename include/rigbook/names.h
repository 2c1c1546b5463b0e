/* Names of the wire enums, as users see and type them. */
#ifndef RIGBOOK_NAMES_H
#define RIGBOOK_NAMES_H

#define RIGBOOK_VERSION "0.1.0"
#define RIGBOOK_PROTOCOL_VERSION 1u

/* "CONFLICT" for RIGBOOK__ERROR_CODE__CONFLICT; "UNKNOWN" for anything else. */
const char *rb_code_name(int code);
/* "member", "manager", "operator", "admin" */
const char *rb_role_name(int role);
int rb_role_parse(const char *s); /* 0 when unknown */
/* "instrument", "test_facility", "machining", "pilot_line", "workspace" */
const char *rb_kind_name(int kind);
int rb_kind_parse(const char *s); /* 0 when unknown */
/* "requested", "confirmed", ... */
const char *rb_state_name(int state);
int rb_state_parse(const char *s); /* 0 when unknown */

#endif
