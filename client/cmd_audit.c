/*
 * audit: who did what, newest first, as the server lets the caller read it
 * (admins everything, operators their space, managers their institution's
 * resources).  Times are UTC, in and out; --since and --until may carry an
 * offset.  Pages of --limit entries; --all follows the pages to the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "rigbook/rbtime.h"

static const struct cmd_opt audit_opts[] = {
	{ "since", 1, NULL },
	{ "until", 1, NULL },
	{ "member", 1, NULL },
	{ "resource", 1, NULL },
	{ "action", 1, NULL },
	{ "limit", 1, NULL },
	{ "before", 1, NULL },
	{ "all", 0, NULL },
	{ "csv", 0, NULL },
	{ NULL, 0, NULL },
};

enum audit_format { AF_TABLE, AF_JSON, AF_CSV };

static void json_entry(struct out_json *j, const Rigbook__AuditEntry *e)
{
	char at[48];

	cmd_time_text(e->at, NULL, at, sizeof(at)); /* UTC, with its Z */
	out_json_begin_object(j);
	out_json_kv_uint(j, "id", e->id);
	out_json_kv_int(j, "at", e->at);
	out_json_kv_string(j, "at_utc", at);
	out_json_kv_string(j, "member", e->member_handle);
	out_json_kv_string(j, "action", e->action);
	out_json_kv_string(j, "object", e->object);
	out_json_kv_uint(j, "object_id", e->object_id);
	out_json_kv_string(j, "resource", e->resource_code);
	out_json_kv_string(j, "space", e->space_code);
	out_json_kv_string(j, "peer", e->peer);
	/* the detail is JSON already: embedded as a string, so a reader parses it once more */
	out_json_kv_string(j, "detail", e->detail);
	out_json_end_object(j);
}

static int add_row(struct out_table *t, const Rigbook__AuditEntry *e, enum audit_format fmt)
{
	char id[24], at[48], obj[96];
	const char *cells[8];

	snprintf(id, sizeof(id), "%" PRIu64, e->id);
	cmd_time_text(e->at, NULL, at, sizeof(at)); /* UTC, with its Z */
	if (e->object_id != 0)
		snprintf(obj, sizeof(obj), "%s %" PRIu64, e->object, e->object_id);
	else
		snprintf(obj, sizeof(obj), "%s", e->object);
	cells[0] = id;
	cells[1] = at;
	cells[2] = e->member_handle[0] ? e->member_handle : "-";
	cells[3] = e->action;
	cells[4] = obj;
	cells[5] = e->resource_code[0] ? e->resource_code : "-";
	cells[6] = e->peer;
	cells[7] = e->detail;
	if (fmt == AF_CSV) {
		cells[2] = e->member_handle;
		cells[5] = e->resource_code;
		out_csv_row(stdout, cells, 8);
		return 0;
	}
	return out_table_add(t, cells);
}

static int cmd_audit_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *const head[] = { N_("ID"), N_("AT (UTC)"), N_("WHO"), N_("ACTION"), N_("OBJECT"),
				     N_("RESOURCE"),
				     /* TRANSLATORS: audit's column: the address a change came from */
				     C_("audit", "FROM"), N_("DETAIL") };
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListAuditRequest q = RIGBOOK__LIST_AUDIT_REQUEST__INIT;
	enum audit_format fmt = ctx->json ? AF_JSON : cmd_arg(args, "csv") ? AF_CSV : AF_TABLE;
	const char *since = cmd_arg(args, "since"), *until = cmd_arg(args, "until");
	const char *before = cmd_arg(args, "before");
	int all = cmd_arg(args, "all") != NULL;
	struct out_table *t = NULL;
	struct out_json j;
	char err[256];
	uint32_t limit = 100;
	size_t shown = 0;
	int rc = CMD_OK;

	if (ctx->json && cmd_arg(args, "csv"))
		return cmd_usage_error(ctx, _("--json and --csv do not go together"));
	if (since != NULL && rb_time_parse(since, "UTC", &q.since, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--since: %s"), err);
	if (until != NULL && rb_time_parse_until(until, "UTC", &q.until, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--until: %s"), err);
	if (q.since != 0 && q.until != 0 && q.until <= q.since)
		return cmd_bad_value(ctx, _("--until must be after --since"));
	if (cmd_arg(args, "limit") != NULL &&
	    cmd_count_arg(ctx, "--limit", cmd_arg(args, "limit"), 1, 1000, 0, &limit) != CMD_OK)
		return CMD_USAGE;
	if (before != NULL && cmd_booking_id(before, &q.before_id) != 0)
		return cmd_bad_value(ctx, _("--before: '%s' is not an entry id (a number, as audit shows)"),
				     before);
	q.member_handle = (char *)cmd_arg(args, "member");
	q.resource_code = (char *)cmd_arg(args, "resource");
	q.action = (char *)cmd_arg(args, "action");
	q.limit = limit;
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_AUDIT;
	req.list_audit = &q;

	if (fmt == AF_TABLE) {
		t = out_table_new(8, head);
		if (t == NULL)
			return cmd_failed(_("out of memory"));
	} else if (fmt == AF_JSON) {
		out_json_init(&j, stdout);
		out_json_begin_array(&j);
	} else {
		out_csv_row(stdout, (const char *const[]){ "id", "at_utc", "member", "action", "object",
							   "resource", "peer", "detail" }, 8);
	}
	for (;;) {
		Rigbook__Response *resp;
		const Rigbook__ListAuditReply *a;

		rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_AUDIT, &resp);
		if (rc != CMD_OK)
			break;
		a = resp->list_audit;
		for (size_t i = 0; a != NULL && i < a->n_entries; i++) {
			if (fmt == AF_JSON)
				json_entry(&j, a->entries[i]);
			else if (add_row(t, a->entries[i], fmt) != 0)
				rc = cmd_failed(_("out of memory"));
			shown++;
		}
		q.before_id = a != NULL ? a->next_before_id : 0;
		rigbook__response__free_unpacked(resp, NULL);
		if (rc != CMD_OK || !all || q.before_id == 0)
			break;
	}
	if (fmt == AF_JSON) {
		out_json_end_array(&j);
		out_json_finish(&j);
	} else if (fmt == AF_TABLE) {
		if (rc == CMD_OK) {
			if (shown == 0)
				fputs(_("no audit entries match\n"), stdout);
			else
				out_table_print(t, stdout);
			if (!all && q.before_id != 0)
				fprintf(stderr, _("rigbook: more entries are older: --before %" PRIu64
						  " (or --all)\n"), q.before_id);
		}
		out_table_free(t);
	}
	return rc;
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[--since TIME] [--until TIME] [--member M] [--resource CODE] [--action A] "
		 "[--limit N] [--before ID | --all] [--csv]",
	.summary = N_("who did what, newest first (staff: your space's or institution's)"),
	.options = audit_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_audit_exec,
};
