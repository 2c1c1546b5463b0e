/*
 * The words of refusals, by reason: the one table of templates.  A row's
 * English is exactly the server's message for a refusal with that reason,
 * made from its arguments alone; a reason with several wordings has a row
 * per wording, told apart by an argument's value (which, what, object,
 * action ...) or by the arguments it has, or none.  tests/unit/test_refusals.c
 * renders every row against the server's words.
 *
 * A template's %{name} is the argument as it is; %{name:duration} a number
 * of minutes as the server words it ("30 min", "1 h 30 min", "3 d");
 * %{name:state} a booking state's name; %{a,b:window} the window from a to
 * b (epoch seconds) in the time_zone argument, as the server words it;
 * %{name:at} an instant in the time_zone argument, to the minute, as
 * rb_at_text words it ("10:00 on 2026-12-03 (Asia/Shanghai)"), and
 * %{name:utc} one as "2026-12-03 10:00" in UTC; %{name:local} one as
 * "2026-12-03 10:00" and %{name:date} its day "2026-12-03", both in the
 * time_zone argument.  %{a,c:money} is the amount a (fen) in currency c
 * ("¥1,234.50", "USD 12.00"); %{name:every} a number of days as a series
 * repeats ("2 week(s)", "3 day(s)"); %{name:literal} text quoted as SQL's
 * %L quotes it ('x', E'a\\b'); %{name:future_bookings} a count of bookings
 * ("1 future booking", "3 future bookings"); %{name:offpeak} " outside
 * off-peak hours" when the argument is true, nothing when false;
 * %{name:role} a role's name (member, manager, ...); %{action:verb} an
 * action as the verb of a sentence ("hand over");
 * %{state:state_text} a booking state as the server words it in a sentence
 * ("checked in", "over") and %{state:state_words} as it words it for the
 * check-in desk ("already checked in", "a no-show"); %{name:bookings} a
 * list of bookings, comma-separated items of "id start end holder", as
 * "booking 7 (10:00-12:00 on 2026-12-03 (UTC), li-na); booking 9 (...)";
 * %{name:field} a request's field, named as the server names it ("note",
 * "from"), in words where the reader's language has them; %{name:thing}
 * what the daemon asks for, in its words ("startup, by its code", "a
 * legal name"), a row only where the client knows those words.
 * The English is marked N_() and shown through the catalogue: a refusal is
 * in the reader's language wherever the client has its reason.
 */
#include "refusals.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "rigbook/money.h"
#include "rigbook/rbtime.h"

