/*
 * Event payloads as the database sends them (0008_events.sql: one line of
 * "v1 key=value ..." words), read strictly, and who may see what of them.
 * Pure code: no libevent, no libpq; the fuzzer and the unit tests link it.
 */
#ifndef RIGBOOKD_EVPARSE_H
#define RIGBOOKD_EVPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "rigbook.pb-c.h"

#define EV_PAYLOAD_MAX 8000 /* PostgreSQL's limit for a NOTIFY payload */
#define EV_KIND_MAX 32
#define EV_CODE_MAX 40
#define EV_TZ_MAX 64

/* One parsed payload.  Numbers not given are 0, texts "". */
struct ev_payload {
	char kind[EV_KIND_MAX + 1];
	int64_t at;
	uint64_t resource_id, institution_id, space_id;
	uint64_t booking_id, member_id, startup_id, closure_id;
	uint64_t token_id; /* access_ended: the token; 0: every token of member */
	uint64_t cert_id;  /* access_ended: the client certificate (with no token) */
	char code[EV_CODE_MAX + 1];
	char tz[EV_TZ_MAX + 1];
	char handle[EV_CODE_MAX + 1];
	char startup_code[EV_CODE_MAX + 1];
	int has_window;
	int64_t start, end;
};

/*
 * A member's access ended (a token or client certificate revoked, an
 * account disabled): "v1 kind=access_ended at=... member=M [token=T | cert=C]".  It names no resource and
 * is for the daemon's sessions (session.h), never shown to watchers.
 */
#define EV_KIND_ACCESS_ENDED "access_ended"

/* Whether len bytes are an access_ended payload (a cheap look, before parsing). */
int ev_is_access_ended(const char *p, size_t len);

/*
 * Parse len bytes (no NUL needed).  Returns 0, or -1 with *why saying what
 * is wrong (a static string).  Unknown keys with a well-formed value are
 * skipped, so that a newer schema can add words; a repeated key, a bad
 * value, a missing kind or resource (but for access_ended, which
 * needs a member instead), or anything that is not words of
 * key=value separated by single spaces is refused.
 */
int ev_parse(const char *p, size_t len, struct ev_payload *ev, const char **why)
	__attribute__((warn_unused_result));

/* What one watcher is allowed to see, and its filter. */
struct ev_scope {
	int role; /* Rigbook__Role */
	uint64_t member_id, startup_id, institution_id, space_id;
	uint64_t resource_id; /* only this resource; 0: all */
};

enum ev_view {
	EV_HIDE = 0, /* not for this watcher */
	EV_ANON,     /* shown without who holds the booking */
	EV_FULL,     /* shown with the booking id, the member and the startup */
};

/*
 * Everyone may watch every resource (everyone may browse them and see their
 * busy times); who holds a booking is shown to the members of its startup
 * and to staff of the resource: a manager of its institution, an operator
 * of its space, an admin.
 */
enum ev_view ev_visible(const struct ev_scope *s, const struct ev_payload *ev);

/*
 * Fill out (initialised here) from ev as view shows it.  The strings point
 * into ev, which must outlive out.
 */
void ev_to_wire(const struct ev_payload *ev, enum ev_view view, Rigbook__Event *out);

#endif
