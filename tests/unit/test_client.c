/*
 * The client's pure parts: command lookup by unique prefix, argument
 * parsing, the JSON escaper, terminal cleaning and widths, tables, and the
 * configuration file.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "config.h"
#include "detail.h"
#include "output.h"

/* ------------------------------------------------------------ commands */

static void test_find_exact_and_prefix(void **state)
{
	char err[256];

	assert_string_equal(cmd_find("book", err, sizeof(err))->name, "book");
	assert_string_equal(cmd_find("bookings", err, sizeof(err))->name, "bookings");
	assert_string_equal(cmd_find("booki", err, sizeof(err))->name, "bookings");
	assert_string_equal(cmd_find("wh", err, sizeof(err))->name, "whoami");
	assert_string_equal(cmd_find("wait", err, sizeof(err))->name, "wait");
	assert_string_equal(cmd_find("waitl", err, sizeof(err))->name, "waitlist");
	assert_string_equal(cmd_find("unw", err, sizeof(err))->name, "unwait");
	assert_string_equal(cmd_find("wat", err, sizeof(err))->name, "watch");
	assert_null(cmd_find("w", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: w, could be: whoami, wait, waitlist, watch");
	assert_string_equal(cmd_find("resources", err, sizeof(err))->name, "resources");
	assert_string_equal(cmd_find("resource", err, sizeof(err))->name, "resource");
	assert_string_equal(cmd_find("cal", err, sizeof(err))->name, "calendar");
	assert_string_equal(cmd_find("can", err, sizeof(err))->name, "cancel");
	assert_string_equal(cmd_find("av", err, sizeof(err))->name, "availability");
	assert_string_equal(cmd_find("sh", err, sizeof(err))->name, "show");
	assert_string_equal(cmd_find("sl", err, sizeof(err))->name, "slots");
	assert_string_equal(cmd_find("cl", err, sizeof(err))->name, "closure");
	assert_string_equal(cmd_find("req", err, sizeof(err))->name, "requires");
	assert_string_equal(cmd_find("ru", err, sizeof(err))->name, "rules");
	assert_string_equal(cmd_find("ex", err, sizeof(err))->name, "exception");
	assert_string_equal(cmd_find("te", err, sizeof(err))->name, "terms");
	assert_string_equal(cmd_find("to", err, sizeof(err))->name, "token");
	assert_string_equal(cmd_find("st", err, sizeof(err))->name, "startup");
	assert_string_equal(cmd_find("me", err, sizeof(err))->name, "member");
}

static void test_find_ambiguous_and_unknown(void **state)
{
	char err[256];

	assert_null(cmd_find("bo", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: bo, could be: book, bookings");
	assert_null(cmd_find("b", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: b, could be: book, bookings");
	assert_null(cmd_find("res", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: res, could be: resources, resource");
	assert_null(cmd_find("c", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: c, could be: calendar, cancel, checkin, checkout, closure, cert, charges");
	assert_null(cmd_find("s", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: s, could be: show, slots, startup, settlement");
	assert_null(cmd_find("teleport", err, sizeof(err)));
	assert_non_null(strstr(err, "unknown command: teleport"));
	assert_null(cmd_find("", err, sizeof(err)));
	assert_null(cmd_find("bookingsx", err, sizeof(err)));
}

static void test_table_names_unique(void **state)
{
	for (const struct cmd_entry *const *a = cmd_table; *a != NULL; a++) {
		assert_true((*a)->exec != NULL || (*a)->subs != NULL);
		for (const struct cmd_sub *c = (*a)->subs; c != NULL && c->name != NULL; c++) {
			assert_non_null(c->exec);
			assert_non_null(c->usage);
			assert_non_null(c->summary);
			assert_true((*a)->lower >= 1);
			for (const struct cmd_sub *d = (*a)->subs; d != c; d++) {
				assert_string_not_equal(c->name, d->name);
				if (d->alias != NULL)
					assert_string_not_equal(c->name, d->alias);
			}
		}
		assert_non_null((*a)->usage);
		assert_non_null((*a)->summary);
		assert_true((*a)->lower <= (*a)->upper);
		for (const struct cmd_entry *const *b = cmd_table; b != a; b++)
			assert_string_not_equal((*a)->name, (*b)->name);
	}
}

/* ------------------------------------------------------------ sub-commands */

static int ran_a, ran_b, ran_plain;

static int run_a(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	(void)ctx;
	(void)args;
	return ++ran_a, 0;
}

static int run_b(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	(void)ctx;
	(void)args;
	return ++ran_b, 0;
}

static int run_plain(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	(void)ctx;
	(void)args;
	return ++ran_plain, 0;
}

static const struct cmd_sub test_subs[] = {
	{ "alpha", NULL, "X", "the first", run_a },
	{ "beta", "b", "", "the second", run_b },
	{ NULL, NULL, NULL, NULL, NULL },
};

static void test_subs_dispatch(void **state)
{
	struct cmd_entry e = { .name = "thing", .usage = "", .summary = "things", .lower = 1, .upper = 2,
			       .subs = test_subs };
	struct cmd_ctx ctx = { .entry = &e };
	struct cmd_args a = { .npos = 1, .pos = { "alpha" } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(cmd_exec(&ctx, &a), 0);
	assert_int_equal(ran_a, 1);
	assert_ptr_equal(ctx.sub, &test_subs[0]);
	a.pos[0] = "b";
	assert_int_equal(cmd_exec(&ctx, &a), 0);
	assert_int_equal(ran_b, 1);
	/* an unknown sub-command is a usage error; nothing runs */
	a.pos[0] = "gamma";
	assert_int_equal(cmd_exec(&ctx, &a), CMD_USAGE);
	assert_null(ctx.sub);
	assert_int_equal(ran_a + ran_b + ran_plain, 2);
	/* with an exec, what names no sub-command is the command's own */
	e.exec = run_plain;
	assert_int_equal(cmd_exec(&ctx, &a), 0);
	assert_int_equal(ran_plain, 1);
	/* help lists them from the table */
	e.exec = NULL;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	cmd_print_help(f, &e);
	fclose(f);
	assert_string_equal(buf, "usage: rigbook thing alpha X\n"
				 "       rigbook thing beta\n"
				 "things\n"
				 "sub-commands:\n"
				 "  alpha  the first\n"
				 "  beta   the second\n");
	free(buf);
}

static int parse(const char *cmd, struct cmd_args *a, int *json, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	const char *s;
	char e2[256];

	va_start(ap, errlen);
	while ((s = va_arg(ap, const char *)) != NULL)
		argv[argc++] = (char *)s;
	va_end(ap);
	return cmd_parse_args(cmd_find(cmd, e2, sizeof(e2)), argc, argv, a, json, err, errlen);
}

static void test_args(void **state)
{
	struct cmd_args a;
	char err[256];
	int json = 0;

	assert_int_equal(parse("book", &a, &json, err, sizeof(err), "rig-7", "--from",
			       "2026-12-03 10:00", "--to=2026-12-03 12:00", "--json", NULL), 0);
	assert_int_equal(a.npos, 1);
	assert_string_equal(a.pos[0], "rig-7");
	assert_string_equal(cmd_arg(&a, "from"), "2026-12-03 10:00");
	assert_string_equal(cmd_arg(&a, "to"), "2026-12-03 12:00");
	assert_null(cmd_arg(&a, "note"));
	assert_int_equal(json, 1);

	/* options before the positional, a value that starts with a dash */
	json = 0;
	assert_int_equal(parse("cancel", &a, &json, err, sizeof(err), "--reason", "-", "42", NULL), 0);
	assert_string_equal(cmd_arg(&a, "reason"), "-");
	assert_string_equal(a.pos[0], "42");
	assert_int_equal(json, 0);

	/* an alias is stored under its key; flags have "" */
	assert_int_equal(parse("resources", &a, &json, err, sizeof(err), "--text", "dyno", "--all",
			       NULL), 0);
	assert_string_equal(cmd_arg(&a, "search"), "dyno");
	assert_string_equal(cmd_arg(&a, "all"), "");

	/* a repeatable option keeps every value in order */
	const char *tags[4];

	assert_int_equal(parse("resource", &a, &json, err, sizeof(err), "add", "rig-9", "--tag", "emc",
			       "--name", "Rig", "--tag=iso17025", NULL), 0);
	assert_int_equal(cmd_arg_all(&a, "tag", tags, 4), 2);
	assert_string_equal(tags[0], "emc");
	assert_string_equal(tags[1], "iso17025");
	assert_string_equal(cmd_arg(&a, "tag"), "emc");
	assert_int_equal(cmd_arg_all(&a, "tag", tags, 1), 1);
	assert_int_equal(cmd_arg_all(&a, "location", tags, 4), 0);

	/* up to 17 positionals for requires */
	assert_int_equal(parse("requires", &a, &json, err, sizeof(err), "a", "b", "c", "d", "e", "f",
			       "g", "h", "i", "j", "k", "l", "m", "n", NULL), 0);
	assert_int_equal(a.npos, 14);

	assert_int_equal(parse("book", &a, &json, err, sizeof(err), "--help", NULL), 1);
	assert_int_equal(parse("book", &a, &json, err, sizeof(err), "-h", NULL), 1);
}

static void test_args_refused(void **state)
{
	struct cmd_args a;
	char err[256];
	int json = 0;

	assert_int_equal(parse("book", &a, &json, err, sizeof(err), NULL), -1);
	assert_string_equal(err, "missing argument");
	assert_int_equal(parse("book", &a, &json, err, sizeof(err), "a", "b", NULL), -1);
	assert_string_equal(err, "unexpected argument 'b'");
	assert_int_equal(parse("book", &a, &json, err, sizeof(err), "a", "--form", "x", NULL), -1);
	assert_string_equal(err, "unknown option --form");
	assert_int_equal(parse("book", &a, &json, err, sizeof(err), "a", "--from", NULL), -1);
	assert_string_equal(err, "--from needs a value");
	assert_int_equal(parse("book", &a, &json, err, sizeof(err), "a", "--from", "x", "--from=y",
			       NULL), -1);
	assert_string_equal(err, "--from given twice");
	assert_int_equal(parse("resources", &a, &json, err, sizeof(err), "--all=yes", NULL), -1);
	assert_string_equal(err, "--all takes no value");
	assert_int_equal(parse("resources", &a, &json, err, sizeof(err), "--search", "x", "--text",
			       "y", NULL), -1);
	assert_string_equal(err, "--text given twice");
	assert_int_equal(parse("whoami", &a, &json, err, sizeof(err), "-x", NULL), -1);
	assert_string_equal(err, "unknown option -x");
	assert_int_equal(parse("whoami", &a, &json, err, sizeof(err), "extra", NULL), -1);
	assert_int_equal(parse("resource", &a, &json, err, sizeof(err), "add", "x", "--name", "a",
			       "--name", "b", NULL), -1);
	assert_string_equal(err, "--name given twice");
	assert_int_equal(parse("rules", &a, &json, err, sizeof(err), "x", "--slot", "1h", "--slot",
			       "2h", NULL), -1);
	assert_string_equal(err, "--slot given twice");
	/* after --, everything is positional */
	assert_int_equal(parse("cancel", &a, &json, err, sizeof(err), "--", "--reason", NULL), 0);
	assert_string_equal(a.pos[0], "--reason");
}

/* ------------------------------------------------------------ option values */

static void test_values(void **state)
{
	struct cmd_ctx ctx;
	char err[256];
	uint32_t v = 99;

	memset(&ctx, 0, sizeof(ctx));
	ctx.entry = cmd_find("rules", err, sizeof(err));
	assert_non_null(ctx.entry);
	assert_int_equal(cmd_minutes_arg(&ctx, "--slot", "30m", 1, 1, &v), CMD_OK);
	assert_int_equal(v, 30);
	assert_int_equal(cmd_minutes_arg(&ctx, "--max", "1h30m", 1, 1, &v), CMD_OK);
	assert_int_equal(v, 90);
	assert_int_equal(cmd_minutes_arg(&ctx, "--notice", "3d", 1, 1, &v), CMD_OK);
	assert_int_equal(v, 4320);
	assert_int_equal(cmd_minutes_arg(&ctx, "--ahead", "4w", 1440, 1, &v), CMD_OK);
	assert_int_equal(v, 28);
	assert_int_equal(cmd_minutes_arg(&ctx, "--buffer", "off", 1, 1, &v), CMD_OK);
	assert_int_equal(v, 0);
	v = 99;
	assert_int_equal(cmd_minutes_arg(&ctx, "--buffer", "0", 1, 1, &v), CMD_OK);
	assert_int_equal(v, 0);
	/* refused: not whole days, not whole minutes, no unit, off where it cannot be */
	v = 99;
	assert_int_equal(cmd_minutes_arg(&ctx, "--ahead", "36h", 1440, 1, &v), CMD_USAGE);
	assert_int_equal(cmd_minutes_arg(&ctx, "--slot", "90s", 1, 1, &v), CMD_USAGE);
	assert_int_equal(cmd_minutes_arg(&ctx, "--slot", "30", 1, 1, &v), CMD_USAGE);
	assert_int_equal(cmd_minutes_arg(&ctx, "--length", "0", 1, 0, &v), CMD_USAGE);
	assert_int_equal(cmd_minutes_arg(&ctx, "--length", "0m", 1, 0, &v), CMD_USAGE);
	assert_int_equal(v, 99);

	assert_int_equal(cmd_count_arg(&ctx, "--max-active", "3", 1, 10000, 1, &v), CMD_OK);
	assert_int_equal(v, 3);
	assert_int_equal(cmd_count_arg(&ctx, "--max-active", "off", 1, 10000, 1, &v), CMD_OK);
	assert_int_equal(v, 0);
	v = 99;
	assert_int_equal(cmd_count_arg(&ctx, "--max-active", "10001", 1, 10000, 1, &v), CMD_USAGE);
	assert_int_equal(cmd_count_arg(&ctx, "--max-active", "99999999999999999999", 1, 10000, 1, &v),
			 CMD_USAGE);
	assert_int_equal(cmd_count_arg(&ctx, "units", "0", 1, 1000, 0, &v), CMD_USAGE);
	assert_int_equal(cmd_count_arg(&ctx, "units", "", 1, 1000, 0, &v), CMD_USAGE);
	assert_int_equal(cmd_count_arg(&ctx, "units", "2x", 1, 1000, 0, &v), CMD_USAGE);
	assert_int_equal(cmd_count_arg(&ctx, "units", "-1", 1, 1000, 0, &v), CMD_USAGE);
	assert_int_equal(v, 99);
}

/* ------------------------------------------------------------ rules in words */

static void test_rules_text(void **state)
{
	Rigbook__Rules r = RIGBOOK__RULES__INIT;
	char buf[DETAIL_RULES_TEXT];

	detail_minutes_text(30, buf, sizeof(buf));
	assert_string_equal(buf, "30 min");
	detail_minutes_text(60, buf, sizeof(buf));
	assert_string_equal(buf, "1 h");
	detail_minutes_text(90, buf, sizeof(buf));
	assert_string_equal(buf, "1 h 30 min");
	detail_minutes_text(1440, buf, sizeof(buf));
	assert_string_equal(buf, "24 h");
	detail_minutes_text(3 * 1440, buf, sizeof(buf));
	assert_string_equal(buf, "3 days");

	detail_rules_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "no booking rules");
	detail_rules_text(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "no booking rules");

	r.slot_minutes = 30;
	r.min_minutes = 60;
	r.max_minutes = 480;
	r.min_notice_minutes = 1440;
	r.max_ahead_days = 30;
	r.buffer_minutes = 15;
	detail_rules_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "slot 30 min, 1 h to 8 h, book 24 h ahead, at most 30 days ahead, "
				 "15 min buffer");

	memset(&r, 0, sizeof(r));
	rigbook__rules__init(&r);
	r.max_minutes = 120;
	r.max_ahead_days = 1;
	r.max_active_per_member = 1;
	r.weekly_minutes_per_startup = 480;
	r.whole_days = 1;
	r.min_gap_minutes = 120;
	detail_rules_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "at most 2 h, whole days, at most 1 day ahead, at most 1 future "
				 "booking per member, 8 h a week per startup, 2 h between one "
				 "member's bookings");
	r.max_minutes = 0;
	r.min_minutes = 4320;
	r.whole_days = 0;
	r.max_ahead_days = 0;
	r.max_active_per_member = 3;
	r.weekly_minutes_per_startup = 0;
	r.min_gap_minutes = 0;
	detail_rules_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "at least 3 days, at most 3 future bookings per member");
}

static void test_weekly_text(void **state)
{
	Rigbook__WeeklyWindow w[3], *p[3];
	Rigbook__DayWindow dw[2], *dp[2];
	Rigbook__DateException e = RIGBOOK__DATE_EXCEPTION__INIT;
	char buf[256];

	for (int i = 0; i < 3; i++) {
		rigbook__weekly_window__init(&w[i]);
		p[i] = &w[i];
	}
	w[0].weekday = 6;
	w[0].opens = 540;
	w[0].closes = 720;
	w[1].weekday = 1;
	w[1].opens = 510;
	w[1].closes = 720;
	w[2].weekday = 2;
	w[2].opens = 510;
	w[2].closes = 720;
	assert_int_equal(detail_weekly_text(p, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mon-tue 08:30-12:00; sat 09:00-12:00");
	assert_int_equal(detail_weekly_text(p, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	w[2].weekday = 9;
	assert_int_equal(detail_weekly_text(p, 3, buf, sizeof(buf)), -1);

	for (int i = 0; i < 2; i++) {
		rigbook__day_window__init(&dw[i]);
		dp[i] = &dw[i];
	}
	dw[0].opens = 780;
	dw[0].closes = 900;
	dw[1].opens = 540;
	dw[1].closes = 720;
	e.n_windows = 2;
	e.windows = dp;
	e.reason = "Christmas Eve";
	detail_exception_text(&e, buf, sizeof(buf));
	assert_string_equal(buf, "open 09:00-12:00,13:00-15:00 (Christmas Eve)");
	e.closed = 1;
	e.reason = "";
	detail_exception_text(&e, buf, sizeof(buf));
	assert_string_equal(buf, "closed all day");
}

/* ------------------------------------------------------------ JSON */

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	out_json_escape(f, s);
	fclose(f);
	return buf;
}

static void check_escape(const char *in, const char *want)
{
	char *got = escaped(in);

	assert_string_equal(got, want);
	free(got);
}

static void test_json_escape(void **state)
{
	check_escape("", "\"\"");
	check_escape(NULL, "\"\"");
	check_escape("plain", "\"plain\"");
	check_escape("say \"hi\" \\ bye", "\"say \\\"hi\\\" \\\\ bye\"");
	check_escape("a\nb\tc\rd\be\ff", "\"a\\nb\\tc\\rd\\be\\ff\"");
	check_escape("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	check_escape("/", "\"/\"");
	/* UTF-8 passes through: Chinese, accents, emoji */
	check_escape("测试发动机厂", "\"测试发动机厂\"");
	check_escape("Müller", "\"Müller\"");
	check_escape("\xf0\x9f\x94\xa7", "\"\xf0\x9f\x94\xa7\"");
	/* invalid UTF-8 becomes U+FFFD, byte by byte */
	check_escape("a\xff" "b", "\"a\\ufffdb\"");
	check_escape("\xc0\xaf", "\"\\ufffd\\ufffd\"");             /* overlong '/' */
	check_escape("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* a surrogate */
	check_escape("\xe6\xb5", "\"\\ufffd\\ufffd\"");             /* truncated */
	check_escape("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	check_escape("\xe2\x80\xa8", "\"\\u2028\"");
}

static void test_json_writer(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out_json j;

	assert_non_null(f);
	out_json_init(&j, f);
	out_json_begin_object(&j);
	out_json_kv_uint(&j, "id", UINT64_MAX);
	out_json_kv_int(&j, "start", -5);
	out_json_kv_string(&j, "name", "测试");
	out_json_key(&j, "list");
	out_json_begin_array(&j);
	out_json_begin_object(&j);
	out_json_kv_bool(&j, "a", 1);
	out_json_end_object(&j);
	out_json_begin_object(&j);
	out_json_end_object(&j);
	out_json_null(&j);
	out_json_fixed(&j, 1.25, 3);
	out_json_end_array(&j);
	out_json_key(&j, "empty");
	out_json_begin_array(&j);
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
	fclose(f);
	assert_string_equal(buf, "{\"id\":18446744073709551615,\"start\":-5,\"name\":\"测试\","
				 "\"list\":[{\"a\":true},{},null,1.250],\"empty\":[]}\n");
	free(buf);
}

/* ------------------------------------------------------------ terminal text */

static void check_clean(const char *in, const char *want)
{
	char *got = out_clean(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_clean(void **state)
{
	check_clean("dyno-1", "dyno-1");
	check_clean("测试大学", "测试大学");
	check_clean("a\x1b[31mred", "a?[31mred");
	check_clean("line\nbreak\ttab", "line break tab");
	check_clean("bad\xff", "bad?");
	check_clean("c1\xc2\x9b", "c1?");
	check_clean("rtl\xe2\x80\xae", "rtl?");
	check_clean(NULL, "");
}

static void test_width(void **state)
{
	/* wcwidth in a UTF-8 locale of the client's own, whatever LC_CTYPE says */
	setlocale(LC_CTYPE, "C");
	assert_int_equal(out_width("abc"), 3);
	assert_int_equal(out_width("测试"), 4);
	assert_int_equal(out_width("Müller"), 6);
	assert_int_equal(out_width("e\xcc\x81"), 1); /* e + combining acute */
	assert_int_equal(out_width("ＡＢ"), 4);      /* fullwidth */
	assert_int_equal(out_width("한국"), 4);
	assert_int_equal(out_width(""), 0);
	assert_int_equal(out_width("（已确认）。"), 12); /* fullwidth punctuation */
	assert_int_equal(out_width("a\xe2\x80\x8b" "b"), 2);  /* zero-width space */
	assert_int_equal(out_width("\xf0\x9f\x98\x80"), 2);  /* an emoji */
}

static void test_table(void **state)
{
	static const char *const head[] = { "CODE", "NAME", "TZ" };
	static const char *const r1[] = { "dyno-1", "测试台", "Asia/Shanghai" };
	static const char *const r2[] = { "x", "ab", NULL };
	struct out_table *t = out_table_new(3, head);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_non_null(t);
	assert_int_equal(out_table_add(t, r1), 0);
	assert_int_equal(out_table_add(t, r2), 0);
	assert_int_equal(out_table_rows(t), 2);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	out_table_print(t, f);
	fclose(f);
	/* the Chinese name is 6 columns wide, so NAME is padded to 6; no blanks end a line */
	assert_string_equal(buf, "CODE    NAME    TZ\n"
				 "dyno-1  测试台  Asia/Shanghai\n"
				 "x       ab\n");
	free(buf);
	out_table_free(t);
}

/* ------------------------------------------------------------ config */

static char *write_file(const char *text)
{
	char *path = strdup("/tmp/rigbook-config-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_config(void **state)
{
	struct config cfg;
	char err[256], *path;

	path = write_file("# a comment\n"
			  "\n"
			  "server = example.org:7878\n"
			  "  token=\"tok en\"  \n"
			  "ca = certs/ca.crt\n"
			  "server_name = rigbook.example.org\r\n");
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load(path, 1, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.server, "example.org:7878");
	assert_string_equal(cfg.token, "tok en");
	assert_string_equal(cfg.ca, "/tmp/certs/ca.crt"); /* relative to the file */
	assert_string_equal(cfg.server_name, "rigbook.example.org");
	config_free(&cfg);
	unlink(path);
	free(path);

	path = write_file("server = a:1\nsevrer = b:2\n");
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load(path, 1, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: unknown key 'sevrer'"));
	config_free(&cfg);
	unlink(path);
	free(path);

	/* a client certificate and its key: paths relative to the file, given together */
	path = write_file("tls_cert = me.crt\ntls_key = /keys/me.key\n");
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load(path, 1, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.tls_cert, "/tmp/me.crt");
	assert_string_equal(cfg.tls_key, "/keys/me.key");
	config_free(&cfg);
	unlink(path);
	free(path);

	path = write_file("tls_cert = me.crt\n");
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load(path, 1, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "give tls_cert and tls_key together"));
	config_free(&cfg);
	unlink(path);
	free(path);

	path = write_file("just words\n");
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load(path, 1, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: expected key = value"));
	config_free(&cfg);
	unlink(path);
	free(path);

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load("/nonexistent/rigbook.conf", 0, &cfg, err, sizeof(err)), 0);
	assert_null(cfg.server);
	assert_int_equal(config_load("/nonexistent/rigbook.conf", 1, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read the configuration file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_exact_and_prefix),
		cmocka_unit_test(test_find_ambiguous_and_unknown),
		cmocka_unit_test(test_table_names_unique),
		cmocka_unit_test(test_subs_dispatch),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_args_refused),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_rules_text),
		cmocka_unit_test(test_weekly_text),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
