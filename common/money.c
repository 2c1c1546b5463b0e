/* Money formatting, parsing and rounding; see rigbook/money.h. */
#include "rigbook/money.h"

#include <stdio.h>
#include <string.h>

int rb_currency_ok(const char *s)
{
	if (s == NULL || strlen(s) != 3)
		return 0;
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return 1;
}

int rb_money_format(int64_t minor, const char *currency, char *buf, size_t len)
{
	char digits[24], grouped[40];
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t major = mag / 100;
	unsigned cents = (unsigned)(mag % 100);
	size_t nd, g = 0;
	int n;

	if (currency == NULL || currency[0] == '\0')
		currency = "CNY";
	if (!rb_currency_ok(currency) || buf == NULL)
		return -1;
	nd = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)major);
	for (size_t i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			grouped[g++] = ',';
		grouped[g++] = digits[i];
	}
	grouped[g] = '\0';
	if (strcmp(currency, "CNY") == 0)
		n = snprintf(buf, len, "%s\xc2\xa5%s.%02u", minor < 0 ? "-" : "", grouped, cents);
	else
		n = snprintf(buf, len, "%s%s %s.%02u", minor < 0 ? "-" : "", currency, grouped, cents);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

int rb_money_plain(int64_t minor, char *buf, size_t len)
{
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	int n = snprintf(buf, len, "%s%llu.%02u", minor < 0 ? "-" : "",
			 (unsigned long long)(mag / 100), (unsigned)(mag % 100));

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int rb_money_parse(const char *s, int64_t *out, char *err, size_t errlen)
{
	const char *p = s;
	uint64_t major = 0;
	int frac = 0, nfrac = -1, ndig = 0, since_comma = -1;

	if (s == NULL || *s == '\0') {
		snprintf(err, errlen, "an amount is required, like 120.00");
		return -1;
	}
	if (strncmp(p, "\xc2\xa5", 2) == 0)
		p += 2;
	else if (*p == '-') {
		snprintf(err, errlen, "'%.40s' is negative; amounts are 0 or more", s);
		return -1;
	}
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nfrac >= 0) {
				if (++nfrac > 2)
					goto bad;
				frac = frac * 10 + (*p - '0');
			} else {
				if (major > (uint64_t)(INT64_MAX / 100 - 9) / 10)
					goto big;
				major = major * 10 + (uint64_t)(*p - '0');
				ndig++;
				if (since_comma >= 0)
					since_comma++;
			}
		} else if (*p == ',' && nfrac < 0 && ndig > 0 && (since_comma < 0 || since_comma == 3)) {
			if (since_comma < 0 && ndig > 3)
				goto bad;
			since_comma = 0;
		} else if (*p == '.' && nfrac < 0 && ndig > 0 && (since_comma < 0 || since_comma == 3)) {
			nfrac = 0;
		} else {
			goto bad;
		}
	}
	if (ndig == 0 || nfrac == 0 || (since_comma >= 0 && since_comma != 3))
		goto bad;
	if (nfrac == 1)
		frac *= 10;
	*out = (int64_t)(major * 100 + (uint64_t)frac);
	return 0;
bad:
	snprintf(err, errlen, "'%.40s' is not an amount (like 1234.50 or 1,234.50, at most two decimals)", s);
	return -1;
big:
	snprintf(err, errlen, "'%.40s' is too large an amount", s);
	return -1;
}

int rb_percent_parse(const char *s, int *out, char *err, size_t errlen)
{
	int v = 0, n = 0;
	const char *p = s;

	if (s != NULL) {
		for (; *p >= '0' && *p <= '9' && n < 4; p++, n++)
			v = v * 10 + (*p - '0');
		if (*p == '%')
			p++;
	}
	if (s == NULL || n == 0 || *p != '\0' || v > 100) {
		snprintf(err, errlen, "'%.40s' is not a percentage from 0%% to 100%% (like 50%%)",
			 s != NULL ? s : "");
		return -1;
	}
	*out = v;
	return 0;
}

int64_t rb_round_up_minutes(int64_t secs, int64_t inc_minutes)
{
	int64_t inc = inc_minutes * 60;

	if (secs <= 0 || inc_minutes <= 0)
		return 0;
	return ((secs + inc - 1) / inc) * inc_minutes;
}

int64_t rb_money_for_minutes(int64_t minutes, int64_t hourly)
{
	return (minutes * hourly + 30) / 60;
}

int64_t rb_money_pct(int64_t amount, int pct)
{
	return (amount * pct + 50) / 100;
}
