#include "rows.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rigbook/names.h"
#include "sql.h"

void *msg_block(size_t n, size_t ptr_size, size_t size, void **msgs)
{
	const size_t align = _Alignof(max_align_t);
	size_t head;
	char *p;

	*msgs = NULL;
	if (n == 0 || n > (SIZE_MAX / 2 - align) / (ptr_size + size))
		return NULL;
	head = (n * ptr_size + align - 1) / align * align;
	p = calloc(1, head + n * size);
	if (p == NULL)
		return NULL;
	*msgs = p + head;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		void **nb = realloc(a->blocks, cap * sizeof(*nb));

		if (nb == NULL) {
			a->failed = 1;
			return NULL;
		}
		a->blocks = nb;
		a->cap = cap;
	}
	p = calloc(1, size ? size : 1);
	if (p == NULL) {
		a->failed = 1;
		return NULL;
	}
	a->blocks[a->n++] = p;
	return p;
}

void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->blocks[i]);
	free(a->blocks);
	memset(a, 0, sizeof(*a));
}

/* "a,b,c" -> a NULL-less array of strings, copied into the arena. */
static char **split(struct arena *a, const char *s, size_t *n)
{
	size_t count = 0, len = strlen(s);
	char *copy, **v, *save = NULL, *tok;

	*n = 0;
	if (len == 0)
		return NULL;
	for (const char *p = s; *p; p++)
		if (*p == ',')
			count++;
	count++;
	copy = arena_alloc(a, len + 1);
	v = arena_alloc(a, count * sizeof(*v));
	if (copy == NULL || v == NULL)
		return NULL;
	memcpy(copy, s, len + 1);
	for (tok = strtok_r(copy, ",", &save); tok != NULL && *n < count;
	     tok = strtok_r(NULL, ",", &save))
		v[(*n)++] = tok;
	return v;
}

static uint32_t u32(const struct db_result *res, int i, enum col col)
{
	int64_t v = db_get_int64(res, i, col);

	return v < 0 ? 0 : (uint32_t)v;
}

void resource_from_row(struct arena *a, Rigbook__Resource *x, const struct db_result *res, int i)
{
	Rigbook__Rules *rules = arena_alloc(a, sizeof(*rules));

	rigbook__resource__init(x);
	x->id = (uint64_t)db_get_int64(res, i, RES_ID);
	x->code = (char *)db_get(res, i, RES_CODE);
	x->name = (char *)db_get(res, i, RES_NAME);
	x->kind = rb_kind_parse(db_get(res, i, RES_KIND));
	x->institution_code = (char *)db_get(res, i, RES_INST_CODE);
	x->institution_name = (char *)db_get(res, i, RES_INST_NAME);
	x->space_code = (char *)db_get(res, i, RES_SPACE);
	x->time_zone = (char *)db_get(res, i, RES_TZ);
	x->description = (char *)db_get(res, i, RES_DESC);
	x->location = (char *)db_get(res, i, RES_LOCATION);
	x->retired = db_get_bool(res, i, RES_RETIRED);
	x->tags = split(a, db_get(res, i, RES_TAGS), &x->n_tags);
	x->units = u32(res, i, RES_UNITS);
	x->terms_version = u32(res, i, RES_TERMS_VERSION);
	x->requires = split(a, db_get(res, i, RES_REQUIRES), &x->n_requires);
	x->name_zh = (char *)db_get(res, i, RES_NAME_ZH);
	x->institution_name_zh = (char *)db_get(res, i, RES_INST_NAME_ZH);
	x->space_name = (char *)db_get(res, i, RES_SPACE_NAME);
	x->space_name_zh = (char *)db_get(res, i, RES_SPACE_NAME_ZH);
	if (rules != NULL) {
		rigbook__rules__init(rules);
		rules->slot_minutes = u32(res, i, RES_SLOT);
		rules->min_minutes = u32(res, i, RES_MIN);
		rules->max_minutes = u32(res, i, RES_MAX);
		rules->min_notice_minutes = u32(res, i, RES_NOTICE);
		rules->max_ahead_days = u32(res, i, RES_AHEAD);
		rules->buffer_minutes = u32(res, i, RES_BUFFER);
		rules->max_active_per_member = u32(res, i, RES_ACTIVE);
		rules->weekly_minutes_per_startup = u32(res, i, RES_WEEKLY);
		rules->max_active_per_startup = u32(res, i, RES_ACTIVE_STARTUP);
		rules->weekly_minutes_per_member = u32(res, i, RES_WEEKLY_MEMBER);
		rules->whole_days = db_get_bool(res, i, RES_WHOLE_DAYS);
		rules->min_gap_minutes = u32(res, i, RES_GAP);
		x->rules = rules;
	}
}

