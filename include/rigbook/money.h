/*
 * Money: whole minor units (fen) in an int64 with an ISO 4217 currency
 * code, never a floating-point number.  Every amount a person sees is
 * formatted here: "¥1,234.50" for CNY, "USD 1,234.50" for the others.
 */
#ifndef RIGBOOK_MONEY_H
#define RIGBOOK_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Room for any amount: "-", a currency code and a space, 19 digits, separators, ".00". */
#define RB_MONEY_TEXT 48

/*
 * Format minor units of currency ("CNY" when NULL or empty) into buf:
 * "¥1,234.50", "-¥0.05", "EUR 12.00".  Returns 0, or -1 when buf is too
 * small or the currency is not three capital letters.
 */
int rb_money_format(int64_t minor, const char *currency, char *buf, size_t len);

/*
 * The amount as a plain decimal for machines (CSV): "1234.50", "-0.05";
 * no symbol, no grouping.  Returns 0, or -1 when buf is too small.
 */
int rb_money_plain(int64_t minor, char *buf, size_t len);

/*
 * Parse an amount a person types: "1234.5", "1,234.50", "¥30", "30.00",
 * "0".  At most two decimals; no sign (amounts given are never negative).
 * Returns 0 with *out in minor units, or -1 with a reason in err.
 */
int rb_money_parse(const char *s, int64_t *out, char *err, size_t errlen);

/* "50%" or "50", 0 to 100.  Returns 0, or -1 with a reason in err. */
int rb_percent_parse(const char *s, int *out, char *err, size_t errlen);

/* A currency code: three capital letters. */
int rb_currency_ok(const char *s);

/* secs rounded UP to whole multiples of inc_minutes, in minutes (0 for secs <= 0). */
int64_t rb_round_up_minutes(int64_t secs, int64_t inc_minutes);

/* minutes at an hourly rate, half a minor unit up. */
int64_t rb_money_for_minutes(int64_t minutes, int64_t hourly);

/* pct percent of amount (amount >= 0), half a minor unit up. */
int64_t rb_money_pct(int64_t amount, int pct);

#endif
