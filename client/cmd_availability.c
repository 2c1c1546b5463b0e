/*
 * availability: when one resource is free, taken, closed or outside its
 * opening hours, as one timeline over [from, to) in the resource's zone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rigbook/names.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

#define DEFAULT_SPAN (7 * 86400)

static const struct cmd_opt availability_opts[] = {
	{ "from", 1, NULL },
	{ "to", 1, NULL },
	{ NULL, 0, NULL },
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int covers(int64_t s, int64_t e, int64_t a, int64_t b)
{
	return s <= a && e >= b;
}

/* What [a, b) is: the first rule that applies wins. */
static void describe(const Rigbook__AvailabilityReply *r, unsigned units, int64_t a, int64_t b,
		     char *buf, size_t len)
{
	const Rigbook__Busy *one = NULL;
	unsigned taken = 0;
	size_t i;
	int open = 0;

	for (i = 0; i < r->n_closures; i++) {
		const Rigbook__Closure *c = r->closures[i];

		if (covers(c->start, c->end, a, b)) {
			snprintf(buf, len, "%s%s%.120s%s",
				 c->kind == RIGBOOK__CLOSURE_KIND__MAINTENANCE ? _("maintenance") : _("closed"),
				 c->reason[0] != '\0' ? " (" : "", c->reason,
				 c->reason[0] != '\0' ? ")" : "");
			return;
		}
	}
	for (i = 0; i < r->n_busy; i++) {
		if (covers(r->busy[i]->start, r->busy[i]->end, a, b)) {
			if (one == NULL)
				one = r->busy[i];
			taken++;
		}
	}
	if (taken >= units) {
		if (units > 1)
			snprintf(buf, len, _("taken (all %u units)"), units);
		else if (one->mine)
			snprintf(buf, len, _("%s: your booking %" PRIu64), i18n_state(rb_state_name(one->state)),
				 one->booking_id);
		else if (one->booking_id != 0)
			snprintf(buf, len, _("%s: booking %" PRIu64 " of your startup"),
				 i18n_state(rb_state_name(one->state)), one->booking_id);
		else
			snprintf(buf, len, _("taken (%s)"), i18n_state(rb_state_name(one->state)));
		return;
	}
	for (i = 0; i < r->n_open && !open; i++)
		open = covers(r->open[i]->start, r->open[i]->end, a, b);
	if (!open)
		snprintf(buf, len, _("closed (outside opening hours)"));
	else if (taken > 0)
		snprintf(buf, len, _("free (%u of %u units taken)"), taken, units);
	else
		snprintf(buf, len, _("free"));
}

static void clip_add(int64_t *pts, size_t *n, int64_t t, int64_t from, int64_t to)
{
	if (t > from && t < to)
		pts[(*n)++] = t;
}

static int add_row(struct out_table *t, int64_t start, int64_t end, const char *tz,
		   const char *status)
{
	char w[RB_WINDOW_TEXT + 16];
	const char *row[2] = { w, status };

	if (cmd_window_words(start, end, tz, w, sizeof(w)) != 0)
		snprintf(w, sizeof(w), "%" PRId64 "-%" PRId64, start, end);
	return out_table_add(t, row);
}

static int print_timeline(const Rigbook__AvailabilityReply *r, int64_t from, int64_t to,
			  const char *tz)
{
	static const char *const head[] = { N_("WHEN"), N_("STATUS") };
	unsigned units = r->resource != NULL && r->resource->units > 1 ? r->resource->units : 1;
	size_t cap = 2 + 2 * (r->n_busy + r->n_open + r->n_closures), n = 0, i;
	int64_t *pts = malloc(cap * sizeof(*pts)), seg_start;
	char cur[200], next[200];
	struct out_table *t = out_table_new(2, head);
	int rc = 0;

	if (pts == NULL || t == NULL) {
		free(pts);
		out_table_free(t);
		return cmd_failed(_("out of memory"));
	}
	pts[n++] = from;
	pts[n++] = to;
	for (i = 0; i < r->n_busy; i++) {
		clip_add(pts, &n, r->busy[i]->start, from, to);
		clip_add(pts, &n, r->busy[i]->end, from, to);
	}
	for (i = 0; i < r->n_open; i++) {
		clip_add(pts, &n, r->open[i]->start, from, to);
		clip_add(pts, &n, r->open[i]->end, from, to);
	}
	for (i = 0; i < r->n_closures; i++) {
		clip_add(pts, &n, r->closures[i]->start, from, to);
		clip_add(pts, &n, r->closures[i]->end, from, to);
	}
	qsort(pts, n, sizeof(*pts), cmp_i64);

	/* walk the elementary intervals, merging neighbours that read the same */
	seg_start = from;
	cur[0] = '\0';
	for (i = 0; i + 1 < n && rc == 0; i++) {
		if (pts[i] == pts[i + 1])
			continue;
		describe(r, units, pts[i], pts[i + 1], next, sizeof(next));
		if (cur[0] != '\0' && strcmp(cur, next) != 0) {
			rc = add_row(t, seg_start, pts[i], tz, cur);
			seg_start = pts[i];
		}
		memcpy(cur, next, sizeof(cur));
	}
	if (rc == 0 && cur[0] != '\0')
		rc = add_row(t, seg_start, to, tz, cur);
	free(pts);
	if (rc != 0) {
		out_table_free(t);
		return cmd_failed(_("out of memory"));
	}
	out_table_print(t, stdout);
	out_table_free(t);
	return CMD_OK;
}