void booking_from_row(Rigbook__Booking *b, const struct db_result *res, int i)
{
	rigbook__booking__init(b);
	b->id = (uint64_t)db_get_int64(res, i, BC_ID);
	b->resource_code = (char *)db_get(res, i, BC_RESOURCE_CODE);
	b->resource_name = (char *)db_get(res, i, BC_RESOURCE_NAME);
	b->time_zone = (char *)db_get(res, i, BC_TIME_ZONE);
	b->start = db_get_int64(res, i, BC_START);
	b->end = db_get_int64(res, i, BC_END);
	b->state = rb_state_parse(db_get(res, i, BC_STATE));
	b->member_handle = (char *)db_get(res, i, BC_MEMBER);
	b->startup_code = (char *)db_get(res, i, BC_STARTUP);
	b->created_at = db_get_int64(res, i, BC_CREATED);
	b->note = (char *)db_get(res, i, BC_NOTE);
	b->cancelled_at = db_get_int64(res, i, BC_CANCELLED);
	b->cancel_reason = (char *)db_get(res, i, BC_CANCEL_REASON);
	b->unit = u32(res, i, BC_UNIT);
	b->override_reason = (char *)db_get(res, i, BC_OVERRIDE);
	b->parent_id = (uint64_t)db_get_int64(res, i, BC_PARENT);
	b->cancelled_by = (char *)db_get(res, i, BC_CANCELLED_BY);
	b->cancelled_late = db_get_bool(res, i, BC_CANCELLED_LATE);
	b->checked_in_at = db_get_int64(res, i, BC_CHECKED_IN);
	b->checked_out_at = db_get_int64(res, i, BC_CHECKED_OUT);
	b->usage_note = (char *)db_get(res, i, BC_USAGE_NOTE);
	b->series_id = (uint64_t)db_get_int64(res, i, BC_SERIES);
	b->decided_by = (char *)db_get(res, i, BC_DECIDED_BY);
	b->decision_reason = (char *)db_get(res, i, BC_DECISION_REASON);
	b->series_no = u32(res, i, BC_SERIES_NO);
	b->series_of = u32(res, i, BC_SERIES_OF);
}

static int closure_kind(const char *s)
{
	return strcmp(s, "maintenance") == 0 ? RIGBOOK__CLOSURE_KIND__MAINTENANCE
					     : RIGBOOK__CLOSURE_KIND__CLOSURE;
}

void closure_from_detail_row(Rigbook__Closure *c, const struct db_result *res, int i)
{
	rigbook__closure__init(c);
	c->id = (uint64_t)db_get_int64(res, i, DCL_ID);
	c->resource_code = (char *)db_get(res, i, RES_CODE);
	c->start = db_get_int64(res, i, DCL_START);
	c->end = db_get_int64(res, i, DCL_END);
	c->kind = closure_kind(db_get(res, i, DCL_KIND));
	c->reason = (char *)db_get(res, i, DCL_REASON);
	c->created_by = (char *)db_get(res, i, DCL_BY);
}

