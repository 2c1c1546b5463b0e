/*
 * Times in IANA zones.  Calendar arithmetic is done here (proleptic
 * Gregorian, days from 1970-01-01); the zone rules come from the C library:
 * TZ is pointed at the zone file under a lock, localtime_r() answers "what is
 * the UTC offset at instant t", and TZ is restored afterwards.  The C
 * library's own zone state is left on the last zone used (tzset() is not
 * called on the way out): asking the same zone again, as a listing of one
 * resource's bookings does line after line, then costs no file reads, and the
 * next tzset() of anyone else reads TZ afresh.  Nothing in rigbook calls
 * localtime_r() without tzset() outside this file.
 *
 * Local time L (seconds as if it were UTC) maps to every instant t with
 * t + offset(t) = L.  No zone is further than a day from UTC, so such t lies
 * within OFFSET_SPAN of L; the offsets in force around L are collected by
 * sampling, and each candidate t = L - o is kept when offset(t) really is o.
 * None: L falls in a gap.  Two: L is in a fold, and the earlier one wins.
 */
#include "rigbook/rbtime.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(time_t) >= 8, "rigbook needs a 64-bit time_t");

#define TZ_NAME_MAX 200
#define YEAR_MIN 1900
#define YEAR_MAX 9999
#define OFFSET_SPAN (27 * 3600)
#define OFFSET_STEP (15 * 60) /* shorter-lived offsets do not occur in tzdata */
#define MAX_OFFSETS 16
#define DURATION_MAX ((int64_t)100 * 366 * 86400)

struct civil {
	int y, mo, d, h, mi, s;
};

struct parsed {
	struct civil c;
	int has_time;
	int has_off;
	int off; /* seconds east of UTC */
};

struct tz_saved {
	char *old;
	int had_old;
	int switched;
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
/* Under tz_lock: the last zone whose file was checked, and the TZ value for it. */
static char tz_last_name[TZ_NAME_MAX + 1];
static char tz_last_value[PATH_MAX + 1];

/* Marks a message for xgettext; set_err() translates it (rb_time_translate). */
#define N_(s) (s)

const char *(*rb_time_translate)(const char *msgid);

static const char *const month_names[12] = {
	N_("January"), N_("February"), N_("March"),     N_("April"),
	N_("May"),     N_("June"),     N_("July"),      N_("August"),
	N_("September"), N_("October"), N_("November"), N_("December"),
};

/* msgid in the reader's language: itself unless rb_time_translate is set. */
__attribute__((format_arg(1)))
static const char *tr(const char *msgid)
{
	return rb_time_translate != NULL ? rb_time_translate(msgid) : msgid;
}

/* A month's name (1 to 12) as the messages word it. */
static const char *month_name(int mo)
{
	return tr(month_names[mo - 1]);
}

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, tr(fmt), ap);
	va_end(ap);
}

/* ------------------------------------------------------------ calendar */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, struct civil *c)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->d = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->mo = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->y = (int)(yoe + era * 400 + (c->mo <= 2));
}

static int64_t civil_seconds(const struct civil *c)
{
	return days_from_civil(c->y, c->mo, c->d) * 86400 + c->h * 3600 + c->mi * 60 + c->s;
}

/* ------------------------------------------------------------ zones */

static const char *zone_dir(void)
{
	const char *d = getenv("TZDIR");

	return d != NULL && d[0] == '/' ? d : "/usr/share/zoneinfo";
}

static int zone_name_ok(const char *tz)
{
	size_t n = strlen(tz), i;

	if (n == 0 || n > TZ_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = tz[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '-' || c == '+' || c == '.'))
			return 0;
	}
	/* no absolute paths, no "..", no hidden or empty components */
	if (tz[0] == '/' || tz[0] == '.' || tz[n - 1] == '/' || strstr(tz, "/.") != NULL ||
	    strstr(tz, "//") != NULL || strstr(tz, "..") != NULL)
		return 0;
	return 1;
}

/* The zone file for tz, checked to be a regular TZif file. */
static int zone_path(const char *tz, char *path, size_t len, char *err, size_t errlen)
{
	struct stat st;
	char magic[4];
	int fd, n;

	if (!zone_name_ok(tz)) {
		set_err(err, errlen, N_("not a valid time zone name (expected e.g. Asia/Shanghai)"));
		return -1;
	}
	n = snprintf(path, len, "%s/%s", zone_dir(), tz);
	if (n < 0 || (size_t)n >= len) {
		set_err(err, errlen, N_("unknown time zone %s"), tz);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		set_err(err, errlen, N_("unknown time zone %s"), tz);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || read(fd, magic, 4) != 4 ||
	    memcmp(magic, "TZif", 4) != 0) {
		close(fd);
		set_err(err, errlen, N_("unknown time zone %s"), tz);
		return -1;
	}
	close(fd);
	return 0;
}

int rb_time_zone_check(const char *tz, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (tz == NULL) {
		set_err(err, errlen, N_("no time zone given"));
		return -1;
	}
	return zone_path(tz, path, sizeof(path), err, errlen);
}