static void json_window(struct out_json *j, int64_t start, int64_t end, const char *tz)
{
	char s[RB_TIME_TEXT + 4];

	out_json_kv_int(j, "start", start);
	out_json_kv_int(j, "end", end);
	cmd_time_text(start, tz, s, sizeof(s));
	out_json_kv_string(j, "start_local", s);
	cmd_time_text(end, tz, s, sizeof(s));
	out_json_kv_string(j, "end_local", s);
}

static void print_json(const Rigbook__AvailabilityReply *r, const char *code, int64_t from,
		       int64_t to, const char *tz)
{
	struct out_json j;
	size_t i;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_string(&j, "resource", code);
	out_json_kv_string(&j, "time_zone", tz);
	out_json_kv_uint(&j, "units",
			 r->resource != NULL && r->resource->units > 1 ? r->resource->units : 1);
	out_json_kv_int(&j, "from", from);
	out_json_kv_int(&j, "to", to);
	out_json_key(&j, "busy");
	out_json_begin_array(&j);
	for (i = 0; i < r->n_busy; i++) {
		const Rigbook__Busy *b = r->busy[i];

		out_json_begin_object(&j);
		json_window(&j, b->start, b->end, tz);
		out_json_kv_string(&j, "state", rb_state_name(b->state));
		out_json_key(&j, "booking_id");
		if (b->booking_id != 0)
			out_json_uint(&j, b->booking_id);
		else
			out_json_null(&j);
		out_json_kv_bool(&j, "mine", b->mine);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_key(&j, "open");
	out_json_begin_array(&j);
	for (i = 0; i < r->n_open; i++) {
		out_json_begin_object(&j);
		json_window(&j, r->open[i]->start, r->open[i]->end, tz);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_key(&j, "closures");
	out_json_begin_array(&j);
	for (i = 0; i < r->n_closures; i++) {
		const Rigbook__Closure *c = r->closures[i];

		out_json_begin_object(&j);
		out_json_kv_uint(&j, "id", c->id);
		json_window(&j, c->start, c->end, tz);
		out_json_kv_string(&j, "kind", c->kind == RIGBOOK__CLOSURE_KIND__MAINTENANCE
							? "maintenance"
							: "closure");
		out_json_kv_string(&j, "reason", c->reason);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int cmd_availability_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *from = cmd_arg(args, "from"), *to = cmd_arg(args, "to");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AvailabilityRequest ar = RIGBOOK__AVAILABILITY_REQUEST__INIT;
	Rigbook__Response *resp = NULL;
	const Rigbook__Resource *res;
	char tz[128], err[256];
	int64_t t;
	int rc;

	/* refuse what cannot be a time before talking to the server */
	if (from != NULL && rb_time_parse(from, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--from: %s"), err);
	if (to != NULL && rb_time_parse(to, "UTC", &t, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	rc = cmd_resource(ctx, code, &resp, &res);
	if (rc != CMD_OK)
		return rc;
	snprintf(tz, sizeof(tz), "%s", res->time_zone != NULL ? res->time_zone : "");
	rigbook__response__free_unpacked(resp, NULL);
	resp = NULL;

	if (from == NULL) {
		ar.from = (int64_t)time(NULL);
		ar.from -= ar.from % 60;
	} else if (rb_time_parse(from, tz, &ar.from, err, sizeof(err)) != 0) {
		return cmd_bad_value(ctx, _("--from: %s"), err);
	}
	if (to == NULL)
		ar.to = ar.from + DEFAULT_SPAN;
	else if (rb_time_parse_until(to, tz, &ar.to, err, sizeof(err)) != 0)
		return cmd_bad_value(ctx, _("--to: %s"), err);

	ar.resource_code = (char *)code;
	req.body_case = RIGBOOK__REQUEST__BODY_AVAILABILITY;
	req.availability = &ar;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_AVAILABILITY, &resp);
	if (rc != CMD_OK)
		return rc;
	if (resp->availability == NULL) {
		rigbook__response__free_unpacked(resp, NULL);
		return cmd_failed(_("the server's answer is empty"));
	}
	if (ctx->json) {
		print_json(resp->availability, code, ar.from, ar.to, tz);
	} else {
		out_put_clean(stdout, code);
		fputs(C_("paren", " ("), stdout);
		out_put_clean(stdout, tz);
		fputs(C_("paren", ")\n"), stdout);
		rc = print_timeline(resp->availability, ar.from, ar.to, tz);
	}
	rigbook__response__free_unpacked(resp, NULL);
	return rc;
}

const struct cmd_entry cmd_availability_entry = {
	.name = "availability",
	.usage = "CODE [--from TIME] [--to TIME]",
	.summary = N_("show when a resource is free, taken or closed"),
	.options = availability_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_availability_exec,
};
