/* What the billing commands share: see billing.h. */
#include "billing.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "rigbook/money.h"

int bill_period_ok(struct cmd_ctx *ctx, const char *p)
{
	if (p == NULL)
		return 1;
	if (strlen(p) != 7 || p[4] != '-' || strspn(p, "0123456789-") != 7 ||
	    !((p[5] == '0' && p[6] >= '1' && p[6] <= '9') || (p[5] == '1' && p[6] >= '0' && p[6] <= '2'))) {
		cmd_bad_value(ctx, _("--period: '%.40s' is not a month; give it as YYYY-MM, like 2026-11"), p);
		return 0;
	}
	return 1;
}

int bill_amount_arg(struct cmd_ctx *ctx, const char *label, const char *v, int64_t *out)
{
	char err[200];

	if (rb_money_parse(v, out, err, sizeof(err)) != 0) {
		cmd_bad_value(ctx, "%s: %s", label, err);
		return 0;
	}
	return 1;
}

int bill_pct_arg(struct cmd_ctx *ctx, const char *label, const char *v, uint32_t *out)
{
	char err[200];
	int p;

	if (rb_percent_parse(v, &p, err, sizeof(err)) != 0) {
		cmd_bad_value(ctx, "%s: %s", label, err);
		return 0;
	}
	*out = (uint32_t)p;
	return 1;
}

/* A percentage: the number in JSON, "25%" in a table. */
void bill_pct(uint32_t pct, struct rnd_val *v)
{
	v->u = pct;
	snprintf(v->buf, sizeof(v->buf), "%" PRIu32 "%%", pct);
	v->table = v->buf;
}

/* A reply's object as JSON, alone. */
void bill_json_one(const struct rnd_col *cols, size_t n, const void *row)
{
	struct rnd r;
	struct out_json j;

	rnd_init(&r, RND_JSON, stdout, cols, n, NULL);
	out_json_init(&j, stdout);
	rnd_json_object(&r, &j, row);
	out_json_finish(&j);
}

/* The format a list command writes: --json, --csv or a table. */
enum rnd_format bill_format(const struct cmd_ctx *ctx, const struct cmd_args *args)
{
	return ctx->json ? RND_JSON : cmd_arg(args, "csv") != NULL ? RND_CSV : RND_TABLE;
}