const struct refusal_template refusal_templates[] = {
	/* ---- the daemon's own (docs/PROTOCOL.md, "Refusals by the daemon") */
	{ "request_id_reserved", NULL, NULL,
	  N_("request id 0 is reserved for server events; use another id") },
	{ "unknown_request", NULL, NULL,
	  N_("the request has no body this server knows (is the client newer?)") },
	{ "hello_required", NULL, NULL,
	  N_("the first request on a connection must be Hello with a token") },
	{ "already_authenticated", NULL, NULL, N_("this connection is already authenticated") },
	{ "not_allowed_for_role", "allowed", "operator,admin",
	  N_("%{request} is for operators of the space and admins, not for a %{role}") },
	{ "not_allowed_for_role", "allowed", "manager,operator,admin",
	  N_("%{request} is for managers of the host institution, operators of the space and admins, "
	  "not for a %{role}") },
	{ "not_allowed_for_role", NULL, NULL, N_("%{request} may not be sent by a %{role}") },
	{ "idempotency_key_unexpected", NULL, NULL, N_("only changes take an idempotency key") },
	{ "invalid_idempotency_key", NULL, NULL,
	  N_("an idempotency key is 1 to %{limit} printable ASCII characters") },
	{ "invalid_frame", NULL, NULL, N_("the frame does not hold a valid Request message") },
	{ "invalid_utf8", NULL, NULL,
	  N_("text field %{field:field} is not valid UTF-8 or holds a NUL byte") },
	{ "frame_too_large", NULL, NULL, N_("frame of %{size} bytes is larger than the limit of %{limit}") },
	{ "handshake_timeout", NULL, NULL, N_("no successful Hello within the handshake timeout") },
	{ "idle_timeout", NULL, NULL, N_("closing an idle connection") },
	{ "token_required", NULL, NULL, N_("a token is required") },
	{ "token_invalid", NULL, NULL, N_("the token is not valid: unknown, revoked or expired") },
	{ "client_certificate_required", NULL, NULL,
	  N_("this server signs in only with a client certificate registered to a member; a token "
	     "alone is not enough (set tls_cert and tls_key in the client's configuration)") },
	{ "certificate_invalid", NULL, NULL,
	  N_("the client certificate does not sign in: it is not registered, or revoked, or its "
	     "member disabled") },
	{ "invalid_fingerprint", NULL, NULL,
	  N_("a certificate's fingerprint is the SHA-256 of its DER encoding: 64 hexadecimal digits") },
	{ "cert_id_or_fingerprint", NULL, NULL,
	  N_("say which certificate: by its id or by its fingerprint, one of them") },
	{ "protocol_version_unsupported", NULL, NULL,
	  N_("this server speaks protocol version %{server_version}, the client version "
	  "%{client_version}; upgrade the older one") },
	{ "out_of_memory", NULL, NULL, N_("out of memory") },
	{ "too_many_requests", NULL, NULL, N_("the server is overloaded; retry later") },
	{ "retry", NULL, NULL, N_("the database could not order this request against another; retry") },
	{ "database_timeout", NULL, NULL, N_("the database took too long to answer; retry") },
	{ "already_exists", NULL, NULL, N_("that already exists") },
	/*
	 * ---- the daemon's checks of a request's fields, told apart by what (the
	 * check; %{thing:thing} the field as the message asks for it)
	 */
	{ "field_required", "what", "booking", N_("say which booking, by its id") },
	{ "invalid_id", "what", "booking", N_("say which booking, by its id") },
	{ "field_required", "what", "cancel", N_("say which booking to cancel") },
	{ "invalid_id", "what", "cancel", N_("say which booking to cancel") },
	{ "field_required", "what", "voucher", N_("say which voucher, by its id") },
	{ "invalid_id", "what", "voucher", N_("say which voucher, by its id") },
	{ "field_required", "what", "closure", N_("say which closure") },
	{ "invalid_id", "what", "closure", N_("say which closure") },
	{ "field_required", "what", "token", N_("say which token, by its id") },
	{ "invalid_id", "what", "token", N_("say which token, by its id") },
	{ "field_required", "what", "series", N_("say which series to cancel, by its id") },
	{ "invalid_id", "what", "series", N_("say which series to cancel, by its id") },
	{ "field_required", "what", "entry", N_("say which waitlist entry, by its id") },
	{ "invalid_id", "what", "entry", N_("say which waitlist entry, by its id") },
	{ "invalid_id", "what", "cert", N_("say which certificate, by its id") },
	{ "field_required", "what", "cert_either",
	  N_("say which certificate: by its id or by its fingerprint, one of them") },
	{ "field_required", "what", "fingerprint",
	  N_("say which certificate, by its SHA-256 fingerprint") },
	{ "field_required", "what", "book", N_("say which resource to book") },
	{ "field_required", "what", "wait_resource", N_("say which resource to wait for") },
	{ "field_required", "what", "wait_window", N_("say which window to wait for") },
	{ "field_required", "what", "start", N_("a booking needs a start time") },
	{ "field_required", "what", "move", N_("say where the booking moves to") },
	{ "field_required", "what", "terms_version", N_("say which version of the terms you accept") },
	{ "field_required", "what", "terms", N_("say which resource's terms") },
	{ "invalid_code", "what", "terms", N_("say which resource's terms") },
	{ "field_required", "what", "hand_over",
	  N_("say which member of your startup takes the booking, by their handle") },
	{ "invalid_code", "what", "hand_over",
	  N_("say which member of your startup takes the booking, by their handle") },
	{ "field_required", "what", "resource",
	  N_("say which resource, by its code (at most %{limit} characters)") },
	{ "invalid_code", "what", "resource",
	  N_("say which resource, by its code (at most %{limit} characters)") },
	{ "field_required", "what", "code",
	  N_("say which %{thing:thing}, in at most %{limit} printable characters") },
	{ "invalid_code", "what", "code",
	  N_("say which %{thing:thing}, in at most %{limit} printable characters") },
	{ "field_required", "what", "name",
	  N_("say which %{thing:thing} (at most %{limit} printable characters)") },
	{ "invalid_name", "what", "name",
	  N_("say which %{thing:thing} (at most %{limit} printable characters)") },
	{ "field_required", "what", "list_item",
	  N_("each is a code of at most %{limit} printable characters") },
	{ "invalid_code", "what", "list_item",
	  N_("each is a code of at most %{limit} printable characters") },
	{ "invalid_code", "what", "code_length",
	  N_("a resource code is at most %{limit} printable characters") },
	{ "invalid_code", "what", "requires", N_("required resources are named by their codes") },
	{ "invalid_code", "what", "report_space",
	  N_("say which space, by its code (at most %{limit} printable characters)") },
	{ "invalid_code", "what", "code_filter",
	  N_("a code filter is printable text of at most %{limit} bytes") },
	{ "field_required", "what", "exception_date",
	  N_("say which date, as YYYY-MM-DD in the resource's time zone") },
	{ "invalid_date", "what", "exception_date",
	  N_("say which date, as YYYY-MM-DD in the resource's time zone") },
	{ "field_required", "what", "date", N_("%{field:field} is not a date; give it as YYYY-MM-DD") },
	{ "invalid_date", "what", "date", N_("%{field:field} is not a date; give it as YYYY-MM-DD") },
	{ "field_required", "what", "closure_reason",
	  N_("say why (printable text, at most %{limit} bytes); members see the reason") },
	{ "invalid_text", "what", "closure_reason",
	  N_("say why (printable text, at most %{limit} bytes); members see the reason") },
	{ "invalid_text", "what", "text",
	  N_("%{thing:thing} is printable UTF-8 text of at most %{limit} bytes") },
	{ "invalid_text", "what", "short_text",
	  N_("%{field:field} is at most %{limit} bytes of printable text") },
	{ "invalid_text", "what", "note",
	  N_("a note is printable UTF-8 text of at most %{limit} bytes") },
	{ "invalid_text", "what", "override_reason",
	  N_("an override reason is printable UTF-8 text of at most %{limit} bytes") },
	{ "invalid_text", "what", "reason",
	  N_("a reason is printable UTF-8 text of at most %{limit} bytes") },
	{ "invalid_text", "what", "reason_text",
	  N_("a reason is printable text of at most %{limit} bytes") },
	{ "invalid_text", "what", "exception",
	  N_("a reason is printable text of at most 500 bytes; at most 100 windows") },
	{ "too_many_windows", "what", "exception",
	  N_("a reason is printable text of at most 500 bytes; at most 100 windows") },
	{ "too_many_windows", "what", "weekly", N_("at most %{limit} weekly windows") },
	{ "invalid_text", "what", "resource_text",
	  N_("names, description and location are printable text (200, 2000, 200 bytes)") },
	{ "invalid_text", "what", "terms_text",
	  N_("terms are printable text of at most %{limit} bytes") },
	{ "invalid_text", "what", "tag_filter",
	  N_("a tag filter is printable text of at most %{limit} bytes") },
	{ "invalid_text", "what", "text_filter",
	  N_("a text filter is printable text of at most %{limit} bytes") },
	{ "invalid_text", "what", "find_text",
	  N_("tag and text are printable text (40 and 200 bytes at most)") },
	{ "invalid_text", NULL, NULL,
	  N_("%{field:field} holds a control character (%{char}); text is printable, with tabs and "
	     "line breaks") },
	{ "invalid_hours_kind", "what", "hours_kind", N_("kind is OPENING or OFFPEAK") },
	{ "invalid_amount", "what", "range",
	  N_("an amount is 0 or more and at most 1,000,000,000,000.00") },
	{ "list_too_long", "what", "count", N_("at most %{limit} of them") },
	{ "list_too_long", "what", "size", N_("too many or too long") },
	{ "end_before_start", "what", "audit",
	  N_("the end of the audit log's range (until) must be after its start (since)") },
	{ "end_before_start", "what", "listing",
	  N_("to must be after from (both seconds since the epoch)") },
	{ "field_required", "what", "availability",
	  N_("give a window: from, then a later to (seconds since the epoch)") },
	{ "end_before_start", "what", "availability",
	  N_("give a window: from, then a later to (seconds since the epoch)") },
	{ "range_too_long", "what", "availability",
	  N_("ask for at most %{limit} days of availability at a time") },
	{ "range_too_long", "what", "slots", N_("ask for free time over at most %{limit} days") },
	{ "time_out_of_range", "what", "slots", N_("ask for free time over at most %{limit} days") },
	{ "range_too_long", "what", "find_days", N_("find searches at most %{limit} days ahead") },
	{ "range_too_long", "what", "find_limit", N_("find gives at most %{limit} fits") },
	{ "length_required", "what", "length",
	  N_("say how long the booking would be (1 minute to 366 days)") },
	{ "invalid_time", "what", "from_local", N_("from_local is a wall-clock time, YYYY-MM-DD HH:MM") },
	{ "time_out_of_range", "what", "before_1970",
	  N_("times before 1970 are not supported: they begin at 1970-01-01 00:00 UTC") },
	{ "time_out_of_range", "what", "after_9999",
	  N_("times after 9999 are not supported: they end with 9999-12-31 UTC") },
	{ "time_out_of_range", "what", "booking_end",
	  N_("the end of a booking is too far in the future") },
	{ "time_out_of_range", "what", "series_end", N_("the series reaches too far into the future") },
	{ "time_out_of_range", "what", "token_expiry",
	  N_("a token's expiry is a time after 1970 and before the year 10000") },
	{ "time_out_of_range", "what", "qualification_end",
	  N_("the end of a qualification is out of range") },
	{ "time_out_of_range", "what", "checked_in_at", N_("the check-in time is out of range") },
	{ "time_out_of_range", "what", "checked_out_at", N_("the check-out time is out of range") },
	{ "time_out_of_range", "what", "find_from", N_("from is an instant after 1970") },
	/* ---- raised by the daemon and the SQL in the same words */
	{ "resource_not_found", NULL, NULL, N_("no resource is called %{resource}") },
	{ "series_count_required", NULL, NULL,
	  N_("say how many times the booking repeats (a count) or until when") },
	/* ---- the SQL's (docs/PROTOCOL.md, "Refusal reasons") */
	{ "member_not_found", NULL, NULL, N_("no member is called %{member}") },
	{ "startup_not_found", NULL, NULL, N_("no startup is called %{startup}") },
	{ "space_not_found", NULL, NULL, N_("no space is called %{space}") },
	{ "series_not_found", NULL, NULL, N_("there is no series %{series}") },
	{ "token_not_found", NULL, NULL, N_("there is no token %{token}") },
	{ "cert_not_found", NULL, NULL, N_("there is no client certificate %{cert}") },
	{ "not_staff", "action", "approve",
	  N_("you are not staff of %{resource}: its bookings wait for a manager of %{institution}, an "
	     "operator of its space or an admin") },
	{ "not_staff", "action", "approve",
	  N_("only a manager of %{institution}, an operator of its space or an admin can approve "
	     "booking %{booking}") },
	/* ---- the rules of a booking (sql/rules.sql): resource and time_zone always */
	{ "booking_overlap", "what", "constraint", N_("that time is already booked") },
	{ "booking_overlap", NULL, NULL, N_("%{resource} is already booked %{start,end:window}") },
	{ "outside_opening_hours", NULL, NULL,
	  N_("%{start,end:window} is outside the opening hours of %{resource} "
	     "(rigbook show %{resource} lists them)") },
	{ "booking_in_past", NULL, NULL,
	  N_("%{resource} cannot be booked in the past (%{start,end:window})") },
	{ "resource_closed", "kind", "maintenance",
	  N_("%{resource} is closed for maintenance %{start,end:window}: %{why}") },
	{ "resource_closed", "kind", "closure", N_("%{resource} is closed %{start,end:window}: %{why}") },
	{ "terms_not_accepted", NULL, NULL,
	  N_("accept the terms of %{resource} (version %{version}) first: "
	     "rigbook terms accept %{resource}") },
	{ "rule_slot", NULL, NULL,
	  N_("%{resource} is booked in steps of %{minutes:duration}: start and length must be "
	     "multiples of it") },
	{ "rule_min_length", NULL, NULL,
	  N_("%{resource} must be booked for at least %{minutes:duration}") },
	{ "rule_max_length", NULL, NULL, N_("%{resource} can be booked for at most %{minutes:duration}") },
	{ "rule_min_notice", NULL, NULL,
	  N_("%{resource} must be booked at least %{minutes:duration} ahead") },
	{ "rule_max_ahead", NULL, NULL, N_("%{resource} can be booked at most %{days} days ahead") },
	{ "rule_whole_days", NULL, NULL,
	  N_("%{resource} is booked in whole days, midnight to midnight (%{time_zone})") },
	{ "resource_retired", NULL, NULL, N_("%{resource} is retired and takes no new bookings") },
	/* ---- bookings, waitlist, series */
	{ "booking_state", NULL, NULL,
	  N_("booking %{booking} is %{state:state} and cannot become %{to:state}") },
	{ "booking_already_theirs", NULL, NULL, N_("booking %{booking} already belongs to %{member}") },
	{ "member_other_startup", NULL, NULL,
	  N_("%{member} is not a member of the startup that holds booking %{booking}") },
	{ "booking_not_checked_in", NULL, NULL,
	  N_("booking %{booking} is confirmed but not checked in; check in first: "
	     "rigbook checkin %{booking}") },
	{ "checkin_time_required", NULL, NULL,
	  N_("booking %{booking} was never checked in; give the check-in time too") },
	{ "usage_time_required", NULL, NULL, N_("give the check-in time, the check-out time or both") },
	{ "usage_in_future", NULL, NULL, N_("a usage record cannot reach into the future") },
	{ "booking_too_long", NULL, NULL, N_("a booking cannot be longer than 366 days") },
	{ "waitlist_entry_not_found", NULL, NULL, N_("there is no waitlist entry %{entry} of yours") },
	{ "waitlist_entry_withdrawn", NULL, NULL, N_("waitlist entry %{entry} is already withdrawn") },
	{ "waitlist_entry_promoted", NULL, NULL,
	  N_("waitlist entry %{entry} was already booked as booking %{booking}; "
	     "cancel that booking instead") },
	{ "invalid_every", NULL, NULL, N_("a series repeats every 1 to 366 days") },
	{ "series_until_before_start", NULL, NULL,
	  N_("the series must end after its first booking starts") },
	{ "series_nothing_to_cancel", NULL, NULL,
	  N_("series %{series} has no bookings left to cancel (none still to come is requested or "
	     "confirmed)") },
	{ "length_required", NULL, NULL, N_("say how long the booking would be") },
	/* ---- resources */
	{ "resource_exists", NULL, NULL, N_("a resource called %{resource} already exists") },
	{ "resource_already_retired", NULL, NULL, N_("%{resource} is already retired") },
	{ "no_terms", NULL, NULL, N_("%{resource} has no terms to accept") },
	{ "terms_version_mismatch", NULL, NULL,
	  N_("the current terms of %{resource} are version %{version}; read them with "
	     "rigbook terms %{resource}") },
	{ "requires_itself", NULL, NULL, N_("%{resource} cannot require itself") },
	{ "required_resource_not_found", NULL, NULL, N_("no bookable resource is called %{resources}") },
	{ "resource_institution_fixed", NULL, NULL,
	  N_("%{resource} belongs to %{institution} and cannot move to another institution") },
	{ "exception_not_found", NULL, NULL, N_("%{resource} has no exception on %{date}") },
	{ "closure_not_found", NULL, NULL, N_("there is no closure %{closure} in force") },
	{ "kind_required", NULL, NULL,
	  N_("a new resource needs a kind: instrument, test_facility, machining, pilot_line or "
	     "workspace") },
	{ "invalid_hours_kind", NULL, NULL, N_("hours are open or offpeak") },
	{ "too_many_windows", NULL, NULL, N_("at most 100 windows") },
	{ "windows_required", NULL, NULL,
	  N_("an exception either closes the day or gives its opening windows") },
	{ "invalid_closure_kind", NULL, NULL, N_("a closure is a closure or maintenance") },
	{ "min_above_max", NULL, NULL, N_("the minimum length cannot be above the maximum") },
	{ "invalid_slot", NULL, NULL,
	  N_("a slot must divide a day evenly (5, 10, 15, 30, 60 min ...)") },
	{ "invalid_units", NULL, NULL, N_("a resource has 1 to 1000 units") },
	{ "invalid_time_zone", NULL, NULL,
	  N_("%{time_zone} is not an IANA time zone (like Asia/Shanghai)") },
	{ "qualification_not_found", NULL, NULL, N_("%{member} is not qualified on %{resource}") },
	{ "qualifications_not_yours", NULL, NULL, N_("members see only their own qualifications") },
	/* ---- people */
	{ "member_exists", NULL, NULL,
	  N_("a member called %{member} already exists; handles are unique") },
	{ "member_disabled", NULL, NULL, N_("%{member} is disabled and gets no tokens") },
	{ "not_admin", NULL, NULL, N_("%{member} is an admin; only admins disable admins") },
	{ "disable_self", NULL, NULL,
	  N_("you cannot disable yourself; ask another operator or an admin") },
	{ "startup_required", NULL, NULL,
	  N_("member %{member} needs a startup: members book for one") },
	{ "startup_exists", NULL, NULL,
	  N_("a startup called %{startup} already exists; startup codes are unique") },
	{ "startup_space_fixed", NULL, NULL,
	  N_("startup %{startup} stays in its space; a startup does not move between spaces") },
	{ "startup_other_space", NULL, NULL,
	  N_("startup %{startup} belongs to another space; staff see the startups of their own "
	     "space only") },
	{ "invalid_role", NULL, NULL,
	  N_("role %{role} cannot be given here; possibilities are: member, manager, operator") },
	{ "invalid_email", NULL, NULL, N_("%{email} is not an email address") },
	{ "token_unknown", NULL, NULL, N_("the token is not valid: it is not known here") },
	/* ---- billing and the report */
	{ "invalid_tier", NULL, NULL,
	  N_("%{tier} is not a price tier (member_startup, host_internal or external)") },
	{ "invalid_basis", NULL, NULL, N_("%{basis} is not a charge basis (booked, used or greater)") },
	{ "invalid_currency", NULL, NULL,
	  N_("%{currency} is not a currency code (three capital letters, like CNY)") },
	{ "invalid_resource_kind", NULL, NULL,
	  N_("%{kind} is not a kind of resource (instrument, test_facility, machining, pilot_line, "
	     "workspace)") },
	{ "negative_rate", NULL, NULL, N_("rates are 0 or more") },
	{ "invalid_increment", NULL, NULL, N_("the billing increment is 1 minute to 1 day") },
	{ "invalid_day_hours", NULL, NULL, N_("the day rate starts at 1 to 24 hours") },
	/* xgettext:no-c-format */
	{ "invalid_fee_pct", NULL, NULL, N_("fees are 0% to 100% of the booked charge") },
	{ "issuer_required", NULL, NULL, N_("say who issued the voucher (the body that pays it)") },
	/* xgettext:no-c-format */
	{ "invalid_coverage_pct", NULL, NULL, N_("a voucher covers 1% to 100% of a charge") },
	{ "voucher_not_found", NULL, NULL, N_("there is no voucher %{voucher} that you can see") },
	{ "period_not_begun", NULL, NULL,
	  N_("%{period} has not begun; a month is invoiced once it has begun") },
	{ "period_not_ended", NULL, NULL,
	  N_("%{period} has not ended in %{space} (%{time_zone}); it can be invoiced from %{from} "
	     "00:00 on, or before the month ends if asked to") },
	{ "invoice_is_credit_note", NULL, NULL,
	  N_("%{invoice} is a credit note; credit the invoice it belongs to") },
	{ "mixed_currencies", NULL, NULL,
	  N_("%{startup} has charges in more than one currency in %{period}; one invoice holds one "
	     "currency") },
	{ "invoice_frozen", NULL, NULL,
	  N_("invoice %{invoice} is issued and never changes; correct it with a credit note "
	     "(rigbook invoice credit %{invoice})") },
	{ "ledger_append_only", NULL, NULL,
	  N_("%{table} is append-only: a charge never changes; correct it with a credit note "
	     "(rigbook invoice credit)") },
	{ "invalid_month", NULL, NULL, N_("%{value} is not a month; give it as YYYY-MM, like 2026-11") },
	{ "invalid_date", NULL, NULL, N_("%{value} is not a date; give it as YYYY-MM-DD") },
	{ "date_not_in_calendar", NULL, NULL, N_("%{value} is not a date of the calendar") },
	{ "range_too_long", NULL, NULL,
	  N_("a report covers at most 366 days; from %{from} to %{to} is %{days} days") },
	{ "invalid_event_kind", NULL, NULL,
	  N_("%{kind} is not an event kind (lower-case letters and _, at most 32)") },
	{ "feed_disabled", NULL, NULL,
	  N_("this server offers no calendar feeds (its feed_listen is not set)") },
	/* ---- more refusals: guarded by action where one reason has several wordings */
	{ "booking_not_found", "role", "manager",
	  N_("there is no booking %{booking} that you can see; as a manager of %{institution} you can "
	     "%{action:verb} the bookings of its resources only") },
	{ "booking_not_found", "role", "operator",
	  N_("there is no booking %{booking} that you can see; as an operator of %{space} you can "
	     "%{action:verb} the bookings in that space only") },
	{ "booking_not_found", NULL, NULL,
	  N_("there is no booking %{booking} that you can see") },
	{ "server_draining", "what", "watch", N_("the server is shutting down") },
	{ "server_draining", NULL, NULL, N_("rigbookd is shutting down") },
	{ "access_ended", NULL, NULL,
	  N_("your access ended (the token was revoked or expired, or the account disabled); sign in "
	     "again with a valid token") },
	{ "account_disabled", NULL, NULL,
	  N_("your account is disabled") },
	{ "audit_append_only", NULL, NULL,
	  N_("the audit log is append-only: its entries are never changed or removed") },
	{ "member_kept", NULL, NULL,
	  N_("member %{member} cannot be deleted, only disabled: the audit log names them") },
	{ "booking_has_parent", "action", "cancel",
	  N_("booking %{booking} comes with booking %{parent}; cancel that one") },
	{ "booking_has_parent", "action", "move",
	  N_("booking %{booking} comes with booking %{parent}; move that one") },
	{ "booking_has_parent", "action", "hand_over",
	  N_("booking %{booking} comes with booking %{parent}; hand over that one") },
	{ "booking_has_parent", "action", "approve",
	  N_("booking %{booking} comes with booking %{parent}; approve that one") },
	{ "booking_has_parent", "action", "decline",
	  N_("booking %{booking} comes with booking %{parent}; decline that one") },
	{ "booking_has_parent", "action", "check_in",
	  N_("booking %{booking} comes with booking %{parent}; check in that one") },
	{ "booking_has_parent", "action", "check_out",
	  N_("booking %{booking} comes with booking %{parent}; check out that one") },
	{ "booking_has_parent", "action", "mark_no_show",
	  N_("booking %{booking} comes with booking %{parent}; mark that one") },
	{ "booking_has_parent", "action", "correct_usage",
	  N_("booking %{booking} comes with booking %{parent}; correct that one") },
	{ "booking_over", "action", "cancel",
	  N_("booking %{booking} has already ended") },
	{ "booking_over", "action", "approve",
	  N_("the time of booking %{booking} has passed") },
	{ "booking_over", "action", "decline",
	  N_("the time of booking %{booking} has passed") },
	{ "booking_started", NULL, NULL,
	  N_("booking %{booking} has already started and can no longer be moved") },
	{ "booking_not_yours", "action", "cancel",
	  N_("booking %{booking} belongs to another member of your startup; only they or a manager of "
	     "%{institution} can cancel it") },
	{ "booking_not_yours", "action", "move",
	  N_("booking %{booking} is not yours; only its owner or a manager of %{institution} can move it") },
	{ "booking_not_yours", "action", "hand_over",
	  N_("booking %{booking} is not yours; only its owner or a manager of %{institution} can hand "
	     "it over") },
	{ "booking_not_yours", "action", "check_in",
	  N_("booking %{booking} is held by %{member}; only they or a manager of %{institution} can "
	     "check it in") },
	{ "booking_not_yours", "action", "check_out",
	  N_("booking %{booking} is held by %{member}; only they or a manager of %{institution} can "
	     "check it out") },
	{ "frame_timeout", NULL, NULL,
	  N_("a frame did not arrive whole within %{limit} s of its first byte") },
	{ "signin_throttled", NULL, NULL,
	  N_("too many failed sign-ins from this address; retry in %{retry_after} s") },
	{ "too_many_connections", NULL, NULL,
	  N_("%{member} holds %{limit} signed-in connections already, the most one member may") },
	{ "text_direction_control", NULL, NULL,
	  N_("%{field:field} holds %{char}, a Unicode direction control or byte-order mark, which can make "
	     "text show other than it reads; remove it") },
	{ "text_too_long", NULL, NULL,
	  N_("%{field:field} is longer than %{limit} characters") },
	{ "time_out_of_range", NULL, NULL,
	  N_("%{field:field} is not an instant from 1970 to 9999 (seconds since the epoch, 0 to 253402300799)") },
	{ "idempotency_key_reused", NULL, NULL,
	  N_("idempotency key '%{key}' was already used for a different request") },
	{ "institution_not_in_space", NULL, NULL,
	  N_("a manager reports on the resources of their own institution, which is not in %{space}") },
	{ "institution_required", "object", "resource",
	  N_("say which host institution the resource belongs to") },
	{ "institution_required", NULL, NULL,
	  N_("manager %{member} needs an institution: managers look after its resources") },
	{ "invalid_length", NULL, NULL,
	  N_("say how long the booking would be (1 minute to 366 days)") },
	{ "invalid_scope", NULL, NULL,
	  N_("scope must be SCOPE_MINE or SCOPE_STARTUP") },
	{ "invoice_not_found", NULL, NULL,
	  N_("there is no invoice %{invoice} that you can see") },
	{ "not_operator", "action", "set_rates",
	  N_("only an operator of %{space} or an admin can set the rates of %{resource}") },
	{ "not_operator", "action", "record_vouchers",
	  N_("only an operator of %{space} or an admin can record vouchers of %{startup}") },
	{ "not_operator", "there", "true",
	  N_("only an operator of %{space} or an admin can set the price tier of %{startup} there") },
	{ "not_operator", "action", "set_tier",
	  N_("only an operator of %{space} or an admin can set the price tier of %{startup}") },
	{ "not_operator", "action", "invoice",
	  N_("only an operator of %{space} or an admin can invoice it") },
	{ "not_operator", "action", "invoice",
	  N_("invoice runs are for the operators of the space and admins") },
	{ "not_operator", "action", "report", N_("the report of %{space} is for its operators and admins") },
	{ "not_operator", "object", "startup",
	  N_("only operators of the space and admins manage startups and members; a %{role:role} cannot "
	     "change startup %{name}") },
	{ "not_operator", "object", "member",
	  N_("only operators of the space and admins manage startups and members; a %{role:role} cannot "
	     "change member %{name}") },
	{ "not_operator", "action", "read_voucher_statements",
	  N_("voucher statements are for the operators of the space and admins") },
	{ "not_qualified", NULL, NULL,
	  N_("%{member} is not qualified on %{resource} (a manager of %{institution} grants it: rigbook "
	     "qualify %{member} %{resource})") },
	{ "rate_in_use", NULL, NULL,
	  N_("the %{tier} rate of %{resource} from %{from} has charged bookings already; set the new "
	     "rate from a later date") },
	{ "reason_required", "action", "cancel",
	  N_("say why you cancel booking %{booking}; %{member} will see the reason") },
	{ "reason_required", "action", "decline",
	  N_("say why booking %{booking} is declined; %{member} will see the reason") },
	{ "reason_required", "action", "correct_usage",
	  N_("say why the usage of booking %{booking} changes; %{member} will see the reason") },
	{ "reason_required", "what", "closure",
	  N_("say why the resource is closed; members see the reason") },
	{ "reason_required", "action", "credit_invoice",
	  N_("say why invoice %{invoice} is credited; the startup sees the reason") },
	{ "requires_cycle", NULL, NULL,
	  N_("a resource that requires %{resource} cannot be required by it") },
	{ "rule_buffer", NULL, NULL,
	  N_("%{resource} keeps %{minutes:duration} free between bookings; booking %{booking} is "
	     "%{start,end:window}") },
	{ "rule_min_gap", NULL, NULL,
	  N_("your bookings of %{resource} must be at least %{minutes:duration} apart (you hold "
	     "%{start,end:window})") },
	{ "rule_weekly_hours", NULL, NULL,
	  N_("%{startup} would use %{minutes:duration} of %{resource} in week %{week}; the limit is "
	     "%{limit:duration}") },
	{ "rule_weekly_member_hours", NULL, NULL,
	  N_("you would use %{minutes:duration} of %{resource} in week %{week}; the limit is "
	     "%{limit:duration} per member") },
	{ "rule_out_of_range", NULL, NULL,
	  N_("a rule is out of range (slot <= 1 day, lengths and notice <= 366 days, ahead <= 3660 "
	     "days, buffer and weekly <= 1 week, active <= 10000, late cancellation <= 30 days, "
	     "check-in and no-show grace <= 1 day)") },
	{ "series_not_yours", NULL, NULL,
	  N_("series %{series} belongs to another member of your startup; only they or a manager of "
	     "%{institution} can cancel it") },
	{ "series_too_many", NULL, NULL,
	  N_("a series has at most %{limit} bookings, not %{count}") },
	{ "space_required", "object", "startup", N_("say which space startup %{startup} joins") },
	{ "space_required", NULL, NULL,
	  N_("say which space %{member} works in") },
	{ "startup_not_yours", NULL, NULL,
	  N_("members see only their own startup's charges, not those of %{startup}") },
	{ "startup_private", "action", "read_vouchers",
	  N_("the vouchers of %{startup} are for its members, the operators of its space and admins") },
	{ "startup_private", "action", "read_invoices",
	  N_("the invoices of %{startup} are for its members, the operators of its space and admins") },
	{ "certs_not_yours", NULL, NULL,
	  N_("the client certificates of %{member} are handled by %{member}, an operator of their "
	     "space or an admin; not by you") },
	{ "cert_member_disabled", NULL, NULL, N_("%{member} is disabled and gets no client certificates") },
	{ "cert_exists", NULL, NULL,
	  N_("this certificate is already registered (certificate %{cert}); a fingerprint is "
	     "registered once, ever") },
	{ "tokens_not_yours", NULL, NULL,
	  N_("the tokens of %{member} are handled by %{member}, an operator of their space or an admin; "
	     "not by you") },
	{ "too_many_entries", NULL, NULL,
	  N_("ask for at most %{limit} audit entries at a time") },
	{ "too_many_requires", NULL, NULL,
	  N_("at most %{limit} required resources") },
	{ "too_many_tags", NULL, NULL,
	  N_("at most %{limit} tags") },
	{ "unit_has_bookings", "units", "1",
	  N_("unit %{unit} of %{resource} has future bookings; cancel or move them before going down to "
	     "1 unit") },
	{ "unit_has_bookings", NULL, NULL,
	  N_("unit %{unit} of %{resource} has future bookings; cancel or move them before going down to "
	     "%{units} units") },
	{ "not_staff", "action", "read_rates",
	  N_("only a manager of %{institution}, an operator of its space or an admin can read the rates "
	     "of %{resource}") },
	{ "not_staff", "action", "read_settlement",
	  N_("the settlement of %{institution} is for its managers, the operators of its space and "
	     "admins") },
	{ "not_staff", "action", "book_past_rules",
	  N_("only a manager of %{institution}, an operator of its space or an admin can book "
	     "%{resource} past its rules") },
	{ "not_staff", "action", "audit",
	  N_("the audit log is for managers of the host institutions, operators of the space and admins") },
	{ "not_staff", "action", "decline",
	  N_("only a manager of %{institution}, an operator of its space or an admin can decline "
	     "booking %{booking}") },
	{ "not_staff", "action", "correct_usage",
	  N_("only a manager of %{institution}, an operator of its space or an admin can correct the "
	     "usage of booking %{booking}") },
	{ "not_staff", "action", "mark_no_show",
	  N_("only a manager of %{institution}, an operator of its space or an admin can mark booking "
	     "%{booking} a no-show") },
	{ "not_staff", "action", "report",
	  N_("the report is for managers of the host institutions, operators of the space and admins") },
	{ "not_staff", "action", "change",
	  N_("only a manager of %{institution}, an operator of its space or an admin can change "
	     "%{resource}") },
	{ "not_staff", "action", "add_resource",
	  N_("only a manager of %{institution}, an operator of its space or an admin can add its "
	     "resources") },
	{ "not_staff", "action", "qualify",
	  N_("only a manager of %{institution}, an operator of its space or an admin can qualify "
	     "members on %{resource}") },
	/* ---- told apart by an argument (which, what, object, problem, action) */
	{ "already_waiting", NULL, NULL,
	  N_("you already wait for %{resource} %{start,end:window} (entry %{entry})") },
	{ "window_free", NULL, NULL,
	  N_("%{resource} is free %{start,end:window}: book it (rigbook book %{resource}) instead of "
	     "waiting") },
	{ "booking_unchanged", NULL, NULL, N_("booking %{booking} is already %{start,end:window}") },
	{ "booking_wrong_state", "action", "cancel",
	  N_("booking %{booking} is %{state:state_text} and can no longer be cancelled") },
	{ "booking_wrong_state", "action", "move",
	  N_("booking %{booking} is %{state:state_text} and can no longer be moved") },
	{ "booking_wrong_state", "action", "hand_over",
	  N_("booking %{booking} is %{state:state_text} and can no longer be handed over") },
	{ "booking_wrong_state", "action", "approve",
	  N_("booking %{booking} is %{state:state_text}, not waiting for approval; only a requested "
	     "booking can be approved") },
	{ "booking_wrong_state", "action", "decline",
	  N_("booking %{booking} is %{state:state_text}, not waiting for approval; only a requested "
	     "booking can be declined") },
	{ "booking_wrong_state", "action", "check_in",
	  N_("booking %{booking} is %{state:state_words} and cannot be checked in") },
	{ "booking_wrong_state", "action", "check_out",
	  N_("booking %{booking} is %{state:state_words} and cannot be checked out") },
	{ "booking_wrong_state", "action", "correct_usage",
	  N_("booking %{booking} is %{state:state_words} and has no usage to correct") },
	{ "booking_wrong_state", "action", "mark_no_show",
	  N_("booking %{booking} is %{state:state_words}; only a confirmed booking nobody checked in "
	     "for can be a no-show") },
	{ "closure_hits_bookings", NULL, NULL,
	  N_("%{resource} has bookings in %{start,end:window}: %{held:bookings}; force the closure to "
	     "cancel them") },
	{ "hours_hit_bookings", "which", "hours",
	  N_("the new opening hours would leave bookings of %{resource} outside its opening hours: "
	     "%{held:bookings}; force it to cancel them") },
	{ "hours_hit_bookings", "which", "weekly",
	  N_("the weekly hours on %{date} would leave bookings of %{resource} outside its opening "
	     "hours: %{held:bookings}; force it to cancel them") },
	{ "hours_hit_bookings", "which", "closing",
	  N_("closing on %{date} would leave bookings of %{resource} outside its opening hours: "
	     "%{held:bookings}; force it to cancel them") },
	{ "hours_hit_bookings", "which", "day_hours",
	  N_("these hours on %{date} would leave bookings of %{resource} outside its opening hours: "
	     "%{held:bookings}; force it to cancel them") },
	{ "credit_exceeds_balance", NULL, NULL,
	  N_("invoice %{invoice} has %{left_fen,currency:money} left to credit (what the startup "
	     "pays, less earlier credit notes)") },
	{ "date_range_reversed", "action", "record_vouchers",
	  N_("the voucher would end (%{to}) before it begins (%{from})") },
	{ "date_range_reversed", "action", "report",
	  N_("the report ends (to %{to}) before it begins (from %{from})") },
	{ "different_spaces", "which", "startup_institution",
	  N_("startup %{startup} and institution %{institution} are in different spaces") },
	{ "different_spaces", "which", "startup_space",
	  N_("%{startup} is in another space than %{space}") },
	{ "different_spaces", "which", "institution_space",
	  N_("%{institution} is in another space than %{space}") },
	{ "end_before_start", "what", "booking", N_("the end of a booking must be after its start") },
	{ "end_before_start", "what", "closure", N_("the end of a closure must be after its start") },
	{ "expiry_in_past", "what", "token", N_("a token's expiry must be in the future") },
	{ "expiry_in_past", "what", "qualification",
	  N_("a qualification until %{expires_at:local} (%{time_zone}) would already have ended") },
	{ "institution_not_found", "host", "true", N_("no host institution is called %{institution}") },
	{ "institution_not_found", NULL, NULL, N_("no institution is called %{institution}") },
	{ "invalid_amount", "what", "voucher_cap", N_("a voucher's cap is more than 0") },
	{ "invalid_amount", "what", "credit", N_("a credit is more than 0") },
	{ "invalid_code", "what", "startup_code",
	  N_("startup code %{value} is not valid: 1 to 40 lowercase letters, digits and dashes, "
	     "starting with a letter or digit") },
	{ "invalid_code", "what", "handle",
	  N_("handle %{value} is not valid: 1 to 40 lowercase letters, digits and dashes, starting "
	     "with a letter or digit") },
	{ "invalid_code", "what", "resource_code",
	  N_("a resource code is lowercase letters, digits and \"-\", at most 40, like rig-7") },
	{ "invalid_credit_code", "problem", "length",
	  N_("a unified social credit code has 18 characters; %{credit_code} has %{length}") },
	{ "invalid_credit_code", "problem", "character",
	  N_("character %{position} of %{credit_code} (%{character}) is not allowed: a unified social "
	     "credit code uses the digits and the capitals A-Y without I, O, S, V and Z") },
	{ "invalid_credit_code", "problem", "division",
	  N_("characters 3-8 of %{credit_code} (%{division}) must be digits: they are the "
	     "administrative division code") },
	{ "invalid_credit_code", "problem", "check",
	  N_("the check character of %{credit_code} is wrong: by GB 32100-2015 it must be %{want}, "
	     "not %{got}") },
	{ "invalid_tag", "limit", "40",
	  N_("tags are lowercase letters, digits, '.', '_' and '-', at most 40") },
	{ "invalid_tag", NULL, NULL,
	  N_("tag %{tag:literal}: tags are lowercase letters, digits, \".\", \"_\" and \"-\", at most "
	     "40") },
	{ "invalid_time", NULL, NULL,
	  N_("%{time} is not a time of the calendar (YYYY-MM-DD HH:MM)") },
	{ "invalid_window", "which", "weekly",
	  N_("a window is a weekday 1-7 (Monday-Sunday) and opens before it closes, within "
	     "00:00-24:00") },
	{ "invalid_window", "which", "day",
	  N_("each window opens before it closes, within 00:00-24:00") },
	{ "name_required", "object", "startup", N_("a new startup needs a name (%{startup})") },
	{ "name_required", "object", "member", N_("a new member needs a name (%{member})") },
	{ "name_required", "object", "resource", N_("a new resource needs a name") },
	{ "no_startup", "what", "feed",
	  N_("%{member} belongs to no startup: a feed of a startup's bookings is for its members") },
	{ "no_startup", "what", "list_bookings",
	  N_("you belong to no startup, so there are no startup bookings to list") },
	{ "qualification_revoked", NULL, NULL,
	  N_("%{member}'s qualification on %{resource} was revoked on %{at:date} (a manager of "
	     "%{institution} grants it again: rigbook qualify %{member} %{resource})") },
	{ "rule_max_active", "action", "hand_over",
	  N_("%{member} already holds %{held:future_bookings} of %{resource}%{offpeak:offpeak}; the "
	     "limit is %{limit} per member") },
	{ "rule_max_active", NULL, NULL,
	  N_("you already hold %{held:future_bookings} of %{resource}%{offpeak:offpeak}; the limit "
	     "is %{limit} per member") },
	{ "rule_max_active_startup", NULL, NULL,
	  N_("%{startup} already holds %{held:future_bookings} of %{resource}%{offpeak:offpeak}; "
	     "the limit is %{limit} per startup") },
	{ "series_occurrence_too_long", NULL, NULL,
	  N_("each booking of a series repeating every %{every_days:every} must fit in that time") },
	{ "wrong_space", "object", "startup",
	  N_("startup %{name} belongs to space %{space}; operators manage the startups and members of "
	     "their own space (%{own_space}) only") },
	{ "wrong_space", "object", "member",
	  N_("member %{name} belongs to space %{space}; operators manage the startups and members of "
	     "their own space (%{own_space}) only") },
	/* ---- instants: %{at:at} in the time_zone argument, %{at:utc} in UTC */
	{ "booking_checked_in", NULL, NULL,
	  N_("booking %{booking} is already checked in (since %{at:at})") },
	{ "booking_checked_out", NULL, NULL,
	  N_("booking %{booking} is already checked out (at %{at:at})") },
	{ "booking_over", "action", "check_in",
	  N_("booking %{booking} ended at %{at:at} and can no longer be checked in") },
	{ "checkin_not_open", NULL, NULL,
	  N_("check-in for booking %{booking} opens at %{at:at}, %{minutes:duration} before its start") },
	{ "checkout_before_checkin", NULL, NULL,
	  N_("the check-out (%{checked_out_at:at}) must be after the check-in (%{checked_in_at:at})") },
	{ "no_show_too_early", NULL, NULL,
	  N_("booking %{booking} can be marked a no-show from %{at:at}, %{minutes:duration} after its "
	     "start") },
	{ "usage_overlaps_next", NULL, NULL,
	  N_("the usage of booking %{booking} cannot run past %{at:at}, when the next booking of "
	     "%{resource} begins") },
	{ "member_already_disabled", NULL, NULL,
	  N_("%{member} is already disabled (since %{at:utc} UTC)") },
	{ "cert_already_revoked", NULL, NULL,
	  N_("client certificate %{cert} was already revoked (%{at:utc} UTC)") },
	{ "token_already_revoked", NULL, NULL,
	  N_("token %{token} was already revoked (%{at:utc} UTC)") },
	{ "qualification_expired", NULL, NULL,
	  N_("%{member}'s qualification on %{resource} ended at %{at:at} (a manager of %{institution} "
	     "renews it: rigbook qualify %{member} %{resource})") },
	{ "qualification_ends_early", NULL, NULL,
	  N_("%{member}'s qualification on %{resource} ends at %{at:at}, before the booking ends (a "
	     "manager of %{institution} renews it: rigbook qualify %{member} %{resource} --until DATE)") },
	/* ---- the daemon's words where the SQL's need an argument it does not give */
	{ "invalid_resource_kind", "what", "kind",
	  N_("kind must be instrument, test_facility, machining, pilot_line or workspace") },
	{ "invalid_role", "what", "new_member", N_("a new member's role is member, manager or operator") },
	{ "series_too_many", "what", "count", N_("that is far more bookings than a series may have") },
};

