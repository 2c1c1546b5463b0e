/*
 * The one CSV writer (RFC 4180: quoting, doubled quotes, CRLF, empty and
 * NULL fields, UTF-8 kept, terminal controls replaced) and the renderer
 * that writes one description of columns as a table, CSV and JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"
#include "render.h"

/* The CSV row of n cells, as written. */
static char *csv(const char *const *cells, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	out_csv_row(f, cells, n);
	fclose(f);
	return buf;
}

static void expect_csv(const char *const *cells, size_t n, const char *want)
{
	char *got = csv(cells, n);

	assert_string_equal(got, want);
	free(got);
}

static void test_csv_plain(void **state)
{
	(void)state;
	expect_csv((const char *const[]){ "id", "name", "42" }, 3, "id,name,42\r\n");
	expect_csv((const char *const[]){ "one" }, 1, "one\r\n");
	/* spaces and tabs need no quotes */
	expect_csv((const char *const[]){ " a b ", "x\ty" }, 2, " a b ,x\ty\r\n");
}

static void test_csv_quoting(void **state)
{
	(void)state;
	expect_csv((const char *const[]){ "a,b", "c" }, 2, "\"a,b\",c\r\n");
	expect_csv((const char *const[]){ "say \"hi\"" }, 1, "\"say \"\"hi\"\"\"\r\n");
	expect_csv((const char *const[]){ "\"" }, 1, "\"\"\"\"\r\n");
	expect_csv((const char *const[]){ "two\nlines", "x" }, 2, "\"two\nlines\",x\r\n");
	expect_csv((const char *const[]){ "cr\r", "crlf\r\n" }, 2, "\"cr\r\",\"crlf\r\n\"\r\n");
	/* JSON in a field, as audit's detail */
	expect_csv((const char *const[]){ "{\"a\": 1, \"b\": \"\"}" }, 1,
		   "\"{\"\"a\"\": 1, \"\"b\"\": \"\"\"\"}\"\r\n");
}

static void test_csv_empty(void **state)
{
	(void)state;
	expect_csv((const char *const[]){ "", "", "" }, 3, ",,\r\n");
	expect_csv((const char *const[]){ NULL, "x", NULL }, 3, ",x,\r\n");
	expect_csv((const char *const[]){ "" }, 1, "\r\n");
	expect_csv(NULL, 0, "\r\n");
}

static void test_csv_utf8(void **state)
{
	(void)state;
	expect_csv((const char *const[]){ "发动机试验台", "¥1,234.50", "Zoë" }, 3,
		   "发动机试验台,\"¥1,234.50\",Zoë\r\n");
	/* what a terminal must not receive: escapes, bidi overrides, invalid UTF-8 */
	expect_csv((const char *const[]){ "a\x1b[2Jb", "x\xe2\x80\xaey", "\xff\xfe" }, 3,
		   "a?[2Jb,x?y,??\r\n");
}

/* ------------------------------------------------------------ renderer */

struct item {
	uint64_t id;
	const char *name;
	int64_t amount;
	const char *currency;
	int64_t minutes;
	const char *state;
};

static const struct rnd_word states[] = {
	{ "credit_note", "credit note" },
	{ NULL, NULL },
};

static const struct rnd_col item_cols[] = {
	{ "id", "id", "ID", RND_UINT, 0, RND_U64(struct item, id) },
	{ "name", "name", "NAME", RND_TEXT, RND_DASH, RND_STR(struct item, name) },
	{ "amount", "amount", "AMOUNT", RND_MONEY, RND_RIGHT, RND_I64(struct item, amount),
	  RND_AUX(struct item, currency) },
	{ "minutes", "minutes", "TIME", RND_MINUTES, RND_DASH, RND_I64(struct item, minutes) },
	{ "state", "state", "STATE", RND_ENUM, 0, RND_STR(struct item, state), .words = states },
	{ "currency", NULL, NULL, RND_TEXT, 0, RND_STR(struct item, currency) },
};

static const struct item items[] = {
	{ 1, "lathe, big", 123450, "CNY", 105, "credit_note" },
	{ 22, "", 5, "", 0, "invoice" },
};

static char *render(enum rnd_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rnd r;

	assert_non_null(f);
	rnd_init(&r, fmt, f, item_cols, RND_NCOLS(item_cols), NULL);
	assert_int_equal(rnd_begin(&r), 0);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(rnd_row(&r, &items[i]), 0);
	assert_int_equal(rnd_end(&r), 0);
	fclose(f);
	return buf;
}

static void test_render_formats(void **state)
{
	char *s;

	(void)state;
	s = render(RND_CSV);
	assert_string_equal(s, "id,name,amount,minutes,state\r\n"
			       "1,\"lathe, big\",1234.50,105,credit_note\r\n"
			       "22,,0.05,0,invoice\r\n");
	free(s);
	s = render(RND_JSON);
	assert_string_equal(s, "[{\"id\":1,\"name\":\"lathe, big\",\"amount\":123450,"
			       "\"amount_text\":\"¥1,234.50\",\"minutes\":105,\"state\":\"credit_note\","
			       "\"currency\":\"CNY\"},"
			       "{\"id\":22,\"name\":\"\",\"amount\":5,\"amount_text\":\"¥0.05\","
			       "\"minutes\":0,\"state\":\"invoice\",\"currency\":\"\"}]\n");
	free(s);
	s = render(RND_TABLE);
	assert_string_equal(s, "ID  NAME           AMOUNT  TIME  STATE\n"
			       "1   lathe, big  ¥1,234.50  1h45  credit note\n"
			       "22  -               ¥0.05  -     invoice\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_plain),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_empty),
		cmocka_unit_test(test_csv_utf8),
		cmocka_unit_test(test_render_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