/* Take the lock and make tz the local zone (NULL or "": leave it as it is). */
static int tz_enter(const char *tz, struct tz_saved *sv, char *err, size_t errlen)
{
	char path[PATH_MAX + 1];
	const char *old;

	memset(sv, 0, sizeof(*sv));
	pthread_mutex_lock(&tz_lock);
	if (tz == NULL || tz[0] == '\0') {
		tzset();
		return 0;
	}
	if (strcmp(tz, tz_last_name) == 0) {
		memcpy(path, tz_last_value, sizeof(path));
	} else {
		path[0] = ':';
		if (zone_path(tz, path + 1, sizeof(path) - 1, err, errlen) != 0)
			goto fail;
		/* zone_path accepted it, so it fits TZ_NAME_MAX */
		snprintf(tz_last_name, sizeof(tz_last_name), "%s", tz);
		memcpy(tz_last_value, path, sizeof(tz_last_value));
	}
	old = getenv("TZ");
	if (old != NULL) {
		sv->old = strdup(old);
		if (sv->old == NULL) {
			set_err(err, errlen, N_("out of memory"));
			goto fail;
		}
		sv->had_old = 1;
	}
	if (setenv("TZ", path, 1) != 0) {
		set_err(err, errlen, N_("cannot switch to time zone %s"), tz);
		free(sv->old);
		sv->old = NULL;
		goto fail;
	}
	sv->switched = 1;
	tzset();
	return 0;
fail:
	pthread_mutex_unlock(&tz_lock);
	return -1;
}

static void tz_leave(struct tz_saved *sv)
{
	if (sv->switched) {
		if (sv->had_old)
			setenv("TZ", sv->old, 1);
		else
			unsetenv("TZ");
		/* no tzset(): see the top of this file */
	}
	free(sv->old);
	sv->old = NULL;
	pthread_mutex_unlock(&tz_lock);
}

/* Under the lock: local calendar fields and UTC offset at instant t. */
static int local_at(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	return localtime_r(&tt, tm) != NULL ? 0 : -1;
}

static int offset_at(int64_t t, long *off)
{
	struct tm tm;

	if (local_at(t, &tm) != 0)
		return -1;
	*off = tm.tm_gmtoff;
	return 0;
}

/*
 * Under the lock: the instant of local time u (seconds as if UTC).  Returns 0,
 * 1 when u falls in a gap (unless day_start, which then takes the first
 * instant after the gap), -1 when the C library fails.
 */
static int resolve_local(int64_t u, int day_start, int64_t *out)
{
	long offs[MAX_OFFSETS], o, mino, maxo;
	int n = 0, i, found = 0;
	int64_t x, t, best = 0, lo, hi, mid;

	for (x = u - OFFSET_SPAN; x <= u + OFFSET_SPAN; x += OFFSET_STEP) {
		if (offset_at(x, &o) != 0)
			return -1;
		for (i = 0; i < n && offs[i] != o; i++)
			;
		if (i == n && n < MAX_OFFSETS)
			offs[n++] = o;
	}
	for (i = 0; i < n; i++) {
		t = u - offs[i];
		if (offset_at(t, &o) != 0)
			return -1;
		if (o == offs[i] && (!found || t < best)) {
			best = t;
			found = 1;
		}
	}
	if (found) {
		*out = best;
		return 0;
	}
	if (!day_start || n < 2)
		return 1;
	/* the first instant whose local time is at or after u: bisect the jump */
	mino = maxo = offs[0];
	for (i = 1; i < n; i++) {
		if (offs[i] < mino)
			mino = offs[i];
		if (offs[i] > maxo)
			maxo = offs[i];
	}
	lo = u - maxo;
	hi = u - mino;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (offset_at(mid, &o) != 0)
			return -1;
		if (mid + o >= u)
			hi = mid;
		else
			lo = mid;
	}
	*out = hi;
	return 0;
}

/* ------------------------------------------------------------ parsing */

