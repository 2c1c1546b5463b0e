/*
 * calendar: one week of a resource as a grid, hours down, Monday to Sunday
 * across, in the resource's own zone.  A cell is one local hour and shows
 * what holds most of it: closed ' ', free '.', your booking '#', taken by
 * others 'x', maintenance or another closure 'M'; free time already past
 * is '-' (it cannot be booked).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "rigbook/rbtime.h"
#include "i18n.h"

/* Ordered by precedence when two states hold a cell equally long. */
enum cal_state { CAL_CLOSED, CAL_FREE, CAL_TAKEN, CAL_MINE, CAL_MAINT, CAL_PAST, CAL_NSTATES };

static const char cal_mark[CAL_NSTATES] = { ' ', '.', 'x', '#', 'M', '-' };
static const char *const cal_name[CAL_NSTATES] = { "closed", "free", "taken", "mine",
						   "maintenance", "past" };
static const char *const cal_colour[CAL_NSTATES] = { "", "\033[32m", "\033[31m", "\033[1;36m",
						     "\033[33m", "\033[2m" };
static const char *const day_names[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

#define CELL_WIDTH 9
#define LEGEND N_("legend: '.' free  '#' yours  'x' taken  'M' maintenance/closure  ' ' closed")

static const struct cmd_opt calendar_opts[] = {
	{ "week", 1, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

struct cal {
	struct rb_date monday;
	int64_t cell[7][25];        /* the instants starting each local hour; [d][24]: next day */
	int64_t held[7][24][CAL_NSTATES]; /* seconds of each state in each cell */
	enum cal_state state[7][24];
	int shown[24];              /* the rows to show */
};

static int covers(int64_t s, int64_t e, int64_t a, int64_t b)
{
	return s <= a && e >= b;
}

/* The state of [a, b), a stretch in which nothing starts or ends. */
static enum cal_state classify(const Rigbook__AvailabilityReply *r, unsigned units, int64_t a,
			       int64_t b)
{
	unsigned taken = 0;
	int open = 0, closed = 0, mine = 0;
	size_t i;

	for (i = 0; i < r->n_open && !open; i++)
		open = covers(r->open[i]->start, r->open[i]->end, a, b);
	for (i = 0; i < r->n_closures && !closed; i++)
		closed = covers(r->closures[i]->start, r->closures[i]->end, a, b);
	for (i = 0; i < r->n_busy; i++) {
		if (covers(r->busy[i]->start, r->busy[i]->end, a, b)) {
			taken++;
			mine |= r->busy[i]->mine;
		}
	}
	if (closed && open)
		return CAL_MAINT;
	if (mine)
		return CAL_MINE;
	if (taken >= units)
		return CAL_TAKEN;
	return open ? CAL_FREE : CAL_CLOSED;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void add_point(int64_t *pts, size_t *n, int64_t t, int64_t a, int64_t b)
{
	if (t > a && t < b)
		pts[(*n)++] = t;
}

/* How long each state holds [a, b); returns -1 when out of memory. */
static int measure(const Rigbook__AvailabilityReply *r, unsigned units, int64_t a, int64_t b,
		   int64_t held[CAL_NSTATES])
{
	size_t cap = 2 + 2 * (r->n_open + r->n_closures + r->n_busy), n = 0, i;
	int64_t *pts;

	memset(held, 0, CAL_NSTATES * sizeof(held[0]));
	if (b <= a)
		return 0; /* an hour the clocks skip */
	pts = malloc(cap * sizeof(*pts));
	if (pts == NULL)
		return -1;
	pts[n++] = a;
	pts[n++] = b;
	for (i = 0; i < r->n_open; i++) {
		add_point(pts, &n, r->open[i]->start, a, b);
		add_point(pts, &n, r->open[i]->end, a, b);
	}
	for (i = 0; i < r->n_closures; i++) {
		add_point(pts, &n, r->closures[i]->start, a, b);
		add_point(pts, &n, r->closures[i]->end, a, b);
	}
	for (i = 0; i < r->n_busy; i++) {
		add_point(pts, &n, r->busy[i]->start, a, b);
		add_point(pts, &n, r->busy[i]->end, a, b);
	}
	qsort(pts, n, sizeof(*pts), cmp_i64);
	for (i = 0; i + 1 < n; i++)
		if (pts[i + 1] > pts[i])
			held[classify(r, units, pts[i], pts[i + 1])] += pts[i + 1] - pts[i];
	free(pts);
	return 0;
}

/* The state holding a cell longest; on a tie the one that matters more. */
static enum cal_state dominant(const int64_t held[CAL_NSTATES])
{
	enum cal_state best = CAL_CLOSED;

	for (int s = 1; s < CAL_PAST; s++)
		if (held[s] > 0 && held[s] >= held[best])
			best = (enum cal_state)s;
	return best;
}

/*
 * The rows: around the clock when no hours are set; otherwise from the first
 * to the last hour with open or booked time that week (the weekly hours when
 * the whole week is closed).
 */
static void pick_rows(struct cal *c, const Rigbook__ResourceDetail *d)
{
	int first = 24, last = -1;

	memset(c->shown, 0, sizeof(c->shown));
	if (d->n_hours == 0) {
		first = 0;
		last = 23;
	}
	for (int day = 0; day < 7; day++)
		for (int h = 0; h < 24; h++)
			for (int s = CAL_FREE; s < CAL_PAST; s++)
				if (c->held[day][h][s] > 0) {
					first = h < first ? h : first;
					last = h > last ? h : last;
				}
	if (last < 0) {
		for (size_t i = 0; i < d->n_hours; i++) {
			int a = (int)d->hours[i]->opens / 60;
			int b = ((int)d->hours[i]->closes + 59) / 60 - 1;

			first = a < first ? a : first;
			last = b > last ? b : last;
		}
	}
	if (last < 0 || last > 23) {
		first = 0;
		last = 23;
	}
	for (int h = first; h <= last; h++)
		c->shown[h] = 1;
}

static int use_colour(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
}

static void print_grid(const struct cal *c, const char *code, const char *tz, unsigned units)
{
	int colour = use_colour(), today = -1, now_hour = -1;
	struct rb_date last = rb_date_add(&c->monday, 6), now_day;
	char week[RB_DATE_TEXT], a[RB_DATE_TEXT], b[RB_DATE_TEXT];

	/* where "now" is, marked only for a person at a colour terminal */
	if (colour && rb_time_local((int64_t)time(NULL), tz, &now_day, &now_hour) == 0) {
		int64_t off = rb_date_diff(&c->monday, &now_day);

		if (off >= 0 && off < 7)
			today = (int)off;
		now_hour /= 60;
	}
	rb_iso_week_format(&c->monday, week, sizeof(week));
	rb_date_format(&c->monday, a, sizeof(a));
	rb_date_format(&last, b, sizeof(b));
	out_put_clean(stdout, code);
	printf(_("  week %s, %s to %s ("), week, a, b);
	out_put_clean(stdout, tz);
	fputs(C_("paren", ")\n"), stdout);
	if (units > 1)
		printf(_("%u identical units: 'x' when every one is taken\n"), units);
	fputc('\n', stdout);

	printf("%-5s", "");
	for (int day = 0; day < 7; day++) {
		struct rb_date dd = rb_date_add(&c->monday, day);
		char head[32];
		int pad;

		/* TRANSLATORS: a day's column of the calendar, 9 columns wide: weekday, MM-DD */
		snprintf(head, sizeof(head), _("%s %02d-%02d"), i18n_weekday(day + 1), dd.month, dd.day);
		pad = out_width(head) < CELL_WIDTH ? CELL_WIDTH - (int)out_width(head) : 0;
		fputc(' ', stdout);
		if (day == today)
			printf("\033[7m%s%*s\033[0m", head, pad, "");
		else
			printf("%s%*s", head, pad, "");
	}
	fputc('\n', stdout);
	for (int h = 0; h < 24; h++) {
		int lastday = -1;

		if (!c->shown[h])
			continue;
		if (today >= 0 && h == now_hour)
			printf("\033[7m%02d:00\033[0m", h);
		else
			printf("%02d:00", h);
		/* no blanks at the end of a line */
		for (int day = 0; day < 7; day++)
			if (c->state[day][h] != CAL_CLOSED)
				lastday = day;
		for (int day = 0; day <= lastday; day++) {
			enum cal_state st = c->state[day][h];
			char cell[CELL_WIDTH + 1];

			memset(cell, cal_mark[st], CELL_WIDTH);
			cell[CELL_WIDTH] = '\0';
			fputc(' ', stdout);
			if (colour && st != CAL_CLOSED)
				printf("%s%s\033[0m", cal_colour[st], cell);
			else
				fputs(cell, stdout);
		}
		fputc('\n', stdout);
	}
	fputc('\n', stdout);
	fputs(_(LEGEND), stdout);
	for (int day = 0; day < 7; day++)
		for (int h = 0; h < 24; h++)
			if (c->state[day][h] == CAL_PAST && c->shown[h]) {
				fputs(_("  '-' past"), stdout);
				day = 7;
				break;
			}
	fputc('\n', stdout);
}

static void print_json(const struct cal *c, const char *code, const char *tz, unsigned units)
{
	struct out_json j;
	char s[RB_DATE_TEXT];

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_string(&j, "resource", code);
	out_json_kv_string(&j, "time_zone", tz);
	rb_iso_week_format(&c->monday, s, sizeof(s));
	out_json_kv_string(&j, "week", s);
	out_json_kv_uint(&j, "units", units);
	out_json_key(&j, "days");
	out_json_begin_array(&j);
	for (int day = 0; day < 7; day++) {
		struct rb_date dd = rb_date_add(&c->monday, day);

		rb_date_format(&dd, s, sizeof(s));
		out_json_begin_object(&j);
		out_json_kv_string(&j, "date", s);
		out_json_kv_string(&j, "day", day_names[day]);
		out_json_kv_int(&j, "start", c->cell[day][0]);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_key(&j, "rows");
	out_json_begin_array(&j);
	for (int h = 0; h < 24; h++) {
		char marks[8];

		if (!c->shown[h])
			continue;
		out_json_begin_object(&j);
		out_json_kv_uint(&j, "hour", (uint64_t)h);
		for (int day = 0; day < 7; day++)
			marks[day] = cal_mark[c->state[day][h]];
		marks[7] = '\0';
		out_json_kv_string(&j, "marks", marks);
		out_json_key(&j, "cells");
		out_json_begin_array(&j);
		for (int day = 0; day < 7; day++)
			out_json_string(&j, cal_name[c->state[day][h]]);
		out_json_end_array(&j);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_key(&j, "legend");
	out_json_begin_object(&j);
	for (int st = 0; st < CAL_NSTATES; st++) {
		char k[2] = { cal_mark[st], '\0' };

		out_json_kv_string(&j, k, cal_name[st]);
	}
	out_json_end_object(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int cmd_calendar_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const char *code = args->pos[0], *week = cmd_arg(args, "week");
	Rigbook__Request req = RIGBOOK__REQUEST__INIT;
	Rigbook__AvailabilityRequest ar = RIGBOOK__AVAILABILITY_REQUEST__INIT;
	Rigbook__Response *dresp = NULL, *resp = NULL;
	const Rigbook__ResourceDetail *d;
	const Rigbook__AvailabilityReply *r;
	struct cal *c;
	char tz[128], err[256];
	unsigned units;
	int64_t now = (int64_t)time(NULL);
	int rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return cmd_failed(_("out of memory"));
	if (week != NULL && rb_iso_week_parse(week, &c->monday, err, sizeof(err)) != 0) {
		free(c);
		return cmd_bad_value(ctx, _("--week: %s"), err);
	}
	rc = cmd_detail(ctx, code, &dresp, &d);
	if (rc != CMD_OK) {
		free(c);
		return rc;
	}
	snprintf(tz, sizeof(tz), "%s", d->resource->time_zone);
	units = d->resource->units > 1 ? d->resource->units : 1;
	if (week == NULL) {
		struct rb_date today;

		if (rb_time_local((int64_t)time(NULL), tz, &today, NULL) != 0) {
			rc = cmd_failed(_("the time zone %s is not known here"), tz);
			goto out;
		}
		c->monday = rb_date_add(&today, 1 - rb_date_weekday(&today));
	}
	for (int day = 0; day < 7; day++) {
		struct rb_date dd = rb_date_add(&c->monday, day);

		for (int h = 0; h <= 24; h++) {
			if (rb_time_at(&dd, h * 60, tz, &c->cell[day][h]) != 0) {
				rc = cmd_failed(_("the time zone %s is not known here"), tz);
				goto out;
			}
		}
	}

	ar.resource_code = (char *)code;
	ar.from = c->cell[0][0];
	ar.to = c->cell[6][24];
	req.body_case = RIGBOOK__REQUEST__BODY_AVAILABILITY;
	req.availability = &ar;
	rc = cmd_call(ctx, &req, RIGBOOK__RESPONSE__BODY_AVAILABILITY, &resp);
	if (rc != CMD_OK)
		goto out;
	r = resp->availability;
	if (r == NULL) {
		rc = cmd_failed(_("the server's answer is empty"));
		goto out;
	}
	for (int day = 0; day < 7; day++) {
		for (int h = 0; h < 24; h++) {
			if (measure(r, units, c->cell[day][h], c->cell[day][h + 1], c->held[day][h]) != 0) {
				rc = cmd_failed(_("out of memory"));
				goto out;
			}
			c->state[day][h] = dominant(c->held[day][h]);
			/* an hour gone by is no longer free */
			if (c->state[day][h] == CAL_FREE && c->cell[day][h + 1] <= now)
				c->state[day][h] = CAL_PAST;
		}
	}
	pick_rows(c, d);
	if (ctx->json)
		print_json(c, code, tz, units);
	else
		print_grid(c, code, tz, units);
out:
	if (resp != NULL)
		rigbook__response__free_unpacked(resp, NULL);
	rigbook__response__free_unpacked(dresp, NULL);
	free(c);
	return rc;
}

const struct cmd_entry cmd_calendar_entry = {
	.name = "calendar",
	.usage = "CODE [--week 2026-W49]",
	.summary = N_("show a week of a resource as a grid of hours"),
	.options = calendar_opts,
	.lower = 1,
	.upper = 1,
	.exec = cmd_calendar_exec,
};
