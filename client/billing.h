/*
 * What the billing commands share (cmd_rate.c, cmd_charges.c,
 * cmd_voucher.c, cmd_invoice.c, cmd_settlement.c): their arguments' checks
 * and how they write a list.  Amounts are minor units on the wire,
 * "¥1,234.50" for people (rnd_money).
 */
#ifndef RIGBOOK_CLIENT_BILLING_H
#define RIGBOOK_CLIENT_BILLING_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"
#include "render.h"

/* --period YYYY-MM (or absent): 1, or 0 after saying why (the caller returns CMD_USAGE). */
int bill_period_ok(struct cmd_ctx *ctx, const char *p);
/* An amount ("1234.5", "¥1,234.50") in minor units: 1, or 0 after saying why. */
int bill_amount_arg(struct cmd_ctx *ctx, const char *label, const char *v, int64_t *out);
/* A percentage ("25%"): 1, or 0 after saying why. */
int bill_pct_arg(struct cmd_ctx *ctx, const char *label, const char *v, uint32_t *out);
/* A percentage as a renderer's value: the number in JSON, "25%" in a table. */
void bill_pct(uint32_t pct, struct rnd_val *v);
/* A reply's one object as a JSON document. */
void bill_json_one(const struct rnd_col *cols, size_t n, const void *row);
/* The format a list command writes: --json, --csv or a table. */
enum rnd_format bill_format(const struct cmd_ctx *ctx, const struct cmd_args *args);

#endif