const size_t refusal_ntemplates = sizeof(refusal_templates) / sizeof(refusal_templates[0]);

static const char *arg_value(const Rigbook__Error *e, const char *name, size_t n)
{
	for (size_t i = 0; i < e->n_args; i++) {
		const Rigbook__ErrorArg *a = e->args[i];

		if (a != NULL && a->name != NULL && a->value != NULL && strlen(a->name) == n &&
		    memcmp(a->name, name, n) == 0)
			return a->value;
	}
	return NULL;
}

static int fill(const char *text, const Rigbook__Error *e, char *buf, size_t len);

/*
 * The first row that applies to e and that e's arguments fill in; when
 * none fills in, the first that applies.
 */
const struct refusal_template *refusal_template_for(const Rigbook__Error *e)
{
	const struct refusal_template *first = NULL;
	static _Thread_local char scratch[2048];

	if (e == NULL || e->reason == NULL || e->reason[0] == '\0')
		return NULL;
	for (size_t i = 0; i < refusal_ntemplates; i++) {
		const struct refusal_template *t = &refusal_templates[i];
		const char *v;
		int was, fills;

		if (strcmp(t->reason, e->reason) != 0)
			continue;
		if (t->when_arg != NULL) {
			v = arg_value(e, t->when_arg, strlen(t->when_arg));
			if (v == NULL || strcmp(v, t->when_value) != 0)
				continue;
		}
		was = i18n_plain(1);
		fills = fill(t->text, e, scratch, sizeof(scratch)) == 0;
		i18n_plain(was);
		if (fills)
			return t;
		if (first == NULL)
			first = t;
	}
	return first;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* minutes as rb_minutes_text words them in the server's English */
static void duration_text(int64_t n, char *buf, size_t len)
{
	if (n % 1440 == 0 && n >= 2880)
		snprintf(buf, len, _("%" PRId64 " d"), n / 1440);
	else if (n % 60 == 0 && n >= 60)
		snprintf(buf, len, _("%" PRId64 " h"), n / 60);
	else if (n > 60)
		snprintf(buf, len, _("%" PRId64 " h %" PRId64 " min"), n / 60, n % 60);
	else
		snprintf(buf, len, _("%" PRId64 " min"), n);
}

/*
 * The instant of argument name (n bytes) to the minute, as the server's
 * rb_at_text words it ("10:00 on 2026-12-03 (Asia/Shanghai)", in the
 * time_zone argument) or, utc, as "2026-12-03 10:00" in UTC; NULL when an
 * argument is missing or the zone is not known here.
 */
static const char *at_text(const Rigbook__Error *e, const char *name, size_t n, int utc, char *tmp,
			   size_t len)
{
	const char *tz = utc ? "UTC" : arg_value(e, "time_zone", 9);
	char s[RB_TIME_TEXT], err[128], *sp;
	int64_t t;

	if (tz == NULL || parse_i64(arg_value(e, name, n), &t) != 0 || t < 0 ||
	    rb_time_zone_check(tz, err, sizeof(err)) != 0 ||
	    rb_time_format(t - t % 60, tz, s, sizeof(s)) != 0)
		return NULL;
	if (utc) {
		snprintf(tmp, len, "%s", s);
		return tmp;
	}
	sp = strchr(s, ' ');
	if (sp == NULL)
		return NULL;
	*sp = '\0';
	/* the date, then the time: the words around them are cmd_window_text's */
	snprintf(tmp, len, _("%1$s on %2$s (%3$s)"), sp + 1, s, tz);
	return tmp;
}

/* A booking state as the server's sentences word it: words 0 "checked in", 1 "already checked in". */
static const char *state_words(const char *v, int words)
{
	static const char *const text[][2] = {
		{ "requested", NC_("state text", "requested") },
		{ "confirmed", NC_("state text", "confirmed") },
		{ "declined", NC_("state text", "declined") },
		{ "cancelled", NC_("state text", "cancelled") },
		{ "checked_in", NC_("state text", "checked in") },
		{ "completed", NC_("state text", "completed") },
		{ "no_show", NC_("state text", "no show") },
		{ "over", NC_("state text", "over") },
	};
	static const char *const desk[][2] = {
		{ "requested", NC_("state words", "requested (waiting for approval)") },
		{ "confirmed", NC_("state words", "confirmed") },
		{ "declined", NC_("state words", "declined") },
		{ "cancelled", NC_("state words", "cancelled") },
		{ "checked_in", NC_("state words", "already checked in") },
		{ "completed", NC_("state words", "completed (checked out)") },
		{ "no_show", NC_("state words", "a no-show") },
	};
	const char *const (*t)[2] = words ? desk : text;
	size_t n = words ? sizeof(desk) / sizeof(desk[0]) : sizeof(text) / sizeof(text[0]);
	char key[96];

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i][0], v) != 0)
			continue;
		snprintf(key, sizeof(key), "%s\004%s", words ? "state words" : "state text", t[i][1]);
		return i18n_pgettext(key, t[i][1]);
	}
	return NULL;
}

