/*
 * Watch and Unwatch: a connection subscribes to live events (events.c) and
 * keeps answering other requests.  What a watcher may see is decided per
 * event by ev_visible (evparse.c) from the scope taken here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "events.h"
#include "sql.h"

struct watch_req {
	struct req *r;
	int named; /* a resource code was given */
};

static void watch_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct watch_req *w = arg;
	struct req *r = w->r;
	int named = w->named;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__WatchReply reply = RIGBOOK__WATCH_REPLY__INIT;
	struct ev_scope scope;
	uint32_t slot = r->slot, gen = r->gen;
	char msg[120];

	free(w);
	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	if (db_ntuples(res) != 1) {
		req_error(r, RIGBOOK__ERROR_CODE__PERMISSION_DENIED, "account_disabled",
			  "your account is disabled", "", "member", r->sess.handle, NULL);
		return;
	}
	if (named && db_isnull(res, 0, W_RESOURCE)) {
		snprintf(msg, sizeof(msg), "no resource is called %s", r->subject);
		req_error(r, RIGBOOK__ERROR_CODE__NOT_FOUND, "resource_not_found", msg,
			  "resource_code", "resource", r->subject, NULL);
		return;
	}
	memset(&scope, 0, sizeof(scope));
	scope.role = r->sess.role;
	scope.member_id = r->sess.member_id;
	scope.startup_id = r->sess.startup_id;
	scope.institution_id = r->sess.institution_id;
	scope.space_id = (uint64_t)db_get_int64(res, 0, W_SPACE);
	scope.resource_id = named ? (uint64_t)db_get_int64(res, 0, W_RESOURCE) : 0;
	/* subscribed before the reply goes out, so no event falls between */
	if (conn_set_watching(slot, gen, 1) != 0) {
		free(r); /* the connection has gone */
		return;
	}
	if (events_watch(slot, gen, &scope) != 0) {
		conn_set_watching(slot, gen, 0);
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	reply.resource_code = (char *)db_get(res, 0, W_CODE);
	reply.time_zone = (char *)db_get(res, 0, W_TZ);
	reply.live = events_live();
	resp.body_case = RIGBOOK__RESPONSE__BODY_WATCH;
	resp.watch = &reply;
	req_reply(r, &resp);
}

void svc_watch(struct req *r, const Rigbook__Request *msg)
{
	const char *code = msg->watch->resource_code;
	char member[24];
	const char *params[2] = { member, NULL };
	struct watch_req *w;

	if (code != NULL && code[0] != '\0') {
		if (!text_ok(code, 40)) {
			req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "invalid_code",
				  "a resource code is at most 40 printable characters",
				  "resource_code", "limit", "40", "what",
			  "code_length", NULL);
			return;
		}
		params[1] = code;
		snprintf(r->subject, sizeof(r->subject), "%s", code);
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
			  "out of memory", "", NULL);
		return;
	}
	w->r = r;
	w->named = params[1] != NULL;
	snprintf(member, sizeof(member), "%" PRIu64, r->sess.member_id);
	{
		int code_rc = db_query(STMT_WATCH, params, 2, watch_done, w);

		if (code_rc == 0)
			return;
		free(w);
		req_query_refused(r, code_rc);
	}
}

void svc_unwatch(struct req *r, const Rigbook__Request *msg)
{
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__UnwatchReply reply = RIGBOOK__UNWATCH_REPLY__INIT;

	reply.was_watching = events_unwatch(r->slot, r->gen);
	conn_set_watching(r->slot, r->gen, 0);
	resp.body_case = RIGBOOK__RESPONSE__BODY_UNWATCH;
	resp.unwatch = &reply;
	req_reply(r, &resp);
}