static int digits(const char **p, int n, int *v)
{
	int x = 0, i;

	for (i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		x = x * 10 + (c - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int parse_syntax(const char *s, struct parsed *r, char *err, size_t errlen)
{
	const char *p = s;
	struct civil *c = &r->c;
	int oh = 0, om = 0, sign;

	memset(r, 0, sizeof(*r));
	if (digits(&p, 4, &c->y) != 0 || *p != '-')
		goto bad;
	p++;
	if (digits(&p, 2, &c->mo) != 0 || *p != '-')
		goto bad;
	p++;
	if (digits(&p, 2, &c->d) != 0)
		goto bad;
	if (*p != '\0') {
		if (*p != ' ' && *p != 'T')
			goto bad;
		p++;
		if (digits(&p, 2, &c->h) != 0 || *p != ':')
			goto bad;
		p++;
		if (digits(&p, 2, &c->mi) != 0)
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &c->s) != 0)
				goto bad;
		}
		r->has_time = 1;
		if (*p == ' ' && p[1] != '\0')
			p++;
		if (*p == 'Z') {
			p++;
			r->has_off = 1;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			p++;
			if (digits(&p, 2, &oh) != 0)
				goto bad;
			if (*p == ':') {
				p++;
				if (digits(&p, 2, &om) != 0)
					goto bad;
			} else if (*p >= '0' && *p <= '9') {
				if (digits(&p, 2, &om) != 0)
					goto bad;
			}
			if (oh > 23 || om > 59) {
				set_err(err, errlen, N_("%.40s: the offset must lie between -23:59 and +23:59"), s);
				return -1;
			}
			r->has_off = 1;
			r->off = sign * (oh * 3600 + om * 60);
		}
		if (*p != '\0')
			goto bad;
	}

	/* a year of 1969 may still be in 1970 in UTC: in_range() decides */
	if (c->y < 1969) {
		set_err(err, errlen,
			N_("%.40s is before 1970: rigbook's times begin at 1970-01-01 00:00 UTC"), s);
		return -1;
	}
	if (c->y > YEAR_MAX) {
		set_err(err, errlen, N_("%.40s: the year must lie between 1970 and %d"), s, YEAR_MAX);
		return -1;
	}
	if (c->mo < 1 || c->mo > 12) {
		set_err(err, errlen, N_("%.40s: there is no month %d"), s, c->mo);
		return -1;
	}
	if (c->d < 1 || c->d > month_days(c->y, c->mo)) {
		set_err(err, errlen, N_("%.40s: %s %d has %d days"), s, month_name(c->mo), c->y,
			month_days(c->y, c->mo));
		return -1;
	}
	if (c->h > 23 || c->mi > 59 || c->s > 59) {
		set_err(err, errlen, N_("%.40s: the time of day must lie between 00:00 and 23:59:59"), s);
		return -1;
	}
	return 0;
bad:
	set_err(err, errlen,
		N_("%.40s is not a time: use YYYY-MM-DD HH:MM (or YYYY-MM-DD), optionally with :SS and an offset such as +08:00 or Z"),
		s);
	return -1;
}

static int parse(const char *s, const char *tz, int until, int64_t *out, char *err,
		 size_t errlen)
{
	struct parsed p;
	struct tz_saved sv;
	int64_t u;
	int rc;
	char shown[RB_TIME_TEXT];

	if (s == NULL) {
		set_err(err, errlen, N_("no time given"));
		return -1;
	}
	if (parse_syntax(s, &p, err, errlen) != 0)
		return -1;
	if (!p.has_time && until) {
		struct civil next;

		civil_from_days(days_from_civil(p.c.y, p.c.mo, p.c.d) + 1, &next);
		p.c.y = next.y;
		p.c.mo = next.mo;
		p.c.d = next.d;
	}
	u = civil_seconds(&p.c);
	if (p.has_off) {
		*out = u - p.off;
		return 0;
	}
	if (tz_enter(tz, &sv, err, errlen) != 0)
		return -1;
	rc = resolve_local(u, !p.has_time, out);
	tz_leave(&sv);
	if (rc < 0) {
		set_err(err, errlen, N_("%.40s cannot be converted to a point in time"), s);
		return -1;
	}
	if (rc > 0) {
		if (p.c.s != 0)
			snprintf(shown, sizeof(shown), "%04d-%02d-%02d %02d:%02d:%02d", p.c.y, p.c.mo,
				 p.c.d, p.c.h, p.c.mi, p.c.s);
		else
			snprintf(shown, sizeof(shown), "%04d-%02d-%02d %02d:%02d", p.c.y, p.c.mo,
				 p.c.d, p.c.h, p.c.mi);
		if (tz == NULL || tz[0] == '\0')
			set_err(err, errlen,
				N_("%s does not exist in the local time zone (the clocks go forward)"),
				shown);
		else
			set_err(err, errlen, N_("%s does not exist in %s (the clocks go forward)"), shown,
				tz);
		return -1;
	}
	return 0;
}

/* Whether t lies in rigbook's range; when not, err says so for the text s. */
static int in_range(const char *s, int64_t t, char *err, size_t errlen)
{
	if (t < RB_TIME_MIN) {
		set_err(err, errlen,
			N_("%.40s is before 1970: rigbook's times begin at 1970-01-01 00:00 UTC"), s);
		return -1;
	}
	if (t > RB_TIME_MAX) {
		set_err(err, errlen, N_("%.40s is after 9999: rigbook's times end with 9999-12-31 UTC"),
			s);
		return -1;
	}
	return 0;
}

int rb_time_parse(const char *s, const char *tz, int64_t *out, char *err, size_t errlen)
{
	int64_t t;

	if (parse(s, tz, 0, &t, err, errlen) != 0 || in_range(s, t, err, errlen) != 0)
		return -1;
	*out = t;
	return 0;
}

int rb_time_parse_until(const char *s, const char *tz, int64_t *out, char *err, size_t errlen)
{
	int64_t t;

	if (parse(s, tz, 1, &t, err, errlen) != 0 || in_range(s, t, err, errlen) != 0)
		return -1;
	*out = t;
	return 0;
}

/* ------------------------------------------------------------ formatting */

