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
#include "render.h"
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
	{ "csv-headers", 1, NULL },
	{ NULL, 0, NULL },
};

/* "booking 12", or the object alone; JSON has the id apart (object_id). */
static void get_object(const void *row, const struct rnd *r, struct rnd_val *v)
{
	const Rigbook__AuditEntry *e = row;

	v->s = e->object;
	if (r->fmt != RND_JSON && e->object_id != 0) {
		snprintf(v->buf, sizeof(v->buf), "%s %" PRIu64, e->object, e->object_id);
		v->s = v->buf;
	}
}

/* Times are UTC, with their Z. */
static void get_at(const void *row, const struct rnd *r, struct rnd_val *v)
{
	(void)r;
	v->i = ((const Rigbook__AuditEntry *)row)->at;
}

static const struct rnd_col audit_cols[] = {
	{ "id", NC_("csv", "id"), N_("ID"), RND_UINT, 0, RND_U64(Rigbook__AuditEntry, id) },
	{ "at", NULL, NULL, RND_INT, 0, RND_I64(Rigbook__AuditEntry, at) },
	{ "at_utc", NC_("csv", "at_utc"), N_("AT (UTC)"), RND_INSTANT, 0, .get = get_at },
	{ "member", NC_("csv", "member"), N_("WHO"), RND_TEXT, RND_DASH,
	  RND_STR(Rigbook__AuditEntry, member_handle) },
	{ "action", NC_("csv", "action"), N_("ACTION"), RND_TEXT, 0, RND_STR(Rigbook__AuditEntry, action) },
	{ "object", NC_("csv", "object"), N_("OBJECT"), RND_TEXT, 0, .get = get_object },
	{ "object_id", NULL, NULL, RND_UINT, 0, RND_U64(Rigbook__AuditEntry, object_id) },
	{ "resource", NC_("csv", "resource"), N_("RESOURCE"), RND_TEXT, RND_DASH,
	  RND_STR(Rigbook__AuditEntry, resource_code) },
	{ "space", NULL, NULL, RND_TEXT, 0, RND_STR(Rigbook__AuditEntry, space_code) },
	/* TRANSLATORS: audit's column: the address a change came from */
	{ "peer", NC_("csv", "peer"), NC_("audit", "FROM"), RND_TEXT, 0, RND_STR(Rigbook__AuditEntry, peer),
	  .hctx = "audit" },
	/* the detail is JSON already: embedded as a string, so a reader parses it once more */
	{ "detail", NC_("csv", "detail"), N_("DETAIL"), RND_TEXT, 0, RND_STR(Rigbook__AuditEntry, detail) },
};

static int cmd_audit_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListAuditRequest q = RIGBOOK__LIST_AUDIT_REQUEST__INIT;
	enum rnd_format fmt = ctx->json ? RND_JSON : cmd_arg(args, "csv") ? RND_CSV : RND_TABLE;
	const char *since = cmd_arg(args, "since"), *until = cmd_arg(args, "until");
	const char *before = cmd_arg(args, "before");
	int all = cmd_arg(args, "all") != NULL, local = cmd_csv_headers(ctx, args);
	struct rnd out;
	char err[256];
	uint32_t limit = 100;
	int rc = CMD_OK;

	if (local < 0)
		return CMD_USAGE;
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

	rnd_init(&out, fmt, stdout, audit_cols, RND_NCOLS(audit_cols), NULL);
	out.local = local;
	if (rnd_begin(&out) != 0)
		return cmd_failed(_("out of memory"));
	for (;;) {
		Rigbook__Response *resp;
		const Rigbook__ListAuditReply *a;

		rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_AUDIT, &resp);
		if (rc != CMD_OK)
			break;
		a = resp->list_audit;
		for (size_t i = 0; a != NULL && i < a->n_entries && rc == CMD_OK; i++)
			if (rnd_row(&out, a->entries[i]) != 0)
				rc = cmd_failed(_("out of memory"));
		q.before_id = a != NULL ? a->next_before_id : 0;
		rigbook__response__free_unpacked(resp, NULL);
		if (rc != CMD_OK || !all || q.before_id == 0)
			break;
	}
	if (rc != CMD_OK)
		out.failed = 1; /* no table after an error (JSON is still closed) */
	else if (fmt == RND_TABLE && out.rows == 0)
		fputs(_("no audit entries match\n"), stdout);
	rnd_end(&out);
	if (fmt == RND_TABLE && rc == CMD_OK && !all && q.before_id != 0)
		fprintf(stderr, _("rigbook: more entries are older: --before %" PRIu64 " (or --all)\n"),
			q.before_id);
	return rc;
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "[--since TIME] [--until TIME] [--member M] [--resource CODE] [--action A] "
		 "[--limit N] [--before ID | --all] [--csv [--csv-headers keys|local]]",
	.summary = N_("who did what, newest first (staff: your space's or institution's)"),
	.options = audit_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_audit_exec,
};
