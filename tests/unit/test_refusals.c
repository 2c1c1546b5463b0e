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

#define MAX_SAMPLE_ARGS 6

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
	{ "client_certificate_required", { NULL },
	  "this server signs in only with a client certificate registered to a member; a token alone "
	  "is not enough (set tls_cert and tls_key in the client's configuration)" },
	{ "certificate_invalid", { NULL },
	  "the client certificate does not sign in: it is not registered, or revoked, or its member "
	  "disabled" },
	{ "invalid_fingerprint", { NULL },
	  "a certificate's fingerprint is the SHA-256 of its DER encoding: 64 hexadecimal digits" },
	{ "cert_id_or_fingerprint", { NULL },
	  "say which certificate: by its id or by its fingerprint, one of them" },
	{ "cert_not_found", { "cert", "7", NULL }, "there is no client certificate 7" },
	{ "certs_not_yours", { "member", "li-na", NULL },
	  "the client certificates of li-na are handled by li-na, an operator of their space or an "
	  "admin; not by you" },
	{ "cert_member_disabled", { "member", "li-na", "at", "1796263230", NULL },
	  "li-na is disabled and gets no client certificates" },
	{ "cert_exists", { "cert", "7", NULL },
	  "this certificate is already registered (certificate 7); a fingerprint is registered once, "
	  "ever" },
	{ "cert_already_revoked", { "cert", "7", "at", "1796263200", NULL },
	  "client certificate 7 was already revoked (2026-12-03 02:00 UTC)" },
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
	/* the rules of a booking: resource and time_zone always */
	{ "booking_overlap", { "resource", "weichai-dyno-1", "start", "1796263200", "end", "1796270400", "time_zone", "Asia/Shanghai", NULL },
	  "weichai-dyno-1 is already booked 10:00-12:00 on 2026-12-03 (Asia/Shanghai)" },
	{ "outside_opening_hours", { "resource", "weichai-dyno-1", "start", "1796263200", "end", "1796270400", "time_zone", "Asia/Shanghai", NULL },
	  "10:00-12:00 on 2026-12-03 (Asia/Shanghai) is outside the opening hours of weichai-dyno-1 "
	  "(rigbook show weichai-dyno-1 lists them)" },
	{ "booking_in_past", { "resource", "weichai-dyno-1", "start", "1796263200", "end", "1796270400", "time_zone", "Asia/Shanghai", NULL },
	  "weichai-dyno-1 cannot be booked in the past (10:00-12:00 on 2026-12-03 (Asia/Shanghai))" },
	{ "resource_closed",
	  { "resource", "dyno", "kind", "maintenance", "why", "new seals", "start", "1796263200",
	    "end", "1796270400", "time_zone", "UTC", NULL },
	  "dyno is closed for maintenance 02:00-04:00 on 2026-12-03 (UTC): new seals" },
	{ "resource_closed",
	  { "resource", "dyno", "kind", "closure", "why", "holiday", "start", "1796263200",
	    "end", "1796270400", "time_zone", "UTC", NULL },
	  "dyno is closed 02:00-04:00 on 2026-12-03 (UTC): holiday" },
	{ "terms_not_accepted", { "resource", "dyno", "version", "2", NULL },
	  "accept the terms of dyno (version 2) first: rigbook terms accept dyno" },
	{ "rule_slot", { "resource", "dyno", "minutes", "30", NULL },
	  "dyno is booked in steps of 30 min: start and length must be multiples of it" },
	{ "rule_min_length", { "resource", "dyno", "minutes", "90", NULL },
	  "dyno must be booked for at least 1 h 30 min" },
	{ "rule_max_length", { "resource", "dyno", "minutes", "480", NULL },
	  "dyno can be booked for at most 8 h" },
	{ "rule_min_notice", { "resource", "dyno", "minutes", "2880", NULL },
	  "dyno must be booked at least 2 d ahead" },
	{ "rule_max_ahead", { "resource", "dyno", "days", "60", NULL },
	  "dyno can be booked at most 60 days ahead" },
	{ "rule_whole_days", { "resource", "dyno", "time_zone", "Asia/Shanghai", NULL },
	  "dyno is booked in whole days, midnight to midnight (Asia/Shanghai)" },
	{ "resource_retired", { "resource", "dyno", NULL }, "dyno is retired and takes no new bookings" },
	{ "booking_state", { "booking", "7", "state", "cancelled", "to", "confirmed", NULL },
	  "booking 7 is cancelled and cannot become confirmed" },
	{ "booking_already_theirs", { "booking", "7", "member", "li-na", NULL },
	  "booking 7 already belongs to li-na" },
	{ "member_other_startup", { "booking", "7", "member", "li-na", NULL },
	  "li-na is not a member of the startup that holds booking 7" },
	{ "booking_not_checked_in", { "booking", "7", NULL },
	  "booking 7 is confirmed but not checked in; check in first: rigbook checkin 7" },
	{ "checkin_time_required", { "booking", "7", NULL },
	  "booking 7 was never checked in; give the check-in time too" },
	{ "usage_time_required", { NULL }, "give the check-in time, the check-out time or both" },
	{ "usage_in_future", { NULL }, "a usage record cannot reach into the future" },
	{ "booking_too_long", { "days", "366", NULL }, "a booking cannot be longer than 366 days" },
	{ "waitlist_entry_not_found", { "entry", "5", NULL }, "there is no waitlist entry 5 of yours" },
	{ "waitlist_entry_withdrawn", { "entry", "5", "at", "1796263200", NULL },
	  "waitlist entry 5 is already withdrawn" },
	{ "waitlist_entry_promoted", { "entry", "5", "booking", "9", NULL },
	  "waitlist entry 5 was already booked as booking 9; cancel that booking instead" },
	{ "invalid_every", { "every_days", "400", "limit", "366", NULL },
	  "a series repeats every 1 to 366 days" },
	{ "series_until_before_start", { NULL }, "the series must end after its first booking starts" },
	{ "series_nothing_to_cancel", { "series", "4", NULL },
	  "series 4 has no bookings left to cancel (none still to come is requested or confirmed)" },
	{ "length_required", { NULL }, "say how long the booking would be" },
	{ "resource_exists", { "resource", "dyno", NULL }, "a resource called dyno already exists" },
	{ "resource_already_retired", { "resource", "dyno", "at", "1", NULL }, "dyno is already retired" },
	{ "no_terms", { "resource", "dyno", NULL }, "dyno has no terms to accept" },
	{ "terms_version_mismatch", { "resource", "dyno", "version", "3", "given", "2", NULL },
	  "the current terms of dyno are version 3; read them with rigbook terms dyno" },
	{ "requires_itself", { "resource", "dyno", NULL }, "dyno cannot require itself" },
	{ "required_resource_not_found", { "resources", "a,b", NULL },
	  "no bookable resource is called a,b" },
	{ "resource_institution_fixed", { "resource", "dyno", "institution", "Weichai", NULL },
	  "dyno belongs to Weichai and cannot move to another institution" },
	{ "exception_not_found", { "resource", "dyno", "date", "2027-01-01", NULL },
	  "dyno has no exception on 2027-01-01" },
	{ "closure_not_found", { "closure", "3", NULL }, "there is no closure 3 in force" },
	{ "kind_required", { "resource", "dyno", NULL },
	  "a new resource needs a kind: instrument, test_facility, machining, pilot_line or workspace" },
	{ "invalid_hours_kind", { "kind", "x", NULL }, "hours are open or offpeak" },
	{ "too_many_windows", { "limit", "100", NULL }, "at most 100 windows" },
	{ "windows_required", { NULL }, "an exception either closes the day or gives its opening windows" },
	{ "invalid_closure_kind", { "kind", "x", NULL }, "a closure is a closure or maintenance" },
	{ "min_above_max", { "min", "60", "max", "30", NULL },
	  "the minimum length cannot be above the maximum" },
	{ "invalid_slot", { "minutes", "7", NULL },
	  "a slot must divide a day evenly (5, 10, 15, 30, 60 min ...)" },
	{ "invalid_units", { "units", "0", "limit", "1000", NULL }, "a resource has 1 to 1000 units" },
	{ "invalid_time_zone", { "time_zone", "Mars/Base", NULL },
	  "Mars/Base is not an IANA time zone (like Asia/Shanghai)" },
	{ "qualification_not_found", { "member", "li-na", "resource", "dyno", NULL },
	  "li-na is not qualified on dyno" },
	{ "qualifications_not_yours", { NULL }, "members see only their own qualifications" },
	{ "member_exists", { "member", "li-na", NULL },
	  "a member called li-na already exists; handles are unique" },
	{ "member_disabled", { "member", "li-na", "at", "1", NULL }, "li-na is disabled and gets no tokens" },
	{ "not_admin", { "member", "root", "action", "disable", NULL },
	  "root is an admin; only admins disable admins" },
	{ "disable_self", { NULL }, "you cannot disable yourself; ask another operator or an admin" },
	{ "startup_required", { "member", "li-na", NULL },
	  "member li-na needs a startup: members book for one" },
	{ "startup_exists", { "startup", "volt", NULL },
	  "a startup called volt already exists; startup codes are unique" },
	{ "startup_space_fixed", { "startup", "volt", NULL },
	  "startup volt stays in its space; a startup does not move between spaces" },
	{ "startup_other_space", { "startup", "volt", NULL },
	  "startup volt belongs to another space; staff see the startups of their own space only" },
	{ "invalid_role", { "role", "boss", NULL },
	  "role boss cannot be given here; possibilities are: member, manager, operator" },
	{ "invalid_email", { "email", "x", NULL }, "x is not an email address" },
	{ "token_unknown", { NULL }, "the token is not valid: it is not known here" },
	{ "invalid_tier", { "tier", "gold", NULL },
	  "gold is not a price tier (member_startup, host_internal or external)" },
	{ "invalid_basis", { "basis", "x", NULL }, "x is not a charge basis (booked, used or greater)" },
	{ "invalid_currency", { "currency", "usd", NULL },
	  "usd is not a currency code (three capital letters, like CNY)" },
	{ "invalid_resource_kind", { "kind", "x", NULL },
	  "x is not a kind of resource (instrument, test_facility, machining, pilot_line, workspace)" },
	{ "negative_rate", { NULL }, "rates are 0 or more" },
	{ "invalid_increment", { "minutes", "0", NULL }, "the billing increment is 1 minute to 1 day" },
	{ "invalid_day_hours", { "hours", "30", NULL }, "the day rate starts at 1 to 24 hours" },
	{ "invalid_fee_pct", { "pct", "120", NULL }, "fees are 0% to 100% of the booked charge" },
	{ "issuer_required", { NULL }, "say who issued the voucher (the body that pays it)" },
	{ "invalid_coverage_pct", { "pct", "0", NULL }, "a voucher covers 1% to 100% of a charge" },
	{ "voucher_not_found", { "voucher", "8", NULL }, "there is no voucher 8 that you can see" },
	{ "period_not_begun", { "period", "2099-01", NULL },
	  "2099-01 has not begun; a month is invoiced once it has begun" },
	{ "invoice_is_credit_note", { "invoice", "W-1", "credit_of", "W-0", NULL },
	  "W-1 is a credit note; credit the invoice it belongs to" },
	{ "mixed_currencies", { "startup", "volt", "period", "2026-11", NULL },
	  "volt has charges in more than one currency in 2026-11; one invoice holds one currency" },
	{ "invoice_frozen", { "invoice", "W-1", NULL },
	  "invoice W-1 is issued and never changes; correct it with a credit note "
	  "(rigbook invoice credit W-1)" },
	{ "ledger_append_only", { "table", "charges", NULL },
	  "charges is append-only: a charge never changes; correct it with a credit note "
	  "(rigbook invoice credit)" },
	{ "invalid_month", { "value", "2026-13", NULL },
	  "2026-13 is not a month; give it as YYYY-MM, like 2026-11" },
	{ "invalid_date", { "value", "x", NULL }, "x is not a date; give it as YYYY-MM-DD" },
	{ "date_not_in_calendar", { "value", "2026-02-30", NULL }, "2026-02-30 is not a date of the calendar" },
	{ "range_too_long", { "from", "2026-01-01", "to", "2027-06-01", "days", "517", NULL },
	  "a report covers at most 366 days; from 2026-01-01 to 2027-06-01 is 517 days" },
	{ "invalid_event_kind", { "kind", "X", NULL },
	  "X is not an event kind (lower-case letters and _, at most 32)" },
	{ "feed_disabled", { NULL }, "this server offers no calendar feeds (its feed_listen is not set)" },
	{ "period_not_ended",
	  { "period", "2026-12", "space", "Weichai Hub", "time_zone", "Asia/Shanghai", "from", "2027-01-01", NULL },
	  "2026-12 has not ended in Weichai Hub (Asia/Shanghai); it can be invoiced from 2027-01-01 00:00 on, "
	  "or before the month ends if asked to" },
	{ "not_staff", { "action", "approve", "institution", "Weichai Power", "resource", "dyno-1", NULL },
	  "you are not staff of dyno-1: its bookings wait for a manager of Weichai Power, an operator of "
	  "its space or an admin" },
	{ "booking_not_found", { "booking", "7", NULL },
	  "there is no booking 7 that you can see" },
	{ "access_ended", { NULL },
	  "your access ended (the token was revoked or expired, or the account disabled); sign in "
	  "again with a valid token" },
	{ "server_draining", { "what", "watch", NULL }, "the server is shutting down" },
	{ "server_draining", { NULL }, "rigbookd is shutting down" },
	{ "booking_overlap", { "what", "constraint", NULL }, "that time is already booked" },
	{ "account_disabled", { "member", "li-na", "at", "1", NULL },
	  "your account is disabled" },
	{ "audit_append_only", { NULL },
	  "the audit log is append-only: its entries are never changed or removed" },
	{ "member_kept", { "member", "li-na", NULL },
	  "member li-na cannot be deleted, only disabled: the audit log names them" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "cancel", NULL },
	  "booking 8 comes with booking 7; cancel that one" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "move", NULL },
	  "booking 8 comes with booking 7; move that one" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "hand_over", NULL },
	  "booking 8 comes with booking 7; hand over that one" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "approve", NULL },
	  "booking 8 comes with booking 7; approve that one" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "decline", NULL },
	  "booking 8 comes with booking 7; decline that one" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "correct_usage", NULL },
	  "booking 8 comes with booking 7; correct that one" },
	{ "booking_over", { "booking", "7", "at", "1", "action", "cancel", NULL },
	  "booking 7 has already ended" },
	{ "booking_over", { "booking", "7", "at", "1", "action", "approve", NULL },
	  "the time of booking 7 has passed" },
	{ "booking_over", { "booking", "7", "at", "1", "action", "decline", NULL },
	  "the time of booking 7 has passed" },
	{ "booking_started", { "booking", "7", "at", "1", "action", "move", NULL },
	  "booking 7 has already started and can no longer be moved" },
	{ "booking_not_yours", { "booking", "7", "action", "cancel", "same_startup", "true", "institution", "Weichai Power", NULL },
	  "booking 7 belongs to another member of your startup; only they or a manager of Weichai "
	  "Power can cancel it" },
	{ "booking_not_yours", { "booking", "7", "action", "move", "same_startup", "true", "institution", "Weichai Power", NULL },
	  "booking 7 is not yours; only its owner or a manager of Weichai Power can move it" },
	{ "booking_not_yours", { "booking", "7", "action", "hand_over", "same_startup", "true", "institution", "Weichai Power", NULL },
	  "booking 7 is not yours; only its owner or a manager of Weichai Power can hand it over" },
	{ "booking_not_yours", { "booking", "7", "action", "check_in", "member", "li-na", "institution", "Weichai Power", NULL },
	  "booking 7 is held by li-na; only they or a manager of Weichai Power can check it in" },
	{ "booking_not_yours", { "booking", "7", "action", "check_out", "member", "li-na", "institution", "Weichai Power", NULL },
	  "booking 7 is held by li-na; only they or a manager of Weichai Power can check it out" },
	{ "frame_timeout", { "limit", "30", NULL },
	  "a frame did not arrive whole within 30 s of its first byte" },
	{ "signin_throttled", { "retry_after", "60", NULL },
	  "too many failed sign-ins from this address; retry in 60 s" },
	{ "too_many_connections", { "member", "li-na", "limit", "8", NULL },
	  "li-na holds 8 signed-in connections already, the most one member may" },
	{ "text_direction_control", { "field", "book.note", "char", "U+202E", NULL },
	  "book.note holds U+202E, a Unicode direction control or byte-order mark, which can make "
	  "text show other than it reads; remove it" },
	{ "text_too_long", { "field", "book.note", "limit", "2000", NULL },
	  "book.note is longer than 2000 characters" },
	{ "time_out_of_range", { "field", "book.start", NULL },
	  "book.start is not an instant from 1970 to 9999 (seconds since the epoch, 0 to "
	  "253402300799)" },
	{ "idempotency_key_reused", { "key", "k1", NULL },
	  "idempotency key 'k1' was already used for a different request" },
	{ "institution_not_in_space", { "space", "Weichai Hub", "action", "report", NULL },
	  "a manager reports on the resources of their own institution, which is not in Weichai Hub" },
	{ "institution_required", { "member", "wang", NULL },
	  "manager wang needs an institution: managers look after its resources" },
	{ "invalid_length", { NULL },
	  "say how long the booking would be (1 minute to 366 days)" },
	{ "invalid_scope", { NULL },
	  "scope must be SCOPE_MINE or SCOPE_STARTUP" },
	{ "invoice_not_found", { "invoice", "W-1", NULL },
	  "there is no invoice W-1 that you can see" },
	{ "not_operator", { "space", "Weichai Hub", "action", "set_rates", "resource", "dyno", NULL },
	  "only an operator of Weichai Hub or an admin can set the rates of dyno" },
	{ "not_operator", { "space", "Weichai Hub", "action", "record_vouchers", "startup", "volt", NULL },
	  "only an operator of Weichai Hub or an admin can record vouchers of volt" },
	{ "not_operator", { "action", "read_voucher_statements", NULL },
	  "voucher statements are for the operators of the space and admins" },
	{ "not_qualified", { "member", "li-na", "resource", "dyno", "institution", "Weichai Power", NULL },
	  "li-na is not qualified on dyno (a manager of Weichai Power grants it: rigbook qualify "
	  "li-na dyno)" },
	{ "rate_in_use", { "tier", "external", "resource", "dyno", "from", "2026-11-01", NULL },
	  "the external rate of dyno from 2026-11-01 has charged bookings already; set the new rate "
	  "from a later date" },
	{ "reason_required", { "booking", "7", "action", "cancel", "member", "li-na", NULL },
	  "say why you cancel booking 7; li-na will see the reason" },
	{ "reason_required", { "booking", "7", "action", "decline", "member", "li-na", NULL },
	  "say why booking 7 is declined; li-na will see the reason" },
	{ "reason_required", { "booking", "7", "action", "correct_usage", "member", "li-na", NULL },
	  "say why the usage of booking 7 changes; li-na will see the reason" },
	{ "reason_required", { "invoice", "W-1", "action", "credit_invoice", NULL },
	  "say why invoice W-1 is credited; the startup sees the reason" },
	{ "requires_cycle", { "resource", "dyno", "requiring", "rig", NULL },
	  "a resource that requires dyno cannot be required by it" },
	{ "rule_buffer", { "resource", "dyno", "time_zone", "UTC", "minutes", "30", "start", "1796263200", "end", "1796270400", "booking", "9", NULL },
	  "dyno keeps 30 min free between bookings; booking 9 is 02:00-04:00 on 2026-12-03 (UTC)" },
	{ "rule_min_gap", { "resource", "dyno", "time_zone", "UTC", "minutes", "1440", "start", "1796263200", "end", "1796270400", NULL },
	  "your bookings of dyno must be at least 24 h apart (you hold 02:00-04:00 on 2026-12-03 "
	  "(UTC))" },
	{ "rule_weekly_hours", { "resource", "dyno", "time_zone", "UTC", "startup", "volt", "minutes", "600", "week", "2026-W49", "limit", "480", NULL },
	  "volt would use 10 h of dyno in week 2026-W49; the limit is 8 h" },
	{ "rule_weekly_member_hours", { "resource", "dyno", "time_zone", "UTC", "minutes", "150", "week", "2026-W49", "limit", "120", NULL },
	  "you would use 2 h 30 min of dyno in week 2026-W49; the limit is 2 h per member" },
	{ "rule_out_of_range", { NULL },
	  "a rule is out of range (slot <= 1 day, lengths and notice <= 366 days, ahead <= 3660 "
	  "days, buffer and weekly <= 1 week, active <= 10000, late cancellation <= 30 days, "
	  "check-in and no-show grace <= 1 day)" },
	{ "series_not_yours", { "series", "4", "action", "cancel", "same_startup", "true", "institution", "Weichai Power", NULL },
	  "series 4 belongs to another member of your startup; only they or a manager of Weichai "
	  "Power can cancel it" },
	{ "series_too_many", { "limit", "100", "count", "150", NULL },
	  "a series has at most 100 bookings, not 150" },
	{ "space_required", { "member", "wang", NULL },
	  "say which space wang works in" },
	{ "startup_not_yours", { "startup", "volt", "action", "read_charges", NULL },
	  "members see only their own startup's charges, not those of volt" },
	{ "startup_private", { "startup", "volt", "action", "read_vouchers", NULL },
	  "the vouchers of volt are for its members, the operators of its space and admins" },
	{ "startup_private", { "startup", "volt", "action", "read_invoices", NULL },
	  "the invoices of volt are for its members, the operators of its space and admins" },
	{ "tokens_not_yours", { "member", "li-na", NULL },
	  "the tokens of li-na are handled by li-na, an operator of their space or an admin; not by "
	  "you" },
	{ "too_many_entries", { "limit", "1000", NULL },
	  "ask for at most 1000 audit entries at a time" },
	{ "too_many_requires", { "limit", "16", NULL },
	  "at most 16 required resources" },
	{ "too_many_tags", { "limit", "32", NULL },
	  "at most 32 tags" },
	{ "unit_has_bookings", { "unit", "2", "resource", "dyno", "units", "1", NULL },
	  "unit 2 of dyno has future bookings; cancel or move them before going down to 1 unit" },
	{ "unit_has_bookings", { "unit", "3", "resource", "dyno", "units", "2", NULL },
	  "unit 3 of dyno has future bookings; cancel or move them before going down to 2 units" },
	{ "not_staff", { "institution", "Weichai Power", "action", "read_rates", "resource", "dyno", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can read the rates "
	  "of dyno" },
	{ "not_staff", { "institution", "Weichai Power", "action", "read_settlement", NULL },
	  "the settlement of Weichai Power is for its managers, the operators of its space and admins" },
	{ "not_staff", { "action", "book_past_rules", "institution", "Weichai Power", "resource", "dyno", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can book dyno past "
	  "its rules" },
	{ "not_staff", { "action", "audit", NULL },
	  "the audit log is for managers of the host institutions, operators of the space and admins" },
	{ "not_staff", { "institution", "Weichai Power", "action", "decline", "booking", "7", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can decline booking "
	  "7" },
	{ "not_staff", { "institution", "Weichai Power", "action", "correct_usage", "booking", "7", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can correct the "
	  "usage of booking 7" },
	{ "not_staff", { "institution", "Weichai Power", "action", "mark_no_show", "booking", "7", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can mark booking 7 "
	  "a no-show" },
	{ "not_staff", { "action", "report", NULL },
	  "the report is for managers of the host institutions, operators of the space and admins" },
	{ "not_staff", { "institution", "Weichai Power", "action", "change", "resource", "dyno", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can change dyno" },
	{ "not_staff", { "institution", "Weichai Power", "action", "add_resource", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can add its "
	  "resources" },
	{ "not_staff", { "action", "qualify", "institution", "Weichai Power", "resource", "dyno", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can qualify members "
	  "on dyno" },
	/* told apart by an argument, or by the arguments there */
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "check_in", NULL },
	  "booking 8 comes with booking 7; check in that one" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "check_out", NULL },
	  "booking 8 comes with booking 7; check out that one" },
	{ "booking_has_parent", { "booking", "8", "parent", "7", "action", "mark_no_show", NULL },
	  "booking 8 comes with booking 7; mark that one" },
	{ "booking_not_found", { "booking", "7", "action", "hand_over", "role", "manager", "institution", "Weichai Power", NULL },
	  "there is no booking 7 that you can see; as a manager of Weichai Power you can hand over the "
	  "bookings of its resources only" },
	{ "booking_not_found", { "booking", "7", "action", "check_in", "role", "operator", "space", "Weichai Hub", NULL },
	  "there is no booking 7 that you can see; as an operator of Weichai Hub you can check in the "
	  "bookings in that space only" },
	{ "not_staff", { "institution", "Weichai Power", "action", "approve", "booking", "7", NULL },
	  "only a manager of Weichai Power, an operator of its space or an admin can approve booking 7" },
	{ "not_operator", { "space", "Weichai Hub", "action", "invoice", NULL },
	  "only an operator of Weichai Hub or an admin can invoice it" },
	{ "not_operator", { "space", "Weichai Hub", "action", "set_tier", "startup", "volt", "there", "true", NULL },
	  "only an operator of Weichai Hub or an admin can set the price tier of volt there" },
	{ "not_operator", { "space", "Weichai Hub", "action", "set_tier", "startup", "volt", "there", "false", NULL },
	  "only an operator of Weichai Hub or an admin can set the price tier of volt" },
	{ "not_operator", { "action", "invoice", NULL },
	  "invoice runs are for the operators of the space and admins" },
	{ "not_operator", { "space", "Weichai Hub", "action", "report", NULL },
	  "the report of Weichai Hub is for its operators and admins" },
	{ "not_operator", { "action", "manage_people", "role", "manager", "object", "startup", "name", "volt", NULL },
	  "only operators of the space and admins manage startups and members; a manager cannot change "
	  "startup volt" },
	{ "not_operator", { "action", "manage_people", "role", "member", "object", "member", "name", "li-na", NULL },
	  "only operators of the space and admins manage startups and members; a member cannot change "
	  "member li-na" },
	{ "reason_required", { "resource", "dyno", "what", "closure", NULL },
	  "say why the resource is closed; members see the reason" },
	{ "institution_required", { "resource", "dyno", "object", "resource", NULL },
	  "say which host institution the resource belongs to" },
	{ "space_required", { "startup", "volt", "object", "startup", NULL },
	  "say which space startup volt joins" },
	{ "already_waiting", { "resource", "dyno", "start", "1796263200", "end", "1796270400", "entry", "5", "time_zone", "UTC", NULL },
	  "you already wait for dyno 02:00-04:00 on 2026-12-03 (UTC) (entry 5)" },
	{ "window_free", { "resource", "dyno", "start", "1796263200", "end", "1796270400", "time_zone", "UTC", NULL },
	  "dyno is free 02:00-04:00 on 2026-12-03 (UTC): book it (rigbook book dyno) instead of waiting" },
	{ "booking_unchanged", { "booking", "7", "start", "1796263200", "end", "1796270400", "time_zone", "Asia/Shanghai", NULL },
	  "booking 7 is already 10:00-12:00 on 2026-12-03 (Asia/Shanghai)" },
	{ "booking_wrong_state", { "booking", "7", "state", "checked_in", "action", "cancel", NULL },
	  "booking 7 is checked in and can no longer be cancelled" },
	{ "booking_wrong_state", { "booking", "7", "state", "no_show", "action", "move", NULL },
	  "booking 7 is no show and can no longer be moved" },
	{ "booking_wrong_state", { "booking", "7", "state", "over", "action", "hand_over", NULL },
	  "booking 7 is over and can no longer be handed over" },
	{ "booking_wrong_state", { "booking", "7", "state", "confirmed", "action", "approve", NULL },
	  "booking 7 is confirmed, not waiting for approval; only a requested booking can be approved" },
	{ "booking_wrong_state", { "booking", "7", "state", "cancelled", "action", "decline", NULL },
	  "booking 7 is cancelled, not waiting for approval; only a requested booking can be declined" },
	{ "booking_wrong_state", { "booking", "7", "state", "requested", "action", "check_in", NULL },
	  "booking 7 is requested (waiting for approval) and cannot be checked in" },
	{ "booking_wrong_state", { "booking", "7", "state", "completed", "action", "check_out", NULL },
	  "booking 7 is completed (checked out) and cannot be checked out" },
	{ "booking_wrong_state", { "booking", "7", "state", "cancelled", "action", "correct_usage", NULL },
	  "booking 7 is cancelled and has no usage to correct" },
	{ "booking_wrong_state", { "booking", "7", "state", "checked_in", "action", "mark_no_show", NULL },
	  "booking 7 is already checked in; only a confirmed booking nobody checked in for can be a "
	  "no-show" },
	{ "closure_hits_bookings", { "resource", "dyno", "start", "1796256000", "end", "1796284800", "time_zone", "UTC",
	    "held", "7 1796263200 1796270400 li-na,9 1796274000 1796277600 wang", NULL },
	  "dyno has bookings in 00:00-08:00 on 2026-12-03 (UTC): booking 7 (02:00-04:00 on 2026-12-03 "
	  "(UTC), li-na); booking 9 (05:00-06:00 on 2026-12-03 (UTC), wang); force the closure to "
	  "cancel them" },
	{ "hours_hit_bookings", { "resource", "dyno", "time_zone", "UTC", "held", "7 1796263200 1796270400 li-na", "which", "hours", NULL },
	  "the new opening hours would leave bookings of dyno outside its opening hours: booking 7 "
	  "(02:00-04:00 on 2026-12-03 (UTC), li-na); force it to cancel them" },
	{ "hours_hit_bookings", { "resource", "dyno", "time_zone", "UTC", "held", "7 1796263200 1796270400 li-na", "which", "weekly", "date", "2026-12-03", NULL },
	  "the weekly hours on 2026-12-03 would leave bookings of dyno outside its opening hours: "
	  "booking 7 (02:00-04:00 on 2026-12-03 (UTC), li-na); force it to cancel them" },
	{ "hours_hit_bookings", { "resource", "dyno", "time_zone", "UTC", "held", "7 1796263200 1796270400 li-na", "which", "closing", "date", "2026-12-03", NULL },
	  "closing on 2026-12-03 would leave bookings of dyno outside its opening hours: booking 7 "
	  "(02:00-04:00 on 2026-12-03 (UTC), li-na); force it to cancel them" },
	{ "hours_hit_bookings", { "resource", "dyno", "time_zone", "UTC", "held", "7 1796263200 1796270400 li-na", "which", "day_hours", "date", "2026-12-03", NULL },
	  "these hours on 2026-12-03 would leave bookings of dyno outside its opening hours: booking 7 "
	  "(02:00-04:00 on 2026-12-03 (UTC), li-na); force it to cancel them" },
	{ "credit_exceeds_balance", { "invoice", "W-1", "left_fen", "123456", "currency", "CNY", "amount", "200000", NULL },
	  "invoice W-1 has \xc2\xa5" "1,234.56 left to credit (what the startup pays, less earlier credit notes)" },
	{ "date_range_reversed", { "from", "2026-12-03", "to", "2026-12-01", "action", "record_vouchers", NULL },
	  "the voucher would end (2026-12-01) before it begins (2026-12-03)" },
	{ "date_range_reversed", { "from", "2026-12-03", "to", "2026-12-01", "action", "report", NULL },
	  "the report ends (to 2026-12-01) before it begins (from 2026-12-03)" },
	{ "different_spaces", { "startup", "volt", "institution", "weichai", "which", "startup_institution", NULL },
	  "startup volt and institution weichai are in different spaces" },
	{ "different_spaces", { "startup", "volt", "space", "hub", "which", "startup_space", NULL },
	  "volt is in another space than hub" },
	{ "different_spaces", { "institution", "weichai", "space", "hub", "which", "institution_space", NULL },
	  "weichai is in another space than hub" },
	{ "end_before_start", { "start", "2", "end", "1", "what", "booking", NULL },
	  "the end of a booking must be after its start" },
	{ "end_before_start", { "start", "2", "end", "1", "what", "closure", NULL },
	  "the end of a closure must be after its start" },
	{ "expiry_in_past", { "expires_at", "1", "what", "token", NULL },
	  "a token's expiry must be in the future" },
	{ "expiry_in_past", { "expires_at", "1796263200", "time_zone", "Asia/Shanghai", "what", "qualification", NULL },
	  "a qualification until 2026-12-03 10:00 (Asia/Shanghai) would already have ended" },
	{ "institution_not_found", { "institution", "acme", "host", "true", NULL },
	  "no host institution is called acme" },
	{ "institution_not_found", { "institution", "acme", NULL }, "no institution is called acme" },
	{ "invalid_amount", { "amount", "0", "what", "voucher_cap", NULL }, "a voucher's cap is more than 0" },
	{ "invalid_amount", { "amount", "0", "what", "credit", NULL }, "a credit is more than 0" },
	{ "invalid_code", { "value", "Volt", "what", "startup_code", NULL },
	  "startup code Volt is not valid: 1 to 40 lowercase letters, digits and dashes, starting with "
	  "a letter or digit" },
	{ "invalid_code", { "value", "Li", "what", "handle", NULL },
	  "handle Li is not valid: 1 to 40 lowercase letters, digits and dashes, starting with a "
	  "letter or digit" },
	{ "invalid_code", { "value", "Rig", "what", "resource_code", NULL },
	  "a resource code is lowercase letters, digits and \"-\", at most 40, like rig-7" },
	{ "invalid_credit_code", { "credit_code", "9137", "problem", "length", "length", "4", NULL },
	  "a unified social credit code has 18 characters; 9137 has 4" },
	{ "invalid_credit_code", { "credit_code", "91370700MA3C0I2X4K", "problem", "character", "position", "14", "character", "I", NULL },
	  "character 14 of 91370700MA3C0I2X4K (I) is not allowed: a unified social credit code uses "
	  "the digits and the capitals A-Y without I, O, S, V and Z" },
	{ "invalid_credit_code", { "credit_code", "91A70700MA3C0L2X4K", "problem", "division", "division", "A70700", NULL },
	  "characters 3-8 of 91A70700MA3C0L2X4K (A70700) must be digits: they are the administrative "
	  "division code" },
	{ "invalid_credit_code", { "credit_code", "91370700MA3C0L2X40", "problem", "check", "want", "K", "got", "0", NULL },
	  "the check character of 91370700MA3C0L2X40 is wrong: by GB 32100-2015 it must be K, not 0" },
	{ "invalid_tag", { "limit", "40", NULL },
	  "tags are lowercase letters, digits, '.', '_' and '-', at most 40" },
	{ "invalid_tag", { "tag", "it's\\x", NULL },
	  "tag E'it''s\\\\x': tags are lowercase letters, digits, \".\", \"_\" and \"-\", at most 40" },
	{ "invalid_time", { "time", "2026-02-30 10:00", NULL },
	  "2026-02-30 10:00 is not a time of the calendar (YYYY-MM-DD HH:MM)" },
	{ "invalid_window", { "which", "weekly", NULL },
	  "a window is a weekday 1-7 (Monday-Sunday) and opens before it closes, within 00:00-24:00" },
	{ "invalid_window", { "which", "day", NULL },
	  "each window opens before it closes, within 00:00-24:00" },
	{ "name_required", { "startup", "volt", "object", "startup", NULL }, "a new startup needs a name (volt)" },
	{ "name_required", { "member", "li-na", "object", "member", NULL }, "a new member needs a name (li-na)" },
	{ "name_required", { "resource", "dyno", "object", "resource", NULL }, "a new resource needs a name" },
	{ "no_startup", { "member", "root", "what", "feed", NULL },
	  "root belongs to no startup: a feed of a startup's bookings is for its members" },
	{ "no_startup", { "what", "list_bookings", NULL },
	  "you belong to no startup, so there are no startup bookings to list" },
	{ "qualification_revoked", { "member", "li-na", "resource", "dyno", "institution", "Weichai Power", "at", "1796320000", "time_zone", "Asia/Shanghai", NULL },
	  "li-na's qualification on dyno was revoked on 2026-12-04 (a manager of Weichai Power grants "
	  "it again: rigbook qualify li-na dyno)" },
	{ "rule_max_active", { "resource", "dyno", "member", "li-na", "held", "1", "limit", "1", "offpeak", "false", "action", "hand_over", NULL },
	  "li-na already holds 1 future booking of dyno; the limit is 1 per member" },
	{ "rule_max_active", { "resource", "dyno", "held", "2", "limit", "2", "offpeak", "true", NULL },
	  "you already hold 2 future bookings of dyno outside off-peak hours; the limit is 2 per member" },
	{ "rule_max_active_startup", { "resource", "dyno", "startup", "volt", "held", "3", "limit", "3", "offpeak", "false", NULL },
	  "volt already holds 3 future bookings of dyno; the limit is 3 per startup" },
	{ "series_occurrence_too_long", { "every_days", "14", NULL },
	  "each booking of a series repeating every 2 week(s) must fit in that time" },
	{ "wrong_space", { "object", "startup", "name", "volt", "space", "hub", "own_space", "lab", NULL },
	  "startup volt belongs to space hub; operators manage the startups and members of their own "
	  "space (lab) only" },
	{ "wrong_space", { "object", "member", "name", "li-na", "space", "hub", "own_space", "lab", NULL },
	  "member li-na belongs to space hub; operators manage the startups and members of their own "
	  "space (lab) only" },
	{ "booking_checked_in", { "booking", "7", "at", "1796263230", "time_zone", "Asia/Shanghai", NULL },
	  "booking 7 is already checked in (since 10:00 on 2026-12-03 (Asia/Shanghai))" },
	{ "booking_checked_out", { "booking", "7", "at", "1796270400", "time_zone", "Asia/Shanghai", NULL },
	  "booking 7 is already checked out (at 12:00 on 2026-12-03 (Asia/Shanghai))" },
	{ "booking_over", { "booking", "7", "at", "1796270400", "action", "check_in", "time_zone", "UTC", NULL },
	  "booking 7 ended at 04:00 on 2026-12-03 (UTC) and can no longer be checked in" },
	{ "checkin_not_open", { "booking", "7", "at", "1796261400", "minutes", "30", "time_zone", "Asia/Shanghai", NULL },
	  "check-in for booking 7 opens at 09:30 on 2026-12-03 (Asia/Shanghai), 30 min before its "
	  "start" },
	{ "checkout_before_checkin", { "checked_in_at", "1796270400", "checked_out_at", "1796263200", "time_zone", "Asia/Shanghai", NULL },
	  "the check-out (10:00 on 2026-12-03 (Asia/Shanghai)) must be after the check-in (12:00 on "
	  "2026-12-03 (Asia/Shanghai))" },
	{ "no_show_too_early", { "booking", "7", "at", "1796265000", "minutes", "30", "time_zone", "Asia/Shanghai", NULL },
	  "booking 7 can be marked a no-show from 10:30 on 2026-12-03 (Asia/Shanghai), 30 min after "
	  "its start" },
	{ "usage_overlaps_next", { "booking", "7", "at", "1796270400", "resource", "dyno", "time_zone", "Asia/Shanghai", NULL },
	  "the usage of booking 7 cannot run past 12:00 on 2026-12-03 (Asia/Shanghai), when the next "
	  "booking of dyno begins" },
	{ "member_already_disabled", { "member", "li-na", "at", "1796263230", NULL },
	  "li-na is already disabled (since 2026-12-03 02:00 UTC)" },
	{ "token_already_revoked", { "token", "7", "at", "1796263200", NULL },
	  "token 7 was already revoked (2026-12-03 02:00 UTC)" },
	{ "qualification_expired", { "member", "li-na", "resource", "dyno", "institution", "Weichai Power", "at", "1796263200", "time_zone", "Asia/Shanghai", NULL },
	  "li-na's qualification on dyno ended at 10:00 on 2026-12-03 (Asia/Shanghai) (a manager of "
	  "Weichai Power renews it: rigbook qualify li-na dyno)" },
	{ "qualification_ends_early", { "member", "li-na", "resource", "dyno", "institution", "Weichai Power", "at", "1796263200", "time_zone", "Asia/Shanghai", NULL },
	  "li-na's qualification on dyno ends at 10:00 on 2026-12-03 (Asia/Shanghai), before the "
	  "booking ends (a manager of Weichai Power renews it: rigbook qualify li-na dyno --until "
	  "DATE)" },
	/* the daemon's checks of a request's fields (daemon/svc_*.c, daemon/dispatch.c) */
	{ "field_required", { "what", "booking", NULL }, "say which booking, by its id" },
	{ "invalid_id", { "what", "booking", NULL }, "say which booking, by its id" },
	{ "field_required", { "what", "cancel", NULL }, "say which booking to cancel" },
	{ "invalid_id", { "what", "cancel", NULL }, "say which booking to cancel" },
	{ "field_required", { "what", "voucher", NULL }, "say which voucher, by its id" },
	{ "invalid_id", { "what", "voucher", NULL }, "say which voucher, by its id" },
	{ "field_required", { "what", "closure", NULL }, "say which closure" },
	{ "invalid_id", { "what", "closure", NULL }, "say which closure" },
	{ "field_required", { "what", "token", NULL }, "say which token, by its id" },
	{ "invalid_id", { "what", "token", NULL }, "say which token, by its id" },
	{ "field_required", { "what", "series", NULL }, "say which series to cancel, by its id" },
	{ "invalid_id", { "what", "series", NULL }, "say which series to cancel, by its id" },
	{ "field_required", { "what", "entry", NULL }, "say which waitlist entry, by its id" },
	{ "invalid_id", { "what", "entry", NULL }, "say which waitlist entry, by its id" },
	{ "invalid_id", { "what", "cert", NULL }, "say which certificate, by its id" },
	{ "field_required", { "what", "cert_either", NULL },
	  "say which certificate: by its id or by its fingerprint, one of them" },
	{ "field_required", { "what", "fingerprint", NULL },
	  "say which certificate, by its SHA-256 fingerprint" },
	{ "field_required", { "what", "book", NULL }, "say which resource to book" },
	{ "field_required", { "what", "wait_resource", NULL }, "say which resource to wait for" },
	{ "field_required", { "what", "wait_window", NULL }, "say which window to wait for" },
	{ "field_required", { "what", "start", NULL }, "a booking needs a start time" },
	{ "field_required", { "what", "move", NULL }, "say where the booking moves to" },
	{ "field_required", { "what", "terms_version", NULL },
	  "say which version of the terms you accept" },
	{ "field_required", { "limit", "40", "what", "terms", NULL }, "say which resource's terms" },
	{ "invalid_code", { "limit", "40", "what", "terms", NULL }, "say which resource's terms" },
	{ "field_required", { "limit", "64", "what", "hand_over", NULL },
	  "say which member of your startup takes the booking, by their handle" },
	{ "invalid_code", { "limit", "64", "what", "hand_over", NULL },
	  "say which member of your startup takes the booking, by their handle" },
	{ "field_required", { "limit", "40", "what", "resource", NULL },
	  "say which resource, by its code (at most 40 characters)" },
	{ "invalid_code", { "limit", "40", "what", "resource", NULL },
	  "say which resource, by its code (at most 40 characters)" },
	{ "field_required", { "limit", "40", "what", "code", "thing", "startup, by its code", NULL },
	  "say which startup, by its code, in at most 40 printable characters" },
	{ "invalid_code",
	  { "limit", "40", "what", "code", "thing", "member the token is for, by their handle", NULL },
	  "say which member the token is for, by their handle, in at most 40 printable characters" },
	{ "field_required", { "limit", "64", "what", "name", "thing", "price tier", NULL },
	  "say which price tier (at most 64 printable characters)" },
	{ "invalid_name", { "limit", "64", "what", "name", "thing", "month (YYYY-MM)", NULL },
	  "say which month (YYYY-MM) (at most 64 printable characters)" },
	{ "field_required", { "limit", "64", "what", "list_item", NULL },
	  "each is a code of at most 64 printable characters" },
	{ "invalid_code", { "limit", "64", "what", "list_item", NULL },
	  "each is a code of at most 64 printable characters" },
	{ "invalid_code", { "limit", "40", "what", "code_length", NULL },
	  "a resource code is at most 40 printable characters" },
	{ "invalid_code", { "limit", "40", "what", "requires", NULL },
	  "required resources are named by their codes" },
	{ "invalid_code", { "limit", "64", "what", "report_space", NULL },
	  "say which space, by its code (at most 64 printable characters)" },
	{ "invalid_code", { "limit", "40", "what", "code_filter", NULL },
	  "a code filter is printable text of at most 40 bytes" },
	{ "field_required", { "what", "exception_date", NULL },
	  "say which date, as YYYY-MM-DD in the resource's time zone" },
	{ "invalid_date", { "what", "exception_date", NULL },
	  "say which date, as YYYY-MM-DD in the resource's time zone" },
	{ "field_required", { "what", "date", "field", "from", NULL },
	  "from is not a date; give it as YYYY-MM-DD" },
	{ "invalid_date", { "what", "date", "field", "to", NULL },
	  "to is not a date; give it as YYYY-MM-DD" },
	{ "field_required", { "limit", "500", "what", "closure_reason", NULL },
	  "say why (printable text, at most 500 bytes); members see the reason" },
	{ "invalid_text", { "limit", "500", "what", "closure_reason", NULL },
	  "say why (printable text, at most 500 bytes); members see the reason" },
	{ "invalid_text", { "limit", "200", "what", "text", "thing", "a startup's name", NULL },
	  "a startup's name is printable UTF-8 text of at most 200 bytes" },
	{ "invalid_text", { "limit", "3", "what", "short_text", "field", "currency", NULL },
	  "currency is at most 3 bytes of printable text" },
	{ "invalid_text", { "limit", "2000", "what", "note", NULL },
	  "a note is printable UTF-8 text of at most 2000 bytes" },
	{ "invalid_text", { "limit", "500", "what", "override_reason", NULL },
	  "an override reason is printable UTF-8 text of at most 500 bytes" },
	{ "invalid_text", { "limit", "500", "what", "reason", NULL },
	  "a reason is printable UTF-8 text of at most 500 bytes" },
	{ "invalid_text", { "limit", "500", "what", "reason_text", NULL },
	  "a reason is printable text of at most 500 bytes" },
	{ "invalid_text", { "what", "exception", NULL },
	  "a reason is printable text of at most 500 bytes; at most 100 windows" },
	{ "too_many_windows", { "what", "exception", NULL },
	  "a reason is printable text of at most 500 bytes; at most 100 windows" },
	{ "too_many_windows", { "limit", "100", "what", "weekly", NULL }, "at most 100 weekly windows" },
	{ "invalid_text", { "what", "resource_text", NULL },
	  "names, description and location are printable text (200, 2000, 200 bytes)" },
	{ "invalid_text", { "limit", "20000", "what", "terms_text", NULL },
	  "terms are printable text of at most 20000 bytes" },
	{ "invalid_text", { "limit", "40", "what", "tag_filter", NULL },
	  "a tag filter is printable text of at most 40 bytes" },
	{ "invalid_text", { "limit", "200", "what", "text_filter", NULL },
	  "a text filter is printable text of at most 200 bytes" },
	{ "invalid_text", { "what", "find_text", NULL },
	  "tag and text are printable text (40 and 200 bytes at most)" },
	{ "invalid_text", { "field", "AddMemberRequest.name", "char", "U+0007", NULL },
	  "AddMemberRequest.name holds a control character (U+0007); text is printable, with tabs "
	  "and line breaks" },
	{ "invalid_hours_kind", { "what", "hours_kind", NULL }, "kind is OPENING or OFFPEAK" },
	{ "invalid_amount", { "amount", "-1", "what", "range", NULL },
	  "an amount is 0 or more and at most 1,000,000,000,000.00" },
	{ "list_too_long", { "limit", "32", "what", "count", NULL }, "at most 32 of them" },
	{ "list_too_long", { "what", "size", NULL }, "too many or too long" },
	{ "end_before_start", { "what", "audit", NULL },
	  "the end of the audit log's range (until) must be after its start (since)" },
	{ "end_before_start", { "start", "10", "end", "5", "what", "listing", NULL },
	  "to must be after from (both seconds since the epoch)" },
	{ "field_required", { "start", "0", "end", "5", "what", "availability", NULL },
	  "give a window: from, then a later to (seconds since the epoch)" },
	{ "end_before_start", { "start", "10", "end", "5", "what", "availability", NULL },
	  "give a window: from, then a later to (seconds since the epoch)" },
	{ "range_too_long", { "limit", "31", "what", "availability", NULL },
	  "ask for at most 31 days of availability at a time" },
	{ "range_too_long", { "limit", "62", "what", "slots", NULL },
	  "ask for free time over at most 62 days" },
	{ "time_out_of_range", { "limit", "62", "what", "slots", NULL },
	  "ask for free time over at most 62 days" },
	{ "range_too_long", { "limit", "92", "what", "find_days", NULL },
	  "find searches at most 92 days ahead" },
	{ "range_too_long", { "limit", "100", "what", "find_limit", NULL },
	  "find gives at most 100 fits" },
	{ "length_required", { "what", "length", NULL },
	  "say how long the booking would be (1 minute to 366 days)" },
	{ "invalid_time", { "what", "from_local", NULL },
	  "from_local is a wall-clock time, YYYY-MM-DD HH:MM" },
	{ "time_out_of_range", { "time", "-1", "what", "before_1970", NULL },
	  "times before 1970 are not supported: they begin at 1970-01-01 00:00 UTC" },
	{ "time_out_of_range", { "time", "253402300800", "what", "after_9999", NULL },
	  "times after 9999 are not supported: they end with 9999-12-31 UTC" },
	{ "time_out_of_range", { "what", "booking_end", NULL },
	  "the end of a booking is too far in the future" },
	{ "time_out_of_range", { "what", "series_end", NULL },
	  "the series reaches too far into the future" },
	{ "time_out_of_range", { "what", "token_expiry", NULL },
	  "a token's expiry is a time after 1970 and before the year 10000" },
	{ "time_out_of_range", { "what", "qualification_end", NULL },
	  "the end of a qualification is out of range" },
	{ "time_out_of_range", { "what", "checked_in_at", NULL }, "the check-in time is out of range" },
	{ "time_out_of_range", { "what", "checked_out_at", NULL },
	  "the check-out time is out of range" },
	{ "time_out_of_range", { "what", "find_from", NULL }, "from is an instant after 1970" },
	{ "invalid_resource_kind", { "what", "kind", NULL },
	  "kind must be instrument, test_facility, machining, pilot_line or workspace" },
	{ "invalid_role", { "what", "new_member", NULL }, "a new member's role is member, manager or operator" },
	{ "series_too_many", { "count", "100000", "what", "count", NULL },
	  "that is far more bookings than a series may have" },
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
		char buf[1024];

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
	/* a message with more words than the template: the message, not fewer words */
	{
		static const char *const overlap[] = { "resource", "dyno-1", "start", "1796263200",
						       "end", "1796270400", "time_zone", "UTC", NULL };
		const char *m = "booking 22 stays 01:00-02:00 on 2026-12-03 (UTC): dyno-1 is already "
				"booked 02:00-04:00 on 2026-12-03 (UTC)";

		make_error(&b, "booking_overlap", overlap, m);
		assert_non_null(refusal_template_for(&b.e));
		assert_string_equal(refusal_text(&b.e), m);
		make_error(&b, "booking_overlap", overlap, NULL);
		assert_string_equal(refusal_text(&b.e),
				    "dyno-1 is already booked 02:00-04:00 on 2026-12-03 (UTC)");
	}
	/* a known reason without the argument its template names */
	make_error(&b, "resource_not_found", other, "no resource is called dyno-1");
	assert_string_equal(refusal_text(&b.e), "no resource is called dyno-1");
	/* a wording of the SQL's that the daemon's row of the same reason must not take */
	{
		static const char *const until[] = { "limit", "52", "until", "1893456000",
						     "time_zone", "Asia/Shanghai", NULL };
		const char *m = "a series has at most 52 bookings; until 2029-12-31 it would have more";

		make_error(&b, "series_too_many", until, m);
		assert_string_equal(refusal_text(&b.e), m);
		make_error(&b, "invalid_role", none, "role  cannot be given here");
		assert_string_equal(refusal_text(&b.e), "role  cannot be given here");
	}
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

/* The formatters of lists, money and flags: anything malformed is the message. */
static void test_formatters(void **state)
{
	static const char *const usd[] = { "invoice", "W-1", "left_fen", "5", "currency", "USD", NULL };
	static const char *const bad_cur[] = { "invoice", "W-1", "left_fen", "5", "currency", "usd", NULL };
	static const char *const bad_list[] = { "resource", "dyno", "start", "1796256000", "end",
						"1796284800", "time_zone", "UTC", "held", "7 x", NULL };
	static const char *const bad_flag[] = { "resource", "dyno", "held", "2", "limit", "2",
						"offpeak", "yes", NULL };
	static const char *const week[] = { "every_days", "3", NULL };
	static const char *const plain[] = { "tag", "Big", NULL };
	struct error_buf b;

	(void)state;
	make_error(&b, "credit_exceeds_balance", usd, "m");
	assert_string_equal(refusal_text(&b.e), "invoice W-1 has USD 0.05 left to credit (what the "
						"startup pays, less earlier credit notes)");
	make_error(&b, "credit_exceeds_balance", bad_cur, "m");
	assert_string_equal(refusal_text(&b.e), "m");
	make_error(&b, "closure_hits_bookings", bad_list, "m");
	assert_string_equal(refusal_text(&b.e), "m");
	make_error(&b, "rule_max_active", bad_flag, "m");
	assert_string_equal(refusal_text(&b.e), "m");
	make_error(&b, "series_occurrence_too_long", week, "m");
	assert_string_equal(refusal_text(&b.e),
			    "each booking of a series repeating every 3 day(s) must fit in that time");
	make_error(&b, "invalid_tag", plain, "m");
	assert_string_equal(refusal_text(&b.e), "tag 'Big': tags are lowercase letters, digits, "
						"\".\", \"_\" and \"-\", at most 40");
}

static void test_too_long(void **state)
{
	static const char *const args[] = { "resource", "a-resource-code-that-is-long", NULL };
	struct error_buf b;
	char small[16], exact[sizeof("no resource is called a-resource-code-that-is-long")];

	(void)state;
	make_error(&b, "resource_not_found", args, "no resource is called a-resource-code-that-is-long");
	assert_int_equal(refusal_render(&b.e, small, sizeof(small)), -1);
	assert_string_equal(small, "no resource is ");
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
		cmocka_unit_test(test_formatters),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