/* An action as the verb the server's sentences use: "hand_over" is "hand over". */
static const char *verb_text(const char *v)
{
	static const char *const verbs[][2] = {
		{ "cancel", NC_("verb", "cancel") },       { "move", NC_("verb", "move") },
		{ "hand_over", NC_("verb", "hand over") }, { "check_in", NC_("verb", "check in") },
		{ "check_out", NC_("verb", "check out") },
	};
	char key[64];

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verbs[i][0], v) != 0)
			continue;
		snprintf(key, sizeof(key), "verb\004%s", verbs[i][1]);
		return i18n_pgettext(key, verbs[i][1]);
	}
	return NULL;
}

/*
 * A request's field as words: v is the field's name as the server gives it,
 * "note" or "AddMemberRequest.name" (a message's field); the name after the
 * message's, translated, or v itself where the catalogue has no words.
 */
static const char *field_words(const char *v)
{
	static const char *const fields[] = {
		NC_("field", "code"),            NC_("field", "resource_code"),
		NC_("field", "startup_code"),    NC_("field", "institution_code"),
		NC_("field", "space_code"),      NC_("field", "member_handle"),
		NC_("field", "handle"),          NC_("field", "to_member"),
		NC_("field", "requires"),        NC_("field", "institutions"),
		NC_("field", "kinds"),           NC_("field", "name"),
		NC_("field", "name_zh"),         NC_("field", "legal_name"),
		NC_("field", "address"),         NC_("field", "label"),
		NC_("field", "subject"),         NC_("field", "issuer"),
		NC_("field", "note"),            NC_("field", "reason"),
		NC_("field", "override_reason"), NC_("field", "text"),
		NC_("field", "currency"),        NC_("field", "description"),
		NC_("field", "location"),        NC_("field", "time_zone"),
		NC_("field", "tag"),             NC_("field", "tags"),
		NC_("field", "credit_code"),     NC_("field", "email"),
		NC_("field", "tier"),            NC_("field", "basis"),
		NC_("field", "effective_from"),  NC_("field", "period"),
		NC_("field", "valid_from"),      NC_("field", "valid_to"),
		NC_("field", "number"),          NC_("field", "date"),
		NC_("field", "action"),          NC_("field", "from"),
		NC_("field", "to"),              NC_("field", "from_local"),
		NC_("field", "client"),          NC_("field", "token"),
		NC_("field", "fingerprint"),     NC_("field", "idempotency_key"),
		NC_("field", "start"),           NC_("field", "end"),
		NC_("field", "until"),           NC_("field", "expires_at"),
		NC_("field", "checked_in_at"),   NC_("field", "checked_out_at"),
	};
	const char *name, *t;
	char key[64];

	if (v == NULL)
		return NULL;
	name = strrchr(v, '.') != NULL ? strrchr(v, '.') + 1 : v;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(fields[i], name) != 0)
			continue;
		snprintf(key, sizeof(key), "field\004%s", fields[i]);
		t = i18n_pgettext(key, fields[i]);
		return strcmp(t, fields[i]) != 0 ? t : v;
	}
	return v;
}