static int put(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * Under the lock: whether the wall-clock time of t also names another
 * instant (the hour a daylight-saving change repeats).  The offsets in
 * force six hours either side are the candidates.
 */
static int ambiguous_at(int64_t t)
{
	long here, o[2];

	if (offset_at(t, &here) != 0 || offset_at(t - 6 * 3600, &o[0]) != 0 ||
	    offset_at(t + 6 * 3600, &o[1]) != 0)
		return 0;
	for (int i = 0; i < 2; i++) {
		long there;
		int64_t other = t + here - o[i];

		if (o[i] != here && offset_at(other, &there) == 0 && there == o[i])
			return 1;
	}
	return 0;
}

/* HH:MM, with :SS when secs, and the UTC offset when the time is ambiguous */
static int put_clock(char *buf, size_t len, const struct tm *tm, int secs, int ambiguous)
{
	char off[8] = "";
	long g = tm->tm_gmtoff < 0 ? -tm->tm_gmtoff : tm->tm_gmtoff;

	if (ambiguous)
		snprintf(off, sizeof(off), "%c%02ld:%02ld", tm->tm_gmtoff < 0 ? '-' : '+', g / 3600 % 100,
			 g / 60 % 60);
	if (secs)
		return put(buf, len, "%02d:%02d:%02d%s", tm->tm_hour, tm->tm_min, tm->tm_sec, off);
	return put(buf, len, "%02d:%02d%s", tm->tm_hour, tm->tm_min, off);
}

static int put_datetime(char *buf, size_t len, const struct tm *tm, int secs, int ambiguous)
{
	char clock[24];

	if (put_clock(clock, sizeof(clock), tm, secs, ambiguous) != 0)
		return -1;
	return put(buf, len, "%04d-%02d-%02d %s", tm->tm_year + 1900, tm->tm_mon + 1,
		   tm->tm_mday, clock);
}

int rb_time_format(int64_t t, const char *tz, char *buf, size_t len)
{
	struct tz_saved sv;
	struct tm tm;
	int rc, amb;

	if (len > 0)
		buf[0] = '\0';
	if (tz_enter(tz, &sv, NULL, 0) != 0)
		return -1;
	rc = local_at(t, &tm);
	amb = ambiguous_at(t);
	tz_leave(&sv);
	if (rc != 0)
		return -1;
	return put_datetime(buf, len, &tm, tm.tm_sec != 0, amb);
}

/*
 * Both ends at the same precision (seconds on both when either has them),
 * each with its UTC offset when its local time is ambiguous.
 */
int rb_time_window(int64_t start, int64_t end, const char *tz, char *buf, size_t len)
{
	struct tz_saved sv;
	struct tm a, b, last;
	char sa[RB_TIME_TEXT], sb[RB_TIME_TEXT];
	int rc, amb_a, amb_b, secs;

	if (len > 0)
		buf[0] = '\0';
	if (tz_enter(tz, &sv, NULL, 0) != 0)
		return -1;
	rc = local_at(start, &a) | local_at(end, &b) | local_at(end > start ? end - 1 : end, &last);
	amb_a = ambiguous_at(start);
	amb_b = ambiguous_at(end);
	tz_leave(&sv);
	if (rc != 0)
		return -1;
	secs = a.tm_sec != 0 || b.tm_sec != 0;
	if (a.tm_year == last.tm_year && a.tm_yday == last.tm_yday) {
		if (put_clock(sa, sizeof(sa), &a, secs, amb_a) != 0 ||
		    put_clock(sb, sizeof(sb), &b, secs, amb_b) != 0)
			return -1;
		return put(buf, len, "%s-%s on %04d-%02d-%02d", sa, sb, a.tm_year + 1900,
			   a.tm_mon + 1, a.tm_mday);
	}
	if (put_datetime(sa, sizeof(sa), &a, secs, amb_a) != 0 ||
	    put_datetime(sb, sizeof(sb), &b, secs, amb_b) != 0)
		return -1;
	return put(buf, len, "%s to %s", sa, sb);
}

/* ------------------------------------------------------------ durations */

static const struct {
	char unit;
	int64_t secs;
} units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

#define NUNITS (sizeof(units) / sizeof(units[0]))

int rb_duration_parse(const char *s, int64_t *out, char *err, size_t errlen)
{
	const char *p = s;
	size_t next = 0, i;
	int64_t total = 0, v;

	if (s == NULL || *s == '\0')
		goto bad;
	while (*p != '\0') {
		if (*p < '0' || *p > '9')
			goto bad;
		v = 0;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
			if (v > DURATION_MAX)
				goto too_long;
			p++;
		}
		for (i = next; i < NUNITS && units[i].unit != *p; i++)
			;
		if (i == NUNITS)
			goto bad;
		if (v > DURATION_MAX / units[i].secs)
			goto too_long;
		total += v * units[i].secs;
		if (total > DURATION_MAX)
			goto too_long;
		next = i + 1;
		p++;
	}
	*out = total;
	return 0;
too_long:
	set_err(err, errlen, N_("%.40s is too long a duration"), s);
	return -1;
bad:
	set_err(err, errlen,
		N_("%.40s is not a duration: use numbers with units w, d, h, m, s in that order, e.g. 90m, 2h, 1h30m, 3d"),
		s ? s : "");
	return -1;
}

