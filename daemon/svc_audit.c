/*
 * The audit log: who did what, read by role.  Which entries a caller may
 * read, the filters and the paging are rb_audit_log()'s (sql/core.sql); this
 * file carries the request there and the rows back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rows.h"
#include "sql.h"

#define AUDIT_LIMIT_DEFAULT 100
#define AUDIT_LIMIT_MAX 1000

struct audit_req {
	struct req *r;
	uint32_t limit;
};

static void audit_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListAuditReply reply = RIGBOOK__LIST_AUDIT_REPLY__INIT;
	Rigbook__AuditEntry *rows, **ptrs = NULL;
	void *mem = NULL;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n > 0) {
		ptrs = msg_block((size_t)n, sizeof(*ptrs), sizeof(*rows), &mem);
		if (ptrs == NULL) {
			req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out_of_memory",
				  "out of memory", "", NULL);
			return;
		}
	}
	rows = mem;
	for (int i = 0; i < n; i++) {
		Rigbook__AuditEntry *e = &rows[i];

		rigbook__audit_entry__init(e);
		e->id = (uint64_t)db_get_int64(res, i, AU_ID);
		e->at = db_get_int64(res, i, AU_AT);
		e->member_handle = (char *)db_get(res, i, AU_MEMBER);
		e->action = (char *)db_get(res, i, AU_ACTION);
		e->object = (char *)db_get(res, i, AU_OBJECT);
		e->object_id = (uint64_t)db_get_int64(res, i, AU_OBJECT_ID);
		e->peer = (char *)db_get(res, i, AU_PEER);
		e->detail = (char *)db_get(res, i, AU_DETAIL);
		e->resource_code = (char *)db_get(res, i, AU_RESOURCE);
		e->space_code = (char *)db_get(res, i, AU_SPACE);
		ptrs[i] = e;
	}
	reply.n_entries = (size_t)n;
	reply.entries = ptrs;
	/* a full page may have more after it: the client asks again from the last */
	reply.next_before_id = n > 0 && (uint32_t)n == r->aux ? rows[n - 1].id : 0;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_AUDIT;
	resp.list_audit = &reply;
	req_reply(r, &resp);
	free(ptrs);
}

void svc_list_audit(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListAuditRequest *q = msg->list_audit;
	char member[24], since[24], until[24], before[24], limit[16];
	uint32_t lim = q->limit == 0 ? AUDIT_LIMIT_DEFAULT : q->limit;
	const char *params[8];

	if (!req_name_ok(r, q->member_handle, "member", "member_handle", 0) ||
	    !req_name_ok(r, q->resource_code, "resource", "resource_code", 0) ||
	    !req_name_ok(r, q->action, "action", "action", 0))
		return;
	if (lim > AUDIT_LIMIT_MAX) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "too_many_entries",
			  "ask for at most 1000 audit entries at a time", "limit", "limit", "1000", NULL);
		return;
	}
	if (q->since != 0 && q->until != 0 && q->until <= q->since) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT, "end_before_start",
			  "the end of the audit log's range (until) must be after its start (since)",
			  "until", "what", "audit", NULL);
		return;
	}
	r->aux = lim;
	snprintf(limit, sizeof(limit), "%" PRIu32, lim);
	params[0] = u64_param(member, r->sess.member_id);
	params[1] = q->since != 0 ? i64_param(since, q->since) : NULL;
	params[2] = q->until != 0 ? i64_param(until, q->until) : NULL;
	params[3] = q->member_handle != NULL && q->member_handle[0] ? q->member_handle : NULL;
	params[4] = q->resource_code != NULL && q->resource_code[0] ? q->resource_code : NULL;
	params[5] = q->action != NULL && q->action[0] ? q->action : NULL;
	params[6] = q->before_id != 0 ? u64_param(before, q->before_id) : NULL;
	params[7] = limit;
	req_query(r, STMT_AUDIT_LOG, params, 8, audit_done);
}
