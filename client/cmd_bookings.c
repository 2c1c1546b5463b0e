/* bookings: the caller's (or their startup's) bookings. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rigbook/ics.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

static const struct cmd_opt bookings_opts[] = {
	{ "startup", 0, NULL },
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ "resource", 1, NULL },
	{ "all-states", 0, NULL },
	{ "limit", 1, NULL },
	{ "ics", 0, NULL },
	{ NULL, 0, NULL },
};

static int parse_limit(const char *s, uint32_t *out)
{
	unsigned long v = 0;

	if (*s == '\0' || strlen(s) > 4)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 1000)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int cmd_bookings_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	const char *code = cmd_arg(args, "resource"), *limit = cmd_arg(args, "limit");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__ListBookingsRequest lb = RIGBOOK__LIST_BOOKINGS_REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	const Rigbook__Resource *res;
	const char *tz = NULL; /* the local zone unless one resource is asked for */
	char zone[128], err[256];
	struct out_json j;
	int64_t t;
	size_t i;
	int rc, ics = cmd_arg(args, "ics") != NULL;

	if (ics && ctx->json)
		return cmd_usage_error(ctx, _("--ics and --json do not go together"));
	if (limit != NULL && parse_limit(limit, &lb.limit) != 0)
		return cmd_usage_error(ctx, _("--limit takes a number from 1 to 1000"));
	/* refuse what cannot be a time before talking to the server */
	if (from != NULL && rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (to != NULL && rb_time_parse(to, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	if (code != NULL) {
		rc = cmd_resource(ctx, code, &resp, &res);
		if (rc != CMD_OK)
			return rc;
		snprintf(zone, sizeof(zone), "%s", res->time_zone != NULL ? res->time_zone : "");
		rigbook__response__free_unpacked(resp, NULL);
		tz = zone;
		lb.resource_code = (char *)code;
	}
	if (from != NULL && rb_time_parse(from, tz, &lb.from, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (to != NULL && rb_time_parse_until(to, tz, &lb.to, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	lb.scope = cmd_arg(args, "startup") != NULL ? RIGBOOK__BOOKING_SCOPE__SCOPE_STARTUP
						    : RIGBOOK__BOOKING_SCOPE__SCOPE_MINE;
	lb.include_inactive = cmd_arg(args, "all-states") != NULL;
	req.body_case = RIGBOOK__REQUEST__BODY_LIST_BOOKINGS;
	req.list_bookings = &lb;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_LIST_BOOKINGS, &resp);
	if (rc != CMD_OK)
		return rc;

	const Rigbook__ListBookingsReply *reply = resp->list_bookings;

	if (ctx->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "bookings");
		out_json_begin_array(&j);
		for (i = 0; reply != NULL && i < reply->n_bookings; i++)
			cmd_json_booking(&j, reply->bookings[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CMD_OK;
	} else if (ics) {
		const Rigbook__HelloReply *session = rbc_session(ctx->conn);
		char domain[256];

		ics_domain(session != NULL ? session->space_code : NULL, ctx->opts.server, domain,
			   sizeof(domain));
		rc = CMD_OK;
		if (ics_write_calendar(stdout, reply != NULL ? reply->bookings : NULL,
				       reply != NULL ? reply->n_bookings : 0, domain,
				       (int64_t)time(NULL)) != 0)
			rc = cmd_failed(_("out of memory"));
	} else if (reply == NULL || reply->n_bookings == 0) {
		printf(_("no bookings\n"));
		rc = CMD_OK;
	} else {
		struct rnd out;

		rnd_init(&out, RND_TABLE, stdout, cmd_booking_cols, cmd_booking_ncols, NULL);
		out.view = CMD_BOOKINGS;
		rc = cmd_rows(&out, (const void *const *)reply->bookings, reply->n_bookings);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_bookings_entry = {
	.name = "bookings",
	.usage = "[--startup] [--from TIME] [--to TIME] [--resource CODE] [--all-states] [--limit N] [--ics]",
	.summary = N_("list your (--startup: your startup's) bookings not yet ended"),
	.options = bookings_opts,
	.lower = 0,
	.upper = 0,
	.exec = cmd_bookings_exec,
};