int rb_duration_format(int64_t secs, char *buf, size_t len)
{
	static const struct {
		char unit;
		int64_t secs;
	} parts[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	size_t i, off = 0;
	int n;

	if (len == 0 || secs < 0)
		return -1;
	buf[0] = '\0';
	if (secs == 0)
		return put(buf, len, "0s");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int64_t q = secs / parts[i].secs;

		if (q == 0)
			continue;
		secs -= q * parts[i].secs;
		n = snprintf(buf + off, len - off, "%lld%c", (long long)q, parts[i].unit);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------ dates */

static int64_t date_days(const struct rb_date *d)
{
	return days_from_civil(d->year, d->month, d->day);
}

static struct rb_date date_from_days(int64_t z)
{
	struct civil c;
	struct rb_date d;

	civil_from_days(z, &c);
	d.year = c.y;
	d.month = c.mo;
	d.day = c.d;
	return d;
}

/* 1 (Monday) to 7 (Sunday); day 0, 1970-01-01, was a Thursday. */
static int weekday_of_days(int64_t z)
{
	int64_t r = (z + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

int rb_date_parse(const char *s, struct rb_date *d, char *err, size_t errlen)
{
	const char *p = s;
	int y, mo, dd;

	if (s == NULL || digits(&p, 4, &y) != 0 || *p++ != '-' || digits(&p, 2, &mo) != 0 ||
	    *p++ != '-' || digits(&p, 2, &dd) != 0 || *p != '\0') {
		set_err(err, errlen, N_("%.40s is not a date: use YYYY-MM-DD"), s != NULL ? s : "");
		return -1;
	}
	if (y < YEAR_MIN || y > YEAR_MAX) {
		set_err(err, errlen, N_("%.40s: the year must lie between %d and %d"), s, YEAR_MIN,
			YEAR_MAX);
		return -1;
	}
	if (mo < 1 || mo > 12) {
		set_err(err, errlen, N_("%.40s: there is no month %d"), s, mo);
		return -1;
	}
	if (dd < 1 || dd > month_days(y, mo)) {
		set_err(err, errlen, N_("%.40s: %s %d has %d days"), s, month_name(mo), y,
			month_days(y, mo));
		return -1;
	}
	d->year = y;
	d->month = mo;
	d->day = dd;
	return 0;
}

void rb_date_format(const struct rb_date *d, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02d", d->year, d->month, d->day);
}

int rb_date_weekday(const struct rb_date *d)
{
	return weekday_of_days(date_days(d));
}

struct rb_date rb_date_add(const struct rb_date *d, int n)
{
	return date_from_days(date_days(d) + n);
}

int64_t rb_date_diff(const struct rb_date *a, const struct rb_date *b)
{
	return date_days(b) - date_days(a);
}

/* Days of the Monday of ISO week 1 of year y: the week holding 4 January. */
static int64_t iso_week1(int y)
{
	int64_t jan4 = days_from_civil(y, 1, 4);

	return jan4 - (weekday_of_days(jan4) - 1);
}

int rb_iso_week_parse(const char *s, struct rb_date *monday, char *err, size_t errlen)
{
	const char *p = s;
	int y, w, weeks;

	if (s == NULL || digits(&p, 4, &y) != 0 || *p++ != '-' || (*p != 'W' && *p != 'w') ||
	    (p++, digits(&p, 2, &w)) != 0 || *p != '\0') {
		set_err(err, errlen, N_("%.40s is not a week: use YYYY-Www, e.g. 2026-W49"),
			s != NULL ? s : "");
		return -1;
	}
	if (y < YEAR_MIN || y > YEAR_MAX) {
		set_err(err, errlen, N_("%.40s: the year must lie between %d and %d"), s, YEAR_MIN,
			YEAR_MAX);
		return -1;
	}
	weeks = (int)((iso_week1(y + 1) - iso_week1(y)) / 7);
	if (w < 1 || w > weeks) {
		set_err(err, errlen, N_("%.40s: %d has weeks W01 to W%02d"), s, y, weeks);
		return -1;
	}
	*monday = date_from_days(iso_week1(y) + 7 * (int64_t)(w - 1));
	return 0;
}

void rb_iso_week(const struct rb_date *d, int *year, int *week)
{
	int64_t z = date_days(d), thursday = z - weekday_of_days(z) + 4;
	struct rb_date t = date_from_days(thursday);

	*year = t.year;
	*week = (int)((thursday - days_from_civil(t.year, 1, 1)) / 7) + 1;
}

void rb_iso_week_format(const struct rb_date *d, char *buf, size_t len)
{
	int y, w;

	rb_iso_week(d, &y, &w);
	snprintf(buf, len, "%04d-W%02d", y, w);
}

int rb_time_local(int64_t t, const char *tz, struct rb_date *d, int *minute)
{
	struct tz_saved sv;
	struct tm tm;
	int rc;

	if (tz_enter(tz, &sv, NULL, 0) != 0)
		return -1;
	rc = local_at(t, &tm);
	tz_leave(&sv);
	if (rc != 0)
		return -1;
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
	if (minute != NULL)
		*minute = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}

int rb_time_at(const struct rb_date *d, int minute, const char *tz, int64_t *out)
{
	struct tz_saved sv;
	int rc;

	if (minute < 0 || minute > 1440 || d->month < 1 || d->month > 12 || d->day < 1 ||
	    d->day > month_days(d->year, d->month))
		return -1;
	if (tz_enter(tz, &sv, NULL, 0) != 0)
		return -1;
	rc = resolve_local(date_days(d) * 86400 + (int64_t)minute * 60, 1, out);
	tz_leave(&sv);
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ weekly hours */

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/*
 * A day as the messages name it (1 Monday to 7 Sunday): the client's
 * catalogue words it in context "weekly" (client/i18n.c), looked up as
 * pgettext does; what the catalogue lacks stays "mon".
 */
static const char *day_word(int weekday)
{
	static const char *const keys[7] = {
		"weekly\004mon", "weekly\004tue", "weekly\004wed", "weekly\004thu",
		"weekly\004fri", "weekly\004sat", "weekly\004sun",
	};
	const char *t = tr(keys[weekday - 1]);

	return t == keys[weekday - 1] ? day_names[weekday - 1] : t;
}

const char *rb_weekday_name(int weekday)
{
	return weekday >= 1 && weekday <= 7 ? day_names[weekday - 1] : "?";
}

void rb_minute_format(int minute, char *buf, size_t len)
{
	if (minute < 0 || minute > 1440)
		snprintf(buf, len, "??:??");
	else
		snprintf(buf, len, "%02d:%02d", minute / 60, minute % 60);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* [*s, *e) without the blanks around it. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

/* The day named by [s, e) (case ignored): 1-7, or 0. */
static int day_number(const char *s, const char *e)
{
	if (e - s != 3)
		return 0;
	for (int i = 0; i < 7; i++) {
		int k;

		for (k = 0; k < 3; k++) {
			char c = s[k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != day_names[i][k])
				break;
		}
		if (k == 3)
			return i + 1;
	}
	return 0;
}

/* "HH:MM" exactly, [s, e): minutes, or -1. */
static int clock_minutes(const char *s, const char *e)
{
	int h, m;

	if (e - s != 5 || s[2] != ':' || digits(&s, 2, &h) != 0 || (s++, digits(&s, 2, &m)) != 0)
		return -1;
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* One window "HH:MM-HH:MM" in [s, e); ctx names the enclosing part for messages. */
static int parse_window(const char *s, const char *e, const char *ctx, struct rb_day_window *w,
			char *err, size_t errlen)
{
	const char *dash, *a, *ae, *b, *be;
	int n;

	trim(&s, &e);
	n = (int)(e - s);
	for (dash = s; dash < e && *dash != '-'; dash++)
		;
	if (s == e) {
		set_err(err, errlen, N_("in '%.80s': an empty window (a comma too many?)"), ctx);
		return -1;
	}
	if (dash == e) {
		set_err(err, errlen, N_("in '%.80s': '%.*s' is not a window: use HH:MM-HH:MM"), ctx,
			n > 40 ? 40 : n, s);
		return -1;
	}
	a = s;
	ae = dash;
	b = dash + 1;
	be = e;
	trim(&a, &ae);
	trim(&b, &be);
	w->opens = clock_minutes(a, ae);
	w->closes = clock_minutes(b, be);
	if (w->opens < 0 || w->opens == 1440) {
		set_err(err, errlen,
			N_("in '%.80s': '%.*s' is not a time of day: use HH:MM from 00:00 to 23:59"), ctx,
			(int)(ae - a) > 40 ? 40 : (int)(ae - a), a);
		return -1;
	}
	if (w->closes < 0) {
		set_err(err, errlen,
			N_("in '%.80s': '%.*s' is not a time of day: use HH:MM from 00:00 to 24:00"), ctx,
			(int)(be - b) > 40 ? 40 : (int)(be - b), b);
		return -1;
	}
	if (w->closes <= w->opens) {
		set_err(err, errlen,
			N_("in '%.80s': %.*s closes before it opens (a window ends by 24:00 the same day)"),
			ctx, n > 40 ? 40 : n, s);
		return -1;
	}
	return 0;
}

/* A comma list of windows in [s, e), appended to out[*n..max). */
static int parse_windows(const char *s, const char *e, const char *ctx,
			 struct rb_day_window *out, size_t max, size_t *n, char *err,
			 size_t errlen)
{
	const char *p = s;

	for (;;) {
		const char *c = p;

		while (c < e && *c != ',')
			c++;
		if (*n >= max) {
			set_err(err, errlen, N_("more than %zu windows"), max);
			return -1;
		}
		if (parse_window(p, c, ctx, &out[*n], err, errlen) != 0)
			return -1;
		(*n)++;
		if (c == e)
			return 0;
		p = c + 1;
	}
}

static int cmp_day_window(const void *a, const void *b)
{
	const struct rb_day_window *x = a, *y = b;

	return x->opens != y->opens ? (x->opens > y->opens) - (x->opens < y->opens)
				    : (x->closes > y->closes) - (x->closes < y->closes);
}

static int cmp_weekly_window(const void *a, const void *b)
{
	const struct rb_weekly_window *x = a, *y = b;

	if (x->weekday != y->weekday)
		return x->weekday - y->weekday;
	if (x->opens != y->opens)
		return x->opens - y->opens;
	return x->closes - y->closes;
}

static void overlap_err(const char *day, const struct rb_day_window *a,
			const struct rb_day_window *b, char *err, size_t errlen)
{
	char a1[8], a2[8], b1[8], b2[8];

	rb_minute_format(a->opens, a1, sizeof(a1));
	rb_minute_format(a->closes, a2, sizeof(a2));
	rb_minute_format(b->opens, b1, sizeof(b1));
	rb_minute_format(b->closes, b2, sizeof(b2));
	if (day[0] != '\0')
		set_err(err, errlen, N_("%s: %s-%s and %s-%s overlap"), day, a1, a2, b1, b2);
	else
		set_err(err, errlen, N_("%s-%s and %s-%s overlap"), a1, a2, b1, b2);
}

int rb_day_windows_parse(const char *s, struct rb_day_window *out, size_t max, size_t *n,
			 char *err, size_t errlen)
{
	const char *e;

	*n = 0;
	if (s == NULL) {
		set_err(err, errlen, N_("no windows given: use HH:MM-HH:MM[,HH:MM-HH:MM...]"));
		return -1;
	}
	e = s + strlen(s);
	trim(&s, &e);
	if (s == e) {
		set_err(err, errlen, N_("no windows given: use HH:MM-HH:MM[,HH:MM-HH:MM...]"));
		return -1;
	}
	if (parse_windows(s, e, s, out, max, n, err, errlen) != 0)
		return -1;
	qsort(out, *n, sizeof(*out), cmp_day_window);
	for (size_t i = 1; i < *n; i++) {
		if (out[i].opens < out[i - 1].closes) {
			overlap_err("", &out[i - 1], &out[i], err, errlen);
			return -1;
		}
	}
	return 0;
}

/* The days of [s, e), "mon-fri,sun", as a bit set (bit 1 Monday .. 7 Sunday). */
static int parse_days(const char *s, const char *e, const char *ctx, unsigned *set,
		      char *err, size_t errlen)
{
	const char *p = s;

	*set = 0;
	for (;;) {
		const char *c = p, *dash, *a, *ae, *b, *be;
		int d1, d2, range = 0;

		while (c < e && *c != ',')
			c++;
		a = p;
		ae = c;
		trim(&a, &ae);
		if (a == ae) {
			set_err(err, errlen, N_("in '%.80s': an empty day (a comma too many?)"), ctx);
			return -1;
		}
		for (dash = a; dash < ae && *dash != '-'; dash++)
			;
		b = be = ae;
		if (dash < ae) {
			range = 1;
			b = dash + 1;
			ae = dash;
			trim(&a, &ae);
			trim(&b, &be);
		}
		d1 = day_number(a, ae);
		if (d1 == 0) {
			set_err(err, errlen,
				N_("in '%.80s': '%.*s' is not a day: use mon, tue, wed, thu, fri, sat or sun"),
				ctx, (int)(ae - a) > 40 ? 40 : (int)(ae - a), a);
			return -1;
		}
		d2 = d1;
		if (range) {
			d2 = day_number(b, be);
			if (d2 == 0) {
				set_err(err, errlen,
					N_("in '%.80s': '%.*s' is not a day: use mon, tue, wed, thu, fri, sat or sun"),
					ctx, (int)(be - b) > 40 ? 40 : (int)(be - b), b);
				return -1;
			}
			if (d2 == d1) {
				set_err(err, errlen, N_("in '%.80s': the day range %s-%s is one day: write %s"),
					ctx, day_names[d1 - 1], day_names[d2 - 1], day_names[d1 - 1]);
				return -1;
			}
			if (d2 < d1) {
				set_err(err, errlen,
					N_("in '%.80s': a day range runs forward from mon to sun: write %s%s%s,mon%s%s instead of %s-%s"),
					ctx, day_names[d1 - 1], d1 < 7 ? "-" : "", d1 < 7 ? "sun" : "",
					d2 > 1 ? "-" : "", d2 > 1 ? day_names[d2 - 1] : "",
					day_names[d1 - 1], day_names[d2 - 1]);
				return -1;
			}
		}
		for (int d = d1; d <= d2; d++) {
			if (*set & (1u << d)) {
				set_err(err, errlen, N_("in '%.80s': %s is named twice"), ctx,
					day_word(d));
				return -1;
			}
			*set |= 1u << d;
		}
		if (c == e)
			return 0;
		p = c + 1;
	}
}

int rb_weekly_parse(const char *spec, struct rb_weekly_window *out, size_t max, size_t *n,
		    char *err, size_t errlen)
{
	struct rb_day_window wins[128];
	const char *p = spec, *end;
	char ctx[128];

	*n = 0;
	if (spec == NULL)
		spec = p = "";
	end = spec + strlen(spec);
	while (p <= end) {
		const char *g = p, *ge, *t;
		size_t nw = 0;
		unsigned days;

		for (ge = g; ge < end && *ge != ';'; ge++)
			;
		p = ge + 1;
		trim(&g, &ge);
		if (g == ge)
			continue;
		snprintf(ctx, sizeof(ctx), "%.*s", (int)(ge - g), g);
		for (t = g; t < ge && !(*t >= '0' && *t <= '9'); t++)
			;
		if (t == g) {
			set_err(err, errlen, N_("in '%.80s': say which days first (e.g. mon-fri 08:30-12:00)"),
				ctx);
			return -1;
		}
		if (t == ge) {
			set_err(err, errlen,
				N_("in '%.80s': no times given after the days (e.g. mon-fri 08:30-12:00)"), ctx);
			return -1;
		}
		if (parse_days(g, t, ctx, &days, err, errlen) != 0)
			return -1;
		if (parse_windows(t, ge, ctx, wins, sizeof(wins) / sizeof(wins[0]), &nw, err,
				  errlen) != 0)
			return -1;
		for (int d = 1; d <= 7; d++) {
			if (!(days & (1u << d)))
				continue;
			for (size_t i = 0; i < nw; i++) {
				if (*n >= max) {
					set_err(err, errlen, N_("more than %zu windows in a week"), max);
					return -1;
				}
				out[*n].weekday = d;
				out[*n].opens = wins[i].opens;
				out[*n].closes = wins[i].closes;
				(*n)++;
			}
		}
	}
	if (*n == 0) {
		set_err(err, errlen, N_("no opening hours given (e.g. 'mon-fri 08:30-12:00,13:30-18:00; sat 09:00-12:00')"));
		return -1;
	}
	qsort(out, *n, sizeof(*out), cmp_weekly_window);
	for (size_t i = 1; i < *n; i++) {
		if (out[i].weekday == out[i - 1].weekday && out[i].opens < out[i - 1].closes) {
			struct rb_day_window a = { out[i - 1].opens, out[i - 1].closes };
			struct rb_day_window b = { out[i].opens, out[i].closes };

			overlap_err(day_word(out[i].weekday), &a, &b, err, errlen);
			return -1;
		}
	}
	return 0;
}

/* Append text to buf at *off; -1 when it does not fit. */
static int append(char *buf, size_t len, size_t *off, const char *s)
{
	size_t n = strlen(s);

	if (*off + n >= len)
		return -1;
	memcpy(buf + *off, s, n + 1);
	*off += n;
	return 0;
}

static int append_windows(char *buf, size_t len, size_t *off, const struct rb_day_window *w,
			  size_t n)
{
	char a[8], b[8], one[24];

	for (size_t i = 0; i < n; i++) {
		if (w[i].opens < 0 || w[i].closes > 1440 || w[i].opens >= w[i].closes)
			return -1;
		rb_minute_format(w[i].opens, a, sizeof(a));
		rb_minute_format(w[i].closes, b, sizeof(b));
		snprintf(one, sizeof(one), "%s%s-%s", i > 0 ? "," : "", a, b);
		if (append(buf, len, off, one) != 0)
			return -1;
	}
	return 0;
}

int rb_day_windows_format(const struct rb_day_window *w, size_t n, char *buf, size_t len)
{
	struct rb_day_window *s;
	size_t off = 0;
	int rc;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (n == 0)
		return 0;
	s = malloc(n * sizeof(*s));
	if (s == NULL)
		return -1;
	memcpy(s, w, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_day_window);
	rc = append_windows(buf, len, &off, s, n);
	free(s);
	return rc;
}

int rb_weekly_format(const struct rb_weekly_window *w, size_t n, char *buf, size_t len)
{
	struct rb_weekly_window *s;
	size_t first[8] = { 0 }, count[8] = { 0 }, off = 0;
	unsigned done = 0;
	int rc = 0;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (n == 0)
		return 0;
	s = malloc(n * sizeof(*s));
	if (s == NULL)
		return -1;
	memcpy(s, w, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_weekly_window);
	for (size_t i = 0; i < n; i++) {
		if (s[i].weekday < 1 || s[i].weekday > 7) {
			free(s);
			return -1;
		}
		if (count[s[i].weekday]++ == 0)
			first[s[i].weekday] = i;
	}
	for (int d = 1; d <= 7 && rc == 0; d++) {
		unsigned group = 0;
		struct rb_day_window dw[128];
		size_t nd = count[d];

		if (nd == 0 || (done & (1u << d)))
			continue;
		/* every later day with exactly these windows joins the group */
		for (int e = d; e <= 7; e++) {
			int same = count[e] == nd;

			for (size_t k = 0; same && k < nd; k++)
				same = s[first[e] + k].opens == s[first[d] + k].opens &&
				       s[first[e] + k].closes == s[first[d] + k].closes;
			if (same)
				group |= 1u << e;
		}
		done |= group;
		if (off > 0)
			rc |= append(buf, len, &off, "; ");
		/* the days as runs: mon-fri,sun */
		for (int a = 1, firstrun = 1; a <= 7 && rc == 0; a++) {
			int b = a;

			if (!(group & (1u << a)))
				continue;
			while (b < 7 && (group & (1u << (b + 1))))
				b++;
			if (!firstrun)
				rc |= append(buf, len, &off, ",");
			rc |= append(buf, len, &off, day_names[a - 1]);
			if (b > a) {
				rc |= append(buf, len, &off, "-");
				rc |= append(buf, len, &off, day_names[b - 1]);
			}
			firstrun = 0;
			a = b;
		}
		rc |= append(buf, len, &off, " ");
		if (nd > sizeof(dw) / sizeof(dw[0])) {
			rc = -1;
			break;
		}
		for (size_t k = 0; k < nd; k++) {
			dw[k].opens = s[first[d] + k].opens;
			dw[k].closes = s[first[d] + k].closes;
		}
		if (rc == 0)
			rc = append_windows(buf, len, &off, dw, nd);
	}
	free(s);
	return rc == 0 ? 0 : -1;
}