/* "540-720,780-900" -> day windows */
static Rigbook__DayWindow **day_windows(struct arena *a, const char *s, size_t *n)
{
	size_t count = 0;
	char **parts = split(a, s, &count);
	Rigbook__DayWindow **v;

	*n = 0;
	if (parts == NULL)
		return NULL;
	v = arena_alloc(a, count * sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t k = 0; k < count; k++) {
		Rigbook__DayWindow *w = arena_alloc(a, sizeof(*w));
		char *dash = strchr(parts[k], '-');

		if (w == NULL || dash == NULL)
			continue;
		rigbook__day_window__init(w);
		w->opens = (uint32_t)strtoul(parts[k], NULL, 10);
		w->closes = (uint32_t)strtoul(dash + 1, NULL, 10);
		v[(*n)++] = w;
	}
	return v;
}

void detail_from_rows(struct arena *a, Rigbook__ResourceDetail *d, Rigbook__Resource *r,
		      const struct db_result *res)
{
	int n = db_ntuples(res);
	size_t cap = (size_t)n;

	rigbook__resource_detail__init(d);
	if (n == 0)
		return;
	resource_from_row(a, r, res, 0);
	d->resource = r;
	d->hours = arena_alloc(a, cap * sizeof(*d->hours));
	d->offpeak = arena_alloc(a, cap * sizeof(*d->offpeak));
	d->exceptions = arena_alloc(a, cap * sizeof(*d->exceptions));
	d->closures = arena_alloc(a, cap * sizeof(*d->closures));
	if (a->failed)
		return;
	for (int i = 0; i < n; i++) {
		const char *tag = db_get(res, i, D_TAG);

		if (!strcmp(tag, "open") || !strcmp(tag, "offpeak")) {
			Rigbook__WeeklyWindow *w = arena_alloc(a, sizeof(*w));

			if (w == NULL)
				return;
			rigbook__weekly_window__init(w);
			w->weekday = u32(res, i, HOURS_WEEKDAY);
			w->opens = u32(res, i, HOURS_OPENS);
			w->closes = u32(res, i, HOURS_CLOSES);
			if (tag[0] == 'o' && tag[1] == 'p')
				d->hours[d->n_hours++] = w;
			else
				d->offpeak[d->n_offpeak++] = w;
		} else if (!strcmp(tag, "exception")) {
			Rigbook__DateException *e = arena_alloc(a, sizeof(*e));

			if (e == NULL)
				return;
			rigbook__date_exception__init(e);
			e->date = (char *)db_get(res, i, EXC_DAY);
			e->windows = day_windows(a, db_get(res, i, EXC_WINDOWS), &e->n_windows);
			e->reason = (char *)db_get(res, i, EXC_REASON);
			e->closed = db_get_bool(res, i, EXC_CLOSED);
			d->exceptions[d->n_exceptions++] = e;
		} else if (!strcmp(tag, "closure")) {
			Rigbook__Closure *c = arena_alloc(a, sizeof(*c));

			if (c == NULL)
				return;
			closure_from_detail_row(c, res, i);
			d->closures[d->n_closures++] = c;
		} else if (!strcmp(tag, "lifecycle") && r->rules != NULL) {
			r->rules->late_cancel_minutes = u32(res, i, LC_LATE_CANCEL);
			r->rules->checkin_early_minutes = u32(res, i, LC_CHECKIN_EARLY);
			r->rules->no_show_grace_minutes = u32(res, i, LC_NO_SHOW_GRACE);
			r->rules->needs_approval = db_get_bool(res, i, LC_NEEDS_APPROVAL);
			/* the text 'true' today (t1), a boolean once the column is named: both read */
			r->rules->needs_qualification = db_get_bool(res, i, LC_NEEDS_QUALIFICATION);
		} else if (!strcmp(tag, "terms")) {
			d->terms_text = (char *)db_get(res, i, TERMS_TEXT);
			d->terms_accepted = db_get_bool(res, i, TERMS_ACCEPTED);
		}
	}
}
