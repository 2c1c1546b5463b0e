/* Resources: the equipment a host institution opens to members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "rigbook/names.h"

enum { RC_ID, RC_CODE, RC_NAME, RC_KIND, RC_INST_CODE, RC_INST_NAME, RC_SPACE, RC_TZ, RC_DESC,
       RC_LOCATION, RC_RETIRED };

static void list_done(void *arg, const struct db_result *res, const struct db_error *err)
{
	struct req *r = arg;
	Rigbook__Response resp = RIGBOOK__RESPONSE__INIT;
	Rigbook__ListResourcesReply reply = RIGBOOK__LIST_RESOURCES_REPLY__INIT;
	Rigbook__Resource *rows = NULL, **ptrs = NULL;
	int n;

	if (err != NULL) {
		req_db_error(r, err);
		return;
	}
	n = db_ntuples(res);
	if (n > 0) {
		rows = calloc((size_t)n, sizeof(*rows));
		ptrs = calloc((size_t)n, sizeof(*ptrs));
		if (rows == NULL || ptrs == NULL) {
			free(rows);
			free(ptrs);
			req_error(r, RIGBOOK__ERROR_CODE__RESOURCE_EXHAUSTED, "out of memory", "");
			return;
		}
	}
	for (int i = 0; i < n; i++) {
		Rigbook__Resource *x = &rows[i];

		rigbook__resource__init(x);
		x->id = (uint64_t)db_get_int64(res, i, RC_ID);
		x->code = (char *)db_get(res, i, RC_CODE);
		x->name = (char *)db_get(res, i, RC_NAME);
		x->kind = rb_kind_parse(db_get(res, i, RC_KIND));
		x->institution_code = (char *)db_get(res, i, RC_INST_CODE);
		x->institution_name = (char *)db_get(res, i, RC_INST_NAME);
		x->space_code = (char *)db_get(res, i, RC_SPACE);
		x->time_zone = (char *)db_get(res, i, RC_TZ);
		x->description = (char *)db_get(res, i, RC_DESC);
		x->location = (char *)db_get(res, i, RC_LOCATION);
		x->retired = db_get_bool(res, i, RC_RETIRED);
		ptrs[i] = x;
	}
	reply.n_resources = (size_t)n;
	reply.resources = ptrs;
	resp.body_case = RIGBOOK__RESPONSE__BODY_LIST_RESOURCES;
	resp.list_resources = &reply;
	req_reply(r, &resp);
	free(rows);
	free(ptrs);
}

/* An optional text filter: NULL when empty. */
static const char *opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

void svc_list_resources(struct req *r, const Rigbook__Request *msg)
{
	const Rigbook__ListResourcesRequest *q = msg->list_resources;
	const char *params[6];

	if (!text_ok(q->code, 40) || !text_ok(q->space_code, 40) ||
	    !text_ok(q->institution_code, 40) || !text_ok(q->text, 200)) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  "filters are printable UTF-8 text: codes up to 40 bytes, text up to 200",
			  "");
		return;
	}
	if (q->kind != 0 && rb_kind_parse(rb_kind_name(q->kind)) == 0) {
		req_error(r, RIGBOOK__ERROR_CODE__INVALID_ARGUMENT,
			  "kind must be instrument, test_facility, machining, pilot_line or workspace",
			  "kind");
		return;
	}
	params[0] = opt(q->code);
	params[1] = q->kind != 0 ? rb_kind_name(q->kind) : NULL;
	params[2] = opt(q->space_code);
	params[3] = opt(q->institution_code);
	params[4] = opt(q->text);
	params[5] = q->include_retired ? "true" : "false";
	req_query(r, STMT_LIST_RESOURCES, params, 6, list_done);
}