/* What the daemon asks for, as its message words it; NULL when not known here. */
static const char *thing_words(const char *v)
{
	static const char *const things[] = {
		NC_("thing", "member"),
		NC_("thing", "resource"),
		NC_("thing", "action"),
		NC_("thing", "resource, by its code"),
		NC_("thing", "startup, by its code"),
		NC_("thing", "space, by its code"),
		NC_("thing", "institution, by its code"),
		NC_("thing", "invoice, by its number"),
		NC_("thing", "member, by a handle"),
		NC_("thing", "member, by their handle"),
		NC_("thing", "member the token is for, by their handle"),
		NC_("thing", "member the certificate is for, by their handle"),
		NC_("thing", "price tier"),
		NC_("thing", "charge basis (booked, used or greater)"),
		NC_("thing", "date the rate applies from (YYYY-MM-DD)"),
		NC_("thing", "month (YYYY-MM)"),
		NC_("thing", "month to invoice (YYYY-MM)"),
		NC_("thing", "first day of the voucher (YYYY-MM-DD)"),
		NC_("thing", "last day of the voucher (YYYY-MM-DD)"),
		NC_("thing", "a startup's name"),
		NC_("thing", "a legal name"),
		NC_("thing", "a unified social credit code"),
		NC_("thing", "an address"),
		NC_("thing", "a member's name"),
		NC_("thing", "an email address"),
		NC_("thing", "a token's label"),
		NC_("thing", "a certificate's label"),
		NC_("thing", "a certificate's subject"),
	};
	char key[96];

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(things) / sizeof(things[0]); i++) {
		if (strcmp(things[i], v) != 0)
			continue;
		snprintf(key, sizeof(key), "thing\004%s", things[i]);
		return i18n_pgettext(key, things[i]);
	}
	return NULL;
}

