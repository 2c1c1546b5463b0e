/*
 * libFuzzer target: event payloads as the database sends them
 * (daemon/evparse.c).
 *
 * Input: byte 0 picks a watcher's role and scope, the rest is the payload.
 * A payload that parses must hold a kind and a resource (access_ended: a
 * member, and it goes to no watcher), a window that ends
 * after it starts, texts that fit their buffers, and must pack into an Event
 * that unpacks again; a payload that does not parse says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			abort();     \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ev_payload ev;
	struct ev_scope scope;
	Rigbook__Event w;
	Rigbook__Event *back;
	enum ev_view view;
	const char *why = NULL;
	uint8_t *buf;
	size_t n;

	if (size < 1 || size > EV_PAYLOAD_MAX + 16)
		return 0;
	memset(&scope, 0, sizeof(scope));
	scope.role = data[0] & 7;
	scope.startup_id = (data[0] >> 3) & 3;
	scope.institution_id = (data[0] >> 5) & 1;
	scope.space_id = (data[0] >> 6) & 1;
	scope.resource_id = (data[0] >> 7) & 1;
	if (ev_parse((const char *)data + 1, size - 1, &ev, &why) != 0) {
		CHECK(why != NULL && why[0] != '\0');
		return 0;
	}
	CHECK(ev.kind[0] >= 'a' && ev.kind[0] <= 'z');
	CHECK(strlen(ev.kind) <= EV_KIND_MAX);
	if (!strcmp(ev.kind, EV_KIND_ACCESS_ENDED)) {
		/* names a member, not a resource; the daemon's sessions hear it,
		 * never a watcher (daemon/events.c) */
		CHECK(ev.member_id != 0);
		return 0;
	}
	CHECK(ev.resource_id != 0);
	CHECK(strlen(ev.code) <= EV_CODE_MAX && strlen(ev.handle) <= EV_CODE_MAX);
	CHECK(strlen(ev.startup_code) <= EV_CODE_MAX && strlen(ev.tz) <= EV_TZ_MAX);
	CHECK(!ev.has_window || ev.end > ev.start);
	view = ev_visible(&scope, &ev);
	CHECK(view == EV_HIDE || view == EV_ANON || view == EV_FULL);
	if (view == EV_HIDE)
		return 0;
	ev_to_wire(&ev, view, &w);
	if (view == EV_ANON)
		CHECK(w.booking_id == 0 && w.member_handle[0] == '\0' && w.startup_code[0] == '\0');
	n = rigbook__event__get_packed_size(&w);
	buf = malloc(n + 1);
	if (buf == NULL)
		return 0;
	CHECK(rigbook__event__pack(&w, buf) == n);
	back = rigbook__event__unpack(NULL, n, buf);
	CHECK(back != NULL);
	CHECK(strcmp(back->kind, w.kind) == 0 && back->booking_id == w.booking_id);
	rigbook__event__free_unpacked(back, NULL);
	free(buf);
	return 0;
}
