#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rigbook/rbtime.h"

#define DOMAIN "rigbook"

#ifndef RIGBOOK_LOCALEDIR
#define RIGBOOK_LOCALEDIR "/usr/local/share/locale"
#endif

/* glibc's counter of catalogue changes: bumped, it forgets translations looked up so far */
extern int _nl_msg_cat_cntr;

static int plain;

int i18n_plain(int on)
{
	int was = plain;

	plain = on;
	return was;
}

const char *i18n_gettext(const char *msgid)
{
	return plain ? msgid : gettext(msgid);
}

const char *i18n_pgettext(const char *ctx_msgid, const char *msgid)
{
	const char *t;

	if (plain)
		return msgid;
	t = dcgettext(DOMAIN, ctx_msgid, LC_MESSAGES);

	return t == ctx_msgid ? msgid : t;
}

static int is_c(const char *l)
{
	return l == NULL || l[0] == '\0' || strcmp(l, "C") == 0 || strcmp(l, "POSIX") == 0;
}

/* The environment's locale for messages, as setlocale(LC_MESSAGES, "") reads it. */
static const char *env_messages(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && v[0] != '\0')
			return v;
	}
	return NULL;
}

/* BUILD/po when the executable is BUILD/client/rigbook in a meson build tree. */
static int build_tree_dir(char *dir, size_t len)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	snprintf(probe, sizeof(probe), "%s/../build.ninja", exe);
	if (stat(probe, &st) != 0)
		return -1;
	if ((size_t)snprintf(dir, len, "%s/../po", exe) >= len || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return -1;
	return 0;
}

static void use_language(const char *lang)
{
	const char *m;

	setenv("LANGUAGE", lang, 1);
	/* gettext ignores LANGUAGE under the C locale: C.UTF-8 is not that */
	m = setlocale(LC_MESSAGES, NULL);
	if (is_c(m))
		setlocale(LC_MESSAGES, "C.UTF-8");
	++_nl_msg_cat_cntr;
}

void i18n_init(void)
{
	const char *dir = getenv("RIGBOOK_LOCALEDIR");
	char built[PATH_MAX];

	if (setlocale(LC_CTYPE, "") == NULL)
		setlocale(LC_CTYPE, "C.UTF-8");
	if (setlocale(LC_MESSAGES, "") == NULL) {
		/* the locale is not installed here; its language may be */
		const char *want = env_messages(), *lang = getenv("LANGUAGE");

		setlocale(LC_MESSAGES, "C.UTF-8");
		if (lang != NULL && lang[0] != '\0')
			use_language(lang);
		else if (!is_c(want))
			use_language(want);
	}
	if (dir == NULL || dir[0] == '\0')
		dir = build_tree_dir(built, sizeof(built)) == 0 ? built : RIGBOOK_LOCALEDIR;
	bindtextdomain(DOMAIN, dir);
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	textdomain(DOMAIN);
	/* the time parser's messages (common/rbtime.c) in the same words */
	rb_time_translate = i18n_gettext;
}

void i18n_set_language(const char *language)
{
	if (language != NULL && language[0] != '\0')
		use_language(language);
}

int i18n_zh(void)
{
	/* the header of the catalogue in use: none under C and English */
	const char *empty = "", *h = gettext(empty);
	const char *l = h != NULL ? strstr(h, "Language: ") : NULL;

	return l != NULL && strncmp(l + 10, "zh", 2) == 0;
}

const char *i18n_name(const char *name, const char *zh)
{
	if (zh != NULL && zh[0] != '\0' && i18n_zh())
		return zh;
	return name != NULL ? name : "";
}

/* The days of a weekly text ("mon-fri 08:30-12:00"), looked up by detail_weekdays_local. */
static const char *const weekly_days[] = {
	NC_("weekly", "mon"), NC_("weekly", "tue"), NC_("weekly", "wed"), NC_("weekly", "thu"),
	NC_("weekly", "fri"), NC_("weekly", "sat"), NC_("weekly", "sun"),
};

const char *i18n_weekday_lower(int weekday)
{
	char key[16];

	if (weekday < 1 || weekday > 7)
		return "?";
	snprintf(key, sizeof(key), "weekly\004%s", weekly_days[weekday - 1]);
	return i18n_pgettext(key, weekly_days[weekday - 1]);
}

const char *i18n_weekday(int weekday)
{
	static const char *const names[7] = {
		N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"),
	};

	return weekday >= 1 && weekday <= 7 ? _(names[weekday - 1]) : "?";
}

const char *i18n_kind(const char *name)
{
	static const char *const kinds[] = {
		NC_("kind", "instrument"), NC_("kind", "test_facility"), NC_("kind", "machining"),
		NC_("kind", "pilot_line"), NC_("kind", "workspace"),
	};
	char key[64];

	if (name == NULL)
		return "";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i], name) != 0)
			continue;
		snprintf(key, sizeof(key), "kind\004%s", name);
		return i18n_pgettext(key, kinds[i]);
	}
	return name;
}

const char *i18n_role(const char *name)
{
	static const char *const roles[] = {
		NC_("role", "member"), NC_("role", "manager"), NC_("role", "operator"),
		NC_("role", "admin"),
	};
	char key[64];

	if (name == NULL)
		return "";
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(roles[i], name) != 0)
			continue;
		snprintf(key, sizeof(key), "role\004%s", name);
		return i18n_pgettext(key, roles[i]);
	}
	return name;
}

const char *i18n_state(const char *name)
{
	static const char *const states[][2] = {
		{ "requested", NC_("state", "requested") },
		{ "confirmed", NC_("state", "confirmed") },
		{ "declined", NC_("state", "declined") },
		{ "cancelled", NC_("state", "cancelled") },
		{ "checked_in", NC_("state", "checked_in") },
		{ "completed", NC_("state", "completed") },
		{ "no_show", NC_("state", "no_show") },
		{ "waiting", NC_("state", "waiting") },
		{ "promoted", NC_("state", "promoted") },
		{ "withdrawn", NC_("state", "withdrawn") },
		{ "expired", NC_("state", "expired") },
	};
	char key[64];

	if (name == NULL)
		return "";
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		if (strcmp(states[i][0], name) != 0)
			continue;
		snprintf(key, sizeof(key), "state\004%s", name);
		return i18n_pgettext(key, states[i][0]);
	}
	return name;
}