/* v quoted as PostgreSQL's quote_literal (format's %L) quotes it. */
static const char *literal_text(const char *v, char *tmp, size_t len)
{
	size_t o = 0;

	if (v == NULL || len < 4)
		return NULL;
	if (strchr(v, '\\') != NULL)
		tmp[o++] = 'E';
	tmp[o++] = '\'';
	for (const char *p = v; *p != '\0'; p++) {
		int twice = *p == '\'' || *p == '\\';

		if (o + 2 + (size_t)twice >= len)
			return NULL;
		if (twice)
			tmp[o++] = *p;
		tmp[o++] = *p;
	}
	tmp[o++] = '\'';
	tmp[o] = '\0';
	return tmp;
}

/*
 * The list of bookings v ("id start end holder,..."), each as "booking 7
 * (10:00-12:00 on 2026-12-03 (UTC), li-na)", "; " between them.
 */
static const char *bookings_text(const Rigbook__Error *e, const char *v, char *tmp, size_t len)
{
	const char *tz = arg_value(e, "time_zone", 9);
	size_t o = 0;

	if (v == NULL || tz == NULL || *v == '\0')
		return NULL;
	tmp[0] = '\0';
	for (const char *p = v; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
		char item[128], holder[64], w[160];
		long long id, a, b;
		int k;

		if (n >= sizeof(item))
			return NULL;
		memcpy(item, p, n);
		item[n] = '\0';
		if (sscanf(item, "%lld %lld %lld %63s", &id, &a, &b, holder) != 4)
			return NULL;
		cmd_window_text(a, b, tz, w, sizeof(w));
		if (o > 0) {
			/* TRANSLATORS: between the bookings of a list */
			k = snprintf(tmp + o, len - o, "%s", _("; "));
			if (k < 0 || (size_t)k >= len - o)
				return NULL;
			o += (size_t)k;
		}
		/* TRANSLATORS: one booking of a list: its id, its window, who holds it */
		k = snprintf(tmp + o, len - o, _("booking %1$lld (%2$s, %3$s)"), id, w, holder);
		if (k < 0 || (size_t)k >= len - o)
			return NULL;
		o += (size_t)k;
		p += n;
		if (*p == ',')
			p++;
	}
	return tmp;
}

