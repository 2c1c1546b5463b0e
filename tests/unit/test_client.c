/*
 * The client's pure parts: command lookup by unique prefix, argument
 * parsing, the JSON escaper, terminal cleaning and widths, tables, and the
 * configuration file.
 */
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
#include "output.h"

/* ------------------------------------------------------------ commands */

static void test_find_exact_and_prefix(void **state)
{
	char err[256];

	assert_string_equal(cmd_find("book", err, sizeof(err))->name, "book");
	assert_string_equal(cmd_find("bookings", err, sizeof(err))->name, "bookings");
	assert_string_equal(cmd_find("booki", err, sizeof(err))->name, "bookings");
	assert_string_equal(cmd_find("w", err, sizeof(err))->name, "whoami");
	assert_string_equal(cmd_find("res", err, sizeof(err))->name, "resources");
	assert_string_equal(cmd_find("c", err, sizeof(err))->name, "cancel");
	assert_string_equal(cmd_find("av", err, sizeof(err))->name, "availability");
}

static void test_find_ambiguous_and_unknown(void **state)
{
	char err[256];

	assert_null(cmd_find("bo", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: bo, could be: book, bookings");
	assert_null(cmd_find("b", err, sizeof(err)));
	assert_string_equal(err, "ambiguous command: b, could be: book, bookings");
	assert_null(cmd_find("teleport", err, sizeof(err)));
	assert_non_null(strstr(err, "unknown command: teleport"));
	assert_null(cmd_find("", err, sizeof(err)));
	assert_null(cmd_find("bookingsx", err, sizeof(err)));
}

static void test_table_names_unique(void **state)
{
	for (const struct cmd_entry *const *a = cmd_table; *a != NULL; a++) {
		assert_non_null((*a)->exec);
		assert_non_null((*a)->usage);
		assert_non_null((*a)->summary);
		assert_true((*a)->lower <= (*a)->upper);
		for (const struct cmd_entry *const *b = cmd_table; b != a; b++)
			assert_string_not_equal((*a)->name, (*b)->name);
	}
}

static int parse(const char *cmd, struct cmd_args *a, int *json, char *err, size_t errlen, ...)
{
	char *argv[16];
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
	/* after --, everything is positional */
	assert_int_equal(parse("cancel", &a, &json, err, sizeof(err), "--", "--reason", NULL), 0);
	assert_string_equal(a.pos[0], "--reason");
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
	assert_int_equal(out_width("abc"), 3);
	assert_int_equal(out_width("测试"), 4);
	assert_int_equal(out_width("Müller"), 6);
	assert_int_equal(out_width("e\xcc\x81"), 1); /* e + combining acute */
	assert_int_equal(out_width("ＡＢ"), 4);      /* fullwidth */
	assert_int_equal(out_width("한국"), 4);
	assert_int_equal(out_width(""), 0);
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
	/* the Chinese name is 6 columns wide, so NAME is padded to 6 */
	assert_string_equal(buf, "CODE    NAME    TZ\n"
				 "dyno-1  测试台  Asia/Shanghai\n"
				 "x       ab      \n");
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
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_args_refused),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