/*
 * The value of one placeholder (name, n bytes: "resource", "minutes:duration",
 * "start,end:window") into tmp, or NULL when an argument is missing.
 */
static const char *placeholder(const Rigbook__Error *e, const char *name, size_t n, char *tmp,
			       size_t len)
{
	const char *colon = memchr(name, ':', n), *v, *comma;
	size_t an = colon != NULL ? (size_t)(colon - name) : n, fn = colon != NULL ? n - an - 1 : 0;
	const char *f = colon != NULL ? colon + 1 : "";
	int64_t a, b;

#define IS(word) (fn == sizeof(word) - 1 && memcmp(f, word, fn) == 0)
	if (colon == NULL)
		return arg_value(e, name, n);
	if (IS("duration")) {
		if (parse_i64(arg_value(e, name, an), &a) != 0)
			return NULL;
		duration_text(a, tmp, len);
		return tmp;
	}
	if (IS("state") || IS("role")) {
		v = arg_value(e, name, an);
		return v == NULL ? NULL : IS("state") ? i18n_state(v) : i18n_role(v);
	}
	if (IS("verb"))
		return verb_text(arg_value(e, name, an));
	if (IS("state_text") || IS("state_words"))
		return state_words(arg_value(e, name, an), IS("state_words"));
	if (IS("at") || IS("utc"))
		return at_text(e, name, an, IS("utc"), tmp, len);
	if (IS("local") || IS("date")) {
		const char *tz = arg_value(e, "time_zone", 9);
		char err[128];

		if (tz == NULL || parse_i64(arg_value(e, name, an), &a) != 0 || a < 0 ||
		    rb_time_zone_check(tz, err, sizeof(err)) != 0 ||
		    rb_time_format(a - a % 60, tz, tmp, len) != 0 || strlen(tmp) < 10)
			return NULL;
		if (IS("date"))
			tmp[10] = '\0';
		return tmp;
	}
	if (IS("every")) {
		if (parse_i64(arg_value(e, name, an), &a) != 0 || a < 1)
			return NULL;
		if (a % 7 == 0)
			snprintf(tmp, len, _("%" PRId64 " week(s)"), a / 7);
		else
			snprintf(tmp, len, _("%" PRId64 " day(s)"), a);
		return tmp;
	}
	if (IS("field"))
		return field_words(arg_value(e, name, an));
	if (IS("thing"))
		return thing_words(arg_value(e, name, an));
	if (IS("literal"))
		return literal_text(arg_value(e, name, an), tmp, len);
	if (IS("future_bookings")) {
		if (parse_i64(arg_value(e, name, an), &a) != 0 || a < 0)
			return NULL;
		snprintf(tmp, len, a == 1 ? _("%" PRId64 " future booking") : _("%" PRId64 " future bookings"),
			 a);
		return tmp;
	}
	if (IS("offpeak")) {
		v = arg_value(e, name, an);
		if (v == NULL || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0))
			return NULL;
		return strcmp(v, "true") == 0 ? _(" outside off-peak hours") : "";
	}
	if (IS("bookings"))
		return bookings_text(e, arg_value(e, name, an), tmp, len);
	if (IS("window") || IS("money")) {
		comma = memchr(name, ',', an);
		if (comma == NULL || parse_i64(arg_value(e, name, (size_t)(comma - name)), &a) != 0)
			return NULL;
		v = arg_value(e, comma + 1, (size_t)(colon - comma - 1));
		if (IS("money"))
			return v != NULL && rb_money_format(a, v, tmp, len) == 0 ? tmp : NULL;
		{
			const char *tz = arg_value(e, "time_zone", 9);

			if (tz == NULL || parse_i64(v, &b) != 0)
				return NULL;
			cmd_window_text(a, b, tz, tmp, len);
			return tmp;
		}
	}
#undef IS
	return NULL;
}

/* The template filled in, or -1 when an argument is missing or it does not fit. */
static int fill(const char *text, const Rigbook__Error *e, char *buf, size_t len)
{
	size_t o = 0;
	char tmp[1024];

	for (const char *p = text; *p != '\0';) {
		const char *piece = p, *v;
		size_t n = 1;

		if (p[0] == '%' && p[1] == '{') {
			const char *end = strchr(p + 2, '}');

			if (end == NULL)
				return -1;
			v = placeholder(e, p + 2, (size_t)(end - (p + 2)), tmp, sizeof(tmp));
			if (v == NULL)
				return -1;
			piece = v;
			n = strlen(v);
			p = end + 1;
		} else {
			p++;
		}
		if (len - o <= n)
			return -1;
		memcpy(buf + o, piece, n);
		o += n;
	}
	buf[o] = '\0';
	return 0;
}

/*
 * The template for e, unless e's message says more than the template's
 * English: a server that words a reason with more around it (move's
 * "booking 22 stays ...: " before a rule's refusal) gets its message shown,
 * not fewer words.  A message that is other words altogether is the
 * template's to replace.
 */
static const struct refusal_template *usable(const Rigbook__Error *e)
{
	const struct refusal_template *t = refusal_template_for(e);
	char english[2048];
	int was, more;

	if (t == NULL || e->message == NULL || e->message[0] == '\0')
		return t;
	was = i18n_plain(1);
	more = fill(t->text, e, english, sizeof(english)) == 0 &&
	       strlen(e->message) > strlen(english) && strstr(e->message, english) != NULL;
	i18n_plain(was);
	return more ? NULL : t;
}

int refusal_render(const Rigbook__Error *e, char *buf, size_t len)
{
	const struct refusal_template *t = usable(e);
	const char *m;

	if (len == 0)
		return -1;
	if (t != NULL && fill(_(t->text), e, buf, len) == 0)
		return 0;
	m = e != NULL && e->message != NULL ? e->message : "";
	strncpy(buf, m, len - 1);
	buf[len - 1] = '\0';
	return -1;
}

const char *refusal_text(const Rigbook__Error *e)
{
	static _Thread_local char buf[2048];
	const struct refusal_template *t = usable(e);

	if (t != NULL && fill(_(t->text), e, buf, sizeof(buf)) == 0)
		return buf;
	/* the message itself, however long */
	return e != NULL && e->message != NULL ? e->message : "";
}
